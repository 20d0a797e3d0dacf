using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Compiled.Checkpoints;

/// <summary>
/// Takes a job's checkpoints (as Flink's checkpoint coordinator, for one process): the states of every registered
/// <see cref="ICheckpointable"/> at one point of the input, and the prepared transactions of every
/// <see cref="ITransactionalSink"/>, written to an <see cref="ICheckpointStore"/>; the sinks commit once the checkpoint
/// is durable, so that their committed output is exactly-once. A restart restores the latest complete checkpoint.
/// </summary>
/// <remarks>
/// <para>
/// The job's loop uses it on the thread that drives the runner (in its flow of control: never while a call into the
/// runner is under way; <see cref="CompleteAsync"/> may go on on another thread after an await): <see cref="RestoreAsync"/>
/// once, before any input;
/// then <see cref="TryCheckpoint"/> between two calls into the runner, as often as it likes (it costs one clock read
/// and allocates nothing until a checkpoint is due); last, <see cref="CompleteAsync"/>. When a checkpoint is taken,
/// the participants write their states and the sinks prepare their transactions on that thread, into pooled buffers;
/// one background task writes them to the store and then calls each sink's <see cref="ITransactionalSink.Commit"/>,
/// in checkpoint order. At most one checkpoint is written at a time: one due while the previous is still being
/// written is skipped.
/// </para>
/// <para>
/// A failure (a participant's write, the store, a commit) is logged and fails the checkpointer: the next
/// <see cref="TryCheckpoint"/> or <see cref="CompleteAsync"/> throws <see cref="CheckpointFailedException"/>, and the
/// job is to restart from the latest complete checkpoint.
/// </para>
/// <para>
/// Each checkpoint is traced as the activity <c>compiled.checkpoint</c> of <see cref="PipelineTracing.Source"/> (tags
/// <c>compiled.checkpointer</c>, <c>compiled.checkpoint.id</c>, <c>compiled.checkpoint.bytes</c>,
/// <c>compiled.checkpoint.parts</c>; from the snapshot to the last commit) and measured by the instruments
/// <c>compiled.checkpoint.completed</c>, <c>compiled.checkpoint.last_duration</c> and
/// <c>compiled.checkpoint.last_size</c> of <see cref="PipelineMetrics"/>.
/// </para>
/// </remarks>
public sealed class Checkpointer : IAsyncDisposable
{
    private readonly ICheckpointStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly long _intervalTicks;
    private readonly List<Entry> _entries = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private List<TaskCompletionSource<long>> _requests = new();

    private volatile bool _requested;
    private volatile CheckpointFailedException? _failure;
    private bool _restored;
    private bool _completed;
    private bool _disposed;
    private long _nextId = 1;
    // The timestamp at which the next checkpoint is due; long.MinValue before the restore and after the end, so that
    // TryCheckpoint takes its slow path, which throws.
    private long _nextDue = long.MinValue;
    private Task? _writing;

    // A checkpoint is being written or committed; cleared before the requests for it complete, so that a job that
    // awaited CheckpointAsync can take the next one at once.
    private volatile bool _busy;
    private long _writingId;
    private long _waitingLogged = -1; // the checkpoint whose wait for a participant was logged

    private long _completedCount;
    private long _lastDurationTicks;
    private long _lastSize;
    private long _lastCompletedId = -1;

    /// <summary>Creates a checkpointer that keeps its checkpoints in <paramref name="directory"/> (<see cref="LocalDirectoryCheckpointStore"/>).</summary>
    /// <param name="directory">The directory of the job's checkpoints.</param>
    /// <param name="options">The options; null for the defaults.</param>
    public Checkpointer(string directory, CheckpointOptions? options = null)
        : this(new LocalDirectoryCheckpointStore(directory, (options ?? new CheckpointOptions()).KeepLast, options?.Logger), options)
    {
    }

