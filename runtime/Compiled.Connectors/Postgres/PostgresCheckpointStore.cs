using System;
using System.Buffers;
using System.Collections.Generic;
using System.Data;
using System.IO.Hashing;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Coders;
using Npgsql;

namespace Compiled.Connectors.Postgres;

/// <summary>Where and how a <see cref="PostgresCheckpointStore"/> keeps checkpoints.</summary>
public sealed class PostgresCheckpointStoreOptions
{
    /// <summary>The job whose checkpoints these are; several jobs can share the tables ("default" by default).</summary>
    public string Job { get; init; } = "default";

    /// <summary>
    /// The tables' name prefix: the checkpoints go to <c>{prefix}s</c> and their parts to <c>{prefix}_parts</c>
    /// ("compiled_checkpoint" by default; lower-case letters, digits and '_').
    /// </summary>
    public string TablePrefix { get; init; } = "compiled_checkpoint";

    /// <summary>
    /// How many of the newest checkpoints to keep (3 by default); older ones are deleted when a checkpoint is written.
    /// Keep at least 2, so that a checkpoint found corrupt on restore still leaves one to fall back to.
    /// </summary>
    public int Keep { get; init; } = 3;
}

/// <summary>
/// Keeps checkpoints in PostgreSQL: each checkpoint is a row (its id, when it was written, and a manifest listing its
/// parts with their lengths and checksums) and one row per part (the bytes, as <c>bytea</c>, and their checksum),
/// written in one transaction, so a checkpoint is there complete or not at all. The tables are created when missing.
/// </summary>
/// <remarks>
/// <para>Checksums are XXH3-64 of the bytes. <see cref="LoadLatestAsync"/> checks the manifest and every part against them
/// and passes over a checkpoint that does not match (a damaged or tampered row), to the one before it.</para>
/// <para>Writing an id replaces that checkpoint and drops later ones (a job restored from an older checkpoint numbers
/// the next ones again), as <see cref="ICheckpointStore"/> asks.</para>
/// </remarks>
public sealed class PostgresCheckpointStore : ICheckpointStore
{
    private const byte ManifestVersion = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _job;
    private readonly int _keep;
    private readonly string _checkpoints;
    private readonly string _parts;
    private volatile bool _created;

    /// <summary>A store in the database <paramref name="dataSource"/> connects to.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="options">Where and how; the defaults when null.</param>
    public PostgresCheckpointStore(NpgsqlDataSource dataSource, PostgresCheckpointStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= new PostgresCheckpointStoreOptions();
        ArgumentException.ThrowIfNullOrEmpty(options.Job, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Keep, 1, nameof(options));
        var prefix = PostgresNames.Identifier(options.TablePrefix, nameof(options));
        _dataSource = dataSource;
        _job = options.Job;
        _keep = options.Keep;
        _checkpoints = prefix + "s";
        _parts = prefix + "_parts";
    }

    /// <summary>The job whose checkpoints the store reads and writes.</summary>
    public string Job => _job;

