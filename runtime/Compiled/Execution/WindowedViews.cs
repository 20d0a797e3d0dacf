using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Compiled.Execution;

/// <summary>
/// What every windowed side-input view keeps beside its contents: the watermark it has seen, which says which windows
/// are complete, and how far its windows have been garbage-collected. Generated runners own one per view.
/// </summary>
/// <remarks>
/// A side window is ready (Beam's <c>isReady</c>) once the view's input watermark has passed its end: with the
/// default trigger, every element of the window has then arrived, and a window without elements reads as empty (or as
/// a singleton's default). A window is dropped once the watermark is past its end by more than the readers' allowed
/// lateness; a main element that maps to a dropped window is late for its own windowing too, and is dropped and
/// counted rather than given an empty view.
/// <para>A view of a triggered collection (<see cref="Triggered"/>) holds, per window, the latest pane that reached it
/// (Beam: "if the side input has multiple trigger firings, Beam uses the value from the latest trigger firing"): a
/// singleton's or a list's window is replaced by each new pane, a dictionary's keys take their latest values. Late panes
/// still update it until the window is dropped. In a streaming runner (<see cref="ReadyOnFirstPane"/>) its window can be
/// read as soon as its first pane arrived; a batch run reads it once complete, as every other view.</para>
/// </remarks>
public abstract class WindowedViewBase
{
    /// <summary>
    /// The view is of a triggered collection: its windows hold the latest pane that reached them, and accept panes until
    /// they are dropped (late panes included).
    /// </summary>
    public bool Triggered { get; init; }

    /// <summary>
    /// For a <see cref="Triggered"/> view in a streaming runner: a window can be read once its first pane arrived, and
    /// readers see each later pane as it arrives. False in a batch run: a window is read once complete, with its last pane.
    /// </summary>
    public bool ReadyOnFirstPane { get; set; }

    /// <summary>The view's input watermark: windows that end at or before it are complete.</summary>
    public Instant Watermark { get; private set; } = Instant.MinValue;

    /// <summary>Windows whose max timestamp is at or before this were dropped.</summary>
    public Instant CollectedThrough { get; private set; } = Instant.MinValue;

    /// <summary>Whether every element of <paramref name="window"/> has arrived (the watermark passed its end).</summary>
    /// <param name="window">A window of the view's window function.</param>
    /// <returns>True when a reader may read it.</returns>
    public bool IsReady(BoundedWindow window) => window.MaxTimestamp < Watermark || (ReadyOnFirstPane && HasPane(window));

    /// <summary>Whether <paramref name="window"/> received an element (for a triggered view: a pane).</summary>
    /// <param name="window">A window of the view's window function.</param>
    /// <returns>True when the window has contents.</returns>
    public abstract bool HasPane(BoundedWindow window);

    /// <summary>Whether <paramref name="window"/> was dropped: a reader mapping to it is late.</summary>
    /// <param name="window">A window of the view's window function.</param>
    /// <returns>True when its contents are gone.</returns>
    public bool IsCollected(BoundedWindow window) => window.MaxTimestamp <= CollectedThrough && CollectedThrough > Instant.MinValue;

    /// <summary>
    /// Moves the view's watermark, and drops the windows the previous watermark passed by more than
    /// <paramref name="retentionMs"/> (the readers' largest allowed lateness).
    /// </summary>
    /// <param name="watermark">The view's new input watermark; an earlier one is ignored.</param>
    /// <param name="retentionMs">How long past its end a window is kept.</param>
    public void Advance(Instant watermark, long retentionMs)
    {
        if (watermark <= Watermark)
        {
            return;
        }

        // Windows are dropped one advance behind: a window this advance completes is read by the elements that waited
        // for it (they replay after the view moves, in the same advance) before a later advance may drop it.
        var previous = Watermark;
        Watermark = watermark;
        var retention = Math.Max(0, retentionMs);
        if (watermark.Millis == Instant.MaxValue.Millis || previous.Millis - Instant.MinValue.Millis <= retention + 1)
        {
            return; // the end of input (every window complete, nothing dropped), or nothing old enough yet
        }

        var through = new Instant(previous.Millis - 1 - retention);
        if (through > CollectedThrough)
        {
            CollectedThrough = through;
            Collect(through);
        }
    }

