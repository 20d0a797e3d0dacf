using System;
using System.Buffers;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Connectors.Nats;
using Compiled.Connectors.Tests.Servers;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Xunit;

namespace Compiled.Connectors.Tests.Nats;

[Collection(NatsCollection.Name)]
public sealed class JetStreamSinkTests(NatsServerFixture nats)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_replay_after_a_crash_stores_each_message_once_in_order(bool acknowledgedBeforeTheCrash)
    {
        var stream = "SINK_REPLAY_" + (acknowledgedBeforeTheCrash ? "ACKED" : "INFLIGHT");
        var subject = "sink.replay." + (acknowledgedBeforeTheCrash ? "acked" : "inflight");
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig(stream, [subject]) { DuplicateWindow = TimeSpan.FromMinutes(2) });

        // Output 1-10, checkpoint 1 (prepared and committed), output 11-17, then the job dies before checkpoint 2:
        // its connection goes with it.
        var crashing = nats.Connect();
        var sink = await JetStreamSink.CreateAsync(crashing, "job-out");
        sink.Recover(-1, default);
        for (var i = 1; i <= 10; i++)
        {
            await sink.PublishAsync(subject, Payload(i));
        }

        var handle = new ArrayBufferWriter<byte>();
        sink.PrepareCommit(1, handle);
        var state = JetStreamSourceTests.Checkpoint(sink);
        sink.Commit(1, handle.WrittenSpan);
        for (var i = 11; i <= 17; i++)
        {
            await sink.PublishAsync(subject, Payload(i));
        }

        if (acknowledgedBeforeTheCrash)
        {
            await sink.FlushAsync();
        }

        await crashing.DisposeAsync(); // the crash: nothing after the last publish happens
        await sink.DisposeAsync();

        // The restart: a new sink restored from checkpoint 1; the pipeline replays its output from there (11 on).
        await using var restarted = await JetStreamSink.CreateAsync(connection, "job-out");
        restarted.RestoreCheckpoint(state);
        restarted.Recover(1, handle.WrittenSpan);
        Assert.Equal(10, restarted.Published);
        for (var i = 11; i <= 25; i++)
        {
            await restarted.PublishAsync(subject, Payload(i));
        }

        var handle2 = new ArrayBufferWriter<byte>();
        restarted.PrepareCommit(2, handle2);
        restarted.Commit(2, handle2.WrittenSpan);
        Assert.Equal(25, restarted.Published);
        if (acknowledgedBeforeTheCrash)
        {
            Assert.Equal(7, restarted.Duplicates);
        }

        var stored = await JetStreamSourceTests.ReadAllAsync(new JetStreamSource(js, stream));
        Assert.Equal(Enumerable.Range(1, 25).Select(i => "out" + i), stored.Select(m => Encoding.UTF8.GetString(m.Data.Span)));
        Assert.Equal(Enumerable.Range(1, 25).Select(i => "job-out-" + i), stored.Select(m => (string?)m.Headers![JetStreamSink.MessageIdHeader]));
    }

    [Fact]
    public async Task A_small_in_flight_window_keeps_order()
    {
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("SINK_WINDOW", ["sink.window"]));
        await using var sink = await JetStreamSink.CreateAsync(connection, "window", new JetStreamSinkOptions { MaxInFlight = 3 });
        for (var i = 1; i <= 300; i++)
        {
            await sink.PublishAsync("sink.window", Payload(i));
        }

        sink.PrepareCommit(1, new ArrayBufferWriter<byte>());
        var stored = await JetStreamSourceTests.ReadAllAsync(new JetStreamSource(js, "SINK_WINDOW"));
        Assert.Equal(Enumerable.Range(1, 300).Select(i => "out" + i), stored.Select(m => Encoding.UTF8.GetString(m.Data.Span)));
    }

    [Fact]
    public async Task A_restart_without_a_checkpoint_numbers_from_the_start()
    {
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("SINK_FRESH", ["sink.fresh"]));
        await using (var sink = await JetStreamSink.CreateAsync(connection, "fresh"))
        {
            sink.Recover(-1, default);
            for (var i = 1; i <= 5; i++)
            {
                await sink.PublishAsync("sink.fresh", Payload(i));
            }

            await sink.FlushAsync();
        }

        // Died before its first checkpoint: the job starts over and produces the same output again.
        await using var again = await JetStreamSink.CreateAsync(connection, "fresh");
        again.Recover(-1, default);
        for (var i = 1; i <= 6; i++)
        {
            await again.PublishAsync("sink.fresh", Payload(i));
        }

        await again.FlushAsync();
        Assert.Equal(5, again.Duplicates);
        var stored = await JetStreamSourceTests.ReadAllAsync(new JetStreamSource(js, "SINK_FRESH"));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => "out" + i), stored.Select(m => Encoding.UTF8.GetString(m.Data.Span)));
    }

    [Fact]
    public async Task Prepare_commit_fails_when_no_stream_stores_the_messages()
    {
        await using var connection = nats.Connect();
        await using var sink = await JetStreamSink.CreateAsync(connection, "nowhere", new JetStreamSinkOptions { AckTimeout = TimeSpan.FromSeconds(10) });
        await sink.PublishAsync("no.stream.here", Payload(1));
        var error = Assert.Throws<InvalidOperationException>(() => sink.PrepareCommit(1, new ArrayBufferWriter<byte>()));
        Assert.Contains("no stream", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_duplicate_window_is_checked()
    {
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("SINK_SHORT", ["sink.short"]) { DuplicateWindow = TimeSpan.FromSeconds(5) });
        await js.CreateStreamAsync(new StreamConfig("SINK_LONG", ["sink.long"]) { DuplicateWindow = TimeSpan.FromMinutes(10) });
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await JetStreamSink.CheckDuplicateWindowAsync(js, "SINK_SHORT", TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromMinutes(10), await JetStreamSink.CheckDuplicateWindowAsync(js, "SINK_LONG", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task State_of_another_sink_is_refused()
    {
        await using var connection = nats.Connect();
        await using var one = await JetStreamSink.CreateAsync(connection, "one");
        await using var two = await JetStreamSink.CreateAsync(connection, "two");
        var handle = new ArrayBufferWriter<byte>();
        one.PrepareCommit(1, handle);
        var bytes = handle.WrittenSpan.ToArray();
        Assert.Throws<CheckpointMismatchException>(() => two.Recover(1, bytes));
        Assert.Throws<CheckpointMismatchException>(() => two.RestoreCheckpoint(JetStreamSourceTests.Checkpoint(one)));
    }

    private static byte[] Payload(int i) => Encoding.UTF8.GetBytes("out" + i);
}
