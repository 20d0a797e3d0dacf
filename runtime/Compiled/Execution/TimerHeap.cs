namespace Compiled.Execution;

/// <summary>One scheduled timer (or window expiration) in a <see cref="TimerHeap"/>.</summary>
/// <param name="At">When it fires (or, in the hold heap, the output timestamp it holds), in milliseconds.</param>
/// <param name="Seq">The setting's sequence number: a later setting of the same timer makes this entry stale.</param>
/// <param name="Slot">The key-and-window slot it belongs to.</param>
/// <param name="Timer">The timer's ordinal in the state struct (-1: the window's expiration).</param>
/// <param name="Id">The dynamic id of a timer of a timer map; null for a plain timer.</param>
internal readonly record struct TimerEntry(long At, long Seq, int Slot, int Timer, string? Id);

/// <summary>
/// A binary min-heap of <see cref="TimerEntry"/> ordered by time, then by sequence (timers set earlier fire first at
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

    /// <summary>Writes the entries for a checkpoint, in the heap's order (read back, it is the same heap).</summary>
    public readonly void WriteCheckpoint(ref Coders.CoderWriter writer)
    {
        writer.WriteLength(_count);
        for (var i = 0; i < _count; i++)
        {
            ref readonly var entry = ref _items[i];
            writer.WriteInt64(entry.At);
            writer.WriteInt64(entry.Seq);
            writer.WriteInt32(entry.Slot);
            writer.WriteInt32(entry.Timer);
            writer.WriteString(entry.Id);
        }
    }

    /// <summary>Reads what <see cref="WriteCheckpoint"/> wrote into this empty heap.</summary>
    public void ReadCheckpoint(ref Coders.CoderReader reader)
    {
        var count = reader.ReadLength();
        if (count > reader.Remaining)
        {
            throw new Coders.CoderException("The checkpoint has an impossible number of timers.");
        }

        _items = new TimerEntry[System.Math.Max(16, count)];
        for (var i = 0; i < count; i++)
        {
            _items[i] = new TimerEntry(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadString());
        }

        _count = count;
    }

    public readonly ref readonly TimerEntry Peek() => ref _items[0];

    public void Push(in TimerEntry entry)
    {
        if (_count == _items.Length)
        {
            System.Array.Resize(ref _items, _items.Length * 2);
        }

        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Less(entry, _items[parent]))
            {
                break;
            }

            _items[i] = _items[parent];
            i = parent;
        }

        _items[i] = entry;
    }

    public void Pop()
    {
        var last = _items[--_count];
        _items[_count] = default;
        if (_count == 0)
        {
            return;
        }

        var i = 0;
        while (true)
        {
            var child = (i << 1) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && Less(_items[child + 1], _items[child]))
            {
                child++;
            }

            if (!Less(_items[child], last))
            {
                break;
            }

            _items[i] = _items[child];
            i = child;
        }

        _items[i] = last;
    }

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
        for (var i = (_count >> 1) - 1; i >= 0; i--)
        {
            var entry = _items[i];
            var at = i;
            while (true)
            {
                var child = (at << 1) + 1;
                if (child >= _count)
                {
                    break;
                }

                if (child + 1 < _count && Less(_items[child + 1], _items[child]))
                {
                    child++;
                }

                if (!Less(_items[child], entry))
                {
                    break;
                }

                _items[at] = _items[child];
                at = child;
            }

            _items[at] = entry;
        }
    }

    public void Clear()
    {
        System.Array.Clear(_items, 0, _count);
        _count = 0;
    }

    private static bool Less(in TimerEntry a, in TimerEntry b) => a.At != b.At ? a.At < b.At : a.Seq < b.Seq;
}
