using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Compiled.Execution;

/// <summary>
/// The lanes of a filter's mask as bits, for a vectorized loop that hands each passing lane to a sink in order.
/// Generated code uses it; it is public for that reason only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LaneMasks
{
    /// <summary>Bit n set when lane n of <paramref name="mask"/> (all ones or all zeros per lane) passes.</summary>
    /// <typeparam name="T">The lanes' type (int or long).</typeparam>
    /// <param name="mask">The mask.</param>
    /// <returns>The bits, lane 0 lowest.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Bits<T>(Vector<T> mask) => Vector<byte>.Count switch
    {
        16 => Vector128.ExtractMostSignificantBits(mask.AsVector128()),
        32 => Vector256.ExtractMostSignificantBits(mask.AsVector256()),
        _ => (uint)Vector512.ExtractMostSignificantBits(mask.AsVector512()), // at most 16 lanes of int
    };
}
