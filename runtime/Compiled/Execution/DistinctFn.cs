namespace Compiled.Execution;

/// <summary>Distinct as a combine function for keyed window panes: the key is the element, the accumulator whether it was seen.</summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct DistinctFn<T> : ICombineFn<T, bool, bool>
{
    /// <inheritdoc/>
    public bool CreateAccumulator() => false;

    /// <inheritdoc/>
    public void AddInput(ref bool accumulator, T input) => accumulator = true;

    /// <inheritdoc/>
    public void MergeAccumulators(ref bool accumulator, bool other) => accumulator |= other;

    /// <inheritdoc/>
    public bool ExtractOutput(bool accumulator) => accumulator;
}
