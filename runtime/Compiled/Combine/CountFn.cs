namespace Compiled;

/// <summary>Counts its inputs (Beam's <c>Count.combineFn</c>); an empty input counts zero.</summary>
/// <typeparam name="T">The input type; values are not inspected.</typeparam>
/// <remarks>Create it with <see cref="Combiners.Count{T}"/>.</remarks>
public readonly struct CountFn<T> : ICombineFn<T, long, long>
{
    /// <summary>Zero.</summary>
    public long CreateAccumulator() => 0L;

    /// <summary>Counts one more input.</summary>
    public void AddInput(ref long accumulator, T input) => accumulator++;

    /// <summary>Adds the count of <paramref name="other"/>.</summary>
    public void MergeAccumulators(ref long accumulator, long other) => accumulator += other;

    /// <summary>The count.</summary>
    public long ExtractOutput(long accumulator) => accumulator;
}
