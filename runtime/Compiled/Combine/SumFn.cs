using System;
using System.Numerics;

namespace Compiled;

/// <summary>
/// Sums numeric inputs (Beam's <c>Sum</c>). The accumulator is the running sum; an empty input sums
/// to zero.
/// </summary>
/// <typeparam name="T">The numeric type.</typeparam>
/// <remarks>
/// <para>Create it with <see cref="Combiners.Sum{T}"/>.</para>
/// <para>
/// Overflow: integer sums <b>wrap around</b> silently (two's complement: <c>int.MaxValue + 1</c> is
/// <c>int.MinValue</c>), as Beam's <c>Sum.ofIntegers()</c> and <c>Sum.ofLongs()</c> do in Java. Wrapping
/// addition is associative and commutative, so the (wrapped) result does not depend on the order of
/// inputs or merges. Floating-point sums overflow to infinity, and any NaN input makes the sum NaN (as
/// in Beam's <c>SumTest</c>). <see cref="decimal"/> addition is always checked in .NET: a decimal sum out
/// of range throws <see cref="OverflowException"/>.
/// </para>
/// <para>
/// When wrapping would be a silent error, use <see cref="Combiners.SumChecked{T}"/> (throws on
/// overflow) or <see cref="Combiners.SumAsLong{T}"/> (sums smaller integers into a <see cref="long"/>).
/// </para>
/// </remarks>
public readonly struct SumFn<T> : ICombineFn<T, T, T>
    where T : INumber<T>
{
    /// <summary>Zero.</summary>
    public T CreateAccumulator() => T.Zero;

    /// <summary>Adds <paramref name="input"/> to the running sum (integers wrap around on overflow).</summary>
    public void AddInput(ref T accumulator, T input) => accumulator += input;

    /// <summary>Adds <paramref name="other"/> to the running sum (integers wrap around on overflow).</summary>
    public void MergeAccumulators(ref T accumulator, T other) => accumulator += other;

    /// <summary>The sum.</summary>
    public T ExtractOutput(T accumulator) => accumulator;
}
