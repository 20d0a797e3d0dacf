using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Xunit;
using static Compiled.Tests.Windowing.WindowFnTestUtils;

namespace Compiled.Tests.Windowing;

/// <summary>Window assignment and merging against brute-force oracles, for random parameters and timestamps.</summary>
public class WindowingPropertyTests
{
    private static readonly long EndOfGlobal = BoundedWindow.Global.MaxTimestamp.Millis + 1;

    // Timestamps near zero (both signs), near the ends of time, and near the end of the global window.
    private static readonly Gen<long> Timestamp = Gen.OneOf(
        Gen.Long[-100_000, 100_000],
        Gen.Long[Instant.MinValue.Millis, Instant.MinValue.Millis + 1_000],
        Gen.Long[Instant.MaxValue.Millis - 1_000, Instant.MaxValue.Millis],
        Gen.Long[EndOfGlobal - 1_000, EndOfGlobal + 1_000]);

    /// <summary>
    /// The oracle: scan every start s in (t - size, t] and keep those with s ≡ offset (mod period) —
    /// a divisibility test, which truncating % gets right for either sign — latest first.
    /// </summary>
    private static BoundedWindow[] Oracle(long t, long size, long period, long offset, bool truncateAtEndOfGlobal)
    {
        var windows = new List<BoundedWindow>();
        for (long s = t; s > t - size; s--)
        {
            if ((s - offset) % period == 0)
            {
                long end = s + size;
                if (truncateAtEndOfGlobal && end > EndOfGlobal && t < EndOfGlobal)
                {
                    end = EndOfGlobal;
                }

                windows.Add(W(s, end));
            }
        }

        return [.. windows];
    }

    // SlidingWindows: exactly the windows of the oracle, in Beam's order, by both assignment paths.
    [Fact]
    public void Sliding_AgreesWithOracle() =>
        Gen.Select(Gen.Long[1, 300], Gen.Long[1, 300], Gen.Long[0, 299], Timestamp)
            .Sample((size, period, rawOffset, t) =>
            {
                long offset = rawOffset % period;
                var fn = new SlidingWindows(size, period, offset);
                var expected = Oracle(t, size, period, offset, truncateAtEndOfGlobal: false);
                var consumer = new ListConsumer();
                fn.AssignWindows(new Instant(t), ref consumer);
                return expected.SequenceEqual(Assigned(fn, t))
                    && expected.SequenceEqual(consumer.Windows)
                    && expected.Length <= fn.MaxWindowsPerElement;
            });

    // FixedWindows: the oracle with period = size, including Beam's cut at the end of the global window.
    [Fact]
    public void Fixed_AgreesWithOracle() =>
        Gen.Select(Gen.Long[1, 500], Gen.Long[0, 499], Timestamp)
            .Sample((size, rawOffset, t) =>
            {
                long offset = rawOffset % size;
                var fn = new FixedWindows(size, offset);
                var expected = Oracle(t, size, size, offset, truncateAtEndOfGlobal: true);
                return expected.Length == 1 && expected[0] == fn.AssignWindow(new Instant(t)) && expected.SequenceEqual(Assigned(fn, t));
            });

    // Merging: the groups are the connected components of the overlap graph (computed by brute force),
    // each result is the span of its members, and results do not overlap one another.
    [Fact]
    public void Merge_AgreesWithConnectedComponents() =>
        Gen.Select(Gen.Long[-200, 200], Gen.Long[1, 40]).Array[0, 60]
            .Sample(pairs =>
            {
                var windows = pairs.Select(p => W(p.Item1, p.Item1 + p.Item2)).ToArray();

                // Brute force: union-find over all intersecting pairs.
                int[] parent = Enumerable.Range(0, windows.Length).ToArray();
                int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
                for (int i = 0; i < windows.Length; i++)
                {
                    for (int j = i + 1; j < windows.Length; j++)
                    {
                        if (windows[i].Start < windows[j].End && windows[j].Start < windows[i].End)
                        {
                            parent[Find(i)] = Find(j);
                        }
                    }
                }

                var expected = Enumerable.Range(0, windows.Length).GroupBy(Find)
                    .Select(g => W(g.Min(i => windows[i].Start.Millis), g.Max(i => windows[i].End.Millis)))
                    .OrderBy(w => w.Start.Millis).ToArray();

                var sorted = windows.ToArray();
                var groups = new WindowMergeGroup[sorted.Length];
                int count = MergeOverlappingIntervalWindows.MergeWindows(sorted, groups);

                var buffer = new MergingWindowBuffer();
                foreach (var w in windows)
                {
                    buffer.Add(w);
                }

                var recorder = new MergeRecorder();
                buffer.Merge(new Sessions(1), ref recorder);

                return expected.SequenceEqual(groups.Take(count).Select(g => g.Result))
                    && groups.Take(count).Sum(g => g.Count) == windows.Length
                    && expected.SequenceEqual(buffer.Windows.ToArray());
            });

    // Beam's TimestampCombiner.combine is commutative and associative; merge of per-window combines
    // equals a combine in the merged window (OutputTimeFn's merge contract), for sessions.
    [Fact]
    public void TimestampCombiner_Laws() =>
        Gen.Select(Gen.Int[0, 2], Gen.Long[-1000, 1000].Array[1, 10], Gen.Long[-1000, 1000].Array[1, 10])
            .Sample((c, left, right) =>
            {
                var combiner = (TimestampCombiner)c;
                var fn = new Sessions(5000);
                BoundedWindow w1 = W(left.Min(), left.Max() + 5000), w2 = W(right.Min(), right.Max() + 5000);
                BoundedWindow merged = IntervalWindows.Span(w1, w2);
                Instant Place(BoundedWindow w, long t) => combiner.AssignOutputTime(fn, w, new Instant(t));

                Instant viaMerge = combiner.Merge(merged, combiner.Combine(left.Select(t => Place(w1, t)).ToArray()), combiner.Combine(right.Select(t => Place(w2, t)).ToArray()));
                Instant direct = combiner.Combine(left.Concat(right).Select(t => Place(merged, t)).ToArray());
                var a = new Instant(left[0]);
                var b = new Instant(right[0]);
                var d = new Instant(left[^1]);
                bool commutative = combiner == TimestampCombiner.EndOfWindow || combiner.Combine(a, b) == combiner.Combine(b, a);
                bool associative = combiner.Combine(a, combiner.Combine(b, d)) == combiner.Combine(combiner.Combine(a, b), d);
                return viaMerge == direct && commutative && associative;
            });
}
