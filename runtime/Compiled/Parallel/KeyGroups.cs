using System;
using System.Runtime.CompilerServices;

namespace Compiled.Parallel;

/// <summary>
/// Key groups, as in Flink: a key's stable hash (<see cref="KeyHasher"/>) picks one of a fixed number of key groups (the
/// maximum parallelism), and each shard owns a contiguous range of key groups. State is kept, snapshotted and restored
/// per key group, so a job can change its parallelism between runs (up to the maximum) without rehashing keys.
/// </summary>
public static class KeyGroups
{
    /// <summary>The default number of key groups, which is also the largest parallelism a job can scale to: 128.</summary>
    public const int DefaultMaxParallelism = 128;

    /// <summary>The largest supported number of key groups: 32768 (Flink's bound).</summary>
    public const int UpperBound = 32768;

    /// <summary>
    /// The key group of a key hash: <c>floor(fmix64(hash) * maxParallelism / 2^64)</c>, where <c>fmix64</c> is MurmurHash3's
    /// 64-bit finalizer (so that hashes whose low or high bits vary little still spread over all groups).
    /// </summary>
    /// <param name="hash">The key's hash, from <see cref="KeyHasher.Finish"/>.</param>
    /// <param name="maxParallelism">The number of key groups, 1 to <see cref="UpperBound"/>.</param>
    /// <returns>The key group, from 0 to <paramref name="maxParallelism"/> - 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxParallelism"/> is out of range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(ulong hash, int maxParallelism)
    {
        if ((uint)(maxParallelism - 1) >= UpperBound)
        {
            ThrowMaxParallelism(maxParallelism);
        }

        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDul;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53ul;
        hash ^= hash >> 33;
        return (int)Math.BigMul(hash, (ulong)maxParallelism, out _);
    }

    /// <summary>The shard that owns a key group: <c>keyGroup * parallelism / maxParallelism</c> (Flink's assignment), so each shard owns a contiguous range.</summary>
    /// <param name="keyGroup">The key group, 0 to <paramref name="maxParallelism"/> - 1.</param>
    /// <param name="maxParallelism">The number of key groups, 1 to <see cref="UpperBound"/>.</param>
    /// <param name="parallelism">The number of shards, 1 to <paramref name="maxParallelism"/>.</param>
    /// <returns>The shard, from 0 to <paramref name="parallelism"/> - 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ShardOf(int keyGroup, int maxParallelism, int parallelism)
    {
        Validate(maxParallelism, parallelism);
        if ((uint)keyGroup >= (uint)maxParallelism)
        {
            ThrowIndex(nameof(keyGroup), keyGroup, maxParallelism, "key group");
        }

        return keyGroup * parallelism / maxParallelism;
    }

    /// <summary>
    /// Every key group's shard, by key group: <c>table[g] == ShardOf(g, maxParallelism, parallelism)</c>. A sender that
    /// routes every element looks its shard up here rather than dividing.
    /// </summary>
    /// <param name="maxParallelism">The number of key groups, 1 to <see cref="UpperBound"/>.</param>
    /// <param name="parallelism">The number of shards, 1 to <paramref name="maxParallelism"/>.</param>
    /// <returns>An array of <paramref name="maxParallelism"/> shards.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static int[] ShardTable(int maxParallelism, int parallelism)
    {
        Validate(maxParallelism, parallelism);
        var table = new int[maxParallelism];
        for (int group = 0; group < table.Length; group++)
        {
            table[group] = group * parallelism / maxParallelism;
        }

        return table;
    }

    /// <summary>
    /// The key groups a shard owns, the inverse of <see cref="ShardOf"/>: every key group <c>g</c> with
    /// <c>Start &lt;= g &lt; End</c> has <c>ShardOf(g, maxParallelism, parallelism) == shard</c>, and no other. The ranges of
    /// shards 0, 1, ... follow each other without gaps, each holding at least one key group.
    /// </summary>
    /// <param name="shard">The shard, 0 to <paramref name="parallelism"/> - 1.</param>
    /// <param name="maxParallelism">The number of key groups, 1 to <see cref="UpperBound"/>.</param>
    /// <param name="parallelism">The number of shards, 1 to <paramref name="maxParallelism"/>.</param>
    /// <returns>The first key group of the shard (inclusive) and the end of its range (exclusive).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static (int Start, int End) RangeOf(int shard, int maxParallelism, int parallelism)
    {
        Validate(maxParallelism, parallelism);
        if ((uint)shard >= (uint)parallelism)
        {
            ThrowIndex(nameof(shard), shard, parallelism, "shard");
        }

        // g belongs to the shard when shard * max <= g * parallelism < (shard + 1) * max: g from ceil(shard * max / p).
        int start = ((shard * maxParallelism) + parallelism - 1) / parallelism;
        int end = (((shard + 1) * maxParallelism) + parallelism - 1) / parallelism;
        return (start, end);
    }

    /// <summary>Checks a job's parallelism against its number of key groups.</summary>
    /// <param name="parallelism">The number of shards, 1 to <paramref name="maxParallelism"/>.</param>
    /// <param name="maxParallelism">The number of key groups, 1 to <see cref="UpperBound"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static void ValidateParallelism(int parallelism, int maxParallelism) => Validate(maxParallelism, parallelism);

    /// <summary>
    /// Part <paramref name="index"/> of <paramref name="length"/> elements cut into <paramref name="parts"/> contiguous
    /// chunks of sizes differing by at most one, in order: how a parallel run splits an in-memory input.
    /// </summary>
    /// <param name="length">The number of elements.</param>
    /// <param name="parts">The number of chunks, at least 1.</param>
    /// <param name="index">The chunk, 0 to <paramref name="parts"/> - 1.</param>
    /// <returns>Where the chunk starts and how many elements it has (0 when there are fewer elements than chunks).</returns>
    public static (int Start, int Length) Chunk(int length, int parts, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        if ((uint)index >= (uint)parts)
        {
            ThrowIndex(nameof(index), index, parts, "chunk");
        }

        var start = (int)((long)length * index / parts);
        var end = (int)((long)length * (index + 1) / parts);
        return (start, end - start);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Validate(int maxParallelism, int parallelism)
    {
        if ((uint)(maxParallelism - 1) >= UpperBound)
        {
            ThrowMaxParallelism(maxParallelism);
        }

        if ((uint)(parallelism - 1) >= (uint)maxParallelism)
        {
            ThrowParallelism(parallelism, maxParallelism);
        }
    }

    private static void ThrowMaxParallelism(int maxParallelism) =>
        throw new ArgumentOutOfRangeException(
            nameof(maxParallelism),
            maxParallelism,
            $"The maximum parallelism (the number of key groups) must be from 1 to {UpperBound}; it was {maxParallelism}.");

    private static void ThrowParallelism(int parallelism, int maxParallelism) =>
        throw new ArgumentOutOfRangeException(
            nameof(parallelism),
            parallelism,
            $"The parallelism must be from 1 to the maximum parallelism ({maxParallelism}); it was {parallelism}.");

    private static void ThrowIndex(string name, int value, int count, string what) =>
        throw new ArgumentOutOfRangeException(name, value, $"The {what} must be from 0 to {count - 1}; it was {value}.");
}
