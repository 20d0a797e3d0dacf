using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Text;
using Compiled.Coders;

namespace Compiled.Checkpoints;

/// <summary>
/// Writes lines to a UTF-8 text file exactly once across crashes and restarts (a two-phase commit sink): the lines
/// written between two checkpoints reach the output file only when the later checkpoint is complete. The output that a
/// job writes through it, crashed and restarted any number of times, is byte for byte the output of a run without
/// crash, as <see cref="TextFileSink{T}"/> writes it (no byte order mark, each line ended by <c>\n</c>).
/// </summary>
/// <remarks>
/// <para>
/// The lines of the open transaction go to the pending file <c>{output}.pending-{checkpointId}</c> (the id in ten
/// digits) beside the output. <see cref="PrepareCommit"/> flushes it to the disk and closes it; its handle (format
/// version 2, little-endian) is: the version (byte), the pending file's name (int32 UTF-8 length, bytes), its length
/// (int64), the length the output has before it is appended (int64), and the output's full path (int32 UTF-8 length,
/// bytes; not in version 1, which is still read). <see cref="Commit"/> appends the pending file
/// to the output idempotently: if the pending file is gone and the output already has its bytes, there is nothing to
/// do; otherwise it truncates the output to the length before, appends the pending file, flushes the output to the
/// disk, and deletes the pending file. <see cref="Recover"/> finishes the commit of the restored checkpoint, truncates
/// the output to the length it commits (dropping what later checkpoints committed, which the job produces again), and
/// deletes every pending file; without a checkpoint it empties the output; with a checkpoint that has no transaction of
/// this sink (an empty handle: a shard added at a larger parallelism) it keeps the output as it is.
/// </para>
/// <para>
/// Call <see cref="Recover"/> (<see cref="Checkpointer.RestoreAsync"/> does) before writing. <see cref="Write(string)"/>
/// and <see cref="PrepareCommit"/> are called on the runner's thread; <see cref="Commit"/> on the checkpointer's
/// background task, while the next transaction is written, which it does not touch.
/// </para>
/// </remarks>
public sealed class TransactionalFileSink : ITransactionalSink, ISink<string>, IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const byte Version = 2;
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string _directory;
    private readonly string _fileName;
    private StreamWriter? _pending;
    private string? _pendingPath;
    private long _openId;
    private long _committedLength;
    private bool _recovered;
    private bool _disposed;

    /// <summary>Creates the sink of the output file <paramref name="path"/>; nothing is written before <see cref="Recover"/>.</summary>
    /// <param name="path">The output file.</param>
    public TransactionalFileSink(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _directory = System.IO.Path.GetDirectoryName(Path) ?? throw new ArgumentException("The output path has no directory.", nameof(path));
        _fileName = System.IO.Path.GetFileName(Path);
    }

    /// <summary>The output file (full path).</summary>
    public string Path { get; }

    /// <summary>The length of the output once every transaction prepared so far is committed.</summary>
    public long PreparedLength => _committedLength;

    /// <summary>The name of the pending file of the transaction of checkpoint <paramref name="checkpointId"/> (beside the output).</summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <returns>The file's name, not its path.</returns>
    public string PendingFileName(long checkpointId) => _fileName + ".pending-" + checkpointId.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>Writes one line (a null line as an empty one) in the open transaction.</summary>
    /// <param name="line">The line, without delimiter.</param>
    /// <exception cref="InvalidOperationException"><see cref="Recover"/> has not been called.</exception>
    public void Write(string? line) => Write(line.AsSpan());

    /// <summary>Writes one line in the open transaction.</summary>
    /// <param name="line">The line's characters, without delimiter.</param>
    /// <exception cref="InvalidOperationException"><see cref="Recover"/> has not been called.</exception>
    public void Write(ReadOnlySpan<char> line)
    {
        StreamWriter writer = Pending();
        writer.Write(line);
        writer.Write('\n');
    }

    /// <summary>Writes the element's value as one line.</summary>
    /// <param name="element">The element.</param>
    public void Receive(in WindowedValue<string> element) => Write(element.Value);

    /// <inheritdoc/>
    public void PrepareCommit(long checkpointId, IBufferWriter<byte> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ThrowIfNotReady();
        string name = PendingFileName(checkpointId);
        long length = 0;
        if (_pending is not null)
        {
            _pending.Flush();
            var stream = (FileStream)_pending.BaseStream;
            stream.Flush(flushToDisk: true);
            length = stream.Length;
            _pending.Dispose();
            _pending = null;
            string path = System.IO.Path.Combine(_directory, name);
            if (!string.Equals(_pendingPath, path, StringComparison.Ordinal))
            {
                File.Move(_pendingPath!, path, overwrite: true);
            }

            _pendingPath = null;
            DurableDirectory.Sync(_directory);
        }

        var writer = new CoderWriter(handle);
        writer.WriteByte(Version);
        writer.WriteString(name);
        writer.WriteInt64(length);
        writer.WriteInt64(_committedLength);
        writer.WriteString(Path);
        writer.Flush();
        _committedLength += length;
        _openId = checkpointId + 1;
    }

    /// <inheritdoc/>
    /// <exception cref="IOException">The pending file is gone and the output does not have its bytes (the output was changed by someone else), or the output is shorter than the length before the transaction.</exception>
    public void Commit(long checkpointId, ReadOnlySpan<byte> handle)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        (string name, long length, long before) = ReadHandle(checkpointId, handle);
        string pendingPath = System.IO.Path.Combine(_directory, name);
        if (!File.Exists(pendingPath))
        {
            long outputLength = File.Exists(Path) ? new FileInfo(Path).Length : 0;
            if (outputLength >= before + length)
            {
                return; // committed already
            }

            throw new IOException(
                $"The pending file '{name}' of checkpoint {checkpointId} is gone, yet the output '{Path}' has {outputLength} bytes, fewer than the {before + length} its commit gives: the output or the pending file was changed by something else.");
        }

        using (var output = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0))
        {
            if (output.Length < before)
            {
                throw new IOException(
                    $"The output '{Path}' has {output.Length} bytes, fewer than the {before} it had before checkpoint {checkpointId}'s transaction: the output was changed by something else.");
            }

            output.SetLength(before);
            output.Position = before;
            using (var pending = new FileStream(pendingPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
            {
                if (pending.Length != length)
                {
                    throw new IOException($"The pending file '{name}' of checkpoint {checkpointId} has {pending.Length} bytes; its transaction has {length}.");
                }

                pending.CopyTo(output, BufferSize);
            }

            output.Flush(flushToDisk: true);
        }

        DurableDirectory.Sync(_directory);
        File.Delete(pendingPath);
    }

    /// <inheritdoc/>
    public void Recover(long checkpointId, ReadOnlySpan<byte> handle)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ClosePending();
        Directory.CreateDirectory(_directory);
        long committed = 0;
        if (checkpointId >= 0 && handle.IsEmpty)
        {
            // The checkpoint has no transaction of this sink (a shard added by a restore at a larger parallelism): what
            // its output holds was committed by an earlier run, and it goes on after it.
            committed = File.Exists(Path) ? new FileInfo(Path).Length : 0;
        }
        else if (checkpointId >= 0)
        {
            Commit(checkpointId, handle);
            (_, long length, long before) = ReadHandle(checkpointId, handle);
            committed = before + length;
        }

        using (var output = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0))
        {
            if (output.Length != committed)
            {
                output.SetLength(committed);
                output.Flush(flushToDisk: true);
            }
        }

        foreach (string path in Directory.EnumerateFiles(_directory, _fileName + ".pending-*"))
        {
            File.Delete(path);
        }

        DurableDirectory.Sync(_directory);
        _committedLength = committed;
        _openId = checkpointId + 1;
        _recovered = true;
    }

    /// <summary>Closes the open transaction's pending file without committing it (a restart's <see cref="Recover"/> deletes it).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ClosePending();
    }

    /// <summary>
    /// Finishes the transaction that the sink of another output file prepared for <paramref name="checkpointId"/> (a
    /// shard that is no more, after a restore at a smaller parallelism), as that sink's <see cref="Recover"/> would: its
    /// pending file is appended to its output if that had not happened, its output truncated to what the checkpoint
    /// commits, and its later pending files deleted. This sink's own output is not touched.
    /// </summary>
    /// <param name="checkpointId">The checkpoint restored.</param>
    /// <param name="handle">What the other sink's <see cref="PrepareCommit"/> wrote.</param>
    /// <exception cref="NotSupportedException">The handle is in format version 1, which does not name its output.</exception>
    public void RecoverOrphan(long checkpointId, ReadOnlySpan<byte> handle)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var (_, _, _, output) = ReadFullHandle(checkpointId, handle);
        if (output is null)
        {
            throw new NotSupportedException($"The transaction handle of checkpoint {checkpointId} is in format version 1, which does not name its output file.");
        }

        using var orphan = new TransactionalFileSink(output);
        orphan.Recover(checkpointId, handle);
    }

    private static (string Name, long Length, long Before) ReadHandle(long checkpointId, ReadOnlySpan<byte> handle)
    {
        var (name, length, before, _) = ReadFullHandle(checkpointId, handle);
        return (name, length, before);
    }

    /// <summary>A handle, with the output it belongs to (null in a version 1 handle, which did not say).</summary>
    private static (string Name, long Length, long Before, string? Output) ReadFullHandle(long checkpointId, ReadOnlySpan<byte> handle)
    {
        try
        {
            var reader = new CoderReader(handle);
            byte version = reader.ReadByte();
            if (version is not (1 or Version))
            {
                throw new InvalidDataException($"The transaction handle of checkpoint {checkpointId} has format version {version}; expected 1 or {Version}.");
            }

            string name = reader.ReadString() ?? string.Empty;
            long length = reader.ReadInt64();
            long before = reader.ReadInt64();
            string? output = version >= 2 ? reader.ReadString() : null;
            if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || length < 0 || before < 0 || output?.Length == 0)
            {
                throw new InvalidDataException($"The transaction handle of checkpoint {checkpointId} is corrupt.");
            }

            return (name, length, before, output);
        }
        catch (CoderException e)
        {
            throw new InvalidDataException($"The transaction handle of checkpoint {checkpointId} is corrupt: {e.Message}", e);
        }
    }

    private void ThrowIfNotReady()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_recovered)
        {
            throw new InvalidOperationException($"Recover the sink of '{Path}' (Checkpointer.RestoreAsync does) before writing to it.");
        }
    }

    private StreamWriter Pending()
    {
        if (_pending is not null)
        {
            return _pending;
        }

        ThrowIfNotReady();
        _pendingPath = System.IO.Path.Combine(_directory, PendingFileName(_openId));
        var stream = new FileStream(_pendingPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _pending = new StreamWriter(stream, Utf8NoBom, BufferSize, leaveOpen: false);
        return _pending;
    }

    private void ClosePending()
    {
        _pending?.Dispose();
        _pending = null;
        _pendingPath = null;
    }
}
