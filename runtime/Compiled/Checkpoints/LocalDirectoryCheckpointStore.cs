using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Hashing;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Compiled.Checkpoints;

/// <summary>
/// Keeps checkpoints in a local directory, one folder per checkpoint, written atomically (the default store).
/// </summary>
/// <remarks>
/// <para>
/// Checkpoint <c>N</c> is the folder <c>chk-NNNNNNNNNN</c> (the id in ten digits). It is written as
/// <c>chk-NNNNNNNNNN.tmp</c>: every part as a file, then <see cref="ManifestFileName"/>, each flushed to the disk
/// (<see cref="FileStream.Flush(bool)"/> with <c>true</c>), then the folder itself (on Linux and macOS), and only
/// then renamed to its final name, the moment the checkpoint exists. A crash before leaves a <c>.tmp</c> folder,
/// which loading ignores and removes.
/// </para>
/// <para>
/// The manifest (little-endian) is: the magic bytes <c>CHKM</c>; the format version (uint32, 1); the id (int64);
/// the creation time (int64, Unix milliseconds); the number of parts (int32); per part its name (string: int32 UTF-8
/// length, bytes), its kind (byte, <see cref="CheckpointPartKind"/>), its fingerprint (uint64), its file name
/// (string), its length (int64) and the XXH64 of its bytes (uint64, seed 0); last, the XXH64 of every byte before it
/// (uint64). A checkpoint whose manifest is missing, cut short, corrupt or of another version, or one of whose
/// parts is missing, of another length or with another checksum, is passed over for the one before it, with a
/// warning naming the folder and what is wrong.
/// </para>
/// <para>
/// After a checkpoint is complete, the folders of all but the latest <see cref="KeepLast"/> checkpoints are deleted
/// (never before, so that a complete checkpoint always exists), as are those of later ids, which a restore passed
/// over.
/// </para>
/// </remarks>
public sealed class LocalDirectoryCheckpointStore : ICheckpointStore
{
    /// <summary>The name of a checkpoint's manifest file.</summary>
    public const string ManifestFileName = "_manifest";

    /// <summary>The version of the manifest's format written.</summary>
    public const uint FormatVersion = 1;

    private const string FolderPrefix = "chk-";
    private const string TempSuffix = ".tmp";
    private const int IdDigits = 10;
    private static readonly byte[] Magic = "CHKM"u8.ToArray();

    private readonly ILogger? _logger;

    /// <summary>Creates a store in <paramref name="directory"/> (created when missing).</summary>
    /// <param name="directory">The directory of the checkpoints, for one job only.</param>
    /// <param name="keepLast">How many of the latest complete checkpoints to keep (at least 1; 3 by default).</param>
    /// <param name="logger">Where to report damaged checkpoints passed over; null for nowhere.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepLast"/> is less than 1.</exception>
    public LocalDirectoryCheckpointStore(string directory, int keepLast = 3, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        Directory = Path.GetFullPath(directory);
        KeepLast = keepLast;
        _logger = logger;
    }

    /// <summary>The directory of the checkpoints (full path).</summary>
    public string Directory { get; }

    /// <summary>How many of the latest complete checkpoints are kept.</summary>
    public int KeepLast { get; }

