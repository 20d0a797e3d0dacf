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
/// Window bucket panes (<see cref="WindowBucketPanes{TKey, TInput, TAccum, TOutput, TCombineFn}"/>), the state the
/// generator picks for windows that do not merge under the default trigger with lateness or accumulation, or the
/// watermark trigger with count or processing-time firings, give exactly what keyed window panes give for those
/// strategies: the same panes (values, windows, timestamps, pane info) in the same order, the same drops, whatever the
/// disorder, the bundles, the watermark's and processing time's steps, the windows (fixed, sliding, global), and
/// checkpoints taken and restored at any point, or split over shards by key. The combine function throws for some
/// panes (<see cref="UnluckyListFn"/>): both lose those panes only, report them, and go on alike.
/// </summary>
public class WindowBucketPanesTests
{
    /// <summary>The list of a pane's values, as <see cref="ToListFn{T}"/> gives it, except that it throws when their sum is 3 modulo 7.</summary>
    private readonly struct UnluckyListFn : ICombineFn<int, List<int>, IReadOnlyList<int>>
    {
        public List<int> CreateAccumulator() => new();

        public void AddInput(ref List<int> accumulator, int input) => accumulator.Add(input);

        public void MergeAccumulators(ref List<int> accumulator, List<int> other) => accumulator.AddRange(other);

        public IReadOnlyList<int> ExtractOutput(List<int> accumulator) =>
            accumulator.Sum() % 7 == 3 ? throw new InvalidOperationException("unlucky pane") : accumulator.ToArray();
    }

    /// <summary>
    /// An element of <paramref name="Key"/> at <paramref name="Time"/> (ending its bundle when <paramref name="EndsBundle"/>),
    /// or a step of the watermark (<see cref="OpKind.Watermark"/>) or of processing time by Time.
    /// </summary>
    private readonly record struct Op(OpKind Kind, int Key, long Time, bool EndsBundle);

    private enum OpKind
    {
        Element,
        Watermark,
        ProcessingTime,
    }

    /// <summary>A strategy: the trigger, the options, and the windows (size, period; size 0: the global window).</summary>
    private sealed record Strategy(TriggerSpec Trigger, PaneOptions Options, long Size, long Period)
    {
        public override string ToString() => Trigger + " " + Options + " size " + Size + " period " + Period;

        public IEnumerable<BoundedWindow> WindowsOf(long time)
        {
            if (Size == 0)
            {
                yield return BoundedWindow.Global;
                yield break;
            }

            var last = time - (((time % Period) + Period) % Period);
            for (var start = last; start > time - Size; start -= Period)
            {
                yield return BoundedWindow.Interval(new Instant(start), new Instant(start + Size));
            }
        }
    }

    private static readonly Gen<TriggerSpec?> Firing = Gen.OneOf(
        Gen.Const((TriggerSpec?)null),
        Gen.Long[1, 3].Select(n => (TriggerSpec?)TriggerSpec.AfterCount(n)),
        Gen.Long[0, 25].Select(d => (TriggerSpec?)TriggerSpec.AfterProcessingTime(d)));

    private static readonly Gen<Strategy> Strategies =
        Gen.Select(
            Gen.Frequency((1, Gen.Const(TriggerSpec.Default())), (4, Gen.Select(Firing, Firing).Select((early, late) => TriggerSpec.AfterWatermark(early, late)))),
            Gen.Select(Gen.Long[0, 60], Gen.Bool, Gen.Bool, Gen.Bool),
            Gen.Int[0, 5],
            Gen.Long[5, 40])
        .Select((trigger, options, shape, size) =>
        {
            var (lateness, accumulating, closingAlways, onTimeIfNonEmpty) = options;
            var paneOptions = new PaneOptions(lateness, accumulating, TimestampCombiner.EndOfWindow,
                closingAlways ? ClosingBehavior.FireAlways : ClosingBehavior.FireIfNonEmpty,
                onTimeIfNonEmpty ? OnTimeBehavior.FireIfNonEmpty : OnTimeBehavior.FireAlways);
            // Mostly fixed windows, some sliding, one in six global.
            return shape switch
            {
                0 => new Strategy(trigger, paneOptions, 0, 1),
                1 => new Strategy(trigger, paneOptions, size * 2, size),
                2 => new Strategy(trigger, paneOptions, size, Math.Max(1, size / 3)),
                _ => new Strategy(trigger, paneOptions, size, size),
            };
        });

