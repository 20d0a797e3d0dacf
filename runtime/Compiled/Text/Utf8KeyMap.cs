using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// A hash map from UTF-8 text keys to values, looked up by the key's bytes as a span: how a generated runner keeps a
/// count or an accumulator per key of type <see cref="ReadOnlyMemory{T}"/> of <see cref="byte"/>. A key's bytes are
/// copied once, when the key is new, into chunks the map owns; no string and no object is made per key.
/// </summary>
/// <remarks>
/// <para>Open addressing with linear probing over one array of slots (the hash's low half as a tag and the entry's
/// index), entries in a dense array in insertion order, each with the key's first 8 bytes inline: a lookup of a key
/// of at most 8 bytes reads one slot and one entry. It is about twice as fast as a
/// <see cref="Dictionary{TKey, TValue}"/> of <see cref="Utf8Key"/> looked up by span (bench <c>W2</c>).</para>
/// <para>The keys handed out (<see cref="Enumerator.Current"/>) own their bytes: chunks are never written again, and
/// <see cref="Clear"/> lets go of them rather than reusing them, so a key a sink keeps stays valid.</para>
/// <para>Enumeration is in insertion order; removing the current entry during an enumeration keeps it valid, as with
/// a dictionary; adding does not.</para>
/// </remarks>
/// <typeparam name="TValue">The values.</typeparam>
public sealed class Utf8KeyMap<TValue>
{
    private const int FirstChunkSize = 256;
    private const int MaxChunkSize = 64 * 1024;

    private ulong[] _slots = new ulong[8];
    private Entry[] _entries = new Entry[4];
    private int _count; // entries used, removed ones included
    private int _removed;
    private int _version;
    private byte[]? _chunk;
    private int _chunkUsed;

    private struct Entry
    {
        public ulong Head;
        public byte[] Array;
        public int Offset;
        public int Length; // -1: removed
        public TValue Value;
    }

    /// <summary>The number of keys.</summary>
    public int Count => _count - _removed;

    /// <summary>
    /// The value of <paramref name="key"/>, by reference; a key not present is added (its bytes copied) with the
    /// default value. The reference is valid until the next key is added.
    /// </summary>
    /// <param name="key">The key's bytes.</param>
    /// <param name="exists">Whether the key was present.</param>
    /// <returns>A reference to the value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TValue GetValueRefOrAddDefault(ReadOnlySpan<byte> key, out bool exists)
    {
        var index = Find(key, out var head, out var hash, out var slot);
        if (index >= 0)
        {
            exists = true;
            return ref _entries[index].Value;
        }

        exists = false;
        return ref Insert(key, head, hash, slot, owner: null, 0);
    }

    /// <summary>
    /// The value of <paramref name="key"/>, by reference; a key not present is added (sharing the key's bytes, which a
    /// <see cref="Utf8Key"/> owns) with the default value.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="exists">Whether the key was present.</param>
    /// <returns>A reference to the value.</returns>
    public ref TValue GetValueRefOrAddDefault(Utf8Key key, out bool exists)
    {
        var index = Find(key.Span, out _, out var hash, out var slot);
        if (index >= 0)
        {
            exists = true;
            return ref _entries[index].Value;
        }

        exists = false;
        return ref Insert(key.Span, key.Head, hash, slot, key.Array ?? Array.Empty<byte>(), key.Offset);
    }

    /// <summary>Finds the value of a key given by its bytes.</summary>
    /// <param name="key">The key's bytes.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns>Whether the key is present.</returns>
    public bool TryGetValue(ReadOnlySpan<byte> key, out TValue value)
    {
        var index = Find(key, out _, out _, out _);
        value = index >= 0 ? _entries[index].Value : default!;
        return index >= 0;
    }

    /// <summary>Finds the value of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, when found.</param>
    /// <returns>Whether the key is present.</returns>
    public bool TryGetValue(Utf8Key key, out TValue value) => TryGetValue(key.Span, out value);

    /// <summary>Whether a key is present.</summary>
    /// <param name="key">The key's bytes.</param>
    /// <returns>True when present.</returns>
    public bool ContainsKey(ReadOnlySpan<byte> key) => Find(key, out _, out _, out _) >= 0;

    /// <summary>Adds a key that is not present.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">Its value.</param>
    /// <exception cref="ArgumentException">The key is present.</exception>
    public void Add(Utf8Key key, TValue value)
    {
        GetValueRefOrAddDefault(key, out var exists) = exists
            ? throw new ArgumentException("The key '" + key.ToString() + "' is already present.", nameof(key))
            : value;
    }

    /// <summary>Removes a key; allowed for the current entry of an enumeration.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether the key was present.</returns>
    public bool Remove(Utf8Key key) => Remove(key, out _);

    /// <summary>Removes a key and returns its value; allowed for the current entry of an enumeration.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value removed, when present.</param>
    /// <returns>Whether the key was present.</returns>
    public bool Remove(Utf8Key key, out TValue value)
    {
        var index = Find(key.Span, out _, out _, out var slot);
        if (index < 0)
        {
            value = default!;
            return false;
        }

        ref var e = ref _entries[index];
        value = e.Value;
        e.Array = null!;
        e.Length = -1;
        e.Value = default!;
        _removed++;

        // Backward-shift deletion: move up every later slot of the probe run that may sit at the freed one.
        var slots = _slots;
        var mask = slots.Length - 1;
        var hole = slot;
        var j = (hole + 1) & mask;
        while (slots[j] != 0)
        {
            var ideal = (int)(slots[j] >> 32) & mask;
            if (((j - ideal) & mask) >= ((j - hole) & mask))
            {
                slots[hole] = slots[j];
                hole = j;
            }

            j = (j + 1) & mask;
        }

        slots[hole] = 0;
        return true;
    }