    /// <summary>Restores the watermark and collection point of a checkpoint or another shard.</summary>
    /// <param name="watermark">The view's input watermark.</param>
    /// <param name="collectedThrough">Windows at or before this were dropped.</param>
    public void RestorePosition(Instant watermark, Instant collectedThrough)
    {
        Watermark = watermark;
        CollectedThrough = collectedThrough;
    }

    /// <summary>Drops the windows whose max timestamp is at or before <paramref name="through"/>.</summary>
    /// <param name="through">The last max timestamp to drop.</param>
    protected abstract void Collect(Instant through);

    /// <summary>Whether an element of <paramref name="window"/> still counts: false when the window is complete (late).</summary>
    /// <param name="window">The element's window.</param>
    /// <returns>True if the element goes into the view.</returns>
    public bool Accepts(BoundedWindow window) => Triggered ? !IsCollected(window) : !(window.MaxTimestamp < Watermark);

    /// <summary>The windows with contents, earliest end first (checkpoints and merges walk them in this order).</summary>
    /// <returns>A new list.</returns>
    public abstract List<BoundedWindow> Windows();

    /// <summary>Removes every window's contents and resets the position.</summary>
    public virtual void Clear()
    {
        Watermark = Instant.MinValue;
        CollectedThrough = Instant.MinValue;
    }

    private readonly List<BoundedWindow> _expired = new();

    /// <summary>
    /// The windows of <paramref name="windows"/> whose max timestamp is at or before <paramref name="through"/>, in a list
    /// this view reuses (valid until the next call), so that dropping windows allocates nothing once warmed up.
    /// </summary>
    /// <typeparam name="TContent">A window's contents.</typeparam>
    /// <param name="windows">The view's windows.</param>
    /// <param name="through">The last max timestamp to drop.</param>
    /// <returns>The windows to drop.</returns>
    protected List<BoundedWindow> Expired<TContent>(Dictionary<BoundedWindow, TContent> windows, Instant through)
    {
        _expired.Clear();
        foreach (var window in windows.Keys)
        {
            if (window.MaxTimestamp <= through)
            {
                _expired.Add(window);
            }
        }

        return _expired;
    }

    /// <summary>Sorts windows by end, then start.</summary>
    /// <param name="windows">The windows.</param>
    /// <returns><paramref name="windows"/>, sorted.</returns>
    protected static List<BoundedWindow> Ordered(List<BoundedWindow> windows)
    {
        windows.Sort(static (a, b) => a.End != b.End ? a.End.CompareTo(b.End) : a.Start.CompareTo(b.Start));
        return windows;
    }
}

