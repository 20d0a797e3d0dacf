using System;
using Xunit;
using static Compiled.Tests.Windowing.WindowFnTestUtils;

namespace Compiled.Tests.Windowing;

/// <summary>Beam's GlobalWindows behaviour: one window for everything, ending a day before the end of time.</summary>
public class GlobalWindowsTests
{
    // Beam GlobalWindows.assignWindows: every timestamp, even the extremes, is in the single global window.
    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(1_234_567L)]
    [InlineData(-9_223_372_036_854_775L)]
    [InlineData(9_223_372_036_854_775L)]
    public void EveryTimestamp_InTheGlobalWindow(long timestamp)
    {
        var fn = WindowFns.Global();
        Assert.Equal([BoundedWindow.Global], Assigned(fn, timestamp));
        Assert.Equal(BoundedWindow.Global, fn.AssignWindow(new Instant(timestamp)));
        var consumer = new ListConsumer();
        fn.AssignWindows(new Instant(timestamp), ref consumer);
        Assert.Equal([BoundedWindow.Global], consumer.Windows);
    }

    // Beam GlobalWindow.maxTimestamp: one day before TIMESTAMP_MAX_VALUE.
    [Fact]
    public void GlobalWindow_EndsOneDayBeforeEndOfTime() =>
        Assert.Equal(Instant.MaxValue.Millis - 86_400_000L, BoundedWindow.Global.MaxTimestamp.Millis);

    // Beam GlobalWindows.isCompatible: only with GlobalWindows. Side inputs read the global window;
    // output times are the input timestamps.
    [Fact]
    public void Compatibility_SideInputs_OutputTime()
    {
        var fn = new GlobalWindows();
        Assert.True(fn.IsCompatible(WindowFns.Global()));
        Assert.False(fn.IsCompatible(new FixedWindows(10)));
        Assert.False(fn.IsCompatible(new Sessions(10)));
        Assert.Equal(BoundedWindow.Global, fn.GetSideInputWindow(W(0, 10)));
        Assert.Equal(new Instant(42), fn.GetOutputTime(new Instant(42), BoundedWindow.Global));
        Assert.True(fn.AssignsToOneWindow);
        Assert.False(fn.IsMerging);
        Assert.Throws<ArgumentException>(() => fn.AssignWindows(Instant.Epoch, Span<BoundedWindow>.Empty));
    }
}
