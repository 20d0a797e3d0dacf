using System;
using System.Collections.Generic;
using System.ComponentModel;

namespace Compiled;

/// <summary>
/// Keyed transforms called on a collection that is not keyed. Without these, the compiler could not infer the key and
/// value types and would say only CS0411; with them, the call is one error (CS0619) that says what to do. A keyed
/// collection (<c>PCollection&lt;KV&lt;K, V&gt;&gt;</c>) always picks the real transform in <see cref="KeyedTransforms"/>:
/// its parameter type is the more specific one.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class UnkeyedTransforms
{
    private const string Grouping = "needs a keyed collection, PCollection<KV<K, V>>: make one with WithKeys(x => key) or Map(x => KV.Of(key, value)) first";

    /// <summary>Not a transform: see <see cref="KeyedTransforms.GroupByKey"/>.</summary>
    [Obsolete("GroupByKey " + Grouping + ".", error: true)]
    public static PCollection<KV<T, IReadOnlyList<T>>> GroupByKey<T>(this PCollection<T> input, string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>Not a transform: see <see cref="KeyedTransforms.CombinePerKey{TKey, TValue, TAccum, TOut}(PCollection{KV{TKey, TValue}}, ICombineFn{TValue, TAccum, TOut}, string?)"/>.</summary>
    [Obsolete("CombinePerKey " + Grouping + ", or combine the whole collection with CombineGlobally(fn).", error: true)]
    public static PCollection<KV<T, TOut>> CombinePerKey<T, TValue, TAccum, TOut>(this PCollection<T> input, ICombineFn<TValue, TAccum, TOut> fn, string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>Not a transform: see <see cref="KeyedTransforms.CombinePerKey{TKey, TValue, TAccum, TOut, TSide}(PCollection{KV{TKey, TValue}}, PCollectionView{TSide}, ICombineFnWithContext{TValue, TAccum, TOut, TSide}, string?)"/>.</summary>
    [Obsolete("CombinePerKey " + Grouping + ", or combine the whole collection with CombineGlobally(side, fn).", error: true)]
    public static PCollection<KV<T, TOut>> CombinePerKey<T, TValue, TAccum, TOut, TSide>(this PCollection<T> input, PCollectionView<TSide> side, ICombineFnWithContext<TValue, TAccum, TOut, TSide> fn, string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>Not a transform: see <see cref="KeyedTransforms.CountPerKey"/>.</summary>
    [Obsolete("CountPerKey " + Grouping + "; to count each distinct element, use CountPerElement(); to count all, Count().", error: true)]
    public static PCollection<KV<T, long>> CountPerKey<T>(this PCollection<T> input, string? lateData = null) => throw DeclarationOnlyException.Create();

    /// <summary>Not a transform: see <see cref="KeyedTransforms.Keys"/>.</summary>
    [Obsolete("Keys " + Grouping + ".", error: true)]
    public static PCollection<T> Keys<T>(this PCollection<T> input) => throw DeclarationOnlyException.Create();

    /// <summary>Not a transform: see <see cref="KeyedTransforms.Values"/>.</summary>
    [Obsolete("Values " + Grouping + ".", error: true)]
    public static PCollection<T> Values<T>(this PCollection<T> input) => throw DeclarationOnlyException.Create();
}
