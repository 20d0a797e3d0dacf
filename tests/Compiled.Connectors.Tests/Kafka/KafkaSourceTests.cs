using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using Compiled.Checkpoints;
using Compiled.Connectors.Kafka;
using Compiled.Connectors.Tests.Nats;
using Compiled.Connectors.Tests.Servers;
using Xunit;
using static Compiled.Connectors.Tests.Kafka.KafkaTestData;

namespace Compiled.Connectors.Tests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceTests(KafkaMockClusterFixture kafka)
{
    [Fact]
    public void Restore_resumes_at_the_exact_offsets_of_every_partition()
    {
        kafka.CreateTopic("src-resume");
        ProducePlain(kafka, "src-resume", 12, first: 1); // 3 records in each of the 4 partitions

        using var source = new KafkaSource(ConsumerConfig(kafka), "src-resume");
        var first = ReadAll(source);
        ProducePlain(kafka, "src-resume", 28, first: 13); // 7 more in each
        first.AddRange(Read(source, 5));

        // Every partition is read part of the way: the checkpoint holds an offset inside each of them.
        var positions = source.NextOffsets();
        Assert.Equal(KafkaMockClusterFixture.Partitions, positions.Count);
        foreach (var (partition, next) in positions)
        {
            Assert.Equal(first.Where(r => r.Partition == partition).Max(r => r.Offset) + 1, next);
            Assert.InRange(next, 3, 10);
        }

        var checkpoint = JetStreamSourceTests.Checkpoint(source);

        // Read on past the checkpoint, then "crash": the object is dropped and a new one restored.
        Read(source, 9);

        using var restored = new KafkaSource(ConsumerConfig(kafka), "src-resume");
        restored.RestoreCheckpoint(checkpoint);
        Assert.Equal(positions, restored.NextOffsets());
        var rest = ReadAll(restored);
        foreach (var partition in rest.GroupBy(r => r.Partition))
        {
            Assert.Equal(positions[partition.Key], partition.Min(r => r.Offset));
        }

        Assert.Equal(Enumerable.Range(1, 40).Select(i => "m" + i).Order(), first.Concat(rest).Select(r => Text(r.Value)).Order());
        Assert.Equal(40, first.Concat(rest).Select(r => (r.Partition, r.Offset)).Distinct().Count());

        // Restoring again in the same object goes back once more.
        restored.RestoreCheckpoint(checkpoint);
        Assert.Equal(40 - first.Count, ReadAll(restored).Count);
    }

    [Fact]
    public void Partitions_not_in_the_checkpoint_start_at_the_beginning()
    {
        kafka.CreateTopic("src-new-partitions");
        ProducePlain(kafka, "src-new-partitions", 20, first: 1);

        using var half = new KafkaSource(ConsumerConfig(kafka), "src-new-partitions", new KafkaSourceOptions { Partitions = [0, 1] });
        var firstHalf = ReadAll(half);
        Assert.Equal(10, firstHalf.Count);
        Assert.All(firstHalf, r => Assert.InRange(r.Partition, 0, 1));
        var checkpoint = JetStreamSourceTests.Checkpoint(half);

        using var all = new KafkaSource(ConsumerConfig(kafka), "src-new-partitions");
        all.RestoreCheckpoint(checkpoint);
        var rest = ReadAll(all);
        Assert.Equal(10, rest.Count);
        Assert.All(rest, r => Assert.InRange(r.Partition, 2, 3));
        Assert.Equal(5, rest.Count(r => r.Partition == 2 && r.Offset < 5));
    }

    [Fact]
    public void Records_carry_key_value_partition_offset_and_timestamp()
    {
        kafka.CreateTopic("src-fields");
        ProducePlain(kafka, "src-fields", 8, first: 1);
        using var source = new KafkaSource(ConsumerConfig(kafka), "src-fields");
        var records = ReadAll(source);
        Assert.Equal(8, records.Count);
        foreach (var record in records)
        {
            var i = int.Parse(Text(record.Value).AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("k" + i, Text(record.Key));
            Assert.Equal(i % KafkaMockClusterFixture.Partitions, record.Partition);
            Assert.Equal("src-fields", record.Topic);
            Assert.Equal((i - 1) / KafkaMockClusterFixture.Partitions, record.Offset);
            Assert.NotNull(record.Timestamp);
            Assert.True(record.Timestamp > DateTimeOffset.UtcNow.AddMinutes(-5));
        }

        Assert.True(source.IsCaughtUp);
        Assert.False(source.TryRead(TimeSpan.FromMilliseconds(100), out _));
    }

    [Fact]
    public void A_checkpoint_of_another_topic_is_refused()
    {
        using var one = new KafkaSource(ConsumerConfig(kafka), "src-one");
        using var two = new KafkaSource(ConsumerConfig(kafka), "src-two");
        Assert.Throws<CheckpointMismatchException>(() => two.RestoreCheckpoint(JetStreamSourceTests.Checkpoint(one)));
        Assert.Equal(one.StateFingerprint, two.StateFingerprint);
        var garbage = new ArrayBufferWriter<byte>();
        garbage.Write(new byte[] { 9, 0, 0 });
        Assert.Throws<CheckpointMismatchException>(() => one.RestoreCheckpoint(garbage.WrittenSpan));
    }
}
