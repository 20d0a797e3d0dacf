using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Compiled.Testing;
using CsCheck;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>Team session counts: sessions with a 30 s gap, count per team (the W5 shape).</summary>
[Pipeline]
public partial class TeamSessions
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Sessions(TimeSpan.FromSeconds(30)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .CountPerKey()
         .Output("sessions");
}

/// <summary>Beam's LeaderBoard team scores: early firings on processing time, on time, late firings, accumulating.</summary>
[Pipeline]
public partial class LeaderBoardTeams
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Fixed(TimeSpan.FromMinutes(1))
             .Triggering(Trigger.AfterWatermark()
                 .WithEarlyFirings(Trigger.AfterProcessingTime(TimeSpan.FromSeconds(5)))
                 .WithLateFirings(Trigger.AfterCount(1)))
             .WithAllowedLateness(TimeSpan.FromMinutes(10))
             .Accumulating())
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("scores");
}

/// <summary>Values grouped per key in the global window, a pane every two elements.</summary>
[Pipeline]
public partial class GlobalPairs
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(2))).Discarding())
         .Map(static e => KV.Of(e.Team, e.Score))
         .GroupByKey()
         .Output("pairs");
}

/// <summary>Total events per session of all teams, timestamped at the earliest element, with lateness.</summary>
[Pipeline]
public partial class SessionTotals
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Sessions(TimeSpan.FromSeconds(10))
             .WithAllowedLateness(TimeSpan.FromSeconds(30))
             .WithTimestampCombiner(TimestampCombiner.Earliest))
         .Count()
         .Output("totals");
}

/// <summary>A custom (non-merging) window function: windows of 7 seconds.</summary>
public readonly struct SevenSecondWindows : IWindowFn
{
    private static readonly FixedWindows Inner = new(7_000);

    /// <inheritdoc/>
    public bool IsMerging => false;

    /// <inheritdoc/>
    public bool AssignsToOneWindow => true;

    /// <inheritdoc/>
    public int MaxWindowsPerElement => 1;

    /// <inheritdoc/>
    public int AssignWindows(Instant timestamp, Span<BoundedWindow> destination) => Inner.AssignWindows(timestamp, destination);

    /// <inheritdoc/>
    public void AssignWindows<TConsumer>(Instant timestamp, ref TConsumer consumer)
        where TConsumer : IWindowConsumer, allows ref struct => Inner.AssignWindows(timestamp, ref consumer);

    /// <inheritdoc/>
    public Instant GetOutputTime(Instant inputTimestamp, BoundedWindow window) => inputTimestamp;

    /// <inheritdoc/>
    public BoundedWindow GetSideInputWindow(BoundedWindow mainWindow) => Inner.GetSideInputWindow(mainWindow);

    /// <inheritdoc/>
    public bool IsCompatible<TOther>(in TOther other)
        where TOther : IWindowFn => other is SevenSecondWindows;
}

/// <summary>Per-team sums in a custom window function.</summary>
[Pipeline]
public partial class CustomWindowSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Custom<SevenSecondWindows>())
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("sums");
}

