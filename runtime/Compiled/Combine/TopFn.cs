using System;
using System.Collections.Generic;

namespace Compiled;

/// <summary>
/// The <c>n</c> largest (Beam's <c>Top.largest</c>) or smallest (<c>Top.smallest</c>) inputs, by
/// <see cref="Comparer{T}.Default"/>. The output is best first: descending for the largest, ascending
/// for the smallest; an empty input gives an empty list.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>Create it with <see cref="Combiners.Top{T}(int)"/> or <see cref="Combiners.Smallest{T}(int)"/>.</remarks>
public readonly struct TopFn<T> : ICombineFn<T, TopAccumulator<T>, IReadOnlyList<T>>
{
    /// <summary>A combine function keeping the <paramref name="count"/> largest or smallest inputs.</summary>
    /// <param name="count">How many elements to output at most; greater than zero.</param>
    /// <param name="smallest">True for the smallest elements, false for the largest.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public TopFn(int count, bool smallest)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        Smallest = smallest;
    }

    /// <summary>How many elements are output at most.</summary>
    public int Count { get; }

    /// <summary>True when the smallest elements are kept, false for the largest.</summary>
    public bool Smallest { get; }

    /// <summary>An empty bounded heap.</summary>
    /// <exception cref="InvalidOperationException">This is a default-initialized <see cref="TopFn{T}"/>.</exception>
    public TopAccumulator<T> CreateAccumulator()
    {
        if (Count <= 0)
        {
            throw new InvalidOperationException("This TopFn was default-initialized; create it with Combiners.Top<T>(count) or Combiners.Smallest<T>(count).");
        }

        return new TopAccumulator<T>(Count, Smallest);
    }

    /// <summary>Offers <paramref name="input"/> to the heap.</summary>
    public void AddInput(ref TopAccumulator<T> accumulator, T input) => accumulator.Add(input);

    /// <summary>Offers the elements kept by <paramref name="other"/>.</summary>
    public void MergeAccumulators(ref TopAccumulator<T> accumulator, TopAccumulator<T> other) => accumulator.Merge(other);

    /// <summary>The kept elements, best first.</summary>
    public IReadOnlyList<T> ExtractOutput(TopAccumulator<T> accumulator) => accumulator.ToSortedArray();
}
