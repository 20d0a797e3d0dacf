using System;
using System.Collections.Generic;

namespace Compiled;

/// <summary>
/// A declared, immutable collection of elements of type <typeparamref name="T"/> (Beam's
/// <c>PCollection</c>). Its members declare transforms; the generator fuses them into loop code.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>Declaration only: the generator reads calls to these members; they throw if executed.</remarks>
public sealed class PCollection<T>
{
    private PCollection()
    {
    }

    /// <summary>This collection as a table of a SQL query (<see cref="PipelineBuilder.Sql{TRow}(string, SqlInput[])"/>), named <paramref name="name"/> there; its columns are the element type's public properties and fields.</summary>
    /// <param name="name">The table's name in the query: a constant string.</param>
    public SqlTable AsTable(string name) => throw DeclarationOnlyException.Create();

    /// <summary>Applies <paramref name="fn"/> to every element (Beam's <c>MapElements</c>).</summary>
    public PCollection<TOut> Map<TOut>(Func<T, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>Applies <paramref name="fn"/> to every element, reading a side input.</summary>
    public PCollection<TOut> Map<TSide, TOut>(PCollectionView<TSide> side, Func<T, TSide, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Applies <paramref name="fn"/> to every element, with the element's timestamp, window and pane (Beam's
    /// <c>@Timestamp</c>, <c>BoundedWindow</c> and <c>PaneInfo</c> parameters; see <see cref="ElementContext"/> for their
    /// values before and after a grouping).
    /// </summary>
    public PCollection<TOut> Map<TOut>(Func<T, ElementContext, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>Outputs zero or more elements per element (Beam's <c>FlatMapElements</c>).</summary>
    public PCollection<TOut> FlatMap<TOut>(FlatMapFn<T, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>Outputs zero or more elements per element, with the element's timestamp, window and pane (see <see cref="ElementContext"/>).</summary>
    public PCollection<TOut> FlatMap<TOut>(FlatMapWithContextFn<T, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>Outputs zero or more elements per element, reading a side input.</summary>
    public PCollection<TOut> FlatMap<TSide, TOut>(PCollectionView<TSide> side, FlatMapFn<T, TSide, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>Keeps the elements for which <paramref name="predicate"/> is true (Beam's <c>Filter</c>).</summary>
    public PCollection<T> Filter(Func<T, bool> predicate) => throw DeclarationOnlyException.Create();

    /// <summary>Keeps the elements for which <paramref name="predicate"/> is true, reading a side input.</summary>
    public PCollection<T> Filter<TSide>(PCollectionView<TSide> side, Func<T, TSide, bool> predicate) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Map, with a failure output (Beam's <c>MapElements...exceptionsInto</c>): an element on which
    /// <paramref name="fn"/> throws goes to <see cref="WithFailures{TOut, TIn}.Failures"/> with its exception, and the
    /// pipeline goes on. Route the failures to a dead-letter output.
    /// </summary>
    /// <typeparam name="TOut">The output element type.</typeparam>
    /// <param name="fn">A static lambda or method group.</param>
    /// <returns>The results and the failures.</returns>
    public WithFailures<TOut, T> MapWithFailures<TOut>(Func<T, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Filter, with a failure output: an element on which <paramref name="predicate"/> throws goes to
    /// <see cref="WithFailures{TOut, TIn}.Failures"/> with its exception, and the pipeline goes on.
    /// </summary>
    /// <param name="predicate">A static lambda or method group.</param>
    /// <returns>The elements kept and the failures.</returns>
    public WithFailures<T, T> FilterWithFailures(Func<T, bool> predicate) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// FlatMap, with a failure output (Beam's <c>FlatMapElements...exceptionsInto</c>): the outputs of an element are
    /// held until <paramref name="fn"/> returns; if it throws, they are dropped and the element goes to
    /// <see cref="WithFailures{TOut, TIn}.Failures"/> with its exception, so an element gives all its outputs or none.
    /// </summary>
    /// <typeparam name="TOut">The output element type.</typeparam>
    /// <param name="fn">A static lambda or method group emitting zero or more outputs.</param>
    /// <returns>The results and the failures.</returns>
    public WithFailures<TOut, T> FlatMapWithFailures<TOut>(FlatMapFn<T, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>Runs a DoFn with a single output (Beam's <c>ParDo</c>).</summary>
    /// <param name="fn">The DoFn: a static lambda or method group.</param>
    /// <param name="allowedTimestampSkew">How far before the input's timestamp <see cref="IEmitter{T}.EmitWithTimestamp"/> may go (Beam's <c>getAllowedTimestampSkew</c>); a constant, zero by default.</param>
    public PCollection<TOut> ParDo<TOut>(DoFn<T, TOut> fn, TimeSpan allowedTimestampSkew = default) => throw DeclarationOnlyException.Create();

    /// <summary>Runs a DoFn with a main output and one tagged additional output.</summary>
    public ParDoResult<TOut, TOut2> ParDo<TOut, TOut2>(DoFn<T, TOut, TOut2> fn, TimeSpan allowedTimestampSkew = default) => throw DeclarationOnlyException.Create();

    /// <summary>Runs a DoFn with a main output and two tagged additional outputs.</summary>
    public ParDoResult<TOut, TOut2, TOut3> ParDo<TOut, TOut2, TOut3>(DoFn<T, TOut, TOut2, TOut3> fn, TimeSpan allowedTimestampSkew = default) => throw DeclarationOnlyException.Create();

    /// <summary>Not allowed: state and timers are per key and window, so a stateful ParDo needs a keyed input (KV&lt;K, V&gt;).</summary>
    /// <param name="processElement">Ignored.</param>
    [Obsolete("A stateful ParDo needs a keyed input: state and timers are kept per key and window, and this collection is not of KV<K, V> (Beam: ParDo requires its input to use KvCoder in order to use state and timers). Key it first, e.g. .WithKeys(static x => ...), then call ParDo((key, value, ref state, context, output) => ...).", error: true)]
    public PCollection<TOut> ParDo<TState, TOut>(UnkeyedStatefulDoFn<T, TState, TOut> processElement)
        where TState : struct => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Runs a DoFn with a single output that also receives the element's timestamp, window and pane (Beam's
    /// <c>@ProcessElement</c> with <c>@Timestamp Instant</c>, <c>BoundedWindow</c> and <c>PaneInfo</c> parameters; see
    /// <see cref="ElementContext"/>).
    /// </summary>
    /// <param name="fn">The DoFn: a static lambda or method group.</param>
    /// <param name="allowedTimestampSkew">How far before the input's timestamp <see cref="IEmitter{T}.EmitWithTimestamp"/> may go; a constant, zero by default.</param>
    public PCollection<TOut> ParDo<TOut>(DoFnWithContext<T, TOut> fn, TimeSpan allowedTimestampSkew = default) => throw DeclarationOnlyException.Create();

    /// <summary>Runs a DoFn with a main output and one tagged additional output that also receives the element's timestamp, window and pane.</summary>
    public ParDoResult<TOut, TOut2> ParDo<TOut, TOut2>(DoFnWithContext<T, TOut, TOut2> fn, TimeSpan allowedTimestampSkew = default) => throw DeclarationOnlyException.Create();

    /// <summary>Runs a DoFn with a main output and two tagged additional outputs that also receives the element's timestamp, window and pane.</summary>
    public ParDoResult<TOut, TOut2, TOut3> ParDo<TOut, TOut2, TOut3>(DoFnWithContext<T, TOut, TOut2, TOut3> fn, TimeSpan allowedTimestampSkew = default) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Gives every element the event timestamp computed by <paramref name="timestampFn"/> (Beam's
    /// <c>WithTimestamps</c>). As in Beam, a timestamp earlier than the element's current one is an error
    /// (no allowed skew).
    /// </summary>
    public PCollection<T> WithTimestamps(Func<T, Instant> timestampFn) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Assigns every element to windows by its timestamp (Beam's <c>Window.into</c>). Groupings and
    /// combines downstream then work per key and window, and emit a window's result when the watermark
    /// passes its end (see <see cref="Windows"/>).
    /// </summary>
    public PCollection<T> Window(WindowingStrategy windowing) => throw DeclarationOnlyException.Create();

    /// <summary>Pairs every element with a key computed by <paramref name="keyFn"/> (Beam's <c>WithKeys</c>).</summary>
    public PCollection<KV<TKey, T>> WithKeys<TKey>(Func<T, TKey> keyFn) => throw DeclarationOnlyException.Create();

    /// <summary>Combines all elements into one value (Beam's <c>Combine.globally</c>, with defaults:
    /// an empty input gives the combine function's output for an empty accumulator).</summary>
    /// <param name="fn">The combine function: a struct or class the generator can create at build time.</param>
    /// <param name="lateData">The name of an output that receives the elements dropped as late (behind the watermark by more than the allowed lateness, or for a closed window), with their timestamp and window; null: they are only counted.</param>
    /// <param name="withoutDefaults">
    /// Beam's <c>withoutDefaults()</c>: an empty input gives no output instead of the combine function's default (its
    /// empty accumulator's output). Required outside the global window, as in Beam (analyzer CMP1009).
    /// </param>
    public PCollection<TOut> CombineGlobally<TAccum, TOut>(ICombineFn<T, TAccum, TOut> fn, string? lateData = null, bool withoutDefaults = false) => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Combines all elements of each window into one value with a function that reads a side input (Beam's
    /// <c>Combine.globally(fn).withoutDefaults().withSideInputs(view)</c>): an empty input or window gives no output.
    /// </summary>
    /// <remarks>
    /// As in Beam, the elements are keyed with one key and grouped first, then each pane's elements are combined with the
    /// side input of the pane's window. There are no defaults: Beam's <c>CombineFnWithContext</c> has none unless it
    /// overrides <c>defaultValue</c>, and an empty window has no pane whose side input the default could read.
    /// </remarks>
    /// <param name="side">The side input the function reads, through its <see cref="CombineContext{TSide}"/>.</param>
    /// <param name="fn">The combine function: a struct or class the generator can create at build time.</param>
    /// <param name="lateData">The name of an output that receives the elements dropped as late (behind the watermark by more than the allowed lateness, or for a closed window), with their timestamp and window; null: they are only counted.</param>
    public PCollection<TOut> CombineGlobally<TSide, TAccum, TOut>(PCollectionView<TSide> side, ICombineFnWithContext<T, TAccum, TOut, TSide> fn, string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>Counts the elements (Beam's <c>Count.globally</c>).</summary>
    /// <param name="lateData">The name of an output that receives the elements dropped as late (behind the watermark by more than the allowed lateness, or for a closed window), with their timestamp and window; null: they are only counted.</param>
    /// <param name="withoutDefaults">Beam's <c>withoutDefaults()</c>: an empty input gives no count instead of 0. Required outside the global window, as in Beam (analyzer CMP1009).</param>
    public PCollection<long> Count(string? lateData = null, bool withoutDefaults = false) => throw DeclarationOnlyException.Create();

    /// <summary>Counts the occurrences of each distinct element (Beam's <c>Count.perElement</c>).</summary>
    /// <param name="lateData">The name of an output that receives the elements dropped as late (behind the watermark by more than the allowed lateness, or for a closed window), with their timestamp and window; null: they are only counted.</param>
    public PCollection<KV<T, long>> CountPerElement(string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>Removes duplicate elements (Beam's <c>Distinct</c>).</summary>
    public PCollection<T> Distinct() => throw DeclarationOnlyException.Create();

    /// <summary>
    /// Splits the collection into <paramref name="count"/> collections (Beam's <c>Partition</c>):
    /// <paramref name="partitionFn"/> receives the element and the partition count and returns an index
    /// in [0, count).
    /// </summary>
    public PartitionList<T> Partition(int count, Func<T, int, int> partitionFn) => throw DeclarationOnlyException.Create();

    /// <summary>A side input holding the collection's single element (Beam's <c>View.asSingleton</c>).</summary>
    public PCollectionView<T> AsSingleton() => throw DeclarationOnlyException.Create();

    /// <summary>
    /// A side input holding the collection's single element, or <paramref name="defaultValue"/> where it has none: for
    /// a windowed collection, in each window without an element (Beam's <c>View.asSingleton().withDefaultValue</c>).
    /// </summary>
    /// <param name="defaultValue">What readers receive for an empty collection or window: a constant.</param>
    public PCollectionView<T> AsSingleton(T defaultValue) => throw DeclarationOnlyException.Create();

    /// <summary>A side input holding all the collection's elements (Beam's <c>View.asList</c>).</summary>
    public PCollectionView<IReadOnlyList<T>> AsList() => throw DeclarationOnlyException.Create();

    /// <summary>Delivers the collection to the named output of the generated runner.</summary>
    /// <param name="name">The output's name: a constant string, used for generated member names.</param>
    public void Output(string name) => throw DeclarationOnlyException.Create();
}

/// <summary>
/// The outputs of a transform with a failure output (<see cref="PCollection{T}.MapWithFailures{TOut}"/> and the
/// others; Beam's <c>WithFailures.Result</c>): what the function returned, and the elements on which it threw.
/// </summary>
/// <typeparam name="TOut">The element type of the output.</typeparam>
/// <typeparam name="TIn">The element type of the input (what a failure holds).</typeparam>
public sealed class WithFailures<TOut, TIn>
{
    private WithFailures()
    {
    }

    /// <summary>The results of the elements on which the function did not throw.</summary>
    public PCollection<TOut> Output => throw DeclarationOnlyException.Create();

    /// <summary>The elements on which the function threw, each with its exception.</summary>
    public PCollection<Failure<TIn>> Failures => throw DeclarationOnlyException.Create();

    /// <summary>Deconstructs into the output and the failures.</summary>
    /// <param name="output">The results.</param>
    /// <param name="failures">The failures.</param>
    public void Deconstruct(out PCollection<TOut> output, out PCollection<Failure<TIn>> failures) => throw DeclarationOnlyException.Create();
}

/// <summary>A declared side input (Beam's <c>PCollectionView</c>): materialized before the stages that read it.</summary>
/// <typeparam name="T">What a function reading the side input receives.</typeparam>
public sealed class PCollectionView<T>
{
    private PCollectionView()
    {
    }
}

/// <summary>The outputs of a DoFn with one additional output.</summary>
public sealed class ParDoResult<TOut, TOut2>
{
    private ParDoResult()
    {
    }

    /// <summary>The main output.</summary>
    public PCollection<TOut> Main => throw DeclarationOnlyException.Create();

    /// <summary>The first additional output.</summary>
    public PCollection<TOut2> Output2 => throw DeclarationOnlyException.Create();

    /// <summary>Deconstructs into the main and additional outputs.</summary>
    public void Deconstruct(out PCollection<TOut> main, out PCollection<TOut2> output2) => throw DeclarationOnlyException.Create();
}

/// <summary>The outputs of a DoFn with two additional outputs.</summary>
public sealed class ParDoResult<TOut, TOut2, TOut3>
{
    private ParDoResult()
    {
    }

    /// <summary>The main output.</summary>
    public PCollection<TOut> Main => throw DeclarationOnlyException.Create();

    /// <summary>The first additional output.</summary>
    public PCollection<TOut2> Output2 => throw DeclarationOnlyException.Create();

    /// <summary>The second additional output.</summary>
    public PCollection<TOut3> Output3 => throw DeclarationOnlyException.Create();

    /// <summary>Deconstructs into the main and additional outputs.</summary>
    public void Deconstruct(out PCollection<TOut> main, out PCollection<TOut2> output2, out PCollection<TOut3> output3) => throw DeclarationOnlyException.Create();
}

/// <summary>The outputs of <see cref="PCollection{T}.Partition"/>.</summary>
public sealed class PartitionList<T>
{
    private PartitionList()
    {
    }

    /// <summary>The partition with the given constant index.</summary>
    public PCollection<T> this[int index] => throw DeclarationOnlyException.Create();

    /// <summary>Deconstructs into two partitions.</summary>
    public void Deconstruct(out PCollection<T> p0, out PCollection<T> p1) => throw DeclarationOnlyException.Create();

    /// <summary>Deconstructs into three partitions.</summary>
    public void Deconstruct(out PCollection<T> p0, out PCollection<T> p1, out PCollection<T> p2) => throw DeclarationOnlyException.Create();

    /// <summary>Deconstructs into four partitions.</summary>
    public void Deconstruct(out PCollection<T> p0, out PCollection<T> p1, out PCollection<T> p2, out PCollection<T> p3) => throw DeclarationOnlyException.Create();
}