/// <summary>Triggers, lateness, accumulation, timestamp combiners, sessions and custom windows through generated pipelines.</summary>
public class TriggeredPipelineTests
{
    private static readonly Gen<GameEvent[]> Events = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green")),
        Gen.Int[0, 100],
        Gen.Long[0, 300_000],
        (team, score, time) => new GameEvent(team, score, time)).Array[0, 80];

    /// <summary>The sessions of one key by formula: sort, split where the gap between neighbours is at least the gap.</summary>
    private static IEnumerable<(long Start, long End, List<GameEvent> Events)> Sessions(IEnumerable<GameEvent> events, long gap)
    {
        var sorted = events.OrderBy(e => e.TimeMs).ToList();
        var i = 0;
        while (i < sorted.Count)
        {
            var group = new List<GameEvent> { sorted[i] };
            var end = sorted[i].TimeMs + gap;
            i++;
            while (i < sorted.Count && sorted[i].TimeMs < end)
            {
                group.Add(sorted[i]);
                end = Math.Max(end, sorted[i].TimeMs + gap);
                i++;
            }

            yield return (group[0].TimeMs, end, group);
        }
    }

    [Fact(DisplayName = "Sessions per key in batch equal a LINQ oracle (sort, split at gaps; Beam's Sessions + MergeOverlappingIntervalWindows)")]
    public void SessionsEqualTheOracle() => Events.Sample(events =>
    {
        var r = TeamSessions.Run(events);
        var expected = events.GroupBy(e => e.Team)
            .SelectMany(g => Sessions(g, 30_000).Select(s => (g.Key, s.Start, s.End, (long)s.Events.Count)))
            .OrderBy(x => x).ToList();
        var actual = r.SessionsElements.Select(e => (e.Value.Key, e.Window.Start.Millis, e.Window.End.Millis, e.Value.Value)).OrderBy(x => x).ToList();
        Assert.Equal(expected, actual);
        Assert.All(r.SessionsElements, e =>
        {
            Assert.Equal(PaneInfo.OnTimeAndOnly, e.Pane);
            Assert.Equal(e.Window.MaxTimestamp, e.Timestamp);
        });
    });

    [Fact(DisplayName = "Sessions streamed under a random watermark schedule that never overtakes unseen data give the batch panes")]
    public void SessionsStreamingEqualsBatch()
    {
        Gen.Select(Events, Gen.Int[1, 12], Gen.Int[0, 5_000]).Sample((events, steps, disorder) =>
        {
            var batch = TeamSessions.Run(events).SessionsElements
                .Select(e => (e.Value.Key, e.Window.Start.Millis, e.Window.End.Millis, e.Value.Value, e.Pane)).OrderBy(x => x.ToString()).ToList();
            var sink = new ListSink<KV<string, long>>();
            var runner = TeamSessions.CreateRunner(sink);
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
                    runner.AdvanceWatermark(new Instant(ordered[i + slice].TimeMs - disorder));
                }
            }

            runner.Finish();
            var streamed = sink.Elements.Select(e => (e.Value.Key, e.Window.Start.Millis, e.Window.End.Millis, e.Value.Value, e.Pane)).OrderBy(x => x.ToString()).ToList();
            Assert.Equal(batch, streamed);
            Assert.Equal(0, runner.DroppedLateElements);
        });
    }

    [Fact(DisplayName = "LeaderBoard team scores through the generated runner: early (processing time), on-time and late panes, accumulating")]
    public void LeaderBoardPanes()
    {
        var sink = new ListSink<KV<string, int>>();
        var runner = LeaderBoardTeams.CreateRunner(sink);
        runner.AdvanceProcessingTime(new Instant(0));
        runner.PushEvents(new GameEvent("red", 3, 1_000), new Instant(0));
        runner.PushEvents(new GameEvent("red", 4, 2_000), new Instant(0));
        Assert.Empty(sink.Elements);
        runner.AdvanceProcessingTime(new Instant(5_000));
        var early = Assert.Single(sink.Elements);
        Assert.Equal((7, PaneTiming.Early, 0L, -1L, true), (early.Value.Value, early.Pane.Timing, early.Pane.Index, early.Pane.NonSpeculativeIndex, early.Pane.IsFirst));
        runner.PushEvents(new GameEvent("red", 5, 3_000), new Instant(0));
        runner.AdvanceWatermark(new Instant(60_000));
        var onTime = sink.Elements[1];
        Assert.Equal((12, PaneTiming.OnTime, 1L, 0L), (onTime.Value.Value, onTime.Pane.Timing, onTime.Pane.Index, onTime.Pane.NonSpeculativeIndex));
        Assert.Equal(59_999, onTime.Timestamp.Millis);
        runner.PushEvents(new GameEvent("red", 10, 30_000), new Instant(0));
        var late = sink.Elements[2];
        Assert.Equal((22, PaneTiming.Late, 2L, 1L, false), (late.Value.Value, late.Pane.Timing, late.Pane.Index, late.Pane.NonSpeculativeIndex, late.Pane.IsLast));
        Assert.Equal(59_999 + 600_000, late.Timestamp.Millis);
        runner.AdvanceWatermark(new Instant(60_000 + 600_000));
        Assert.Equal(3, sink.Elements.Count);

        // Past the allowed lateness: dropped and counted.
        runner.PushEvents(new GameEvent("red", 1, 30_000), new Instant(0));
        Assert.Equal(1, runner.DroppedLateElements);
        runner.Finish();
        Assert.Equal(3, sink.Elements.Count);
    }

    [Fact(DisplayName = "A clock set on the runner drives processing-time triggers as elements arrive (TimeProvider)")]
    public void TimeProviderDrivesProcessingTime()
    {
        var clock = new ManualClock(DateTimeOffset.FromUnixTimeMilliseconds(0));
        var sink = new ListSink<KV<string, int>>();
        var runner = LeaderBoardTeams.CreateRunner(sink);
        runner.TimeProvider = clock;
        runner.PushEvents(new GameEvent("blue", 1, 1_000), new Instant(0));
        clock.Now = DateTimeOffset.FromUnixTimeMilliseconds(6_000);
        runner.PushEvents(new GameEvent("blue", 2, 1_500), new Instant(0));
        var early = Assert.Single(sink.Elements);
        Assert.Equal(PaneTiming.Early, early.Pane.Timing);
    }

    [Fact(DisplayName = "Repeatedly(AfterCount(2)) in the global window: a pane per two values of a key, the rest at end of input")]
    public void GlobalPairsPanes()
    {
        var events = new[] { new GameEvent("red", 1, 1), new GameEvent("red", 2, 2), new GameEvent("blue", 3, 3), new GameEvent("red", 4, 4) };
        var sink = new ListSink<KV<string, IReadOnlyList<int>>>();
        var runner = GlobalPairs.CreateRunner(sink);
        foreach (var e in events)
        {
            runner.PushEvents(e);
        }

        Assert.Equal(new[] { "red:1,2:Early" }, sink.Elements.Select(e => e.Value.Key + ":" + string.Join(",", e.Value.Value) + ":" + e.Pane.Timing));
        runner.Finish();
        Assert.Equal(
            new[] { "blue:3:OnTime:last", "red:1,2:Early:", "red:4:OnTime:last" },
            sink.Elements.Select(e => e.Value.Key + ":" + string.Join(",", e.Value.Value) + ":" + e.Pane.Timing + ":" + (e.Pane.IsLast ? "last" : string.Empty)).OrderBy(x => x));
    }

    [Fact(DisplayName = "Count in sessions across all elements, timestamped at the earliest element (TimestampCombiner.EARLIEST)")]
    public void SessionTotalsEarliest() => Events.Sample(events =>
    {
        var r = SessionTotals.Run(events);
        var expected = Sessions(events, 10_000).Select(s => (s.Start, s.End, (long)s.Events.Count, s.Start)).OrderBy(x => x).ToList();
        Assert.Equal(expected, r.TotalsElements.Select(e => (e.Window.Start.Millis, e.Window.End.Millis, e.Value, e.Timestamp.Millis)).OrderBy(x => x).ToList());
    });

    [Fact(DisplayName = "A custom window function's windows are used as declared")]
    public void CustomWindows() => Events.Sample(events =>
    {
        var r = CustomWindowSums.Run(events);
        var expected = events.GroupBy(e => (e.Team, Start: e.TimeMs - (e.TimeMs % 7_000)))
            .Select(g => (g.Key.Team, g.Key.Start, g.Key.Start + 7_000, g.Sum(e => e.Score))).OrderBy(x => x).ToList();
        Assert.Equal(expected, r.SumsElements.Select(e => (e.Value.Key, e.Window.Start.Millis, e.Window.End.Millis, e.Value.Value)).OrderBy(x => x).ToList());
    });

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

