using System;

namespace Compiled.Parallel;

/// <summary>
/// A shard of a parallel run failed: thrown by <see cref="ShardGroup.Run"/> for the first shard that failed (failures
/// the cancellation then caused in other shards are not reported), and by <see cref="ShardInbox{T}"/> when a producer
/// ended its channel with <see cref="ExchangeChannel{T}.Fail"/>. The shard's exception is the
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class ShardFailedException : Exception
{
    /// <summary>Creates the exception for a failed shard.</summary>
    /// <param name="shard">The index of the shard that failed.</param>
    /// <param name="innerException">The shard's exception.</param>
    public ShardFailedException(int shard, Exception innerException)
        : base($"Shard {shard} failed: {innerException?.Message}", innerException)
    {
        Shard = shard;
    }

    /// <summary>Creates the exception with a message; <see cref="Shard"/> is -1.</summary>
    /// <param name="message">The message.</param>
    public ShardFailedException(string message)
        : base(message)
    {
        Shard = -1;
    }

    /// <summary>Creates the exception with a message and a cause; <see cref="Shard"/> is -1.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ShardFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Shard = -1;
    }

    /// <summary>Creates the exception with a default message; <see cref="Shard"/> is -1.</summary>
    public ShardFailedException()
        : base("A shard failed.")
    {
        Shard = -1;
    }

    /// <summary>The index of the shard that failed (for an inbox, of the producer whose channel failed); -1 when unknown.</summary>
    public int Shard { get; }
}
