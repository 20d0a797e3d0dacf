using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Execution;

/// <summary>
/// The state of one grouping or combine over session windows with Beam's default strategy (default trigger, no allowed
/// lateness, discarding, end-of-window timestamps), which the generator picks for such a transform instead of
/// <see cref="KeyedPanes{TKey, TInput, TAccum, TOutput, TCombineFn}"/>: per key its open sessions, extended in place and
/// merged as elements arrive, each emitted as its one on-time pane and freed as soon as the watermark passes its end. No
/// trigger state, holds or pane bookkeeping: under that strategy a session fires exactly once, when the watermark passes
/// its end, and is gone. The surface is that of keyed window panes, so the generated runner drives both alike.
/// </summary>
/// <remarks>
/// <para>State layout: a pool of slots (key, start, end, accumulator, three links) and a map from each key to its latest
/// open session; a key's sessions are linked from there in the order of their starts, latest first (one, in the usual
/// case: an element extends it with a few compares; in about time order, a batch run's many sessions per key cost the same).
/// Sessions wait for the watermark in a timing wheel: one bucket per millisecond of due time, for the times the wheel spans
/// ahead of the watermark (it grows, by powers of two up to 2^20 ms, to span the due times it is given), and a timer queue
/// beyond that. A session is queued once, at the end it had when it opened (before the first watermark: at the end it has
/// then); when the watermark reaches that time, a session that grew since moves to its new end, and one that did not fires
/// and is freed. Each element and each advance of the watermark is O(1) amortized in streaming, where the keyed panes'
/// search trees and timer heap pay logarithmic costs; a batch run (no watermark until the end) queues its sessions in the
/// timer queue at the end and fires them in time order. Freed slots are reused, and a key whose sessions have all fired
/// keeps its map entry for its next session, up to twice as many such keys as open sessions (then they are removed), so
/// steady state allocates nothing per element and the map stays in proportion to the state.</para>
/// <para>Semantics (Beam's, as the keyed panes give them for this strategy): an element whose proto-session
/// <c>[t, t + gap)</c> ends at or behind the input watermark is dropped and counted (<see cref="GroupingPanes{TKey, TOutput}.DroppedLate"/>); otherwise
/// it merges with every open session of its key that it overlaps (accumulators merged into the earliest, in the order of
/// their starts) or opens a new one. A session fires when the watermark passes its last millisecond: one pane, first,
/// last and on time, index 0, timestamped at the end of the window. Sessions due at the same time fire in the order they
/// were queued, and a checkpoint keeps that order.</para>
/// </remarks>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TInput">The input value type.</typeparam>
/// <typeparam name="TAccum">The accumulator type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
/// <typeparam name="TCombineFn">The combine function (a struct for direct calls).</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class SessionPanes<TKey, TInput, TAccum, TOutput, TCombineFn> : GroupingPanes<TKey, TOutput>
    where TKey : notnull
    where TCombineFn : ICombineFn<TInput, TAccum, TOutput>
{
    private const int InitialWheel = 1 << 10;
    private const int MaxWheel = 1 << 20;
    private const byte Free = 0;
    private const byte Live = 1;
    private const byte Dead = 2;

    private KeyIndexMap<TKey> _heads; // a struct of readonly references: its methods change what they point to, not it
    private readonly TimerQueue<int> _overflow = new();
    private readonly List<int> _noted = new(); // sessions opened while the watermark is at its minimum, in order
    private TCombineFn _fn;
    private Slot[] _slots = new Slot[64];
    private int _used;
    private int _free = -1;
    private int[] _bucketHeads = NewBuckets(InitialWheel);
    private int[] _bucketTails = new int[InitialWheel];
    private ulong[] _occupied = new ulong[InitialWheel / 64]; // a bit per bucket that holds sessions, so a walk skips empty ones 64 at a time
    private int _mask = InitialWheel - 1;
    private long _overflowNext = long.MaxValue; // the earliest due time in the overflow queue
    private int[] _overlaps = new int[4];
    private int _emptyKeys; // keys in the map with no open session (head -1)

    /// <summary>
    /// Every bucket up to this time has been walked; the wheel holds due times in (_swept, _swept + wheel size]. At its
    /// minimum no watermark has come yet: every session waits in the overflow queue.
    /// </summary>
    private long _swept = long.MinValue;

    /// <summary>Creates the state of one grouping.</summary>
    /// <param name="fn">The combine function.</param>
    /// <param name="comparer">The key comparer, or null for the default.</param>
    public SessionPanes(TCombineFn fn, IEqualityComparer<TKey>? comparer = null)
    {
        _fn = fn;
        _heads = new KeyIndexMap<TKey>(comparer);
    }

    /// <summary>The output watermark: with end-of-window timestamps, no pane is held behind the input watermark.</summary>
    public Instant OutputWatermark => InputWatermark;

    /// <summary>No trigger waits on processing time: always null.</summary>
    public Instant? NextProcessingDeadline => null;

    /// <summary>Adds an element to its key's sessions. Returns false when it was dropped as late.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="timestamp">The element's event timestamp (its proto-session's start).</param>
    /// <param name="window">The element's proto-session.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Add(TKey key, TInput value, Instant timestamp, BoundedWindow window)
    {
        var start = window.Start.Millis;
        var end = window.End.Millis;
        if (end - 1 < InputWatermark.Millis)
        {
            DroppedLate++;
            return false;
        }

        ref var head = ref _heads.RefOrAdd(key, out var exists);
        if (exists && head >= 0)
        {
            ref var latest = ref _slots[head];
            if (latest.Start <= start && start < latest.End)
            {
                // The usual case, data in about the order of time: the element starts in the key's latest session, which
                // it extends in place (no other session can overlap it: they end before the latest starts).
                _fn.AddInput(ref latest.Accumulator, value);
                if (end > latest.End)
                {
                    latest.End = end;
                }

                return true;
            }

            return AddToKey(ref head, key, value, start, end);
        }

        return AddFirst(ref head, key, value, start, end, exists);
    }

    /// <summary>The key's first open session (a new key, or one whose sessions have all fired).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AddFirst(ref int head, TKey key, TInput value, long start, long end, bool exists)
    {
        if (exists)
        {
            _emptyKeys--; // a key whose sessions all fired, kept in the map: it has one again
        }

        head = -1;
        return Open(ref head, -1, -1, key, value, start, end, exists);
    }

    /// <summary>
    /// The general case: merge every open session of the key that the proto-session overlaps, or open one in its place. A
    /// key's sessions are disjoint and listed latest first, so the walk passes the sessions after the element, then the ones
    /// it overlaps, and stops at the first that ends before it starts: in about time order that is one or two sessions,
    /// however many a batch run keeps open.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AddToKey(ref int head, TKey key, TInput value, long start, long end)
    {
        var after = -1;
        var i = head;
        while (i >= 0 && _slots[i].Start >= end)
        {
            after = i;
            i = _slots[i].NextOfKey;
        }

        // From i on, every session starts before the element ends; those that end after it starts overlap it (latest first).
        var count = 0;
        while (i >= 0 && _slots[i].End > start)
        {
            if (count == _overlaps.Length)
            {
                Array.Resize(ref _overlaps, count * 2);
            }

            _overlaps[count++] = i;
            i = _slots[i].NextOfKey;
        }

        if (count == 0)
        {
            return Open(ref head, after, i, key, value, start, end, exists: true);
        }

        // The earliest overlapped session is the target; the others merge into it in the order of their starts.
        var target = _overlaps[count - 1];
        for (var k = count - 2; k >= 0; k--)
        {
            _fn.MergeAccumulators(ref _slots[target].Accumulator, _slots[_overlaps[k]].Accumulator);
        }

        for (var k = count - 2; k >= 0; k--)
        {
            var source = _overlaps[k];
            ref var merged = ref _slots[source];
            end = Math.Max(end, merged.End);
            Unlink(ref head, source);
            merged.State = Dead; // still queued: freed when its due time comes
            merged.Accumulator = default!;
            merged.Key = default!;
            LiveWindows--;
        }

        // The merged session stays between its neighbours: the one before ends before it starts, the one after starts
        // after it ends. Its place in the list holds.
        ref var slot = ref _slots[target];
        slot.Start = Math.Min(start, slot.Start);
        slot.End = Math.Max(end, slot.End);
        _fn.AddInput(ref slot.Accumulator, value);
        return true;
    }

    /// <summary>
    /// Opens a session for the element between <paramref name="after"/> (the session that starts after it, or -1: it is the
    /// latest) and <paramref name="before"/> (the one that ends before it, or -1): its accumulator first (user code that
    /// may throw), then the slot.
    /// </summary>
    private bool Open(ref int head, int after, int before, TKey key, TInput value, long start, long end, bool exists)
    {
        TAccum accumulator;
        try
        {
            accumulator = _fn.CreateAccumulator();
            _fn.AddInput(ref accumulator, value);
        }
        catch when (head < 0)
        {
            // The key holds no session: its entry stays empty (counted as such), or goes if it was just added.
            if (exists)
            {
                _emptyKeys++;
            }
            else
            {
                _heads.Remove(key);
            }

            throw;
        }

        var index = Allocate();
        ref var slot = ref _slots[index];
        slot.Key = key;
        slot.Start = start;
        slot.End = end;
        slot.Accumulator = accumulator;
        slot.State = Live;
        slot.PreviousOfKey = after;
        slot.NextOfKey = before;
        if (after < 0)
        {
            head = index;
        }
        else
        {
            _slots[after].NextOfKey = index;
        }

        if (before >= 0)
        {
            _slots[before].PreviousOfKey = index;
        }

        LiveWindows++;
        if (InputWatermark == Instant.MinValue)
        {
            _noted.Add(index); // nothing can fire yet: queued at the first watermark, at its end then
        }
        else
        {
            Queue(index, end);
        }

        return true;
    }

    /// <summary>Nothing to evaluate per bundle: the default trigger fires only as the watermark passes a session's end.</summary>
    public void EndBundle()
    {
    }

    /// <summary>Advances the input watermark: every session whose end is at or behind it fires and is freed, in time order.</summary>
    /// <param name="watermark">The new input watermark.</param>
    public void AdvanceWatermark(Instant watermark)
    {
        if (watermark <= InputWatermark)
        {
            return;
        }

        InputWatermark = watermark;
        var to = watermark.Millis;
        if (_swept != long.MinValue && (ulong)(to - _swept) <= (ulong)(_mask + 1))
        {
            // Bucket by bucket in time order, as if every one were walked: the empty ones only move the horizon, so a run of
            // them is passed at once and the sessions beyond the wheel that come within its span are pulled in then (they
            // all fall past this watermark: the wheel spanned it already).
            while (true)
            {
                var occupied = NextOccupied(_swept + 1, to);
                var passed = occupied == long.MaxValue ? to : occupied - 1;
                if (passed > _swept)
                {
                    _swept = passed;
                    if (_overflowNext <= Horizon)
                    {
                        PullOverflow();
                    }
                }

                if (occupied == long.MaxValue)
                {
                    return;
                }

                _swept = occupied;
                WalkBucket(occupied);
                if (_overflowNext <= Horizon)
                {
                    PullOverflow();
                }
            }
        }

        // A jump past the wheel's span (or the first watermark): everything goes through the queue, in time order.
        WheelToOverflow();
        if (_noted.Count > 0)
        {
            QueueNoted();
        }

        _swept = to;
        while (_overflow.TryPeek(out var index, out var due) && due <= to)
        {
            _overflow.Dequeue();
            ref var slot = ref _slots[index];
            if (slot.State == Dead)
            {
                Release(index);
            }
            else if (slot.End > due)
            {
                _overflow.Enqueue(index, slot.End); // it grew: it waits for its new end (fired in this loop if that has passed too)
            }
            else
            {
                Fire(index);
            }
        }

        _overflowNext = _overflow.TryPeek(out _, out var next) ? next : long.MaxValue;
        if (_overflowNext <= Horizon)
        {
            PullOverflow();
        }
    }

    /// <summary>
    /// Advances the watermark when no session ends at or before it (every bucket of the wheel it passes is empty, and no
    /// session waiting beyond the wheel comes within its new span), and says so; otherwise changes nothing and returns
    /// false, and the caller takes <see cref="AdvanceWatermark"/>'s full path. A runner advances through it without taking
    /// its call's gate.
    /// </summary>
    /// <param name="watermark">The new watermark.</param>
    /// <returns>True when the watermark moved (or stayed) and nothing fired.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdvanceWatermarkQuietly(Instant watermark)
    {
        var to = watermark.Millis;
        if (to <= InputWatermark.Millis)
        {
            return true;
        }

        if (_swept == long.MinValue || (ulong)(to - _swept) > (ulong)(_mask + 1) ||
            _overflowNext <= (to > long.MaxValue - (_mask + 1) ? long.MaxValue : to + _mask + 1))
        {
            return false;
        }

        if (to - _swept <= 4)
        {
            for (var t = _swept + 1; t <= to; t++)
            {
                if (_bucketHeads[(int)(t & _mask)] >= 0)
                {
                    return false;
                }
            }
        }
        else if (NextOccupied(_swept + 1, to) != long.MaxValue)
        {
            return false;
        }

        _swept = to;
        InputWatermark = watermark;
        return true;
    }

    /// <summary>Advances processing time (recorded: the default trigger does not wait on it); nothing ever fires on it.</summary>
    /// <param name="now">The processing time.</param>
    /// <returns>True.</returns>
    public bool TryAdvanceProcessingTimeQuietly(Instant now)
    {
        AdvanceProcessingTime(now);
        return true;
    }

    /// <summary>
    /// Queues the sessions opened before the first watermark (a batch run's, all of them), at their ends as they are now,
    /// equal ends in the order the sessions opened: each is queued once, at its final time, rather than moved as it grew;
    /// the ones merged away meanwhile are freed.
    /// </summary>
    private void QueueNoted()
    {
        var noted = new List<(int Session, long Due)>(_noted.Count);
        foreach (var index in _noted)
        {
            if (_slots[index].State == Dead)
            {
                Release(index);
            }
            else
            {
                noted.Add((index, _slots[index].End));
            }
        }

        _noted.Clear();
        _overflow.EnqueueRange(noted);
    }

    /// <summary>Moves the wheel's sessions to the overflow queue, in their order, and leaves the wheel empty (no watermark walked).</summary>
    private void WheelToOverflow()
    {
        if (_swept != long.MinValue)
        {
            // In time order from the first due time the wheel holds (none lies past the end of time).
            for (var t = 1L; t <= _mask + 1 && _swept <= long.MaxValue - t; t++)
            {
                var time = _swept + t;
                var bucket = (int)(time & _mask);
                for (var i = _bucketHeads[bucket]; i >= 0; i = _slots[i].NextInBucket)
                {
                    _overflow.Enqueue(i, time);
                }

                _bucketHeads[bucket] = -1;
            }

            Array.Clear(_occupied);
            _swept = long.MinValue;
        }

        _overflowNext = _overflow.TryPeek(out _, out var next) ? next : long.MaxValue;
    }

    /// <summary>Advances processing time (recorded: the default trigger does not wait on it).</summary>
    /// <param name="now">The processing time.</param>
    public void AdvanceProcessingTime(Instant now)
    {
        if (now > ProcessingTime)
        {
            ProcessingTime = now;
        }
    }

    /// <summary>
    /// The first time from <paramref name="from"/> to <paramref name="to"/> (at most a wheel's span apart) whose bucket holds
    /// sessions, or <see cref="long.MaxValue"/>: the occupancy bits are read a word (64 buckets) at a time.
    /// </summary>
    private long NextOccupied(long from, long to)
    {
        var t = from;
        while (t <= to)
        {
            var bucket = (int)(t & _mask);
            var bits = _occupied[bucket >> 6] >> (bucket & 63);
            if (bits != 0)
            {
                var found = t + System.Numerics.BitOperations.TrailingZeroCount(bits);
                return found <= to ? found : long.MaxValue;
            }

            t += 64 - (bucket & 63); // the next word's first bucket (the wheel's size is a multiple of 64, so it wraps there)
        }

        return long.MaxValue;
    }

    /// <summary>Sets the occupancy bits from the buckets (the wheel was made anew).</summary>
    private void RebuildOccupied()
    {
        var occupied = new ulong[(_mask + 1) / 64];
        for (var bucket = 0; bucket <= _mask; bucket++)
        {
            if (_bucketHeads[bucket] >= 0)
            {
                occupied[bucket >> 6] |= 1UL << bucket;
            }
        }

        _occupied = occupied;
    }

    /// <summary>The latest due time the wheel holds.</summary>
    private long Horizon => _swept > long.MaxValue - (_mask + 1) ? long.MaxValue : _swept + _mask + 1;

    /// <summary>Walks the bucket of <paramref name="time"/>: sessions that end then fire, sessions that grew move on.</summary>
    private void WalkBucket(long time)
    {
        var bucket = (int)(time & _mask);
        var i = _bucketHeads[bucket];
        if (i < 0)
        {
            return;
        }

        _bucketHeads[bucket] = -1;
        _occupied[bucket >> 6] &= ~(1UL << bucket);
        while (i >= 0)
        {
            ref var slot = ref _slots[i];
            var next = slot.NextInBucket;
            if (slot.State == Dead)
            {
                Release(i);
            }
            else if (slot.End > time)
            {
                Queue(i, slot.End);
            }
            else
            {
                Fire(i);
            }

            i = next;
        }
    }

    /// <summary>Queues a session at a due time after <see cref="_swept"/>: in the wheel when it spans that far (growing it if it may), or beyond.</summary>
    private void Queue(int index, long due)
    {
        if (_swept == long.MinValue || due > Horizon && !Grow(due))
        {
            _overflow.Enqueue(index, due);
            if (due < _overflowNext)
            {
                _overflowNext = due;
            }

            return;
        }

        var bucket = (int)(due & _mask);
        _slots[index].NextInBucket = -1;
        if (_bucketHeads[bucket] < 0)
        {
            _bucketHeads[bucket] = index;
            _occupied[bucket >> 6] |= 1UL << bucket;
        }
        else
        {
            _slots[_bucketTails[bucket]].NextInBucket = index;
        }

        _bucketTails[bucket] = index;
    }

    /// <summary>Moves the overflow queue's sessions that are now within the wheel's span into it, in their order.</summary>
    private void PullOverflow()
    {
        var horizon = Horizon;
        while (_overflow.TryPeek(out var index, out var due) && due <= horizon)
        {
            _overflow.Dequeue();
            Queue(index, due);
        }

        _overflowNext = _overflow.TryPeek(out _, out var next) ? next : long.MaxValue;
    }

    /// <summary>Doubles the wheel until it spans <paramref name="due"/>, if that is within its largest size; false otherwise.</summary>
    private bool Grow(long due)
    {
        if ((ulong)(due - _swept) > MaxWheel)
        {
            return false;
        }

        var size = _mask + 1;
        var newSize = size;
        while ((ulong)(due - _swept) > (ulong)newSize)
        {
            newSize *= 2;
        }

        var heads = NewBuckets(newSize);
        var tails = new int[newSize];
        var newMask = newSize - 1;
        for (var t = 1; t <= size; t++)
        {
            // Each bucket holds one due time of the span, so it moves whole, its order kept.
            var time = _swept + t;
            var from = (int)(time & _mask);
            var to = (int)(time & newMask);
            heads[to] = _bucketHeads[from];
            tails[to] = _bucketTails[from];
        }

        _bucketHeads = heads;
        _bucketTails = tails;
        _mask = newMask;
        RebuildOccupied();
        if (_overflowNext <= Horizon)
        {
            PullOverflow();
        }

        return true;
    }

    /// <summary>Emits a session's one pane (on time, first and last) and frees it.</summary>
    private void Fire(int index)
    {
        ref var slot = ref _slots[index];
        var window = BoundedWindow.Interval(new Instant(slot.Start), new Instant(slot.End));
        if (TryExtract(ref slot, window, out var value))
        {
            FiredPanes.Add(new FiredPane<TKey, TOutput>(slot.Key, value, new Instant(slot.End - 1), window, PaneInfo.OnTimeAndOnly));
            PanesFired++;
        }

        ref var head = ref _heads.RefOrNullRef(slot.Key);
        Unlink(ref head, index);
        if (head < 0 && ++_emptyKeys > EmptyKeysAllowed)
        {
            RemoveEmptyKeys();
        }

        LiveWindows--;
        Release(index);
    }

    /// <summary>
    /// How many keys without an open session the map may keep: a key's entry outlives its session so that the key's next
    /// session (the usual pattern: bursts of activity per key) finds it, but no more of them than twice the live sessions
    /// (and at least 1,024), so the map stays proportional to the state, not to every key ever seen.
    /// </summary>
    private int EmptyKeysAllowed => Math.Max(1024, 2 * LiveWindows);

    /// <summary>Removes the keys that have no open session from the map (amortized: once per that many emptied keys).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RemoveEmptyKeys()
    {
        _heads.RemoveEmpty();
        _emptyKeys = 0;
    }

    /// <summary>The pane's value; if the combine function throws, the pane is reported in <see cref="GroupingPanes{TKey, TOutput}.Failed"/> and firing goes on.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryExtract(ref Slot slot, BoundedWindow window, out TOutput value)
    {
        try
        {
            value = _fn.ExtractOutput(slot.Accumulator);
            return true;
        }
        catch (Exception error)
        {
            FailedPanes.Add(new FailedPane<TKey>(slot.Key, window, PaneInfo.OnTimeAndOnly, error));
            value = default!;
            return false;
        }
    }

    /// <summary>Takes a session out of its key's list, in O(1).</summary>
    private void Unlink(ref int head, int index)
    {
        ref var slot = ref _slots[index];
        if (slot.PreviousOfKey < 0)
        {
            head = slot.NextOfKey;
        }
        else
        {
            _slots[slot.PreviousOfKey].NextOfKey = slot.NextOfKey;
        }

        if (slot.NextOfKey >= 0)
        {
            _slots[slot.NextOfKey].PreviousOfKey = slot.PreviousOfKey;
        }
    }

    private int Allocate()
    {
        if (_free >= 0)
        {
            var index = _free;
            _free = _slots[index].NextOfKey;
            return index;
        }

        if (_used == _slots.Length)
        {
            Array.Resize(ref _slots, _used * 2);
        }

        return _used++;
    }

    private void Release(int index)
    {
        ref var slot = ref _slots[index];
        slot = default;
        slot.State = Free;
        slot.NextOfKey = _free;
        _free = index;
    }

    private static int[] NewBuckets(int size)
    {
        var buckets = new int[size];
        buckets.AsSpan().Fill(-1);
        return buckets;
    }

    /// <summary>One session: its key, interval and accumulator, its neighbours among the key's sessions and the next in its bucket.</summary>
    private struct Slot
    {
        public TKey Key;
        public long Start;
        public long End;
        public TAccum Accumulator;
        public int NextOfKey;     // the key's session that started before this one, or -1 (on a free slot: the next free one)
        public int PreviousOfKey; // the key's session that started after this one, or -1 (the key's latest)
        public int NextInBucket;
        public byte State;
    }
}
