using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// A hash map from keys of a primitive integer type (<see cref="int"/>, <see cref="long"/>, <see cref="uint"/>,
/// <see cref="ulong"/>, <see cref="short"/>, <see cref="ushort"/>, <see cref="byte"/>, <see cref="sbyte"/>,
/// <see cref="char"/>) to values: how a generated runner keeps a count, an accumulator or a group per key of such a
/// type. It has the part of <see cref="Dictionary{TKey, TValue}"/>'s surface that a runner uses.
/// </summary>
/// <remarks>
/// <para>Entries are in a dense array in insertion order. Keys that are small and dense (non-negative, below four times
/// the number of keys, as ids, codes and enum-like values usually are) are indexed directly: an array holds each such
/// key's entry index, so a lookup is one read and no hash (DuckDB's perfect hash aggregation takes the same shortcut).
/// The range grows as keys come, while it stays within that bound. Other keys go to open addressing with linear
/// probing over one array of slots, each holding a Fibonacci hash of the key (which picks the slot by its high bits) and
/// the entry's index; a key of at most 32 bits is its own hash's inverse (the hash multiplies by an odd constant), so a
/// lookup compares slots only. Both are faster than a dictionary, whose lookup divides by a prime and walks a chain
/// through the entries (bench <c>SqlBenchmarks</c>, Q2).</para>
/// <para>Enumeration is in insertion order, as a dictionary's is when nothing was removed; removing the current entry
/// during an enumeration keeps it valid, as with a dictionary; adding does not.</para>
/// </remarks>
/// <typeparam name="TKey">The key type, a primitive integer type.</typeparam>
/// <typeparam name="TValue">The values.</typeparam>
public sealed class IntegerKeyMap<TKey, TValue> : IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : unmanaged, IBinaryInteger<TKey>
{
    private const int MinSlots = 8;
    private const int MinDirect = 64;
    private const int MaxDirect = 1 << 22; // 16 MiB of indexes at most

    private ulong[] _slots = new ulong[MinSlots];
    private int _shift = 32 - 3; // 32 - log2(slots)
    private Entry[] _entries = new Entry[4];
    private int _count; // entries used, removed ones included
    private int _removed;
    private int _version;
    private int[] _direct = Array.Empty<int>(); // key k in [0, length): its entry index + 1, or 0; such keys are never in the slots
    private int _hashed; // keys in the slots
    private ulong _largestHashed; // the largest key below MaxDirect ever put in the slots (a bound: it is not lowered on removal)

    private struct Entry
    {
        public TKey Key;
        public bool Removed;
        public TValue Value;
    }

    /// <summary>Creates an empty map.</summary>
    public IntegerKeyMap()
    {
    }

    /// <summary>Creates an empty map with room for <paramref name="capacity"/> keys.</summary>
    /// <param name="capacity">The number of keys it holds before it grows.</param>
    public IntegerKeyMap(int capacity)
    {
        if (capacity < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A capacity is not negative.");
        }

        EnsureCapacity(capacity);
    }

    /// <summary>The number of keys.</summary>
    public int Count => _count - _removed;

    /// <summary>The value of a key.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="KeyNotFoundException">On get, the key is not present.</exception>
    public TValue this[TKey key]
    {
        get
        {
            var index = Find(key);
            return index >= 0 ? _entries[index].Value : throw new KeyNotFoundException("The key '" + key.ToString() + "' is not present.");
        }

        set => GetValueRefOrAddDefault(key, out _) = value;
    }

    /// <summary>
    /// The value of <paramref name="key"/>, by reference; a key not present is added with the default value. The
    /// reference is valid until the next key is added.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="exists">Whether the key was present.</param>
    /// <returns>A reference to the value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue GetValueRefOrAddDefault(TKey key, out bool exists)
    {
        var direct = _direct;
        var small = ulong.CreateTruncating(key);
        if (small < (ulong)direct.Length)
        {
            var at = direct[(int)small] - 1;
            if (at >= 0)
            {
                exists = true;
                return ref _entries[at].Value;
            }

            exists = false;
            var added = InsertDirect(key, (int)small); // before _entries is read: adding may grow them
            return ref _entries[added].Value;
        }

        var index = FindHashed(key, out var hash, out var slot);
        if (index >= 0)
        {
            exists = true;
            return ref _entries[index].Value;
        }

        exists = false;
        var inserted = Insert(key, hash, slot);
        return ref _entries[inserted].Value;
    }

