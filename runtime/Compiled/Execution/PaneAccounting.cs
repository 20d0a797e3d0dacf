namespace Compiled.Execution;

/// <summary>The pane bookkeeping that keyed window panes and window buckets share: Beam's <c>PaneInfoTracker</c>.</summary>
internal static class PaneAccounting
{
    /// <summary>
    /// The next pane of a key and window, as Beam's <c>PaneInfoTracker</c> describes it: first or not, last when final,
    /// early before the end of the window, on time for the first pane at or after it, late for every later one (and for
    /// every pane of a window that was already late when its state began), its index, and its index among the panes that
    /// are not early (-1 for an early one). The bookkeeping moves on to the pane after it.
    /// </summary>
    /// <param name="nextIndex">The index the pane takes; then the next one.</param>
    /// <param name="previousNonSpeculative">The non-speculative index of the last pane (-1: none yet).</param>
    /// <param name="lastTiming">The timing of the last pane.</param>
    /// <param name="hasFired">Whether a pane has fired.</param>
    /// <param name="lateOnArrival">The state began after the watermark had passed the end of its window.</param>
    /// <param name="beforeEndOfWindow">The watermark has not passed the end of the window.</param>
    /// <param name="isFinal">The pane is the window's last.</param>
    /// <returns>The pane.</returns>
    public static PaneInfo Next(ref long nextIndex, ref long previousNonSpeculative, ref PaneTiming lastTiming, ref bool hasFired, bool lateOnArrival, bool beforeEndOfWindow, bool isFinal)
    {
        var isFirst = !hasFired;
        var onlyEarlySoFar = isFirst || lastTiming == PaneTiming.Early;
        var timing = lateOnArrival || !onlyEarlySoFar ? PaneTiming.Late
            : beforeEndOfWindow ? PaneTiming.Early
            : PaneTiming.OnTime;
        var nonSpeculative = timing == PaneTiming.Early ? -1 : isFirst ? 0 : previousNonSpeculative + 1;
        var pane = new PaneInfo(isFirst, isFinal, timing, nextIndex, nonSpeculative);
        nextIndex++;
        previousNonSpeculative = nonSpeculative;
        lastTiming = timing;
        hasFired = true;
        return pane;
    }
}
