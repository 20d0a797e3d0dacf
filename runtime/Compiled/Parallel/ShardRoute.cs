using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using Compiled.Execution;

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
    // Chunks of up to 16,384 elements: large enough that a chunk costs nothing per element, small enough that a route
    // holding a few elements more than a chunk does not hold much more memory than it needs.
    private ChunkBuffer<T> _chunks = new(firstChunk: 256, largestChunk: 16_384);

    /// <summary>How many elements the route holds.</summary>
    public long Count => _chunks.Count;

    /// <summary>Appends an element.</summary>
    /// <param name="item">The element.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in T item) => _chunks.Add(in item);

    /// <summary>The elements, in the order they were added.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Reads a route's elements in order, chunk by chunk.</summary>
    public struct Enumerator
    {
        private readonly ShardRoute<T> _route;
        private T[] _chunk;
        private int _length;
        private int _chunkIndex;
        private int _index;

        internal Enumerator(ShardRoute<T> route)
        {
            _route = route;
            _chunk = Array.Empty<T>();
            _length = 0;
            _chunkIndex = -1;
            _index = -1;
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
            ref readonly var chunks = ref _route._chunks;
            while (true)
            {
                _chunkIndex++;
                if (_chunkIndex < chunks.FullChunks)
                {
                    _chunk = chunks.FullChunk(_chunkIndex);
                    _length = _chunk.Length;
                }
                else if (_chunkIndex == chunks.FullChunks)
                {
                    _chunk = chunks.LastArray;
                    _length = chunks.Last.Length;
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
