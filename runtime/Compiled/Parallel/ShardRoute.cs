using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using Compiled.Execution;

namespace Compiled.Parallel;

/// <summary>
/// The elements one shard of a parallel batch run sends another for a transform, in the order they came: appended in
/// chunks, so that it grows without copying what it holds (a list doubles, and copies, and leaves the old array to the
/// collector), then read once, in order, by the receiving shard. Called by generated code only.
/// </summary>
/// <remarks>
/// A shard reads its part of every input in turn, so its elements come in segments, one per input (and one for what
/// the runner emits at Finish). The single-threaded runner reads the whole of each input before the next, so the
/// receiving shard replays segment by segment, every sender's part of a segment in shard order (<see cref="Reader"/>):
/// that is the single runner's order. Where the single runner ends a bundle inside an input (after each line of a text
/// input), the sender marks it (<see cref="EndBundle"/>), so that triggers that count elements see the same bundles.
/// </remarks>
/// <typeparam name="T">The element type (an element with its timestamp, window and pane).</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ShardRoute<T>
{
    // Chunks of up to 16,384 elements: large enough that a chunk costs nothing per element, small enough that a route
    // holding a few elements more than a chunk does not hold much more memory than it needs.
    private ChunkBuffer<T> _chunks = new(firstChunk: 256, largestChunk: 16_384);

    // Where each segment starts (ascending segments; a segment never started holds no element), and the counts after
    // which a bundle ends inside a segment.
    private readonly List<(int Segment, long Start)> _segments = new();
    private readonly List<long> _bundleEnds = new();

    /// <summary>How many elements the route holds.</summary>
    public long Count => _chunks.Count;

    /// <summary>Appends an element.</summary>
    /// <param name="item">The element.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in T item) => _chunks.Add(in item);

    /// <summary>
    /// The elements added from now on belong to <paramref name="segment"/> (the index of the input the sender reads next,
    /// or the number of inputs for what it emits at Finish), until the next segment starts.
    /// </summary>
    /// <param name="segment">The segment, greater than any started before.</param>
    /// <exception cref="ArgumentOutOfRangeException">The segment is not greater than the last one started.</exception>
    public void StartSegment(int segment)
    {
        if (_segments.Count > 0 && segment <= _segments[^1].Segment)
        {
            throw new ArgumentOutOfRangeException(nameof(segment), segment, "Segments start in ascending order; the last one started was " + _segments[^1].Segment + ".");
        }

        _segments.Add((segment, Count));
    }

    /// <summary>
    /// The single-threaded runner ends a bundle here (after a line of a text input): the receiving shard ends one after
    /// the elements added so far. Nothing is marked when no element came since the last mark.
    /// </summary>
    public void EndBundle()
    {
        var count = Count;
        if (count > (_bundleEnds.Count > 0 ? _bundleEnds[^1] : 0) && count > SegmentStart(_segments.Count - 1))
        {
            _bundleEnds.Add(count);
        }
    }

    /// <summary>Reads the route segment by segment (see the remarks on <see cref="ShardRoute{T}"/>).</summary>
    public Reader GetReader() => new(this);

    private long SegmentStart(int index) => index < 0 ? 0 : _segments[index].Start;

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

    /// <summary>
    /// Reads a route one segment at a time: <see cref="MoveNext"/> gives the elements of the segment asked for, in order,
    /// then false; the next call asks for a later segment.
    /// </summary>
    public struct Reader
    {
        private readonly ShardRoute<T> _route;
        private Enumerator _elements;
        private long _position; // elements read (or passed over) so far
        private long _end; // where the segment being read ends
        private int _current; // the segment being read
        private int _segment; // index into the route's segments of the next one to enter
        private int _bundle; // index into the route's bundle ends of the next one
        private long _nextBundleEnd; // that bundle end, or long.MaxValue

        internal Reader(ShardRoute<T> route)
        {
            _route = route;
            _elements = route.GetEnumerator();
            _position = 0;
            _end = 0;
            _current = int.MinValue;
            _segment = 0;
            _bundle = 0;
            _nextBundleEnd = route._bundleEnds.Count > 0 ? route._bundleEnds[0] : long.MaxValue;
        }

        /// <summary>The element read last.</summary>
        public readonly ref readonly T Current => ref _elements.Current;

        /// <summary>Moves to the next element of <paramref name="segment"/>.</summary>
        /// <param name="segment">The segment being replayed; never lower than in an earlier call.</param>
        /// <param name="endsBundle">Whether a bundle ends after the element (see <see cref="EndBundle"/>).</param>
        /// <returns>False when the segment holds no more elements from this route.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool MoveNext(int segment, out bool endsBundle)
        {
            if (segment != _current)
            {
                Enter(segment);
            }

            if (_position >= _end || !_elements.MoveNext())
            {
                endsBundle = false;
                return false;
            }

            _position++;
            endsBundle = _position == _nextBundleEnd;
            if (endsBundle)
            {
                NextBundleEnd();
            }

            return true;
        }

        /// <summary>Starts reading <paramref name="segment"/>: passes over the elements of earlier segments not asked for.</summary>
        private void Enter(int segment)
        {
            _current = segment;
            var segments = _route._segments;
            while (_segment < segments.Count && segments[_segment].Segment < segment)
            {
                _segment++;
            }

            if (_segment == segments.Count || segments[_segment].Segment != segment)
            {
                _end = _position; // this sender read nothing of the segment
                return;
            }

            var start = segments[_segment].Start;
            _end = _segment + 1 < segments.Count ? segments[_segment + 1].Start : _route.Count;
            _segment++;
            while (_position < start && _elements.MoveNext())
            {
                _position++;
            }

            while (_nextBundleEnd <= _position)
            {
                NextBundleEnd();
            }
        }

        private void NextBundleEnd()
        {
            var ends = _route._bundleEnds;
            _bundle++;
            _nextBundleEnd = _bundle < ends.Count ? ends[_bundle] : long.MaxValue;
        }
    }
}
