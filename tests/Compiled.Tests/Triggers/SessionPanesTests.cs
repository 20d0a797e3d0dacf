using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using Compiled.Coders;
using Compiled.Execution;
using Compiled.Triggers;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Triggers;

/// <summary>
/// Open sessions (<see cref="SessionPanes{TKey, TInput, TAccum, TOutput, TCombineFn}"/>), the state the generator picks for
/// sessions with Beam's default strategy, give exactly what keyed window panes give for that strategy: the same panes
/// (values, windows, timestamps, pane info), in the same order, the same late drops, whatever the disorder, the gap, the
/// watermark's steps (small ones through the wheel, jumps past it, none at all until the end as in batch) and checkpoints.
/// </summary>
public class SessionPanesTests
{
    /// <summary>An element of <paramref name="Key"/> at <paramref name="Time"/>, or (Advance) a watermark step of Time.</summary>
    private readonly record struct Op(int Key, long Time, bool Advance);

    private static KeyedPanes<int, int, List<int>, IReadOnlyList<int>, ToListFn<int>> Reference() =>
        new(default, new TriggerStateMachine(TriggerSpec.Default()), new PaneOptions(0, false, TimestampCombiner.EndOfWindow, ClosingBehavior.FireIfNonEmpty, OnTimeBehavior.FireAlways, true));

    private static SessionPanes<int, int, List<int>, IReadOnlyList<int>, ToListFn<int>> Open() => new(default);

    private static string Describe(FiredPane<int, IReadOnlyList<int>> f) =>
        f.Key + "=[" + string.Join(",", f.Value) + "] @" + f.Timestamp.Millis + " " + f.Window + " " + f.Pane;

    /// <summary>
    /// Runs the operations through both. Element i carries value i, and the list combine keeps the order of its adds and
    /// merges, so the values show which sessions merged into which, and in what order.
    /// </summary>
    private static void Check(Op[] ops, long gap, bool batch, int checkpointAt)
    {
        var reference = Reference();
        var open = Open();
        var expected = new List<string>();
        var actual = new List<string>();
        var watermark = 0L;
        for (var i = 0; i < ops.Length; i++)
        {
            if (i == checkpointAt)
            {
                open = RoundTrip(open);
            }

            var op = ops[i];
            if (op.Advance)
            {
                if (batch)
                {
                    continue;
                }

                watermark += op.Time;
                reference.AdvanceWatermark(new Instant(watermark));
                // As the generated runner does: the quiet advance first, the full one only when it refuses (a session ends).
                if (!open.TryAdvanceWatermarkQuietly(new Instant(watermark)))
                {
                    open.AdvanceWatermark(new Instant(watermark));
                }
            }
            else
            {
                var window = BoundedWindow.Interval(new Instant(op.Time), new Instant(op.Time + gap));
                Assert.Equal(reference.Add(op.Key, i, new Instant(op.Time), window), open.Add(op.Key, i, new Instant(op.Time), window));
                reference.EndBundle();
                open.EndBundle();
            }

            expected.AddRange(reference.Fired.Select(Describe));
            actual.AddRange(open.Fired.Select(Describe));
            reference.ClearFired();
            open.ClearFired();
            Assert.Equal(expected, actual);
            Assert.Equal(reference.LiveWindows, open.LiveWindows);
            Assert.Equal(reference.DroppedLate, open.DroppedLate);
        }

        reference.AdvanceWatermark(Instant.MaxValue);
        open.AdvanceWatermark(Instant.MaxValue);
        expected.AddRange(reference.Fired.Select(Describe));
        actual.AddRange(open.Fired.Select(Describe));
        Assert.Equal(expected, actual);
        Assert.Equal(reference.PanesFired, open.PanesFired);
        Assert.Equal(0, open.LiveWindows);
    }

    private static SessionPanes<int, int, List<int>, IReadOnlyList<int>, ToListFn<int>> RoundTrip(SessionPanes<int, int, List<int>, IReadOnlyList<int>, ToListFn<int>> panes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new CoderWriter(buffer);
        panes.WriteCheckpoint<Int32Coder, ListCoder<int, Int32Coder>>(ref writer);
        writer.Flush();
        var restored = Open();
        var reader = new CoderReader(buffer.WrittenSpan);
        restored.RestoreCheckpoint<Int32Coder, ListCoder<int, Int32Coder>>(ref reader);
        Assert.Equal(0, reader.Remaining);
        return restored;
    }

    /// <summary>Elements over a few keys, in about the order of time (each op moves time on a little, with disorder), and watermark steps.</summary>
    private static Gen<Op[]> Ops(int keys, int disorder, int maxStep) =>
        Gen.Select(Gen.Int[0, keys - 1], Gen.Int[0, disorder], Gen.Int[0, 3], Gen.Int[0, maxStep])
            .Array[0, 120]
            .Select(raw =>
            {
                var ops = new Op[raw.Length];
                var now = 0L;
                for (var i = 0; i < raw.Length; i++)
                {
                    var (key, back, kind, step) = raw[i];
                    now += step % 7;
                    ops[i] = kind == 0 ? new Op(0, step, Advance: true) : new Op(key, Math.Max(0, now - back), Advance: false);
                }

                return ops;
            });

