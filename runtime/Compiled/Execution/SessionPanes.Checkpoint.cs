using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Compiled.Coders;

namespace Compiled.Execution;

public sealed partial class SessionPanes<TKey, TInput, TAccum, TOutput, TCombineFn>
{
    private const byte CheckpointLayout = 2;

    /// <summary>
    /// Writes the whole state for a checkpoint: watermark, processing time and counts, every slot as it lies in the pool
    /// (open sessions with their key, interval and accumulator; merged and free ones with their links), the keys' lists,
    /// the wheel's buckets and the overflow queue in order. Restoring it gives back this very state, so the panes that
    /// fire afterwards, and their order, are those of a run that did not stop. Call it between two calls (when
    /// <see cref="GroupingPanes{TKey, TOutput}.Fired"/> and <see cref="GroupingPanes{TKey, TOutput}.Failed"/> have been drained).
    /// </summary>
    /// <typeparam name="TKeyCoder">The coder of the keys.</typeparam>
    /// <typeparam name="TAccumCoder">The coder of the accumulators.</typeparam>
    /// <param name="writer">Where the state goes.</param>
    public void WriteCheckpoint<TKeyCoder, TAccumCoder>(ref CoderWriter writer)
        where TKeyCoder : struct, ICoder<TKey>
        where TAccumCoder : struct, ICoder<TAccum>
    {
        EnsureTaken("a checkpoint is written between two calls");

        writer.WriteByte(CheckpointLayout);
        writer.WriteInstant(InputWatermark);
        writer.WriteInstant(ProcessingTime);
        writer.WriteInt64(DroppedLate);
        writer.WriteInt64(PanesFired);
        writer.WriteInt32(LiveWindows);
        writer.WriteInt64(_swept);
        writer.WriteInt32(_mask + 1);
        writer.WriteInt32(_used);
        writer.WriteInt32(_free);
        for (var i = 0; i < _used; i++)
        {
            ref readonly var slot = ref _slots[i];
            writer.WriteByte(slot.State);
            writer.WriteInt32(slot.NextOfKey);
            writer.WriteInt32(slot.PreviousOfKey);
            writer.WriteInt32(slot.NextInBucket);
            if (slot.State == Live)
            {
                default(TKeyCoder).Encode(ref writer, slot.Key);
                writer.WriteInt64(slot.Start);
                writer.WriteInt64(slot.End);
                default(TAccumCoder).Encode(ref writer, slot.Accumulator);
            }
        }

        writer.WriteInt32(_heads.Count - _emptyKeys);
        foreach (var (key, head) in _heads)
        {
            if (head >= 0)
            {
                default(TKeyCoder).Encode(ref writer, key);
                writer.WriteInt32(head);
            }
        }

        var buckets = 0;
        foreach (var head in _bucketHeads)
        {
            buckets += head >= 0 ? 1 : 0;
        }

        writer.WriteInt32(buckets);
        for (var b = 0; b < _bucketHeads.Length; b++)
        {
            if (_bucketHeads[b] >= 0)
            {
                writer.WriteInt32(b);
                writer.WriteInt32(_bucketHeads[b]);
                writer.WriteInt32(_bucketTails[b]);
            }
        }

        var overflow = _overflow.OrderedItems();
        writer.WriteInt32(overflow.Count);
        foreach (var (index, due) in overflow)
        {
            writer.WriteInt32(index);
            writer.WriteInt64(due);
        }

        writer.WriteInt32(_noted.Count);
        foreach (var index in _noted)
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
        if (_used != 0 || _heads.Count != 0 || InputWatermark != Instant.MinValue || ProcessingTime != Instant.MinValue)
        {
            throw new InvalidOperationException("A checkpoint is restored into new panes only.");
        }

        if (reader.ReadByte() != CheckpointLayout)
        {
            throw new CoderException("The session panes of the checkpoint are in another layout.");
        }

        InputWatermark = reader.ReadInstant();
        ProcessingTime = reader.ReadInstant();
        DroppedLate = reader.ReadInt64();
        PanesFired = reader.ReadInt64();
        LiveWindows = reader.ReadInt32();
        _swept = reader.ReadInt64();
        var size = reader.ReadInt32();
        var used = reader.ReadInt32();
        var free = reader.ReadInt32();
        if (size < InitialWheel || size > MaxWheel || (size & (size - 1)) != 0 || used < 0 || used > reader.Remaining ||
            LiveWindows < 0 || LiveWindows > used)
        {
            throw new CoderException("The session panes of the checkpoint have an impossible size.");
        }

        _bucketHeads = NewBuckets(size);
        _bucketTails = new int[size];
        _mask = size - 1;
        _slots = new Slot[Math.Max(used, 64)];
        _used = used;
        _free = Index(free, used);
        for (var i = 0; i < used; i++)
        {
            ref var slot = ref _slots[i];
            slot.State = reader.ReadByte();
            slot.NextOfKey = Index(reader.ReadInt32(), used);
            slot.PreviousOfKey = Index(reader.ReadInt32(), used);
            slot.NextInBucket = Index(reader.ReadInt32(), used);
            if (slot.State > Dead)
            {
                throw new CoderException("A slot of the session panes of the checkpoint is in an unknown state.");
            }

            if (slot.State == Live)
            {
                slot.Key = default(TKeyCoder).Decode(ref reader);
                slot.Start = reader.ReadInt64();
                slot.End = reader.ReadInt64();
                slot.Accumulator = default(TAccumCoder).Decode(ref reader);
            }
        }

        var keys = reader.ReadInt32();
        if (keys < 0 || keys > used)
        {
            throw new CoderException("The session panes of the checkpoint have an impossible number of keys.");
        }

        for (var k = 0; k < keys; k++)
        {
            var key = default(TKeyCoder).Decode(ref reader);
            var head = Index(reader.ReadInt32(), used);
            if (head < 0 || !_heads.TryAdd(key, head))
            {
                throw new CoderException("The session panes of the checkpoint list a key twice, or without a session.");
            }
        }

        var buckets = reader.ReadInt32();
        if (buckets < 0 || buckets > size)
        {
            throw new CoderException("The session panes of the checkpoint have an impossible number of buckets.");
        }

        for (var b = 0; b < buckets; b++)
        {
            var bucket = reader.ReadInt32();
            if (bucket < 0 || bucket >= size)
            {
                throw new CoderException("The session panes of the checkpoint name a bucket outside the wheel.");
            }

            _bucketHeads[bucket] = Index(reader.ReadInt32(), used);
            _bucketTails[bucket] = Index(reader.ReadInt32(), used);
        }

        RebuildOccupied();
        var overflow = reader.ReadInt32();
        if (overflow < 0 || overflow > used)
        {
            throw new CoderException("The session panes of the checkpoint have an impossible number of queued sessions.");
        }

        for (var q = 0; q < overflow; q++)
        {
            var index = Index(reader.ReadInt32(), used);
            var due = reader.ReadInt64();
            if (index < 0)
            {
                throw new CoderException("The session panes of the checkpoint queue no session.");
            }

            _overflow.Enqueue(index, due);
        }

        _overflowNext = _overflow.TryPeek(out _, out var next) ? next : long.MaxValue;
        var noted = reader.ReadInt32();
        if (noted < 0 || noted > used)
        {
            throw new CoderException("The session panes of the checkpoint have an impossible number of sessions waiting for a watermark.");
        }

        for (var n = 0; n < noted; n++)
        {
            var index = Index(reader.ReadInt32(), used);
            _noted.Add(index >= 0 ? index : throw new CoderException("The session panes of the checkpoint note no session."));
        }
    }

