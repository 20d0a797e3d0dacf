using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Compiled.Parallel;

/// <summary>
/// A bounded single-producer/single-consumer queue of batches, the exchange between two shards: one producer thread
/// writes elements, watermarks and idleness markers, one consumer thread reads them in the same order.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// <para><b>Batches.</b> The channel owns <see cref="Capacity"/> slots, each with an array of <see cref="BatchSize"/>
/// elements made on its first use and reused after (no allocation per element or per batch once warm). The producer
/// fills the array of the next free slot in place; a full batch is published at once, and <see cref="Flush"/> publishes a
/// partial one. The consumer reads a published batch in place, as a span, and the slot returns to the producer at the
/// consumer's next read. At most <see cref="Capacity"/> batches exist, counting the one being filled and the one being
/// read: when every slot is taken, the producer blocks (it spins briefly, then sleeps until the consumer frees a slot),
/// or awaits with the asynchronous methods. This is the backpressure.</para>
/// <para><b>Markers.</b> <see cref="PublishWatermark"/>, <see cref="MarkIdle"/> and <see cref="MarkActive"/> publish the
/// open batch with the marker after its elements (or the marker alone in a slot of its own), so markers arrive in order
/// with the data. <see cref="Complete"/> and <see cref="Fail"/> end the stream after everything published before them; they
/// take no slot and never block.</para>
/// <para><b>Blocking.</b> A call blocks only when it needs a new slot: <see cref="Write"/> when no batch is open (the last
/// one was published), and the marker methods when no batch is open. Every such wait, and the consumer's
/// <see cref="Read"/>, wakes with an <see cref="OperationCanceledException"/> when the channel's cancellation token is
/// cancelled (a <see cref="ShardGroup"/>'s, when any shard fails), so a producer whose consumer died does not hang.</para>
/// <para><b>Threads.</b> The producer methods (<see cref="Write"/>, <see cref="WriteAsync"/>, <see cref="ReserveAsync"/>,
/// <see cref="Flush"/>, <see cref="PublishWatermark"/>, <see cref="PublishWatermarkAsync"/>, <see cref="MarkIdle"/>,
/// <see cref="MarkActive"/>, <see cref="Complete"/>, <see cref="Fail"/>) may be called by one thread at a time, the
/// consumer methods (<see cref="TryRead"/>, <see cref="Read"/>) by one other thread at a time. No lock is taken: the two
/// sides meet through two counters, published and released slots, each on a cache line of its own.</para>
/// </remarks>
public sealed class ExchangeChannel<T>
{
    /// <summary>The default number of elements in a batch: 1024.</summary>
    public const int DefaultBatchSize = 1024;

    /// <summary>The default number of batches a channel holds: 8.</summary>
    public const int DefaultCapacity = 8;

    private const int Running = 0;
    private const int CompletedState = 1;
    private const int FailedState = 2;

    private const int NotWaiting = 0;
    private const int WaitingBlocked = 1;
    private const int WaitingAsync = 2;

    private readonly Slot[] _slots;
    private readonly int _batchSize;
    private readonly Doorbell _doorbell;
    private readonly CancellationToken _cancellation;
    private readonly ManualResetEventSlim _space = new(initialState: false, spinCount: 1);
    private readonly SpaceWaiter _asyncSpace = new();

    // Producer side (besides Published in _indices, which is the index of the slot being filled).
    private T[] _batch = Array.Empty<T>();
    private int _count;
    private bool _open;
    private long _cachedReleased;
    private Instant _lastWatermark = Instant.MinValue;
    private Exception? _error;
    private int _allocated;

    private ChannelIndices _indices;

    /// <summary>Creates a channel with its own wake-up signal, for a consumer that reads this channel alone.</summary>
    /// <param name="batchSize">Elements per batch, at least 1.</param>
    /// <param name="capacity">Batches the channel holds, at least 1: the bound on its memory.</param>
    /// <param name="cancellation">Wakes every blocking call with an <see cref="OperationCanceledException"/> when cancelled.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> or <paramref name="capacity"/> is less than 1.</exception>
    public ExchangeChannel(int batchSize = DefaultBatchSize, int capacity = DefaultCapacity, CancellationToken cancellation = default)
        : this(batchSize, capacity, cancellation, new Doorbell())
    {
    }

