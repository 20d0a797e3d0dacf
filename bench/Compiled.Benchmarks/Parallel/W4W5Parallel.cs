using System;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.EventTime;
using Compiled.Parallel;

namespace Compiled.Benchmarks.MultiCore;

/// <summary>W4 as a batch job: each event's timestamp from its time field, sliding 60 s windows every 10 s, sum of value per key.</summary>
[Pipeline]
public partial class W4BatchPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .WithTimestamps(static e => new Instant(e.Time))
         .Window(Windows.Sliding(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Key, (long)e.Value))
         .CombinePerKey(Combiners.Sum<long>())
         .Output("sums");
}

/// <summary>
/// W4 (sliding windows, sum per key) and W5 (sessions, count per key) as batch runs, 10,000,000 events each: the
/// generated single-threaded Run against the parallel batch runner at parallelism 1 and 2. Each returns the digest of
/// its final panes.
/// </summary>
[MemoryDiagnoser]
public class W4W5Parallel
{
    private Event[] _events = Array.Empty<Event>();

    /// <summary>W4 or W5.</summary>
    [Params("W4", "W5")]
    public string Workload { get; set; } = "W4";

    /// <summary>Shards of the parallel row.</summary>
    [Params(1, 2)]
    public int Parallelism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = EventTimeParallelData.For(Workload);
        ParallelBench.CheckSameResult(nameof(W4W5Parallel) + "." + Workload, Parallelism, Generated, ("GeneratedParallel", GeneratedParallel));
    }

    /// <summary>The generated single-threaded batch Run.</summary>
    [Benchmark(Baseline = true)]
    public long Generated() => Workload == "W4" ? Digest(W4BatchPipeline.Run(_events).SumsElements) : Digest(W5SessionCountsBatchPipeline.Run(_events).CountsElements);

    /// <summary>The generated parallel batch runner.</summary>
    [Benchmark]
    public long GeneratedParallel() => Workload == "W4"
        ? Digest(W4BatchPipeline.Run(_events, Parallelism).SumsElements)
        : Digest(W5SessionCountsBatchPipeline.Run(_events, Parallelism).CountsElements);

    private static long Digest(System.Collections.Generic.List<WindowedValue<KV<int, long>>> elements)
    {
        var digest = default(WindowDigest);
        foreach (var element in elements)
        {
            digest.Add(element.Value.Key, element.Window.Start.Millis, element.Window.End.Millis, element.Value.Value);
        }

        return digest.Count ^ (long)digest.Hash;
    }
}

/// <summary>
/// W4 and W5 as streaming jobs (the watermark 2 s behind the latest time after every event, as W3StreamingParallel):
/// the generated single-threaded runner against the streaming parallel runner with as many input partitions as shards,
/// each partition pushed by a thread of its own with its own watermark, and the machine's ceiling for the split
/// (IndependentShares). Each returns the digest of its final panes.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class W4W5StreamingParallel
{
    private Event[] _events = Array.Empty<Event>();
    private Event[][] _shares = Array.Empty<Event[]>();

    /// <summary>W4 or W5.</summary>
    [Params("W4", "W5")]
    public string Workload { get; set; } = "W4";

    /// <summary>Shards and partitions of the parallel row.</summary>
    [Params(1, 2)]
    public int Parallelism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = EventTimeParallelData.For(Workload);
        _shares = ParallelBench.Interleave(_events, Parallelism);
        ParallelBench.CheckSameResult(nameof(W4W5StreamingParallel) + "." + Workload, Parallelism, Generated, ("GeneratedParallel", GeneratedParallel));
    }

    /// <summary>The generated single-threaded streaming runner (W4's or W5's "Generated" variant).</summary>
    [Benchmark(Baseline = true)]
    public long Generated() => Fold(Workload == "W4" ? W4SlidingSums.Generated(_events) : W5SessionCounts.Generated(_events));

    /// <summary>The generated streaming parallel runner: one thread per partition, one per shard.</summary>
    [Benchmark]
    public long GeneratedParallel()
    {
        var options = new ParallelRunnerOptions { Parallelism = Parallelism, Partitions = _shares.Length };
        var digest = default(WindowDigest);
        if (Workload == "W4")
        {
            using var runner = W4SlidingSumsPipeline.CreateParallelRunner(static () => default(WindowDigestSink), options);
            ParallelBench.OnThreads(_shares.Length, k => DriveW4(runner.Partition(k), _shares[k]));
            runner.Finish();
            foreach (var sink in runner.SumsSinks())
            {
                digest.Count += sink.Digest.Count;
                digest.Hash += sink.Digest.Hash;
            }
        }
        else
        {
            using var runner = W5SessionCountsPipeline.CreateParallelRunner(static () => default(WindowDigestSink), options);
            ParallelBench.OnThreads(_shares.Length, k => DriveW5(runner.Partition(k), _shares[k]));
            runner.Finish();
            foreach (var sink in runner.CountsSinks())
            {
                digest.Count += sink.Digest.Count;
                digest.Hash += sink.Digest.Hash;
            }
        }

        return Fold(digest);
    }

    /// <summary>
    /// The machine's ceiling for this split, not a result: one single-threaded runner per share on a thread of its own,
    /// no exchange and no merge (the digests are not W4's or W5's).
    /// </summary>
    [Benchmark]
    public long IndependentShares()
    {
        var digests = new long[_shares.Length];
        ParallelBench.OnThreads(_shares.Length, k => digests[k] = Fold(Workload == "W4" ? W4SlidingSums.Generated(_shares[k]) : W5SessionCounts.Generated(_shares[k])));
        var folded = 0L;
        foreach (var digest in digests)
        {
            folded ^= digest;
        }

        return folded;
    }

    /// <summary>One partition of W4: each event pushed with its timestamp, its own watermark 2 s behind its latest time after each.</summary>
    private static void DriveW4(W4SlidingSumsPipeline.Runner<WindowDigestSink> partition, Event[] events)
    {
        var max = long.MinValue;
        foreach (var e in events)
        {
            partition.PushEvents(e, new Instant(e.Time));
            max = Math.Max(max, e.Time);
            partition.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        partition.Finish();
    }

    /// <summary>One partition of W5, driven as <see cref="DriveW4"/>.</summary>
    private static void DriveW5(W5SessionCountsPipeline.Runner<WindowDigestSink> partition, Event[] events)
    {
        var max = long.MinValue;
        foreach (var e in events)
        {
            partition.PushEvents(e, new Instant(e.Time));
            max = Math.Max(max, e.Time);
            partition.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        partition.Finish();
    }

    private static long Fold(WindowDigest digest) => digest.Count ^ (long)digest.Hash;
}

/// <summary>The events of W4 (W3's uniform events) and W5 (events in sessions), made once per process.</summary>
internal static class EventTimeParallelData
{
    private static Event[]? _uniform;
    private static Event[]? _sessions;

    public static Event[] For(string workload) => workload == "W4"
        ? _uniform ??= EventData.Uniform(EventTimeBenchmark.EventCount)
        : _sessions ??= EventData.Sessions(EventTimeBenchmark.EventCount);
}
