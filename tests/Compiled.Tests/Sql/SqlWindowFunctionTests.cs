using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>The columns of Beam SQL's test table A (BeamSqlDslBase) that the window tests read, in our own names.</summary>
public sealed record TableA(int Int2, long Amount, double Weight, string Name, DateTimeOffset Ts);

public sealed record WindowCount(int Int2, long Size, DateTimeOffset WindowStart, DateTimeOffset WindowEnd);

public sealed record InstantWindowCount(long Size, Instant Window_Start, Instant Window_End);

public sealed record UtcWindowSum(int Int2, long Total, DateTime Started);

public sealed record Totals(long Size, long Sum1, long Avg1, long Max1, long Min1, double Sum5, double Avg5, double Max5, double Min5, string Max7, string Min7);

/// <summary>Beam SQL's window aggregation tests (BeamSqlDslAggregationTest): TUMBLE, HOP and SESSION in GROUP BY, over table A.</summary>
[Pipeline]
public partial class SqlBeamWindows
{
    static void Define(PipelineBuilder p)
    {
        var a = p.Create<TableA>("a");
        p.Sql<WindowCount>("""
            SELECT int2, COUNT(*) AS size, TUMBLE_START(ts, INTERVAL '1' HOUR) AS windowStart, TUMBLE_END(ts, INTERVAL '1' HOUR) AS windowEnd
            FROM a GROUP BY int2, TUMBLE(ts, INTERVAL '1' HOUR)
            """, a.AsTable("a")).Output("tumble");
        p.Sql<WindowCount>("""
            SELECT int2, COUNT(*) AS size,
                   HOP_START(ts, INTERVAL '30' MINUTE, INTERVAL '1' HOUR) AS windowStart, HOP_END(ts, INTERVAL '30' MINUTE, INTERVAL '1' HOUR) AS windowEnd
            FROM a GROUP BY int2, HOP(ts, INTERVAL '30' MINUTE, INTERVAL '1' HOUR)
            """, a.AsTable("a")).Output("hop");
        p.Sql<WindowCount>("""
            SELECT int2, COUNT(*) AS size, SESSION_START(ts, INTERVAL '5' MINUTE) AS windowStart, SESSION_END(ts, INTERVAL '5' MINUTE) AS windowEnd
            FROM a GROUP BY int2, SESSION(ts, INTERVAL '5' MINUTE)
            """, a.AsTable("a")).Output("session");
        p.Sql<InstantWindowCount>(
            "SELECT COUNT(*) AS size, window_start, window_end FROM a GROUP BY TUMBLE(ts, INTERVAL '31' DAY)",
            p.Create<TableA>("monthly").AsTable("a")).Output("monthly");
        p.Sql<UtcWindowSum>(
            "SELECT int2, SUM(amount) AS total, window_start AS started FROM a WHERE amount > 1000 GROUP BY TUMBLE(ts, INTERVAL '20' MINUTE), int2 HAVING COUNT(*) >= 1",
            a.AsTable("a")).Output("sums");
        p.Sql<Totals>("""
            SELECT COUNT(*) AS size, SUM(amount) AS sum1, AVG(amount) AS avg1, MAX(amount) AS max1, MIN(amount) AS min1,
                   SUM(weight) AS sum5, AVG(weight) AS avg5, MAX(weight) AS max5, MIN(weight) AS min5, MAX(name) AS max7, MIN(name) AS min7
            FROM a
            """, a.AsTable("a")).Output("totals");
    }
}

public sealed record Reading(int Value, DateTimeOffset Ts);

public sealed record ReadingSum(long Sum);

public sealed record Keyed(int Key, int Value, DateTimeOffset Ts);

public sealed record KeyedSum(int Sum);

