using System;
using Compiled;

namespace Compiled.Benchmarks.EventTime;

/// <summary>
/// An order-independent digest of windowed results: how many (key, window, value) rows, and the sum of a strong
/// hash of each row. Variants emit windows in different orders; equal digests mean equal sets of final panes.
/// </summary>
public struct WindowDigest : IEquatable<WindowDigest>
{
    public long Count;
    public ulong Hash;

    public void Add(int key, long windowStart, long windowEnd, long value)
    {
        Count++;
        var h = Mix((ulong)(uint)key ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)windowStart);
        h = Mix(h ^ (ulong)windowEnd);
        Hash += Mix(h ^ (ulong)value);
    }

    /// <summary>The 64-bit finalizer of SplitMix64.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public readonly bool Equals(WindowDigest other) => Count == other.Count && Hash == other.Hash;

    public override readonly bool Equals(object? obj) => obj is WindowDigest other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(Count, Hash);

    public override readonly string ToString() => $"{Count} rows, hash {Hash:x16}";

    public static bool operator ==(WindowDigest left, WindowDigest right) => left.Equals(right);

    public static bool operator !=(WindowDigest left, WindowDigest right) => !left.Equals(right);
}

/// <summary>A struct sink that digests keyed windowed results (key, window, value) as they are emitted.</summary>
public struct WindowDigestSink : ISink<KV<int, long>>
{
    public WindowDigest Digest;

    public void Receive(in WindowedValue<KV<int, long>> element) =>
        Digest.Add(element.Value.Key, element.Window.Start.Millis, element.Window.End.Millis, element.Value.Value);
}

/// <summary>Window arithmetic shared by the hand-written, LINQ and Rx variants (Beam's formulas).</summary>
public static class EventWindows
{
    /// <summary>The start of the window of <paramref name="size"/> ms containing <paramref name="t"/> (mod taken positive).</summary>
    public static long FloorStart(long t, long size) => t - (((t % size) + size) % size);

    /// <summary>The epoch-millisecond instant as the <see cref="DateTimeOffset"/> that Rx schedulers use.</summary>
    public static DateTimeOffset ToDateTime(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);
}