/// <summary>A DoFn that re-timestamps readings by their own clock field, allowing 5 s of skew backwards.</summary>
[Pipeline]
public partial class Retimestamp
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .ParDo<GameEvent>(static (e, output) => output.EmitWithTimestamp(e, new Instant(e.TimeMs)), allowedTimestampSkew: TimeSpan.FromSeconds(5))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
         .Count()
         .Output("counts");
}

/// <summary>ParDo outputs with timestamps (Beam's outputWithTimestamp and allowed skew).</summary>
public class TimestampedOutputTests
{
    [Fact(DisplayName = "outputWithTimestamp re-timestamps into the windows; going back within the allowed skew is accepted (DoFn.getAllowedTimestampSkew)")]
    public void WithinSkew()
    {
        var sink = new ListSink<long>();
        var runner = Retimestamp.CreateRunner(sink);
        runner.PushEvents(new GameEvent("red", 1, 12_000), new Instant(10_000));
        runner.PushEvents(new GameEvent("red", 1, 6_000), new Instant(10_000));
        runner.Finish();
        Assert.Equal(new[] { (0L, 1L), (10_000L, 1L) }, sink.Elements.Select(e => (e.Window.Start.Millis, e.Value)).OrderBy(x => x));
    }

    [Fact(DisplayName = "outputWithTimestamp earlier than the input minus the allowed skew throws, naming the transform")]
    public void BeyondSkewThrows()
    {
        var runner = Retimestamp.CreateRunner(new ListSink<long>());
        var error = Assert.Throws<PipelineExecutionException>(() => runner.PushEvents(new GameEvent("red", 1, 4_000), new Instant(10_000)));
        Assert.StartsWith("ParDo (line ", error.Transform, StringComparison.Ordinal);
        Assert.Contains("allowed skew of 5000 ms", error.Message);
    }
}

/// <summary>Pipelines tested the way Beam users test theirs: a TestStream script and pane-aware assertions.</summary>
public class TestStreamTests
{
    private static TimestampedValue<GameEvent> Play(string team, int score, long ms) => new(new GameEvent(team, score, ms), new Instant(ms));

    private static BoundedWindow Minute(long start) => BoundedWindow.Interval(new Instant(start), new Instant(start + 60_000));

