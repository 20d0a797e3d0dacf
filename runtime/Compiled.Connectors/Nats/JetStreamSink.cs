using System;
using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Compiled.Coders;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Compiled.Connectors.Nats;

/// <summary>How a <see cref="JetStreamSink"/> publishes.</summary>
public sealed class JetStreamSinkOptions
{
    /// <summary>The most messages published and not yet acknowledged by the stream; <see cref="JetStreamSink.PublishAsync"/> waits beyond it (1024 by default).</summary>
    public int MaxInFlight { get; init; } = 1024;

    /// <summary>How long to wait for the stream's acknowledgements, when publishing beyond <see cref="MaxInFlight"/> and in <see cref="JetStreamSink.PrepareCommit"/> (30 seconds by default).</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Publishes to JetStream exactly once across restarts, by deduplication: the n-th message the sink publishes since the
/// job started carries the message id (<c>Nats-Msg-Id</c>) <c>{sinkId}-{n}</c>, and n is kept in the checkpoint; after a
/// restore the output that is produced again gets the same ids, and the stream drops the copies it already holds.
/// </summary>
/// <remarks>
/// <para><b>When it is exactly-once.</b> Each message is stored once when all of these hold: (1) after a restore the
/// pipeline produces, from the restored checkpoint on, the same messages in the same order as before the crash (a
/// deterministic pipeline over a replayed source: same input, same order, no clock or randomness in the output), at
/// least up to where the crashed run got; (2) every message published before the crash is published again within the
/// stream's duplicate window (<c>duplicate_window</c>, 2 minutes by default) of its first publish: the window must exceed
/// the time from a checkpoint to the end of the restart that replays what followed it (see
/// <see cref="CheckDuplicateWindowAsync"/>); (3) the <see cref="SinkId"/> is stable across restarts and not shared with
/// another sink publishing to the same stream; (4) no message is lost in transit (see below).</para>
/// <para><b>When it degrades to at-least-once.</b> A copy published after the window has passed is stored again; a
/// pipeline whose output after a restore is in another order or differs gives the same id to other messages, so a
/// message may be dropped as a copy of another one while the one it replaces is stored twice, or stored with the content
/// of the first run. A stream that is not reached at all (no stream listens on the subject) acknowledges nothing, and
/// <see cref="PrepareCommit"/> fails.</para>
/// <para><b>Visibility.</b> JetStream has no transactions: a message is visible to the stream's readers as soon as it is
/// stored, before the checkpoint that covers it is complete. What the sink guarantees is the stream's content after
/// restarts, not read-committed visibility; <see cref="Commit"/> has nothing left to do.</para>
/// <para><b>Order and durability.</b> Messages are written to the connection in the order given, and the stream stores
/// them in that order; up to <see cref="JetStreamSinkOptions.MaxInFlight"/> wait for their acknowledgement at a time.
/// <see cref="PrepareCommit"/> waits until every message published so far is acknowledged (stored by the stream), and
/// fails when one was refused or not acknowledged in time, so that the checkpoint does not count. If a message is lost in
/// transit while later ones are stored, it is stored after them when the job replays from the previous checkpoint: order
/// is then not kept, but nothing is lost or repeated.</para>
/// <para>Its state (the sink id and n) is written both as its own checkpoint part (<see cref="ICheckpointable"/>) and as
/// the handle of <see cref="PrepareCommit"/>; restoring either, or <see cref="Recover"/> with the handle, sets n back.</para>
/// <para>One caller publishes (the runner's thread); acknowledgements are read in the background.</para>
/// </remarks>
public sealed class JetStreamSink : ITransactionalSink, ICheckpointable, IAsyncDisposable
{
    /// <summary>The header JetStream deduplicates on.</summary>
    public const string MessageIdHeader = "Nats-Msg-Id";

    private const byte FormatVersion = 1;
    private static readonly ulong Fingerprint = Coder.Hash("Compiled.Connectors.JetStreamSink/1");

    private readonly INatsConnection _connection;
    private readonly JetStreamSinkOptions _options;
    private readonly INatsSub<byte[]> _acks;
    private readonly string _inbox;
    private readonly SemaphoreSlim _window;
    private readonly Task _ackLoop;
    private readonly object _gate = new();
    private long _published;
    private long _sent;
    private long _acked;
    private long _duplicates;
    private string? _error;

    private JetStreamSink(INatsConnection connection, string sinkId, JetStreamSinkOptions options, INatsSub<byte[]> acks, string inbox)
    {
        _connection = connection;
        SinkId = sinkId;
        _options = options;
        _acks = acks;
        _inbox = inbox;
        _window = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        _ackLoop = Task.Run(ReadAcksAsync);
    }

    /// <summary>The sink's name, the prefix of its message ids; stable across restarts and unique among the stream's publishers.</summary>
    public string SinkId { get; }

    /// <summary>n: the number of messages published since the job started (as restored), the last message's sequence in the sink's ids.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>How many of the messages this object published the stream acknowledged as copies it already held (and dropped).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <inheritdoc/>
    public ulong StateFingerprint => Fingerprint;

