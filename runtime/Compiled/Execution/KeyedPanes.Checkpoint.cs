using System;
using System.Collections.Generic;
using Compiled.Coders;
using Compiled.Triggers;

namespace Compiled.Execution;

public sealed partial class KeyedPanes<TKey, TInput, TAccum, TOutput, TCombineFn>
{
    private const byte CheckpointLayout = 1;

    /// <summary>
    /// Writes the whole state for a checkpoint: watermark, processing time and counts, every slot as it lies in the pool
    /// (live ones with their key, window, accumulator, trigger state, holds and pane bookkeeping; free ones with their
    /// link), the keys' trees, and the timer queues in their heap order. Restoring it gives back this very state, so the
    /// panes that fire afterwards, and their order, are those of a run that did not stop. Call it between two calls
    /// (when <see cref="GroupingPanes{TKey, TOutput}.Fired"/> and <see cref="GroupingPanes{TKey, TOutput}.Failed"/> have been drained).
    /// </summary>
    /// <typeparam name="TKeyCoder">The coder of the keys.</typeparam>
    /// <typeparam name="TAccumCoder">The coder of the accumulators.</typeparam>
    /// <param name="writer">Where the state goes.</param>
    public void WriteCheckpoint<TKeyCoder, TAccumCoder>(ref CoderWriter writer)
        where TKeyCoder : struct, ICoder<TKey>
        where TAccumCoder : struct, ICoder<TAccum>
    {
        EnsureTaken("a checkpoint is written between two calls");

        WriteHead(ref writer, CheckpointLayout);
        writer.WriteInt32(_used);
        writer.WriteInt32(_free);
        for (var i = 0; i < _used; i++)
        {
            ref readonly var slot = ref _slots[i];
            writer.WriteBoolean(slot.InUse);
            writer.WriteInt32(slot.Generation);
            writer.WriteInt32(slot.Left);
            if (!slot.InUse)
            {
                continue;
            }

            default(TKeyCoder).Encode(ref writer, slot.Key);
            default(BoundedWindowCoder).Encode(ref writer, slot.Window);
            writer.WriteBoolean(slot.HasAccumulator);
            if (slot.HasAccumulator)
            {
                default(TAccumCoder).Encode(ref writer, slot.Accumulator);
            }

            // The default trigger keeps no state: it writes the zero state it had when the state was in the slot.
            var trigger = _defaultTrigger ? default : _triggerStates[i];
            writer.WriteUInt64(trigger.Finished);
            for (var c = 0; c < TriggerState.MaxCells; c++)
            {
                writer.WriteInt64(trigger.Cells[c]);
            }

            writer.WriteInt64(slot.ElementHold);
            writer.WriteInt64(slot.ExtraHold);
            writer.WriteInt64(slot.NextIndex);
            writer.WriteInt64(slot.PreviousNonSpeculative);
            writer.WriteInt64(slot.Deadline);
            writer.WriteInt32(slot.Right);
            writer.WriteInt32(slot.Parent);
            writer.WriteByte((byte)slot.LastTiming);
            writer.WriteUInt16(Flags(slot));
        }

        writer.WriteInt32(_heads.Count);
        foreach (var (key, windows) in _heads)
        {
            default(TKeyCoder).Encode(ref writer, key);
            writer.WriteInt32(windows.Root);
            writer.WriteInt32(windows.Last);
            writer.WriteInt32(windows.Pending);
            writer.WriteInt32(windows.Merged);
            writer.WriteBoolean(windows.Dirty);
        }

        writer.WriteInt32(_dirtyKeys.Count);
        foreach (var key in _dirtyKeys)
        {
            default(TKeyCoder).Encode(ref writer, key);
        }

        SlotTimers.Write(ref writer, _eventTimers);
        SlotTimers.Write(ref writer, _processingTimers);
        writer.WriteInt32(_unscheduled.Count);
        foreach (var timer in _unscheduled)
        {
            writer.WriteInt32(timer.Slot);
            writer.WriteInt32(timer.Generation);
        }

        writer.WriteInt32(_touched.Count);
        foreach (var index in _touched)
        {
            writer.WriteInt32(index);
        }
    }

    /// <summary>
    /// New, empty panes with this one's combine function, trigger, options, key comparer and window function: a
    /// checkpoint part of another shard is restored into them, and the windows of the keys this shard owns are then
    /// adopted (<see cref="AdoptCheckpointed"/>), when a checkpoint is restored at another parallelism.
    /// </summary>
    /// <returns>The empty panes.</returns>
    public KeyedPanes<TKey, TInput, TAccum, TOutput, TCombineFn> NewEmpty() => new(_fn, _trigger, _options, _heads.Comparer, _mergingFn);

