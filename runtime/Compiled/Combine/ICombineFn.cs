namespace Compiled;

/// <summary>
/// A combine function (Beam's <c>CombineFn</c>): folds inputs into an accumulator, merges
/// accumulators, and extracts an output. Implement it on a struct or sealed class: generated code
/// calls it directly, with no interface dispatch.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TAccum">The accumulator type; updated in place by reference.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
public interface ICombineFn<in TInput, TAccum, out TOutput>
{
    /// <summary>A new, empty accumulator.</summary>
    TAccum CreateAccumulator();

    /// <summary>Adds one input to the accumulator, in place.</summary>
    void AddInput(ref TAccum accumulator, TInput input);

    /// <summary>Merges <paramref name="other"/> into <paramref name="accumulator"/>, in place.</summary>
    void MergeAccumulators(ref TAccum accumulator, TAccum other);

    /// <summary>The output for an accumulator.</summary>
    TOutput ExtractOutput(TAccum accumulator);
}
