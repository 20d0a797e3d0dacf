namespace Compiled.Execution;

/// <summary>One scheduled timer (or window expiration) in a <see cref="TimerHeap"/>: 24 bytes, without references.</summary>
/// <param name="At">When it fires (or, in the hold heap, the output timestamp it holds), in milliseconds.</param>
/// <param name="Seq">The setting's sequence number: a later setting of the same timer makes this entry stale.</param>
/// <param name="Slot">The key-and-window slot it belongs to.</param>
/// <param name="Code">
/// Which timer: a plain timer's ordinal <c>t</c> as <c>-(t + 2)</c>, a window's expiration as -1, and a timer of a timer
/// map as its handle (0 or more) in the scheduler's <see cref="TimerIds"/>, which holds its ordinal and dynamic id. A
/// handle, not the string: an entry without references moves through the heap without GC write barriers, and one
/// field for both keeps the entry at 24 bytes (a node's four children in 96 bytes).
/// </param>
internal readonly record struct TimerEntry(long At, long Seq, int Slot, int Code)
{
    /// <summary>The code of a plain timer (no dynamic id) or, for -1, of a window's expiration.</summary>
    public static int Plain(int timer) => -(timer + 2);

    /// <summary>Whether the entry is a plain timer's or an expiration's (no handle to release).</summary>
    public bool IsPlain => Code < 0;

    /// <summary>The timer ordinal of a plain code (-1: an expiration): the inverse of <see cref="Plain"/>.</summary>
    public static int OrdinalOf(int plainCode) => -plainCode - 2;

    /// <summary>The ordinal of a plain timer (-1: an expiration); for a timer-map entry, ask its <see cref="TimerIds"/>.</summary>
    public int PlainTimer => OrdinalOf(Code);
}

/// <summary>
/// The timer-map entries in a scheduler's heaps, by handle: each entry that has a dynamic id holds a handle of its own
/// (its timer's ordinal and its id), released when the entry leaves its heap; the handles are reused.
/// </summary>
internal sealed class TimerIds
{
    private (int Timer, string? Id)[] _items = new (int, string?)[16];
    private int[] _free = new int[16];
    private int _freeCount;
    private int _used;

    /// <summary>The code of an entry of timer <paramref name="timer"/> with <paramref name="id"/>: a new handle, or the plain code for a null id.</summary>
    public int Add(int timer, string? id)
    {
        if (id is null)
        {
            return TimerEntry.Plain(timer);
        }

        var handle = _freeCount > 0 ? _free[--_freeCount] : _used++;
        if (handle == _items.Length)
        {
            System.Array.Resize(ref _items, _items.Length * 2);
        }

        _items[handle] = (timer, id);
        return handle;
    }

    /// <summary>The timer ordinal of an entry's code.</summary>
    public int TimerOf(int code) => code < 0 ? TimerEntry.OrdinalOf(code) : _items[code].Timer;

    /// <summary>The dynamic id of an entry's code; null for a plain timer or an expiration.</summary>
    public string? IdOf(int code) => code < 0 ? null : _items[code].Id;

    /// <summary>Frees the handle of a code (its entry left its heap); plain codes are ignored.</summary>
    public void Release(int code)
    {
        if (code < 0)
        {
            return;
        }

        _items[code] = default;
        if (_freeCount == _free.Length)
        {
            System.Array.Resize(ref _free, _free.Length * 2);
        }

        _free[_freeCount++] = code;
    }
}

/// <summary>
/// A 4-ary min-heap of <see cref="TimerEntry"/> ordered by time, then by sequence (timers set earlier fire first at
/// equal times). Entries are never removed from the middle: a cleared or re-set timer leaves a stale entry that its
/// owner skips when it reaches the top. The array grows to the largest number of pending entries and is then reused.
/// </summary>
internal struct TimerHeap
{
    private TimerEntry[] _items;
    private int _count;

    public TimerHeap()
    {
        _items = new TimerEntry[16];
        _count = 0;
    }

    public readonly int Count => _count;

    /// <summary>Writes the entries for a checkpoint, in the heap's order (read back, they are put in heap order again).</summary>
    public readonly void WriteCheckpoint(ref Coders.CoderWriter writer, TimerIds ids)
    {
        writer.WriteLength(_count);
        for (var i = 0; i < _count; i++)
        {
            ref readonly var entry = ref _items[i];
            writer.WriteInt64(entry.At);
            writer.WriteInt64(entry.Seq);
            writer.WriteInt32(entry.Slot);
            writer.WriteInt32(ids.TimerOf(entry.Code));
            writer.WriteString(ids.IdOf(entry.Code));
        }
    }

