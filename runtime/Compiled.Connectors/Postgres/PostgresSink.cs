using System;
using System.Buffers;
using System.Collections.Generic;
using Compiled.Checkpoints;
using Compiled.Coders;
using Npgsql;

namespace Compiled.Connectors.Postgres;

/// <summary>
/// Writes rows to PostgreSQL exactly once, committed with the checkpoints (two-phase, as Flink's
/// TwoPhaseCommitSinkFunction): the rows given between two checkpoints are kept in memory, go into the checkpoint with
/// <see cref="PrepareCommit"/> (in its handle), and are inserted when that checkpoint is complete, by
/// <see cref="Commit"/>, in one database transaction with a row of <c>compiled_sink_commits(sink, checkpoint_id)</c>
/// that records that this sink committed that checkpoint. A transaction whose row is there already is not written again.
/// </summary>
/// <remarks>
/// <para><b>Why nothing is lost or repeated.</b> A crash before a checkpoint is complete loses only rows the restarted
/// job produces again (it replays its input from the checkpoint before). A crash after a checkpoint is complete but
/// before its commit transaction: the restart restores that checkpoint and <see cref="Recover"/> finds the rows in the
/// handle and commits them. A crash after the commit transaction: <see cref="Recover"/> finds the checkpoint recorded in
/// <c>compiled_sink_commits</c> and skips it. The row of <c>compiled_sink_commits</c> and the rows commit together, or not at all.</para>
/// <para>A checkpoint that never completes leaves its rows pending: they are committed with the next complete
/// checkpoint (in their own transaction, under their own id, before it), and the handle of each checkpoint carries every
/// transaction still pending, so that a restore from it commits them all.</para>
/// <para>The rows are visible only once their checkpoint is complete (read-committed output), so output lags by a
/// checkpoint interval; and the pending rows are held in memory and in the checkpoint: a sink for a large volume between
/// checkpoints makes large checkpoints.</para>
/// <para>The sink id must be stable across restarts and unique among the sinks writing to the database. The rows of
/// <c>compiled_sink_commits</c> are kept (a few bytes per sink and checkpoint); delete old ones with
/// <see cref="PruneCommitsBefore"/>.</para>
/// <para>Rows go through the insert statement given to the constructor, one statement per row (batched), with the
/// parameters the <c>bind</c> delegate adds; no reflection is involved. <see cref="Write"/>, <see cref="PrepareCommit"/>
/// and <see cref="Recover"/> are called on the runner's thread; <see cref="Commit"/> may be called on another one, in
/// checkpoint order.</para>
/// </remarks>
/// <typeparam name="T">The type of the rows.</typeparam>
public sealed class PostgresSink<T> : ITransactionalSink
{
    /// <summary>The table that records which sink committed which checkpoint.</summary>
    public const string CommitsTable = "compiled_sink_commits";

    private const byte HandleVersion = 1;
    private const int BatchSize = 1000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _insertSql;
    private readonly Action<T, NpgsqlParameterCollection> _bind;
    private readonly ICoder<T> _coder;
    private readonly object _gate = new();
    private readonly SortedDictionary<long, List<T>> _pending = new();
    private List<T> _open = new();
    private volatile bool _created;

