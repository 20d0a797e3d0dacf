using System;
using System.Collections.Generic;
using System.Numerics;
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
/// <para>State layout: a bucket per live window, holding its keys' state in two arrays of structs by the key's position
/// in the window (0 for its first key): what every element touches (accumulator, the trigger's cell, flags) in one, the
/// rest (key, pane bookkeeping) in the other, and a map from key to position. An element finds its window's
/// bucket (the last one used, or a map from window) and its key's position in one lookup (for a small integer key, one
/// read that touches no map entry), then its state at that position: the two dependent reads of the default path's
/// window maps, over arrays as dense as theirs. The end-of-window and garbage-collection timers belong to the bucket,
/// not to each key and window: a window fires its keys in the order they first came, and its state is freed at once at
/// garbage collection, the bucket (map and arrays) kept for a later window. Processing-time deadlines stay per key and
/// window, in a queue that takes them in time order in O(1).</para>
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
    private const int FirstCapacity = 8;
    private readonly TriggerStateMachine _trigger;
    private readonly PaneOptions _options;
    private readonly IEqualityComparer<TKey>? _comparer;
    private readonly bool _defaultTrigger;
    private readonly FiringKind _earlyKind;
    private readonly long _earlyArgument;
    private readonly FiringKind _lateKind;
    private readonly long _lateArgument;
    private readonly HotFlags _steady;
    private readonly Dictionary<BoundedWindow, int> _bucketOf = new();
    private readonly TimerQueue<SlotTimer> _eventTimers = new();
    private readonly TimerQueue<KeyTimer> _processingTimers = new();
    private KeyAt[] _touched = new KeyAt[16]; // the keys evaluated at the end of the bundle, in the order they were touched
    private int _touchedCount;
    private TCombineFn _fn;
    private Bucket[] _buckets = new Bucket[4];
    private int _bucketsUsed;
    private int _freeBucket = -1;
    private int _lastBucket = -1;
    private BoundedWindow _lastWindow;
    private KeyIndexMap<TKey> _lastKeys;
    private Hot[] _lastHot = [];
    private long _lastMaxTimestamp;
    private int _mostKeys; // the largest arrays a bucket grew to: a new bucket starts there

    // The pane being extracted: a throw from the combine function while this is set is that pane's failure (the firing
    // loops catch it and go on), and whether its key's trigger finished with it.
    private bool _extracting;
    private PaneInfo _extractingPane;
    private bool _firingFinished;

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

        _steady = _earlyKind == FiringKind.Count ? HotFlags.Never : HotFlags.Steady;
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Add(TKey key, TInput value, Instant timestamp, BoundedWindow window)
    {
        // Inlined into the runner's loop: the element of the window last used, of a key it has, whose pane is under way,
        // on time, and whose trigger cannot fire at the end of this bundle (its deadline, if any, set and ahead: a deadline
        // reached fires as processing time reaches it) only adds itself. The full path would change nothing else. It is
        // off for an early firing that counts elements. Anything else takes the full path, a call.
        if (_lastBucket >= 0 && window == _lastWindow)
        {
            var position = _lastKeys.PositionOrAdd(key);
            if (position >= 0)
            {
                ref var hot = ref _lastHot[position];
                if (hot.Flags == _steady && hot.Cell > ProcessingTime.Millis && InputWatermark.Millis <= _lastMaxTimestamp)
                {
                    _fn.AddInput(ref hot.Accumulator, value);
                    return true;
                }
            }
            else
            {
                position = ~position;
                NewKey(_lastBucket, position, key);
            }

            return AddToKey(position, value);
        }

        return AddInWindow(key, value, window);
    }

    /// <summary>An element of another window than the last one used: its bucket found (or made), or the element dropped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AddInWindow(TKey key, TInput value, BoundedWindow window)
    {
        // The last window's bucket is live, so not behind the watermark by more than the lateness: its timer has not
        // fired. Another window may be.
        if (GcTime(window) < InputWatermark.Millis)
        {
            DroppedLate++;
            return false;
        }

        UseBucketOf(window);
        var position = _lastKeys.PositionOrAdd(key);
        if (position < 0)
        {
            position = ~position;
            NewKey(_lastBucket, position, key);
        }

        return AddToKey(position, value);
    }

    /// <summary>The full path of an element of a key of the last bucket used.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AddToKey(int position, TInput value)
    {
        // The key's flags are read once and written once (each flag set through memory would be a store the next reads).
        ref var hot = ref _lastHot[position];
        var flags = hot.Flags;
        if ((flags & HotFlags.Closed) != 0)
        {
            DroppedClosed++;
            return false;
        }

        if ((flags & HotFlags.HasAccumulator) == 0)
        {
            hot.Accumulator = _fn.CreateAccumulator();
            flags |= HotFlags.HasAccumulator;
            hot.Flags = flags;
        }

        _fn.AddInput(ref hot.Accumulator, value);
        var behind = InputWatermark.Millis > _lastMaxTimestamp;

        // Late for output (the window is late, and no element of the pane came on time): held at garbage collection.
        flags |= HotFlags.NewData | (behind && (flags & HotFlags.HasElementHold) == 0 ? HotFlags.HasExtraHold : HotFlags.HasElementHold);
        hot.Flags = flags;

        if (_defaultTrigger)
        {
            if (behind)
            {
                // Late data under the default trigger fires a late pane at the end of the bundle.
                Touch(position, ref hot);
            }

            return true;
        }

        // The phase's firing sees the element: a count grows; a processing-time delay starts at the pane's first element,
        // and its deadline is queued then (later elements of the pane leave it as it is, so they queue nothing). The key is
        // evaluated at the end of the bundle only when its trigger can fire there.
        var latePhase = (flags & HotFlags.LatePhase) != 0;
        var kind = latePhase ? _lateKind : _earlyKind;
        if (kind == FiringKind.ProcessingTime && hot.Cell == Unset)
        {
            hot.Cell = ProcessingTime.Millis + (latePhase ? _lateArgument : _earlyArgument);
            if (hot.Cell > ProcessingTime.Millis)
            {
                // A new pane's deadline, queued without reading the key's last one: a timer of the same time, if one is
                // queued, finds the pane fired and fires nothing. A delay of zero is evaluated at the end of this bundle.
                EnqueueDeadline(_lastBucket, position, hot.Cell);
            }
        }
        else if (kind == FiringKind.Count)
        {
            hot.Cell++;
        }

        // Whether the trigger can fire at the end of this bundle: a count (more elements may reach it), a window behind the
        // watermark in the phase before its on-time pane, or a processing-time deadline already reached. Within a bundle
        // neither time moves, so a key left off here cannot fire before its next element or timer.
        var mayFire = !latePhase
            ? behind || _earlyKind == FiringKind.Count || (_earlyKind == FiringKind.ProcessingTime && hot.Cell <= ProcessingTime.Millis)
            : _lateKind == FiringKind.Count || (_lateKind == FiringKind.ProcessingTime && hot.Cell <= ProcessingTime.Millis);
        if (mayFire)
        {
            Touch(position, ref hot);
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

        ref var bucket = ref _buckets[found];
        _lastBucket = found;
        _lastWindow = window;
        _lastKeys = bucket.Keys;
        _lastHot = bucket.Hot;
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
        EnsureState(ref bucket);
        bucket.EndOfWindowDone = InputWatermark > window.MaxTimestamp;
        if (setTimer)
        {
            _eventTimers.Enqueue(new SlotTimer(index, bucket.Generation), NextEventTimer(ref bucket));
        }

        return index;
    }

    /// <summary>
    /// Gives a bucket its key map and arrays the first time it is used, sized for as many keys as the largest window had so
    /// far (windows mostly have about as many keys as the last ones: a new bucket does not grow its way there again); a
    /// reused bucket keeps its cleared ones.
    /// </summary>
    private void EnsureState(ref Bucket bucket)
    {
        if (!bucket.Keys.IsCreated)
        {
            var capacity = (int)Math.Min(Array.MaxLength, BitOperations.RoundUpToPowerOf2((uint)Math.Max(FirstCapacity, _mostKeys)));
            bucket.Keys = new KeyIndexMap<TKey>(_comparer);
            bucket.Hot = new Hot[capacity];
            bucket.Slots = new Slot[capacity];
        }
    }

    /// <summary>The state of a key that came to a bucket at <paramref name="position"/> (its next one), new.</summary>
    private void NewKey(int bucketIndex, int position, TKey key)
    {
        LiveWindows++;
        ref var bucket = ref _buckets[bucketIndex];
        if (position == bucket.Hot.Length)
        {
            Array.Resize(ref bucket.Hot, bucket.Hot.Length * 2);
            Array.Resize(ref bucket.Slots, bucket.Hot.Length);
            _mostKeys = Math.Max(_mostKeys, bucket.Hot.Length);
            if (bucketIndex == _lastBucket)
            {
                _lastHot = bucket.Hot;
            }
        }

        bucket.Count = position + 1;
        ref var hot = ref bucket.Hot[position];
        // Every field set, each once (a position is reused by later windows).
        hot.Accumulator = default!;
        hot.Cell = InitialCell(_earlyKind);
        hot.Flags = HotFlags.None;
        ref var slot = ref bucket.Slots[position];
        var late = InputWatermark > bucket.Window.MaxTimestamp;
        slot.Key = key;
        slot.NextIndex = 0;
        slot.PreviousNonSpeculative = -1;
        slot.LastTiming = default;
        slot.HasFired = false;
        slot.LateOnArrival = late;
        slot.EndOfWindowDone = late;
    }

    /// <summary>
    /// A firing's cell when its pane starts: no deadline yet, no element counted, or, without a firing, a deadline that
    /// never comes (so that the steady path's one compare with processing time holds for it).
    /// </summary>
    private static long InitialCell(FiringKind kind) => kind switch
    {
        FiringKind.ProcessingTime => Unset,
        FiringKind.Count => 0,
        _ => long.MaxValue,
    };

    /// <summary>Whether <see cref="EndBundle"/> has something to evaluate (a key whose trigger may fire): a runner calls it only then.</summary>
    public bool BundleWaits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _touchedCount != 0;
    }

    /// <summary>Evaluates the triggers of the windows that received elements since the last call (Beam evaluates per bundle); the panes that fire go to <see cref="GroupingPanes{TKey, TOutput}.Fired"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndBundle()
    {
        var fired = new ToFiredList<TKey, TOutput>(FiredPanes);
        EndBundle(ref fired);
    }

    /// <summary>Evaluates the triggers of the windows that received elements since the last call, handing each pane that fires to <paramref name="receiver"/>.</summary>
    /// <typeparam name="TReceiver">The receiver (a struct, for direct calls).</typeparam>
    /// <param name="receiver">Takes each pane as it fires.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndBundle<TReceiver>(ref TReceiver receiver)
        where TReceiver : struct, IPaneReceiver<TKey, TOutput>
    {
        // Most bundles leave nothing to evaluate (a processing-time or watermark firing waits for its time): one compare.
        if (_touchedCount != 0)
        {
            EvaluateTouched(ref receiver);
        }
    }

    private void EvaluateTouched<TReceiver>(ref TReceiver receiver)
        where TReceiver : struct, IPaneReceiver<TKey, TOutput>
    {
        var i = 0;
        while (true)
        {
            try
            {
                for (; i < _touchedCount; i++)
                {
                    var (b, position) = _touched[i];
                    ref var hot = ref _buckets[b].Hot[position];
                    hot.Touched = false;
                    if (_buckets[b].InUse && !hot.Closed)
                    {
                        TryFire(b, position, isEndOfWindow: false, ref receiver);
                    }
                }

                break;
            }
            catch (Exception error) when (_extracting)
            {
                var (b, position) = _touched[i++];
                ExtractFailed(error, b, position);
            }
        }

        _touchedCount = 0;
    }

    /// <summary>Advances the input watermark: the windows whose end or garbage-collection time is behind it fire, in time order; the panes go to <see cref="GroupingPanes{TKey, TOutput}.Fired"/>.</summary>
    /// <param name="watermark">The new watermark.</param>
    public void AdvanceWatermark(Instant watermark)
    {
        var fired = new ToFiredList<TKey, TOutput>(FiredPanes);
        AdvanceWatermark(watermark, ref fired);
    }

    /// <summary>Advances the input watermark: the windows whose end or garbage-collection time is behind it fire, in time order, each pane handed to <paramref name="receiver"/>.</summary>
    /// <typeparam name="TReceiver">The receiver (a struct, for direct calls).</typeparam>
    /// <param name="watermark">The new watermark.</param>
    /// <param name="receiver">Takes each pane as it fires.</param>
    public void AdvanceWatermark<TReceiver>(Instant watermark, ref TReceiver receiver)
        where TReceiver : struct, IPaneReceiver<TKey, TOutput>
    {
        EndBundle(ref receiver);
        if (watermark <= InputWatermark)
        {
            return;
        }

        InputWatermark = watermark;
        // Timers strictly behind the watermark are due (it moved, so it is above Instant.MinValue: no overflow).
        while (_eventTimers.TryDequeueDue(watermark.Millis - 1, out var timer, out _))
        {
            ref var bucket = ref _buckets[timer.Slot];
            if (!bucket.InUse || bucket.Generation != timer.Generation)
            {
                continue;
            }

            var gc = GcTime(bucket.Window);
            if (!bucket.EndOfWindowDone && bucket.Window.MaxTimestamp.Millis < gc && gc >= watermark.Millis)
            {
                bucket.EndOfWindowDone = true;
                FireEndOfWindow(timer.Slot, ref receiver);
                _eventTimers.Enqueue(timer, gc);
            }
            else
            {
                FireGarbageCollection(timer.Slot, ref receiver);
                ReleaseBucket(timer.Slot);
            }
        }
    }

    /// <summary>The end-of-window firing of a window's keys, in the order they came.</summary>
    private void FireEndOfWindow<TReceiver>(int b, ref TReceiver receiver)
        where TReceiver : struct, IPaneReceiver<TKey, TOutput>
    {
        var position = 0;
        while (true)
        {
            try
            {
                ref var bucket = ref _buckets[b];
                for (; position < bucket.Count; position++)
                {
                    ref var slot = ref bucket.Slots[position];
                    if (!slot.EndOfWindowDone)
                    {
                        slot.EndOfWindowDone = true;
                        if (!bucket.Hot[position].Closed)
                        {
                            TryFire(b, position, isEndOfWindow: true, ref receiver);
                        }
                    }
                }

                return;
            }
            catch (Exception error) when (_extracting)
            {
                ExtractFailed(error, b, position++);
            }
        }
    }

    /// <summary>
    /// Garbage collection: the final pane of a window's keys. When one advance passes both the end of the window and its
    /// end plus the allowed lateness, this is also the end-of-window firing: one on-time pane, marked last, as Beam's
    /// ReduceFnRunner.onTimers emits when a timer is both isEndOfWindow and isGarbageCollection.
    /// </summary>
    private void FireGarbageCollection<TReceiver>(int b, ref TReceiver receiver)
        where TReceiver : struct, IPaneReceiver<TKey, TOutput>
    {
        var position = 0;
        while (true)
        {
            _firingFinished = false; // the bucket goes next: nothing to close
            try
            {
                ref var bucket = ref _buckets[b];
                for (; position < bucket.Count; position++)
                {
                    if (!bucket.Hot[position].Closed)
                    {
                        Fire(ref bucket, position, isFinal: true, isEndOfWindow: !bucket.Slots[position].EndOfWindowDone, ref receiver);
                    }
                }

                return;
            }
            catch (Exception error) when (_extracting)
            {
                ExtractFailed(error, b, position++);
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
    public bool TryAdvanceWatermarkQuietly(Instant watermark) => TryMoveWatermark(_touchedCount != 0, _eventTimers.EarliestTime, watermark);

    /// <summary>
    /// Advances processing time when that fires nothing (no bundle waits for its evaluation, and no deadline is at or before
    /// the new time), and says so; otherwise changes nothing and returns false, and the caller takes
    /// <see cref="AdvanceProcessingTime"/>'s full path.
    /// </summary>
    /// <param name="now">The new processing time.</param>
    /// <returns>True when processing time moved (or stayed) and nothing fired.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAdvanceProcessingTimeQuietly(Instant now) => TryMoveProcessingTime(_touchedCount != 0, _processingTimers.EarliestTime, now);

    /// <summary>Advances processing time: processing-time firings whose deadline has passed are evaluated; the panes go to <see cref="GroupingPanes{TKey, TOutput}.Fired"/>.</summary>
    /// <param name="now">The new processing time.</param>
    public void AdvanceProcessingTime(Instant now)
    {
        var fired = new ToFiredList<TKey, TOutput>(FiredPanes);
        AdvanceProcessingTime(now, ref fired);
    }

    /// <summary>Advances processing time: processing-time firings whose deadline has passed are evaluated, each pane handed to <paramref name="receiver"/>.</summary>
    /// <typeparam name="TReceiver">The receiver (a struct, for direct calls).</typeparam>
    /// <param name="now">The new processing time.</param>
    /// <param name="receiver">Takes each pane as it fires.</param>
    public void AdvanceProcessingTime<TReceiver>(Instant now, ref TReceiver receiver)
        where TReceiver : struct, IPaneReceiver<TKey, TOutput>
    {
        EndBundle(ref receiver);
        if (now <= ProcessingTime)
        {
            return;
        }

        ProcessingTime = now;
        // Once a window's end has fired, every key of it is in its late phase (the end-of-window firing and the end of the
        // bundle above took each there), so without processing-time late firings a deadline of such a window is spent: it
        // is dropped on the bucket's flag, without reading the key's state (about half the deadlines of early firings come
        // after their window's end, and each read would be a cache miss).
        var spentAfterEnd = _lateKind != FiringKind.ProcessingTime;
        // The key being fired, for the catch: two ints, not the timer (a copy of the whole struct would be a wide load
        // right behind the narrow stores that made it, which the store buffer cannot forward).
        var currentBucket = 0;
        var currentPosition = 0;
        while (true)
        {
            try
            {
                while (_processingTimers.TryDequeueDue(now.Millis, out var timer, out _))
                {
                    ref var bucket = ref _buckets[timer.Bucket];
                    if (!bucket.InUse || bucket.Generation != timer.Generation || (spentAfterEnd && bucket.EndOfWindowDone) || bucket.Hot[timer.Position].Closed)
                    {
                        continue;
                    }

                    currentBucket = timer.Bucket;
                    currentPosition = timer.Position;
                    TryFire(timer.Bucket, timer.Position, isEndOfWindow: false, ref receiver);
                }

                return;
            }
            catch (Exception error) when (_extracting)
            {
                ExtractFailed(error, currentBucket, currentPosition);
            }
        }
    }

    private long GcTime(BoundedWindow window) => WindowMath.GarbageCollectionTime(window, _options.AllowedLatenessMillis);

    private long NextEventTimer(ref Bucket bucket)
    {
        var gc = GcTime(bucket.Window);
        return !bucket.EndOfWindowDone && bucket.Window.MaxTimestamp.Millis < gc ? bucket.Window.MaxTimestamp.Millis : gc;
    }

    /// <summary>Puts a key of the last bucket used on the list evaluated at the end of the bundle, once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Touch(int position, ref Hot hot)
    {
        if (!hot.Touched)
        {
            hot.Touched = true;
            AddTouched(new KeyAt(_lastBucket, position));
        }
    }

    private void AddTouched(KeyAt key)
    {
        if (_touchedCount == _touched.Length)
        {
            Array.Resize(ref _touched, _touched.Length * 2);
        }

        _touched[_touchedCount++] = key;
    }

    /// <summary>
    /// Queues the deadline of a key's new pane. Every deadline a key's cell holds was queued as it was set (here, or by a
    /// restore or an adoption, which queue the checkpoint's): a deadline that comes finds the key's cell, and fires its pane
    /// or, when that pane fired since, nothing; nothing else is queued after a firing.
    /// </summary>
    private void EnqueueDeadline(int bucketIndex, int position, long deadline)
    {
        _processingTimers.Enqueue(new KeyTimer(bucketIndex, position, _buckets[bucketIndex].Generation), deadline);
    }

    /// <summary>The compiled trigger's ShouldFire, then its OnFire, and the pane.</summary>
    private void TryFire<TReceiver>(int bucketIndex, int position, bool isEndOfWindow, ref TReceiver receiver)
        where TReceiver : struct, IPaneReceiver<TKey, TOutput>
    {
        ref var bucket = ref _buckets[bucketIndex];
        ref var hot = ref bucket.Hot[position];
        var endReached = InputWatermark > bucket.Window.MaxTimestamp;
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

        _firingFinished = finished;
        Fire(ref bucket, position, finished, isEndOfWindow, ref receiver);
        if (finished)
        {
            Close(ref hot);
        }
    }

    /// <summary>The trigger finished: the key's state is kept (so later data is dropped) until garbage collection.</summary>
    private static void Close(ref Hot hot)
    {
        hot.Closed = true;
        hot.Accumulator = default!;
        hot.HasAccumulator = false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ShouldFire(FiringKind kind, long argument, long cell) => kind switch
    {
        FiringKind.Count => cell >= argument,
        FiringKind.ProcessingTime => cell != Unset && ProcessingTime.Millis >= cell,
        _ => false,
    };

    /// <summary>
    /// A pane of a key: its value extracted and handed to the receiver, or, when the combine function (user code) throws,
    /// the pane lost and reported (<see cref="GroupingPanes{TKey, TOutput}.Failed"/>) while the firing goes on. No try is
    /// entered per pane: the loop that fires holds one, and its catch (<see cref="ExtractFailed"/>) finishes this key's
    /// firing and goes on with the next key.
    /// </summary>
    private void Fire<TReceiver>(ref Bucket bucket, int position, bool isFinal, bool isEndOfWindow, ref TReceiver receiver)
        where TReceiver : struct, IPaneReceiver<TKey, TOutput>
    {
        ref var hot = ref bucket.Hot[position];
        ref var slot = ref bucket.Slots[position];
        var emit = hot.NewData
            || (isFinal && _options.Closing == ClosingBehavior.FireAlways)
            || (isEndOfWindow && _options.OnTime == OnTimeBehavior.FireAlways);
        if (emit)
        {
            var window = bucket.Window;
            var pane = PaneAccounting.Next(ref slot.NextIndex, ref slot.PreviousNonSpeculative, ref slot.LastTiming, ref slot.HasFired,
                slot.LateOnArrival, InputWatermark <= window.MaxTimestamp, isFinal);
            var timestamp = hot.HasElementHold ? window.MaxTimestamp.Millis
                : hot.HasExtraHold ? GcTime(window)
                : isEndOfWindow || InputWatermark <= window.MaxTimestamp ? window.MaxTimestamp.Millis
                : GcTime(window);
            _extractingPane = pane;
            _extracting = true;
            var value = _fn.ExtractOutput(hot.HasAccumulator ? hot.Accumulator : _fn.CreateAccumulator());
            _extracting = false;
            PanesFired++;
            receiver.Receive(new FiredPane<TKey, TOutput>(slot.Key, value, new Instant(timestamp), window, pane));
        }

        AfterFire(ref hot);
    }

    /// <summary>What a firing leaves of a key's pane: the accumulator when panes accumulate, and no new data or holds.</summary>
    private void AfterFire(ref Hot hot)
    {
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
    /// The combine function threw while the pane of the key at <paramref name="position"/> was extracted: the pane is lost
    /// and reported, and the key's firing ends as it would have (its pane's state reset, closed if its trigger finished).
    /// </summary>
    private void ExtractFailed(Exception error, int b, int position)
    {
        _extracting = false;
        ref var bucket = ref _buckets[b];
        ref var hot = ref bucket.Hot[position];
        FailedPanes.Add(new FailedPane<TKey>(bucket.Slots[position].Key, bucket.Window, _extractingPane, error));
        AfterFire(ref hot);
        if (_firingFinished)
        {
            Close(ref hot);
        }
    }

    /// <summary>Frees a window's bucket and its keys' state; the bucket's map and arrays are cleared and kept for a later window.</summary>
    private void ReleaseBucket(int index)
    {
        ref var bucket = ref _buckets[index];
        LiveWindows -= bucket.Count;

        // A later window sets every field of a position again before it reads it: only references (a key or an accumulator
        // that is an object) are let go of here.
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TAccum>())
        {
            Array.Clear(bucket.Hot, 0, bucket.Count);
        }

        if (RuntimeHelpers.IsReferenceOrContainsReferences<TKey>())
        {
            Array.Clear(bucket.Slots, 0, bucket.Count);
        }

        bucket.Count = 0;
        bucket.Keys.Clear();
        _bucketOf.Remove(bucket.Window);
        bucket.InUse = false;
        bucket.Generation++;
        bucket.NextFree = _freeBucket;
        _freeBucket = index;
        if (_lastBucket == index)
        {
            _lastBucket = -1;
            _lastKeys = default;
            _lastHot = [];
        }
    }

    private enum FiringKind : byte
    {
        None,
        Count,
        ProcessingTime,
    }

    /// <summary>A key of a window: its bucket and its position there.</summary>
    /// <param name="Bucket">The bucket.</param>
    /// <param name="Position">The key's position in it.</param>
    private readonly record struct KeyAt(int Bucket, int Position);

    /// <summary>A processing-time deadline of a key of a window, valid while the bucket's generation is the one it was set for.</summary>
    /// <param name="Bucket">The bucket.</param>
    /// <param name="Position">The key's position in it.</param>
    /// <param name="Generation">The bucket's generation when the deadline was set.</param>
    private readonly record struct KeyTimer(int Bucket, int Position, int Generation);

    /// <summary>
    /// One live window.
    /// <list type="bullet">
    /// <item><description><b>State</b>: the window, its keys' state by position (the order they came) with a map from key to
    /// position, and whether its on-time firing has happened.</description></item>
    /// <item><description><b>State style</b>: a struct in a pooled array; its map and arrays are cleared and reused by a later window.</description></item>
    /// <item><description><b>Merging</b>: none: windows that merge go to keyed window panes.</description></item>
    /// <item><description><b>Lifetime</b>: from the window's first element to the watermark passing its end plus the allowed lateness.</description></item>
    /// </list>
    /// </summary>
    private struct Bucket
    {
        public BoundedWindow Window;
        public KeyIndexMap<TKey> Keys;

        /// <summary>What each key's elements read and write, by position: 24 bytes per key for a long sum, dense per window.</summary>
        public Hot[] Hot;

        /// <summary>The rest of each key's state, by position.</summary>
        public Slot[] Slots;

        /// <summary>The number of keys (positions used).</summary>
        public int Count;
        public int Generation;
        public int NextFree;
        public bool InUse;
        public bool EndOfWindowDone;
    }

    /// <summary>The part of a key and window's state that its elements read and write.</summary>
    private struct Hot
    {
        public TAccum Accumulator;

        /// <summary>
        /// The current phase's firing: its element count, or its processing-time deadline (<see cref="Unset"/> before the
        /// pane's first element), or <see cref="long.MaxValue"/> for a phase without a firing.
        /// </summary>
        public long Cell;

        /// <summary>The flags below, in one byte: an element of a pane under way reads them in one compare.</summary>
        public HotFlags Flags;

        public bool HasAccumulator { readonly get => Has(HotFlags.HasAccumulator); set => Set(HotFlags.HasAccumulator, value); }

        public bool NewData { readonly get => Has(HotFlags.NewData); set => Set(HotFlags.NewData, value); }

        public bool Touched { readonly get => Has(HotFlags.Touched); set => Set(HotFlags.Touched, value); }

        public bool Closed { readonly get => Has(HotFlags.Closed); set => Set(HotFlags.Closed, value); }

        public bool HasElementHold { readonly get => Has(HotFlags.HasElementHold); set => Set(HotFlags.HasElementHold, value); }

        public bool HasExtraHold { readonly get => Has(HotFlags.HasExtraHold); set => Set(HotFlags.HasExtraHold, value); }

        /// <summary>Past the on-time pane: the late firing's phase.</summary>
        public bool LatePhase { readonly get => Has(HotFlags.LatePhase); set => Set(HotFlags.LatePhase, value); }

        private readonly bool Has(HotFlags flag) => (Flags & flag) != 0;

        private void Set(HotFlags flag, bool on) => Flags = on ? Flags | flag : Flags & ~flag;
    }

    [Flags]
    private enum HotFlags : byte
    {
        None = 0,
        HasAccumulator = 1,
        NewData = 2,
        Touched = 4,
        Closed = 8,
        HasElementHold = 16,
        HasExtraHold = 32,
        LatePhase = 64,

        /// <summary>
        /// A pane under way, on time, before the on-time pane: what an element finds when all it has to do is add itself.
        /// </summary>
        Steady = HasAccumulator | NewData | HasElementHold,

        /// <summary>No key's flags are this: the steady path is off (an early firing that counts elements sees each one).</summary>
        Never = 0xFF,
    }

    /// <summary>The rest of a key and window's state: its key and pane bookkeeping.</summary>
    private struct Slot
    {
        public TKey Key;
        public long NextIndex;
        public long PreviousNonSpeculative;
        public PaneTiming LastTiming;
        public bool HasFired;
        public bool LateOnArrival;
        public bool EndOfWindowDone;
    }
}
