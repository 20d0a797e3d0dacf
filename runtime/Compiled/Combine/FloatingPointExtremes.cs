using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// The order <see cref="MaxFn{T}"/> and <see cref="MinFn{T}"/> use for <see cref="double"/>,
/// <see cref="float"/> and <see cref="Half"/>: that of Java's <c>Math.max</c>/<c>Math.min</c>, which Beam's
/// <c>Max.ofDoubles()</c>/<c>Min.ofDoubles()</c> apply, and of .NET's <see cref="Math.Max(double, double)"/>/
/// <see cref="Math.Min(double, double)"/> (IEEE 754-2019 <c>maximum</c>/<c>minimum</c>): a NaN operand makes the
/// result NaN, and +0 is larger than -0. Both rules make the result independent of the order of the operands.
/// </summary>
/// <remarks>
/// <see cref="System.Collections.Generic.Comparer{T}.Default"/> would order NaN below every number (so Max would
/// skip NaN and Min would return it) and treat -0 and +0 as equal (so the first seen would win).
/// </remarks>
internal static class FloatingPointExtremes
{
    /// <summary>True when <c>max(current, candidate)</c> is <paramref name="candidate"/> and not <paramref name="current"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ReplacesMax<TFloat>(TFloat candidate, TFloat current)
        where TFloat : IFloatingPointIeee754<TFloat> =>
        !TFloat.IsNaN(current) &&
        (TFloat.IsNaN(candidate) || candidate > current || (candidate == current && TFloat.IsNegative(current) && !TFloat.IsNegative(candidate)));

    /// <summary>True when <c>min(current, candidate)</c> is <paramref name="candidate"/> and not <paramref name="current"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ReplacesMin<TFloat>(TFloat candidate, TFloat current)
        where TFloat : IFloatingPointIeee754<TFloat> =>
        !TFloat.IsNaN(current) &&
        (TFloat.IsNaN(candidate) || candidate < current || (candidate == current && TFloat.IsNegative(candidate) && !TFloat.IsNegative(current)));
}