/// <summary>A windowed <c>AsList</c> view: the elements of each window, in arrival order.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class WindowedListView<T> : WindowedViewBase
{
    private readonly Dictionary<BoundedWindow, List<T>> _windows = new();
    private readonly Stack<List<T>> _pool = new();

    private readonly Dictionary<BoundedWindow, long> _panes = new();

    /// <summary>Elements held, over every window (metrics).</summary>
    public long Count { get; private set; }

    /// <summary>Adds an element to its window.</summary>
    /// <param name="window">The element's window.</param>
    /// <param name="element">The element.</param>
    public void Add(BoundedWindow window, T element)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_windows, window, out var exists);
        if (!exists)
        {
            list = _pool.Count > 0 ? _pool.Pop() : new List<T>();
        }

        list!.Add(element);
        Count++;
    }

    /// <summary>
    /// For a triggered view: an element of pane <paramref name="pane"/> of its window. A pane other than the one the
    /// window holds replaces the window's elements; the same pane's elements add up.
    /// </summary>
    /// <param name="window">The element's window.</param>
    /// <param name="element">The element.</param>
    /// <param name="pane">The index of the element's pane.</param>
    public void Update(BoundedWindow window, T element, long pane)
    {
        ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(_panes, window, out var exists);
        if (exists && held != pane && _windows.TryGetValue(window, out var old))
        {
            Count -= old.Count;
            old.Clear();
        }

        held = pane;
        Add(window, element);
    }

    /// <summary>The pane a triggered view's window holds (checkpoints, merges); -1 when it has none.</summary>
    /// <param name="window">A window.</param>
    /// <returns>The pane's index.</returns>
    public long PaneOf(BoundedWindow window) => _panes.TryGetValue(window, out var pane) ? pane : -1;

    /// <summary>
    /// Takes in the elements of a window as another shard or a checkpoint holds them: for a triggered view, a later
    /// pane replaces the window's, the same pane's elements add up, an earlier one is ignored.
    /// </summary>
    /// <param name="window">The window.</param>
    /// <param name="items">Its elements.</param>
    /// <param name="pane">The pane they are of (ignored unless <see cref="WindowedViewBase.Triggered"/>).</param>
    public void Merge(BoundedWindow window, IReadOnlyList<T> items, long pane)
    {
        if (Triggered)
        {
            var held = PaneOf(window);
            if (held > pane && HasPane(window))
            {
                return;
            }

            if (held != pane && _windows.TryGetValue(window, out var old))
            {
                Count -= old.Count;
                old.Clear();
            }

            _panes[window] = pane;
        }

        foreach (var item in items)
        {
            Add(window, item);
        }
    }

    /// <inheritdoc />
    public override bool HasPane(BoundedWindow window) => _windows.ContainsKey(window);

    /// <summary>The elements of <paramref name="window"/> (empty when it has none).</summary>
    /// <param name="window">A side window.</param>
    /// <returns>A read-only list the reader must not keep.</returns>
    public IReadOnlyList<T> Get(BoundedWindow window) => _windows.TryGetValue(window, out var list) ? list : Array.Empty<T>();

    /// <inheritdoc />
    public override List<BoundedWindow> Windows() => Ordered(new List<BoundedWindow>(_windows.Keys));

    /// <inheritdoc />
    protected override void Collect(Instant through)
    {
        foreach (var window in Expired(_windows, through))
        {
            _windows.Remove(window, out var list);
            _panes.Remove(window);
            Count -= list!.Count;
            list.Clear();
            _pool.Push(list);
        }
    }

    /// <inheritdoc />
    public override void Clear()
    {
        base.Clear();
        _windows.Clear();
        _panes.Clear();
        Count = 0;
    }
}

