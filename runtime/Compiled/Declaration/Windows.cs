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
}
