using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Compiled.Tests.Windowing;

/// <summary>
/// Our counterpart of Beam's <c>WindowFnTestUtils</c>: runs a window function over timestamps the way
/// Beam's tests do (assign each element, then let a merging function merge the window set) and
/// compares window → timestamps maps exactly.
/// </summary>
internal static class WindowFnTestUtils
{
    /// <summary>An interval window [start, end) in milliseconds.</summary>
    public static BoundedWindow W(long start, long end) => BoundedWindow.Interval(new Instant(start), new Instant(end));

    /// <summary>The windows of one timestamp, in the order the function produced them.</summary>
    public static BoundedWindow[] Assigned<TFn>(TFn fn, long timestamp)
        where TFn : IWindowFn
    {
        var buffer = new BoundedWindow[Math.Max(1, fn.MaxWindowsPerElement)];
        int count = fn.AssignWindows(new Instant(timestamp), buffer);
        return buffer.AsSpan(0, count).ToArray();
    }

    /// <summary>
    /// Beam's <c>runWindowFn</c>: every element is assigned, added to the window set, and (for a
    /// merging function) the set is merged after each element.
    /// </summary>
    public static Dictionary<BoundedWindow, SortedSet<long>> RunWindowFn<TFn>(TFn fn, params long[] timestamps)
        where TFn : IWindowFn
    {
        var sets = new Dictionary<BoundedWindow, SortedSet<long>>();
        foreach (long timestamp in timestamps)
        {
            foreach (BoundedWindow window in Assigned(fn, timestamp))
            {
                if (!sets.TryGetValue(window, out var set))
                {
                    sets[window] = set = [];
                }

                set.Add(timestamp);
            }

            if (fn is IMergingWindowFn merging)
            {
                var windows = sets.Keys.ToArray();
                var recorder = new MergeRecorder();
                merging.MergeWindows(windows, ref recorder);
                foreach (var (parts, result) in recorder.Merges)
                {
                    var merged = new SortedSet<long>();
                    foreach (BoundedWindow part in parts)
                    {
                        merged.UnionWith(sets[part]);
                        sets.Remove(part);
                    }

                    if (sets.TryGetValue(result, out var existing))
                    {
                        merged.UnionWith(existing);
                    }

                    sets[result] = merged;
                }
            }
        }

        return sets;
    }

    /// <summary>Asserts that the window → timestamps map is exactly <paramref name="expected"/>.</summary>
    public static void AssertWindows(IEnumerable<(BoundedWindow Window, long[] Timestamps)> expected, Dictionary<BoundedWindow, SortedSet<long>> actual)
    {
        string Show(IEnumerable<(BoundedWindow Window, IEnumerable<long> Timestamps)> map) =>
            string.Join("; ", map.OrderBy(e => e.Window.Start.Millis).ThenBy(e => e.Window.End.Millis)
                .Select(e => $"{e.Window}: {string.Join(",", e.Timestamps.Order())}"));

        Assert.Equal(
            Show(expected.Select(e => (e.Window, (IEnumerable<long>)e.Timestamps))),
            Show(actual.Select(e => (e.Key, (IEnumerable<long>)e.Value))));
    }

    /// <summary>Records Beam's <c>MergeContext.merge</c> calls.</summary>
    public struct MergeRecorder : IMergeConsumer
    {
        private List<(BoundedWindow[] Parts, BoundedWindow Result)>? _merges;

        public readonly List<(BoundedWindow[] Parts, BoundedWindow Result)> Merges => _merges ?? [];

        public void Merge(ReadOnlySpan<BoundedWindow> toBeMerged, BoundedWindow mergeResult) =>
            (_merges ??= []).Add((toBeMerged.ToArray(), mergeResult));
    }

    /// <summary>Collects assigned windows through the generic consumer path.</summary>
    public struct ListConsumer : IWindowConsumer
    {
        public ListConsumer() => Windows = [];

        public List<BoundedWindow> Windows { get; }

        public readonly void Accept(BoundedWindow window) => Windows.Add(window);
    }
}