    /// <summary>Reads what <see cref="WriteCheckpoint"/> wrote into this empty heap.</summary>
    public void ReadCheckpoint(ref Coders.CoderReader reader, TimerIds ids)
    {
        var count = reader.ReadLength();
        if (count > reader.Remaining)
        {
            throw new Coders.CoderException("The checkpoint has an impossible number of timers.");
        }

        _items = new TimerEntry[System.Math.Max(16, count)];
        for (var i = 0; i < count; i++)
        {
            var at = reader.ReadInt64();
            var seq = reader.ReadInt64();
            var slot = reader.ReadInt32();
            var timer = reader.ReadInt32();
            _items[i] = new TimerEntry(at, seq, slot, ids.Add(timer, reader.ReadString()));
        }

        _count = count;
        Rebuild(count); // the heap order of this heap's arity, whatever wrote the checkpoint
    }

    public readonly ref readonly TimerEntry Peek() => ref _items[0];

    public void Push(in TimerEntry entry)
    {
        if (_count == _items.Length)
        {
            System.Array.Resize(ref _items, _items.Length * 2);
        }

        ref var items = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_items);
        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) >> Log2Arity;
            ref var above = ref System.Runtime.CompilerServices.Unsafe.Add(ref items, parent);
            if (!Less(entry, above))
            {
                break;
            }

            System.Runtime.CompilerServices.Unsafe.Add(ref items, i) = above;
            i = parent;
        }

        System.Runtime.CompilerServices.Unsafe.Add(ref items, i) = entry;
    }

    public void Pop()
    {
        var count = --_count;
        ref var items = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_items);
        var last = System.Runtime.CompilerServices.Unsafe.Add(ref items, count);
        if (count == 0)
        {
            return;
        }

        SiftDown(ref items, count, 0, last);
    }

    /// <summary>Places <paramref name="entry"/> at or below <paramref name="i"/> in a heap of <paramref name="count"/> entries.</summary>
    private static void SiftDown(ref TimerEntry items, int count, int i, in TimerEntry entry)
    {
        while (true)
        {
            var first = (i << Log2Arity) + 1;
            if (first >= count)
            {
                break;
            }

            // The least of up to Arity children.
            var least = first;
            ref var min = ref System.Runtime.CompilerServices.Unsafe.Add(ref items, first);
            var end = System.Math.Min(first + Arity, count);
            for (var c = first + 1; c < end; c++)
            {
                ref var candidate = ref System.Runtime.CompilerServices.Unsafe.Add(ref items, c);
                if (Less(candidate, min))
                {
                    least = c;
                    min = ref candidate;
                }
            }

            if (!Less(min, entry))
            {
                break;
            }

            System.Runtime.CompilerServices.Unsafe.Add(ref items, i) = min;
            i = least;
        }

        System.Runtime.CompilerServices.Unsafe.Add(ref items, i) = entry;
    }

    /// <summary>Children per node: a 4-ary heap is half as deep as a binary one, and a node's children share a cache line or two.</summary>
    private const int Arity = 4;

    private const int Log2Arity = 2;

    /// <summary>The entry at <paramref name="index"/> of the heap's array (for compaction).</summary>
    public readonly ref TimerEntry this[int index] => ref _items[index];

    /// <summary>
    /// Keeps the first <paramref name="count"/> entries of the array (the caller moved the entries to keep there) and
    /// restores the heap order over them.
    /// </summary>
    public void Rebuild(int count)
    {
        System.Array.Clear(_items, count, _count - count);
        _count = count;
        if (count < 2)
        {
            return;
        }

        ref var items = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_items);
        for (var i = (count - 2) >> Log2Arity; i >= 0; i--)
        {
            var entry = System.Runtime.CompilerServices.Unsafe.Add(ref items, i);
            SiftDown(ref items, count, i, entry);
        }
    }

    public void Clear()
    {
        System.Array.Clear(_items, 0, _count);
        _count = 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool Less(in TimerEntry a, in TimerEntry b) => a.At < b.At || (a.At == b.At && a.Seq < b.Seq);
}
