using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Compiled.Coders;

/// <summary>
/// Where a coder writes: a <see cref="Span{T}"/> of bytes, an <see cref="IBufferWriter{T}"/>, or (inside the runtime)
/// the XXH3 hash of a key. A <c>ref struct</c>: writing allocates nothing.
/// </summary>
/// <remarks>
/// <para>The format (every coder's, built-in or generated) is the one <see cref="Parallel.KeyHasher"/> documents:
/// fixed-width little-endian numbers, a string as its 4-byte UTF-8 length (-1 for null) and its UTF-8 bytes, a
/// nullable as a 1-byte marker (00 absent, 01 present) and then the value. No type tags and no field names.</para>
/// <para>In the <see cref="Canonical"/> mode, values that .NET holds equal are written with equal bytes: -0.0 as +0.0,
/// every NaN as one NaN, a decimal without trailing zeros, a <see cref="DateTime"/> without its kind, a
/// <see cref="DateTimeOffset"/> as its UTC instant. Otherwise (the exact mode) every bit is kept, so that a decoded
/// value is the one encoded.</para>
/// <para>Writing to an <see cref="IBufferWriter{T}"/> ends with <see cref="Flush"/>, which commits the bytes written.</para>
/// </remarks>
public ref struct CoderWriter
{
    private const byte SpanMode = 0;
    private const byte BufferWriterMode = 1;
    private const byte HashMode = 2;

    private Span<byte> _span;
    private int _position;
    private long _committed;
    private readonly IBufferWriter<byte>? _output;
    private XxHash3? _hash;
    private readonly byte _mode;
    private readonly bool _canonical;

    /// <summary>A writer into <paramref name="destination"/>; writing past its end throws <see cref="ArgumentException"/>.</summary>
    /// <param name="destination">The bytes to fill, from the start.</param>
    /// <param name="canonical">Write the canonical encoding (keys) rather than the exact one.</param>
    public CoderWriter(Span<byte> destination, bool canonical = false)
    {
        _span = destination;
        _mode = SpanMode;
        _canonical = canonical;
    }

    /// <summary>A writer into <paramref name="output"/>, which it asks for memory as it goes; call <see cref="Flush"/> at the end.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="canonical">Write the canonical encoding (keys) rather than the exact one.</param>
    public CoderWriter(IBufferWriter<byte> output, bool canonical = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _span = output.GetSpan();
        _mode = BufferWriterMode;
        _canonical = canonical;
    }

    private CoderWriter(Span<byte> buffer, byte mode)
    {
        _span = buffer;
        _mode = mode;
        _canonical = true;
    }

    /// <summary>True when values .NET holds equal are written with equal bytes (keys); false for the exact encoding.</summary>
    public readonly bool Canonical => _canonical;

    /// <summary>The number of bytes written so far.</summary>
    public readonly long BytesWritten => _committed + _position;

    /// <summary>A canonical writer that hashes what it is given, buffering in <paramref name="buffer"/> (at least 32 bytes).</summary>
    internal static CoderWriter ForHash(Span<byte> buffer)
    {
        Debug.Assert(buffer.Length >= 32, "A primitive must fit in the buffer.");
        return new CoderWriter(buffer, HashMode);
    }

    /// <summary>The XXH3-64 (seed 0) of every byte written by a writer made by <see cref="ForHash"/>.</summary>
    internal ulong FinishHash()
    {
        Debug.Assert(_mode == HashMode, "Only a hashing writer has a hash.");
        if (_hash is null)
        {
            return XxHash3.HashToUInt64(_span.Slice(0, _position));
        }

        _hash.Append(_span.Slice(0, _position));
        var hash = _hash.GetCurrentHashAsUInt64();
        SpareHash.Return(_hash);
        _hash = null;
        _position = 0;
        return hash;
    }

    /// <summary>Commits the bytes written to the <see cref="IBufferWriter{T}"/> (nothing to do for a span).</summary>
    public void Flush()
    {
        if (_mode == BufferWriterMode && _position > 0)
        {
            _output!.Advance(_position);
            _committed += _position;
            _span = _span.Slice(_position);
            _position = 0;
        }
    }

    /// <summary>Writes a byte.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if ((uint)_position >= (uint)_span.Length)
        {
            Grow(1);
        }

        _span[_position++] = value;
    }

    /// <summary>Writes a <see cref="bool"/>: one byte, 00 or 01.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>Writes an <see cref="sbyte"/>: one byte, two's complement.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteSByte(sbyte value) => WriteByte((byte)value);

    /// <summary>Writes a <see cref="short"/>: 2 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt16(short value) => WriteUInt16((ushort)value);

    /// <summary>Writes a <see cref="char"/>: its UTF-16 code unit, 2 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteChar(char value) => WriteUInt16(value);

    /// <summary>Writes a <see cref="ushort"/>: 2 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt16(ushort value)
    {
        Ensure(sizeof(ushort));
        BinaryPrimitives.WriteUInt16LittleEndian(_span.Slice(_position), value);
        _position += sizeof(ushort);
    }

    /// <summary>Writes an <see cref="int"/>: 4 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt32(int value) => WriteUInt32((uint)value);

    /// <summary>Writes a <see cref="uint"/>: 4 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(uint value)
    {
        Ensure(sizeof(uint));
        BinaryPrimitives.WriteUInt32LittleEndian(_span.Slice(_position), value);
        _position += sizeof(uint);
    }

    /// <summary>Writes a <see cref="long"/>: 8 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt64(long value) => WriteUInt64((ulong)value);

    /// <summary>Writes a <see cref="ulong"/>: 8 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong value)
    {
        Ensure(sizeof(ulong));
        BinaryPrimitives.WriteUInt64LittleEndian(_span.Slice(_position), value);
        _position += sizeof(ulong);
    }

    /// <summary>Writes a <see cref="float"/>: its IEEE bits (canonical: -0.0 as +0.0, every NaN as 0x7FC00000).</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteSingle(float value) =>
        WriteUInt32(!_canonical ? BitConverter.SingleToUInt32Bits(value) : float.IsNaN(value) ? 0x7FC00000u : value == 0f ? 0u : BitConverter.SingleToUInt32Bits(value));

    /// <summary>Writes a <see cref="double"/>: its IEEE bits (canonical: -0.0 as +0.0, every NaN as 0x7FF8000000000000).</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteDouble(double value) =>
        WriteUInt64(!_canonical ? BitConverter.DoubleToUInt64Bits(value) : double.IsNaN(value) ? 0x7FF8000000000000ul : value == 0d ? 0ul : BitConverter.DoubleToUInt64Bits(value));

    /// <summary>
    /// Writes a <see cref="decimal"/>: the four words of <see cref="decimal.GetBits(decimal)"/> (16 bytes). Canonical:
    /// without trailing zeros (1.00m as 1m) and zero without sign or scale.
    /// </summary>
    /// <param name="value">The value.</param>
    public void WriteDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        uint low = (uint)bits[0];
        uint middle = (uint)bits[1];
        uint high = (uint)bits[2];
        int flags = bits[3];
        if (_canonical)
        {
            if ((low | middle | high) == 0)
            {
                flags = 0;
            }
            else
            {
                // Divide the 96-bit coefficient by ten while the remainder is zero and the scale allows, 32 bits at a time.
                int scale = (flags >> 16) & 0xFF;
                while (scale > 0)
                {
                    ulong remainder = high;
                    uint nextHigh = (uint)(remainder / 10);
                    remainder = ((remainder % 10) << 32) | middle;
                    uint nextMiddle = (uint)(remainder / 10);
                    remainder = ((remainder % 10) << 32) | low;
                    uint nextLow = (uint)(remainder / 10);
                    if (remainder % 10 != 0)
                    {
                        break;
                    }

                    high = nextHigh;
                    middle = nextMiddle;
                    low = nextLow;
                    scale--;
                }

                flags = (flags & int.MinValue) | (scale << 16);
            }
        }

        WriteUInt32(low);
        WriteUInt32(middle);
        WriteUInt32(high);
        WriteUInt32((uint)flags);
    }

    /// <summary>Writes a <see cref="Guid"/>: the 16 bytes of <see cref="Guid.ToByteArray()"/>.</summary>
    /// <param name="value">The value.</param>
    public void WriteGuid(Guid value)
    {
        Ensure(16);
        bool written = value.TryWriteBytes(_span.Slice(_position, 16));
        Debug.Assert(written, "16 bytes were reserved.");
        _position += 16;
    }

    /// <summary>
    /// Writes a <see cref="DateTime"/>: 8 bytes, its ticks with its kind in the two high bits (canonical: the ticks only,
    /// as <see cref="DateTime.Equals(DateTime)"/> ignores the kind).
    /// </summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteDateTime(DateTime value) =>
        WriteUInt64(_canonical ? (ulong)value.Ticks : (ulong)value.Ticks | ((ulong)value.Kind << 62));

    /// <summary>
    /// Writes a <see cref="DateTimeOffset"/>: its UTC ticks (8 bytes) and its offset in minutes (2 bytes); canonical:
    /// the UTC ticks only, as <see cref="DateTimeOffset.Equals(DateTimeOffset)"/> compares the instant.
    /// </summary>
    /// <param name="value">The value.</param>
    public void WriteDateTimeOffset(DateTimeOffset value)
    {
        WriteInt64(value.UtcTicks);
        if (!_canonical)
        {
            WriteInt16((short)value.TotalOffsetMinutes);
        }
    }

    /// <summary>Writes a <see cref="TimeSpan"/>: its ticks (8 bytes).</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteTimeSpan(TimeSpan value) => WriteInt64(value.Ticks);

    /// <summary>Writes an <see cref="Instant"/>: its milliseconds since the epoch (8 bytes).</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInstant(Instant value) => WriteInt64(value.Millis);

    /// <summary>Writes the presence marker of a nullable value: 01 (a value follows) or 00.</summary>
    /// <param name="present">True when a value follows.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WritePresence(bool present) => WriteByte(present ? (byte)1 : (byte)0);

    /// <summary>Writes the length of a collection or string that follows: 4 bytes, -1 for null.</summary>
    /// <param name="length">The number of items, or -1.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteLength(int length) => WriteInt32(length);

    /// <summary>Writes a string: its UTF-8 length (4 bytes; -1 for null) and its UTF-8 bytes (an unpaired surrogate as U+FFFD).</summary>
    /// <param name="value">The value, or null.</param>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
        }
        else
        {
            WriteString(value.AsSpan());
        }
    }

    /// <summary>Writes characters as the non-null string with the same content.</summary>
    /// <param name="value">The characters.</param>
    public void WriteString(ReadOnlySpan<char> value)
    {
        // Most strings: encode straight after a reserved length, then write the length in front.
        var free = _span.Length - _position - sizeof(int);
        if (free >= 0 && (long)value.Length * 3 <= free)
        {
            var status = Utf8.FromUtf16(value, _span.Slice(_position + sizeof(int)), out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            Debug.Assert(status == OperationStatus.Done, "Three bytes per UTF-16 unit always fit.");
            BinaryPrimitives.WriteInt32LittleEndian(_span.Slice(_position), written);
            _position += sizeof(int) + written;
            return;
        }

        WriteLongString(value);
    }

    /// <summary>Writes bytes: their length (4 bytes), then the bytes.</summary>
    /// <param name="value">The bytes.</param>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes bytes as they are, without a length.</summary>
    /// <param name="value">The bytes.</param>
    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        while (true)
        {
            var room = _span.Length - _position;
            if (value.Length <= room)
            {
                value.CopyTo(_span.Slice(_position));
                _position += value.Length;
                return;
            }

            value.Slice(0, room).CopyTo(_span.Slice(_position));
            _position += room;
            value = value.Slice(room);
            Grow(Math.Min(value.Length, 256));
        }
    }

    private void WriteLongString(ReadOnlySpan<char> value)
    {
        // Encoding.UTF8 replaces unpaired surrogates with U+FFFD as Utf8.FromUtf16 does below, so the count matches.
        WriteInt32(Encoding.UTF8.GetByteCount(value));
        while (true)
        {
            var status = Utf8.FromUtf16(value, _span.Slice(_position), out int read, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            _position += written;
            value = value.Slice(read);
            if (status == OperationStatus.Done)
            {
                return;
            }

            Debug.Assert(status == OperationStatus.DestinationTooSmall, "Invalid sequences are replaced and the block is final.");
            Grow(Math.Min(value.Length * 3, 256));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int size)
    {
        if (_span.Length - _position < size)
        {
            Grow(size);
        }
    }

    /// <summary>Makes room for at least <paramref name="size"/> bytes: commits what is written and asks for more.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int size)
    {
        switch (_mode)
        {
            case BufferWriterMode:
                Flush();
                _span = _output!.GetSpan(size);
                if (_span.Length < size)
                {
                    throw new InvalidOperationException("The buffer writer returned less memory than asked for.");
                }

                break;
            case HashMode:
                _hash ??= SpareHash.Take();
                _hash.Append(_span.Slice(0, _position));
                _committed += _position;
                _position = 0;
                break;
            default:
                throw new ArgumentException("The destination is too small for the encoded value (" + (_position + size).ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes or more needed, " + _span.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " given).");
        }
    }

    /// <summary>One streaming hash per thread, reused by keys longer than the buffer.</summary>
    private static class SpareHash
    {
        [ThreadStatic]
        private static XxHash3? t_spare;

        public static XxHash3 Take()
        {
            var hash = t_spare;
            if (hash is null)
            {
                return new XxHash3();
            }

            t_spare = null;
            hash.Reset();
            return hash;
        }

        public static void Return(XxHash3 hash) => t_spare = hash;
    }
}
