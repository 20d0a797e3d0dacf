using System;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// Relations between interval windows (Beam's <c>IntervalWindow</c> methods <c>intersects</c>,
/// <c>span</c>, <c>contains</c> and <c>compareTo</c>), for <see cref="BoundedWindow"/> values that are
/// intervals [start, end).
/// </summary>
public static class IntervalWindows
{
    /// <summary>
    /// True if the two half-open intervals share a point. Windows that only touch ([0, 10) and
    /// [10, 20)) do not intersect, so sessions exactly one gap apart stay separate.
    /// </summary>
    /// <param name="a">A window.</param>
    /// <param name="b">Another window.</param>
    /// <returns>True if they overlap.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Intersects(BoundedWindow a, BoundedWindow b) =>
        a.End.Millis > b.Start.Millis && b.End.Millis > a.Start.Millis;

    /// <summary>The smallest interval window containing both windows.</summary>
    /// <param name="a">A window.</param>
    /// <param name="b">Another window.</param>
    /// <returns>[min(start), max(end)).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BoundedWindow Span(BoundedWindow a, BoundedWindow b) =>
        BoundedWindow.Interval(
            a.Start <= b.Start ? a.Start : b.Start,
            a.End >= b.End ? a.End : b.End);

    /// <summary>True if <paramref name="outer"/> contains all of <paramref name="inner"/>.</summary>
    /// <param name="outer">The containing window.</param>
    /// <param name="inner">The contained window.</param>
    /// <returns>True if outer.Start &lt;= inner.Start and inner.End &lt;= outer.End.</returns>
    public static bool Contains(BoundedWindow outer, BoundedWindow inner) =>
        outer.Start <= inner.Start && inner.End <= outer.End;

    /// <summary>Orders windows by start, then by end (Beam's <c>IntervalWindow.compareTo</c>).</summary>
    /// <param name="a">A window.</param>
    /// <param name="b">Another window.</param>
    /// <returns>Negative, zero or positive.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compare(BoundedWindow a, BoundedWindow b)
    {
        int byStart = a.Start.Millis.CompareTo(b.Start.Millis);
        return byStart != 0 ? byStart : a.End.Millis.CompareTo(b.End.Millis);
    }

    /// <summary>
    /// Sorts windows by start, then end, in place, without allocating: insertion sort for the short
    /// spans a key usually holds (and for spans that are already nearly sorted), the framework's
    /// introsort with a cached comparison otherwise.
    /// </summary>
    /// <param name="windows">The windows to sort.</param>
    public static void Sort(Span<BoundedWindow> windows)
    {
        const int InsertionSortLimit = 32;
        if (windows.Length > InsertionSortLimit)
        {
            windows.Sort(static (a, b) => Compare(a, b));
            return;
        }

        for (int i = 1; i < windows.Length; i++)
        {
            BoundedWindow current = windows[i];
            int j = i - 1;
            while (j >= 0 && Compare(windows[j], current) > 0)
            {
                windows[j + 1] = windows[j];
                j--;
            }

            windows[j + 1] = current;
        }
    }
}
