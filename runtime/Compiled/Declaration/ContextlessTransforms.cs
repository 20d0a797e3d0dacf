using System;
using System.ComponentModel;

namespace Compiled;

/// <summary>
/// Transforms that do not offer the element's context, called with a function that takes it. Without these, the
/// compiler would say only that the delegate does not take that many arguments (CS1593); with them, the call is one
/// error (CS0619) that says which transform does. A function without the context always picks the real transform: an
/// instance method applies before an extension method is considered. (A call with explicit type arguments, such as
/// <c>FlatMapWithFailures&lt;int&gt;(static (x, c, o) =&gt; ...)</c>, cannot reach an extension method of another
/// arity: it stays CS1593.)
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ContextlessTransforms
{
    private const string UseFlatMap = " does not take the element's context (ElementContext); read it in a FlatMap, Map or ParDo with context";

    /// <summary>Not a transform: see <see cref="PCollection{T}.Filter(Func{T, bool})"/>.</summary>
    [Obsolete("Filter" + UseFlatMap + ": FlatMap<T>(static (x, c, output) => { if (...) output.Emit(x); }).", error: true)]
    public static PCollection<T> Filter<T>(this PCollection<T> input, Func<T, ElementContext, bool> predicate) => throw DeclarationOnlyException.Create();

    /// <summary>Not a transform: see <see cref="PCollection{T}.WithKeys{TKey}(Func{T, TKey})"/>.</summary>
    [Obsolete("WithKeys" + UseFlatMap + ": Map(static (x, c) => KV.Of(key, x)).", error: true)]
    public static PCollection<KV<TKey, T>> WithKeys<T, TKey>(this PCollection<T> input, Func<T, ElementContext, TKey> keyFn) => throw DeclarationOnlyException.Create();

    /// <summary>Not a transform: the side-input overloads of Map take no context.</summary>
    [Obsolete("Map with a side input" + UseFlatMap + " before the side input is read, or after: the context and the side input are read by different transforms.", error: true)]
    public static PCollection<TOut> Map<T, TSide, TOut>(this PCollection<T> input, PCollectionView<TSide> side, Func<T, TSide, ElementContext, TOut> fn) => throw DeclarationOnlyException.Create();

    /// <summary>Not a transform: see <see cref="PCollection{T}.MapWithFailures{TOut}(Func{T, TOut})"/>.</summary>
    [Obsolete("MapWithFailures" + UseFlatMap + " (Map with context, then MapWithFailures on what it gives).", error: true)]
    public static WithFailures<TOut, T> MapWithFailures<T, TOut>(this PCollection<T> input, Func<T, ElementContext, TOut> fn) => throw DeclarationOnlyException.Create();
}
