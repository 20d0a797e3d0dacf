using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Coders;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Compiled.Connectors.Nats;

/// <summary>What a <see cref="JetStreamSource"/> reads and how.</summary>
public sealed class JetStreamSourceOptions
{
    /// <summary>
    /// The subjects to read (filters on the stream's subjects, wildcards allowed); null or empty reads every message of the
    /// stream. A server before 2.10 ignores a consumer's filters: the source then also filters what it receives.
    /// </summary>
    public IReadOnlyList<string>? FilterSubjects { get; init; }

    /// <summary>The stream sequence to start at when no checkpoint is restored (1, the default, is the stream's beginning).</summary>
    public ulong StartSequence { get; init; } = 1;

    /// <summary>The most messages fetched from the server at once (256 by default).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>How long <see cref="JetStreamSource.ReadAsync"/> waits for a message when none is there (1 second by default, the least the client accepts).</summary>
    public TimeSpan FetchWait { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Reads a JetStream stream in order, from a stream sequence, and keeps its position itself: its checkpoint is the
/// sequence of the next message to read, so a job restored from a checkpoint reads again exactly what followed it.
/// </summary>
/// <remarks>
/// <para>It reads through an ordered consumer, an ephemeral consumer the server forgets, which it creates again at the
/// position it holds whenever it starts or is restored; nothing is acknowledged and no durable consumer is needed, so the
/// server's idea of what was read plays no part.</para>
/// <para>The position moves when a message is handed out by <see cref="ReadAsync"/> or <see cref="ReadBatchAsync"/>:
/// messages fetched but not yet handed out are fetched again after a restore.</para>
/// <para>A message the stream no longer holds when the job reads again (removed by the stream's limits or a purge) is not
/// read, and the source cannot tell it from a message of another subject: keep the stream's limits longer than a restart
/// may take.</para>
/// <para>Not thread-safe: one caller reads, and checkpoints between reads (as the runner's thread does).</para>
/// </remarks>
public sealed class JetStreamSource : ICheckpointable
{
    private const byte FormatVersion = 1;
    private static readonly ulong Fingerprint = Coder.Hash("Compiled.Connectors.JetStreamSource/1");

    private readonly INatsJSContext _js;
    private readonly JetStreamSourceOptions _options;
    private readonly string[]? _filters;
    private readonly Queue<JetStreamMessage> _fetched = new();
    private INatsJSConsumer? _consumer;
    private ulong _next;

    /// <summary>A source that reads the stream <paramref name="stream"/>.</summary>
    /// <param name="js">The JetStream context of the connection to read through.</param>
    /// <param name="stream">The stream's name.</param>
    /// <param name="options">What to read and how; the defaults when null.</param>
    public JetStreamSource(INatsJSContext js, string stream, JetStreamSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        _js = js;
        Stream = stream;
        _options = options ?? new JetStreamSourceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.StartSequence, 1UL, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1, nameof(options));
        _next = _options.StartSequence;
        _filters = _options.FilterSubjects is { Count: > 0 } filters ? [.. filters] : null;
    }

    /// <summary>The stream read.</summary>
    public string Stream { get; }

    /// <summary>The stream sequence of the next message to hand out: one past the last one handed out (or the start).</summary>
    public ulong NextSequence => _next;

    /// <inheritdoc/>
    public ulong StateFingerprint => Fingerprint;

    /// <summary>The next message, or null when none arrived within <see cref="JetStreamSourceOptions.FetchWait"/>.</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The message, which moves the position past it; or null.</returns>
    public async ValueTask<JetStreamMessage?> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_fetched.Count == 0)
        {
            await FetchAsync(cancellationToken).ConfigureAwait(false);
        }

