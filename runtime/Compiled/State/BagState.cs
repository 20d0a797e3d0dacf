using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Compiled;

/// <summary>
/// The values added per key and window, in the order added (Beam's <c>BagState</c>).
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
/// <remarks>
/// The values live in a list owned by the cell. <see cref="Clear"/> empties it but keeps its capacity, and the runner
/// clears a key's cells when its window is garbage-collected, so the list is reused by the next key that gets the
/// same slot: a warmed-up pipeline allocates nothing per element. <see cref="Read"/> is a view of the live values,
/// valid until the bag changes (Beam's <c>read()</c> is a snapshot; copy it when a snapshot is needed). Mergeable: in
/// merging windows Beam concatenates the bags of the merged windows.
/// </remarks>
public partial struct BagState<T>
{
    private List<T>? _items;

    /// <summary>The number of values.</summary>
    public readonly int Count => _items?.Count ?? 0;

    /// <summary>Whether the bag holds no value.</summary>
    public readonly bool IsEmpty => Count == 0;

    /// <summary>Adds a value.</summary>
    /// <param name="value">The value.</param>
    public void Add(T value) => (_items ??= new List<T>()).Add(value);

    /// <summary>The values, in the order added: a view valid until the bag changes.</summary>
    public readonly ReadOnlySpan<T> Read() => _items is null ? default : CollectionsMarshal.AsSpan(_items);

    /// <summary>Empties the bag (its storage is kept for reuse).</summary>
    public void Clear() => _items?.Clear();
}