    [Fact(DisplayName = "TestStream: early, on-time and late panes of LeaderBoard team scores (Beam's LeaderBoardTest.testTeamScoresSpeculative/OnTime/LateData)")]
    public void LeaderBoardWithTestStream()
    {
        var stream = TestStream.Create<GameEvent>()
            .AddElements(Play("red", 3, 1_000), Play("blue", 2, 2_000))
            .AdvanceProcessingTime(TimeSpan.FromSeconds(6))
            .AddElements(Play("red", 5, 30_000))
            .AdvanceWatermarkTo(new Instant(61_000))
            .AddElements(Play("red", 7, 50_000))
            .AdvanceWatermarkToInfinity();
        var sink = new ListSink<KV<string, int>>();
        var runner = LeaderBoardTeams.CreateRunner(sink);
        stream.Run(runner, runner.PushEvents);

        var output = PaneAssert.That(sink.Elements);
        output.InEarlyPanes(Minute(0)).ContainsInAnyOrder(KV.Of("red", 3), KV.Of("blue", 2));
        output.InOnTimePane(Minute(0)).ContainsInAnyOrder(KV.Of("red", 8), KV.Of("blue", 2));
        output.InLatePanes(Minute(0)).ContainsInAnyOrder(KV.Of("red", 15));
        // Beam's default closing behaviour: no new data at garbage collection, so no final (isLast) pane.
        output.InFinalPane(Minute(0)).IsEmpty();
        output.InCombinedNonLatePanes(Minute(0)).ContainsInAnyOrder(KV.Of("red", 3), KV.Of("blue", 2), KV.Of("red", 8), KV.Of("blue", 2));
        output.InWindow(Minute(60_000)).IsEmpty();
    }

    [Fact(DisplayName = "Pane assertions fail with a message that lists the panes")]
    public void AssertionMessage()
    {
        var sink = new ListSink<KV<string, int>>();
        var runner = FixedTeamScores.CreateRunner(sink);
        TestStream.Create<GameEvent>().AddElements(Play("red", 1, 1_000)).AdvanceWatermarkToInfinity().Run(runner, runner.PushEvents);
        var error = Assert.Throws<Compiled.Testing.PaneAssertionException>(() =>
            PaneAssert.That(sink.Elements).InOnTimePane(BoundedWindow.Interval(new Instant(0), new Instant(10_000))).ContainsInAnyOrder(KV.Of("red", 2)));
        Assert.Contains("missing [(red, 2)]", error.Message.Replace("KV", string.Empty, StringComparison.Ordinal));
    }

    [Fact(DisplayName = "A TestStream's watermark may not go back; nothing follows its end")]
    public void StreamRules()
    {
        var stream = TestStream.Create<int>().AdvanceWatermarkTo(new Instant(10));
        Assert.Throws<ArgumentException>(() => stream.AdvanceWatermarkTo(new Instant(5)));
        Assert.Throws<InvalidOperationException>(() => stream.AdvanceWatermarkToInfinity().AddElement(1, new Instant(20)));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.AdvanceProcessingTime(TimeSpan.Zero));
    }
}

/// <summary>Clicks and views from two sources with their own timestamps; views may go idle.</summary>
[Pipeline]
public partial class SourceWatermarks
{
    static void Define(PipelineBuilder p)
    {
        var clicks = p.Unbounded<GameEvent>("clicks", static e => new Instant(e.TimeMs), maxOutOfOrderness: TimeSpan.FromSeconds(2));
        var views = p.Unbounded<GameEvent>("views", static e => new Instant(e.TimeMs), TimeSpan.FromSeconds(1), idleness: TimeSpan.FromSeconds(30));
        p.Flatten(clicks, views)
         .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("sums");
    }
}

/// <summary>Watermarks that sources derive themselves: bounded out-of-orderness, per-input minimum, idleness.</summary>
public class SourceWatermarkTests
{
    [Fact(DisplayName = "A source's watermark trails its latest timestamp by the declared out-of-orderness; the pipeline's is the minimum over inputs")]
    public void BoundedOutOfOrderness()
    {
        var sink = new ListSink<KV<string, int>>();
        var runner = SourceWatermarks.CreateRunner(sink);
        runner.PushClicks(new GameEvent("red", 1, 5_000));
        runner.PushViews(new GameEvent("red", 2, 11_500));
        Assert.Equal(3_000, runner.Watermark.Millis); // min(5 s - 2 s, 11.5 s - 1 s)
        runner.PushClicks(new GameEvent("red", 4, 12_500));
        Assert.Equal(10_500, runner.Watermark.Millis); // min(12.5 - 2, 11.5 - 1)
        Assert.Equal(new[] { ("red", 1) }, sink.Elements.Select(e => (e.Value.Key, e.Value.Value)));

        // Within the out-of-orderness: still on time for [10 s, 20 s).
        runner.PushClicks(new GameEvent("red", 8, 10_600));
        runner.Finish();
        Assert.Equal(new[] { ("red", 1), ("red", 14) }, sink.Elements.Select(e => (e.Value.Key, e.Value.Value)));
        Assert.Equal(0, runner.DroppedLateElements);
    }

