using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Compiled.Coders;

namespace Compiled.Execution;

public sealed partial class WindowBucketPanes<TKey, TInput, TAccum, TOutput, TCombineFn>
{
    /// <summary>Marks these panes' part of a checkpoint (keyed window panes write 1, open sessions their own).</summary>
    private const byte CheckpointLayout = 3;

    /// <summary>
    /// Writes the whole state for a checkpoint: watermark, processing time and counts, every slot as it lies in the pool
    /// (live ones with their key, bucket, accumulator, trigger cells and pane bookkeeping; free ones with their link), every
    /// bucket with its window and its keys' slots in the order they came, and the timer queues in the order they leave.
    /// Restoring it gives back this very state, so the panes that fire afterwards, and their order, are those of a run
    /// that did not stop. Call it between two calls (when <see cref="GroupingPanes{TKey, TOutput}.Fired"/> and <see cref="GroupingPanes{TKey, TOutput}.Failed"/> have been drained).
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
            ref readonly var hot = ref _hot[i];
            writer.WriteBoolean(slot.InUse);
            writer.WriteInt32(slot.Generation);
            writer.WriteInt32(slot.NextFree);
            if (!slot.InUse)
            {
                continue;
            }

            default(TKeyCoder).Encode(ref writer, slot.Key);
            writer.WriteInt32(slot.Bucket);
            writer.WriteBoolean(hot.HasAccumulator);
            if (hot.HasAccumulator)
            {
                default(TAccumCoder).Encode(ref writer, hot.Accumulator);
            }

