using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Compiled;

/// <summary>
/// Values ordered by timestamp per key and window, with range reads and range deletes (Beam's
/// <c>OrderedListState</c>). Values with equal timestamps keep the order they were added in.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
/// <remarks>
/// Kept sorted on insertion in a list owned by the cell (reads are slices of it, no allocation); <see cref="Clear"/>
/// keeps its capacity for reuse. Mergeable: in merging windows the lists are merged by timestamp.
/// </remarks>
public partial struct OrderedListState<T>
{
    private List<TimestampedValue<T>>? _items;

    /// <summary>The number of values.</summary>
    public readonly int Count => _items?.Count ?? 0;

    /// <summary>Whether the list is empty.</summary>
    public readonly bool IsEmpty => Count == 0;

    /// <summary>Adds a value at its timestamp.</summary>
    /// <param name="value">The value and its timestamp.</param>
    public void Add(TimestampedValue<T> value)
    {
        var items = _items ??= new List<TimestampedValue<T>>();
        items.Insert(UpperBound(items, value.Timestamp.Millis), value);
    }

    /// <summary>Adds <paramref name="value"/> at <paramref name="timestamp"/>.</summary>
    public void Add(T value, Instant timestamp) => Add(new TimestampedValue<T>(value, timestamp));

    /// <summary>Every value, in timestamp order: a view valid until the list changes.</summary>
    public readonly ReadOnlySpan<TimestampedValue<T>> Read() => _items is null ? default : CollectionsMarshal.AsSpan(_items);

    /// <summary>The values with timestamps in [<paramref name="from"/>, <paramref name="to"/>), in timestamp order (Beam's <c>readRange</c>).</summary>
    public readonly ReadOnlySpan<TimestampedValue<T>> ReadRange(Instant from, Instant to)
    {
        if (_items is null || to.Millis <= from.Millis)
        {
            return default;
        }

        var start = LowerBound(_items, from.Millis);
        var end = LowerBound(_items, to.Millis);
        return CollectionsMarshal.AsSpan(_items).Slice(start, end - start);
    }

    /// <summary>Removes the values with timestamps in [<paramref name="from"/>, <paramref name="to"/>) (Beam's <c>clearRange</c>).</summary>
    public void ClearRange(Instant from, Instant to)
    {
        if (_items is null || to.Millis <= from.Millis)
        {
            return;
        }

        var start = LowerBound(_items, from.Millis);
        var end = LowerBound(_items, to.Millis);
        _items.RemoveRange(start, end - start);
    }

    /// <summary>Empties the list (its storage is kept for reuse).</summary>
    public void Clear() => _items?.Clear();

    /// <summary>The first index whose timestamp is at or after <paramref name="millis"/>.</summary>
    private static int LowerBound(List<TimestampedValue<T>> items, long millis)
    {
        int lo = 0, hi = items.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (items[mid].Timestamp.Millis < millis)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The first index whose timestamp is after <paramref name="millis"/>.</summary>
    private static int UpperBound(List<TimestampedValue<T>> items, long millis)
    {
        int lo = 0, hi = items.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (items[mid].Timestamp.Millis <= millis)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