    /// <summary>Creates a sink that publishes through <paramref name="connection"/> and subscribes to its acknowledgements.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="sinkId">The sink's name (letters, digits, '-' and '_'; no spaces).</param>
    /// <param name="options">How to publish; the defaults when null.</param>
    /// <param name="cancellationToken">Stops the subscription.</param>
    /// <returns>The sink, at n = 0 (restore a checkpoint, or call <see cref="Recover"/>, to resume).</returns>
    public static async ValueTask<JetStreamSink> CreateAsync(INatsConnection connection, string sinkId, JetStreamSinkOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(sinkId);
        if (sinkId.AsSpan().ContainsAny(" \t\r\n:"))
        {
            throw new ArgumentException("A sink id has no white space and no ':'.", nameof(sinkId));
        }

        options ??= new JetStreamSinkOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlight, 1, nameof(options));
        // Not under the connection's own inbox prefix, whose messages the client routes to its requests.
        var inbox = "_COMPILED_ACK." + Guid.NewGuid().ToString("N");
        var acks = await connection.SubscribeCoreAsync(inbox + ".*", serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new JetStreamSink(connection, sinkId, options, acks, inbox);
    }

    /// <summary>
    /// Reads the duplicate window of <paramref name="stream"/> and fails when it is shorter than <paramref name="minimum"/>
    /// (the longest time expected from a checkpoint to the end of a restart's replay).
    /// </summary>
    /// <param name="js">The JetStream context.</param>
    /// <param name="stream">The stream the sink publishes to.</param>
    /// <param name="minimum">The shortest window that keeps the sink exactly-once.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The stream's duplicate window.</returns>
    /// <exception cref="InvalidOperationException">The window is shorter than <paramref name="minimum"/>: copies published after it would be stored.</exception>
    public static async ValueTask<TimeSpan> CheckDuplicateWindowAsync(INatsJSContext js, string stream, TimeSpan minimum, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        var info = await js.GetStreamAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var window = info.Info.Config.DuplicateWindow;
        if (window < minimum)
        {
            throw new InvalidOperationException(
                "The stream '" + stream + "' drops copies within " + window.ToString("c", CultureInfo.InvariantCulture) + " of the first publish, less than the "
                + minimum.ToString("c", CultureInfo.InvariantCulture) + " a restart may take: messages replayed later would be stored twice. Raise the stream's duplicate_window.");
        }

        return window;
    }

    /// <summary>Publishes the next message, with the id <c>{SinkId}-{n}</c>; returns once it is written to the connection (or waits while too many are not acknowledged).</summary>
    /// <param name="subject">The subject (one a stream listens on).</param>
    /// <param name="data">The payload.</param>
    /// <param name="headers">Headers to send besides the message id; not modified.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes when the message is written to the connection.</returns>
    /// <exception cref="TimeoutException">Messages were not acknowledged within <see cref="JetStreamSinkOptions.AckTimeout"/>.</exception>
    public async ValueTask PublishAsync(string subject, ReadOnlyMemory<byte> data, NatsHeaders? headers = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        if (!await _window.WaitAsync(_options.AckTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException("The stream has not acknowledged " + _options.MaxInFlight.ToString(CultureInfo.InvariantCulture) + " messages within " + _options.AckTimeout.ToString("c", CultureInfo.InvariantCulture) + ".");
        }

        // The id is spent even when writing fails: the message may have reached the server, and the next message must
        // not be taken for a copy of it. A failure fails the next checkpoint, so the job restarts from the last one.
        var n = Interlocked.Increment(ref _published);
        var sent = new NatsHeaders();
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                sent[header.Key] = header.Value;
            }
        }

        sent[MessageIdHeader] = SinkId + "-" + n.ToString(CultureInfo.InvariantCulture);
        var replyTo = _inbox + "." + n.ToString(CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _sent++;
        }

        try
        {
            await _connection.PublishAsync(subject, data, sent, replyTo, NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _sent--;
                _error ??= "A message could not be written to the connection.";
            }

            _window.Release();
            throw;
        }
    }

