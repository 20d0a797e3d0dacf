using System;
using System.Buffers;

namespace Compiled.Checkpoints;

/// <summary>
/// Something whose state a checkpoint keeps: a generated runner (its windows, accumulators, panes, timers and
/// watermarks), a source (its position), or a job's own bookkeeping. <see cref="Checkpointer"/> calls
/// <see cref="WriteCheckpoint"/> on the thread that drives the runner, between two calls into it, so the states of all
/// participants are taken at one point of the input; the bytes are written to the store off that thread.
/// </summary>
public interface ICheckpointable
{
    /// <summary>
    /// A fingerprint of the shape of the state written (for a generated runner: a hash of its plan and of its coders'
    /// format versions). A checkpoint whose fingerprint differs is refused on restore with
    /// <see cref="CheckpointMismatchException"/>, never read as something it is not.
    /// </summary>
    ulong StateFingerprint { get; }

    /// <summary>Writes the whole state, as of now, to <paramref name="output"/>.</summary>
    /// <param name="output">Where the bytes go.</param>
    void WriteCheckpoint(IBufferWriter<byte> output);

    /// <summary>Replaces the state with the one <see cref="WriteCheckpoint"/> wrote; called before any input.</summary>
    /// <param name="state">The bytes written.</param>
    void RestoreCheckpoint(ReadOnlySpan<byte> state);

    /// <summary>
    /// False while the state cannot be written at this point: a generated runner that holds results a sink refused
    /// (its next call delivers them first). A due checkpoint then waits: <see cref="Checkpointer.TryCheckpoint"/> returns
    /// false and tries again on its next call, so a sink that is down for a while delays checkpoints instead of failing
    /// them. True by default.
    /// </summary>
    bool CanCheckpointNow => true;
}

/// <summary>
/// A sink that commits with the checkpoint (two-phase, as Flink's TwoPhaseCommitSinkFunction): what it is given between
/// two checkpoints becomes visible only when the later one is complete, so that a restart from that checkpoint neither
/// loses nor repeats output.
/// </summary>
public interface ITransactionalSink
{
    /// <summary>
    /// Ends the open transaction (makes it durable, not yet visible), writes what identifies it to <paramref name="handle"/>,
    /// and opens the next one. Called on the runner's thread with the other participants' snapshots.
    /// </summary>
    /// <param name="checkpointId">The checkpoint the transaction belongs to.</param>
    /// <param name="handle">Where to write the transaction's identity; kept in the checkpoint.</param>
    void PrepareCommit(long checkpointId, IBufferWriter<byte> handle);

    /// <summary>
    /// Makes the transaction prepared for <paramref name="checkpointId"/> visible, once the checkpoint is complete.
    /// Idempotent: committing a committed transaction does nothing. Called off the runner's thread, in checkpoint order.
    /// </summary>
    /// <param name="checkpointId">The completed checkpoint.</param>
    /// <param name="handle">What <see cref="PrepareCommit"/> wrote.</param>
    void Commit(long checkpointId, ReadOnlySpan<byte> handle);

    /// <summary>
    /// On restart from <paramref name="checkpointId"/>: commits its transaction if that had not happened, and aborts
    /// every transaction opened after it (its output will be produced again). Called before any input.
    /// </summary>
    /// <param name="checkpointId">The checkpoint restored, or -1 when the job starts without one.</param>
    /// <param name="handle">
    /// What <see cref="PrepareCommit"/> wrote for it; empty without a checkpoint, or when the checkpoint has no transaction
    /// of this sink (a shard's sink added by a restore at a larger parallelism: what its output already holds is
    /// committed, and it goes on after it).
    /// </param>
    void Recover(long checkpointId, ReadOnlySpan<byte> handle);

    /// <summary>
    /// On restart from <paramref name="checkpointId"/> at a smaller parallelism: finishes the transaction that another
    /// instance of this sink, one of a shard that is no more, prepared for it, as that instance's <see cref="Recover"/>
    /// would (commits it if that had not happened, aborts that instance's later ones). Called before any input, on
    /// an instance of a remaining shard. A sink whose handles identify their transactions fully (a file's path, a
    /// transactional id) can do it; the default refuses with <see cref="NotSupportedException"/>, and the restore at the
    /// smaller parallelism is refused.
    /// </summary>
    /// <param name="checkpointId">The checkpoint restored.</param>
    /// <param name="handle">What the other instance's <see cref="PrepareCommit"/> wrote for it.</param>
    void RecoverOrphan(long checkpointId, ReadOnlySpan<byte> handle) =>
        throw new NotSupportedException($"{GetType().Name} finishes only its own transactions: a checkpoint whose shards' sinks prepared transactions is restored at the same or a larger parallelism.");
}
