using System;

namespace Compiled;

/// <summary>
/// What a function receives about the element it is called on, besides the element: its event timestamp, its window
/// and the pane it belongs to (Beam's <c>@Timestamp Instant</c>, <c>BoundedWindow</c> and <c>PaneInfo</c> parameters of
/// a <c>@ProcessElement</c> method). Passed to the context overloads of <c>Map</c>, <c>FlatMap</c> and <c>ParDo</c>
/// and to a <see cref="TextFileSink{T}"/> formatter. Any of the three may be read, in any combination, as in Beam.
/// </summary>
/// <remarks>
/// <para>The values are those of the element where the function runs, as Beam defines them:</para>
/// <list type="bullet">
/// <item><description><see cref="Timestamp"/>: the element's event timestamp: <see cref="Instant.MinValue"/> for an
/// element of a bounded input without timestamps; after <c>WithTimestamps</c>, the one it gave; after a grouping or
/// combine, the timestamp its window's timestamp combiner chose (by default the end of the window, its
/// <see cref="BoundedWindow.MaxTimestamp"/>).</description></item>
/// <item><description><see cref="Window"/>: <see cref="BoundedWindow.Global"/> before any <c>Window</c>; after
/// <c>Window</c>, the window the element was assigned to. An element of several windows (sliding windows) is processed
/// once per window, each time with that window. In session windows before their grouping, the window is the element's
/// own proto-session [timestamp, timestamp + gap); after the grouping, the merged session.</description></item>
/// <item><description><see cref="Pane"/>: before any grouping, Beam's <c>PaneInfo.NO_FIRING</c>
/// (<see cref="PaneInfo.NoFiring"/>: first and last, timing unknown, index 0); after a grouping or combine, the pane of
/// the firing that emitted the element (early, on time or late, with its indexes), and it stays that pane through the
/// element-wise transforms that follow, up to the next grouping.</description></item>
/// </list>
/// </remarks>
public readonly struct ElementContext : IEquatable<ElementContext>
{
    /// <summary>Creates a context (the generated runners create them; tests may too).</summary>
    /// <param name="timestamp">The element's event timestamp.</param>
    /// <param name="window">The element's window.</param>
    /// <param name="pane">The element's pane.</param>
    public ElementContext(Instant timestamp, BoundedWindow window, PaneInfo pane)
    {
        Timestamp = timestamp;
        Window = window;
        Pane = pane;
    }

    /// <summary>The element's event timestamp (Beam's <c>@Timestamp</c> parameter).</summary>
    public Instant Timestamp { get; }

    /// <summary>The window the element is processed in (Beam's <c>BoundedWindow</c> parameter).</summary>
    public BoundedWindow Window { get; }

    /// <summary>The pane the element belongs to (Beam's <c>PaneInfo</c> parameter).</summary>
    public PaneInfo Pane { get; }

    /// <inheritdoc />
    public bool Equals(ElementContext other) => Timestamp == other.Timestamp && Window == other.Window && Pane == other.Pane;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ElementContext other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Timestamp, Window, Pane);

    /// <summary>The three values, e.g. <c>@ 2026-12-03T09:00:59.999Z in [2026-12-03T09:00:00.000Z, 2026-12-03T09:01:00.000Z), Pane(OnTime, index 0, first, last)</c>.</summary>
    public override string ToString() => "@ " + Timestamp.ToString() + " in " + Window.ToString() + ", " + Pane.ToString();

    /// <summary>Equality.</summary>
    public static bool operator ==(ElementContext left, ElementContext right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ElementContext left, ElementContext right) => !left.Equals(right);
}
