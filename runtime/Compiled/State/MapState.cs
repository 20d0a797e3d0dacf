using System.Collections.Generic;

namespace Compiled;

/// <summary>A map per key and window (Beam's <c>MapState</c>).</summary>
/// <typeparam name="TMapKey">The map's key type.</typeparam>
/// <typeparam name="TMapValue">The map's value type.</typeparam>
/// <remarks>
/// The entries live in a dictionary owned by the cell; <see cref="Clear"/> keeps its capacity for the next key that
/// gets the slot. <see cref="Entries"/> enumerates the live map (a struct enumerator, no allocation), valid until it
/// changes. Not mergeable: two windows' maps may map a key to different values.
/// </remarks>
public partial struct MapState<TMapKey, TMapValue>
    where TMapKey : notnull
{
    private Dictionary<TMapKey, TMapValue>? _map;

    /// <summary>The number of entries.</summary>
    public readonly int Count => _map?.Count ?? 0;

    /// <summary>Whether the map is empty.</summary>
    public readonly bool IsEmpty => Count == 0;

    /// <summary>Maps <paramref name="key"/> to <paramref name="value"/>, replacing any value it had.</summary>
    public void Put(TMapKey key, TMapValue value) => (_map ??= new Dictionary<TMapKey, TMapValue>())[key] = value;

    /// <summary>Maps <paramref name="key"/> to <paramref name="value"/> unless it has a value; returns the value it has after.</summary>
    public TMapValue PutIfAbsent(TMapKey key, TMapValue value)
    {
        var map = _map ??= new Dictionary<TMapKey, TMapValue>();
        if (map.TryGetValue(key, out var existing))
        {
            return existing;
        }

        map[key] = value;
        return value;
    }

    /// <summary>Reads the value of <paramref name="key"/>.</summary>
    public readonly bool TryGet(TMapKey key, out TMapValue value)
    {
        if (_map is not null && _map.TryGetValue(key, out value!))
        {
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Whether <paramref name="key"/> has a value.</summary>
    public readonly bool ContainsKey(TMapKey key) => _map is not null && _map.ContainsKey(key);

    /// <summary>Removes <paramref name="key"/>.</summary>
    public void Remove(TMapKey key) => _map?.Remove(key);

    /// <summary>The entries (Beam's <c>entries()</c>): a view of the live map, enumerated without allocation.</summary>
    public readonly MapStateView<TMapKey, TMapValue> Entries() => new(_map ?? Empty);

    /// <summary>Empties the map (its storage is kept for reuse).</summary>
    public void Clear() => _map?.Clear();

    private static readonly Dictionary<TMapKey, TMapValue> Empty = new();
}

/// <summary>The entries of a <see cref="MapState{TMapKey, TMapValue}"/>: a view of the live map, enumerated without allocation.</summary>
/// <typeparam name="TMapKey">The map's key type.</typeparam>
/// <typeparam name="TMapValue">The map's value type.</typeparam>
public readonly struct MapStateView<TMapKey, TMapValue>
    where TMapKey : notnull
{
    private readonly Dictionary<TMapKey, TMapValue> _map;

    internal MapStateView(Dictionary<TMapKey, TMapValue> map) => _map = map;

    /// <summary>The number of entries.</summary>
    public int Count => _map.Count;

    /// <summary>A struct enumerator over the entries.</summary>
    public Dictionary<TMapKey, TMapValue>.Enumerator GetEnumerator() => _map.GetEnumerator();
}
