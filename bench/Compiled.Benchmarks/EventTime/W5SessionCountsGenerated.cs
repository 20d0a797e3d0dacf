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
}