    /// <summary>Removes every key. The bytes of the keys handed out stay valid: the map lets go of its chunks, it does not reuse them.</summary>
    public void Clear()
    {
        if (_count == 0)
        {
            return;
        }

        Array.Clear(_slots);
        Array.Clear(_entries, 0, _count);
        _count = 0;
        _removed = 0;
        _chunk = null;
        _chunkUsed = 0;
        _version++;
    }

    /// <summary>Enumerates the entries in insertion order.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    // The entry index of a key (or -1), its head and hash, and its slot (or the empty slot where it would go).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ReadOnlySpan<byte> key, out ulong head, out uint hash, out int slotIndex)
    {
        head = Utf8Hash.Head(key);
        hash = (uint)Utf8Hash.Of(head, key);
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = (int)hash & mask;
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
                ref var e = ref _entries[index];
                if (Utf8Hash.Equal(head, key, e.Head, e.Array, e.Offset, e.Length))
                {
                    slotIndex = i;
                    return index;
                }
            }

            i = (i + 1) & mask;
        }
    }

    // Adds a new key at an empty slot: its bytes copied into a chunk (owner null) or shared with the owner's array.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref TValue Insert(ReadOnlySpan<byte> key, ulong head, uint hash, int slot, byte[]? owner, int ownerOffset)
    {
        if (_count == _entries.Length)
        {
            if (_removed > _count / 2)
            {
                Compact();
            }
            else
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }

            slot = EmptySlot(hash);
        }

        byte[] array;
        int offset;
        if (owner is not null)
        {
            (array, offset) = (owner, ownerOffset);
        }
        else
        {
            (array, offset) = Store(key);
        }

        var index = _count++;
        ref var e = ref _entries[index];
        e.Head = head;
        e.Array = array;
        e.Offset = offset;
        e.Length = key.Length;
        e.Value = default!;
        _slots[slot] = ((ulong)hash << 32) | (uint)(index + 1);
        _version++;
        if (Count * 2 > _slots.Length)
        {
            Rehash(_slots.Length * 2);
        }

        return ref e.Value;
    }

    private (byte[] Array, int Offset) Store(ReadOnlySpan<byte> key)
    {
        if (key.Length > MaxChunkSize / 4)
        {
            return (key.ToArray(), 0); // a long key gets an array of its own
        }

        if (_chunk is null || _chunkUsed + key.Length > _chunk.Length)
        {
            // Chunks double up to 64 KiB: a small map holds little, a large one allocates rarely.
            var size = _chunk is null ? FirstChunkSize : Math.Min(MaxChunkSize, _chunk.Length * 2);
            _chunk = new byte[Math.Max(size, key.Length)];
            _chunkUsed = 0;
        }

        var offset = _chunkUsed;
        key.CopyTo(_chunk.AsSpan(offset));
        _chunkUsed += key.Length;
        return (_chunk, offset);
    }

    private int EmptySlot(uint hash)
    {
        var mask = _slots.Length - 1;
        var i = (int)hash & mask;
        while (_slots[i] != 0)
        {
            i = (i + 1) & mask;
        }

        return i;
    }

    // Drops the removed entries, keeping the order of the others.
    private void Compact()
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Length >= 0)
            {
                _entries[kept++] = _entries[i];
            }
        }

        Array.Clear(_entries, kept, _count - kept);
        _count = kept;
        _removed = 0;
        Rehash(_slots.Length);
    }

    private void Rehash(int size)
    {
        var slots = new ulong[Math.Max(8, (int)BitOperations.RoundUpToPowerOf2((uint)size))];
        var mask = slots.Length - 1;
        for (var index = 0; index < _count; index++)
        {
            ref var e = ref _entries[index];
            if (e.Length < 0)
            {
                continue;
            }

            var hash = (uint)Utf8Hash.Of(e.Head, new ReadOnlySpan<byte>(e.Array, e.Offset, e.Length));
            var i = (int)hash & mask;
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = ((ulong)hash << 32) | (uint)(index + 1);
        }

        _slots = slots;
    }

    /// <summary>Enumerates a map's entries in insertion order.</summary>
    public struct Enumerator
    {
        private readonly Utf8KeyMap<TValue> _map;
        private readonly int _version;
        private int _index;

        internal Enumerator(Utf8KeyMap<TValue> map)
        {
            _map = map;
            _version = map._version;
            _index = -1;
        }

        /// <summary>The current entry: its key (which owns its bytes) and value.</summary>
        public readonly KeyValuePair<Utf8Key, TValue> Current
        {
            get
            {
                ref var e = ref _map._entries[_index];
                return new KeyValuePair<Utf8Key, TValue>(new Utf8Key(e.Array, e.Offset, e.Length, e.Head), e.Value);
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
                if (_map._entries[_index].Length >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
