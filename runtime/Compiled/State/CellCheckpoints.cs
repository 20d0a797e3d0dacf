using System.Collections.Generic;
using System.ComponentModel;
using Compiled.Coders;

namespace Compiled;

// How each state cell writes its contents into a checkpoint and reads them back (generated runners call these for the
// cells of a stateful ParDo's state struct; timers are kept by the runner's TimerScheduler, not by the cells). A cell
// without contents is written as such, so that a restored cell is empty exactly when the written one was.

public partial struct ValueState<T>
{
    /// <summary>Writes the cell for a checkpoint: whether it is set, then its value.</summary>
    /// <typeparam name="TCoder">The coder of the value.</typeparam>
    /// <param name="writer">Where the bytes go.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly void WriteCheckpoint<TCoder>(ref CoderWriter writer)
        where TCoder : struct, ICoder<T>
    {
        writer.WriteBoolean(_isSet);
        if (_isSet)
        {
            default(TCoder).Encode(ref writer, _value);
        }
    }

    /// <summary>Reads what <see cref="WriteCheckpoint{TCoder}"/> wrote.</summary>
    /// <typeparam name="TCoder">The coder of the value.</typeparam>
    /// <param name="reader">The bytes.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void ReadCheckpoint<TCoder>(ref CoderReader reader)
        where TCoder : struct, ICoder<T>
    {
        _isSet = reader.ReadBoolean();
        _value = _isSet ? default(TCoder).Decode(ref reader) : default!;
    }
}

public partial struct BagState<T>
{
    /// <summary>Writes the cell for a checkpoint: the number of values, then the values in order.</summary>
    /// <typeparam name="TCoder">The coder of the values.</typeparam>
    /// <param name="writer">Where the bytes go.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly void WriteCheckpoint<TCoder>(ref CoderWriter writer)
        where TCoder : struct, ICoder<T>
    {
        writer.WriteLength(_items?.Count ?? 0);
        foreach (var item in _items ?? [])
        {
            default(TCoder).Encode(ref writer, item);
        }
    }

    /// <summary>Reads what <see cref="WriteCheckpoint{TCoder}"/> wrote.</summary>
    /// <typeparam name="TCoder">The coder of the values.</typeparam>
    /// <param name="reader">The bytes.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void ReadCheckpoint<TCoder>(ref CoderReader reader)
        where TCoder : struct, ICoder<T>
    {
        var count = reader.ReadLength();
        _items?.Clear();
        if (count > 0)
        {
            _items ??= new List<T>(count);
            for (var i = 0; i < count; i++)
            {
                _items.Add(default(TCoder).Decode(ref reader));
            }
        }
    }
}

public partial struct CombiningState<TInput, TAccum, TOutput, TCombineFn>
{
    /// <summary>Writes the cell for a checkpoint: whether it holds an accumulator, then the accumulator.</summary>
    /// <typeparam name="TCoder">The coder of the accumulator.</typeparam>
    /// <param name="writer">Where the bytes go.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly void WriteCheckpoint<TCoder>(ref CoderWriter writer)
        where TCoder : struct, ICoder<TAccum>
    {
        writer.WriteBoolean(_isSet);
        if (_isSet)
        {
            default(TCoder).Encode(ref writer, _accumulator);
        }
    }

    /// <summary>Reads what <see cref="WriteCheckpoint{TCoder}"/> wrote.</summary>
    /// <typeparam name="TCoder">The coder of the accumulator.</typeparam>
    /// <param name="reader">The bytes.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void ReadCheckpoint<TCoder>(ref CoderReader reader)
        where TCoder : struct, ICoder<TAccum>
    {
        _isSet = reader.ReadBoolean();
        _accumulator = _isSet ? default(TCoder).Decode(ref reader) : default!;
    }
}

