using System;
using System.Runtime.CompilerServices;

namespace Compiled.Coders;

/// <summary>The coder of a <see cref="bool"/>: one byte, 00 or 01.</summary>
public readonly struct BooleanCoder : ICoder<bool>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0001u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, bool value) => writer.WriteBoolean(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Decode(ref CoderReader reader) => reader.ReadBoolean();
}

/// <summary>The coder of a <see cref="byte"/>: one byte.</summary>
public readonly struct ByteCoder : ICoder<byte>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0002u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, byte value) => writer.WriteByte(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Decode(ref CoderReader reader) => reader.ReadByte();
}

/// <summary>The coder of an <see cref="sbyte"/>: one byte.</summary>
public readonly struct SByteCoder : ICoder<sbyte>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0003u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, sbyte value) => writer.WriteSByte(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte Decode(ref CoderReader reader) => reader.ReadSByte();
}

/// <summary>The coder of a <see cref="short"/>: 2 bytes, little-endian.</summary>
public readonly struct Int16Coder : ICoder<short>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0004u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, short value) => writer.WriteInt16(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public short Decode(ref CoderReader reader) => reader.ReadInt16();
}

/// <summary>The coder of a <see cref="ushort"/>: 2 bytes, little-endian.</summary>
public readonly struct UInt16Coder : ICoder<ushort>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0005u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, ushort value) => writer.WriteUInt16(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort Decode(ref CoderReader reader) => reader.ReadUInt16();
}

/// <summary>The coder of a <see cref="char"/>: its UTF-16 code unit, 2 bytes.</summary>
public readonly struct CharCoder : ICoder<char>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0006u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, char value) => writer.WriteChar(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public char Decode(ref CoderReader reader) => reader.ReadChar();
}

/// <summary>The coder of an <see cref="int"/>: 4 bytes, little-endian.</summary>
public readonly struct Int32Coder : ICoder<int>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0007u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, int value) => writer.WriteInt32(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(ref CoderReader reader) => reader.ReadInt32();
}

/// <summary>The coder of a <see cref="uint"/>: 4 bytes, little-endian.</summary>
public readonly struct UInt32Coder : ICoder<uint>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0008u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, uint value) => writer.WriteUInt32(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Decode(ref CoderReader reader) => reader.ReadUInt32();
}

/// <summary>The coder of a <see cref="long"/>: 8 bytes, little-endian.</summary>
public readonly struct Int64Coder : ICoder<long>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0009u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, long value) => writer.WriteInt64(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Decode(ref CoderReader reader) => reader.ReadInt64();
}

/// <summary>The coder of a <see cref="ulong"/>: 8 bytes, little-endian.</summary>
public readonly struct UInt64Coder : ICoder<ulong>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_000Au;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, ulong value) => writer.WriteUInt64(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Decode(ref CoderReader reader) => reader.ReadUInt64();
}

/// <summary>The coder of a <see cref="float"/>: its IEEE bits (canonical: one zero, one NaN).</summary>
public readonly struct SingleCoder : ICoder<float>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_000Bu;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, float value) => writer.WriteSingle(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Decode(ref CoderReader reader) => reader.ReadSingle();
}

/// <summary>The coder of a <see cref="double"/>: its IEEE bits (canonical: one zero, one NaN).</summary>
public readonly struct DoubleCoder : ICoder<double>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_000Cu;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, double value) => writer.WriteDouble(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Decode(ref CoderReader reader) => reader.ReadDouble();
}

/// <summary>The coder of a <see cref="decimal"/>: 16 bytes (canonical: without trailing zeros).</summary>
public readonly struct DecimalCoder : ICoder<decimal>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_000Du;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, decimal value) => writer.WriteDecimal(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public decimal Decode(ref CoderReader reader) => reader.ReadDecimal();
}

/// <summary>The coder of a string: its UTF-8 length (-1 for null) and bytes.</summary>
#nullable disable annotations // an oblivious interface: the coder serves T and T? alike, without warnings
public readonly struct StringCoder : ICoder<string>
#nullable restore annotations
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_000Eu;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, string? value) => writer.WriteString(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public string? Decode(ref CoderReader reader) => reader.ReadString();
}

/// <summary>The coder of a <see cref="System.Guid"/>: 16 bytes.</summary>
public readonly struct GuidCoder : ICoder<global::System.Guid>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_000Fu;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, global::System.Guid value) => writer.WriteGuid(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public global::System.Guid Decode(ref CoderReader reader) => reader.ReadGuid();
}

/// <summary>The coder of a <see cref="System.DateTime"/>: ticks and kind (canonical: ticks), 8 bytes.</summary>
public readonly struct DateTimeCoder : ICoder<global::System.DateTime>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0010u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, global::System.DateTime value) => writer.WriteDateTime(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public global::System.DateTime Decode(ref CoderReader reader) => reader.ReadDateTime();
}

/// <summary>The coder of a <see cref="System.DateTimeOffset"/>: UTC ticks and offset minutes (canonical: UTC ticks).</summary>
public readonly struct DateTimeOffsetCoder : ICoder<global::System.DateTimeOffset>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0011u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, global::System.DateTimeOffset value) => writer.WriteDateTimeOffset(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public global::System.DateTimeOffset Decode(ref CoderReader reader) => reader.ReadDateTimeOffset();
}

/// <summary>The coder of a <see cref="System.TimeSpan"/>: its ticks, 8 bytes.</summary>
public readonly struct TimeSpanCoder : ICoder<global::System.TimeSpan>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0012u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, global::System.TimeSpan value) => writer.WriteTimeSpan(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public global::System.TimeSpan Decode(ref CoderReader reader) => reader.ReadTimeSpan();
}