    /// <summary>The name of the folder of checkpoint <paramref name="id"/>: <c>chk-</c> and the id in ten digits.</summary>
    /// <param name="id">The checkpoint's id.</param>
    /// <returns>The folder's name (not its path).</returns>
    public static string FolderName(long id) => FolderPrefix + id.ToString("D10", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public async ValueTask WriteAsync(CheckpointData checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        System.IO.Directory.CreateDirectory(Directory);
        string name = FolderName(checkpoint.Id);
        string temp = Path.Combine(Directory, name + TempSuffix);
        string final = Path.Combine(Directory, name);
        if (System.IO.Directory.Exists(temp))
        {
            System.IO.Directory.Delete(temp, recursive: true);
        }

        System.IO.Directory.CreateDirectory(temp);
        var manifest = new ArrayBufferWriter<byte>(256);
        var writer = new ManifestWriter(manifest);
        writer.Raw(Magic);
        writer.UInt32(FormatVersion);
        writer.Int64(checkpoint.Id);
        writer.Int64(checkpoint.CreatedAt.ToUnixTimeMilliseconds());
        writer.Int32(checkpoint.Parts.Count);
        for (int i = 0; i < checkpoint.Parts.Count; i++)
        {
            CheckpointPart part = checkpoint.Parts[i];
            string fileName = PartFileName(i, part.Name);
            await WriteDurablyAsync(Path.Combine(temp, fileName), part.Data, cancellationToken).ConfigureAwait(false);
            writer.String(part.Name);
            writer.Byte((byte)part.Kind);
            writer.UInt64(part.Fingerprint);
            writer.String(fileName);
            writer.Int64(part.Data.Length);
            writer.UInt64(XxHash64.HashToUInt64(part.Data.Span));
        }

        writer.UInt64(XxHash64.HashToUInt64(manifest.WrittenSpan));
        await WriteDurablyAsync(Path.Combine(temp, ManifestFileName), manifest.WrittenMemory, cancellationToken).ConfigureAwait(false);
        DurableDirectory.Sync(temp);
        cancellationToken.ThrowIfCancellationRequested();

        // A folder of this id is one a restore passed over (or one written before a crash that was not restored).
        if (System.IO.Directory.Exists(final))
        {
            System.IO.Directory.Delete(final, recursive: true);
        }

        System.IO.Directory.Move(temp, final);
        DurableDirectory.Sync(Directory);
        DropOthers(checkpoint.Id);
    }

    /// <inheritdoc/>
    public ValueTask<CheckpointData?> LoadLatestAsync(CancellationToken cancellationToken = default)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return new ValueTask<CheckpointData?>((CheckpointData?)null);
        }

        RemoveUnfinished();
        List<long> ids = CompleteIds();
        for (int i = ids.Count - 1; i >= 0; i--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string folder = Path.Combine(Directory, FolderName(ids[i]));
            try
            {
                return new ValueTask<CheckpointData?>(Read(folder, ids[i]));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                if (_logger is not null)
                {
                    CheckpointLog.PassedOver(_logger, folder, e.Message);
                }
            }
        }

