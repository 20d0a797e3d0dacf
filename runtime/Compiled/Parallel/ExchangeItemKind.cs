namespace Compiled.Parallel;

/// <summary>What <see cref="ExchangeChannel{T}.TryRead"/> returned.</summary>
public enum ExchangeItemKind : byte
{
    /// <summary>Nothing is available yet.</summary>
    None,

    /// <summary>A batch of elements, valid until the next read from the channel.</summary>
    Batch,

    /// <summary>A watermark: every element written before it has been read.</summary>
    Watermark,

    /// <summary>The producer marked its input idle: leave it out of the watermark until it is active again.</summary>
    Idle,

    /// <summary>The producer marked its input active again after <see cref="Idle"/>.</summary>
    Active,

    /// <summary>The producer completed the stream: every element and watermark has been read. Every later read returns this.</summary>
    Completed,

    /// <summary>The producer failed (<see cref="ExchangeChannel{T}.Error"/>): every element before the failure has been read. Every later read returns this.</summary>
    Failed,
}
