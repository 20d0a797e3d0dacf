using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Compiled.Parallel;

/// <summary>
/// The shards of a runner's integer keys, kept in a table indexed by the key once each key's hash has been computed, so
/// that a key seen again costs one load instead of hashing its encoding and finding its key group. Most integer keys
/// (ids, codes) are small and dense; keys from 0 to <see cref="MaxKeys"/> - 1 are kept, others are hashed every time.
/// Called by generated code only: each partition and shard of a parallel runner has its own, read and written by its
/// own thread, and clears it when its shard assignment changes.
/// </summary>
/// <remarks>
/// The table grows to the next power of two above the largest key kept (at least <see cref="MinSize"/> entries), two
/// bytes per entry: at most 128 KB for a runner whose keys span the whole range.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct KeyShardCache
{
    /// <summary>Keys from 0 to this, exclusive, are kept; others are hashed every time.</summary>
    public const int MaxKeys = 1 << 16;

    /// <summary>The smallest table made.</summary>
    public const int MinSize = 1024;

    private ushort[]? _shards; // per key: its shard plus one; 0 where the key has not been seen

    /// <summary>
    /// The shard kept for a key, or -1 when the key has not been kept (not seen yet, or out of range). Pass the key
    /// converted to <see cref="ulong"/> unchecked: a negative key becomes a value past the range, and misses.
    /// </summary>
    /// <param name="key">The key, as an unsigned 64-bit value.</param>
    /// <returns>The shard, or -1.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Get(ulong key)
    {
        var shards = _shards;
        return shards is not null && key < (ulong)shards.Length ? shards[(int)key] - 1 : -1;
    }

    /// <summary>Keeps a key's shard, when the key is in range, and returns the shard.</summary>
    /// <param name="key">The key, as an unsigned 64-bit value (see <see cref="Get"/>).</param>
    /// <param name="shard">Its shard, from 0 to <see cref="KeyGroups.UpperBound"/> - 1.</param>
    /// <returns><paramref name="shard"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shard"/> is out of range.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Set(ulong key, int shard)
    {
        if ((uint)shard >= KeyGroups.UpperBound)
        {
            throw new ArgumentOutOfRangeException(nameof(shard), shard, "A shard is from 0 to " + (KeyGroups.UpperBound - 1) + ".");
        }

        if (key >= MaxKeys)
        {
            return shard;
        }

        var shards = _shards;
        if (shards is null || key >= (ulong)shards.Length)
        {
            var size = Math.Max(MinSize, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)key + 1));
            var grown = new ushort[size];
            shards?.CopyTo(grown, 0);
            _shards = shards = grown;
        }

        shards[(int)key] = (ushort)(shard + 1);
        return shard;
    }

    /// <summary>Forgets every key's shard (the runner's shards changed).</summary>
    public void Clear() => _shards = null;
}
