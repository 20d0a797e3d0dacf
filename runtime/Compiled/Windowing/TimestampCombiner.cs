namespace Compiled;

/// <summary>
/// How the timestamps of the inputs to a grouping (GroupByKey, Combine) become the timestamp of its
/// output pane (Beam's <c>TimestampCombiner</c>); the operations are in <see cref="TimestampCombiners"/>.
/// The combined timestamp is also where the output watermark is held until the pane fires.
/// </summary>
public enum TimestampCombiner
{
    /// <summary>
    /// The window's max timestamp (<c>End - 1 ms</c>), whatever the inputs: Beam's default. Holds the
    /// watermark least; when windows merge, the merged window's max timestamp.
    /// </summary>
    EndOfWindow,

    /// <summary>
    /// The earliest input timestamp (after the window function's shift, see
    /// <see cref="IWindowFn.GetOutputTime"/>). When windows merge, the earliest of their timestamps.
    /// Late inputs do not move it.
    /// </summary>
    Earliest,

    /// <summary>
    /// The latest input timestamp (after the window function's shift). When windows merge, the latest
    /// of their timestamps. Late inputs do not move it.
    /// </summary>
    Latest,
}