    /// <summary>
    /// Moves into these panes, while a checkpoint is restored at another parallelism, every window of the keys of
    /// <paramref name="source"/> (restored from the part of one shard of the old parallelism) that
    /// <paramref name="owns"/> says belong here: each with its accumulator, trigger state, holds and pane bookkeeping,
    /// and its timers queued again here. The input watermark and processing time become the latest over the parts
    /// adopted: at an aligned checkpoint every shard of a level had the same ones, except where panes were never
    /// advanced (those of a global combine on the shards other than its own).
    /// </summary>
    /// <param name="source">The panes of one old shard, restored (read only: other new shards adopt their keys from it too).</param>
    /// <param name="owns">Whether a key's group belongs to this shard.</param>
    /// <param name="first">Whether this is the first part adopted (its watermarks are taken as they are).</param>
    /// <param name="counts">Whether the part's counts (late and closed drops, panes fired) are added here: on one new shard only, so each counts once.</param>
    /// <exception cref="InvalidOperationException">A key is adopted twice (two parts held it), or these panes have panes not taken.</exception>
    public void AdoptCheckpointed(KeyedPanes<TKey, TInput, TAccum, TOutput, TCombineFn> source, Func<TKey, bool> owns, bool first, bool counts)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(owns);
        EnsureTaken("windows are adopted only while a checkpoint is restored");
        AdoptHead(source, first, counts);

        // Where each adopted slot of the source went here: its timers are queued again as they were queued there (at
        // the same times, a grown session's at its old time too), so that the panes fire as the source's would have.
        var moved = new int[source._used];
        moved.AsSpan().Fill(-1);
        foreach (var (key, windows) in source._heads)
        {
            if (!owns(key))
            {
                continue;
            }

            ref var target = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_heads, key, out var exists);
            if (exists)
            {
                throw new InvalidOperationException("Two parts of the checkpoint hold windows of the same key: each key group belongs to one shard.");
            }

            target = new KeyWindows(-1) { Pending = windows.Pending, Merged = windows.Merged, Dirty = windows.Dirty };
            if (windows.Dirty)
            {
                _dirtyKeys.Add(key);
            }

