using System;
using System.Linq;
using Xunit;
using static Compiled.Tests.Windowing.WindowFnTestUtils;

namespace Compiled.Tests.Windowing;

/// <summary>Beam's SlidingWindowsTest, ported, plus negative timestamps, boundaries and the ends of time.</summary>
public class SlidingWindowsTests
{
    // Beam SlidingWindowsTest.testSimple: size 10 every 5; each element in the two windows containing it.
    [Fact]
    public void Simple() =>
        AssertWindows(
            [(W(-5, 5), [1, 2]), (W(0, 10), [1, 2, 5, 9]), (W(5, 15), [5, 9, 10, 11]), (W(10, 20), [10, 11])],
            RunWindowFn(new SlidingWindows(10, 5), 1, 2, 5, 9, 10, 11));

    // Beam SlidingWindowsTest.testSlightlyOverlapping: size 7 every 5; some elements in one window, some in two.
    [Fact]
    public void SlightlyOverlapping() =>
        AssertWindows(
            [(W(-5, 2), [1]), (W(0, 7), [1, 2, 5]), (W(5, 12), [5, 9, 10, 11]), (W(10, 17), [10, 11])],
            RunWindowFn(new SlidingWindows(7, 5), 1, 2, 5, 9, 10, 11));

    // Beam SlidingWindowsTest.testElidings: size 3 every 10 leaves gaps; 3, 5 and 9 fall in no window.
    [Fact]
    public void Elidings_PeriodLongerThanSize_LeavesElementsWithoutWindows()
    {
        AssertWindows(
            [(W(0, 3), [1, 2]), (W(10, 13), [10, 11]), (W(100, 103), [100])],
            RunWindowFn(new SlidingWindows(3, 10), 1, 2, 3, 5, 9, 10, 11, 100));
        Assert.Empty(Assigned(new SlidingWindows(3, 10), 5));
    }

    // Beam SlidingWindowsTest.testOffset: size 10 every 5, offset 2.
    [Fact]
    public void Offset() =>
        AssertWindows(
            [(W(-8, 2), [1]), (W(-3, 7), [1, 2, 5]), (W(2, 12), [2, 5, 9, 10, 11]), (W(7, 17), [9, 10, 11])],
            RunWindowFn(new SlidingWindows(10, 5, 2), 1, 2, 5, 9, 10, 11));

