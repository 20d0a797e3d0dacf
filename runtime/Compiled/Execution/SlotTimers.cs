using System.Collections.Generic;
using Compiled.Coders;

namespace Compiled.Execution;

/// <summary>
/// A timer of a pooled slot (a key and window's state, or a window's bucket): valid while the slot's generation is the
/// one it was set for, so a freed and reused slot leaves its old timers stale rather than searched for and removed.
/// </summary>
/// <param name="Slot">The slot.</param>
/// <param name="Generation">The slot's generation when the timer was set.</param>
internal readonly record struct SlotTimer(int Slot, int Generation);

/// <summary>How keyed window panes and window buckets write their slots' timers into a checkpoint and read them back.</summary>
internal static class SlotTimers
{
    /// <summary>The queue in the order its timers leave: queued again in that order, equal times leave as before.</summary>
    /// <param name="writer">Where they go.</param>
    /// <param name="timers">The queue.</param>
    public static void Write(ref CoderWriter writer, TimerQueue<SlotTimer> timers)
    {
        writer.WriteInt32(timers.Count);
        foreach (var (timer, time) in timers.OrderedItems())
        {
            writer.WriteInt32(timer.Slot);
            writer.WriteInt32(timer.Generation);
            writer.WriteInt64(time);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote into an empty queue, each slot one of <paramref name="used"/>.</summary>
    /// <param name="reader">The checkpoint.</param>
    /// <param name="timers">The queue.</param>
    /// <param name="used">How many slots the checkpoint has.</param>
    /// <exception cref="CoderException">A count or a slot out of range.</exception>
    public static void Read(ref CoderReader reader, TimerQueue<SlotTimer> timers, int used)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > reader.Remaining)
        {
            throw new CoderException("The checkpoint has an impossible number of timers.");
        }

        var items = new List<(SlotTimer, long)>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add((new SlotTimer(Index(reader.ReadInt32(), used), reader.ReadInt32()), reader.ReadInt64()));
        }

        timers.EnqueueRange(items);
    }

    /// <summary>An index read back: -1 (none) or one of the <paramref name="used"/> entries.</summary>
    /// <param name="index">The index read.</param>
    /// <param name="used">How many entries there are.</param>
    /// <returns>The index.</returns>
    /// <exception cref="CoderException">Out of range.</exception>
    public static int Index(int index, int used) =>
        index >= -1 && index < used ? index : throw new CoderException("An index of the checkpoint (" + index + ") is outside its " + used + " entries.");
}
