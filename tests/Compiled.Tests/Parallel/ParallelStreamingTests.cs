using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Parallel;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>A sum that counts every input it adds (on whichever shard it runs) and can be made slow.</summary>
public readonly struct CountingSum : ICombineFn<int, long, long>
{
    /// <summary>Inputs added so far, over every thread.</summary>
    public static long Added;

    /// <summary>Spin iterations per input: a slow shard.</summary>
    public static int Work;

    /// <inheritdoc/>
    public long CreateAccumulator() => 0;

    /// <inheritdoc/>
    public void AddInput(ref long accumulator, int input)
    {
        Thread.SpinWait(Work);
        Interlocked.Increment(ref Added);
        accumulator += input;
    }

    /// <inheritdoc/>
    public void MergeAccumulators(ref long accumulator, long other) => accumulator += other;

    /// <inheritdoc/>
    public long ExtractOutput(long accumulator) => accumulator;
}

/// <summary>
/// Per-team sums in sessions with a counting (and optionally slow) combine function: sessions are kept on the keys'
/// shards, so every element travels there (a fixed-window sum would be combined on the partition and ship accumulators).
/// </summary>
[Pipeline]
public partial class CountedTeamSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Sessions(TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(new CountingSum())
         .Output("sums");
}

/// <summary>Per-team counts in fixed windows, then a lambda that throws on a count of 13 or more, on the shard that fires the pane.</summary>
[Pipeline]
public partial class UnluckyCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Team, 1))
         .CountPerKey()
         .Map(static kv => kv.Value >= 13 ? throw new InvalidOperationException("thirteen") : kv)
         .Output("counts");
}

/// <summary>Per-team sums in fixed 10 s windows of a source that tracks its own watermark and goes idle after 30 s without elements.</summary>
[Pipeline]
public partial class IdleTeamSums
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<GameEvent>("events", static e => new Instant(e.TimeMs), maxOutOfOrderness: TimeSpan.FromSeconds(1), idleness: TimeSpan.FromSeconds(30))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("sums");
}

/// <summary>
/// Each event twice, the copy timestamped 5 s earlier (within the DoFn's allowed skew), so one push sends a key's shard
/// an element ahead of the watermark and one that may be behind it, in one bundle; per-team sums in fixed 10 s windows
/// with early firings every two elements and late firings, accumulating.
/// </summary>
[Pipeline]
public partial class EchoedTeamSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .ParDo<GameEvent>(static (e, output) =>
         {
             output.Emit(e);
             output.EmitWithTimestamp(e with { Score = e.Score + 100 }, new Instant(e.TimeMs - 5_000));
         }, allowedTimestampSkew: TimeSpan.FromSeconds(5))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(10))
             .Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2)).WithLateFirings(Trigger.AfterCount(1)))
             .WithAllowedLateness(TimeSpan.FromSeconds(30))
             .Accumulating())
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("sums");
}

/// <summary>
/// Elements whose window a shard assigns again from their timestamp (the items of their level carry none): fixed windows
/// with an offset and allowed lateness through a Partition, WithKeys, a Map and two KvSwaps; sessions; the global window
/// of a second input, whose FlatMap gives its elements timestamps.
/// </summary>
[Pipeline]
public partial class ReassignedWindows
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<GameEvent>("events").WithTimestamps(static e => new Instant(e.TimeMs));
        var (even, odd) = events.Window(Windows.Fixed(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3)).WithAllowedLateness(TimeSpan.FromSeconds(15)))
            .Partition(2, static (e, n) => e.Score % n);
        even.WithKeys(static e => e.Team).Map(static kv => KV.Of(kv.Key, kv.Value.Score)).KvSwap().KvSwap()
            .CombinePerKey(Combiners.Sum<int>()).Output("fixedSums");
        odd.Map(static e => KV.Of(e.Team, e.Score)).CountPerKey().Output("fixedCounts");
        events.Window(Windows.Sessions(TimeSpan.FromSeconds(20))).Map(static e => KV.Of(e.Team, e.Score)).CountPerKey().Output("sessions");
        p.Create<GameEvent>("plain")
            .FlatMap<KV<string, int>>(static (e, output) => output.EmitWithTimestamp(KV.Of(e.Team, e.Score), new Instant(e.TimeMs)))
            .CombinePerKey(Combiners.Sum<int>()).Output("globalSums");
    }
}

