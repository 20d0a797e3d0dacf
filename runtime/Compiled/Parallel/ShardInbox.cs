using System;
using System.Threading;

namespace Compiled.Parallel;

/// <summary>
/// The inputs of one consumer shard: one <see cref="ExchangeChannel{T}"/> per producer, read in turn, one wake-up signal
/// shared by all its producers, and the consumer's input watermark.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// <para><b>The input watermark</b> is the minimum of the channels' last watermarks, as Beam and Flink compute it:</para>
/// <list type="bullet">
/// <item><description>a completed channel counts as <see cref="Instant.MaxValue"/> (+infinity);</description></item>
/// <item><description>an idle channel (<see cref="ExchangeChannel{T}.MarkIdle"/>, until
/// <see cref="ExchangeChannel{T}.MarkActive"/>) is left out, as the runner leaves out an idle input; when every channel is
/// idle, the watermark is the maximum of their watermarks;</description></item>
/// <item><description>it never goes back: a channel becoming active again with an earlier watermark holds it where it is
/// until that channel catches up.</description></item>
/// </list>
/// <para>The read methods return <see cref="InboxEvent.Watermark"/> only when the input watermark advances, after the
/// batches the channel sent before the watermark. When every channel has completed they return the watermark
/// <see cref="Instant.MaxValue"/> (if not reached before), then <see cref="InboxEvent.Completed"/>. A channel that failed
/// makes the read throw a <see cref="ShardFailedException"/> with the channel's index.</para>
/// <para><b>Threads.</b> The producer of channel <c>i</c> writes to <c>this[i]</c>; the consumer alone calls the read
/// methods.</para>
/// </remarks>
public sealed class ShardInbox<T>
{
    private readonly ExchangeChannel<T>[] _channels;
    private readonly long[] _watermarks;
    private readonly bool[] _idle;
    private readonly bool[] _completed;
    private readonly bool[] _blocked;
    private int _blockedCount;
    private long _pendingBarrier = -1;
    private long _barrierId = -1;
    private readonly Doorbell _doorbell = new();
    private readonly CancellationToken _cancellation;
    private int _next;
    private int _running;
    private int _interrupted;
    private int _channel = -1;
    private Instant _watermark = Instant.MinValue;

    /// <summary>Creates the inbox and its channels.</summary>
    /// <param name="producers">The number of channels, one per producer, at least 1.</param>
    /// <param name="batchSize">Elements per batch of each channel.</param>
    /// <param name="capacity">Batches each channel holds.</param>
    /// <param name="cancellation">Wakes every blocking call of the inbox and its channels when cancelled (a <see cref="ShardGroup"/>'s <see cref="ShardGroup.Cancellation"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public ShardInbox(int producers, int batchSize = ExchangeChannel<T>.DefaultBatchSize, int capacity = ExchangeChannel<T>.DefaultCapacity, CancellationToken cancellation = default)
    {
        if (producers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(producers), producers, $"An inbox has at least one producer; {producers} was given.");
        }

        _channels = new ExchangeChannel<T>[producers];
        for (int i = 0; i < producers; i++)
        {
            _channels[i] = new ExchangeChannel<T>(batchSize, capacity, cancellation, _doorbell);
        }

