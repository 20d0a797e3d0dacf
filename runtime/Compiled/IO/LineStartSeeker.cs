using System;
using System.Buffers;
using System.IO.Pipelines;

namespace Compiled;

/// <summary>
/// Finds the first line of a part of a split file (<see cref="TextInput.Split"/>) that does not start
/// at the beginning of the file: reading from the byte before the part, it skips to just after the
/// first line delimiter (<c>\n</c>, <c>\r</c> or <c>\r\n</c>, whose two bytes may arrive in different
/// reads). The bytes skipped end a line of the previous part; a line starting exactly at the part's
/// start is kept, since the byte before it is a delimiter.
/// </summary>
/// <remarks>
/// Skipped bytes are consumed as they are read, never buffered: a long line crossing the part's start
/// costs no memory here. Seeking stops without a line once the part's bytes hold no delimiter that a
/// line of the part could follow.
/// </remarks>
internal struct LineStartSeeker
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    private readonly long _maxSkip;
    private bool _afterCarriageReturn;

    /// <param name="partLength">
    /// The length of the part's byte range: a delimiter at least this far from the byte before the part
    /// starts a line of the next part.
    /// </param>
    public LineStartSeeker(long partLength) => _maxSkip = partLength;

    /// <summary>Bytes skipped so far, from the byte before the part.</summary>
    public long Skipped { get; private set; }

    /// <summary>
    /// Once <see cref="Seek"/> returned true: the reader is at the first line start after the byte
    /// before the part, <see cref="Skipped"/> bytes after it (which may be the end of the input, or the
    /// part's end after a <c>\r\n</c>, where no line of the part starts: the caller checks). False: no
    /// line starts in the part.
    /// </summary>
    public bool Found { get; private set; }

    /// <summary>
    /// Examines one read's buffer and advances <paramref name="reader"/> past the bytes skipped. Returns
    /// true when seeking is over (see <see cref="Found"/>), false when another read is needed.
    /// </summary>
    public bool Seek(PipeReader reader, in ReadResult result)
    {
        ReadOnlySequence<byte> buffer = result.Buffer;
        if (_afterCarriageReturn)
        {
            // A '\r' ended the last buffer: a '\n' first in this one belongs to it.
            if (buffer.IsEmpty && !result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                return false;
            }

            var next = new SequenceReader<byte>(buffer);
            if (next.IsNext(LineFeed, advancePast: true))
            {
                Skipped++;
            }

            reader.AdvanceTo(next.Position);
            Found = true;
            return true;
        }

        var sequence = new SequenceReader<byte>(buffer);
        if (!sequence.TryAdvanceToAny("\n\r"u8, advancePastDelimiter: false))
        {
            Skipped += buffer.Length;
            reader.AdvanceTo(buffer.End);
            return result.IsCompleted || Skipped >= _maxSkip;
        }

        if (Skipped + sequence.Consumed >= _maxSkip)
        {
            // The line after this delimiter starts at or after the part's end.
            reader.AdvanceTo(sequence.Position);
            return true;
        }

        sequence.TryRead(out byte delimiter);
        if (delimiter == CarriageReturn)
        {
            if (sequence.End && !result.IsCompleted)
            {
                _afterCarriageReturn = true;
                Skipped += buffer.Length;
                reader.AdvanceTo(buffer.End);
                return false;
            }

            sequence.IsNext(LineFeed, advancePast: true);
        }

        Skipped += sequence.Consumed;
        reader.AdvanceTo(sequence.Position);
        Found = true;
        return true;
    }
}
