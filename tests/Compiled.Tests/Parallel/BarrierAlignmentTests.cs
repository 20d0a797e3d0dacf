using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Parallel;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>
/// Checkpoint barriers in a shard's inbox (Flink's alignment): once a channel has delivered the barrier, nothing more is
/// read from it until every channel that has not completed has delivered it too; then the inbox reports the barrier, after
/// every element sent before it on any channel and before any element sent after it.
/// </summary>
public class BarrierAlignmentTests
{
    private const long Barrier = -7; // a barrier of checkpoint 7, as the consumer recognizes it in a batch

    private enum Op
    {
        Write,
        Barrier,
        Complete,
    }

    [Fact]
    public void ABarrierIsReportedOnceEveryChannelDeliveredItOrCompleted()
    {
        // Per channel: elements before the barrier, whether it completes instead of sending the barrier, and elements after.
        var channel = Gen.Select(Gen.Int[0, 8], Gen.Int[0, 4], Gen.Int[0, 8], Gen.Bool);
        Gen.Select(channel.Array[1, 4], Gen.Int, Gen.Int[1, 4]).Sample((channels, seed, batchSize) =>
        {
            var random = new Random(seed);
            var n = channels.Length;
            var inbox = new ShardInbox<long>(n, batchSize, capacity: 64);

            // Each channel's actions, in its order: writes, the barrier (or completion), writes after it, and completion.
            var actions = channels.Select((c, i) =>
            {
                var list = Enumerable.Repeat(Op.Write, c.Item1).ToList();
                if (c.Item2 == 0)
                {
                    list.Add(Op.Complete); // completes before it sends the barrier: it counts as aligned
                }
                else
                {
                    list.Add(Op.Barrier);
                    list.AddRange(Enumerable.Repeat(Op.Write, c.Item3));
                    if (c.Item4)
                    {
                        list.Add(Op.Complete);
                    }
                }

                return new Queue<Op>(list);
            }).ToArray();
            var before = channels.Select(c => c.Item1).ToArray();
            var sentBarrier = channels.Select(c => c.Item2 != 0).ToArray();
            var written = new long[n];
            var readBefore = new int[n];
            var barrierRead = new bool[n];
            var aligned = false;

            void Drain(int reads)
            {
                for (var r = 0; r < reads; r++)
                {
                    var e = inbox.TryRead(out var batch);
                    if (e == InboxEvent.None || e == InboxEvent.Completed)
                    {
                        return;
                    }

                    if (e == InboxEvent.Barrier)
                    {
                        Assert.False(aligned, "the barrier was reported twice");
                        Assert.Equal(7, inbox.BarrierId);
                        for (var c = 0; c < n; c++)
                        {
                            // Everything sent before the barrier on every channel has been read.
                            Assert.Equal(before[c], readBefore[c]);
                            Assert.True(barrierRead[c] || !sentBarrier[c]);
                        }

                        aligned = true;
                        continue;
                    }

                    if (e != InboxEvent.Batch)
                    {
                        continue;
                    }

                    var from = inbox.Channel;
                    for (var i = 0; i < batch.Length; i++)
                    {
                        if (batch[i] == Barrier)
                        {
                            Assert.Equal(batch.Length - 1, i);
                            Assert.False(barrierRead[from]);
                            barrierRead[from] = true;
                            inbox.Block(from, 7);
                            Assert.True(inbox.IsBlocked(from));
                        }
                        else if (barrierRead[from])
                        {
                            Assert.True(aligned, "an element sent after the barrier was read before the alignment");
                        }
                        else
                        {
                            readBefore[from]++;
                        }
                    }
                }
            }

            while (actions.Any(a => a.Count > 0))
            {
                var c = random.Next(n);
                if (!actions[c].TryDequeue(out var op))
                {
                    continue;
                }

                var producer = inbox[c];
                switch (op)
                {
                    case Op.Write:
                        producer.Write(written[c]++);
                        break;
                    case Op.Barrier:
                        producer.Write(Barrier);
                        producer.Flush();
                        break;
                    default:
                        producer.Complete();
                        break;
                }

                Drain(random.Next(3));
            }

            for (var c = 0; c < n; c++)
            {
                inbox[c].Flush();
            }

            Drain(10_000);
            Assert.Equal(sentBarrier.Any(b => b), aligned);
        });
    }

    [Fact]
    public void OneCheckpointAtATime()
    {
        var inbox = new ShardInbox<long>(2, batchSize: 4, capacity: 4);
        inbox.Block(0, 3);
        Assert.Throws<InvalidOperationException>(() => inbox.Block(0, 3));
        Assert.Throws<InvalidOperationException>(() => inbox.Block(1, 4));
        inbox.Block(1, 3);
        Assert.Equal(InboxEvent.Barrier, inbox.TryRead(out _));
        Assert.Equal(3, inbox.BarrierId);
        Assert.False(inbox.IsBlocked(0));
        Assert.Equal(InboxEvent.None, inbox.TryRead(out _));
    }
}
