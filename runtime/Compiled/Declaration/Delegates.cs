namespace Compiled;

/// <summary>Receives the outputs of a FlatMap or ParDo function.</summary>
/// <typeparam name="T">The output element type.</typeparam>
/// <remarks>
/// In generated code the emitter is a struct whose <see cref="Emit"/> continues straight into the
/// rest of the fused stage: no delegate, no buffer.
/// </remarks>
public interface IEmitter<in T>
{
    /// <summary>Outputs one element, with the timestamp and window of the input element.</summary>
    void Emit(T value);

    /// <summary>
    /// Emits an element with a new event timestamp (Beam's <c>outputWithTimestamp</c>), in the input element's
    /// windows. The timestamp may not be earlier than the input element's timestamp minus the transform's allowed
    /// skew (zero unless the ParDo declares one), so the watermark stays valid; an earlier one throws.
    /// </summary>
    /// <param name="value">The element.</param>
    /// <param name="timestamp">Its event timestamp.</param>
    void EmitWithTimestamp(T value, Instant timestamp);
}

/// <summary>A FlatMap function: zero or more outputs per input element.</summary>
public delegate void FlatMapFn<in TIn, out TOut>(TIn element, IEmitter<TOut> output);

/// <summary>A FlatMap function that also reads a side input.</summary>
public delegate void FlatMapFn<in TIn, in TSide, out TOut>(TIn element, TSide side, IEmitter<TOut> output);

/// <summary>A DoFn with one (main) output.</summary>
public delegate void DoFn<in TIn, out TOut>(TIn element, IEmitter<TOut> main);

/// <summary>A DoFn with a main output and one tagged additional output.</summary>
public delegate void DoFn<in TIn, out TOut, out TOut2>(TIn element, IEmitter<TOut> main, IEmitter<TOut2> output2);

/// <summary>A DoFn with a main output and two tagged additional outputs.</summary>
public delegate void DoFn<in TIn, out TOut, out TOut2, out TOut3>(TIn element, IEmitter<TOut> main, IEmitter<TOut2> output2, IEmitter<TOut3> output3);

/// <summary>A FlatMap function that also receives the element's timestamp, window and pane.</summary>
public delegate void FlatMapWithContextFn<in TIn, out TOut>(TIn element, ElementContext context, IEmitter<TOut> output);

/// <summary>A DoFn with one (main) output that also receives the element's timestamp, window and pane.</summary>
public delegate void DoFnWithContext<in TIn, out TOut>(TIn element, ElementContext context, IEmitter<TOut> main);

/// <summary>A DoFn with a main output and one tagged additional output that also receives the element's timestamp, window and pane.</summary>
public delegate void DoFnWithContext<in TIn, out TOut, out TOut2>(TIn element, ElementContext context, IEmitter<TOut> main, IEmitter<TOut2> output2);

/// <summary>A DoFn with a main output and two tagged additional outputs that also receives the element's timestamp, window and pane.</summary>
public delegate void DoFnWithContext<in TIn, out TOut, out TOut2, out TOut3>(TIn element, ElementContext context, IEmitter<TOut> main, IEmitter<TOut2> output2, IEmitter<TOut3> output3);

/// <summary>
/// A stateful ParDo's element callback (Beam's <c>@ProcessElement</c> of a DoFn with state): called for each element
/// with the state struct of its key and window, by reference.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TState">The state struct: its fields are the state cells and timers of the key and window.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public delegate void StatefulDoFn<in TKey, in TValue, TState, out TOut>(TKey key, TValue value, ref TState state, ProcessContext context, IEmitter<TOut> output)
    where TState : struct;

/// <summary>
/// A stateful ParDo's timer callback (Beam's <c>@OnTimer</c> and <c>@OnTimerFamily</c>): called when a timer of the state
/// struct fires, with the state of the timer's key and window.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TState">The state struct.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public delegate void OnTimerFn<in TKey, TState, out TOut>(TKey key, ref TState state, TimerContext timer, IEmitter<TOut> output)
    where TState : struct;

/// <summary>
/// A stateful ParDo's window expiration callback (Beam's <c>@OnWindowExpiration</c>): called once per key and window,
/// after the last timer that may fire in it, just before its state is dropped.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TState">The state struct.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public delegate void OnWindowExpirationFn<in TKey, TState, out TOut>(TKey key, ref TState state, WindowExpirationContext context, IEmitter<TOut> output)
    where TState : struct;

/// <summary>A stateful ParDo's element callback with a main output and a tagged additional output.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TState">The state struct.</typeparam>
/// <typeparam name="TOut">The main output type.</typeparam>
/// <typeparam name="TOut2">The additional output type.</typeparam>
public delegate void StatefulDoFn<in TKey, in TValue, TState, out TOut, out TOut2>(TKey key, TValue value, ref TState state, ProcessContext context, IEmitter<TOut> main, IEmitter<TOut2> output2)
    where TState : struct;

/// <summary>A stateful ParDo's timer callback with a main output and a tagged additional output.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TState">The state struct.</typeparam>
/// <typeparam name="TOut">The main output type.</typeparam>
/// <typeparam name="TOut2">The additional output type.</typeparam>
public delegate void OnTimerFn<in TKey, TState, out TOut, out TOut2>(TKey key, ref TState state, TimerContext timer, IEmitter<TOut> main, IEmitter<TOut2> output2)
    where TState : struct;

/// <summary>A stateful ParDo's window expiration callback with a main output and a tagged additional output.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TState">The state struct.</typeparam>
/// <typeparam name="TOut">The main output type.</typeparam>
/// <typeparam name="TOut2">The additional output type.</typeparam>
public delegate void OnWindowExpirationFn<in TKey, TState, out TOut, out TOut2>(TKey key, ref TState state, WindowExpirationContext context, IEmitter<TOut> main, IEmitter<TOut2> output2)
    where TState : struct;

/// <summary>
/// A stateful ParDo's element callback that also reads a side input (Beam's <c>@ProcessElement</c> with a
/// <c>@SideInput</c> parameter): called for each element with the side input of its window and the state struct of its
/// key and window, by reference.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TSide">The side input's type.</typeparam>
/// <typeparam name="TState">The state struct: its fields are the state cells and timers of the key and window.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public delegate void StatefulDoFnWithSideInput<in TKey, in TValue, in TSide, TState, out TOut>(TKey key, TValue value, TSide side, ref TState state, ProcessContext context, IEmitter<TOut> output)
    where TState : struct;

/// <summary>A stateful ParDo's element callback that also reads a side input, with a main output and a tagged additional output.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TSide">The side input's type.</typeparam>
/// <typeparam name="TState">The state struct.</typeparam>
/// <typeparam name="TOut">The main output type.</typeparam>
/// <typeparam name="TOut2">The additional output type.</typeparam>
public delegate void StatefulDoFnWithSideInput<in TKey, in TValue, in TSide, TState, out TOut, out TOut2>(TKey key, TValue value, TSide side, ref TState state, ProcessContext context, IEmitter<TOut> main, IEmitter<TOut2> output2)
    where TState : struct;

/// <summary>The shape of a stateful ParDo applied to an unkeyed collection, which is not allowed (state is per key and window).</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TState">The state struct.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public delegate void UnkeyedStatefulDoFn<in T, TState, out TOut>(T element, ref TState state, ProcessContext context, IEmitter<TOut> output)
    where TState : struct;