        _watermarks = new long[producers];
        _watermarks.AsSpan().Fill(Instant.MinValue.Millis);
        _idle = new bool[producers];
        _completed = new bool[producers];
        _blocked = new bool[producers];
        _running = producers;
        _cancellation = cancellation;
    }

    /// <summary>The number of channels (producers).</summary>
    public int Count => _channels.Length;

    /// <summary>The channel of a producer, for the producer to write to.</summary>
    /// <param name="producer">The producer's index, 0 to <see cref="Count"/> - 1.</param>
    public ExchangeChannel<T> this[int producer] => _channels[producer];

    /// <summary>The consumer's input watermark: see the remarks of <see cref="ShardInbox{T}"/>.</summary>
    public Instant Watermark => _watermark;

    /// <summary>The channel the last <see cref="InboxEvent.Batch"/> came from; -1 before the first.</summary>
    public int Channel => _channel;

    /// <summary>The last watermark a channel sent (<see cref="Instant.MaxValue"/> once it completed).</summary>
    /// <param name="producer">The producer's index.</param>
    public Instant WatermarkOf(int producer) => new(_watermarks[producer]);

    /// <summary>The checkpoint of the last <see cref="InboxEvent.Barrier"/>; -1 before the first.</summary>
    public long BarrierId => _barrierId;

    /// <summary>Whether a channel is blocked: it delivered a checkpoint barrier that the other channels have not all delivered yet.</summary>
    /// <param name="producer">The producer's index.</param>
    public bool IsBlocked(int producer) => _blocked[producer];

    /// <summary>
    /// The consumer read checkpoint barrier <paramref name="checkpointId"/> as the last item of a batch of channel
    /// <paramref name="producer"/> (<see cref="ExchangeMarkers.Barrier"/>): the channel is not read again until every
    /// channel that has not completed has delivered it. Then a read returns <see cref="InboxEvent.Barrier"/> (a channel
    /// that completes meanwhile counts as aligned), and every channel is read again.
    /// </summary>
    /// <param name="producer">The channel.</param>
    /// <param name="checkpointId">The checkpoint of the barrier.</param>
    /// <exception cref="InvalidOperationException">
    /// The channel is blocked already, or another checkpoint's barrier is being aligned (one checkpoint at a time).
    /// </exception>
    public void Block(int producer, long checkpointId)
    {
        if (_blocked[producer])
        {
            throw new InvalidOperationException($"Channel {producer} delivered barrier {checkpointId} while it was blocked by barrier {_pendingBarrier}.");
        }

        if (_blockedCount > 0 && checkpointId != _pendingBarrier)
        {
            throw new InvalidOperationException($"Channel {producer} delivered barrier {checkpointId} while barrier {_pendingBarrier} was being aligned: one checkpoint at a time.");
        }

        _pendingBarrier = checkpointId;
        _blocked[producer] = true;
        _blockedCount++;
    }

    /// <summary>Whether a channel is idle (marked idle by its producer and not active since).</summary>
    /// <param name="producer">The producer's index.</param>
    public bool IsIdle(int producer) => _idle[producer];

    /// <summary>Reads the next event without waiting, taking the channels in turn.</summary>
    /// <param name="batch">The elements, for <see cref="InboxEvent.Batch"/> (valid until the next read); otherwise empty.</param>
    /// <returns>What was read; <see cref="InboxEvent.None"/> when no channel has anything.</returns>
    /// <exception cref="ShardFailedException">A producer failed its channel.</exception>
    public InboxEvent TryRead(out ReadOnlySpan<T> batch)
    {
        batch = default;
        if (_blockedCount != 0 && _blockedCount == _running)
        {
            return Aligned();
        }

        if (_running == 0)
        {
            return AdvanceTo(Instant.MaxValue.Millis) ? InboxEvent.Watermark : InboxEvent.Completed;
        }

        int channels = _channels.Length;
        int idleLooks = 0;
        while (idleLooks < channels)
        {
            int i = _next;
            if (_completed[i] || _blocked[i])
            {
                _next = i + 1 == channels ? 0 : i + 1;
                idleLooks++;
                continue;
            }

            switch (_channels[i].TryRead(out batch, out var watermark))
            {
                case ExchangeItemKind.None:
                    _next = i + 1 == channels ? 0 : i + 1;
                    idleLooks++;
                    continue;

                case ExchangeItemKind.Batch:
                    // Take the next channel next time, so that every producer is served in turn.
                    _channel = i;
                    _next = i + 1 == channels ? 0 : i + 1;
                    return InboxEvent.Batch;

                case ExchangeItemKind.Watermark:
                    if (watermark.Millis > _watermarks[i])
                    {
                        _watermarks[i] = watermark.Millis;
                    }

                    break;

                case ExchangeItemKind.Idle:
                    _idle[i] = true;
                    break;

                case ExchangeItemKind.Active:
                    _idle[i] = false;
                    break;

                case ExchangeItemKind.Completed:
                    _completed[i] = true;
                    _idle[i] = false;
                    _watermarks[i] = Instant.MaxValue.Millis;
                    _running--;
                    break;

                default:
                    throw new ShardFailedException(i, _channels[i].Error ?? new InvalidOperationException("The channel failed."));
            }

            // A marker: an event only if the input watermark advanced; otherwise go on reading.
            idleLooks = 0;
            if (Recompute())
            {
                return InboxEvent.Watermark;
            }

            if (_running == 0)
            {
                return InboxEvent.Completed;
            }

            if (_blockedCount != 0 && _blockedCount == _running)
            {
                return Aligned(); // the channel that completed was the last one the barrier waited for
            }
        }

        batch = default;
        return InboxEvent.None;
    }

    /// <summary>Reads the next event, waiting for one: spins briefly, then sleeps until a producer publishes.</summary>
    /// <param name="batch">The elements, for <see cref="InboxEvent.Batch"/> (valid until the next read); otherwise empty.</param>
    /// <returns>What was read, never <see cref="InboxEvent.None"/>.</returns>
    /// <exception cref="ShardFailedException">A producer failed its channel.</exception>
    /// <exception cref="OperationCanceledException">The inbox's token was cancelled while the call waited.</exception>
    public InboxEvent Read(out ReadOnlySpan<T> batch) => Read(out batch, Timeout.Infinite);

    /// <summary>Reads the next event, waiting at most <paramref name="timeout"/> for one (a consumer with processing-time work to do between events).</summary>
    /// <param name="batch">The elements, for <see cref="InboxEvent.Batch"/> (valid until the next read); otherwise empty.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <returns>What was read; <see cref="InboxEvent.None"/> when the timeout passed first.</returns>
    /// <exception cref="ShardFailedException">A producer failed its channel.</exception>
    /// <exception cref="OperationCanceledException">The inbox's token was cancelled while the call waited.</exception>
    public InboxEvent Read(out ReadOnlySpan<T> batch, TimeSpan timeout)
    {
        long milliseconds = (long)timeout.TotalMilliseconds;
        if (milliseconds < -1 || milliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be Timeout.InfiniteTimeSpan or from zero to int.MaxValue milliseconds.");
        }

        return Read(out batch, (int)milliseconds);
    }

    private InboxEvent Read(out ReadOnlySpan<T> batch, int millisecondsTimeout)
    {
        var result = TryRead(out batch);
        if (result != InboxEvent.None || millisecondsTimeout == 0 || TakeInterrupt())
        {
            return result;
        }

        long deadline = millisecondsTimeout == Timeout.Infinite ? long.MaxValue : Environment.TickCount64 + millisecondsTimeout;
        var spin = default(SpinWait);
        while (true)
        {
            if (!spin.NextSpinWillYield)
            {
                spin.SpinOnce();
            }
            else
            {
                _doorbell.Prepare();
                result = TryRead(out batch);
                if (result != InboxEvent.None)
                {
                    _doorbell.Cancel();
                    return result;
                }

                if (TakeInterrupt())
                {
                    _doorbell.Cancel();
                    return InboxEvent.None;
                }

                int wait = Timeout.Infinite;
                if (deadline != long.MaxValue)
                {
                    wait = (int)Math.Max(0, deadline - Environment.TickCount64);
                }

                if (!_doorbell.Wait(wait, _cancellation))
                {
                    return InboxEvent.None;
                }
            }

            result = TryRead(out batch);
            if (result != InboxEvent.None)
            {
                return result;
            }

            if (TakeInterrupt())
            {
                return InboxEvent.None;
            }

            if (deadline != long.MaxValue && Environment.TickCount64 >= deadline)
            {
                return InboxEvent.None;
            }
        }
    }

    /// <summary>
    /// Wakes the consumer from any thread (a clock's timer): its read under way, or its next one, returns
    /// <see cref="InboxEvent.None"/> once the channels have nothing to give, without waiting.
    /// </summary>
    internal void Interrupt()
    {
        Volatile.Write(ref _interrupted, 1);
        _doorbell.Ring();
    }

    /// <summary>Every channel not completed delivered the pending barrier: unblocks them and reports it.</summary>
    private InboxEvent Aligned()
    {
        _blocked.AsSpan().Clear();
        _blockedCount = 0;
        _barrierId = _pendingBarrier;
        _pendingBarrier = -1;
        return InboxEvent.Barrier;
    }

    /// <summary>Consumes an interrupt, if one came.</summary>
    private bool TakeInterrupt() => Volatile.Read(ref _interrupted) != 0 && Interlocked.Exchange(ref _interrupted, 0) != 0;

    /// <summary>Recomputes the input watermark from the channels' watermarks; true if it advanced.</summary>
    private bool Recompute() => AdvanceTo(Combined(_watermarks, _idle));

    /// <summary>
    /// A consumer's input watermark from its channels' watermarks: the minimum over the channels that are not idle;
    /// when every channel is idle, the maximum (as the runner's watermark when every input is idle).
    /// </summary>
    internal static long Combined(ReadOnlySpan<long> watermarks, ReadOnlySpan<bool> idle)
    {
        long min = long.MaxValue;
        long max = long.MinValue;
        bool anyActive = false;
        for (int i = 0; i < watermarks.Length; i++)
        {
            long watermark = watermarks[i];
            if (watermark > max)
            {
                max = watermark;
            }

            if (!idle[i])
            {
                anyActive = true;
                if (watermark < min)
                {
                    min = watermark;
                }
            }
        }

        return anyActive ? min : max;
    }

    private bool AdvanceTo(long candidate)
    {
        if (candidate <= _watermark.Millis)
        {
            return false;
        }

        _watermark = new Instant(candidate);
        return true;
    }
}
