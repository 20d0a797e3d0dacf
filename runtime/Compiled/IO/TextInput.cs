using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Compiled;

/// <summary>
/// The lines of a text input (Beam's <c>TextIO.read()</c>): a text file or stream read through
/// System.IO.Pipelines, in-memory UTF-8 bytes, an in-memory string, or a sequence of lines. Lines are
/// read as text (<see cref="ReadLines{TConsumer}(ref TConsumer)"/>) or as UTF-8 bytes, never decoded
/// (<see cref="ReadUtf8Lines{TConsumer}(ref TConsumer)"/>).
/// </summary>
/// <remarks>
/// <para>
/// Lines end at <c>\n</c>, <c>\r</c> or <c>\r\n</c>, Beam's default delimiters (the delimiter is not
/// part of the line; <c>\r\n</c> is one delimiter). A final line without delimiter is a line unless it
/// is empty: a delimiter at the very end does not start another (empty) line, and an empty input has
/// no lines.
/// </para>
/// <para>
/// Files and streams are UTF-8. A UTF-8 byte order mark at the start is skipped, as Beam does (a U+FEFF
/// anywhere else is kept). A UTF-16 or UTF-32 byte order mark (either byte order) makes the input
/// decoded as that encoding, which Beam does not do (it reads such a file as garbled UTF-8). Invalid
/// bytes never fail a read: each invalid UTF-8 sequence, including one cut by a line delimiter or by
/// the end of the input, decodes to U+FFFD, as with .NET's and Java's default decoders (invalid UTF-16
/// or UTF-32 code units too). Lines are split on bytes before decoding, so an invalid sequence never
/// merges two lines, and a character whose bytes arrive in different reads decodes whole.
/// </para>
/// <para>
/// A line may be at most <see cref="MaxLineLength"/> bytes long (UTF-8, delimiter excluded;
/// <see cref="DefaultMaxLineLength"/>, 4 MiB, unless the factory is given another limit). A longer
/// line stops the read with a <see cref="LineTooLongException"/> naming the input and the line's
/// number, as soon as that many bytes of it have been read: a file with a line of hundreds of
/// megabytes, or with no line delimiter at all, fails fast instead of being buffered whole. Beam has
/// no such limit.
/// </para>
/// <para>
/// Memory is bounded by the maximum line length, whatever the size of the input: bytes are read into
/// pipe segments and released as soon as their lines are delivered (at most about the limit of one
/// line's bytes is held, plus one read buffer), and each line is decoded into one pooled char buffer,
/// never larger than the limit, that is reused for every line. No string is
/// allocated per line: the <see cref="ILineConsumer"/> decides whether to make one.
/// </para>
/// <para>
/// <see cref="Split"/> cuts a file, a string or a list of lines into parts that can be read in parallel
/// (as Beam's TextIO splits a file into byte ranges); read one after the other, the parts give the
/// input's lines, each once, in order.
/// </para>
/// </remarks>
public sealed class TextInput
{
    /// <summary>The default size of the pipe's read buffers, in bytes.</summary>
    public const int DefaultBufferSize = 64 * 1024;

    /// <summary>
    /// The default maximum length of a line: 4 MiB of UTF-8 (4,194,304 bytes, the line delimiter not
    /// counted). Reading holds at most about this much of one line in memory.
    /// </summary>
    public const int DefaultMaxLineLength = 4 * 1024 * 1024;

    private readonly InputKind _kind;
    private readonly string? _path;
    private readonly string? _text;
    private readonly IEnumerable<string>? _lines;
    private readonly ReadOnlyMemory<byte> _utf8;
    private readonly Stream? _stream;
    private readonly bool _leaveOpen;
    private readonly int _bufferSize;
    private readonly int _maxLineLength;
    private readonly string _description;

    // The part of the input read: bytes of a file, chars of a text, indices of a list of lines, from
    // _start to _end (exclusive; long.MaxValue: to the end of the input). For a file, the lines that
    // start in the range (a line starting at _start included), the last one read to its end; for a text
    // both ends are line starts. The whole input is [0, long.MaxValue).
    private readonly long _start;
    private readonly long _end = long.MaxValue;

    // The number of lines of the input before _start, for error messages; -1 when not known (a part of
    // a file that does not start at the beginning).
    private readonly long _linesBefore;
    private int _streamTaken;
    private long _bytesRead;
    private long _linesRead;

    private TextInput(InputKind kind, string description, string? path = null, string? text = null, IEnumerable<string>? lines = null, Stream? stream = null, bool leaveOpen = false, int bufferSize = DefaultBufferSize, int maxLineLength = DefaultMaxLineLength, ReadOnlyMemory<byte> utf8 = default)
    {
        _utf8 = utf8;
        _kind = kind;
        _description = description;
        _path = path;
        _text = text;
        _lines = lines;
        _stream = stream;
        _leaveOpen = leaveOpen;
        _bufferSize = bufferSize;
        _maxLineLength = maxLineLength;
    }

    // A part of whole (see Split).
    private TextInput(TextInput whole, long start, long end, long linesBefore)
        : this(whole._kind, whole._description, whole._path, whole._text, whole._lines, stream: null, leaveOpen: false, whole._bufferSize, whole._maxLineLength, whole._utf8)
    {
        _start = start;
        _end = end;
        _linesBefore = linesBefore;
    }

    private enum InputKind
    {
        File,
        Stream,
        Text,
        Lines,
        Utf8,
    }