    // Beam SlidingWindowsTest.testTimeUnit: 10 s windows every 5 s, built from TimeSpans.
    [Fact]
    public void TimeUnit() =>
        AssertWindows(
            [
                (W(-5000, 5000), [1, 2, 1000]),
                (W(0, 10000), [1, 2, 1000, 5000, 5001]),
                (W(5000, 15000), [5000, 5001, 10000]),
                (W(10000, 20000), [10000]),
            ],
            RunWindowFn(WindowFns.Sliding(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)), 1, 2, 1000, 5000, 5001, 10000));

    // Beam SlidingWindowsTest.testDefaultPeriods: the largest of 1 h, 1 min, 1 s, 1 ms shorter than the size.
    [Theory]
    [InlineData(86_400_000L, 3_600_000L)]
    [InlineData(7_200_000L, 3_600_000L)]
    [InlineData(3_600_000L, 60_000L)]
    [InlineData(600_000L, 60_000L)]
    [InlineData(60_000L, 1_000L)]
    [InlineData(10_000L, 1_000L)]
    [InlineData(1_000L, 1L)]
    [InlineData(10L, 1L)]
    [InlineData(1L, 1L)]
    public void DefaultPeriods(long size, long period)
    {
        Assert.Equal(period, SlidingWindows.DefaultPeriodMillis(size));
        Assert.Equal(period, WindowFns.Sliding(TimeSpan.FromMilliseconds(size)).PeriodMillis);
    }

    // Beam SlidingWindowsTest.testEquality: compatible iff same size, period and offset.
    [Fact]
    public void Equality_CompatibleOnlyWithSameParameters()
    {
        var fn = new SlidingWindows(10, 5);
        Assert.True(fn.IsCompatible(new SlidingWindows(10, 5)));
        Assert.False(fn.IsCompatible(new SlidingWindows(20, 5)));
        Assert.False(fn.IsCompatible(new SlidingWindows(10, 5, 1)));
        Assert.False(fn.IsCompatible(new SlidingWindows(10, 2)));
        Assert.False(new SlidingWindows(10, 10).IsCompatible(new FixedWindows(10)));
    }

    // Beam SlidingWindowsTest.testGetSideInputWindow: the earliest window containing the main window's end.
    [Theory]
    [InlineData(1041, 340)] // prior
    [InlineData(1339, 340)]
    [InlineData(1340, 340)] // aligned
    [InlineData(1341, 640)] // after
    public void GetSideInputWindow(long mainEnd, long expectedStart)
    {
        var fn = new SlidingWindows(1000, 300, 40); // [40, 1040), [340, 1340), [640, 1640) ...
        Assert.Equal(W(expectedStart, expectedStart + 1000), fn.GetSideInputWindow(W(0, mainEnd)));
        Assert.Throws<ArgumentException>(() => fn.GetSideInputWindow(BoundedWindow.Global));
    }

    // Beam SlidingWindowsTest.testValidOutputTimes (WindowFnTestUtils.validateGetOutputTimestamp): in
    // windows ordered by end, the first output time lies in [input, max]; each later one is after the
    // previous window's max timestamp, so later windows never hold back earlier ones.
    [Theory]
    [InlineData(200)]
    [InlineData(800)]
    [InlineData(499)]
    [InlineData(500)]
    [InlineData(501)]
    [InlineData(700)]
    [InlineData(1000)]
    public void ValidOutputTimes_DoNotHoldBackEarlierWindows(long timestamp)
    {
        var fn = new SlidingWindows(1000, 500);
        var input = new Instant(timestamp);
        Instant? endOfPrevious = null;
        foreach (var window in Assigned(fn, timestamp).OrderBy(w => w.MaxTimestamp.Millis))
        {
            Instant output = fn.GetOutputTime(input, window);
            Assert.True(output <= window.MaxTimestamp);
            Assert.True(endOfPrevious is null ? output >= input : output > endOfPrevious.Value);
            endOfPrevious = window.MaxTimestamp;
        }
    }

    // Beam SlidingWindowsTest.testOutputTimesNonInterference: every output time lies in [input, window max].
    [Theory]
    [InlineData(200)]
    [InlineData(800)]
    [InlineData(700)]
    public void OutputTimes_NonInterference(long timestamp)
    {
        var fn = new SlidingWindows(1000, 500);
        foreach (var window in Assigned(fn, timestamp))
        {
            Instant output = fn.GetOutputTime(new Instant(timestamp), window);
            Assert.InRange(output.Millis, timestamp, window.MaxTimestamp.Millis);
        }
    }

    // Beam SlidingWindows.getOutputTime, exact values: 700 stays 700 in [0, 1000) (its earliest
    // window) and moves to 1000 = (1499 - 500) + 1 in [500, 1500).
    [Fact]
    public void GetOutputTime_ShiftsPastPreviousWindow()
    {
        var fn = new SlidingWindows(1000, 500);
        Assert.Equal(new Instant(700), fn.GetOutputTime(new Instant(700), W(0, 1000)));
        Assert.Equal(new Instant(1000), fn.GetOutputTime(new Instant(700), W(500, 1500)));
        Assert.Equal(new Instant(1200), fn.GetOutputTime(new Instant(1200), W(500, 1500)));
    }

    // Beam's loop order: latest window first. A timestamp at a window's end is not in that window.
    [Fact]
    public void WindowsComeLatestFirst_AndEndsAreExclusive() =>
        Assert.Equal([W(10, 20), W(5, 15)], Assigned(new SlidingWindows(10, 5), 10));

    // Negative timestamps: each element is in exactly the windows containing it. (Beam's Java, with
    // its truncating %, gives -16 the windows [-15, -5) and [-20, -10), the first of which misses it.)
    [Theory]
    [InlineData(-1, -5, -10)]
    [InlineData(-5, -5, -10)]
    [InlineData(-6, -10, -15)]
    [InlineData(-16, -20, -25)]
    public void NegativeTimestamps(long timestamp, long firstStart, long secondStart) =>
        Assert.Equal([W(firstStart, firstStart + 10), W(secondStart, secondStart + 10)], Assigned(new SlidingWindows(10, 5), timestamp));

    // Beam's constructor rule: 0 <= offset < period and 0 < size (so the period is positive).
    [Theory]
    [InlineData(10, 5, 5)]
    [InlineData(10, 5, -1)]
    [InlineData(0, 5, 0)]
    [InlineData(-10, 5, 0)]
    [InlineData(10, 0, 0)]
    public void InvalidParameters_Throw(long size, long period, long offset)
    {
        var e = Assert.Throws<ArgumentException>(() => new SlidingWindows(size, period, offset));
        Assert.Contains("0 <= offset < period and 0 < size", e.Message, StringComparison.Ordinal);
    }

    // MaxWindowsPerElement is ceil(size / period); Beam's assignsToOneWindow is period >= size.
    [Theory]
    [InlineData(10, 5, 2, false)]
    [InlineData(7, 5, 2, false)]
    [InlineData(10, 3, 4, false)]
    [InlineData(3, 10, 1, true)]
    [InlineData(10, 10, 1, true)]
    public void MaxWindowsPerElement(long size, long period, int max, bool one)
    {
        var fn = new SlidingWindows(size, period);
        Assert.Equal(max, fn.MaxWindowsPerElement);
        Assert.Equal(one, fn.AssignsToOneWindow);
        Assert.False(fn.IsMerging);
    }

    // The span overload refuses a destination shorter than the windows to write.
    [Fact]
    public void DestinationTooShort_Throws() =>
        Assert.Throws<ArgumentException>(() => new SlidingWindows(10, 5).AssignWindows(new Instant(3), new BoundedWindow[1]));

    // The ends of time: windows contain Instant.MinValue and Instant.MaxValue and are not truncated (as in Beam).
    [Fact]
    public void MinAndMaxValue_AssignedToContainingWindows()
    {
        var fn = new SlidingWindows(1000, 500);
        Assert.Equal([W(-9_223_372_036_855_000L, -9_223_372_036_854_000L), W(-9_223_372_036_855_500L, -9_223_372_036_854_500L)], Assigned(fn, Instant.MinValue.Millis));
        Assert.Equal([W(9_223_372_036_854_500L, 9_223_372_036_855_500L), W(9_223_372_036_854_000L, 9_223_372_036_855_000L)], Assigned(fn, Instant.MaxValue.Millis));
    }
}
