using System;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Compiled.Coders;

/// <summary>
/// Reads what a <see cref="CoderWriter"/> wrote, from a <see cref="ReadOnlySpan{T}"/> of bytes. A <c>ref struct</c>:
/// reading a value type allocates nothing. Data that ends early throws <see cref="CoderException"/>.
/// </summary>
public ref struct CoderReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _canonical;
    private int _position;

    /// <summary>A reader of <paramref name="data"/>, from its start.</summary>
    /// <param name="data">The encoded bytes.</param>
    /// <param name="canonical">The data is in the canonical encoding (keys) rather than the exact one.</param>
    public CoderReader(ReadOnlySpan<byte> data, bool canonical = false)
    {
        _data = data;
        _canonical = canonical;
    }

    /// <summary>True when the data is in the canonical encoding, as written by a canonical <see cref="CoderWriter"/>.</summary>
    public readonly bool Canonical => _canonical;

    /// <summary>The number of bytes read so far.</summary>
    public readonly int Position => _position;

    /// <summary>The number of bytes left.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Reads a byte.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte()
    {
        if ((uint)_position >= (uint)_data.Length)
        {
            ThrowEnded(1);
        }

        return _data[_position++];
    }

    /// <summary>Reads a <see cref="bool"/> (00 or 01).</summary>
    /// <returns>The value.</returns>
    public bool ReadBoolean() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new CoderException("A boolean is 00 or 01, but the byte at position " + (_position - 1).ToString(CultureInfo.InvariantCulture) + " is " + other.ToString("X2", CultureInfo.InvariantCulture) + "."),
    };

    /// <summary>Reads an <see cref="sbyte"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte ReadSByte() => (sbyte)ReadByte();

    /// <summary>Reads a <see cref="short"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public short ReadInt16() => (short)ReadUInt16();

    /// <summary>Reads a <see cref="char"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public char ReadChar() => (char)ReadUInt16();

    /// <summary>Reads a <see cref="ushort"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort ReadUInt16()
    {
        var value = BinaryPrimitives.ReadUInt16LittleEndian(Take(sizeof(ushort)));
        return value;
    }

    /// <summary>Reads an <see cref="int"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

    /// <summary>Reads a <see cref="uint"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint)));

    /// <summary>Reads a <see cref="long"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

    /// <summary>Reads a <see cref="ulong"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong)));

    /// <summary>Reads a <see cref="float"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ReadSingle() => BitConverter.UInt32BitsToSingle(ReadUInt32());

    /// <summary>Reads a <see cref="double"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadUInt64());

    /// <summary>Reads a <see cref="decimal"/>.</summary>
    /// <returns>The value.</returns>
    public decimal ReadDecimal()
    {
        int low = ReadInt32();
        int middle = ReadInt32();
        int high = ReadInt32();
        int flags = ReadInt32();
        int scale = (flags >> 16) & 0xFF;
        if ((flags & 0x7F00FFFF) != 0 || scale > 28)
        {
            throw new CoderException("The flags of a decimal ending at position " + _position.ToString(CultureInfo.InvariantCulture) + " are not valid (" + flags.ToString("X8", CultureInfo.InvariantCulture) + ").");
        }

        return new decimal(low, middle, high, flags < 0, (byte)scale);
    }

    /// <summary>Reads a <see cref="Guid"/>.</summary>
    /// <returns>The value.</returns>
    public Guid ReadGuid() => new(Take(16));

    /// <summary>Reads a <see cref="DateTime"/> (with its kind, unless the data is canonical).</summary>
    /// <returns>The value.</returns>
    public DateTime ReadDateTime()
    {
        var raw = ReadUInt64();
        var ticks = (long)(raw & 0x3FFF_FFFF_FFFF_FFFFul);
        if (ticks > DateTime.MaxValue.Ticks || (raw >> 62) == 3)
        {
            throw new CoderException("The DateTime ending at position " + _position.ToString(CultureInfo.InvariantCulture) + " is out of range.");
        }

        return new DateTime(ticks, (DateTimeKind)(raw >> 62));
    }

    /// <summary>Reads a <see cref="DateTimeOffset"/> (canonical data: at offset zero).</summary>
    /// <returns>The value.</returns>
    public DateTimeOffset ReadDateTimeOffset()
    {
        var utcTicks = ReadInt64();
        var minutes = _canonical ? (short)0 : ReadInt16();
        try
        {
            return new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(minutes));
        }
        catch (ArgumentException ex)
        {
            throw new CoderException("The DateTimeOffset ending at position " + _position.ToString(CultureInfo.InvariantCulture) + " is out of range.", ex);
        }
    }

    /// <summary>Reads a <see cref="TimeSpan"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TimeSpan ReadTimeSpan() => new(ReadInt64());

    /// <summary>Reads an <see cref="Instant"/>.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Instant ReadInstant() => new(ReadInt64());

    /// <summary>Reads a presence marker: true when a value follows.</summary>
    /// <returns>True for 01, false for 00.</returns>
    public bool ReadPresence() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new CoderException("A presence marker is 00 or 01, but the byte at position " + (_position - 1).ToString(CultureInfo.InvariantCulture) + " is " + other.ToString("X2", CultureInfo.InvariantCulture) + "."),
    };

    /// <summary>Reads the length of a collection: -1 (null) or a count no larger than the bytes left (each item takes at least one byte, or none for an empty struct).</summary>
    /// <returns>The length, or -1.</returns>
    public int ReadLength()
    {
        var length = ReadInt32();
        if (length < -1)
        {
            throw new CoderException("A length is -1 or more, but the one ending at position " + _position.ToString(CultureInfo.InvariantCulture) + " is " + length.ToString(CultureInfo.InvariantCulture) + ".");
        }

        return length;
    }

    /// <summary>Reads a string (null for the length -1).</summary>
    /// <returns>The value.</returns>
    public string? ReadString()
    {
        var length = ReadLength();
        if (length < 0)
        {
            return null;
        }

        var bytes = Take(length);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads bytes written by <see cref="CoderWriter.WriteBytes"/>; the span points into the data.</summary>
    /// <returns>The bytes.</returns>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadLength();
        return length < 0 ? default : Take(length);
    }

    /// <summary>Reads <paramref name="count"/> bytes as they are; the span points into the data.</summary>
    /// <param name="count">The number of bytes.</param>
    /// <returns>The bytes.</returns>
    public ReadOnlySpan<byte> ReadRaw(int count) => Take(count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        if (_data.Length - _position < count)
        {
            ThrowEnded(count);
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    [DoesNotReturn]
    private readonly void ThrowEnded(int count) =>
        throw new CoderException("The encoded data ends early: " + count.ToString(CultureInfo.InvariantCulture) + " bytes needed at position " + _position.ToString(CultureInfo.InvariantCulture) + ", " + (_data.Length - _position).ToString(CultureInfo.InvariantCulture) + " left.");
}
