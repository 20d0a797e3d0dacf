using System.Collections.Generic;

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
}
