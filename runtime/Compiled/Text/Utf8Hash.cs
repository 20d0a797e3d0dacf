using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled;

/// <summary>
/// The in-memory hash of UTF-8 text keys (<see cref="Utf8Key"/>, <see cref="Utf8KeyMap{TValue}"/>): a multiply-xorshift
/// over 8-byte words, seeded per process so that crafted keys cannot be made to collide. It is never written anywhere
/// and never decides a key group; the stable hash of a key is its coder's (<see cref="Parallel.KeyHasher"/>).
/// </summary>
internal static class Utf8Hash
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15UL;
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1UL;

    /// <summary>
    /// Up to the first 8 bytes of a key, packed into one word: keys of the same length of at most 8 bytes are equal
    /// exactly when their heads are, so such keys compare without reading their bytes again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Head(ReadOnlySpan<byte> key)
    {
        ref var p = ref MemoryMarshal.GetReference(key);
        var n = key.Length;
        if (n >= 8)
        {
            return Unsafe.ReadUnaligned<ulong>(ref p);
        }

        if (n >= 4)
        {
            // Two overlapping 4-byte reads cover 4 to 8 bytes.
            return Unsafe.ReadUnaligned<uint>(ref p) | ((ulong)Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, n - 4)) << 32);
        }

        // The first, middle and last bytes cover 1 to 3 bytes.
        return n == 0 ? 0UL : p | ((ulong)Unsafe.Add(ref p, n >> 1) << 8) | ((ulong)Unsafe.Add(ref p, n - 1) << 16);
    }

    /// <summary>The hash of a key whose <see cref="Head"/> is <paramref name="head"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ulong head, ReadOnlySpan<byte> key)
    {
        var h = (Seed ^ ((ulong)key.Length * Multiplier) ^ head) * Multiplier;
        if (key.Length > 8)
        {
            h = Rest(h, key);
        }

        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        return h ^ (h >> 32);
    }

    // The words after the head, the last one read overlapping the one before it.
    private static ulong Rest(ulong h, ReadOnlySpan<byte> key)
    {
        ref var p = ref MemoryMarshal.GetReference(key);
        var n = key.Length;
        for (var i = 8; i + 8 <= n; i += 8)
        {
            h = (h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i))) * Multiplier;
        }

        return (h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 8))) * Multiplier;
    }

    /// <summary>Whether a key with head <paramref name="head"/> and these bytes equals the stored one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal(ulong head, ReadOnlySpan<byte> key, ulong storedHead, byte[] stored, int offset, int length) =>
        head == storedHead && key.Length == length &&
        (length <= 8 || key.Slice(8).SequenceEqual(new ReadOnlySpan<byte>(stored, offset + 8, length - 8)));
}
