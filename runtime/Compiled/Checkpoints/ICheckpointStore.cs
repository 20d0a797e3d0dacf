using System.Threading;
using System.Threading.Tasks;

namespace Compiled.Checkpoints;

/// <summary>
/// Where checkpoints are kept (<see cref="LocalDirectoryCheckpointStore"/> by default). A store writes a checkpoint
/// all or nothing: once <see cref="WriteAsync"/> has completed, <see cref="LoadLatestAsync"/> returns that checkpoint
/// (or a later one) even after a crash of the process or of the machine; before that, never a part of it.
/// </summary>
/// <remarks>
/// <see cref="Checkpointer"/> calls <see cref="WriteAsync"/> from one background task at a time, with increasing ids
/// (after a restore, from the restored id plus one: a store replaces a checkpoint of that id or later ones it still
/// holds, which a restore passed over). A store keeps a few of the latest checkpoints, so that a damaged latest one
/// is passed over for the one before.
/// </remarks>
public interface ICheckpointStore
{
    /// <summary>Writes a checkpoint durably and atomically, then drops checkpoints older than those it keeps.</summary>
    /// <param name="checkpoint">
    /// The checkpoint. Its parts' bytes are pooled buffers of the <see cref="Checkpointer"/>, reused for the next
    /// checkpoint: valid until the returned task completes, not to be kept after.
    /// </param>
    /// <param name="cancellationToken">Cancels the write (the checkpoint is then not written).</param>
    /// <returns>Completes when the checkpoint is durable.</returns>
    ValueTask WriteAsync(CheckpointData checkpoint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Loads the latest complete, intact checkpoint; damaged ones (a part or the manifest missing, cut short or
    /// corrupt) are passed over for the one before (and reported, e.g. logged).
    /// </summary>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <returns>The checkpoint, or null when there is none.</returns>
    ValueTask<CheckpointData?> LoadLatestAsync(CancellationToken cancellationToken = default);
}
