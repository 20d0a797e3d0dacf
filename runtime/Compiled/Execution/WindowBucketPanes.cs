using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Compiled.Triggers;

namespace Compiled.Execution;

/// <summary>
/// Keyed window panes of windows that never merge (fixed, sliding, global) under the watermark trigger with at most an
/// element-count or processing-time firing early and late, or under the default trigger with allowed lateness,
/// accumulation or the closing and on-time behaviours: the same panes, pane for pane, as
/// <see cref="KeyedPanes{TKey, TInput, TAccum, TOutput, TCombineFn}"/>, on a layout that costs what the default path's
/// window maps cost. The planner chooses it for such strategies; the generated code drives both alike.
/// </summary>
/// <remarks>
/// <para>State layout: a bucket per live window, holding a map from key to the key's slot in a pooled array of structs
/// (accumulator, pane bookkeeping, the trigger's two cells inline). An element finds its window's bucket (the last one
/// used, or a map from window) and its key's slot in one lookup. The end-of-window and garbage-collection timers
/// belong to the bucket, not to each key and window: a window fires its keys in the order they first came, and its
/// slots are all freed together at garbage collection, the bucket's map cleared and reused. Processing-time deadlines
/// stay per slot, in a queue that takes them in time order in O(1).</para>
/// <para>The trigger is compiled into its two phases (before and after the on-time pane) and one firing kind each (none,
/// an element count, a processing-time delay after the pane's first element), evaluated without an interpreter. A slot
/// is put on the list evaluated at the end of the bundle only when its trigger can fire in that bundle (a count, data
/// behind the watermark, a delay of zero), in the order of its first element, as keyed window panes do.</para>
/// <para>Output timestamps are the end of the window (the only timestamp combiner taken here), or the window's
/// garbage-collection time for a pane of only late data, as Beam's watermark holds give. Where keyed window panes order
/// the panes of different windows due at the same instant by the order their slots' timers were set, these order them
/// by the order their windows' timers were set; the panes of each key and window are the same, in the same order.</para>
/// </remarks>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TInput">The input value type.</typeparam>
/// <typeparam name="TAccum">The accumulator type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
/// <typeparam name="TCombineFn">The combine function (a struct for direct calls).</typeparam>
public sealed partial class WindowBucketPanes<TKey, TInput, TAccum, TOutput, TCombineFn> : GroupingPanes<TKey, TOutput>
    where TKey : notnull
    where TCombineFn : ICombineFn<TInput, TAccum, TOutput>
{
    private const long Unset = long.MinValue;
    private readonly TriggerStateMachine _trigger;
    private readonly PaneOptions _options;
    private readonly IEqualityComparer<TKey>? _comparer;
    private readonly bool _defaultTrigger;
    private readonly FiringKind _earlyKind;
    private readonly long _earlyArgument;
    private readonly FiringKind _lateKind;
    private readonly long _lateArgument;
    private readonly Dictionary<BoundedWindow, int> _bucketOf = new();
    private readonly TimerQueue<SlotTimer> _eventTimers = new();
    private readonly TimerQueue<SlotTimer> _processingTimers = new();
    private readonly List<int> _touched = new();
    private TCombineFn _fn;
    private Slot[] _slots = new Slot[64];

    // What every element touches of its slot (accumulator, the phase's trigger cell, flags), beside the slots rather than
    // in them: 24 bytes per key and window, so the live windows' hot state stays in the nearer caches.
    private Hot[] _hot = new Hot[64];
    private int _used;
    private int _free = -1;
    private Bucket[] _buckets = new Bucket[4];
    private int _bucketsUsed;
    private int _freeBucket = -1;
    private int _lastBucket = -1;
    private BoundedWindow _lastWindow;
    private KeyIndexMap<TKey> _lastSlots;
    private long _lastMaxTimestamp;

    /// <summary>Creates the state of one grouping.</summary>
    /// <param name="fn">The combine function.</param>
    /// <param name="trigger">The trigger: the default one, or the watermark trigger whose early and late firings are absent, an element count or a processing-time delay.</param>
    /// <param name="options">The rest of the windowing strategy: windows that do not merge, end-of-window timestamps.</param>
    /// <param name="comparer">The key comparer, or null for the default.</param>
    /// <exception cref="NotSupportedException">The trigger or the options are not ones these panes take (see <see cref="Supports"/>).</exception>
    public WindowBucketPanes(TCombineFn fn, TriggerStateMachine trigger, PaneOptions options, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (options.AllowedLatenessMillis < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AllowedLatenessMillis, "The allowed lateness must not be negative.");
        }

        if (!Supports(trigger.Spec, options))
        {
            throw new NotSupportedException("Window bucket panes take windows that do not merge, end-of-window timestamps and the default or watermark trigger with count or processing-time firings; use keyed window panes for " + trigger.Spec + ".");
        }

        _fn = fn;
        _trigger = trigger;
        _options = options;
        _comparer = comparer;
        _defaultTrigger = trigger.IsDefault;
        if (!_defaultTrigger)
        {
            (_earlyKind, _earlyArgument) = Firing(trigger.Spec.Children[0]);
            (_lateKind, _lateArgument) = Firing(trigger.Spec.Children[1]);
        }

    }

    /// <summary>
    /// Whether these panes take a strategy: windows that do not merge, the end-of-window timestamp combiner, and the default
    /// trigger or the watermark trigger whose early and late firings are each absent, an element count or a processing-time
    /// delay after the pane's first element.
    /// </summary>
    /// <param name="trigger">The trigger.</param>
    /// <param name="options">The rest of the strategy.</param>
    /// <returns>True when they do.</returns>
    public static bool Supports(TriggerSpec trigger, PaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        if (options.Merging || options.TimestampCombiner != TimestampCombiner.EndOfWindow)
        {
            return false;
        }

        return trigger.Kind == TriggerKind.Default ||
            (trigger.Kind == TriggerKind.AfterWatermark && IsSimpleFiring(trigger.Children[0]) && IsSimpleFiring(trigger.Children[1]));

        static bool IsSimpleFiring(TriggerSpec? firing) => firing is null || firing.Kind is TriggerKind.AfterCount or TriggerKind.AfterProcessingTime;
    }

    private static (FiringKind Kind, long Argument) Firing(TriggerSpec? firing) => firing switch
    {
        null => (FiringKind.None, 0),
        { Kind: TriggerKind.AfterCount } => (FiringKind.Count, firing.Argument),
        _ => (FiringKind.ProcessingTime, firing.Argument),
    };

    /// <summary>The output watermark: with end-of-window timestamps no pane is behind the input watermark, so it is that.</summary>
    public Instant OutputWatermark => InputWatermark;

    /// <summary>
    /// The earliest processing-time deadline of a window's trigger (after <see cref="GroupingPanes{TKey, TOutput}.ProcessingTime"/>), or null when no
    /// trigger waits on processing time. It may be the deadline of a pane that has fired since; advancing to it then
    /// fires nothing, and the next deadline follows.
    /// </summary>
    public Instant? NextProcessingDeadline => _processingTimers.TryPeek(out _, out var time) ? new Instant(time) : null;

    /// <summary>
    /// Adds an element to its key and window. Returns false when it was dropped (late or closed window).
    /// Triggers that fire on elements are evaluated at <see cref="EndBundle"/>.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="timestamp">The element's event timestamp (the pane's timestamp is its window's end: it is not kept).</param>
    /// <param name="window">The element's window.</param>
    public bool Add(TKey key, TInput value, Instant timestamp, BoundedWindow window)
    {
        // The last window's bucket is live, so not behind the watermark by more than the lateness: its timer has not fired.
        if (_lastBucket < 0 || window != _lastWindow)
        {
            if (GcTime(window) < InputWatermark.Millis)
            {
                DroppedLate++;
                return false;
            }

            UseBucketOf(window);
        }

        ref var index = ref _lastSlots.RefOrAdd(key, out var exists);
        if (!exists)
        {
            index = NewSlot(key, _lastBucket, window);
        }

        ref var hot = ref _hot[index];
        if (hot.Closed)
        {
            DroppedClosed++;
            return false;
        }

        if (!hot.HasAccumulator)
        {
            hot.Accumulator = _fn.CreateAccumulator();
            hot.HasAccumulator = true;
        }

        _fn.AddInput(ref hot.Accumulator, value);
        hot.NewData = true;
        var behind = InputWatermark.Millis > _lastMaxTimestamp;
        if (behind && !hot.HasElementHold)
        {
            // Late for output: held at garbage collection (the window is late).
            hot.HasExtraHold = true;
        }
        else
        {
            hot.HasElementHold = true;
        }

        if (_defaultTrigger)
        {
            if (behind)
            {
                // Late data under the default trigger fires a late pane at the end of the bundle.
                Touch(index, ref hot);
            }

            return true;
        }

        // The phase's firing sees the element: a count grows; a processing-time delay starts at the pane's first element,
        // and its deadline is queued then (later elements of the pane leave it as it is, so they queue nothing). The slot
        // is evaluated at the end of the bundle only when its trigger can fire there.
        var kind = hot.LatePhase ? _lateKind : _earlyKind;
        if (kind == FiringKind.ProcessingTime && hot.Cell == Unset)
        {
            hot.Cell = ProcessingTime.Millis + (hot.LatePhase ? _lateArgument : _earlyArgument);
            ScheduleDeadline(index);
        }
        else if (kind == FiringKind.Count)
        {
            hot.Cell++;
        }

        // Whether the trigger can fire at the end of this bundle: a count (more elements may reach it), a window behind the
        // watermark in the phase before its on-time pane, or a processing-time deadline already reached. Within a bundle
        // neither time moves, so a slot left off here cannot fire before its next element or timer.
        var mayFire = !hot.LatePhase
            ? behind || _earlyKind == FiringKind.Count || (_earlyKind == FiringKind.ProcessingTime && hot.Cell <= ProcessingTime.Millis)
            : _lateKind == FiringKind.Count || (_lateKind == FiringKind.ProcessingTime && hot.Cell <= ProcessingTime.Millis);
        if (mayFire && !hot.Touched)
        {
            hot.Touched = true;
            _touched.Add(index);
        }

        return true;
    }

    /// <summary>Makes the bucket of a window not behind the watermark by more than the lateness the last one used: found, or new with its timer set.</summary>
    private void UseBucketOf(BoundedWindow window)
    {
        ref var found = ref CollectionsMarshal.GetValueRefOrAddDefault(_bucketOf, window, out var exists);
        if (!exists)
        {
            found = NewBucket(window, setTimer: true);
        }

        _lastBucket = found;
        _lastWindow = window;
        _lastSlots = _buckets[found].Slots;
        _lastMaxTimestamp = window.MaxTimestamp.Millis;
    }

    private int NewBucket(BoundedWindow window, bool setTimer)
    {
        int index;
        if (_freeBucket >= 0)
        {
            index = _freeBucket;
            _freeBucket = _buckets[index].NextFree;
        }
        else
        {
            if (_bucketsUsed == _buckets.Length)
            {
                Array.Resize(ref _buckets, _buckets.Length * 2);
            }

            index = _bucketsUsed++;
        }

        ref var bucket = ref _buckets[index];
        bucket.Window = window;
        bucket.InUse = true;
        bucket.NextFree = -1;
        EnsureSlots(ref bucket);
        bucket.EndOfWindowDone = InputWatermark > window.MaxTimestamp;
        if (setTimer)
        {
            _eventTimers.Enqueue(new SlotTimer(index, bucket.Generation), NextEventTimer(ref bucket));
        }

        return index;
    }

    /// <summary>Gives a bucket its key map the first time it is used; a reused bucket keeps its cleared one.</summary>
    private void EnsureSlots(ref Bucket bucket)
    {
        if (!bucket.Slots.IsCreated)
        {
            bucket.Slots = new KeyIndexMap<TKey>(_comparer);
        }
    }

    private int NewSlot(TKey key, int bucket, BoundedWindow window)
    {
        LiveWindows++;
        int index;
        if (_free >= 0)
        {
            index = _free;
            _free = _slots[index].NextFree;
        }
        else
        {
            if (_used == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
                Array.Resize(ref _hot, _slots.Length);
            }

            index = _used++;
        }

        ref var hot = ref _hot[index];
        hot = default;
        hot.Cell = InitialCell(_earlyKind);
        ref var slot = ref _slots[index];
        var generation = slot.Generation;
        slot = default;
        slot.Generation = generation;
        slot.InUse = true;
        slot.Key = key;
        slot.Bucket = bucket;
        slot.NextFree = -1;
        slot.PreviousNonSpeculative = -1;
        slot.Deadline = Unset;
        slot.LateOnArrival = InputWatermark > window.MaxTimestamp;
        slot.EndOfWindowDone = slot.LateOnArrival;
        return index;
    }

    /// <summary>A firing's cell when its pane starts: no deadline yet, or no element counted.</summary>
    private static long InitialCell(FiringKind kind) => kind == FiringKind.ProcessingTime ? Unset : 0;

    /// <summary>Evaluates the triggers of the windows that received elements since the last call (Beam evaluates per bundle).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndBundle()
    {
        // Most bundles leave nothing to evaluate (a processing-time or watermark firing waits for its time): one compare.
        if (_touched.Count != 0)
        {
            EvaluateTouched();
        }
    }

    private void EvaluateTouched()
    {
        for (var i = 0; i < _touched.Count; i++)
        {
            var index = _touched[i];
            ref var hot = ref _hot[index];
            hot.Touched = false;
            if (_slots[index].InUse && !hot.Closed)
            {
                TryFire(index, isEndOfWindow: false);
            }
        }

        _touched.Clear();
    }

    /// <summary>Advances the input watermark: the windows whose end or garbage-collection time is behind it fire, in time order.</summary>
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
            ref var bucket = ref _buckets[timer.Slot];
            if (!bucket.InUse || bucket.Generation != timer.Generation)
            {
                continue;
            }

            var gc = GcTime(bucket.Window);
            if (!bucket.EndOfWindowDone && bucket.Window.MaxTimestamp.Millis < gc && gc >= watermark.Millis)
            {
                bucket.EndOfWindowDone = true;
                foreach (var (_, index) in bucket.Slots)
                {
                    ref var slot = ref _slots[index];
                    if (!slot.EndOfWindowDone)
                    {
                        slot.EndOfWindowDone = true;
                        if (!_hot[index].Closed)
                        {
                            TryFire(index, isEndOfWindow: true);
                        }
                    }
                }

                _eventTimers.Enqueue(timer, gc);
            }
            else
            {
                // Garbage collection: the final pane. When one advance passes both the end of the window and its end
                // plus the allowed lateness, this is also the end-of-window firing: one on-time pane, marked last, as
                // Beam's ReduceFnRunner.onTimers emits when a timer is both isEndOfWindow and isGarbageCollection.
                foreach (var (_, index) in bucket.Slots)
                {
                    if (!_hot[index].Closed)
                    {
                        Fire(index, bucket.Window, isFinal: true, isEndOfWindow: !_slots[index].EndOfWindowDone);
                    }
                }

                ReleaseBucket(timer.Slot);
            }
        }
    }

    /// <summary>
    /// Advances the watermark when that fires nothing (no bundle waits for its evaluation, and no window's end or garbage
    /// collection is behind the new watermark), and says so; otherwise changes nothing and returns false, and the caller
    /// takes <see cref="AdvanceWatermark"/>'s full path. A runner advances through it without taking its call's gate.
    /// </summary>
    /// <param name="watermark">The new watermark.</param>
    /// <returns>True when the watermark moved (or stayed) and nothing fired.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdvanceWatermarkQuietly(Instant watermark) => TryMoveWatermark(_touched.Count != 0, _eventTimers.EarliestTime, watermark);

    /// <summary>
    /// Advances processing time when that fires nothing (no bundle waits for its evaluation, and no deadline is at or before
    /// the new time), and says so; otherwise changes nothing and returns false, and the caller takes
    /// <see cref="AdvanceProcessingTime"/>'s full path.
    /// </summary>
    /// <param name="now">The new processing time.</param>
    /// <returns>True when processing time moved (or stayed) and nothing fired.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdvanceProcessingTimeQuietly(Instant now) => TryMoveProcessingTime(_touched.Count != 0, _processingTimers.EarliestTime, now);

    /// <summary>Advances processing time: processing-time firings whose deadline has passed are evaluated.</summary>
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
            if (!slot.InUse || slot.Generation != timer.Generation || _hot[timer.Slot].Closed)
            {
                continue;
            }

            slot.Deadline = Unset;
            TryFire(timer.Slot, isEndOfWindow: false);
            if (slot.InUse && !_hot[timer.Slot].Closed)
            {
                ScheduleDeadline(timer.Slot);
            }
        }
    }

    private long GcTime(BoundedWindow window) => WindowMath.GarbageCollectionTime(window, _options.AllowedLatenessMillis);

    private long NextEventTimer(ref Bucket bucket)
    {
        var gc = GcTime(bucket.Window);
        return !bucket.EndOfWindowDone && bucket.Window.MaxTimestamp.Millis < gc ? bucket.Window.MaxTimestamp.Millis : gc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Touch(int index, ref Hot hot)
    {
        if (!hot.Touched)
        {
            hot.Touched = true;
            _touched.Add(index);
        }
    }

    private void ScheduleDeadline(int index)
    {
        // The deadline of the phase's processing-time firing; one already passed needs no timer: the trigger is
        // evaluated at the end of this bundle.
        ref readonly var hot = ref _hot[index];
        ref var slot = ref _slots[index];
        var deadline = (hot.LatePhase ? _lateKind : _earlyKind) == FiringKind.ProcessingTime ? hot.Cell : Unset;
        if (deadline != Unset && deadline > ProcessingTime.Millis && deadline != slot.Deadline)
        {
            slot.Deadline = deadline;
            _processingTimers.Enqueue(new SlotTimer(index, slot.Generation), deadline);
        }
    }

    /// <summary>The compiled trigger's ShouldFire, then its OnFire, and the pane.</summary>
    private void TryFire(int index, bool isEndOfWindow)
    {
        ref var hot = ref _hot[index];
        var window = _buckets[_slots[index].Bucket].Window;
        var endReached = InputWatermark > window.MaxTimestamp;
        var finished = false;
        if (_defaultTrigger)
        {
            if (!endReached)
            {
                return;
            }
        }
        else if (!hot.LatePhase)
        {
            if (endReached)
            {
                // The on-time firing: from now on only late firings; without them the trigger is done.
                hot.LatePhase = true;
                hot.Cell = InitialCell(_lateKind);
                finished = _lateKind == FiringKind.None;
            }
            else if (ShouldFire(_earlyKind, _earlyArgument, hot.Cell))
            {
                // An early firing: the early firing starts again for the next pane.
                hot.Cell = InitialCell(_earlyKind);
            }
            else
            {
                return;
            }
        }
        else if (ShouldFire(_lateKind, _lateArgument, hot.Cell))
        {
            hot.Cell = InitialCell(_lateKind);
        }
        else
        {
            return;
        }

        Fire(index, window, finished, isEndOfWindow);
        if (finished)
        {
            // Closed: the trigger finished. Keep the slot (so later data is dropped) until garbage collection.
            hot.Closed = true;
            hot.Accumulator = default!;
            hot.HasAccumulator = false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ShouldFire(FiringKind kind, long argument, long cell) => kind switch
    {
        FiringKind.Count => cell >= argument,
        FiringKind.ProcessingTime => cell != Unset && ProcessingTime.Millis >= cell,
        _ => false,
    };

    private void Fire(int index, in BoundedWindow window, bool isFinal, bool isEndOfWindow)
    {
        ref var hot = ref _hot[index];
        ref var slot = ref _slots[index];
        var emit = hot.NewData
            || (isFinal && _options.Closing == ClosingBehavior.FireAlways)
            || (isEndOfWindow && _options.OnTime == OnTimeBehavior.FireAlways);
        if (emit)
        {
            var pane = PaneAccounting.Next(ref slot.NextIndex, ref slot.PreviousNonSpeculative, ref slot.LastTiming, ref slot.HasFired,
                slot.LateOnArrival, InputWatermark <= window.MaxTimestamp, isFinal);
            var timestamp = hot.HasElementHold ? window.MaxTimestamp.Millis
                : hot.HasExtraHold ? GcTime(window)
                : isEndOfWindow || InputWatermark <= window.MaxTimestamp ? window.MaxTimestamp.Millis
                : GcTime(window);
            if (TryExtract(ref hot, slot.Key, window, pane, out var value))
            {
                FiredPanes.Add(new FiredPane<TKey, TOutput>(slot.Key, value, new Instant(timestamp), window, pane));
                PanesFired++;
            }
        }

        if (!_options.Accumulating)
        {
            hot.Accumulator = default!;
            hot.HasAccumulator = false;
        }

        hot.NewData = false;
        hot.HasElementHold = false;
        hot.HasExtraHold = false;
    }

    /// <summary>
    /// The pane's value. The combine function is user code: if it throws, this pane is lost and reported by the caller
    /// (<see cref="GroupingPanes{TKey, TOutput}.Failed"/>), and the firing goes on. A method of its own, so that the try stays out of the firing loops.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryExtract(ref Hot hot, TKey key, BoundedWindow window, PaneInfo pane, out TOutput value)
    {
        try
        {
            value = _fn.ExtractOutput(hot.HasAccumulator ? hot.Accumulator : _fn.CreateAccumulator());
            return true;
        }
        catch (Exception error)
        {
            FailedPanes.Add(new FailedPane<TKey>(key, window, pane, error));
            value = default!;
            return false;
        }
    }

    /// <summary>Frees a window's bucket and every slot in it; the bucket's map is cleared and kept for a later window.</summary>
    private void ReleaseBucket(int index)
    {
        ref var bucket = ref _buckets[index];
        foreach (var (_, slotIndex) in bucket.Slots)
        {
            FreeSlot(slotIndex);
        }

        bucket.Slots.Clear();
        _bucketOf.Remove(bucket.Window);
        bucket.InUse = false;
        bucket.Generation++;
        bucket.NextFree = _freeBucket;
        _freeBucket = index;
        if (_lastBucket == index)
        {
            _lastBucket = -1;
            _lastSlots = default;
        }
    }

    private void FreeSlot(int index)
    {
        // NewSlot sets every field again; a free slot only has to let go of references (a key or accumulator that is an
        // object) and leave its timers stale (a new generation).
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TAccum>())
        {
            _hot[index].Accumulator = default!;
        }

        ref var slot = ref _slots[index];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TKey>())
        {
            slot.Key = default!;
        }

        slot.Generation++;
        slot.InUse = false;
        slot.NextFree = _free;
        _free = index;
        LiveWindows--;
    }

    private enum FiringKind : byte
    {
        None,
        Count,
        ProcessingTime,
    }

    /// <summary>A timer of a bucket (event time) or of a slot (processing time), valid while the generation matches.</summary>
    /// <summary>
    /// One live window.
    /// <list type="bullet">
    /// <item><description><b>State</b>: the window, its keys' slots (a map from key, in the order the keys came), and
    /// whether its on-time firing has happened.</description></item>
    /// <item><description><b>State style</b>: a struct in a pooled array; its map is cleared and reused by a later window.</description></item>
    /// <item><description><b>Merging</b>: none: windows that merge go to keyed window panes.</description></item>
    /// <item><description><b>Lifetime</b>: from the window's first element to the watermark passing its end plus the allowed lateness.</description></item>
    /// </list>
    /// </summary>
    private struct Bucket
    {
        public BoundedWindow Window;
        public KeyIndexMap<TKey> Slots;
        public int Generation;
        public int NextFree;
        public bool InUse;
        public bool EndOfWindowDone;
    }

    /// <summary>The part of a key and window's state that its elements read and write.</summary>
    private struct Hot
    {
        public TAccum Accumulator;

        /// <summary>The current phase's firing: its element count, or its processing-time deadline (or none yet).</summary>
        public long Cell;
        public bool HasAccumulator;
        public bool NewData;
        public bool Touched;
        public bool Closed;
        public bool HasElementHold;
        public bool HasExtraHold;

        /// <summary>Past the on-time pane: the late firing's phase.</summary>
        public bool LatePhase;
    }

    /// <summary>The rest of a key and window's state: its key, window, timers and pane bookkeeping.</summary>
    private struct Slot
    {
        public TKey Key;
        public long NextIndex;
        public long PreviousNonSpeculative;
        public long Deadline;
        public int Bucket;
        public int Generation;
        public int NextFree;
        public PaneTiming LastTiming;
        public bool InUse;
        public bool HasFired;
        public bool LateOnArrival;
        public bool EndOfWindowDone;
    }
}