            // In window order: each window goes after the last one adopted.
            var stack = new Stack<int>();
            var node = windows.Root;
            while (node >= 0 || stack.Count > 0)
            {
                while (node >= 0)
                {
                    stack.Push(node);
                    node = source._slots[node].Left;
                }

                node = stack.Pop();
                var index = Allocate();
                ref var slot = ref _slots[index];
                var generation = slot.Generation;
                slot = source._slots[node];
                slot.Generation = generation;
                if (!_defaultTrigger)
                {
                    _triggerStates[index] = source._triggerStates[node];
                }
                Insert(ref target, index);
                moved[node] = index;
                node = source._slots[node].Right;
            }
        }

        AdoptTimers(source._eventTimers, _eventTimers, source, moved);
        AdoptTimers(source._processingTimers, _processingTimers, source, moved);
        foreach (var timer in source._unscheduled)
        {
            if (Moved(source, moved, timer) is { } adopted)
            {
                _unscheduled.Add(adopted);
            }
        }

        foreach (var index in source._touched)
        {
            if (moved[index] >= 0)
            {
                _touched.Add(moved[index]);
            }
        }
    }

    /// <summary>Queues here the timers of the source whose slots were adopted, at their times.</summary>
    private void AdoptTimers(TimerQueue<SlotTimer> from, TimerQueue<SlotTimer> to, KeyedPanes<TKey, TInput, TAccum, TOutput, TCombineFn> source, int[] moved)
    {
        foreach (var (timer, time) in from.OrderedItems())
        {
            if (Moved(source, moved, timer) is { } adopted)
            {
                to.Enqueue(adopted, time);
            }
        }
    }

    /// <summary>A timer of the source for the slot it was adopted into here; null when its slot was not adopted or is gone.</summary>
    private SlotTimer? Moved(KeyedPanes<TKey, TInput, TAccum, TOutput, TCombineFn> source, int[] moved, SlotTimer timer)
    {
        if (timer.Slot < 0 || timer.Slot >= moved.Length || moved[timer.Slot] < 0)
        {
            return null;
        }

        ref readonly var was = ref source._slots[timer.Slot];
        if (!was.InUse || was.Generation != timer.Generation)
        {
            return null;
        }

        var index = moved[timer.Slot];
        return new SlotTimer(index, _slots[index].Generation);
    }

    /// <summary>
    /// Replaces the state of these new panes (nothing added, no watermark yet) with the one
    /// <see cref="WriteCheckpoint{TKeyCoder, TAccumCoder}"/> wrote, with the same coders.
    /// </summary>
    /// <typeparam name="TKeyCoder">The coder of the keys.</typeparam>
    /// <typeparam name="TAccumCoder">The coder of the accumulators.</typeparam>
    /// <param name="reader">The state.</param>
    /// <exception cref="CoderException">The state is not one these panes wrote.</exception>
    public void RestoreCheckpoint<TKeyCoder, TAccumCoder>(ref CoderReader reader)
        where TKeyCoder : struct, ICoder<TKey>
        where TAccumCoder : struct, ICoder<TAccum>
    {
        if (_used != 0)
        {
            throw new InvalidOperationException("A checkpoint is restored into new panes only.");
        }

        ReadHead(ref reader, CheckpointLayout, "keyed panes");
        var used = reader.ReadInt32();
        _free = reader.ReadInt32();
        if (used < 0 || used > reader.Remaining || LiveWindows < 0 || LiveWindows > used || _free < -1 || _free >= Math.Max(used, 1))
        {
            throw new CoderException("The keyed panes of the checkpoint have an impossible number of slots.");
        }

        if (used > _slots.Length)
        {
            Array.Resize(ref _slots, Math.Max(used, _slots.Length * 2));
            if (!_defaultTrigger)
            {
                Array.Resize(ref _triggerStates, _slots.Length);
            }
        }

        _used = used;
        for (var i = 0; i < used; i++)
        {
            ref var slot = ref _slots[i];
            slot = default;
            slot.InUse = reader.ReadBoolean();
            slot.Generation = reader.ReadInt32();
            slot.Left = SlotTimers.Index(reader.ReadInt32(), used);
            if (!slot.InUse)
            {
                continue;
            }

            slot.Key = default(TKeyCoder).Decode(ref reader);
            slot.Window = default(BoundedWindowCoder).Decode(ref reader);
            slot.HasAccumulator = reader.ReadBoolean();
            if (slot.HasAccumulator)
            {
                slot.Accumulator = default(TAccumCoder).Decode(ref reader);
            }

            var trigger = default(TriggerState);
            trigger.Finished = reader.ReadUInt64();
            for (var c = 0; c < TriggerState.MaxCells; c++)
            {
                trigger.Cells[c] = reader.ReadInt64();
            }

            if (!_defaultTrigger)
            {
                _triggerStates[i] = trigger;
            }

            slot.ElementHold = reader.ReadInt64();
            slot.ExtraHold = reader.ReadInt64();
            slot.NextIndex = reader.ReadInt64();
            slot.PreviousNonSpeculative = reader.ReadInt64();
            slot.Deadline = reader.ReadInt64();
            slot.Right = SlotTimers.Index(reader.ReadInt32(), used);
            slot.Parent = SlotTimers.Index(reader.ReadInt32(), used);
            slot.LastTiming = (PaneTiming)reader.ReadByte();
            SetFlags(ref slot, reader.ReadUInt16());
        }

        for (var heads = reader.ReadInt32(); heads > 0; heads--)
        {
            var key = default(TKeyCoder).Decode(ref reader);
            var windows = new KeyWindows(SlotTimers.Index(reader.ReadInt32(), used))
            {
                Last = SlotTimers.Index(reader.ReadInt32(), used),
                Pending = reader.ReadInt32(),
                Merged = reader.ReadInt32(),
                Dirty = reader.ReadBoolean(),
            };
            _heads.Add(key, windows);
        }

        for (var dirty = reader.ReadInt32(); dirty > 0; dirty--)
        {
            _dirtyKeys.Add(default(TKeyCoder).Decode(ref reader));
        }

        SlotTimers.Read(ref reader, _eventTimers, used);
        SlotTimers.Read(ref reader, _processingTimers, used);
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            _unscheduled.Add(new SlotTimer(SlotTimers.Index(reader.ReadInt32(), used), reader.ReadInt32()));
        }

        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            _touched.Add(SlotTimers.Index(reader.ReadInt32(), used));
        }
    }

    private static ushort Flags(in Slot slot) => (ushort)(
        (slot.HasAccumulator ? 1 : 0) | (slot.NewData ? 2 : 0) | (slot.Touched ? 4 : 0) | (slot.Closed ? 8 : 0) |
        (slot.HasFired ? 16 : 0) | (slot.HasElementHold ? 32 : 0) | (slot.HasExtraHold ? 64 : 0) | (slot.LateOnArrival ? 128 : 0) |
        (slot.EndOfWindowDone ? 256 : 0) | (slot.Pending ? 512 : 0));

    private static void SetFlags(ref Slot slot, ushort flags)
    {
        slot.NewData = (flags & 2) != 0;
        slot.Touched = (flags & 4) != 0;
        slot.Closed = (flags & 8) != 0;
        slot.HasFired = (flags & 16) != 0;
        slot.HasElementHold = (flags & 32) != 0;
        slot.HasExtraHold = (flags & 64) != 0;
        slot.LateOnArrival = (flags & 128) != 0;
        slot.EndOfWindowDone = (flags & 256) != 0;
        slot.Pending = (flags & 512) != 0;
    }
}
