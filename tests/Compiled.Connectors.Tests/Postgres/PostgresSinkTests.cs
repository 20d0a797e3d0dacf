using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Coders;
using Compiled.Connectors.Postgres;
using Compiled.Connectors.Tests.Servers;
using Npgsql;
using Xunit;

namespace Compiled.Connectors.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSinkTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_crash_before_the_commit_transaction_is_recovered_from_the_handle()
    {
        var table = await CreateTableAsync("out_before");

        // Rows 1-10, checkpoint 1 prepared and complete, then the job dies before Commit(1) writes anything.
        var sink = Sink(table, "before");
        sink.Recover(-1, default);
        Write(sink, 1, 10);
        var handle = Prepare(sink, 1);
        Write(sink, 11, 14); // produced after the checkpoint: lost with the crash, produced again
        Assert.Empty(await RowsAsync(table));

        // The restart restores checkpoint 1: Recover commits its rows; the job replays 11 on.
        var restarted = Sink(table, "before");
        restarted.Recover(1, handle);
        Assert.Equal(Enumerable.Range(1, 10), await RowsAsync(table));
        Write(restarted, 11, 20);
        var handle2 = Prepare(restarted, 2);
        restarted.Commit(2, handle2);

        Assert.Equal(Enumerable.Range(1, 20), await RowsAsync(table));
    }

    [Fact]
    public async Task A_crash_after_the_commit_transaction_does_not_write_again()
    {
        var table = await CreateTableAsync("out_after");
        var sink = Sink(table, "after");
        sink.Recover(-1, default);
        Write(sink, 1, 10);
        var handle = Prepare(sink, 1);
        sink.Commit(1, handle);
        sink.Commit(1, handle); // idempotent
        Write(sink, 11, 13);
        Assert.Equal(Enumerable.Range(1, 10), await RowsAsync(table));

        // The job dies after the commit transaction; the restart restores checkpoint 1 and recovers it again.
        var restarted = Sink(table, "after");
        restarted.Recover(1, handle);
        Write(restarted, 11, 15);
        var handle2 = Prepare(restarted, 2);
        restarted.Commit(2, handle2);

        // And once more, dying after Commit(2): the restart from 2 writes nothing again.
        var again = Sink(table, "after");
        again.Recover(2, handle2);
        again.Commit(2, handle2);

        Assert.Equal(Enumerable.Range(1, 15), await RowsAsync(table));
        Assert.Equal(2, await CommitsAsync("after"));
    }

    [Fact]
    public async Task A_checkpoint_that_never_completes_commits_with_the_next_one()
    {
        var table = await CreateTableAsync("out_failed");
        var sink = Sink(table, "failed");
        sink.Recover(-1, default);
        Write(sink, 1, 5);
        Prepare(sink, 1); // checkpoint 1 fails: never complete, never committed
        Write(sink, 6, 10);
        var handle2 = Prepare(sink, 2);
        Assert.Equal(2, sink.PendingTransactions);

        // The job dies before Commit(2); restored from 2, Recover commits both transactions.
        var restarted = Sink(table, "failed");
        restarted.Recover(2, handle2);
        Assert.Equal(Enumerable.Range(1, 10), await RowsAsync(table));
        Assert.Equal(2, await CommitsAsync("failed"));

        // Without a crash, Commit(4) commits 3 and 4.
        Write(restarted, 11, 12);
        Prepare(restarted, 3);
        Write(restarted, 13, 14);
        var handle4 = Prepare(restarted, 4);
        restarted.Commit(4, handle4);
        Assert.Equal(0, restarted.PendingTransactions);
        Assert.Equal(Enumerable.Range(1, 14), await RowsAsync(table));
    }

    [Fact]
    public async Task A_restart_without_a_checkpoint_writes_nothing_and_a_foreign_handle_is_refused()
    {
        var table = await CreateTableAsync("out_fresh");
        var sink = Sink(table, "fresh");
        Write(sink, 1, 3);
        var handle = Prepare(sink, 1);
        sink.Recover(-1, default);
        Assert.Equal(0, sink.Buffered);
        Assert.Equal(0, sink.PendingTransactions);
        Assert.Empty(await RowsAsync(table));
        Assert.Throws<CheckpointMismatchException>(() => Sink(table, "someone-else").Recover(1, handle));
    }

    [Fact]
    public async Task Old_commit_records_can_be_pruned()
    {
        var table = await CreateTableAsync("out_prune");
        var sink = Sink(table, "prune");
        for (var id = 1; id <= 5; id++)
        {
            Write(sink, id, id);
            sink.Commit(id, Prepare(sink, id));
        }

        Assert.Equal(3, sink.PruneCommitsBefore(4));
        Assert.Equal(2, await CommitsAsync("prune"));
        Assert.Equal(Enumerable.Range(1, 5), await RowsAsync(table));
    }

    private PostgresSink<(int N, string Word)> Sink(string table, string sinkId) => new(
        postgres.DataSource,
        sinkId,
        "INSERT INTO " + table + " (n, word) VALUES ($1, $2)",
        static (row, parameters) =>
        {
            parameters.Add(new NpgsqlParameter<int> { TypedValue = row.N });
            parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Word });
        },
        default(ValueTupleCoder<int, string, Int32Coder, StringCoder>));

    private static void Write(PostgresSink<(int N, string Word)> sink, int from, int to)
    {
        for (var n = from; n <= to; n++)
        {
            sink.Write((n, "w" + n));
        }
    }

    private static byte[] Prepare(ITransactionalSink sink, long checkpointId)
    {
        var handle = new ArrayBufferWriter<byte>();
        sink.PrepareCommit(checkpointId, handle);
        return handle.WrittenSpan.ToArray();
    }

    private async Task<string> CreateTableAsync(string table)
    {
        await using var command = postgres.DataSource.CreateCommand("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (n integer NOT NULL, word text NOT NULL)");
        await command.ExecuteNonQueryAsync();
        return table;
    }

    private async Task<List<int>> RowsAsync(string table)
    {
        await using var command = postgres.DataSource.CreateCommand("SELECT n, word FROM " + table + " ORDER BY n, word");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<int>();
        while (await reader.ReadAsync())
        {
            var n = reader.GetInt32(0);
            Assert.Equal("w" + n, reader.GetString(1));
            rows.Add(n);
        }

        return rows;
    }

    private async Task<long> CommitsAsync(string sinkId)
    {
        await using var command = postgres.DataSource.CreateCommand("SELECT count(*) FROM compiled_sink_commits WHERE sink = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sinkId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
