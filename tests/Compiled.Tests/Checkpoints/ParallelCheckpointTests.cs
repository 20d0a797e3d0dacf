using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Parallel;
using Compiled.Tests.EventTime;
using Compiled.Tests.Parallel;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Checkpoints;

/// <summary>
/// What a job's transactional sinks have committed, kept across the job's restarts (as a file or a topic would be): the
/// transactions each sink instance prepared, by sink and checkpoint, and what was committed, in commit order.
/// </summary>
internal sealed class CommittedOutput<T>
{
    private readonly object _gate = new();
    private readonly Dictionary<(int Sink, long Checkpoint), List<WindowedValue<T>>> _prepared = new();
    private readonly HashSet<(int Sink, long Checkpoint)> _committed = new();
    private readonly List<WindowedValue<T>> _output = new();

    public List<WindowedValue<T>> Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToList();
            }
        }
    }

    public void Prepare(int sink, long checkpoint, List<WindowedValue<T>> elements)
    {
        lock (_gate)
        {
            _prepared[(sink, checkpoint)] = elements;
        }
    }

    public void Commit(int sink, long checkpoint)
    {
        lock (_gate)
        {
            if (_committed.Add((sink, checkpoint)) && _prepared.Remove((sink, checkpoint), out var elements))
            {
                _output.AddRange(elements);
            }
        }
    }

    /// <summary>A sink that has no transaction in the checkpoint restored: every transaction it prepared in earlier runs is aborted.</summary>
    public void Abort(int sink)
    {
        lock (_gate)
        {
            foreach (var key in _prepared.Keys.Where(k => k.Sink == sink).ToList())
            {
                _prepared.Remove(key);
            }
        }
    }

    /// <summary>On restart from <paramref name="checkpoint"/>: its transaction is committed if it was not; later ones are aborted.</summary>
    public void Recover(int sink, long checkpoint)
    {
        lock (_gate)
        {
            if (checkpoint >= 0)
            {
                Commit(sink, checkpoint);
            }

            foreach (var key in _prepared.Keys.Where(k => k.Sink == sink && k.Checkpoint > checkpoint).ToList())
            {
                _prepared.Remove(key);
            }
        }
    }
}

/// <summary>
/// A sink whose output becomes visible when the checkpoint after it is complete (exactly-once). Its handles name the
/// sink instance that prepared them, so any instance can finish them (a restore at a smaller parallelism), unless
/// <c>finishesOthers</c> is false.
/// </summary>
internal sealed class TransactionalListSink<T> : ISink<T>, ITransactionalSink
{
    private readonly CommittedOutput<T> _output;
    private readonly int _index;
    private readonly bool _finishesOthers;
    private List<WindowedValue<T>> _open = new();

    public TransactionalListSink(CommittedOutput<T> output, int index, bool finishesOthers = true)
    {
        _output = output;
        _index = index;
        _finishesOthers = finishesOthers;
    }

    public void Receive(in WindowedValue<T> element) => _open.Add(element);

    public void PrepareCommit(long checkpointId, IBufferWriter<byte> handle)
    {
        _output.Prepare(_index, checkpointId, _open);
        _open = new List<WindowedValue<T>>();
        var span = handle.GetSpan(12);
        BinaryPrimitives.WriteInt64LittleEndian(span, checkpointId);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], _index);
        handle.Advance(12);
    }

    public void Commit(long checkpointId, ReadOnlySpan<byte> handle) => _output.Commit(Owner(checkpointId, handle), checkpointId);

    public void Recover(long checkpointId, ReadOnlySpan<byte> handle)
    {
        // The transaction of the sink of the same place at the checkpoint's parallelism, which may have had another index;
        // none for a shard added at a larger parallelism.
        if (checkpointId < 0 || handle.IsEmpty)
        {
            _output.Abort(_index);
        }
        else
        {
            _output.Recover(Owner(checkpointId, handle), checkpointId);
        }
    }

    public void RecoverOrphan(long checkpointId, ReadOnlySpan<byte> handle)
    {
        if (!_finishesOthers)
        {
            throw new NotSupportedException("This sink finishes only its own transactions.");
        }

        _output.Recover(Owner(checkpointId, handle), checkpointId);
    }

    private static int Owner(long checkpointId, ReadOnlySpan<byte> handle)
    {
        Assert.Equal(12, handle.Length);
        Assert.Equal(checkpointId, BinaryPrimitives.ReadInt64LittleEndian(handle));
        return BinaryPrimitives.ReadInt32LittleEndian(handle[8..]);
    }
}

