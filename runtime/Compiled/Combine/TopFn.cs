using System;
using System.Collections.Generic;

namespace Compiled;

/// <summary>
/// The <c>n</c> largest (Beam's <c>Top.largest</c>, or <c>Top.of(n, comparator)</c> with a comparer) or smallest
/// (<c>Top.smallest</c>) inputs, by <see cref="Comparer{T}.Default"/>, a comparer or a key. The output is best first:
/// descending for the largest, ascending for the smallest; an empty input gives an empty list.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// <para>Create it with <see cref="Combiners.Top{T}(int)"/>, <see cref="Combiners.Smallest{T}(int)"/> or their
/// overloads taking an <see cref="IComparer{T}"/> or a key selector.</para>
/// <para>Elements that compare equal (equal keys) are interchangeable: which of them are kept when they straddle the
/// cut, and their order in the output, are unspecified, as in Beam (whose bounded heap and sort leave them so too); they
/// depend on the order elements arrive in and, in the parallel runners and with combiner lifting, on how accumulators
/// are merged. Order by a key that includes a tie-breaker when the choice matters.</para>
/// </remarks>
public readonly struct TopFn<T> : ICombineFn<T, TopAccumulator<T>, IReadOnlyList<T>>
{
    /// <summary>A combine function keeping the <paramref name="count"/> largest or smallest inputs.</summary>
    /// <param name="count">How many elements to output at most; greater than zero.</param>
    /// <param name="smallest">True for the smallest elements, false for the largest.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public TopFn(int count, bool smallest)
        : this(count, smallest, null)
    {
    }

    /// <summary>A combine function keeping the <paramref name="count"/> largest or smallest inputs by <paramref name="comparer"/>.</summary>
    /// <param name="count">How many elements to output at most; greater than zero.</param>
    /// <param name="smallest">True for the smallest elements, false for the largest.</param>
    /// <param name="comparer">The order; null for <see cref="Comparer{T}.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public TopFn(int count, bool smallest, IComparer<T>? comparer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        Smallest = smallest;
        Comparer = comparer;
    }

    /// <summary>The order, or null for <see cref="Comparer{T}.Default"/>.</summary>
    public IComparer<T>? Comparer { get; }

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

        return new TopAccumulator<T>(Count, Smallest, Comparer);
    }

    /// <summary>Offers <paramref name="input"/> to the heap.</summary>
    public void AddInput(ref TopAccumulator<T> accumulator, T input)
    {
        accumulator.Adopt(Comparer); // one read from a checkpoint gets its order back
        accumulator.Add(input);
    }

    /// <summary>Offers the elements kept by <paramref name="other"/>.</summary>
    public void MergeAccumulators(ref TopAccumulator<T> accumulator, TopAccumulator<T> other)
    {
        accumulator.Adopt(Comparer);
        other.Adopt(Comparer);
        accumulator.Merge(other);
    }

    /// <summary>The kept elements, best first.</summary>
    public IReadOnlyList<T> ExtractOutput(TopAccumulator<T> accumulator)
    {
        accumulator.Adopt(Comparer);
        return accumulator.ToSortedArray();
    }
}
