using System.Collections.Generic;

namespace Compiled;

/// <summary>
/// Collects all inputs into a list (Beam's <c>ToList</c>/<c>ToIterable</c>), in arrival order (merged
/// accumulators are appended; across merges the order is unspecified, as in Beam).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>Create it with <see cref="Combiners.ToList{T}"/>.</remarks>
public readonly struct ToListFn<T> : ICombineFn<T, List<T>, IReadOnlyList<T>>
{
    /// <summary>A new empty list.</summary>
    public List<T> CreateAccumulator() => new();

    /// <summary>Appends <paramref name="input"/>.</summary>
    public void AddInput(ref List<T> accumulator, T input) => accumulator.Add(input);

    /// <summary>Appends the elements of <paramref name="other"/>.</summary>
    public void MergeAccumulators(ref List<T> accumulator, List<T> other) => accumulator.AddRange(other);

    /// <summary>
    /// A copy of the collected elements: later inputs added to the accumulator (e.g. for a later
    /// trigger firing) do not change an output already extracted.
    /// </summary>
    public IReadOnlyList<T> ExtractOutput(List<T> accumulator) => accumulator.ToArray();
}
