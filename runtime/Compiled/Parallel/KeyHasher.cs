using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Compiled.Parallel;

/// <summary>
/// Hashes a key from its canonical encoding: the same 64-bit value in every process, run and machine, so that a key
/// lands in the same key group everywhere (<see cref="KeyGroups"/>). Never <see cref="object.GetHashCode"/>: string
/// hash codes are randomized per process.
/// </summary>
/// <remarks>
/// <para>Usage: add the key's fields in a fixed order, then <see cref="Finish"/>:</para>
/// <code>
/// var hasher = new KeyHasher();
/// hasher.Add(order.Customer);   // string
/// hasher.Add(order.Day);        // DateTime
/// ulong hash = hasher.Finish();
/// </code>
/// <para><b>The hash.</b> XXH3-64 with seed 0 (<see cref="XxHash3.HashToUInt64(ReadOnlySpan{byte}, long)"/>) of the
/// key's canonical encoding; <see cref="HashEncoding"/> hashes an encoding made elsewhere (a coder) to the same value.
/// The generated runners hash a key with its coder (<see cref="Coders.Coder.Hash{T, TCoder}(T)"/>), whose canonical
/// bytes are the ones below (tests check both against the same golden vectors).</para>
/// <para><b>The canonical encoding</b> is the concatenation of the fields' encodings, in the order they are added.
/// Numbers are little-endian, of fixed width:</para>
/// <list type="table">
/// <listheader><term>Field</term><description>Bytes</description></listheader>
/// <item><term><see cref="bool"/></term><description>1: <c>00</c> (false) or <c>01</c> (true).</description></item>
/// <item><term><see cref="byte"/>, <see cref="sbyte"/></term><description>1 (two's complement for <see cref="sbyte"/>).</description></item>
/// <item><term><see cref="short"/>, <see cref="ushort"/>, <see cref="char"/></term><description>2 (a <see cref="char"/> is its UTF-16 code unit).</description></item>
/// <item><term><see cref="int"/>, <see cref="uint"/></term><description>4.</description></item>
/// <item><term><see cref="long"/>, <see cref="ulong"/></term><description>8.</description></item>
/// <item><term><see cref="float"/></term><description>4: the IEEE 754 binary32 bits, with <c>-0.0</c> written as <c>+0.0</c>
/// (<c>00 00 00 00</c>) and every NaN as <c>0x7FC00000</c>, because .NET's <see cref="float.Equals(float)"/> holds both
/// zeros equal and all NaNs equal.</description></item>
/// <item><term><see cref="double"/></term><description>8: the IEEE 754 binary64 bits, <c>-0.0</c> as <c>+0.0</c>, every NaN
/// as <c>0x7FF8000000000000</c>.</description></item>
/// <item><term><see cref="decimal"/></term><description>16: the four 32-bit words of <see cref="decimal.GetBits(decimal)"/>
/// (low, middle and high words of the coefficient, then the flags: scale in bits 16-23, sign in bit 31) of the
/// normalised value: trailing decimal zeros are removed from the coefficient, lowering the scale (<c>1.00m</c> is
/// written as <c>1m</c>: coefficient 1, scale 0), and zero is 16 zero bytes (no sign, scale 0), because
/// <c>1.0m == 1.00m</c> and <c>-0m == 0m</c> in .NET.</description></item>
/// <item><term><see cref="string"/>, <see cref="ReadOnlySpan{T}"/> of <see cref="char"/></term><description>A 4-byte
/// length, the number of UTF-8 bytes, then the UTF-8 bytes (no byte order mark; an unpaired surrogate is written as
/// U+FFFD, <c>EF BF BD</c>). A null string is the length <c>-1</c> (<c>FF FF FF FF</c>) and no bytes, so null and
/// <c>""</c> (<c>00 00 00 00</c>) differ. A span hashes as the string with the same characters.</description></item>
/// <item><term><see cref="ReadOnlySpan{T}"/> of <see cref="byte"/></term><description>A 4-byte length, then the bytes.</description></item>
/// <item><term><see cref="Guid"/></term><description>16: the bytes of <see cref="Guid.ToByteArray()"/> (its first three
/// fields little-endian).</description></item>
/// <item><term><see cref="DateTime"/></term><description>8: <see cref="DateTime.Ticks"/>. The kind is not written:
/// <see cref="DateTime.Equals(DateTime)"/> compares ticks only.</description></item>
/// <item><term><see cref="DateTimeOffset"/></term><description>8: <see cref="DateTimeOffset.UtcTicks"/>. The offset is
/// not written: <see cref="DateTimeOffset.Equals(DateTimeOffset)"/> compares the UTC instant.</description></item>
/// <item><term><see cref="TimeSpan"/></term><description>8: <see cref="TimeSpan.Ticks"/>.</description></item>
/// <item><term><see cref="Instant"/></term><description>8: <see cref="Instant.Millis"/>.</description></item>
/// <item><term>A nullable value</term><description><see cref="AddNull"/> writes <c>00</c>; <see cref="AddNotNull"/> writes
/// <c>01</c>, followed by the value (Beam's <c>NullableCoder</c> marker).</description></item>
/// </list>
/// <para><b>Field boundaries.</b> A key type adds the same fields in the same order, so fixed-width fields need no
/// separator; variable-length fields carry their length first, which makes the encoding prefix-free:
/// <c>("ab", "c")</c> is <c>02 00 00 00 61 62 01 00 00 00 63</c> and <c>("a", "bc")</c> is
/// <c>01 00 00 00 61 02 00 00 00 62 63</c>. No type tags are written: keys of different types may share an encoding,
/// which is harmless because they never meet in one exchange.</para>
/// <para><b>Cost.</b> Fields are encoded into a 128-byte buffer inside the hasher (no allocation); a key that outgrows
/// it streams into a per-thread <see cref="XxHash3"/> instance, which gives the same hash as the one-shot function.</para>
/// </remarks>
public ref struct KeyHasher
{
    private const int BufferSize = 128;

    private EncodingBuffer _buffer;
    private int _length;
    private XxHash3? _stream;

    /// <summary>Hashes a canonical key encoding made elsewhere (for example by a coder): the value <see cref="Finish"/> returns for a key whose fields encode to these bytes.</summary>
    /// <param name="encoding">The key's canonical encoding.</param>
    /// <returns>XXH3-64 with seed 0 of <paramref name="encoding"/>.</returns>
    public static ulong HashEncoding(ReadOnlySpan<byte> encoding) => XxHash3.HashToUInt64(encoding);

    /// <summary>Adds a <see cref="bool"/>: one byte, 0 or 1.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(bool value) => Put(value ? (byte)1 : (byte)0);

    /// <summary>Adds a <see cref="byte"/>.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(byte value) => Put(value);

    /// <summary>Adds an <see cref="sbyte"/>.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(sbyte value) => Put((byte)value);

    /// <summary>Adds a <see cref="short"/>: 2 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(short value) => PutLittleEndian((ushort)value);

    /// <summary>Adds a <see cref="ushort"/>: 2 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ushort value) => PutLittleEndian(value);

    /// <summary>Adds a <see cref="char"/>: its UTF-16 code unit, 2 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(char value) => PutLittleEndian((ushort)value);

    /// <summary>Adds an <see cref="int"/>: 4 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int value) => PutLittleEndian((uint)value);

    /// <summary>Adds a <see cref="uint"/>: 4 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(uint value) => PutLittleEndian(value);

    /// <summary>Adds a <see cref="long"/>: 8 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long value) => PutLittleEndian((ulong)value);

    /// <summary>Adds a <see cref="ulong"/>: 8 bytes, little-endian.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong value) => PutLittleEndian(value);

    /// <summary>Adds a <see cref="float"/>: its 4 IEEE bits, little-endian, with -0.0 as +0.0 and every NaN as one NaN.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(float value) =>
        PutLittleEndian(float.IsNaN(value) ? 0x7FC00000u : value == 0f ? 0u : BitConverter.SingleToUInt32Bits(value));

    /// <summary>Adds a <see cref="double"/>: its 8 IEEE bits, little-endian, with -0.0 as +0.0 and every NaN as one NaN.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(double value) =>
        PutLittleEndian(double.IsNaN(value) ? 0x7FF8000000000000ul : value == 0d ? 0ul : BitConverter.DoubleToUInt64Bits(value));

    /// <summary>Adds a <see cref="decimal"/>, normalised so that values .NET holds equal (1.0m and 1.00m, 0m and -0m) hash equal: see the remarks of <see cref="KeyHasher"/>.</summary>
    /// <param name="value">The value.</param>
    public void Add(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        uint low = (uint)bits[0];
        uint middle = (uint)bits[1];
        uint high = (uint)bits[2];
        int flags = bits[3];
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

        PutLittleEndian(low);
        PutLittleEndian(middle);
        PutLittleEndian(high);
        PutLittleEndian((uint)flags);
    }

    /// <summary>Adds a string: its UTF-8 length (4 bytes) and bytes; null is the length -1 and no bytes, distinct from <c>""</c>.</summary>
    /// <param name="value">The value, or null.</param>
    public void Add(string? value)
    {
        if (value is null)
        {
            PutLittleEndian(uint.MaxValue);
        }
        else
        {
            Add(value.AsSpan());
        }
    }

    /// <summary>Adds characters as a non-null string with the same content: its UTF-8 length (4 bytes) and bytes.</summary>
    /// <param name="value">The characters.</param>
    public void Add(ReadOnlySpan<char> value)
    {
        // Most keys: encode straight after a reserved length, then write the length in front.
        if (_length > BufferSize - sizeof(int) || !TryPutShortUtf8(value))
        {
            if (value.Length > BufferSize - sizeof(int) || _length == 0)
            {
                PutLongUtf8(value);
                return;
            }

            Spill();
            if (!TryPutShortUtf8(value))
            {
                PutLongUtf8(value);
            }
        }
    }

    /// <summary>Adds bytes: their length (4 bytes), then the bytes.</summary>
    /// <param name="value">The bytes.</param>
    public void Add(ReadOnlySpan<byte> value)
    {
        PutLittleEndian((uint)value.Length);
        if (value.Length <= BufferSize - _length)
        {
            value.CopyTo(Bytes.Slice(_length));
            _length += value.Length;
        }
        else
        {
            Spill();
            _stream!.Append(value);
        }
    }

    /// <summary>Adds a <see cref="Guid"/>: the 16 bytes of <see cref="Guid.ToByteArray()"/>.</summary>
    /// <param name="value">The value.</param>
    public void Add(Guid value)
    {
        Reserve(16);
        bool written = value.TryWriteBytes(Bytes.Slice(_length, 16));
        Debug.Assert(written, "16 bytes were reserved.");
        _length += 16;
    }

    /// <summary>Adds a <see cref="DateTime"/>: its ticks (8 bytes). The kind is ignored, as <see cref="DateTime.Equals(DateTime)"/> ignores it.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(DateTime value) => PutLittleEndian((ulong)value.Ticks);

    /// <summary>Adds a <see cref="DateTimeOffset"/>: its UTC ticks (8 bytes). The offset is ignored, as <see cref="DateTimeOffset.Equals(DateTimeOffset)"/> ignores it.</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(DateTimeOffset value) => PutLittleEndian((ulong)value.UtcTicks);

    /// <summary>Adds a <see cref="TimeSpan"/>: its ticks (8 bytes).</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(TimeSpan value) => PutLittleEndian((ulong)value.Ticks);

    /// <summary>Adds an <see cref="Instant"/>: its milliseconds since the epoch (8 bytes).</summary>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(Instant value) => PutLittleEndian((ulong)value.Millis);

    /// <summary>Adds the marker of a null value of a nullable field: one byte, 0. Nothing follows it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddNull() => Put(0);

    /// <summary>Adds the marker of a present value of a nullable field: one byte, 1. Add the value next.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddNotNull() => Put(1);

    /// <summary>Returns the hash of the fields added so far and empties the hasher, which can then hash another key.</summary>
    /// <returns>XXH3-64 (seed 0) of the canonical encoding of the fields added.</returns>
    public ulong Finish()
    {
        ulong hash;
        if (_stream is null)
        {
            hash = XxHash3.HashToUInt64(Bytes.Slice(0, _length));
        }
        else
        {
            _stream.Append(Bytes.Slice(0, _length));
            hash = _stream.GetCurrentHashAsUInt64();
            SpareStream.Return(_stream);
            _stream = null;
        }

        _length = 0;
        return hash;
    }

    [UnscopedRef]
    private Span<byte> Bytes => _buffer;

    [UnscopedRef]
    private ref byte First => ref Unsafe.As<EncodingBuffer, byte>(ref _buffer);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Put(byte value)
    {
        int length = _length;
        if (length == BufferSize)
        {
            Spill();
            length = 0;
        }

        Unsafe.Add(ref First, length) = value;
        _length = length + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PutLittleEndian(ushort value)
    {
        Reserve(sizeof(ushort));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref First, _length), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        _length += sizeof(ushort);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PutLittleEndian(uint value)
    {
        Reserve(sizeof(uint));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref First, _length), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        _length += sizeof(uint);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PutLittleEndian(ulong value)
    {
        Reserve(sizeof(ulong));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref First, _length), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));
        _length += sizeof(ulong);
    }

    /// <summary>Makes room for <paramref name="size"/> bytes (at most the buffer's size) in the buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Reserve(int size)
    {
        if (_length > BufferSize - size)
        {
            Spill();
        }
    }

    /// <summary>Moves the buffered bytes into the streaming hash (taken on first use) and empties the buffer.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Spill()
    {
        _stream ??= SpareStream.Take();
        _stream.Append(Bytes.Slice(0, _length));
        _length = 0;
    }

    /// <summary>Encodes a string that fits in what is left of the buffer, after its length; false (nothing written) if it does not fit.</summary>
    private bool TryPutShortUtf8(ReadOnlySpan<char> value)
    {
        int start = _length;
        var status = Utf8.FromUtf16(value, Bytes.Slice(start + sizeof(int)), out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
        if (status != OperationStatus.Done)
        {
            return false;
        }

        BinaryPrimitives.WriteInt32LittleEndian(Bytes.Slice(start), written);
        _length = start + sizeof(int) + written;
        return true;
    }

    /// <summary>Encodes a string of any length: its UTF-8 length first, then the bytes a buffer at a time.</summary>
    private void PutLongUtf8(ReadOnlySpan<char> value)
    {
        // Encoding.UTF8 replaces unpaired surrogates with U+FFFD as Utf8.FromUtf16 does below, so the count matches.
        PutLittleEndian((uint)Encoding.UTF8.GetByteCount(value));
        while (true)
        {
            if (_length == BufferSize)
            {
                Spill();
            }

            var status = Utf8.FromUtf16(value, Bytes.Slice(_length), out int read, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            _length += written;
            value = value.Slice(read);
            if (status == OperationStatus.Done)
            {
                return;
            }

            Debug.Assert(status == OperationStatus.DestinationTooSmall, "Invalid sequences are replaced and the block is final.");
            Spill();
        }
    }

    [InlineArray(BufferSize)]
    private struct EncodingBuffer
    {
        private byte _element;
    }

    /// <summary>One streaming hash per thread, reused by keys longer than the buffer.</summary>
    private static class SpareStream
    {
        [ThreadStatic]
        private static XxHash3? t_spare;

        public static XxHash3 Take()
        {
            var stream = t_spare;
            if (stream is null)
            {
                return new XxHash3();
            }

            t_spare = null;
            stream.Reset();
            return stream;
        }

        public static void Return(XxHash3 stream) => t_spare = stream;
    }
}