    internal ExchangeChannel(int batchSize, int capacity, CancellationToken cancellation, Doorbell doorbell)
    {
        if (batchSize < 1 || batchSize > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"A batch holds at least one element; {batchSize} was given.");
        }

        if (capacity < 1 || capacity > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"A channel holds from 1 to {1 << 20} batches; {capacity} was given.");
        }

        _slots = new Slot[capacity];
        _batchSize = batchSize;
        _cancellation = cancellation;
        _doorbell = doorbell;
    }

    /// <summary>Elements per batch.</summary>
    public int BatchSize => _batchSize;

    /// <summary>The most batches the channel holds at once, counting the one being filled and the one being read.</summary>
    public int Capacity => _slots.Length;

    /// <summary>How many batch arrays the channel has made so far: never more than <see cref="Capacity"/>.</summary>
    public int AllocatedBatches => Volatile.Read(ref _allocated);

    /// <summary>Slots published and not yet released by the consumer (batches, and markers in slots of their own): never more than <see cref="Capacity"/>.</summary>
    public int Pending => (int)(Volatile.Read(ref _indices.Published) - Volatile.Read(ref _indices.Released));

    /// <summary>Producer side: whether the batch being filled holds elements not yet published (<see cref="Flush"/> publishes them).</summary>
    public bool HasUnpublished => _count > 0;

    /// <summary>The producer's failure once it called <see cref="Fail"/> (the consumer reads <see cref="ExchangeItemKind.Failed"/> after the items published before it); otherwise null.</summary>
    public Exception? Error => Volatile.Read(ref _indices.State) == FailedState ? _error : null;

    /// <summary>Writes an element into the open batch, opening one first if needed (which blocks while every slot is taken); a batch that becomes full is published.</summary>
    /// <param name="item">The element.</param>
    /// <exception cref="InvalidOperationException">The channel was completed or failed.</exception>
    /// <exception cref="OperationCanceledException">The channel's token was cancelled while the call waited for a free slot.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(in T item)
    {
        T[] batch = _batch;
        int count = _count;
        if ((uint)count < (uint)batch.Length)
        {
            batch[count] = item;
            count++;
            _count = count;
            if (count == batch.Length)
            {
                Publish(ExchangeItemKind.None, 0);
            }

            return;
        }

        WriteAfterOpen(in item);
    }

    /// <summary>
    /// The place of the next element in the open batch, opening one first if needed (which blocks while every slot is
    /// taken): the producer writes the element there in place, field by field, then calls <see cref="Commit"/>. Together
    /// they are <see cref="Write"/> without the copy of a whole element made elsewhere, whose wide reads wait on the
    /// narrow writes that just made it. Every field the consumer reads must be written: the place may hold an element of
    /// an earlier batch (cleared first when <typeparamref name="T"/> holds references).
    /// </summary>
    /// <returns>A reference to the element's place, valid until <see cref="Commit"/>.</returns>
    /// <exception cref="InvalidOperationException">The channel was completed or failed.</exception>
    /// <exception cref="OperationCanceledException">The channel's token was cancelled while the call waited for a free slot.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Reserve()
    {
        T[] batch = _batch;
        int count = _count;
        if ((uint)count < (uint)batch.Length)
        {
            return ref batch[count];
        }

        return ref ReserveAfterOpen();
    }

    /// <summary>Adds the element written at <see cref="Reserve"/>'s place to the open batch; a batch that becomes full is published.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Commit()
    {
        int count = _count + 1;
        _count = count;
        if (count == _batch.Length)
        {
            Publish(ExchangeItemKind.None, 0);
        }
    }

    /// <summary>Writes an element as <see cref="Write"/> does, but awaits a free slot instead of blocking the thread.</summary>
    /// <param name="item">The element.</param>
    /// <returns>A task that completes once the element is written (at once, unless a new slot is needed and none is free).</returns>
    /// <exception cref="InvalidOperationException">The channel was completed or failed.</exception>
    /// <exception cref="OperationCanceledException">The channel's token was cancelled while the call waited.</exception>
    public ValueTask WriteAsync(T item)
    {
        if ((uint)_count < (uint)_batch.Length)
        {
            Write(in item);
            return default;
        }

        var reserve = ReserveAsync();
        if (reserve.IsCompletedSuccessfully)
        {
            Write(in item);
            return default;
        }

        return WriteAfterAsync(reserve, item);
    }

    /// <summary>
    /// Opens a batch if none is open, awaiting a free slot instead of blocking. Once it completes, the next
    /// <see cref="Write"/>, <see cref="PublishWatermark"/>, <see cref="MarkIdle"/> or <see cref="MarkActive"/> does not block:
    /// an asynchronous producer calls it before them.
    /// </summary>
    /// <returns>A task that completes when a batch is open.</returns>
    /// <exception cref="InvalidOperationException">The channel was completed or failed.</exception>
    /// <exception cref="OperationCanceledException">The channel's token was cancelled while the call waited.</exception>
    public ValueTask ReserveAsync()
    {
        if (_open)
        {
            return default;
        }

        ThrowIfEnded();
        if (HasFreeSlot())
        {
            OpenSlot();
            return default;
        }

        return ReserveSlowAsync();
    }

    /// <summary>Publishes the open batch, if it holds elements. Never blocks: the open batch already has its slot.</summary>
    public void Flush()
    {
        if (_count > 0)
        {
            Publish(ExchangeItemKind.None, 0);
        }
    }

    /// <summary>
    /// Publishes the open batch, then the watermark: the consumer reads it after every element written before it. A
    /// watermark not later than the last one published is not sent (the open batch still is).
    /// </summary>
    /// <param name="watermark">The producer's output watermark.</param>
    /// <exception cref="InvalidOperationException">The channel was completed or failed.</exception>
    /// <exception cref="OperationCanceledException">The channel's token was cancelled while the call waited for a free slot.</exception>
    public void PublishWatermark(Instant watermark)
    {
        if (watermark <= _lastWatermark)
        {
            Flush();
            return;
        }

        PublishMarker(ExchangeItemKind.Watermark, watermark);
        _lastWatermark = watermark;
    }

    /// <summary>Publishes a watermark as <see cref="PublishWatermark"/> does, but awaits a free slot instead of blocking.</summary>
    /// <param name="watermark">The producer's output watermark.</param>
    /// <returns>A task that completes once the watermark is published.</returns>
    public ValueTask PublishWatermarkAsync(Instant watermark)
    {
        if (_open || watermark <= _lastWatermark)
        {
            PublishWatermark(watermark);
            return default;
        }

        var reserve = ReserveAsync();
        if (reserve.IsCompletedSuccessfully)
        {
            PublishWatermark(watermark);
            return default;
        }

        return PublishWatermarkAfterAsync(reserve, watermark);
    }

    /// <summary>
    /// Publishes the open batch, then marks this input idle: the consumer leaves it out of its input watermark until
    /// <see cref="MarkActive"/> (Flink's idle stream status; the runner's idleness of an input).
    /// </summary>
    /// <exception cref="InvalidOperationException">The channel was completed or failed.</exception>
    /// <exception cref="OperationCanceledException">The channel's token was cancelled while the call waited for a free slot.</exception>
    public void MarkIdle() => PublishMarker(ExchangeItemKind.Idle, default);

    /// <summary>Publishes the open batch, then marks this input active again: its watermark counts again. Call it before writing after <see cref="MarkIdle"/>.</summary>
    /// <exception cref="InvalidOperationException">The channel was completed or failed.</exception>
    /// <exception cref="OperationCanceledException">The channel's token was cancelled while the call waited for a free slot.</exception>
    public void MarkActive() => PublishMarker(ExchangeItemKind.Active, default);

    /// <summary>Ends the stream: publishes the open batch; the consumer reads <see cref="ExchangeItemKind.Completed"/> after everything published. Never blocks; a second end (Complete or Fail) is ignored.</summary>
    public void Complete() => End(CompletedState, null);

    /// <summary>Ends the stream with a failure: publishes the open batch; the consumer reads <see cref="ExchangeItemKind.Failed"/> after everything published, with <see cref="Error"/> set. Never blocks; a second end is ignored.</summary>
    /// <param name="error">The producer's failure.</param>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is null.</exception>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        End(FailedState, error);
    }

    /// <summary>
    /// Reads the next item without waiting. A <see cref="ExchangeItemKind.Batch"/> is returned as a span over the slot's
    /// array, valid until the next read from this channel, which returns the slot to the producer.
    /// </summary>
    /// <param name="batch">The elements, when a batch is returned; otherwise empty.</param>
    /// <param name="watermark">The watermark, when a watermark is returned; otherwise <c>default</c>.</param>
    /// <returns>What was read; <see cref="ExchangeItemKind.None"/> when nothing is available yet.</returns>
    public ExchangeItemKind TryRead(out ReadOnlySpan<T> batch, out Instant watermark)
    {
        batch = default;
        watermark = default;
        ref var indices = ref _indices;
        long head = indices.Released;
        Slot[] slots = _slots;
        if (indices.Holding)
        {
            // The batch of the head slot was returned by the last read: deliver its marker, if any, and free the slot.
            indices.Holding = false;
            ref Slot held = ref slots[(int)(head % slots.Length)];
            var marker = held.Marker;
            watermark = new Instant(held.Watermark);
            Release(ref held, head);
            if (marker != ExchangeItemKind.None)
            {
                return marker;
            }

            head++;
            watermark = default;
        }

        if (head == indices.CachedPublished)
        {
            long published = Volatile.Read(ref indices.Published);
            if (head == published)
            {
                int state = Volatile.Read(ref indices.State);
                if (state == Running)
                {
                    return ExchangeItemKind.None;
                }

                // The producer published everything before it ended the stream: look once more.
                published = Volatile.Read(ref indices.Published);
                if (head == published)
                {
                    return state == CompletedState ? ExchangeItemKind.Completed : ExchangeItemKind.Failed;
                }
            }

            indices.CachedPublished = published;
        }

        ref Slot slot = ref slots[(int)(head % slots.Length)];
        if (slot.Count > 0)
        {
            batch = new ReadOnlySpan<T>(slot.Items, 0, slot.Count);
            indices.Holding = true;
            return ExchangeItemKind.Batch;
        }

        var kind = slot.Marker;
        watermark = new Instant(slot.Watermark);
        Release(ref slot, head);
        return kind;
    }

    /// <summary>Reads the next item, waiting for one (spinning briefly, then sleeping until the producer publishes).</summary>
    /// <param name="batch">The elements, when a batch is returned; otherwise empty.</param>
    /// <param name="watermark">The watermark, when a watermark is returned; otherwise <c>default</c>.</param>
    /// <returns>What was read, never <see cref="ExchangeItemKind.None"/>.</returns>
    /// <exception cref="OperationCanceledException">The channel's token was cancelled while the call waited.</exception>
    public ExchangeItemKind Read(out ReadOnlySpan<T> batch, out Instant watermark)
    {
        var kind = TryRead(out batch, out watermark);
        if (kind != ExchangeItemKind.None)
        {
            return kind;
        }

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
                kind = TryRead(out batch, out watermark);
                if (kind != ExchangeItemKind.None)
                {
                    _doorbell.Cancel();
                    return kind;
                }

                _doorbell.Wait(Timeout.Infinite, _cancellation);
            }

            kind = TryRead(out batch, out watermark);
            if (kind != ExchangeItemKind.None)
            {
                return kind;
            }
        }
    }

    /// <summary>Opens a batch (waiting for a free slot), then writes the element.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteAfterOpen(in T item)
    {
        Open();
        Write(in item);
    }

    /// <summary>Opens a batch (waiting for a free slot), then gives the place of its first element.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref T ReserveAfterOpen()
    {
        Open();
        return ref _batch[_count];
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAfterAsync(ValueTask reserve, T item)
    {
        await reserve.ConfigureAwait(false);
        Write(in item);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask PublishWatermarkAfterAsync(ValueTask reserve, Instant watermark)
    {
        await reserve.ConfigureAwait(false);
        PublishWatermark(watermark);
    }

    /// <summary>Opens a batch if none is open, blocking while every slot is taken.</summary>
    private void Open()
    {
        if (_open)
        {
            return;
        }

        ThrowIfEnded();
        if (!HasFreeSlot())
        {
            WaitForFreeSlot();
        }

        OpenSlot();
    }

    /// <summary>Whether the slot after the published ones is free (released by the consumer), refreshing the cached release counter.</summary>
    private bool HasFreeSlot()
    {
        long tail = _indices.Published;
        if (tail - _cachedReleased < _slots.Length)
        {
            return true;
        }

        _cachedReleased = Volatile.Read(ref _indices.Released);
        return tail - _cachedReleased < _slots.Length;
    }

    /// <summary>Takes the free slot after the published ones as the open batch, making its array on first use.</summary>
    private void OpenSlot()
    {
        ref Slot slot = ref _slots[(int)(_indices.Published % _slots.Length)];
        if (slot.Items is null)
        {
            slot.Items = new T[_batchSize];
            Volatile.Write(ref _allocated, _allocated + 1);
        }

        _batch = slot.Items;
        _count = 0;
        _open = true;
    }

    /// <summary>
    /// Blocks until the consumer frees a slot (the slow path: every slot is taken), and adds the time blocked to
    /// <see cref="Backpressure"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForFreeSlot()
    {
        var from = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            WaitForFreeSlotCore();
        }
        finally
        {
            Backpressure.AddBlocked(from);
        }
    }

    /// <summary>Spins briefly, then sleeps on an event the consumer sets.</summary>
    private void WaitForFreeSlotCore()
    {
        var spin = default(SpinWait);
        while (!spin.NextSpinWillYield)
        {
            spin.SpinOnce();
            if (HasFreeSlot())
            {
                return;
            }
        }

        while (true)
        {
            _space.Reset();
            Interlocked.Exchange(ref _indices.ProducerWaiting, WaitingBlocked);
            try
            {
                // Look again after announcing the wait: a slot freed before the announcement is seen here, one freed
                // after it sets the event.
                if (HasFreeSlot())
                {
                    return;
                }

                _space.Wait(_cancellation);
            }
            finally
            {
                Volatile.Write(ref _indices.ProducerWaiting, NotWaiting);
            }

            if (HasFreeSlot())
            {
                return;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReserveSlowAsync()
    {
        var from = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await WaitForFreeSlotAsync().ConfigureAwait(false);
        }
        finally
        {
            Backpressure.AddBlocked(from);
        }

        OpenSlot();
    }

    /// <summary>Waits without blocking a thread until the consumer frees a slot.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WaitForFreeSlotAsync()
    {
        while (!HasFreeSlot())
        {
            _asyncSpace.Reset();
            Interlocked.Exchange(ref _indices.ProducerWaiting, WaitingAsync);
            if (HasFreeSlot() && Interlocked.CompareExchange(ref _indices.ProducerWaiting, NotWaiting, WaitingAsync) == WaitingAsync)
            {
                break;
            }

            // Either no slot is free, or the consumer already took the announcement and completes the waiter.
            using (_cancellation.UnsafeRegister(static state => ((ExchangeChannel<T>)state!).CancelAsyncWait(), this))
            {
                await new ValueTask(_asyncSpace, _asyncSpace.Version).ConfigureAwait(false);
            }
        }
    }

    private void CancelAsyncWait()
    {
        if (Interlocked.CompareExchange(ref _indices.ProducerWaiting, NotWaiting, WaitingAsync) == WaitingAsync)
        {
            _asyncSpace.SetException(new OperationCanceledException(_cancellation));
        }
    }

    private void PublishMarker(ExchangeItemKind marker, Instant watermark)
    {
        Open();
        Publish(marker, watermark.Millis);
    }

    /// <summary>Publishes the open batch (elements and a marker) to the consumer and wakes it if it sleeps.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Publish(ExchangeItemKind marker, long watermark)
    {
        long tail = _indices.Published;
        ref Slot slot = ref _slots[(int)(tail % _slots.Length)];
        slot.Count = _count;
        slot.Marker = marker;
        slot.Watermark = watermark;
        _batch = Array.Empty<T>();
        _count = 0;
        _open = false;

        // A full fence: the slot's contents are visible before the counter, and the counter before the doorbell is read.
        Interlocked.Exchange(ref _indices.Published, tail + 1);
        _doorbell.RingIfWaiting();
    }

    private void End(int state, Exception? error)
    {
        if (_indices.State != Running)
        {
            return;
        }

        Flush();
        _error = error;
        _batch = Array.Empty<T>();
        _count = 0;
        _open = false;
        Interlocked.Exchange(ref _indices.State, state);
        _doorbell.RingIfWaiting();
    }

    private void ThrowIfEnded()
    {
        if (_indices.State != Running)
        {
            throw new InvalidOperationException("The channel's stream has ended (Complete or Fail was called); nothing more can be written.");
        }
    }

    /// <summary>Consumer side: returns a slot to the producer, clearing element references first, and wakes the producer if it waits.</summary>
    private void Release(ref Slot slot, long head)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>() && slot.Count > 0)
        {
            Array.Clear(slot.Items!, 0, slot.Count);
        }

        // A full fence: the slot is read before it is released, and released before the waiting flag is read.
        Interlocked.Exchange(ref _indices.Released, head + 1);
        if (Volatile.Read(ref _indices.ProducerWaiting) != NotWaiting && FreeEnoughToWake(head + 1))
        {
            WakeProducer();
        }
    }

    /// <summary>
    /// Whether a waiting producer is woken now: once half the slots are free, not at the first. A producer that waits is
    /// faster than its consumer; woken at every slot, it would write one batch and sleep again, a sleep and a wake-up per
    /// batch on both threads. Woken at half, it writes half the channel in one go while the consumer still has the
    /// other half to read. (The producer waits only on a full channel, so the consumer reaches half without it.)
    /// </summary>
    private bool FreeEnoughToWake(long released)
    {
        long pending = Volatile.Read(ref _indices.Published) - released;
        return _slots.Length - pending >= Math.Max(1, _slots.Length / 2);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WakeProducer()
    {
        switch (Interlocked.Exchange(ref _indices.ProducerWaiting, NotWaiting))
        {
            case WaitingBlocked:
                _space.Set();
                break;
            case WaitingAsync:
                _asyncSpace.SetResult();
                break;
        }
    }

    /// <summary>A slot: a batch's array, how many of its elements are published, and the marker after them.</summary>
    private struct Slot
    {
        public T[]? Items;
        public int Count;
        public ExchangeItemKind Marker;
        public long Watermark;
    }

    /// <summary>The awaitable an asynchronous producer waits on for a free slot; reused, so waiting allocates nothing.</summary>
    private sealed class SpaceWaiter : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

        public short Version => _core.Version;

        public void Reset() => _core.Reset();

        public void SetResult() => _core.SetResult(true);

        public void SetException(Exception error) => _core.SetException(error);

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}

/// <summary>
/// The counters two sides of an <see cref="ExchangeChannel{T}"/> meet through, each side's on a cache line of its own
/// (128 bytes apart, as the runtime's concurrent queues pad), so the producer writing elements does not slow the consumer.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 3 * LineSize)]
internal struct ChannelIndices
{
    private const int LineSize = 128;

    /// <summary>Producer's line: slots published so far, which is also the index of the slot being filled.</summary>
    [FieldOffset(LineSize)]
    public long Published;

    /// <summary>Producer's line: running, completed or failed.</summary>
    [FieldOffset(LineSize + 8)]
    public int State;

    /// <summary>Producer's line: whether the producer waits for a free slot (blocked or asynchronously); the consumer clears it when it wakes the producer.</summary>
    [FieldOffset(LineSize + 12)]
    public int ProducerWaiting;

    /// <summary>Consumer's line: slots released so far, which is also the index of the slot being read.</summary>
    [FieldOffset(2 * LineSize)]
    public long Released;

    /// <summary>Consumer's line: the last value of <see cref="Published"/> it read.</summary>
    [FieldOffset((2 * LineSize) + 8)]
    public long CachedPublished;

    /// <summary>Consumer's line: whether the last read returned the batch of the slot being read (not yet released).</summary>
    [FieldOffset((2 * LineSize) + 16)]
    public bool Holding;
}
