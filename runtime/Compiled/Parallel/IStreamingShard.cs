using System;

namespace Compiled.Parallel;

/// <summary>
/// What a shard of the streaming parallel runner does with the events of its inbox; the generator implements it as a
/// struct over the shard's runner, so <see cref="StreamingShard.Run{TItem, THandler}"/> calls it without dispatch.
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

    /// <summary>The shard's input watermark advanced: the minimum over the watermarks of every sender.</summary>
    /// <param name="watermark">The new input watermark.</param>
    void AdvanceWatermark(Instant watermark);

    /// <summary>A sender's processing time advanced (the shard's processing time is the latest any sender reported).</summary>
    /// <param name="now">The processing time.</param>
    void AdvanceProcessingTime(Instant now);

    /// <summary>The inbox is empty: publish what waits in half-full batches before sleeping.</summary>
    void Flush();

    /// <summary>Every sender completed: emit the remaining state and complete the shard's own outboxes.</summary>
    void Finish();
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
        where THandler : struct, IStreamingShard<TItem>
    {
        ArgumentNullException.ThrowIfNull(inbox);
        var marks = new long[inbox.Count];
        marks.AsSpan().Fill(Instant.MinValue.Millis);
        var idle = new bool[inbox.Count];
        int idleCount = 0;
        long watermark = Instant.MinValue.Millis;
        while (true)
        {
            var read = inbox.TryRead(out var batch);
            if (read == InboxEvent.None)
            {
                shard.Flush();
                read = inbox.Read(out batch);
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
                        else
                        {
                            throw new InvalidOperationException("Unknown exchange marker " + marker.Port + ".");
                        }
                    }

                    break;
                }

                case InboxEvent.Watermark:
                    // Only completion moves the inbox's own watermark (senders write watermarks as markers): +infinity.
                    if (inbox.Watermark.Millis > watermark)
                    {
                        watermark = inbox.Watermark.Millis;
                        shard.AdvanceWatermark(inbox.Watermark);
                    }

                    break;

                case InboxEvent.Completed:
                    shard.Finish();
                    return;
            }
        }
    }

    /// <summary>Moves the shard's watermark to its senders' combined watermark (<see cref="ShardInbox{T}.Combined"/>), when that is later than the one it has.</summary>
    private static void Advance<TItem, THandler>(ref THandler shard, long[] marks, bool[] idle, ref long watermark)
        where TItem : struct, IExchangeItem<TItem>
        where THandler : struct, IStreamingShard<TItem>
    {
        long combined = ShardInbox<TItem>.Combined(marks, idle);
        if (combined > watermark)
        {
            watermark = combined;
            shard.AdvanceWatermark(new Instant(combined));
        }
    }
}
