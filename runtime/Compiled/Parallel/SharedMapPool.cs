using System.Collections.Generic;
using System.ComponentModel;

namespace Compiled.Parallel;

/// <summary>
/// The cleared window maps of one lifted combine, shared by the partitions and shards of a streaming parallel runner.
/// A sender ships a window's accumulators as whole maps (one per receiving shard); the shard takes the first one as its
/// own state for the window and merges the others into it. Maps come back here once merged or emitted, and senders take
/// them for their next windows, so maps go round between threads instead of being allocated per window. Called by
/// generated code only.
/// </summary>
/// <typeparam name="TMap">The map type of the combine's state in one window.</typeparam>
/// <remarks>
/// Maps are taken and given back once per window and shard, not per element, so a lock costs nothing that shows. The pool
/// keeps at most <see cref="Limit"/> maps: beyond that (a burst of windows that has passed), a map given back is left to
/// the garbage collector.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SharedMapPool<TMap>
    where TMap : class
{
    /// <summary>The most maps the pool keeps.</summary>
    public const int Limit = 1024;

    private readonly Stack<TMap> _maps = new();

    /// <summary>How many maps the pool holds now.</summary>
    public int Count
    {
        get
        {
            lock (_maps)
            {
                return _maps.Count;
            }
        }
    }

    /// <summary>A cleared map, or null when the pool has none (the caller makes one).</summary>
    /// <returns>The map, or null.</returns>
    public TMap? TryTake()
    {
        lock (_maps)
        {
            return _maps.TryPop(out var map) ? map : null;
        }
    }

    /// <summary>Gives back a map that its owner has cleared and no longer uses.</summary>
    /// <param name="map">The map, empty.</param>
    public void Return(TMap map)
    {
        lock (_maps)
        {
            if (_maps.Count < Limit)
            {
                _maps.Push(map);
            }
        }
    }
}
