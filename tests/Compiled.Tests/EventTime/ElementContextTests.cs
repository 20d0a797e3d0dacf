using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Compiled;
using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>Functions that read their element's context before any grouping: the input's, a Window's, each sliding window.</summary>
[Pipeline]
public partial class ContextBeforeGrouping
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<GameEvent>("events");
        events.Map(static (e, c) => KV.Of(e.Team, c)).Output("untimed");
        var timed = events.WithTimestamps(static e => new Instant(e.TimeMs));
        timed.Window(Windows.Fixed(TimeSpan.FromMilliseconds(5))).Map(static (e, c) => KV.Of(e.Team, c)).Output("fixed");
        timed.Window(Windows.Sliding(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(3)))
             .FlatMap<KV<string, ElementContext>>(static (e, c, output) => output.Emit(KV.Of(e.Team, c)))
             .Output("sliding");
        timed.Window(Windows.Sessions(TimeSpan.FromMilliseconds(4)))
             .ParDo<KV<string, ElementContext>>(static (e, c, main) => main.Emit(KV.Of(e.Team, c)))
             .Output("sessions");

        // A sliding window read by a function before a combine: the combine cannot share panes, the function must see
        // each window (the plan says so).
        timed.Window(Windows.Sliding(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(3)))
             .Map(static (e, c) => KV.Of(e.Team + "@" + c.Window.Start.Millis.ToString(System.Globalization.CultureInfo.InvariantCulture), 1))
             .CombinePerKey(Combiners.Sum<int>())
             .Output("slidingSums");
    }
}

/// <summary>
/// Functions that read their element's context after a grouping, on Beam's GroupByKeyTest inputs: sliding windows
/// (testGroupByKeyMultipleWindows), sessions (testGroupByKeyMergingWindows) and the timestamp combiners
/// (testTimestampCombinerEarliest, testTimestampCombinerLatest, and the default end of window).
/// </summary>
[Pipeline]
public partial class ContextAfterGrouping
{
    static void Define(PipelineBuilder p)
    {
        var pairs = p.Create<GameEvent>("events").WithTimestamps(static e => new Instant(e.TimeMs)).Map(static e => KV.Of(e.Team, e.Score));
        pairs.Window(Windows.Sliding(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(3)))
             .GroupByKey()
             .Map(static (kv, c) => KV.Of(kv.Key + " " + string.Join(",", kv.Value.Order()), c))
             .Output("multipleWindows");
        pairs.Window(Windows.Sessions(TimeSpan.FromMilliseconds(4)))
             .GroupByKey()
             .Map(static (kv, c) => KV.Of(kv.Key + " " + string.Join(",", kv.Value.Order()), c))
             .Output("mergingWindows");
        pairs.Window(Windows.Fixed(TimeSpan.FromMinutes(10)).WithTimestampCombiner(TimestampCombiner.Earliest))
             .GroupByKey()
             .ParDo<KV<string, ElementContext>>(static (kv, c, main) => main.Emit(KV.Of(kv.Key, c)))
             .Output("earliest");
        pairs.Window(Windows.Fixed(TimeSpan.FromMinutes(10)).WithTimestampCombiner(TimestampCombiner.Latest))
             .GroupByKey()
             .ParDo<KV<string, ElementContext>>(static (kv, c, main) => main.Emit(KV.Of(kv.Key, c)))
             .Output("latest");
        pairs.Window(Windows.Fixed(TimeSpan.FromMinutes(10)))
             .CombinePerKey(Combiners.Sum<int>())
             .Map(static (kv, c) => KV.Of(kv.Key, c))
             .Output("endOfWindow");
    }
}

/// <summary>
/// Team sums with early, on-time and late panes; the sums go to one output as they are, and to another through a Map
/// that reads its context: each must see what the first output's sink receives.
/// </summary>
[Pipeline]
public partial class ContextEcho
{
    static void Define(PipelineBuilder p)
    {
        var sums = p.Create<GameEvent>("events")
            .WithTimestamps(static e => new Instant(e.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMinutes(1))
                .Triggering(Trigger.AfterWatermark()
                    .WithEarlyFirings(Trigger.AfterCount(2))
                    .WithLateFirings(Trigger.AfterCount(1)))
                .WithAllowedLateness(TimeSpan.FromMinutes(10))
                .Accumulating())
            .Map(static e => KV.Of(e.Team, e.Score))
            .CombinePerKey(Combiners.Sum<int>());
        sums.Output("sums");
        sums.Map(static (kv, c) => KV.Of(kv, c)).Output("seen");
    }
}

