using System;
using Xunit;
using static Compiled.Tests.Windowing.WindowFnTestUtils;

namespace Compiled.Tests.Windowing;

/// <summary>Beam's FixedWindowsTest, ported, plus edges Beam does not test (negative timestamps, the ends of time).</summary>
public class FixedWindowsTests
{
    // Beam FixedWindowsTest.testSimpleFixedWindow: [N*10, (N+1)*10), one window per element.
    [Fact]
    public void SimpleFixedWindow() =>
        AssertWindows(
            [(W(0, 10), [1, 2, 5, 9]), (W(10, 20), [10, 11]), (W(100, 110), [100])],
            RunWindowFn(new FixedWindows(10), 1, 2, 5, 9, 10, 11, 100));

    // Beam FixedWindowsTest.testFixedOffsetWindow: an offset of 5 shifts every window start by 5.
    [Fact]
    public void FixedOffsetWindow() =>
        AssertWindows(
            [(W(-5, 5), [1, 2]), (W(5, 15), [5, 9, 10, 11]), (W(95, 105), [100])],
            RunWindowFn(new FixedWindows(10, 5), 1, 2, 5, 9, 10, 11, 100));

    // Beam FixedWindowsTest.testTimeUnit: 10 s windows offset by 5 s, built from TimeSpans.
    [Fact]
    public void TimeUnit() =>
        AssertWindows(
            [(W(-5000, 5000), [1, 2, 1000]), (W(5000, 15000), [5000, 5001, 10000])],
            RunWindowFn(WindowFns.Fixed(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)), 1, 2, 1000, 5000, 5001, 10000));

    // Windows are half-open: a timestamp exactly at a window's end starts the next window.
    [Theory]
    [InlineData(9, 0, 10)]
    [InlineData(10, 10, 20)]
    [InlineData(0, 0, 10)]
    [InlineData(19, 10, 20)]
    public void TimestampAtWindowEnd_BelongsToNextWindow(long timestamp, long start, long end) =>
        Assert.Equal(W(start, end), new FixedWindows(10).AssignWindow(new Instant(timestamp)));

    // Negative timestamps: every element lands in the window that contains it. For t < offset - size
    // Beam's Java (truncating %) would return the following window, which does not contain t
    // (e.g. -15 -> [-10, 0)); we floor, as Flink (FLINK-26334) and Spark (SPARK-39347) fixed.
    [Theory]
    [InlineData(-1, 0, -10, 0)]
    [InlineData(-10, 0, -10, 0)]
    [InlineData(-11, 0, -20, -10)]
    [InlineData(-15, 0, -20, -10)]
    [InlineData(-5, 5, -5, 5)]
    [InlineData(-6, 5, -15, -5)]
    [InlineData(-16, 5, -25, -15)]
    public void NegativeTimestamps_AssignContainingWindow(long timestamp, long offset, long start, long end)
    {
        var window = new FixedWindows(10, offset).AssignWindow(new Instant(timestamp));
        Assert.Equal(W(start, end), window);
        Assert.True(window.Start.Millis <= timestamp && timestamp < window.End.Millis);
    }

    // Beam FixedWindowsTest.testEndOfTime: the last window is cut short so that its max timestamp is
    // the end of the global window.
    [Fact]
    public void EndOfTime_LastWindowEndsWithGlobalWindow()
    {
        Instant endOfGlobalWindow = BoundedWindow.Global.MaxTimestamp;
        var window = WindowFns.Fixed(TimeSpan.FromHours(1)).AssignWindow(new Instant(endOfGlobalWindow.Millis - 1));

        Assert.Equal(endOfGlobalWindow, window.MaxTimestamp);
        Assert.Equal(endOfGlobalWindow.Millis + 1, window.End.Millis);
        Assert.Equal(0, window.Start.Millis % 3_600_000L);
        Assert.True(window.End.Millis - window.Start.Millis < 3_600_000L);
    }

    // Instant.MinValue is not special: floor assignment gives the window that contains it, starting below it.
    [Fact]
    public void MinValue_AssignedToContainingWindow() =>
        Assert.Equal(W(-9_223_372_036_855_000L, -9_223_372_036_854_000L), new FixedWindows(1000).AssignWindow(Instant.MinValue));

    // Instant.MaxValue lies past the end of the global window: it keeps its full window (which contains
    // it) rather than Beam's inverted, truncated one.
    [Fact]
    public void MaxValue_PastEndOfGlobalWindow_KeepsFullWindow() =>
        Assert.Equal(W(9_223_372_036_854_000L, 9_223_372_036_855_000L), new FixedWindows(1000).AssignWindow(Instant.MaxValue));

    // Beam FixedWindowsTest.testInvalidInput: 0 <= offset < size, so size must be positive.
    [Theory]
    [InlineData(-1000, 0)]
    [InlineData(1000, 2000)]
    [InlineData(1000, -1000)]
    [InlineData(0, 0)]
    [InlineData(1000, 1000)]
    public void InvalidInput_Throws(long size, long offset)
    {
        var e = Assert.Throws<ArgumentException>(() => new FixedWindows(size, offset));
        Assert.Contains("0 <= offset < size", e.Message, StringComparison.Ordinal);
    }

    // Beam FixedWindowsTest.testEquality / testVerifyCompatibility: compatible iff same size and offset.
    [Fact]
    public void Equality_CompatibleOnlyWithSameSizeAndOffset()
    {
        var ten = new FixedWindows(10);
        Assert.True(ten.IsCompatible(new FixedWindows(10)));
        Assert.False(ten.IsCompatible(new FixedWindows(20)));
        Assert.False(ten.IsCompatible(new FixedWindows(10, 5)));
        Assert.False(ten.IsCompatible(new SlidingWindows(10, 10)));
        Assert.False(ten.IsCompatible(WindowFns.Global()));
        Assert.Equal(ten, WindowFns.Fixed(TimeSpan.FromMilliseconds(10)));
    }

    // Beam FixedWindowsTest.testValidOutputTimes: non-overlapping windows keep the input timestamp.
    [Theory]
    [InlineData(200)]
    [InlineData(800)]
    [InlineData(700)]
    public void ValidOutputTimes_AreTheInputTimestamp(long timestamp)
    {
        var fn = new FixedWindows(500);
        var window = fn.AssignWindow(new Instant(timestamp));
        Assert.Equal(new Instant(timestamp), fn.GetOutputTime(new Instant(timestamp), window));
    }

    // Beam FixedWindowsTest.testDefaultWindowMappingFn(GlobalWindow): a side input reads the window
    // containing the main window's max timestamp; a global main window is an error.
    [Fact]
    public void DefaultWindowMapping_UsesMainWindowMaxTimestamp()
    {
        var fn = WindowFns.Fixed(TimeSpan.FromMinutes(20));
        Assert.Equal(W(0, 1_200_000), fn.GetSideInputWindow(W(0, 101)));
        Assert.Throws<ArgumentException>(() => fn.GetSideInputWindow(BoundedWindow.Global));
    }

    // The three assignment entry points agree, and a too-short destination is an error.
    [Fact]
    public void SpanConsumerAndSingleAssignmentAgree()
    {
        var fn = new FixedWindows(7, 3);
        var consumer = new ListConsumer();
        fn.AssignWindows(new Instant(-22), ref consumer);
        Assert.Equal([fn.AssignWindow(new Instant(-22))], consumer.Windows);
        Assert.Equal([W(-25, -18)], Assigned(fn, -22));
        Assert.True(fn.AssignsToOneWindow);
        Assert.False(fn.IsMerging);
        Assert.Throws<ArgumentException>(() => fn.AssignWindows(Instant.Epoch, Span<BoundedWindow>.Empty));
    }
}