    [Fact(DisplayName = "An idle source stops holding the watermark back after the idleness timeout, and counts again when data arrives")]
    public void IdleSourceDoesNotStall()
    {
        var sink = new ListSink<KV<string, int>>();
        var runner = SourceWatermarks.CreateRunner(sink);
        runner.AdvanceProcessingTime(new Instant(0));
        runner.PushViews(new GameEvent("blue", 1, 1_000));
        runner.PushClicks(new GameEvent("red", 1, 30_000));
        Assert.Equal(0, runner.Watermark.Millis); // views (1 s - 1 s) hold it back
        Assert.Empty(sink.Elements);
        runner.AdvanceProcessingTime(new Instant(30_000)); // views idle for 30 s
        Assert.Equal(28_000, runner.Watermark.Millis);
        Assert.Equal(new[] { ("blue", 1) }, sink.Elements.Select(e => (e.Value.Key, e.Value.Value)));
        runner.PushViews(new GameEvent("blue", 5, 29_000));
        Assert.Equal(28_000, runner.Watermark.Millis); // active again, the watermark never goes back
    }
}

/// <summary>Sliding sums and counts whose windows are assembled from shared panes.</summary>
[Pipeline]
public partial class SlidingPaneSums
{
    static void Define(PipelineBuilder p)
    {
        var windowed = p.Create<GameEvent>("events")
            .WithTimestamps(static e => new Instant(e.TimeMs))
            .Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)));
        windowed.Map(static e => KV.Of(e.Team, e.Score)).CombinePerKey(Combiners.Sum<int>()).Output("sums");
        windowed.Count().Output("counts");
    }
}

/// <summary>The same windows, one branch per window (a per-element count keeps every window's state apart).</summary>
[Pipeline]
public partial class SlidingWindowSums
{
    static void Define(PipelineBuilder p)
    {
        var windowed = p.Create<GameEvent>("events")
            .WithTimestamps(static e => new Instant(e.TimeMs))
            .Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)));
        windowed.Map(static e => KV.Of(e.Team, e.Score)).CombinePerKey(Combiners.Sum<int>()).Output("sums");
        windowed.Count().Output("counts");
        windowed.Map(static e => e.Team).CountPerElement().Output("perTeam");
    }
}

/// <summary>Sliding windows assembled from panes give exactly what per-window state gives, late data included.</summary>
public class SlidingPaneTests
{
    private static readonly Gen<GameEvent[]> Events = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green")),
        Gen.Int[0, 100],
        Gen.Long[-50_000, 200_000],
        (team, score, time) => new GameEvent(team, score, time)).Array[0, 100];

    [Fact(DisplayName = "Pane-shared sliding windows equal per-window state under random watermarks with late data")]
    public void PanesEqualWindows()
    {
        Gen.Select(Events, Gen.Int[1, 10], Gen.Int[0, 40_000]).Sample((events, steps, lag) =>
        {
            var shared = (Sums: new ListSink<KV<string, int>>(), Counts: new ListSink<long>());
            var separate = (Sums: new ListSink<KV<string, int>>(), Counts: new ListSink<long>(), PerTeam: new ListSink<KV<string, long>>());
            var a = SlidingPaneSums.CreateRunner(shared.Sums, shared.Counts);
            var b = SlidingWindowSums.CreateRunner(separate.Sums, separate.Counts, separate.PerTeam);
            var max = long.MinValue;
            var slice = Math.Max(1, events.Length / steps);
            for (var i = 0; i < events.Length; i++)
            {
                a.PushEvents(events[i]);
                b.PushEvents(events[i]);
                max = Math.Max(max, events[i].TimeMs);
                if (i % slice == slice - 1)
                {
                    a.AdvanceWatermark(new Instant(max - lag));
                    b.AdvanceWatermark(new Instant(max - lag));
                }
            }

            a.Finish();
            b.Finish();
            static List<string> Rows<T>(ListSink<T> sink) =>
                sink.Elements.Select(e => e.Value + "@" + e.Window + ":" + e.Timestamp.Millis + ":" + e.Pane).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(Rows(separate.Sums), Rows(shared.Sums));
            Assert.Equal(Rows(separate.Counts), Rows(shared.Counts));
        });
    }

    [Fact(DisplayName = "Pane-shared sliding windows equal per-window state on 2,000 small random streams with disorder and late data")]
    public void PanesEqualWindowsOnSmallStreams()
    {
        var rnd = new Random(1);
        for (var iter = 0; iter < 2000; iter++)
        {
            var n = rnd.Next(1, 12);
            var events = Enumerable.Range(0, n).Select(_ => new GameEvent("g", rnd.Next(1, 5), rnd.Next(0, 12) * 5_000L)).ToArray();
            var lag = rnd.Next(0, 4) * 10_000;
            var every = rnd.Next(1, 4);
            string Run(bool shared)
            {
                var sums = new ListSink<KV<string, int>>();
                var counts = new ListSink<long>();
                var per = new ListSink<KV<string, long>>();
                IStreamingRunner r = shared ? SlidingPaneSums.CreateRunner(sums, counts) : SlidingWindowSums.CreateRunner(sums, counts, per);
                var max = long.MinValue;
                for (var i = 0; i < events.Length; i++)
                {
                    if (shared) ((SlidingPaneSums.Runner<ListSink<KV<string, int>>, ListSink<long>>)r).PushEvents(events[i]);
                    else ((SlidingWindowSums.Runner<ListSink<KV<string, int>>, ListSink<long>, ListSink<KV<string, long>>>)r).PushEvents(events[i]);
                    max = Math.Max(max, events[i].TimeMs);
                    if (i % every == every - 1) r.AdvanceWatermark(new Instant(max - lag));
                }
                r.Finish();
                return string.Join("\n", sums.Elements.Select(e => e.Value + "@" + e.Window).OrderBy(x => x, StringComparer.Ordinal));
            }
            var x = Run(true); var y = Run(false);
            if (x != y)
            {
                Assert.Fail("events " + string.Join(",", events.Select(e => e.TimeMs + ":" + e.Score)) + " lag " + lag + " every " + every + "\nshared\n" + x + "\nwindows\n" + y);
            }
        }
    }
}