/// <summary>
/// A trigger set before the query stays in force inside it (Beam's testTriggeredTumble), and GROUP BY over a collection
/// windowed and triggered before the query (testSupportsNonGlobalWindowWithCustomTrigger).
/// </summary>
[Pipeline]
public partial class SqlTriggeredWindows
{
    static void Define(PipelineBuilder p)
    {
        var readings = p.Unbounded<Reading>("readings")
            .Window(Windows.Global()
                .Triggering(Trigger.Repeatedly(Trigger.AfterCount(1)))
                .WithAllowedLateness(TimeSpan.Zero)
                .WithOnTimeBehavior(OnTimeBehavior.FireIfNonEmpty)
                .Accumulating());
        p.Sql<ReadingSum>("SELECT SUM(value) AS sum FROM readings GROUP BY TUMBLE(ts, INTERVAL '1' HOUR)", readings.AsTable("readings")).Output("sums");

        var keyed = p.Unbounded<Keyed>("keyed")
            .Window(Windows.Fixed(TimeSpan.FromSeconds(3))
                .Triggering(Trigger.Repeatedly(Trigger.AfterCount(2)))
                .Discarding()
                .WithAllowedLateness(TimeSpan.Zero)
                .WithOnTimeBehavior(OnTimeBehavior.FireIfNonEmpty));
        p.Sql<KeyedSum>("SELECT SUM(value) AS sum FROM keyed GROUP BY key", keyed.AsTable("keyed")).Output("keyedSums");
    }
}

