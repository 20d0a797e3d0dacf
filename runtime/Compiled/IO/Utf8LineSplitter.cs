using System;
using System.Buffers;
using System.Text;

namespace Compiled;

/// <summary>
/// Splits UTF-8 bytes read through a pipe into lines and decodes each line into a pooled char buffer
/// sized to the longest line seen. The caller has consumed any byte order mark.
/// </summary>
/// <remarks>
/// <para>
/// Lines end at <c>\n</c>, <c>\r</c> or <c>\r\n</c> (Beam's default delimiters); <c>\r\n</c> is one
/// delimiter, also when its two bytes arrive in different reads. Splitting happens on bytes, which is
/// safe because the bytes of <c>\n</c> and <c>\r</c> never occur inside a multi-byte UTF-8 sequence.
/// A final line without delimiter is a line unless it is empty.
/// </para>
/// <para>
/// A line longer than the maximum line length (in bytes, delimiter excluded) throws
/// <see cref="LineTooLongException"/> as soon as that many bytes of it are buffered without a
/// delimiter, so the pipe never holds much more than the limit plus one read.
/// </para>
/// <para>
/// The splitter may read a byte range of a file (a part of <see cref="TextInput.Split"/>): it is told
/// the file offset of its first byte, the start of a line of the range, and the end of the range, and
/// it delivers the lines that start before that end (the last one read past the end, to its
/// delimiter), then reports <see cref="ReachedEnd"/>. A line starting at or after the end, even one too
/// long, is left to the next part.
/// </para>
/// <para>
/// A line is decoded once, whole, so a character whose bytes arrive in different reads decodes
/// correctly; invalid bytes decode to U+FFFD, as with <see cref="Encoding.UTF8"/>.
/// </para>
/// </remarks>
internal sealed class Utf8LineSplitter : IDisposable
{
    private const int InitialCharBufferSize = 256;
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private readonly int _maxLineLength;
    private readonly string _input;
    private readonly long _startOffset;
    private readonly bool _offsetsKnown;
    private readonly long _endOffset;
    private readonly bool _lineNumbersKnown;
    private char[] _chars;
    private Decoder? _decoder;

    // The previous buffer ended with a line's '\r' (the line was delivered at once): a '\n' at the start
    // of the next buffer belongs to that delimiter.
    private bool _skipLineFeed;

    // Bytes at the start of the buffer, all in the current unfinished line, already searched without
    // finding a delimiter: the search resumes after them instead of rescanning the line (which would
    // make reading a long line through small pipe reads quadratic).
    private long _scanned;

    /// <param name="maxLineLength">The longest line accepted, in bytes (at most <see cref="Array.MaxLength"/> is used).</param>
    /// <param name="input">What is read, for the message of <see cref="LineTooLongException"/>.</param>
    /// <param name="startOffset">
    /// The offset in the input of the first byte given to the splitter, a line start; null when bytes
    /// given are not the input's (UTF-8 transcoded from UTF-16 or UTF-32).
    /// </param>
    /// <param name="endOffset">
    /// Lines starting at this offset or after it are not delivered (<see cref="long.MaxValue"/>: every
    /// line); only with a known <paramref name="startOffset"/>. The first line is always delivered: the
    /// caller gives the start of a line of the range (the first line of a file with a byte order mark
    /// starts at offset 0, before the bytes it is given).
    /// </param>
    /// <param name="lineNumbersKnown">
    /// True when the first line given is the input's first line, so that errors can tell line numbers.
    /// </param>
    public Utf8LineSplitter(int maxLineLength, string input, long? startOffset = 0, long endOffset = long.MaxValue, bool lineNumbersKnown = true)
    {
        _maxLineLength = Math.Min(maxLineLength, Array.MaxLength);
        _input = input;
        _startOffset = startOffset ?? 0;
        _offsetsKnown = startOffset.HasValue;
        _endOffset = startOffset.HasValue ? endOffset : long.MaxValue;
        _lineNumbersKnown = lineNumbersKnown;
        _chars = ArrayPool<char>.Shared.Rent(InitialCharBufferSize);
    }

    /// <summary>Bytes consumed so far (including line delimiters).</summary>
    public long BytesConsumed { get; private set; }

    /// <summary>Lines delivered so far.</summary>
    public long Lines { get; private set; }

    /// <summary>
    /// The next line starts at or after the end offset: every line of the range has been delivered,
    /// the caller stops reading.
    /// </summary>
    public bool ReachedEnd { get; private set; }

