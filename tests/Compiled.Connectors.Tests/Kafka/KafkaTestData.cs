using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Compiled.Connectors.Kafka;
using Compiled.Connectors.Tests.Servers;
using Confluent.Kafka;
using Xunit;

namespace Compiled.Connectors.Tests.Kafka;

internal static class KafkaTestData
{
    public static ConsumerConfig ConsumerConfig(KafkaMockClusterFixture kafka) => new() { BootstrapServers = kafka.BootstrapServers };

    public static ProducerConfig ProducerConfig(KafkaMockClusterFixture kafka) => new() { BootstrapServers = kafka.BootstrapServers };

    /// <summary>Produces, without a transaction, value "m{i}" with key "k{i}" to partition i % partitions, for i in first..first+count-1.</summary>
    public static void ProducePlain(KafkaMockClusterFixture kafka, string topic, int count, int first)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(ProducerConfig(kafka)).Build();
        for (var i = first; i < first + count; i++)
        {
            producer.Produce(new TopicPartition(topic, new Partition(i % KafkaMockClusterFixture.Partitions)), new Message<byte[], byte[]> { Key = Bytes("k" + i), Value = Bytes("m" + i) });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Reads until every partition has reported its end.</summary>
    public static List<KafkaRecord> ReadAll(KafkaSource source)
    {
        var read = new List<KafkaRecord>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (source.TryRead(TimeSpan.FromMilliseconds(200), out var record))
            {
                read.Add(record);
            }
            else if (source.IsCaughtUp)
            {
                return read;
            }
        }

        throw new TimeoutException("The topic " + source.Topic + " was not read to its end in 30 s (" + read.Count + " records).");
    }

    public static List<KafkaRecord> Read(KafkaSource source, int count)
    {
        var read = new List<KafkaRecord>();
        while (read.Count < count)
        {
            Assert.True(source.TryRead(TimeSpan.FromSeconds(10), out var record), "The topic ended after " + read.Count + " records.");
            read.Add(record);
        }

        return read;
    }

    /// <summary>Everything a read_committed consumer reads of <paramref name="topic"/>.</summary>
    public static List<KafkaRecord> ReadTopic(KafkaMockClusterFixture kafka, string topic)
    {
        using var source = new KafkaSource(ConsumerConfig(kafka), topic);
        return ReadAll(source);
    }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);

    /// <summary>
    /// Checks that <paramref name="records"/> hold "out{i}" exactly once for each i in 1..count, and that within each
    /// partition the i increase (the order they were given in).
    /// </summary>
    public static void AssertEachOnceInOrder(IReadOnlyList<KafkaRecord> records, int count)
    {
        var numbers = records.Select(r => int.Parse(Text(r.Value).AsSpan(3), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, count), numbers.Order());
        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            var inPartition = partition.OrderBy(r => r.Offset).Select(r => int.Parse(Text(r.Value).AsSpan(3), System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(inPartition.Order(), inPartition);
        }
    }
}
