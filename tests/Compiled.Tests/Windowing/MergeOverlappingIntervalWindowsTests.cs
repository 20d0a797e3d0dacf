using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using static Compiled.Tests.Windowing.WindowFnTestUtils;

namespace Compiled.Tests.Windowing;

/// <summary>Beam's MergeOverlappingIntervalWindows (sort, sweep, union), our span API and the reusable buffer.</summary>
public class MergeOverlappingIntervalWindowsTests
{
    private static (BoundedWindow[] Parts, BoundedWindow Result)[] Merges(params BoundedWindow[] windows)
    {
        var recorder = new MergeRecorder();
        MergeOverlappingIntervalWindows.MergeWindows(windows.AsSpan(), ref recorder);
        return [.. recorder.Merges];
    }

    // Beam IntervalWindow.intersects: half-open windows that only touch are disjoint and do not merge.
    [Fact]
    public void TouchingWindows_DoNotMerge() =>
        Assert.Empty(Merges(W(0, 10), W(10, 20), W(20, 30)));

    // Beam's sweep grows the union: overlap is checked against the union so far, so chains merge transitively.
    [Fact]
    public void Chain_MergesTransitively()
    {
        var merge = Assert.Single(Merges(W(14, 20), W(0, 10), W(5, 15)));
        Assert.Equal([W(0, 10), W(5, 15), W(14, 20)], merge.Parts);
        Assert.Equal(W(0, 20), merge.Result);
    }

    // A window inside a longer one merges into it; a later window overlapping only the long one joins too.
    [Fact]
    public void ContainedWindow_MergesIntoContainer()
    {
        var merge = Assert.Single(Merges(W(10, 20), W(0, 100), W(50, 120)));
        Assert.Equal(W(0, 120), merge.Result);
        Assert.Equal(3, merge.Parts.Length);
    }

    // Beam's MergeCandidate.apply: only groups of two or more are reported; singletons stay as they are.
    [Fact]
    public void OnlyRealMerges_AreReported()
    {
        var merges = Merges(W(0, 10), W(100, 110), W(5, 12), W(200, 210), W(205, 215), W(300, 301));
        Assert.Equal([W(0, 12), W(200, 215)], merges.Select(m => m.Result));
        Assert.Equal([W(0, 10), W(5, 12)], merges[0].Parts);
        Assert.Equal([W(200, 210), W(205, 215)], merges[1].Parts);
    }

    // Identical windows (two elements at the same timestamp in sessions) merge into themselves.
    [Fact]
    public void DuplicateWindows_Merge()
    {
        var merge = Assert.Single(Merges(W(3, 13), W(3, 13)));
        Assert.Equal(W(3, 13), merge.Result);
    }

    // The span API returns every group, singletons included, in start order, over the sorted span.
    [Fact]
    public void SpanApi_PartitionsIntoGroups()
    {
        BoundedWindow[] windows = [W(100, 110), W(5, 12), W(0, 10), W(300, 301)];
        var groups = new WindowMergeGroup[windows.Length];
        int count = MergeOverlappingIntervalWindows.MergeWindows(windows, groups);

        Assert.Equal([W(0, 10), W(5, 12), W(100, 110), W(300, 301)], windows);
        Assert.Equal(
            [new WindowMergeGroup(0, 2, W(0, 12)), new WindowMergeGroup(2, 1, W(100, 110)), new WindowMergeGroup(3, 1, W(300, 301))],
            groups.AsSpan(0, count).ToArray());
        Assert.Equal([true, false, false], groups.Take(count).Select(g => g.IsMerge));
    }

    // Edges: nothing to merge in empty or single inputs; the global window cannot merge; a short groups span is refused.
    [Fact]
    public void Edges()
    {
        Assert.Empty(Merges());
        Assert.Empty(Merges(W(0, 1)));
        Assert.Equal(0, MergeOverlappingIntervalWindows.MergeWindows(Span<BoundedWindow>.Empty, Span<WindowMergeGroup>.Empty));
        Assert.Throws<ArgumentException>(() => Merges(W(0, 1), BoundedWindow.Global));
        Assert.Throws<ArgumentException>(() => MergeOverlappingIntervalWindows.MergeWindows(new[] { W(0, 1), W(5, 6) }, new WindowMergeGroup[1]));
    }

    // Merging at the ends of time: windows at Instant.MinValue and Instant.MaxValue merge like any others.
    [Fact]
    public void EndsOfTime()
    {
        long min = Instant.MinValue.Millis, max = Instant.MaxValue.Millis;
        Assert.Equal(W(min, min + 15), Assert.Single(Merges(W(min, min + 10), W(min + 5, min + 15))).Result);
        Assert.Equal(W(max - 5, max + 10), Assert.Single(Merges(W(max, max + 10), W(max - 5, max + 1))).Result);
    }

