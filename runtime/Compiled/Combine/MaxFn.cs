using System;
using System.Collections.Generic;

namespace Compiled;

/// <summary>
/// The largest input (Beam's <c>Max</c>): by <see cref="Comparer{T}.Default"/>, or for floating point by
/// IEEE 754 <c>maximum</c>, where NaN wins (see the remarks). Without an identity, the output of an
/// empty input is an error (<see cref="InvalidOperationException"/>), as Beam's <c>Max.globally</c> has no
/// value to give; with an identity (see <see cref="Combiners.Max{T}(T)"/>), an empty input gives the identity.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
/// <remarks>
/// <para>Create it with <see cref="Combiners.Max{T}()"/> or <see cref="Combiners.Max{T}(T)"/>.</para>
/// <para>
/// Floating point (<see cref="double"/>, <see cref="float"/>, <see cref="Half"/>): the result is that of Java's
/// <c>Math.max</c>, which Beam's <c>Max.ofDoubles()</c> (<c>Max.doublesGlobally()</c>,
/// <c>Max.doublesPerKey()</c>) applies, and of .NET's <see cref="Math.Max(double, double)"/>: <b>NaN if any
/// input is NaN</b>, and +0 is larger than -0. Beam's natural-order <c>Max.globally()</c> on <c>Double</c>
/// agrees on NaN (<c>Double.compareTo</c> puts NaN above positive infinity). These rules do not depend on the
/// order in which inputs arrive or accumulators merge, so every runner (and every split of the input) gives the
/// same result; <see cref="Comparer{T}.Default"/>, which orders NaN below every number and -0 equal to +0,
/// would not.
/// </para>
/// <para>
/// Other types use <see cref="Comparer{T}.Default"/>; of inputs that compare equal, the first one seen is kept.
/// </para>
/// </remarks>
public readonly struct MaxFn<T> : ICombineFn<T, MinMaxAccumulator<T>, T>
    where T : IComparable<T>
{
    private readonly T _identity;
    private readonly bool _hasIdentity;

    /// <summary>A Max with an identity: the output for an empty input.</summary>
    /// <param name="identity">The output for an empty input.</param>
    public MaxFn(T identity)
    {
        _identity = identity;
        _hasIdentity = true;
    }

    /// <summary>True when an empty input gives <see cref="Identity"/> instead of an error.</summary>
    public bool HasIdentity => _hasIdentity;

    /// <summary>The output for an empty input, when <see cref="HasIdentity"/> is true.</summary>
    public T Identity => _identity;

    /// <summary>An empty accumulator.</summary>
    public MinMaxAccumulator<T> CreateAccumulator() => default;

    /// <summary>Keeps <paramref name="input"/> if it is larger than the value so far.</summary>
    public void AddInput(ref MinMaxAccumulator<T> accumulator, T input)
    {
        if (!accumulator.HasValue || Replaces(input, accumulator.Value))
        {
            accumulator = new MinMaxAccumulator<T>(input);
        }
    }

    /// <summary>Keeps the value of <paramref name="other"/> if it is larger.</summary>
    public void MergeAccumulators(ref MinMaxAccumulator<T> accumulator, MinMaxAccumulator<T> other)
    {
        if (other.HasValue && (!accumulator.HasValue || Replaces(other.Value, accumulator.Value)))
        {
            accumulator = other;
        }
    }

    /// <summary>The largest value seen; the identity if none was seen and one was given.</summary>
    /// <exception cref="InvalidOperationException">No input was seen and there is no identity.</exception>
    public T ExtractOutput(MinMaxAccumulator<T> accumulator)
    {
        if (accumulator.HasValue)
        {
            return accumulator.Value;
        }

        if (_hasIdentity)
        {
            return _identity;
        }

        throw new InvalidOperationException(
            "Max of an empty input has no value: the input had no elements. Use Combiners.Max<T>(identity) to give empty inputs a value.");
    }

    // True when candidate should replace the value kept so far. The type tests are constants for each T, so
    // the JIT keeps only one branch (and no boxing).
    private static bool Replaces(T candidate, T current)
    {
        if (typeof(T) == typeof(double))
        {
            return FloatingPointExtremes.ReplacesMax((double)(object)candidate!, (double)(object)current!);
        }

        if (typeof(T) == typeof(float))
        {
            return FloatingPointExtremes.ReplacesMax((float)(object)candidate!, (float)(object)current!);
        }

        if (typeof(T) == typeof(Half))
        {
            return FloatingPointExtremes.ReplacesMax((Half)(object)candidate!, (Half)(object)current!);
        }

        return Comparer<T>.Default.Compare(candidate, current) > 0;
    }
}
