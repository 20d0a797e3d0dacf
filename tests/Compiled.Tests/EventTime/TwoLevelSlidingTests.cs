using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>
/// Sliding windows summed per team, then the sums re-keyed (by the team's first letter) and summed again: the second
/// combine gets whole sliding windows from the first, so it must not take them for the 10 s panes that the first
/// combine shares (it did: it dropped results of earlier windows as late).
/// </summary>
[Pipeline]
public partial class TwoLevelSlidingSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Map(static kv => KV.Of(kv.Key.Substring(0, 1), (long)kv.Value))
         .CombinePerKey(Combiners.Sum<long>())
         .Output("sums");
}

public class TwoLevelSlidingTests
{
    private static readonly Gen<GameEvent[]> Events = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("rose"), Gen.Const("blue"), Gen.Const("black")), Gen.Int[0, 20], Gen.Long[0, 120_000],
        (team, score, time) => new GameEvent(team, score, time)).Array[0, 120];

    /// <summary>Beam's result: each element in its three windows, summed per window and first letter.</summary>
    private static List<string> Oracle(GameEvent[] events) =>
        events.SelectMany(e => Enumerable.Range(0, 3).Select(k => (Start: e.TimeMs - e.TimeMs % 10_000 - k * 10_000, e)))
              .GroupBy(x => (x.Start, Letter: x.e.Team[..1]))
              .Select(g => $"{g.Key.Letter}:{g.Sum(x => (long)x.e.Score)} [{g.Key.Start}, {g.Key.Start + 30_000}) @{g.Key.Start + 29_999}")
              .OrderBy(s => s, StringComparer.Ordinal).ToList();

    private static List<string> Show(IEnumerable<WindowedValue<KV<string, long>>> panes) =>
        panes.Select(p => $"{p.Value.Key}:{p.Value.Value} [{p.Window.Start.Millis}, {p.Window.End.Millis}) @{p.Timestamp.Millis}")
             .OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Fact(DisplayName = "A combine below a combine of shared sliding panes gets every window, none dropped as late (streaming)")]
    public void Streaming() => Events.Sample(events =>
    {
        var sink = new ListSink<KV<string, long>>();
        var runner = TwoLevelSlidingSums.CreateRunner(sink);
        foreach (var e in events.OrderBy(e => e.TimeMs))
        {
            runner.AdvanceWatermark(new Instant(e.TimeMs - 1));
            runner.PushEvents(e);
        }

        runner.Finish();
        Assert.Equal(0, runner.DroppedLateElements);
        Assert.Equal(Oracle(events), Show(sink.Elements));
    });

    [Fact(DisplayName = "A combine below a combine of shared sliding panes gets every window (batch)")]
    public void Batch() => Events.Sample(events =>
        Assert.Equal(Oracle(events), Show(TwoLevelSlidingSums.Run(events).SumsElements)));

    [Fact(DisplayName = "The plan shares panes in the first combine only")]
    public void ThePlanSharesPanesOnce()
    {
        var plan = TwoLevelSlidingSums.PlanDescription;
        Assert.Single(plan.Split('\n'), l => l.Contains("per pane of the sliding windows", StringComparison.Ordinal));
    }
}