/// <summary>The n best of each team by a key selector, and the earliest by a comparer (Beam's Top.of(n, comparator)).</summary>
[Pipeline]
public partial class TopByKeyAndComparer
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<GameEvent>("events");
        events.WithKeys(static e => e.Team)
              .CombinePerKey(Combiners.Top(2, static (GameEvent e) => e.Score))
              .Output("best");
        events.CombineGlobally(Combiners.Smallest(3, Comparer<GameEvent>.Create(static (a, b) => a.TimeMs.CompareTo(b.TimeMs))))
              .Output("earliest");
    }
}

public class ElementContextTests
{
    private static readonly GameEvent[] BeamGroupByKeyInput =
    {
        new("foo", 1, 1), new("foo", 4, 4), new("bar", 3, 3),
    };

    private static (string, long, long, long, PaneInfo) Row(KV<string, ElementContext> kv) =>
        (kv.Key, kv.Value.Timestamp.Millis, kv.Value.Window.Start.Millis, kv.Value.Window.End.Millis, kv.Value.Pane);

    [Fact(DisplayName = "Before any grouping: the element's timestamp, its Window's window (each sliding window, the proto-session) and Beam's NO_FIRING pane")]
    public void BeforeGrouping()
    {
        var r = ContextBeforeGrouping.Run(BeamGroupByKeyInput);

        // No timestamps and no Window yet: the minimum timestamp, the global window, NO_FIRING.
        Assert.All(r.Untimed, kv => Assert.Equal(new ElementContext(Instant.MinValue, BoundedWindow.Global, PaneInfo.NoFiring), kv.Value));
        Assert.Equal(3, r.Untimed.Count);

        Assert.Equal(
            new[] { ("bar", 3L, 0L, 5L, PaneInfo.NoFiring), ("foo", 1L, 0L, 5L, PaneInfo.NoFiring), ("foo", 4L, 0L, 5L, PaneInfo.NoFiring) },
            r.Fixed.Select(Row).Order());

        // Sliding 5 ms every 3 ms: an element is processed once in each of its windows, seeing that window
        // (the windows of Beam's testGroupByKeyMultipleWindows: 1 in [-3, 2) and [0, 5); 4 in [0, 5) and [3, 8); 3 in [0, 5) and [3, 8)).
        Assert.Equal(
            new[]
            {
                ("bar", 3L, 0L, 5L, PaneInfo.NoFiring), ("bar", 3L, 3L, 8L, PaneInfo.NoFiring),
                ("foo", 1L, -3L, 2L, PaneInfo.NoFiring), ("foo", 1L, 0L, 5L, PaneInfo.NoFiring),
                ("foo", 4L, 0L, 5L, PaneInfo.NoFiring), ("foo", 4L, 3L, 8L, PaneInfo.NoFiring),
            },
            r.Sliding.Select(Row).Order());

        // Sessions before their grouping: each element's own proto-session [t, t + gap).
        Assert.Equal(
            new[] { ("bar", 3L, 3L, 7L, PaneInfo.NoFiring), ("foo", 1L, 1L, 5L, PaneInfo.NoFiring), ("foo", 4L, 4L, 8L, PaneInfo.NoFiring) },
            r.Sessions.Select(Row).Order());

        // Read before a combine of sliding windows: every window of the element, so each key names the window it is summed in.
        Assert.Equal(
            new[] { ("bar@0", 1, 0L), ("bar@3", 1, 3L), ("foo@-3", 1, -3L), ("foo@0", 2, 0L), ("foo@3", 1, 3L) },
            r.SlidingSumsElements.Select(e => (e.Value.Key, e.Value.Value, e.Window.Start.Millis)).Order());
        Assert.DoesNotContain("per pane of the sliding windows", ContextBeforeGrouping.PlanDescription, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "After a grouping: the fired window, the timestamp combiner's timestamp and the firing's pane (Beam's GroupByKeyTest)")]
    public void AfterGrouping()
    {
        var onTime = PaneInfo.OnTimeAndOnly;
        var r = ContextAfterGrouping.Run(BeamGroupByKeyInput);

        // testGroupByKeyMultipleWindows: [-3, 2) foo 1; [0, 5) foo 1,4 and bar 3; [3, 8) foo 4 and bar 3; end-of-window timestamps.
        Assert.Equal(
            new[]
            {
                ("bar 3", 4L, 0L, 5L, onTime), ("bar 3", 7L, 3L, 8L, onTime),
                ("foo 1", 1L, -3L, 2L, onTime), ("foo 1,4", 4L, 0L, 5L, onTime), ("foo 4", 7L, 3L, 8L, onTime),
            },
            r.MultipleWindows.Select(Row).Order());

        // testGroupByKeyMergingWindows (gap 4 ms, with foo at 9 as well): the merged sessions [1, 8) and [9, 13), and [3, 7).
        var merging = ContextAfterGrouping.Run(BeamGroupByKeyInput.Append(new GameEvent("foo", 9, 9)));
        Assert.Equal(
            new[] { ("bar 3", 6L, 3L, 7L, onTime), ("foo 1,4", 7L, 1L, 8L, onTime), ("foo 9", 12L, 9L, 13L, onTime) },
            merging.MergingWindows.Select(Row).Order());

        // testTimestampCombinerEarliest / Latest: KV(0, "hello") at 0 and KV(0, "goodbye") at 10, fixed 10 minutes.
        var combiners = ContextAfterGrouping.Run(new[] { new GameEvent("0", 1, 0), new GameEvent("0", 2, 10) });
        Assert.Equal(0, Assert.Single(combiners.Earliest).Value.Timestamp.Millis);
        Assert.Equal(10, Assert.Single(combiners.Latest).Value.Timestamp.Millis);
        var end = Assert.Single(combiners.EndOfWindow).Value;
        Assert.Equal(new ElementContext(new Instant(599_999), BoundedWindow.Interval(new Instant(0), new Instant(600_000)), onTime), end);
    }

