using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace Compiled.Checkpoints;

/// <summary>
/// The lines of a UTF-8 text file, read one at a time from a position a checkpoint keeps: a replayable source. After a
/// restore it reads on from the first line the checkpoint had not read, so that with the runner's restored state the
/// job goes on as if it had not stopped.
/// </summary>
/// <remarks>
/// <para>
/// Lines are those of <see cref="TextInput"/>: they end at <c>\n</c>, <c>\r</c> or <c>\r\n</c> (one delimiter, not
/// part of the line); a final line without delimiter is a line unless it is empty; a UTF-8 byte order mark at the start
/// is skipped; invalid bytes decode to U+FFFD; a line longer than the maximum line length (UTF-8 bytes) throws
/// <see cref="LineTooLongException"/>. UTF-16 and UTF-32 files are not read (<see cref="NotSupportedException"/>).
/// </para>
/// <para>
/// <see cref="Position"/> is the byte offset of the next line not read, and <see cref="LineNumber"/> the number of
/// lines read. The checkpoint (format version 1, little-endian) is: the version (byte), the position (int64), the line
/// number (int64), the file's length then (int64), the number of bytes checked before the position (int32, at most
/// 1024) and their XXH64 (uint64). A restore seeks to the position; a file now shorter than that, or whose bytes before
/// the position differ, is not the file read, and throws <see cref="CheckpointMismatchException"/>.
/// </para>
/// <para>
/// The file is opened for reading, sharing writes: lines appended after the end was reached are read by the next
/// calls. Not thread-safe: call it from the thread that drives the runner (as <see cref="Checkpointer"/> calls
/// <see cref="WriteCheckpoint"/>).
/// </para>
/// </remarks>
public sealed class TextFileSource : ICheckpointable, IDisposable
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';
    private const int CheckedBytes = 1024;
    private const byte Version = 1;

    private readonly FileStream _stream;
    private readonly int _maxLineLength;
    private byte[] _buffer;
    private char[] _chars;

    // The file offset of _buffer[0]; the unread bytes are _buffer[_start.._end).
    private long _bufferOffset;
    private int _start;
    private int _end;

    // Bytes at _start already searched without finding a delimiter (the search resumes after them).
    private int _searched;
    private bool _endOfFile;
    private bool _disposed;

    /// <summary>Opens <paramref name="path"/> at its first line.</summary>
    /// <param name="path">The file.</param>
    /// <param name="bufferSize">The size of the read buffer in bytes (64 KiB by default).</param>
    /// <param name="maxLineLength">The longest line accepted, in UTF-8 bytes without delimiter (<see cref="TextInput.DefaultMaxLineLength"/> by default).</param>
    public TextFileSource(string path, int bufferSize = TextInput.DefaultBufferSize, int maxLineLength = TextInput.DefaultMaxLineLength)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
        Path = System.IO.Path.GetFullPath(path);
        _maxLineLength = Math.Min(maxLineLength, Array.MaxLength - 2);
        _stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        _chars = ArrayPool<char>.Shared.Rent(256);
    }

    /// <summary>The file read (full path).</summary>
    public string Path { get; }

    /// <summary>The byte offset in the file of the next line to read (after the byte order mark when at the start).</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>The number of lines read (and so the number of the last line read; 0 before the first).</summary>
    public long LineNumber { get; private set; }

    /// <inheritdoc/>
    public ulong StateFingerprint { get; } = XxHash64.HashToUInt64("Compiled.Checkpoints.TextFileSource/1"u8);

    /// <summary>Reads the next line, if the file has one now.</summary>
    /// <param name="line">The line, without delimiter.</param>
    /// <returns>False at the end of the file.</returns>
    public bool TryReadLine(out string line)
    {
        var consumer = new StringConsumer();
        bool read = TryReadLine(ref consumer);
        line = consumer.Line ?? string.Empty;
        return read;
    }

    /// <summary>Reads the next line, if the file has one now, and gives it to <paramref name="consumer"/> as a span (no string allocated).</summary>
    /// <typeparam name="TConsumer">The consumer's type (a struct, for the JIT to specialize the call).</typeparam>
    /// <param name="consumer">Receives the line's characters, valid during the call only.</param>
    /// <returns>False at the end of the file.</returns>
    public bool TryReadLine<TConsumer>(ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _endOfFile = false;
        while (true)
        {
            if (TryTakeLine(out int length, out int consumed))
            {
                Deliver(length, consumed, ref consumer);
                return true;
            }

            if (_endOfFile)
            {
                return false;
            }

            PrepareFill();
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            _end += read;
            _endOfFile = read == 0;
        }
    }

    /// <summary>Reads the next line, if the file has one now, reading the file asynchronously.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The line, without delimiter, or null at the end of the file.</returns>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _endOfFile = false;
        while (true)
        {
            if (TryTakeLine(out int length, out int consumed))
            {
                var consumer = new StringConsumer();
                Deliver(length, consumed, ref consumer);
                return consumer.Line;
            }

            if (_endOfFile)
            {
                return null;
            }

            PrepareFill();
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _end += read;
            _endOfFile = read == 0;
        }
    }

    /// <inheritdoc/>
    public void WriteCheckpoint(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ObjectDisposedException.ThrowIf(_disposed, this);
        long position = Position;
        int count = (int)Math.Min(position, CheckedBytes);
        Span<byte> before = stackalloc byte[CheckedBytes];
        before = before.Slice(0, count);
        ReadExactly(_stream.SafeFileHandle, before, position - count);
        const int Size = 1 + 8 + 8 + 8 + 4 + 8;
        Span<byte> span = output.GetSpan(Size);
        span[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(span.Slice(1), position);
        BinaryPrimitives.WriteInt64LittleEndian(span.Slice(9), LineNumber);
        BinaryPrimitives.WriteInt64LittleEndian(span.Slice(17), RandomAccess.GetLength(_stream.SafeFileHandle));
        BinaryPrimitives.WriteInt32LittleEndian(span.Slice(25), count);
        BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(29), XxHash64.HashToUInt64(before));
        output.Advance(Size);
    }

    /// <inheritdoc/>
    /// <exception cref="CheckpointMismatchException">The file is shorter than the position kept, or its bytes before it differ: it is not the file read then.</exception>
    public void RestoreCheckpoint(ReadOnlySpan<byte> state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (state.Length != 37 || state[0] != Version)
        {
            throw new CheckpointMismatchException($"The checkpoint of the text file source of '{Path}' is not one it wrote (format version {(state.IsEmpty ? "none" : state[0])}, {state.Length} bytes).");
        }

        long position = BinaryPrimitives.ReadInt64LittleEndian(state.Slice(1));
        long lineNumber = BinaryPrimitives.ReadInt64LittleEndian(state.Slice(9));
        long lengthThen = BinaryPrimitives.ReadInt64LittleEndian(state.Slice(17));
        int count = BinaryPrimitives.ReadInt32LittleEndian(state.Slice(25));
        ulong hash = BinaryPrimitives.ReadUInt64LittleEndian(state.Slice(29));
        long length = RandomAccess.GetLength(_stream.SafeFileHandle);
        if (length < position)
        {
            throw new CheckpointMismatchException(
                $"The file '{Path}' has {length} bytes, fewer than the offset {position} of the next line to read (line {lineNumber + 1}) kept by the checkpoint, when it had {lengthThen} bytes: it was truncated or replaced since.");
        }

        if (count is < 0 or > CheckedBytes || count > position)
        {
            throw new CheckpointMismatchException($"The checkpoint of the text file source of '{Path}' is corrupt.");
        }

        Span<byte> before = stackalloc byte[CheckedBytes];
        before = before.Slice(0, count);
        ReadExactly(_stream.SafeFileHandle, before, position - count);
        if (XxHash64.HashToUInt64(before) != hash)
        {
            throw new CheckpointMismatchException(
                $"The {count} bytes of file '{Path}' before the offset {position} of the next line to read (line {lineNumber + 1}) differ from those the checkpoint kept: the file was changed or replaced since.");
        }

        _stream.Position = position;
        _bufferOffset = position;
        _start = 0;
        _end = 0;
        _searched = 0;
        _endOfFile = false;
        LineNumber = lineNumber;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<char>.Shared.Return(_chars);
        _buffer = Array.Empty<byte>();
        _chars = Array.Empty<char>();
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, offset);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            destination = destination.Slice(read);
            offset += read;
        }
    }

    // Finds the next line in the buffer: its length and the bytes it takes with its delimiter. False when more bytes
    // are needed (or, at the end of the file, when there is no line left). Skips the byte order mark at offset 0.
    private bool TryTakeLine(out int length, out int consumed)
    {
        length = 0;
        consumed = 0;
        if (_bufferOffset + _start == 0)
        {
            ReadOnlySpan<byte> head = _buffer.AsSpan(_start, _end - _start);
            if (head.Length < 4 && !_endOfFile)
            {
                return false;
            }

            if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                _start += 3;
            }
            else if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
            {
                throw new NotSupportedException($"The file '{Path}' starts with a UTF-16 or UTF-32 byte order mark; TextFileSource reads UTF-8 only.");
            }
        }

        ReadOnlySpan<byte> rest = _buffer.AsSpan(_start, _end - _start);
        int index = rest.Slice(_searched).IndexOfAny(LineFeed, CarriageReturn);
        if (index >= 0)
        {
            index += _searched;
            if (index > _maxLineLength)
            {
                ThrowLineTooLong();
            }

            if (rest[index] == CarriageReturn)
            {
                if (index + 1 == rest.Length && !_endOfFile)
                {
                    // Whether a '\n' follows, and so where the next line starts, is told by the next read.
                    _searched = index;
                    return false;
                }

                consumed = index + 1 < rest.Length && rest[index + 1] == LineFeed ? index + 2 : index + 1;
            }
            else
            {
                consumed = index + 1;
            }

            length = index;
            return true;
        }

        if (rest.Length > _maxLineLength)
        {
            ThrowLineTooLong();
        }

        if (_endOfFile && !rest.IsEmpty)
        {
            length = consumed = rest.Length;
            return true;
        }

        _searched = rest.Length;
        return false;
    }

    private void Deliver<TConsumer>(int length, int consumed, ref TConsumer consumer)
        where TConsumer : ILineConsumer
    {
        ReadOnlySpan<byte> bytes = _buffer.AsSpan(_start, length);
        if (_chars.Length < length)
        {
            ArrayPool<char>.Shared.Return(_chars);
            _chars = ArrayPool<char>.Shared.Rent(Math.Max(length, _chars.Length * 2));
        }

        int count = Encoding.UTF8.GetChars(bytes, _chars);
        _start += consumed;
        _searched = 0;
        LineNumber++;
        consumer.OnLine(_chars.AsSpan(0, count));
    }

    // Makes room after _end: moves the unread bytes to the start of the buffer, or grows it when they fill it.
    private void PrepareFill()
    {
        if (_start > 0)
        {
            int unread = _end - _start;
            _buffer.AsSpan(_start, unread).CopyTo(_buffer);
            _bufferOffset += _start;
            _start = 0;
            _end = unread;
        }

        if (_end == _buffer.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(_buffer.Length * 2L, Array.MaxLength));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    private void ThrowLineTooLong() =>
        throw new LineTooLongException($"file '{Path}'", LineNumber + 1, Position, _maxLineLength);

    private struct StringConsumer : ILineConsumer
    {
        public string? Line;

        public void OnLine(ReadOnlySpan<char> line) => Line = new string(line);
    }
}
