namespace Compiled;

/// <summary>
/// A combine function's accumulator per key and window (Beam's <c>CombiningState</c>): inputs are added in place,
/// <see cref="Read"/> extracts the output.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TAccum">The accumulator type.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
/// <typeparam name="TCombineFn">
/// The combine function: a struct usable as its default value (<see cref="SumFn{T}"/>, <see cref="CountFn{T}"/>,
/// <see cref="MeanFn{T}"/>, <see cref="ToListFn{T}"/>, or your own), called directly, without interface dispatch.
/// </typeparam>
/// <remarks>Mergeable: in merging windows the accumulators merge with <c>MergeAccumulators</c>.</remarks>
public partial struct CombiningState<TInput, TAccum, TOutput, TCombineFn>
    where TCombineFn : struct, ICombineFn<TInput, TAccum, TOutput>
{
    private TAccum _accumulator;
    private bool _isSet;

    /// <summary>Whether nothing was added since the state was created or cleared.</summary>
    public readonly bool IsEmpty => !_isSet;

    /// <summary>Adds an input to the accumulator.</summary>
    /// <param name="input">The input.</param>
    public void Add(TInput input)
    {
        if (!_isSet)
        {
            _accumulator = default(TCombineFn).CreateAccumulator();
            _isSet = true;
        }

        default(TCombineFn).AddInput(ref _accumulator!, input);
    }

    /// <summary>Merges an accumulator into this one (Beam's <c>addAccum</c>).</summary>
    /// <param name="accumulator">The accumulator to merge.</param>
    public void AddAccumulator(TAccum accumulator)
    {
        if (!_isSet)
        {
            _accumulator = default(TCombineFn).CreateAccumulator();
            _isSet = true;
        }

        default(TCombineFn).MergeAccumulators(ref _accumulator!, accumulator);
    }

    /// <summary>The accumulator (an empty one when nothing was added).</summary>
    public readonly TAccum ReadAccumulator() => _isSet ? _accumulator : default(TCombineFn).CreateAccumulator();

    /// <summary>The combine function's output for the inputs added so far.</summary>
    public readonly TOutput Read() => default(TCombineFn).ExtractOutput(ReadAccumulator());

    /// <summary>Empties the state.</summary>
    public void Clear()
    {
        _accumulator = default!;
        _isSet = false;
    }
}
