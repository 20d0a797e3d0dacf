using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Compiled.Parallel;

/// <summary>
/// The elements one shard of a parallel batch run sends another for a transform, in the order they came: appended in
/// chunks, so that it grows without copying what it holds (a list doubles, and copies, and leaves the old array to the
/// collector), then read once, in order, by the receiving shard. Called by generated code only.
/// </summary>
/// <typeparam name="T">The element type (an element with its timestamp, window and pane).</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ShardRoute<T>
{
    private const int FirstChunk = 256;

    // 16,384 elements: large enough that a chunk costs nothing per element, small enough that a route holding a few
    // elements more than a chunk does not hold much more memory than it needs.
    private const int LargestChunk = 16_384;

    private readonly List<T[]> _full = new();
    private T[] _chunk = Array.Empty<T>();
    private int _used;
    private long _fullCount;

    /// <summary>How many elements the route holds.</summary>
    public long Count => _fullCount + _used;

    /// <summary>Appends an element.</summary>
    /// <param name="item">The element.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in T item)
    {
        if (_used == _chunk.Length)
        {
            NextChunk();
        }

        _chunk[_used++] = item;
    }

    /// <summary>The elements, in the order they were added.</summary>
    public Enumerator GetEnumerator() => new(this);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NextChunk()
    {
        if (_chunk.Length > 0)
        {
            _full.Add(_chunk);
            _fullCount += _chunk.Length;
        }

        _chunk = new T[Math.Clamp(_chunk.Length * 2, FirstChunk, LargestChunk)];
        _used = 0;
    }

    /// <summary>Reads a route's elements in order, chunk by chunk.</summary>
    public struct Enumerator
    {
        private readonly ShardRoute<T> _route;
        private T[] _chunk;
        private int _chunkIndex;
        private int _index;
        private int _length;

        internal Enumerator(ShardRoute<T> route)
        {
            _route = route;
            _chunkIndex = -1;
            _chunk = Array.Empty<T>();
            _index = -1;
            _length = 0;
        }

        /// <summary>The element at the enumerator's position.</summary>
        public readonly ref readonly T Current => ref _chunk[_index];

        /// <summary>Moves to the next element.</summary>
        /// <returns>False past the last.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool MoveNext()
        {
            if (++_index < _length)
            {
                return true;
            }

            return NextChunk();
        }

        private bool NextChunk()
        {
            var full = _route._full;
            while (true)
            {
                _chunkIndex++;
                if (_chunkIndex < full.Count)
                {
                    _chunk = full[_chunkIndex];
                    _length = _chunk.Length;
                }
                else if (_chunkIndex == full.Count)
                {
                    _chunk = _route._chunk;
                    _length = _route._used;
                }
                else
                {
                    _index = _length; // stays past the end
                    return false;
                }

                _index = 0;
                if (_length > 0)
                {
                    return true;
                }
            }
        }
    }
}
