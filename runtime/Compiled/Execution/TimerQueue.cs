using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Compiled.Execution;

/// <summary>
/// A min-queue of timers by time, for the timers of keyed window panes. Most timers are set in the order of their
/// times: a fixed window's end as its windows open, garbage collection as windows fire in time order, a processing-time
/// deadline a fixed delay after each pane's first element. Those go to the back of a ring in O(1) and leave from its
/// front in O(1); a timer earlier than the ring's last goes to a binary heap instead, and the earlier of the two
/// fronts leaves first. Timers leave by time, and timers of equal time in the order they were queued (a sequence number
/// breaks ties), so a run and a run restored from a checkpoint fire them in the same order (<see cref="OrderedItems"/>
/// is what a checkpoint writes). It costs a ring's O(1) when times come in order, where a heap of every timer pays a
/// logarithmic sift for each.
/// </summary>
/// <remarks>Used by keyed window panes; public so that its order can be tested on its own.</remarks>
/// <typeparam name="T">The timer.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TimerQueue<T>
    where T : struct
{
    private readonly PriorityQueue<T, (long Time, long Seq)> _heap = new(TimeThenSeq.Instance);
    private (T Timer, long Time, long Seq)[] _ring = new (T, long, long)[16];
    private int _head;
    private int _count;
    private long _seq;
    private long _earliest = long.MaxValue; // the earliest time queued: kept as timers come and go, read by every call's quiet check

    /// <summary>How many timers are queued.</summary>
    public int Count => _count + _heap.Count;

    /// <summary>Every queued timer with its time, in the order they leave (a checkpoint writes them so; a restore queues them so).</summary>
    /// <returns>The timers, earliest first, equal times in the order they were queued.</returns>
    public List<(T Timer, long Time)> OrderedItems()
    {
        var items = new List<(T Timer, long Time, long Seq)>(Count);
        for (var i = 0; i < _count; i++)
        {
            items.Add(_ring[(_head + i) & (_ring.Length - 1)]);
        }

        foreach (var (timer, at) in _heap.UnorderedItems)
        {
            items.Add((timer, at.Time, at.Seq));
        }

        items.Sort(static (a, b) => TimeThenSeq.Instance.Compare((a.Time, a.Seq), (b.Time, b.Seq)));
        return items.ConvertAll(static x => (x.Timer, x.Time));
    }

    /// <summary>Queues a timer.</summary>
    /// <param name="timer">The timer.</param>
    /// <param name="time">Its time.</param>
    public void Enqueue(T timer, long time)
    {
        var seq = _seq++;
        if (time < _earliest)
        {
            _earliest = time;
        }

        if (_count > 0 && time < _ring[(_head + _count - 1) & (_ring.Length - 1)].Time)
        {
            _heap.Enqueue(timer, (time, seq));
            return;
        }

        if (_count == _ring.Length)
        {
            Grow();
        }

        _ring[(_head + _count) & (_ring.Length - 1)] = (timer, time, seq);
        _count++;
    }

    /// <summary>Queues timers: by time, equal times in the order given (a stable sort), so each goes to the ring.</summary>
    /// <param name="timers">The timers with their times.</param>
    public void EnqueueRange(List<(T Timer, long Time)> timers)
    {
        ArgumentNullException.ThrowIfNull(timers);
        var order = new int[timers.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => timers[a].Time != timers[b].Time ? timers[a].Time.CompareTo(timers[b].Time) : a.CompareTo(b));
        foreach (var i in order)
        {
            Enqueue(timers[i].Timer, timers[i].Time);
        }
    }

    /// <summary>The earliest timer, if any.</summary>
    /// <param name="timer">The earliest timer.</param>
    /// <param name="time">Its time.</param>
    /// <returns>False when the queue is empty.</returns>
    public bool TryPeek(out T timer, out long time)
    {
        if (RingFirst())
        {
            (timer, time, _) = _ring[_head];
            return true;
        }

        var inHeap = _heap.TryPeek(out timer, out var heapAt);
        time = heapAt.Time;
        return inHeap;
    }

    /// <summary>The time of the earliest timer, or <see cref="long.MaxValue"/> when none is queued: one load, for a check per call.</summary>
    public long EarliestTime
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _earliest;
    }

    /// <summary>Removes the earliest timer (the one <see cref="TryPeek"/> gives).</summary>
    public void Dequeue()
    {
        if (RingFirst())
        {
            _ring[_head] = default;
            _head = (_head + 1) & (_ring.Length - 1);
            _count--;
        }
        else
        {
            _heap.Dequeue();
        }

        _earliest = Earliest();
    }

    /// <summary>
    /// Removes the earliest timer when it is due, at or before <paramref name="limit"/>: what a firing loop does per timer
    /// (<see cref="TryPeek"/> then <see cref="Dequeue"/>) in one step.
    /// </summary>
    /// <param name="limit">The latest time due.</param>
    /// <param name="timer">The timer removed.</param>
    /// <param name="time">Its time.</param>
    /// <returns>False when no timer is due (nothing removed).</returns>
    public bool TryDequeueDue(long limit, out T timer, out long time)
    {
        if (_earliest > limit)
        {
            timer = default;
            time = 0;
            return false;
        }

        if (RingFirst())
        {
            (timer, time, _) = _ring[_head];
            _ring[_head] = default;
            _head = (_head + 1) & (_ring.Length - 1);
            _count--;
        }
        else
        {
            _heap.TryDequeue(out timer, out var at);
            time = at.Time;
        }

        _earliest = Earliest();
        return true;
    }

    /// <summary>The earliest time queued, from the ring's front and the heap's top.</summary>
    private long Earliest()
    {
        var ring = _count > 0 ? _ring[_head].Time : long.MaxValue;
        return _heap.Count != 0 && _heap.TryPeek(out _, out var heapAt) && heapAt.Time < ring ? heapAt.Time : ring;
    }

    /// <summary>Whether the earliest timer is the ring's front (not empty, and before the heap's top, if any).</summary>
    private bool RingFirst() =>
        _count > 0 && (_heap.Count == 0 || !_heap.TryPeek(out _, out var heapAt) || TimeThenSeq.Instance.Compare((_ring[_head].Time, _ring[_head].Seq), heapAt) < 0);

    private void Grow()
    {
        var ring = new (T, long, long)[_ring.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            ring[i] = _ring[(_head + i) & (_ring.Length - 1)];
        }

        _ring = ring;
        _head = 0;
    }

    /// <summary>The order timers leave in: by time, then by the order they were queued.</summary>
    private sealed class TimeThenSeq : IComparer<(long Time, long Seq)>
    {
        public static readonly TimeThenSeq Instance = new();

        public int Compare((long Time, long Seq) x, (long Time, long Seq) y) =>
            x.Time != y.Time ? x.Time.CompareTo(y.Time) : x.Seq.CompareTo(y.Seq);
    }
}
