using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Benchmarks.EventTime;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>
/// The event-time benchmarks (W3 fixed counts, W4 sliding sums, W5 session counts) compare variants that must compute
/// the same thing: here every variant runs on 200,000 events and must give the hand-written loop's digest.
/// </summary>
public class EventTimeBenchmarkDigestTests
{
    private const int Events = 200_000;

    private static readonly Lazy<Event[]> Uniform = new(() => EventData.Uniform(Events));
    private static readonly Lazy<Event[]> Sessions = new(() => EventData.Sessions(Events));
    private static readonly Lazy<Event[]> LongSessions = new(() => EventData.LongSessions(Events));

    private static void AssertAllEqual(Event[] events, Func<Event[], WindowDigest> handLoop, params (string Name, Func<Event[], WindowDigest> Run)[] variants)
    {
        var expected = handLoop(events);
        Assert.True(expected.Count > 1_000, $"the hand-written loop emitted only {expected.Count} rows");
        var actual = variants.Select(v => (v.Name, Digest: v.Run(events))).ToList();
        Assert.Equal(variants.Select(v => (v.Name, expected)).ToList(), actual);
    }

    [Fact]
    public void DataHasNoLateEventsAndTheDocumentedShape()
    {
        foreach (var events in new[] { Uniform.Value, Sessions.Value })
        {
            var max = long.MinValue / 2;
            for (var i = 0; i < events.Length; i++)
            {
                var e = events[i];
                Assert.InRange(e.Time, EventData.BaseTime + i - EventData.MaxDisorderMs + 1, EventData.BaseTime + i);
                Assert.True(e.Time > max - EventData.WatermarkDelayMs, "an event behind the watermark");
                Assert.InRange(e.Key, 0, EventData.KeyCount - 1);
                max = Math.Max(max, e.Time);
            }

            // Zipf(1.0): key 0 is the most frequent, far ahead of the median key.
            var counts = events.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(counts.Values.Max(), counts[0]);
        }

        // Sessions: a key's consecutive events are under 20 s apart (same burst) or at least 40 s apart (next burst).
        foreach (var g in Sessions.Value.GroupBy(e => e.Key))
        {
            var times = g.Select(e => e.Time).Order().ToArray();
            for (var i = 1; i < times.Length; i++)
            {
                var gap = times[i] - times[i - 1];
                Assert.True(gap < EventData.SessionActiveMs || gap > EventData.SessionIdleMs, $"key {g.Key}: gap {gap} ms");
            }
        }
    }

    [Fact]
    public void W3FixedWindowCountsAgree() =>
        AssertAllEqual(Uniform.Value, W3FixedCounts.HandLoop, ("Generated", W3FixedCounts.Generated), ("Linq", W3FixedCounts.Linq), ("Rx", W3FixedCounts.Rx));

    [Fact]
    public void W4SlidingWindowSumsAgree() =>
        AssertAllEqual(Uniform.Value, W4SlidingSums.HandLoop, ("Generated", W4SlidingSums.Generated), ("Linq", W4SlidingSums.Linq), ("Rx", W4SlidingSums.Rx));

    [Fact]
    public void W5SessionCountsAgree() =>
        AssertAllEqual(
            Sessions.Value,
            W5SessionCounts.HandLoop,
            ("Generated", W5SessionCounts.Generated),
            ("GeneratedBatch", W5SessionCounts.GeneratedBatch),
            ("GeneratedOneBigPush", events => W5SessionCounts.GeneratedOneBigPush(events, Compiled.Execution.Bundles.DefaultSize)),
            ("GeneratedOneBigPush (bundles of 100)", events => W5SessionCounts.GeneratedOneBigPush(events, 100)),
            ("Linq", W5SessionCounts.Linq),
            ("Rx", W5SessionCounts.Rx),
            ("HandWheel", W5SessionCounts.HandWheel),
            ("HandWheelIntegerMap", W5SessionCounts.HandWheelIntegerMap));

    [Fact]
    public void W5LongSessionCountsAgree()
    {
        // Hundreds of events per session: 200,000 events over 1,000 keys active 5 minutes at a time.
        var digest = W5SessionCounts.Linq(LongSessions.Value);
        Assert.InRange(Events / digest.Count, 100, 1_000);
        AssertAllEqual(
            LongSessions.Value,
            W5SessionCounts.HandLoop,
            ("Generated", W5SessionCounts.Generated),
            ("GeneratedBatch", W5SessionCounts.GeneratedBatch),
            ("GeneratedOneBigPush", events => W5SessionCounts.GeneratedOneBigPush(events, Compiled.Execution.Bundles.DefaultSize)),
            ("Linq", W5SessionCounts.Linq),
            ("HandWheel", W5SessionCounts.HandWheel),
            ("HandWheelIntegerMap", W5SessionCounts.HandWheelIntegerMap));
    }

    [Fact]
    public void TheDigestSeesEveryField()
    {
        var rows = new List<WindowDigest>();
        foreach (var (key, start, end, value) in new[] { (1, 0L, 10L, 5L), (2, 0L, 10L, 5L), (1, 10L, 10L, 5L), (1, 0L, 11L, 5L), (1, 0L, 10L, 6L) })
        {
            var d = new WindowDigest();
            d.Add(key, start, end, value);
            rows.Add(d);
        }

        Assert.Equal(rows.Count, rows.Distinct().Count());

        // Order-independent: the same rows in another order give the same digest.
        WindowDigest a = default, b = default;
        a.Add(1, 0, 10, 5);
        a.Add(2, 10, 20, 7);
        b.Add(2, 10, 20, 7);
        b.Add(1, 0, 10, 5);
        Assert.Equal(a, b);
    }
}
