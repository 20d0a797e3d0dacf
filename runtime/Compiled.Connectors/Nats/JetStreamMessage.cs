using System;
using NATS.Client.Core;

namespace Compiled.Connectors.Nats;

/// <summary>A message read from a JetStream stream by <see cref="JetStreamSource"/>.</summary>
public sealed class JetStreamMessage
{
    /// <summary>Creates a message.</summary>
    /// <param name="subject">The subject it was published to.</param>
    /// <param name="data">Its payload.</param>
    /// <param name="sequence">Its sequence number in the stream.</param>
    /// <param name="timestamp">When the stream stored it.</param>
    /// <param name="headers">Its headers, if it has any.</param>
    public JetStreamMessage(string subject, ReadOnlyMemory<byte> data, ulong sequence, DateTimeOffset timestamp, NatsHeaders? headers)
    {
        ArgumentNullException.ThrowIfNull(subject);
        Subject = subject;
        Data = data;
        Sequence = sequence;
        Timestamp = timestamp;
        Headers = headers;
    }

    /// <summary>The subject the message was published to.</summary>
    public string Subject { get; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The message's sequence number in the stream (the first message of a stream is 1).</summary>
    public ulong Sequence { get; }

    /// <summary>When the stream stored the message (the server's clock).</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The message's headers, or null when it has none.</summary>
    public NatsHeaders? Headers { get; }
}
