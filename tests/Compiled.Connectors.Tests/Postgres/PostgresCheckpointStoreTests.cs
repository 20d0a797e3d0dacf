using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Connectors.Postgres;
using Compiled.Connectors.Tests.Servers;
using Npgsql;
using Xunit;

namespace Compiled.Connectors.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresCheckpointStoreTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_checkpoint_round_trips()
    {
        var store = new PostgresCheckpointStore(postgres.DataSource, new PostgresCheckpointStoreOptions { Job = "round-trip" });
        Assert.Null(await store.LoadLatestAsync());

        var big = new byte[300_000];
        new Random(7).NextBytes(big);
        var parts = new Dictionary<string, ReadOnlyMemory<byte>>
        {
            ["runner"] = Encoding.UTF8.GetBytes("windows and timers"),
            ["source/nats"] = big,
            ["empty"] = ReadOnlyMemory<byte>.Empty,
            ["slice"] = new ReadOnlyMemory<byte>(big, 10, 20),
        };
        await store.WriteAsync(Data(1, parts));

        var loaded = await store.LoadLatestAsync();
        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Id);
        Assert.Equal(parts.Keys.Order(), loaded.Parts.Select(p => p.Name).Order());
        foreach (var (name, data) in parts)
        {
            Assert.Equal(data.ToArray(), Part(loaded, name).ToArray());
        }

        // Kinds, fingerprints, order and creation time come back as written: the checkpointer checks them on restore.
        var written = Data(1, parts);
        Assert.Equal(written.CreatedAt, loaded.CreatedAt);
        Assert.Equal(written.Parts.Select(p => (p.Name, p.Kind, p.Fingerprint)), loaded.Parts.Select(p => (p.Name, p.Kind, p.Fingerprint)));

        // Another job in the same tables sees none of it.
        var other = new PostgresCheckpointStore(postgres.DataSource, new PostgresCheckpointStoreOptions { Job = "round-trip-other" });
        Assert.Null(await other.LoadLatestAsync());
    }

    [Fact]
    public async Task Only_the_newest_checkpoints_are_kept()
    {
        var store = new PostgresCheckpointStore(postgres.DataSource, new PostgresCheckpointStoreOptions { Job = "keep", Keep = 3 });
        for (var id = 1; id <= 7; id++)
        {
            await store.WriteAsync(Data(id, Parts("state " + id)));
        }

        Assert.Equal([7L, 6L, 5L], await store.ListAsync());
        var latest = await store.LoadLatestAsync();
        Assert.Equal(7, latest!.Id);
        Assert.Equal("state 7", Encoding.UTF8.GetString(Part(latest, "runner").Span));

        // The parts of deleted checkpoints go with them.
        await using var command = postgres.DataSource.CreateCommand("SELECT count(*) FROM compiled_checkpoint_parts WHERE job = 'keep'");
        Assert.Equal(3L * 2, (long)(await command.ExecuteScalarAsync())!);

        // Restored from 5, the job numbers the next checkpoint 6 again: it replaces the old 6 and drops 7.
        await store.WriteAsync(Data(6, Parts("state 6 again")));
        latest = await store.LoadLatestAsync();
        Assert.Equal(6, latest!.Id);
        Assert.Equal("state 6 again", Encoding.UTF8.GetString(Part(latest, "runner").Span));
        Assert.Equal([6L, 5L], await store.ListAsync());
    }

    [Theory]
    [InlineData("UPDATE compiled_checkpoint_parts SET data = overlay(data placing '\\x00ff'::bytea from 2) WHERE job = $1 AND checkpoint_id = 3 AND name = 'runner'")]
    [InlineData("UPDATE compiled_checkpoint_parts SET checksum = checksum + 1 WHERE job = $1 AND checkpoint_id = 3 AND name = 'source'")]
    [InlineData("DELETE FROM compiled_checkpoint_parts WHERE job = $1 AND checkpoint_id = 3 AND name = 'source'")]
    [InlineData("UPDATE compiled_checkpoints SET manifest = overlay(manifest placing '\\x07'::bytea from 3) WHERE job = $1 AND checkpoint_id = 3")]
    [InlineData("INSERT INTO compiled_checkpoint_parts (job, checkpoint_id, name, data, checksum) VALUES ($1, 3, 'stray', '\\x01', 0)")]
    public async Task A_corrupt_checkpoint_is_passed_over_for_the_one_before(string damage)
    {
        var job = "corrupt-" + Convert.ToHexString(BitConverter.GetBytes(damage.GetHashCode(StringComparison.Ordinal)));
        var store = new PostgresCheckpointStore(postgres.DataSource, new PostgresCheckpointStoreOptions { Job = job });
        for (var id = 1; id <= 3; id++)
        {
            await store.WriteAsync(Data(id, Parts("state " + id)));
        }

        await using (var command = postgres.DataSource.CreateCommand(damage))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = job });
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var latest = await store.LoadLatestAsync();
        Assert.Equal(2, latest!.Id);
        Assert.Equal("state 2", Encoding.UTF8.GetString(Part(latest, "runner").Span));
    }

    [Fact]
    public async Task A_custom_table_prefix_is_used_and_checked()
    {
        var store = new PostgresCheckpointStore(postgres.DataSource, new PostgresCheckpointStoreOptions { TablePrefix = "job_b_checkpoint" });
        await store.WriteAsync(Data(42, Parts("b")));
        await using var command = postgres.DataSource.CreateCommand("SELECT count(*) FROM job_b_checkpoints");
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
        Assert.Throws<ArgumentException>(() => new PostgresCheckpointStore(postgres.DataSource, new PostgresCheckpointStoreOptions { TablePrefix = "x; DROP TABLE y" }));
    }

    private static CheckpointData Data(long id, Dictionary<string, ReadOnlyMemory<byte>> parts) =>
        new(id, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + id), parts.Select((p, i) => new CheckpointPart(p.Key, i % 2 == 0 ? CheckpointPartKind.State : CheckpointPartKind.Transaction, (ulong)i * 0x9E3779B97F4A7C15UL, p.Value)).ToList());

    private static ReadOnlyMemory<byte> Part(CheckpointData checkpoint, string name) => checkpoint.TryGetPart(name, out var part) ? part.Data : throw new KeyNotFoundException(name);

    private static Dictionary<string, ReadOnlyMemory<byte>> Parts(string state) => new()
    {
        ["runner"] = Encoding.UTF8.GetBytes(state),
        ["source"] = Encoding.UTF8.GetBytes("position of " + state),
    };
}
