using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Connectors.Nats;
using Compiled.Connectors.Tests.Servers;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Xunit;

namespace Compiled.Connectors.Tests.Nats;

[Collection(NatsCollection.Name)]
public sealed class JetStreamSourceTests(NatsServerFixture nats)
{
    [Fact]
    public async Task Restore_resumes_at_the_exact_sequence()
    {
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("SRC_RESUME", ["src.resume"]));
        for (var i = 1; i <= 20; i++)
        {
            (await js.PublishAsync("src.resume", Encoding.UTF8.GetBytes("m" + i), NatsRawSerializer<byte[]>.Default)).EnsureSuccess();
        }

        var source = new JetStreamSource(js, "SRC_RESUME", new JetStreamSourceOptions { BatchSize = 4 });
        var first = await ReadAsync(source, 7);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (ulong)i), first.Select(m => m.Sequence));
        Assert.Equal(8UL, source.NextSequence);
        var checkpoint = Checkpoint(source);

        // Read on past the checkpoint, then "crash": the object is dropped and a new one restored.
        var past = await ReadAsync(source, 5);
        Assert.Equal(12UL, past[^1].Sequence);

        var restored = new JetStreamSource(js, "SRC_RESUME", new JetStreamSourceOptions { BatchSize = 4 });
        restored.RestoreCheckpoint(checkpoint);
        Assert.Equal(8UL, restored.NextSequence);
        var rest = await ReadAllAsync(restored);
        Assert.Equal(Enumerable.Range(8, 13).Select(i => (ulong)i), rest.Select(m => m.Sequence));
        Assert.Equal(Enumerable.Range(8, 13).Select(i => "m" + i), rest.Select(m => Encoding.UTF8.GetString(m.Data.Span)));
        Assert.All(rest, m => Assert.Equal("src.resume", m.Subject));
        Assert.All(rest, m => Assert.True(m.Timestamp > DateTimeOffset.UtcNow.AddMinutes(-5)));

        // Restoring again in the same object goes back once more.
        restored.RestoreCheckpoint(checkpoint);
        var again = await restored.ReadAsync();
        Assert.Equal(8UL, again!.Sequence);
    }

    [Fact]
    public async Task Restore_with_a_subject_filter_skips_other_subjects()
    {
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("SRC_FILTER", ["filter.*"]));
        for (var i = 1; i <= 12; i++)
        {
            var subject = i % 3 == 0 ? "filter.keep" : "filter.other";
            (await js.PublishAsync(subject, Encoding.UTF8.GetBytes("m" + i), NatsRawSerializer<byte[]>.Default)).EnsureSuccess();
        }

        var options = new JetStreamSourceOptions { FilterSubjects = ["filter.keep"] };
        var source = new JetStreamSource(js, "SRC_FILTER", options);
        var first = await ReadAsync(source, 2);
        Assert.Equal([3UL, 6UL], first.Select(m => m.Sequence));
        var checkpoint = Checkpoint(source);

        var restored = new JetStreamSource(js, "SRC_FILTER", options);
        restored.RestoreCheckpoint(checkpoint);
        Assert.Equal(7UL, restored.NextSequence);
        var rest = await ReadAllAsync(restored);
        Assert.Equal([9UL, 12UL], rest.Select(m => m.Sequence));
    }

    [Fact]
    public async Task Wildcard_filters_match_whole_tokens()
    {
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("SRC_WILD", ["wild.>"]));
        string[] subjects = ["wild.a.keep", "wild.b.other", "wild.c.keep.x", "wild.keep", "wild.d.keep", "wild.e.f.g"];
        foreach (var subject in subjects)
        {
            (await js.PublishAsync(subject, Encoding.UTF8.GetBytes(subject), NatsRawSerializer<byte[]>.Default)).EnsureSuccess();
        }

        var star = await ReadAllAsync(new JetStreamSource(js, "SRC_WILD", new JetStreamSourceOptions { FilterSubjects = ["wild.*.keep"] }));
        Assert.Equal(["wild.a.keep", "wild.d.keep"], star.Select(m => m.Subject));
        var rest = await ReadAllAsync(new JetStreamSource(js, "SRC_WILD", new JetStreamSourceOptions { FilterSubjects = ["wild.e.>", "wild.keep"] }));
        Assert.Equal(["wild.keep", "wild.e.f.g"], rest.Select(m => m.Subject));
    }

    [Fact]
    public async Task Batches_arrive_in_order_and_start_where_asked()
    {
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("SRC_BATCH", ["src.batch"]));
        for (var i = 1; i <= 50; i++)
        {
            (await js.PublishAsync("src.batch", Encoding.UTF8.GetBytes("m" + i), NatsRawSerializer<byte[]>.Default)).EnsureSuccess();
        }

        var source = new JetStreamSource(js, "SRC_BATCH", new JetStreamSourceOptions { StartSequence = 11, BatchSize = 16 });
        var read = new List<JetStreamMessage>();
        while (await source.ReadBatchAsync(read, 10) > 0)
        {
        }

        Assert.Equal(Enumerable.Range(11, 40).Select(i => (ulong)i), read.Select(m => m.Sequence));
        Assert.Equal(51UL, source.NextSequence);
    }

    [Fact]
    public async Task A_checkpoint_of_another_stream_is_refused()
    {
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        var source = new JetStreamSource(js, "ONE");
        var checkpoint = Checkpoint(source);
        var other = new JetStreamSource(js, "TWO");
        Assert.Throws<CheckpointMismatchException>(() => other.RestoreCheckpoint(checkpoint));
        Assert.Equal(source.StateFingerprint, other.StateFingerprint);
    }

    internal static byte[] Checkpoint(ICheckpointable participant)
    {
        var buffer = new ArrayBufferWriter<byte>();
        participant.WriteCheckpoint(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static async Task<List<JetStreamMessage>> ReadAsync(JetStreamSource source, int count)
    {
        var read = new List<JetStreamMessage>();
        while (read.Count < count)
        {
            read.Add(await source.ReadAsync() ?? throw new InvalidOperationException("The stream ended after " + read.Count + " messages."));
        }

        return read;
    }

    internal static async Task<List<JetStreamMessage>> ReadAllAsync(JetStreamSource source)
    {
        var read = new List<JetStreamMessage>();
        while (await source.ReadAsync() is { } message)
        {
            read.Add(message);
        }

        return read;
    }
}
