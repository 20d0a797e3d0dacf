using System;

namespace Compiled;

/// <summary>
/// Creates the runtime window functions from <see cref="TimeSpan"/> durations, with Beam's parameter
/// rules. Durations must be whole milliseconds (Beam's precision); a sub-millisecond part is an
/// error, not silently truncated (<see cref="Durations.ToWholeMillis"/>).
/// </summary>
/// <remarks>
/// These are the executable counterparts of the declaration-only <see cref="Windows"/> that pipelines
/// are written with: generated code constructs the structs directly from the constant milliseconds
/// the generator read, and tests and hand-written runners use these factories.
/// </remarks>
public static class WindowFns
{
    /// <summary>The single global window (Beam's <c>GlobalWindows</c>).</summary>
    /// <returns>The window function.</returns>
    public static GlobalWindows Global() => default;

    /// <summary>Fixed windows of <paramref name="size"/> (Beam's <c>FixedWindows.of</c>).</summary>
    /// <param name="size">Window size; positive, whole milliseconds.</param>
    /// <returns>The window function.</returns>
    /// <exception cref="ArgumentException">The size is not positive or not whole milliseconds.</exception>
    public static FixedWindows Fixed(TimeSpan size) =>
        new(Durations.ToWholeMillis(size, nameof(size)), 0);

    /// <summary>Fixed windows of <paramref name="size"/> shifted by <paramref name="offset"/> (<c>withOffset</c>).</summary>
    /// <param name="size">Window size; positive, whole milliseconds.</param>
    /// <param name="offset">Offset from the epoch, in [0, size), whole milliseconds.</param>
    /// <returns>The window function.</returns>
    /// <exception cref="ArgumentException">Not 0 &lt;= offset &lt; size, or not whole milliseconds.</exception>
    public static FixedWindows Fixed(TimeSpan size, TimeSpan offset) =>
        new(Durations.ToWholeMillis(size, nameof(size)), Durations.ToWholeMillis(offset, nameof(offset)));

    /// <summary>
    /// Sliding windows of <paramref name="size"/> with Beam's default period (<c>SlidingWindows.of</c>):
    /// the largest of one hour, minute, second or millisecond shorter than the size.
    /// </summary>
    /// <param name="size">Window size; positive, whole milliseconds.</param>
    /// <returns>The window function.</returns>
    /// <exception cref="ArgumentException">The size is not positive or not whole milliseconds.</exception>
    public static SlidingWindows Sliding(TimeSpan size)
    {
        long sizeMillis = Durations.ToWholeMillis(size, nameof(size));
        return new SlidingWindows(sizeMillis, SlidingWindows.DefaultPeriodMillis(sizeMillis), 0);
    }

    /// <summary>Sliding windows of <paramref name="size"/> starting every <paramref name="period"/> (<c>every</c>).</summary>
    /// <param name="size">Window size; positive, whole milliseconds.</param>
    /// <param name="period">Time between window starts; positive, whole milliseconds.</param>
    /// <returns>The window function.</returns>
    /// <exception cref="ArgumentException">A parameter breaks Beam's rules or is not whole milliseconds.</exception>
    public static SlidingWindows Sliding(TimeSpan size, TimeSpan period) =>
        new(Durations.ToWholeMillis(size, nameof(size)), Durations.ToWholeMillis(period, nameof(period)), 0);

    /// <summary>Sliding windows shifted by <paramref name="offset"/> (<c>withOffset</c>).</summary>
    /// <param name="size">Window size; positive, whole milliseconds.</param>
    /// <param name="period">Time between window starts; positive, whole milliseconds.</param>
    /// <param name="offset">Offset from the epoch, in [0, period), whole milliseconds.</param>
    /// <returns>The window function.</returns>
    /// <exception cref="ArgumentException">A parameter breaks Beam's rules or is not whole milliseconds.</exception>
    public static SlidingWindows Sliding(TimeSpan size, TimeSpan period, TimeSpan offset) =>
        new(Durations.ToWholeMillis(size, nameof(size)), Durations.ToWholeMillis(period, nameof(period)), Durations.ToWholeMillis(offset, nameof(offset)));

    /// <summary>Session windows separated by at least <paramref name="gap"/> without elements (<c>Sessions.withGapDuration</c>).</summary>
    /// <param name="gap">The gap duration; positive, whole milliseconds.</param>
    /// <returns>The window function.</returns>
    /// <exception cref="ArgumentException">The gap is not positive or not whole milliseconds.</exception>
    public static Sessions Sessions(TimeSpan gap) => new(Durations.ToWholeMillis(gap, nameof(gap)));
}
