using System;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.EventTime;
using Compiled.Parallel;

namespace Compiled.Benchmarks.MultiCore;

/// <summary>
/// W3 as a streaming job (10,000,000 events, 10,000 Zipf keys, fixed 60 s windows, count per key, the watermark 2 s
/// behind the latest time after every event): the generated single-threaded runner against the streaming parallel
/// runner (<c>CreateParallelRunner</c>) with as many input partitions as shards, each partition pushed by a thread of its
/// own with its own watermark (as a Kafka topic's partitions are read), elements routed by key group to the shards.
/// Each returns the digest of its final panes.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class W3StreamingParallel
{
    private Event[] _events = Array.Empty<Event>();
    private Event[][] _shares = Array.Empty<Event[]>();

    /// <summary>Shards and partitions of the parallel row.</summary>
    [Params(1, 2)]
    public int Parallelism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        _shares = ParallelBench.Interleave(_events, Parallelism);
        ParallelBench.CheckSameResult(nameof(W3StreamingParallel), Parallelism, Generated, ("GeneratedParallel", GeneratedParallel), ("GeneratedParallelOneShard", GeneratedParallelOneShard));
    }

    /// <summary>The generated single-threaded streaming runner (the W3 "Generated" variant).</summary>
    [Benchmark(Baseline = true)]
    public long Generated() => Fold(W3FixedCounts.Generated(_events));

    /// <summary>The generated streaming parallel runner: one thread per partition, one per shard.</summary>
    [Benchmark]
    public long GeneratedParallel() => RunParallel(Parallelism);

    /// <summary>
    /// The same partitions into one shard: the partitions count their shares (the combine is lifted), and one shard
    /// merges their counts of each window and emits them. Fewer threads than partitions plus shards on a machine with as
    /// many cores as partitions, and no split of each window's counts by shard.
    /// </summary>
    [Benchmark]
    public long GeneratedParallelOneShard() => RunParallel(1);

    private long RunParallel(int shards)
    {
        using var runner = W3FixedCountsPipeline.CreateParallelRunner(static () => default(WindowDigestSink),
            new ParallelRunnerOptions { Parallelism = shards, Partitions = _shares.Length });
        ParallelBench.OnThreads(_shares.Length, k => Drive(runner.Partition(k), _shares[k]));
        runner.Finish();
        var digest = default(WindowDigest);
        foreach (var sink in runner.CountsSinks())
        {
            digest.Count += sink.Digest.Count;
            digest.Hash += sink.Digest.Hash;
        }

        return Fold(digest);
    }

    /// <summary>
    /// The machine's ceiling for this split, not a result: one single-threaded runner per share, each on a thread of its
    /// own, with no exchange and no merge (so each counts only its share; the digests are not W3's). What two threads
    /// doing independent work of this shape get from the cores, against which the parallel runner's scaling is read.
    /// </summary>
    [Benchmark]
    public long IndependentShares()
    {
        var digests = new long[_shares.Length];
        ParallelBench.OnThreads(_shares.Length, k => digests[k] = Fold(W3FixedCounts.Generated(_shares[k])));
        var folded = 0L;
        foreach (var digest in digests)
        {
            folded ^= digest;
        }

        return folded;
    }

    /// <summary>One partition: each event pushed with its timestamp, its own watermark 2 s behind its latest time after each.</summary>
    private static void Drive(W3FixedCountsPipeline.Runner<WindowDigestSink> partition, Event[] events)
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