/// <summary>
/// Checkpoints of the streaming parallel runner: barriers aligned in its channels, each partition and shard writing its
/// part, its shards' sinks committing with the checkpoint. A job stopped at random moments (the runner disposed, what it
/// had not committed lost) and restarted from its latest checkpoint commits exactly the output of a run without stops.
/// </summary>
public class ParallelCheckpointTests
{
    private static readonly Gen<GameEvent> Event = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green"), Gen.String[Gen.Char['a', 'd'], 1, 2]),
        Gen.Int[0, 20],
        Gen.Long[0, 180_000],
        (team, score, time) => new GameEvent(team, score, time));

    /// <summary>Events, a seed for the schedule, stops and checkpoints, partitions, parallelism, batch size and capacity.</summary>
    private static readonly Gen<(GameEvent[] Events, int Seed, int Partitions, int Parallelism, int BatchSize, int Capacity)> Cases =
        Gen.Select(Event.Array[0, 200], Gen.Int, Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 32], Gen.Int[1, 4]);

    private enum StepKind
    {
        Push,
        Watermark,
        ProcessingTime,
    }

    private readonly record struct Step(StepKind Kind, int Partition, GameEvent Event, long Time);

    /// <summary>The steps; where the job stops; where it checkpoints; the parallelism of each run (one more than stops).</summary>
    private sealed record Plan(List<Step> Steps, int[] Stops, HashSet<int> Checkpoints, int[] Parallelisms);

    /// <summary>
    /// With one partition: the events in their order; now and then the watermark moves to a little before the latest time
    /// pushed (so some later elements are late), and processing time moves. With several: each event goes to a random
    /// partition, each partition's events in time order, its watermark just behind each (so none is late; which partition's
    /// batch reaches a shard first then changes nothing). The job stops at up to three random steps, and checkpoints at
    /// random steps.
    /// </summary>
    private static Plan Schedule(GameEvent[] events, int seed, int partitions, bool processingTime)
    {
        var random = new Random(seed);
        var steps = new List<Step>();
        if (partitions > 1)
        {
            var shares = events.Select(e => (Partition: random.Next(partitions), Event: e)).ToList();
            var queues = Enumerable.Range(0, partitions).Select(i => new Queue<GameEvent>(shares.Where(s => s.Partition == i).Select(s => s.Event).OrderBy(e => e.TimeMs))).ToArray();
            while (queues.Any(q => q.Count > 0))
            {
                var partition = random.Next(partitions);
                if (queues[partition].TryDequeue(out var e))
                {
                    steps.Add(new Step(StepKind.Watermark, partition, default, e.TimeMs - 1));
                    steps.Add(new Step(StepKind.Push, partition, e, 0));
                }
            }
        }
        else
        {
            long maxSeen = long.MinValue;
            long watermark = long.MinValue;
            long now = 0;
            foreach (var e in events)
            {
                steps.Add(new Step(StepKind.Push, 0, e, 0));
                maxSeen = Math.Max(maxSeen, e.TimeMs);
                var r = random.Next(10);
                if (r < 3)
                {
                    var candidate = maxSeen - random.Next(0, 40_000);
                    if (candidate > watermark)
                    {
                        watermark = candidate;
                        steps.Add(new Step(StepKind.Watermark, 0, default, candidate));
                    }
                }
                else if (processingTime && r == 9)
                {
                    now += random.Next(1, 10_000);
                    steps.Add(new Step(StepKind.ProcessingTime, 0, default, now));
                }
            }
        }

        var stops = Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(steps.Count + 1)).Order().ToArray();
        var checkpoints = Enumerable.Range(1, steps.Count).Where(_ => random.Next(8) == 0).ToHashSet();
        var parallelisms = Enumerable.Range(0, stops.Length + 1).Select(_ => random.Next(1, 4)).ToArray();

        return new Plan(steps, stops, checkpoints, parallelisms);
    }

    private static void Apply<TPartition>(TPartition partition, Step step, Action<TPartition, GameEvent> push)
        where TPartition : IStreamingRunner
    {
        switch (step.Kind)
        {
            case StepKind.Push:
                push(partition, step.Event);
                break;
            case StepKind.Watermark:
                partition.AdvanceWatermark(new Instant(step.Time));
                break;
            default:
                partition.AdvanceProcessingTime(new Instant(step.Time));
                break;
        }
    }

    /// <summary>The panes as comparable lines, without the last flag of on-time and late panes (see <see cref="PaneLines"/>).</summary>
    private static List<string> Multiset<T>(IEnumerable<WindowedValue<T>> elements, Func<T, string>? show = null) => PaneLines.Multiset(elements, show);

    [ThreadStatic]
    private static System.Text.StringBuilder? _runs;

    private static void Same(List<string> expected, List<string> actual, Plan plan)
    {
        if (!expected.SequenceEqual(actual))
        {
            Assert.Fail("Runs: " + _runs + "\n" + "Steps: " + string.Join(" ", plan.Steps.Select((s, i) => i + ":" + s.Kind + "/" + s.Partition + "/" + (s.Kind == StepKind.Push ? s.Event.Team + "@" + s.Event.TimeMs : s.Time.ToString()))) +
                        "\nStops: " + string.Join(",", plan.Stops) + "\nCheckpoints: " + string.Join(",", plan.Checkpoints.Order()) +
                        "\nExpected:\n" + string.Join("\n", expected) + "\nActual:\n" + string.Join("\n", actual));
        }
    }

    private static ParallelRunnerOptions Options(int partitions, int parallelism, int batchSize, int capacity) =>
        new() { Partitions = partitions, Parallelism = parallelism, BatchSize = batchSize, Capacity = capacity };

    /// <summary>The same options at another parallelism: a restarted job may run on more or fewer shards.</summary>
    private static ParallelRunnerOptions Reshard(ParallelRunnerOptions options, int parallelism) =>
        Options(options.Partitions, parallelism, options.BatchSize, options.Capacity);

    /// <summary>
    /// Runs the plan's steps on parallel runners, one per run of the job: each run restores the latest checkpoint (the
    /// runner's state, and the step it was taken after), goes on from that step, checkpoints where the plan says (the
    /// driving thread goes on pushing while the shards align), and at the plan's next stop is disposed without finishing,
    /// losing whatever its sinks had not committed. The last run finishes. Returns what the sinks committed.
    /// </summary>
    private static List<WindowedValue<T>> RunWithStops<T, TRunner, TPartition>(
        Plan plan,
        Func<Func<TransactionalListSink<T>>, int, TRunner> create,
        Func<TRunner, int, TPartition> partitionOf,
        Action<TPartition, GameEvent> push)
        where TRunner : IAlignedCheckpointable, IDisposable
        where TPartition : IStreamingRunner
    {
        var store = new MemoryCheckpointStore();
        var committed = new CommittedOutput<T>();
        _runs = new();
        var run = 0;
        foreach (var stop in plan.Stops.Append(plan.Steps.Count))
        {
            var sinks = 0;
            var runner = create(() => new TransactionalListSink<T>(committed, sinks++), plan.Parallelisms[run++]);
            var source = new Counter();
            var checkpointer = new Checkpointer(store, new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan });
            try
            {
                checkpointer.Register("source", source);
                checkpointer.Register("runner", runner);
                checkpointer.RestoreAsync().AsTask().GetAwaiter().GetResult();
                var position = (int)source.Value;
                (_runs ??= new()).Append(System.Globalization.CultureInfo.InvariantCulture, $"[run at parallelism {plan.Parallelisms[run - 1]} from step {position} to {stop}] ");
                var partitions = Enumerable.Range(0, 3).Select(i => new Lazy<TPartition>(() => partitionOf(runner, i))).ToArray();
                while (position < stop)
                {
                    var step = plan.Steps[position];
                    Apply(partitions[step.Partition].Value, step, push);
                    source.Value = ++position;
                    if (plan.Checkpoints.Contains(position))
                    {
                        // Not awaited: the job goes on pushing while the shards align, and a stop may come before it completes.
                        _ = checkpointer.CheckpointAsync();
                        checkpointer.TryCheckpoint();
                    }
                }

                if (stop == plan.Steps.Count)
                {
                    ((IStreamingRunner)runner).Finish();
                    checkpointer.CompleteAsync().AsTask().GetAwaiter().GetResult();
                    return committed.Output;
                }
            }
            finally
            {
                runner.Dispose();
                checkpointer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        throw new InvalidOperationException("The last run finishes.");
    }

    /// <summary>The same steps on one parallel runner without stops or checkpoints.</summary>
    private static List<WindowedValue<T>> RunWithoutStops<T, TRunner, TPartition>(
        Plan plan,
        Func<Func<ListSink<T>>, TRunner> create,
        Func<TRunner, int, TPartition> partitionOf,
        Action<TPartition, GameEvent> push)
        where TRunner : IStreamingRunner, IDisposable
        where TPartition : IStreamingRunner
    {
        var sinks = new ListSinks<T>();
        using var runner = create(sinks.Make);
        foreach (var step in plan.Steps)
        {
            Apply(partitionOf(runner, step.Partition), step, push);
        }

        runner.Finish();
        return sinks.Elements;
    }

    /// <summary>The plan's steps on one single-threaded runner (every step's partition is its one input), finished.</summary>
    private static TRunner OneThread<TRunner>(Plan plan, TRunner runner, Action<TRunner, GameEvent> push)
        where TRunner : IStreamingRunner
    {
        foreach (var step in plan.Steps)
        {
            Apply(runner, step, push);
        }

        runner.Finish();
        return runner;
    }

    [Fact(DisplayName = "Sessions: stopped and restarted from its checkpoints, the parallel runner commits the panes of one uninterrupted run, once each")]
    public void Sessions() => Cases.Sample(c =>
    {
        var plan = Schedule(c.Events, c.Seed, c.Partitions, processingTime: false);
        var options = Options(c.Partitions, c.Parallelism, c.BatchSize, c.Capacity);
        var expected = RunWithoutStops(plan, (Func<ListSink<KV<string, long>>> sink) => TeamSessions.CreateParallelRunner(sink, options), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        var actual = RunWithStops(plan, (Func<TransactionalListSink<KV<string, long>>> sink, int parallelism) => TeamSessions.CreateParallelRunner(sink, Reshard(options, parallelism)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        Same(Multiset(expected), Multiset(actual), plan);
        if (c.Partitions == 1)
        {
            var single = OneThread(plan, TeamSessions.CreateRunner(new ListSink<KV<string, long>>()), static (r, e) => r.PushEvents(e));
            Assert.Equal(Multiset(single.Sessions.Elements), Multiset(actual));
        }
    });

    [Fact(DisplayName = "Early firings on processing time, late firings, lateness, accumulating (LeaderBoard): exactly the uninterrupted panes")]
    public void LeaderBoard() => Cases.Sample(c =>
    {
        // One partition: with several, an early firing on processing time depends on which partition's batch reaches a shard first.
        var plan = Schedule(c.Events, c.Seed, 1, processingTime: true);
        var options = Options(1, c.Parallelism, c.BatchSize, c.Capacity);
        var expected = RunWithoutStops(plan, (Func<ListSink<KV<string, int>>> sink) => LeaderBoardTeams.CreateParallelRunner(sink, options), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        var actual = RunWithStops(plan, (Func<TransactionalListSink<KV<string, int>>> sink, int parallelism) => LeaderBoardTeams.CreateParallelRunner(sink, Reshard(options, parallelism)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        Same(Multiset(expected), Multiset(actual), plan);
    });

    [Fact(DisplayName = "Two levels (a windowed grouping on key shards feeding a global sum on the next level): exactly the uninterrupted output")]
    public void TwoLevels() => Cases.Sample(c =>
    {
        var plan = Schedule(c.Events, c.Seed, c.Partitions, processingTime: false);
        var options = Options(c.Partitions, c.Parallelism, c.BatchSize, c.Capacity);
        var expected = RunWithoutStops(plan, (Func<ListSink<int>> sink) => RewindowToGlobal.CreateParallelRunner(sink, options), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        var actual = RunWithStops(plan, (Func<TransactionalListSink<int>> sink, int parallelism) => RewindowToGlobal.CreateParallelRunner(sink, Reshard(options, parallelism)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        Same(Multiset(expected), Multiset(actual), plan);
    });

    [Fact(DisplayName = "A global count of sessions on shard 0, with lateness and the earliest timestamps (holds): exactly the uninterrupted panes")]
    public void GlobalSessionCount() => Cases.Sample(c =>
    {
        var plan = Schedule(c.Events, c.Seed, c.Partitions, processingTime: false);
        var options = Options(c.Partitions, c.Parallelism, c.BatchSize, c.Capacity);
        var expected = RunWithoutStops(plan, (Func<ListSink<long>> sink) => SessionTotals.CreateParallelRunner(sink, options), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        var actual = RunWithStops(plan, (Func<TransactionalListSink<long>> sink, int parallelism) => SessionTotals.CreateParallelRunner(sink, Reshard(options, parallelism)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        if (c.Partitions == 1)
        {
            var single = OneThread(plan, SessionTotals.CreateRunner(new ListSink<long>()), static (r, e) => r.PushEvents(e));
            Same(Multiset(single.Totals.Elements), Multiset(expected), plan with { Stops = [-1] });
            Same(Multiset(single.Totals.Elements), Multiset(actual), plan);
        }

        Same(Multiset(expected), Multiset(actual), plan);
    });

    [Fact(DisplayName = "Combiner lifting (partitions' accumulators per window, shipped as their watermark passes it): exactly the uninterrupted output")]
    public void LiftedCombines() => Cases.Sample(c =>
    {
        var plan = Schedule(c.Events, c.Seed, c.Partitions, processingTime: false);
        var options = Options(c.Partitions, c.Parallelism, c.BatchSize, c.Capacity);
        var expected = RunWithoutStops(plan, (Func<ListSink<KV<string, int>>> sink) => FixedTeamScores.CreateParallelRunner(sink, options), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        var actual = RunWithStops(plan, (Func<TransactionalListSink<KV<string, int>>> sink, int parallelism) => FixedTeamScores.CreateParallelRunner(sink, Reshard(options, parallelism)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        Same(Multiset(expected), Multiset(actual), plan);
    });

    [Fact(DisplayName = "Combiner lifting per pane of sliding windows (partitions' panes, then a second level's windows on the first level's shards): exactly the uninterrupted output")]
    public void LiftedPanes() => Cases.Sample(c =>
    {
        var plan = Schedule(c.Events, c.Seed, c.Partitions, processingTime: false);
        var options = Options(c.Partitions, c.Parallelism, c.BatchSize, c.Capacity);
        var expected = RunWithoutStops(plan, (Func<ListSink<KV<string, long>>> sink) => TwoLevelSlidingSums.CreateParallelRunner(sink, options), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        var actual = RunWithStops(plan, (Func<TransactionalListSink<KV<string, long>>> sink, int parallelism) => TwoLevelSlidingSums.CreateParallelRunner(sink, Reshard(options, parallelism)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        Same(Multiset(expected), Multiset(actual), plan);
    });

    /// <summary>
    /// Stateful ParDos: one partition, the events in time order (a shard below then drops nothing one runner keeps); each
    /// restart at a random parallelism, whose shards take the cells and timers of their keys from every old shard's part.
    /// </summary>
    private static Plan StatefulPlan(GameEvent[] events, int seed, bool processingTime) =>
        Schedule(events.OrderBy(e => e.TimeMs).ToArray(), seed, 1, processingTime);

    [Fact(DisplayName = "A stateful ParDo (every kind of cell, timers with output timestamps, a timer family) on key shards, stopped and restarted from its checkpoints: exactly one thread's outputs")]
    public void StatefulParDo() => Cases.Sample(c =>
    {
        var plan = StatefulPlan(c.Events, c.Seed, processingTime: false);
        var options = Options(1, c.Parallelism, c.BatchSize, c.Capacity);
        var actual = RunWithStops(plan, (Func<TransactionalListSink<string>> sink, int parallelism) => CheckpointedStateful.CreateParallelRunner(sink, () => new ListSink<KV<string, long>>(), Reshard(options, parallelism)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        var single = OneThread(plan, CheckpointedStateful.CreateRunner(new ListSink<string>(), new ListSink<KV<string, long>>()), static (r, e) => r.PushEvents(e));
        Same(Multiset(single.Fired.Elements), Multiset(actual), plan);
    });

    [Fact(DisplayName = "Processing-time and event-time timers, window expiration and a count on the next level held by the timers: stopped and restarted, exactly one thread's panes")]
    public void StatefulTimersAndTheLevelBelow() => Cases.Sample(c =>
    {
        var plan = StatefulPlan(c.Events, c.Seed, processingTime: true);
        var options = Options(1, c.Parallelism, c.BatchSize, c.Capacity);
        var actual = RunWithStops(plan, (Func<TransactionalListSink<KV<string, long>>> sink, int parallelism) => QuietTeams.CreateParallelRunner(() => new ListSink<string>(), sink, Reshard(options, parallelism)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        var single = OneThread(plan, QuietTeams.CreateRunner(new ListSink<string>(), new ListSink<KV<string, long>>()), static (r, e) => r.PushEvents(e));
        Same(Multiset(single.Kinds.Elements), Multiset(actual), plan);
    });

    [Fact(DisplayName = "A checkpoint of a stateful ParDo on two key shards restores on one, two or three: each shard takes the cells and timers of its keys")]
    public async Task StatefulParDoRestoresAtAnyParallelism()
    {
        Assert.Contains("at any parallelism", CheckpointedStateful.PlanDescription, StringComparison.Ordinal);
        var store = await OneCheckpoint(
            CheckpointedStateful.CreateParallelRunner(() => new ListSink<string>(), () => new ListSink<KV<string, long>>(), Options(1, 2, 8, 2)),
            static r =>
            {
                r.PushEvents(new GameEvent("red", 1, 1_000));
                r.PushEvents(new GameEvent("blue", 2, 2_000));
                r.PushEvents(new GameEvent("gold", 3, 2_500));
            });
        var one = CheckpointedStateful.CreateRunner(new ListSink<string>(), new ListSink<KV<string, long>>());
        one.PushEvents(new GameEvent("red", 1, 1_000));
        one.PushEvents(new GameEvent("blue", 2, 2_000));
        one.PushEvents(new GameEvent("gold", 3, 2_500));
        one.Finish();
        var expected = one.Fired.Elements.Select(e => e.ToString()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(6, expected.Length);
        foreach (var parallelism in new[] { 1, 2, 3 })
        {
            using var again = CheckpointedStateful.CreateParallelRunner(() => new ListSink<string>(), () => new ListSink<KV<string, long>>(), Options(1, parallelism, 8, 2));
            await using var checkpointer = new Checkpointer(store);
            checkpointer.Register("runner", again);
            await checkpointer.RestoreAsync();
            await again.FinishAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(expected, again.FiredSinks().SelectMany(sink => sink.Elements).Select(e => e.ToString()).Order(StringComparer.Ordinal));
        }
    }

    [Fact(DisplayName = "Elements of a time-sorted stateful ParDo waiting on two shards, restored on one, two or three: each shard sorts its keys' elements, one thread's outputs")]
    public async Task TimeSortedElementsRegroup()
    {
        var elements = Enumerable.Range(0, 40).Select(i => (Element: KV.Of("k" + (i % 7), i), Time: (long)((i * 37) % 101))).ToArray();
        var one = Compiled.Tests.State.TimeSortedConcat.CreateRunner(new ListSink<string>());
        foreach (var (element, time) in elements)
        {
            one.PushInput(element, new Instant(time));
        }

        one.Finish();
        var expected = one.Output.Items.Order(StringComparer.Ordinal).ToArray();
        var store = await OneCheckpoint(
            Compiled.Tests.State.TimeSortedConcat.CreateParallelRunner(() => new ListSink<string>(), Options(1, 2, 8, 2)),
            r =>
            {
                foreach (var (element, time) in elements.Take(25))
                {
                    r.PushInput(element, new Instant(time)); // waiting for the watermark, on their keys' shards
                }
            });
        foreach (var parallelism in new[] { 1, 2, 3 })
        {
            using var again = Compiled.Tests.State.TimeSortedConcat.CreateParallelRunner(() => new ListSink<string>(), Options(1, parallelism, 8, 2));
            await using var checkpointer = new Checkpointer(store);
            checkpointer.Register("runner", again);
            await checkpointer.RestoreAsync();
            foreach (var (element, time) in elements.Skip(25))
            {
                again.PushInput(element, new Instant(time));
            }

            await again.FinishAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(expected, again.OutputSinks().SelectMany(sink => sink.Items).Order(StringComparer.Ordinal));
        }
    }

    /// <summary>Writes each pane as a line of a shard's own exactly-once file.</summary>
    private sealed class PaneFile(TransactionalFileSink file) : ISink<KV<string, long>>, ITransactionalSink
    {
        public void Receive(in WindowedValue<KV<string, long>> element) => file.Write(element.ToString());

        public void PrepareCommit(long checkpointId, IBufferWriter<byte> handle) => file.PrepareCommit(checkpointId, handle);

        public void Commit(long checkpointId, ReadOnlySpan<byte> handle) => file.Commit(checkpointId, handle);

        public void Recover(long checkpointId, ReadOnlySpan<byte> handle) => file.Recover(checkpointId, handle);

        public void RecoverOrphan(long checkpointId, ReadOnlySpan<byte> handle) => file.RecoverOrphan(checkpointId, handle);
    }

    [Fact(DisplayName = "Files written exactly once by every shard, checkpoints in a directory, the job stopped and restarted at 3, 1, 2 and 3 shards: the files hold the uninterrupted panes, once each")]
    public async Task FilesThroughRescaledRestarts()
    {
        using var directory = new TempDirectory();
        var events = Enumerable.Range(0, 3_000).Select(i => new GameEvent("team" + (i % 37), i % 7, (i * 7_919L) % 600_000)).ToArray();
        var plan = Schedule(events, 11, 1, processingTime: false) with { Stops = [900, 1_800, 2_700], Parallelisms = [3, 1, 2, 3] };
        var expected = RunWithoutStops(plan, (Func<ListSink<KV<string, long>>> sink) => TeamSessions.CreateParallelRunner(sink, Options(1, 2, 64, 4)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
        var run = 0;
        foreach (var stop in plan.Stops.Append(plan.Steps.Count))
        {
            var files = new List<TransactionalFileSink>();
            var runner = TeamSessions.CreateParallelRunner(
                () =>
                {
                    var file = new TransactionalFileSink(directory.File("panes-" + files.Count + ".txt"));
                    files.Add(file);
                    return new PaneFile(file);
                },
                Options(1, plan.Parallelisms[run++], 64, 4));
            var source = new Counter();
            var checkpointer = new Checkpointer(System.IO.Path.Combine(directory.Path, "checkpoints"), new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan });
            try
            {
                checkpointer.Register("source", source);
                checkpointer.Register("runner", runner);
                var restored = await checkpointer.RestoreAsync();
                Assert.Equal(run > 1, restored is not null);
                Assert.InRange(source.Value, run > 1 ? plan.Stops[run - 2] - 100 : 0, run > 1 ? plan.Stops[run - 2] : 0);
                for (var position = (int)source.Value; position < stop; position++)
                {
                    Apply(runner.Partition(0), plan.Steps[position], static (p, e) => p.PushEvents(e));
                    source.Value = position + 1;
                    if (source.Value % 100 == 0)
                    {
                        // Taken while the job goes on; the stop may come before it completes, except for the one 100
                        // steps before the stop, awaited, so that each restart resumes at most 100 steps back.
                        var taken = checkpointer.CheckpointAsync();
                        checkpointer.TryCheckpoint();
                        if (source.Value == stop - 100)
                        {
                            while (!taken.IsCompleted)
                            {
                                await Task.Delay(1);
                                checkpointer.TryCheckpoint();
                            }
                        }
                    }
                }

                if (stop == plan.Steps.Count)
                {
                    runner.Finish();
                    await checkpointer.CompleteAsync();
                }
            }
            finally
            {
                runner.Dispose();
                await checkpointer.DisposeAsync();
                files.ForEach(f => f.Dispose());
            }
        }

        var written = System.IO.Directory.GetFiles(directory.Path, "panes-*.txt").Where(f => !f.Contains(".pending-", StringComparison.Ordinal)).SelectMany(System.IO.File.ReadAllLines);
        Assert.Equal(Multiset(expected), PaneLines.Multiset(written));
    }

    private static async Task<MemoryCheckpointStore> OneCheckpoint<TRunner>(TRunner runner, Action<TRunner> push)
        where TRunner : IStreamingRunner, IAlignedCheckpointable, IDisposable
    {
        var store = new MemoryCheckpointStore();
        using (runner)
        {
            await using var checkpointer = new Checkpointer(store, new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan });
            checkpointer.Register("runner", runner);
            await checkpointer.RestoreAsync();
            push(runner);
            var taken = checkpointer.CheckpointAsync();
            Assert.True(checkpointer.TryCheckpoint());
            Assert.Equal(1, await taken.WaitAsync(TimeSpan.FromSeconds(60)));
        }

        return store;
    }

    private static async Task<Exception> RestoreFails(MemoryCheckpointStore store, IAlignedCheckpointable runner)
    {
        await using var checkpointer = new Checkpointer(store);
        checkpointer.Register("runner", runner);
        return await Assert.ThrowsAnyAsync<Exception>(async () => await checkpointer.RestoreAsync());
    }

    [Fact(DisplayName = "A checkpoint of the parallel runner is restored with the same partitions and key groups, and into a new runner only")]
    public async Task WhatARestoreRefuses()
    {
        var store = await OneCheckpoint(TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(1, 2, 8, 2)), static r => r.PushEvents(new GameEvent("red", 1, 1_000)));

        using (var other = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(2, 2, 8, 2)))
        {
            var error = Assert.IsType<CheckpointMismatchException>(await RestoreFails(store, other));
            Assert.Contains("1 partitions, 2 shards per level, 1 levels and 128 key groups", error.Message, StringComparison.Ordinal);
            Assert.Contains("2 partitions, 2 shards per level", error.Message, StringComparison.Ordinal);
        }

        using (var other = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), new ParallelRunnerOptions { Partitions = 1, Parallelism = 2, MaxParallelism = 64 }))
        {
            Assert.Contains("64 key groups", Assert.IsType<CheckpointMismatchException>(await RestoreFails(store, other)).Message, StringComparison.Ordinal);
        }

        using (var used = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(1, 2, 8, 2)))
        {
            used.Partition(0);
            Assert.IsType<InvalidOperationException>(await RestoreFails(store, used));
        }
    }

    [Fact(DisplayName = "A side-input view and the elements waiting for it, restored at another parallelism: the view is whole on every new shard, and what waited goes on")]
    public async Task SideInputsRegroup()
    {
        var events = new[] { new GameEvent("red", 1, 1_000), new GameEvent("blue", 2, 4_000), new GameEvent("red", 3, 12_000), new GameEvent("red", 4, 15_000), new GameEvent("gold", 5, 16_000) };
        Assert.Contains("at any parallelism", ScaledTeamSums.PlanDescription, StringComparison.Ordinal);
        foreach (var (was, now, factorFirst) in new[] { (2, 3, true), (3, 1, false), (1, 2, true), (3, 2, false) })
        {
            var store = await OneCheckpoint(
                ScaledTeamSums.CreateParallelRunner(() => new ListSink<KV<string, int>>(), Options(1, was, 8, 2)),
                r =>
                {
                    if (factorFirst)
                    {
                        r.PushFactors(10); // in the view of every shard, which is not complete until the factors end
                    }

                    foreach (var e in events)
                    {
                        r.PushEvents(e); // waiting on the shards for the view
                    }

                    r.AdvanceWatermark(new Instant(60_000));
                });
            using var again = ScaledTeamSums.CreateParallelRunner(() => new ListSink<KV<string, int>>(), Options(1, now, 8, 2));
            await using var checkpointer = new Checkpointer(store);
            checkpointer.Register("runner", again);
            await checkpointer.RestoreAsync();
            if (!factorFirst)
            {
                again.PushFactors(10);
            }

            await again.FinishAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(
                new[] { "blue:20 [0,10000)", "gold:50 [10000,20000)", "red:10 [0,10000)", "red:70 [10000,20000)" },
                again.SumsSinks().SelectMany(sink => sink.Elements).Select(e => e.Value.Key + ":" + e.Value.Value + " [" + e.Window.Start.Millis + "," + e.Window.End.Millis + ")").Order(StringComparer.Ordinal));
        }
    }

    [Fact(DisplayName = "A windowed side-input view and the elements waiting for their side window, restored at another parallelism: every new shard has every window, and what waited goes on")]
    public async Task WindowedSideInputsRegroup()
    {
        Assert.Contains("at any parallelism", WideSideWindows.PlanDescription, StringComparison.Ordinal);
        foreach (var (was, now) in new[] { (2, 3), (3, 1), (1, 2), (3, 2) })
        {
            var store = await OneCheckpoint(
                WideSideWindows.CreateParallelRunner(() => new ListSink<KV<string, int>>(), Options(1, was, 8, 2)),
                r =>
                {
                    r.PushSide(new TimedInt(3, 60), new Instant(60)); // in side window [0,100) of every shard
                    r.PushMain(new TimedEntry("k", 2, 5), new Instant(5)); // waits for [0,100)
                    r.PushMain(new TimedEntry("j", 1, 95), new Instant(95));
                    r.AdvanceWatermark(new Instant(50));
                });
            using var again = WideSideWindows.CreateParallelRunner(() => new ListSink<KV<string, int>>(), Options(1, now, 8, 2));
            await using var checkpointer = new Checkpointer(store);
            checkpointer.Register("runner", again);
            await checkpointer.RestoreAsync();
            again.PushSide(new TimedInt(4, 70), new Instant(70));
            again.AdvanceWatermark(new Instant(100));
            again.PushMain(new TimedEntry("k", 1, 150), new Instant(150));
            again.PushSide(new TimedInt(10, 120), new Instant(120));
            await again.FinishAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(
                new[] { "j:7 [90,100)", "k:10 [150,160)", "k:14 [0,10)" },
                again.SumsSinks().SelectMany(sink => sink.Elements).Select(e => e.Value.Key + ":" + e.Value.Value + " [" + e.Window.Start.Millis + "," + e.Window.End.Millis + ")").Order(StringComparer.Ordinal));
            Assert.Equal(0, again.DroppedLateElements);
        }
    }

    [Fact(DisplayName = "At a smaller parallelism, a removed shard's sink transaction that no remaining sink can finish makes the restore refuse, naming the parallelism it needs")]
    public async Task OrphanTransactionsThatCannotBeFinishedAreRefused()
    {
        var output = new CommittedOutput<KV<string, long>>();
        var sinks = 0;
        var store = await OneCheckpoint(
            TeamSessions.CreateParallelRunner(() => new TransactionalListSink<KV<string, long>>(output, sinks++, finishesOthers: false), Options(1, 3, 8, 2)),
            static r =>
            {
                for (var i = 0; i < 50; i++)
                {
                    r.PushEvents(new GameEvent("team" + i, 1, 1_000));
                }

                r.AdvanceWatermark(new Instant(100_000));
            });
        sinks = 0;
        using var narrower = TeamSessions.CreateParallelRunner(() => new TransactionalListSink<KV<string, long>>(output, sinks++, finishesOthers: false), Options(1, 2, 8, 2));
        var error = Assert.IsType<CheckpointMismatchException>(await RestoreFails(store, narrower));
        Assert.Contains("taken at parallelism 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore it at parallelism 3 or more", error.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A job restored from the checkpoint taken after it finished, at the same or another parallelism, finishes again with nothing more to emit")]
    public async Task RestoredAfterTheEnd()
    {
        var store = new MemoryCheckpointStore();
        using (var runner = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(1, 2, 8, 2)))
        {
            await using var checkpointer = new Checkpointer(store, new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan });
            checkpointer.Register("runner", runner);
            await checkpointer.RestoreAsync();
            for (var i = 0; i < 100; i++)
            {
                runner.PushEvents(new GameEvent("team" + (i % 9), 1, i * 1_000L));
            }

            runner.Finish();
            await checkpointer.CompleteAsync();
            Assert.NotEmpty(runner.SessionsSinks().SelectMany(s => s.Elements));
        }

        foreach (var parallelism in new[] { 2, 3, 1 })
        {
            using var again = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(1, parallelism, 8, 2));
            await using var checkpointer = new Checkpointer(store, new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan });
            checkpointer.Register("runner", again);
            await checkpointer.RestoreAsync();
            Assert.True(again.Partition(0).IsFinished);
            await again.FinishAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Empty(again.SessionsSinks().SelectMany(s => s.Elements));
        }
    }

    [Fact(DisplayName = "A shard that fails while a checkpoint is aligned fails the checkpoint: CheckpointAsync faults, nothing hangs")]
    public async Task ShardFailureFailsThePendingCheckpoint()
    {
        using var runner = UnluckyCounts.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(1, 2, 1, 1));
        await using var checkpointer = new Checkpointer(new MemoryCheckpointStore(), new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan });
        checkpointer.Register("runner", runner);
        await checkpointer.RestoreAsync();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                runner.PushEvents(new GameEvent("red", 1, i * 10L));
            }

            runner.AdvanceWatermark(new Instant(20_000)); // the shard that fires red's pane throws
        }
        catch (OperationCanceledException)
        {
            // The shards stopped while the push waited.
        }

        var checkpoint = checkpointer.CheckpointAsync();
        try
        {
            checkpointer.TryCheckpoint();
        }
        catch (CheckpointFailedException)
        {
            // The barrier could not be sent: the shards had stopped.
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => checkpoint.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.IsNotType<TimeoutException>(error);
        Assert.Throws<PipelineExecutionException>(runner.Finish);
    }
}
