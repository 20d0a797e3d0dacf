using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Compiled.Execution;

/// <summary>
/// An append-only sequence in chunks that grow as a list would, up to a size past which growing gains nothing: it never
/// copies what it holds (a list doubles, copies, and leaves the old array to the collector). What a batch run's result
/// sink and a parallel run's shard routes both collect into. A mutable struct: keep it in a field, not a copy.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal struct ChunkBuffer<T>
{
    private readonly int _firstChunk;
    private readonly int _largestChunk;
    private List<T[]>? _full;
    private T[] _chunk;
    private int _used;
    private long _fullCount;

    /// <summary>An empty buffer whose chunks grow from <paramref name="firstChunk"/> elements to at most <paramref name="largestChunk"/>.</summary>
    public ChunkBuffer(int firstChunk, int largestChunk)
    {
        _firstChunk = firstChunk;
        _largestChunk = largestChunk;
        _chunk = Array.Empty<T>();
    }

    /// <summary>How many elements the buffer holds.</summary>
    public readonly long Count => _fullCount + _used;

    /// <summary>How many chunks are full (<see cref="FullChunk"/>); the last one, being filled, is <see cref="Last"/>.</summary>
    public readonly int FullChunks => _full?.Count ?? 0;

    /// <summary>The elements of the chunk being filled.</summary>
    public readonly ReadOnlySpan<T> Last => _chunk.AsSpan(0, _used);

    /// <summary>The chunk being filled, whose first <see cref="Last"/>.Length elements are in use.</summary>
    public readonly T[] LastArray => _chunk;

    /// <summary>Full chunk <paramref name="index"/>, every element of it in use.</summary>
    public readonly T[] FullChunk(int index) => _full![index];

    /// <summary>Appends an element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in T item)
    {
        if (_used == _chunk.Length)
        {
            NextChunk();
        }

        _chunk[_used++] = item;
    }

    /// <summary>Copies the elements, in order, to the start of <paramref name="into"/>.</summary>
    public readonly void CopyTo(Span<T> into)
    {
        var at = 0;
        for (var i = 0; i < FullChunks; i++)
        {
            var chunk = _full![i];
            chunk.CopyTo(into.Slice(at));
            at += chunk.Length;
        }

        Last.CopyTo(into.Slice(at));
    }

    /// <summary>Drops every chunk.</summary>
    public void Clear()
    {
        _full?.Clear();
        _chunk = Array.Empty<T>();
        _used = 0;
        _fullCount = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NextChunk()
    {
        if (_chunk.Length > 0)
        {
            (_full ??= new()).Add(_chunk);
            _fullCount += _chunk.Length;
        }

        _chunk = new T[Math.Clamp(_chunk.Length * 2, _firstChunk, _largestChunk)];
        _used = 0;
    }
}
