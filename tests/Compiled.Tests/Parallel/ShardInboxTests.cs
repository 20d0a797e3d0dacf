using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Compiled.Parallel;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

public class ShardInboxTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private enum Op
    {
        Write,
        Watermark,
        Idle,
        Active,
        Complete,
    }

    [Fact]
    public void TheWatermarkIsTheMinimumOverActiveChannelsAndNeverGoesBack()
    {
        // Random interleavings of producer actions over 1-4 channels. After each action the consumer drains the inbox,
        // and its watermark must equal the oracle's: the running maximum of min(active watermarks, completed = +inf),
        // or of max(all) when every channel is idle.
        var action = Gen.Select(Gen.Int[0, 3], Gen.Frequency((5, Gen.Const(Op.Write)), (4, Gen.Const(Op.Watermark)), (2, Gen.Const(Op.Idle)), (2, Gen.Const(Op.Active)), (1, Gen.Const(Op.Complete))), Gen.Int[1, 10]);
        Gen.Select(Gen.Int[1, 4], action.Array[0, 60]).Sample((channels, actions) =>
        {
            var inbox = new ShardInbox<long>(channels, batchSize: 3, capacity: 16);
            var watermarks = Enumerable.Repeat(Instant.MinValue.Millis, channels).ToArray();
            var idle = new bool[channels];
            var completed = new bool[channels];
            var written = new long[channels];
            var read = new long[channels];
            long expected = Instant.MinValue.Millis;

            void Apply(int channel, Op op, int amount)
            {
                var producer = inbox[channel];
                switch (op)
                {
                    case Op.Write:
                        for (int i = 0; i < amount; i++)
                        {
                            producer.Write((channel * 1_000_000L) + written[channel]++);
                        }

                        break;
                    case Op.Watermark:
                        watermarks[channel] += watermarks[channel] == Instant.MinValue.Millis ? -Instant.MinValue.Millis + (amount * 10) : amount * 10;
                        producer.PublishWatermark(new Instant(watermarks[channel]));
                        break;
                    case Op.Idle:
                        idle[channel] = true;
                        producer.MarkIdle();
                        break;
                    case Op.Active:
                        idle[channel] = false;
                        producer.MarkActive();
                        break;
                    case Op.Complete:
                        completed[channel] = true;
                        idle[channel] = false;
                        watermarks[channel] = Instant.MaxValue.Millis;
                        producer.Complete();
                        break;
                }

                var active = Enumerable.Range(0, channels).Where(c => !idle[c]).ToList();
                long candidate = active.Count > 0 ? active.Min(c => watermarks[c]) : watermarks.Max();
                long before = inbox.Watermark.Millis;
                expected = Math.Max(expected, candidate);
                Drain();
                Assert.True(inbox.Watermark.Millis >= before, "the watermark went back");
                Assert.Equal(expected, inbox.Watermark.Millis);
            }

            void Drain()
            {
                InboxEvent e;
                long last = inbox.Watermark.Millis;
                while ((e = inbox.TryRead(out var batch)) is not InboxEvent.None and not InboxEvent.Completed)
                {
                    if (e == InboxEvent.Watermark)
                    {
                        Assert.True(inbox.Watermark.Millis > last, "a watermark event that does not advance");
                        last = inbox.Watermark.Millis;
                        continue;
                    }

                    int channel = inbox.Channel;
                    foreach (var value in batch)
                    {
                        Assert.Equal((channel * 1_000_000L) + read[channel]++, value);
                    }
                }
            }

            foreach (var (channel, op, amount) in actions)
            {
                int c = channel % channels;
                if (!completed[c])
                {
                    Apply(c, op, amount);
                }
            }

            for (int c = 0; c < channels; c++)
            {
                if (!completed[c])
                {
                    Apply(c, Op.Complete, 0);
                }
            }

            Assert.Equal(Instant.MaxValue, inbox.Watermark);
            Assert.Equal(InboxEvent.Completed, inbox.TryRead(out _));
            Assert.Equal(written, read);
        });
    }

    [Fact]
    public void IdleChannelsAreLeftOutUntilActive()
    {
        var inbox = new ShardInbox<int>(3, batchSize: 4, capacity: 4);
        inbox[0].PublishWatermark(new Instant(100));
        inbox[1].PublishWatermark(new Instant(50));
        inbox[2].PublishWatermark(new Instant(10));
        AssertWatermark(inbox, 10);

        inbox[2].MarkIdle();
        AssertWatermark(inbox, 50);

        // Every channel idle: the maximum of their watermarks.
        inbox[1].MarkIdle();
        inbox[0].MarkIdle();
        AssertWatermark(inbox, 100);

        // Active again, behind: the watermark holds until that channel catches up.
        inbox[2].MarkActive();
        inbox[2].PublishWatermark(new Instant(60));
        Assert.Equal(InboxEvent.None, inbox.TryRead(out _));
        Assert.Equal(100, inbox.Watermark.Millis);
        inbox[2].PublishWatermark(new Instant(120));
        AssertWatermark(inbox, 120);

        inbox[1].MarkActive();
        inbox[1].PublishWatermark(new Instant(130));
        Assert.Equal(InboxEvent.None, inbox.TryRead(out _));

        // Completed channels count as +infinity; with the rest idle, the watermark is at the end of time.
        inbox[2].Complete();
        AssertWatermark(inbox, 130);
        inbox[1].Complete();
        AssertWatermark(inbox, Instant.MaxValue.Millis);
        Assert.Equal(InboxEvent.None, inbox.TryRead(out _));
        inbox[0].Complete();
        Assert.Equal(InboxEvent.Completed, inbox.TryRead(out _));
        Assert.Equal(InboxEvent.Completed, inbox.Read(out _));
    }

    [Fact]
    public void ProducersOnThreadsReachOneConsumerInOrder()
    {
        const int Producers = 3;
        const long PerProducer = 300_000;
        var inbox = new ShardInbox<long>(Producers, batchSize: 256, capacity: 4);
        var bodies = new List<Action>();
        for (int p = 0; p < Producers; p++)
        {
            int producer = p;
            bodies.Add(() =>
            {
                var channel = inbox[producer];
                var random = new Random(producer);
                for (long i = 0; i < PerProducer; i++)
                {
                    channel.Write((producer * PerProducer) + i);
                    if (random.Next(1000) == 0)
                    {
                        channel.PublishWatermark(new Instant(i));
                    }

                    if (random.Next(20_000) == 0)
                    {
                        channel.MarkIdle();
                        channel.MarkActive();
                    }
                }

                channel.Complete();
            });
        }

        var next = new long[Producers];
        var seen = new List<long>();
        bodies.Add(() =>
        {
            while (true)
            {
                var e = inbox.Read(out var batch);
                if (e == InboxEvent.Completed)
                {
                    break;
                }

                if (e == InboxEvent.Watermark)
                {
                    Assert.True(seen.Count == 0 || inbox.Watermark.Millis > seen[^1]);
                    seen.Add(inbox.Watermark.Millis);
                    continue;
                }

                int channel = inbox.Channel;
                foreach (var value in batch)
                {
                    if (value != (channel * PerProducer) + next[channel])
                    {
                        Assert.Fail($"channel {channel}: expected {(channel * PerProducer) + next[channel]}, read {value}");
                    }

                    next[channel]++;
                }
            }
        });

        TestThreads.Run(Timeout, bodies.ToArray());
        Assert.All(next, n => Assert.Equal(PerProducer, n));
        Assert.Equal(Instant.MaxValue.Millis, seen[^1]);
    }

    [Fact]
    public void AFailedChannelFailsTheRead()
    {
        var inbox = new ShardInbox<int>(2);
        inbox[1].Fail(new TimeoutException("source timed out"));
        var e = Assert.Throws<ShardFailedException>(() => inbox.TryRead(out _));
        Assert.Equal(1, e.Shard);
        Assert.IsType<TimeoutException>(e.InnerException);
    }

    [Fact]
    public void ABlockedReadWakesOnCancellation()
    {
        using var cancellation = new CancellationTokenSource();
        var inbox = new ShardInbox<int>(2, cancellation: cancellation.Token);
        Exception? caught = null;
        TestThreads.Run(
            Timeout,
            () =>
            {
                try
                {
                    inbox.Read(out _);
                }
                catch (OperationCanceledException e)
                {
                    caught = e;
                }
            },
            () =>
            {
                Thread.Sleep(100);
                cancellation.Cancel();
            });
        Assert.NotNull(caught);
    }

    [Fact]
    public void AReadWithATimeoutReturnsNone()
    {
        var inbox = new ShardInbox<int>(1);
        Assert.Equal(InboxEvent.None, inbox.Read(out _, TimeSpan.FromMilliseconds(20)));
        inbox[0].Write(5);
        inbox[0].Flush();
        Assert.Equal(InboxEvent.Batch, inbox.Read(out var batch, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(5, batch[0]);
    }

    private static void AssertWatermark(ShardInbox<int> inbox, long expected)
    {
        Assert.Equal(InboxEvent.Watermark, inbox.TryRead(out _));
        Assert.Equal(expected, inbox.Watermark.Millis);
    }
}