public class SqlWindowFunctionTests
{
    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc + "Z", CultureInfo.InvariantCulture);

    // BeamSqlDslBase.rowsInTableA: f_int2, f_long, f_double, f_string, f_timestamp.
    private static readonly TableA[] RowsA =
    {
        new(0, 1000, 1.0, "string_row1", At("2017-01-01T01:01:03")),
        new(0, 2000, 2.0, "string_row2", At("2017-01-01T01:02:03")),
        new(0, 3000, 3.0, "string_row3", At("2017-01-01T01:06:03")),
        new(0, 4000, 4.0, "第四行", At("2017-01-01T02:04:03")),
    };

    // BeamSqlDslBase.monthlyRowsInTableA.
    private static readonly TableA[] Monthly =
    {
        new(0, 1000, 1.0, "string_row1", At("2017-01-01T01:01:03")),
        new(0, 2000, 2.0, "string_row2", At("2017-02-01T01:02:03")),
        new(0, 3000, 3.0, "string_row3", At("2017-03-01T01:06:03")),
    };

    private static List<WindowCount> Sorted(IEnumerable<WindowCount> rows) => rows.OrderBy(r => r.WindowStart).ThenBy(r => r.WindowEnd).ToList();

    [Fact(DisplayName = "TUMBLE: Beam's testTumbleWindow, two windows of one hour with 3 and 1 rows")]
    public void Tumble()
    {
        var result = SqlBeamWindows.Run(RowsA, Monthly);
        Assert.Equal(
            new[] { new WindowCount(0, 3, At("2017-01-01T01:00:00"), At("2017-01-01T02:00:00")), new WindowCount(0, 1, At("2017-01-01T02:00:00"), At("2017-01-01T03:00:00")) },
            Sorted(result.Tumble));

        // Each row of the result is in its window, as Beam's GroupByKey emits it.
        Assert.All(result.TumbleElements, e => Assert.Equal(Instant.FromDateTimeOffset(e.Value.WindowStart), e.Window.Start));
    }

    [Fact(DisplayName = "HOP: Beam's testHopWindow, slide 30 minutes and size one hour, four windows")]
    public void Hop()
    {
        var result = SqlBeamWindows.Run(RowsA, Monthly);
        Assert.Equal(
            new[]
            {
                new WindowCount(0, 3, At("2017-01-01T00:30:00"), At("2017-01-01T01:30:00")),
                new WindowCount(0, 3, At("2017-01-01T01:00:00"), At("2017-01-01T02:00:00")),
                new WindowCount(0, 1, At("2017-01-01T01:30:00"), At("2017-01-01T02:30:00")),
                new WindowCount(0, 1, At("2017-01-01T02:00:00"), At("2017-01-01T03:00:00")),
            },
            Sorted(result.Hop));
    }

    [Fact(DisplayName = "SESSION: Beam's testSessionWindow, gap 5 minutes; the end is the session's end (Beam SQL reports the start twice)")]
    public void Session()
    {
        // Beam expects window_end equal to window_start (01:01:03 and 02:04:03): its SESSION_END does not read the
        // merged window. Ours is the session window's end, the last row's time plus the gap.
        var result = SqlBeamWindows.Run(RowsA, Monthly);
        Assert.Equal(
            new[] { new WindowCount(0, 3, At("2017-01-01T01:01:03"), At("2017-01-01T01:11:03")), new WindowCount(0, 1, At("2017-01-01T02:04:03"), At("2017-01-01T02:09:03")) },
            Sorted(result.Session));
    }

    [Fact(DisplayName = "TUMBLE of 31 days: Beam's testTumbleWindowWith31Days, windows aligned to the epoch; Flink's window_start and window_end columns")]
    public void TumbleOf31Days()
    {
        var result = SqlBeamWindows.Run(RowsA, Monthly);
        Assert.Equal(
            new[]
            {
                new InstantWindowCount(1, Instant.FromDateTimeOffset(At("2016-12-08T00:00:00")), Instant.FromDateTimeOffset(At("2017-01-08T00:00:00"))),
                new InstantWindowCount(1, Instant.FromDateTimeOffset(At("2017-01-08T00:00:00")), Instant.FromDateTimeOffset(At("2017-02-08T00:00:00"))),
                new InstantWindowCount(1, Instant.FromDateTimeOffset(At("2017-02-08T00:00:00")), Instant.FromDateTimeOffset(At("2017-03-11T00:00:00"))),
            },
            result.Monthly.OrderBy(r => r.Window_Start.Millis));
    }

    [Fact(DisplayName = "Aggregates without GROUP BY: Beam's testAggregationNonGroupedFunctions, one row for the whole table")]
    public void AggregatesWithoutGroupBy()
    {
        var result = SqlBeamWindows.Run(RowsA, Monthly);
        Assert.Equal(new[] { new Totals(4, 10000, 2500, 4000, 1000, 10.0, 2.5, 4.0, 1.0, "第四行", "string_row1") }, result.Totals);
    }

    [Fact(DisplayName = "Aggregates without GROUP BY over no rows give no row (one group per window that has rows)")]
    public void AggregatesOverNoRows() => Assert.Empty(SqlBeamWindows.Run(Array.Empty<TableA>(), Monthly).Totals);

    [Fact(DisplayName = "A window function with WHERE, HAVING, the key after it and a DateTime result column equals the same grouping in C#")]
    public void WindowedGroupEqualsCSharp()
    {
        var rows = Gen.Select(Gen.Int[0, 3], Gen.Long[0, 5000], Gen.Long[0, 4 * 3_600_000L], (k, amount, ms) =>
            new TableA(k, amount, 0, "n", DateTimeOffset.FromUnixTimeMilliseconds(1_483_228_800_000L + ms))).Array[0, 200];
        rows.Sample(data =>
        {
            var expected = data.Where(r => r.Amount > 1000)
                .GroupBy(r => (r.Int2, Start: r.Ts.ToUnixTimeMilliseconds() / 1_200_000 * 1_200_000))
                .Select(g => new UtcWindowSum(g.Key.Int2, g.Sum(r => r.Amount), DateTimeOffset.FromUnixTimeMilliseconds(g.Key.Start).UtcDateTime))
                .OrderBy(r => r.Started).ThenBy(r => r.Int2);
            var actual = SqlBeamWindows.Run(data, Monthly).Sums.OrderBy(r => r.Started).ThenBy(r => r.Int2).ToList();
            Assert.Equal(expected, actual);
            Assert.All(actual, r => Assert.Equal(DateTimeKind.Utc, r.Started.Kind));
        }, iter: 50);
    }

    [Fact(DisplayName = "Streaming: rows pushed as the watermark advances to each one's time (Beam's unbounded input) give the same windows")]
    public void TumbleStreaming()
    {
        var sinks = (tumble: new ListSink<WindowCount>(), hop: new ListSink<WindowCount>(), session: new ListSink<WindowCount>(),
            monthly: new ListSink<InstantWindowCount>(), sums: new ListSink<UtcWindowSum>(), totals: new ListSink<Totals>());
        var runner = SqlBeamWindows.CreateRunner(sinks.tumble, sinks.hop, sinks.session, sinks.monthly, sinks.sums, sinks.totals);
        foreach (var row in RowsA)
        {
            runner.AdvanceWatermark(Instant.FromDateTimeOffset(row.Ts));
            runner.PushA(row, Instant.FromDateTimeOffset(row.Ts));
        }

        // The first hour's window fires once the watermark passes its end, before the input finishes.
        Assert.Equal(new[] { new WindowCount(0, 3, At("2017-01-01T01:00:00"), At("2017-01-01T02:00:00")) }, sinks.tumble.Elements.Select(e => e.Value));
        runner.Finish();
        Assert.Equal(Sorted(SqlBeamWindows.Run(RowsA, Monthly).Tumble), Sorted(sinks.tumble.Elements.Select(e => e.Value)));
        Assert.Equal(Sorted(SqlBeamWindows.Run(RowsA, Monthly).Session), Sorted(sinks.session.Elements.Select(e => e.Value)));
    }

    [Fact(DisplayName = "The time column may be earlier than the element's timestamp (Beam SQL re-times rows with any skew)")]
    public void RowsAreRetimedWithAnySkew()
    {
        var sinks = (tumble: new ListSink<WindowCount>(), hop: new ListSink<WindowCount>(), session: new ListSink<WindowCount>(),
            monthly: new ListSink<InstantWindowCount>(), sums: new ListSink<UtcWindowSum>(), totals: new ListSink<Totals>());
        var runner = SqlBeamWindows.CreateRunner(sinks.tumble, sinks.hop, sinks.session, sinks.monthly, sinks.sums, sinks.totals);
        foreach (var row in RowsA)
        {
            runner.PushA(row, Instant.FromDateTimeOffset(row.Ts.AddDays(1)));
        }

        runner.Finish();
        Assert.Equal(Sorted(SqlBeamWindows.Run(RowsA, Monthly).Tumble), Sorted(sinks.tumble.Elements.Select(e => e.Value)));
        Assert.Equal(0, runner.DroppedLateElements);
    }

    [Fact(DisplayName = "A trigger set before the query stays in force: Beam's testTriggeredTumble, accumulating panes 3, 6, 10")]
    public void TriggeredTumble()
    {
        var (sums, keyedSums) = (new ListSink<ReadingSum>(), new ListSink<KeyedSum>());
        var runner = SqlTriggeredWindows.CreateRunner(sums, keyedSums);
        var at = At("2017-01-01T01:01:01");
        runner.PushReadings(new[] { new Reading(1, at), new Reading(2, at) });
        runner.PushReadings(new[] { new Reading(3, at) });
        runner.PushReadings(new[] { new Reading(4, at) });
        runner.Finish();
        Assert.Equal(new long[] { 3, 6, 10 }, sums.Elements.Select(e => e.Value.Sum));
        Assert.All(sums.Elements, e => Assert.Equal(Instant.FromDateTimeOffset(At("2017-01-01T01:00:00")), e.Window.Start));
    }

    [Fact(DisplayName = "GROUP BY over a collection windowed and triggered before the query: Beam's testSupportsNonGlobalWindowWithCustomTrigger, sums 3, 3, 9, 6")]
    public void GroupByKeepsTheInputsTrigger()
    {
        var (sums, keyedSums) = (new ListSink<ReadingSum>(), new ListSink<KeyedSum>());
        var runner = SqlTriggeredWindows.CreateRunner(sums, keyedSums);
        var start = At("2017-01-01T00:00:00");
        foreach (var (value, seconds) in new[] { (1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 6) })
        {
            var ts = start.AddSeconds(seconds);
            runner.PushKeyed(new Keyed(0, value, ts), Instant.FromDateTimeOffset(ts));
        }

        runner.Finish();
        Assert.Equal(new[] { 3, 3, 6, 9 }, keyedSums.Elements.Select(e => e.Value.Sum).Order());
    }
}
