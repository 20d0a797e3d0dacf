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
public readonly record struct PaneOptions(
    long AllowedLatenessMillis = 0,
    bool Accumulating = false,
    TimestampCombiner TimestampCombiner = TimestampCombiner.EndOfWindow,
    ClosingBehavior Closing = ClosingBehavior.FireIfNonEmpty,
    OnTimeBehavior OnTime = OnTimeBehavior.FireAlways,
    bool Merging = false);

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
/// watermark and processing time advance; panes fire per the trigger into <see cref="Fired"/>, which the
/// generated code drains into the rest of its stage.
/// </summary>
/// <remarks>
/// <para>State layout: one slot per key and window in a pooled array of structs (accumulator, pane
/// bookkeeping, hold, trigger state inline); a map from key to the key's first slot, slots of a key chained
/// (a key has few live windows). Freed slots are reused, so steady state allocates nothing per element.
/// Event-time timers (end of window, garbage collection at end of window plus allowed lateness) and
/// processing-time deadlines are kept in priority queues ordered by time; a session that grows keeps its
/// timer, which is moved when it comes due.</para>
/// <para>Semantics (Beam's): an element whose window's garbage collection time is behind the input
/// watermark is dropped and counted (<see cref="DroppedLate"/>); an element for a window whose trigger has
/// finished is dropped and counted (<see cref="DroppedClosed"/>). When the trigger fires, a pane is emitted
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
public sealed class KeyedPanes<TKey, TInput, TAccum, TOutput, TCombineFn>
    where TKey : notnull
    where TCombineFn : ICombineFn<TInput, TAccum, TOutput>
{
    private readonly TriggerStateMachine _trigger;
    private readonly PaneOptions _options;
    private readonly bool _defaultTrigger;
    private readonly Dictionary<TKey, int> _heads;
    private readonly PriorityQueue<TimerRef, long> _eventTimers = new();
    private readonly PriorityQueue<TimerRef, long> _processingTimers = new();
    private readonly List<int> _touched = new();
    private readonly List<FiredPane<TKey, TOutput>> _fired = new();
    private readonly List<FailedPane<TKey>> _failed = new();
    private TCombineFn _fn;
    private Slot[] _slots = new Slot[64];
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
        _heads = new Dictionary<TKey, int>(comparer);
        _mergingFn = mergingFn;
    }

    private readonly IMergingWindowFn? _mergingFn;
    private BoundedWindow[] _mergeWindows = new BoundedWindow[8];
    private readonly List<BoundedWindow> _mergeMembers = new();
    private readonly List<(int First, int Count, BoundedWindow Result)> _mergeGroups = new();

    /// <summary>The input watermark.</summary>
    public Instant InputWatermark { get; private set; } = Instant.MinValue;

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

    /// <summary>The processing time last given to <see cref="AdvanceProcessingTime"/>.</summary>
    public Instant ProcessingTime { get; private set; } = Instant.MinValue;

    /// <summary>Elements dropped because their window had expired (behind the watermark by more than the allowed lateness).</summary>
    public long DroppedLate { get; private set; }

    /// <summary>Elements dropped because their window's trigger had finished.</summary>
    public long DroppedClosed { get; private set; }

    /// <summary>Panes emitted so far.</summary>
    public long PanesFired { get; private set; }

    /// <summary>Live key-window states (for the state-size metric).</summary>
    public int LiveWindows { get; private set; }

    /// <summary>The panes fired and not yet taken; drain, then call <see cref="ClearFired"/>.</summary>
    public List<FiredPane<TKey, TOutput>> Fired => _fired;

    /// <summary>Forgets the panes in <see cref="Fired"/> once the caller has delivered them.</summary>
    public void ClearFired() => _fired.Clear();

    /// <summary>
    /// Panes that fired but could not be extracted (the combine function threw): the firing went on past them; the caller
    /// reports them, then calls <see cref="ClearFailed"/>. The pane's index is used, as if it had been emitted.
    /// </summary>
    public List<FailedPane<TKey>> Failed => _failed;

    /// <summary>Forgets the panes in <see cref="Failed"/> once the caller has reported them.</summary>
    public void ClearFailed() => _failed.Clear();

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

        var index = !_options.Merging ? FindOrCreate(key, window) : _mergingFn is null ? FindOrMerge(key, window) : FindOrMergeCustom(key, window);
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
            _trigger.OnElement(ref slot.Trigger, context);
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

        return true;
    }

    /// <summary>Evaluates the triggers of the windows that received elements since the last call (Beam evaluates per bundle).</summary>
    public void EndBundle()
    {
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
            if (!slot.EndOfWindowDone && slot.Window.MaxTimestamp.Millis < gc)
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
                if (!slot.Closed)
                {
                    Fire(ref slot, isFinal: true, isEndOfWindow: !slot.EndOfWindowDone);
                }

                Release(timer.Slot);
            }
        }
    }

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

    private long GcTime(BoundedWindow window)
    {
        var max = window.MaxTimestamp.Millis;
        var globalMax = BoundedWindow.Global.MaxTimestamp.Millis;
        return max >= globalMax - _options.AllowedLatenessMillis ? Math.Max(max, globalMax) : max + _options.AllowedLatenessMillis;
    }

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
        if (_trigger.NextProcessingDeadline(slot.Trigger, ProcessingTime) is { } deadline && deadline.Millis != slot.Deadline)
        {
            slot.Deadline = deadline.Millis;
            _processingTimers.Enqueue(new TimerRef(index, slot.Generation), deadline.Millis);
        }
    }

    private void AddHold(ref Slot slot, Instant timestamp)
    {
        var max = slot.Window.MaxTimestamp.Millis;
        var candidate = _options.TimestampCombiner == TimestampCombiner.EndOfWindow ? max : timestamp.Millis;
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

    private int FindOrCreate(TKey key, BoundedWindow window)
    {
        ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(_heads, key, out var exists);
        if (exists)
        {
            for (var i = head; i >= 0; i = _slots[i].Next)
            {
                if (_slots[i].Window == window)
                {
                    return i;
                }
            }
        }
        else
        {
            head = -1;
        }

        var index = Allocate();
        InitSlot(index, key, window, head);
        head = index;
        return index;
    }

    private int FindOrMerge(TKey key, BoundedWindow window)
    {
        ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(_heads, key, out var exists);
        if (!exists)
        {
            head = -1;
        }

        var target = -1;
        var span = window;
        var previous = -1;
        for (var i = head; i >= 0;)
        {
            var next = _slots[i].Next;
            if (IntervalWindows.Intersects(_slots[i].Window, window))
            {
                if (_slots[i].Closed)
                {
                    return -1;
                }

                span = IntervalWindows.Span(span, _slots[i].Window);
                if (target < 0)
                {
                    target = i;
                    previous = i;
                }
                else
                {
                    // Unlink i and merge it into the target.
                    if (previous < 0)
                    {
                        head = next;
                    }
                    else
                    {
                        _slots[previous].Next = next;
                    }

                    MergeInto(ref _slots[target], ref _slots[i], span);
                    Free(i);
                    i = next;
                    continue;
                }
            }
            else
            {
                previous = i;
            }

            i = next;
        }

        if (target < 0)
        {
            var index = Allocate();
            InitSlot(index, key, window, head);
            head = index;
            return index;
        }

        SetWindow(ref _slots[target], span);
        return target;
    }

    /// <summary>Merges per a custom merging window function: the key's live windows and the new one go through its MergeWindows.</summary>
    private int FindOrMergeCustom(TKey key, BoundedWindow window)
    {
        ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(_heads, key, out var exists);
        if (!exists)
        {
            head = -1;
        }

        var count = 0;
        var isNew = true;
        for (var i = head; i >= 0; i = _slots[i].Next)
        {
            if (_slots[i].Window == window)
            {
                if (_slots[i].Closed)
                {
                    return -1;
                }

                isNew = false;
            }

            if (!_slots[i].Closed)
            {
                if (count == _mergeWindows.Length)
                {
                    Array.Resize(ref _mergeWindows, count * 2);
                }

                _mergeWindows[count++] = _slots[i].Window;
            }
        }

        if (isNew)
        {
            if (count == _mergeWindows.Length)
            {
                Array.Resize(ref _mergeWindows, count * 2);
            }

            _mergeWindows[count++] = window;
        }

        _mergeMembers.Clear();
        _mergeGroups.Clear();
        var collector = new MergeCollector(_mergeMembers, _mergeGroups);
        _mergingFn!.MergeWindows(_mergeWindows.AsSpan(0, count), ref collector);

        var target = -1;
        var targetWindow = window;
        foreach (var (first, members, result) in _mergeGroups)
        {
            var merged = -1;
            var containsNew = false;
            for (var m = first; m < first + members; m++)
            {
                var member = _mergeMembers[m];
                if (isNew && member == window)
                {
                    containsNew = true;
                    continue;
                }

                var at = FindSlot(head, member);
                if (at < 0)
                {
                    continue;
                }

                if (merged < 0)
                {
                    merged = at;
                    continue;
                }

                Unlink(ref head, at);
                MergeInto(ref _slots[merged], ref _slots[at], result);
                Free(at);
            }

            for (var m = first; !isNew && !containsNew && m < first + members; m++)
            {
                containsNew = _mergeMembers[m] == window;
            }

            if (merged >= 0)
            {
                SetWindow(ref _slots[merged], result);
            }

            if (containsNew)
            {
                if (merged < 0)
                {
                    merged = Allocate();
                    InitSlot(merged, key, result, head);
                    head = merged;
                }

                target = merged;
                targetWindow = result;
            }
        }

        if (target >= 0)
        {
            return target;
        }

        if (!isNew)
        {
            return FindSlot(head, targetWindow);
        }

        var index = Allocate();
        InitSlot(index, key, window, head);
        head = index;
        return index;
    }

    private int FindSlot(int head, BoundedWindow window)
    {
        for (var i = head; i >= 0; i = _slots[i].Next)
        {
            if (_slots[i].Window == window && !_slots[i].Closed)
            {
                return i;
            }
        }

        return -1;
    }

    private void Unlink(ref int head, int index)
    {
        if (head == index)
        {
            head = _slots[index].Next;
            return;
        }

        for (var i = head; i >= 0; i = _slots[i].Next)
        {
            if (_slots[i].Next == index)
            {
                _slots[i].Next = _slots[index].Next;
                return;
            }
        }
    }

    /// <summary>A slot's window becomes a merge result: its end-of-window hold and watermark-trigger phase follow.</summary>
    private void SetWindow(ref Slot slot, BoundedWindow window)
    {
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
            var copy = slot.Trigger;
            _trigger.OnMerge(ref slot.Trigger, copy, new TriggerContext(window, InputWatermark, ProcessingTime));
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

    private void MergeInto(ref Slot target, ref Slot source, BoundedWindow span)
    {
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
            _trigger.OnMerge(ref target.Trigger, source.Trigger, new TriggerContext(span, InputWatermark, ProcessingTime));
        }
    }

    private int Allocate()
    {
        LiveWindows++;
        if (_free >= 0)
        {
            var index = _free;
            _free = _slots[index].Next;
            return index;
        }

        if (_used == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        return _used++;
    }

    private void InitSlot(int index, TKey key, BoundedWindow window, int next)
    {
        ref var slot = ref _slots[index];
        var generation = slot.Generation;
        slot = default;
        slot.Generation = generation;
        slot.InUse = true;
        slot.Key = key;
        slot.Window = window;
        slot.Next = next;
        slot.PreviousNonSpeculative = -1;
        slot.Deadline = long.MinValue;
        slot.LateOnArrival = InputWatermark > window.MaxTimestamp;
        slot.EndOfWindowDone = slot.LateOnArrival;
        if (!_defaultTrigger)
        {
            _trigger.Initialize(ref slot.Trigger);
        }

        _eventTimers.Enqueue(new TimerRef(index, generation), NextEventTimer(ref slot));
    }

    private void Free(int index)
    {
        ref var slot = ref _slots[index];
        var generation = slot.Generation + 1;
        slot = default;
        slot.Generation = generation;
        slot.Next = _free;
        _free = index;
        LiveWindows--;
    }

    private void Release(int index)
    {
        // Unlink from its key's chain, then free.
        var key = _slots[index].Key;
        ref var head = ref CollectionsMarshal.GetValueRefOrNullRef(_heads, key);
        if (!Unsafe.IsNullRef(ref head))
        {
            Unlink(ref head, index);
            if (head < 0)
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
            if (!_trigger.ShouldFire(ref slot.Trigger, context))
            {
                return;
            }

            _trigger.OnFire(ref slot.Trigger, context);
            finished = slot.Trigger.IsFinished;
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
            var isFirst = !slot.HasFired;
            var onlyEarlySoFar = isFirst || slot.LastTiming == PaneTiming.Early;
            var timing = slot.LateOnArrival || !onlyEarlySoFar ? PaneTiming.Late
                : InputWatermark <= slot.Window.MaxTimestamp ? PaneTiming.Early
                : PaneTiming.OnTime;
            var nonSpeculative = timing == PaneTiming.Early ? -1 : isFirst ? 0 : slot.PreviousNonSpeculative + 1;
            var pane = new PaneInfo(isFirst, isFinal, timing, slot.NextIndex, nonSpeculative);
            var timestamp = slot.HasElementHold ? slot.ElementHold
                : slot.HasExtraHold ? slot.ExtraHold
                : isEndOfWindow || InputWatermark <= slot.Window.MaxTimestamp ? slot.Window.MaxTimestamp.Millis
                : GcTime(slot.Window);
            if (TryExtract(ref slot, pane, out var value))
            {
                _fired.Add(new FiredPane<TKey, TOutput>(slot.Key, value, new Instant(timestamp), slot.Window, pane));
                PanesFired++;
            }

            slot.NextIndex++;
            slot.PreviousNonSpeculative = nonSpeculative;
            slot.LastTiming = timing;
            slot.HasFired = true;
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
    /// (<see cref="Failed"/>), and the firing goes on. A method of its own, so that the try stays out of the firing loops.
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
            _failed.Add(new FailedPane<TKey>(slot.Key, slot.Window, pane, error));
            value = default!;
            return false;
        }
    }

    private readonly record struct TimerRef(int Slot, int Generation);

    private struct Slot
    {
        public TKey Key;
        public BoundedWindow Window;
        public TAccum Accumulator;
        public TriggerState Trigger;
        public long ElementHold;
        public long ExtraHold;
        public long NextIndex;
        public long PreviousNonSpeculative;
        public long Deadline;
        public int Next;
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
    }
}
