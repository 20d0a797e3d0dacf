using System;
using System.Collections.Generic;
using Compiled.Coders;

namespace Compiled.Execution;

/// <summary>
/// What the generated runner reads of a grouping's panes, whichever state keeps them (keyed window panes, window buckets,
/// open sessions): the panes fired and not yet taken, the ones whose value could not be extracted, the watermark and
/// processing time they have seen, and the counts that metrics report.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TOutput">The combined value type.</typeparam>
public abstract class GroupingPanes<TKey, TOutput>
    where TKey : notnull
{
    private protected GroupingPanes()
    {
    }

    /// <summary>The panes fired and not yet taken.</summary>
    private protected List<FiredPane<TKey, TOutput>> FiredPanes { get; } = new();

    /// <summary>The panes that failed and are not yet reported.</summary>
    private protected List<FailedPane<TKey>> FailedPanes { get; } = new();

    /// <summary>The input watermark.</summary>
    public Instant InputWatermark { get; private protected set; } = Instant.MinValue;

    /// <summary>The processing time last given to the panes.</summary>
    public Instant ProcessingTime { get; private protected set; } = Instant.MinValue;

    /// <summary>Elements dropped because their window had expired (behind the watermark by more than the allowed lateness).</summary>
    public long DroppedLate { get; private protected set; }

    /// <summary>Elements dropped because their window's trigger had finished (never under the default trigger).</summary>
    public long DroppedClosed { get; private protected set; }

    /// <summary>Panes emitted so far.</summary>
    public long PanesFired { get; private protected set; }

    /// <summary>Live key-window states (for the state-size metric).</summary>
    public int LiveWindows { get; private protected set; }

    /// <summary>The panes fired and not yet taken; drain, then call <see cref="ClearFired"/>.</summary>
    public List<FiredPane<TKey, TOutput>> Fired => FiredPanes;

    /// <summary>Forgets the panes in <see cref="Fired"/> once the caller has delivered them.</summary>
    public void ClearFired() => FiredPanes.Clear();

    /// <summary>
    /// Panes that fired but could not be extracted (the combine function threw): the firing went on past them; the caller
    /// reports them, then calls <see cref="ClearFailed"/>. The pane's index is used, as if it had been emitted.
    /// </summary>
    public List<FailedPane<TKey>> Failed => FailedPanes;

    /// <summary>Forgets the panes in <see cref="Failed"/> once the caller has reported them.</summary>
    public void ClearFailed() => FailedPanes.Clear();

    /// <summary>
    /// The quiet advance of the watermark that keyed window panes and window buckets share: refused (nothing changes) while
    /// a bundle or a merge waits, or when the earliest event-time timer is behind the new watermark; else the watermark
    /// moves (never back).
    /// </summary>
    /// <param name="pending">Whether a bundle's evaluation (or merges, or timers noted before the first watermark) waits.</param>
    /// <param name="earliestTimer">The earliest event-time timer, <see cref="long.MaxValue"/> for none.</param>
    /// <param name="watermark">The new watermark.</param>
    /// <returns>True when the watermark moved (or stayed) and nothing fired.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private protected bool TryMoveWatermark(bool pending, long earliestTimer, Instant watermark)
    {
        if (pending || earliestTimer < watermark.Millis)
        {
            return false;
        }

        if (watermark > InputWatermark)
        {
            InputWatermark = watermark;
        }

        return true;
    }

    /// <summary>
    /// The quiet advance of processing time: refused (nothing changes) while a bundle or a merge waits, or when the
    /// earliest deadline is at or before the new time; else processing time moves (never back).
    /// </summary>
    /// <param name="pending">Whether a bundle's evaluation (or merges) waits.</param>
    /// <param name="earliestDeadline">The earliest processing-time deadline, <see cref="long.MaxValue"/> for none.</param>
    /// <param name="now">The new processing time.</param>
    /// <returns>True when processing time moved (or stayed) and nothing fired.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private protected bool TryMoveProcessingTime(bool pending, long earliestDeadline, Instant now)
    {
        if (pending || earliestDeadline <= now.Millis)
        {
            return false;
        }

        if (now > ProcessingTime)
        {
            ProcessingTime = now;
        }

        return true;
    }

    /// <summary>Refuses a checkpoint or an adoption while fired or failed panes wait to be taken (they happen between calls).</summary>
    /// <param name="what">What is refused, for the message.</param>
    /// <exception cref="InvalidOperationException">Panes wait.</exception>
    private protected void EnsureTaken(string what)
    {
        if (FiredPanes.Count != 0 || FailedPanes.Count != 0)
        {
            throw new InvalidOperationException("Panes that fired have not been taken yet: " + what + ".");
        }
    }

    /// <summary>The head of a checkpoint: its layout, the watermark and processing time, the drops, panes fired and live windows.</summary>
    /// <param name="writer">Where it goes.</param>
    /// <param name="layout">The layout of what follows.</param>
    private protected void WriteHead(ref CoderWriter writer, byte layout)
    {
        writer.WriteByte(layout);
        writer.WriteInstant(InputWatermark);
        writer.WriteInstant(ProcessingTime);
        writer.WriteInt64(DroppedLate);
        writer.WriteInt64(DroppedClosed);
        writer.WriteInt64(PanesFired);
        writer.WriteInt32(LiveWindows);
    }

    /// <summary>Reads what <see cref="WriteHead"/> wrote into new panes.</summary>
    /// <param name="reader">The checkpoint.</param>
    /// <param name="layout">The layout these panes write.</param>
    /// <param name="what">These panes' name, for the messages.</param>
    /// <exception cref="InvalidOperationException">These panes are not new.</exception>
    /// <exception cref="CoderException">The checkpoint is in another layout.</exception>
    private protected void ReadHead(ref CoderReader reader, byte layout, string what)
    {
        if (InputWatermark != Instant.MinValue || ProcessingTime != Instant.MinValue || LiveWindows != 0)
        {
            throw new InvalidOperationException("A checkpoint is restored into new panes only.");
        }

        if (reader.ReadByte() != layout)
        {
            throw new CoderException("The " + what + " of the checkpoint are in another layout.");
        }

        InputWatermark = reader.ReadInstant();
        ProcessingTime = reader.ReadInstant();
        DroppedLate = reader.ReadInt64();
        DroppedClosed = reader.ReadInt64();
        PanesFired = reader.ReadInt64();
        LiveWindows = reader.ReadInt32();
    }

    /// <summary>
    /// An adopted part's watermark and processing time (the latest over the parts adopted; the first as it is) and, on one
    /// new shard only, its counts.
    /// </summary>
    /// <param name="source">The part.</param>
    /// <param name="first">Whether it is the first part adopted.</param>
    /// <param name="counts">Whether its counts are added here.</param>
    private protected void AdoptHead(GroupingPanes<TKey, TOutput> source, bool first, bool counts)
    {
        InputWatermark = first ? source.InputWatermark : Instant.Max(InputWatermark, source.InputWatermark);
        ProcessingTime = first ? source.ProcessingTime : Instant.Max(ProcessingTime, source.ProcessingTime);
        if (counts)
        {
            DroppedLate += source.DroppedLate;
            DroppedClosed += source.DroppedClosed;
            PanesFired += source.PanesFired;
        }
    }
}
