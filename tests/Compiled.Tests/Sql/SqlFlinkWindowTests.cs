using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>The rows of Flink's GroupWindowITCase session test: rowtime (ms), an int, a string and a name.</summary>
public sealed record FlinkEvent(Instant Rowtime, int Num, string Str, string Name);

public sealed record FlinkSession(string Str, Instant SessionStart, Instant SessionEnd, long Rows, int Ones, long Nums, int NumSum, long Names);

/// <summary>Flink SQL's GroupWindowITCase.testEventTimeSessionWindow, in our words: sessions with a 5 ms gap per string.</summary>
[Pipeline]
public partial class SqlFlinkSessions
{
    static void Define(PipelineBuilder p) =>
        p.Sql<FlinkSession>("""
            SELECT str, SESSION_START(rowtime, INTERVAL '5' MILLISECOND) AS sessionStart, SESSION_END(rowtime, INTERVAL '5' MILLISECOND) AS sessionEnd,
                   COUNT(1) AS rows, SUM(1) AS ones, COUNT(num) AS nums, SUM(num) AS numSum, COUNT(DISTINCT name) AS names
            FROM t1
            GROUP BY str, SESSION(rowtime, INTERVAL '5' MILLISECOND)
            """, p.Unbounded<FlinkEvent>("events").AsTable("t1")).Output("sessions");
}

/// <summary>A row of Flink's TestData.timestampData: rowtime (ms), int, double, float, decimal, string and name.</summary>
public sealed record FlinkTimestampRow(Instant Rowtime, int Int, double Double, float Float, decimal Bigdec, string? String, string? Name);

public sealed record FlinkHop(string? String, Instant HopStart, Instant HopRowtime, long Rows, int Ones, long Ints, long Floats, string? Names);

public sealed record FlinkConstantKey(Instant WindowEnd, long Names);

public sealed record FlinkCascade(long Total);

/// <summary>Flink's <c>ConcatDistinctAggFunction</c>, in our words: the distinct non-NULL values, joined by '|' in ordinal order.</summary>
public readonly struct ConcatDistinctFn : ICombineFn<string, string?, string?>
{
    public string? CreateAccumulator() => null;

    public void AddInput(ref string? accumulator, string input) => accumulator = Union(accumulator, input);

    public void MergeAccumulators(ref string? accumulator, string? other)
    {
        if (other is not null)
        {
            accumulator = Union(accumulator, other);
        }
    }

    public string? ExtractOutput(string? accumulator) => accumulator;

    private static string Union(string? a, string b) =>
        string.Join("|", (a is null ? Array.Empty<string>() : a.Split('|')).Concat(b.Split('|')).Distinct().OrderBy(v => v, StringComparer.Ordinal));
}

/// <summary>
/// Flink SQL's GroupWindowITCase over TestData.timestampData, in our words: testEventTimeSlidingWindow (HOP, with a C#
/// aggregate for Flink's concat_distinct_agg), testWindowAggregateOnConstantValue (GROUP BY a constant and TUMBLE), and
/// testCascadingTumbleWindow (a TUMBLE over the rows of a TUMBLE in a subquery). Flink's '0.004' SECOND is written
/// '4' MILLISECOND, and its HOP_ROWTIME (the window's last millisecond) as HOP_END - INTERVAL '1' MILLISECOND.
/// </summary>
[Pipeline]
public partial class SqlFlinkTimestampWindows
{
    static void Define(PipelineBuilder p)
    {
        var rows = p.Unbounded<FlinkTimestampRow>("rows");
        p.Sql<FlinkHop>("""
            SELECT "string", HOP_START(rowtime, INTERVAL '4' MILLISECOND, INTERVAL '5' MILLISECOND) AS hopStart,
                   HOP_END(rowtime, INTERVAL '4' MILLISECOND, INTERVAL '5' MILLISECOND) - INTERVAL '1' MILLISECOND AS hopRowtime,
                   COUNT(1) AS rows, SUM(1) AS ones, COUNT("int") AS ints, COUNT(DISTINCT "float") AS floats, concat_distinct_agg(name) AS names
            FROM testTable
            GROUP BY "string", HOP(rowtime, INTERVAL '4' MILLISECOND, INTERVAL '5' MILLISECOND)
            """, rows.AsTable("testTable"), SqlFunction.Aggregate("concat_distinct_agg", new ConcatDistinctFn())).Output("hops");
        p.Sql<FlinkConstantKey>(
            "SELECT TUMBLE_END(rowtime, INTERVAL '3' MILLISECOND) AS windowEnd, COUNT(name) AS names FROM testTable GROUP BY 'a', TUMBLE(rowtime, INTERVAL '3' MILLISECOND)",
            rows.AsTable("testTable")).Output("constantKey");
        p.Sql<FlinkCascade>("""
            SELECT SUM(cnt) AS total
            FROM (
              SELECT COUNT(1) AS cnt, TUMBLE_END(rowtime, INTERVAL '10' SECOND) - INTERVAL '1' MILLISECOND AS ts
              FROM testTable
              GROUP BY "int", "string", TUMBLE(rowtime, INTERVAL '10' SECOND)
            )
            GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)
            """, rows.AsTable("testTable")).Output("cascade");
    }
}