    // IntervalWindow's relations, as Beam defines them.
    [Fact]
    public void IntervalWindowRelations()
    {
        Assert.True(IntervalWindows.Intersects(W(0, 10), W(9, 20)));
        Assert.False(IntervalWindows.Intersects(W(0, 10), W(10, 20)));
        Assert.Equal(W(-5, 20), IntervalWindows.Span(W(0, 20), W(-5, 3)));
        Assert.True(IntervalWindows.Contains(W(0, 10), W(0, 10)));
        Assert.False(IntervalWindows.Contains(W(0, 10), W(5, 11)));
        Assert.True(IntervalWindows.Compare(W(0, 5), W(0, 10)) < 0);
        Assert.True(IntervalWindows.Compare(W(1, 2), W(0, 10)) > 0);
    }

    // Past the insertion-sort limit the framework sort runs; the result equals a LINQ sort.
    [Fact]
    public void Sort_LargeInput_MatchesLinq()
    {
        var random = new Random(7);
        var windows = Enumerable.Range(0, 500).Select(_ => { long s = random.Next(-1000, 1000); return W(s, s + random.Next(1, 50)); }).ToArray();
        var expected = windows.OrderBy(w => w.Start.Millis).ThenBy(w => w.End.Millis).ToArray();
        IntervalWindows.Sort(windows);
        Assert.Equal(expected, windows);
    }

    // The reusable buffer keeps one key's sessions: add proto-sessions, merge, and it holds the merged
    // sessions; the consumer hears each merge before the buffer changes.
    [Fact]
    public void MergingWindowBuffer_TracksSessions()
    {
        var fn = new Sessions(10);
        var buffer = new MergingWindowBuffer(1);
        var recorder = new MergeRecorder();
        foreach (long t in new long[] { 1, 15, 30, 100, 101, 95, 22, 10 })
        {
            buffer.Add(fn.AssignWindow(new Instant(t)));
            buffer.Merge(fn, ref recorder);
        }

        Assert.Equal([W(1, 40), W(95, 111)], buffer.Windows.ToArray());
        Assert.Equal([W(100, 111), W(95, 111), W(15, 40), W(1, 40)], recorder.Merges.Select(m => m.Result));

        buffer.RemoveAt(0);
        Assert.Equal([W(95, 111)], buffer.Windows.ToArray());
        buffer.Clear();
        Assert.Equal(0, buffer.Count);
    }

    // A custom merging function whose merge reports copies (not slices of the buffer) still updates the buffer.
    [Fact]
    public void MergingWindowBuffer_CustomMergingFn()
    {
        var buffer = new MergingWindowBuffer();
        buffer.Add(W(0, 5));
        buffer.Add(W(50, 60));
        buffer.Add(W(7, 9));
        var recorder = new MergeRecorder();
        buffer.Merge(new MergeFirstTwoStarting(), ref recorder);

        Assert.Equal([W(0, 9), W(50, 60)], buffer.Windows.ToArray());
        Assert.Equal(W(0, 9), Assert.Single(recorder.Merges).Result);
    }

    /// <summary>A custom merging window function (the hook): merges the two earliest windows, reporting copies.</summary>
    private readonly struct MergeFirstTwoStarting : IMergingWindowFn
    {
        public bool IsMerging => true;

        public bool AssignsToOneWindow => false;

        public int MaxWindowsPerElement => 1;

        public int AssignWindows(Instant timestamp, Span<BoundedWindow> destination)
        {
            destination[0] = W(timestamp.Millis, timestamp.Millis + 1);
            return 1;
        }

        public void AssignWindows<TConsumer>(Instant timestamp, ref TConsumer consumer)
            where TConsumer : IWindowConsumer, allows ref struct => consumer.Accept(W(timestamp.Millis, timestamp.Millis + 1));

        public Instant GetOutputTime(Instant inputTimestamp, BoundedWindow window) => inputTimestamp;

        public BoundedWindow GetSideInputWindow(BoundedWindow mainWindow) => throw new NotSupportedException();

        public bool IsCompatible<TOther>(in TOther other)
            where TOther : IWindowFn => other is MergeFirstTwoStarting;

        public void MergeWindows<TConsumer>(Span<BoundedWindow> windows, ref TConsumer consumer)
            where TConsumer : IMergeConsumer, allows ref struct
        {
            IntervalWindows.Sort(windows);
            BoundedWindow[] copy = [windows[0], windows[1]];
            consumer.Merge(copy, IntervalWindows.Span(copy[0], copy[1]));
        }
    }
}
