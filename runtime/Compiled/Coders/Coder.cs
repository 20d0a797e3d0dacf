using System;
using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Compiled.Coders;

/// <summary>Encoding and decoding with a coder, the format version check, and the key hash computed from a coder's bytes.</summary>
public static class Coder
{
    /// <summary>Combines two format versions into one (for a coder made of others): changes when either changes.</summary>
    /// <param name="first">The first version.</param>
    /// <param name="second">The second version.</param>
    /// <returns>The combined version.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint CombineVersions(uint first, uint second) => (((first << 5) | (first >> 27)) ^ second) * 0x01000193u;

    /// <summary>Encodes <paramref name="value"/> into <paramref name="output"/> (exact encoding, no version).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TCoder">Its coder.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="canonical">Write the canonical encoding (keys).</param>
    /// <returns>The number of bytes written.</returns>
    public static long Encode<T, TCoder>(T value, IBufferWriter<byte> output, bool canonical = false)
        where TCoder : struct, ICoder<T>
    {
        var writer = new CoderWriter(output, canonical);
        default(TCoder).Encode(ref writer, value);
        writer.Flush();
        return writer.BytesWritten;
    }

    /// <summary>Encodes <paramref name="value"/> into <paramref name="destination"/> (exact encoding, no version).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TCoder">Its coder.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <param name="canonical">Write the canonical encoding (keys).</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int Encode<T, TCoder>(T value, Span<byte> destination, bool canonical = false)
        where TCoder : struct, ICoder<T>
    {
        var writer = new CoderWriter(destination, canonical);
        default(TCoder).Encode(ref writer, value);
        return (int)writer.BytesWritten;
    }

    /// <summary>Encodes <paramref name="value"/> into a new array (exact encoding unless <paramref name="canonical"/>, no version).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TCoder">Its coder.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="canonical">Write the canonical encoding (keys).</param>
    /// <returns>The bytes.</returns>
    public static byte[] ToArray<T, TCoder>(T value, bool canonical = false)
        where TCoder : struct, ICoder<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        Encode<T, TCoder>(value, buffer, canonical);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one value from <paramref name="data"/>, which must hold exactly that value.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TCoder">Its coder.</typeparam>
    /// <param name="data">The bytes.</param>
    /// <param name="canonical">The bytes are in the canonical encoding.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CoderException">The data is not one valid encoding (it ends early or bytes are left over).</exception>
    public static T Decode<T, TCoder>(ReadOnlySpan<byte> data, bool canonical = false)
        where TCoder : struct, ICoder<T>
    {
        var reader = new CoderReader(data, canonical);
        var value = default(TCoder).Decode(ref reader);
        if (reader.Remaining != 0)
        {
            throw new CoderException(reader.Remaining.ToString(CultureInfo.InvariantCulture) + " bytes are left after the value (" + data.Length.ToString(CultureInfo.InvariantCulture) + " bytes given).");
        }

        return value;
    }

    /// <summary>
    /// Writes the coder's format version (4 bytes), for data that will be read by another build: a checkpoint part, a
    /// file. <see cref="ReadVersion{T, TCoder}(ref CoderReader)"/> checks it.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TCoder">Its coder.</typeparam>
    /// <param name="writer">Where to write.</param>
    public static void WriteVersion<T, TCoder>(ref CoderWriter writer)
        where TCoder : struct, ICoder<T> =>
        writer.WriteUInt32(default(TCoder).FormatVersion);

    /// <summary>Reads a format version written by <see cref="WriteVersion{T, TCoder}(ref CoderWriter)"/> and checks it against the coder's.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TCoder">Its coder.</typeparam>
    /// <param name="reader">Where to read from.</param>
    /// <exception cref="CoderVersionMismatchException">The data was written by another format version.</exception>
    public static void ReadVersion<T, TCoder>(ref CoderReader reader)
        where TCoder : struct, ICoder<T>
    {
        var written = reader.ReadUInt32();
        var expected = default(TCoder).FormatVersion;
        if (written != expected)
        {
            throw new CoderVersionMismatchException(
                "The data was written by format version " + written.ToString("X8", CultureInfo.InvariantCulture) + " of the coder of " + typeof(T).Name +
                " (" + typeof(TCoder).Name + "), but this build reads version " + expected.ToString("X8", CultureInfo.InvariantCulture) +
                ": the type's members, their order or their types changed since it was written. Restore with the build that wrote it, or start without this data.")
            {
                WrittenVersion = written,
                ExpectedVersion = expected,
            };
        }
    }

