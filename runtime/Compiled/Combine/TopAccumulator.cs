using System;
using System.Collections.Generic;

namespace Compiled;

/// <summary>
/// The accumulator of <see cref="TopFn{T}"/>: the best <see cref="MaxCount"/> elements seen so far,
/// kept in a bounded binary heap whose root is the worst kept element. Adding is O(log n) and
/// allocates nothing once the heap has reached its final size (its storage grows by doubling up to
/// <see cref="MaxCount"/>, so a large bound costs nothing until elements arrive).
/// </summary>
/// <typeparam name="T">The element type, ordered by <see cref="Comparer{T}.Default"/> or the comparer given.</typeparam>
/// <remarks>
/// An element replaces the worst kept one only when it ranks strictly better. Which of several elements that compare
/// equal at the cut stay kept, and the order of equal elements in <see cref="ToSortedArray"/>, are unspecified (they
/// depend on the heap's layout).
/// </remarks>
public sealed class TopAccumulator<T>
{
    private const int InitialCapacity = 16;

    private IComparer<T>? _comparer;
    private T[] _heap;
    private int _count;

    // Read from a checkpoint: the heap is as it was written, and the order it was built with is not known yet (a
    // comparer is not encoded); the combine function that owns it hands it over (Adopt) before it is used.
    private bool _restored;

    /// <summary>Creates an empty accumulator.</summary>
    /// <param name="maxCount">How many elements to keep; greater than zero.</param>
    /// <param name="smallest">True to keep the smallest elements, false to keep the largest.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is not positive.</exception>
    public TopAccumulator(int maxCount, bool smallest)
        : this(maxCount, smallest, null)
    {
    }

    /// <summary>Creates an empty accumulator ordered by <paramref name="comparer"/>.</summary>
    /// <param name="maxCount">How many elements to keep; greater than zero.</param>
    /// <param name="smallest">True to keep the smallest elements, false to keep the largest.</param>
    /// <param name="comparer">The order; null for <see cref="Comparer{T}.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is not positive.</exception>
    public TopAccumulator(int maxCount, bool smallest, IComparer<T>? comparer)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        MaxCount = maxCount;
        KeepsSmallest = smallest;
        _comparer = comparer;
        _heap = Array.Empty<T>();
    }

    /// <summary>The most elements kept.</summary>
    public int MaxCount { get; }

    /// <summary>True when the smallest elements are kept, false when the largest are.</summary>
    public bool KeepsSmallest { get; }

    /// <summary>How many elements are kept now (at most <see cref="MaxCount"/>).</summary>
    public int Count => _count;

    /// <summary>Offers one element: kept if fewer than <see cref="MaxCount"/> are kept or it beats the worst kept one.</summary>
    public void Add(T value)
    {
        if (_count < MaxCount)
        {
            if (_count == _heap.Length)
            {
                Grow();
            }

            _heap[_count] = value;
            SiftUp(_count);
            _count++;
        }
        else if (Better(value, _heap[0]))
        {
            _heap[0] = value;
            SiftDown(0, _count);
        }
    }

    /// <summary>The kept elements in heap order (the worst first), for <see cref="Coders.TopAccumulatorCoder{T, TCoder}"/>, which restores them as they are (<see cref="Restore"/>).</summary>
    internal ReadOnlySpan<T> KeptInHeapOrder => _heap.AsSpan(0, _count);

    /// <summary>
    /// An accumulator read from a checkpoint: <paramref name="heapOrder"/> as <see cref="KeptInHeapOrder"/> wrote it (a heap
    /// under the order it was built with, which is not encoded), to be ordered again by <see cref="Adopt"/>.
    /// </summary>
    internal static TopAccumulator<T> Restore(int maxCount, bool smallest, T[] heapOrder) =>
        new(maxCount, smallest, null) { _heap = heapOrder, _count = heapOrder.Length, _restored = true };

    /// <summary>
    /// Gives a restored accumulator its order, <paramref name="comparer"/> (the combine function's): a checkpoint does not
    /// encode comparers. No effect on an accumulator that has its order.
    /// </summary>
    internal void Adopt(IComparer<T>? comparer)
    {
        if (_restored)
        {
            _comparer = comparer;
            _restored = false;
        }
    }

    /// <summary>Offers every element kept by <paramref name="other"/> (which is left unchanged).</summary>
    /// <exception cref="ArgumentException">The accumulators keep opposite ends of the order.</exception>
    public void Merge(TopAccumulator<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.KeepsSmallest != KeepsSmallest)
        {
            throw new ArgumentException("Cannot merge an accumulator of the smallest elements with one of the largest.", nameof(other));
        }

        if (ReferenceEquals(other, this))
        {
            // Merging with itself adds duplicates of the kept elements; iterate over a snapshot.
            foreach (T value in _heap.AsSpan(0, _count).ToArray())
            {
                Add(value);
            }

            return;
        }

        for (int i = 0; i < other._count; i++)
        {
            Add(other._heap[i]);
        }
    }

    /// <summary>
    /// A new array of the kept elements, best first: descending for the largest, ascending for the
    /// smallest. The accumulator is unchanged.
    /// </summary>
    public T[] ToSortedArray()
    {
        var result = new T[_count];
        Array.Copy(_heap, result, _count);

        // Heap sort: the heap's root is the worst element; moving it to the end each time leaves the
        // array ordered best first.
        for (int end = _count - 1; end > 0; end--)
        {
            (result[0], result[end]) = (result[end], result[0]);
            SiftDown(result, 0, end);
        }

        return result;
    }

    private void Grow()
    {
        int newSize = _heap.Length == 0 ? InitialCapacity : _heap.Length * 2;
        if ((uint)newSize > (uint)MaxCount)
        {
            newSize = MaxCount;
        }

        Array.Resize(ref _heap, newSize);
    }

    // True when a ranks strictly ahead of b (larger for a top, smaller for a bottom).
    private bool Better(T a, T b)
    {
        // The default comparer is called directly (devirtualized for value types); a given one through its interface.
        int c = _comparer is null ? Comparer<T>.Default.Compare(a, b) : _comparer.Compare(a, b);
        return KeepsSmallest ? c < 0 : c > 0;
    }

    private void SiftUp(int index)
    {
        T[] heap = _heap;
        T value = heap[index];
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            if (!Better(heap[parent], value))
            {
                break;
            }

            heap[index] = heap[parent];
            index = parent;
        }

        heap[index] = value;
    }

    private void SiftDown(int index, int count) => SiftDown(_heap, index, count);

    // Restores the heap property (every parent ranks no better than its children) below index.
    private void SiftDown(T[] heap, int index, int count)
    {
        T value = heap[index];
        while (true)
        {
            int child = (index << 1) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && Better(heap[child], heap[child + 1]))
            {
                child++;
            }

            if (!Better(value, heap[child]))
            {
                break;
            }

            heap[index] = heap[child];
            index = child;
        }

        heap[index] = value;
    }
}
