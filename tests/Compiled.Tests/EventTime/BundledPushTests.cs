using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Benchmarks.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>
/// A source with its own watermark (2 s of disorder allowed) feeding fixed windows with the default trigger (state
/// inline) and sessions with early, on-time and late firings (keyed window panes).
/// </summary>
[Pipeline]
public partial class OwnWatermarkBranches
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Unbounded<GameEvent>("events", static e => new Instant(e.TimeMs), TimeSpan.FromSeconds(2));
        events.Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
              .Map(static e => KV.Of(e.Team, e.Score))
              .CombinePerKey(Combiners.Sum<int>())
              .Output("sums");
        events.Window(Windows.Sessions(TimeSpan.FromSeconds(5))
                  .Triggering(Trigger.AfterWatermark()
                      .WithEarlyFirings(Trigger.AfterCount(3))
                      .WithLateFirings(Trigger.AfterCount(1)))
                  .WithAllowedLateness(TimeSpan.FromSeconds(4))
                  .Accumulating())
              .Map(static e => KV.Of(e.Team, e.Score))
              .CountPerKey()
              .Output("sessions");
    }
}

/// <summary>A large push into an input that tracks its own watermark is cut into bundles (<c>BundleSize</c>).</summary>
public class BundledPushTests
{
    private static readonly Gen<GameEvent[]> Events = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green")),
        Gen.Int[0, 100],
        Gen.Long[0, 120_000],
        (team, score, time) => new GameEvent(team, score, time)).Array[0, 300];

    private static List<string> Rows<T>(IEnumerable<WindowedValue<T>> elements) =>
        elements.Select(e => e.Value + "@" + e.Window + ":" + e.Timestamp.Millis + ":" + e.Pane).ToList();

    [Fact(DisplayName = "One push cut into bundles gives exactly the results of pushing each bundle by a call of its own, late data and its count included")]
    public void OnePushEqualsOneCallPerBundle()
    {
        Gen.Select(Events, Gen.Int[1, 40]).Sample((events, bundle) =>
        {
            // Times in roughly increasing order with disorder up to 10 s, beyond the 2 s the source allows: some are late.
            var ordered = events.OrderBy(e => e.TimeMs + (e.Score % 7) * 1_500).ToArray();

            var (sums, sessions) = (new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>());
            var bundled = OwnWatermarkBranches.CreateRunner(sums, sessions);
            bundled.BundleSize = bundle;
            bundled.PushEvents(ordered);
            var watermark = bundled.Watermark;
            var dropped = bundled.DroppedLateElements;
            var firedBeforeFinish = (sums.Elements.Count, sessions.Elements.Count);

            var (oneSums, oneSessions) = (new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>());
            var byCall = OwnWatermarkBranches.CreateRunner(oneSums, oneSessions);
            for (var i = 0; i < ordered.Length; i += bundle)
            {
                byCall.PushEvents(ordered.AsSpan(i, Math.Min(bundle, ordered.Length - i)));
            }

            Assert.Equal(byCall.Watermark, watermark);
            Assert.Equal(byCall.DroppedLateElements, dropped);
            Assert.Equal((oneSums.Elements.Count, oneSessions.Elements.Count), firedBeforeFinish);
            bundled.Finish();
            byCall.Finish();
            Assert.Equal(Rows(oneSums.Elements), Rows(sums.Elements));
            Assert.Equal(Rows(oneSessions.Elements), Rows(sessions.Elements));
            Assert.Equal(byCall.DroppedLateElements, bundled.DroppedLateElements);
        });
    }

    [Fact(DisplayName = "Data late by more than the source's out-of-orderness is dropped and counted at the bundle it arrives in")]
    public void LateDataAcrossBundles()
    {
        // Bundles of 2: after [1 s, 30 s] the watermark is 28 s, so the 5 s event of the next bundle is late for both
        // branches (its fixed window [0 s, 10 s) ended; its session [5 s, 10 s) is past its 4 s allowed lateness).
        var events = new[] { new GameEvent("red", 1, 1_000), new GameEvent("red", 2, 30_000), new GameEvent("red", 4, 5_000), new GameEvent("red", 8, 31_000) };
        var (sums, sessions) = (new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>());
        var runner = OwnWatermarkBranches.CreateRunner(sums, sessions);
        runner.BundleSize = 2;
        runner.PushEvents(events);
        Assert.Equal(29_000, runner.Watermark.Millis);
        Assert.Equal(2, runner.DroppedLateElements);
        runner.Finish();
        Assert.Equal(new[] { ("red", 1), ("red", 10) }, sums.Items.Select(kv => (kv.Key, kv.Value)));

        // In one bundle nothing is late: the watermark moves only after the push.
        var (allSums, allSessions) = (new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>());
        var whole = OwnWatermarkBranches.CreateRunner(allSums, allSessions);
        whole.BundleSize = events.Length;
        whole.PushEvents(events);
        Assert.Equal(0, whole.DroppedLateElements);
        whole.Finish();
        Assert.Equal(new[] { ("red", 5), ("red", 10) }, allSums.Items.Select(kv => (kv.Key, kv.Value)));
    }

    [Fact(DisplayName = "BundleSize defaults to Bundles.DefaultSize and must be at least 1")]
    public void BundleSizeIsValidated()
    {
        var runner = OwnWatermarkBranches.CreateRunner(new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>());
        Assert.Equal(Compiled.Execution.Bundles.DefaultSize, runner.BundleSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => runner.BundleSize = 0);
        runner.BundleSize = 1;
        Assert.Equal(1, runner.BundleSize);
    }

    [Fact(DisplayName = "A push of 1,000,000 W5 events closes sessions as it goes: the first fire while the watermark is still near the start")]
    public void LargePushFiresAsItGoes()
    {
        var events = EventData.Sessions(1_000_000);
        var end = events.Max(e => e.Time) - EventData.WatermarkDelayMs;

        // The watermark when the first pane arrives, in bundles of the default size and in one bundle.
        static long FirstPaneWatermark(Event[] events, int bundleSize)
        {
            Func<Instant>? watermark = null;
            Instant? first = null;
            var runner = W5SessionCountsOwnWatermarkPipeline.CreateRunner(new CallbackSink<KV<int, long>>((KV<int, long> _) => first ??= watermark!()));
            watermark = () => runner.Watermark;
            runner.BundleSize = bundleSize;
            runner.PushEvents(events);
            Assert.NotNull(first);
            runner.Finish();
            return first.Value.Millis;
        }

        // Sessions last 20 s plus the 30 s gap: the first close about a minute into the data, of 1,000 s.
        Assert.InRange(FirstPaneWatermark(events, Compiled.Execution.Bundles.DefaultSize), EventData.BaseTime, EventData.BaseTime + 100_000);
        Assert.Equal(end, FirstPaneWatermark(events, int.MaxValue));
    }
}
