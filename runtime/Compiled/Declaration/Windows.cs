using System;

namespace Compiled;

/// <summary>
/// Window functions for <see cref="PCollection{T}.Window"/> (Beam's <c>Window.into</c>). Durations must be
/// known at build time: <c>TimeSpan.FromSeconds(30)</c>, <c>TimeSpan.FromMinutes(5)</c>,
/// <c>new TimeSpan(0, 1, 0)</c>, <c>TimeSpan.Zero</c>, with constant arguments. Event time has
/// millisecond precision, as in Beam.
/// </summary>
/// <remarks>Declaration only: the generator reads calls to these members; they throw if executed.</remarks>
public static class Windows
{
    /// <summary>The single global window (Beam's <c>GlobalWindows</c>), the default windowing.</summary>
    public static WindowingStrategy Global() => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Fixed windows of <paramref name="size"/> (Beam's <c>FixedWindows</c>): [k·size, (k+1)·size), each
    /// element in exactly one window.
    /// </summary>
    public static WindowingStrategy Fixed(TimeSpan size) => throw DeclarationOnlyException.Create();

    /// <summary>Fixed windows of <paramref name="size"/> shifted by <paramref name="offset"/> (0 &lt;= offset &lt; size).</summary>
    public static WindowingStrategy Fixed(TimeSpan size, TimeSpan offset) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Sliding windows of <paramref name="size"/> starting every <paramref name="period"/> (Beam's
    /// <c>SlidingWindows</c>): each element is in every window that contains its timestamp.
    /// </summary>
    public static WindowingStrategy Sliding(TimeSpan size, TimeSpan period) => throw DeclarationOnlyException.Create();

    /// <summary>Sliding windows shifted by <paramref name="offset"/> (0 &lt;= offset &lt; period).</summary>
    public static WindowingStrategy Sliding(TimeSpan size, TimeSpan period, TimeSpan offset) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Session windows (Beam's <c>Sessions.withGapDuration</c>): each element starts a window
    /// [t, t + gap); windows of the same key that overlap merge, so a session ends after a gap of
    /// inactivity. Merging windows are per key: use them before a grouping or per-key combine.
    /// </summary>
    public static WindowingStrategy Sessions(TimeSpan gap) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// A custom window function: a struct implementing <see cref="IWindowFn"/> (or
    /// <see cref="IMergingWindowFn"/> for merging windows) that the generated code calls directly
    /// through its <c>default</c> value (no interface dispatch, no allocation).
    /// </summary>
    /// <typeparam name="TWindowFn">The window function type; its default value is the function used.</typeparam>
    public static WindowingStrategy Custom<TWindowFn>()
        where TWindowFn : struct, IWindowFn => throw DeclarationOnlyException.Create();
}

/// <summary>
/// A declared windowing strategy: a window function, with Beam's defaults for the rest (the default
/// trigger, which fires once when the watermark passes the end of a window; no allowed lateness, so data
/// behind the watermark in an expired window is dropped and counted; discarding panes; output timestamps
/// at the end of the window).
/// </summary>
public sealed class WindowingStrategy
{
    private WindowingStrategy()
    {
    }

    /// <summary>
    /// Sets the trigger (Beam's <c>Window.triggering</c>): when the panes of each window are emitted.
    /// Outside the global window a trigger needs an allowed lateness and an accumulation mode too, as in
    /// Beam (<see cref="WithAllowedLateness(TimeSpan)"/>, <see cref="Accumulating"/> or
    /// <see cref="Discarding"/>).
    /// </summary>
    public WindowingStrategy Triggering(Trigger trigger) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Keeps each window's state for <paramref name="lateness"/> after the watermark passes its end, so
    /// data up to that late is still aggregated and emitted in late panes (Beam's
    /// <c>withAllowedLateness</c>). Data later than that is dropped and counted.
    /// </summary>
    public WindowingStrategy WithAllowedLateness(TimeSpan lateness) => throw DeclarationOnlyException.Create();

    /// <summary>Allowed lateness with the closing behaviour: whether the final pane at garbage collection time fires even when empty.</summary>
    public WindowingStrategy WithAllowedLateness(TimeSpan lateness, ClosingBehavior closing) => throw DeclarationOnlyException.Create();

    /// <summary>Every pane contains all the data of its window so far (Beam's <c>accumulatingFiredPanes</c>).</summary>
    public WindowingStrategy Accumulating() => throw DeclarationOnlyException.Create();

    /// <summary>Every pane contains only the data that arrived since the previous pane (Beam's <c>discardingFiredPanes</c>, the default).</summary>
    public WindowingStrategy Discarding() => throw DeclarationOnlyException.Create();

    /// <summary>How the output timestamp of a pane is chosen from its inputs (Beam's <c>withTimestampCombiner</c>; the default is the end of the window).</summary>
    public WindowingStrategy WithTimestampCombiner(TimestampCombiner combiner) => throw DeclarationOnlyException.Create();

    /// <summary>Whether the on-time pane fires even when no data arrived since the previous pane (Beam's <c>withOnTimeBehavior</c>; the default is always).</summary>
    public WindowingStrategy WithOnTimeBehavior(OnTimeBehavior behavior) => throw DeclarationOnlyException.Create();
}

/// <summary>Whether the final pane of a window, at its garbage collection time, is emitted when it has no new data (Beam's <c>Window.ClosingBehavior</c>).</summary>
public enum ClosingBehavior
{
    /// <summary>Emit only if the pane has new data (the default).</summary>
    FireIfNonEmpty,

    /// <summary>Always emit the final pane, even if empty, so consumers learn the window is complete.</summary>
    FireAlways,
}

/// <summary>Whether the on-time pane is emitted when it has no new data (Beam's <c>Window.OnTimeBehavior</c>).</summary>
public enum OnTimeBehavior
{
    /// <summary>Always emit the on-time pane (the default).</summary>
    FireAlways,

    /// <summary>Emit the on-time pane only if it has new data.</summary>
    FireIfNonEmpty,
}