    /// <summary>
    /// The position of <paramref name="key"/> among the keys in the order they came (0 for the first), or, for a key not
    /// present, added at the next position, the complement of that position (<c>~position</c>, negative). Positions are
    /// dense (0 to <see cref="Count"/> - 1) in a map that nothing was removed from since it was created or cleared, as
    /// window buckets use it: a lookup of a small key is then one read, with no entry touched, and the caller keeps the
    /// values in arrays of its own, by position.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns>The key's position, complemented when it was added.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int PositionOrAdd(TKey key)
    {
        var direct = _direct;
        var small = ulong.CreateTruncating(key);
        if (small < (ulong)direct.Length)
        {
            var at = direct[(int)small] - 1;
            return at >= 0 ? at : ~InsertDirect(key, (int)small);
        }

        var index = FindHashed(key, out var hash, out var slot);
        return index >= 0 ? index : ~Insert(key, hash, slot);
    }

    /// <summary>The value of <paramref name="key"/>, by reference, or a null reference when it is not present.</summary>
    /// <param name="key">The key.</param>
    /// <returns>A reference to the value (test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue GetValueRefOrNullRef(TKey key)
    {
        var index = Find(key);
        if (index < 0)
        {
            return ref Unsafe.NullRef<TValue>();
        }

        return ref _entries[index].Value;
    }