/// <summary>
/// Sliding sums on shared panes of a source that can go idle, so not lifted (see IdleTeamSums): elements travel, each
/// without its pane, which the shard assigns again from the timestamp.
/// </summary>
[Pipeline]
public partial class IdleSlidingSums
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<GameEvent>("events", static e => new Instant(e.TimeMs), maxOutOfOrderness: TimeSpan.FromSeconds(5), idleness: TimeSpan.FromSeconds(30))
         .Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .Filter(static kv => kv.Value != 7)
         .CombinePerKey(Combiners.Sum<int>())
         .Output("sums");
}

/// <summary>
/// Elements whose window travels with them: a FlatMap between the Window and the grouping (a FlatMap may emit with a new
/// timestamp in the old window), and sliding windows grouped whole (each timestamp is in three windows).
/// </summary>
[Pipeline]
public partial class CarriedWindows
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<GameEvent>("events").WithTimestamps(static e => new Instant(e.TimeMs));
        events.Window(Windows.Sessions(TimeSpan.FromSeconds(20)))
            .FlatMap<KV<string, int>>(static (e, output) =>
            {
                output.Emit(KV.Of(e.Team, e.Score));
                output.EmitWithTimestamp(KV.Of(e.Team, 1), new Instant(e.TimeMs + 4_000));
            })
            .CountPerKey().Output("sessions");
        events.Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10))).Map(static e => KV.Of(e.Team, e.Score))
            .GroupByKey().Map(static kv => KV.Of(kv.Key, kv.Value.Count())).Output("groups");
    }
}

/// <summary>Per-team sums in fixed 1 s windows, lifted: partitions ship each window's accumulators as one map.</summary>
[Pipeline]
public partial class SecondSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(1)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("sums");
}

/// <summary>A sink that counts the windows it gets (over every thread) and takes its time over each: a slow shard.</summary>
public sealed class SlowWindowSink : ISink<KV<string, int>>
{
    /// <summary>Panes received so far, over every thread.</summary>
    public static long Received;

    /// <inheritdoc/>
    public void Receive(in WindowedValue<KV<string, int>> element)
    {
        Thread.SpinWait(20_000);
        Interlocked.Increment(ref Received);
    }
}

/// <summary>A sink that other threads may watch while shards write to it: every pane goes to one shared queue.</summary>
public sealed class SharedSink<T>(System.Collections.Concurrent.ConcurrentQueue<WindowedValue<T>> panes) : ISink<T>
{
    /// <inheritdoc/>
    public void Receive(in WindowedValue<T> element) => panes.Enqueue(element);
}

