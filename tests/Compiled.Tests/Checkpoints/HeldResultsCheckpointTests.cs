using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Compiled.Checkpoints;
using Compiled.Tests.EventTime;
using Compiled.Tests.Parallel;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Checkpoints;

/// <summary>
/// A sink that refuses results for a while delays checkpoints instead of failing them: the runner holds what it refused
/// (its next call delivers it), a due checkpoint waits until then, and a job stopped and restarted from its checkpoints
/// still commits every pane of an uninterrupted run once.
/// </summary>
public class HeldResultsCheckpointTests
{
    /// <summary>An exactly-once sink whose <see cref="Receive"/> throws for a few calls from its n-th (a sink that is down for a while).</summary>
    private sealed class DownForAWhileSink<T>(TransactionalListSink<T> inner, int failFrom, int failures) : ISink<T>, ITransactionalSink
    {
        private int _calls;

        public int Refused { get; private set; }

        public void Receive(in WindowedValue<T> element)
        {
            var call = _calls++;
            if (call >= failFrom && call < failFrom + failures)
            {
                Refused++;
                throw new IOException("the sink is down");
            }

            inner.Receive(element);
        }

        public void PrepareCommit(long checkpointId, IBufferWriter<byte> handle) => inner.PrepareCommit(checkpointId, handle);

        public void Commit(long checkpointId, ReadOnlySpan<byte> handle) => inner.Commit(checkpointId, handle);

        public void Recover(long checkpointId, ReadOnlySpan<byte> handle) => inner.Recover(checkpointId, handle);
    }

    private static List<(GameEvent Event, long Watermark)> Script(GameEvent[] events)
    {
        long watermark = long.MinValue;
        var steps = new List<(GameEvent, long)>();
        foreach (var e in events.OrderBy(e => e.TimeMs))
        {
            watermark = Math.Max(watermark, e.TimeMs - 20_000);
            steps.Add((e, watermark));
        }

        return steps;
    }

    private static readonly Gen<(GameEvent[] Events, int FailFrom, int Failures, int Stop)> Cases = Gen.Select(
        Gen.Select(Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.String[Gen.Char['a', 'c'], 1, 1]), Gen.Int[0, 9], Gen.Long[0, 600_000], (team, score, time) => new GameEvent(team, score, time)).Array[1, 120],
        Gen.Int[0, 20],
        Gen.Int[1, 6],
        Gen.Int[0, 130]);

    [Fact(DisplayName = "A sink down for a while: checkpoints wait for the held results instead of failing, and a restarted job commits every pane once")]
    public void CheckpointsWaitForHeldResults()
    {
        var waitedInAll = 0;
        Cases.Sample(c =>
        {
            var steps = Script(c.Events);
            var uninterrupted = TeamSessions.CreateRunner(new ListSink<KV<string, long>>());
            foreach (var (e, watermark) in steps)
            {
                uninterrupted.AdvanceWatermark(new Instant(watermark));
                uninterrupted.PushEvents(e);
            }

            uninterrupted.Finish();

            var store = new MemoryCheckpointStore();
            var committed = new CommittedOutput<KV<string, long>>();
            var stop = Math.Min(c.Stop, steps.Count);
            var waited = 0;
            foreach (var end in stop < steps.Count ? new[] { stop, steps.Count } : new[] { steps.Count })
            {
                var sink = new DownForAWhileSink<KV<string, long>>(new TransactionalListSink<KV<string, long>>(committed, 0), end == stop || stop == steps.Count ? c.FailFrom : int.MaxValue, c.Failures);
                var runner = TeamSessions.CreateRunner(sink);
                var position = new Counter();
                var checkpointer = new Checkpointer(store, new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan });
                checkpointer.Register("position", position);
                checkpointer.Register("runner", runner);
                checkpointer.Register("sink", sink);
                checkpointer.RestoreAsync().AsTask().GetAwaiter().GetResult();
                while (position.Value < end)
                {
                    var (e, watermark) = steps[(int)position.Value];
                    try
                    {
                        runner.AdvanceWatermark(new Instant(watermark));
                    }
                    catch (PipelineExecutionException error) when (error.InnerException is IOException)
                    {
                        // Refused: held, delivered by the next call.
                    }

                    try
                    {
                        runner.PushEvents(e);
                    }
                    catch (PipelineExecutionException error) when (error.InnerException is IOException)
                    {
                    }

                    position.Value++;
                    _ = checkpointer.CheckpointAsync();
                    var held = !runner.CanCheckpointNow;
                    var taken = checkpointer.TryCheckpoint(); // never throws for a held result
                    if (held)
                    {
                        Assert.False(taken);
                        waited++;
                    }
                }

                if (end == steps.Count)
                {
                    while (true)
                    {
                        try
                        {
                            runner.Finish();
                            break;
                        }
                        catch (PipelineExecutionException error) when (error.InnerException is IOException)
                        {
                        }
                    }

                    checkpointer.CompleteAsync().AsTask().GetAwaiter().GetResult();
                }

                checkpointer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            Assert.Equal(PaneLines.Multiset(uninterrupted.Sessions.Elements), PaneLines.Multiset(committed.Output));
            Interlocked.Add(ref waitedInAll, waited);
        }, iter: 200);
        Assert.True(waitedInAll > 20, "few checkpoints waited for held results: the property tested little");
    }
}
