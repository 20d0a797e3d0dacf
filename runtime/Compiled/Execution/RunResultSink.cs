using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Compiled.Execution;

/// <summary>
/// The sink of one output of a generated batch <c>Run</c>. It collects the elements in chunks, so that a large output is
/// never copied as a list grows, and gives them as one list of the exact size when first asked for
/// (<see cref="Elements"/>); the values alone are projected from that list when first read (<see cref="Values"/>), so a
/// run writes each result once. The shards of a parallel run each collect their part in a sink of their own, then
/// every shard copies its part into one list at once (<see cref="Allocate"/>, <see cref="CopyPart"/>), instead of one
/// thread growing a list part by part. Called by generated code only.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RunResultSink<T> : ISink<T>
{
    // Chunks grow as a list would, up to a size past which growing gains nothing: a large output is never copied.
    private ChunkBuffer<WindowedValue<T>> _chunks = new(firstChunk: 64, largestChunk: 65_536);
    private List<WindowedValue<T>>? _elements;
    private List<T>? _values;

    /// <summary>An empty sink.</summary>
    public RunResultSink()
    {
    }

    private RunResultSink(List<WindowedValue<T>> elements) => _elements = elements;

    /// <summary>How many elements the sink holds.</summary>
    public long Count => _elements?.Count ?? _chunks.Count;

    /// <summary>The elements received with their timestamps, windows and panes, in order, as one list (made when first read).</summary>
    public List<WindowedValue<T>> Elements => _elements ??= Materialize();

    /// <summary>The values of <see cref="Elements"/>, in order: projected when first read, after the run.</summary>
    public List<T> Values => _values ??= Project(Elements);

    /// <summary>Appends the element.</summary>
    /// <param name="element">The element.</param>
    public void Receive(in WindowedValue<T> element)
    {
        if (_elements is not null)
        {
            _elements.Add(element); // read before the run ended: the list goes on from there
            return;
        }

        _chunks.Add(in element);
    }

    /// <summary>
    /// A sink for the parts of every shard, in shard order, sized to hold exactly all of them: its elements are default
    /// until each shard has copied its part with <see cref="CopyPart"/>. Call it once every shard has finished.
    /// </summary>
    /// <param name="parts">Each shard's sink.</param>
    /// <returns>The sink of the whole output.</returns>
    public static RunResultSink<T> Allocate(RunResultSink<T>[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var total = 0L;
        foreach (var part in parts)
        {
            total += part.Count;
        }

        return new RunResultSink<T>(ExactList(total));
    }

    /// <summary>Copies the part of shard <paramref name="shard"/> into its place in this sink (after the parts of lower shards).</summary>
    /// <param name="parts">Each shard's sink, as given to <see cref="Allocate"/>.</param>
    /// <param name="shard">The shard whose part is copied.</param>
    public void CopyPart(RunResultSink<T>[] parts, int shard)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var offset = 0L;
        for (var s = 0; s < shard; s++)
        {
            offset += parts[s].Count;
        }

        parts[shard].CopyTo(CollectionsMarshal.AsSpan(Elements).Slice((int)offset));
    }

    private List<WindowedValue<T>> Materialize()
    {
        var elements = ExactList(_chunks.Count);
        CopyTo(CollectionsMarshal.AsSpan(elements));
        _chunks.Clear();
        return elements;
    }

    private void CopyTo(Span<WindowedValue<T>> into)
    {
        if (_elements is not null)
        {
            CollectionsMarshal.AsSpan(_elements).CopyTo(into);
            return;
        }

        _chunks.CopyTo(into);
    }

    /// <summary>A list of <paramref name="count"/> default elements, its capacity exactly that, to be copied into.</summary>
    private static List<WindowedValue<T>> ExactList(long count)
    {
        if (count > Array.MaxLength)
        {
            throw new InvalidOperationException($"An output of {count} elements does not fit in one list (at most {Array.MaxLength}).");
        }

        var list = new List<WindowedValue<T>>((int)count);
        CollectionsMarshal.SetCount(list, (int)count);
        return list;
    }

    private static List<T> Project(List<WindowedValue<T>> elements)
    {
        var values = new List<T>(elements.Count);
        CollectionsMarshal.SetCount(values, elements.Count);
        var into = CollectionsMarshal.AsSpan(values);
        var from = CollectionsMarshal.AsSpan(elements);
        for (var i = 0; i < from.Length; i++)
        {
            into[i] = from[i].Value;
        }

        return values;
    }
}
