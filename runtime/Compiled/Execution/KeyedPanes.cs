using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Compiled.Triggers;

namespace Compiled.Execution;

/// <summary>
/// The windowing strategy of a grouping, as the runtime executes it: everything but the window function,
/// which the generated code applies before elements reach <see cref="KeyedPanes{TKey, TInput, TAccum, TOutput, TCombineFn}"/>.
/// </summary>
/// <param name="AllowedLatenessMillis">How long after the end of a window its state is kept for late data.</param>
/// <param name="Accumulating">Whether panes accumulate (each pane holds all data so far) or discard.</param>
/// <param name="TimestampCombiner">How a pane's output timestamp is chosen.</param>
/// <param name="Closing">Whether the final pane at garbage collection fires when empty.</param>
/// <param name="OnTime">Whether the on-time pane fires when empty.</param>
/// <param name="Merging">Whether windows of the same key merge when they overlap (sessions).</param>
/// <param name="SlidingPeriodMillis">
/// For sliding windows, their period; 0 for any other window function. An element's output time in a window is moved
/// so that it is not before the end of the previous overlapping window (Beam's <c>SlidingWindows.getOutputTime</c>):
/// with the earliest timestamp combiner, a window's pane is then not held back by elements that earlier windows
/// already hold. Not used with <see cref="TimestampCombiner.EndOfWindow"/>.
/// </param>
public readonly record struct PaneOptions(
    long AllowedLatenessMillis = 0,
    bool Accumulating = false,
    TimestampCombiner TimestampCombiner = TimestampCombiner.EndOfWindow,
    ClosingBehavior Closing = ClosingBehavior.FireIfNonEmpty,
    OnTimeBehavior OnTime = OnTimeBehavior.FireAlways,
    bool Merging = false,
    long SlidingPeriodMillis = 0);

/// <summary>A pane emitted by a grouping: the key, the combined value, and where and when it belongs.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TOutput">The combined value type.</typeparam>
/// <param name="Key">The key.</param>
/// <param name="Value">The pane's value.</param>
/// <param name="Timestamp">The pane's output timestamp (per the timestamp combiner).</param>
/// <param name="Window">The window.</param>
/// <param name="Pane">The pane's position and timing.</param>
public readonly record struct FiredPane<TKey, TOutput>(TKey Key, TOutput Value, Instant Timestamp, BoundedWindow Window, PaneInfo Pane);

/// <summary>A pane that fired but whose value could not be extracted: the combine function's ExtractOutput threw.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <param name="Key">The key.</param>
/// <param name="Window">The window.</param>
/// <param name="Pane">The pane's position and timing.</param>
/// <param name="Error">What ExtractOutput threw.</param>
public readonly record struct FailedPane<TKey>(TKey Key, BoundedWindow Window, PaneInfo Pane, Exception Error);

