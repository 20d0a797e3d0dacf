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

public class SqlFlinkWindowTests
{
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