    /// <summary>Finds the value of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns>Whether the key is present.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(TKey key, out TValue value)
    {
        var index = Find(key);
        if (index >= 0)
        {
            value = _entries[index].Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Whether a key is present.</summary>
    /// <param name="key">The key.</param>
    /// <returns>True when present.</returns>
    public bool ContainsKey(TKey key) => Find(key) >= 0;

    /// <summary>Adds a key that is not present.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">Its value.</param>
    /// <exception cref="ArgumentException">The key is present.</exception>
    public void Add(TKey key, TValue value)
    {
        if (!TryAdd(key, value))
        {
            throw new ArgumentException("The key '" + key.ToString() + "' is already present.", nameof(key));
        }
    }

    /// <summary>Adds a key when it is not present.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">Its value.</param>
    /// <returns>Whether it was added (false: the key was present, its value unchanged).</returns>
    public bool TryAdd(TKey key, TValue value)
    {
        ref var slot = ref GetValueRefOrAddDefault(key, out var exists);
        if (exists)
        {
            return false;
        }

        slot = value;
        return true;
    }

    /// <summary>Removes a key; allowed for the current entry of an enumeration.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether the key was present.</returns>
    public bool Remove(TKey key) => Remove(key, out _);

    /// <summary>Removes a key and returns its value; allowed for the current entry of an enumeration.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value removed, when present.</param>
    /// <returns>Whether the key was present.</returns>
    public bool Remove(TKey key, out TValue value)
    {
        var small = ulong.CreateTruncating(key);
        if (small < (ulong)_direct.Length)
        {
            var at = _direct[(int)small] - 1;
            if (at < 0)
            {
                value = default!;
                return false;
            }

            _direct[(int)small] = 0;
            RemoveEntry(at, out value);
            return true;
        }

        var index = FindHashed(key, out _, out var slot);
        if (index < 0)
        {
            value = default!;
            return false;
        }

        _hashed--;

        // Backward-shift deletion: move up every later slot of the probe run that may sit at the freed one.
        var slots = _slots;
        var mask = slots.Length - 1;
        var hole = slot;
        var j = (hole + 1) & mask;
        while (slots[j] != 0)
        {
            var ideal = (int)((uint)(slots[j] >> 32) >> _shift);
            if (((j - ideal) & mask) >= ((j - hole) & mask))
            {
                slots[hole] = slots[j];
                hole = j;
            }

            j = (j + 1) & mask;
        }

        slots[hole] = 0;
        RemoveEntry(index, out value);
        return true;
    }

    private void RemoveEntry(int index, out TValue value)
    {
        ref var e = ref _entries[index];
        value = e.Value;
        e.Removed = true;
        e.Value = default!;
        _removed++;
        if (Count == 0)
        {
            // Empty again: start the entries over, so a map that fills and drains (per window) does not grow.
            Array.Clear(_entries, 0, _count);
            _count = 0;
            _removed = 0;
        }
    }

    /// <summary>Removes every key.</summary>
    public void Clear()
    {
        if (_count == 0)
        {
            return;
        }

        Array.Clear(_slots);
        Array.Clear(_direct);
        Array.Clear(_entries, 0, _count);
        _count = 0;
        _removed = 0;
        _hashed = 0;
        _version++;
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> keys without growing the entries.</summary>
    /// <param name="capacity">The number of keys.</param>
    /// <returns>The number of entries the map now holds before it grows them.</returns>
    public int EnsureCapacity(int capacity)
    {
        if (capacity > _entries.Length)
        {
            Array.Resize(ref _entries, (int)Math.Min(Array.MaxLength, BitOperations.RoundUpToPowerOf2((uint)capacity)));
        }

        return _entries.Length;
    }

    /// <summary>Enumerates the entries in insertion order.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    /// <inheritdoc/>
    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => new BoxedEnumerator(new Enumerator(this));

    /// <inheritdoc/>
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => new BoxedEnumerator(new Enumerator(this));

    // The hash of a key: a multiplication by an odd constant, so for keys of at most 32 bits it is a bijection (equal
    // hashes, equal keys); the slot is its high bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(TKey key) => Unsafe.SizeOf<TKey>() <= 4
        ? uint.CreateTruncating(key) * 0x9E3779B1u
        : (uint)((ulong.CreateTruncating(key) * 0x9E3779B97F4A7C15UL) >> 32);

    // The entry index of a key, or -1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(TKey key)
    {
        var small = ulong.CreateTruncating(key);
        return small < (ulong)_direct.Length ? _direct[(int)small] - 1 : FindHashed(key, out _, out _);
    }

    // The entry index of a key outside the direct range (or -1), its hash, and its slot (or the empty slot where it would go).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindHashed(TKey key, out uint hash, out int slotIndex)
    {
        hash = Hash(key);
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = (int)(hash >> _shift);
        while (true)
        {
            var slot = slots[i];
            if (slot == 0)
            {
                slotIndex = i;
                return -1;
            }

            if ((uint)(slot >> 32) == hash)
            {
                var index = (int)(uint)slot - 1;
                if (Unsafe.SizeOf<TKey>() <= 4 || _entries[index].Key == key)
                {
                    slotIndex = i;
                    return index;
                }
            }

            i = (i + 1) & mask;
        }
    }

    // A new entry at the end of the entries, its index; when the entries were full and compacted (their indexes changed),
    // both indexes are rebuilt, the new entry's included, and reindexed is true.
    private int NewEntry(TKey key, out bool reindexed)
    {
        var compact = false;
        if (_count == _entries.Length)
        {
            if (_removed > _count / 2)
            {
                Compact();
                compact = true;
            }
            else
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }
        }

        var index = _count++;
        ref var e = ref _entries[index];
        e.Key = key;
        e.Removed = false;
        e.Value = default!;
        _version++;
        if (compact)
        {
            Reindex(_direct.Length);
        }

        reindexed = compact;
        return index;
    }

    // Adds a new key of the direct range: its entry's index.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int InsertDirect(TKey key, int small)
    {
        var index = NewEntry(key, out var reindexed);
        if (!reindexed)
        {
            _direct[small] = index + 1;
        }

        return index;
    }

    // Adds a new key outside the direct range: to the direct range, grown to take it while the range stays dense enough,
    // or at an empty slot. Returns its entry's index.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Insert(TKey key, uint hash, int slot)
    {
        var small = ulong.CreateTruncating(key);
        if (small < MaxDirect)
        {
            var largest = Math.Max(small, _largestHashed);
            var length = Math.Max(MinDirect, (int)BitOperations.RoundUpToPowerOf2((uint)largest + 1));
            if (length <= Math.Max(MinDirect, 4 * (Count + 1)))
            {
                // Every key below the new length (those hashed so far included) moves to the direct range.
                var added = NewEntry(key, out _);
                Reindex(length);
                return added;
            }

            _largestHashed = largest;
        }

        var index = NewEntry(key, out var reindexed);
        if (!reindexed)
        {
            _slots[slot] = ((ulong)hash << 32) | (uint)(index + 1);
            if (++_hashed * 2 > _slots.Length)
            {
                Reindex(_direct.Length);
            }
        }

        return index;
    }

    // Drops the removed entries, keeping the order of the others (indexes are rebuilt by the caller).
    private void Compact()
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (!_entries[i].Removed)
            {
                _entries[kept++] = _entries[i];
            }
        }

        Array.Clear(_entries, kept, _count - kept);
        _count = kept;
        _removed = 0;
    }

