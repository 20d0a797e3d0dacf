using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace StreamingScores;

/// <summary>One line read by <see cref="LineReader"/>: its text, cut at the reader's limit, and its full length.</summary>
/// <param name="Text">The line without its line break; at most the reader's limit of characters.</param>
/// <param name="Length">The line's length in characters, counting what was cut off.</param>
public readonly record struct TextLine(string Text, long Length)
{
    /// <summary>True when the line was longer than the limit and <see cref="Text"/> holds only its start.</summary>
    public bool IsCut => Length > Text.Length;
}

/// <summary>
/// Reads lines as <see cref="TextReader.ReadLineAsync(CancellationToken)"/> does (ending at <c>\n</c>,
/// <c>\r\n</c> or <c>\r</c>), but keeps at most <see cref="MaxLength"/> characters of each: the rest of a
/// longer line is skipped and only counted, so one huge line (a file with no line breaks) costs no more
/// memory than a short one.
/// </summary>
public sealed class LineReader
{
    private readonly TextReader _reader;
    private readonly char[] _buffer;
    private readonly StringBuilder _line = new();
    private int _start;
    private int _end;
    private bool _afterCarriageReturn;

    /// <summary>Creates a reader.</summary>
    /// <param name="reader">The text to read.</param>
    /// <param name="maxLength">The most characters of a line to keep; greater than zero.</param>
    public LineReader(TextReader reader, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        _reader = reader;
        MaxLength = maxLength;
        _buffer = new char[Math.Max(4096, Math.Min(maxLength, 1 << 16))];
    }

    /// <summary>The most characters of a line kept.</summary>
    public int MaxLength { get; }

    /// <summary>The next line, or null at the end of the input.</summary>
    /// <param name="cancellationToken">Stops waiting for input (a read from a terminal or pipe may not observe it).</param>
    /// <returns>The line, or null when the input has ended.</returns>
    public async ValueTask<TextLine?> ReadLineAsync(CancellationToken cancellationToken)
    {
        long length = 0;
        var started = false;
        while (true)
        {
            if (_start == _end)
            {
                var pending = _reader.ReadAsync(_buffer, cancellationToken);
                var read = pending.IsCompletedSuccessfully ? pending.Result : await pending.AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return started ? Take(length) : null;
                }

                _start = 0;
                _end = read;
            }

            // The \n of a \r\n split across two reads belongs to the previous line's end.
            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (_buffer[_start] == '\n')
                {
                    _start++;
                    continue;
                }
            }

            started = true;
            var rest = _buffer.AsSpan(_start, _end - _start);
            var lineBreak = rest.IndexOfAny('\r', '\n');
            var text = lineBreak < 0 ? rest : rest[..lineBreak];
            Keep(text, length);
            length += text.Length;
            if (lineBreak < 0)
            {
                _start = _end;
                continue;
            }

            _start += lineBreak + 1;
            _afterCarriageReturn = rest[lineBreak] == '\r';
            return Take(length);
        }
    }

    private void Keep(ReadOnlySpan<char> text, long keptSoFar)
    {
        var room = MaxLength - Math.Min(keptSoFar, MaxLength);
        if (room > 0)
        {
            _line.Append(text[..(int)Math.Min(room, text.Length)]);
        }
    }

    private TextLine Take(long length)
    {
        var text = _line.ToString();
        _line.Clear();
        return new TextLine(text, length);
    }
}
