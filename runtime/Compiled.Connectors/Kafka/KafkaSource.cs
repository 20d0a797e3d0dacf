using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Compiled.Checkpoints;
using Compiled.Coders;
using Confluent.Kafka;

namespace Compiled.Connectors.Kafka;

/// <summary>What a <see cref="KafkaSource"/> reads and how.</summary>
public sealed class KafkaSourceOptions
{
    /// <summary>The partitions to read; null or empty (the default) reads every partition the topic has when the source first reads.</summary>
    public IReadOnlyList<int>? Partitions { get; init; }

    /// <summary>How long to wait for the topic's metadata when the source first reads (30 seconds by default).</summary>
    public TimeSpan MetadataTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Reads the partitions of one Kafka topic and keeps its position itself: its checkpoint holds the topic and, for each
/// partition, the offset of the next record to read, so a job restored from a checkpoint reads again exactly what followed it.
/// </summary>
/// <remarks>
/// <para>The partitions are assigned to the consumer (never subscribed with a group's rebalancing), and nothing is
/// committed to Kafka: <c>enable.auto.commit</c> and <c>enable.auto.offset.store</c> are set to false whatever the
/// configuration says, so the group's committed offsets play no part. A <c>group.id</c> is set only because the client
/// wants one (<c>compiled-kafka-source</c> when the configuration has none); the group is never joined.</para>
/// <para>It reads with <c>isolation.level=read_committed</c> (forced): records of open or aborted transactions are not
/// read, and the position never points into an open transaction's records.</para>
/// <para>The position of a partition moves when one of its records is handed out by <see cref="TryRead"/>: records the
/// client prefetched but did not hand out are fetched again after a restore. A partition of which nothing was handed out
/// is not in the checkpoint, and a partition not in a restored checkpoint is read from its beginning.</para>
/// <para>A record the topic no longer holds when the job reads again (removed by retention) cannot be read: librdkafka's
/// <c>auto.offset.reset</c> then decides where reading goes on. Keep the topic's retention longer than a restart may take.</para>
/// <para>Not thread-safe: one caller reads, and checkpoints between reads (as the runner's thread does).</para>
/// </remarks>
public sealed class KafkaSource : ICheckpointable, IDisposable
{
    private const byte FormatVersion = 1;
    private static readonly ulong Fingerprint = Coder.Hash("Compiled.Connectors.KafkaSource/1");

    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly KafkaSourceOptions _options;
    private readonly SortedDictionary<int, long> _next = new();
    private readonly HashSet<int> _atEnd = new();
    private int[]? _partitions;
    private bool _assigned;

    /// <summary>A source that reads <paramref name="topic"/> through a consumer configured by <paramref name="config"/>.</summary>
    /// <param name="config">The consumer's configuration (bootstrap servers, security...); the settings that keep the
    /// position the source's own are overridden (see the remarks). Not modified.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="options">What to read and how; the defaults when null.</param>
    public KafkaSource(ConsumerConfig config, string topic, KafkaSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        Topic = topic;
        _options = options ?? new KafkaSourceOptions();
        if (_options.Partitions is { Count: > 0 } partitions)
        {
            foreach (var partition in partitions)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(partition, nameof(options));
            }

            _partitions = [.. new SortedSet<int>(partitions)];
        }

        var settings = new ConsumerConfig(new Dictionary<string, string>(config));
        settings.GroupId ??= "compiled-kafka-source";
        settings.EnableAutoCommit = false;
        settings.EnableAutoOffsetStore = false;
        settings.IsolationLevel = IsolationLevel.ReadCommitted;
        settings.EnablePartitionEof = true;
        _consumer = new ConsumerBuilder<byte[], byte[]>(settings).Build();
    }

    /// <summary>The topic read.</summary>
    public string Topic { get; }

    /// <summary>
    /// True when every partition read has reported its end (no record after the last one handed out, as of the client's
    /// last fetch); false before the first read and after a restore.
    /// </summary>
    public bool IsCaughtUp => _assigned && _atEnd.Count == _partitions!.Length;

    /// <inheritdoc/>
    public ulong StateFingerprint => Fingerprint;

    /// <summary>The offset of the next record to hand out of each partition of which a record was handed out (or restored).</summary>
    /// <returns>Partition and offset, by partition.</returns>
    public IReadOnlyDictionary<int, long> NextOffsets() => new SortedDictionary<int, long>(_next);