    // Rebuilds both indexes from the entries: keys below directLength indexed directly, the others in slots sized for them.
    private void Reindex(int directLength)
    {
        var direct = directLength == _direct.Length ? _direct : new int[directLength];
        Array.Clear(direct);
        var hashed = 0;
        for (var index = 0; index < _count; index++)
        {
            ref var e = ref _entries[index];
            if (e.Removed)
            {
                continue;
            }

            var small = ulong.CreateTruncating(e.Key);
            if (small < (ulong)direct.Length)
            {
                direct[(int)small] = index + 1;
            }
            else
            {
                hashed++;
            }
        }

        var length = Math.Max(MinSlots, (int)BitOperations.RoundUpToPowerOf2((uint)(hashed * 2 + 1)));
        var slots = length == _slots.Length ? _slots : new ulong[length];
        Array.Clear(slots);
        var shift = 32 - BitOperations.Log2((uint)length);
        var mask = length - 1;
        for (var index = 0; index < _count && hashed > 0; index++)
        {
            ref var e = ref _entries[index];
            if (e.Removed || ulong.CreateTruncating(e.Key) < (ulong)direct.Length)
            {
                continue;
            }

            var hash = Hash(e.Key);
            var i = (int)(hash >> shift);
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = ((ulong)hash << 32) | (uint)(index + 1);
        }

        _direct = direct;
        _slots = slots;
        _shift = shift;
        _hashed = hashed;
    }

    /// <summary>Enumerates a map's entries in insertion order.</summary>
    public struct Enumerator
    {
        private readonly IntegerKeyMap<TKey, TValue> _map;
        private readonly int _version;
        private int _index;

        internal Enumerator(IntegerKeyMap<TKey, TValue> map)
        {
            _map = map;
            _version = map._version;
            _index = -1;
        }

        /// <summary>The current entry.</summary>
        public readonly KeyValuePair<TKey, TValue> Current
        {
            get
            {
                ref var e = ref _map._entries[_index];
                return new KeyValuePair<TKey, TValue>(e.Key, e.Value);
            }
        }

        /// <summary>Moves to the next entry.</summary>
        /// <returns>False at the end.</returns>
        /// <exception cref="InvalidOperationException">A key was added or the map cleared during the enumeration.</exception>
        public bool MoveNext()
        {
            if (_version != _map._version)
            {
                throw new InvalidOperationException("The map was changed during its enumeration (a key added, or the map cleared).");
            }

            while (++_index < _map._count)
            {
                if (!_map._entries[_index].Removed)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class BoxedEnumerator(Enumerator inner) : IEnumerator<KeyValuePair<TKey, TValue>>
    {
        private Enumerator _inner = inner;

        public KeyValuePair<TKey, TValue> Current => _inner.Current;

        object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext() => _inner.MoveNext();

        public void Reset() => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
