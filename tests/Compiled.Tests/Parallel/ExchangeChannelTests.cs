using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.Parallel;

public class ExchangeChannelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void TenMillionElementsAndWatermarksArriveInOrder()
    {
        const long Elements = 10_000_000;
        var channel = new ExchangeChannel<long>();
        long watermarksSent = 0;
        long watermarksReceived = 0;
        TestThreads.Run(
            Timeout,
            () =>
            {
                var random = new Random(7);
                long nextWatermark = random.Next(1, 5000);
                for (long i = 0; i < Elements; i++)
                {
                    channel.Write(in i);
                    if (i + 1 == nextWatermark)
                    {
                        // The watermark is the number of elements written before it.
                        channel.PublishWatermark(new Instant(i + 1));
                        watermarksSent++;
                        nextWatermark += random.Next(1, 5000);
                    }
                }

                channel.Complete();
            },
            () =>
            {
                long expected = 0;
                while (true)
                {
                    var kind = channel.Read(out var batch, out var watermark);
                    if (kind == ExchangeItemKind.Completed)
                    {
                        break;
                    }

                    if (kind == ExchangeItemKind.Watermark)
                    {
                        Assert.Equal(expected, watermark.Millis);
                        watermarksReceived++;
                        continue;
                    }

                    Assert.Equal(ExchangeItemKind.Batch, kind);
                    foreach (var value in batch)
                    {
                        if (value != expected)
                        {
                            Assert.Fail($"expected {expected}, read {value}");
                        }

                        expected++;
                    }
                }

                Assert.Equal(Elements, expected);
            });
        Assert.True(watermarksSent > 1000);
        Assert.Equal(watermarksSent, watermarksReceived);
    }

    [Fact]
    public void ASlowConsumerNeverHasMoreBatchesInFlightThanTheCapacity()
    {
        const int Capacity = 4;
        const int BatchSize = 8;
        const int Elements = 4000;
        var channel = new ExchangeChannel<int>(BatchSize, Capacity);
        long consumedBatches = 0;
        long mostInFlight = 0;
        TestThreads.Run(
            Timeout,
            () =>
            {
                for (int i = 0; i < Elements; i++)
                {
                    channel.Write(in i);

                    // Full batches are published as they fill: count them against those the consumer is done with.
                    long inFlight = ((i + 1) / BatchSize) - Volatile.Read(ref consumedBatches);
                    mostInFlight = Math.Max(mostInFlight, inFlight);
                    Assert.True(inFlight <= Capacity, $"{inFlight} batches in flight");
                    Assert.True(channel.Pending <= Capacity, $"{channel.Pending} slots pending");
                }

                channel.Complete();
            },
            () =>
            {
                int expected = 0;
                while (channel.Read(out var batch, out _) != ExchangeItemKind.Completed)
                {
                    foreach (var value in batch)
                    {
                        Assert.Equal(expected++, value);
                    }

                    Interlocked.Increment(ref consumedBatches);
                    if (consumedBatches % 10 == 0)
                    {
                        Thread.Sleep(1);
                    }
                }

                Assert.Equal(Elements, expected);
            });

        // The producer ran ahead until the channel was full, and no further.
        Assert.InRange(mostInFlight, Capacity - 1, Capacity);
        Assert.InRange(channel.AllocatedBatches, 1, Capacity);
    }

    [Fact]
    public async Task AnAsyncProducerAwaitsInsteadOfBlocking()
    {
        var channel = new ExchangeChannel<int>(batchSize: 4, capacity: 2);
        Task? produce = null;

        // Started on a thread of its own: if WriteAsync blocked on the full channel, the call would not return.
        var starter = new Thread(() => produce = ProduceAsync(channel, 100));
        starter.Start();
        Assert.True(starter.Join(TimeSpan.FromSeconds(10)), "the asynchronous producer blocked its thread");
        Assert.NotNull(produce);
        Assert.False(produce!.IsCompleted, "two batches of four cannot hold 100 elements");

        // The consumer blocks: a thread of its own, not one of the pool the producer's continuations run on.
        var read = new List<int>();
        await Task.Factory.StartNew(
            () =>
            {
                while (channel.Read(out var batch, out _) != ExchangeItemKind.Completed)
                {
                    read.AddRange(batch.ToArray());
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).WaitAsync(Timeout);
        await produce.WaitAsync(Timeout);
        Assert.Equal(100, read.Count);
        for (int i = 0; i < read.Count; i++)
        {
            Assert.Equal(i, read[i]);
        }

        static async Task ProduceAsync(ExchangeChannel<int> channel, int count)
        {
            for (int i = 0; i < count; i++)
            {
                await channel.WriteAsync(i);
                if (i % 10 == 9)
                {
                    await channel.PublishWatermarkAsync(new Instant(i));
                }
            }

            channel.Complete();
        }
    }

    [Fact]
    public void MarkersKeepTheirPlaceInTheStream()
    {
        var channel = new ExchangeChannel<int>(batchSize: 100, capacity: 8);
        Write(channel, 0, 1, 2);
        channel.PublishWatermark(new Instant(10));
        Write(channel, 3, 4);
        channel.MarkIdle();
        channel.MarkActive();
        channel.PublishWatermark(new Instant(5)); // not later than 10: not sent
        channel.PublishWatermark(new Instant(20));
        Write(channel, 5);
        channel.Flush();
        Write(channel, 6);
        channel.Complete();

        AssertBatch(channel, 0, 1, 2);
        AssertWatermark(channel, 10);
        AssertBatch(channel, 3, 4);
        Assert.Equal(ExchangeItemKind.Idle, channel.TryRead(out _, out _));
        Assert.Equal(ExchangeItemKind.Active, channel.TryRead(out _, out _));
        AssertWatermark(channel, 20);
        AssertBatch(channel, 5);
        AssertBatch(channel, 6);
        Assert.Equal(ExchangeItemKind.Completed, channel.TryRead(out _, out _));
        Assert.Equal(ExchangeItemKind.Completed, channel.TryRead(out _, out _));
        Assert.Null(channel.Error);
    }

    [Fact]
    public void CompleteReachesTheConsumerAfterTheData()
    {
        var channel = new ExchangeChannel<string>(batchSize: 4, capacity: 8);
        Assert.Equal(ExchangeItemKind.None, channel.TryRead(out _, out _));
        for (int i = 0; i < 10; i++)
        {
            channel.Write("e" + i);
        }

        channel.Complete();
        channel.Complete(); // ignored
        Assert.Throws<InvalidOperationException>(() => channel.Write("late"));

        var read = new List<string>();
        ExchangeItemKind kind;
        while ((kind = channel.TryRead(out var batch, out _)) == ExchangeItemKind.Batch)
        {
            read.AddRange(batch.ToArray());
        }

        Assert.Equal(ExchangeItemKind.Completed, kind);
        Assert.Equal(10, read.Count);
        Assert.Equal("e9", read[9]);
    }

    [Fact]
    public void FailReachesTheConsumerAfterTheData()
    {
        var channel = new ExchangeChannel<int>(batchSize: 4, capacity: 8);
        Write(channel, 1, 2, 3, 4, 5);
        var error = new InvalidOperationException("producer broke");
        channel.Fail(error);
        channel.Complete(); // ignored: the stream ended already

        AssertBatch(channel, 1, 2, 3, 4);
        AssertBatch(channel, 5);
        Assert.Equal(ExchangeItemKind.Failed, channel.TryRead(out _, out _));
        Assert.Same(error, channel.Error);
        Assert.Equal(ExchangeItemKind.Failed, channel.Read(out _, out _));
    }

    [Fact]
    public void ABlockedReadEndsWhenTheProducerCompletesFromAnotherThread()
    {
        var channel = new ExchangeChannel<int>(batchSize: 4, capacity: 2);
        var kinds = new List<ExchangeItemKind>();
        TestThreads.Run(
            Timeout,
            () =>
            {
                ExchangeItemKind kind;
                do
                {
                    kind = channel.Read(out _, out _);
                    kinds.Add(kind);
                }
                while (kind != ExchangeItemKind.Completed);
            },
            () =>
            {
                Thread.Sleep(100);
                channel.Write(1);
                channel.Flush();
                Thread.Sleep(100);
                channel.Complete();
            });
        Assert.Equal(new[] { ExchangeItemKind.Batch, ExchangeItemKind.Completed }, kinds);
    }

    [Fact]
    public void ABlockedProducerAddsItsWaitToBackpressure()
    {
        // Capacity 2, batch size 1: the third write blocks until the consumer, 200 ms later, reads.
        var channel = new ExchangeChannel<int>(batchSize: 1, capacity: 2);
        var waitsBefore = Backpressure.Waits;
        var blockedBefore = Backpressure.BlockedTime;
        TestThreads.Run(
            Timeout,
            () =>
            {
                for (var i = 0; i < 3; i++)
                {
                    channel.Write(in i);
                }

                channel.Complete();
            },
            () =>
            {
                Thread.Sleep(200);
                while (channel.Read(out _, out _) != ExchangeItemKind.Completed)
                {
                }
            });
        Assert.True(Backpressure.Waits > waitsBefore);
        Assert.True(Backpressure.BlockedTime - blockedBefore >= TimeSpan.FromMilliseconds(100), $"blocked {Backpressure.BlockedTime - blockedBefore}");
    }

    [Fact]
    public void ABlockedProducerSleepsUntilHalfTheChannelIsFree()
    {
        // Capacity 4, batch size 1: four writes fill the channel and the fifth sleeps. Woken at the first free slot, the
        // producer would write one element and sleep again; it is woken once two are free, and writes two.
        var channel = new ExchangeChannel<int>(batchSize: 1, capacity: 4);
        var written = 0;
        TestThreads.Run(
            Timeout,
            () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    channel.Write(in i);
                    Volatile.Write(ref written, i + 1);
                }

                channel.Complete();
            },
            () =>
            {
                while (Volatile.Read(ref written) < 4)
                {
                    Thread.Sleep(1);
                }

                Thread.Sleep(300); // past its brief spin: the producer sleeps on the fifth write
                var expected = 0;
                Assert.Equal(ExchangeItemKind.Batch, channel.Read(out var batch, out _));
                Assert.Equal(expected++, batch[0]);
                Assert.Equal(ExchangeItemKind.Batch, channel.TryRead(out batch, out _)); // frees the first slot
                Assert.Equal(expected++, batch[0]);
                Thread.Sleep(300);
                Assert.Equal(4, Volatile.Read(ref written));

                Assert.Equal(ExchangeItemKind.Batch, channel.TryRead(out batch, out _)); // frees the second: half the channel
                Assert.Equal(expected++, batch[0]);
                var deadline = DateTime.UtcNow + Timeout;
                while (Volatile.Read(ref written) < 6)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the producer was not woken with half the channel free");
                    Thread.Sleep(1);
                }

                while (channel.Read(out batch, out _) != ExchangeItemKind.Completed)
                {
                    Assert.Equal(expected++, batch[0]);
                }

                Assert.Equal(10, expected);
            });
    }

    [Fact]
    public void ElementsWrittenInPlaceKeepTheirOrderWithWritesAndMarkers()
    {
        // Reserve and Commit interleaved with Write and watermarks, through a channel small enough that both block.
        const int Elements = 100_000;
        var channel = new ExchangeChannel<(long Value, long Square, int Tag)>(batchSize: 7, capacity: 3);
        TestThreads.Run(
            Timeout,
            () =>
            {
                for (long i = 0; i < Elements; i++)
                {
                    if (i % 3 == 0)
                    {
                        channel.Write((i, i * i, 1));
                    }
                    else
                    {
                        ref var item = ref channel.Reserve();
                        item.Value = i;
                        item.Square = i * i;
                        item.Tag = 2;
                        channel.Commit();
                    }

                    if (i % 1000 == 999)
                    {
                        channel.PublishWatermark(new Instant(i + 1));
                    }
                }

                channel.Complete();
            },
            () =>
            {
                long expected = 0;
                while (true)
                {
                    var kind = channel.Read(out var batch, out var watermark);
                    if (kind == ExchangeItemKind.Completed)
                    {
                        break;
                    }

                    if (kind == ExchangeItemKind.Watermark)
                    {
                        Assert.Equal(expected, watermark.Millis);
                        continue;
                    }

                    foreach (var item in batch)
                    {
                        if (item != (expected, expected * expected, expected % 3 == 0 ? 1 : 2))
                        {
                            Assert.Fail($"expected {expected}, read {item}");
                        }

                        expected++;
                    }
                }

                Assert.Equal(Elements, expected);
            });
    }

    [Fact]
    public void CancellationReleasesABlockedProducer()
    {
        using var cancellation = new CancellationTokenSource();
        var channel = new ExchangeChannel<int>(batchSize: 1, capacity: 2, cancellation.Token);
        Exception? caught = null;
        TestThreads.Run(
            Timeout,
            () =>
            {
                try
                {
                    for (int i = 0; ; i++)
                    {
                        channel.Write(in i);
                    }
                }
                catch (OperationCanceledException e)
                {
                    caught = e;
                }
            },
            () =>
            {
                while (channel.Pending < 2)
                {
                    Thread.Sleep(1);
                }

                Thread.Sleep(50);
                cancellation.Cancel();
            });
        Assert.IsAssignableFrom<OperationCanceledException>(caught);
    }

    [Fact]
    public async Task CancellationReleasesAnAwaitingProducer()
    {
        using var cancellation = new CancellationTokenSource();
        var channel = new ExchangeChannel<int>(batchSize: 1, capacity: 1, cancellation.Token);
        await channel.WriteAsync(1);
        var pending = channel.WriteAsync(2).AsTask();
        Assert.False(pending.IsCompleted);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Timeout));
    }

    [Fact]
    public void AWarmExchangeAllocatesNothingPerElement()
    {
        const int Warmup = 200_000;
        const int Measured = 1_000_000;
        using var cancellation = new CancellationTokenSource();
        var channel = new ExchangeChannel<long>(cancellation: cancellation.Token);
        long producerBytes = -1;
        long consumerBytes = -1;
        TestThreads.Run(
            Timeout,
            () =>
            {
                for (long i = 0; i < Warmup; i++)
                {
                    channel.Write(in i);
                }

                long before = GC.GetAllocatedBytesForCurrentThread();
                for (long i = Warmup; i < Warmup + Measured; i++)
                {
                    channel.Write(in i);
                    if ((i & 4095) == 0)
                    {
                        channel.PublishWatermark(new Instant(i));
                    }
                }

                producerBytes = GC.GetAllocatedBytesForCurrentThread() - before;
                channel.Complete();
            },
            () =>
            {
                long seen = 0;
                long sum = 0;
                long before = 0;
                while (true)
                {
                    var kind = channel.Read(out var batch, out _);
                    if (kind == ExchangeItemKind.Completed)
                    {
                        break;
                    }

                    if (seen < Warmup && seen + batch.Length >= Warmup)
                    {
                        before = GC.GetAllocatedBytesForCurrentThread();
                    }

                    foreach (var value in batch)
                    {
                        sum += value;
                    }

                    seen += batch.Length;
                }

                consumerBytes = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.Equal(Warmup + Measured, seen);
            });

        // Measured: 0 bytes on each side. The bound leaves room for a wait inside the runtime, never for one per element.
        Assert.InRange(producerBytes, 0, 1024);
        Assert.InRange(consumerBytes, 0, 1024);
    }

    private static void Write(ExchangeChannel<int> channel, params int[] values)
    {
        foreach (var value in values)
        {
            channel.Write(in value);
        }
    }

    private static void AssertBatch(ExchangeChannel<int> channel, params int[] expected)
    {
        Assert.Equal(ExchangeItemKind.Batch, channel.TryRead(out var batch, out _));
        Assert.Equal(expected, batch.ToArray());
    }

    private static void AssertWatermark(ExchangeChannel<int> channel, long expected)
    {
        Assert.Equal(ExchangeItemKind.Watermark, channel.TryRead(out _, out var watermark));
        Assert.Equal(expected, watermark.Millis);
    }
}
