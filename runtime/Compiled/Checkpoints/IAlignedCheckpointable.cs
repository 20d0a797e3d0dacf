using System;
using System.Buffers;
using System.Threading.Tasks;

namespace Compiled.Checkpoints;

/// <summary>
/// A participant whose state lives on several threads and is snapshotted by barriers that flow with the data (Flink's
/// aligned asynchronous barrier snapshots): the streaming parallel runner. <see cref="Checkpointer"/> starts a checkpoint
/// on the thread that drives it, between two calls into it; the participant snapshots what lives on that thread and
/// sends barriers; each other thread snapshots its part when the barriers reach it, while the driving thread goes on
/// pushing. The checkpoint is written once every part is in.
/// </summary>
/// <remarks>
/// The participant also owns sinks that commit with the checkpoint (each shard's own sinks): it prepares their
/// transactions with its parts, commits them in <see cref="CommitCheckpoint"/>, and recovers them in
/// <see cref="RestoreCheckpoint"/>.
/// </remarks>
public interface IAlignedCheckpointable
{
    /// <summary>The fingerprint of the shape of the state written; see <see cref="ICheckpointable.StateFingerprint"/>.</summary>
    ulong StateFingerprint { get; }

    /// <summary>
    /// Starts checkpoint <paramref name="checkpointId"/>: on the calling thread, the one that drives the participant,
    /// between two calls into it, snapshots what lives there and sends the barriers. The task completes when every part
    /// is written to <paramref name="output"/> (from another thread; the caller reads <paramref name="output"/> only then).
    /// </summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="output">Where the bytes go.</param>
    /// <returns>Completes when the whole state is in <paramref name="output"/>; faults when the participant failed meanwhile.</returns>
    Task WriteCheckpointAsync(long checkpointId, IBufferWriter<byte> output);

    /// <summary>Commits the transactions of the participant's sinks prepared for <paramref name="checkpointId"/>, now that it is durable. Idempotent.</summary>
    /// <param name="checkpointId">The completed checkpoint.</param>
    /// <param name="state">What <see cref="WriteCheckpointAsync"/> wrote for it.</param>
    void CommitCheckpoint(long checkpointId, ReadOnlySpan<byte> state);

    /// <summary>
    /// Before any input: replaces the state with the one written for <paramref name="checkpointId"/>, and lets the
    /// participant's sinks recover (commit that checkpoint's transactions if that had not happened, abort later ones).
    /// Called with -1 and no bytes when the job starts without a checkpoint (the sinks recover from nothing).
    /// </summary>
    /// <param name="checkpointId">The checkpoint restored, or -1.</param>
    /// <param name="state">What <see cref="WriteCheckpointAsync"/> wrote for it; empty with -1.</param>
    void RestoreCheckpoint(long checkpointId, ReadOnlySpan<byte> state);
}
