using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Compiled.Coders;

namespace Compiled.Execution;

public sealed partial class WindowBucketPanes<TKey, TInput, TAccum, TOutput, TCombineFn>
{
    /// <summary>
    /// Marks these panes' part of a checkpoint (keyed window panes write 1, open sessions their own; 3 was this layout's
    /// before keys were kept by position, 4 before a key's deadline was kept by the queue alone).
    /// </summary>
    private const byte CheckpointLayout = 5;

    /// <summary>
    /// Writes the whole state for a checkpoint: watermark, processing time and counts, every bucket as it lies in the pool
    /// (live ones with their window and their keys in the order they came, each with its accumulator, trigger cell and
    /// pane bookkeeping; free ones with their link), and the timer queues in the order they leave. Restoring it gives back
    /// this very state, so the panes that fire afterwards, and their order, are those of a run that did not stop. Call it
    /// between two calls (when <see cref="GroupingPanes{TKey, TOutput}.Fired"/> and <see cref="GroupingPanes{TKey, TOutput}.Failed"/> have been drained).
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
            writer.WriteInt32(bucket.Count);
            for (var position = 0; position < bucket.Count; position++)
            {
                ref readonly var slot = ref bucket.Slots[position];
                ref readonly var hot = ref bucket.Hot[position];
                default(TKeyCoder).Encode(ref writer, slot.Key);
                writer.WriteBoolean(hot.HasAccumulator);
                if (hot.HasAccumulator)
                {
                    default(TAccumCoder).Encode(ref writer, hot.Accumulator);
                }

                writer.WriteInt64(hot.Cell);
                writer.WriteInt64(slot.NextIndex);
                writer.WriteInt64(slot.PreviousNonSpeculative);
                writer.WriteByte((byte)slot.LastTiming);
                writer.WriteUInt16(Flags(slot, hot));
            }
        }

        SlotTimers.Write(ref writer, _eventTimers);
        // Deadlines of windows gone since are kept: they fire nothing, but the next deadline a runner arms its clock for
        // is the same after a restore.
        writer.WriteInt32(_processingTimers.Count);
        foreach (var (timer, time) in _processingTimers.OrderedItems())
        {
            writer.WriteInt32(timer.Bucket);
            writer.WriteInt32(timer.Position);
            writer.WriteInt32(timer.Generation);
            writer.WriteInt64(time);
        }

        writer.WriteInt32(_touchedCount);
        foreach (var (b, position) in _touched.AsSpan(0, _touchedCount))
        {
            writer.WriteInt32(b);
            writer.WriteInt32(position);
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
        if (_bucketsUsed != 0)
        {
            throw new InvalidOperationException("A checkpoint is restored into new panes only.");
        }

        ReadHead(ref reader, CheckpointLayout, "window bucket panes");
        var live = LiveWindows;
        var buckets = reader.ReadInt32();
        _freeBucket = reader.ReadInt32();
        if (live < 0 || buckets < 0 || buckets > reader.Remaining || _freeBucket < -1 || _freeBucket >= Math.Max(buckets, 1))
        {
            throw new CoderException("The window bucket panes of the checkpoint have an impossible number of windows.");
        }

        if (buckets > _buckets.Length)
        {
            Array.Resize(ref _buckets, buckets);
        }

        _bucketsUsed = buckets;
        var keys = 0L;
        for (var i = 0; i < buckets; i++)
        {
            ref var bucket = ref _buckets[i];
            bucket.InUse = reader.ReadBoolean();
            bucket.Generation = reader.ReadInt32();
            bucket.NextFree = SlotTimers.Index(reader.ReadInt32(), buckets);
            EnsureState(ref bucket);
            if (!bucket.InUse)
            {
                continue;
            }

            bucket.Window = default(BoundedWindowCoder).Decode(ref reader);
            bucket.EndOfWindowDone = reader.ReadBoolean();
            _bucketOf.Add(bucket.Window, i);
            var count = reader.ReadInt32();
            if (count < 0 || count > reader.Remaining)
            {
                throw new CoderException("A window of the checkpoint has an impossible number of keys.");
            }

            if (count > bucket.Hot.Length)
            {
                Array.Resize(ref bucket.Hot, (int)Math.Min(Array.MaxLength, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count)));
                Array.Resize(ref bucket.Slots, bucket.Hot.Length);
                _mostKeys = Math.Max(_mostKeys, bucket.Hot.Length);
            }

            for (var position = 0; position < count; position++)
            {
                ref var slot = ref bucket.Slots[position];
                ref var hot = ref bucket.Hot[position];
                slot = default;
                hot = default;
                slot.Key = default(TKeyCoder).Decode(ref reader);
                if (bucket.Keys.PositionOrAdd(slot.Key) != ~position)
                {
                    throw new CoderException("A window of the checkpoint lists a key twice.");
                }

                hot.HasAccumulator = reader.ReadBoolean();
                if (hot.HasAccumulator)
                {
                    hot.Accumulator = default(TAccumCoder).Decode(ref reader);
                }

                hot.Cell = reader.ReadInt64();
                slot.NextIndex = reader.ReadInt64();
                slot.PreviousNonSpeculative = reader.ReadInt64();
                slot.LastTiming = (PaneTiming)reader.ReadByte();
                SetFlags(ref slot, ref hot, reader.ReadUInt16());
            }

            bucket.Count = count;
            keys += count;
        }

        if (keys != live)
        {
            throw new CoderException("The window bucket panes of the checkpoint count " + live + " keys in windows but hold " + keys + ".");
        }

        SlotTimers.Read(ref reader, _eventTimers, buckets);
        var timers = reader.ReadInt32();
        if (timers < 0 || timers > reader.Remaining)
        {
            throw new CoderException("The checkpoint has an impossible number of timers.");
        }

        var items = new List<(KeyTimer, long)>(timers);
        for (var i = 0; i < timers; i++)
        {
            var timer = new KeyTimer(SlotTimers.Index(reader.ReadInt32(), buckets), reader.ReadInt32(), reader.ReadInt32());
            if (timer.Bucket < 0 || timer.Position < 0 || (IsLive(timer) && timer.Position >= _buckets[timer.Bucket].Count))
            {
                throw new CoderException("A deadline of the checkpoint names a key (window " + timer.Bucket + ", position " + timer.Position + ") that it does not hold.");
            }

            items.Add((timer, reader.ReadInt64()));
        }

        _processingTimers.EnqueueRange(items);
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            AddTouched(KeyOf(ref reader));
        }
    }

    /// <summary>Whether a deadline is one of a live window's (set in its bucket's current generation).</summary>
    private bool IsLive(KeyTimer timer) => _buckets[timer.Bucket].InUse && _buckets[timer.Bucket].Generation == timer.Generation;

    /// <summary>A key waiting for the end of its bundle, read back: a live bucket and one of its positions.</summary>
    private KeyAt KeyOf(ref CoderReader reader)
    {
        var b = reader.ReadInt32();
        var position = reader.ReadInt32();
        if (b < 0 || b >= _bucketsUsed || !_buckets[b].InUse || position < 0 || position >= _buckets[b].Count)
        {
            throw new CoderException("A pending evaluation of the checkpoint names a key (window " + b + ", position " + position + ") that it does not hold.");
        }

        return new KeyAt(b, position);
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
        _lastKeys = default;
        _lastHot = [];

        // Where each of the source's windows went: the bucket here (-1: none of its keys is here), whether this adoption
        // made it (its timer is then queued here, where the source's stood in its queue), and each key's position there.
        var targets = new int[source._bucketsUsed];
        var made = new bool[source._bucketsUsed];
        var positions = new int[source._bucketsUsed][];
        targets.AsSpan().Fill(-1);
        for (var b = 0; b < source._bucketsUsed; b++)
        {
            ref readonly var from = ref source._buckets[b];
            positions[b] = [];
            if (!from.InUse)
            {
                continue;
            }

            for (var position = 0; position < from.Count; position++)
            {
                var key = from.Slots[position].Key;
                if (!owns(key))
                {
                    continue;
                }

                if (targets[b] < 0)
                {
                    ref var found = ref CollectionsMarshal.GetValueRefOrAddDefault(_bucketOf, from.Window, out var exists);
                    if (!exists)
                    {
                        found = NewBucket(from.Window, setTimer: false);
                        _buckets[found].EndOfWindowDone = from.EndOfWindowDone;
                        made[b] = true;
                    }

                    targets[b] = found;
                    positions[b] = new int[from.Count];
                    positions[b].AsSpan().Fill(-1);
                }

                var target = targets[b];
                var adopted = ~_buckets[target].Keys.PositionOrAdd(key);
                if (adopted < 0)
                {
                    throw new InvalidOperationException("Two parts of the checkpoint hold windows of the same key: each key group belongs to one shard.");
                }

                NewKey(target, adopted, key);
                ref var bucket = ref _buckets[target];
                bucket.Slots[adopted] = from.Slots[position];
                bucket.Hot[adopted] = from.Hot[position];
                positions[b][position] = adopted;
            }
        }

        foreach (var (timer, time) in source._eventTimers.OrderedItems())
        {
            if (Live(timer.Slot, timer.Generation) && made[timer.Slot])
            {
                var index = targets[timer.Slot];
                _eventTimers.Enqueue(new SlotTimer(index, _buckets[index].Generation), time);
            }
        }

        foreach (var (timer, time) in source._processingTimers.OrderedItems())
        {
            if (Live(timer.Bucket, timer.Generation) && Moved(timer.Bucket, timer.Position) is var position && position >= 0)
            {
                var index = targets[timer.Bucket];
                _processingTimers.Enqueue(new KeyTimer(index, position, _buckets[index].Generation), time);
            }
        }

        foreach (var (b, at) in source._touched.AsSpan(0, source._touchedCount))
        {
            if (Moved(b, at) is var position && position >= 0)
            {
                AddTouched(new KeyAt(targets[b], position));
            }
        }

        bool Live(int b, int generation) => b >= 0 && b < targets.Length && source._buckets[b].InUse && source._buckets[b].Generation == generation;

        int Moved(int b, int position) => position >= 0 && position < positions[b].Length ? positions[b][position] : -1;
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
