using System;
using System.ComponentModel;

namespace Compiled.Execution;

/// <summary>
/// The results of one output that its sink has not taken yet: a first-in, first-out queue that a generated runner fills
/// when the sink throws, and drains, in order, at the start of its next call. Allocated only after a sink has failed.
/// </summary>
/// <typeparam name="T">The output element type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class HeldOutputs<T>
{
    private WindowedValue<T>[] _items = new WindowedValue<T>[8];
    private int _head;
    private int _count;

    /// <summary>How many results are held.</summary>
    public int Count => _count;

    /// <summary>Holds a result behind the ones already held.</summary>
    /// <param name="item">The result.</param>
    public void Add(in WindowedValue<T> item)
    {
        if (_count == _items.Length)
        {
            var grown = new WindowedValue<T>[_items.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                grown[i] = _items[(_head + i) % _items.Length];
            }

            _items = grown;
            _head = 0;
        }

        _items[(_head + _count) % _items.Length] = item;
        _count++;
    }

    /// <summary>The oldest held result.</summary>
    /// <returns>A reference to it, valid until the next change.</returns>
    public ref readonly WindowedValue<T> Peek()
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("No result is held.");
        }

        return ref _items[_head];
    }

    /// <summary>Forgets the oldest held result (after its sink took it).</summary>
    public void RemoveFirst()
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("No result is held.");
        }

        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        _count--;
    }
}
