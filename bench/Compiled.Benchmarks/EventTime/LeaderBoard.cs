using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;

namespace Compiled.Benchmarks.EventTime;

/// <summary>
/// Beam's LeaderBoard team scores over W3's events: fixed 60 s windows, an early pane 30 s of processing time after a
/// pane's first element, the on-time pane, a late pane per late element, 120 s allowed lateness, accumulating; the sum
/// of the values per key.
/// </summary>
[Pipeline]
public partial class W3LeaderBoardPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<Event>("events")
         .Window(Windows.Fixed(TimeSpan.FromSeconds(60))
             .Triggering(Trigger.AfterWatermark()
                 .WithEarlyFirings(Trigger.AfterProcessingTime(TimeSpan.FromSeconds(30)))
                 .WithLateFirings(Trigger.AfterCount(1)))
             .WithAllowedLateness(TimeSpan.FromSeconds(120))
             .Accumulating())
         .Map(static e => KV.Of(e.Key, (long)e.Value))
         .CombinePerKey(Combiners.Sum<long>())
         .Output("scores");
}

/// <summary>The same sums per key and fixed 60 s window with Beam's default strategy: one on-time pane per window.</summary>
[Pipeline]
public partial class W3TeamSumsPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<Event>("events")
         .Window(Windows.Fixed(TimeSpan.FromSeconds(60)))
         .Map(static e => KV.Of(e.Key, (long)e.Value))
         .CombinePerKey(Combiners.Sum<long>())
         .Output("scores");
}

/// <summary>LeaderBoard without its early firings: on-time and late panes, 120 s allowed lateness, accumulating.</summary>
[Pipeline]
public partial class W3OnTimeAndLatePipeline
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<Event>("events")
         .Window(Windows.Fixed(TimeSpan.FromSeconds(60))
             .Triggering(Trigger.AfterWatermark().WithLateFirings(Trigger.AfterCount(1)))
             .WithAllowedLateness(TimeSpan.FromSeconds(120))
             .Accumulating())
         .Map(static e => KV.Of(e.Key, (long)e.Value))
         .CombinePerKey(Combiners.Sum<long>())
         .Output("scores");
}

/// <summary>The default trigger with 120 s allowed lateness: the simplest strategy that keeps keyed window panes.</summary>
[Pipeline]
public partial class W3LatenessOnlyPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<Event>("events")
         .Window(Windows.Fixed(TimeSpan.FromSeconds(60)).WithAllowedLateness(TimeSpan.FromSeconds(120)))
         .Map(static e => KV.Of(e.Key, (long)e.Value))
         .CombinePerKey(Combiners.Sum<long>())
         .Output("scores");
}

/// <summary>Keeps the latest pane of each key and window: with accumulating panes, the final value of each.</summary>
public sealed class LatestPaneSink : ISink<KV<int, long>>
{
    /// <summary>The latest value per key and window start.</summary>
    public Dictionary<(int Key, long Start), long> Latest { get; } = new();

    /// <summary>Panes received.</summary>
    public long Panes { get; private set; }

    /// <inheritdoc />
    public void Receive(in WindowedValue<KV<int, long>> element)
    {
        Panes++;
        Latest[(element.Value.Key, element.Window.Start.Millis)] = element.Value.Value;
    }

    /// <summary>The digest of the final panes.</summary>
    public WindowDigest Digest()
    {
        var digest = default(WindowDigest);
        foreach (var (at, value) in Latest)
        {
            digest.Add(at.Key, at.Start, at.Start + 60_000, value);
        }

        return digest;
    }
}

/// <summary>
/// The triggered path (keyed window panes: early, on-time and late panes, allowed lateness, accumulation) against the
/// default-trigger path (inline window maps) on the same events and driver: each event pushed with its timestamp,
/// processing time moved to the event's time (a replay at event speed) and the watermark 2 s behind the latest
/// timestamp, after every event. Issue target: the triggered path within 2x of the default one. Each row's loop calls
/// its own runner's methods directly, as a user's loop would: the four runners are different types, and a loop shared
/// through an interface or a delegate would add a call per event to rows that take 20 ns per event.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class LeaderBoard
{
    private Event[] _events = Array.Empty<Event>();

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        var latest = new LatestPaneSink();
        var triggered = W3LeaderBoardPipeline.CreateRunner(latest);
        Drive(triggered, _events);
        var sums = W3TeamSumsPipeline.CreateRunner(default(WindowDigestSink));
        Drive(sums, _events);
        if (latest.Digest() != sums.Scores.Digest || latest.Panes <= sums.Scores.Digest.Count)
        {
            throw new InvalidOperationException(
                $"LeaderBoard: the final panes ({latest.Digest()}, of {latest.Panes} panes) are not the default trigger's ({sums.Scores.Digest}), or it fired no early pane.");
        }
    }

    /// <summary>Default trigger: one on-time pane per key and window.</summary>
    [Benchmark(Baseline = true)]
    public WindowDigest DefaultTrigger()
    {
        var runner = W3TeamSumsPipeline.CreateRunner(default(WindowDigestSink));
        Drive(runner, _events);
        return runner.Scores.Digest;
    }

    /// <summary>LeaderBoard's trigger: early, on-time and late panes, accumulating.</summary>
    [Benchmark]
    public WindowDigest Triggered()
    {
        var runner = W3LeaderBoardPipeline.CreateRunner(default(WindowDigestSink));
        Drive(runner, _events);
        return runner.Scores.Digest;
    }

    /// <summary>Keyed window panes with the default trigger and allowed lateness: the machinery without early or late panes.</summary>
    [Benchmark]
    public WindowDigest LatenessOnly()
    {
        var runner = W3LatenessOnlyPipeline.CreateRunner(default(WindowDigestSink));
        var max = long.MinValue;
        foreach (var e in _events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            runner.AdvanceProcessingTime(new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        runner.Finish();
        return runner.Scores.Digest;
    }

    /// <summary>LeaderBoard without early firings: the on-time pane and late panes (none here), accumulating.</summary>
    [Benchmark]
    public WindowDigest OnTimeAndLate()
    {
        var runner = W3OnTimeAndLatePipeline.CreateRunner(default(WindowDigestSink));
        var max = long.MinValue;
        foreach (var e in _events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            runner.AdvanceProcessingTime(new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        runner.Finish();
        return runner.Scores.Digest;
    }

    private static void Drive<TSink>(W3LeaderBoardPipeline.Runner<TSink> runner, Event[] events)
        where TSink : ISink<KV<int, long>>
    {
        var max = long.MinValue;
        foreach (var e in events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            runner.AdvanceProcessingTime(new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        runner.Finish();
    }

    private static void Drive<TSink>(W3TeamSumsPipeline.Runner<TSink> runner, Event[] events)
        where TSink : ISink<KV<int, long>>
    {
        var max = long.MinValue;
        foreach (var e in events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            runner.AdvanceProcessingTime(new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        runner.Finish();
    }
}
