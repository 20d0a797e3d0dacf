using System;

namespace Compiled;

/// <summary>
/// A reusable buffer holding the live windows of one key under a merging window function: add each
/// new element's window, merge, and the buffer then holds the merged windows. Its storage grows to the
/// largest number of windows seen and is reused after <see cref="Clear"/>, so steady-state merging
/// allocates nothing.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><b>State</b>: the windows of one key (for sessions, the sessions still open),
/// in an array that only grows; <see cref="Count"/> entries are live.</description></item>
/// <item><description><b>State style</b>: a plain array, sorted by start then end after each
/// <see cref="Merge{TFn, TConsumer}"/> and appended to between merges; two scratch arrays of the same
/// capacity (which windows merged away, and the merge results) are reused by every merge. No
/// per-window objects.</description></item>
/// <item><description><b>Merging</b>: <see cref="Merge{TFn, TConsumer}"/> asks the window function
/// which windows merge, tells the caller's consumer (so it can merge the per-window accumulators it
/// keeps elsewhere), then replaces each merged group with its result window.</description></item>
/// <item><description><b>Lifetime</b>: owned by the keyed state of one key; the owner removes windows
/// whose garbage-collection time the watermark has passed (<see cref="RemoveAt"/>) and calls
/// <see cref="Clear"/> before reusing the buffer for another key. Not thread-safe.</description></item>
/// </list>
/// </remarks>
public sealed class MergingWindowBuffer
{
    private BoundedWindow[] _windows;
    private bool[] _merged = [];
    private BoundedWindow[] _results = [];
    private int _count;

    /// <summary>Creates a buffer with room for <paramref name="initialCapacity"/> windows.</summary>
    /// <param name="initialCapacity">Initial capacity; at least 1.</param>
    public MergingWindowBuffer(int initialCapacity = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialCapacity, 1);
        _windows = new BoundedWindow[initialCapacity];
    }

    /// <summary>The number of live windows.</summary>
    public int Count => _count;

    /// <summary>The live windows; valid until the buffer is next changed.</summary>
    public ReadOnlySpan<BoundedWindow> Windows => _windows.AsSpan(0, _count);

    /// <summary>Adds a window (typically a new element's proto-session). Duplicates are allowed and merge.</summary>
    /// <param name="window">An interval window.</param>
    public void Add(BoundedWindow window)
    {
        if (_count == _windows.Length)
        {
            Array.Resize(ref _windows, _windows.Length * 2);
        }

        _windows[_count++] = window;
    }

    /// <summary>Removes the window at <paramref name="index"/> of <see cref="Windows"/>, keeping the order of the rest.</summary>
    /// <param name="index">The index.</param>
    public void RemoveAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        Array.Copy(_windows, index + 1, _windows, index, _count - index - 1);
        _count--;
    }

    /// <summary>Forgets every window, keeping the storage.</summary>
    public void Clear() => _count = 0;

    /// <summary>
    /// Merges the live windows with <paramref name="windowFn"/>, reporting each merge to
    /// <paramref name="consumer"/> before the buffer changes, and leaves the buffer holding the
    /// windows that merged with nothing plus one result window per merge, sorted by start then end.
    /// </summary>
    /// <typeparam name="TFn">The merging window function.</typeparam>
    /// <typeparam name="TConsumer">The consumer type: a struct (not a <c>ref struct</c>, which a <c>ref</c> field cannot hold).</typeparam>
    /// <param name="windowFn">The window function.</param>
    /// <param name="consumer">Receives each merge.</param>
    /// <exception cref="ArgumentException">The window function merged a window that is not in the buffer.</exception>
    public void Merge<TFn, TConsumer>(in TFn windowFn, ref TConsumer consumer)
        where TFn : IMergingWindowFn
        where TConsumer : IMergeConsumer
    {
        if (_count < 2)
        {
            return;
        }

        if (_merged.Length < _windows.Length)
        {
            _merged = new bool[_windows.Length];
            _results = new BoundedWindow[_windows.Length];
        }

        Span<BoundedWindow> live = _windows.AsSpan(0, _count);
        Span<bool> merged = _merged.AsSpan(0, _count);
        merged.Clear();
        var collector = new Collector<TConsumer>(ref consumer, live, merged, _results);
        windowFn.MergeWindows(live, ref collector);
        if (collector.Results == 0)
        {
            return;
        }

        int write = 0;
        for (int i = 0; i < live.Length; i++)
        {
            if (!merged[i])
            {
                live[write++] = live[i];
            }
        }

        _results.AsSpan(0, collector.Results).CopyTo(live.Slice(write));
        _count = write + collector.Results;
        IntervalWindows.Sort(_windows.AsSpan(0, _count));
    }

    /// <summary>
    /// Forwards merges to the caller's consumer, marks the windows that merged away and remembers
    /// each result window.
    /// </summary>
    private ref struct Collector<TConsumer> : IMergeConsumer
        where TConsumer : IMergeConsumer
    {
        private readonly ref TConsumer _inner;
        private readonly Span<BoundedWindow> _live;
        private readonly Span<bool> _merged;
        private readonly Span<BoundedWindow> _results;

        public Collector(ref TConsumer inner, Span<BoundedWindow> live, Span<bool> merged, Span<BoundedWindow> results)
        {
            _inner = ref inner;
            _live = live;
            _merged = merged;
            _results = results;
            Results = 0;
        }

        /// <summary>The number of result windows recorded.</summary>
        public int Results { get; private set; }

        public void Merge(ReadOnlySpan<BoundedWindow> toBeMerged, BoundedWindow mergeResult)
        {
            _inner.Merge(toBeMerged, mergeResult);
            if (((ReadOnlySpan<BoundedWindow>)_live).Overlaps(toBeMerged, out int offset))
            {
                // The usual case (MergeOverlappingIntervalWindows): the group is a slice of the buffer.
                _merged.Slice(offset, toBeMerged.Length).Fill(true);
            }
            else
            {
                foreach (BoundedWindow window in toBeMerged)
                {
                    MarkOne(window);
                }
            }

            _results[Results++] = mergeResult;
        }

        private readonly void MarkOne(BoundedWindow window)
        {
            for (int i = 0; i < _live.Length; i++)
            {
                if (!_merged[i] && _live[i] == window)
                {
                    _merged[i] = true;
                    return;
                }
            }

            throw new ArgumentException($"The window function merged {window}, which is not a live window.");
        }
    }
}
