using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;

namespace Compiled.Execution;

/// <summary>
/// The timers of one stateful ParDo: every key-and-window slot's event-time and processing-time timers, the
/// watermark holds of their output timestamps, and the expiration of each slot's window. The generated runner asks it
/// for the next due firing in timestamp order; a callback that sets an earlier timer (still due) gets it fired next.
/// </summary>
/// <remarks>
/// <para>State: for each timer of each slot, its current setting (sequence, firing and output timestamps): plain timers
/// in an array indexed by slot and ordinal, timers of timer maps in a dictionary by (slot, ordinal, id).</para>
/// <para>State style: a setting replaces the previous one; the heaps keep every setting and skip stale ones lazily (a
/// setting is current while the registry holds its sequence number), so a set is O(log n) and never searches.</para>
/// <para>Merging: not supported (stateful ParDo on merging windows is refused at build time).</para>
/// <para>Lifetime: a timer's setting is dropped when it fires, is cleared, or its slot is released at window expiry.
/// The arrays and heaps grow to the largest number of live slots and pending timers, then are reused: a warmed-up
/// runner allocates nothing to set or fire a plain timer.</para>
/// <para>Generated code drives it; it is public for that reason only.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class TimerScheduler
{
    private readonly TimeDomain[] _domains;
    private readonly string[] _names;
    private readonly int _timerCount;
    private Setting[] _plain = Array.Empty<Setting>();
    private readonly Dictionary<(int Slot, int Timer, string Id), Setting> _maps = new();
    private readonly List<(int Slot, int Timer, string Id)> _released = new();
    private int[] _mapCount = Array.Empty<int>();
    private long[] _generation = Array.Empty<long>();
    private TimerHeap _event = new();
    private TimerHeap _processing = new();
    private TimerHeap _holds = new();
    private TimerHeap _expirations = new();
    private long _seq;

    // No event-time timer or expiration is due before this (a lower bound, kept by NextEvent and lowered by every
    // setting): a watermark at or below it fires nothing, so most advances skip the heaps.
    private long _dueAt = long.MinValue;
    private readonly TimerIds _ids = new(); // the ids of the timer-map entries in the heaps, by handle

    // A heap is compacted (its stale entries dropped) when it grows past this many entries: twice what the last
    // compaction left, so a timer re-set for every element costs O(1) amortized and the heaps stay bounded.
    private int _compactEvent = MinCompaction;
    private int _compactProcessing = MinCompaction;
    private int _compactHolds = MinCompaction;
    private int _compactExpirations = MinCompaction;
    private const int MinCompaction = 1024;

    // The context of the callback being run: set by the generated code before it calls user code.
    private long _inputWatermark = Instant.MinValue.Millis;
    private long _processingTime = Instant.MinValue.Millis;
    private long _inputTimestamp = Instant.MinValue.Millis;
    private long _windowExpiry = Instant.MaxValue.Millis;
    private BoundedWindow _window = BoundedWindow.Global;

    private readonly bool _holdsWatermark;

    /// <summary>Creates the scheduler of a state struct's timers.</summary>
    /// <param name="names">The timer fields' names, by ordinal (for messages).</param>
    /// <param name="domains">Each timer's time domain, by ordinal.</param>
    /// <param name="holdsWatermark">
    /// Whether a transform downstream reads <see cref="Hold"/> (a grouping or another stateful ParDo): only then are the
    /// output timestamps of pending timers tracked.
    /// </param>
    public TimerScheduler(string[] names, TimeDomain[] domains, bool holdsWatermark = true)
    {
        _holdsWatermark = holdsWatermark;
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(domains);
        _names = names;
        _domains = domains;
        _timerCount = domains.Length;
    }

    private struct Setting
    {
        public long Seq;
        public long At;
        public long Output;
    }

    /// <summary>The input watermark timers are relative to (event time), as last told.</summary>
    public Instant InputWatermark => new(_inputWatermark);

    /// <summary>Processing time as last told.</summary>
    public Instant ProcessingTime => new(_processingTime);

    /// <summary>The name of timer <paramref name="timer"/> (its field in the state struct).</summary>
    public string NameOf(int timer) => _names[timer];

    /// <summary>Makes room for slots up to <paramref name="capacity"/>.</summary>
    public void EnsureSlots(int capacity)
    {
        if (capacity <= _generation.Length)
        {
            return;
        }

        var size = Math.Max(capacity, Math.Max(16, _generation.Length * 2));
        Array.Resize(ref _generation, size);
        Array.Resize(ref _mapCount, size);
        Array.Resize(ref _plain, size * _timerCount);
    }

    /// <summary>The input watermark moved: relative event-time timers are set from it.</summary>
    public void SetInputWatermark(Instant watermark) => _inputWatermark = watermark.Millis;

    /// <summary>
    /// No event-time timer or window expiration fires at a watermark at or before this (the earliest one due, as the
    /// last <see cref="NextEvent"/> found it, lowered by every timer set since): an advance to such a watermark fires nothing.
    /// </summary>
    public long DueAt => _dueAt;

    /// <summary>Processing time moved: relative processing-time timers are set from it.</summary>
    public void SetProcessingTime(Instant now) => _processingTime = now.Millis;

    /// <summary>
    /// Before a callback: the timestamp of the input (the element's, or the firing timer's output timestamp) and the
    /// window, whose expiration bounds the timers the callback sets.
    /// </summary>
    public void Begin(Instant inputTimestamp, BoundedWindow window, Instant windowExpiry)
    {
        _inputTimestamp = inputTimestamp.Millis;
        _window = window;
        _windowExpiry = windowExpiry.Millis;
    }

    /// <summary>Schedules the expiration of a new slot's window: it fires after every timer of the slot due by then.</summary>
    public void ScheduleExpiry(int slot, Instant expiry)
    {
        if (expiry.Millis < _dueAt)
        {
            _dueAt = expiry.Millis;
        }

        _expirations.Push(new TimerEntry(expiry.Millis, _generation[slot], slot, TimerEntry.Plain(-1)));
        if (_expirations.Count > _compactExpirations)
        {
            _compactExpirations = Compact(ref _expirations, expirations: true);
        }
    }

    /// <summary>Sets a timer to fire at <paramref name="target"/> (Beam's <c>set</c>), replacing its previous setting.</summary>
    public void Set(int slot, int timer, string? id, Instant target, bool hasOutput, Instant output)
    {
        if (_domains[timer] != TimeDomain.EventTime)
        {
            throw new InvalidOperationException("Timer '" + Name(timer, id) + "' is in processing time: only relative timers can be set in processing time (Offset(...).SetRelative()), since no absolute processing time is known in advance.");
        }

        Schedule(slot, timer, id, target.Millis, hasOutput, output.Millis);
    }

    /// <summary>
    /// Sets a timer relative to the current time (Beam's <c>setRelative</c>): the input watermark in event time, processing
    /// time in processing time; plus <paramref name="offsetMillis"/>, or aligned up to a multiple of
    /// <paramref name="periodMillis"/> as Beam aligns. An event-time timer is moved back to its window's expiration if
    /// it would be later.
    /// </summary>
    public void SetRelative(int slot, int timer, string? id, long offsetMillis, long periodMillis, bool hasOutput, Instant output)
    {
        var now = _domains[timer] == TimeDomain.EventTime ? _inputWatermark : _processingTime;
        long target;
        if (periodMillis == 0)
        {
            target = Add(now, offsetMillis);
        }
        else
        {
            var sinceStart = Add(now, offsetMillis) % periodMillis;
            target = sinceStart == 0 ? now : Add(now, periodMillis - sinceStart);
        }

        if (_domains[timer] == TimeDomain.EventTime && target > _windowExpiry)
        {
            target = _windowExpiry;
        }

        Schedule(slot, timer, id, target, hasOutput, output.Millis);
    }

    /// <summary>Clears a timer: it will not fire unless set again.</summary>
    public void Clear(int slot, int timer, string? id)
    {
        if (id is null)
        {
            _plain[(slot * _timerCount) + timer].Seq = 0;
        }
        else if (_maps.Remove((slot, timer, id)))
        {
            _mapCount[slot]--;
        }
    }

    /// <summary>Releases a slot whose window expired: its timers are dropped, and the slot may be given to another key.</summary>
    public void ReleaseSlot(int slot)
    {
        _generation[slot]++;
        for (var t = 0; t < _timerCount; t++)
        {
            _plain[(slot * _timerCount) + t].Seq = 0;
        }

        if (_mapCount[slot] > 0)
        {
            foreach (var key in _maps.Keys)
            {
                if (key.Slot == slot)
                {
                    _released.Add(key);
                }
            }

            foreach (var key in _released)
            {
                _maps.Remove(key);
            }

            _released.Clear();
            _mapCount[slot] = 0;
        }
    }

    /// <summary>
    /// The next event-time firing due at <paramref name="watermark"/> (a timer fires when the watermark passes its
    /// timestamp), timers before window expirations at the same time; false when nothing is due. A timer is unset
    /// when it is handed out, so its callback may set it again.
    /// </summary>
    public bool NextEvent(Instant watermark, out TimerFiring firing)
    {
        if (watermark.Millis <= _dueAt)
        {
            firing = default;
            return false;
        }

        var hasTimer = Top(ref _event, out var timer);
        var timerDue = hasTimer && timer.At < watermark.Millis;
        if (timerDue && (_expirations.Count == 0 || _expirations.Peek().At >= timer.At))
        {
            // Due before every expiration: the expiration heap's top, stale or not, is no later than its earliest live entry.
            firing = Take(ref _event, timer, TimeDomain.EventTime);
            return true;
        }

        var hasExpiry = TopExpiry(out var expiry);
        if (timerDue && (!hasExpiry || timer.At <= expiry.At))
        {
            firing = Take(ref _event, timer, TimeDomain.EventTime);
            return true;
        }

        if (hasExpiry && expiry.At < watermark.Millis)
        {
            _expirations.Pop();
            firing = new TimerFiring(expiry.Slot, -1, null, TimeDomain.EventTime, new Instant(expiry.At), new Instant(expiry.At));
            return true;
        }

        _dueAt = Math.Min(hasTimer ? timer.At : long.MaxValue, hasExpiry ? expiry.At : long.MaxValue);
        firing = default;
        return false;
    }

    /// <summary>
    /// The time of the next event-time firing due at <paramref name="watermark"/> (a timer or a window expiration), without
    /// taking it; false when nothing is due.
    /// </summary>
    public bool PeekEvent(Instant watermark, out long at)
    {
        at = long.MaxValue;
        if (watermark.Millis <= _dueAt)
        {
            return false;
        }

        if (Top(ref _event, out var timer) && timer.At < watermark.Millis)
        {
            at = timer.At;
        }

        if (TopExpiry(out var expiry) && expiry.At < watermark.Millis && expiry.At < at)
        {
            at = expiry.At;
        }

        return at != long.MaxValue;
    }

    /// <summary>The next processing-time timer due at <paramref name="now"/> (its time reached); false when none is.</summary>
    public bool NextProcessing(Instant now, out TimerFiring firing)
    {
        if (Top(ref _processing, out var timer) && timer.At <= now.Millis)
        {
            firing = Take(ref _processing, timer, TimeDomain.ProcessingTime);
            return true;
        }

        firing = default;
        return false;
    }

    /// <summary>The earliest processing-time deadline pending, or <see cref="Instant.MaxValue"/>.</summary>
    public Instant NextProcessingDeadline => Top(ref _processing, out var timer) ? new Instant(timer.At) : Instant.MaxValue;

    /// <summary>
    /// The watermark hold of the pending timers: the earliest output timestamp among them (Beam's timer output
    /// timestamps hold the output watermark), or <see cref="Instant.MaxValue"/> when no timer is pending (or holds are not
    /// tracked: nothing downstream reads them).
    /// </summary>
    public Instant Hold => Top(ref _holds, out var hold) ? new Instant(hold.At) : Instant.MaxValue;

    private void Schedule(int slot, int timer, string? id, long target, bool hasOutput, long output)
    {
        var domain = _domains[timer];
        if (!hasOutput)
        {
            // Beam: an event-time timer outputs (and holds) at its firing time, a processing-time timer at its input's timestamp.
            output = domain == TimeDomain.EventTime ? target : _inputTimestamp;
        }
        else if (output < _inputTimestamp)
        {
            throw new ArgumentException("The output timestamp " + Format(output) + " of timer '" + Name(timer, id) + "' is before the input timestamp " +
                                        Format(_inputTimestamp) + " (the element's, or the firing timer's output timestamp): it should not be earlier.");
        }

        if (domain == TimeDomain.EventTime)
        {
            if (output > target)
            {
                throw new ArgumentException("Attempted to set event-time timer '" + Name(timer, id) + "' with an output timestamp of " + Format(output) +
                                            " that is after the timer firing timestamp " + Format(target) + ".");
            }

            if (target > _windowExpiry)
            {
                throw new ArgumentException("Attempted to set event-time timer '" + Name(timer, id) + "' with a firing timestamp of " + Format(target) +
                                            " that is after the expiration of window " + _window + " (" + Format(_windowExpiry) + ").");
            }
        }
        else if (output > _windowExpiry)
        {
            throw new ArgumentException("Attempted to set processing-time timer '" + Name(timer, id) + "' with an output timestamp of " + Format(output) +
                                        " that is after the expiration of window " + _window + " (" + Format(_windowExpiry) + ").");
        }

        Enqueue(slot, timer, id, target, output);
    }

    /// <summary>Records a timer's new setting (the previous one goes stale) and queues it, and its hold, in its heaps.</summary>
    private void Enqueue(int slot, int timer, string? id, long target, long output)
    {
        var domain = _domains[timer];
        var seq = ++_seq;
        var setting = new Setting { Seq = seq, At = target, Output = output };
        if (id is null)
        {
            _plain[(slot * _timerCount) + timer] = setting;
        }
        else
        {
            ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_maps, (slot, timer, id), out var exists);
            if (!exists)
            {
                _mapCount[slot]++;
            }

            entry = setting;
        }

        if (domain == TimeDomain.EventTime)
        {
            if (target < _dueAt)
            {
                _dueAt = target;
            }

            _event.Push(new TimerEntry(target, seq, slot, _ids.Add(timer, id)));
            if (_event.Count > _compactEvent)
            {
                _compactEvent = Compact(ref _event, expirations: false);
            }
        }
        else
        {
            _processing.Push(new TimerEntry(target, seq, slot, _ids.Add(timer, id)));
            if (_processing.Count > _compactProcessing)
            {
                _compactProcessing = Compact(ref _processing, expirations: false);
            }
        }

        if (_holdsWatermark)
        {
            _holds.Push(new TimerEntry(output, seq, slot, _ids.Add(timer, id)));
            if (_holds.Count > _compactHolds)
            {
                _compactHolds = Compact(ref _holds, expirations: false);
            }
        }
    }

    /// <summary>Drops a heap's stale entries (re-set or cleared timers, released slots); returns the size at which to compact next.</summary>
    private int Compact(ref TimerHeap heap, bool expirations)
    {
        var kept = 0;
        for (var i = 0; i < heap.Count; i++)
        {
            var entry = heap[i];
            var current = expirations ? _generation[entry.Slot] == entry.Seq : IsCurrent(entry);
            if (current)
            {
                heap[kept++] = entry;
            }
            else
            {
                _ids.Release(entry.Code);
            }
        }

        heap.Rebuild(kept);
        return Math.Max(MinCompaction, kept * 2);
    }

    /// <summary>The current setting of a timer (Seq 0: none).</summary>
    private Setting Current(int slot, int timer, string? id)
    {
        if (id is null)
        {
            return _plain[(slot * _timerCount) + timer];
        }

        return _maps.TryGetValue((slot, timer, id), out var setting) ? setting : default;
    }

    /// <summary>Whether a timer entry is its timer's current setting (not re-set, cleared or fired since).</summary>
    private bool IsCurrent(in TimerEntry entry) => entry.IsPlain
        ? _plain[(entry.Slot * _timerCount) + entry.PlainTimer].Seq == entry.Seq
        : Current(entry.Slot, _ids.TimerOf(entry.Code), _ids.IdOf(entry.Code)).Seq == entry.Seq;

    /// <summary>The top of a heap once its stale entries are dropped.</summary>
    private bool Top(ref TimerHeap heap, out TimerEntry entry)
    {
        while (heap.Count > 0)
        {
            entry = heap.Peek();
            if (IsCurrent(entry))
            {
                return true;
            }

            _ids.Release(entry.Code);
            heap.Pop();
        }

        entry = default;
        return false;
    }

    private bool TopExpiry(out TimerEntry entry)
    {
        while (_expirations.Count > 0)
        {
            entry = _expirations.Peek();
            if (_generation[entry.Slot] == entry.Seq)
            {
                return true;
            }

            _expirations.Pop();
        }

        entry = default;
        return false;
    }

    private TimerFiring Take(ref TimerHeap heap, in TimerEntry entry, TimeDomain domain)
    {
        if (entry.IsPlain)
        {
            // A plain timer: its setting is found by index, and unset there.
            ref var plain = ref _plain[(entry.Slot * _timerCount) + entry.PlainTimer];
            var at = plain.At;
            var output = plain.Output;
            plain.Seq = 0;
            heap.Pop();
            return new TimerFiring(entry.Slot, entry.PlainTimer, null, domain, new Instant(at), new Instant(output));
        }

        var timer = _ids.TimerOf(entry.Code);
        var id = _ids.IdOf(entry.Code);
        var setting = Current(entry.Slot, timer, id);
        heap.Pop();
        _ids.Release(entry.Code);
        Clear(entry.Slot, timer, id);
        return new TimerFiring(entry.Slot, timer, id, domain, new Instant(setting.At), new Instant(setting.Output));
    }

    private string Name(int timer, string? id) => id is null ? _names[timer] : _names[timer] + "[\"" + id + "\"]";

    private static long Add(long a, long b)
    {
        var sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (b < 0 ? long.MinValue : long.MaxValue) : sum;
    }

    private static string Format(long millis) => new Instant(millis).ToString() + " (" + millis.ToString(CultureInfo.InvariantCulture) + " ms)";
}