    [Fact(DisplayName = "Open sessions fire the panes of keyed window panes, in their order, with the same late drops (small watermark steps)")]
    public void SameAsKeyedPanesInSmallSteps() =>
        Gen.Select(Ops(keys: 4, disorder: 30, maxStep: 12), Gen.Long[1, 25]).Sample((ops, gap) => Check(ops, gap, batch: false, checkpointAt: -1), iter: 400);

    [Fact(DisplayName = "Open sessions fire the panes of keyed window panes when the watermark jumps past the wheel, and with gaps that grow it")]
    public void SameAsKeyedPanesInJumps() =>
        Gen.Select(Ops(keys: 3, disorder: 3_000, maxStep: 2_500), Gen.Long[1, 5_000]).Select((ops, gap) =>
                (ops.Select(o => o.Advance ? o : o with { Time = o.Time * 97 }).ToArray(), gap))
            .Sample(x => Check(x.Item1, x.gap, batch: false, checkpointAt: -1), iter: 300);

    [Fact(DisplayName = "Open sessions fire the panes of keyed window panes when each watermark step passes many buckets, some of them holding sessions")]
    public void SameAsKeyedPanesInMediumSteps() =>
        Gen.Select(Ops(keys: 8, disorder: 200, maxStep: 300), Gen.Long[1, 400], Gen.Int[-1, 60]).Select((ops, gap, at) =>
                (ops.Select(o => o.Advance ? o : o with { Time = o.Time * 13 }).ToArray(), gap, at))
            .Sample(x => Check(x.Item1, x.gap, batch: false, checkpointAt: x.at), iter: 400);

    [Fact(DisplayName = "Open sessions in batch (no watermark until the end) fire the panes of keyed window panes, in time order")]
    public void SameAsKeyedPanesInBatch() =>
        Gen.Select(Ops(keys: 5, disorder: 200, maxStep: 50), Gen.Long[1, 40]).Sample((ops, gap) => Check(ops, gap, batch: true, checkpointAt: -1), iter: 200);

    [Fact(DisplayName = "Open sessions restored from a checkpoint at any point go on as the uninterrupted ones, pane for pane and in order")]
    public void RestoredSessionsGoOn() =>
        Gen.Select(Ops(keys: 4, disorder: 40, maxStep: 40), Gen.Long[1, 30], Gen.Int[0, 120], Gen.Bool)
            .Sample((ops, gap, at, batch) => Check(ops, gap, batch, at), iter: 300);

    [Fact(DisplayName = "Open sessions split over shards by key and adopted fire, per key, the panes of the sessions restored whole")]
    public void AdoptedSessionsGoOn() =>
        Gen.Select(Ops(keys: 6, disorder: 20, maxStep: 20), Ops(keys: 6, disorder: 20, maxStep: 20), Gen.Int[1, 3], Gen.Long[1, 20]).Sample((before, after, shards, gap) =>
        {
            var original = Open();
            var watermark = 0L;
            void Apply(SessionPanes<int, int, List<int>, IReadOnlyList<int>, ToListFn<int>> panes, Op op, int value, List<(int Key, string Pane)> fired, ref long mark)
            {
                if (op.Advance)
                {
                    mark += op.Time;
                    panes.AdvanceWatermark(new Instant(mark));
                }
                else
                {
                    panes.Add(op.Key, value, new Instant(op.Time + 1_000), BoundedWindow.Interval(new Instant(op.Time + 1_000), new Instant(op.Time + 1_000 + gap)));
                }

                fired.AddRange(panes.Fired.Select(f => (f.Key, Describe(f))));
                panes.ClearFired();
            }

            var ignored = new List<(int, string)>();
            for (var i = 0; i < before.Length; i++)
            {
                Apply(original, before[i], i, ignored, ref watermark);
            }

            var buffer = new ArrayBufferWriter<byte>();
            var writer = new CoderWriter(buffer);
            original.WriteCheckpoint<Int32Coder, ListCoder<int, Int32Coder>>(ref writer);
            writer.Flush();
            var whole = RoundTrip(original);
            var from = Open();
            var reader = new CoderReader(buffer.WrittenSpan);
            from.RestoreCheckpoint<Int32Coder, ListCoder<int, Int32Coder>>(ref reader);
            var parts = Enumerable.Range(0, shards).Select(_ => Open()).ToArray();
            for (var s = 0; s < shards; s++)
            {
                var shard = s;
                parts[s].AdoptCheckpointed(from, key => key % shards == shard, first: true, counts: shard == 0);
            }

            Assert.Equal(whole.LiveWindows, parts.Sum(p => p.LiveWindows));
            var expected = new List<(int Key, string Pane)>();
            var actual = new List<(int Key, string Pane)>();
            var wholeMark = watermark;
            var partMarks = Enumerable.Repeat(watermark, shards).ToArray();
            for (var i = 0; i < after.Length; i++)
            {
                var op = after[i];
                Apply(whole, op, 1_000 + i, expected, ref wholeMark);
                for (var s = 0; s < shards; s++)
                {
                    if (op.Advance || op.Key % shards == s)
                    {
                        Apply(parts[s], op, 1_000 + i, actual, ref partMarks[s]);
                    }
                }
            }

            whole.AdvanceWatermark(Instant.MaxValue);
            expected.AddRange(whole.Fired.Select(f => (f.Key, Describe(f))));
            foreach (var part in parts)
            {
                part.AdvanceWatermark(Instant.MaxValue);
                actual.AddRange(part.Fired.Select(f => (f.Key, Describe(f))));
            }

            // Panes of one key come in the same order; the interleaving of different keys may differ.
            foreach (var key in Enumerable.Range(0, 6))
            {
                Assert.Equal(expected.Where(e => e.Key == key).Select(e => e.Pane), actual.Where(a => a.Key == key).Select(a => a.Pane));
            }

            Assert.Equal(whole.PanesFired + whole.DroppedLate, parts.Sum(p => p.PanesFired + p.DroppedLate));
        }, iter: 200);