/// <summary>Late data routed to declared outputs instead of only counted.</summary>
[Pipeline]
public partial class LateDataOutputs
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<GameEvent>("events").WithTimestamps(static e => new Instant(e.TimeMs));
        events.Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
              .Map(static e => KV.Of(e.Team, e.Score))
              .CombinePerKey(Combiners.Sum<int>(), lateData: "lateFixed")
              .Output("fixedSums");
        events.Window(Windows.Fixed(TimeSpan.FromSeconds(10)).WithAllowedLateness(TimeSpan.FromSeconds(5)))
              .Map(static e => KV.Of(e.Team, e.Score))
              .CountPerKey(lateData: "lateWithLateness")
              .Output("counts");
        events.Window(Windows.Sliding(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10)))
              .Count(lateData: "lateSliding")
              .Output("slidingCounts");
    }
}

/// <summary>A grouping's late-data output receives exactly what it drops, with timestamp and window.</summary>
public class LateDataOutputTests
{
    [Fact(DisplayName = "Elements dropped as late go to the declared late-data output with their timestamp and window, and are still counted")]
    public void LateElementsAreRouted()
    {
        var fixedSums = new ListSink<KV<string, int>>();
        var lateFixed = new ListSink<KV<string, int>>();
        var counts = new ListSink<KV<string, long>>();
        var lateWithLateness = new ListSink<KV<string, int>>();
        var slidingCounts = new ListSink<long>();
        var lateSliding = new ListSink<GameEvent>();
        var runner = LateDataOutputs.CreateRunner(lateFixed: lateFixed, fixedSums: fixedSums, lateWithLateness: lateWithLateness, counts: counts, lateSliding: lateSliding, slidingCounts: slidingCounts);
        runner.PushEvents(new GameEvent("red", 1, 1_000));
        runner.AdvanceWatermark(new Instant(12_000));
        runner.PushEvents(new GameEvent("red", 2, 3_000)); // late for [0, 10 s) everywhere but within 5 s of lateness
        runner.AdvanceWatermark(new Instant(16_000));
        runner.PushEvents(new GameEvent("red", 4, 4_000)); // now beyond the lateness too
        runner.Finish();

        Assert.Equal(new[] { ("red", 2, 3_000L, 0L), ("red", 4, 4_000L, 0L) }, lateFixed.Elements.Select(e => (e.Value.Key, e.Value.Value, e.Timestamp.Millis, e.Window.Start.Millis)));
        Assert.Equal(new[] { ("red", 4, 4_000L) }, lateWithLateness.Elements.Select(e => (e.Value.Key, e.Value.Value, e.Timestamp.Millis)));
        Assert.Equal(new[] { ("red", 1L), ("red", 1L) }, counts.Elements.Select(e => (e.Value.Key, e.Value.Value)));

        // Sliding 20 s every 10 s: the elements at 3 s and 4 s are in [-10, 10) and [0, 20); only the first had fired (at 12 s and 16 s).
        Assert.Equal(
            new[] { (3_000L, -10_000L), (4_000L, -10_000L) },
            lateSliding.Elements.Select(e => (e.Timestamp.Millis, e.Window.Start.Millis)).OrderBy(x => x));
        Assert.Equal(2 + 1 + 2, runner.DroppedLateElements);
    }
}

/// <summary>Counts per team every two events, then a total of the per-team counts downstream.</summary>
[Pipeline]
public partial class ContinuationCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(2))).Discarding())
         .Map(static e => KV.Of(e.Team, 1))
         .CountPerKey()
         .Map(static kv => kv.Value)
         .CombineGlobally(Combiners.Sum<long>())
         .Output("totals");
}

