using System;
using System.Buffers;
using System.Text;

namespace Compiled;

/// <summary>
/// The byte order mark at the start of a text input, if any, and the encoding it announces: UTF-8
/// (read as is), UTF-16 or UTF-32 in either byte order (transcoded to UTF-8 before splitting).
/// Without a byte order mark the input is UTF-8.
/// </summary>
internal readonly struct ByteOrderMark
{
    // Longest first, so that FF FE 00 00 is UTF-32 LE rather than UTF-16 LE followed by U+0000 (the
    // same choice as StreamReader's detection).
    private static readonly (byte[] Bytes, Encoding? Encoding)[] Known =
    {
        (new byte[] { 0xFF, 0xFE, 0x00, 0x00 }, new UTF32Encoding(bigEndian: false, byteOrderMark: false)),
        (new byte[] { 0x00, 0x00, 0xFE, 0xFF }, new UTF32Encoding(bigEndian: true, byteOrderMark: false)),
        (new byte[] { 0xEF, 0xBB, 0xBF }, null),
        (new byte[] { 0xFF, 0xFE }, new UnicodeEncoding(bigEndian: false, byteOrderMark: false)),
        (new byte[] { 0xFE, 0xFF }, new UnicodeEncoding(bigEndian: true, byteOrderMark: false)),
    };

    private ByteOrderMark(int length, Encoding? encoding)
    {
        Length = length;
        Encoding = encoding;
    }

    /// <summary>The byte order mark's length in bytes (0 without one).</summary>
    public int Length { get; }

    /// <summary>
    /// The encoding to transcode from (its decoder replaces invalid sequences with U+FFFD), or null
    /// for UTF-8 input, with or without byte order mark.
    /// </summary>
    public Encoding? Encoding { get; }

    /// <summary>
    /// Tells the byte order mark at the start of <paramref name="start"/>, the first bytes of the input.
    /// Returns false when more bytes are needed: they are a prefix of a byte order mark and the input
    /// goes on. Input that cannot start a byte order mark is told at once, so that a stream's first
    /// line is never held back waiting for bytes.
    /// </summary>
    public static bool TryDetect(ReadOnlySequence<byte> start, bool isCompleted, out ByteOrderMark mark)
    {
        Span<byte> buffer = stackalloc byte[4];
        int count = (int)Math.Min(start.Length, buffer.Length);
        start.Slice(0, count).CopyTo(buffer);
        ReadOnlySpan<byte> first = buffer.Slice(0, count);
        foreach ((byte[] bytes, Encoding? encoding) in Known)
        {
            if (first.StartsWith(bytes))
            {
                mark = new ByteOrderMark(bytes.Length, encoding);
                return true;
            }

            if (!isCompleted && first.Length < bytes.Length && bytes.AsSpan().StartsWith(first))
            {
                mark = default;
                return false;
            }
        }

        mark = default;
        return true;
    }
}
