using System;

namespace Compiled.Connectors.Kafka;

/// <summary>A record read from a Kafka topic by <see cref="KafkaSource"/>.</summary>
public sealed class KafkaRecord
{
    /// <summary>Creates a record.</summary>
    /// <param name="topic">The topic it was read from.</param>
    /// <param name="partition">Its partition.</param>
    /// <param name="offset">Its offset in the partition.</param>
    /// <param name="key">Its key, or null when it has none.</param>
    /// <param name="value">Its value, or null when it has none (a tombstone).</param>
    /// <param name="timestamp">Its timestamp, or null when the record has none.</param>
    public KafkaRecord(string topic, int partition, long offset, byte[]? key, byte[]? value, DateTimeOffset? timestamp)
    {
        ArgumentNullException.ThrowIfNull(topic);
        Topic = topic;
        Partition = partition;
        Offset = offset;
        Key = key;
        Value = value;
        Timestamp = timestamp;
    }

    /// <summary>The topic the record was read from.</summary>
    public string Topic { get; }

    /// <summary>The record's partition.</summary>
    public int Partition { get; }

    /// <summary>The record's offset in its partition.</summary>
    public long Offset { get; }

    /// <summary>The key, or null when the record has none.</summary>
    public byte[]? Key { get; }

    /// <summary>The value, or null when the record has none (a tombstone).</summary>
    public byte[]? Value { get; }

    /// <summary>The record's timestamp (its create or log-append time, as the topic is configured), or null when it has none.</summary>
    public DateTimeOffset? Timestamp { get; }
}
