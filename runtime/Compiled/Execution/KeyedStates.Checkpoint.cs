using System;
using System.Collections.Generic;
using System.ComponentModel;
using Compiled.Coders;

namespace Compiled.Execution;

public sealed partial class KeyedStates<TKey, TState>
{
    /// <summary>
    /// Writes every slot for a checkpoint, as it lies in the pool (a live one with its key, window and state struct, a
    /// free one as free), the free list in its order, and the timers of the slots (<see cref="TimerScheduler"/>).
    /// </summary>
    /// <typeparam name="TKeyCoder">The coder of the keys.</typeparam>
    /// <typeparam name="TStateCoder">The coder of the state struct's cells (generated; timers are the scheduler's).</typeparam>
    /// <param name="writer">Where the bytes go.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void WriteCheckpoint<TKeyCoder, TStateCoder>(ref CoderWriter writer)
        where TKeyCoder : struct, ICoder<TKey>
        where TStateCoder : struct, ICoder<TState>
    {
        var free = new bool[_used];
        for (var i = 0; i < _freeCount; i++)
        {
            free[_free[i]] = true;
        }

        writer.WriteInt32(_used);
        writer.WriteInt32(_freeCount);
        for (var i = 0; i < _freeCount; i++)
        {
            writer.WriteInt32(_free[i]);
        }

        for (var slot = 0; slot < _used; slot++)
        {
            if (free[slot])
            {
                continue;
            }

            default(TKeyCoder).Encode(ref writer, _keys[slot]);
            default(BoundedWindowCoder).Encode(ref writer, _windows[slot]);
            default(TStateCoder).Encode(ref writer, _slots[slot]);
        }

        Timers.WriteCheckpoint(ref writer, _used);
    }

    /// <summary>
    /// Reads what <see cref="WriteCheckpoint{TKeyCoder, TStateCoder}"/> wrote into these new states; returns the live
    /// slots, whose timer handles the caller binds again (they refer to this scheduler).
    /// </summary>
    /// <typeparam name="TKeyCoder">The coder of the keys.</typeparam>
    /// <typeparam name="TStateCoder">The coder of the state struct's cells.</typeparam>
    /// <param name="reader">The bytes.</param>
    /// <returns>The live slots, in order.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public List<int> ReadCheckpoint<TKeyCoder, TStateCoder>(ref CoderReader reader)
        where TKeyCoder : struct, ICoder<TKey>
        where TStateCoder : struct, ICoder<TState>
    {
        if (_used != 0)
        {
            throw new InvalidOperationException("A checkpoint is restored into new states only.");
        }

        var used = reader.ReadInt32();
        var freeCount = reader.ReadInt32();
        if (used < 0 || used > reader.Remaining || freeCount < 0 || freeCount > used)
        {
            throw new CoderException("The checkpoint has an impossible number of state slots.");
        }

        var size = Math.Max(16, used);
        Array.Resize(ref _slots, Math.Max(size, _slots.Length));
        Array.Resize(ref _keys, _slots.Length);
        Array.Resize(ref _windows, _slots.Length);
        Array.Resize(ref _free, Math.Max(_free.Length, Math.Max(16, freeCount)));
        Timers.EnsureSlots(_slots.Length);
        var free = new bool[used];
        for (var i = 0; i < freeCount; i++)
        {
            var slot = reader.ReadInt32();
            if (slot < 0 || slot >= used || free[slot])
            {
                throw new CoderException("A free state slot of the checkpoint (" + slot + ") is not one of its " + used + " slots.");
            }

            free[slot] = true;
            _free[i] = slot;
        }

        _freeCount = freeCount;
        _used = used;
        var live = new List<int>(used - freeCount);
        for (var slot = 0; slot < used; slot++)
        {
            if (free[slot])
            {
                continue;
            }

            var key = default(TKeyCoder).Decode(ref reader);
            var window = default(BoundedWindowCoder).Decode(ref reader);
            _keys[slot] = key;
            _windows[slot] = window;
            _slots[slot] = default(TStateCoder).Decode(ref reader);
            if (window.IsGlobal)
            {
                _global.Add(key, slot);
            }
            else
            {
                _index.Add((key, window), slot);
            }

            live.Add(slot);
        }

        Timers.ReadCheckpoint(ref reader);
        return live;
    }

    /// <summary>
    /// Moves into these states, while a checkpoint is restored at another parallelism, the slot of every key of
    /// <paramref name="source"/> (restored from the part of one old shard) that <paramref name="owns"/> says belongs
    /// here: its key, window and state struct (its cells' storage moves with it: the source is not used afterwards),
    /// its window's expiration and its pending timers. Returns the new slots, whose timer handles the caller binds again.
    /// </summary>
    /// <param name="source">The states of one old shard, restored (read only: other new shards adopt their keys from it).</param>
    /// <param name="owns">Whether a key's group belongs to this shard.</param>
    /// <param name="first">Whether this is the first part adopted (its watermark and processing time are taken as they are).</param>
    /// <returns>The slots adopted here, in the source's slot order.</returns>
    /// <exception cref="InvalidOperationException">Two parts hold the same key and window.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public List<int> AdoptCheckpointed(KeyedStates<TKey, TState> source, Func<TKey, bool> owns, bool first)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(owns);
        Timers.AdoptTimes(source.Timers, first);
        var free = new bool[source._used];
        for (var i = 0; i < source._freeCount; i++)
        {
            free[source._free[i]] = true;
        }

        var adopted = new List<int>();
        for (var from = 0; from < source._used; from++)
        {
            if (free[from] || !owns(source._keys[from]))
            {
                continue;
            }

            ref var state = ref GetOrAdd(source._keys[from], source._windows[from], out var slot, out var created);
            if (!created)
            {
                throw new InvalidOperationException("Two parts of the checkpoint hold the state of the same key and window: each key group belongs to one shard.");
            }

            state = source._slots[from];
            Timers.AdoptSlot(source.Timers, from, slot);
            adopted.Add(slot);
        }

        return adopted;
    }
}
