using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit;

namespace Compiled.Connectors.Tests.Servers;

/// <summary>
/// librdkafka's mock cluster (no Kafka broker is started): a client configured with <c>test.mock.num.brokers</c> hosts an
/// in-process cluster listening on loopback ports, and logs its bootstrap servers; every other client of the tests
/// connects to those. The hosting client is kept until the end, since the cluster goes with it.
/// </summary>
/// <remarks>
/// What it does not prove: that a real broker behaves the same (the mock is librdkafka's model of the protocol, not
/// Kafka's code), network failures, broker failover, and read_uncommitted consumers (not modelled faithfully).
/// </remarks>
public sealed class KafkaMockClusterFixture : IDisposable
{
    private readonly IAdminClient _host;

    public KafkaMockClusterFixture()
    {
        string? bootstrap = null;
        var found = new ManualResetEventSlim();
        var config = new AdminClientConfig { BootstrapServers = "unused:9092" };
        config.Set("test.mock.num.brokers", "1");
        _host = new AdminClientBuilder(config)
            .SetLogHandler((_, message) =>
            {
                // "Mock cluster enabled: original bootstrap.servers and security.protocol ignored and replaced with 127.0.0.1:PORT"
                const string marker = "replaced with ";
                var at = message.Message.IndexOf(marker, StringComparison.Ordinal);
                if (message.Facility == "MOCK" && at >= 0)
                {
                    bootstrap = message.Message.Substring(at + marker.Length).Trim();
                    found.Set();
                }
            })
            .Build();
        if (!found.Wait(TimeSpan.FromSeconds(10)) || bootstrap is null)
        {
            throw new InvalidOperationException("librdkafka did not report the mock cluster's bootstrap servers.");
        }

        BootstrapServers = bootstrap;
    }

    public string BootstrapServers { get; }

    /// <summary>Creates <paramref name="topic"/> by asking a producer for its metadata: the mock cluster creates it with <see cref="Partitions"/> partitions (its admin API waits for a controller it does not report).</summary>
    public void CreateTopic(string topic)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = BootstrapServers }).Build();
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        if (metadata.Topics.Count != 1 || metadata.Topics[0].Error.IsError || metadata.Topics[0].Partitions.Count != Partitions)
        {
            throw new InvalidOperationException("The mock cluster did not create " + topic + ": " + metadata.Topics[0].Error + ", " + metadata.Topics[0].Partitions.Count + " partitions.");
        }
    }

    /// <summary>The partitions of a topic the mock cluster creates.</summary>
    public const int Partitions = 4;

    public void Dispose() => _host.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaMockClusterFixture>
{
    public const string Name = "Kafka mock cluster";
}
