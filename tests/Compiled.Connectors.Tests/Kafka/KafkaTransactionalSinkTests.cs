using System;
using System.Buffers;
using System.Linq;
using Compiled.Checkpoints;
using Compiled.Connectors.Kafka;
using Compiled.Connectors.Tests.Servers;
using Confluent.Kafka;
using Xunit;
using static Compiled.Connectors.Tests.Kafka.KafkaTestData;

namespace Compiled.Connectors.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaTransactionalSinkTests(KafkaMockClusterFixture kafka)
{
    public enum Crash
    {
        /// <summary>After checkpoint 1 is committed, with output of the next interval given: checkpoint 2 never happens.</summary>
        BeforeTheCheckpoint,

        /// <summary>Checkpoint 2 is prepared and durable; the job dies before its commit.</summary>
        AfterPrepareBeforeCommit,

        /// <summary>Inside the commit of checkpoint 2: its records and marker are sent (flushed), the transaction is not committed.</summary>
        InsideTheCommitTransaction,

        /// <summary>Just after checkpoint 2 is committed.</summary>
        AfterCommit,
    }

    [Fact]
    public void Each_checkpoint_is_committed_once_in_order_and_nothing_is_sent_before()
    {
        var (topic, markers) = Topics("sink-basic");
        using var sink = new KafkaTransactionalSink(ProducerConfig(kafka), "basic-tx", markers);
        sink.Recover(-1, default);
        Give(sink, topic, 1, 10);
        var handle1 = Prepare(sink, 1);
        Give(sink, topic, 11, 20);
        Assert.Empty(ReadTopic(kafka, topic)); // prepared is not sent

        sink.Commit(1, handle1);
        AssertEachOnceInOrder(ReadTopic(kafka, topic), 10);
        var handle2 = Prepare(sink, 2);
        sink.Commit(2, handle2);
        sink.Commit(2, handle2); // idempotent
        Assert.Equal(2, sink.LastCommittedCheckpoint);
        Assert.Equal(0, sink.PendingTransactions);
        AssertEachOnceInOrder(ReadTopic(kafka, topic), 20);
    }

    [Theory]
    [InlineData(Crash.BeforeTheCheckpoint)]
    [InlineData(Crash.AfterPrepareBeforeCommit)]
    [InlineData(Crash.InsideTheCommitTransaction)]
    [InlineData(Crash.AfterCommit)]
    public void A_restart_after_a_crash_gives_each_record_once_in_order(Crash crash)
    {
        var (topic, markers) = Topics("sink-crash-" + crash.ToString().ToLowerInvariant());
        var transactionalId = "crash-tx-" + crash;

        // The job: output 1-10, checkpoint 1 (prepared, complete, committed), output 11-15, then checkpoint 2 or not.
        var sink = new KafkaTransactionalSink(ProducerConfig(kafka), transactionalId, markers);
        sink.Recover(-1, default);
        Give(sink, topic, 1, 10);
        var handle1 = Prepare(sink, 1);
        sink.Commit(1, handle1);
        Give(sink, topic, 11, 15);
        long restoredId = 1;
        var restoredHandle = handle1;
        var resumeAt = 11;
        if (crash != Crash.BeforeTheCheckpoint)
        {
            // Checkpoint 2 is durable (with its handle): a restart restores it, and the replay resumes after 15.
            restoredHandle = Prepare(sink, 2);
            restoredId = 2;
            resumeAt = 16;
        }

        if (crash == Crash.InsideTheCommitTransaction)
        {
            sink.BeforeCommitTransaction = static () => throw new SimulatedCrash();
            Assert.Throws<SimulatedCrash>(() => sink.Commit(2, restoredHandle));
        }
        else if (crash == Crash.AfterCommit)
        {
            sink.Commit(2, restoredHandle);
        }

        sink.Dispose(); // the crash: no abort, no further commit

        // The restart: a new sink with the same transactional id, recovered from the checkpoint restored; the pipeline
        // replays its output from there, to 20, and checkpoint 3 completes.
        using var restarted = new KafkaTransactionalSink(ProducerConfig(kafka), transactionalId, markers);
        restarted.Recover(restoredId, restoredHandle);
        Assert.Equal(restoredId, restarted.LastCommittedCheckpoint);
        AssertEachOnceInOrder(ReadTopic(kafka, topic), resumeAt - 1);
        Give(restarted, topic, resumeAt, 20);
        var handle3 = Prepare(restarted, 3);
        restarted.Commit(3, handle3);

        // On the mock cluster, which shows the records of an open or aborted transaction (and its marker) to read_committed
        // consumers, the InsideTheCommitTransaction case proves only that the restart neither loses nor repeats what the
        // mock shows (the interrupted transaction's records and marker, all sent); that a broker hides them once the
        // restarted producer aborts the transaction, and that Recover then commits them again, is not proven here.
        AssertEachOnceInOrder(ReadTopic(kafka, topic), 20);
    }

