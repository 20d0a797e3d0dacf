using System;

namespace Compiled;

/// <summary>When a pane fired relative to the watermark (Beam's <c>PaneInfo.Timing</c>).</summary>
public enum PaneTiming
{
    /// <summary>Before the watermark passed the end of the window.</summary>
    Early,

    /// <summary>The pane fired when the watermark passed the end of the window.</summary>
    OnTime,

    /// <summary>After the watermark passed the end of the window.</summary>
    Late,

    /// <summary>Not produced by a trigger firing (e.g. element-wise output of an ungrouped input).</summary>
    Unknown,
}

/// <summary>Describes the firing that produced an output (Beam's <c>PaneInfo</c>).</summary>
public readonly struct PaneInfo : IEquatable<PaneInfo>
{
    /// <summary>Creates a pane description.</summary>
    public PaneInfo(bool isFirst, bool isLast, PaneTiming timing, long index, long nonSpeculativeIndex)
    {
        IsFirst = isFirst;
        IsLast = isLast;
        Timing = timing;
        Index = index;
        NonSpeculativeIndex = nonSpeculativeIndex;
    }

    /// <summary>Beam's <c>NO_FIRING</c>: first and last, timing unknown, index 0.</summary>
    public static PaneInfo NoFiring => new(true, true, PaneTiming.Unknown, 0, 0);

    /// <summary>The only pane of a window fired once when input ended (batch): first, last, on time.</summary>
    public static PaneInfo OnTimeAndOnly => new(true, true, PaneTiming.OnTime, 0, 0);

    /// <summary>True for the first pane of its window.</summary>
    public bool IsFirst { get; }

    /// <summary>True for the last pane of its window.</summary>
    public bool IsLast { get; }

    /// <summary>Early, on time or late.</summary>
    public PaneTiming Timing { get; }

    /// <summary>Index of the pane among all panes of its window, from 0.</summary>
    public long Index { get; }

    /// <summary>Index among the non-early panes, from 0; -1 for early panes.</summary>
    public long NonSpeculativeIndex { get; }

    /// <inheritdoc />
    public bool Equals(PaneInfo other) =>
        IsFirst == other.IsFirst && IsLast == other.IsLast && Timing == other.Timing && Index == other.Index && NonSpeculativeIndex == other.NonSpeculativeIndex;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PaneInfo other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(IsFirst, IsLast, Timing, Index, NonSpeculativeIndex);

    /// <inheritdoc />
    public override string ToString() => $"Pane({Timing}, index {Index}{(IsFirst ? ", first" : "")}{(IsLast ? ", last" : "")})";

    /// <summary>Equality.</summary>
    public static bool operator ==(PaneInfo left, PaneInfo right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PaneInfo left, PaneInfo right) => !left.Equals(right);
}