    /// <summary>
    /// Delivers every complete line of <paramref name="buffer"/> (and, when <paramref name="isCompleted"/>,
    /// the final line without delimiter) and returns the position up to which bytes were consumed. The
    /// caller advances its pipe reader to that position and marks the whole buffer examined.
    /// </summary>
    public SequencePosition Process<TConsumer>(ReadOnlySequence<byte> buffer, bool isCompleted, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        if (_skipLineFeed && !buffer.IsEmpty)
        {
            _skipLineFeed = false;
            if (FirstByte(buffer) == LineFeed)
            {
                buffer = buffer.Slice(1);
                BytesConsumed++;
            }
        }

        // Lines that cross segments, one at a time, until the rest of the buffer is one segment.
        while (!buffer.IsSingleSegment)
        {
            if (IsAtEnd(BytesConsumed))
            {
                return buffer.Start;
            }

            long scanned = _scanned;
            _scanned = 0;
            if (!TryFindDelimiter(buffer.Slice(scanned), out SequencePosition delimiter, out byte delimiterByte))
            {
                return EndWithoutDelimiter(buffer, isCompleted, ref consumer);
            }

            ReadOnlySequence<byte> line = buffer.Slice(buffer.Start, delimiter);
            if (line.Length > _maxLineLength)
            {
                ThrowLineTooLong(BytesConsumed);
            }

            EmitLine(line, ref consumer);
            long consumed = line.Length + 1;
            buffer = buffer.Slice(buffer.GetPosition(1, delimiter));
            if (delimiterByte == CarriageReturn)
            {
                if (buffer.IsEmpty)
                {
                    _skipLineFeed = true;
                }
                else if (FirstByte(buffer) == LineFeed)
                {
                    buffer = buffer.Slice(1);
                    consumed++;
                }
            }

            BytesConsumed += consumed;
        }

        return ProcessSegment(buffer, isCompleted, ref consumer);
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

    // The first byte of a non-empty sequence (whose first span may be empty: a sequence sliced at the
    // end of a segment starts there).
    private static byte FirstByte(in ReadOnlySequence<byte> sequence)
    {
        ReadOnlySpan<byte> first = sequence.FirstSpan;
        if (!first.IsEmpty)
        {
            return first[0];
        }

        var reader = new SequenceReader<byte>(sequence);
        reader.TryPeek(out byte value);
        return value;
    }

    // Finds the first '\n' or '\r' of a sequence, segment by segment.
    private static bool TryFindDelimiter(ReadOnlySequence<byte> sequence, out SequencePosition delimiter, out byte delimiterByte)
    {
        SequencePosition position = sequence.Start;
        SequencePosition segmentStart = position;
        while (sequence.TryGet(ref position, out ReadOnlyMemory<byte> memory))
        {
            ReadOnlySpan<byte> span = memory.Span;
            int index = span.IndexOfAny(LineFeed, CarriageReturn);
            if (index >= 0)
            {
                delimiter = sequence.GetPosition(index, segmentStart);
                delimiterByte = span[index];
                return true;
            }

            segmentStart = position;
        }

        delimiter = default;
        delimiterByte = 0;
        return false;
    }

    // The hot path: the rest of the buffer is one span.
    private SequencePosition ProcessSegment<TConsumer>(ReadOnlySequence<byte> buffer, bool isCompleted, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        ReadOnlySpan<byte> span = buffer.FirstSpan;
        int consumed = 0;
        int searchFrom = (int)_scanned;
        _scanned = 0;
        while (true)
        {
            if (IsAtEnd(BytesConsumed + consumed))
            {
                BytesConsumed += consumed;
                return buffer.GetPosition(consumed);
            }

            ReadOnlySpan<byte> rest = span.Slice(consumed);
            int index = rest.Slice(searchFrom).IndexOfAny(LineFeed, CarriageReturn);
            if (index < 0)
            {
                break;
            }

            index += searchFrom;
            searchFrom = 0;
            if (index > _maxLineLength)
            {
                ThrowLineTooLong(BytesConsumed + consumed);
            }

            EmitLine(rest.Slice(0, index), ref consumer);
            consumed += index + 1;
            if (rest[index] == CarriageReturn)
            {
                if (index + 1 == rest.Length)
                {
                    _skipLineFeed = true;
                    break;
                }

                if (rest[index + 1] == LineFeed)
                {
                    consumed++;
                }
            }
        }

        BytesConsumed += consumed;
        return consumed == span.Length
            ? buffer.End
            : EndWithoutDelimiter(buffer.Slice(consumed), isCompleted, ref consumer);
    }

    // The buffer holds the start of a line and no delimiter: deliver it at the end of the input, else
    // keep it (unconsumed) for the next, longer buffer; fail as soon as it is longer than the limit.
    private SequencePosition EndWithoutDelimiter<TConsumer>(ReadOnlySequence<byte> rest, bool isCompleted, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        if (rest.Length > _maxLineLength)
        {
            ThrowLineTooLong(BytesConsumed);
        }

        if (!isCompleted)
        {
            _scanned = rest.Length;
            return rest.Start;
        }

        if (rest.IsEmpty)
        {
            return rest.End; // no empty line after a final delimiter
        }

        EmitLine(rest, ref consumer);
        BytesConsumed += rest.Length;
        return rest.End;
    }

    private void EmitLine<TConsumer>(ReadOnlySpan<byte> bytes, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
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
        // Its length is at most the maximum line length, hence an int.
        EnsureCharCapacity((int)line.Length);
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

    // Whether the line starting at this many bytes into the splitter's input is past the range (and
    // then the range is done). Never the first line. Not while a '\r' that ended the last buffer may be
    // followed by the '\n' of its '\r\n': the caller reads on, so that the part's bytes end after its
    // last delimiter.
    private bool IsAtEnd(long lineStart)
    {
        if (lineStart == 0 || _skipLineFeed || _startOffset + lineStart < _endOffset)
        {
            return false;
        }

        ReachedEnd = true;
        return true;
    }

    private void ThrowLineTooLong(long lineStart) =>
        throw new LineTooLongException(_input, _lineNumbersKnown ? Lines + 1 : 0, _offsetsKnown ? _startOffset + lineStart : null, _maxLineLength);

    private void EnsureCharCapacity(int byteCount)
    {
        if (_chars.Length >= byteCount)
        {
            return;
        }

        // Grow by doubling, but never past the maximum line length: lines are never longer.
        char[] old = _chars;
        _chars = ArrayPool<char>.Shared.Rent((int)Math.Clamp(old.Length * 2L, byteCount, Math.Max(byteCount, _maxLineLength)));
        if (old.Length > 0)
        {
            ArrayPool<char>.Shared.Return(old);
        }
    }
}