public class SqlFlinkWindowTests
{
    [Fact(DisplayName = "Flink's timestampData window tests: HOP with COUNT, SUM, COUNT(DISTINCT) and a C# aggregate; GROUP BY a constant with TUMBLE; a TUMBLE over a TUMBLE")]
    public void TimestampDataWindows()
    {
        // TestData.timestampData, in arrival order (7 ms arrives before 6 ms), with Flink's watermark: rowtime - 10 ms.
        var data = new[]
        {
            new FlinkTimestampRow(new Instant(1), 1, 1d, 1f, 1m, "Hi", "a"),
            new FlinkTimestampRow(new Instant(2), 2, 2d, 2f, 2m, "Hallo", "a"),
            new FlinkTimestampRow(new Instant(3), 2, 2d, 2f, 2m, "Hello", "a"),
            new FlinkTimestampRow(new Instant(4), 5, 5d, 5f, 5m, "Hello", "a"),
            new FlinkTimestampRow(new Instant(7), 3, 3d, 3f, 3m, "Hello", "b"),
            new FlinkTimestampRow(new Instant(6), 5, 5d, 5f, 5m, "Hello", "a"),
            new FlinkTimestampRow(new Instant(8), 3, 3d, 3f, 3m, "Hello world", "a"),
            new FlinkTimestampRow(new Instant(16), 4, 4d, 4f, 4m, "Hello world", "b"),
            new FlinkTimestampRow(new Instant(32), 4, 4d, 4f, 4m, null, null),
        };
        var hops = new ListSink<FlinkHop>();
        var constantKey = new ListSink<FlinkConstantKey>();
        var cascade = new ListSink<FlinkCascade>();
        var runner = SqlFlinkTimestampWindows.CreateRunner(hops, constantKey, cascade);
        var max = long.MinValue;
        foreach (var row in data)
        {
            runner.PushRows(row, row.Rowtime);
            max = Math.Max(max, row.Rowtime.Millis);
            runner.AdvanceWatermark(new Instant(max - 10));
        }

        runner.Finish();
        Assert.Equal(0, runner.DroppedLateElements);

        // testEventTimeSlidingWindow's expected rows (string, HOP_START, HOP_ROWTIME, COUNT(1), SUM(1), COUNT(int), COUNT(DISTINCT float), names).
        var expectedHops = new[]
        {
            new FlinkHop("Hallo", new Instant(0), new Instant(4), 1, 1, 1, 1, "a"),
            new FlinkHop("Hello world", new Instant(4), new Instant(8), 1, 1, 1, 1, "a"),
            new FlinkHop("Hello world", new Instant(8), new Instant(12), 1, 1, 1, 1, "a"),
            new FlinkHop("Hello world", new Instant(12), new Instant(16), 1, 1, 1, 1, "b"),
            new FlinkHop("Hello world", new Instant(16), new Instant(20), 1, 1, 1, 1, "b"),
            new FlinkHop("Hello", new Instant(0), new Instant(4), 2, 2, 2, 2, "a"),
            new FlinkHop("Hello", new Instant(4), new Instant(8), 3, 3, 3, 2, "a|b"),
            new FlinkHop("Hi", new Instant(0), new Instant(4), 1, 1, 1, 1, "a"),
            new FlinkHop(null, new Instant(28), new Instant(32), 1, 1, 1, 1, null),
            new FlinkHop(null, new Instant(32), new Instant(36), 1, 1, 1, 1, null),
        };
        Assert.Equal(
            expectedHops.Select(h => h.ToString()).OrderBy(s => s, StringComparer.Ordinal),
            hops.Elements.Select(e => e.Value.ToString()).OrderBy(s => s, StringComparer.Ordinal));

        // testWindowAggregateOnConstantValue: TUMBLE_END and COUNT(name) per 3 ms window (the last window's only name is NULL).
        Assert.Equal(
            new[] { (3L, 2L), (6L, 2L), (9L, 3L), (18L, 1L), (33L, 0L) },
            constantKey.Elements.Select(e => (e.Value.WindowEnd.Millis, e.Value.Names)).OrderBy(r => r.Millis));

        // testCascadingTumbleWindow: every row counted once in the outer 10 s window.
        Assert.Equal(new[] { new FlinkCascade(9) }, cascade.Elements.Select(e => e.Value));
    }

    [Fact(DisplayName = "Flink's testEventTimeSessionWindow: out-of-order rows, watermark 10 ms behind, three sessions (SESSION_END is the end, where Flink reports end - 1 ms as SESSION_ROWTIME)")]
    public void EventTimeSessionWindow()
    {
        // Flink's sessionData, in arrival order: (rowtime ms, int, string, name).
        var rows = new[]
        {
            new FlinkEvent(new Instant(1), 1, "Hello", "a"),
            new FlinkEvent(new Instant(2), 2, "Hello", "b"),
            new FlinkEvent(new Instant(8), 8, "Hello", "a"),
            new FlinkEvent(new Instant(9), 9, "Hello World", "b"),
            new FlinkEvent(new Instant(4), 4, "Hello", "c"),
            new FlinkEvent(new Instant(16), 16, "Hello", "d"),
        };
        var sink = new ListSink<FlinkSession>();
        var runner = SqlFlinkSessions.CreateRunner(sink);
        var max = long.MinValue;
        foreach (var row in rows)
        {
            runner.PushEvents(row, row.Rowtime);
            max = Math.Max(max, row.Rowtime.Millis);
            runner.AdvanceWatermark(new Instant(max - 10));
        }

        runner.Finish();
        var expected = new[]
        {
            new FlinkSession("Hello", new Instant(1), new Instant(13), 4, 4, 4, 15, 3),
            new FlinkSession("Hello", new Instant(16), new Instant(21), 1, 1, 1, 16, 1),
            new FlinkSession("Hello World", new Instant(9), new Instant(14), 1, 1, 1, 9, 1),
        };
        Assert.Equal(expected, sink.Elements.Select(e => e.Value).OrderBy(s => s.Str, StringComparer.Ordinal).ThenBy(s => s.SessionStart));
        Assert.Equal(0, runner.DroppedLateElements);
    }
}
