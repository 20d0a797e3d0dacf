using System.Numerics;

namespace Compiled;

/// <summary>
/// Sums numeric inputs (Beam's <c>Sum</c>). The accumulator is the running sum; an empty input sums
/// to zero. Addition is unchecked for integer types, as in Beam.
/// </summary>
/// <typeparam name="T">The numeric type.</typeparam>
/// <remarks>Create it with <see cref="Combiners.Sum{T}"/>.</remarks>
public readonly struct SumFn<T> : ICombineFn<T, T, T>
    where T : INumber<T>
{
    /// <summary>Zero.</summary>
    public T CreateAccumulator() => T.Zero;

    /// <summary>Adds <paramref name="input"/> to the running sum.</summary>
    public void AddInput(ref T accumulator, T input) => accumulator += input;

    /// <summary>Adds <paramref name="other"/> to the running sum.</summary>
    public void MergeAccumulators(ref T accumulator, T other) => accumulator += other;

    /// <summary>The sum.</summary>
    public T ExtractOutput(T accumulator) => accumulator;
}
