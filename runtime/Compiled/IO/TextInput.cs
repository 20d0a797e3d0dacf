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
/// System.IO.Pipelines, an in-memory string, or a sequence of lines.
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
    private readonly Stream? _stream;
    private readonly bool _leaveOpen;
    private readonly int _bufferSize;
    private readonly int _maxLineLength;
    private readonly string _description;
    private int _streamTaken;
    private long _bytesRead;
    private long _linesRead;

    private TextInput(InputKind kind, string description, string? path = null, string? text = null, IEnumerable<string>? lines = null, Stream? stream = null, bool leaveOpen = false, int bufferSize = DefaultBufferSize, int maxLineLength = DefaultMaxLineLength)
    {
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

    private enum InputKind
    {
        File,
        Stream,
        Text,
        Lines,
    }

    /// <summary>
    /// Bytes of the file or stream consumed by the current (or last) read, for progress reporting;
    /// updated as lines are delivered, readable from another thread; the whole input at the end. Zero
    /// for in-memory inputs. For UTF-16 and UTF-32 input, the bytes read so far, a little ahead of the
    /// lines delivered.
    /// </summary>
    public long BytesRead => Volatile.Read(ref _bytesRead);

    /// <summary>Lines delivered by the current (or last) read; readable from another thread.</summary>
    public long LinesRead => Volatile.Read(ref _linesRead);

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
                foreach (string line in _lines!)
                {
                    consumer.OnLine(line);
                    _linesRead++;
                }

                break;

            case InputKind.Text:
                ReadText(_text!, ref consumer);
                break;

            case InputKind.File:
                using (FileStream file = OpenFile(asynchronous: false))
                {
                    ReadPipe(PipeReader.Create(new SynchronousReadStream(file), PipeOptions(leaveOpen: true)), ref consumer);
                }

                break;

            default:
                Stream stream = TakeStream();
                try
                {
                    ReadPipe(PipeReader.Create(new SynchronousReadStream(stream), PipeOptions(leaveOpen: true)), ref consumer);
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
                ReadLines(ref consumer);
                return consumer;

            case InputKind.File:
                Volatile.Write(ref _bytesRead, 0);
                Volatile.Write(ref _linesRead, 0);
                await using (FileStream file = OpenFile(asynchronous: true))
                {
                    return await ReadPipeAsync(PipeReader.Create(file, PipeOptions(leaveOpen: true)), consumer, cancellationToken).ConfigureAwait(false);
                }

            default:
                Volatile.Write(ref _bytesRead, 0);
                Volatile.Write(ref _linesRead, 0);
                Stream stream = TakeStream();
                try
                {
                    return await ReadPipeAsync(PipeReader.Create(stream, PipeOptions(leaveOpen: true)), consumer, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (!_leaveOpen)
                    {
                        await stream.DisposeAsync().ConfigureAwait(false);
                    }
                }
        }
    }

    /// <inheritdoc />
    public override string ToString() => _kind switch
    {
        InputKind.File => $"TextInput(file {_path})",
        InputKind.Stream => "TextInput(stream)",
        InputKind.Text => $"TextInput(text, {_text!.Length} chars)",
        _ => "TextInput(lines)",
    };

    private FileStream OpenFile(bool asynchronous)
    {
        var options = FileOptions.SequentialScan | (asynchronous ? FileOptions.Asynchronous : FileOptions.None);

        // The pipe does the buffering: no FileStream buffer.
        return new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, options);
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

    private void ReadText<TConsumer>(string text, ref TConsumer consumer)
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
            throw new LineTooLongException(_description, _linesRead + 1, _maxLineLength);
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

    private void ReadPipe<TConsumer>(PipeReader reader, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        Exception? error = null;
        try
        {
            ByteOrderMark mark;
            while (!TryConsumeByteOrderMark(reader, ReadSynchronously(reader), out mark))
            {
            }

            if (mark.Encoding is null)
            {
                Split(reader, mark.Length, source: null, ref consumer);
                return;
            }

            // UTF-16 or UTF-32: split the rest of the input transcoded to UTF-8.
            var source = new CountingReadStream(reader.AsStream(leaveOpen: true));
            using Stream utf8 = Encoding.CreateTranscodingStream(source, mark.Encoding, Encoding.UTF8, leaveOpen: true);
            PipeReader transcoded = PipeReader.Create(new SynchronousReadStream(utf8), PipeOptions(leaveOpen: true));
            Exception? transcodingError = null;
            try
            {
                Split(transcoded, mark.Length, source, ref consumer);
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

    // Splits UTF-8 lines until the end of the input. BytesRead counts the byte order mark and then the
    // bytes consumed by the splitter, or, for transcoded input, the bytes read from the input.
    private void Split<TConsumer>(PipeReader reader, int byteOrderMarkLength, CountingReadStream? source, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        using var splitter = new Utf8LineSplitter(_maxLineLength, _description);
        Volatile.Write(ref _bytesRead, byteOrderMarkLength);
        while (true)
        {
            ReadResult result = ReadSynchronously(reader);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = splitter.Process(buffer, result.IsCompleted, ref consumer);
            reader.AdvanceTo(consumed, buffer.End);
            Volatile.Write(ref _bytesRead, byteOrderMarkLength + (source?.BytesRead ?? splitter.BytesConsumed));
            Volatile.Write(ref _linesRead, splitter.Lines);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private async ValueTask<TConsumer> ReadPipeAsync<TConsumer>(PipeReader reader, TConsumer consumer, CancellationToken cancellationToken)
        where TConsumer : ILineConsumer
    {
        Exception? error = null;
        try
        {
            ByteOrderMark mark;
            while (!TryConsumeByteOrderMark(reader, await reader.ReadAsync(cancellationToken).ConfigureAwait(false), out mark))
            {
            }

            if (mark.Encoding is null)
            {
                return await SplitAsync(reader, mark.Length, source: null, consumer, cancellationToken).ConfigureAwait(false);
            }

            // UTF-16 or UTF-32: split the rest of the input transcoded to UTF-8.
            var source = new CountingReadStream(reader.AsStream(leaveOpen: true));
            await using Stream utf8 = Encoding.CreateTranscodingStream(source, mark.Encoding, Encoding.UTF8, leaveOpen: true);
            PipeReader transcoded = PipeReader.Create(utf8, PipeOptions(leaveOpen: true));
            Exception? transcodingError = null;
            try
            {
                return await SplitAsync(transcoded, mark.Length, source, consumer, cancellationToken).ConfigureAwait(false);
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

    private async ValueTask<TConsumer> SplitAsync<TConsumer>(PipeReader reader, int byteOrderMarkLength, CountingReadStream? source, TConsumer consumer, CancellationToken cancellationToken)
        where TConsumer : ILineConsumer
    {
        using var splitter = new Utf8LineSplitter(_maxLineLength, _description);
        Volatile.Write(ref _bytesRead, byteOrderMarkLength);
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            SequencePosition consumed = splitter.Process(buffer, result.IsCompleted, ref consumer);
            reader.AdvanceTo(consumed, buffer.End);
            Volatile.Write(ref _bytesRead, byteOrderMarkLength + (source?.BytesRead ?? splitter.BytesConsumed));
            Volatile.Write(ref _linesRead, splitter.Lines);
            if (result.IsCompleted)
            {
                return consumer;
            }
        }
    }
}
