namespace Compiled.Coders;

/// <summary>
/// The coder of a window (<see cref="BoundedWindow"/>, Beam's <c>IntervalWindow</c> and <c>GlobalWindow</c>): one byte,
/// 00 for the global window (nothing follows) or 01 for an interval window, followed by its start and end in
/// milliseconds (8 bytes each).
/// </summary>
public readonly struct BoundedWindowCoder : ICoder<BoundedWindow>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0500_0001u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, BoundedWindow value)
    {
        if (value.IsGlobal)
        {
            writer.WriteByte(0);
            return;
        }

        writer.WriteByte(1);
        writer.WriteInstant(value.Start);
        writer.WriteInstant(value.End);
    }

    /// <inheritdoc/>
    public BoundedWindow Decode(ref CoderReader reader)
    {
        switch (reader.ReadByte())
        {
            case 0:
                return BoundedWindow.Global;
            case 1:
                var start = reader.ReadInstant();
                var end = reader.ReadInstant();
                return end < start
                    ? throw new CoderException("An interval window ends before it starts (" + start.ToString() + ", " + end.ToString() + ").")
                    : BoundedWindow.Interval(start, end);
            default:
                throw new CoderException("A window starts with 00 (global) or 01 (interval), at position " + (reader.Position - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        }
    }
}

/// <summary>
/// The coder of a <see cref="PaneInfo"/>: one byte (bit 0 first, bit 1 last, bits 2-3 the timing), then the index and
/// the non-speculative index (8 bytes each).
/// </summary>
public readonly struct PaneInfoCoder : ICoder<PaneInfo>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0500_0002u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, PaneInfo value)
    {
        writer.WriteByte((byte)((value.IsFirst ? 1 : 0) | (value.IsLast ? 2 : 0) | ((int)value.Timing << 2)));
        writer.WriteInt64(value.Index);
        writer.WriteInt64(value.NonSpeculativeIndex);
    }

    /// <inheritdoc/>
    public PaneInfo Decode(ref CoderReader reader)
    {
        var flags = reader.ReadByte();
        if (flags > 0x0F)
        {
            throw new CoderException("A pane's flags byte is at most 0F, at position " + (reader.Position - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        }

        var index = reader.ReadInt64();
        return new PaneInfo((flags & 1) != 0, (flags & 2) != 0, (PaneTiming)(flags >> 2), index, reader.ReadInt64());
    }
}

/// <summary>The coder of <see cref="MinMaxAccumulator{T}"/>, the state of Min and Max: a presence marker, then the value if any.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <typeparam name="TCoder">Its coder.</typeparam>
public readonly struct MinMaxAccumulatorCoder<T, TCoder> : ICoder<MinMaxAccumulator<T>>
    where TCoder : struct, ICoder<T>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(0x0600_0001u, default(TCoder).FormatVersion);

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, MinMaxAccumulator<T> value)
    {
        writer.WritePresence(value.HasValue);
        if (value.HasValue)
        {
            default(TCoder).Encode(ref writer, value.Value);
        }
    }

    /// <inheritdoc/>
    public MinMaxAccumulator<T> Decode(ref CoderReader reader) =>
        reader.ReadPresence() ? new MinMaxAccumulator<T>(default(TCoder).Decode(ref reader)) : default;
}

/// <summary>The coder of <see cref="MeanAccumulator"/>, the state of Mean: the sum (8 bytes) and the count (8 bytes).</summary>
public readonly struct MeanAccumulatorCoder : ICoder<MeanAccumulator>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0600_0002u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, MeanAccumulator value)
    {
        writer.WriteDouble(value.Sum);
        writer.WriteInt64(value.Count);
    }

    /// <inheritdoc/>
    public MeanAccumulator Decode(ref CoderReader reader) => new() { Sum = reader.ReadDouble(), Count = reader.ReadInt64() };
}

/// <summary>
/// The coder of <see cref="TopAccumulator{T}"/>, the state of Top and Smallest: a presence marker, the most elements
/// kept (4 bytes), which end is kept (1 byte), then the kept elements in the accumulator's heap order (a count and the
/// items), which rebuilds the same heap when read.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TCoder">Its coder.</typeparam>
#nullable disable annotations // an oblivious interface: the coder serves T and T? alike, without warnings
public readonly struct TopAccumulatorCoder<T, TCoder> : ICoder<TopAccumulator<T>>
    where TCoder : struct, ICoder<T>
#nullable restore annotations
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(0x0600_0003u, default(TCoder).FormatVersion);

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, TopAccumulator<T>? value)
    {
        writer.WritePresence(value is not null);
        if (value is null)
        {
            return;
        }

        writer.WriteInt32(value.MaxCount);
        writer.WriteBoolean(value.KeepsSmallest);
        var kept = value.KeptInHeapOrder;
        writer.WriteLength(kept.Length);
        foreach (var item in kept)
        {
            default(TCoder).Encode(ref writer, item);
        }
    }

    /// <inheritdoc/>
    public TopAccumulator<T>? Decode(ref CoderReader reader)
    {
        if (!reader.ReadPresence())
        {
            return null;
        }

        var maxCount = reader.ReadInt32();
        var smallest = reader.ReadBoolean();
        var count = reader.ReadLength();
        if (maxCount <= 0 || count < 0 || count > maxCount)
        {
            throw new CoderException("A top accumulator keeps at most " + maxCount.ToString(System.Globalization.CultureInfo.InvariantCulture) + " elements, a positive number, and no more: " + count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " are announced.");
        }

        // As written, in heap order: the heap was built by an order a checkpoint does not hold (a comparer), which the
        // combine function gives it back before it is used.
        var kept = new T[count];
        for (var i = 0; i < count; i++)
        {
            kept[i] = default(TCoder).Decode(ref reader);
        }

        return TopAccumulator<T>.Restore(maxCount, smallest, kept);
    }
}
