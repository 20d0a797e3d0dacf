using System;
using System.IO;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.EventTime;
using Compiled.Checkpoints;

namespace Compiled.Benchmarks.Checkpoints;

/// <summary>
/// W3 (10M events, count per key in fixed 60 s windows) with checkpoints against none. With checkpoints, the job asks
/// the checkpointer every 1,024 events (one clock read) and the checkpointer takes one every 100 ms, ten times the
/// issue's "every second", so that each operation takes a few: the runner's state written on the job's thread, the
/// files written, fsynced and renamed off it. <c>dotnet run -c Release --project bench/Compiled.Benchmarks --
/// --filter '*W3Checkpoints*' --job short --inProcess</c>.
/// </summary>
[Config(typeof(EventTimeConfig))]
[MemoryDiagnoser]
public class W3Checkpoints
{
    private Event[] _events = Array.Empty<Event>();
    private string _directory = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        _directory = Directory.CreateTempSubdirectory("compiled-bench-checkpoints-").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>W3's generated runner, without checkpoints (the baseline).</summary>
    [Benchmark(Baseline = true)]
    public WindowDigest WithoutCheckpoints() => W3FixedCounts.Generated(_events);

    /// <summary>The same run, checkpointed every 100 ms into a local directory (a new directory per operation).</summary>
    [Benchmark]
    public WindowDigest WithCheckpoints()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory, "run-" + Guid.NewGuid().ToString("N"))).FullName;
        var runner = W3FixedCountsPipeline.CreateRunner(default(WindowDigestSink));
        var checkpointer = new Checkpointer(directory, new CheckpointOptions { Interval = TimeSpan.FromMilliseconds(100) });
        checkpointer.Register("pipeline", runner);
        checkpointer.RestoreAsync().AsTask().GetAwaiter().GetResult();
        var max = long.MinValue;
        var events = _events;
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            runner.PushEvents(e, new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
            if ((i & 1023) == 0)
            {
                checkpointer.TryCheckpoint();
            }
        }

        runner.Finish();
        checkpointer.CompleteAsync().AsTask().GetAwaiter().GetResult();
        checkpointer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return runner.Counts.Digest;
    }
}

/// <summary>
/// W3 on the streaming parallel runner (two shards, one partition pushed by the job's thread) with checkpoints every
/// 100 ms against none: barriers aligned in the channels, each shard writing its part on its own thread while the job
/// goes on pushing, the files written off the job's thread. <c>dotnet run -c Release --project bench/Compiled.Benchmarks --
/// --filter '*W3ParallelCheckpoints*' --job short --inProcess</c>.
/// </summary>
[Config(typeof(EventTimeConfig))]
[MemoryDiagnoser]
public class W3ParallelCheckpoints
{
    private Event[] _events = Array.Empty<Event>();
    private string _directory = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        _directory = Directory.CreateTempSubdirectory("compiled-bench-parallel-checkpoints-").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>The parallel runner on two shards, without checkpoints (the baseline).</summary>
    [Benchmark(Baseline = true)]
    public long WithoutCheckpoints() => Run(checkpoints: false);

    /// <summary>The same run, checkpointed every 100 ms into a local directory (a new directory per operation).</summary>
    [Benchmark]
    public long WithCheckpoints() => Run(checkpoints: true);

    /// <summary>The same run with only the final checkpoint (which commits the output): the cost every run pays once.</summary>
    [Benchmark]
    public long OnlyTheFinalCheckpoint() => Run(checkpoints: true, interval: Timeout.InfiniteTimeSpan);

    private long Run(bool checkpoints, TimeSpan? interval = null)
    {
        using var runner = W3FixedCountsPipeline.CreateParallelRunner(static () => default(WindowDigestSink), new Compiled.Parallel.ParallelRunnerOptions { Parallelism = 2, Partitions = 1 });
        Checkpointer? checkpointer = null;
        if (checkpoints)
        {
            var directory = Directory.CreateDirectory(Path.Combine(_directory, "run-" + Guid.NewGuid().ToString("N"))).FullName;
            checkpointer = new Checkpointer(directory, new CheckpointOptions { Interval = interval ?? TimeSpan.FromMilliseconds(100) });
            checkpointer.Register("pipeline", runner);
            checkpointer.RestoreAsync().AsTask().GetAwaiter().GetResult();
        }

        var partition = runner.Partition(0);
        var max = long.MinValue;
        var events = _events;
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            partition.PushEvents(e, new Instant(e.Time));
            max = Math.Max(max, e.Time);
            partition.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
            if ((i & 1023) == 0)
            {
                checkpointer?.TryCheckpoint();
            }
        }

        runner.Finish();
        if (checkpointer is not null)
        {
            checkpointer.CompleteAsync().AsTask().GetAwaiter().GetResult();
            checkpointer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        var count = 0L;
        foreach (var sink in runner.CountsSinks())
        {
            count += sink.Digest.Count;
        }

        return count;
    }
}
