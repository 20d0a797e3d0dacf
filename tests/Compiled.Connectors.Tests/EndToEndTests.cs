using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Coders;
using Compiled.Connectors.Nats;
using Compiled.Connectors.Postgres;
using Compiled.Connectors.Tests.Servers;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Npgsql;
using Xunit;

namespace Compiled.Connectors.Tests;

/// <summary>A JetStream source, a job's bookkeeping and a PostgreSQL sink, checkpointed into the PostgreSQL store, across crashes.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class EndToEndTests(NatsServerFixture nats, PostgresFixture postgres)
{
    public enum Crash
    {
        BetweenCheckpoints,
        AfterTheStoreBeforeTheCommit,
        AfterTheCommit,
    }

    [Theory]
    [InlineData(Crash.BetweenCheckpoints)]
    [InlineData(Crash.AfterTheStoreBeforeTheCommit)]
    [InlineData(Crash.AfterTheCommit)]
    public async Task JetStream_to_PostgreSQL_is_exactly_once_across_a_crash(Crash crash)
    {
        var name = "e2e_" + crash.ToString().ToLowerInvariant();
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig(name.ToUpperInvariant(), [name + ".in"]));
        for (var i = 1; i <= 35; i++)
        {
            (await js.PublishAsync(name + ".in", Encoding.UTF8.GetBytes("w" + i), NatsRawSerializer<byte[]>.Default)).EnsureSuccess();
        }

        await using (var create = postgres.DataSource.CreateCommand("CREATE TABLE " + name + " (seq bigint NOT NULL, word text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var store = new PostgresCheckpointStore(postgres.DataSource, new PostgresCheckpointStoreOptions { Job = name });

        // The first run dies at the crash point; the second restores the latest complete checkpoint and runs to the end.
        var first = new Job(js, postgres.DataSource, name, store);
        await first.RecoverAsync();
        Assert.False(await first.RunAsync(crash));
        var second = new Job(js, postgres.DataSource, name, store);
        await second.RecoverAsync();
        Assert.True(await second.RunAsync(crashAt: null));

        await using var command = postgres.DataSource.CreateCommand("SELECT seq, word FROM " + name + " ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        Assert.Equal(Enumerable.Range(1, 35).Select(i => ((long)i, "W" + i)), rows);
    }

    private sealed class Job(INatsJSContext js, NpgsqlDataSource dataSource, string name, PostgresCheckpointStore store)
    {
        private readonly JetStreamSource _source = new(js, name.ToUpperInvariant());
        private readonly PostgresSink<(long Seq, string Word)> _sink = new(
            dataSource,
            name,
            "INSERT INTO " + name + " (seq, word) VALUES ($1, $2)",
            static (row, p) =>
            {
                p.Add(new NpgsqlParameter<long> { TypedValue = row.Seq });
                p.Add(new NpgsqlParameter<string> { TypedValue = row.Word });
            },
            default(ValueTupleCoder<long, string, Int64Coder, StringCoder>));

        private long _nextCheckpoint = 1;
        private long _processed;

        public async Task RecoverAsync()
        {
            if (await store.LoadLatestAsync() is { } latest)
            {
                _source.RestoreCheckpoint(Part(latest, "source"));
                var job = new CoderReader(Part(latest, "job"));
                _processed = job.ReadInt64();
                _sink.Recover(latest.Id, Part(latest, "sink"));
                _nextCheckpoint = latest.Id + 1;
            }
            else
            {
                _sink.Recover(-1, default);
            }
        }

        /// <summary>Runs to the end of the input (true) or to the crash (false).</summary>
        public async Task<bool> RunAsync(Crash? crashAt)
        {
            while (await _source.ReadAsync() is { } message)
            {
                _sink.Write(((long)message.Sequence, Encoding.UTF8.GetString(message.Data.Span).ToUpperInvariant()));
                _processed++;
                if (_processed % 10 == 0 && !await CheckpointAsync(crashAt))
                {
                    return false;
                }

                if (crashAt == Crash.BetweenCheckpoints && _processed == 25)
                {
                    return false;
                }
            }

            return await CheckpointAsync(crashAt: null);
        }

        private static ReadOnlySpan<byte> Part(CheckpointData checkpoint, string name) =>
            checkpoint.TryGetPart(name, out var part) ? part.Data.Span : throw new KeyNotFoundException(name);

        private async Task<bool> CheckpointAsync(Crash? crashAt)
        {
            var id = _nextCheckpoint++;
            var source = new ArrayBufferWriter<byte>();
            _source.WriteCheckpoint(source);
            var job = new ArrayBufferWriter<byte>();
            var writer = new CoderWriter(job);
            writer.WriteInt64(_processed);
            writer.Flush();
            var sink = new ArrayBufferWriter<byte>();
            _sink.PrepareCommit(id, sink);
            await store.WriteAsync(new CheckpointData(id, DateTimeOffset.UtcNow, new[]
            {
                new CheckpointPart("source", CheckpointPartKind.State, _source.StateFingerprint, source.WrittenMemory),
                new CheckpointPart("job", CheckpointPartKind.State, 1, job.WrittenMemory),
                new CheckpointPart("sink", CheckpointPartKind.Transaction, 0, sink.WrittenMemory),
            }));
            if (crashAt == Crash.AfterTheStoreBeforeTheCommit && id == 2)
            {
                return false;
            }

            _sink.Commit(id, sink.WrittenSpan);
            return !(crashAt == Crash.AfterTheCommit && id == 2);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<NatsServerFixture>, ICollectionFixture<PostgresFixture>
{
    public const string Name = "nats-server and postgresql";
}
