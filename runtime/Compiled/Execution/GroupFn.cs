using System.Collections.Generic;

namespace Compiled.Execution;

/// <summary>
/// GroupByKey as a combine function for discarding panes: the accumulator is the list of values, handed out
/// as the pane's value without a copy (a discarding pane's list is never touched again).
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public readonly struct GroupFn<T> : ICombineFn<T, List<T>, IReadOnlyList<T>>
{
    /// <inheritdoc/>
    public List<T> CreateAccumulator() => new();

    /// <inheritdoc/>
    public void AddInput(ref List<T> accumulator, T input) => accumulator.Add(input);

    /// <inheritdoc/>
    public void MergeAccumulators(ref List<T> accumulator, List<T> other) => accumulator.AddRange(other);

    /// <inheritdoc/>
    public IReadOnlyList<T> ExtractOutput(List<T> accumulator) => accumulator;
}
