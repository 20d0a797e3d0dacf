using System;
using System.Collections.Generic;

namespace Compiled.Checkpoints;

/// <summary>What a part of a checkpoint holds.</summary>
public enum CheckpointPartKind : byte
{
    /// <summary>The state of an <see cref="ICheckpointable"/> (a runner, a source, a job's bookkeeping).</summary>
    State = 0,

    /// <summary>The handle of a transaction an <see cref="ITransactionalSink"/> prepared.</summary>
    Transaction = 1,
}

/// <summary>One named part of a checkpoint: the bytes of one participant, with the fingerprint of their shape.</summary>
/// <param name="Name">The participant's name, unique in the checkpoint.</param>
/// <param name="Kind">Whether the part is a participant's state or a sink's transaction handle.</param>
/// <param name="Fingerprint">The participant's <see cref="ICheckpointable.StateFingerprint"/> (0 for a sink's handle).</param>
/// <param name="Data">The bytes.</param>
public readonly record struct CheckpointPart(string Name, CheckpointPartKind Kind, ulong Fingerprint, ReadOnlyMemory<byte> Data);

/// <summary>A checkpoint: its id, when it was taken, and the parts of every participant.</summary>
public sealed class CheckpointData
{
    /// <summary>Creates a checkpoint.</summary>
    /// <param name="id">The checkpoint's id, not negative; each checkpoint of a job has a greater id than the one before.</param>
    /// <param name="createdAt">When the participants' states were taken.</param>
    /// <param name="parts">The parts, with distinct names.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is negative.</exception>
    /// <exception cref="ArgumentException">Two parts have the same name, or a name is empty.</exception>
    public CheckpointData(long id, DateTimeOffset createdAt, IReadOnlyList<CheckpointPart> parts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentNullException.ThrowIfNull(parts);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            ArgumentException.ThrowIfNullOrEmpty(part.Name, nameof(parts));
            if (!names.Add(part.Name))
            {
                throw new ArgumentException($"Two parts of checkpoint {id} are named '{part.Name}'.", nameof(parts));
            }
        }

        Id = id;
        CreatedAt = createdAt;
        Parts = parts;
    }

    /// <summary>The checkpoint's id.</summary>
    public long Id { get; }

    /// <summary>When the participants' states were taken.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The parts, in the order the participants were registered.</summary>
    public IReadOnlyList<CheckpointPart> Parts { get; }

    /// <summary>The total size of the parts' bytes.</summary>
    public long TotalBytes
    {
        get
        {
            long total = 0;
            for (int i = 0; i < Parts.Count; i++)
            {
                total += Parts[i].Data.Length;
            }

            return total;
        }
    }

    /// <summary>Finds the part named <paramref name="name"/>.</summary>
    /// <param name="name">The part's name.</param>
    /// <param name="part">The part, when found.</param>
    /// <returns>True when the checkpoint has a part of that name.</returns>
    public bool TryGetPart(string name, out CheckpointPart part)
    {
        for (int i = 0; i < Parts.Count; i++)
        {
            if (string.Equals(Parts[i].Name, name, StringComparison.Ordinal))
            {
                part = Parts[i];
                return true;
            }
        }

        part = default;
        return false;
    }
}
