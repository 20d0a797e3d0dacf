using System;
using System.Buffers;
using System.Text;

namespace Compiled;

/// <summary>
/// Splits UTF-8 bytes read through a pipe into lines and decodes each line into a pooled char buffer
/// sized to the longest line seen. Skips a UTF-8 byte order mark at the start of the input.
/// </summary>
/// <remarks>
/// Lines end at <c>\n</c>; a <c>\r</c> before it is dropped. Splitting happens on bytes, which is safe
/// because the bytes of <c>\n</c> and <c>\r</c> never occur inside a multi-byte UTF-8 sequence.
/// </remarks>
internal sealed class Utf8LineSplitter : IDisposable
{
    private const int InitialCharBufferSize = 256;

    private char[] _chars;
    private Decoder? _decoder;
    private bool _bomChecked;

    // Where the previous buffer ended when it ended inside a line: the bytes from the line's start to
    // here hold no '\n', so the search resumes here instead of rescanning the line (which would make
    // reading a long line through small pipe reads quadratic).
    private SequencePosition _scanFrom;
    private bool _hasScanFrom;

    public Utf8LineSplitter() => _chars = ArrayPool<char>.Shared.Rent(InitialCharBufferSize);

    /// <summary>Bytes consumed so far (including the byte order mark and line terminators).</summary>
    public long BytesConsumed { get; private set; }

    /// <summary>Lines delivered so far.</summary>
    public long Lines { get; private set; }

    /// <summary>
    /// Delivers every complete line of <paramref name="buffer"/> (and, when <paramref name="isCompleted"/>,
    /// the final unterminated line) and returns the position up to which bytes were consumed. The
    /// caller advances its pipe reader to that position and marks the whole buffer examined.
    /// </summary>
    public SequencePosition Process<TConsumer>(ReadOnlySequence<byte> buffer, bool isCompleted, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        if (!_bomChecked)
        {
            if (buffer.Length < 3 && !isCompleted)
            {
                return buffer.Start; // too few bytes to tell: wait for more
            }

            _bomChecked = true;
            if (buffer.Length >= 3)
            {
                Span<byte> first = stackalloc byte[3];
                buffer.Slice(0, 3).CopyTo(first);
                if (first[0] == 0xEF && first[1] == 0xBB && first[2] == 0xBF)
                {
                    buffer = buffer.Slice(3);
                    BytesConsumed += 3;
                }
            }
        }

        if (_hasScanFrom)
        {
            _hasScanFrom = false;
            SequencePosition? newline = buffer.Slice(_scanFrom).PositionOf((byte)'\n');
            if (newline is null)
            {
                if (!isCompleted)
                {
                    RememberScanned(buffer);
                    return buffer.Start;
                }

                EmitLine(buffer, ref consumer);
                BytesConsumed += buffer.Length;
                return buffer.End;
            }

            ReadOnlySequence<byte> line = buffer.Slice(buffer.Start, newline.Value);
            EmitLine(line, ref consumer);
            BytesConsumed += line.Length + 1;
            buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        }

        if (buffer.IsSingleSegment)
        {
            ReadOnlySpan<byte> span = buffer.FirstSpan;
            int consumed = 0;
            while (true)
            {
                int newline = span.Slice(consumed).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                EmitLine(span.Slice(consumed, newline), ref consumer);
                consumed += newline + 1;
            }

            if (consumed < span.Length)
            {
                if (isCompleted)
                {
                    EmitLine(span.Slice(consumed), ref consumer);
                    consumed = span.Length;
                }
                else
                {
                    RememberScanned(buffer);
                }
            }

            BytesConsumed += consumed;
            return buffer.GetPosition(consumed);
        }

        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n', advancePastDelimiter: true))
        {
            EmitLine(line, ref consumer);
        }

        if (!reader.End)
        {
            if (isCompleted)
            {
                EmitLine(reader.UnreadSequence, ref consumer);
                reader.AdvanceToEnd();
            }
            else
            {
                RememberScanned(buffer);
            }
        }

        BytesConsumed += reader.Consumed;
        return reader.Position;
    }

    // Called when the buffer ends inside a line: the caller keeps that line's bytes (they are not
    // consumed), so the position stays valid for the next, longer buffer.
    private void RememberScanned(ReadOnlySequence<byte> buffer)
    {
        _scanFrom = buffer.End;
        _hasScanFrom = true;
    }

    public void Dispose()
    {
        char[] chars = _chars;
        _chars = Array.Empty<char>();
        if (chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private void EmitLine<TConsumer>(ReadOnlySpan<byte> bytes, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        if (!bytes.IsEmpty && bytes[^1] == (byte)'\r')
        {
            bytes = bytes.Slice(0, bytes.Length - 1);
        }

        // UTF-8 never decodes to more UTF-16 chars than it has bytes (invalid bytes included).
        EnsureCharCapacity(bytes.Length);
        int count = Encoding.UTF8.GetChars(bytes, _chars);
        Lines++;
        consumer.OnLine(new ReadOnlySpan<char>(_chars, 0, count));
    }

    private void EmitLine<TConsumer>(ReadOnlySequence<byte> line, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        if (line.IsSingleSegment)
        {
            EmitLine(line.FirstSpan, ref consumer);
            return;
        }

        // A line across segments: decode segment by segment, carrying partial sequences in a decoder.
        long length = line.Length;
        if (length > 0)
        {
            var last = new SequenceReader<byte>(line.Slice(length - 1));
            if (last.TryPeek(out byte lastByte) && lastByte == (byte)'\r')
            {
                line = line.Slice(0, length - 1);
                length--;
            }
        }

        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException("A line is longer than the largest supported buffer.");
        }

        EnsureCharCapacity((int)length);
        Decoder decoder = _decoder ??= Encoding.UTF8.GetDecoder();
        decoder.Reset();
        Span<char> chars = _chars;
        int count = 0;
        foreach (ReadOnlyMemory<byte> segment in line)
        {
            count += decoder.GetChars(segment.Span, chars.Slice(count), flush: false);
        }

        count += decoder.GetChars(ReadOnlySpan<byte>.Empty, chars.Slice(count), flush: true);
        Lines++;
        consumer.OnLine(chars.Slice(0, count));
    }

    private void EnsureCharCapacity(int byteCount)
    {
        if (_chars.Length >= byteCount)
        {
            return;
        }

        char[] old = _chars;
        _chars = ArrayPool<char>.Shared.Rent(Math.Max(byteCount, old.Length * 2));
        if (old.Length > 0)
        {
            ArrayPool<char>.Shared.Return(old);
        }
    }
}