/// <summary>A windowed <c>AsSingleton</c> view: the element of each window, and how many arrived.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class WindowedSingletonView<T> : WindowedViewBase
{
    private readonly Dictionary<BoundedWindow, (T Value, long Count, long Pane)> _windows = new();

    /// <summary>Windows held (metrics).</summary>
    public long Count => _windows.Count;

    /// <summary>Sets the element of its window (a second one makes the window's view fail when read).</summary>
    /// <param name="window">The element's window.</param>
    /// <param name="element">The element.</param>
    public void Add(BoundedWindow window, T element)
    {
        ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(_windows, window, out _);
        cell.Value = element;
        cell.Count++;
    }

    /// <summary>
    /// For a triggered view: the element of pane <paramref name="pane"/> of its window. A pane other than the one the
    /// window holds replaces it; a second element of the same pane makes the window's view fail when read.
    /// </summary>
    /// <param name="window">The element's window.</param>
    /// <param name="element">The element.</param>
    /// <param name="pane">The index of the element's pane.</param>
    public void Update(BoundedWindow window, T element, long pane)
    {
        ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(_windows, window, out var exists);
        cell.Count = exists && cell.Pane == pane ? cell.Count + 1 : 1;
        cell.Value = element;
        cell.Pane = pane;
    }

    /// <inheritdoc />
    public override bool HasPane(BoundedWindow window) => _windows.ContainsKey(window);

    /// <summary>How many elements <paramref name="window"/> received.</summary>
    /// <param name="window">A side window.</param>
    /// <returns>0, 1 or more.</returns>
    public long CountIn(BoundedWindow window) => _windows.TryGetValue(window, out var cell) ? cell.Count : 0;

    /// <summary>The element of <paramref name="window"/> when it received exactly one.</summary>
    /// <param name="window">A side window.</param>
    /// <param name="value">The element.</param>
    /// <returns>False when the window received none or several.</returns>
    public bool TryGet(BoundedWindow window, out T value)
    {
        if (_windows.TryGetValue(window, out var cell) && cell.Count == 1)
        {
            value = cell.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Sets a window's cell as a checkpoint or another shard had it.</summary>
    /// <param name="window">The window.</param>
    /// <param name="value">The last element that arrived.</param>
    /// <param name="count">How many arrived.</param>
    /// <param name="pane">For a triggered view: the pane the cell is of (a later pane replaces the window's, an earlier one is ignored).</param>
    public void Merge(BoundedWindow window, T value, long count, long pane = 0)
    {
        ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(_windows, window, out var exists);
        if (Triggered && exists && cell.Pane != pane)
        {
            if (cell.Pane > pane)
            {
                return;
            }

            cell.Count = 0;
        }

        cell.Value = value;
        cell.Count += count;
        cell.Pane = pane;
    }

    /// <summary>The last element, count and pane of a window (checkpoints, merges).</summary>
    /// <param name="window">A window <see cref="WindowedViewBase.Windows"/> returned.</param>
    /// <returns>Its cell.</returns>
    public (T Value, long Count, long Pane) Cell(BoundedWindow window) => _windows[window];

    /// <inheritdoc />
    public override List<BoundedWindow> Windows() => Ordered(new List<BoundedWindow>(_windows.Keys));

    /// <inheritdoc />
    protected override void Collect(Instant through)
    {
        foreach (var window in Expired(_windows, through))
        {
            _windows.Remove(window);
        }
    }

    /// <inheritdoc />
    public override void Clear()
    {
        base.Clear();
        _windows.Clear();
    }
}

/// <summary>A windowed <c>AsDictionary</c> view: the value of each key, per window.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class WindowedDictionaryView<TKey, TValue> : WindowedViewBase
    where TKey : notnull
{
    private static readonly IReadOnlyDictionary<TKey, TValue> Empty = new Dictionary<TKey, TValue>();
    private readonly Dictionary<BoundedWindow, Dictionary<TKey, TValue>> _windows = new();
    private readonly Stack<Dictionary<TKey, TValue>> _pool = new();

    /// <summary>Entries held, over every window (metrics).</summary>
    public long Count { get; private set; }

    /// <summary>Adds a key's value to its window.</summary>
    /// <param name="window">The element's window.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>False when the window already has the key (Beam's View.asMap fails on a duplicate key).</returns>
    public bool TryAdd(BoundedWindow window, TKey key, TValue value)
    {
        ref var map = ref CollectionsMarshal.GetValueRefOrAddDefault(_windows, window, out var exists);
        if (!exists)
        {
            map = _pool.Count > 0 ? _pool.Pop() : new Dictionary<TKey, TValue>();
        }

        if (!map!.TryAdd(key, value))
        {
            return false;
        }

        Count++;
        return true;
    }

    /// <summary>For a triggered view: the latest value of a key in its window (a later pane's value replaces an earlier one's).</summary>
    /// <param name="window">The element's window.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void Put(BoundedWindow window, TKey key, TValue value)
    {
        ref var map = ref CollectionsMarshal.GetValueRefOrAddDefault(_windows, window, out var exists);
        if (!exists)
        {
            map = _pool.Count > 0 ? _pool.Pop() : new Dictionary<TKey, TValue>();
        }

        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(map!, key, out var had);
        slot = value;
        if (!had)
        {
            Count++;
        }
    }

    /// <summary>The entries of <paramref name="window"/> (empty when it has none).</summary>
    /// <param name="window">A side window.</param>
    /// <returns>A read-only dictionary the reader must not keep.</returns>
    public IReadOnlyDictionary<TKey, TValue> Get(BoundedWindow window) => _windows.TryGetValue(window, out var map) ? map : Empty;

    /// <inheritdoc />
    public override bool HasPane(BoundedWindow window) => _windows.ContainsKey(window);

    /// <inheritdoc />
    public override List<BoundedWindow> Windows() => Ordered(new List<BoundedWindow>(_windows.Keys));

    /// <inheritdoc />
    protected override void Collect(Instant through)
    {
        foreach (var window in Expired(_windows, through))
        {
            _windows.Remove(window, out var map);
            Count -= map!.Count;
            map.Clear();
            _pool.Push(map);
        }
    }

    /// <inheritdoc />
    public override void Clear()
    {
        base.Clear();
        _windows.Clear();
        Count = 0;
    }
}
