using System.Collections.Generic;

namespace Compiled;

/// <summary>A set per key and window (Beam's <c>SetState</c>).</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// The elements live in a hash set owned by the cell; <see cref="Clear"/> keeps its capacity for reuse. Mergeable: in
/// merging windows the sets of the merged windows are united.
/// </remarks>
public partial struct SetState<T>
{
    private HashSet<T>? _set;

    /// <summary>The number of elements.</summary>
    public readonly int Count => _set?.Count ?? 0;

    /// <summary>Whether the set is empty.</summary>
    public readonly bool IsEmpty => Count == 0;

    /// <summary>Adds an element; false when it was there already.</summary>
    public bool Add(T value) => (_set ??= new HashSet<T>()).Add(value);

    /// <summary>Whether the set contains <paramref name="value"/>.</summary>
    public readonly bool Contains(T value) => _set is not null && _set.Contains(value);

    /// <summary>Removes an element.</summary>
    public void Remove(T value) => _set?.Remove(value);

    /// <summary>The elements: a view of the live set (enumerated without allocation), valid until it changes.</summary>
    public readonly SetStateView<T> Read() => new(_set ?? Empty);

    /// <summary>Empties the set (its storage is kept for reuse).</summary>
    public void Clear() => _set?.Clear();

    private static readonly HashSet<T> Empty = new();
}

/// <summary>The elements of a <see cref="SetState{T}"/>: a view of the live set, enumerated without allocation.</summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct SetStateView<T>
{
    private readonly HashSet<T> _set;

    internal SetStateView(HashSet<T> set) => _set = set;

    /// <summary>The number of elements.</summary>
    public int Count => _set.Count;

    /// <summary>Whether the set contains <paramref name="value"/>.</summary>
    public bool Contains(T value) => _set.Contains(value);

    /// <summary>A struct enumerator over the elements.</summary>
    public HashSet<T>.Enumerator GetEnumerator() => _set.GetEnumerator();
}