/// <summary>Continuation triggers (Beam's getContinuationTrigger) after a grouping.</summary>
public class ContinuationTriggerTests
{
    [Fact(DisplayName = "Continuation triggers: counts become AfterCount(1), AfterEach becomes Repeatedly(AfterFirst), watermark triggers keep their shape (TriggerTest.getContinuationTrigger)")]
    public void ContinuationShapes()
    {
        Assert.Equal("Repeatedly(AfterCount(1))", Compiled.Triggers.TriggerSpec.Repeatedly(Compiled.Triggers.TriggerSpec.AfterCount(5)).Continuation().ToString());
        Assert.Equal("Repeatedly(AfterFirst(AfterCount(1), AfterProcessingTime(0 ms)))",
            Compiled.Triggers.TriggerSpec.AfterEach(Compiled.Triggers.TriggerSpec.AfterCount(3), Compiled.Triggers.TriggerSpec.AfterProcessingTime(60_000)).Continuation().ToString());
        Assert.Equal("AfterWatermark.WithEarlyFirings(AfterCount(1))",
            Compiled.Triggers.TriggerSpec.AfterWatermark(Compiled.Triggers.TriggerSpec.AfterCount(10)).Continuation().ToString());
        Assert.Equal("Default", Compiled.Triggers.TriggerSpec.Default().Continuation().ToString());
    }

    [Fact(DisplayName = "A grouping after a triggered grouping fires on each upstream pane (its trigger is the continuation)")]
    public void DownstreamFiresPerUpstreamPane()
    {
        var sink = new ListSink<long>();
        var runner = ContinuationCounts.CreateRunner(sink);
        foreach (var (team, t) in new[] { ("red", 1L), ("red", 2L), ("blue", 3L), ("blue", 4L) })
        {
            runner.PushEvents(new GameEvent(team, 1, t));
        }

        // Upstream fires (red, 2) then (blue, 2); with the continuation AfterCount(1), each reaches the total at once.
        Assert.Equal(new[] { 2L, 2L }, sink.Elements.Select(e => e.Value));
        Assert.All(sink.Elements, e => Assert.Equal(PaneTiming.Early, e.Pane.Timing));
        Assert.Contains("continuation of Repeatedly(AfterCount(2))", ContinuationCounts.PlanDescription, StringComparison.Ordinal);
    }
}

/// <summary>A custom merging window function: 30 s sessions written by hand (proto-windows [t, t + 30 s), overlapping ones merge).</summary>
public readonly struct HandSessions : IMergingWindowFn
{
    private static readonly Sessions Inner = new(30_000);

    /// <inheritdoc/>
    public bool IsMerging => true;

    /// <inheritdoc/>
    public bool AssignsToOneWindow => false;

    /// <inheritdoc/>
    public int MaxWindowsPerElement => 1;

    /// <inheritdoc/>
    public int AssignWindows(Instant timestamp, Span<BoundedWindow> destination) => Inner.AssignWindows(timestamp, destination);

    /// <inheritdoc/>
    public void AssignWindows<TConsumer>(Instant timestamp, ref TConsumer consumer)
        where TConsumer : IWindowConsumer, allows ref struct => Inner.AssignWindows(timestamp, ref consumer);

    /// <inheritdoc/>
    public void MergeWindows<TConsumer>(Span<BoundedWindow> windows, ref TConsumer consumer)
        where TConsumer : IMergeConsumer, allows ref struct => MergeOverlappingIntervalWindows.MergeWindows(windows, ref consumer);

    /// <inheritdoc/>
    public Instant GetOutputTime(Instant inputTimestamp, BoundedWindow window) => inputTimestamp;

    /// <inheritdoc/>
    public BoundedWindow GetSideInputWindow(BoundedWindow mainWindow) => throw new NotSupportedException();

    /// <inheritdoc/>
    public bool IsCompatible<TOther>(in TOther other)
        where TOther : IWindowFn => other is HandSessions;
}

/// <summary>Team session counts through the custom merging window function.</summary>
[Pipeline]
public partial class CustomMergingSessions
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Custom<HandSessions>())
         .Map(static e => KV.Of(e.Team, e.Score))
         .CountPerKey()
         .Output("sessions");
}

/// <summary>Custom merging window functions merge as they say.</summary>
public class CustomMergingTests
{
    private static readonly Gen<GameEvent[]> Events = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue")),
        Gen.Int[0, 100],
        Gen.Long[0, 400_000],
        (team, score, time) => new GameEvent(team, score, time)).Array[0, 60];

    [Fact(DisplayName = "A custom merging window function gives the panes of the built-in Sessions it reimplements, in batch and streaming")]
    public void CustomMergingEqualsSessions()
    {
        Gen.Select(Events, Gen.Int[1, 8]).Sample((events, steps) =>
        {
            static List<string> Rows(IEnumerable<WindowedValue<KV<string, long>>> elements) =>
                elements.Select(e => e.Value + "@" + e.Window + ":" + e.Timestamp.Millis + ":" + e.Pane).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.Equal(Rows(TeamSessions.Run(events).SessionsElements), Rows(CustomMergingSessions.Run(events).SessionsElements));

            var sink = new ListSink<KV<string, long>>();
            var runner = CustomMergingSessions.CreateRunner(sink);
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
            Assert.Equal(Rows(TeamSessions.Run(events).SessionsElements), Rows(sink.Elements));
        });
    }
}

