using System;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace Compiled.Checkpoints;

/// <summary>The options of a <see cref="Checkpointer"/>.</summary>
public sealed class CheckpointOptions
{
    /// <summary>
    /// The time between two checkpoints (one minute by default): <see cref="Checkpointer.TryCheckpoint"/> takes one
    /// when this much time has passed since the previous one was taken (or since the restore).
    /// <see cref="Timeout.InfiniteTimeSpan"/> takes them only on demand (<see cref="Checkpointer.CheckpointAsync"/>)
    /// and at the end (<see cref="Checkpointer.CompleteAsync"/>).
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many of the latest complete checkpoints the store keeps (3 by default); used when the
    /// <see cref="Checkpointer"/> creates its <see cref="LocalDirectoryCheckpointStore"/>.
    /// </summary>
    public int KeepLast { get; set; } = 3;

    /// <summary>The clock that tells when a checkpoint is due; null for <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Where failures, damaged checkpoints passed over and restores are logged; null for nowhere.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The job's name, the <c>checkpointer</c> tag of the metrics and the activity (<c>"job"</c> by default).</summary>
    public string Name { get; set; } = "job";
}
