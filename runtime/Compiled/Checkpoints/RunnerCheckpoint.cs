using System;
using System.ComponentModel;
using System.Globalization;
using Compiled.Coders;

namespace Compiled.Checkpoints;

/// <summary>
/// The header of a generated runner's checkpoint and the errors of its restore: the format, the fingerprint of the
/// state's shape, and whether the runner had finished. Generated code calls these; they are public for that reason only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RunnerCheckpoint
{
    /// <summary>The version of the layout a runner's checkpoint is written in (the header, then the state in plan order).</summary>
    public const uint Format = 1;

    /// <summary>Writes the header: the format, the fingerprint, and whether the runner has finished.</summary>
    /// <param name="writer">Where the bytes go.</param>
    /// <param name="fingerprint">The runner's <see cref="ICheckpointable.StateFingerprint"/>.</param>
    /// <param name="finished">Whether its Finish has completed (then nothing else is written).</param>
    public static void WriteHeader(ref CoderWriter writer, ulong fingerprint, bool finished)
    {
        writer.WriteUInt32(Format);
        writer.WriteUInt64(fingerprint);
        writer.WriteBoolean(finished);
    }

    /// <summary>Reads the header and checks it against the runner restoring it.</summary>
    /// <param name="reader">The checkpoint.</param>
    /// <param name="pipeline">The pipeline's name, for messages.</param>
    /// <param name="fingerprint">The restoring runner's fingerprint.</param>
    /// <returns>Whether the runner that wrote it had finished.</returns>
    /// <exception cref="CheckpointMismatchException">Another format, or a state of another shape.</exception>
    public static bool ReadHeader(ref CoderReader reader, string pipeline, ulong fingerprint)
    {
        ReadFormatAndShape(ref reader, pipeline, "checkpoint", Format, fingerprint);
        return reader.ReadBoolean();
    }

    /// <summary>Reads a format version and a fingerprint, and refuses others than the reader's.</summary>
    /// <param name="reader">The checkpoint.</param>
    /// <param name="pipeline">The pipeline's name, for messages.</param>
    /// <param name="what">What is read, for messages ("checkpoint", "parallel runner's checkpoint").</param>
    /// <param name="format">The format the reader reads.</param>
    /// <param name="fingerprint">The reader's fingerprint.</param>
    /// <exception cref="CheckpointMismatchException">Another format, or a state of another shape.</exception>
    internal static void ReadFormatAndShape(ref CoderReader reader, string pipeline, string what, uint format, ulong fingerprint)
    {
        var written = reader.ReadUInt32();
        if (written != format)
        {
            throw new CheckpointMismatchException(pipeline + ": the " + what + " is in format " + written.ToString(CultureInfo.InvariantCulture) +
                                                  ", this runner reads format " + format.ToString(CultureInfo.InvariantCulture) + ".");
        }

        var shape = reader.ReadUInt64();
        if (shape != fingerprint)
        {
            throw new CheckpointMismatchException(pipeline + ": the checkpoint was written by a pipeline whose state has another shape (fingerprint " +
                                                  shape.ToString("X16", CultureInfo.InvariantCulture) + ", this runner's " +
                                                  fingerprint.ToString("X16", CultureInfo.InvariantCulture) + "): its plan or the coders of its state changed.");
        }
    }

    /// <summary>Checks that the whole checkpoint was read.</summary>
    /// <param name="reader">The checkpoint, read.</param>
    /// <param name="pipeline">The pipeline's name, for messages.</param>
    /// <exception cref="CheckpointMismatchException">Bytes are left.</exception>
    public static void ReadEnd(ref CoderReader reader, string pipeline)
    {
        if (reader.Remaining != 0)
        {
            throw new CheckpointMismatchException(pipeline + ": " + reader.Remaining.ToString(CultureInfo.InvariantCulture) + " bytes of the checkpoint were left unread.");
        }
    }

    /// <summary>A checkpoint whose bytes cannot be decoded.</summary>
    /// <param name="pipeline">The pipeline's name.</param>
    /// <param name="error">What the coder found.</param>
    /// <returns>The exception to throw.</returns>
    public static CheckpointMismatchException Unreadable(string pipeline, CoderException error) =>
        new(pipeline + ": the checkpoint cannot be read: " + error.Message, error);

    /// <summary>A restore into a runner that has already been used.</summary>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException NotNew() =>
        new("A checkpoint is restored into a new runner, before any input, watermark or processing time.");

    /// <summary>A checkpoint while the runner holds results a sink refused.</summary>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException Held() =>
        new("A sink refused results that the runner holds: call the runner again (it delivers them first) before a checkpoint.");

    /// <summary>A partition or shard of the streaming parallel runner checkpointed on its own.</summary>
    /// <returns>The exception to throw.</returns>
    public static NotSupportedException PartOfAParallelRunner() =>
        new("The partitions and shards of the streaming parallel runner are not checkpointed one by one: register the parallel runner itself with the Checkpointer (it is an IAlignedCheckpointable).");

    /// <summary>A partition or shard of the parallel runner writes its part: a sink of it that commits with checkpoints prepares its transaction.</summary>
    /// <typeparam name="TSink">The sink's type: a class implementing <see cref="ITransactionalSink"/> takes part; any other sink does not.</typeparam>
    /// <param name="sink">The sink.</param>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="handle">Where its transaction's identity goes.</param>
    public static void PrepareSink<TSink>(TSink sink, long checkpointId, System.Buffers.IBufferWriter<byte> handle)
    {
        if (!typeof(TSink).IsValueType && sink is ITransactionalSink transactional)
        {
            transactional.PrepareCommit(checkpointId, handle);
        }
    }

    /// <summary>
    /// A sink of a partition or shard of the parallel runner commits the transaction of a durable checkpoint
    /// (<paramref name="commit"/>), or recovers on restart from it (-1: from nothing).
    /// </summary>
    /// <typeparam name="TSink">The sink's type.</typeparam>
    /// <param name="sink">The sink.</param>
    /// <param name="checkpointId">The checkpoint, or -1 on a start without one.</param>
    /// <param name="handle">What <see cref="PrepareSink"/> wrote for it.</param>
    /// <param name="commit">True: commit; false: recover.</param>
    public static void EndSinkTransaction<TSink>(TSink sink, long checkpointId, ReadOnlySpan<byte> handle, bool commit)
    {
        if (typeof(TSink).IsValueType || sink is not ITransactionalSink transactional)
        {
            return;
        }

        if (commit)
        {
            transactional.Commit(checkpointId, handle);
        }
        else
        {
            transactional.Recover(checkpointId, handle);
        }
    }

    /// <summary>
    /// On a restore at a smaller parallelism: a sink of a remaining shard finishes the transaction that the same output's
    /// sink of a removed shard prepared for the checkpoint (<see cref="ITransactionalSink.RecoverOrphan"/>).
    /// </summary>
    /// <typeparam name="TSink">The sink's type.</typeparam>
    /// <param name="sink">A sink of the output, on a remaining shard.</param>
    /// <param name="checkpointId">The checkpoint restored.</param>
    /// <param name="handle">What the removed shard's sink prepared.</param>
    /// <param name="pipeline">The pipeline's name, for the message.</param>
    /// <param name="was">The parallelism the checkpoint was taken at.</param>
    /// <param name="now">The restoring runner's.</param>
    /// <exception cref="CheckpointMismatchException">The sink cannot finish another instance's transactions.</exception>
    public static void RecoverOrphanSink<TSink>(TSink sink, long checkpointId, ReadOnlySpan<byte> handle, string pipeline, int was, int now)
    {
        if (handle.IsEmpty || typeof(TSink).IsValueType || sink is not ITransactionalSink transactional)
        {
            return;
        }

        try
        {
            transactional.RecoverOrphan(checkpointId, handle);
        }
        catch (NotSupportedException error)
        {
            throw new CheckpointMismatchException(
                pipeline + ": checkpoint " + checkpointId.ToString(CultureInfo.InvariantCulture) + " was taken at parallelism " + was.ToString(CultureInfo.InvariantCulture) +
                ", and the sinks of its shards " + now.ToString(CultureInfo.InvariantCulture) + " and above prepared transactions that no sink of this runner can finish (" +
                error.Message + "); restore it at parallelism " + was.ToString(CultureInfo.InvariantCulture) + " or more.",
                error);
        }
    }

    /// <summary>A restore into a parallel runner that has already started (a partition was handed out, or a push came).</summary>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException ParallelNotNew() =>
        new("A checkpoint is restored into a new parallel runner, before any input and before its partitions are handed out (Partition).");
}