    /// <summary>Hands out the next record, waiting for one up to <paramref name="wait"/>.</summary>
    /// <param name="wait">How long to wait when no record is there.</param>
    /// <param name="record">The record, which moves its partition's position past it; null when none came in time.</param>
    /// <returns>True with a record; false when none came within <paramref name="wait"/>.</returns>
    /// <exception cref="ConsumeException">The client failed to read (for instance, an unknown partition).</exception>
    public bool TryRead(TimeSpan wait, [NotNullWhen(true)] out KafkaRecord? record)
    {
        EnsureAssigned();
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var result = _consumer.Consume(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            if (result is null)
            {
                record = null;
                return false;
            }

            var partition = result.Partition.Value;
            if (result.IsPartitionEOF)
            {
                _atEnd.Add(partition);
                continue;
            }

            _atEnd.Remove(partition);
            _next[partition] = result.Offset.Value + 1;
            var message = result.Message;
            DateTimeOffset? timestamp = message.Timestamp.Type == TimestampType.NotAvailable
                ? null
                : DateTimeOffset.FromUnixTimeMilliseconds(message.Timestamp.UnixTimestampMs);
            record = new KafkaRecord(result.Topic, partition, result.Offset.Value, message.Key, message.Value, timestamp);
            return true;
        }
    }

    /// <inheritdoc/>
    public void WriteCheckpoint(IBufferWriter<byte> output)
    {
        var writer = new CoderWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteString(Topic);
        writer.WriteInt32(_next.Count);
        foreach (var (partition, offset) in _next)
        {
            writer.WriteInt32(partition);
            writer.WriteInt64(offset);
        }

        writer.Flush();
    }

    /// <inheritdoc/>
    /// <exception cref="CheckpointMismatchException">The checkpoint was written by a source of another topic, or in another format.</exception>
    public void RestoreCheckpoint(ReadOnlySpan<byte> state)
    {
        var reader = new CoderReader(state);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new CheckpointMismatchException("The Kafka source's checkpoint has format " + version + ", not " + FormatVersion + ".");
        }

        var topic = reader.ReadString();
        if (!string.Equals(topic, Topic, StringComparison.Ordinal))
        {
            throw new CheckpointMismatchException("The checkpoint was written by a source of the topic '" + topic + "', not '" + Topic + "'.");
        }

        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new CheckpointMismatchException("The Kafka source's checkpoint holds a negative partition count.");
        }

        var next = new SortedDictionary<int, long>();
        for (var i = 0; i < count; i++)
        {
            var partition = reader.ReadInt32();
            var offset = reader.ReadInt64();
            if (partition < 0 || offset < 0 || !next.TryAdd(partition, offset))
            {
                throw new CheckpointMismatchException("The Kafka source's checkpoint holds an invalid position (partition " + partition.ToString(CultureInfo.InvariantCulture) + ", offset " + offset.ToString(CultureInfo.InvariantCulture) + ").");
            }
        }

        _next.Clear();
        foreach (var (partition, offset) in next)
        {
            _next.Add(partition, offset);
        }

        if (_assigned)
        {
            Assign(); // seeks every partition back; what the client prefetched is dropped
        }
    }

    /// <summary>Closes the consumer (it leaves no group and commits nothing).</summary>
    public void Dispose() => _consumer.Dispose();

    private void EnsureAssigned()
    {
        if (_assigned)
        {
            return;
        }

        if (_partitions is null)
        {
            using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
            var metadata = admin.GetMetadata(Topic, _options.MetadataTimeout);
            var topic = metadata.Topics.Count == 1 ? metadata.Topics[0] : null;
            if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
            {
                throw new InvalidOperationException("The topic '" + Topic + "' could not be read: " + (topic is null ? "no metadata" : topic.Error.IsError ? topic.Error.Reason : "no partitions") + ".");
            }

            var partitions = new SortedSet<int>();
            foreach (var partition in topic.Partitions)
            {
                partitions.Add(partition.PartitionId);
            }

            _partitions = [.. partitions];
        }

        Assign();
        _assigned = true;
    }

    private void Assign()
    {
        var assignment = new List<TopicPartitionOffset>(_partitions!.Length);
        foreach (var partition in _partitions)
        {
            var offset = _next.TryGetValue(partition, out var next) ? new Offset(next) : Offset.Beginning;
            assignment.Add(new TopicPartitionOffset(Topic, new Partition(partition), offset));
        }

        _atEnd.Clear();
        _consumer.Assign(assignment);
    }
}
