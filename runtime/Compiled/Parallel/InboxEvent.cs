namespace Compiled.Parallel;

/// <summary>What a read from a <see cref="ShardInbox{T}"/> returned.</summary>
public enum InboxEvent : byte
{
    /// <summary>Nothing is available (a non-blocking read, or a blocking read that timed out).</summary>
    None,

    /// <summary>A batch of elements from the channel <see cref="ShardInbox{T}.Channel"/>, valid until the next read.</summary>
    Batch,

    /// <summary>The input watermark advanced: <see cref="ShardInbox{T}.Watermark"/> holds the new value.</summary>
    Watermark,

    /// <summary>Every channel completed; the watermark is <see cref="Instant.MaxValue"/>. Every later read returns this.</summary>
    Completed,

    /// <summary>
    /// Every channel that has not completed delivered checkpoint barrier <see cref="ShardInbox{T}.BarrierId"/> (each was
    /// blocked by <see cref="ShardInbox{T}.Block"/> when its barrier was read): the consumer snapshots its state now, and
    /// the blocked channels are read again from the next read on.
    /// </summary>
    Barrier,
}