    /// <summary>Elements over a few keys, in about the order of time, with disorder, bundles, and watermark and processing-time steps.</summary>
    private static Gen<Op[]> Ops(int keys, int disorder, int maxStep) =>
        Gen.Select(Gen.Int[0, keys - 1], Gen.Int[0, disorder], Gen.Int[0, 5], Gen.Int[0, maxStep], Gen.Bool)
            .Array[0, 150]
            .Select(raw =>
            {
                var ops = new Op[raw.Length];
                var now = 0L;
                for (var i = 0; i < raw.Length; i++)
                {
                    var (key, back, kind, step, endsBundle) = raw[i];
                    now += step % 5;
                    ops[i] = kind switch
                    {
                        0 => new Op(OpKind.Watermark, 0, step, true),
                        1 => new Op(OpKind.ProcessingTime, 0, step, true),
                        _ => new Op(OpKind.Element, key, Math.Max(0, now - back), endsBundle),
                    };
                }

                return ops;
            });

    private static KeyedPanes<int, int, List<int>, IReadOnlyList<int>, UnluckyListFn> Reference(Strategy s) =>
        new(default, new TriggerStateMachine(s.Trigger), s.Options);

    private static WindowBucketPanes<int, int, List<int>, IReadOnlyList<int>, UnluckyListFn> Buckets(Strategy s) =>
        new(default, new TriggerStateMachine(s.Trigger), s.Options);

    private static string Describe(FiredPane<int, IReadOnlyList<int>> f) =>
        f.Key + "=[" + string.Join(",", f.Value) + "] @" + f.Timestamp.Millis + " " + f.Window + " " + f.Pane;

    private static string DescribeFailed(FailedPane<int> f) =>
        f.Key + "=failed (" + f.Error.Message + ") @- " + f.Window + " " + f.Pane;

    /// <summary>The two kinds of panes, driven alike.</summary>
    private interface IPanes
    {
        bool Add(int key, int value, Instant timestamp, BoundedWindow window);

        void EndBundle();

        void AdvanceWatermark(Instant watermark);

        void AdvanceProcessingTime(Instant now);

        IEnumerable<string> Take();
    }

    private sealed class ReferencePanes(KeyedPanes<int, int, List<int>, IReadOnlyList<int>, UnluckyListFn> panes) : IPanes
    {
        public KeyedPanes<int, int, List<int>, IReadOnlyList<int>, UnluckyListFn> Panes => panes;

        public bool Add(int key, int value, Instant timestamp, BoundedWindow window) => panes.Add(key, value, timestamp, window);

        public void EndBundle() => panes.EndBundle();

        public void AdvanceWatermark(Instant watermark) => panes.AdvanceWatermark(watermark);

        public void AdvanceProcessingTime(Instant now) => panes.AdvanceProcessingTime(now);

        public IEnumerable<string> Take()
        {
            var fired = panes.Fired.Select(Describe).Concat(panes.Failed.Select(DescribeFailed)).ToList();
            panes.ClearFired();
            panes.ClearFailed();
            return fired;
        }
    }

    /// <summary>
    /// Window buckets driven as the generated runner drives them. <paramref name="direct"/>: each pane handed to a receiver
    /// struct as it fires (the generated runner's way); otherwise collected in the fired list.
    /// </summary>
    private sealed class BucketPanes(WindowBucketPanes<int, int, List<int>, IReadOnlyList<int>, UnluckyListFn> panes, bool direct = false) : IPanes
    {
        private readonly List<FiredPane<int, IReadOnlyList<int>>> _received = new();