    /// <summary>
    /// Bytes of the file or stream consumed by the current (or last) read, for progress reporting;
    /// updated as lines are delivered, readable from another thread; the whole input at the end. Zero
    /// for in-memory inputs. For UTF-16 and UTF-32 input, the bytes read so far, a little ahead of the
    /// lines delivered. For a part of a split file (<see cref="Split"/>), the bytes of the part's own
    /// lines, delimiters included (the bytes before its first line, which end the previous part's last
    /// line, are not counted): at the end, the parts' counts add up to the file's length.
    /// </summary>
    public long BytesRead => Volatile.Read(ref _bytesRead);

    /// <summary>
    /// Lines delivered by the current (or last) read; readable from another thread. For a part of a
    /// split input, the part's lines.
    /// </summary>
    public long LinesRead => Volatile.Read(ref _linesRead);

    /// <summary>
    /// Whether <see cref="Split"/> may return more than one part, told without reading anything: true for
    /// <see cref="FromFile"/>, <see cref="FromUtf8"/>, <see cref="FromString"/>, and <see cref="FromLines"/> over a list
    /// (<see cref="IList{T}"/> or <see cref="IReadOnlyList{T}"/>, an array for instance); false for
    /// <see cref="FromStream"/> and <see cref="FromLines"/> over any other sequence. Even when true, a
    /// split may give one part: an input of one byte, char or line, or a UTF-16 or UTF-32 file.
    /// </summary>
    public bool CanSplit => _kind switch
    {
        InputKind.File or InputKind.Text or InputKind.Utf8 => true,
        InputKind.Lines => _lines is IList<string> or IReadOnlyList<string>,
        _ => false,
    };

    /// <summary>
    /// The longest line accepted, in bytes of UTF-8 without the line delimiter: a longer line throws
    /// <see cref="LineTooLongException"/>. Set by the factory (<see cref="DefaultMaxLineLength"/> by
    /// default); it does not apply to <see cref="FromLines"/>, whose lines are already in memory.
    /// </summary>
    public int MaxLineLength => _maxLineLength;