    /// <summary>Encodes <paramref name="value"/> after the coder's format version: what <see cref="DecodeVersioned{T, TCoder}(ReadOnlySpan{byte})"/> reads.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TCoder">Its coder.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="output">Where the bytes go.</param>
    /// <returns>The number of bytes written.</returns>
    public static long EncodeVersioned<T, TCoder>(T value, IBufferWriter<byte> output)
        where TCoder : struct, ICoder<T>
    {
        var writer = new CoderWriter(output);
        WriteVersion<T, TCoder>(ref writer);
        default(TCoder).Encode(ref writer, value);
        writer.Flush();
        return writer.BytesWritten;
    }

    /// <summary>Decodes a value written by <see cref="EncodeVersioned{T, TCoder}(T, IBufferWriter{byte})"/>, checking the format version first.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <typeparam name="TCoder">Its coder.</typeparam>
    /// <param name="data">The bytes.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CoderVersionMismatchException">The data was written by another format version.</exception>
    /// <exception cref="CoderException">The data is not a valid encoding.</exception>
    public static T DecodeVersioned<T, TCoder>(ReadOnlySpan<byte> data)
        where TCoder : struct, ICoder<T>
    {
        var reader = new CoderReader(data);
        ReadVersion<T, TCoder>(ref reader);
        var value = default(TCoder).Decode(ref reader);
        if (reader.Remaining != 0)
        {
            throw new CoderException(reader.Remaining.ToString(CultureInfo.InvariantCulture) + " bytes are left after the value.");
        }

        return value;
    }

    /// <summary>
    /// The key hash of <paramref name="key"/>: XXH3-64 (seed 0) of its canonical encoding by <typeparamref name="TCoder"/>,
    /// computed without allocating (the bytes are hashed as they are written). The parallel runner's key groups come
    /// from this hash, so a key's group and its coder cannot disagree.
    /// </summary>
    /// <typeparam name="T">The key type.</typeparam>
    /// <typeparam name="TCoder">Its coder.</typeparam>
    /// <param name="key">The key.</param>
    /// <returns>The hash; equal to <see cref="Parallel.KeyHasher.HashEncoding(ReadOnlySpan{byte})"/> of <see cref="ToArray{T, TCoder}(T, bool)"/> with <c>canonical: true</c>.</returns>
    public static ulong Hash<T, TCoder>(T key)
        where TCoder : struct, ICoder<T>
    {
        // The 4- and 8-byte integer coders write their value little-endian and nothing else: their bytes are hashed
        // straight from a local, the same hash without the writer (2.5 ns against about 7 for an int key, in a stopwatch
        // loop; the JIT keeps only the branch of the coder at hand).
        if (typeof(TCoder) == typeof(Int32Coder) || typeof(TCoder) == typeof(UInt32Coder))
        {
            var four = BitConverter.IsLittleEndian ? Unsafe.As<T, uint>(ref key) : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(Unsafe.As<T, uint>(ref key));
            return System.IO.Hashing.XxHash3.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in four)));
        }

        if (typeof(TCoder) == typeof(Int64Coder) || typeof(TCoder) == typeof(UInt64Coder))
        {
            var eight = BitConverter.IsLittleEndian ? Unsafe.As<T, ulong>(ref key) : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(Unsafe.As<T, ulong>(ref key));
            return System.IO.Hashing.XxHash3.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<ulong>(in eight)));
        }

        Span<byte> buffer = stackalloc byte[128];
        var writer = CoderWriter.ForHash(buffer);
        default(TCoder).Encode(ref writer, key);
        return writer.FinishHash();
    }

    /// <summary>The key hash of characters: that of the string with the same characters (<see cref="StringCoder"/>).</summary>
    /// <param name="key">The characters.</param>
    /// <returns>The hash.</returns>
    public static ulong Hash(ReadOnlySpan<char> key)
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = CoderWriter.ForHash(buffer);
        writer.WriteString(key);
        return writer.FinishHash();
    }

    /// <summary>The key hash of bytes: that of <see cref="ByteMemoryCoder"/> and <see cref="Utf8KeyCoder"/> (the length, then the bytes).</summary>
    /// <param name="key">The bytes.</param>
    /// <returns>The hash.</returns>
    public static ulong Hash(ReadOnlySpan<byte> key)
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = CoderWriter.ForHash(buffer);
        writer.WriteBytes(key);
        return writer.FinishHash();
    }

    /// <summary>A count read from the data, refused when the data left cannot hold that many items of at least one byte.</summary>
    internal static int CheckedCount(int count, ref CoderReader reader) =>
        count <= reader.Remaining
            ? count
            : throw new CoderException("A collection of " + count.ToString(CultureInfo.InvariantCulture) + " items is announced at position " + reader.Position.ToString(CultureInfo.InvariantCulture) + ", but only " + reader.Remaining.ToString(CultureInfo.InvariantCulture) + " bytes are left.");
}
