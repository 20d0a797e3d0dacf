using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Compiled.Execution;

/// <summary>
/// The state of a stateful ParDo: one <typeparamref name="TState"/> struct per key and window, held inline in an
/// array of slots, and the timers of every slot (<see cref="Timers"/>).
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TState">The user's state struct: its fields are the state cells and timers.</typeparam>
/// <remarks>
/// <para>State: a slot per live (key, window): the state struct, its key and window; a map from (key, window) to slot.</para>
/// <para>State style: the generated code takes the struct by reference (<see cref="GetOrAdd"/>) and the user's callback
/// updates its cells in place: no copy, no boxing, no lookup twice.</para>
/// <para>Merging: none; merging windows are refused at build time.</para>
/// <para>Lifetime: from the first element of a key in a window until the watermark passes the window's end plus the
/// allowed lateness, after the last timer that may fire in it. The generated code then runs OnWindowExpiration,
/// clears the cells (a bag keeps its list, a map its dictionary) and <see cref="Release"/>s the slot, which the next
/// new key reuses with its cells' storage: the arrays and the cells' collections grow to the largest number of live
/// keys and windows, then nothing more is allocated.</para>
/// <para>Generated code drives it; it is public for that reason only.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class KeyedStates<TKey, TState>
    where TKey : notnull
    where TState : struct
{
    private readonly Dictionary<(TKey Key, BoundedWindow Window), int> _index;
    private readonly Dictionary<TKey, int> _global; // the global window's slots: keyed by the key alone, hashed once
    private TState[] _slots = new TState[16];
    private TKey[] _keys = new TKey[16];
    private BoundedWindow[] _windows = new BoundedWindow[16];
    private int[] _free = new int[16];
    private int _freeCount;
    private int _used;
    private readonly long _latenessMillis;

    /// <summary>Creates the state of a stateful ParDo.</summary>
    /// <param name="timers">The scheduler of its timers.</param>
    /// <param name="allowedLatenessMillis">The windowing strategy's allowed lateness: a window's state lives until its end plus this.</param>
    public KeyedStates(TimerScheduler timers, long allowedLatenessMillis)
        : this(timers, allowedLatenessMillis, keyComparer: null)
    {
    }

    /// <summary>Creates the state of a stateful ParDo whose keys compare with <paramref name="keyComparer"/>.</summary>
    /// <param name="timers">The scheduler of its timers.</param>
    /// <param name="allowedLatenessMillis">The windowing strategy's allowed lateness: a window's state lives until its end plus this.</param>
    /// <param name="keyComparer">
    /// How keys compare (null: their own equality); text held as memory compares by content
    /// (<see cref="MemoryContentComparer{T}"/>), where .NET compares memories by reference.
    /// </param>
    public KeyedStates(TimerScheduler timers, long allowedLatenessMillis, IEqualityComparer<TKey>? keyComparer)
    {
        ArgumentNullException.ThrowIfNull(timers);
        _global = new Dictionary<TKey, int>(keyComparer);
        _index = keyComparer is null
            ? new Dictionary<(TKey Key, BoundedWindow Window), int>()
            : new Dictionary<(TKey Key, BoundedWindow Window), int>(new SlotComparer(keyComparer));
        Timers = timers;
        _latenessMillis = allowedLatenessMillis;
        GlobalExpiry = ExpiryOf(BoundedWindow.Global);
        timers.EnsureSlots(_slots.Length);
    }

    /// <summary>When the global window's state expires (<see cref="ExpiryOf"/> of the global window), computed once.</summary>
    public Instant GlobalExpiry { get; }

    /// <summary>The timers of every slot.</summary>
    public TimerScheduler Timers { get; }

    /// <summary>The number of live (key, window) slots.</summary>
    public int Count => _index.Count + _global.Count;

    /// <summary>
    /// When a window's state expires: its maximum timestamp plus the allowed lateness (Beam's garbage collection
    /// time), at most the end of the global window.
    /// </summary>
    public Instant ExpiryOf(BoundedWindow window)
    {
        var max = window.MaxTimestamp.Millis;
        var limit = BoundedWindow.Global.MaxTimestamp.Millis;
        return new Instant(max >= limit - _latenessMillis ? Math.Max(max, limit) : max + _latenessMillis);
    }

    /// <summary>Whether an element of <paramref name="window"/> is late for good: its window expired (the watermark passed its expiry).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsExpired(BoundedWindow window, Instant inputWatermark) => ExpiryOf(window).Millis < inputWatermark.Millis;

    /// <summary>
    /// The state of (<paramref name="key"/>, <paramref name="window"/>), by reference: a new slot (its cells empty, its
    /// expiration scheduled) when the pair has none. The reference is valid until the next call of this method.
    /// </summary>
    public ref TState GetOrAdd(TKey key, BoundedWindow window, out int slot, out bool created)
    {
        ref var index = ref window.IsGlobal
            ? ref CollectionsMarshal.GetValueRefOrAddDefault(_global, key, out var exists)
            : ref CollectionsMarshal.GetValueRefOrAddDefault(_index, (key, window), out exists);
        if (exists)
        {
            slot = index;
            created = false;
            return ref _slots[slot];
        }

        slot = _freeCount > 0 ? _free[--_freeCount] : _used++;
        if (slot == _slots.Length)
        {
            var size = _slots.Length * 2;
            Array.Resize(ref _slots, size);
            Array.Resize(ref _keys, size);
            Array.Resize(ref _windows, size);
            Timers.EnsureSlots(size);
        }

        index = slot;
        _keys[slot] = key;
        _windows[slot] = window;
        Timers.ScheduleExpiry(slot, ExpiryOf(window));
        created = true;
        return ref _slots[slot];
    }

    /// <summary>
    /// <see cref="GetOrAdd"/> for the global window, whose keys are hashed once and need no window: inlined where the key
    /// has a slot already (one lookup and the slot's reference), a call where it gets a new one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref TState GetOrAddGlobal(TKey key, out int slot, out bool created)
    {
        ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_global, key, out var exists);
        if (exists)
        {
            slot = index;
            created = false;
            return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (nint)(uint)index);
        }

        return ref AddGlobal(key, ref index, out slot, out created);
    }

    /// <summary>A new slot for a key of the global window, whose index entry <paramref name="index"/> was just added.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref TState AddGlobal(TKey key, ref int index, out int slot, out bool created)
    {
        slot = _freeCount > 0 ? _free[--_freeCount] : _used++;
        if (slot == _slots.Length)
        {
            var size = _slots.Length * 2;
            Array.Resize(ref _slots, size);
            Array.Resize(ref _keys, size);
            Array.Resize(ref _windows, size);
            Timers.EnsureSlots(size);
        }

        index = slot;
        _keys[slot] = key;
        _windows[slot] = BoundedWindow.Global;
        Timers.ScheduleExpiry(slot, GlobalExpiry);
        created = true;
        return ref _slots[slot];
    }

    /// <summary>The state of a live slot, by reference.</summary>
    public ref TState this[int slot] => ref _slots[slot];

    /// <summary>The key of a live slot.</summary>
    public TKey KeyOf(int slot) => _keys[slot];

    /// <summary>The window of a live slot.</summary>
    public BoundedWindow WindowOf(int slot) => _windows[slot];

    /// <summary>
    /// Drops a slot whose window expired (its cells already cleared by the caller, which keeps their storage): its
    /// timers are dropped and the slot goes to the next new key and window.
    /// </summary>
    public void Release(int slot)
    {
        if (_windows[slot].IsGlobal)
        {
            _global.Remove(_keys[slot]);
        }
        else
        {
            _index.Remove((_keys[slot], _windows[slot]));
        }

        _keys[slot] = default!;
        Timers.ReleaseSlot(slot);
        if (_freeCount == _free.Length)
        {
            Array.Resize(ref _free, _free.Length * 2);
        }

        _free[_freeCount++] = slot;
    }

    // A (key, window) pair compared with the key comparer.
    private sealed class SlotComparer(IEqualityComparer<TKey> keys) : IEqualityComparer<(TKey Key, BoundedWindow Window)>
    {
        public bool Equals((TKey Key, BoundedWindow Window) x, (TKey Key, BoundedWindow Window) y) => x.Window.Equals(y.Window) && keys.Equals(x.Key, y.Key);

        public int GetHashCode((TKey Key, BoundedWindow Window) obj) => HashCode.Combine(keys.GetHashCode(obj.Key), obj.Window);
    }
}
