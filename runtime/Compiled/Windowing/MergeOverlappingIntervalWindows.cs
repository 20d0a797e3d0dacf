using System;

namespace Compiled;

/// <summary>
/// Merges overlapping interval windows (Beam's <c>MergeOverlappingIntervalWindows</c>): sort the
/// windows by start, sweep once, and grow the current group while the next window intersects the
/// union so far. Windows that only touch do not merge. O(n log n), no allocation: the windows are
/// sorted in the caller's span and groups are reported as slices of it.
/// </summary>
public static class MergeOverlappingIntervalWindows
{
    /// <summary>
    /// Sorts <paramref name="windows"/> and reports every group of two or more overlapping windows to
    /// <paramref name="consumer"/>, with the span of the group as the result, exactly as Beam calls
    /// <c>MergeContext.merge</c>. Windows that overlap nothing are not reported.
    /// </summary>
    /// <typeparam name="TConsumer">The consumer type: a struct, so the calls are direct.</typeparam>
    /// <param name="windows">Interval windows; sorted in place by start, then end.</param>
    /// <param name="consumer">Receives each merge.</param>
    /// <exception cref="ArgumentException">A window is the global window.</exception>
    public static void MergeWindows<TConsumer>(Span<BoundedWindow> windows, ref TConsumer consumer)
        where TConsumer : IMergeConsumer, allows ref struct
    {
        if (windows.IsEmpty)
        {
            return;
        }

        Prepare(windows);
        int first = 0;
        BoundedWindow union = windows[0];
        for (int i = 1; i < windows.Length; i++)
        {
            BoundedWindow window = windows[i];
            if (IntervalWindows.Intersects(union, window))
            {
                union = IntervalWindows.Span(union, window);
                continue;
            }

            if (i - first > 1)
            {
                consumer.Merge(windows.Slice(first, i - first), union);
            }

            first = i;
            union = window;
        }

        if (windows.Length - first > 1)
        {
            consumer.Merge(windows.Slice(first), union);
        }
    }

    /// <summary>
    /// Sorts <paramref name="windows"/> and writes the partition of them into groups of overlapping
    /// windows to <paramref name="groups"/>, one entry per group including groups of one (check
    /// <see cref="WindowMergeGroup.IsMerge"/> for Beam's merges).
    /// </summary>
    /// <param name="windows">Interval windows; sorted in place by start, then end.</param>
    /// <param name="groups">Receives the groups in order of start; as long as <paramref name="windows"/> always suffices.</param>
    /// <returns>The number of groups written.</returns>
    /// <exception cref="ArgumentException">A window is the global window, or <paramref name="groups"/> is too short.</exception>
    public static int MergeWindows(Span<BoundedWindow> windows, Span<WindowMergeGroup> groups)
    {
        if (windows.IsEmpty)
        {
            return 0;
        }

        Prepare(windows);
        int count = 0;
        int first = 0;
        BoundedWindow union = windows[0];
        for (int i = 1; i < windows.Length; i++)
        {
            BoundedWindow window = windows[i];
            if (IntervalWindows.Intersects(union, window))
            {
                union = IntervalWindows.Span(union, window);
                continue;
            }

            AddGroup(groups, ref count, new WindowMergeGroup(first, i - first, union));
            first = i;
            union = window;
        }

        AddGroup(groups, ref count, new WindowMergeGroup(first, windows.Length - first, union));
        return count;
    }

    private static void Prepare(Span<BoundedWindow> windows)
    {
        foreach (BoundedWindow window in windows)
        {
            if (window.IsGlobal)
            {
                throw new ArgumentException("Only interval windows merge; the global window cannot.", nameof(windows));
            }
        }

        IntervalWindows.Sort(windows);
    }

    private static void AddGroup(Span<WindowMergeGroup> groups, ref int count, WindowMergeGroup group)
    {
        if ((uint)count >= (uint)groups.Length)
        {
            throw new ArgumentException("The groups span is too short; a span as long as the windows always suffices.", nameof(groups));
        }

        groups[count++] = group;
    }
}
