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
/// watermark 2 s behind each partition's latest time) from two partitions pushed concurrently into two shards, the
/// combine lifted across the exchange. Runs alone: it counts every thread's allocations.
/// </summary>
[Collection(nameof(TimingTests))]
public class ParallelSteadyStateTests
{
    [Fact(DisplayName = "The streaming parallel runner allocates nothing per element once warm (two partitions, two shards)")]
    public void SteadyStateAllocatesNothing()
    {
        const int warm = 2_000_000;
        const int measured = 2_000_000;
        var events = EventData.Uniform(warm + measured);
        using var runner = W3FixedCountsPipeline.CreateParallelRunner(static () => default(WindowDigestSink),
            new ParallelRunnerOptions { Parallelism = 2, Partitions = 2 });

        // Each partition thread counts its own allocations (precise, per thread); the process's count takes in the shards.
        var pushing = new long[2];
        void Push(int from, int count) => TestThreads.Run(TimeSpan.FromSeconds(120), Enumerable.Range(0, 2).Select(k => (Action)(() =>
        {
            var partition = runner.Partition(k);
            var max = long.MinValue;
            var start = GC.GetAllocatedBytesForCurrentThread();
            for (var i = from + k; i < from + count; i += 2)
            {
                var e = events[i];
                partition.PushEvents(e, new Instant(e.Time));
                max = Math.Max(max, e.Time);
                partition.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
            }

            pushing[k] = GC.GetAllocatedBytesForCurrentThread() - start;
        })).ToArray());

        Push(0, warm);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        Push(warm, measured);
        var perElement = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / measured;
        TestThreads.Run(TimeSpan.FromSeconds(60), runner.Finish);

        // The pushing threads allocate nothing per element (a list of windows to fire may grow once, by a few bytes,
        // when more windows than ever end at once). The whole process (the shards too) stays far below one object per
        // element (24 B or more) or per shipped count (about one per two elements here, 10 B or more per element): what
        // it may allocate is a shard's window maps, pooled, growing in number when the shard lags further behind than
        // during the warm-up (a busy machine), a bounded amount (a few maps of ~7,000 keys), not a per-element one.
        Assert.True(pushing[0] + pushing[1] < measured / 100, $"the pushing threads allocated {pushing[0] + pushing[1]} B");
        Assert.True(perElement < 4, $"{perElement:0.000} B per element");
        var rows = runner.CountsSinks().Sum(s => s.Digest.Count);
        Assert.True(rows > 0);
    }
}