    /// <summary>Creates the tables when they are missing (the other methods do it on first use).</summary>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <returns>A task that completes when the tables are there.</returns>
    public async ValueTask EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (_created)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            // Two stores creating the tables at once would collide on the catalog: one waits for the other.
            "SELECT pg_advisory_xact_lock(hashtext('" + _checkpoints + "'));"
            + "CREATE TABLE IF NOT EXISTS " + _checkpoints + " ("
            + "job text NOT NULL, checkpoint_id bigint NOT NULL, created timestamptz NOT NULL DEFAULT now(), "
            + "manifest bytea NOT NULL, manifest_checksum bigint NOT NULL, PRIMARY KEY (job, checkpoint_id));"
            + "CREATE TABLE IF NOT EXISTS " + _parts + " ("
            + "job text NOT NULL, checkpoint_id bigint NOT NULL, name text NOT NULL, data bytea NOT NULL, checksum bigint NOT NULL, "
            + "PRIMARY KEY (job, checkpoint_id, name), "
            + "FOREIGN KEY (job, checkpoint_id) REFERENCES " + _checkpoints + " (job, checkpoint_id) ON DELETE CASCADE);",
            connection,
            transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _created = true;
    }

    /// <summary>
    /// Writes the checkpoint with its parts in one transaction (it counts once that commits), replacing a checkpoint of
    /// the same id, then deletes all but the newest <see cref="PostgresCheckpointStoreOptions.Keep"/> checkpoints of the
    /// job, in the same transaction.
    /// </summary>
    /// <param name="checkpoint">The checkpoint (its parts' bytes are read before the returned task completes).</param>
    /// <param name="cancellationToken">Stops the work (the transaction is then rolled back).</param>
    /// <returns>A task that completes when the checkpoint is durable.</returns>
    public async ValueTask WriteAsync(CheckpointData checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var id = checkpoint.Id;
        var manifest = WriteManifest(checkpoint);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(
            // A job restored from an older checkpoint numbers the next ones again: they replace what the store held.
            "DELETE FROM " + _checkpoints + " WHERE job = $1 AND checkpoint_id >= $2",
            new NpgsqlParameter<string> { TypedValue = _job },
            new NpgsqlParameter<long> { TypedValue = id }));
        batch.BatchCommands.Add(Command(
            "INSERT INTO " + _checkpoints + " (job, checkpoint_id, manifest, manifest_checksum) VALUES ($1, $2, $3, $4)",
            new NpgsqlParameter<string> { TypedValue = _job },
            new NpgsqlParameter<long> { TypedValue = id },
            new NpgsqlParameter<byte[]> { TypedValue = manifest },
            new NpgsqlParameter<long> { TypedValue = unchecked((long)XxHash3.HashToUInt64(manifest)) }));
        foreach (var part in checkpoint.Parts)
        {
            var (name, data) = (part.Name, part.Data);
            batch.BatchCommands.Add(Command(
                "INSERT INTO " + _parts + " (job, checkpoint_id, name, data, checksum) VALUES ($1, $2, $3, $4, $5)",
                new NpgsqlParameter<string> { TypedValue = _job },
                new NpgsqlParameter<long> { TypedValue = id },
                new NpgsqlParameter<string> { TypedValue = name },
                new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = data },
                new NpgsqlParameter<long> { TypedValue = unchecked((long)XxHash3.HashToUInt64(data.Span)) }));
        }

        batch.BatchCommands.Add(Command(
            "DELETE FROM " + _checkpoints + " WHERE job = $1 AND checkpoint_id NOT IN "
            + "(SELECT checkpoint_id FROM " + _checkpoints + " WHERE job = $1 ORDER BY checkpoint_id DESC LIMIT $2)",
            new NpgsqlParameter<string> { TypedValue = _job },
            new NpgsqlParameter<int> { TypedValue = _keep }));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The newest checkpoint of the job whose manifest and parts match their checksums; a damaged one is passed over
    /// for the one before it. Null when there is none.
    /// </summary>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <returns>The checkpoint, or null.</returns>
    public async ValueTask<CheckpointData?> LoadLatestAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot of the tables: a checkpoint written or deleted meanwhile is not half seen.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var manifests = new List<(long Id, byte[] Manifest, long Checksum)>();
        await using (var command = new NpgsqlCommand(
            "SELECT checkpoint_id, manifest, manifest_checksum FROM " + _checkpoints + " WHERE job = $1 ORDER BY checkpoint_id DESC",
            connection,
            transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _job });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                manifests.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetInt64(2)));
            }
        }

        foreach (var (id, manifest, checksum) in manifests)
        {
            if (unchecked((long)XxHash3.HashToUInt64(manifest)) != checksum || ReadManifest(manifest, id) is not { } read)
            {
                continue;
            }

            var (createdAt, expected) = read;

            var parts = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
            var intact = true;
            await using (var command = new NpgsqlCommand(
                "SELECT name, data, checksum FROM " + _parts + " WHERE job = $1 AND checkpoint_id = $2",
                connection,
                transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _job });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var name = reader.GetString(0);
                    var data = reader.GetFieldValue<byte[]>(1);
                    var partChecksum = unchecked((ulong)reader.GetInt64(2));
                    var entry = expected.Find(e => e.Name == name);
                    if (entry.Name is null
                        || entry.Length != data.Length
                        || entry.Checksum != partChecksum
                        || XxHash3.HashToUInt64(data) != partChecksum)
                    {
                        intact = false;
                        break;
                    }

                    parts[name] = data;
                }
            }

            if (intact && parts.Count == expected.Count)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new CheckpointData(id, createdAt, expected.ConvertAll(e => new CheckpointPart(e.Name, e.Kind, e.Fingerprint, parts[e.Name])));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>The ids of the job's checkpoints in the store, newest first (damaged ones included).</summary>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <returns>The ids.</returns>
    public async ValueTask<IReadOnlyList<long>> ListAsync(CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT checkpoint_id FROM " + _checkpoints + " WHERE job = $1 ORDER BY checkpoint_id DESC", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _job });
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>
    /// The manifest (version 2): the version byte, the id, the creation time (Unix ms), then per part in the checkpoint's
    /// order its name, kind, fingerprint, length and XXH3-64.
    /// </summary>
    private static byte[] WriteManifest(CheckpointData checkpoint)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new CoderWriter(output);
        writer.WriteByte(ManifestVersion);
        writer.WriteInt64(checkpoint.Id);
        writer.WriteInt64(checkpoint.CreatedAt.ToUnixTimeMilliseconds());
        writer.WriteInt32(checkpoint.Parts.Count);
        foreach (var part in checkpoint.Parts)
        {
            var data = part.Data.Span;
            writer.WriteString(part.Name);
            writer.WriteByte((byte)part.Kind);
            writer.WriteUInt64(part.Fingerprint);
            writer.WriteInt32(data.Length);
            writer.WriteUInt64(XxHash3.HashToUInt64(data));
        }

        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    private static (DateTimeOffset CreatedAt, List<(string Name, CheckpointPartKind Kind, ulong Fingerprint, int Length, ulong Checksum)> Parts)? ReadManifest(byte[] manifest, long id)
    {
        try
        {
            var reader = new CoderReader(manifest);
            if (reader.ReadByte() != ManifestVersion || reader.ReadInt64() != id)
            {
                return null;
            }

            var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var count = reader.ReadInt32();
            var parts = new List<(string, CheckpointPartKind, ulong, int, ulong)>();
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString() ?? string.Empty;
                var kind = (CheckpointPartKind)reader.ReadByte();
                if (kind is not (CheckpointPartKind.State or CheckpointPartKind.Transaction) || parts.Exists(p => p.Item1 == name))
                {
                    return null;
                }

                parts.Add((name, kind, reader.ReadUInt64(), reader.ReadInt32(), reader.ReadUInt64()));
            }

            return reader.Remaining == 0 ? (createdAt, parts) : null;
        }
        catch (Exception error) when (error is CoderException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
