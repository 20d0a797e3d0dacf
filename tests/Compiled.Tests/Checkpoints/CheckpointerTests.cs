using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Diagnostics;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Compiled.Tests.Checkpoints;

public sealed class CheckpointerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new();
    private readonly ListLogger _logger = new();
    private readonly MemoryCheckpointStore _store = new();

    private Checkpointer Create(string? name = null) => new(_store, new CheckpointOptions
    {
        Interval = Interval,
        TimeProvider = _time,
        Logger = _logger,
        Name = name ?? "test-" + Guid.NewGuid().ToString("N"),
    });

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "Timed out.");
            await Task.Delay(5);
        }
    }

    private static long Value(CheckpointData checkpoint, string name)
    {
        Assert.True(checkpoint.TryGetPart(name, out var part));
        return BinaryPrimitives.ReadInt64LittleEndian(part.Data.Span);
    }

    [Fact]
    public async Task Interval_NotDue_NoCheckpoint_Due_Checkpoint()
    {
        await using var checkpointer = Create();
        var counter = new Counter();
        checkpointer.Register("counter", counter);
        Assert.Null(await checkpointer.RestoreAsync());

        Assert.False(checkpointer.TryCheckpoint());
        _time.Advance(Interval - TimeSpan.FromTicks(1));
        Assert.False(checkpointer.TryCheckpoint());
        counter.Value = 41;
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(checkpointer.TryCheckpoint());
        counter.Value = 99; // after the snapshot: not in checkpoint 1
        Assert.False(checkpointer.TryCheckpoint());

        await WaitUntil(() => checkpointer.LastCompletedCheckpointId == 1);
        var written = Assert.Single(_store.Written);
        Assert.Equal(1, written.Id);
        Assert.Equal(41, Value(written, "counter"));
        Assert.Equal(_time.GetUtcNow(), written.CreatedAt);
        Assert.Equal(1, checkpointer.CompletedCount);
        Assert.Equal(8, checkpointer.LastSize);

        _time.Advance(Interval);
        Assert.True(checkpointer.TryCheckpoint());
        await WaitUntil(() => checkpointer.LastCompletedCheckpointId == 2);
        Assert.Equal(99, Value(_store.Written[1], "counter"));
    }

    [Fact]
    public async Task InfiniteInterval_OnlyOnDemand()
    {
        await using var checkpointer = new Checkpointer(_store, new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan, TimeProvider = _time });
        checkpointer.Register("counter", new Counter());
        await checkpointer.RestoreAsync();
        _time.Advance(TimeSpan.FromDays(10000));
        Assert.False(checkpointer.TryCheckpoint());
    }

    [Fact]
    public async Task OnDemand_CompletesWithTheIdOnceDurableAndCommitted()
    {
        await using var checkpointer = Create();
        var counter = new Counter { Value = 5 };
        var sink = new RecordingSink(_store.IsDurable);
        checkpointer.Register("counter", counter);
        checkpointer.Register("sink", sink);
        await checkpointer.RestoreAsync();

        Task<long> requested = checkpointer.CheckpointAsync();
        Assert.False(requested.IsCompleted);
        Assert.True(checkpointer.TryCheckpoint()); // not due by the clock: due by the request

        Assert.Equal(1, await requested);
        Assert.True(_store.IsDurable(1));
        Assert.Equal(new long[] { 1 }, sink.Committed);
        Assert.False(sink.CommitBeforeDurable);
        Assert.False(checkpointer.TryCheckpoint());
    }

    [Fact]
    public async Task Commit_HappensOnlyAfterTheCheckpointIsDurable_InCheckpointOrder()
    {
        _store.Gate = new SemaphoreSlim(0);
        await using var checkpointer = Create();
        var sink = new RecordingSink(_store.IsDurable);
        checkpointer.Register("counter", new Counter());
        checkpointer.Register("sink", sink);
        await checkpointer.RestoreAsync();

        var ids = new List<Task<long>>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add(checkpointer.CheckpointAsync());
            Assert.True(checkpointer.TryCheckpoint());
            Assert.Contains($"prepare {i + 1}", sink.Calls);
            await Task.Delay(20);
            Assert.DoesNotContain(i + 1L, sink.Committed); // the store has not finished writing
            Assert.False(checkpointer.TryCheckpoint()); // one write at a time
            _store.Gate.Release();
            Assert.Equal(i + 1, await ids[i]);
        }

        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, sink.Committed);
        Assert.False(sink.CommitBeforeDurable);
        Assert.Equal(
            new[] { "recover -1 empty", "prepare 1", "commit 1", "prepare 2", "commit 2", "prepare 3", "commit 3", "prepare 4", "commit 4", "prepare 5", "commit 5" },
            sink.Calls);
    }

    [Fact]
    public async Task DueWhileWriting_IsSkipped_NotQueued()
    {
        _store.Gate = new SemaphoreSlim(0);
        await using var checkpointer = Create();
        checkpointer.Register("counter", new Counter());
        await checkpointer.RestoreAsync();

        _time.Advance(Interval);
        Assert.True(checkpointer.TryCheckpoint());
        _time.Advance(Interval);
        Assert.False(checkpointer.TryCheckpoint()); // due, but checkpoint 1 is being written: skipped
        _store.Gate.Release();
        await WaitUntil(() => checkpointer.LastCompletedCheckpointId == 1);

        Assert.False(checkpointer.TryCheckpoint()); // the skipped one is not taken late
        _time.Advance(Interval);
        Assert.True(checkpointer.TryCheckpoint());
        _store.Gate.Release();
        await WaitUntil(() => checkpointer.LastCompletedCheckpointId == 2);
        Assert.Equal(new long[] { 1, 2 }, _store.Written.Select(c => c.Id));
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Debug && e.Message.Contains("skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestWhileWriting_IsTakenOnceTheWriteIsDone()
    {
        _store.Gate = new SemaphoreSlim(0);
        await using var checkpointer = Create();
        checkpointer.Register("counter", new Counter());
        await checkpointer.RestoreAsync();

        Task<long> first = checkpointer.CheckpointAsync();
        Assert.True(checkpointer.TryCheckpoint());
        Task<long> second = checkpointer.CheckpointAsync();
        Assert.False(checkpointer.TryCheckpoint());
        _store.Gate.Release();
        Assert.Equal(1, await first);
        Assert.False(second.IsCompleted);
        Assert.True(checkpointer.TryCheckpoint());
        _store.Gate.Release();
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task Restore_GivesEachParticipantItsState_AndTheSinksTheirHandles()
    {
        await using (var first = Create())
        {
            first.Register("a", new Counter { Value = 3 });
            first.Register("b", new Counter(fingerprint: 7) { Value = 4 });
            first.Register("sink", new RecordingSink());
            await first.RestoreAsync();
            Task<long> id = first.CheckpointAsync();
            Assert.True(first.TryCheckpoint());
            Assert.Equal(1, await id);
        }

        await using var second = Create();
        var a = new Counter();
        var b = new Counter(fingerprint: 7);
        var sink = new RecordingSink();
        second.Register("a", a);
        second.Register("b", b);
        second.Register("sink", sink);

        Assert.Equal(1, await second.RestoreAsync());
        Assert.Equal(3, a.Value);
        Assert.Equal(4, b.Value);
        Assert.Equal(new[] { "recover 1 10" }, sink.Calls);
        Assert.Equal(2, second.NextCheckpointId);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("Restored checkpoint 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoCheckpoint_SinksRecoverFromNothing()
    {
        await using var checkpointer = Create();
        var counter = new Counter { Value = 12 };
        var sink = new RecordingSink();
        checkpointer.Register("counter", counter);
        checkpointer.Register("sink", sink);

        Assert.Null(await checkpointer.RestoreAsync());
        Assert.Equal(12, counter.Value);
        Assert.Equal(0, counter.Restores);
        Assert.Equal(new[] { "recover -1 empty" }, sink.Calls);
        Assert.Equal(1, checkpointer.NextCheckpointId);
    }

    private async Task WriteOneCheckpoint(params (string Name, ICheckpointable Participant)[] participants)
    {
        await using var checkpointer = Create();
        foreach (var (name, participant) in participants)
        {
            checkpointer.Register(name, participant);
        }

        await checkpointer.RestoreAsync();
        Task<long> id = checkpointer.CheckpointAsync();
        checkpointer.TryCheckpoint();
        await id;
    }

    [Fact]
    public async Task FingerprintMismatch_Throws_NamingTheParticipantAndBothFingerprints()
    {
        await WriteOneCheckpoint(("runner", new Counter(fingerprint: 0xAAAA) { Value = 1 }));

        await using var checkpointer = Create();
        var runner = new Counter(fingerprint: 0xBBBB);
        checkpointer.Register("runner", runner);
        var e = await Assert.ThrowsAsync<CheckpointMismatchException>(async () => await checkpointer.RestoreAsync());

        Assert.Contains("'runner'", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x000000000000BBBB", e.Message, StringComparison.Ordinal);
        Assert.Contains("0x000000000000AAAA", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, runner.Restores);
    }

    [Fact]
    public async Task MissingParticipant_AndUnclaimedPart_AreMismatches()
    {
        await WriteOneCheckpoint(("runner", new Counter()), ("old-source", new Counter()));

        await using var checkpointer = Create();
        var runner = new Counter();
        checkpointer.Register("runner", runner);
        checkpointer.Register("new-source", new Counter());
        var e = await Assert.ThrowsAsync<CheckpointMismatchException>(async () => await checkpointer.RestoreAsync());

        Assert.Contains("participant 'new-source' is not in it", e.Message, StringComparison.Ordinal);
        Assert.Contains("part 'old-source' that no registered participant or sink claims", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, runner.Restores);
    }

    [Fact]
    public async Task ParticipantRegisteredWhereASinkWas_IsAMismatch()
    {
        await using (var first = Create())
        {
            first.Register("out", new RecordingSink());
            await first.RestoreAsync();
            Task<long> id = first.CheckpointAsync();
            first.TryCheckpoint();
            await id;
        }

        await using var checkpointer = Create();
        checkpointer.Register("out", new Counter());
        var e = await Assert.ThrowsAsync<CheckpointMismatchException>(async () => await checkpointer.RestoreAsync());
        Assert.Contains("'out'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_AreUnique_AndRegisteredBeforeTheRestore()
    {
        await using var checkpointer = Create();
        checkpointer.Register("x", new Counter());
        Assert.Throws<ArgumentException>(() => checkpointer.Register("x", new RecordingSink()));
        await checkpointer.RestoreAsync();
        Assert.Throws<InvalidOperationException>(() => checkpointer.Register("y", new Counter()));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await checkpointer.RestoreAsync());
    }

    [Fact]
    public async Task TryCheckpoint_BeforeRestore_Throws()
    {
        await using var checkpointer = Create();
        checkpointer.Register("x", new Counter());
        Assert.Throws<InvalidOperationException>(() => checkpointer.TryCheckpoint());
    }

    [Fact]
    public async Task StoreFailure_SurfacesOnTheNextTryCheckpoint_AndIsLogged()
    {
        _store.FailWrite = new IOException("disk full");
        await using var checkpointer = Create();
        checkpointer.Register("counter", new Counter());
        await checkpointer.RestoreAsync();

        Task<long> requested = checkpointer.CheckpointAsync();
        Assert.True(checkpointer.TryCheckpoint());
        var failed = await Assert.ThrowsAsync<CheckpointFailedException>(() => requested);
        Assert.Equal(1, failed.CheckpointId);
        Assert.IsType<IOException>(failed.InnerException);

        var e = Assert.Throws<CheckpointFailedException>(() => checkpointer.TryCheckpoint());
        Assert.Contains("disk full", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CheckpointFailedException>(async () => await checkpointer.CompleteAsync());
        await Assert.ThrowsAsync<CheckpointFailedException>(() => checkpointer.CheckpointAsync());
        Assert.Contains(_logger.Entries, l => l.Level == LogLevel.Error && l.Message.Contains("Checkpoint 1 failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CommitFailure_SurfacesOnCompleteAsync()
    {
        await using var checkpointer = Create();
        var sink = new RecordingSink { FailCommit = new IOException("cannot append") };
        checkpointer.Register("sink", sink);
        await checkpointer.RestoreAsync();

        _time.Advance(Interval);
        Assert.True(checkpointer.TryCheckpoint());
        var e = await Assert.ThrowsAsync<CheckpointFailedException>(async () => await checkpointer.CompleteAsync());
        Assert.Contains("cannot append", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParticipantFailure_SurfacesAtOnce()
    {
        await using var checkpointer = Create();
        checkpointer.Register("bad", new Throwing());
        await checkpointer.RestoreAsync();
        _time.Advance(Interval);

        var e = Assert.Throws<CheckpointFailedException>(() => checkpointer.TryCheckpoint());
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Throws<CheckpointFailedException>(() => checkpointer.TryCheckpoint());
    }

    [Fact]
    public async Task CompleteAsync_TakesAFinalCheckpoint_AndWaitsForItsCommit()
    {
        _store.Gate = new SemaphoreSlim(0);
        await using var checkpointer = Create();
        var counter = new Counter();
        var sink = new RecordingSink(_store.IsDurable);
        checkpointer.Register("counter", counter);
        checkpointer.Register("sink", sink);
        await checkpointer.RestoreAsync();

        _time.Advance(Interval);
        Assert.True(checkpointer.TryCheckpoint());
        counter.Value = 77;
        ValueTask completing = checkpointer.CompleteAsync();
        Assert.False(completing.IsCompleted);
        _store.Gate.Release(2);
        await completing;

        Assert.Equal(new long[] { 1, 2 }, sink.Committed);
        Assert.Equal(77, Value(_store.Written[^1], "counter"));
        Assert.Equal(2, checkpointer.LastCompletedCheckpointId);
        Assert.Throws<InvalidOperationException>(() => checkpointer.TryCheckpoint());
    }

    [Fact]
    public async Task TryCheckpoint_WhenNotDue_AllocatesNothing()
    {
        await using var checkpointer = Create();
        checkpointer.Register("counter", new Counter());
        checkpointer.Register("sink", new RecordingSink());
        await checkpointer.RestoreAsync();
        for (int i = 0; i < 1000; i++)
        {
            checkpointer.TryCheckpoint();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int taken = 0;
        for (int i = 0; i < 100_000; i++)
        {
            if (checkpointer.TryCheckpoint())
            {
                taken++;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, taken);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task EachCheckpoint_IsTraced()
    {
        string name = "traced-" + Guid.NewGuid().ToString("N");
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PipelineTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == PipelineTracing.CheckpointActivityName && (string?)a.GetTagItem("compiled.checkpointer") == name)
                {
                    lock (activities)
                    {
                        activities.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var checkpointer = Create(name);
        checkpointer.Register("counter", new Counter());
        checkpointer.Register("sink", new RecordingSink());
        await checkpointer.RestoreAsync();
        await checkpointer.CompleteAsync();

        Activity activity;
        lock (activities)
        {
            activity = Assert.Single(activities);
        }

        Assert.Equal(1L, activity.GetTagItem("compiled.checkpoint.id"));
        Assert.Equal(2, activity.GetTagItem("compiled.checkpoint.parts"));
        Assert.Equal(16L, activity.GetTagItem("compiled.checkpoint.bytes"));
    }

    [Fact]
    public async Task Metrics_ReportCompletedCountDurationAndSize()
    {
        string name = "measured-" + Guid.NewGuid().ToString("N");
        await using var checkpointer = Create(name);
        checkpointer.Register("counter", new Counter());
        await checkpointer.RestoreAsync();
        Task<long> first = checkpointer.CheckpointAsync();
        checkpointer.TryCheckpoint();
        await first;
        await checkpointer.CompleteAsync();

        var values = new Dictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PipelineMetrics.MeterName && instrument.Name.StartsWith("compiled.checkpoint.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "checkpointer" && (string?)tag.Value == name)
                {
                    values[instrument.Name] = value;
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(2, values["compiled.checkpoint.completed"]);
        Assert.Equal(8, values["compiled.checkpoint.last_size"]);
        Assert.True(values.ContainsKey("compiled.checkpoint.last_duration"));
    }

    private sealed class Throwing : ICheckpointable
    {
        public ulong StateFingerprint => 1;

        public void WriteCheckpoint(System.Buffers.IBufferWriter<byte> output) => throw new InvalidOperationException("cannot write");

        public void RestoreCheckpoint(ReadOnlySpan<byte> state)
        {
        }
    }
}
