using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Execution;

/// <summary>
/// A map from a key to an index into a state's slots, as <see cref="SessionPanes{TKey, TInput, TAccum, TOutput, TCombineFn}"/>
/// (a key's latest open session) and <see cref="WindowBucketPanes{TKey, TInput, TAccum, TOutput, TCombineFn}"/> (a key's
/// position in one window's state, <see cref="PositionOrAdd"/>) keep it: an <see cref="IntegerKeyMap{TKey, TValue}"/> for <see cref="int"/> and <see cref="long"/>
/// keys compared by value (dense small keys indexed directly), a dictionary otherwise. The choice is made per
/// instantiation: for an integer key, the JIT folds the type tests away and the lookup is the integer map's. The struct
/// holds readonly references: a copy is the same map. The default value is no map at all (<see cref="IsCreated"/>).
/// </summary>
internal struct KeyIndexMap<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int>? _map;
    private readonly IntegerKeyMap<int, int>? _ints;
    private readonly IntegerKeyMap<long, int>? _longs;

    /// <summary>Creates an empty map.</summary>
    /// <param name="comparer">The key comparer, or null for the default (then integer keys take the integer map).</param>
    public KeyIndexMap(IEqualityComparer<TKey>? comparer)
    {
        Comparer = comparer;
        if (comparer is null && typeof(TKey) == typeof(int))
        {
            _ints = new IntegerKeyMap<int, int>();
        }
        else if (comparer is null && typeof(TKey) == typeof(long))
        {
            _longs = new IntegerKeyMap<long, int>();
        }
        else
        {
            _map = new Dictionary<TKey, int>(comparer);
        }
    }

    /// <summary>The comparer given to the constructor.</summary>
    public IEqualityComparer<TKey>? Comparer { get; }

    /// <summary>Whether a map was created (false for the default value).</summary>
    public readonly bool IsCreated => _ints is not null || _longs is not null || _map is not null;

    /// <summary>The number of keys.</summary>
    public readonly int Count => _ints?.Count ?? _longs?.Count ?? _map!.Count;

    /// <summary>The index of a key, by reference, added as 0 when new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref int RefOrAdd(TKey key, out bool exists)
    {
        if (typeof(TKey) == typeof(int) && _ints is { } ints)
        {
            return ref ints.GetValueRefOrAddDefault(Unsafe.As<TKey, int>(ref key), out exists);
        }

        if (typeof(TKey) == typeof(long) && _longs is { } longs)
        {
            return ref longs.GetValueRefOrAddDefault(Unsafe.As<TKey, long>(ref key), out exists);
        }

        return ref CollectionsMarshal.GetValueRefOrAddDefault(_map!, key, out exists);
    }

    /// <summary>
    /// The position of a key among the keys in the order they came (0 for the first), or, for a key not present, added at
    /// the next position, the complement of that position (<c>~position</c>, negative). Positions are dense (0 to
    /// <see cref="Count"/> - 1) in a map that nothing was removed from since it was created or cleared, and only in such a
    /// map is this used (a window bucket's): the caller keeps each key's state in its own arrays, by position, and an
    /// integer key's lookup touches no entry of the map.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns>The key's position, complemented when it was added.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int PositionOrAdd(TKey key)
    {
        if (typeof(TKey) == typeof(int) && _ints is { } ints)
        {
            return ints.PositionOrAdd(Unsafe.As<TKey, int>(ref key));
        }

        if (typeof(TKey) == typeof(long) && _longs is { } longs)
        {
            return longs.PositionOrAdd(Unsafe.As<TKey, long>(ref key));
        }

        ref var position = ref CollectionsMarshal.GetValueRefOrAddDefault(_map!, key, out var exists);
        if (!exists)
        {
            position = _map!.Count - 1;
            return ~position;
        }

        return position;
    }

    /// <summary>The index of a key, by reference, or a null reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref int RefOrNullRef(TKey key)
    {
        if (typeof(TKey) == typeof(int) && _ints is { } ints)
        {
            return ref ints.GetValueRefOrNullRef(Unsafe.As<TKey, int>(ref key));
        }

        if (typeof(TKey) == typeof(long) && _longs is { } longs)
        {
            return ref longs.GetValueRefOrNullRef(Unsafe.As<TKey, long>(ref key));
        }

        return ref CollectionsMarshal.GetValueRefOrNullRef(_map!, key);
    }

    /// <summary>Adds a key that is not present; false when it is.</summary>
    public readonly bool TryAdd(TKey key, int index)
    {
        ref var slot = ref RefOrAdd(key, out var exists);
        if (exists)
        {
            return false;
        }

        slot = index;
        return true;
    }

    /// <summary>Removes every key, keeping the map's capacity for the next use.</summary>
    public readonly void Clear()
    {
        _ints?.Clear();
        _longs?.Clear();
        _map?.Clear();
    }

    /// <summary>Removes a key.</summary>
    public readonly void Remove(TKey key)
    {
        if (_ints is { } ints)
        {
            ints.Remove(Unsafe.As<TKey, int>(ref key));
        }
        else if (_longs is { } longs)
        {
            longs.Remove(Unsafe.As<TKey, long>(ref key));
        }
        else
        {
            _map!.Remove(key);
        }
    }

    /// <summary>Removes every key whose index is negative (a session map's key with no open session), without allocating.</summary>
    public readonly void RemoveEmpty()
    {
        // Each map allows removing the current key while it is enumerated.
        foreach (var (key, head) in this)
        {
            if (head < 0)
            {
                Remove(key);
            }
        }
    }

    /// <summary>Enumerates every key with its index (a checkpoint's list, or the keys a restore adopts), without copying them.</summary>
    public readonly Enumerator GetEnumerator() => new(this);

    /// <summary>Enumerates the keys and indexes of whichever map is in use.</summary>
    public struct Enumerator
    {
        private Dictionary<TKey, int>.Enumerator _map;
        private IntegerKeyMap<int, int>.Enumerator _ints;
        private IntegerKeyMap<long, int>.Enumerator _longs;
        private readonly byte _kind; // 0 dictionary, 1 ints, 2 longs

        internal Enumerator(KeyIndexMap<TKey> map)
        {
            _map = default;
            _ints = default;
            _longs = default;
            if (map._ints is { } ints)
            {
                _ints = ints.GetEnumerator();
                _kind = 1;
            }
            else if (map._longs is { } longs)
            {
                _longs = longs.GetEnumerator();
                _kind = 2;
            }
            else
            {
                _map = map._map!.GetEnumerator();
                _kind = 0;
            }
        }

        /// <summary>The current key and its index.</summary>
        public readonly KeyValuePair<TKey, int> Current
        {
            get
            {
                switch (_kind)
                {
                    case 1:
                        var (i, ih) = _ints.Current;
                        return new KeyValuePair<TKey, int>(Unsafe.As<int, TKey>(ref i), ih);
                    case 2:
                        var (l, lh) = _longs.Current;
                        return new KeyValuePair<TKey, int>(Unsafe.As<long, TKey>(ref l), lh);
                    default:
                        return _map.Current;
                }
            }
        }

        /// <summary>Moves to the next key.</summary>
        /// <returns>False at the end.</returns>
        public bool MoveNext() => _kind switch
        {
            1 => _ints.MoveNext(),
            2 => _longs.MoveNext(),
            _ => _map.MoveNext(),
        };
    }
}