/// <summary>
/// Keyed, windowed, triggered state of a grouping or combine: Beam's <c>ReduceFnRunner</c> for one stage,
/// specialized by its generic parameters. Elements are added with their key, window and timestamp; the
/// watermark and processing time advance; panes fire per the trigger into <see cref="GroupingPanes{TKey, TOutput}.Fired"/>, which the
/// generated code drains into the rest of its stage.
/// </summary>
/// <remarks>
/// <para>State layout: one slot per key and window in a pooled array of structs (accumulator, pane
/// bookkeeping, hold, trigger state inline); a map from key to the root of the key's windows, kept as a
/// search tree of slots ordered by window (a treap, its links in the slots). A key has few live windows in
/// streaming, but a batch run keeps every window until the end: finding an element's window (for sessions, the
/// sessions it overlaps, which are neighbours in the order) and freeing one take O(log n) in the key's windows,
/// never a walk over all of them. Freed slots are reused, so steady state allocates nothing per element.
/// Event-time timers (end of window, garbage collection at end of window plus allowed lateness) and
/// processing-time deadlines are kept in priority queues ordered by time; a session that grows keeps its
/// timer, which is moved when it comes due.</para>
/// <para>A custom merging window function is given all the live windows of a key (it may merge any of them):
/// per element once the watermark has moved, as before; but while the input watermark is at its minimum (a batch
/// run, before anything can fire) and the trigger is the default one, new windows are merged per bundle, as
/// Beam's <c>ReduceFnRunner</c> does, and earlier when a key's new windows outnumber its merged ones, so that the
/// merges cost O(log n) per element, amortized.</para>
/// <para>Semantics (Beam's): an element whose window's garbage collection time is behind the input
/// watermark is dropped and counted (<see cref="GroupingPanes{TKey, TOutput}.DroppedLate"/>); an element for a window whose trigger has
/// finished is dropped and counted (<see cref="GroupingPanes{TKey, TOutput}.DroppedClosed"/>). When the trigger fires, a pane is emitted
/// with <see cref="PaneInfo"/> described as Beam's <c>PaneInfoTracker</c> does; at garbage collection a final
/// pane is emitted if it has new data (or always, with <see cref="ClosingBehavior.FireAlways"/>); the on-time
/// pane is emitted even when empty unless <see cref="OnTimeBehavior.FireIfNonEmpty"/>. Output timestamps
/// follow the timestamp combiner over the pane's elements; an element whose output time is already behind
/// the watermark holds the pane at the end of the window, or at its garbage collection time once the
/// window is late, as Beam's <c>WatermarkHold</c> does (the output watermark is taken to be the input
/// watermark: an approximation that only differs for earliest/latest combiners with disorder beyond the
/// watermark). Sessions merge per key: accumulators merge, counts and holds combine; an element whose
/// session overlaps a closed (finished) session is dropped as for a closed window.</para>
/// </remarks>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TInput">The input value type.</typeparam>
/// <typeparam name="TAccum">The accumulator type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
/// <typeparam name="TCombineFn">The combine function (a struct for direct calls).</typeparam>
public sealed partial class KeyedPanes<TKey, TInput, TAccum, TOutput, TCombineFn> : GroupingPanes<TKey, TOutput>
    where TKey : notnull
    where TCombineFn : ICombineFn<TInput, TAccum, TOutput>
{
    private readonly TriggerStateMachine _trigger;
    private readonly PaneOptions _options;
    private readonly bool _defaultTrigger;
    private readonly Dictionary<TKey, KeyWindows> _heads;
    private readonly List<TKey> _dirtyKeys = new();
    private readonly TimerQueue<SlotTimer> _eventTimers = new();
    private readonly List<SlotTimer> _unscheduled = new();
    private readonly TimerQueue<SlotTimer> _processingTimers = new();
    private readonly List<int> _touched = new();
    private TCombineFn _fn;
    private Slot[] _slots = new Slot[64];

    // The trigger's state of each slot, beside the slots rather than in them: the default trigger keeps none, so its
    // slots stay small (a slot is touched by every element; 72 bytes less of it per key and window is less memory to
    // walk); other triggers find it at the slot's index.
    private TriggerState[] _triggerStates = Array.Empty<TriggerState>();
    private int _used;
    private int _free = -1;

    /// <summary>Creates the state of one grouping.</summary>
    /// <param name="fn">The combine function.</param>
    /// <param name="trigger">The trigger.</param>
    /// <param name="options">The rest of the windowing strategy.</param>
    /// <param name="comparer">The key comparer, or null for the default.</param>
    /// <param name="mergingFn">
    /// A custom merging window function (windows of a key merge as it says); null: merging windows are sessions
    /// (overlapping intervals merge). Used only with <see cref="PaneOptions.Merging"/>.
    /// </param>
    public KeyedPanes(TCombineFn fn, TriggerStateMachine trigger, PaneOptions options, IEqualityComparer<TKey>? comparer = null, IMergingWindowFn? mergingFn = null)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (options.AllowedLatenessMillis < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AllowedLatenessMillis, "The allowed lateness must not be negative.");
        }

        _fn = fn;
        _trigger = trigger;
        _options = options;
        _defaultTrigger = trigger.IsDefault;
        if (!_defaultTrigger)
        {
            _triggerStates = new TriggerState[_slots.Length];
        }
        _heads = new Dictionary<TKey, KeyWindows>(comparer);
        _mergingFn = mergingFn;
    }

    private readonly IMergingWindowFn? _mergingFn;
    private BoundedWindow[] _mergeWindows = new BoundedWindow[8];
    private int[] _overlaps = new int[4];
    private readonly List<BoundedWindow> _mergeMembers = new();
    private readonly List<(int First, int Count, BoundedWindow Result)> _mergeGroups = new();

    /// <summary>
    /// The output watermark: the input watermark held back by the output timestamps of panes not yet emitted
    /// (Beam's watermark holds), so downstream groupings do not see those panes as late. With the end-of-window
    /// timestamp combiner a pane's timestamp is never behind its consumers' watermark, and this is the input
    /// watermark; with the earliest or latest combiner it scans the live windows' holds.
    /// </summary>
    public Instant OutputWatermark
    {
        get
        {
            if (_options.TimestampCombiner == TimestampCombiner.EndOfWindow)
            {
                return InputWatermark;
            }

            var hold = InputWatermark.Millis;
            for (var i = 0; i < _used; i++)
            {
                ref readonly var slot = ref _slots[i];
                if (!slot.InUse || slot.Closed)
                {
                    continue;
                }

                if (slot.HasElementHold && slot.ElementHold < hold)
                {
                    hold = slot.ElementHold;
                }

                if (slot.HasExtraHold && slot.ExtraHold < hold)
                {
                    hold = slot.ExtraHold;
                }
            }

            return new Instant(hold);
        }
    }

    /// <summary>
    /// The earliest processing-time deadline of a window's trigger (after <see cref="GroupingPanes{TKey, TOutput}.ProcessingTime"/>), or null when no
    /// trigger waits on processing time: a runner with a clock arms a timer for it, and advancing processing time to it
    /// evaluates the triggers that were waiting. It may be the deadline of a window that has fired or been freed since;
    /// advancing to it then fires nothing, and the next deadline follows.
    /// </summary>
    public Instant? NextProcessingDeadline => _processingTimers.TryPeek(out _, out var time) ? new Instant(time) : null;

    /// <summary>
    /// Adds an element to its key and window. Returns false when it was dropped (late or closed window).
    /// Triggers that fire on elements are evaluated at <see cref="EndBundle"/>.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="timestamp">The element's event timestamp.</param>
    /// <param name="window">The element's window (for merging windows: its proto-session).</param>
    public bool Add(TKey key, TInput value, Instant timestamp, BoundedWindow window)
    {
        if (GcTime(window) < InputWatermark.Millis)
        {
            DroppedLate++;
            return false;
        }

        var index = !_options.Merging ? FindOrCreate(key, window) : _mergingFn is null ? FindOrMerge(key, window) : FindOrMergeCustom(key, window, DeferMerges);
        if (index < 0)
        {
            DroppedClosed++;
            return false;
        }

        ref var slot = ref _slots[index];
        if (slot.Closed)
        {
            DroppedClosed++;
            return false;
        }

        if (!slot.HasAccumulator)
        {
            slot.Accumulator = _fn.CreateAccumulator();
            slot.HasAccumulator = true;
        }

        _fn.AddInput(ref slot.Accumulator, value);
        slot.NewData = true;
        AddHold(ref slot, timestamp);
        if (!_defaultTrigger)
        {
            var context = new TriggerContext(slot.Window, InputWatermark, ProcessingTime);
            _trigger.OnElement(ref _triggerStates[index], context);
            if (_trigger.UsesProcessingTime)
            {
                ScheduleDeadline(index, ref slot);
            }

            Touch(index, ref slot);
        }
        else if (InputWatermark > slot.Window.MaxTimestamp)
        {
            // Late data under the default trigger fires a late pane at the end of the bundle.
            Touch(index, ref slot);
        }

        if (slot.Pending)
        {
            MergeIfManyPending(key);
        }

        return true;
    }

    /// <summary>
    /// Whether a custom merging window function's merges wait for the end of the bundle: only while nothing can fire
    /// or be late (the input watermark at its minimum) and the trigger is the default one, whose state does not depend
    /// on the order of elements and merges. Then the windows, holds and accumulated values are those of merging per
    /// element (a combine function whose result depends on the order of its merges, such as a list, may see another order).
    /// </summary>
    private bool DeferMerges => _defaultTrigger && InputWatermark == Instant.MinValue;

    /// <summary>Whether <see cref="EndBundle"/> has something to evaluate (keys whose windows merge, or windows whose trigger may fire): a runner calls it only then.</summary>
    public bool BundleWaits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _touched.Count != 0 || _dirtyKeys.Count != 0;
    }

    /// <summary>Evaluates the triggers of the windows that received elements since the last call (Beam evaluates per bundle).</summary>
    public void EndBundle()
    {
        if (_dirtyKeys.Count > 0)
        {
            MergeDirtyKeys();
        }

        if (_touched.Count == 0)
        {
            return;
        }

        for (var i = 0; i < _touched.Count; i++)
        {
            var index = _touched[i];
            ref var slot = ref _slots[index];
            slot.Touched = false;
            if (slot.InUse && !slot.Closed)
            {
                TryFire(index, ref slot, isEndOfWindow: false);
            }
        }

        _touched.Clear();
    }

    /// <summary>Advances the input watermark: end-of-window and garbage-collection timers behind it fire, in time order.</summary>
    public void AdvanceWatermark(Instant watermark)
    {
        EndBundle();
        if (watermark <= InputWatermark)
        {
            return;
        }

        InputWatermark = watermark;
        if (_unscheduled.Count > 0)
        {
            ScheduleNoted();
        }

        while (_eventTimers.TryPeek(out var timer, out var time) && time < watermark.Millis)
        {
            _eventTimers.Dequeue();
            ref var slot = ref _slots[timer.Slot];
            if (!slot.InUse || slot.Generation != timer.Generation)
            {
                continue;
            }

            var due = NextEventTimer(ref slot);
            if (time < due)
            {
                // The window grew (a session merged): its timer moves to the new time.
                _eventTimers.Enqueue(timer, due);
                continue;
            }

            var gc = GcTime(slot.Window);
            if (!slot.EndOfWindowDone && slot.Window.MaxTimestamp.Millis < gc && gc >= watermark.Millis)
            {
                slot.EndOfWindowDone = true;
                if (!slot.Closed)
                {
                    TryFire(timer.Slot, ref slot, isEndOfWindow: true);
                }

                _eventTimers.Enqueue(timer, gc);
            }
            else
            {
                // Garbage collection: the final pane. When one advance passes both the end of the window and its end
                // plus the allowed lateness, this is also the end-of-window firing: one on-time pane, marked last, as
                // Beam's ReduceFnRunner.onTimers emits when a timer is both isEndOfWindow and isGarbageCollection.
                if (!slot.Closed)
                {
                    Fire(ref slot, isFinal: true, isEndOfWindow: !slot.EndOfWindowDone);
                }

                Release(timer.Slot);
            }
        }
    }

    /// <summary>
    /// Advances the watermark when that fires nothing (no bundle waits for its evaluation or its merges, no timer was noted
    /// before the first watermark, and no event-time timer is behind the new watermark), and says so; otherwise changes
    /// nothing and returns false, and the caller takes <see cref="AdvanceWatermark"/>'s full path. A runner advances
    /// through it without taking its call's gate (with end-of-window timestamps, where nothing holds the watermark).
    /// </summary>
    /// <param name="watermark">The new watermark.</param>
    /// <returns>True when the watermark moved (or stayed) and nothing fired.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdvanceWatermarkQuietly(Instant watermark) =>
        TryMoveWatermark(_touched.Count != 0 || _dirtyKeys.Count != 0 || _unscheduled.Count != 0, _eventTimers.EarliestTime, watermark);

    /// <summary>
    /// Advances processing time when that fires nothing (no bundle waits, no deadline at or before the new time), and says
    /// so; otherwise changes nothing and returns false, and the caller takes <see cref="AdvanceProcessingTime"/>'s full path.
    /// </summary>
    /// <param name="now">The new processing time.</param>
    /// <returns>True when processing time moved (or stayed) and nothing fired.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdvanceProcessingTimeQuietly(Instant now) =>
        TryMoveProcessingTime(_touched.Count != 0 || _dirtyKeys.Count != 0, _processingTimers.EarliestTime, now);

    /// <summary>Advances processing time: processing-time triggers whose deadline has passed are evaluated.</summary>
    public void AdvanceProcessingTime(Instant now)
    {
        EndBundle();
        if (now <= ProcessingTime)
        {
            return;
        }

        ProcessingTime = now;
        while (_processingTimers.TryPeek(out var timer, out var time) && time <= now.Millis)
        {
            _processingTimers.Dequeue();
            ref var slot = ref _slots[timer.Slot];
            if (!slot.InUse || slot.Generation != timer.Generation || slot.Closed)
            {
                continue;
            }

            slot.Deadline = long.MinValue;
            TryFire(timer.Slot, ref slot, isEndOfWindow: false);
            if (slot.InUse && !slot.Closed)
            {
                ScheduleDeadline(timer.Slot, ref slot);
            }
        }
    }

    private long GcTime(BoundedWindow window) => WindowMath.GarbageCollectionTime(window, _options.AllowedLatenessMillis);

    private long NextEventTimer(ref Slot slot)
    {
        var gc = GcTime(slot.Window);
        return !slot.EndOfWindowDone && slot.Window.MaxTimestamp.Millis < gc ? slot.Window.MaxTimestamp.Millis : gc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Touch(int index, ref Slot slot)
    {
        if (!slot.Touched)
        {
            slot.Touched = true;
            _touched.Add(index);
        }
    }

    private void ScheduleDeadline(int index, ref Slot slot)
    {
        // A deadline already passed needs no timer: the trigger is evaluated at the end of this bundle.
        if (_trigger.NextProcessingDeadline(_triggerStates[index], ProcessingTime) is { } deadline && deadline.Millis != slot.Deadline)
        {
            slot.Deadline = deadline.Millis;
            _processingTimers.Enqueue(new SlotTimer(index, slot.Generation), deadline.Millis);
        }
    }

    private void AddHold(ref Slot slot, Instant timestamp)
    {
        var max = slot.Window.MaxTimestamp.Millis;
        var candidate = _options.TimestampCombiner == TimestampCombiner.EndOfWindow ? max : OutputTime(timestamp.Millis, max);
        var watermark = InputWatermark.Millis;
        if (candidate < watermark && !(slot.HasElementHold && slot.ElementHold <= candidate))
        {
            // Late for output: hold at the end of the window, or at garbage collection once the window is late.
            var extra = watermark <= max ? max : GcTime(slot.Window);
            slot.ExtraHold = slot.HasExtraHold ? Math.Min(slot.ExtraHold, extra) : extra;
            slot.HasExtraHold = true;
            return;
        }

        if (!slot.HasElementHold)
        {
            slot.ElementHold = candidate;
            slot.HasElementHold = true;
        }
        else
        {
            slot.ElementHold = _options.TimestampCombiner == TimestampCombiner.Latest
                ? Math.Max(slot.ElementHold, candidate)
                : Math.Min(slot.ElementHold, candidate);
        }
    }

    /// <summary>
    /// An element's output time in a window, before the timestamp combiner: its timestamp, except in a sliding window
    /// that is not the earliest one containing it, where it is the first instant after the previous overlapping window
    /// ends (Beam's <c>SlidingWindows.getOutputTime</c>): the start of the window's last period.
    /// </summary>
    private long OutputTime(long timestamp, long windowMax)
    {
        var period = _options.SlidingPeriodMillis;
        if (period <= 0)
        {
            return timestamp;
        }

        var startOfLastSegment = windowMax - period;
        return startOfLastSegment < timestamp ? timestamp : startOfLastSegment + 1;
    }

    private int FindOrCreate(TKey key, BoundedWindow window)
    {
        ref var windows = ref CollectionsMarshal.GetValueRefOrAddDefault(_heads, key, out var exists);
        if (!exists)
        {
            windows = new KeyWindows(-1);
        }
        else
        {
            // Data in about the order of time uses the key's latest windows: look back from the last a few steps first.
            var found = FindFromLast(windows.Last, window);
            if (found == Unknown)
            {
                found = Find(windows.Root, window);
            }

            if (found >= 0)
            {
                return found;
            }
        }

        var index = Allocate();
        InitSlot(index, key, window, scheduleTimer: true);
        Insert(ref windows, index);
        return index;
    }

    private const int Unknown = -2;

    /// <summary>
    /// The slot of <paramref name="window"/> among the last few windows of a key, going back from
    /// <paramref name="last"/>: -1 when the window is not there (the walk passed its place), <see cref="Unknown"/>
    /// when it is further back.
    /// </summary>
    private int FindFromLast(int last, BoundedWindow window)
    {
        var node = last;
        for (var step = 0; step < 4 && node >= 0; step++)
        {
            ref readonly var w = ref _slots[node].Window;
            if (w.Start == window.Start && w.End == window.End)
            {
                return node;
            }

            if (w.Start != window.Start ? w.Start < window.Start : w.End < window.End)
            {
                return -1;
            }

            node = Predecessor(node);
        }

        return node < 0 ? -1 : Unknown;
    }

    /// <summary>The slot before <paramref name="node"/> in the order of its key's windows, or -1.</summary>
    private int Predecessor(int node)
    {
        var left = _slots[node].Left;
        if (left >= 0)
        {
            while (_slots[left].Right >= 0)
            {
                left = _slots[left].Right;
            }

            return left;
        }

        var parent = _slots[node].Parent;
        while (parent >= 0 && _slots[parent].Left == node)
        {
            node = parent;
            parent = _slots[node].Parent;
        }

        return parent;
    }

    /// <summary>
    /// Sessions: the new proto-session merges with the live sessions it overlaps. A key's sessions are disjoint, so in
    /// order of start they are in order of end too, and the ones the new window overlaps are consecutive: the last
    /// session starting before the new window ends, and those before it that end after the new window starts.
    /// </summary>
    private int FindOrMerge(TKey key, BoundedWindow window)
    {
        ref var windows = ref CollectionsMarshal.GetValueRefOrAddDefault(_heads, key, out var exists);
        if (!exists)
        {
            windows = new KeyWindows(-1);
        }
        else if (windows.Last >= 0 && window.Start >= _slots[windows.Last].Window.Start)
        {
            // The usual case, data in about the order of time: the element is in or after the key's latest session, and
            // no other session can overlap it (the ones before end before the latest starts).
            var latest = windows.Last;
            ref var slot = ref _slots[latest];
            if (window.Start < slot.Window.End)
            {
                if (slot.Closed)
                {
                    return -1;
                }

                SetWindow(latest, IntervalWindows.Span(slot.Window, window));
                return latest;
            }

            return NewSession(key, ref windows, window);
        }

        var last = StartsBefore(windows.Root, window.End.Millis);
        if (last < 0 || _slots[last].Window.End.Millis <= window.Start.Millis)
        {
            return NewSession(key, ref windows, window);
        }

        // The overlapped sessions, from the last back to the first; a closed one drops the element (nothing merges).
        var count = 0;
        for (var i = last; i >= 0 && _slots[i].Window.End.Millis > window.Start.Millis; i = StartsBefore(windows.Root, _slots[i].Window.Start.Millis))
        {
            if (_slots[i].Closed)
            {
                return -1;
            }

            if (count == _overlaps.Length)
            {
                Array.Resize(ref _overlaps, count * 2);
            }

            _overlaps[count++] = i;
        }

        var target = _overlaps[count - 1];
        var span = IntervalWindows.Span(IntervalWindows.Span(window, _slots[target].Window), _slots[last].Window);
        for (var k = count - 2; k >= 0; k--)
        {
            var source = _overlaps[k];
            Delete(ref windows, source);
            MergeInto(target, source, span);
            Free(source);
        }

        // The merged session stays between its neighbours: the one before ends at or before the new window's start,
        // the one after starts at or after the end of both. Its place in the tree holds.
        SetWindow(target, span);
        return target;
    }

    private int NewSession(TKey key, ref KeyWindows windows, BoundedWindow window)
    {
        var index = Allocate();
        InitSlot(index, key, window, scheduleTimer: true);
        Insert(ref windows, index);
        return index;
    }

    /// <summary>
    /// Merges per a custom merging window function: the key's live windows and the new one go through its MergeWindows,
    /// now (<paramref name="defer"/> false), or at the end of the bundle: then the element goes to its own window, which
    /// waits, marked pending, for the merge.
    /// </summary>
    private int FindOrMergeCustom(TKey key, BoundedWindow window, bool defer)
    {
        ref var windows = ref CollectionsMarshal.GetValueRefOrAddDefault(_heads, key, out var exists);
        if (!exists)
        {
            windows = new KeyWindows(-1);
        }

        var same = exists ? Find(windows.Root, window) : -1;
        if (same >= 0 && _slots[same].Closed)
        {
            return -1;
        }

        if (defer)
        {
            if (!windows.Dirty)
            {
                windows.Dirty = true;
                _dirtyKeys.Add(key);
            }

            if (same >= 0)
            {
                return same;
            }

            var index = Allocate();
            InitSlot(index, key, window, scheduleTimer: false);
            _slots[index].Pending = true;
            Insert(ref windows, index);
            windows.Pending++;
            return index;
        }

        var placeholder = -1;
        if (same < 0)
        {
            // The new window takes part in the merge through an empty slot, which merges into nothing: it is freed, or
            // becomes the slot of its window (or of its merge result) when no live window joins it.
            placeholder = Allocate();
            InitSlot(placeholder, key, window, scheduleTimer: false);
            Insert(ref windows, placeholder);
        }

        return MergeWindowsOf(key, ref windows, placeholder >= 0 ? placeholder : same, placeholder);
    }

    /// <summary>A key's new windows outnumber its merged ones: merge now, so that merging costs O(log n) per element, amortized.</summary>
    private void MergeIfManyPending(TKey key)
    {
        ref var windows = ref CollectionsMarshal.GetValueRefOrNullRef(_heads, key);
        if (windows.Pending >= Math.Max(MinPendingWindows, windows.Merged))
        {
            MergeWindowsOf(key, ref windows, -1, -1);
        }
    }

    /// <summary>New windows of a key wait for at least this many others before a merge within the bundle.</summary>
    private const int MinPendingWindows = 16;

    /// <summary>The end of a bundle: the keys with new windows merge them (a custom merging window function, deferred).</summary>
    private void MergeDirtyKeys()
    {
        foreach (var key in _dirtyKeys)
        {
            ref var windows = ref CollectionsMarshal.GetValueRefOrNullRef(_heads, key);
            if (!Unsafe.IsNullRef(ref windows))
            {
                MergeWindowsOf(key, ref windows, -1, -1);
                windows.Dirty = false;
            }
        }

        _dirtyKeys.Clear();
    }

    /// <summary>
    /// Runs the custom merging window function over the live windows of a key and applies its merges: in each group the
    /// first live window found is the target, the others merge into it, and it takes the result window. Returns where
    /// the slot <paramref name="follow"/> ended (itself, or the target it merged into). The <paramref name="placeholder"/>
    /// slot (an empty slot for the element's new window, or -1) merges into nothing.
    /// </summary>
    private int MergeWindowsOf(TKey key, ref KeyWindows windows, int follow, int placeholder)
    {
        var count = 0;
        CollectLive(windows.Root, ref count);
        _mergeMembers.Clear();
        _mergeGroups.Clear();
        if (count > 1)
        {
            var collector = new MergeCollector(_mergeMembers, _mergeGroups);
            _mergingFn!.MergeWindows(_mergeWindows.AsSpan(0, count), ref collector);
        }

        var result = follow;
        var placeholderPlaced = false;
        foreach (var (first, members, merged) in _mergeGroups)
        {
            var target = -1;
            var containsFollow = false;
            var containsPlaceholder = false;
            for (var m = first; m < first + members; m++)
            {
                var at = Find(windows.Root, _mergeMembers[m]);
                if (at < 0 || _slots[at].Closed)
                {
                    continue;
                }

                if (at == placeholder)
                {
                    containsPlaceholder = true;
                    continue;
                }

                containsFollow |= at == follow;
                if (target < 0)
                {
                    target = at;
                    continue;
                }

                Delete(ref windows, at);
                MergeInto(target, at, merged);
                Free(at);
            }

            if (target >= 0 && _slots[target].Window != merged)
            {
                Delete(ref windows, target);
                SetWindow(target, merged);
                Insert(ref windows, target);
            }

            if (containsPlaceholder)
            {
                placeholderPlaced = true;
                Delete(ref windows, placeholder);
                if (target >= 0)
                {
                    Free(placeholder);
                }
                else
                {
                    // No live window joins the new one: its slot is the merge result's, new.
                    target = placeholder;
                    InitSlot(target, key, merged, scheduleTimer: true);
                    Insert(ref windows, target);
                }

                containsFollow = true;
            }

            if (containsFollow)
            {
                result = target;
            }
        }

        if (placeholder >= 0 && !placeholderPlaced)
        {
            // The new window merged with nothing: it keeps its slot.
            ScheduleEventTimer(placeholder);
        }

        if (windows.Pending > 0)
        {
            SchedulePending(windows.Root);
            windows.Pending = 0;
        }

        windows.Merged = 0;
        CountWindows(windows.Root, ref windows.Merged);
        return result;
    }

    /// <summary>The live (not closed) windows of a key, in order, into the merge buffer.</summary>
    private void CollectLive(int node, ref int count)
    {
        while (node >= 0)
        {
            CollectLive(_slots[node].Left, ref count);
            if (!_slots[node].Closed)
            {
                if (count == _mergeWindows.Length)
                {
                    Array.Resize(ref _mergeWindows, count * 2);
                }

                _mergeWindows[count++] = _slots[node].Window;
            }

            node = _slots[node].Right;
        }
    }

    /// <summary>The windows that waited for a merge now have their slots settled: their event-time timers are set.</summary>
    private void SchedulePending(int node)
    {
        while (node >= 0)
        {
            SchedulePending(_slots[node].Left);
            if (_slots[node].Pending)
            {
                _slots[node].Pending = false;
                ScheduleEventTimer(node);
            }

            node = _slots[node].Right;
        }
    }

    private void CountWindows(int node, ref int count)
    {
        while (node >= 0)
        {
            CountWindows(_slots[node].Left, ref count);
            count++;
            node = _slots[node].Right;
        }
    }

    // ----- the windows of a key: a treap of slots ordered by window (start, then end, then slot index) -----
    // Links live in the slots (Left, Right, Parent); a node's priority is a hash of its slot index, so the tree is
    // balanced in expectation whatever order the windows arrive in: a search is O(log n). Insertion after the last
    // window (data in order of time) starts from the last, and deletion rotates the node down from where it is: both
    // take O(1) rotations in expectation and touch no path from the root, whose old slots are cold in a batch run.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Priority(int index)
    {
        var x = (uint)index;
        x ^= x >> 16;
        x *= 0x7FEB352Du;
        x ^= x >> 15;
        x *= 0x846CA68Bu;
        return x ^ (x >> 16);
    }

    /// <summary>Whether slot <paramref name="a"/> comes before slot <paramref name="b"/> in the order of its key's windows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Before(int a, int b)
    {
        ref readonly var x = ref _slots[a].Window;
        ref readonly var y = ref _slots[b].Window;
        return x.Start != y.Start ? x.Start < y.Start : x.End != y.End ? x.End < y.End : a < b;
    }

    /// <summary>The slot of <paramref name="window"/> in the tree at <paramref name="node"/>, or -1.</summary>
    private int Find(int node, BoundedWindow window)
    {
        while (node >= 0)
        {
            ref readonly var w = ref _slots[node].Window;
            if (window.Start != w.Start ? window.Start < w.Start : window.End < w.End)
            {
                node = _slots[node].Left;
            }
            else if (window.Start == w.Start && window.End == w.End)
            {
                return node;
            }
            else
            {
                node = _slots[node].Right;
            }
        }

        return -1;
    }

    /// <summary>The slot with the latest start before <paramref name="millis"/> in the tree at <paramref name="node"/>, or -1.</summary>
    private int StartsBefore(int node, long millis)
    {
        var best = -1;
        while (node >= 0)
        {
            if (_slots[node].Window.Start.Millis < millis)
            {
                best = node;
                node = _slots[node].Right;
            }
            else
            {
                node = _slots[node].Left;
            }
        }

        return best;
    }

    /// <summary>Inserts slot <paramref name="index"/> (its window set) into the key's tree.</summary>
    private void Insert(ref KeyWindows windows, int index)
    {
        ref var node = ref _slots[index];
        node.Left = -1;
        node.Right = -1;
        if (windows.Root < 0)
        {
            node.Parent = -1;
            windows.Root = index;
            windows.Last = index;
            return;
        }

        if (Before(windows.Last, index))
        {
            // After every window: the right child of the last, which has none.
            node.Parent = windows.Last;
            _slots[windows.Last].Right = index;
            windows.Last = index;
        }
        else
        {
            var at = windows.Root;
            while (true)
            {
                ref var parent = ref _slots[at];
                var next = Before(index, at) ? parent.Left : parent.Right;
                if (next < 0)
                {
                    node.Parent = at;
                    if (Before(index, at))
                    {
                        parent.Left = index;
                    }
                    else
                    {
                        parent.Right = index;
                    }

                    break;
                }

                at = next;
            }
        }

        // Up while its priority is above its parent's (the heap order of a treap).
        var priority = Priority(index);
        while (_slots[index].Parent >= 0 && priority > Priority(_slots[index].Parent))
        {
            RotateUp(ref windows, index);
        }
    }

    /// <summary>Removes slot <paramref name="index"/> from the key's tree: rotated down until it has one child, which takes its place.</summary>
    private void Delete(ref KeyWindows windows, int index)
    {
        if (windows.Last == index)
        {
            // The new last: the greatest of its left subtree, or its parent (the last is a right child or the root).
            var left = _slots[index].Left;
            if (left >= 0)
            {
                while (_slots[left].Right >= 0)
                {
                    left = _slots[left].Right;
                }

                windows.Last = left;
            }
            else
            {
                windows.Last = _slots[index].Parent;
            }
        }

        while (_slots[index].Left >= 0 && _slots[index].Right >= 0)
        {
            var l = _slots[index].Left;
            var r = _slots[index].Right;
            RotateUp(ref windows, Priority(l) > Priority(r) ? l : r);
        }

        var child = _slots[index].Left >= 0 ? _slots[index].Left : _slots[index].Right;
        var up = _slots[index].Parent;
        if (child >= 0)
        {
            _slots[child].Parent = up;
        }

        if (up < 0)
        {
            windows.Root = child;
        }
        else if (_slots[up].Left == index)
        {
            _slots[up].Left = child;
        }
        else
        {
            _slots[up].Right = child;
        }
    }

    /// <summary>Rotates <paramref name="index"/> above its parent, keeping the order.</summary>
    private void RotateUp(ref KeyWindows windows, int index)
    {
        ref var x = ref _slots[index];
        var p = x.Parent;
        ref var parent = ref _slots[p];
        var g = parent.Parent;
        if (parent.Left == index)
        {
            parent.Left = x.Right;
            if (x.Right >= 0)
            {
                _slots[x.Right].Parent = p;
            }

            x.Right = p;
        }
        else
        {
            parent.Right = x.Left;
            if (x.Left >= 0)
            {
                _slots[x.Left].Parent = p;
            }

            x.Left = p;
        }

        parent.Parent = index;
        x.Parent = g;
        if (g < 0)
        {
            windows.Root = index;
        }
        else if (_slots[g].Left == p)
        {
            _slots[g].Left = index;
        }
        else
        {
            _slots[g].Right = index;
        }
    }

    /// <summary>A slot's window becomes a merge result: its end-of-window hold and watermark-trigger phase follow.</summary>
    private void SetWindow(int index, BoundedWindow window)
    {
        ref var slot = ref _slots[index];
        if (slot.Window == window)
        {
            return;
        }

        slot.Window = window;
        if (_options.TimestampCombiner == TimestampCombiner.EndOfWindow && slot.HasElementHold)
        {
            slot.ElementHold = window.MaxTimestamp.Millis;
        }

        if (InputWatermark <= window.MaxTimestamp)
        {
            slot.EndOfWindowDone = false;
        }

        if (!_defaultTrigger)
        {
            var copy = _triggerStates[index];
            _trigger.OnMerge(ref _triggerStates[index], copy, new TriggerContext(window, InputWatermark, ProcessingTime));
        }
    }

    /// <summary>Collects what a merging window function reports.</summary>
    private readonly struct MergeCollector(List<BoundedWindow> members, List<(int First, int Count, BoundedWindow Result)> groups) : IMergeConsumer
    {
        public void Merge(ReadOnlySpan<BoundedWindow> toBeMerged, BoundedWindow mergeResult)
        {
            groups.Add((members.Count, toBeMerged.Length, mergeResult));
            foreach (var window in toBeMerged)
            {
                members.Add(window);
            }
        }
    }

    private void MergeInto(int targetIndex, int sourceIndex, BoundedWindow span)
    {
        ref var target = ref _slots[targetIndex];
        ref var source = ref _slots[sourceIndex];
        if (source.HasAccumulator)
        {
            if (target.HasAccumulator)
            {
                _fn.MergeAccumulators(ref target.Accumulator, source.Accumulator);
            }
            else
            {
                target.Accumulator = source.Accumulator;
                target.HasAccumulator = true;
            }
        }

        target.NewData |= source.NewData;
        if (source.HasElementHold)
        {
            target.ElementHold = !target.HasElementHold ? source.ElementHold
                : _options.TimestampCombiner == TimestampCombiner.Latest ? Math.Max(target.ElementHold, source.ElementHold)
                : Math.Min(target.ElementHold, source.ElementHold);
            target.HasElementHold = true;
        }

        if (_options.TimestampCombiner == TimestampCombiner.EndOfWindow && target.HasElementHold)
        {
            target.ElementHold = span.MaxTimestamp.Millis;
        }

        if (source.HasExtraHold)
        {
            target.ExtraHold = target.HasExtraHold ? Math.Min(target.ExtraHold, source.ExtraHold) : source.ExtraHold;
            target.HasExtraHold = true;
        }

        // The merged window continues the pane sequence furthest along.
        if (source.HasFired && (!target.HasFired || source.NextIndex > target.NextIndex))
        {
            target.NextIndex = source.NextIndex;
            target.PreviousNonSpeculative = source.PreviousNonSpeculative;
            target.LastTiming = source.LastTiming;
            target.HasFired = true;
        }

        target.LateOnArrival &= source.LateOnArrival;
        if (!_defaultTrigger)
        {
            _trigger.OnMerge(ref _triggerStates[targetIndex], _triggerStates[sourceIndex], new TriggerContext(span, InputWatermark, ProcessingTime));
        }
    }

    private int Allocate()
    {
        LiveWindows++;
        if (_free >= 0)
        {
            var index = _free;
            _free = _slots[index].Left;
            return index;
        }

        if (_used == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
            if (!_defaultTrigger)
            {
                Array.Resize(ref _triggerStates, _slots.Length);
            }
        }

        return _used++;
    }

    private void InitSlot(int index, TKey key, BoundedWindow window, bool scheduleTimer)
    {
        ref var slot = ref _slots[index];
        var generation = slot.Generation;
        slot = default;
        slot.Generation = generation;
        slot.InUse = true;
        slot.Key = key;
        slot.Window = window;
        slot.Left = -1;
        slot.Right = -1;
        slot.Parent = -1;
        slot.PreviousNonSpeculative = -1;
        slot.Deadline = long.MinValue;
        slot.LateOnArrival = InputWatermark > window.MaxTimestamp;
        slot.EndOfWindowDone = slot.LateOnArrival;
        if (!_defaultTrigger)
        {
            ref var trigger = ref _triggerStates[index];
            trigger = default;
            _trigger.Initialize(ref trigger);
        }

        if (scheduleTimer)
        {
            ScheduleEventTimer(index);
        }
    }

    /// <summary>
    /// Sets the event-time timer of a window. While the watermark is at its minimum nothing can be due: the timer is
    /// noted and queued at the first advance, at the window's end then (a session has grown meanwhile, and a batch run
    /// grows all of them: queued once, at its final time, rather than moved).
    /// </summary>
    private void ScheduleEventTimer(int index)
    {
        ref var slot = ref _slots[index];
        if (InputWatermark == Instant.MinValue)
        {
            _unscheduled.Add(new SlotTimer(index, slot.Generation));
            return;
        }

        _eventTimers.Enqueue(new SlotTimer(index, slot.Generation), NextEventTimer(ref slot));
    }

    /// <summary>Queues the timers noted while the watermark was at its minimum, of the windows still live.</summary>
    private void ScheduleNoted()
    {
        // All at once (a batch run's Finish), sorted by time: each goes to the back of the queue's ring.
        var noted = new List<(SlotTimer, long)>(_unscheduled.Count);
        foreach (var timer in _unscheduled)
        {
            ref var slot = ref _slots[timer.Slot];
            if (slot.InUse && slot.Generation == timer.Generation)
            {
                noted.Add((timer, NextEventTimer(ref slot)));
            }
        }

        _eventTimers.EnqueueRange(noted);
        _unscheduled.Clear();
    }

    private void Free(int index)
    {
        ref var slot = ref _slots[index];
        var generation = slot.Generation + 1;
        slot = default;
        slot.Generation = generation;
        slot.Left = _free;
        _free = index;
        LiveWindows--;
    }

    private void Release(int index)
    {
        // Out of its key's windows, then free.
        var key = _slots[index].Key;
        ref var windows = ref CollectionsMarshal.GetValueRefOrNullRef(_heads, key);
        if (!Unsafe.IsNullRef(ref windows))
        {
            Delete(ref windows, index);
            if (windows.Root < 0)
            {
                _heads.Remove(key);
            }
        }

        Free(index);
    }

    private void TryFire(int index, ref Slot slot, bool isEndOfWindow)
    {
        var context = new TriggerContext(slot.Window, InputWatermark, ProcessingTime);
        bool finished;
        if (_defaultTrigger)
        {
            if (!context.EndOfWindowReached)
            {
                return;
            }

            finished = false;
        }
        else
        {
            ref var trigger = ref _triggerStates[index];
            if (!_trigger.ShouldFire(ref trigger, context))
            {
                return;
            }

            _trigger.OnFire(ref trigger, context);
            finished = trigger.IsFinished;
        }

        Fire(ref slot, finished, isEndOfWindow);
        if (finished)
        {
            // Closed: the trigger finished. Keep the slot (so later data is dropped) until garbage collection.
            slot.Closed = true;
            slot.Accumulator = default!;
            slot.HasAccumulator = false;
        }
    }

    private void Fire(ref Slot slot, bool isFinal, bool isEndOfWindow)
    {
        var emit = slot.NewData
            || (isFinal && _options.Closing == ClosingBehavior.FireAlways)
            || (isEndOfWindow && _options.OnTime == OnTimeBehavior.FireAlways);
        if (emit)
        {
            var pane = PaneAccounting.Next(ref slot.NextIndex, ref slot.PreviousNonSpeculative, ref slot.LastTiming, ref slot.HasFired,
                slot.LateOnArrival, InputWatermark <= slot.Window.MaxTimestamp, isFinal);
            var timestamp = slot.HasElementHold ? slot.ElementHold
                : slot.HasExtraHold ? slot.ExtraHold
                : isEndOfWindow || InputWatermark <= slot.Window.MaxTimestamp ? slot.Window.MaxTimestamp.Millis
                : GcTime(slot.Window);
            if (TryExtract(ref slot, pane, out var value))
            {
                FiredPanes.Add(new FiredPane<TKey, TOutput>(slot.Key, value, new Instant(timestamp), slot.Window, pane));
                PanesFired++;
            }
        }

        if (!_options.Accumulating)
        {
            slot.Accumulator = default!;
            slot.HasAccumulator = false;
        }

        slot.NewData = false;
        slot.HasElementHold = false;
        slot.HasExtraHold = false;
    }

    /// <summary>
    /// The pane's value. The combine function is user code: if it throws, this pane is lost and reported by the caller
    /// (<see cref="GroupingPanes{TKey, TOutput}.Failed"/>), and the firing goes on. A method of its own, so that the try stays out of the firing loops.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryExtract(ref Slot slot, PaneInfo pane, out TOutput value)
    {
        try
        {
            value = _fn.ExtractOutput(slot.HasAccumulator ? slot.Accumulator : _fn.CreateAccumulator());
            return true;
        }
        catch (Exception error)
        {
            FailedPanes.Add(new FailedPane<TKey>(slot.Key, slot.Window, pane, error));
            value = default!;
            return false;
        }
    }

    /// <summary>
    /// The windows of one key.
    /// <list type="bullet">
    /// <item><description><b>State</b>: the root slot of the key's tree of windows and its last (for sessions, the
    /// latest: data in order of time finds its session and adds new ones there, without a search); for a custom merging window function, how many windows
    /// wait for a merge and how many there were after the last one.</description></item>
    /// <item><description><b>State style</b>: a struct held in the map from key, updated in place through a reference.</description></item>
    /// <item><description><b>Merging</b>: sessions merge in the tree as elements arrive; a custom function's merges run
    /// per element, or per bundle while deferred (<see cref="Dirty"/>: the key is in the list of keys to merge).</description></item>
    /// <item><description><b>Lifetime</b>: from the key's first window to the release of its last.</description></item>
    /// </list>
    /// </summary>
    private struct KeyWindows(int root)
    {
        public int Root = root;
        public int Last = -1;
        public int Pending;
        public int Merged;
        public bool Dirty;
    }

    private struct Slot
    {
        public TKey Key;
        public BoundedWindow Window;
        public TAccum Accumulator;
        public long ElementHold;
        public long ExtraHold;
        public long NextIndex;
        public long PreviousNonSpeculative;
        public long Deadline;
        public int Left;
        public int Right;
        public int Parent;
        public int Generation;
        public PaneTiming LastTiming;
        public bool InUse;
        public bool HasAccumulator;
        public bool NewData;
        public bool Touched;
        public bool Closed;
        public bool HasFired;
        public bool HasElementHold;
        public bool HasExtraHold;
        public bool LateOnArrival;
        public bool EndOfWindowDone;
        public bool Pending;
    }
}