    private static int Index(int index, int used) =>
        index >= -1 && index < used ? index : throw new CoderException("The session panes of the checkpoint link to a slot that does not exist.");

    /// <summary>
    /// New, empty panes with this one's combine function and key comparer: a checkpoint part of another shard is restored
    /// into them, and the sessions of the keys this shard owns are then adopted (<see cref="AdoptCheckpointed"/>), when a
    /// checkpoint is restored at another parallelism.
    /// </summary>
    /// <returns>The empty panes.</returns>
    public SessionPanes<TKey, TInput, TAccum, TOutput, TCombineFn> NewEmpty() => new(_fn, _heads.Comparer);

    /// <summary>
    /// Moves into these panes, while a checkpoint is restored at another parallelism, every open session of the keys of
    /// <paramref name="source"/> (restored from the part of one shard of the old parallelism) that <paramref name="owns"/>
    /// says belong here, each queued again at its end. The input watermark and processing time become the latest over the
    /// parts adopted.
    /// </summary>
    /// <param name="source">The panes of one old shard, restored (read only: other new shards adopt their keys from it too).</param>
    /// <param name="owns">Whether a key's group belongs to this shard.</param>
    /// <param name="first">Whether this is the first part adopted (its watermarks are taken as they are).</param>
    /// <param name="counts">Whether the part's counts (late drops, panes fired) are added here: on one new shard only.</param>
    /// <exception cref="InvalidOperationException">A key is adopted twice (two parts held it), or these panes have panes not taken.</exception>
    public void AdoptCheckpointed(SessionPanes<TKey, TInput, TAccum, TOutput, TCombineFn> source, Func<TKey, bool> owns, bool first, bool counts)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(owns);
        EnsureTaken("sessions are adopted only while a checkpoint is restored");
        AdoptHead(source, first, counts);

        // The adopted sessions wait in the overflow queue (by end; the wheel is walked again from the next watermark on).
        WheelToOverflow();
        foreach (var (key, sourceHead) in source._heads)
        {
            if (sourceHead < 0 || !owns(key))
            {
                continue;
            }

            ref var head = ref _heads.RefOrAdd(key, out var exists);
            if (exists && head >= 0)
            {
                throw new InvalidOperationException("Two parts of the checkpoint hold sessions of the same key: each key group belongs to one shard.");
            }

            if (exists)
            {
                _emptyKeys--;
            }

            var last = -1;
            for (var i = sourceHead; i >= 0; i = source._slots[i].NextOfKey)
            {
                ref readonly var from = ref source._slots[i];
                var index = Allocate();
                ref var slot = ref _slots[index];
                slot = default;
                slot.Key = from.Key;
                slot.Start = from.Start;
                slot.End = from.End;
                slot.Accumulator = from.Accumulator;
                slot.State = Live;
                slot.NextOfKey = -1;
                slot.PreviousOfKey = last;
                if (last < 0)
                {
                    head = index;
                }
                else
                {
                    _slots[last].NextOfKey = index;
                }

                last = index;
                LiveWindows++;
                if (InputWatermark == Instant.MinValue)
                {
                    _noted.Add(index);
                }
                else
                {
                    _overflow.Enqueue(index, slot.End);
                }
            }
        }

        _overflowNext = _overflow.TryPeek(out _, out var next) ? next : long.MaxValue;
    }
}
