using System;
using System.Threading;

namespace Compiled.Parallel;

/// <summary>
/// What a shard of the streaming parallel runner does with the events of its inbox; the generator implements it as a
/// struct over the shard's runner, so <see cref="StreamingShard.Run{TItem, THandler}(ShardInbox{TItem}, ref THandler, TimeProvider)"/> calls it without dispatch.
/// </summary>
/// <typeparam name="TItem">The exchange's item type.</typeparam>
public interface IStreamingShard<TItem>
    where TItem : struct, IExchangeItem<TItem>
{
    /// <summary>Applies the elements of <paramref name="batch"/> from <paramref name="index"/> up to the first marker.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="index">The first element to apply.</param>
    /// <returns>The index of the first marker after <paramref name="index"/>, or the batch's length.</returns>
    int Receive(ReadOnlySpan<TItem> batch, int index);

    /// <summary>A sender ended a bundle (a push call) in which it sent elements here: triggers that fire on elements are evaluated, as the single-threaded runner does at the end of each push.</summary>
    void EndBundle();

    /// <summary>
    /// The shard's input watermark advanced: the minimum over the watermarks of every sender. Never to
    /// <see cref="Instant.MaxValue"/>: senders reach it as they end, and <see cref="Finish"/> takes the shard there, as a
    /// single runner's Finish does, after the state that is emitted at the end of input.
    /// </summary>
    /// <param name="watermark">The new input watermark.</param>
    void AdvanceWatermark(Instant watermark);

    /// <summary>A sender's processing time advanced (the shard's processing time is the latest any sender reported).</summary>
    /// <param name="now">The processing time.</param>
    void AdvanceProcessingTime(Instant now);

    /// <summary>
    /// The earliest processing-time deadline of the shard's triggers, in epoch milliseconds (<see cref="long.MaxValue"/>:
    /// none). With a clock (<see cref="ParallelRunnerOptions.TimeProvider"/>), the shard's loop arms the clock's timer for
    /// it before it sleeps, and advances the shard's processing time to the clock's when it comes.
    /// </summary>
    /// <returns>The deadline.</returns>
    long NextProcessingDeadline() => long.MaxValue;

    /// <summary>The inbox is empty: publish what waits in half-full batches before sleeping.</summary>
    void Flush();

    /// <summary>Every sender completed: emit the remaining state and complete the shard's own outboxes.</summary>
    void Finish();

    /// <summary>
    /// Every sender that has not completed delivered checkpoint barrier <paramref name="checkpointId"/> (alignment): the
    /// shard's state now is its state in the checkpoint. Snapshot it, and send the barrier on through the shard's own
    /// outboxes. The default refuses: a shard that cannot checkpoint ends the run.
    /// </summary>
    /// <param name="checkpointId">The checkpoint.</param>
    void Checkpoint(long checkpointId) =>
        throw new NotSupportedException($"This shard cannot take checkpoints (barrier of checkpoint {checkpointId}).");
}

/// <summary>The loop of one shard of the streaming parallel runner.</summary>
public static class StreamingShard
{
    /// <summary>
    /// Reads the shard's inbox until every sender completed: applies elements in order, and advances the shard's input
    /// watermark to the minimum over the senders' watermark markers (each sender's last one; a completed sender counts as
    /// <see cref="Instant.MaxValue"/>), so no window fires before an element that a sender's watermark had not yet passed.
    /// Flushes the shard's outboxes whenever the inbox is empty, before it sleeps.
    /// </summary>
    /// <typeparam name="TItem">The exchange's item type.</typeparam>
    /// <typeparam name="THandler">The shard.</typeparam>
    /// <param name="inbox">The shard's inbox: one channel per sender.</param>
    /// <param name="shard">The shard.</param>
    /// <exception cref="ShardFailedException">A sender failed its channel.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled (another shard failed) while the shard waited.</exception>
    public static void Run<TItem, THandler>(ShardInbox<TItem> inbox, ref THandler shard)
        where TItem : struct, IExchangeItem<TItem>
        where THandler : struct, IStreamingShard<TItem> => Run(inbox, ref shard, null);