        public WindowBucketPanes<int, int, List<int>, IReadOnlyList<int>, UnluckyListFn> Panes { get; set; } = panes;

        public bool Add(int key, int value, Instant timestamp, BoundedWindow window) => Panes.Add(key, value, timestamp, window);

        public void EndBundle()
        {
            if (direct)
            {
                var receiver = new Collect(_received);
                Panes.EndBundle(ref receiver);
            }
            else
            {
                Panes.EndBundle();
            }
        }

        // As the generated runner does: the quiet advance first, the full one only when it refuses (something fires).
        public void AdvanceWatermark(Instant watermark)
        {
            if (Panes.TryAdvanceWatermarkQuietly(watermark))
            {
                return;
            }

            if (direct)
            {
                var receiver = new Collect(_received);
                Panes.AdvanceWatermark(watermark, ref receiver);
            }
            else
            {
                Panes.AdvanceWatermark(watermark);
            }
        }

        public void AdvanceProcessingTime(Instant now)
        {
            if (Panes.TryAdvanceProcessingTimeQuietly(now))
            {
                return;
            }

            if (direct)
            {
                var receiver = new Collect(_received);
                Panes.AdvanceProcessingTime(now, ref receiver);
            }
            else
            {
                Panes.AdvanceProcessingTime(now);
            }
        }

        public IEnumerable<string> Take()
        {
            Assert.True(!direct || Panes.Fired.Count == 0, "A pane handed to the receiver is not also kept in the fired list.");
            var fired = _received.Concat(Panes.Fired).Select(Describe).Concat(Panes.Failed.Select(DescribeFailed)).ToList();
            _received.Clear();
            Panes.ClearFired();
            Panes.ClearFailed();
            return fired;
        }
    }

    /// <summary>A receiver as the generated runner's: a struct, called by the firing loop for each pane.</summary>
    private readonly struct Collect(List<FiredPane<int, IReadOnlyList<int>>> into) : IPaneReceiver<int, IReadOnlyList<int>>
    {
        public void Receive(in FiredPane<int, IReadOnlyList<int>> pane) => into.Add(pane);
    }

    /// <summary>One operation on one pair of panes; element i carries value <paramref name="value"/>.</summary>
    private static void Apply(IPanes panes, Strategy s, Op op, int value, ref long watermark, ref long processing, List<bool>? added)
    {
        switch (op.Kind)
        {
            case OpKind.Watermark:
                watermark += op.Time;
                panes.AdvanceWatermark(new Instant(watermark));
                break;
            case OpKind.ProcessingTime:
                processing += op.Time;
                panes.AdvanceProcessingTime(new Instant(processing));
                break;
            default:
                foreach (var window in s.WindowsOf(op.Time))
                {
                    var result = panes.Add(op.Key, value, new Instant(op.Time), window);
                    added?.Add(result);
                }

                if (op.EndsBundle)
                {
                    panes.EndBundle();
                }

                break;
        }
    }

    /// <summary>Runs the operations through both and compares everything after each, then at the end of input.</summary>
    private static void Check(Strategy s, Op[] ops, int checkpointAt)
    {
        var reference = new ReferencePanes(Reference(s));
        var buckets = new BucketPanes(Buckets(s));
        var expected = new List<string>();
        var actual = new List<string>();
        long referenceMark = 0, bucketMark = 0, referenceNow = 0, bucketNow = 0;
        var referenceAdds = new List<bool>();
        var bucketAdds = new List<bool>();
        for (var i = 0; i < ops.Length; i++)
        {
            if (i == checkpointAt)
            {
                buckets.Panes = RoundTrip(buckets.Panes, s);
            }

            Apply(reference, s, ops[i], i, ref referenceMark, ref referenceNow, referenceAdds);
            Apply(buckets, s, ops[i], i, ref bucketMark, ref bucketNow, bucketAdds);
            SameFiring(reference.Take(), buckets.Take(), expected, actual);
            Assert.Equal(referenceAdds, bucketAdds);
            Assert.Equal(reference.Panes.LiveWindows, buckets.Panes.LiveWindows);
            Assert.Equal(reference.Panes.DroppedLate, buckets.Panes.DroppedLate);
            Assert.Equal(reference.Panes.DroppedClosed, buckets.Panes.DroppedClosed);
            Assert.Equal(reference.Panes.NextProcessingDeadline, buckets.Panes.NextProcessingDeadline);
            Assert.Equal(reference.Panes.OutputWatermark, buckets.Panes.OutputWatermark);
        }

        reference.AdvanceProcessingTime(Instant.MaxValue);
        buckets.AdvanceProcessingTime(Instant.MaxValue);
        reference.AdvanceWatermark(Instant.MaxValue);
        buckets.AdvanceWatermark(Instant.MaxValue);
        SameFiring(reference.Take(), buckets.Take(), expected, actual);
        Assert.Equal(reference.Panes.PanesFired, buckets.Panes.PanesFired);
        Assert.Equal(0, buckets.Panes.LiveWindows);
    }

