using System;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.EventTime;

namespace Compiled.Benchmarks.MultiCore;

/// <summary>W3 as a batch job: each event's timestamp from its time field, fixed 60 s windows, count per key.</summary>
[Pipeline]
public partial class W3BatchPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .WithTimestamps(static e => new Instant(e.Time))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(60)))
         .Map(static e => KV.Of(e.Key, e.Value))
         .CountPerKey()
         .Output("counts");
}

/// <summary>
/// W3 (10,000,000 events, 10,000 Zipf keys, fixed 60 s windows, count per key) as a batch run: the generated
/// single-threaded Run against the parallel batch runner at parallelism 1 and 2 (per-shard counts per window and
/// key, exchanged by key group at end of input). Each returns the digest of its final panes.
/// </summary>
[MemoryDiagnoser]
public class W3Parallel
{
    private Event[] _events = Array.Empty<Event>();

    /// <summary>Shards of the parallel row.</summary>
    [Params(1, 2)]
    public int Parallelism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        ParallelBench.CheckSameResult(nameof(W3Parallel), Parallelism, Generated, ("GeneratedParallel", GeneratedParallel));
    }

    /// <summary>The generated single-threaded batch Run.</summary>
    [Benchmark(Baseline = true)]
    public long Generated() => Digest(W3BatchPipeline.Run(_events));

    /// <summary>The generated parallel batch runner.</summary>
    [Benchmark]
    public long GeneratedParallel() => Digest(W3BatchPipeline.Run(_events, Parallelism));

    private static long Digest(W3BatchPipeline.Results results)
    {
        var digest = default(WindowDigest);
        foreach (var element in results.CountsElements)
        {
            digest.Add(element.Value.Key, element.Window.Start.Millis, element.Window.End.Millis, element.Value.Value);
        }

        return digest.Count ^ (long)digest.Hash;
    }
}