    [Fact(DisplayName = "Early, on-time and late panes: a Map reading its context sees what the sink of the same collection receives")]
    public void TriggeredPanesStreaming()
    {
        var (sums, seen) = (new ListSink<KV<string, int>>(), new ListSink<KV<KV<string, int>, ElementContext>>());
        var runner = ContextEcho.CreateRunner(sums, seen);
        runner.PushEvents(new GameEvent("red", 3, 1_000), new Instant(0));
        runner.PushEvents(new GameEvent("red", 4, 2_000), new Instant(0));     // early pane (AfterCount(2))
        runner.PushEvents(new GameEvent("red", 5, 3_000), new Instant(0));
        runner.AdvanceWatermark(new Instant(60_000));                          // on time
        runner.PushEvents(new GameEvent("red", 10, 30_000), new Instant(0));   // late
        runner.Finish();

        Assert.Equal(
            new[] { (7, PaneTiming.Early, 0L), (12, PaneTiming.OnTime, 1L), (22, PaneTiming.Late, 2L) },
            sums.Elements.Select(e => (e.Value.Value, e.Pane.Timing, e.Pane.Index)));
        AssertSeenAsSunk(sums.Elements, seen.Items);
        Assert.Equal(59_999 + 600_000, seen.Items[2].Value.Timestamp.Millis);
    }

