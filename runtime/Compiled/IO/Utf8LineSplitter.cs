using System;
using System.Buffers;
using System.Text;

namespace Compiled;

/// <summary>
/// Splits UTF-8 bytes read through a pipe into lines and hands each line's bytes to a sink
/// (<see cref="IUtf8LineSink"/>: one decodes them, another keeps them). The caller has consumed any
/// byte order mark.
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
/// A line is handed over whole (the bytes of a line that arrive in different reads are joined first),
/// so a character whose bytes arrive in different reads decodes correctly.
/// </para>
/// </remarks>
internal sealed class Utf8LineSplitter : IDisposable
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private readonly int _maxLineLength;
    private readonly string _input;
    private readonly long _startOffset;
    private readonly bool _offsetsKnown;
    private readonly long _endOffset;
    private readonly bool _lineNumbersKnown;
    private byte[]? _joined; // a line whose bytes arrive in several segments, joined (pooled)

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
    public SequencePosition Process<TSink>(ReadOnlySequence<byte> buffer, bool isCompleted, ref TSink sink)
        where TSink : IUtf8LineSink
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
                return EndWithoutDelimiter(buffer, isCompleted, ref sink);
            }

            ReadOnlySequence<byte> line = buffer.Slice(buffer.Start, delimiter);
            if (line.Length > _maxLineLength)
            {
                ThrowLineTooLong(BytesConsumed);
            }

            EmitLine(line, ref sink);
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

        return ProcessSegment(buffer, isCompleted, ref sink);
    }

    public void Dispose()
    {
        byte[]? joined = _joined;
        _joined = null;
        if (joined is not null)
        {
            ArrayPool<byte>.Shared.Return(joined);
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
    private SequencePosition ProcessSegment<TSink>(ReadOnlySequence<byte> buffer, bool isCompleted, ref TSink sink)
        where TSink : IUtf8LineSink
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

            EmitLine(rest.Slice(0, index), ref sink);
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
            : EndWithoutDelimiter(buffer.Slice(consumed), isCompleted, ref sink);
    }

    // The buffer holds the start of a line and no delimiter: deliver it at the end of the input, else
    // keep it (unconsumed) for the next, longer buffer; fail as soon as it is longer than the limit.
    private SequencePosition EndWithoutDelimiter<TSink>(ReadOnlySequence<byte> rest, bool isCompleted, ref TSink sink)
        where TSink : IUtf8LineSink
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

        EmitLine(rest, ref sink);
        BytesConsumed += rest.Length;
        return rest.End;
    }

    private void EmitLine<TSink>(ReadOnlySpan<byte> bytes, ref TSink sink)
        where TSink : IUtf8LineSink
    {
        Lines++;
        sink.OnLine(bytes);
    }

    private void EmitLine<TSink>(ReadOnlySequence<byte> line, ref TSink sink)
        where TSink : IUtf8LineSink
    {
        if (line.IsSingleSegment)
        {
            EmitLine(line.FirstSpan, ref sink);
            return;
        }

        // A line across segments (at most the maximum line length, hence an int): joined into one pooled buffer.
        int length = (int)line.Length;
        if (_joined is null || _joined.Length < length)
        {
            if (_joined is not null)
            {
                ArrayPool<byte>.Shared.Return(_joined);
            }

            _joined = null;
            _joined = ArrayPool<byte>.Shared.Rent(length);
        }

        line.CopyTo(_joined);
        EmitLine(new ReadOnlySpan<byte>(_joined, 0, length), ref sink);
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
}
