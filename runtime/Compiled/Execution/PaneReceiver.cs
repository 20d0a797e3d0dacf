using System.Collections.Generic;

namespace Compiled.Execution;

/// <summary>
/// Takes each pane of a grouping as it fires, in the order the panes fire. The generated runner implements it as a struct
/// over itself, so window buckets (<see cref="WindowBucketPanes{TKey, TInput, TAccum, TOutput, TCombineFn}"/>) hand a pane
/// to the rest of its stage without a call through an interface and without keeping it in
/// <see cref="GroupingPanes{TKey, TOutput}.Fired"/> first.
/// </summary>
/// <remarks>
/// A receiver must not throw: it is called inside the panes' firing loop, and a throw would end that loop with the state
/// part of the way through it. The generated runner's receiver catches a failure of user code (a sink, a function of the
/// rest of the stage) per pane and holds or reports it; only the end of a run (a cancelled channel) escapes.
/// </remarks>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TOutput">The combined value type.</typeparam>
public interface IPaneReceiver<TKey, TOutput>
{
    /// <summary>One pane that fired.</summary>
    /// <param name="pane">The pane.</param>
    void Receive(in FiredPane<TKey, TOutput> pane);
}

/// <summary>The receiver of the panes' own calls without one: each pane is added to the fired list, for the caller to take.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TOutput">The combined value type.</typeparam>
internal readonly struct ToFiredList<TKey, TOutput> : IPaneReceiver<TKey, TOutput>
{
    private readonly List<FiredPane<TKey, TOutput>> _fired;

    public ToFiredList(List<FiredPane<TKey, TOutput>> fired) => _fired = fired;

    public void Receive(in FiredPane<TKey, TOutput> pane) => _fired.Add(pane);
}