            writer.WriteInt64(hot.Cell);
            writer.WriteInt64(slot.NextIndex);
            writer.WriteInt64(slot.PreviousNonSpeculative);
            writer.WriteInt64(slot.Deadline);
            writer.WriteByte((byte)slot.LastTiming);
            writer.WriteUInt16(Flags(slot, hot));
        }

        writer.WriteInt32(_bucketsUsed);
        writer.WriteInt32(_freeBucket);
        for (var i = 0; i < _bucketsUsed; i++)
        {
            ref readonly var bucket = ref _buckets[i];
            writer.WriteBoolean(bucket.InUse);
            writer.WriteInt32(bucket.Generation);
            writer.WriteInt32(bucket.NextFree);
            if (!bucket.InUse)
            {
                continue;
            }

            default(BoundedWindowCoder).Encode(ref writer, bucket.Window);
            writer.WriteBoolean(bucket.EndOfWindowDone);
            writer.WriteInt32(bucket.Slots.Count);
            foreach (var (_, index) in bucket.Slots)
            {
                writer.WriteInt32(index);
            }
        }

        SlotTimers.Write(ref writer, _eventTimers);
        SlotTimers.Write(ref writer, _processingTimers);
        writer.WriteInt32(_touched.Count);
        foreach (var index in _touched)
        {
            writer.WriteInt32(index);
        }
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
        if (_used != 0 || _bucketsUsed != 0)
        {
            throw new InvalidOperationException("A checkpoint is restored into new panes only.");
        }

        ReadHead(ref reader, CheckpointLayout, "window bucket panes");
        var used = reader.ReadInt32();
        _free = reader.ReadInt32();
        if (used < 0 || used > reader.Remaining || LiveWindows < 0 || LiveWindows > used || _free < -1 || _free >= Math.Max(used, 1))
        {
            throw new CoderException("The window bucket panes of the checkpoint have an impossible number of slots.");
        }

        if (used > _slots.Length)
        {
            Array.Resize(ref _slots, used);
            Array.Resize(ref _hot, used);
        }

        _used = used;
        for (var i = 0; i < used; i++)
        {
            ref var slot = ref _slots[i];
            ref var hot = ref _hot[i];
            slot = default;
            hot = default;
            slot.InUse = reader.ReadBoolean();
            slot.Generation = reader.ReadInt32();
            slot.NextFree = SlotTimers.Index(reader.ReadInt32(), used);
            if (!slot.InUse)
            {
                continue;
            }

            slot.Key = default(TKeyCoder).Decode(ref reader);
            slot.Bucket = reader.ReadInt32();
            hot.HasAccumulator = reader.ReadBoolean();
            if (hot.HasAccumulator)
            {
                hot.Accumulator = default(TAccumCoder).Decode(ref reader);
            }

            hot.Cell = reader.ReadInt64();
            slot.NextIndex = reader.ReadInt64();
            slot.PreviousNonSpeculative = reader.ReadInt64();
            slot.Deadline = reader.ReadInt64();
            slot.LastTiming = (PaneTiming)reader.ReadByte();
            SetFlags(ref slot, ref hot, reader.ReadUInt16());
        }

        var buckets = reader.ReadInt32();
        _freeBucket = reader.ReadInt32();
        if (buckets < 0 || buckets > reader.Remaining || _freeBucket < -1 || _freeBucket >= Math.Max(buckets, 1))
        {
            throw new CoderException("The window bucket panes of the checkpoint have an impossible number of windows.");
        }

        if (buckets > _buckets.Length)
        {
            Array.Resize(ref _buckets, buckets);
        }

        _bucketsUsed = buckets;
        for (var i = 0; i < buckets; i++)
        {
            ref var bucket = ref _buckets[i];
            bucket.InUse = reader.ReadBoolean();
            bucket.Generation = reader.ReadInt32();
            bucket.NextFree = SlotTimers.Index(reader.ReadInt32(), buckets);
            EnsureSlots(ref bucket);
            if (!bucket.InUse)
            {
                continue;
            }

            bucket.Window = default(BoundedWindowCoder).Decode(ref reader);
            bucket.EndOfWindowDone = reader.ReadBoolean();
            _bucketOf.Add(bucket.Window, i);
            var count = reader.ReadInt32();
            if (count < 0 || count > used)
            {
                throw new CoderException("A window of the checkpoint has an impossible number of keys.");
            }

            for (var k = 0; k < count; k++)
            {
                var index = SlotTimers.Index(reader.ReadInt32(), used);
                if (index < 0 || !_slots[index].InUse || _slots[index].Bucket != i)
                {
                    throw new CoderException("A window of the checkpoint lists a slot that is not its own.");
                }

                bucket.Slots.Add(_slots[index].Key, index);
            }
        }

        SlotTimers.Read(ref reader, _eventTimers, buckets);
        SlotTimers.Read(ref reader, _processingTimers, used);
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            _touched.Add(SlotTimers.Index(reader.ReadInt32(), used));
        }
    }

    /// <summary>
    /// New, empty panes with this one's combine function, trigger, options and key comparer: a checkpoint part of another
    /// shard is restored into them, and the windows of the keys this shard owns are then adopted
    /// (<see cref="AdoptCheckpointed"/>), when a checkpoint is restored at another parallelism.
    /// </summary>
    /// <returns>The empty panes.</returns>
    public WindowBucketPanes<TKey, TInput, TAccum, TOutput, TCombineFn> NewEmpty() => new(_fn, _trigger, _options, _comparer);

    /// <summary>
    /// Moves into these panes, while a checkpoint is restored at another parallelism, every window of the keys of
    /// <paramref name="source"/> (restored from the part of one shard of the old parallelism) that
    /// <paramref name="owns"/> says belong here: each with its accumulator, trigger cells and pane bookkeeping, its window's
    /// timer and its deadline queued again here. The input watermark and processing time become the latest over the parts
    /// adopted.
    /// </summary>
    /// <param name="source">The panes of one old shard, restored (read only: other new shards adopt their keys from it too).</param>
    /// <param name="owns">Whether a key's group belongs to this shard.</param>
    /// <param name="first">Whether this is the first part adopted (its watermarks are taken as they are).</param>
    /// <param name="counts">Whether the part's counts (late and closed drops, panes fired) are added here: on one new shard only, so each counts once.</param>
    /// <exception cref="InvalidOperationException">A key is adopted twice (two parts held it), or these panes have panes not taken.</exception>
    public void AdoptCheckpointed(WindowBucketPanes<TKey, TInput, TAccum, TOutput, TCombineFn> source, Func<TKey, bool> owns, bool first, bool counts)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(owns);
        EnsureTaken("windows are adopted only while a checkpoint is restored");
        AdoptHead(source, first, counts);

        _lastBucket = -1;
        _lastSlots = default;
        var movedSlots = new int[source._used];
        movedSlots.AsSpan().Fill(-1);
        var newBuckets = new int[source._bucketsUsed];
        newBuckets.AsSpan().Fill(-1);
        for (var b = 0; b < source._bucketsUsed; b++)
        {
            ref readonly var from = ref source._buckets[b];
            if (!from.InUse)
            {
                continue;
            }

            var target = -1;
            foreach (var (key, index) in from.Slots)
            {
                if (!owns(key))
                {
                    continue;
                }

                if (target < 0)
                {
                    ref var found = ref CollectionsMarshal.GetValueRefOrAddDefault(_bucketOf, from.Window, out var exists);
                    if (!exists)
                    {
                        // New here: its timer is queued below, where the source's stood in its queue.
                        found = NewBucket(from.Window, setTimer: false);
                        _buckets[found].EndOfWindowDone = from.EndOfWindowDone;
                        newBuckets[b] = found;
                    }

                    target = found;
                }

                ref var slots = ref _buckets[target].Slots.RefOrAdd(key, out var held);
                if (held)
                {
                    throw new InvalidOperationException("Two parts of the checkpoint hold windows of the same key: each key group belongs to one shard.");
                }

                var adopted = NewSlot(key, target, from.Window);
                ref var slot = ref _slots[adopted];
                var generation = slot.Generation;
                slot = source._slots[index];
                _hot[adopted] = source._hot[index];
                slot.Generation = generation;
                slot.Bucket = target;
                slot.NextFree = -1;
                slots = adopted;
                movedSlots[index] = adopted;
            }
        }

        foreach (var (timer, time) in source._eventTimers.OrderedItems())
        {
            if (timer.Slot >= 0 && timer.Slot < newBuckets.Length && newBuckets[timer.Slot] >= 0 &&
                source._buckets[timer.Slot].InUse && source._buckets[timer.Slot].Generation == timer.Generation)
            {
                var index = newBuckets[timer.Slot];
                _eventTimers.Enqueue(new SlotTimer(index, _buckets[index].Generation), time);
            }
        }

        foreach (var (timer, time) in source._processingTimers.OrderedItems())
        {
            if (timer.Slot >= 0 && timer.Slot < movedSlots.Length && movedSlots[timer.Slot] >= 0 &&
                source._slots[timer.Slot].InUse && source._slots[timer.Slot].Generation == timer.Generation)
            {
                var index = movedSlots[timer.Slot];
                _processingTimers.Enqueue(new SlotTimer(index, _slots[index].Generation), time);
            }
        }

        foreach (var index in source._touched)
        {
            if (movedSlots[index] >= 0)
            {
                _touched.Add(movedSlots[index]);
            }
        }
    }

    private static ushort Flags(in Slot slot, in Hot hot) => (ushort)(
        (hot.NewData ? 1 : 0) | (hot.Touched ? 2 : 0) | (hot.Closed ? 4 : 0) | (slot.HasFired ? 8 : 0) |
        (hot.HasElementHold ? 16 : 0) | (hot.HasExtraHold ? 32 : 0) | (slot.LateOnArrival ? 64 : 0) |
        (slot.EndOfWindowDone ? 128 : 0) | (hot.LatePhase ? 256 : 0));

    private static void SetFlags(ref Slot slot, ref Hot hot, ushort flags)
    {
        hot.NewData = (flags & 1) != 0;
        hot.Touched = (flags & 2) != 0;
        hot.Closed = (flags & 4) != 0;
        slot.HasFired = (flags & 8) != 0;
        hot.HasElementHold = (flags & 16) != 0;
        hot.HasExtraHold = (flags & 32) != 0;
        slot.LateOnArrival = (flags & 64) != 0;
        slot.EndOfWindowDone = (flags & 128) != 0;
        hot.LatePhase = (flags & 256) != 0;
    }
}