    [Theory(DisplayName = "Batch and both parallel runners give functions the same contexts as their sinks")]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void BatchAndParallelRunners(int parallelism)
    {
        var random = new Random(parallelism);
        var events = Enumerable.Range(0, 600)
            .Select(i => new GameEvent("team" + random.Next(7).ToString(CultureInfo.InvariantCulture), random.Next(10), random.Next(0, 300_000)))
            .ToArray();

        var batch = ContextEcho.Run(events);
        Assert.NotEmpty(batch.Seen);
        AssertSeenAsSunk(batch.SumsElements, batch.Seen);
        // The early firings (AfterCount(2)) fire in batch too, per bundle: both kinds of panes are seen.
        Assert.Equal(new[] { PaneTiming.Early, PaneTiming.OnTime }, batch.Seen.Select(s => s.Value.Pane.Timing).Distinct().Order());

        var parallel = ContextEcho.Run(events.AsMemory(), parallelism);
        AssertSeenAsSunk(parallel.SumsElements, parallel.Seen);
        Assert.Equal(Sorted(batch.SumsElements), Sorted(parallel.SumsElements));

        using var streaming = ContextEcho.CreateParallelRunner(
            () => new ListSink<KV<string, int>>(), () => new ListSink<KV<KV<string, int>, ElementContext>>(), new ParallelRunnerOptions { Parallelism = parallelism });
        foreach (var e in events.OrderBy(e => e.TimeMs))
        {
            streaming.PushEvents(e);
        }

        Compiled.Tests.Parallel.TestThreads.Run(TimeSpan.FromSeconds(60), streaming.Finish);
        var streamedSums = streaming.SumsSinks().SelectMany(s => s.Elements).ToList();
        var streamedSeen = streaming.SeenSinks().SelectMany(s => s.Items).ToList();
        Assert.NotEmpty(streamedSeen);
        AssertSeenAsSunk(streamedSums, streamedSeen);
    }

    [Fact(DisplayName = "A text file sink's formatter receives each element's timestamp, window and pane")]
    public void TextSinkFormatterReadsTheContext()
    {
        using var memory = new MemoryStream();
        using (var file = new TextFileSink<KV<string, int>>(memory, static (kv, c) => c.Window + " " + kv.Key + "=" + kv.Value + " " + c.Pane.Timing + " @" + c.Timestamp, leaveOpen: true))
        {
            var runner = ContextEcho.CreateRunner(file, new NullSink<KV<KV<string, int>, ElementContext>>());
            runner.PushEvents(new GameEvent("red", 3, 1_000), new Instant(0));
            runner.PushEvents(new GameEvent("red", 4, 61_000), new Instant(0));
            runner.Finish();
        }

        Assert.Equal(
            "[1970-01-01T00:00:00.000Z, 1970-01-01T00:01:00.000Z) red=3 OnTime @1970-01-01T00:00:59.999Z\n" +
            "[1970-01-01T00:01:00.000Z, 1970-01-01T00:02:00.000Z) red=4 OnTime @1970-01-01T00:01:59.999Z\n",
            Encoding.UTF8.GetString(memory.ToArray()));
    }

    [Fact(DisplayName = "Top by a key selector and Smallest by a comparer in a pipeline, batch and parallel")]
    public void TopWithKeySelectorAndComparer()
    {
        var events = new[]
        {
            new GameEvent("red", 3, 50), new GameEvent("red", 9, 10), new GameEvent("blue", 1, 40),
            new GameEvent("red", 7, 30), new GameEvent("blue", 5, 20), new GameEvent("red", 1, 60),
        };
        foreach (var r in new[] { TopByKeyAndComparer.Run(events), TopByKeyAndComparer.Run(events.AsMemory(), 2) })
        {
            Assert.Equal(
                new[] { "blue: 5,1", "red: 9,7" },
                r.Best.Select(kv => kv.Key + ": " + string.Join(",", kv.Value.Select(e => e.Score))).Order(StringComparer.Ordinal));
            Assert.Equal(new long[] { 10, 20, 30 }, Assert.Single(r.Earliest).Select(e => e.TimeMs));
        }
    }

    private static List<string> Sorted<T>(IEnumerable<WindowedValue<T>> elements) =>
        elements.Select(e => e.ToString()).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every element of the sums' sink has one seen twin with the same value, timestamp, window and pane.</summary>
    private static void AssertSeenAsSunk(IEnumerable<WindowedValue<KV<string, int>>> sunk, IEnumerable<KV<KV<string, int>, ElementContext>> seen)
    {
        var expected = sunk.Select(e => (e.Value, new ElementContext(e.Timestamp, e.Window, e.Pane)).ToString()).Order(StringComparer.Ordinal).ToList();
        var actual = seen.Select(s => (s.Key, s.Value).ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }
}