    /// <summary>Creates a checkpointer that keeps its checkpoints in <paramref name="store"/>.</summary>
    /// <param name="store">Where checkpoints are written.</param>
    /// <param name="options">The options; null for the defaults (<see cref="CheckpointOptions.KeepLast"/> is the store's business).</param>
    /// <exception cref="ArgumentOutOfRangeException">The interval is neither positive nor infinite.</exception>
    public Checkpointer(ICheckpointStore store, CheckpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new CheckpointOptions();
        if (options.Interval != Timeout.InfiniteTimeSpan && options.Interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Interval, "The checkpoint interval must be positive, or Timeout.InfiniteTimeSpan.");
        }

        _store = store;
        _time = options.TimeProvider ?? TimeProvider.System;
        _logger = options.Logger;
        Name = options.Name ?? "job";
        double ticks = options.Interval == Timeout.InfiniteTimeSpan ? double.PositiveInfinity : options.Interval.TotalSeconds * _time.TimestampFrequency;
        _intervalTicks = ticks >= long.MaxValue ? long.MaxValue : Math.Max(1, (long)ticks);
        PipelineMetrics.RegisterCheckpointer(this);
    }

    /// <summary>The job's name (<see cref="CheckpointOptions.Name"/>).</summary>
    public string Name { get; }

    /// <summary>The id the next checkpoint will have (the restored one plus one).</summary>
    public long NextCheckpointId => _nextId;

    /// <summary>The id of the latest checkpoint complete and committed by this checkpointer, or -1.</summary>
    public long LastCompletedCheckpointId => Interlocked.Read(ref _lastCompletedId);

    /// <summary>The number of checkpoints complete and committed by this checkpointer.</summary>
    public long CompletedCount => Interlocked.Read(ref _completedCount);

    /// <summary>The time from the snapshot to the last commit of the latest checkpoint completed.</summary>
    public TimeSpan LastDuration => TimeSpan.FromSeconds((double)Interlocked.Read(ref _lastDurationTicks) / _time.TimestampFrequency);

    /// <summary>The bytes of the parts of the latest checkpoint completed.</summary>
    public long LastSize => Interlocked.Read(ref _lastSize);

    /// <summary>Registers a participant whose state every checkpoint keeps; before <see cref="RestoreAsync"/>.</summary>
    /// <param name="name">The participant's name, unique among this checkpointer's participants and sinks, and the same from run to run.</param>
    /// <param name="participant">The participant.</param>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    /// <exception cref="InvalidOperationException">The checkpointer has already restored.</exception>
    public void Register(string name, ICheckpointable participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        Add(new Entry(name, participant, null));
    }

    /// <summary>Registers a sink that commits with the checkpoints; before <see cref="RestoreAsync"/>.</summary>
    /// <param name="name">The sink's name, unique among this checkpointer's participants and sinks, and the same from run to run.</param>
    /// <param name="sink">The sink.</param>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    /// <exception cref="InvalidOperationException">The checkpointer has already restored.</exception>
    public void Register(string name, ITransactionalSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Add(new Entry(name, null, sink));
    }

    /// <summary>
    /// Registers a participant whose state lives on several threads and is snapshotted by barriers (the streaming parallel
    /// runner, with its shards' sinks); before <see cref="RestoreAsync"/>. <see cref="TryCheckpoint"/> starts its snapshot;
    /// each of its parts is written on the thread that owns it, at a point of its own input (a partition pushed by a
    /// thread of its own, where that thread is at rest), so a job whose participants are all aligned may call
    /// <see cref="TryCheckpoint"/> from any one thread. The checkpoint is written once its every part is in, off that thread.
    /// </summary>
    /// <param name="name">The participant's name, unique among this checkpointer's participants and sinks, and the same from run to run.</param>
    /// <param name="participant">The participant.</param>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    /// <exception cref="InvalidOperationException">The checkpointer has already restored.</exception>
    public void Register(string name, IAlignedCheckpointable participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        Add(new Entry(name, null, null, participant));
    }

    /// <summary>
    /// Restores the latest complete checkpoint, before any input: checks that it matches the participants registered,
    /// gives each its state, and lets each sink recover (commit the checkpoint's transaction if that had not happened,
    /// abort later ones). Without a checkpoint, the participants keep their initial states and the sinks recover from
    /// nothing (<c>Recover(-1, empty)</c>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The id of the checkpoint restored, or null when there was none.</returns>
    /// <exception cref="CheckpointMismatchException">
    /// The checkpoint was not written by these participants: a participant's fingerprint differs from the one recorded,
    /// a participant is not in it, or it has a part no participant claims. Nothing has been restored.
    /// </exception>
    /// <exception cref="InvalidOperationException">Called twice.</exception>
    public async ValueTask<long?> RestoreAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_restored)
        {
            throw new InvalidOperationException("The checkpointer has already restored.");
        }

        CheckpointData? checkpoint = await _store.LoadLatestAsync(cancellationToken).ConfigureAwait(false);
        if (checkpoint is null)
        {
            foreach (Entry entry in _entries)
            {
                entry.Sink?.Recover(-1, ReadOnlySpan<byte>.Empty);
                entry.Aligned?.RestoreCheckpoint(-1, ReadOnlySpan<byte>.Empty);
            }

            _nextId = 1;
            if (_logger is not null)
            {
                CheckpointLog.NoCheckpoint(_logger);
            }
        }
        else
        {
            Check(checkpoint);
            foreach (Entry entry in _entries)
            {
                checkpoint.TryGetPart(entry.Name, out CheckpointPart part);
                if (entry.Participant is not null)
                {
                    entry.Participant.RestoreCheckpoint(part.Data.Span);
                }
                else if (entry.Aligned is not null)
                {
                    entry.Aligned.RestoreCheckpoint(checkpoint.Id, part.Data.Span);
                }
                else
                {
                    entry.Sink!.Recover(checkpoint.Id, part.Data.Span);
                }
            }

            _nextId = checkpoint.Id + 1;
            if (_logger is not null)
            {
                CheckpointLog.Restored(_logger, checkpoint.Id, checkpoint.CreatedAt);
            }
        }

        _restored = true;
        _nextDue = Due(_time.GetTimestamp());
        return checkpoint?.Id;
    }

    /// <summary>
    /// Takes a checkpoint when one is due (the interval has passed, or one was requested by
    /// <see cref="CheckpointAsync"/>) and the previous one is written: the participants write their states and the
    /// sinks prepare their transactions, now, on this thread; the store write and the commits follow in the
    /// background. Call it on the thread that drives the runner, between two calls into it. When not due, it reads
    /// the clock once and allocates nothing. A due checkpoint waits (false, and again at the next call) while a
    /// participant cannot write its state now (<see cref="ICheckpointable.CanCheckpointNow"/>: a runner holding results a
    /// sink refused).
    /// </summary>
    /// <returns>True when a checkpoint was taken.</returns>
    /// <exception cref="CheckpointFailedException">A checkpoint failed (now or in the background since the last call).</exception>
    /// <exception cref="InvalidOperationException"><see cref="RestoreAsync"/> has not been called, or <see cref="CompleteAsync"/> has.</exception>
    public bool TryCheckpoint()
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        if (!_requested && _time.GetTimestamp() < _nextDue)
        {
            return false;
        }

        return TryCheckpointDue();
    }

    /// <summary>
    /// Requests a checkpoint: the next <see cref="TryCheckpoint"/> (on the runner's thread) takes it, once the
    /// checkpoint being written, if any, is done. May be called from any thread.
    /// </summary>
    /// <returns>The id of the checkpoint, once it is durable and committed.</returns>
    public Task<long> CheckpointAsync()
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                return Task.FromException<long>(_failure);
            }

            if (_disposed || _completed)
            {
                return Task.FromException<long>(new ObjectDisposedException(nameof(Checkpointer), "The checkpointer has completed."));
            }

            var request = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _requests.Add(request);
            _requested = true;
            return request.Task;
        }
    }

    /// <summary>
    /// Ends the job's checkpoints: waits for the checkpoint being written, takes a final one (on this thread, the
    /// runner's, after the last input) and waits until it is durable and its transactions committed.
    /// </summary>
    /// <returns>Completes when the final checkpoint is committed.</returns>
    /// <exception cref="CheckpointFailedException">A checkpoint failed.</exception>
    /// <exception cref="InvalidOperationException"><see cref="RestoreAsync"/> has not been called.</exception>
    public async ValueTask CompleteAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfNotRunning();
        if (_writing is not null)
        {
            await _writing.ConfigureAwait(false);
        }

        if (_failure is not null)
        {
            throw _failure;
        }

        Snapshot();
        _completed = true;
        _nextDue = long.MinValue;
        await _writing!.ConfigureAwait(false);
        if (_failure is not null)
        {
            throw _failure;
        }
    }

    /// <summary>Waits for the checkpoint being written, if any, and releases the buffers; requests not taken fail.</summary>
    /// <returns>Completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_writing is not null)
        {
            await _writing.ConfigureAwait(false);
        }

        List<TaskCompletionSource<long>> requests;
        lock (_gate)
        {
            requests = _requests;
            _requests = new List<TaskCompletionSource<long>>();
            _requested = false;
        }

        foreach (var request in requests)
        {
            request.TrySetException(new ObjectDisposedException(nameof(Checkpointer), "The checkpointer was disposed before the requested checkpoint was taken."));
        }

        foreach (Entry entry in _entries)
        {
            entry.Buffer.Dispose();
        }
    }

    /// <summary>True once disposed: the meter no longer reports it.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed);

    internal void ReportCompleted(List<System.Diagnostics.Metrics.Measurement<long>> measurements) =>
        measurements.Add(new(CompletedCount, new KeyValuePair<string, object?>("checkpointer", Name)));

    internal void ReportLastDuration(List<System.Diagnostics.Metrics.Measurement<double>> measurements)
    {
        if (CompletedCount > 0)
        {
            measurements.Add(new(LastDuration.TotalMilliseconds, new KeyValuePair<string, object?>("checkpointer", Name)));
        }
    }

    internal void ReportLastSize(List<System.Diagnostics.Metrics.Measurement<long>> measurements)
    {
        if (CompletedCount > 0)
        {
            measurements.Add(new(LastSize, new KeyValuePair<string, object?>("checkpointer", Name)));
        }
    }

    private static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);

    private long Due(long now) => _intervalTicks >= long.MaxValue - now ? long.MaxValue : now + _intervalTicks;

    private void Add(Entry entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(entry.Name, "name");
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_restored)
        {
            throw new InvalidOperationException($"'{entry.Name}' registered after the restore: register every participant and sink before RestoreAsync.");
        }

        if (!_names.Add(entry.Name))
        {
            throw new ArgumentException($"A participant or sink named '{entry.Name}' is already registered.", "name");
        }

        _entries.Add(entry);
    }

    private void Check(CheckpointData checkpoint)
    {
        var problems = new StringBuilder();
        foreach (Entry entry in _entries)
        {
            string what = entry.Sink is null ? "participant" : "sink";
            if (!checkpoint.TryGetPart(entry.Name, out CheckpointPart part))
            {
                problems.Append(CultureInfo.InvariantCulture, $" The {what} '{entry.Name}' is not in it.");
                continue;
            }

            CheckpointPartKind kind = entry.Sink is null ? CheckpointPartKind.State : CheckpointPartKind.Transaction;
            if (part.Kind != kind)
            {
                problems.Append(CultureInfo.InvariantCulture, $" Its part '{entry.Name}' is a {(part.Kind == CheckpointPartKind.State ? "participant's state" : "sink's transaction")}, but '{entry.Name}' is registered as a {what}.");
                continue;
            }

            ulong? fingerprint = entry.Participant?.StateFingerprint ?? entry.Aligned?.StateFingerprint;
            if (fingerprint is { } expected && expected != part.Fingerprint)
            {
                problems.Append(CultureInfo.InvariantCulture, $" The participant '{entry.Name}' has state fingerprint {Hex(expected)}, but the checkpoint recorded {Hex(part.Fingerprint)} for it (its state has another shape: the pipeline, or its coders, changed).");
            }
        }

        foreach (CheckpointPart part in checkpoint.Parts)
        {
            if (!_names.Contains(part.Name))
            {
                problems.Append(CultureInfo.InvariantCulture, $" It has a part '{part.Name}' that no registered participant or sink claims.");
            }
        }

        if (problems.Length > 0)
        {
            throw new CheckpointMismatchException($"Checkpoint {checkpoint.Id} (taken at {checkpoint.CreatedAt:O}) does not match this job's participants; nothing was restored.{problems}");
        }
    }

    private void ThrowIfNotRunning()
    {
        if (!_restored)
        {
            throw new InvalidOperationException("Call RestoreAsync before the first input, and so before taking checkpoints.");
        }

        if (_completed)
        {
            throw new InvalidOperationException("The checkpointer has completed: CompleteAsync took the last checkpoint.");
        }
    }

    private bool TryCheckpointDue()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfNotRunning();
        long now = _time.GetTimestamp();
        bool timeDue = now >= _nextDue;
        if (_busy)
        {
            if (timeDue)
            {
                // Not queued: the next one is due an interval from now.
                _nextDue = Due(now);
                if (_logger is not null)
                {
                    CheckpointLog.SkippedBusy(_logger, _writingId);
                }
            }

            return false;
        }

        if (_failure is not null)
        {
            throw _failure;
        }

        foreach (Entry entry in _entries)
        {
            if (entry.Participant is { CanCheckpointNow: false })
            {
                // It holds results a sink refused: the next call into it delivers them, and the checkpoint is taken then.
                if (_logger is not null && _waitingLogged != _nextId)
                {
                    _waitingLogged = _nextId;
                    CheckpointLog.Waits(_logger, _nextId, entry.Name);
                }

                return false;
            }
        }

        Snapshot();
        return true;
    }

    // Takes a checkpoint on this thread and starts writing it; the previous write is done.
    private void Snapshot()
    {
        long id = _nextId;
        long start = _time.GetTimestamp();
        List<TaskCompletionSource<long>>? requests = null;
        lock (_gate)
        {
            if (_requests.Count > 0)
            {
                requests = _requests;
                _requests = new List<TaskCompletionSource<long>>();
            }

            _requested = false;
        }

        var parts = new CheckpointPart[_entries.Count];
        Task[]? pending = null;
        DateTimeOffset createdAt;
        try
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry entry = _entries[i];
                entry.Buffer.Reset();
                if (entry.Participant is not null)
                {
                    entry.Participant.WriteCheckpoint(entry.Buffer);
                    parts[i] = new CheckpointPart(entry.Name, CheckpointPartKind.State, entry.Participant.StateFingerprint, entry.Buffer.WrittenMemory);
                }
                else if (entry.Aligned is not null)
                {
                    // Its parts come in from other threads; the part is made once they all have.
                    pending ??= new Task[_entries.Count];
                    pending[i] = entry.Aligned.WriteCheckpointAsync(id, entry.Buffer);
                }
                else
                {
                    entry.Sink!.PrepareCommit(id, entry.Buffer);
                    parts[i] = new CheckpointPart(entry.Name, CheckpointPartKind.Transaction, 0, entry.Buffer.WrittenMemory);
                }
            }

            createdAt = _time.GetUtcNow();
        }
        catch (Exception e)
        {
            Fail(id, e, requests);
            throw _failure!;
        }

        _nextId = id + 1;
        _nextDue = Due(start);
        _writingId = id;
        _busy = true;
        _writing = Task.Run(() => WriteAsync(id, createdAt, parts, pending, start, requests));
    }

    private async Task WriteAsync(long id, DateTimeOffset createdAt, CheckpointPart[] parts, Task[]? pending, long start, List<TaskCompletionSource<long>>? requests)
    {
        Activity? activity = null;
        Exception? failure = null;
        try
        {
            if (pending is not null)
            {
                for (int i = 0; i < pending.Length; i++)
                {
                    if (pending[i] is { } part)
                    {
                        await part.ConfigureAwait(false);
                        Entry entry = _entries[i];
                        parts[i] = new CheckpointPart(entry.Name, CheckpointPartKind.State, entry.Aligned!.StateFingerprint, entry.Buffer.WrittenMemory);
                    }
                }
            }

            var checkpoint = new CheckpointData(id, createdAt, parts);
            if (PipelineTracing.IsEnabled)
            {
                DateTimeOffset startTime = _time.GetUtcNow() - _time.GetElapsedTime(start);
                activity = PipelineTracing.Source.StartActivity(PipelineTracing.CheckpointActivityName, ActivityKind.Internal, parentContext: default, startTime: startTime);
                activity?.SetTag("compiled.checkpointer", Name);
                activity?.SetTag("compiled.checkpoint.id", checkpoint.Id);
                activity?.SetTag("compiled.checkpoint.parts", checkpoint.Parts.Count);
                activity?.SetTag("compiled.checkpoint.bytes", checkpoint.TotalBytes);
            }

            await _store.WriteAsync(checkpoint).ConfigureAwait(false);
            for (int i = 0; i < _entries.Count; i++)
            {
                _entries[i].Sink?.Commit(checkpoint.Id, checkpoint.Parts[i].Data.Span);
                _entries[i].Aligned?.CommitCheckpoint(checkpoint.Id, checkpoint.Parts[i].Data.Span);
            }

            long elapsed = _time.GetTimestamp() - start;
            long size = checkpoint.TotalBytes;
            Interlocked.Exchange(ref _lastDurationTicks, elapsed);
            Interlocked.Exchange(ref _lastSize, size);
            Interlocked.Increment(ref _completedCount);

            // Not busy any more before the id is told, so that whoever sees the id may take the next checkpoint.
            _busy = false;
            Interlocked.Exchange(ref _lastCompletedId, checkpoint.Id);
            if (_logger is not null)
            {
                CheckpointLog.Completed(_logger, checkpoint.Id, size, checkpoint.Parts.Count, (double)elapsed * 1000 / _time.TimestampFrequency);
            }
        }
        catch (Exception e)
        {
            failure = e;
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
        }
        finally
        {
            activity?.Dispose();
        }

        if (failure is not null)
        {
            Fail(id, failure, requests);
            _busy = false;
            return;
        }

        foreach (var request in requests ?? [])
        {
            request.TrySetResult(id);
        }
    }

    private void Fail(long id, Exception exception, List<TaskCompletionSource<long>>? requests)
    {
        var failure = exception as CheckpointFailedException ?? new CheckpointFailedException(id, exception);
        List<TaskCompletionSource<long>> waiting;
        lock (_gate)
        {
            _failure ??= failure;
            waiting = _requests;
            _requests = new List<TaskCompletionSource<long>>();
        }

        if (_logger is not null)
        {
            CheckpointLog.Failed(_logger, exception, id);
        }

        foreach (var request in requests ?? [])
        {
            request.TrySetException(failure);
        }

        foreach (var request in waiting)
        {
            request.TrySetException(failure);
        }
    }

    private sealed class Entry
    {
        public Entry(string name, ICheckpointable? participant, ITransactionalSink? sink, IAlignedCheckpointable? aligned = null)
        {
            Name = name;
            Participant = participant;
            Sink = sink;
            Aligned = aligned;
        }

        public string Name { get; }

        public ICheckpointable? Participant { get; }

        public ITransactionalSink? Sink { get; }

        public IAlignedCheckpointable? Aligned { get; }

        public PooledBufferWriter Buffer { get; } = new();
    }
}