        return _fetched.Count == 0 ? null : Take();
    }

    /// <summary>
    /// Adds to <paramref name="destination"/> the messages that are there, up to <paramref name="max"/>; when none is,
    /// waits for one up to <see cref="JetStreamSourceOptions.FetchWait"/>.
    /// </summary>
    /// <param name="destination">Where the messages go, in stream order.</param>
    /// <param name="max">The most messages to add.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The number of messages added (0 when none arrived in time).</returns>
    public async ValueTask<int> ReadBatchAsync(ICollection<JetStreamMessage> destination, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (_fetched.Count == 0)
        {
            await FetchAsync(cancellationToken).ConfigureAwait(false);
        }

        var count = 0;
        while (count < max && _fetched.Count > 0)
        {
            destination.Add(Take());
            count++;
        }

        return count;
    }

    /// <inheritdoc/>
    public void WriteCheckpoint(IBufferWriter<byte> output)
    {
        var writer = new CoderWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteString(Stream);
        writer.WriteUInt64(_next);
        writer.Flush();
    }

    /// <inheritdoc/>
    /// <exception cref="CheckpointMismatchException">The checkpoint was written by a source of another stream, or in another format.</exception>
    public void RestoreCheckpoint(ReadOnlySpan<byte> state)
    {
        var reader = new CoderReader(state);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new CheckpointMismatchException("The JetStream source's checkpoint has format " + version + ", not " + FormatVersion + ".");
        }

        var stream = reader.ReadString();
        if (!string.Equals(stream, Stream, StringComparison.Ordinal))
        {
            throw new CheckpointMismatchException("The checkpoint was written by a source of the stream '" + stream + "', not '" + Stream + "'.");
        }

        var next = reader.ReadUInt64();
        if (next < 1)
        {
            throw new CheckpointMismatchException("The JetStream source's checkpoint holds the position 0.");
        }

        _next = next;
        _fetched.Clear();
        _consumer = null; // an ordered consumer is ephemeral: the server removes the old one once it is idle
    }

    private JetStreamMessage Take()
    {
        var message = _fetched.Dequeue();
        _next = message.Sequence + 1;
        return message;
    }

    private async ValueTask FetchAsync(CancellationToken cancellationToken)
    {
        var consumer = _consumer ??= await CreateConsumerAsync(cancellationToken).ConfigureAwait(false);
        var opts = new NatsJSFetchOpts { MaxMsgs = _options.BatchSize, Expires = _options.FetchWait };
        await foreach (var msg in consumer.FetchNoWaitAsync(opts, NatsRawSerializer<byte[]>.Default, cancellationToken).ConfigureAwait(false))
        {
            Add(msg);
        }

        if (_fetched.Count == 0)
        {
            var next = await consumer.NextAsync(NatsRawSerializer<byte[]>.Default, new NatsJSNextOpts { Expires = _options.FetchWait }, cancellationToken).ConfigureAwait(false);
            if (next is { } msg)
            {
                Add(msg);
            }
        }
    }

    private void Add(INatsJSMsg<byte[]> msg)
    {
        if (msg.Metadata is not { } metadata)
        {
            return; // not a stream message
        }

        var sequence = metadata.Sequence.Stream;
        var last = _fetched.Count > 0 ? _fetched.Peek().Sequence : 0;
        if (sequence < _next || sequence <= last)
        {
            return; // handed out already (a redelivery after the consumer was reset)
        }

        if (_filters is not null && !Matches(msg.Subject))
        {
            return; // a server before 2.10 ignores the consumer's filter_subjects: the filter is applied here too
        }

        _fetched.Enqueue(new JetStreamMessage(msg.Subject, msg.Data ?? Array.Empty<byte>(), sequence, metadata.Timestamp, msg.Headers));
    }

    private bool Matches(string subject)
    {
        foreach (var filter in _filters!)
        {
            if (SubjectMatches(filter, subject))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="subject"/> matches <paramref name="filter"/> ('*' one token, '>' the rest).</summary>
    internal static bool SubjectMatches(string filter, string subject)
    {
        var f = filter.AsSpan();
        var s = subject.AsSpan();
        while (true)
        {
            var fEnd = f.IndexOf('.');
            var fToken = fEnd < 0 ? f : f.Slice(0, fEnd);
            if (fToken is ">")
            {
                return !s.IsEmpty;
            }

            if (s.IsEmpty)
            {
                return false;
            }

            var sEnd = s.IndexOf('.');
            var sToken = sEnd < 0 ? s : s.Slice(0, sEnd);
            if (fToken is not "*" && !fToken.SequenceEqual(sToken))
            {
                return false;
            }

            if (fEnd < 0 || sEnd < 0)
            {
                return fEnd < 0 && sEnd < 0;
            }

            f = f.Slice(fEnd + 1);
            s = s.Slice(sEnd + 1);
        }
    }

    private async ValueTask<INatsJSConsumer> CreateConsumerAsync(CancellationToken cancellationToken)
    {
        var opts = new NatsJSOrderedConsumerOpts
        {
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = _next,
            FilterSubjects = _filters ?? [],
        };
        return await _js.CreateOrderedConsumerAsync(Stream, opts, cancellationToken).ConfigureAwait(false);
    }
}
