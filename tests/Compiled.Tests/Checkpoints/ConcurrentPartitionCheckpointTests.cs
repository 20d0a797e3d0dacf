using System;
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
/// Checkpoints of the streaming parallel runner whose partitions are pushed by threads of their own, as a Kafka topic's
/// partitions are read: each pusher reads its own replayable source, attached to its partition, and the checkpoints are
/// begun by another thread. Each partition writes its part (its state and its source's position) where its pusher is at
/// rest; a job stopped at random moments and restarted from its latest checkpoint commits exactly the output of a run
/// without stops.
/// </summary>
public class ConcurrentPartitionCheckpointTests
{
    private static readonly Gen<GameEvent> Event = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green"), Gen.String[Gen.Char['a', 'd'], 1, 2]),
        Gen.Int[0, 20],
        Gen.Long[0, 180_000],
        (team, score, time) => new GameEvent(team, score, time));

    /// <summary>Events, a seed for the stops and parallelisms, partitions, parallelism, batch size and capacity.</summary>
    private static readonly Gen<(GameEvent[] Events, int Seed, int Partitions, int Parallelism, int BatchSize, int Capacity)> Cases =
        Gen.Select(Event.Array[0, 300], Gen.Int, Gen.Int[2, 3], Gen.Int[1, 3], Gen.Int[1, 32], Gen.Int[1, 4]);

    /// <summary>Each partition's events, in time order; where the job stops (after so many pushes in all); the parallelism of each run.</summary>
    private sealed record Plan(GameEvent[][] Inputs, int[] Stops, int[] Parallelisms);

    private static Plan Schedule(GameEvent[] events, int seed, int partitions)
    {
        var random = new Random(seed);
        var shares = events.Select(e => (Partition: random.Next(partitions), Event: e)).ToList();
        var inputs = Enumerable.Range(0, partitions).Select(i => shares.Where(s => s.Partition == i).Select(s => s.Event).OrderBy(e => e.TimeMs).ToArray()).ToArray();
        var stops = Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(events.Length + 1)).Order().ToArray();
        var parallelisms = Enumerable.Range(0, stops.Length + 1).Select(_ => random.Next(1, 4)).ToArray();
        return new Plan(inputs, stops, parallelisms);
    }

    /// <summary>A replayable source of one partition: the events, and the position of the next (kept in the partition's part).</summary>
    private sealed class EventSource(GameEvent[] events)
    {
        public Counter Position { get; } = new(0x5EED);

        public bool TryRead(out GameEvent e)
        {
            if (Position.Value < events.Length)
            {
                e = events[Position.Value++];
                return true;
            }

            e = default;
            return false;
        }
    }

    /// <summary>
    /// Runs the plan on parallel runners, one per run of the job: each run attaches a source to every partition, restores the
    /// latest checkpoint, and pushes every partition from a thread of its own (a watermark just behind each event, then the
    /// event, then at rest), while this thread begins checkpoints one after the other. At the plan's next stop (so many
    /// pushes in all) the pushers stop and the runner is disposed without finishing, losing what its sinks had not
    /// committed. In the last run each pusher finishes its partition at the end of its input. Returns what the sinks committed.
    /// </summary>
    private static List<WindowedValue<T>> RunWithStops<T, TRunner, TPartition>(
        Plan plan,
        Func<Func<TransactionalListSink<T>>, int, TRunner> create,
        Func<TRunner, int, TPartition> partitionOf,
        Func<TRunner, int, bool> atRest,
        Action<TRunner, int, string, ICheckpointable> attach,
        Func<TPartition, bool> isFinished,
        Action<TPartition, GameEvent> push)
        where TRunner : IAlignedCheckpointable, IStreamingRunner, IDisposable
        where TPartition : IStreamingRunner
    {
        var store = new MemoryCheckpointStore();
        var committed = new CommittedOutput<T>();
        var run = 0;
        foreach (var stop in plan.Stops.Append(int.MaxValue))
        {
            var sinks = 0;
            var runner = create(() => new TransactionalListSink<T>(committed, Interlocked.Increment(ref sinks) - 1), plan.Parallelisms[run++]);
            var checkpointer = new Checkpointer(store, new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan });
            var sources = plan.Inputs.Select(input => new EventSource(input)).ToArray();
            try
            {
                checkpointer.Register("runner", runner);
                for (var i = 0; i < sources.Length; i++)
                {
                    attach(runner, i, "events", sources[i].Position);
                }

                if (checkpointer.RestoreAsync().AsTask().GetAwaiter().GetResult() is not null)
                {
                    Interlocked.Increment(ref _restores);
                }

                var last = stop == int.MaxValue;
                var threshold = last ? int.MaxValue : stop - (run == 1 ? 0 : plan.Stops[run - 2]);
                var pushed = 0;
                var stopping = 0;
                var failures = new List<Exception>();
                var pushers = Enumerable.Range(0, sources.Length).Select(i => new Thread(() =>
                {
                    try
                    {
                        var partition = partitionOf(runner, i);
                        while (Volatile.Read(ref stopping) == 0)
                        {
                            if (sources[i].TryRead(out var e))
                            {
                                partition.AdvanceWatermark(new Instant(e.TimeMs - 1));
                                push(partition, e);
                                Interlocked.Increment(ref pushed);
                                atRest(runner, i);
                                if ((e.TimeMs & 3) == 0)
                                {
                                    Thread.Yield();
                                }
                            }
                            else if (last)
                            {
                                if (!isFinished(partition))
                                {
                                    partition.Finish();
                                }

                                break;
                            }
                            else
                            {
                                // Waiting for more input (as a Kafka consumer polls): still at rest now and then, so checkpoints go on.
                                atRest(runner, i);
                                Thread.Sleep(1);
                            }
                        }
                    }
                    catch (Exception error) when (Volatile.Read(ref stopping) == 0)
                    {
                        lock (failures)
                        {
                            failures.Add(error);
                        }
                    }
                    catch (Exception)
                    {
                        // The job was stopped under the pusher: what it pushed into the disposed runner is lost, as in a crash.
                    }
                }) { IsBackground = true, Name = "pusher " + i }).ToList();
                pushers.ForEach(t => t.Start());
                var taken = Task.CompletedTask;
                var deadline = DateTime.UtcNow.AddMinutes(2);
                while (pushers.Any(t => t.IsAlive))
                {
                    if (!last && (Volatile.Read(ref pushed) >= threshold || sources.Select((source, i) => source.Position.Value == plan.Inputs[i].Length).All(done => done)))
                    {
                        // The stop: the runner is dropped under its pushers, without finishing.
                        Volatile.Write(ref stopping, 1);
                        runner.Dispose();
                        break;
                    }

                    Assert.True(DateTime.UtcNow < deadline, "the job did not end within two minutes");
                    if (taken.IsCompleted)
                    {
                        // Not awaited: the pushers go on while partitions and shards write their parts.
                        taken = checkpointer.CheckpointAsync();
                    }

                    checkpointer.TryCheckpoint();
                    Thread.Yield();
                }

                pushers.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(30))));
                Assert.Empty(failures);
                if (last)
                {
                    runner.Finish();
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

    /// <summary>The partitions' events pushed one partition after the other, on one runner without stops or checkpoints.</summary>
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
        for (var i = 0; i < plan.Inputs.Length; i++)
        {
            var partition = partitionOf(runner, i);
            foreach (var e in plan.Inputs[i])
            {
                partition.AdvanceWatermark(new Instant(e.TimeMs - 1));
                push(partition, e);
            }
        }

        runner.Finish();
        return sinks.Elements;
    }

    /// <summary>Runs restored from a checkpoint taken while the pushers ran: the property tests check that some were.</summary>
    private static int _restores;

    private static ParallelRunnerOptions Options(int partitions, int parallelism, int batchSize, int capacity) =>
        new() { Partitions = partitions, Parallelism = parallelism, BatchSize = batchSize, Capacity = capacity };

    private static void Same(List<string> expected, List<string> actual, Plan plan)
    {
        if (!expected.SequenceEqual(actual))
        {
            Assert.Fail("Inputs: " + string.Join(" | ", plan.Inputs.Select(i => string.Join(" ", i.Select(e => e.Team + "@" + e.TimeMs)))) +
                        "\nStops: " + string.Join(",", plan.Stops) + "\nParallelisms: " + string.Join(",", plan.Parallelisms) +
                        "\nExpected:\n" + string.Join("\n", expected) + "\nActual:\n" + string.Join("\n", actual));
        }
    }

    [Fact(DisplayName = "Sessions, partitions pushed by threads of their own with a source each: stopped and restarted, the committed panes are those of one uninterrupted run")]
    public void Sessions()
    {
        var before = Volatile.Read(ref _restores);
        Cases.Sample(c =>
        {
            var plan = Schedule(c.Events, c.Seed, c.Partitions);
            var expected = RunWithoutStops(plan, (Func<ListSink<KV<string, long>>> sink) => TeamSessions.CreateParallelRunner(sink, Options(c.Partitions, c.Parallelism, c.BatchSize, c.Capacity)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
            var actual = RunWithStops(
                plan,
                (Func<TransactionalListSink<KV<string, long>>> sink, int parallelism) => TeamSessions.CreateParallelRunner(sink, Options(c.Partitions, parallelism, c.BatchSize, c.Capacity)),
                static (r, i) => r.Partition(i),
                static (r, i) => r.AtRest(i),
                static (r, i, name, source) => r.AttachSource(i, name, source),
                static p => p.IsFinished,
                static (p, e) => p.PushEvents(e));
            Same(PaneLines.Multiset(expected), PaneLines.Multiset(actual), plan);
        }, iter: 60);
        Assert.True(Volatile.Read(ref _restores) - before >= 5, "few runs were restored from a checkpoint: the stops tested little");
    }

    [Fact(DisplayName = "Two levels (key shards feeding a global sum), partitions pushed by threads of their own: exactly the uninterrupted output")]
    public void TwoLevels()
    {
        var before = Volatile.Read(ref _restores);
        Cases.Sample(c =>
        {
            var plan = Schedule(c.Events, c.Seed, c.Partitions);
            var expected = RunWithoutStops(plan, (Func<ListSink<int>> sink) => RewindowToGlobal.CreateParallelRunner(sink, Options(c.Partitions, c.Parallelism, c.BatchSize, c.Capacity)), static (r, i) => r.Partition(i), static (p, e) => p.PushEvents(e));
            var actual = RunWithStops(
                plan,
                (Func<TransactionalListSink<int>> sink, int parallelism) => RewindowToGlobal.CreateParallelRunner(sink, Options(c.Partitions, parallelism, c.BatchSize, c.Capacity)),
                static (r, i) => r.Partition(i),
                static (r, i) => r.AtRest(i),
                static (r, i, name, source) => r.AttachSource(i, name, source),
                static p => p.IsFinished,
                static (p, e) => p.PushEvents(e));
            Same(PaneLines.Multiset(expected), PaneLines.Multiset(actual), plan);
        }, iter: 60);
        Assert.True(Volatile.Read(ref _restores) - before >= 5, "few runs were restored from a checkpoint: the stops tested little");
    }

    [Fact(DisplayName = "A partition with an attached source writes its part only where its pusher is at rest; an idle one without is taken by the thread that begins the checkpoint")]
    public async Task APartitionWithASourceWaitsForItsPusher()
    {
        var committed = new CommittedOutput<KV<string, long>>();
        var sinks = 0;
        using var runner = TeamSessions.CreateParallelRunner(() => new TransactionalListSink<KV<string, long>>(committed, Interlocked.Increment(ref sinks) - 1), Options(2, 2, 4, 2));
        var position = new Counter(0x5EED);
        runner.AttachSource(1, "events", position);
        runner.RestoreCheckpoint(-1, default);
        runner.Partition(0).AdvanceWatermark(new Instant(999));
        runner.Partition(0).PushEvents(new GameEvent("red", 1, 1_000));
        runner.Partition(1).AdvanceWatermark(new Instant(1_999));
        runner.Partition(1).PushEvents(new GameEvent("blue", 2, 2_000));
        position.Value = 1;

        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var written = runner.WriteCheckpointAsync(1, output);
        await Task.Delay(100);
        Assert.False(written.IsCompleted, "partition 1 has a source: its part waits for its pusher");
        runner.Partition(0).AdvanceWatermark(new Instant(4_999)); // after partition 0's part, taken when the checkpoint began
        position.Value = 2; // read, not yet pushed: not at rest
        runner.Partition(1).AdvanceWatermark(new Instant(2_999)); // the call's end is not a point of rest
        await Task.Delay(100);
        Assert.False(written.IsCompleted);
        runner.Partition(1).PushEvents(new GameEvent("blue", 3, 3_000));
        Assert.True(runner.AtRest(1));
        Assert.False(runner.AtRest(1), "the part is written once");
        await written.WaitAsync(TimeSpan.FromSeconds(30));

        // Restored into a new runner: partition 1's source resumes after the event its state holds.
        var restoredPosition = new Counter(0x5EED);
        using var restored = TeamSessions.CreateParallelRunner(() => new TransactionalListSink<KV<string, long>>(committed, Interlocked.Increment(ref sinks) - 1), Options(2, 1, 4, 2));
        restored.AttachSource(1, "events", restoredPosition);
        restored.RestoreCheckpoint(1, output.WrittenSpan);
        Assert.Equal(2, restoredPosition.Value);
        Assert.Equal(new Instant(999), restored.Partition(0).Watermark);
        Assert.Equal(new Instant(2_999), restored.Partition(1).Watermark);
    }

    [Fact(DisplayName = "A restore whose attached sources differ from the checkpoint's is refused, naming the source")]
    public async Task SourcesThatDifferAreRefused()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var runner = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(2, 1, 4, 2)))
        {
            runner.AttachSource(0, "events", new Counter(0x5EED));
            runner.RestoreCheckpoint(-1, default);
            var written = runner.WriteCheckpointAsync(1, output);
            Assert.True(runner.AtRest(0));
            await written.WaitAsync(TimeSpan.FromSeconds(30));
        }

        using var renamed = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(2, 1, 4, 2));
        renamed.AttachSource(0, "other", new Counter(0x5EED));
        var error = Assert.Throws<CheckpointMismatchException>(() => renamed.RestoreCheckpoint(1, output.WrittenSpan));
        Assert.Contains("'other'", error.Message);
        Assert.Contains("'events'", error.Message);

        using var none = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(2, 1, 4, 2));
        Assert.Contains("'events'", Assert.Throws<CheckpointMismatchException>(() => none.RestoreCheckpoint(1, output.WrittenSpan)).Message);

        using var reshaped = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(2, 1, 4, 2));
        reshaped.AttachSource(0, "events", new Counter(0xBAD));
        Assert.Contains("fingerprint", Assert.Throws<CheckpointMismatchException>(() => reshaped.RestoreCheckpoint(1, output.WrittenSpan)).Message);

        using var late = TeamSessions.CreateParallelRunner(() => new ListSink<KV<string, long>>(), Options(2, 1, 4, 2));
        late.RestoreCheckpoint(-1, default);
        Assert.Throws<InvalidOperationException>(() => late.AttachSource(0, "events", new Counter(0x5EED)));
    }
}