    /// <summary>
    /// Reads the shard's inbox until every sender completed, as <see cref="Run{TItem, THandler}(ShardInbox{TItem}, ref THandler)"/>
    /// does, with processing time that also moves by itself: with a <paramref name="clock"/>, the loop arms the clock's timer
    /// for the shard's earliest processing-time deadline (<see cref="IStreamingShard{TItem}.NextProcessingDeadline"/>) before
    /// it sleeps; when the timer fires, the shard wakes and advances its processing time to the clock's, on its own thread
    /// and between batches, so its triggers fire on time while no element arrives. The timer is disposed when the loop ends.
    /// </summary>
    /// <typeparam name="TItem">The exchange's item type.</typeparam>
    /// <typeparam name="THandler">The shard.</typeparam>
    /// <param name="inbox">The shard's inbox: one channel per sender.</param>
    /// <param name="shard">The shard.</param>
    /// <param name="clock">The clock; null: processing time moves only with the senders' processing-time markers.</param>
    /// <exception cref="ShardFailedException">A sender failed its channel.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled (another shard failed) while the shard waited.</exception>
    public static void Run<TItem, THandler>(ShardInbox<TItem> inbox, ref THandler shard, TimeProvider? clock)
        where TItem : struct, IExchangeItem<TItem>
        where THandler : struct, IStreamingShard<TItem>
    {
        ArgumentNullException.ThrowIfNull(inbox);
        using var timer = clock is null ? null : new ShardClock<TItem>(clock, inbox);
        var marks = new long[inbox.Count];
        marks.AsSpan().Fill(Instant.MinValue.Millis);
        var idle = new bool[inbox.Count];
        int idleCount = 0;
        long watermark = Instant.MinValue.Millis;
        while (true)
        {
            if (timer is not null && timer.TakeDue())
            {
                FireClock<TItem, THandler>(ref shard, timer);
            }

            var read = inbox.TryRead(out var batch);
            if (read == InboxEvent.None)
            {
                shard.Flush();
                if (timer is not null)
                {
                    FireClock<TItem, THandler>(ref shard, timer); // a deadline may have passed while the shard was busy
                    if (timer.Arm(shard.NextProcessingDeadline()))
                    {
                        continue; // the clock reached it meanwhile: fire it now
                    }
                }

                read = inbox.Read(out batch);
                if (read == InboxEvent.None)
                {
                    continue; // woken by the clock
                }
            }

            switch (read)
            {
                case InboxEvent.Batch:
                    {
                        int channel = inbox.Channel;
                        int i = 0;
                        while (i < batch.Length)
                        {
                            i = shard.Receive(batch, i);
                            if (i >= batch.Length)
                            {
                                break;
                            }

                            var marker = batch[i];
                            i++;
                            if (marker.Port == ExchangeMarkers.Watermark)
                            {
                                if (idle[channel])
                                {
                                    // The sender counts again, from the watermark it has now.
                                    idle[channel] = false;
                                    idleCount--;
                                    marks[channel] = Math.Max(marks[channel], marker.Timestamp.Millis);
                                    Advance<TItem, THandler>(ref shard, marks, idle, ref watermark);
                                }
                                else if (marker.Timestamp.Millis > marks[channel])
                                {
                                    long before = marks[channel];
                                    marks[channel] = marker.Timestamp.Millis;
                                    if (idleCount > 0 || before == watermark)
                                    {
                                        Advance<TItem, THandler>(ref shard, marks, idle, ref watermark);
                                    }
                                }
                            }
                            else if (marker.Port == ExchangeMarkers.Idle)
                            {
                                if (!idle[channel])
                                {
                                    idle[channel] = true;
                                    idleCount++;
                                    Advance<TItem, THandler>(ref shard, marks, idle, ref watermark);
                                }
                            }
                            else if (marker.Port == ExchangeMarkers.ProcessingTime)
                            {
                                shard.AdvanceProcessingTime(marker.Timestamp);
                            }
                            else if (marker.Port == ExchangeMarkers.EndBundle)
                            {
                                shard.EndBundle();
                            }
                            else if (marker.Port == ExchangeMarkers.Barrier)
                            {
                                if (i != batch.Length)
                                {
                                    throw new InvalidOperationException($"Checkpoint barrier {marker.Timestamp.Millis} is not the last item of its batch on channel {channel}: a sender publishes its batch with the barrier.");
                                }

                                inbox.Block(channel, marker.Timestamp.Millis);
                            }
                            else
                            {
                                throw new InvalidOperationException("Unknown exchange marker " + marker.Port + ".");
                            }
                        }

                        break;
                    }

                case InboxEvent.Watermark:
                    // Only completion moves the inbox's own watermark (senders write watermarks as markers): +infinity,
                    // which Finish, next, takes the shard to (see Advance).
                    if (inbox.Watermark.Millis > watermark && inbox.Watermark != Instant.MaxValue)
                    {
                        watermark = inbox.Watermark.Millis;
                        shard.AdvanceWatermark(inbox.Watermark);
                    }

                    break;

                case InboxEvent.Barrier:
                    shard.Checkpoint(inbox.BarrierId);
                    break;

                case InboxEvent.Completed:
                    shard.Finish();
                    return;
            }
        }
    }