public partial struct MapState<TMapKey, TMapValue>
{
    /// <summary>Writes the cell for a checkpoint: the number of entries, then each key and value.</summary>
    /// <typeparam name="TKeyCoder">The coder of the keys.</typeparam>
    /// <typeparam name="TValueCoder">The coder of the values.</typeparam>
    /// <param name="writer">Where the bytes go.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly void WriteCheckpoint<TKeyCoder, TValueCoder>(ref CoderWriter writer)
        where TKeyCoder : struct, ICoder<TMapKey>
        where TValueCoder : struct, ICoder<TMapValue>
    {
        writer.WriteLength(_map?.Count ?? 0);
        foreach (var (key, value) in _map ?? Empty)
        {
            default(TKeyCoder).Encode(ref writer, key);
            default(TValueCoder).Encode(ref writer, value);
        }
    }

    /// <summary>Reads what <see cref="WriteCheckpoint{TKeyCoder, TValueCoder}"/> wrote.</summary>
    /// <typeparam name="TKeyCoder">The coder of the keys.</typeparam>
    /// <typeparam name="TValueCoder">The coder of the values.</typeparam>
    /// <param name="reader">The bytes.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void ReadCheckpoint<TKeyCoder, TValueCoder>(ref CoderReader reader)
        where TKeyCoder : struct, ICoder<TMapKey>
        where TValueCoder : struct, ICoder<TMapValue>
    {
        var count = reader.ReadLength();
        _map?.Clear();
        if (count > 0)
        {
            _map ??= new Dictionary<TMapKey, TMapValue>(count);
            for (var i = 0; i < count; i++)
            {
                var key = default(TKeyCoder).Decode(ref reader);
                _map[key] = default(TValueCoder).Decode(ref reader);
            }
        }
    }
}

public partial struct SetState<T>
{
    /// <summary>Writes the cell for a checkpoint: the number of elements, then the elements.</summary>
    /// <typeparam name="TCoder">The coder of the elements.</typeparam>
    /// <param name="writer">Where the bytes go.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly void WriteCheckpoint<TCoder>(ref CoderWriter writer)
        where TCoder : struct, ICoder<T>
    {
        writer.WriteLength(_set?.Count ?? 0);
        foreach (var item in _set ?? Empty)
        {
            default(TCoder).Encode(ref writer, item);
        }
    }

    /// <summary>Reads what <see cref="WriteCheckpoint{TCoder}"/> wrote.</summary>
    /// <typeparam name="TCoder">The coder of the elements.</typeparam>
    /// <param name="reader">The bytes.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void ReadCheckpoint<TCoder>(ref CoderReader reader)
        where TCoder : struct, ICoder<T>
    {
        var count = reader.ReadLength();
        _set?.Clear();
        if (count > 0)
        {
            _set ??= new HashSet<T>(count);
            for (var i = 0; i < count; i++)
            {
                _set.Add(default(TCoder).Decode(ref reader));
            }
        }
    }
}

public partial struct OrderedListState<T>
{
    /// <summary>Writes the cell for a checkpoint: the number of values, then each value and its timestamp, in order.</summary>
    /// <typeparam name="TCoder">The coder of the values.</typeparam>
    /// <param name="writer">Where the bytes go.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly void WriteCheckpoint<TCoder>(ref CoderWriter writer)
        where TCoder : struct, ICoder<T>
    {
        writer.WriteLength(_items?.Count ?? 0);
        foreach (var item in _items ?? [])
        {
            default(TCoder).Encode(ref writer, item.Value);
            writer.WriteInstant(item.Timestamp);
        }
    }

    /// <summary>Reads what <see cref="WriteCheckpoint{TCoder}"/> wrote.</summary>
    /// <typeparam name="TCoder">The coder of the values.</typeparam>
    /// <param name="reader">The bytes.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void ReadCheckpoint<TCoder>(ref CoderReader reader)
        where TCoder : struct, ICoder<T>
    {
        var count = reader.ReadLength();
        _items?.Clear();
        if (count > 0)
        {
            _items ??= new List<TimestampedValue<T>>(count);
            for (var i = 0; i < count; i++)
            {
                var value = default(TCoder).Decode(ref reader);
                _items.Add(new TimestampedValue<T>(value, reader.ReadInstant()));
            }
        }
    }
}