    /// <summary>A sink that inserts each row with <paramref name="insertSql"/>.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="sinkId">The sink's name, recorded in <c>compiled_sink_commits</c>: stable across restarts, unique among sinks.</param>
    /// <param name="insertSql">The statement that writes one row, with positional parameters (<c>$1</c>, <c>$2</c>...),
    /// e.g. <c>INSERT INTO counts (word, n) VALUES ($1, $2)</c>; an upsert works as well.</param>
    /// <param name="bind">Adds a row's parameters, in order, e.g. <c>(row, p) =&gt; { p.Add(new NpgsqlParameter&lt;string&gt; { TypedValue = row.Word }); ... }</c>.</param>
    /// <param name="coder">Encodes the rows into the checkpoint's handle, and decodes them on recovery.</param>
    public PostgresSink(NpgsqlDataSource dataSource, string sinkId, string insertSql, Action<T, NpgsqlParameterCollection> bind, ICoder<T> coder)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrEmpty(sinkId);
        ArgumentException.ThrowIfNullOrWhiteSpace(insertSql);
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(coder);
        _dataSource = dataSource;
        SinkId = sinkId;
        _insertSql = insertSql;
        _bind = bind;
        _coder = coder;
    }

    /// <summary>The sink's name in <c>compiled_sink_commits</c>.</summary>
    public string SinkId { get; }

    /// <summary>The rows given since the last <see cref="PrepareCommit"/>.</summary>
    public int Buffered
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>The checkpoints prepared and not yet committed.</summary>
    public int PendingTransactions
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Adds a row to the open transaction; it is written when the next checkpoint is complete.</summary>
    /// <param name="row">The row.</param>
    public void Write(T row)
    {
        lock (_gate)
        {
            _open.Add(row);
        }
    }

    /// <summary>
    /// Closes the open transaction as the one of <paramref name="checkpointId"/> and writes every transaction still
    /// pending (its checkpoint id and rows) to <paramref name="handle"/>, which the checkpoint keeps.
    /// </summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="handle">Where the pending transactions go.</param>
    public void PrepareCommit(long checkpointId, IBufferWriter<byte> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        lock (_gate)
        {
            if (_pending.Count > 0 && checkpointId <= LastKey(_pending))
            {
                throw new ArgumentOutOfRangeException(nameof(checkpointId), "Checkpoint " + checkpointId + " is not after the last one prepared (" + LastKey(_pending) + ").");
            }

            _pending.Add(checkpointId, _open);
            _open = new List<T>();
            var writer = new CoderWriter(handle);
            writer.WriteByte(HandleVersion);
            writer.WriteString(SinkId);
            writer.WriteUInt32(_coder.FormatVersion);
            writer.WriteInt32(_pending.Count);
            foreach (var (id, rows) in _pending)
            {
                writer.WriteInt64(id);
                writer.WriteInt32(rows.Count);
                foreach (var row in rows)
                {
                    _coder.Encode(ref writer, row);
                }
            }

            writer.Flush();
        }
    }

    /// <summary>
    /// Commits every pending transaction up to <paramref name="checkpointId"/>, each in one database transaction with its
    /// row of <c>compiled_sink_commits</c>; one already recorded is skipped. When this object does not hold them (it was not
    /// the one that prepared them), they are read from <paramref name="handle"/>.
    /// </summary>
    /// <param name="checkpointId">The completed checkpoint.</param>
    /// <param name="handle">What <see cref="PrepareCommit"/> wrote for it.</param>
    /// <exception cref="CheckpointMismatchException">The handle was written by another sink, or for rows of another format.</exception>
    public void Commit(long checkpointId, ReadOnlySpan<byte> handle)
    {
        List<KeyValuePair<long, List<T>>> due;
        lock (_gate)
        {
            due = new List<KeyValuePair<long, List<T>>>();
            foreach (var transaction in _pending)
            {
                if (transaction.Key <= checkpointId)
                {
                    due.Add(transaction);
                }
            }
        }

        if (due.Count == 0 && !handle.IsEmpty)
        {
            due = ReadHandle(handle, checkpointId);
        }

        foreach (var (id, rows) in due)
        {
            CommitTransaction(id, rows);
            lock (_gate)
            {
                _pending.Remove(id);
            }
        }
    }

    /// <summary>
    /// On restart from <paramref name="checkpointId"/>: drops the rows this object holds (the job produces them again),
    /// and commits the transactions in <paramref name="handle"/> whose commit did not happen.
    /// </summary>
    /// <param name="checkpointId">The checkpoint restored, or -1.</param>
    /// <param name="handle">What <see cref="PrepareCommit"/> wrote for it, or empty.</param>
    /// <exception cref="CheckpointMismatchException">The handle was written by another sink, or for rows of another format.</exception>
    public void Recover(long checkpointId, ReadOnlySpan<byte> handle)
    {
        lock (_gate)
        {
            _open = new List<T>();
            _pending.Clear();
        }

        if (handle.IsEmpty)
        {
            return;
        }

        foreach (var (id, rows) in ReadHandle(handle, checkpointId))
        {
            CommitTransaction(id, rows);
        }
    }

    /// <summary>
    /// Deletes this sink's rows of <c>compiled_sink_commits</c> for checkpoints before <paramref name="checkpointId"/>:
    /// safe for ids below the oldest checkpoint a job may still be restored from.
    /// </summary>
    /// <param name="checkpointId">The first checkpoint id to keep.</param>
    /// <returns>The number of rows deleted.</returns>
    public int PruneCommitsBefore(long checkpointId)
    {
        EnsureCreated();
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand("DELETE FROM " + CommitsTable + " WHERE sink = $1 AND checkpoint_id < $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SinkId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpointId });
        return command.ExecuteNonQuery();
    }

    private static long LastKey(SortedDictionary<long, List<T>> pending)
    {
        var last = long.MinValue;
        foreach (var key in pending.Keys)
        {
            last = key;
        }

        return last;
    }

    private List<KeyValuePair<long, List<T>>> ReadHandle(ReadOnlySpan<byte> handle, long checkpointId)
    {
        try
        {
            var reader = new CoderReader(handle);
            var version = reader.ReadByte();
            if (version != HandleVersion)
            {
                throw new CheckpointMismatchException("The PostgreSQL sink's handle has format " + version + ", not " + HandleVersion + ".");
            }

            var sinkId = reader.ReadString();
            if (!string.Equals(sinkId, SinkId, StringComparison.Ordinal))
            {
                throw new CheckpointMismatchException("The handle was written by the PostgreSQL sink '" + sinkId + "', not '" + SinkId + "'.");
            }

            var rowVersion = reader.ReadUInt32();
            if (rowVersion != _coder.FormatVersion)
            {
                throw new CheckpointMismatchException("The handle's rows were encoded in format " + rowVersion + ", and the sink's coder reads " + _coder.FormatVersion + ".");
            }

            var count = reader.ReadInt32();
            var transactions = new List<KeyValuePair<long, List<T>>>(Math.Max(count, 0));
            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadInt64();
                var rowCount = reader.ReadInt32();
                var rows = new List<T>(Math.Min(Math.Max(rowCount, 0), reader.Remaining));
                for (var r = 0; r < rowCount; r++)
                {
                    rows.Add(_coder.Decode(ref reader));
                }

                if (id <= checkpointId)
                {
                    transactions.Add(new(id, rows));
                }
            }

            return transactions;
        }
        catch (CoderException e)
        {
            throw new CheckpointMismatchException("The PostgreSQL sink's handle cannot be read: " + e.Message, e);
        }
    }

    private void CommitTransaction(long checkpointId, List<T> rows)
    {
        EnsureCreated();
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var guard = new NpgsqlCommand(
            "INSERT INTO " + CommitsTable + " (sink, checkpoint_id, row_count) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            connection,
            transaction))
        {
            guard.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SinkId });
            guard.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpointId });
            guard.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rows.Count });
            if (guard.ExecuteNonQuery() == 0)
            {
                transaction.Rollback();
                return; // committed before (by this sink before a crash, or by a call made twice)
            }
        }

        for (var start = 0; start < rows.Count; start += BatchSize)
        {
            using var batch = new NpgsqlBatch(connection, transaction);
            var end = Math.Min(rows.Count, start + BatchSize);
            for (var i = start; i < end; i++)
            {
                var command = new NpgsqlBatchCommand(_insertSql);
                _bind(rows[i], command.Parameters);
                batch.BatchCommands.Add(command);
            }

            batch.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private void EnsureCreated()
    {
        if (_created)
        {
            return;
        }

        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(hashtext('" + CommitsTable + "'));"
            + "CREATE TABLE IF NOT EXISTS " + CommitsTable + " (sink text NOT NULL, checkpoint_id bigint NOT NULL, "
            + "row_count integer NOT NULL, committed timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (sink, checkpoint_id));",
            connection,
            transaction))
        {
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        _created = true;
    }
}
