namespace Compiled;

/// <summary>
/// A combine function that reads a side input (Beam's <c>CombineFnWithContext</c>): each step receives the
/// <see cref="CombineContext{TSide}"/> of the window being combined, whose <see cref="CombineContext{TSide}.SideInput"/> is
/// the view's value in the side window that window maps to. Implement it on a struct or sealed class: generated code
/// calls it directly, with no interface dispatch.
/// </summary>
/// <remarks>
/// The values of a key and window are grouped before they are combined, as Beam's <c>Combine.perKey(fn).withSideInputs</c>
/// expands to a <c>GroupByKey</c> and a <c>Combine.groupedValues</c>: every pane calls <see cref="CreateAccumulator"/>,
/// <see cref="AddInput"/> for each of its values, and <see cref="ExtractOutput"/>, all with the context of the pane's
/// (for merging windows: the merged) window. So there is no merge step, and the side input is read once the view is
/// complete for that window.
/// </remarks>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TAccum">The accumulator type; updated in place by reference.</typeparam>
/// <typeparam name="TOutput">The output type.</typeparam>
/// <typeparam name="TSide">What the side input holds: the view's type (a singleton's element, a list, a dictionary).</typeparam>
public interface ICombineFnWithContext<in TInput, TAccum, out TOutput, TSide>
{
    /// <summary>A new, empty accumulator.</summary>
    /// <param name="context">The window's side input.</param>
    TAccum CreateAccumulator(in CombineContext<TSide> context);

    /// <summary>Adds one input to the accumulator, in place.</summary>
    /// <param name="accumulator">The accumulator.</param>
    /// <param name="input">The input.</param>
    /// <param name="context">The window's side input.</param>
    void AddInput(ref TAccum accumulator, TInput input, in CombineContext<TSide> context);

    /// <summary>The output for an accumulator.</summary>
    /// <param name="accumulator">The accumulator.</param>
    /// <param name="context">The window's side input.</param>
    TOutput ExtractOutput(TAccum accumulator, in CombineContext<TSide> context);
}

/// <summary>What the steps of an <see cref="ICombineFnWithContext{TInput, TAccum, TOutput, TSide}"/> can read (Beam's <c>CombineWithContext.Context</c>).</summary>
/// <typeparam name="TSide">The side input's type.</typeparam>
public readonly struct CombineContext<TSide>
{
    /// <summary>A context holding <paramref name="sideInput"/>.</summary>
    /// <param name="sideInput">The side input's value in the combined window's side window.</param>
    public CombineContext(TSide sideInput) => SideInput = sideInput;

    /// <summary>The side input's value in the side window the combined window maps to (Beam's <c>c.sideInput(view)</c>).</summary>
    public TSide SideInput { get; }
}