    [Fact]
    public void Recovering_twice_or_committing_a_recovered_checkpoint_again_produces_nothing_more()
    {
        var (topic, markers) = Topics("sink-twice");
        var handle = new byte[0];
        using (var sink = new KafkaTransactionalSink(ProducerConfig(kafka), "twice-tx", markers))
        {
            sink.Recover(-1, default);
            Give(sink, topic, 1, 6);
            handle = Prepare(sink, 4);
        }

        using var first = new KafkaTransactionalSink(ProducerConfig(kafka), "twice-tx", markers);
        first.Recover(4, handle);
        using var second = new KafkaTransactionalSink(ProducerConfig(kafka), "twice-tx", markers);
        second.Recover(4, handle);
        second.Commit(4, handle);
        Assert.Equal(4, second.LastCommittedCheckpoint);
        AssertEachOnceInOrder(ReadTopic(kafka, topic), 6);
    }

    [Fact]
    public void A_checkpoint_that_never_completes_is_committed_with_the_next_one()
    {
        var (topic, markers) = Topics("sink-incomplete");
        using var sink = new KafkaTransactionalSink(ProducerConfig(kafka), "incomplete-tx", markers);
        sink.Recover(-1, default);
        Give(sink, topic, 1, 5);
        Prepare(sink, 1); // checkpoint 1 fails in the store: never committed
        Give(sink, topic, 6, 9);
        var handle2 = Prepare(sink, 2);
        Assert.Equal(2, sink.PendingTransactions);
        sink.Commit(2, handle2);
        Assert.Equal(0, sink.PendingTransactions);
        AssertEachOnceInOrder(ReadTopic(kafka, topic), 9);

        // A restart from checkpoint 2 finds both committed.
        using var restarted = new KafkaTransactionalSink(ProducerConfig(kafka), "incomplete-tx", markers);
        restarted.Recover(2, handle2);
        AssertEachOnceInOrder(ReadTopic(kafka, topic), 9);
    }

    [Fact]
    public void The_marker_is_found_behind_many_markers_of_another_sink()
    {
        var (topic, markers) = Topics("sink-shared-markers");
        using var sink = new KafkaTransactionalSink(ProducerConfig(kafka), "shared-a-tx", markers);
        sink.Recover(-1, default);
        Give(sink, topic, 1, 3);
        var handle = Prepare(sink, 7);
        sink.Commit(7, handle);

        // Another sink writes 50 markers after it (each with its transaction's control record): beyond the first window read.
        using var other = new KafkaTransactionalSink(ProducerConfig(kafka), "shared-b-tx", markers);
        other.Recover(-1, default);
        for (var id = 1; id <= 50; id++)
        {
            other.Commit(id, Prepare(other, id));
        }

        using var restarted = new KafkaTransactionalSink(ProducerConfig(kafka), "shared-a-tx", markers);
        restarted.Recover(7, handle);
        Assert.Equal(7, restarted.LastCommittedCheckpoint);
        AssertEachOnceInOrder(ReadTopic(kafka, topic), 3);
    }

    [Fact]
    public void A_handle_of_another_sink_is_refused()
    {
        var (topic, markers) = Topics("sink-other");
        using var one = new KafkaTransactionalSink(ProducerConfig(kafka), "one-tx", markers);
        using var two = new KafkaTransactionalSink(ProducerConfig(kafka), "two-tx", markers);
        Give(one, topic, 1, 1);
        var handle = Prepare(one, 1);
        Assert.Throws<CheckpointMismatchException>(() => two.Recover(1, handle));
        Assert.Throws<CheckpointMismatchException>(() => two.Commit(1, handle));
    }

    private (string Topic, string Markers) Topics(string name)
    {
        kafka.CreateTopic(name);
        kafka.CreateTopic(name + "-markers");
        return (name, name + "-markers");
    }

    private static void Give(KafkaTransactionalSink sink, string topic, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            sink.Produce(topic, Bytes("k" + (i % 5)), Bytes("out" + i));
        }
    }

    private static byte[] Prepare(KafkaTransactionalSink sink, long checkpointId)
    {
        var handle = new ArrayBufferWriter<byte>();
        sink.PrepareCommit(checkpointId, handle);
        return handle.WrittenSpan.ToArray();
    }

    private sealed class SimulatedCrash : Exception
    {
    }
}
