using System.Numerics;

namespace Compiled;

/// <summary>
/// The arithmetic mean of numeric inputs, as a <see cref="double"/> (Beam's <c>Mean</c>). Inputs are
/// summed as doubles, as Beam does; the mean of an empty input is <see cref="double.NaN"/>.
/// </summary>
/// <typeparam name="T">The numeric input type.</typeparam>
/// <remarks>Create it with <see cref="Combiners.Mean{T}"/>.</remarks>
public readonly struct MeanFn<T> : ICombineFn<T, MeanAccumulator, double>
    where T : INumber<T>
{
    /// <summary>Sum 0, count 0.</summary>
    public MeanAccumulator CreateAccumulator() => default;

    /// <summary>Adds <paramref name="input"/> to the sum and counts it.</summary>
    public void AddInput(ref MeanAccumulator accumulator, T input)
    {
        accumulator.Sum += double.CreateTruncating(input);
        accumulator.Count++;
    }

    /// <summary>Adds the sum and count of <paramref name="other"/>.</summary>
    public void MergeAccumulators(ref MeanAccumulator accumulator, MeanAccumulator other)
    {
        accumulator.Sum += other.Sum;
        accumulator.Count += other.Count;
    }

    /// <summary>Sum divided by count; <see cref="double.NaN"/> when no input was seen.</summary>
    public double ExtractOutput(MeanAccumulator accumulator) =>
        accumulator.Count == 0 ? double.NaN : accumulator.Sum / accumulator.Count;
}
