using System;

namespace Compiled;

/// <summary>
/// A window function whose windows merge after assignment (Beam's merging <c>WindowFn</c>, whose
/// <c>mergeWindows</c> does real work), such as <see cref="Sessions"/>.
/// </summary>
public interface IMergingWindowFn : IWindowFn
{
    /// <summary>
    /// Decides which of <paramref name="windows"/> merge, reporting each merge to
    /// <paramref name="consumer"/> (Beam's <c>mergeWindows(MergeContext)</c>). Windows that merge with
    /// nothing are not reported.
    /// </summary>
    /// <typeparam name="TConsumer">The consumer type: a struct, so the calls are direct.</typeparam>
    /// <param name="windows">The current windows of one key; reordered in place (sorted), not otherwise changed.</param>
    /// <param name="consumer">Receives each merge.</param>
    void MergeWindows<TConsumer>(Span<BoundedWindow> windows, ref TConsumer consumer)
        where TConsumer : IMergeConsumer, allows ref struct;
}
