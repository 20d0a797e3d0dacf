using System;
using System.Linq;
using System.Threading;
using Compiled.Benchmarks.EventTime;
using Compiled.Parallel;
using Compiled.Tests.Scaling;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>
/// A warmed-up streaming parallel runner allocates nothing per element: W3 (fixed 60 s windows, count per key, the
/// watermark 2 s behind each partition's latest time) and W4 (sliding 60 s windows every 10 s, sum per key, lifted per
/// pane) from one partition into one shard, and from two partitions pushed concurrently into two shards, the combine
/// lifted across the exchange (its window or pane maps go round between the partitions and the shards). Runs alone: it
/// counts every thread's allocations.
/// </summary>
[Collection(nameof(TimingTests))]
public class ParallelSteadyStateTests
{
    [Theory(DisplayName = "The streaming parallel runner allocates nothing per element once warm")]
    [InlineData("W3", 1)]
    [InlineData("W3", 2)]
    [InlineData("W4", 1)]
    [InlineData("W4", 2)]
    public void SteadyStateAllocatesNothing(string workload, int parallelism)
    {
        const int warm = 6_000_000;
        const int measured = 4_000_000;
        var events = EventData.Uniform(warm + measured);
        var options = new ParallelRunnerOptions { Parallelism = parallelism, Partitions = parallelism };
        using var w3 = workload == "W3" ? W3FixedCountsPipeline.CreateParallelRunner(static () => default(WindowDigestSink), options) : null;
        using var w4 = workload == "W4" ? W4SlidingSumsPipeline.CreateParallelRunner(static () => default(WindowDigestSink), options) : null;
        IStreamingRunner runner = (IStreamingRunner?)w3 ?? w4!;

        // A partition's push and watermark, made before the pusher counts (calling them allocates nothing).
        (Action<Event, Instant> Push, Action<Instant> Advance) PartitionOf(int k)
        {
            if (w3 is not null)
            {
                var p3 = w3.Partition(k);
                return (p3.PushEvents, p3.AdvanceWatermark);
            }

            var p4 = w4!.Partition(k);
            return (p4.PushEvents, p4.AdvanceWatermark);
        }

        // Each partition thread counts its own allocations (precise, per thread); the process's count takes in the shards.
        var pushing = new long[parallelism];
        Action Pusher(int k, int from, int count) => () =>
        {
            var partition = PartitionOf(k);
            var max = long.MinValue;
            var start = GC.GetAllocatedBytesForCurrentThread();
            for (var i = from + k; i < from + count; i += parallelism)
            {
                var e = events[i];
                partition.Push(e, new Instant(e.Time));
                max = Math.Max(max, e.Time);
                partition.Advance(new Instant(max - EventData.WatermarkDelayMs));
            }

            pushing[k] = GC.GetAllocatedBytesForCurrentThread() - start;
        };

        // The warm-up lets partition 0 run through all of its share before partition 1 starts: the shards hold partition
        // 0's maps for every window of the warm-up until partition 1 passes them, so the runner makes more maps than any
        // lag between the partitions in the (shorter) measured run can need, and they come back to the pool.
        for (var k = 0; k < parallelism; k++)
        {
            TestThreads.Run(TimeSpan.FromSeconds(120), Pusher(k, 0, warm));
        }

        Array.Clear(pushing);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        TestThreads.Run(TimeSpan.FromSeconds(120), Enumerable.Range(0, parallelism).Select(k => Pusher(k, warm, measured)).ToArray());
        var perElement = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / measured;
        TestThreads.Run(TimeSpan.FromSeconds(60), runner.Finish);

        // Nothing is allocated per element: one object per element would be 24 B or more per element, one per shipped count
        // (about one per two elements here) 10 B or more. What may be allocated is a list of windows to fire, growing once
        // by a few bytes when more windows than ever end at once, and window maps (about 200 KB each for ~7,000 keys):
        // the maps go round between the partitions and the shards, and a partition makes a new one only when every map is
        // in flight. The warm-up has put more maps round than the measured run can hold in flight, however its threads are
        // scheduled (one partition done before the other starts is the furthest the shards can be held back). A map that
        // grows past the keys it was made for may still allocate once. With one partition, the maps in flight are bounded by
        // the channel (8 batches) and the two or three windows open at either end: at most about 13 maps, 2.6 MB, under the
        // 1 B per element of the 4 million measured elements even if none of them were made in the warm-up.
        Assert.True(pushing.Sum() < measured, $"the pushing threads allocated {pushing.Sum()} B");
        Assert.True(perElement < 4, $"{perElement:0.000} B per element");
        var rows = w3 is not null ? w3.CountsSinks().Sum(s => s.Digest.Count) : w4!.SumsSinks().Sum(s => s.Digest.Count);
        Assert.True(rows > 0);
    }
}
