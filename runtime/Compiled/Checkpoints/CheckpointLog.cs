using System;
using Microsoft.Extensions.Logging;

namespace Compiled.Checkpoints;

/// <summary>The log messages of checkpoints (source-generated: no boxing, no reflection, AOT-safe).</summary>
internal static partial class CheckpointLog
{
    [LoggerMessage(EventId = 101, EventName = "CheckpointPassedOver", Level = LogLevel.Warning,
        Message = "Checkpoint folder '{Folder}' passed over for an earlier checkpoint: {Reason}")]
    public static partial void PassedOver(ILogger logger, string folder, string reason);

    [LoggerMessage(EventId = 102, EventName = "CheckpointUnfinishedRemoved", Level = LogLevel.Information,
        Message = "Removed the unfinished checkpoint folder '{Folder}' left by an interrupted write")]
    public static partial void UnfinishedRemoved(ILogger logger, string folder);

    [LoggerMessage(EventId = 103, EventName = "CheckpointNotDeleted", Level = LogLevel.Warning,
        Message = "Could not delete the checkpoint folder '{Folder}'")]
    public static partial void NotDeleted(ILogger logger, Exception exception, string folder);

    [LoggerMessage(EventId = 104, EventName = "CheckpointFailed", Level = LogLevel.Error,
        Message = "Checkpoint {Id} failed; the job must restart from the latest complete checkpoint")]
    public static partial void Failed(ILogger logger, Exception exception, long id);

    [LoggerMessage(EventId = 105, EventName = "CheckpointSkippedBusy", Level = LogLevel.Debug,
        Message = "A checkpoint was due while checkpoint {Id} was still being written; skipped")]
    public static partial void SkippedBusy(ILogger logger, long id);

    [LoggerMessage(EventId = 106, EventName = "CheckpointCompleted", Level = LogLevel.Debug,
        Message = "Checkpoint {Id} complete and committed: {Bytes} bytes in {Parts} parts, {DurationMs} ms")]
    public static partial void Completed(ILogger logger, long id, long bytes, int parts, double durationMs);

    [LoggerMessage(EventId = 107, EventName = "CheckpointRestored", Level = LogLevel.Information,
        Message = "Restored checkpoint {Id} taken at {CreatedAt}")]
    public static partial void Restored(ILogger logger, long id, DateTimeOffset createdAt);

    [LoggerMessage(EventId = 109, EventName = "CheckpointWaits", Level = LogLevel.Information,
        Message = "Checkpoint {Id} waits: participant '{Participant}' cannot write its state now (a sink refused results it holds)")]
    public static partial void Waits(ILogger logger, long id, string participant);

    [LoggerMessage(EventId = 108, EventName = "CheckpointNone", Level = LogLevel.Information,
        Message = "No checkpoint to restore: the job starts from the beginning")]
    public static partial void NoCheckpoint(ILogger logger);
}
