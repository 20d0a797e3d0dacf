using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using static Compiled.Tests.Windowing.WindowFnTestUtils;

namespace Compiled.Tests.Windowing;

/// <summary>Beam's SessionsTest, ported, plus negative timestamps and the end of time.</summary>
public class SessionsTests
{
    // Beam SessionsTest.testSimple: sessions exactly one gap apart only touch, so they do not merge.
    [Fact]
    public void Simple() =>
        AssertWindows(
            [(W(0, 10), [0]), (W(10, 20), [10]), (W(101, 111), [101])],
            RunWindowFn(new Sessions(10), 0, 10, 101));

    // Beam SessionsTest.testConsecutive: elements less than a gap apart form one session ending a gap after the last.
    [Fact]
    public void Consecutive() =>
        AssertWindows(
            [(W(1, 19), [1, 2, 5, 9]), (W(100, 111), [100, 101])],
            RunWindowFn(new Sessions(10), 1, 2, 5, 9, 100, 101));

    // Beam SessionsTest.testMerging: out-of-order elements bridge sessions that then merge.
    [Fact]
    public void Merging_OutOfOrderElementsBridgeSessions() =>
        AssertWindows(
            [(W(1, 40), [1, 10, 15, 22, 30]), (W(95, 111), [95, 100, 101])],
            RunWindowFn(new Sessions(10), 1, 15, 30, 100, 101, 95, 22, 10));

    // Beam SessionsTest.testTimeUnit: a one-second gap built from a TimeSpan.
    [Fact]
    public void TimeUnit() =>
        AssertWindows(
            [(W(1, 2000), [1, 2, 1000]), (W(5000, 6001), [5000, 5001]), (W(10000, 11000), [10000])],
            RunWindowFn(WindowFns.Sessions(TimeSpan.FromSeconds(1)), 1, 2, 1000, 5000, 5001, 10000));

    // Beam SessionsTest.testEquality: sessions are compatible whatever their gaps (they merge the same way).
    [Fact]
    public void Equality_CompatibleWithAnyGap()
    {
        Assert.True(new Sessions(10).IsCompatible(new Sessions(10)));
        Assert.True(new Sessions(10).IsCompatible(new Sessions(20)));
        Assert.False(new Sessions(10).IsCompatible(new FixedWindows(10)));
        Assert.NotEqual(new Sessions(10), new Sessions(20));
    }

    // Beam SessionsTest.testValidOutputTimes: the output time is the input timestamp, within the session.
    [Theory]
    [InlineData(200)]
    [InlineData(800)]
    [InlineData(700)]
    public void ValidOutputTimes(long timestamp)
    {
        var fn = new Sessions(500);
        var window = fn.AssignWindow(new Instant(timestamp));
        Assert.Equal(W(timestamp, timestamp + 500), window);
        Assert.Equal(new Instant(timestamp), fn.GetOutputTime(new Instant(timestamp), window));
    }

    // Beam SessionsTest.testInvalidOutputAtEarliest and testValidOutputAtEndTimes
    // (WindowFnTestUtils.validateGetOutputTimestamps): two keys' sessions {1, 3} -> [1, 13) and
    // {0, 5, 10, 15, 20} -> [0, 30). With EARLIEST the later-ending session outputs at 0, before the
    // earlier session's end (12): it holds that window's watermark back. With END_OF_WINDOW it
    // outputs at 29, after 12, so overlapping sessions do not hold each other up.
    [Theory]
    [InlineData(TimestampCombiner.Earliest, 1, 0, false)]
    [InlineData(TimestampCombiner.EndOfWindow, 12, 29, true)]
    public void OutputTimes_OfOverlappingSessions(TimestampCombiner combiner, long firstOutput, long secondOutput, bool laterPassesEarlierEnd)
    {
        var fn = new Sessions(10);
        long[][] keys = [[1, 3], [0, 5, 10, 15, 20]];
        var windows = new List<BoundedWindow>();
        var outputs = new List<Instant>();
        foreach (long[] timestamps in keys)
        {
            var merged = RunWindowFn(fn, timestamps).Single().Key;
            windows.Add(merged);
            outputs.Add(combiner.Combine(timestamps.Select(t => combiner.AssignOutputTime(fn, merged, new Instant(t))).ToArray()));
        }

        Assert.Equal([W(1, 13), W(0, 30)], windows);
        Assert.Equal([new Instant(firstOutput), new Instant(secondOutput)], outputs);
        Assert.Equal(laterPassesEarlierEnd, outputs[1] > windows[0].MaxTimestamp);
    }

    // Beam's Sessions cannot window side inputs.
    [Fact]
    public void SideInputWindow_NotSupported() =>
        Assert.Throws<NotSupportedException>(() => new Sessions(10).GetSideInputWindow(W(0, 10)));

    // We refuse a gap Beam would accept but which makes empty windows (deviation, see Sessions remarks).
    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void NonPositiveGap_Throws(long gap) =>
        Assert.Throws<ArgumentException>(() => new Sessions(gap));

    // Negative timestamps merge like any others: [-5, -2) and [-3, 0) overlap; [-5, -2) and [-1, 2) do not.
    [Fact]
    public void NegativeTimestamps()
    {
        AssertWindows([(W(-5, 0), [-5, -3])], RunWindowFn(new Sessions(3), -5, -3));
        AssertWindows([(W(-5, -2), [-5]), (W(-1, 2), [-1])], RunWindowFn(new Sessions(3), -5, -1));
    }

    // Sessions are merging, one proto-window per element; Instant.MaxValue's session starts there (not truncated, as in Beam).
    [Fact]
    public void Shape_AndEndOfTime()
    {
        var fn = new Sessions(10);
        Assert.True(fn.IsMerging);
        Assert.False(fn.AssignsToOneWindow);
        Assert.Equal(1, fn.MaxWindowsPerElement);
        Assert.Equal([W(Instant.MaxValue.Millis, Instant.MaxValue.Millis + 10)], Assigned(fn, Instant.MaxValue.Millis));
        Assert.Equal([W(Instant.MinValue.Millis, Instant.MinValue.Millis + 10)], Assigned(fn, Instant.MinValue.Millis));
    }
}