    [Fact(DisplayName = "Open sessions keep no entry for every key ever seen: keys without a session leave the map")]
    public void KeysWithoutSessionsLeave()
    {
        var panes = new SessionPanes<int, int, long, long, CountFn<int>>(default);
        // 100,000 keys, each one session of one element, the watermark passing each soon after: at most a few keys live.
        for (var key = 0; key < 100_000; key++)
        {
            panes.Add(key, 1, new Instant(key), BoundedWindow.Interval(new Instant(key), new Instant(key + 10)));
            panes.AdvanceWatermark(new Instant(key));
            panes.ClearFired();
        }

        Assert.True(panes.LiveWindows <= 11, panes.LiveWindows.ToString());
        var heads = typeof(SessionPanes<int, int, long, long, CountFn<int>>).GetField("_heads", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var map = heads.GetValue(panes)!; // KeyIndexMap<int>: its Count reads the map behind it
        var count = (int)map.GetType().GetProperty("Count")!.GetValue(map)!;
        Assert.True(count <= 1_024 + 11, count + " keys kept");
        Assert.Equal(100_000 - panes.LiveWindows, panes.PanesFired);
    }

    [Fact(DisplayName = "Int keys (an integer map), long keys (another) and string keys (a dictionary) give the same sessions, far and negative keys included")]
    public void EveryKeyMapGivesTheSameSessions() => Gen.Select(Gen.Int[-3, 40], Gen.Long[0, 500]).Array[0, 200].Sample(events =>
    {
        static List<string> Run<TKey>(IEnumerable<(int Key, long At)> events, Func<int, TKey> key)
            where TKey : notnull
        {
            var panes = new SessionPanes<TKey, int, long, long, CountFn<int>>(default);
            var fired = new List<string>();
            foreach (var (k, at) in events.OrderBy(e => e.At))
            {
                // Keys 0..40 dense, and the same keys far apart (times a million): both ways of finding a key.
                panes.Add(key(k), 1, new Instant(at), BoundedWindow.Interval(new Instant(at), new Instant(at + 30)));
                panes.AdvanceWatermark(new Instant(at - 40));
                fired.AddRange(panes.Fired.Select(f => f.Key + "@" + f.Window + "=" + f.Value));
                panes.ClearFired();
            }

            panes.AdvanceWatermark(Instant.MaxValue);
            fired.AddRange(panes.Fired.Select(f => f.Key + "@" + f.Window + "=" + f.Value));
            return fired;
        }

        var expected = Run(events, k => k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, Run(events, k => k));
        Assert.Equal(expected, Run(events, k => (long)k));
        var far = Run(events, k => k * 1_000_000L);
        Assert.Equal(expected.Count, far.Count);
    }, iter: 100);

    [Fact(DisplayName = "A combine function that throws while a session opens leaves no session behind, and the key can open one again")]
    public void ThrowingCreateLeavesNothing()
    {
        var panes = new SessionPanes<int, int, long, long, ThrowsOnNegative>(default);
        Assert.Throws<InvalidOperationException>(() => panes.Add(1, -1, new Instant(0), BoundedWindow.Interval(new Instant(0), new Instant(10))));
        Assert.Equal(0, panes.LiveWindows);
        Assert.True(panes.Add(1, 5, new Instant(0), BoundedWindow.Interval(new Instant(0), new Instant(10))));
        panes.AdvanceWatermark(Instant.MaxValue);
        var fired = Assert.Single(panes.Fired);
        Assert.Equal(5, fired.Value);
        Assert.Equal(PaneInfo.OnTimeAndOnly, fired.Pane);
        Assert.Equal(9, fired.Timestamp.Millis);
    }

    private readonly struct ThrowsOnNegative : ICombineFn<int, long, long>
    {
        public long CreateAccumulator() => 0;

        public void AddInput(ref long accumulator, int input) => accumulator += input >= 0 ? input : throw new InvalidOperationException("negative");

        public void MergeAccumulators(ref long accumulator, long other) => accumulator += other;

        public long ExtractOutput(long accumulator) => accumulator;
    }
}
