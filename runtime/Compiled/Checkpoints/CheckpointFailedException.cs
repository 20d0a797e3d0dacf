using System;

namespace Compiled.Checkpoints;

/// <summary>
/// A checkpoint could not be taken, written or committed. The <see cref="Checkpointer"/> takes no more checkpoints:
/// the job stops and restarts from the latest complete checkpoint (its output since then is produced again, and
/// transactional sinks drop what they had not committed).
/// </summary>
public sealed class CheckpointFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointFailedException()
        : base("A checkpoint failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public CheckpointFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public CheckpointFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for checkpoint <paramref name="checkpointId"/>.</summary>
    /// <param name="checkpointId">The checkpoint that failed.</param>
    /// <param name="innerException">The cause.</param>
    public CheckpointFailedException(long checkpointId, Exception innerException)
        : base($"Checkpoint {checkpointId} failed: {innerException?.Message}", innerException)
    {
        CheckpointId = checkpointId;
    }

    /// <summary>The checkpoint that failed (-1 when not told).</summary>
    public long CheckpointId { get; } = -1;
}