/// <summary>
/// The streaming parallel runner (CreateParallelRunner) against the single-threaded runner: the same pushes, watermarks
/// and processing-time advances give the same panes (values, timestamps, windows, PaneInfo), for every parallelism,
/// batch size and channel capacity; several partitions pushed concurrently, each with its own watermark; bounded memory
/// with a slow shard; a failure on a shard surfaces from Finish.
/// </summary>
public class ParallelStreamingTests
{
    private static readonly Gen<GameEvent> Event = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green"), Gen.String[Gen.Char['a', 'd'], 1, 2]),
        Gen.Int[0, 20],
        Gen.Long[0, 180_000],
        (team, score, time) => new GameEvent(team, score, time));

    /// <summary>Events, a schedule seed, parallelism, batch size and channel capacity.</summary>
    internal static readonly Gen<(GameEvent[] Events, int Seed, int Parallelism, int BatchSize, int Capacity)> Cases =
        Gen.Select(Event.Array[0, 250], Gen.Int, Gen.Int[1, 4], Gen.Int[1, 64], Gen.Int[1, 4]);

    internal enum StepKind
    {
        Push,
        Watermark,
        ProcessingTime,
    }

    internal readonly record struct Step(StepKind Kind, GameEvent Event, long Time);

    /// <summary>Pushes in order; now and then the watermark moves to a little before the latest time seen (so some later elements are late), and processing time moves.</summary>
    internal static List<Step> Schedule(GameEvent[] events, int seed, bool processingTime)
    {
        var random = new Random(seed);
        var steps = new List<Step>();
        long maxSeen = long.MinValue;
        long watermark = long.MinValue;
        long now = 0;
        foreach (var e in events)
        {
            steps.Add(new Step(StepKind.Push, e, 0));
            maxSeen = Math.Max(maxSeen, e.TimeMs);
            var r = random.Next(10);
            if (r < 3)
            {
                var candidate = maxSeen - random.Next(0, 40_000);
                if (candidate > watermark)
                {
                    watermark = candidate;
                    steps.Add(new Step(StepKind.Watermark, default, watermark));
                }
            }
            else if (processingTime && r == 9)
            {
                now += random.Next(1, 10_000);
                steps.Add(new Step(StepKind.ProcessingTime, default, now));
            }
        }

        return steps;
    }

    internal static void Drive(IStreamingRunner runner, List<Step> steps, Action<GameEvent> push)
    {
        foreach (var step in steps)
        {
            switch (step.Kind)
            {
                case StepKind.Push:
                    push(step.Event);
                    break;
                case StepKind.Watermark:
                    runner.AdvanceWatermark(new Instant(step.Time));
                    break;
                default:
                    runner.AdvanceProcessingTime(new Instant(step.Time));
                    break;
            }
        }

        runner.Finish();
    }

    /// <summary>The panes as comparable lines, without the last flag of on-time and late panes (see <see cref="PaneLines"/>).</summary>
    private static List<string> Multiset<T>(IEnumerable<WindowedValue<T>> elements, Func<T, string>? show = null) => PaneLines.Multiset(elements, show);

    private static List<string> All<T>(IEnumerable<ListSink<T>> sinks, Func<T, string>? show = null) => Multiset(sinks.SelectMany(s => s.Elements), show);

    /// <summary>
    /// Each partition gets every partitions-th event, in time order, from a thread of its own, and moves its own watermark
    /// just behind what it pushes (so no element is late); the shards' watermark is the minimum over partitions.
    /// </summary>
    internal static void PushPartitions<TRunner>(GameEvent[] events, int partitions, Func<int, TRunner> partitionOf, Action<TRunner, GameEvent> push)
        where TRunner : IStreamingRunner
    {
        var shares = Enumerable.Range(0, partitions).Select(i => events.Where((_, j) => j % partitions == i).OrderBy(e => e.TimeMs).ToArray()).ToArray();
        TestThreads.Run(TimeSpan.FromSeconds(60), Enumerable.Range(0, partitions).Select(i => (Action)(() =>
        {
            var partition = partitionOf(i);
            foreach (var e in shares[i])
            {
                partition.AdvanceWatermark(new Instant(e.TimeMs - 1));
                push(partition, e);
            }

            partition.Finish();
        })).ToArray());
    }

    internal static ParallelRunnerOptions Options(int parallelism, int batchSize, int capacity) =>
        new() { Parallelism = parallelism, BatchSize = batchSize, Capacity = capacity };

    [Fact(DisplayName = "Sessions on keyed window panes: the parallel runner's panes are the single-threaded runner's")]
    public void Sessions() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var single = TeamSessions.CreateRunner(new ListSink<KV<string, long>>());
        Drive(single, steps, single.PushEvents);
        using var parallel = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, parallel.PushEvents);
        Assert.Equal(Multiset(single.Sessions.Elements), All(parallel.SessionsSinks()));
        Assert.Equal(single.DroppedLateElements, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "Early firings on processing time, late firings, lateness, accumulating (LeaderBoard): the same panes")]
    public void LeaderBoard() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: true);
        var single = LeaderBoardTeams.CreateRunner(new ListSink<KV<string, int>>());
        Drive(single, steps, single.PushEvents);
        using var parallel = LeaderBoardTeams.CreateParallelRunner(() => new ListSink<KV<string, int>>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, parallel.PushEvents);
        Assert.Equal(Multiset(single.Scores.Elements), All(parallel.ScoresSinks()));
        Assert.Equal(single.DroppedLateElements, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "A push whose elements straddle the watermark: the shard's watermark moves before the push, as one runner's, not within it")]
    public void PushesThatStraddleTheWatermark() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var single = EchoedTeamSums.CreateRunner(new ListSink<KV<string, int>>());
        Drive(single, steps, single.PushEvents);
        using var parallel = EchoedTeamSums.CreateParallelRunner(() => new ListSink<KV<string, int>>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, parallel.PushEvents);
        Assert.Equal(Multiset(single.Sums.Elements), All(parallel.SumsSinks()));
        Assert.Equal(single.DroppedLateElements, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "Windows a shard assigns again from the timestamp (fixed with an offset and lateness, sessions, global): the same panes")]
    public void ReassignedWindowsGiveTheSamePanes() => Cases.Sample(c =>
    {
        Assert.Contains("elements without their window", ReassignedWindows.PlanDescription, StringComparison.Ordinal);
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var single = ReassignedWindows.CreateRunner(new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>(), new ListSink<KV<string, long>>(), new ListSink<KV<string, int>>());
        Drive(single, steps, e =>
        {
            single.PushEvents(e);
            single.PushPlain(e);
        });
        using var parallel = ReassignedWindows.CreateParallelRunner(
            () => new ListSink<KV<string, int>>(), () => new ListSink<KV<string, long>>(), () => new ListSink<KV<string, long>>(), () => new ListSink<KV<string, int>>(),
            Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, e =>
        {
            parallel.PushEvents(e);
            parallel.PushPlain(e);
        });
        Assert.Equal(Multiset(single.FixedSums.Elements), All(parallel.FixedSumsSinks()));
        Assert.Equal(Multiset(single.FixedCounts.Elements), All(parallel.FixedCountsSinks()));
        Assert.Equal(Multiset(single.Sessions.Elements), All(parallel.SessionsSinks()));
        Assert.Equal(Multiset(single.GlobalSums.Elements), All(parallel.GlobalSumsSinks()));
        Assert.Equal(single.DroppedLateElements, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "Panes of shared sliding windows a shard assigns again from the timestamp (a source that can go idle, so not lifted): the same panes")]
    public void ReassignedPanesGiveTheSamePanes() => Cases.Sample(c =>
    {
        Assert.Contains("elements without their window", IdleSlidingSums.PlanDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("combiner lifted", IdleSlidingSums.PlanDescription, StringComparison.Ordinal);
        var single = IdleSlidingSums.CreateRunner(new ListSink<KV<string, int>>());
        foreach (var e in c.Events)
        {
            single.PushEvents(e); // one push each, as below: the source's watermark moves after each push
        }

        single.Finish();
        using var parallel = IdleSlidingSums.CreateParallelRunner(() => new ListSink<KV<string, int>>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        foreach (var e in c.Events)
        {
            parallel.PushEvents(e);
        }

        TestThreads.Run(TimeSpan.FromSeconds(60), parallel.Finish);
        Assert.Equal(Multiset(single.Sums.Elements), All(parallel.SumsSinks()));
        Assert.Equal(single.DroppedLateElements, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "Windows that travel with their elements (after a FlatMap, sliding windows grouped whole): the same panes")]
    public void CarriedWindowsGiveTheSamePanes() => Cases.Sample(c =>
    {
        Assert.DoesNotContain("elements without their window", CarriedWindows.PlanDescription, StringComparison.Ordinal);
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var single = CarriedWindows.CreateRunner(new ListSink<KV<string, long>>(), new ListSink<KV<string, int>>());
        Drive(single, steps, single.PushEvents);
        using var parallel = CarriedWindows.CreateParallelRunner(() => new ListSink<KV<string, long>>(), () => new ListSink<KV<string, int>>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, parallel.PushEvents);
        Assert.Equal(Multiset(single.Sessions.Elements), All(parallel.SessionsSinks()));
        Assert.Equal(Multiset(single.Groups.Elements), All(parallel.GroupsSinks()));
        Assert.Equal(single.DroppedLateElements, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "Repeatedly(AfterCount(2)) in the global window: bundles end where the single-threaded runner's do")]
    public void CountTriggers() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var single = GlobalPairs.CreateRunner(new ListSink<KV<string, IReadOnlyList<int>>>());
        Drive(single, steps, single.PushEvents);
        using var parallel = GlobalPairs.CreateParallelRunner(() => new ListSink<KV<string, IReadOnlyList<int>>>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, parallel.PushEvents);
        static string Show(KV<string, IReadOnlyList<int>> kv) => kv.Key + "=" + string.Join(",", kv.Value);
        Assert.Equal(All(new[] { single.Pairs }, Show), All(parallel.PairsSinks(), Show));
    });

    [Fact(DisplayName = "A global count on shard 0, sessions with lateness and earliest timestamps: the same panes")]
    public void GlobalSessionCount() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var single = SessionTotals.CreateRunner(new ListSink<long>());
        Drive(single, steps, single.PushEvents);
        using var parallel = SessionTotals.CreateParallelRunner(() => new ListSink<long>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, parallel.PushEvents);
        Assert.Equal(Multiset(single.Totals.Elements), All(parallel.TotalsSinks()));
    });

    [Fact(DisplayName = "Inline window maps, shared sliding panes and late-data outputs: the same results and late elements")]
    public void InlineWindowsAndLateData() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var single = LateDataOutputs.CreateRunner(new ListSink<KV<string, int>>(), new ListSink<KV<string, int>>(), new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>(), new ListSink<GameEvent>(), new ListSink<long>());
        Drive(single, steps, single.PushEvents);
        using var parallel = LateDataOutputs.CreateParallelRunner(() => new ListSink<KV<string, int>>(), () => new ListSink<KV<string, int>>(), () => new ListSink<KV<string, int>>(), () => new ListSink<KV<string, long>>(), () => new ListSink<GameEvent>(), () => new ListSink<long>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, parallel.PushEvents);
        Assert.Equal(Multiset(single.FixedSums.Elements), All(parallel.FixedSumsSinks()));
        Assert.Equal(Multiset(single.LateFixed.Elements), All(parallel.LateFixedSinks()));
        Assert.Equal(Multiset(single.Counts.Elements), All(parallel.CountsSinks()));
        Assert.Equal(Multiset(single.LateWithLateness.Elements), All(parallel.LateWithLatenessSinks()));
        Assert.Equal(Multiset(single.SlidingCounts.Elements), All(parallel.SlidingCountsSinks()));
        Assert.Equal(Multiset(single.LateSliding.Elements), All(parallel.LateSlidingSinks()));
        Assert.Equal(single.DroppedLateElements, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "Two levels: a windowed grouping on key shards feeds a global sum on shard 0 of the next level")]
    public void TwoLevels() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var single = RewindowToGlobal.CreateRunner(new ListSink<int>());
        Drive(single, steps, single.PushEvents);
        using var parallel = RewindowToGlobal.CreateParallelRunner(() => new ListSink<int>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, parallel.PushEvents);
        Assert.Equal(Multiset(single.Total.Elements), All(parallel.TotalSinks()));
    });

    [Fact(DisplayName = "Distinct and CoGroupByKey of two inputs in sessions: the same panes")]
    public void JoinOfTwoInputs() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        static string Show(KV<string, CoGbkResult<int, int>> kv) =>
            kv.Key + "=" + string.Join(",", kv.Value.First) + "|" + string.Join(",", kv.Value.Second);
        var single = SessionDistinctAndJoin.CreateRunner(new ListSink<string>(), new ListSink<KV<string, CoGbkResult<int, int>>>());
        Drive(single, steps, e =>
        {
            if (e.Score % 2 == 0)
            {
                single.PushScores(e);
            }
            else
            {
                single.PushPenalties(e);
            }
        });
        using var parallel = SessionDistinctAndJoin.CreateParallelRunner(() => new ListSink<string>(), () => new ListSink<KV<string, CoGbkResult<int, int>>>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, e =>
        {
            if (e.Score % 2 == 0)
            {
                parallel.PushScores(e);
            }
            else
            {
                parallel.PushPenalties(e);
            }
        });
        Assert.Equal(Multiset(single.Teams.Elements), All(parallel.TeamsSinks()));
        Assert.Equal(All(new[] { single.Joined }, Show), All(parallel.JoinedSinks(), Show));
    });

    [Fact(DisplayName = "Single pushes whose stage cannot throw: a runner of one thread takes the plain path, a partition the full one, and the panes are the same")]
    public void PlainPushes() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var options = Options(c.Parallelism, c.BatchSize, c.Capacity);

        // Each pushes e.Score at e.TimeMs; the parallel runner's partitions take the full path and ship their elements.
        void Same<T, TRunner>(TRunner single, ListSink<T> singleOut, Action<TRunner, int, Instant> push, Func<ListSink<T>[]> parallelOut, IStreamingRunner parallel, Action<int, Instant> pushParallel)
            where TRunner : IStreamingRunner
        {
            Drive(single, steps, e => push(single, e.Score, new Instant(e.TimeMs)));
            Drive(parallel, steps, e => pushParallel(e.Score, new Instant(e.TimeMs)));
            Assert.Equal(Multiset(singleOut.Elements), All(parallelOut()));
        }

        var sessionsOut = new ListSink<KV<int, long>>();
        using var sessions = Faults.PlainSessionCounts.CreateParallelRunner(() => new ListSink<KV<int, long>>(), options);
        Same(Faults.PlainSessionCounts.CreateRunner(sessionsOut), sessionsOut, (r, x, t) => r.PushNumbers(x, t), () => sessions.OutSinks().ToArray(), sessions, sessions.PushNumbers);

        var sumsOut = new ListSink<KV<int, long>>();
        using var sums = Faults.PlainTriggeredSums.CreateParallelRunner(() => new ListSink<KV<int, long>>(), options);
        Same(Faults.PlainTriggeredSums.CreateRunner(sumsOut), sumsOut, (r, x, t) => r.PushNumbers(x, t), () => sums.OutSinks().ToArray(), sums, sums.PushNumbers);

        var doubledOut = new ListSink<int>();
        using var doubled = Faults.PlainDoubled.CreateParallelRunner(() => new ListSink<int>(), options);
        Same(Faults.PlainDoubled.CreateRunner(doubledOut), doubledOut, (r, x, t) => r.PushNumbers(x, t), () => doubled.OutSinks().ToArray(), doubled, doubled.PushNumbers);
    });

    [Fact(DisplayName = "Partitions pushed concurrently, each with its own watermark: the panes of one runner given every element")]
    public void ConcurrentPartitions() => Gen.Select(Event.Array[0, 400], Gen.Int[1, 4], Gen.Int[1, 4]).Sample((events, parallelism, partitions) =>
    {
        var single = TeamSessions.CreateRunner(new ListSink<KV<string, long>>());
        single.PushEvents(events);
        single.Finish();

        using var parallel = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(),
            new ParallelRunnerOptions { Parallelism = parallelism, Partitions = partitions, BatchSize = 16, Capacity = 2 });
        PushPartitions(events, partitions, parallel.Partition, (partition, e) => partition.PushEvents(e));
        TestThreads.Run(TimeSpan.FromSeconds(60), parallel.Finish);
        Assert.Equal(Multiset(single.Sessions.Elements), All(parallel.SessionsSinks()));
        Assert.Equal(0, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "A slow shard: the pusher blocks, and elements in flight stay within the channels' bound")]
    public void SlowShardBoundsMemory()
    {
        const int batchSize = 8;
        const int capacity = 2;
        Interlocked.Exchange(ref CountingSum.Added, 0);
        CountingSum.Work = 2_000;
        try
        {
            using var parallel = CountedTeamSums.CreateParallelRunner(() => new ListSink<KV<string, long>>(),
                new ParallelRunnerOptions { Parallelism = 2, BatchSize = batchSize, Capacity = capacity, FlushInterval = -1 });
            // One partition sends to 2 shards: at most capacity batches per channel, plus the marker before each batch.
            var bound = 2 * capacity * batchSize;
            var maxInFlight = 0L;
            var pushed = 0L;
            for (var i = 0; i < 20_000; i++)
            {
                parallel.PushEvents(new GameEvent(i % 2 == 0 ? "red" : "blue", 1, i));
                pushed++;
                maxInFlight = Math.Max(maxInFlight, pushed - Interlocked.Read(ref CountingSum.Added));
            }

            TestThreads.Run(TimeSpan.FromSeconds(120), parallel.Finish);
            Assert.Equal(20_000, Interlocked.Read(ref CountingSum.Added));
            Assert.True(maxInFlight <= bound, "in flight: " + maxInFlight + ", bound " + bound);
            Assert.Equal(20_000L, parallel.SumsSinks().SelectMany(s => s.Items).Sum(kv => kv.Value));
        }
        finally
        {
            CountingSum.Work = 0;
        }
    }

    [Fact(DisplayName = "A slow shard of a lifted combine: the partition blocks, and the windows' maps in flight stay within the channel's bound")]
    public void SlowShardBoundsLiftedMaps()
    {
        Assert.Contains("combiner lifted", SecondSums.PlanDescription, StringComparison.Ordinal);
        const int capacity = 2;
        Interlocked.Exchange(ref SlowWindowSink.Received, 0);
        using var parallel = SecondSums.CreateParallelRunner(() => new SlowWindowSink(),
            new ParallelRunnerOptions { Parallelism = 1, BatchSize = 1_024, Capacity = capacity, FlushInterval = -1 });
        // Each window is one map, published at once: at most capacity of them wait in the channel, one is being emitted,
        // and one is being shipped; before, the channel took a batch of them (1,024 maps) before it blocked.
        var bound = capacity + 2;
        var maxInFlight = 0L;
        const int windows = 2_000;
        for (var i = 0; i < windows; i++)
        {
            parallel.PushEvents(new GameEvent("red", 1, i * 1_000L));
            parallel.AdvanceWatermark(new Instant(i * 1_000L + 999)); // window i is shipped
            maxInFlight = Math.Max(maxInFlight, i + 1 - Interlocked.Read(ref SlowWindowSink.Received));
        }

        TestThreads.Run(TimeSpan.FromSeconds(120), parallel.Finish);
        Assert.Equal(windows, Interlocked.Read(ref SlowWindowSink.Received));
        Assert.True(maxInFlight <= bound, "in flight: " + maxInFlight + ", bound " + bound);
    }

    [Fact(DisplayName = "A lambda that throws on a shard stops every shard and surfaces from Finish with the shard and the transform's line")]
    public void FailureOnAShardSurfaces()
    {
        using var parallel = UnluckyCounts.CreateParallelRunner(() => new ListSink<KV<string, long>>(), new ParallelRunnerOptions { Parallelism = 2, BatchSize = 4 });
        Exception? atPush = null;
        try
        {
            for (var i = 0; i < 10_000; i++)
            {
                parallel.PushEvents(new GameEvent("team" + (i % 3), 1, i * 100L));
                if (i % 50 == 0)
                {
                    parallel.AdvanceWatermark(new Instant(i * 100L - 1));
                }
            }
        }
        catch (Exception error)
        {
            atPush = error; // a push blocked on a shard that stopped is released
        }

        PipelineExecutionException? failure = null;
        TestThreads.Run(TimeSpan.FromSeconds(60), () => failure = Assert.Throws<PipelineExecutionException>(() => parallel.Finish()));
        Assert.NotNull(failure);
        Assert.InRange(failure.Shard, 0, 1);
        Assert.Contains("thirteen", failure.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(66, failure.Line);
        Assert.Contains("On shard", failure.Message, StringComparison.Ordinal);
        _ = atPush;
    }

    [Fact(DisplayName = "A null key is reported by the partition that pushed it, naming the transform, before it is hashed to a shard")]
    public void ANullKeyIsAClearErrorAtThePush()
    {
        using var parallel = Compiled.Tests.Pipelines.NullableKeys.CreateParallelRunner(() => new ListSink<KV<string?, long>>(), new ParallelRunnerOptions { Parallelism = 2 });
        parallel.PushNames("a");
        var error = Assert.Throws<PipelineExecutionException>(() => parallel.PushNames((string?)null));
        Assert.Contains("null key", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("CountPerElement (line ", error.Transform, StringComparison.Ordinal);
        TestThreads.Run(TimeSpan.FromSeconds(60), parallel.Finish);
        Assert.Equal(new[] { KV.Of<string?, long>("a", 1) }, parallel.CountsSinks().SelectMany(s => s.Items).ToArray());
    }

    [Fact(DisplayName = "A partition whose input went idle is left out of the shards' watermark until it is active again")]
    public void IdlePartitionsDoNotHoldTheWatermark()
    {
        var busy = Enumerable.Range(0, 200).Select(i => new GameEvent(i % 2 == 0 ? "red" : "blue", 1, i * 500L)).ToArray();
        var early = new GameEvent("green", 2, 1_000);
        var late = new GameEvent("green", 3, 100_000);

        var single = IdleTeamSums.CreateRunner(new ListSink<KV<string, int>>());
        single.PushEvents(early);
        single.PushEvents(busy);
        single.PushEvents(late);
        single.Finish();

        var panes = new System.Collections.Concurrent.ConcurrentQueue<WindowedValue<KV<string, int>>>();
        using var parallel = IdleTeamSums.CreateParallelRunner(() => new SharedSink<KV<string, int>>(panes),
            new ParallelRunnerOptions { Parallelism = 2, Partitions = 2, BatchSize = 8 });
        var quiet = parallel.Partition(1);
        quiet.AdvanceProcessingTime(new Instant(0));
        quiet.PushEvents(early);
        quiet.AdvanceProcessingTime(new Instant(31_000)); // 30 s without an element: idle

        var busyPartition = parallel.Partition(0);
        foreach (var e in busy)
        {
            busyPartition.PushEvents(e);
        }

        parallel.Flush();

        // The busy partition's watermark (98.5 s) alone moves the shards: windows up to [80 s, 90 s) fire before Finish.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        bool Fired() => panes.Any(p => p.Window.End.Millis == 90_000) && panes.Any(p => p.Value.Key == "green" && p.Window.End.Millis == 10_000);
        while (!Fired() && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5); // each shard fires when its own inbox brings the watermark
        }

        Assert.Contains(panes, p => p.Window.End.Millis == 90_000);
        Assert.Contains(panes, p => p.Value.Key == "green" && p.Window.End.Millis == 10_000); // the quiet partition's element, before it went idle

        // Active again. It ends before the busy partition does: an idle partition's element that reaches a shard after
        // the others ended (their watermark +infinity, the idle one left out) would be late, as in Flink.
        quiet.PushEvents(late);
        quiet.Finish();
        TestThreads.Run(TimeSpan.FromSeconds(60), parallel.Finish);
        Assert.Equal(Multiset(single.Sums.Elements), Multiset(panes));
        Assert.Equal(0, parallel.DroppedLateElements);
    }

    [Fact(DisplayName = "Combiner lifting: a sliding sum on shared panes, re-keyed and summed again on a second level from the first level's accumulators: the same panes and late elements")]
    public void LiftedCombines() => Cases.Sample(c =>
    {
        var steps = Schedule(c.Events, c.Seed, processingTime: false);
        var single = TwoLevelSlidingSums.CreateRunner(new ListSink<KV<string, long>>());
        Drive(single, steps, single.PushEvents);
        using var parallel = TwoLevelSlidingSums.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(c.Parallelism, c.BatchSize, c.Capacity));
        Drive(parallel, steps, parallel.PushEvents);
        Assert.Equal(Multiset(single.Sums.Elements), All(parallel.SumsSinks()));
        Assert.Equal(single.DroppedLateElements, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "Combiner lifting from partitions pushed concurrently: each ships its accumulators as its own watermark passes a window")]
    public void LiftedCombinesFromPartitions() => Gen.Select(Event.Array[0, 400], Gen.Int[1, 4], Gen.Int[1, 4]).Sample((events, parallelism, partitions) =>
    {
        using var parallel = SameScoresFromPartitions(events, parallelism, partitions);
        Assert.Equal(0, parallel.DroppedLateElements);
    });

    /// <summary>FixedTeamScores from partitions pushed concurrently gives one runner's panes; the finished parallel runner, to dispose.</summary>
    private static FixedTeamScores.ParallelRunner<ListSink<KV<string, int>>> SameScoresFromPartitions(GameEvent[] events, int parallelism, int partitions)
    {
        var single = FixedTeamScores.CreateRunner(new ListSink<KV<string, int>>());
        single.PushEvents(events);
        single.Finish();
        var parallel = FixedTeamScores.CreateParallelRunner(() => new ListSink<KV<string, int>>(),
            new ParallelRunnerOptions { Parallelism = parallelism, Partitions = partitions, BatchSize = 16, Capacity = 2 });
        PushPartitions(events, partitions, parallel.Partition, (partition, e) => partition.PushEvents(e));
        TestThreads.Run(TimeSpan.FromSeconds(60), parallel.Finish);
        Assert.Equal(Multiset(single.Scores.Elements), All(parallel.ScoresSinks()));
        return parallel;
    }

    [Fact(DisplayName = "The plan names each exchange level, and why a pipeline has no streaming parallel runner")]
    public void ThePlanNamesTheLevels()
    {
        Assert.Contains("level 1: #4 CountPerKey", TeamSessions.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("level 2: #7 CombineGlobally", RewindowToGlobal.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("to shard 0", RewindowToGlobal.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("level 1: #4 CombinePerKey (line 22): by key group, combiner lifted", FixedTeamScores.PlanDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("combiner lifted", IdleTeamSums.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("Lifted accumulators (streaming parallel runner): a sender ships its accumulators of a window in one map per receiving shard", FixedTeamScores.PlanDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("Lifted accumulators", IdleTeamSums.PlanDescription, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "Lifted accumulators travel as maps that go round: a shard gives them back once merged or emitted, and the senders take them for their next windows")]
    public void LiftedMapsGoRound()
    {
        // 400 ten-second windows, each with the same five teams; each partition's watermark passes a window's end as the next begins.
        const int windows = 400;
        var events = Enumerable.Range(0, windows * 10).Select(i => new GameEvent("t" + (i % 5), 1, i * 1_000L)).ToArray();
        foreach (var (parallelism, partitions) in new[] { (1, 1), (2, 2), (3, 1) })
        {
            using var parallel = SameScoresFromPartitions(events, parallelism, partitions);

            // One pool for the combine, shared by every partition and shard.
            var pool = parallel.Partition(0).__mapPool4;
            Assert.NotNull(pool);
            Assert.All(parallel.Shards, shard => Assert.Same(pool, shard.__mapPool4));
            Assert.All(Enumerable.Range(0, partitions), k => Assert.Same(pool, parallel.Partition(k).__mapPool4));

            // The maps came back once every window had fired.
            Assert.True(pool!.Count >= 1);
            if (partitions == 1)
            {
                // Had the sender not taken them again, every window would have left at least one map here; it did, so only
                // the maps in flight at once were ever made (a shard lags its sender by at most what its channel holds:
                // about 24 windows, with batches of 16 and 2 of them). With several partitions, a shard holds a window
                // until the slowest partition passes it, so a fast partition's maps wait there, as its state.
                Assert.InRange(pool.Count, 1, windows / 2 - 1);
            }
        }
    }
}