    /// <summary>
    /// The lines of a text file: UTF-8, or UTF-16/UTF-32 with a byte order mark. The file is opened on
    /// each read, so the input can be read several times.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="bufferSize">The size of the pipe's read buffers, in bytes (lines may be longer).</param>
    /// <param name="maxLineLength">
    /// The longest line accepted, in bytes (see <see cref="MaxLineLength"/>); values above
    /// <see cref="Array.MaxLength"/> mean that limit.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferSize"/> or <paramref name="maxLineLength"/> is not positive.</exception>
    public static TextInput FromFile(string path, int bufferSize = DefaultBufferSize, int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineLength);
        return new TextInput(InputKind.File, $"file '{path}'", path: path, bufferSize: bufferSize, maxLineLength: maxLineLength);
    }

    /// <summary>
    /// The lines of a text stream (UTF-8, or UTF-16/UTF-32 with a byte order mark), from its current
    /// position. A stream can be read once; it is disposed when the read ends unless
    /// <paramref name="leaveOpen"/> is true.
    /// </summary>
    /// <param name="stream">A readable stream.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open after reading.</param>
    /// <param name="bufferSize">The size of the pipe's read buffers, in bytes (lines may be longer).</param>
    /// <param name="maxLineLength">
    /// The longest line accepted, in bytes (see <see cref="MaxLineLength"/>); values above
    /// <see cref="Array.MaxLength"/> mean that limit.
    /// </param>
    /// <param name="name">
    /// What the stream is, for error messages (<see cref="LineTooLongException.Input"/>); by default the
    /// file of a <see cref="FileStream"/>, else the stream's type.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not readable.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferSize"/> or <paramref name="maxLineLength"/> is not positive.</exception>
    public static TextInput FromStream(Stream stream, bool leaveOpen = false, int bufferSize = DefaultBufferSize, int maxLineLength = DefaultMaxLineLength, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineLength);
        string description = $"stream '{name ?? (stream is FileStream file ? file.Name : stream.GetType().Name)}'";
        return new TextInput(InputKind.Stream, description, stream: stream, leaveOpen: leaveOpen, bufferSize: bufferSize, maxLineLength: maxLineLength);
    }

    /// <summary>
    /// The lines of an in-memory text, split as a file's would be, with the same maximum line length
    /// (counted in bytes of the line's UTF-8 encoding). A leading U+FEFF is kept: it is a character of
    /// the text, not a byte order mark.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="maxLineLength">
    /// The longest line accepted, in bytes of UTF-8 (see <see cref="MaxLineLength"/>).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLineLength"/> is not positive.</exception>
    public static TextInput FromString(string text, int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineLength);
        return new TextInput(InputKind.Text, "in-memory text", text: text, maxLineLength: maxLineLength);
    }

    /// <summary>
    /// The lines of UTF-8 text in memory (a file's bytes read or mapped whole, a network buffer), split as a file's would
    /// be, with the same maximum line length; a leading UTF-8 byte order mark is skipped, as in a file. Read with
    /// <see cref="ReadUtf8Lines{TConsumer}(ref TConsumer)"/>, each line is a slice of <paramref name="utf8"/>: nothing is
    /// copied or decoded. The bytes must not change while the lines are in use.
    /// </summary>
    /// <param name="utf8">The text, as UTF-8 bytes.</param>
    /// <param name="maxLineLength">The longest line accepted, in bytes (see <see cref="MaxLineLength"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLineLength"/> is not positive.</exception>
    public static TextInput FromUtf8(ReadOnlyMemory<byte> utf8, int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineLength);
        return new TextInput(InputKind.Utf8, "in-memory UTF-8 text", maxLineLength: maxLineLength, utf8: utf8);
    }

    /// <summary>
    /// Lines given one by one: each string is one line, delivered as is (not split further, no length
    /// limit; a null string is an empty line). The sequence is enumerated on each read.
    /// </summary>
    /// <param name="lines">The lines.</param>
    public static TextInput FromLines(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return new TextInput(InputKind.Lines, "lines", lines: lines, maxLineLength: int.MaxValue);
    }

    /// <summary>
    /// Splits the input into at most <paramref name="parts"/> parts of about equal size, to be read in
    /// parallel: read one after the other, in order, the parts give exactly the lines of the input, each
    /// once, in the same order. Each part is a <see cref="TextInput"/> of its own, with this input's
    /// maximum line length and buffer size and its own <see cref="BytesRead"/> and
    /// <see cref="LinesRead"/>; parts can be read concurrently, from different threads, and each part
    /// can be read several times (and split again).
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>A UTF-8 file</b> (with or without byte order mark) is cut into byte ranges of about equal
    /// size, as Beam's TextIO does: a part reads the lines that <i>start</i> in its range, the last one to
    /// its end even past the range. A part starting after the beginning of the file skips to just after
    /// the first line delimiter at or after the byte before its range, so that a line starting exactly
    /// at the range's start is the part's; a <c>\r\n</c> is one delimiter even when the range starts
    /// between its two bytes; only the part starting at the beginning skips the byte order mark. Each
    /// part opens the file when it is read (its own <see cref="FileStream"/>); the ranges are computed
    /// on the file's length when <see cref="Split"/> is called (the last part reads to the end of the
    /// file, whatever its length then). Where a part starts, the number of the line is not known
    /// without reading the file from the beginning: a too long line in such a part is named by its
    /// byte offset in the file (<see cref="LineTooLongException.ByteOffset"/>), with
    /// <see cref="LineTooLongException.LineNumber"/> 0. There are no more parts than bytes, and a part
    /// may hold no line (a part inside a line that started before it). Ranges may start inside a
    /// multi-byte character: lines are found on bytes, which is safe in UTF-8.
    /// </para>
    /// <para>
    /// <b>A UTF-16 or UTF-32 file</b> (by its byte order mark) is not split: its line delimiters are not
    /// bytes, so the result is this input alone. Splitting such a file opens it to read its first bytes.
    /// </para>
    /// <para>
    /// <b>A string</b> (<see cref="FromString"/>) is cut into ranges of chars starting at line starts,
    /// with the same rule; no part is empty, and line numbers in errors are those of the whole text.
    /// <b>UTF-8 bytes</b> (<see cref="FromUtf8"/>) likewise, into ranges of bytes.
    /// <b>A list of lines</b> (<see cref="FromLines"/> over an <see cref="IList{T}"/> or
    /// <see cref="IReadOnlyList{T}"/>) is cut by index; the last part reads to the end of the list when
    /// it is read. <b>A stream</b> (<see cref="FromStream"/>), which has one reader, and
    /// <see cref="FromLines"/> over any other sequence are not split (see <see cref="CanSplit"/>).
    /// </para>
    /// <para>
    /// When the input is not split (one part asked for, an input not splittable or too small), the
    /// result holds this input itself.
    /// </para>
    /// </remarks>
    /// <param name="parts">The largest number of parts wanted.</param>
    /// <returns>The parts, in the order of the input: at least one, at most <paramref name="parts"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parts"/> is not positive.</exception>
    /// <exception cref="IOException">The file cannot be opened to learn its length and encoding.</exception>
    public IReadOnlyList<TextInput> Split(int parts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parts);
        if (parts == 1 || !CanSplit)
        {
            return new[] { this };
        }

        return _kind switch
        {
            InputKind.File => SplitFile(parts),
            InputKind.Text => SplitText(parts),
            InputKind.Utf8 => SplitUtf8(parts),
            _ => SplitList(parts),
        };
    }

    /// <summary>
    /// Reads every line synchronously, on the calling thread, calling
    /// <see cref="ILineConsumer.OnLine"/> for each, in order.
    /// </summary>
    /// <typeparam name="TConsumer">The consumer; a struct is updated in place through the reference.</typeparam>
    /// <param name="consumer">Receives the lines.</param>
    /// <exception cref="InvalidOperationException">A stream input is read a second time.</exception>
    /// <exception cref="LineTooLongException">
    /// A line is longer than <see cref="MaxLineLength"/>; the lines before it have been delivered.
    /// </exception>
    public void ReadLines<TConsumer>(ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        Volatile.Write(ref _bytesRead, 0);
        Volatile.Write(ref _linesRead, 0);
        switch (_kind)
        {
            case InputKind.Lines:
                ReadList(ref consumer);
                break;

            case InputKind.Text:
                ReadText(TextRange(), ref consumer);
                break;

            default:
                var sink = new DecodingSink<TConsumer>(consumer);
                try
                {
                    ReadBytes(ref sink);
                }
                finally
                {
                    consumer = sink.Consumer;
                    sink.Dispose();
                }

                break;
        }
    }

    /// <summary>
    /// Reads every line synchronously, on the calling thread, as UTF-8 bytes that are never decoded, calling
    /// <see cref="IUtf8LineConsumer.OnLine"/> for each, in order. Lines split as <see cref="ReadLines{TConsumer}(ref TConsumer)"/>
    /// splits them, the same lines in the same order: decoded, each would be the line it reads. The bytes handed over stay
    /// valid: slices of <see cref="FromUtf8"/>'s bytes; for a file or a stream, copies in 64 KiB chunks that are never
    /// reused (no array per line); for a string, its UTF-8 encoding; for lines given as strings, each one encoded. A
    /// UTF-16 or UTF-32 file (by its byte order mark) is transcoded to UTF-8. Invalid UTF-8 is handed over as it is.
    /// </summary>
    /// <typeparam name="TConsumer">The consumer; a struct is updated in place through the reference.</typeparam>
    /// <param name="consumer">Receives the lines.</param>
    /// <exception cref="InvalidOperationException">A stream input is read a second time.</exception>
    /// <exception cref="LineTooLongException">
    /// A line is longer than <see cref="MaxLineLength"/>; the lines before it have been delivered.
    /// </exception>
    public void ReadUtf8Lines<TConsumer>(ref TConsumer consumer)
        where TConsumer : IUtf8LineConsumer
    {
        Volatile.Write(ref _bytesRead, 0);
        Volatile.Write(ref _linesRead, 0);
        switch (_kind)
        {
            case InputKind.Lines:
                var encoder = new EncodingConsumer<TConsumer>(consumer);
                try
                {
                    ReadList(ref encoder);
                }
                finally
                {
                    consumer = encoder.Consumer;
                }

                break;

            case InputKind.Text:
                ReadOnlySpan<char> range = TextRange();
                var encoded = new byte[Encoding.UTF8.GetByteCount(range)];
                Encoding.UTF8.GetBytes(range, encoded);
                var textSink = new KeepingSink<TConsumer>(consumer);
                try
                {
                    SplitMemory(encoded, skipByteOrderMark: false, ref textSink);
                }
                finally
                {
                    consumer = textSink.Consumer;
                }

                break;

            default:
                var sink = new KeepingSink<TConsumer>(consumer);
                try
                {
                    ReadBytes(ref sink);
                }
                finally
                {
                    consumer = sink.Consumer;
                }

                break;
        }
    }

    /// <summary>
    /// Reads every line asynchronously as UTF-8 bytes, as <see cref="ReadUtf8Lines{TConsumer}(ref TConsumer)"/> does, and
    /// returns the consumer (a struct consumer is copied in: read its final state from the result).
    /// </summary>
    /// <typeparam name="TConsumer">The consumer.</typeparam>
    /// <param name="consumer">Receives the lines.</param>
    /// <param name="cancellationToken">Cancels the read between pipe reads.</param>
    /// <returns>The consumer, after the read.</returns>
    /// <exception cref="InvalidOperationException">A stream input is read a second time.</exception>
    /// <exception cref="LineTooLongException">
    /// A line is longer than <see cref="MaxLineLength"/>; the lines before it have been delivered.
    /// </exception>
    /// <exception cref="OperationCanceledException">The read was canceled.</exception>
    public async ValueTask<TConsumer> ReadUtf8LinesAsync<TConsumer>(TConsumer consumer, CancellationToken cancellationToken = default)
        where TConsumer : IUtf8LineConsumer
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_kind is not (InputKind.File or InputKind.Stream))
        {
            ReadUtf8Lines(ref consumer);
            return consumer;
        }

        return (await ReadBytesAsync(new KeepingSink<TConsumer>(consumer), cancellationToken).ConfigureAwait(false)).Consumer;
    }

    // The lines of a file, a stream or in-memory UTF-8, as bytes, into a sink.
    private void ReadBytes<TSink>(ref TSink sink)
        where TSink : IUtf8LineSink
    {
        switch (_kind)
        {
            case InputKind.Utf8:
                SplitMemory(Utf8Range(), skipByteOrderMark: _start == 0, ref sink);
                break;

            case InputKind.File:
                using (FileStream file = OpenFile(asynchronous: false))
                {
                    ReadPipe(PipeReader.Create(new SynchronousReadStream(file), PipeOptions(leaveOpen: true)), ref sink);
                }

                break;

            default:
                Stream stream = TakeStream();
                try
                {
                    ReadPipe(PipeReader.Create(new SynchronousReadStream(stream), PipeOptions(leaveOpen: true)), ref sink);
                }
                finally
                {
                    if (!_leaveOpen)
                    {
                        stream.Dispose();
                    }
                }

                break;
        }
    }

    // The lines of a file or a stream, as bytes, into a sink, asynchronously.
    private async ValueTask<TSink> ReadBytesAsync<TSink>(TSink sink, CancellationToken cancellationToken)
        where TSink : IUtf8LineSink
    {
        Volatile.Write(ref _bytesRead, 0);
        Volatile.Write(ref _linesRead, 0);
        if (_kind == InputKind.File)
        {
            await using FileStream file = OpenFile(asynchronous: true);
            return await ReadPipeAsync(PipeReader.Create(file, PipeOptions(leaveOpen: true)), sink, cancellationToken).ConfigureAwait(false);
        }

        Stream stream = TakeStream();
        try
        {
            return await ReadPipeAsync(PipeReader.Create(stream, PipeOptions(leaveOpen: true)), sink, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!_leaveOpen)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads every line asynchronously, calling <see cref="ILineConsumer.OnLine"/> for each, in order,
    /// and returns the consumer (a struct consumer is copied in: read its final state from the result).
    /// </summary>
    /// <typeparam name="TConsumer">The consumer.</typeparam>
    /// <param name="consumer">Receives the lines.</param>
    /// <param name="cancellationToken">Cancels the read between pipe reads.</param>
    /// <exception cref="InvalidOperationException">A stream input is read a second time.</exception>
    /// <exception cref="LineTooLongException">
    /// A line is longer than <see cref="MaxLineLength"/>; the lines before it have been delivered.
    /// </exception>
    /// <exception cref="OperationCanceledException">The read was canceled.</exception>
    public async ValueTask<TConsumer> ReadLinesAsync<TConsumer>(TConsumer consumer, CancellationToken cancellationToken = default)
        where TConsumer : ILineConsumer
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (_kind)
        {
            case InputKind.Lines:
            case InputKind.Text:
            case InputKind.Utf8:
                ReadLines(ref consumer);
                return consumer;

            default:
                var sink = new DecodingSink<TConsumer>(consumer);
                try
                {
                    sink = await ReadBytesAsync(sink, cancellationToken).ConfigureAwait(false);
                    return sink.Consumer;
                }
                finally
                {
                    sink.Dispose();
                }
        }
    }

    /// <summary>
    /// Reads every line as <see cref="ReadLines{TConsumer}(ref TConsumer)"/> does, except that lines the input already
    /// holds as strings (<see cref="FromLines"/>) go to <see cref="IStringLineConsumer.OnLine(string)"/> as they are,
    /// not copied: a consumer that keeps each line as a string (a pipeline's <c>ReadLines</c> input) allocates nothing
    /// per line for them.
    /// </summary>
    /// <typeparam name="TConsumer">The consumer; a struct is updated in place through the reference.</typeparam>
    /// <param name="consumer">Receives the lines.</param>
    /// <exception cref="InvalidOperationException">A stream input is read a second time.</exception>
    /// <exception cref="LineTooLongException">
    /// A line is longer than <see cref="MaxLineLength"/>; the lines before it have been delivered.
    /// </exception>
    public void ReadStringLines<TConsumer>(ref TConsumer consumer)
        where TConsumer : IStringLineConsumer
    {
        if (_kind != InputKind.Lines)
        {
            ReadLines(ref consumer);
            return;
        }

        Volatile.Write(ref _bytesRead, 0);
        Volatile.Write(ref _linesRead, 0);
        if (_start == 0 && _end == long.MaxValue)
        {
            foreach (string line in _lines!)
            {
                consumer.OnLine(line ?? string.Empty);
                _linesRead++;
            }

            return;
        }

        if (_lines is IList<string> list)
        {
            int end = (int)Math.Min(_end, list.Count);
            for (int i = (int)_start; i < end; i++)
            {
                consumer.OnLine(list[i] ?? string.Empty);
                _linesRead++;
            }

            return;
        }

        var readOnlyList = (IReadOnlyList<string>)_lines!;
        int last = (int)Math.Min(_end, readOnlyList.Count);
        for (int i = (int)_start; i < last; i++)
        {
            consumer.OnLine(readOnlyList[i] ?? string.Empty);
            _linesRead++;
        }
    }

    /// <summary>
    /// Reads every line asynchronously as <see cref="ReadLinesAsync{TConsumer}(TConsumer, CancellationToken)"/> does,
    /// except that lines the input already holds as strings go to <see cref="IStringLineConsumer.OnLine(string)"/>
    /// as they are (see <see cref="ReadStringLines{TConsumer}(ref TConsumer)"/>).
    /// </summary>
    /// <typeparam name="TConsumer">The consumer.</typeparam>
    /// <param name="consumer">Receives the lines.</param>
    /// <param name="cancellationToken">Cancels the read between pipe reads.</param>
    /// <returns>The consumer, after the read (a struct consumer is copied in: read its final state from the result).</returns>
    /// <exception cref="InvalidOperationException">A stream input is read a second time.</exception>
    /// <exception cref="LineTooLongException">
    /// A line is longer than <see cref="MaxLineLength"/>; the lines before it have been delivered.
    /// </exception>
    /// <exception cref="OperationCanceledException">The read was canceled.</exception>
    public ValueTask<TConsumer> ReadStringLinesAsync<TConsumer>(TConsumer consumer, CancellationToken cancellationToken = default)
        where TConsumer : IStringLineConsumer
    {
        if (_kind != InputKind.Lines)
        {
            return ReadLinesAsync(consumer, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ReadStringLines(ref consumer);
        return new ValueTask<TConsumer>(consumer);
    }

    /// <inheritdoc />
    public override string ToString() => _kind switch
    {
        InputKind.File => $"TextInput(file {_path}{RangeText("bytes")})",
        InputKind.Stream => "TextInput(stream)",
        InputKind.Text => _start == 0 && _end == long.MaxValue ? $"TextInput(text, {_text!.Length} chars)" : $"TextInput(text{RangeText("chars")})",
        InputKind.Utf8 => _start == 0 && _end == long.MaxValue ? $"TextInput(UTF-8, {_utf8.Length} bytes)" : $"TextInput(UTF-8{RangeText("bytes")})",
        _ => $"TextInput(lines{RangeText("lines")})",
    };

    private string RangeText(string unit) =>
        _start == 0 && _end == long.MaxValue ? string.Empty
        : _end == long.MaxValue ? $", {unit} {_start} to the end"
        : $", {unit} {_start} to {_end}";

    private FileStream OpenFile(bool asynchronous)
    {
        var options = FileOptions.SequentialScan | (asynchronous ? FileOptions.Asynchronous : FileOptions.None);

        // The pipe does the buffering: no FileStream buffer.
        var file = new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, options);
        if (_start > 0)
        {
            // A part reads from the byte before its range: whether that byte is a delimiter tells
            // whether a line starts at _start.
            try
            {
                file.Position = _start - 1;
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        return file;
    }

    private IReadOnlyList<TextInput> SplitFile(int parts)
    {
        long length;
        byte[] first = new byte[4];
        int count;
        using (var file = new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            length = file.Length;
            count = file.ReadAtLeast(first, first.Length, throwOnEndOfStream: false);
        }

        ByteOrderMark.TryDetect(new ReadOnlySequence<byte>(first, 0, count), isCompleted: true, out ByteOrderMark mark);
        if (mark.Encoding is not null)
        {
            return new[] { this }; // UTF-16 or UTF-32: delimiters are not single bytes
        }

        return SplitRange(parts, Math.Min(_end, length));
    }

    private IReadOnlyList<TextInput> SplitList(int parts)
    {
        int count = _lines is IList<string> list ? list.Count : ((IReadOnlyList<string>)_lines!).Count;
        return SplitRange(parts, Math.Min(_end, count));
    }

    // Cuts [_start, end) into ranges of about equal length, at most one per unit (byte or line); the
    // last part ends where this input ends (at the end of the input when it is read, for a whole
    // input). The lines before a part are known only for the part at the start of the input.
    private IReadOnlyList<TextInput> SplitRange(int parts, long end)
    {
        long length = end - _start;
        if (length < 2)
        {
            return new[] { this };
        }

        int count = (int)Math.Min(parts, length);
        var result = new TextInput[count];
        long start = _start;
        for (int i = 0; i < count; i++)
        {
            long next = i == count - 1 ? _end : _start + (long)((Int128)length * (i + 1) / count);
            result[i] = new TextInput(this, start, next, linesBefore: start == 0 ? 0 : -1);
            start = next;
        }

        return result;
    }

    // Cuts the text's range into ranges of about equal length, each moved to the first line start at or
    // after its start (as a file's part finds its first line), dropping those left empty.
    private IReadOnlyList<TextInput> SplitText(int parts) => SplitAtLineStarts(_text.AsSpan(), parts, '\n', '\r');

    // The same for UTF-8 bytes in memory, in ranges of bytes.
    private IReadOnlyList<TextInput> SplitUtf8(int parts) => SplitAtLineStarts(_utf8.Span, parts, (byte)'\n', (byte)'\r');

    private IReadOnlyList<TextInput> SplitAtLineStarts<T>(ReadOnlySpan<T> text, int parts, T lineFeed, T carriageReturn)
        where T : IEquatable<T>
    {
        int start = (int)_start;
        int end = (int)Math.Min(_end, text.Length);
        int length = end - start;
        if (length < 2)
        {
            return new[] { this };
        }

        int count = Math.Min(parts, length);
        var result = new List<TextInput>(count);
        long linesBefore = _linesBefore;
        int partStart = start;
        for (int i = 1; i <= count; i++)
        {
            int partEnd = i == count ? end : NextLineStart(text, start + (int)((long)length * i / count), end, lineFeed, carriageReturn);
            if (partEnd == partStart)
            {
                continue;
            }

            result.Add(new TextInput(this, partStart, partEnd, linesBefore));
            linesBefore += CountDelimiters(text.Slice(partStart, partEnd - partStart), lineFeed, carriageReturn);
            partStart = partEnd;
        }

        return result.Count == 1 ? new[] { this } : result.ToArray();
    }

    // The first line start at or after position (0 < position < end, end a line start or the end of the
    // text): just after the first delimiter at or after position - 1; end if there is none before it.
    private static int NextLineStart<T>(ReadOnlySpan<T> text, int position, int end, T lineFeed, T carriageReturn)
        where T : IEquatable<T>
    {
        int index = text.Slice(position - 1, end - position + 1).IndexOfAny(lineFeed, carriageReturn);
        if (index < 0)
        {
            return end;
        }

        int delimiter = position - 1 + index;
        int next = delimiter + 1;
        if (text[delimiter].Equals(carriageReturn) && next < text.Length && text[next].Equals(lineFeed))
        {
            next++;
        }

        return Math.Min(next, end);
    }

    // The delimiters of text that ends at a line start: as many as its lines.
    private static long CountDelimiters<T>(ReadOnlySpan<T> text, T lineFeed, T carriageReturn)
        where T : IEquatable<T>
    {
        ReadOnlySpan<T> pair = [carriageReturn, lineFeed];
        return (long)text.Count(lineFeed) + text.Count(carriageReturn) - text.Count(pair);
    }

    private ReadOnlySpan<char> TextRange()
    {
        string text = _text!;
        int end = (int)Math.Min(_end, text.Length);
        return _start >= end ? ReadOnlySpan<char>.Empty : text.AsSpan((int)_start, end - (int)_start);
    }

    private ReadOnlyMemory<byte> Utf8Range()
    {
        int end = (int)Math.Min(_end, _utf8.Length);
        return _start >= end ? ReadOnlyMemory<byte>.Empty : _utf8.Slice((int)_start, end - (int)_start);
    }

    // Splits UTF-8 bytes that stay valid into lines (the rules of a file's), handing each line as a slice.
    private void SplitMemory<TSink>(ReadOnlyMemory<byte> bytes, bool skipByteOrderMark, ref TSink sink)
        where TSink : IUtf8LineSink
    {
        if (skipByteOrderMark && bytes.Span.StartsWith("\uFEFF"u8))
        {
            bytes = bytes.Slice(3);
        }

        ReadOnlySpan<byte> span = bytes.Span;
        int position = 0;
        while (position < span.Length)
        {
            int delimiter = span.Slice(position).IndexOfAny((byte)'\n', (byte)'\r');
            int length = delimiter < 0 ? span.Length - position : delimiter;
            if (length > _maxLineLength)
            {
                throw new LineTooLongException(_description, _linesBefore < 0 ? 0 : _linesBefore + _linesRead + 1, _maxLineLength);
            }

            sink.OnLine(bytes.Slice(position, length));
            _linesRead++;
            if (delimiter < 0)
            {
                break;
            }

            int next = position + delimiter + 1;
            if (span[next - 1] == (byte)'\r' && next < span.Length && span[next] == (byte)'\n')
            {
                next++;
            }

            position = next;
        }
    }

    // A UTF-8 consumer of lines given as strings: each line encoded into an array of its own.
    private struct EncodingConsumer<TConsumer> : ILineConsumer
        where TConsumer : IUtf8LineConsumer
    {
        public TConsumer Consumer;

        public EncodingConsumer(TConsumer consumer) => Consumer = consumer;

        public void OnLine(ReadOnlySpan<char> line)
        {
            var bytes = new byte[Encoding.UTF8.GetByteCount(line)];
            Encoding.UTF8.GetBytes(line, bytes);
            Consumer.OnLine(bytes);
        }
    }

    private void ReadList<TConsumer>(ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        if (_start == 0 && _end == long.MaxValue)
        {
            foreach (string line in _lines!)
            {
                consumer.OnLine(line);
                _linesRead++;
            }

            return;
        }

        if (_lines is IList<string> list)
        {
            int end = (int)Math.Min(_end, list.Count);
            for (int i = (int)_start; i < end; i++)
            {
                consumer.OnLine(list[i]);
                _linesRead++;
            }

            return;
        }

        var readOnlyList = (IReadOnlyList<string>)_lines!;
        int last = (int)Math.Min(_end, readOnlyList.Count);
        for (int i = (int)_start; i < last; i++)
        {
            consumer.OnLine(readOnlyList[i]);
            _linesRead++;
        }
    }

    private Stream TakeStream()
    {
        if (Interlocked.Exchange(ref _streamTaken, 1) != 0)
        {
            throw new InvalidOperationException("A TextInput created from a stream can be read only once.");
        }

        return _stream!;
    }

    private StreamPipeReaderOptions PipeOptions(bool leaveOpen) =>
        new(bufferSize: _bufferSize, minimumReadSize: Math.Max(1, Math.Min(_bufferSize / 4, 4096)), leaveOpen: leaveOpen);

    private void ReadText<TConsumer>(ReadOnlySpan<char> text, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty)
        {
            int delimiter = rest.IndexOfAny('\n', '\r');
            if (delimiter < 0)
            {
                ThrowIfTooLong(rest);
                consumer.OnLine(rest);
                _linesRead++;
                break;
            }

            ReadOnlySpan<char> line = rest.Slice(0, delimiter);
            ThrowIfTooLong(line);
            consumer.OnLine(line);
            _linesRead++;
            int next = delimiter + 1;
            if (rest[delimiter] == '\r' && next < rest.Length && rest[next] == '\n')
            {
                next++;
            }

            rest = rest.Slice(next);
        }
    }

    // A line of the in-memory text is measured as its UTF-8 encoding would be in a file: at most 3
    // bytes per char, so only lines longer than a third of the limit need counting.
    private void ThrowIfTooLong(ReadOnlySpan<char> line)
    {
        if ((long)line.Length * 3 > _maxLineLength && Encoding.UTF8.GetByteCount(line) > _maxLineLength)
        {
            throw new LineTooLongException(_description, _linesBefore + _linesRead + 1, _maxLineLength);
        }
    }

    // Over a SynchronousReadStream every read has already completed.
    private static ReadResult ReadSynchronously(PipeReader reader)
    {
        ValueTask<ReadResult> pending = reader.ReadAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    // Consumes the byte order mark, if any, and only it (the bytes after it stay unexamined, so the
    // next read returns them at once).
    private static bool TryConsumeByteOrderMark(PipeReader reader, ReadResult result, out ByteOrderMark mark)
    {
        ReadOnlySequence<byte> buffer = result.Buffer;
        if (ByteOrderMark.TryDetect(buffer, result.IsCompleted, out mark))
        {
            reader.AdvanceTo(buffer.GetPosition(mark.Length));
            return true;
        }

        reader.AdvanceTo(buffer.Start, buffer.End);
        return false;
    }

    private void ReadPipe<TSink>(PipeReader reader, ref TSink sink)
        where TSink : IUtf8LineSink
    {
        Exception? error = null;
        try
        {
            if (_start > 0)
            {
                // A part of a UTF-8 file, read from the byte before its range: skip to its first line.
                var seeker = new LineStartSeeker(_end - _start);
                while (!seeker.Seek(reader, ReadSynchronously(reader)))
                {
                }

                long firstLine = _start - 1 + seeker.Skipped;
                if (seeker.Found && firstLine < _end)
                {
                    SplitLines(reader, 0, source: null, firstLineOffset: firstLine, ref sink);
                }

                return;
            }

            ByteOrderMark mark;
            while (!TryConsumeByteOrderMark(reader, ReadSynchronously(reader), out mark))
            {
            }

            if (mark.Encoding is null)
            {
                SplitLines(reader, mark.Length, source: null, firstLineOffset: mark.Length, ref sink);
                return;
            }

            ThrowIfPartOfChangedFile();

            // UTF-16 or UTF-32: split the rest of the input transcoded to UTF-8.
            var source = new CountingReadStream(reader.AsStream(leaveOpen: true));
            using Stream utf8 = Encoding.CreateTranscodingStream(source, mark.Encoding, Encoding.UTF8, leaveOpen: true);
            PipeReader transcoded = PipeReader.Create(new SynchronousReadStream(utf8), PipeOptions(leaveOpen: true));
            Exception? transcodingError = null;
            try
            {
                SplitLines(transcoded, mark.Length, source, firstLineOffset: null, ref sink);
            }
            catch (Exception ex)
            {
                transcodingError = ex;
                throw;
            }
            finally
            {
                transcoded.Complete(transcodingError);
            }
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            reader.Complete(error);
        }
    }

    // A part of a file that is not its whole starts at its beginning but finds a UTF-16 or UTF-32 byte
    // order mark: the file was UTF-8 when it was split, it has been rewritten since.
    private void ThrowIfPartOfChangedFile()
    {
        if (_end != long.MaxValue)
        {
            throw new IOException($"The {_description} now starts with a UTF-16 or UTF-32 byte order mark: it has changed since it was split into parts, which are byte ranges of a UTF-8 file.");
        }
    }

    // The splitter for the lines read from the reader: firstLineOffset is the offset in the input of
    // the first byte it is given (null for transcoded input, not the input's bytes).
    private Utf8LineSplitter CreateSplitter(long? firstLineOffset) =>
        new(_maxLineLength, _description, firstLineOffset, firstLineOffset.HasValue ? _end : long.MaxValue, lineNumbersKnown: _start == 0);

    // Splits UTF-8 lines until the end of the input, or of the part. BytesRead counts the byte order
    // mark and then the bytes consumed by the splitter, or, for transcoded input, the bytes read from
    // the input.
    private void SplitLines<TSink>(PipeReader reader, int byteOrderMarkLength, CountingReadStream? source, long? firstLineOffset, ref TSink sink)
        where TSink : IUtf8LineSink
    {
        using Utf8LineSplitter splitter = CreateSplitter(firstLineOffset);
        Volatile.Write(ref _bytesRead, byteOrderMarkLength);
        while (true)
        {
            ReadResult result = ReadSynchronously(reader);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = splitter.Process(buffer, result.IsCompleted, ref sink);
            reader.AdvanceTo(consumed, buffer.End);
            Volatile.Write(ref _bytesRead, byteOrderMarkLength + (source?.BytesRead ?? splitter.BytesConsumed));
            Volatile.Write(ref _linesRead, splitter.Lines);
            if (result.IsCompleted || splitter.ReachedEnd)
            {
                return;
            }
        }
    }

    private async ValueTask<TSink> ReadPipeAsync<TSink>(PipeReader reader, TSink sink, CancellationToken cancellationToken)
        where TSink : IUtf8LineSink
    {
        Exception? error = null;
        try
        {
            if (_start > 0)
            {
                // A part of a UTF-8 file, read from the byte before its range: skip to its first line.
                var seeker = new LineStartSeeker(_end - _start);
                while (!seeker.Seek(reader, await reader.ReadAsync(cancellationToken).ConfigureAwait(false)))
                {
                }

                long firstLine = _start - 1 + seeker.Skipped;
                return seeker.Found && firstLine < _end
                    ? await SplitLinesAsync(reader, 0, source: null, firstLineOffset: firstLine, sink, cancellationToken).ConfigureAwait(false)
                    : sink;
            }

            ByteOrderMark mark;
            while (!TryConsumeByteOrderMark(reader, await reader.ReadAsync(cancellationToken).ConfigureAwait(false), out mark))
            {
            }

            if (mark.Encoding is null)
            {
                return await SplitLinesAsync(reader, mark.Length, source: null, firstLineOffset: mark.Length, sink, cancellationToken).ConfigureAwait(false);
            }

            ThrowIfPartOfChangedFile();

            // UTF-16 or UTF-32: split the rest of the input transcoded to UTF-8.
            var source = new CountingReadStream(reader.AsStream(leaveOpen: true));
            await using Stream utf8 = Encoding.CreateTranscodingStream(source, mark.Encoding, Encoding.UTF8, leaveOpen: true);
            PipeReader transcoded = PipeReader.Create(utf8, PipeOptions(leaveOpen: true));
            Exception? transcodingError = null;
            try
            {
                return await SplitLinesAsync(transcoded, mark.Length, source, firstLineOffset: null, sink, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                transcodingError = ex;
                throw;
            }
            finally
            {
                await transcoded.CompleteAsync(transcodingError).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            await reader.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async ValueTask<TSink> SplitLinesAsync<TSink>(PipeReader reader, int byteOrderMarkLength, CountingReadStream? source, long? firstLineOffset, TSink sink, CancellationToken cancellationToken)
        where TSink : IUtf8LineSink
    {
        using Utf8LineSplitter splitter = CreateSplitter(firstLineOffset);
        Volatile.Write(ref _bytesRead, byteOrderMarkLength);
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = splitter.Process(buffer, result.IsCompleted, ref sink);
            reader.AdvanceTo(consumed, buffer.End);
            Volatile.Write(ref _bytesRead, byteOrderMarkLength + (source?.BytesRead ?? splitter.BytesConsumed));
            Volatile.Write(ref _linesRead, splitter.Lines);
            if (result.IsCompleted || splitter.ReachedEnd)
            {
                return sink;
            }
        }
    }
}
