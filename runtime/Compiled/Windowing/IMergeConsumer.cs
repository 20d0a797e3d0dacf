using System;

namespace Compiled;

/// <summary>
/// Told which windows merge into which (Beam's <c>WindowFn.MergeContext.merge</c>). Implement it on a
/// struct or <c>ref struct</c>; merge functions are generic over it.
/// </summary>
public interface IMergeConsumer
{
    /// <summary>
    /// The windows in <paramref name="toBeMerged"/> (two or more, sorted by start then end) merge
    /// into <paramref name="mergeResult"/>. Each window appears in at most one call per merge.
    /// </summary>
    /// <param name="toBeMerged">The windows that merge; valid only during the call.</param>
    /// <param name="mergeResult">The window they become.</param>
    void Merge(ReadOnlySpan<BoundedWindow> toBeMerged, BoundedWindow mergeResult);
}
