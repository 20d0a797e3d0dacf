using System;

namespace Compiled;

/// <summary>
/// A window function (Beam's <c>WindowFn</c>): assigns each element, by its event timestamp, to the
/// windows it belongs to, and says how those windows behave downstream (merging, output times,
/// side-input mapping, compatibility).
/// </summary>
/// <remarks>
/// <para>
/// The hierarchy follows Beam's, from general to specific: <see cref="IWindowFn"/> (any window
/// function) → <see cref="IPartitioningWindowFn"/> (exactly one window per element:
/// <see cref="GlobalWindows"/>, <see cref="FixedWindows"/>) or <see cref="IMergingWindowFn"/> (windows
/// merge after assignment: <see cref="Sessions"/>). <see cref="SlidingWindows"/> is a plain
/// non-merging <see cref="IWindowFn"/>.
/// </para>
/// <para>
/// Implement it on a <c>readonly struct</c>: generated code is generic over the window function type,
/// so there is no interface dispatch and no allocation per element. A custom window function is any
/// such struct; it sees only the element's timestamp (Beam's custom functions may also read the
/// element itself — not supported here).
/// </para>
/// <para>
/// Timestamps are expected within [<see cref="Instant.MinValue"/>, <see cref="Instant.MaxValue"/>];
/// window arithmetic is unchecked, which cannot overflow for timestamps and durations in that range.
/// </para>
/// </remarks>
public interface IWindowFn
{
    /// <summary>True if windows merge after assignment (Beam: not <c>isNonMerging()</c>), as sessions do.</summary>
    bool IsMerging { get; }

    /// <summary>True if every element is assigned to exactly one window (Beam's <c>assignsToOneWindow</c>).</summary>
    bool AssignsToOneWindow { get; }

    /// <summary>
    /// The most windows one element can be assigned to: the length of a destination span that is
    /// always large enough for <see cref="AssignWindows(Instant, Span{BoundedWindow})"/>.
    /// </summary>
    int MaxWindowsPerElement { get; }

    /// <summary>
    /// Writes the windows of an element with <paramref name="timestamp"/> into
    /// <paramref name="destination"/> and returns how many there are (possibly 0, e.g. sliding windows
    /// whose period exceeds their size).
    /// </summary>
    /// <param name="timestamp">The element's event timestamp.</param>
    /// <param name="destination">Receives the windows; at least <see cref="MaxWindowsPerElement"/> long.</param>
    /// <returns>The number of windows written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    int AssignWindows(Instant timestamp, Span<BoundedWindow> destination);

    /// <summary>
    /// Passes each window of an element with <paramref name="timestamp"/> to
    /// <paramref name="consumer"/>, in the order Beam produces them.
    /// </summary>
    /// <typeparam name="TConsumer">The consumer type: a struct, so the call is direct.</typeparam>
    /// <param name="timestamp">The element's event timestamp.</param>
    /// <param name="consumer">Receives the windows.</param>
    void AssignWindows<TConsumer>(Instant timestamp, ref TConsumer consumer)
        where TConsumer : IWindowConsumer, allows ref struct;

    /// <summary>
    /// The output time this window function proposes for an input with
    /// <paramref name="inputTimestamp"/> in <paramref name="window"/>, before the
    /// <see cref="TimestampCombiner"/> applies (Beam's <c>WindowFn.getOutputTime</c>). Most window
    /// functions return the input timestamp; <see cref="SlidingWindows"/> moves it past the end of the
    /// previous overlapping window so that later windows do not hold back the watermark of earlier ones.
    /// The result lies in [<paramref name="inputTimestamp"/>, <paramref name="window"/>.MaxTimestamp].
    /// </summary>
    /// <param name="inputTimestamp">The input's event timestamp.</param>
    /// <param name="window">A window the input was assigned to.</param>
    /// <returns>The proposed output time.</returns>
    Instant GetOutputTime(Instant inputTimestamp, BoundedWindow window);

    /// <summary>
    /// The window of a side input windowed by this function that a main-input element in
    /// <paramref name="mainWindow"/> reads (Beam's default <c>WindowMappingFn</c>).
    /// </summary>
    /// <param name="mainWindow">The main input's window.</param>
    /// <returns>The side input's window.</returns>
    /// <exception cref="ArgumentException">The main window is global and this function is not.</exception>
    /// <exception cref="NotSupportedException">This function cannot window side inputs (sessions).</exception>
    BoundedWindow GetSideInputWindow(BoundedWindow mainWindow);

    /// <summary>
    /// True if <paramref name="other"/> assigns and merges windows the same way, so collections
    /// windowed by the two may be flattened or joined (Beam's <c>isCompatible</c>).
    /// </summary>
    /// <typeparam name="TOther">The other window function's type.</typeparam>
    /// <param name="other">The other window function.</param>
    /// <returns>True if compatible.</returns>
    bool IsCompatible<TOther>(in TOther other)
        where TOther : IWindowFn;
}
