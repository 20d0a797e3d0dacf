using System;
using System.Collections.Generic;

namespace Compiled;

/// <summary>
/// The largest input, by <see cref="Comparer{T}.Default"/> (Beam's <c>Max</c>). Without an identity, the
/// output of an empty input is an error (<see cref="InvalidOperationException"/>), as Beam's
/// <c>Max.globally</c> has no value to give; with an identity (see <see cref="Combiners.Max{T}(T)"/>),
/// an empty input gives the identity.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
/// <remarks>Create it with <see cref="Combiners.Max{T}()"/> or <see cref="Combiners.Max{T}(T)"/>.</remarks>
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
        if (!accumulator.HasValue || Comparer<T>.Default.Compare(input, accumulator.Value) > 0)
        {
            accumulator = new MinMaxAccumulator<T>(input);
        }
    }

    /// <summary>Keeps the value of <paramref name="other"/> if it is larger.</summary>
    public void MergeAccumulators(ref MinMaxAccumulator<T> accumulator, MinMaxAccumulator<T> other)
    {
        if (other.HasValue && (!accumulator.HasValue || Comparer<T>.Default.Compare(other.Value, accumulator.Value) > 0))
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
}
