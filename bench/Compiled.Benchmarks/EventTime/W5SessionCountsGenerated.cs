using System;
using Compiled;

namespace Compiled.Benchmarks.EventTime;

/// <summary>W5, generated: count per key in session windows with a 30 s gap, default trigger.</summary>
[Pipeline]
public partial class W5SessionCountsPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .Window(Windows.Sessions(TimeSpan.FromSeconds(30)))
         .Map(static e => KV.Of(e.Key, e.Value))
         .CountPerKey()
         .Output("counts");
}

/// <summary>
/// W5 as a batch job: the same sessions, each event timestamped by its own time. <c>Run</c> over the array sees every
/// event before the watermark moves (to the end, at Finish), so every session of every key stays open until then.
/// </summary>
[Pipeline]
public partial class W5SessionCountsBatchPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .WithTimestamps(static e => new Instant(e.Time))
         .Window(Windows.Sessions(TimeSpan.FromSeconds(30)))
         .Map(static e => KV.Of(e.Key, e.Value))
         .CountPerKey()
         .Output("counts");
}

/// <summary>
/// W5 from a source that tracks its own watermark (the latest timestamp minus W5's 2 s delay): one push of the whole
/// array is cut into bundles, after each of which the watermark moves and the sessions behind it close.
/// </summary>
[Pipeline]
public partial class W5SessionCountsOwnWatermarkPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<Event>("events", static e => new Instant(e.Time), TimeSpan.FromSeconds(2))
         .Window(Windows.Sessions(TimeSpan.FromSeconds(30)))
         .Map(static e => KV.Of(e.Key, e.Value))
         .CountPerKey()
         .Output("counts");
}

public static partial class W5SessionCounts
{
    public static WindowDigest Generated(Event[] events)
    {
        var runner = W5SessionCountsPipeline.CreateRunner(default(WindowDigestSink));
        var max = long.MinValue;
        foreach (var e in events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        runner.Finish();
        return runner.Counts.Digest;
    }

    /// <summary>The generated batch run: <c>Run</c> over the array, results collected in memory, then digested.</summary>
    public static WindowDigest GeneratedBatch(Event[] events)
    {
        var results = W5SessionCountsBatchPipeline.Run(events);
        var digest = new WindowDigest();
        foreach (var e in results.CountsElements)
        {
            digest.Add(e.Value.Key, e.Window.Start.Millis, e.Window.End.Millis, e.Value.Value);
        }

        return digest;
    }

    /// <summary>The generated runner of a source with its own watermark: one push of the whole array, cut into bundles of <paramref name="bundleSize"/>.</summary>
    public static WindowDigest GeneratedOneBigPush(Event[] events, int bundleSize)
    {
        var runner = W5SessionCountsOwnWatermarkPipeline.CreateRunner(default(WindowDigestSink));
        runner.BundleSize = bundleSize;
        runner.PushEvents(events);
        runner.Finish();
        return runner.Counts.Digest;
    }
}
