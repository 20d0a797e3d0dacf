using System;
using System.Runtime.CompilerServices;

namespace Compiled.Parallel;

/// <summary>
/// The sending side of one exchange of the streaming parallel runner: one <see cref="ExchangeChannel{T}"/> per receiving
/// shard, and the sender's output watermark, which travels in the channels in order with the elements.
/// </summary>
/// <typeparam name="T">The exchange's item type.</typeparam>
/// <remarks>
/// <para><b>Watermarks travel lazily.</b> <see cref="AdvanceWatermark"/> only records the new watermark. It is written to a
/// channel, as a marker, before the next element sent there whose timestamp is not after it, before the first element
/// of a batch (so while elements flow a shard's watermark trails its sender's by about a batch, and its windows close,
/// and its state shrinks, about when the sender's would: one marker per batch), and to every channel at
/// <see cref="Flush"/>. A sender whose shards evaluate triggers at the end of each bundle (<c>bundleEnds</c>) writes a
/// watermark that moved before the first element of each bundle instead of each batch: where a single runner's
/// watermark moved, between two pushes, so that a shard never sees it move within one. So an element that may be late
/// (its timestamp at or behind the sender's watermark) reaches a shard after every watermark the sender had reached when
/// it sent the element, which is what lateness needs: the shard drops it, or fires it in a late pane, as one runner
/// would. An element ahead of the sender's watermark needs no marker: each of its windows ends after its timestamp, so
/// no watermark the sender had could have expired or fired them on time, and the shard treats it the same with an older
/// one. A watermark that waits is only late, never wrong: the receiving shard fires its windows a little later. An
/// outbox made with <c>watermarkBeforeEveryElement</c> tells it before every element sent after it moved, for shards
/// that read their input watermark as each element comes (a stateful ParDo's relative timers).</para>
/// <para><b>Flushing.</b> Batches are published when full, at <see cref="Flush"/>, at <see cref="Complete"/>, and when
/// the watermark advances after <see cref="FlushInterval"/> milliseconds without a flush (the clock is read at most
/// every 64 advances of a fast stream, at every advance of a slow one), so a stream whose watermark moves does not keep results
/// waiting in half-full batches. A shard flushes whenever its inbox is empty.</para>
/// <para><b>Threads.</b> One thread at a time: the sender's.</para>
/// </remarks>
public sealed class ExchangeOutbox<T>
    where T : struct, IExchangeItem<T>
{
    private readonly ExchangeChannel<T>[] _channels;
    private readonly long[] _sent;
    private readonly bool[] _inBundle;
    private bool _idle;
    private long _watermark = Instant.MinValue.Millis;
    private long _lastFlush = Environment.TickCount64;
    private long _lastLook = Environment.TickCount64;
    private int _untilLook = 1;
    private int _stride = 1;
    private const int MaxStride = 64;
    private bool _completed;
    private readonly bool _watermarkBeforeEveryElement;
    private readonly bool _bundleEnds;

    /// <summary>Creates the outbox of a sender.</summary>
    /// <param name="channels">The channel to each receiving shard, by shard index.</param>
    /// <param name="flushInterval">Milliseconds after which a watermark advance also publishes the open batches; negative: never.</param>
    /// <exception cref="ArgumentException"><paramref name="channels"/> is empty.</exception>
    /// <param name="watermarkBeforeEveryElement">
    /// Whether an advanced watermark goes before every element sent after it, not only before those that may be late: for
    /// shards that read their input watermark as each element arrives (a stateful ParDo sets relative event-time timers
    /// from it), so that they read the one a single runner would.
    /// </param>
    /// <param name="bundleEnds">
    /// Whether the sender tells the shards where its bundles end (<see cref="EndBundle"/>), because they evaluate triggers
    /// then: a watermark that moved then goes before the first element of each bundle, so that a shard never sees it move in
    /// the middle of one (where a single runner could not have moved it).
    /// </param>
    public ExchangeOutbox(ExchangeChannel<T>[] channels, int flushInterval = 1, bool watermarkBeforeEveryElement = false, bool bundleEnds = true)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length == 0)
        {
            throw new ArgumentException("An outbox sends to at least one shard.", nameof(channels));
        }

        _channels = channels;
        _sent = new long[channels.Length];
        _sent.AsSpan().Fill(Instant.MinValue.Millis);
        _inBundle = new bool[channels.Length];
        FlushInterval = flushInterval;
        _watermarkBeforeEveryElement = watermarkBeforeEveryElement;
        _bundleEnds = bundleEnds;
    }

    /// <summary>The number of receiving shards.</summary>
    public int Shards => _channels.Length;

    /// <summary>Milliseconds after which a watermark advance also publishes the open batches; negative: only when full or flushed.</summary>
    public int FlushInterval { get; set; }

    /// <summary>The sender's output watermark, as recorded by <see cref="AdvanceWatermark"/>.</summary>
    public Instant Watermark => new(_watermark);

    /// <summary>The channel to a shard (for tests and metrics).</summary>
    /// <param name="shard">The shard's index.</param>
    public ExchangeChannel<T> this[int shard] => _channels[shard];

    /// <summary>Sends an element to a shard, after the watermark the shard has not been told yet when the element may be late, or starts a batch or a bundle (see the remarks). Blocks while the shard's channel is full.</summary>
    /// <param name="shard">The receiving shard.</param>
    /// <param name="item">The element.</param>
    /// <exception cref="OperationCanceledException">The run was cancelled (a shard failed) while the call waited.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Send(int shard, in T item) => BeforeElement(shard, item.Timestamp).Write(in item);

    /// <summary>
    /// The place of the next element to a shard, written in place by the caller, then sent with <see cref="Commit"/>: what
    /// <see cref="Send"/> does, without copying an element made elsewhere (see <see cref="ExchangeChannel{T}.Reserve"/>).
    /// The watermark the shard has not been told goes first, as for <see cref="Send"/>.
    /// </summary>
    /// <param name="shard">The receiving shard.</param>
    /// <param name="timestamp">The element's timestamp.</param>
    /// <returns>A reference to the element's place, valid until <see cref="Commit"/>; the caller writes every field the shard reads.</returns>
    /// <exception cref="OperationCanceledException">The run was cancelled (a shard failed) while the call waited.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Reserve(int shard, Instant timestamp) => ref BeforeElement(shard, timestamp).Reserve();

    /// <summary>Sends the element written at <see cref="Reserve"/>'s place.</summary>
    /// <param name="shard">The receiving shard, as given to <see cref="Reserve"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Commit(int shard) => _channels[shard].Commit();

    /// <summary>
    /// Before an element with <paramref name="timestamp"/> goes to a shard: the watermark the shard has not been told, when
    /// the element may be late or starts a batch or a bundle (see the remarks), and the shard's bundle marked as open.
    /// </summary>
    /// <returns>The shard's channel, to write the element to.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ExchangeChannel<T> BeforeElement(int shard, Instant timestamp)
    {
        var channel = _channels[shard];
        if (_sent[shard] < _watermark && (timestamp.Millis <= _watermark || _watermarkBeforeEveryElement || StartsBatchOrBundle(channel, shard)))
        {
            TellWatermark(shard);
        }

        _inBundle[shard] = true;
        return channel;
    }

    /// <summary>
    /// Whether a watermark that moved goes before the next element to a shard although the element is ahead of it: for a
    /// sender that tells where its bundles end, when the element starts a bundle there (where the single runner moved its
    /// watermark: between two pushes, never within one; so no element of the bundle needs a marker after its first); for
    /// the others, when it starts a batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool StartsBatchOrBundle(ExchangeChannel<T> channel, int shard) => _bundleEnds ? !_inBundle[shard] : !channel.HasUnpublished;

    /// <summary>Ends the sender's bundle: every shard that got elements since the last end gets a bundle-end marker after them.</summary>
    public void EndBundle()
    {
        for (int shard = 0; shard < _inBundle.Length; shard++)
        {
            if (_inBundle[shard])
            {
                _inBundle[shard] = false;
                _channels[shard].Write(T.Marker(ExchangeMarkers.EndBundle, default));
            }
        }
    }

    /// <summary>
    /// Tells every shard that every input of the sender is idle: the shards leave the sender out of their input watermark,
    /// as the runner leaves out an idle input, until <see cref="MarkActive"/>. Publishes the open batches. A second call
    /// before <see cref="MarkActive"/> does nothing.
    /// </summary>
    public void MarkIdle()
    {
        if (_idle || _completed)
        {
            return;
        }

        _idle = true;
        for (int shard = 0; shard < _channels.Length; shard++)
        {
            _channels[shard].Write(T.Marker(ExchangeMarkers.Idle, default));
        }

        Flush();
    }

    /// <summary>
    /// Ends the idleness of <see cref="MarkIdle"/>: every shard gets the sender's watermark again (a watermark marker, even
    /// one not newer than the last it got), from which the sender counts again in the shard's input watermark. Does
    /// nothing when the sender is not idle.
    /// </summary>
    public void MarkActive()
    {
        if (!_idle)
        {
            return;
        }

        _idle = false;
        for (int shard = 0; shard < _channels.Length; shard++)
        {
            TellWatermark(shard);
        }
    }

    /// <summary>Records the sender's new output watermark (an earlier one is ignored); see the remarks for when it travels.</summary>
    /// <param name="watermark">The watermark.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdvanceWatermark(Instant watermark)
    {
        if (watermark.Millis > _watermark)
        {
            _watermark = watermark.Millis;
            if (FlushInterval >= 0 && --_untilLook <= 0)
            {
                LookAtTheClock();
            }
        }
    }

    /// <summary>
    /// Flushes when <see cref="FlushInterval"/> has passed since the last flush. Reading the clock costs more than an
    /// advance (tens of ns on some machines), so it is read only every so many advances: the stride doubles (up to 64)
    /// while the clock has not ticked between two looks and goes back to 1 when it has, so a fast stream reads it about
    /// once per 64 advances and a slow one at every advance; a stream that slows down after a burst is looked at again
    /// within 64 advances.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LookAtTheClock()
    {
        long now = Environment.TickCount64;
        if (now == _lastLook)
        {
            _stride = Math.Min(_stride * 2, MaxStride);
        }
        else
        {
            _stride = 1;
            _lastLook = now;
        }

        _untilLook = _stride;
        if (now - _lastFlush >= FlushInterval)
        {
            FlushAt(now);
        }
    }

    /// <summary>
    /// Sends a processing-time marker to every shard at once (processing time moves rarely), after the watermark the
    /// shard has not been told yet: a shard sees the two move in the order the sender moved them.
    /// </summary>
    /// <param name="now">The sender's processing time.</param>
    public void AdvanceProcessingTime(Instant now)
    {
        for (int shard = 0; shard < _channels.Length; shard++)
        {
            if (_sent[shard] < _watermark)
            {
                TellWatermark(shard);
            }

            _channels[shard].Write(T.Marker(ExchangeMarkers.ProcessingTime, now));
        }
    }

    /// <summary>
    /// Whether something sent waits in a half-full batch (of any shard), or a watermark has not been told, that a flush would
    /// publish: a sender whose stream goes quiet flushes within <see cref="FlushInterval"/> when it has a clock to wake it
    /// (a partition with a <see cref="TimeProvider"/>).
    /// </summary>
    public bool HasUnpublished
    {
        get
        {
            for (int shard = 0; shard < _channels.Length; shard++)
            {
                // A half-full batch, or a watermark not yet told (markers travel lazily: a flush tells it).
                if (_channels[shard].HasUnpublished || (_sent[shard] < _watermark && !_idle && !_completed))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Writes the watermark to every shard not told yet, and publishes every open batch.</summary>
    public void Flush() => FlushAt(Environment.TickCount64);

    /// <summary><see cref="Flush"/>, with the clock already read.</summary>
    private void FlushAt(long now)
    {
        _lastFlush = now;
        for (int shard = 0; shard < _channels.Length; shard++)
        {
            // An idle sender's watermark waits for MarkActive (or Complete): a marker would make it count again.
            if (_sent[shard] < _watermark && !_idle)
            {
                TellWatermark(shard);
            }

            _channels[shard].Flush();
        }
    }

    /// <summary>Writes the sender's watermark to a shard's channel, as a marker, and remembers that the shard was told.</summary>
    private void TellWatermark(int shard)
    {
        _sent[shard] = _watermark;
        _channels[shard].Write(T.Marker(ExchangeMarkers.Watermark, new Instant(_watermark)));
    }

    /// <summary>
    /// Sends checkpoint barrier <paramref name="checkpointId"/> to every shard, after everything sent before it (the open
    /// batches are published with it, the barrier last in each): see <see cref="ExchangeMarkers.Barrier"/>. An idle sender
    /// sends it too (its channels count for the alignment); a completed one sends nothing. Blocks while a channel is full.
    /// </summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <exception cref="OperationCanceledException">The run was cancelled (a shard failed) while the call waited.</exception>
    public void Barrier(long checkpointId)
    {
        if (_completed)
        {
            return;
        }

        for (int shard = 0; shard < _channels.Length; shard++)
        {
            if (_sent[shard] < _watermark && !_idle)
            {
                TellWatermark(shard);
            }

            _channels[shard].Write(T.Marker(ExchangeMarkers.Barrier, new Instant(checkpointId)));
            _channels[shard].Flush();
        }
    }

    /// <summary>Ends the sender's streams: the watermark becomes <see cref="Instant.MaxValue"/>, everything is published, every channel completes. A second call does nothing.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        _idle = false;
        _watermark = Instant.MaxValue.Millis;
        Flush();
        foreach (var channel in _channels)
        {
            channel.Complete();
        }
    }

    /// <summary>Ends the sender's streams with a failure (the receiving shards stop with it). Never blocks.</summary>
    /// <param name="error">The failure.</param>
    public void Fail(Exception error)
    {
        _completed = true;
        foreach (var channel in _channels)
        {
            channel.Fail(error);
        }
    }
}