/// <summary>Distinct teams and a join of scores and penalties per team, in sessions.</summary>
[Pipeline]
public partial class SessionDistinctAndJoin
{
    static void Define(PipelineBuilder p)
    {
        var scores = p.Create<GameEvent>("scores").WithTimestamps(static e => new Instant(e.TimeMs)).Window(Windows.Sessions(TimeSpan.FromSeconds(10)));
        var penalties = p.Create<GameEvent>("penalties").WithTimestamps(static e => new Instant(e.TimeMs)).Window(Windows.Sessions(TimeSpan.FromSeconds(10)));
        scores.Map(static e => e.Team).Distinct().Output("teams");
        scores.Map(static e => KV.Of(e.Team, e.Score))
              .CoGroupByKey(penalties.Map(static e => KV.Of(e.Team, -e.Score)))
              .Output("joined");
    }
}

/// <summary>Distinct and CoGroupByKey on keyed window panes.</summary>
public class PanedDistinctAndJoinTests
{
    [Fact(DisplayName = "Distinct and CoGroupByKey in sessions: one element per session, the join's lists per input and session")]
    public void DistinctAndJoinInSessions()
    {
        var teams = new ListSink<string>();
        var joined = new ListSink<KV<string, CoGbkResult<int, int>>>();
        var runner = SessionDistinctAndJoin.CreateRunner(teams, joined);
        runner.PushScores(new GameEvent("red", 1, 1_000));
        runner.PushScores(new GameEvent("red", 2, 5_000));
        runner.PushPenalties(new GameEvent("red", 3, 8_000));
        runner.PushScores(new GameEvent("red", 4, 40_000));
        runner.Finish();
        Assert.Equal(new[] { ("red", 1_000L, 15_000L), ("red", 40_000L, 50_000L) }, teams.Elements.Select(e => (e.Value, e.Window.Start.Millis, e.Window.End.Millis)).OrderBy(x => x));
        var rows = joined.Elements.Select(e => (e.Window.Start.Millis, string.Join(",", e.Value.Value.First), string.Join(",", e.Value.Value.Second))).OrderBy(x => x).ToList();
        Assert.Equal(new[] { (1_000L, "1,2", "-3"), (40_000L, "4", "") }, rows);
    }
}

/// <summary>Per-minute sums timestamped at their earliest element, then counted in 10 s windows downstream.</summary>
[Pipeline]
public partial class HeldDownstream
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Fixed(TimeSpan.FromMinutes(1)).WithTimestampCombiner(TimestampCombiner.Earliest))
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
         .Count()
         .Output("counts");
}

/// <summary>Watermark holds: a pane's output timestamp holds its consumers' watermark until it is emitted.</summary>
public class WatermarkHoldTests
{
    [Fact(DisplayName = "A pane timestamped at its earliest element is on time downstream: the hold kept the downstream watermark back (Beam's WatermarkHold)")]
    public void EarliestPaneIsNotLateDownstream()
    {
        var sink = new ListSink<long>();
        var runner = HeldDownstream.CreateRunner(sink);
        runner.PushEvents(new GameEvent("red", 1, 2_000));
        runner.PushEvents(new GameEvent("red", 1, 50_000));
        runner.AdvanceWatermark(new Instant(59_000)); // the minute's pane is pending, held at 2 s
        runner.AdvanceWatermark(new Instant(61_000)); // it fires, timestamped 2 s, into downstream window [0, 10 s)
        runner.Finish();
        Assert.Equal(0, runner.DroppedLateElements);
        var pane = Assert.Single(sink.Elements);
        Assert.Equal((0L, 1L), (pane.Window.Start.Millis, pane.Value));
    }
}

/// <summary>Global sums and counts with and without defaults.</summary>
[Pipeline]
public partial class Defaults
{
    static void Define(PipelineBuilder p)
    {
        var numbers = p.Create<int>("numbers");
        numbers.CombineGlobally(Combiners.Sum<int>()).Output("sum");
        numbers.CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true).Output("sumWithoutDefaults");
        numbers.Count(withoutDefaults: true).Output("countWithoutDefaults");
    }
}

/// <summary>Beam's Combine.globally defaults and withoutDefaults.</summary>
public class WithoutDefaultsTests
{
    [Fact(DisplayName = "Combine.globally emits the default for an empty input; withoutDefaults emits nothing (Beam's CombineTest.testGlobalCombineWithDefaultsAndTriggers shape)")]
    public void EmptyInput()
    {
        var empty = Defaults.Run(ReadOnlySpan<int>.Empty);
        Assert.Equal(new[] { 0 }, empty.Sum);
        Assert.Empty(empty.SumWithoutDefaults);
        Assert.Empty(empty.CountWithoutDefaults);
        var some = Defaults.Run(new[] { 1, 2 });
        Assert.Equal(new[] { 3 }, some.SumWithoutDefaults);
        Assert.Equal(new[] { 2L }, some.CountWithoutDefaults);
    }
}