    /// <summary>Advances the shard's processing time to the clock's when its earliest deadline has come.</summary>
    private static void FireClock<TItem, THandler>(ref THandler shard, ShardClock<TItem> clock)
        where TItem : struct, IExchangeItem<TItem>
        where THandler : struct, IStreamingShard<TItem>
    {
        long deadline = shard.NextProcessingDeadline();
        if (deadline == long.MaxValue)
        {
            return;
        }

        long now = clock.Now;
        if (now >= deadline)
        {
            shard.AdvanceProcessingTime(new Instant(now));
        }
    }

    /// <summary>Moves the shard's watermark to its senders' combined watermark (<see cref="ShardInbox{T}.Combined"/>), when that is later than the one it has.</summary>
    private static void Advance<TItem, THandler>(ref THandler shard, long[] marks, bool[] idle, ref long watermark)
        where TItem : struct, IExchangeItem<TItem>
        where THandler : struct, IStreamingShard<TItem>
    {
        // Every sender at +infinity: they are ending (an outbox's Complete sends it), and the shard's Finish takes the
        // shard there itself, as one runner's Finish does, after what is emitted at the end of input (a grouping in the
        // global window, say). Had the watermark gone first, the shards above would get that output behind their
        // watermark: a stateful ParDo there would find its window expired, and drop it.
        long combined = ShardInbox<TItem>.Combined(marks, idle);
        if (combined > watermark && combined != Instant.MaxValue.Millis)
        {
            watermark = combined;
            shard.AdvanceWatermark(new Instant(combined));
        }
    }
}

/// <summary>
/// The timer of one shard's loop: armed for the shard's earliest processing-time deadline, it wakes the shard
/// (<see cref="ShardInbox{T}.Interrupt"/>), which then reads the clock on its own thread. Only the shard's thread arms it.
/// </summary>
/// <typeparam name="T">The inbox's item type.</typeparam>
internal sealed class ShardClock<T> : IDisposable
{
    private readonly TimeProvider _provider;
    private readonly ShardInbox<T> _inbox;
    private ITimer? _timer;
    private long _armedAt = long.MaxValue;
    private int _due;

    public ShardClock(TimeProvider provider, ShardInbox<T> inbox)
    {
        _provider = provider;
        _inbox = inbox;
    }

    /// <summary>The clock's time, in epoch milliseconds.</summary>
    public long Now => _provider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Arms the timer for <paramref name="deadline"/> (epoch milliseconds; <see cref="long.MaxValue"/> disarms it), unless it
    /// is armed for it already. Returns true when the clock has reached the deadline by the time the timer is armed (the
    /// clock moved meanwhile, or a fake clock that fires timers only as it advances): the caller fires it now rather than
    /// wait for a timer that may not come.
    /// </summary>
    public bool Arm(long deadline)
    {
        if (deadline == _armedAt)
        {
            return false;
        }

        _armedAt = deadline;
        if (deadline == long.MaxValue)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return false;
        }

        _timer ??= _provider.CreateTimer(static state => ((ShardClock<T>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        // A timer's due time is at most 2^32 - 2 ms: a later deadline is armed again when the timer fires early.
        long due = Math.Clamp(deadline - Now, 0L, 4294967294L);
        _timer.Change(TimeSpan.FromMilliseconds(due), Timeout.InfiniteTimeSpan);
        if (Now >= deadline)
        {
            _armedAt = long.MaxValue;
            return true;
        }

        return false;
    }

    /// <summary>Whether the timer fired since the last call (the next <see cref="Arm"/> arms it again).</summary>
    public bool TakeDue()
    {
        if (Volatile.Read(ref _due) == 0 || Interlocked.Exchange(ref _due, 0) == 0)
        {
            return false;
        }

        _armedAt = long.MaxValue;
        return true;
    }

    private void OnTimer()
    {
        Volatile.Write(ref _due, 1);
        _inbox.Interrupt();
    }

    public void Dispose() => _timer?.Dispose();
}
