using System;
using System.Buffers;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Text;
using Compiled.Coders;

namespace Compiled.Checkpoints;

/// <summary>
/// The sources attached to one partition of the streaming parallel runner (<c>AttachSource</c>): their positions are
/// written with the partition's part of each checkpoint, at the same point of its input as its state, and restored with
/// it. Generated code uses it; it is public for that reason only.
/// </summary>
/// <remarks>
/// The bytes: the number of sources (4 bytes), then per source its name, its fingerprint (8 bytes) and its state as
/// length-prefixed bytes, in the order they were attached.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PartitionSources
{
    private readonly List<(string Name, ICheckpointable Source)> _sources = new();
    private readonly PooledBufferWriter _scratch = new();

    /// <summary>The number of sources attached.</summary>
    public int Count => _sources.Count;

    /// <summary>Attaches a source.</summary>
    /// <param name="name">Its name, unique in the partition and the same from run to run.</param>
    /// <param name="source">The source.</param>
    /// <exception cref="ArgumentException">The name is empty or already attached.</exception>
    public void Add(string name, ICheckpointable source)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(source);
        foreach (var (existing, _) in _sources)
        {
            if (existing == name)
            {
                throw new ArgumentException($"A source named '{name}' is already attached to this partition.", nameof(name));
            }
        }

        _sources.Add((name, source));
    }

    /// <summary>Writes every source's position (on the partition's pusher thread, at its barrier).</summary>
    /// <param name="output">Where the bytes go.</param>
    public void Write(IBufferWriter<byte> output)
    {
        var writer = new CoderWriter(output);
        writer.WriteLength(_sources.Count);
        foreach (var (name, source) in _sources)
        {
            _scratch.Reset();
            source.WriteCheckpoint(_scratch);
            writer.WriteString(name);
            writer.WriteUInt64(source.StateFingerprint);
            writer.WriteBytes(_scratch.WrittenMemory.Span);
        }

        writer.Flush();
    }

    /// <summary>Restores every source's position from what <see cref="Write"/> wrote.</summary>
    /// <param name="state">The bytes; empty when the partition had no sources attached.</param>
    /// <param name="pipeline">The pipeline's name, for messages.</param>
    /// <param name="partition">The partition, for messages.</param>
    /// <exception cref="CheckpointMismatchException">The checkpoint's sources are not the ones attached (names, or the shape of a state), or the bytes are damaged. No source is restored then.</exception>
    public void Restore(ReadOnlySpan<byte> state, string pipeline, int partition)
    {
        var where = pipeline + ", partition " + partition.ToString(CultureInfo.InvariantCulture);
        var parts = new List<(string Name, ulong Fingerprint, Range Bytes)>();
        try
        {
            var reader = new CoderReader(state);
            int count = state.IsEmpty ? 0 : reader.ReadLength();
            for (int i = 0; i < count; i++)
            {
                var name = reader.ReadString() ?? throw new CoderException("A source without a name.");
                var fingerprint = reader.ReadUInt64();
                int length = reader.ReadLength();
                int start = reader.Position;
                reader.ReadRaw(length);
                parts.Add((name, fingerprint, new Range(start, start + length)));
            }

            if (reader.Remaining != 0)
            {
                throw new CoderException(reader.Remaining.ToString(CultureInfo.InvariantCulture) + " bytes left after the sources.");
            }
        }
        catch (CoderException error)
        {
            throw new CheckpointMismatchException(where + ": the positions of the partition's sources cannot be read: " + error.Message, error);
        }

        var problems = new StringBuilder();
        foreach (var (name, source) in _sources)
        {
            var found = parts.FindIndex(p => p.Name == name);
            if (found < 0)
            {
                problems.Append(CultureInfo.InvariantCulture, $" The source '{name}' attached now is not in the checkpoint.");
            }
            else if (parts[found].Fingerprint != source.StateFingerprint)
            {
                problems.Append(CultureInfo.InvariantCulture, $" The source '{name}' has state fingerprint 0x{source.StateFingerprint:X16}, the checkpoint recorded 0x{parts[found].Fingerprint:X16}.");
            }
        }

        foreach (var part in parts)
        {
            if (!_sources.Exists(s => s.Name == part.Name))
            {
                problems.Append(CultureInfo.InvariantCulture, $" The checkpoint has the position of a source '{part.Name}' that is not attached now.");
            }
        }

        if (problems.Length > 0)
        {
            throw new CheckpointMismatchException(where + ": the checkpoint's sources are not the ones attached." + problems);
        }

        foreach (var (name, source) in _sources)
        {
            source.RestoreCheckpoint(state[parts.Find(p => p.Name == name).Bytes]);
        }
    }
}
