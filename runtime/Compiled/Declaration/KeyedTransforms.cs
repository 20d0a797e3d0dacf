using System.Collections.Generic;

namespace Compiled;

/// <summary>Transforms that apply to collections of key/value pairs.</summary>
public static class KeyedTransforms
{
    /// <summary>The keys of the pairs (Beam's <c>Keys</c>).</summary>
    public static PCollection<TKey> Keys<TKey, TValue>(this PCollection<KV<TKey, TValue>> input) => throw DeclarationOnlyException.Create();

    /// <summary>The values of the pairs (Beam's <c>Values</c>).</summary>
    public static PCollection<TValue> Values<TKey, TValue>(this PCollection<KV<TKey, TValue>> input) => throw DeclarationOnlyException.Create();

    /// <summary>Swaps key and value of every pair (Beam's <c>KvSwap</c>).</summary>
    public static PCollection<KV<TValue, TKey>> KvSwap<TKey, TValue>(this PCollection<KV<TKey, TValue>> input) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Groups the values of each key (Beam's <c>GroupByKey</c>). Values are materialized only when a
    /// later transform iterates them; followed by <see cref="CombineValues{TKey, TValue, TAccum, TOut}(PCollection{KV{TKey, IReadOnlyList{TValue}}}, ICombineFn{TValue, TAccum, TOut})"/> the grouping is lifted
    /// into a combine per key.
    /// </summary>
    /// <param name="input">The keyed collection.</param>
    /// <param name="lateData">The name of an output that receives the elements dropped as late (behind the watermark by more than the allowed lateness, or for a closed window), with their timestamp and window; null: they are only counted.</param>
    public static PCollection<KV<TKey, IReadOnlyList<TValue>>> GroupByKey<TKey, TValue>(this PCollection<KV<TKey, TValue>> input, string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>Combines the values of each key (Beam's <c>Combine.perKey</c>), lifted into the upstream loop.</summary>
    /// <param name="input">The keyed collection.</param>
    /// <param name="fn">The combine function: a struct or class the generator can create at build time.</param>
    /// <param name="lateData">The name of an output that receives the elements dropped as late (behind the watermark by more than the allowed lateness, or for a closed window), with their timestamp and window; null: they are only counted.</param>
    public static PCollection<KV<TKey, TOut>> CombinePerKey<TKey, TValue, TAccum, TOut>(this PCollection<KV<TKey, TValue>> input, ICombineFn<TValue, TAccum, TOut> fn, string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>Combines the grouped values of each key (Beam's <c>Combine.groupedValues</c>).</summary>
    public static PCollection<KV<TKey, TOut>> CombineValues<TKey, TValue, TAccum, TOut>(this PCollection<KV<TKey, IReadOnlyList<TValue>>> input, ICombineFn<TValue, TAccum, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Combines the values of each key with a function that reads a side input (Beam's <c>Combine.perKey(fn).withSideInputs(view)</c>).
    /// </summary>
    /// <remarks>
    /// As in Beam, the values are grouped first (a <see cref="GroupByKey{TKey, TValue}"/>), then each pane's values are
    /// combined with the side input of the pane's window (for merging windows, the merged window), read once the view is
    /// complete for the side window that window maps to. Not lifted into the upstream loop: a combine that needs no side
    /// input should use the other overload.
    /// </remarks>
    /// <param name="input">The keyed collection.</param>
    /// <param name="side">The side input the function reads, through its <see cref="CombineContext{TSide}"/>.</param>
    /// <param name="fn">The combine function: a struct or class the generator can create at build time.</param>
    /// <param name="lateData">The name of an output that receives the elements dropped as late (behind the watermark by more than the allowed lateness, or for a closed window), with their timestamp and window; null: they are only counted.</param>
    public static PCollection<KV<TKey, TOut>> CombinePerKey<TKey, TValue, TAccum, TOut, TSide>(this PCollection<KV<TKey, TValue>> input, PCollectionView<TSide> side, ICombineFnWithContext<TValue, TAccum, TOut, TSide> fn, string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Combines the grouped values of each key with a function that reads a side input (Beam's
    /// <c>Combine.groupedValues(fn).withSideInputs(view)</c>), in the side window the element's window maps to.
    /// </summary>
    /// <param name="input">The grouped collection.</param>
    /// <param name="side">The side input the function reads, through its <see cref="CombineContext{TSide}"/>.</param>
    /// <param name="fn">The combine function: a struct or class the generator can create at build time.</param>
    public static PCollection<KV<TKey, TOut>> CombineValues<TKey, TValue, TAccum, TOut, TSide>(this PCollection<KV<TKey, IReadOnlyList<TValue>>> input, PCollectionView<TSide> side, ICombineFnWithContext<TValue, TAccum, TOut, TSide> fn) => throw DeclarationOnlyException.Create();

    /// <summary>Counts the values of each key (Beam's <c>Count.perKey</c>).</summary>
    /// <param name="input">The keyed collection.</param>
    /// <param name="lateData">The name of an output that receives the elements dropped as late (behind the watermark by more than the allowed lateness, or for a closed window), with their timestamp and window; null: they are only counted.</param>
    public static PCollection<KV<TKey, long>> CountPerKey<TKey, TValue>(this PCollection<KV<TKey, TValue>> input, string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>Joins two keyed collections by key (Beam's <c>CoGroupByKey</c>).</summary>
    public static PCollection<KV<TKey, CoGbkResult<TValue1, TValue2>>> CoGroupByKey<TKey, TValue1, TValue2>(this PCollection<KV<TKey, TValue1>> input, PCollection<KV<TKey, TValue2>> other) => throw DeclarationOnlyException.Create();

    /// <summary>Joins three keyed collections by key (Beam's <c>CoGroupByKey</c>).</summary>
    public static PCollection<KV<TKey, CoGbkResult<TValue1, TValue2, TValue3>>> CoGroupByKey<TKey, TValue1, TValue2, TValue3>(this PCollection<KV<TKey, TValue1>> input, PCollection<KV<TKey, TValue2>> other, PCollection<KV<TKey, TValue3>> third) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// A stateful ParDo (Beam's <c>ParDo</c> of a DoFn with <c>@StateId</c> and <c>@TimerId</c>): state cells and timers per
    /// key and window, declared as the fields of <typeparamref name="TState"/>, a struct of yours.
    /// </summary>
    /// <remarks>
    /// <para>The fields of <typeparamref name="TState"/> are its state: <see cref="ValueState{T}"/>, <see cref="BagState{T}"/>,
    /// <see cref="CombiningState{TInput, TAccum, TOutput, TCombineFn}"/>, <see cref="MapState{TMapKey, TMapValue}"/>,
    /// <see cref="SetState{T}"/>, <see cref="OrderedListState{T}"/>, timers (<see cref="EventTimeTimer"/>,
    /// <see cref="ProcessingTimeTimer"/>) and timer maps (<see cref="EventTimeTimerMap"/>, <see cref="ProcessingTimeTimerMap"/>).
    /// The generator reads them at build time: the runner keeps one such struct per key and window, inline in an array of
    /// slots reused as windows expire, and calls the callbacks with it by reference, so a warmed-up runner allocates
    /// nothing per element.</para>
    /// <para>Timers fire in timestamp order, also when a callback sets an earlier one. A window's state is dropped when
    /// the watermark passes its end plus the allowed lateness, after the last timer that may fire in it and after
    /// <paramref name="onWindowExpiration"/>. Elements of an expired window are dropped as late.</para>
    /// </remarks>
    /// <param name="input">The keyed collection.</param>
    /// <param name="processElement">Called for each element with its key's state: a static lambda or method group.</param>
    /// <param name="onTimer">Called when a timer of the state struct fires (<see cref="TimerContext.TimerId"/> names it).</param>
    /// <param name="onWindowExpiration">Called once per key and window when the window expires, before its state is dropped.</param>
    /// <param name="requiresTimeSortedInput">
    /// Beam's <c>@RequiresTimeSortedInput</c>: each key sees its elements in timestamp order. An element waits until the
    /// watermark passes its timestamp plus the allowed lateness (holding the output watermark at its timestamp), then
    /// runs with its own timestamp; one that arrives later than that is dropped and counted as late. A constant.
    /// </param>
    public static PCollection<TOut> ParDo<TKey, TValue, TState, TOut>(
        this PCollection<KV<TKey, TValue>> input,
        StatefulDoFn<TKey, TValue, TState, TOut> processElement,
        OnTimerFn<TKey, TState, TOut>? onTimer = null,
        OnWindowExpirationFn<TKey, TState, TOut>? onWindowExpiration = null,
        bool requiresTimeSortedInput = false)
        where TState : struct => throw DeclarationOnlyException.Create();

    /// <summary>A stateful ParDo with a main output and a tagged additional output (Beam's <c>withOutputTags</c>).</summary>
    /// <param name="input">The keyed collection.</param>
    /// <param name="processElement">Called for each element with its key's state.</param>
    /// <param name="onTimer">Called when a timer of the state struct fires.</param>
    /// <param name="onWindowExpiration">Called once per key and window when the window expires, before its state is dropped.</param>
    /// <param name="requiresTimeSortedInput">Beam's <c>@RequiresTimeSortedInput</c>: each key sees its elements in timestamp order (see the other overload). A constant.</param>
    public static ParDoResult<TOut, TOut2> ParDo<TKey, TValue, TState, TOut, TOut2>(
        this PCollection<KV<TKey, TValue>> input,
        StatefulDoFn<TKey, TValue, TState, TOut, TOut2> processElement,
        OnTimerFn<TKey, TState, TOut, TOut2>? onTimer = null,
        OnWindowExpirationFn<TKey, TState, TOut, TOut2>? onWindowExpiration = null,
        bool requiresTimeSortedInput = false)
        where TState : struct => throw DeclarationOnlyException.Create();

    /// <summary>
    /// A stateful ParDo whose element callback reads a side input (Beam's <c>ParDo.of(fn).withSideInputs(view)</c> on a
    /// DoFn with state): each element gets the side input of the side window its own window maps to, as a stateless
    /// ParDo's would, then runs with its key's state.
    /// </summary>
    /// <remarks>
    /// An element waits (holding the watermark below it) until the view is ready for its window, as with every side input
    /// reader. As in Beam, where <c>@OnTimer</c> and <c>@OnWindowExpiration</c> take no side input, only
    /// <paramref name="processElement"/> reads it; keep in the state what a timer needs of it.
    /// </remarks>
    /// <param name="input">The keyed collection.</param>
    /// <param name="side">The side input <paramref name="processElement"/> reads.</param>
    /// <param name="processElement">Called for each element with the side input and its key's state: a static lambda or method group.</param>
    /// <param name="onTimer">Called when a timer of the state struct fires (<see cref="TimerContext.TimerId"/> names it).</param>
    /// <param name="onWindowExpiration">Called once per key and window when the window expires, before its state is dropped.</param>
    /// <param name="requiresTimeSortedInput">Beam's <c>@RequiresTimeSortedInput</c>: each key sees its elements in timestamp order (see the overload without a side input). A constant.</param>
    public static PCollection<TOut> ParDo<TKey, TValue, TSide, TState, TOut>(
        this PCollection<KV<TKey, TValue>> input,
        PCollectionView<TSide> side,
        StatefulDoFnWithSideInput<TKey, TValue, TSide, TState, TOut> processElement,
        OnTimerFn<TKey, TState, TOut>? onTimer = null,
        OnWindowExpirationFn<TKey, TState, TOut>? onWindowExpiration = null,
        bool requiresTimeSortedInput = false)
        where TState : struct => throw DeclarationOnlyException.Create();

    /// <summary>A stateful ParDo that reads a side input, with a main output and a tagged additional output.</summary>
    /// <param name="input">The keyed collection.</param>
    /// <param name="side">The side input <paramref name="processElement"/> reads.</param>
    /// <param name="processElement">Called for each element with the side input and its key's state.</param>
    /// <param name="onTimer">Called when a timer of the state struct fires.</param>
    /// <param name="onWindowExpiration">Called once per key and window when the window expires, before its state is dropped.</param>
    /// <param name="requiresTimeSortedInput">Beam's <c>@RequiresTimeSortedInput</c>: each key sees its elements in timestamp order. A constant.</param>
    public static ParDoResult<TOut, TOut2> ParDo<TKey, TValue, TSide, TState, TOut, TOut2>(
        this PCollection<KV<TKey, TValue>> input,
        PCollectionView<TSide> side,
        StatefulDoFnWithSideInput<TKey, TValue, TSide, TState, TOut, TOut2> processElement,
        OnTimerFn<TKey, TState, TOut, TOut2>? onTimer = null,
        OnWindowExpirationFn<TKey, TState, TOut, TOut2>? onWindowExpiration = null,
        bool requiresTimeSortedInput = false)
        where TState : struct => throw DeclarationOnlyException.Create();

    /// <summary>A side input mapping each key to its single value (Beam's <c>View.asMap</c>).</summary>
    public static PCollectionView<IReadOnlyDictionary<TKey, TValue>> AsDictionary<TKey, TValue>(this PCollection<KV<TKey, TValue>> input)
        where TKey : notnull => throw DeclarationOnlyException.Create();
}
