using System;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// Beam's <c>TimestampCombiner</c> operations, for a <see cref="TimestampCombiner"/> value. Generated
/// code passes the combiner as a constant, so the JIT folds each switch away.
/// </summary>
/// <remarks>
/// The pieces fit together as in Beam's runner (<c>WatermarkHold</c>): each non-late input's timestamp
/// is first shifted by the window function and placed in its window
/// (<see cref="AssignOutputTime{TWindowFn}"/>); the results within one window are folded with
/// <see cref="Combine(TimestampCombiner, Instant, Instant)"/>; when windows merge, their combined
/// timestamps are brought into the merged window with
/// <see cref="Merge(TimestampCombiner, BoundedWindow, ReadOnlySpan{Instant})"/>. For
/// <see cref="TimestampCombiner.EndOfWindow"/> every step yields the (merged) window's max timestamp;
/// for <see cref="TimestampCombiner.Earliest"/> and <see cref="TimestampCombiner.Latest"/> merging is
/// the same min or max as combining.
/// </remarks>
public static class TimestampCombiners
{
    /// <summary>
    /// Combines two output times of the same window, already placed there by
    /// <see cref="Assign"/> (Beam's <c>combine</c>): the earlier, the later, or (end of window, where
    /// both equal the window's max timestamp) the first. Commutative and associative.
    /// </summary>
    /// <param name="combiner">The combiner.</param>
    /// <param name="a">An output time.</param>
    /// <param name="b">Another output time of the same window.</param>
    /// <returns>The combined output time.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Instant Combine(this TimestampCombiner combiner, Instant a, Instant b) => combiner switch
    {
        TimestampCombiner.Earliest => a <= b ? a : b,
        TimestampCombiner.Latest => a >= b ? a : b,
        _ => a,
    };

    /// <summary>Combines the output times of one window (Beam's <c>combine(Iterable)</c>).</summary>
    /// <param name="combiner">The combiner.</param>
    /// <param name="timestamps">The output times; at least one.</param>
    /// <returns>The combined output time.</returns>
    /// <exception cref="ArgumentException"><paramref name="timestamps"/> is empty.</exception>
    public static Instant Combine(this TimestampCombiner combiner, ReadOnlySpan<Instant> timestamps)
    {
        if (timestamps.IsEmpty)
        {
            throw new ArgumentException($"Cannot combine zero timestamps with {combiner}.", nameof(timestamps));
        }

        Instant result = timestamps[0];
        for (int i = 1; i < timestamps.Length; i++)
        {
            result = combiner.Combine(result, timestamps[i]);
        }

        return result;
    }

    /// <summary>
    /// Brings the output times of windows that merged into <paramref name="intoWindow"/> (Beam's
    /// <c>merge</c>): end of window gives the merged window's max timestamp, whatever the inputs
    /// (which may be empty); earliest and latest combine them.
    /// </summary>
    /// <param name="combiner">The combiner.</param>
    /// <param name="intoWindow">The merged window.</param>
    /// <param name="mergingTimestamps">The merging windows' output times; at least one unless end of window.</param>
    /// <returns>The merged output time.</returns>
    /// <exception cref="ArgumentException"><paramref name="mergingTimestamps"/> is empty for earliest or latest.</exception>
    public static Instant Merge(this TimestampCombiner combiner, BoundedWindow intoWindow, ReadOnlySpan<Instant> mergingTimestamps) =>
        combiner == TimestampCombiner.EndOfWindow ? intoWindow.MaxTimestamp : combiner.Combine(mergingTimestamps);

    /// <summary>Two-argument <see cref="Merge(TimestampCombiner, BoundedWindow, ReadOnlySpan{Instant})"/>.</summary>
    /// <param name="combiner">The combiner.</param>
    /// <param name="intoWindow">The merged window.</param>
    /// <param name="a">An output time.</param>
    /// <param name="b">Another output time.</param>
    /// <returns>The merged output time.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Instant Merge(this TimestampCombiner combiner, BoundedWindow intoWindow, Instant a, Instant b) =>
        combiner == TimestampCombiner.EndOfWindow ? intoWindow.MaxTimestamp : combiner.Combine(a, b);

    /// <summary>
    /// Places one timestamp into <paramref name="intoWindow"/> (Beam's <c>assign</c>, a merge of one):
    /// end of window moves it to the window's max timestamp; earliest and latest keep it.
    /// </summary>
    /// <param name="combiner">The combiner.</param>
    /// <param name="intoWindow">The window.</param>
    /// <param name="timestamp">The timestamp.</param>
    /// <returns>The output time in that window.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Instant Assign(this TimestampCombiner combiner, BoundedWindow intoWindow, Instant timestamp) =>
        combiner == TimestampCombiner.EndOfWindow ? intoWindow.MaxTimestamp : timestamp;

    /// <summary>
    /// The output time (and watermark hold) of one non-late input: the window function's shift
    /// (<see cref="IWindowFn.GetOutputTime"/>, which moves timestamps in later sliding windows past
    /// the end of the previous window) followed by <see cref="Assign"/>.
    /// </summary>
    /// <typeparam name="TWindowFn">The window function type.</typeparam>
    /// <param name="combiner">The combiner.</param>
    /// <param name="windowFn">The window function that assigned <paramref name="window"/>.</param>
    /// <param name="window">The input's window.</param>
    /// <param name="inputTimestamp">The input's event timestamp.</param>
    /// <returns>The input's output time in <paramref name="window"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Instant AssignOutputTime<TWindowFn>(this TimestampCombiner combiner, in TWindowFn windowFn, BoundedWindow window, Instant inputTimestamp)
        where TWindowFn : IWindowFn =>
        combiner == TimestampCombiner.EndOfWindow ? window.MaxTimestamp : windowFn.GetOutputTime(inputTimestamp, window);

    /// <summary>
    /// True if combining many output times depends only on the earliest (Beam's
    /// <c>dependsOnlyOnEarliestTimestamp</c>): true for earliest.
    /// </summary>
    /// <param name="combiner">The combiner.</param>
    /// <returns>True for <see cref="TimestampCombiner.Earliest"/>.</returns>
    public static bool DependsOnlyOnEarliestTimestamp(this TimestampCombiner combiner) => combiner == TimestampCombiner.Earliest;

    /// <summary>
    /// True if the output time depends only on the window, not on the inputs (Beam's
    /// <c>dependsOnlyOnWindow</c>): true for end of window, which needs no per-input bookkeeping.
    /// </summary>
    /// <param name="combiner">The combiner.</param>
    /// <returns>True for <see cref="TimestampCombiner.EndOfWindow"/>.</returns>
    public static bool DependsOnlyOnWindow(this TimestampCombiner combiner) => combiner == TimestampCombiner.EndOfWindow;
}