/// <summary>The coder of an <see cref="Instant"/>: milliseconds since the epoch, 8 bytes.</summary>
public readonly struct InstantCoder : ICoder<global::Compiled.Instant>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0013u;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, global::Compiled.Instant value) => writer.WriteInstant(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public global::Compiled.Instant Decode(ref CoderReader reader) => reader.ReadInstant();
}

/// <summary>The coder of a <see cref="System.DateOnly"/>: its day number, 4 bytes.</summary>
public readonly struct DateOnlyCoder : ICoder<global::System.DateOnly>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0014u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, global::System.DateOnly value) => writer.WriteInt32(value.DayNumber);

    /// <inheritdoc/>
    public global::System.DateOnly Decode(ref CoderReader reader) => global::System.DateOnly.FromDayNumber(Checked(reader.ReadInt32(), 0, 3652058));

    private static int Checked(int value, int min, int max) => value >= min && value <= max ? value : throw new CoderException("A DateOnly out of range: " + value.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + ".");
}

/// <summary>The coder of a <see cref="System.TimeOnly"/>: its ticks, 8 bytes.</summary>
public readonly struct TimeOnlyCoder : ICoder<global::System.TimeOnly>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0015u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, global::System.TimeOnly value) => writer.WriteInt64(value.Ticks);

    /// <inheritdoc/>
    public global::System.TimeOnly Decode(ref CoderReader reader) => new global::System.TimeOnly(Checked(reader.ReadInt64(), 0, global::System.TimeOnly.MaxValue.Ticks));

    private static long Checked(long value, long min, long max) => value >= min && value <= max ? value : throw new CoderException("A TimeOnly out of range: " + value.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + ".");
}

/// <summary>The coder of an <see cref="System.Int128"/>: 16 bytes, little-endian.</summary>
public readonly struct Int128Coder : ICoder<global::System.Int128>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0016u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, global::System.Int128 value) { writer.WriteUInt64((ulong)value); writer.WriteUInt64((ulong)(value >> 64)); }

    /// <inheritdoc/>
    public global::System.Int128 Decode(ref CoderReader reader) => (global::System.Int128)new global::System.UInt128(ReadHigh(ref reader, out var low), low);

    private static ulong ReadHigh(ref CoderReader reader, out ulong low)
    {
        low = reader.ReadUInt64();
        return reader.ReadUInt64();
    }
}

/// <summary>The coder of a <see cref="System.UInt128"/>: 16 bytes, little-endian.</summary>
public readonly struct UInt128Coder : ICoder<global::System.UInt128>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0017u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, global::System.UInt128 value) { writer.WriteUInt64((ulong)value); writer.WriteUInt64((ulong)(value >> 64)); }

    /// <inheritdoc/>
    public global::System.UInt128 Decode(ref CoderReader reader) => new global::System.UInt128(ReadHigh(ref reader, out var low), low);

    private static ulong ReadHigh(ref CoderReader reader, out ulong low)
    {
        low = reader.ReadUInt64();
        return reader.ReadUInt64();
    }
}

/// <summary>The coder of a <see cref="System.Half"/>: its IEEE bits (canonical: one zero, one NaN).</summary>
public readonly struct HalfCoder : ICoder<global::System.Half>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0018u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, global::System.Half value) => writer.WriteUInt16(global::System.BitConverter.HalfToUInt16Bits(CanonicalHalf(value, writer.Canonical)));

    /// <inheritdoc/>
    public global::System.Half Decode(ref CoderReader reader) => global::System.BitConverter.UInt16BitsToHalf(reader.ReadUInt16());

    private static global::System.Half CanonicalHalf(global::System.Half value, bool canonical) =>
        !canonical ? value : global::System.Half.IsNaN(value) ? global::System.Half.NaN : value == global::System.Half.Zero ? global::System.Half.Zero : value;
}

/// <summary>The coder of characters held as <see cref="System.ReadOnlyMemory{T}"/>: encoded as the string with the same characters (decoded over a new string).</summary>
public readonly struct CharMemoryCoder : ICoder<global::System.ReadOnlyMemory<char>>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_000Eu;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, global::System.ReadOnlyMemory<char> value) => writer.WriteString(value.Span);

    /// <inheritdoc/>
    public global::System.ReadOnlyMemory<char> Decode(ref CoderReader reader) => (reader.ReadString() ?? string.Empty).AsMemory();
}

/// <summary>
/// The coder of bytes held as <see cref="System.ReadOnlyMemory{T}"/> (a <c>ReadUtf8Lines</c> input's lines and words):
/// their length (4 bytes), then the bytes; deterministic, so such bytes may be a key, compared by content. Decoded
/// over a new array.
/// </summary>
public readonly struct ByteMemoryCoder : ICoder<global::System.ReadOnlyMemory<byte>>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0019u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, global::System.ReadOnlyMemory<byte> value) => writer.WriteBytes(value.Span);

    /// <inheritdoc/>
    public global::System.ReadOnlyMemory<byte> Decode(ref CoderReader reader) => reader.ReadBytes().ToArray();
}

/// <summary>The coder of a <see cref="Utf8Key"/>, as a runner's state stores UTF-8 text keys: the bytes of <see cref="ByteMemoryCoder"/>.</summary>
public readonly struct Utf8KeyCoder : ICoder<Utf8Key>
{
    /// <inheritdoc/>
    public uint FormatVersion => 0x0100_0019u;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, Utf8Key value) => writer.WriteBytes(value.Span);

    /// <inheritdoc/>
    public Utf8Key Decode(ref CoderReader reader) => Utf8Key.Copy(reader.ReadBytes());
}