        return new ValueTask<CheckpointData?>((CheckpointData?)null);
    }

    private static string PartFileName(int index, string name)
    {
        var builder = new StringBuilder(IdDigits + name.Length);
        builder.Append(index.ToString("D4", CultureInfo.InvariantCulture)).Append('-');
        foreach (char c in name)
        {
            if (builder.Length >= 64)
            {
                break;
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return builder.ToString();
    }

    private static async ValueTask WriteDurablyAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
    }

    private static CheckpointData Read(string folder, long id)
    {
        string manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new InvalidDataException($"its manifest '{ManifestFileName}' is missing.");
        }

        byte[] manifest = File.ReadAllBytes(manifestPath);
        if (manifest.Length < Magic.Length + sizeof(uint) + sizeof(ulong))
        {
            throw new InvalidDataException($"its manifest is cut short ({manifest.Length} bytes).");
        }

        if (!manifest.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("its manifest is not a checkpoint manifest (wrong magic bytes).");
        }

        int bodyLength = manifest.Length - sizeof(ulong);
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(manifest.AsSpan(bodyLength));
        if (XxHash64.HashToUInt64(manifest.AsSpan(0, bodyLength)) != expected)
        {
            throw new InvalidDataException("its manifest's checksum does not match (the manifest is cut short or corrupt).");
        }

        var reader = new ManifestReader(manifest.AsSpan(Magic.Length, bodyLength - Magic.Length));
        try
        {
            uint version = reader.UInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"its manifest has format version {version}; this version of Compiled reads version {FormatVersion}.");
            }

            long manifestId = reader.Int64();
            if (manifestId != id)
            {
                throw new InvalidDataException($"its manifest is that of checkpoint {manifestId}.");
            }

            var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.Int64());
            int count = reader.Int32();
            if (count < 0)
            {
                throw new InvalidDataException("its manifest is corrupt (negative part count).");
            }

            var parts = new List<CheckpointPart>(count);
            for (int i = 0; i < count; i++)
            {
                string name = reader.String();
                var kind = (CheckpointPartKind)reader.Byte();
                ulong fingerprint = reader.UInt64();
                string fileName = reader.String();
                long length = reader.Int64();
                ulong checksum = reader.UInt64();
                if (fileName.Length == 0 || fileName.Contains('/') || fileName.Contains('\\') || fileName is "." or "..")
                {
                    throw new InvalidDataException($"its manifest names an invalid file for part '{name}'.");
                }

                string path = Path.Combine(folder, fileName);
                if (!File.Exists(path))
                {
                    throw new InvalidDataException($"the file '{fileName}' of part '{name}' is missing.");
                }

                byte[] data = File.ReadAllBytes(path);
                if (data.LongLength != length)
                {
                    throw new InvalidDataException($"the file '{fileName}' of part '{name}' has {data.LongLength} bytes; the manifest says {length}.");
                }

                if (XxHash64.HashToUInt64(data) != checksum)
                {
                    throw new InvalidDataException($"the file '{fileName}' of part '{name}' is corrupt (its checksum does not match the manifest's).");
                }

                parts.Add(new CheckpointPart(name, kind, fingerprint, data));
            }

            if (reader.Remaining != 0)
            {
                throw new InvalidDataException("its manifest is corrupt (bytes after the last part).");
            }

            return new CheckpointData(id, createdAt, parts);
        }
        catch (Exception e) when (e is ArgumentException or DecoderFallbackException)
        {
            throw new InvalidDataException($"its manifest is corrupt ({e.Message}).", e);
        }
    }

    private static bool TryParseId(string folderName, out long id)
    {
        id = 0;
        return folderName.Length == FolderPrefix.Length + IdDigits
            && folderName.StartsWith(FolderPrefix, StringComparison.Ordinal)
            && long.TryParse(folderName.AsSpan(FolderPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    // The ids of the complete (renamed) checkpoint folders, ascending.
    private List<long> CompleteIds()
    {
        var ids = new List<long>();
        foreach (string path in System.IO.Directory.EnumerateDirectories(Directory, FolderPrefix + "*"))
        {
            if (TryParseId(Path.GetFileName(path), out long id))
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        return ids;
    }

    private void RemoveUnfinished()
    {
        foreach (string path in System.IO.Directory.EnumerateDirectories(Directory, FolderPrefix + "*" + TempSuffix))
        {
            try
            {
                System.IO.Directory.Delete(path, recursive: true);
                if (_logger is not null)
                {
                    CheckpointLog.UnfinishedRemoved(_logger, path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (_logger is not null)
                {
                    CheckpointLog.NotDeleted(_logger, e, path);
                }
            }
        }
    }

    // Once checkpoint `latest` is complete: deletes the checkpoints before the latest KeepLast, and those after it.
    private void DropOthers(long latest)
    {
        List<long> ids = CompleteIds();
        int kept = 0;
        for (int i = ids.Count - 1; i >= 0; i--)
        {
            long id = ids[i];
            if (id <= latest && kept < KeepLast)
            {
                kept++;
                continue;
            }

            string path = Path.Combine(Directory, FolderName(id));
            try
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (_logger is not null)
                {
                    CheckpointLog.NotDeleted(_logger, e, path);
                }
            }
        }
    }

    private readonly struct ManifestWriter
    {
        private readonly ArrayBufferWriter<byte> _output;

        public ManifestWriter(ArrayBufferWriter<byte> output) => _output = output;

        public void Raw(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

        public void Byte(byte value) => _output.Write([value]);

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_output.GetSpan(4), value);
            _output.Advance(4);
        }

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_output.GetSpan(4), value);
            _output.Advance(4);
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_output.GetSpan(8), value);
            _output.Advance(8);
        }

        public void UInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_output.GetSpan(8), value);
            _output.Advance(8);
        }

        public void String(string value)
        {
            int length = Encoding.UTF8.GetByteCount(value);
            Int32(length);
            Encoding.UTF8.GetBytes(value, _output.GetSpan(length));
            _output.Advance(length);
        }
    }

    private ref struct ManifestReader
    {
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        private readonly ReadOnlySpan<byte> _data;
        private int _position;

        public ManifestReader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _position = 0;
        }

        public readonly int Remaining => _data.Length - _position;

        public byte Byte() => Take(1)[0];

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public string String()
        {
            int length = Int32();
            if (length < 0)
            {
                throw new InvalidDataException("its manifest is corrupt (negative string length).");
            }

            return StrictUtf8.GetString(Take(length));
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > Remaining)
            {
                throw new InvalidDataException("its manifest is cut short.");
            }

            ReadOnlySpan<byte> bytes = _data.Slice(_position, count);
            _position += count;
            return bytes;
        }
    }
}