    /// <summary>
    /// One call's panes: the same panes, and the same order for each key and window. Panes of different windows due at the
    /// same instant may come in another order (the documented difference: timers per window, not per key and window), so
    /// the whole run is compared per key and window, in order, with each call's panes the same as a set.
    /// </summary>
    private static void SameFiring(IEnumerable<string> fromReference, IEnumerable<string> fromBuckets, List<string> expected, List<string> actual)
    {
        var x = fromReference.ToList();
        var y = fromBuckets.ToList();
        Assert.Equal(x.Order(StringComparer.Ordinal), y.Order(StringComparer.Ordinal));
        expected.AddRange(x);
        actual.AddRange(y);
        Assert.Equal(
            expected.GroupBy(KeyAndWindow).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()),
            actual.GroupBy(KeyAndWindow).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()));
    }

    /// <summary>"key window" of a described pane.</summary>
    private static string KeyAndWindow(string pane)
    {
        var at = pane.IndexOf(" @", StringComparison.Ordinal);
        var window = pane.IndexOf(' ', at + 2);
        return pane[..pane.IndexOf('=')] + pane[window..pane.IndexOf(" Pane(", StringComparison.Ordinal)];
    }

    private static WindowBucketPanes<int, int, List<int>, IReadOnlyList<int>, UnluckyListFn> RoundTrip(WindowBucketPanes<int, int, List<int>, IReadOnlyList<int>, UnluckyListFn> panes, Strategy s)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new CoderWriter(buffer);
        panes.WriteCheckpoint<Int32Coder, ListCoder<int, Int32Coder>>(ref writer);
        writer.Flush();
        var restored = Buckets(s);
        var reader = new CoderReader(buffer.WrittenSpan);
        restored.RestoreCheckpoint<Int32Coder, ListCoder<int, Int32Coder>>(ref reader);
        Assert.Equal(0, reader.Remaining);
        return restored;
    }

    [Fact(DisplayName = "Window bucket panes fire the panes of keyed window panes, in their order, with the same drops (small steps)")]
    public void SameAsKeyedPanesInSmallSteps() =>
        Gen.Select(Strategies, Ops(keys: 4, disorder: 30, maxStep: 12)).Sample((s, ops) => Check(s, ops, checkpointAt: -1), iter: 1_500);

    [Fact(DisplayName = "Window bucket panes fire the panes of keyed window panes when the watermark and processing time jump")]
    public void SameAsKeyedPanesInJumps() =>
        Gen.Select(Strategies, Ops(keys: 3, disorder: 120, maxStep: 150)).Sample((s, ops) => Check(s, ops, checkpointAt: -1), iter: 800);

    [Fact(DisplayName = "Window bucket panes handed to a receiver as they fire are the fired list's panes, in the same order, with the same failures")]
    public void ReceiverGetsTheFiredListsPanes() =>
        Gen.Select(Strategies, Ops(keys: 4, disorder: 60, maxStep: 40)).Sample((s, ops) =>
        {
            var listed = new BucketPanes(Buckets(s));
            var received = new BucketPanes(Buckets(s), direct: true);
            long listedMark = 0, receivedMark = 0, listedNow = 0, receivedNow = 0;
            var expected = new List<string>();
            var actual = new List<string>();
            for (var i = 0; i < ops.Length; i++)
            {
                Apply(listed, s, ops[i], i, ref listedMark, ref listedNow, null);
                Apply(received, s, ops[i], i, ref receivedMark, ref receivedNow, null);
                expected.AddRange(listed.Take());
                actual.AddRange(received.Take());
            }

            listed.AdvanceProcessingTime(Instant.MaxValue);
            received.AdvanceProcessingTime(Instant.MaxValue);
            listed.AdvanceWatermark(Instant.MaxValue);
            received.AdvanceWatermark(Instant.MaxValue);
            expected.AddRange(listed.Take());
            actual.AddRange(received.Take());
            Assert.Equal(expected, actual); // exactly, in order: one implementation, two ways out
            Assert.Equal(listed.Panes.PanesFired, received.Panes.PanesFired);
        }, iter: 600);

    [Fact(DisplayName = "Window bucket panes restored from a checkpoint at any point go on as the uninterrupted ones, pane for pane and in order")]
    public void RestoredPanesGoOn() =>
        Gen.Select(Strategies, Ops(keys: 4, disorder: 40, maxStep: 30), Gen.Int[0, 150]).Sample((s, ops, at) => Check(s, ops, at), iter: 800);

    [Fact(DisplayName = "Window bucket panes take only the strategies they are the same as keyed window panes for")]
    public void RefusesOtherStrategies()
    {
        var onTime = new PaneOptions(10, true);
        Assert.True(WindowBucketPanes<int, int, long, long, CountFn<int>>.Supports(TriggerSpec.Default(), onTime));
        Assert.True(WindowBucketPanes<int, int, long, long, CountFn<int>>.Supports(TriggerSpec.AfterWatermark(TriggerSpec.AfterProcessingTime(5), TriggerSpec.AfterCount(1)), onTime));
        Assert.False(WindowBucketPanes<int, int, long, long, CountFn<int>>.Supports(TriggerSpec.AfterWatermark(TriggerSpec.Repeatedly(TriggerSpec.AfterCount(2))), onTime));
        Assert.False(WindowBucketPanes<int, int, long, long, CountFn<int>>.Supports(TriggerSpec.Repeatedly(TriggerSpec.AfterCount(2)), onTime));
        Assert.False(WindowBucketPanes<int, int, long, long, CountFn<int>>.Supports(TriggerSpec.Default(), onTime with { Merging = true }));
        Assert.False(WindowBucketPanes<int, int, long, long, CountFn<int>>.Supports(TriggerSpec.Default(), onTime with { TimestampCombiner = TimestampCombiner.Earliest }));
        Assert.Throws<NotSupportedException>(() => new WindowBucketPanes<int, int, long, long, CountFn<int>>(default, new TriggerStateMachine(TriggerSpec.AfterCount(1)), onTime));
    }

    [Fact(DisplayName = "Window bucket panes split over shards by key and adopted fire, per key, the panes of the panes restored whole")]
    public void AdoptedPanesGoOn() =>
        Gen.Select(Strategies, Ops(keys: 6, disorder: 20, maxStep: 20), Ops(keys: 6, disorder: 20, maxStep: 20), Gen.Int[1, 3]).Sample((s, before, after, shards) =>
        {
            var original = new BucketPanes(Buckets(s));
            long mark = 0, now = 0;
            for (var i = 0; i < before.Length; i++)
            {
                Apply(original, s, before[i], i, ref mark, ref now, null);
                original.Take();
            }

            original.EndBundle();
            original.Take();
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new CoderWriter(buffer);
            original.Panes.WriteCheckpoint<Int32Coder, ListCoder<int, Int32Coder>>(ref writer);
            writer.Flush();
            var whole = new BucketPanes(RoundTrip(original.Panes, s));
            var from = Buckets(s);
            var reader = new CoderReader(buffer.WrittenSpan);
            from.RestoreCheckpoint<Int32Coder, ListCoder<int, Int32Coder>>(ref reader);
            var parts = Enumerable.Range(0, shards).Select(_ => new BucketPanes(Buckets(s))).ToArray();
            for (var p = 0; p < shards; p++)
            {
                var shard = p;
                parts[p].Panes.AdoptCheckpointed(from, key => key % shards == shard, first: true, counts: shard == 0);
            }

            Assert.Equal(whole.Panes.LiveWindows, parts.Sum(p => p.Panes.LiveWindows));
            var expected = new List<(int Key, string Pane)>();
            var actual = new List<(int Key, string Pane)>();
            var wholeMark = mark;
            var wholeNow = now;
            var partMarks = Enumerable.Repeat(mark, shards).ToArray();
            var partNows = Enumerable.Repeat(now, shards).ToArray();
            void Collect(IPanes panes, List<(int, string)> into) => into.AddRange(panes.Take().Select(d => (int.Parse(d[..d.IndexOf('=')]), d)));
            for (var i = 0; i < after.Length; i++)
            {
                var op = after[i] with { EndsBundle = true };
                Apply(whole, s, op, 1_000 + i, ref wholeMark, ref wholeNow, null);
                Collect(whole, expected);
                for (var p = 0; p < shards; p++)
                {
                    if (op.Kind != OpKind.Element || op.Key % shards == p)
                    {
                        Apply(parts[p], s, op, 1_000 + i, ref partMarks[p], ref partNows[p], null);
                        Collect(parts[p], actual);
                    }
                }
            }

            whole.AdvanceProcessingTime(Instant.MaxValue);
            whole.AdvanceWatermark(Instant.MaxValue);
            Collect(whole, expected);
            foreach (var part in parts)
            {
                part.AdvanceProcessingTime(Instant.MaxValue);
                part.AdvanceWatermark(Instant.MaxValue);
                Collect(part, actual);
            }

            // Panes of one key and window come in the same order; the interleaving of different keys, and of a key's windows
            // due at the same instant (a window's timer is set when its first key here comes), may differ.
            Assert.Equal(
                expected.Select(e => e.Pane).GroupBy(KeyAndWindow).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()),
                actual.Select(a => a.Pane).GroupBy(KeyAndWindow).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()));

            Assert.Equal(whole.Panes.PanesFired + whole.Panes.DroppedLate + whole.Panes.DroppedClosed, parts.Sum(p => p.Panes.PanesFired + p.Panes.DroppedLate + p.Panes.DroppedClosed));
        }, iter: 400);

    [Fact(DisplayName = "Window bucket panes allocate nothing per element in steady state, and free each window's slots at garbage collection")]
    public void SteadyStateAllocatesNothing()
    {
        var spec = TriggerSpec.AfterWatermark(TriggerSpec.AfterProcessingTime(30), TriggerSpec.AfterCount(1));
        var panes = new WindowBucketPanes<int, long, long, long, SumFn<long>>(Combiners.Sum<long>(), new TriggerStateMachine(spec), new PaneOptions(100, true));
        void Run(int from, int count)
        {
            for (var t = from; t < from + count; t++)
            {
                var start = t - (t % 60);
                panes.Add(t % 97, t, new Instant(t), BoundedWindow.Interval(new Instant(start), new Instant(start + 60)));
                panes.EndBundle();
                panes.AdvanceProcessingTime(new Instant(t));
                panes.AdvanceWatermark(new Instant(t - 5));
                panes.ClearFired();
            }
        }

        Run(0, 50_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(50_000, 200_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 2_000, allocated + " bytes over 200,000 elements");
        Assert.True(panes.LiveWindows <= 97 * 4, panes.LiveWindows + " live key-window states");
        Assert.True(panes.PanesFired > 200_000 / 60 * 97, panes.PanesFired + " panes");
    }
}
