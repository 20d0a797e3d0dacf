using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>A scored game event with its event time in milliseconds.</summary>
public readonly record struct GameEvent(string Team, int Score, long TimeMs);

/// <summary>Team scores per fixed 10 s window (Beam's mobile-gaming "team score" shape, default trigger).</summary>
[Pipeline]
public partial class FixedTeamScores
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("scores");
}

/// <summary>Counts per team and overall in sliding 30 s windows every 10 s.</summary>
[Pipeline]
public partial class SlidingCounts
{
    static void Define(PipelineBuilder p)
    {
        var windowed = p.Create<GameEvent>("events")
            .WithTimestamps(static e => new Instant(e.TimeMs))
            .Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)));
        windowed.Map(static e => e.Team).CountPerElement().Output("perTeam");
        windowed.Count().Output("total");
    }
}

/// <summary>Windowed grouping, then re-windowed into the global window for a grand total.</summary>
[Pipeline]
public partial class RewindowToGlobal
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(5)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .GroupByKey()
         .Map(static kv => kv.Value.Count)
         .Window(Windows.Global())
         .CombineGlobally(Combiners.Sum<int>())
         .Output("total");
}

/// <summary>
/// Event-time behaviour checked against Beam's documented semantics and a LINQ oracle (window assignment
/// by formula, group, aggregate).
/// </summary>
public class WindowedPipelineTests
{
    private static readonly Gen<GameEvent[]> Events = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green")),
        Gen.Int[0, 100],
        Gen.Long[-60_000, 120_000],
        (team, score, time) => new GameEvent(team, score, time)).Array[0, 120];

    private static long FloorStart(long t, long size, long offset = 0) => t - ((((t - offset) % size) + size) % size);

    private static IEnumerable<long> SlidingStarts(long t, long size, long period)
    {
        for (var start = FloorStart(t, period); start > t - size; start -= period)
        {
            yield return start;
        }
    }

    private static List<(string, long, long, long)> Rows<T>(IEnumerable<WindowedValue<KV<string, T>>> elements, Func<T, long> value) =>
        elements.Select(e => (e.Value.Key, e.Window.Start.Millis, e.Window.End.Millis, value(e.Value.Value))).OrderBy(r => r).ToList();

    [Fact]
    public void FixedWindowSumsEqualTheOracle() => Events.Sample(events =>
    {
        var r = FixedTeamScores.Run(events);
        var expected = events
            .GroupBy(e => (e.Team, Start: FloorStart(e.TimeMs, 10_000)))
            .Select(g => (g.Key.Team, g.Key.Start, g.Key.Start + 10_000, (long)g.Sum(e => e.Score)))
            .OrderBy(x => x).ToList();
        Assert.Equal(expected, Rows(r.ScoresElements, v => (long)v));

        // Beam: the default trigger fires once per window when the watermark passes its end; the pane is
        // on time, first and last; the output timestamp is the end of the window (END_OF_WINDOW).
        Assert.All(r.ScoresElements, e =>
        {
            Assert.Equal(PaneInfo.OnTimeAndOnly, e.Pane);
            Assert.Equal(e.Window.End.Millis - 1, e.Timestamp.Millis);
            Assert.False(e.Window.IsGlobal);
        });
    });

    [Fact]
    public void SlidingWindowCountsEqualTheOracle() => Events.Sample(events =>
    {
        var r = SlidingCounts.Run(events);
        var assigned = events.SelectMany(e => SlidingStarts(e.TimeMs, 30_000, 10_000).Select(start => (e.Team, Start: start))).ToList();
        var perTeam = assigned.GroupBy(x => x).Select(g => (g.Key.Team, g.Key.Start, g.Key.Start + 30_000, (long)g.Count())).OrderBy(x => x).ToList();
        Assert.Equal(perTeam, Rows(r.PerTeamElements, v => v));

        // Beam: an element is in size / period sliding windows.
        Assert.Equal(events.Length * 3, assigned.Count);
        var totals = assigned.GroupBy(x => x.Start).Select(g => (g.Key, (long)g.Count())).OrderBy(x => x).ToList();
        Assert.Equal(totals, r.TotalElements.Select(e => (e.Window.Start.Millis, e.Value)).OrderBy(x => x).ToList());
    });

    [Fact]
    public void StreamingUnderAWatermarkThatNeverOvertakesDataGivesTheBatchResult()
    {
        Gen.Select(Events, Gen.Int[1, 10]).Sample((events, steps) =>
        {
            var batch = FixedTeamScores.Run(events);
            var sink = new ListSink<KV<string, int>>();
            var runner = FixedTeamScores.CreateRunner(sink);

            // Push in time order with disorder inside each slice; after each slice the watermark moves to
            // the earliest timestamp not yet pushed (so it never overtakes unseen data).
            var ordered = events.OrderBy(e => e.TimeMs).ToArray();
            var slice = Math.Max(1, ordered.Length / steps);
            for (var i = 0; i < ordered.Length; i += slice)
            {
                foreach (var e in ordered.Skip(i).Take(slice).Reverse())
                {
                    runner.PushEvents(e);
                }

                if (i + slice < ordered.Length)
                {
                    runner.AdvanceWatermark(new Instant(ordered[i + slice].TimeMs));
                }
            }

            runner.Finish();
            Assert.Equal(0, runner.DroppedLateElements);
            Assert.Equal(Rows(batch.ScoresElements, v => (long)v), Rows(sink.Elements, v => (long)v));
        });
    }

    [Fact]
    public void AWindowFiresWhenTheWatermarkPassesItsEnd()
    {
        // Beam's AfterWatermark.pastEndOfWindow: the window [0, 10 s) fires once the watermark is past
        // its max timestamp 9999 ms, and not before.
        var sink = new ListSink<KV<string, int>>();
        var runner = FixedTeamScores.CreateRunner(sink);
        runner.PushEvents(new GameEvent("red", 3, 1_000));
        runner.PushEvents(new GameEvent("red", 4, 9_999));
        runner.AdvanceWatermark(new Instant(9_999));
        Assert.Empty(sink.Items);
        runner.AdvanceWatermark(new Instant(10_000));
        var element = Assert.Single(sink.Elements);
        Assert.Equal(KV.Of("red", 7), element.Value);
        Assert.Equal(new Instant(9_999), element.Timestamp);
        Assert.Equal(PaneTiming.OnTime, element.Pane.Timing);
    }

    [Fact]
    public void LateDataIsDroppedAndCountedNotSilentlyLost()
    {
        // Beam, no allowed lateness: an element for a window that has already fired is dropped (and
        // counted by the droppedDueToLateness metric).
        var sink = new ListSink<KV<string, int>>();
        var runner = FixedTeamScores.CreateRunner(sink);
        runner.PushEvents(new GameEvent("red", 3, 1_000));
        runner.AdvanceWatermark(new Instant(20_000));
        runner.PushEvents(new GameEvent("red", 5, 2_000));   // window [0, 10 s) already emitted
        runner.PushEvents(new GameEvent("blue", 1, 25_000)); // on time
        runner.Finish();
        Assert.Equal(1, runner.DroppedLateElements);
        Assert.Equal(new[] { KV.Of("red", 3), KV.Of("blue", 1) }, sink.Items);
    }

    [Fact]
    public void WatermarksNeverGoBack()
    {
        var sink = new ListSink<KV<string, int>>();
        var runner = FixedTeamScores.CreateRunner(sink);
        runner.AdvanceWatermark(new Instant(50_000));
        runner.AdvanceWatermark(new Instant(10_000));
        Assert.Equal(new Instant(50_000), runner.Watermark);
    }

    [Fact]
    public void TimestampsCannotMoveBackward()
    {
        // Beam's WithTimestamps: an output timestamp earlier than the input's (with no allowed skew) is an error.
        var runner = FixedTeamScores.CreateRunner(new NullSink<KV<string, int>>());
        var ex = Assert.Throws<PipelineExecutionException>(() => runner.PushEvents(new GameEvent("red", 1, 1_000), new Instant(5_000)));
        Assert.StartsWith("WithTimestamps (line ", ex.Transform, StringComparison.Ordinal);
        Assert.Contains("earlier than the element's timestamp", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RewindowingIntoTheGlobalWindowAggregatesAcrossWindows() => Events.Sample(events =>
    {
        var r = RewindowToGlobal.Run(events);
        var groups = events.GroupBy(e => (e.Team, FloorStart(e.TimeMs, 5_000))).Sum(g => g.Count());
        Assert.Equal(new[] { groups }, r.Total);
        Assert.True(Assert.Single(r.TotalElements).Window.IsGlobal);
    });
}

/// <summary>Late drops reach metrics listeners.</summary>
[Collection(nameof(Compiled.Tests.Diagnostics.ProcessWideListeners))]
public class LateDropMetricsTests
{
    [Fact]
    public void LateDropsArePublished()
    {
        var seen = new List<long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Compiled.Diagnostics.PipelineMetrics.MeterName && instrument.Name == "compiled.pipeline.late_dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "pipeline" && (string?)tag.Value == "Compiled.Tests.EventTime.FixedTeamScores")
                {
                    lock (seen)
                    {
                        seen.Add(value);
                    }
                }
            }
        });
        listener.Start();

        var runner = FixedTeamScores.CreateRunner(new NullSink<KV<string, int>>());
        runner.PushEvents(new GameEvent("red", 1, 1_000));
        runner.AdvanceWatermark(new Instant(30_000));
        runner.PushEvents(new GameEvent("red", 1, 2_000));
        runner.PushEvents(new GameEvent("red", 1, 3_000));
        listener.RecordObservableInstruments();
        Assert.Contains(2L, seen);
        GC.KeepAlive(runner);
    }
}
