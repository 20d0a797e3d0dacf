using System;
using Xunit;
using static Compiled.Tests.Windowing.WindowFnTestUtils;

namespace Compiled.Tests.Windowing;

/// <summary>Beam's TimestampCombiner: combine, merge, assign, and the window function's shift before them.</summary>
public class TimestampCombinerTests
{
    private static readonly Instant[] Times = [new(30), new(10), new(20)];

    // Beam TimestampCombiner.combine: EARLIEST takes the min, LATEST the max, END_OF_WINDOW the first
    // (all its inputs are the window's max timestamp already).
    [Theory]
    [InlineData(TimestampCombiner.Earliest, 10)]
    [InlineData(TimestampCombiner.Latest, 30)]
    [InlineData(TimestampCombiner.EndOfWindow, 30)]
    public void Combine(TimestampCombiner combiner, long expected)
    {
        Assert.Equal(new Instant(expected), combiner.Combine(Times));
        Assert.Throws<ArgumentException>(() => combiner.Combine(ReadOnlySpan<Instant>.Empty));
    }

    // Beam TimestampCombiner.merge: END_OF_WINDOW gives the merged window's max timestamp whatever the
    // inputs (even none); EARLIEST and LATEST merge as they combine.
    [Theory]
    [InlineData(TimestampCombiner.Earliest, 10)]
    [InlineData(TimestampCombiner.Latest, 30)]
    [InlineData(TimestampCombiner.EndOfWindow, 99)]
    public void Merge(TimestampCombiner combiner, long expected)
    {
        var merged = W(0, 100);
        Assert.Equal(new Instant(expected), combiner.Merge(merged, Times));
        Assert.Equal(new Instant(expected), combiner.Merge(merged, combiner.Merge(merged, Times[0], Times[1]), Times[2]));
        if (combiner == TimestampCombiner.EndOfWindow)
        {
            Assert.Equal(new Instant(99), combiner.Merge(merged, ReadOnlySpan<Instant>.Empty));
        }
        else
        {
            Assert.Throws<ArgumentException>(() => combiner.Merge(merged, ReadOnlySpan<Instant>.Empty));
        }
    }

    // Beam TimestampCombiner.assign: END_OF_WINDOW moves a timestamp to the window's max timestamp; the
    // others keep it. The global window's max timestamp is a day before the end of time.
    [Fact]
    public void Assign()
    {
        Assert.Equal(new Instant(19), TimestampCombiner.EndOfWindow.Assign(W(10, 20), new Instant(12)));
        Assert.Equal(new Instant(12), TimestampCombiner.Earliest.Assign(W(10, 20), new Instant(12)));
        Assert.Equal(new Instant(12), TimestampCombiner.Latest.Assign(W(10, 20), new Instant(12)));
        Assert.Equal(BoundedWindow.Global.MaxTimestamp, TimestampCombiner.EndOfWindow.Assign(BoundedWindow.Global, new Instant(12)));
    }

    // Beam dependsOnlyOnEarliestTimestamp / dependsOnlyOnWindow.
    [Theory]
    [InlineData(TimestampCombiner.Earliest, true, false)]
    [InlineData(TimestampCombiner.Latest, false, false)]
    [InlineData(TimestampCombiner.EndOfWindow, false, true)]
    public void Dependencies(TimestampCombiner combiner, bool onlyEarliest, bool onlyWindow)
    {
        Assert.Equal(onlyEarliest, combiner.DependsOnlyOnEarliestTimestamp());
        Assert.Equal(onlyWindow, combiner.DependsOnlyOnWindow());
    }

    // The hold of one input (Beam's WatermarkHold with WindowFn.getOutputTime): with sliding windows
    // size 1000 every 500, an element at 700 holds [0, 1000) at 700 and [500, 1500) at 1000 under
    // EARLIEST/LATEST; END_OF_WINDOW holds each at its max timestamp.
    [Theory]
    [InlineData(TimestampCombiner.Earliest, 700, 1000)]
    [InlineData(TimestampCombiner.Latest, 700, 1000)]
    [InlineData(TimestampCombiner.EndOfWindow, 999, 1499)]
    public void AssignOutputTime_AppliesWindowFnShiftThenCombiner(TimestampCombiner combiner, long inFirst, long inSecond)
    {
        var fn = new SlidingWindows(1000, 500);
        Assert.Equal(new Instant(inFirst), combiner.AssignOutputTime(fn, W(0, 1000), new Instant(700)));
        Assert.Equal(new Instant(inSecond), combiner.AssignOutputTime(fn, W(500, 1500), new Instant(700)));
        Assert.Equal(new Instant(combiner == TimestampCombiner.EndOfWindow ? 19 : 12), combiner.AssignOutputTime(new FixedWindows(10), W(10, 20), new Instant(12)));
    }

    // Merging sessions (Beam's OutputTimeFn.merge contract): merging the windows' combined output
    // times equals combining all inputs placed directly in the merged window.
    [Theory]
    [InlineData(TimestampCombiner.Earliest)]
    [InlineData(TimestampCombiner.Latest)]
    [InlineData(TimestampCombiner.EndOfWindow)]
    public void MergeOfSessions_EqualsCombineInMergedWindow(TimestampCombiner combiner)
    {
        var fn = new Sessions(10);
        BoundedWindow w1 = fn.AssignWindow(new Instant(1)), w2 = fn.AssignWindow(new Instant(8));
        BoundedWindow merged = IntervalWindows.Span(w1, w2);
        Instant viaMerge = combiner.Merge(merged, combiner.AssignOutputTime(fn, w1, new Instant(1)), combiner.AssignOutputTime(fn, w2, new Instant(8)));
        Instant direct = combiner.Combine(combiner.AssignOutputTime(fn, merged, new Instant(1)), combiner.AssignOutputTime(fn, merged, new Instant(8)));
        Assert.Equal(direct, viaMerge);
        Assert.Equal(combiner switch { TimestampCombiner.Earliest => 1, TimestampCombiner.Latest => 8, _ => 17 }, viaMerge.Millis);
    }
}