    /// <summary>Waits until every message published so far is acknowledged.</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes when the stream has acknowledged every message.</returns>
    /// <exception cref="InvalidOperationException">The stream refused a message.</exception>
    /// <exception cref="TimeoutException">Not every message was acknowledged within <see cref="JetStreamSinkOptions.AckTimeout"/>.</exception>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + _options.AckTimeout;
        while (true)
        {
            lock (_gate)
            {
                ThrowIfFailed();
                if (_acked >= _sent)
                {
                    return;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw NotAcknowledged();
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until every message published so far is acknowledged (stored), then writes the sink id and n to <paramref name="handle"/>.</summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="handle">Where the sink's state goes.</param>
    /// <exception cref="InvalidOperationException">The stream refused a message: the checkpoint must not count.</exception>
    /// <exception cref="TimeoutException">Not every message was acknowledged in time: the checkpoint must not count.</exception>
    public void PrepareCommit(long checkpointId, IBufferWriter<byte> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var deadline = DateTime.UtcNow + _options.AckTimeout;
        lock (_gate)
        {
            while (_acked < _sent && _error is null)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw NotAcknowledged();
                }

                Monitor.Wait(_gate, left);
            }

            ThrowIfFailed();
        }

        WriteState(handle);
    }

    /// <summary>Nothing to do: the messages are stored already (JetStream has no transactions). Checks that the handle is this sink's.</summary>
    /// <param name="checkpointId">The completed checkpoint.</param>
    /// <param name="handle">What <see cref="PrepareCommit"/> wrote.</param>
    public void Commit(long checkpointId, ReadOnlySpan<byte> handle) => ReadState(handle);

    /// <summary>Sets n back to the one kept in <paramref name="handle"/> (0 without a checkpoint), so that the output produced again gets the same ids.</summary>
    /// <param name="checkpointId">The checkpoint restored, or -1.</param>
    /// <param name="handle">What <see cref="PrepareCommit"/> wrote for it, or empty.</param>
    public void Recover(long checkpointId, ReadOnlySpan<byte> handle) => Reset(handle.IsEmpty ? 0 : ReadState(handle));

    /// <inheritdoc/>
    public void WriteCheckpoint(IBufferWriter<byte> output) => WriteState(output);

    /// <inheritdoc/>
    /// <exception cref="CheckpointMismatchException">The state was written by another sink, or in another format.</exception>
    public void RestoreCheckpoint(ReadOnlySpan<byte> state) => Reset(ReadState(state));

    /// <summary>Stops reading acknowledgements; messages not yet acknowledged are not waited for.</summary>
    /// <returns>A task that completes when the subscription is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _acks.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _ackLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _window.Dispose();
    }

    private void Reset(long published)
    {
        Interlocked.Exchange(ref _published, published);
        lock (_gate)
        {
            _error = null;
        }
    }

    private void WriteState(IBufferWriter<byte> output)
    {
        var writer = new CoderWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteString(SinkId);
        writer.WriteInt64(Published);
        writer.Flush();
    }

    private long ReadState(ReadOnlySpan<byte> state)
    {
        var reader = new CoderReader(state);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new CheckpointMismatchException("The JetStream sink's state has format " + version + ", not " + FormatVersion + ".");
        }

        var sinkId = reader.ReadString();
        if (!string.Equals(sinkId, SinkId, StringComparison.Ordinal))
        {
            throw new CheckpointMismatchException("The state was written by the JetStream sink '" + sinkId + "', not '" + SinkId + "'.");
        }

        var published = reader.ReadInt64();
        if (published < 0)
        {
            throw new CheckpointMismatchException("The JetStream sink's state holds a negative count.");
        }

        return published;
    }

    private void ThrowIfFailed()
    {
        if (_error is { } error)
        {
            throw new InvalidOperationException("The JetStream sink '" + SinkId + "' could not store every message: " + error);
        }
    }

    private TimeoutException NotAcknowledged() =>
        new("The stream has not acknowledged " + (_sent - _acked).ToString(CultureInfo.InvariantCulture) + " of the sink '" + SinkId + "''s messages within " + _options.AckTimeout.ToString("c", CultureInfo.InvariantCulture) + ".");

    private async Task ReadAcksAsync()
    {
        await foreach (var msg in _acks.Msgs.ReadAllAsync().ConfigureAwait(false))
        {
            var duplicate = false;
            var error = msg.HasNoResponders ? "no stream listens on the subject." : ParseAck(msg.Data, out duplicate);
            if (error is null && duplicate)
            {
                Interlocked.Increment(ref _duplicates);
            }

            lock (_gate)
            {
                _acked++;
                if (error is not null)
                {
                    _error ??= error + " (" + msg.Subject.Substring(_inbox.Length + 1) + "-th message)";
                }

                Monitor.PulseAll(_gate);
            }

            _window.Release();
        }

        string? ParseAck(byte[]? data, out bool duplicate)
        {
            duplicate = false;
            if (data is null || data.Length == 0)
            {
                return "an empty acknowledgement.";
            }

            try
            {
                var reader = new Utf8JsonReader(data);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return "an acknowledgement that is not a JSON object.";
                }

                var stored = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("error"u8))
                    {
                        reader.Read();
                        return "the stream refused it: " + System.Text.Encoding.UTF8.GetString(data);
                    }

                    if (reader.ValueTextEquals("duplicate"u8))
                    {
                        reader.Read();
                        duplicate = reader.TokenType == JsonTokenType.True;
                    }
                    else if (reader.ValueTextEquals("seq"u8))
                    {
                        reader.Read();
                        stored = true;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                return stored ? null : "an acknowledgement without a sequence: " + System.Text.Encoding.UTF8.GetString(data);
            }
            catch (JsonException)
            {
                return "an acknowledgement that is not valid JSON.";
            }
        }
    }
}
