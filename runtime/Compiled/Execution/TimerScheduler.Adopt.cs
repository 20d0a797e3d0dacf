using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Compiled.Execution;

public sealed partial class TimerScheduler
{
    /// <summary>
    /// Moves the pending timers of slot <paramref name="sourceSlot"/> of <paramref name="source"/> (a scheduler restored
    /// from the checkpoint part of one old shard) to <paramref name="slot"/> here, when a checkpoint is restored at
    /// another parallelism: every setting, plain and in timer maps, with its firing and output timestamps, queued in the
    /// order the source set them, so that timers of one key due at the same time fire in the same order.
    /// </summary>
    /// <param name="source">The old shard's scheduler (read only: other new shards adopt other slots from it).</param>
    /// <param name="sourceSlot">The slot there.</param>
    /// <param name="slot">The slot here, already holding the key and window (its expiration scheduled).</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void AdoptSlot(TimerScheduler source, int sourceSlot, int slot)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source._timerCount != _timerCount)
        {
            throw new InvalidOperationException("The source scheduler has another number of timers.");
        }

        var pending = new List<(long Seq, int Timer, string? Id, long At, long Output)>();
        for (var timer = 0; timer < _timerCount; timer++)
        {
            var setting = source._plain[(sourceSlot * _timerCount) + timer];
            if (setting.Seq != 0)
            {
                pending.Add((setting.Seq, timer, null, setting.At, setting.Output));
            }
        }

        if (source._mapCount[sourceSlot] > 0)
        {
            foreach (var ((s, timer, id), setting) in source._maps)
            {
                if (s == sourceSlot)
                {
                    pending.Add((setting.Seq, timer, id, setting.At, setting.Output));
                }
            }
        }

        pending.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        foreach (var (_, timer, id, at, output) in pending)
        {
            Enqueue(slot, timer, id, at, output);
        }
    }

    /// <summary>
    /// Takes the watermark and processing time last told of the parts adopted (the latest: at an aligned checkpoint every
    /// shard of a level had the same ones), when a checkpoint is restored at another parallelism.
    /// </summary>
    /// <param name="source">An old shard's scheduler.</param>
    /// <param name="first">Whether it is the first part adopted (its times are taken as they are).</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void AdoptTimes(TimerScheduler source, bool first)
    {
        ArgumentNullException.ThrowIfNull(source);
        _inputWatermark = first ? source._inputWatermark : Math.Max(_inputWatermark, source._inputWatermark);
        _processingTime = first ? source._processingTime : Math.Max(_processingTime, source._processingTime);
    }
}
