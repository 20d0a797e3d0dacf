using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record Shift(string Worker, DateTimeOffset Start, DateTime? End, Instant Logged, double Hours);

public sealed record ShiftTimes(
    string Worker, DateTimeOffset Due, DateTime? Closed, Instant Early,
    DateTimeOffset Hour, DateTimeOffset Day, DateTimeOffset Week, DateTimeOffset Month, DateTimeOffset Quarter, DateTimeOffset Year,
    DateTimeOffset NextHour, DateTime? EndDay, Instant LoggedMinute, double Floored, double Ceiled);

public sealed record HourCount(DateTimeOffset Hour, long Shifts);

/// <summary>Timestamp arithmetic (ts ± INTERVAL) and rounding (FLOOR and CEIL ... TO unit), and FLOOR as a GROUP BY key.</summary>
[Pipeline]
public partial class SqlTimeArithmetic
{
    static void Define(PipelineBuilder p)
    {
        var shifts = p.Create<Shift>("shifts");
        p.Sql<ShiftTimes>("""
            SELECT worker, start + INTERVAL '8' HOUR AS due, "end" - INTERVAL '90' SECOND AS closed, INTERVAL '1' DAY + logged - INTERVAL '2' DAY AS early,
                   FLOOR(start TO HOUR) AS hour, FLOOR(start TO DAY) AS day, FLOOR(start TO WEEK) AS week, FLOOR(start TO MONTH) AS month,
                   FLOOR(start TO QUARTER) AS quarter, FLOOR(start TO YEAR) AS year, CEIL(start TO HOUR) AS nextHour,
                   CEIL("end" TO DAY) AS endDay, FLOOR(logged TO MINUTE) AS loggedMinute, FLOOR(hours) AS floored, CEIL(hours) AS ceiled
            FROM shifts
            WHERE start + INTERVAL '30' MINUTE > TIMESTAMP '2020-06-01 00:00:00'
            """, shifts.AsTable("shifts")).Output("times");
        p.Sql<HourCount>(
            "SELECT FLOOR(start TO HOUR) AS hour, COUNT(*) AS shifts FROM shifts GROUP BY FLOOR(start TO HOUR)",
            shifts.AsTable("shifts")).Output("perHour");
    }
}

public class SqlTimeArithmeticTests
{
    private static readonly Gen<Shift[]> Shifts = Gen.Select(
        Gen.OneOf(Gen.Const("ann"), Gen.Const("bob")),
        Gen.Long[1_577_836_800_000L, 1_609_459_200_000L], // 2020
        Gen.Int[-12, 12],
        Gen.Bool,
        Gen.Double[-50, 50],
        (worker, ms, offset, ended, hours) =>
        {
            // Some times on whole hours and days, so that CEIL of a whole unit is tested.
            var at = ms % 3 == 0 ? ms / 3_600_000 * 3_600_000 : ms % 3 == 1 ? ms / 86_400_000 * 86_400_000 : ms;
            var start = DateTimeOffset.FromUnixTimeMilliseconds(at).ToOffset(TimeSpan.FromHours(offset));
            return new Shift(worker, start, ended ? DateTime.SpecifyKind(start.UtcDateTime.AddHours(7.5), DateTimeKind.Utc) : null, new Instant(at + 12_345), hours);
        }).Array[0, 40];

    private static DateTime Floor(DateTime utc, string unit) => unit switch
    {
        "HOUR" => new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc),
        "MINUTE" => new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc),
        "DAY" => new DateTime(utc.Year, utc.Month, utc.Day, 0, 0, 0, DateTimeKind.Utc),
        "WEEK" => new DateTime(utc.Year, utc.Month, utc.Day, 0, 0, 0, DateTimeKind.Utc).AddDays(-(int)utc.DayOfWeek),
        "MONTH" => new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        "QUARTER" => new DateTime(utc.Year, (utc.Month - 1) / 3 * 3 + 1, 1, 0, 0, 0, DateTimeKind.Utc),
        _ => new DateTime(utc.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    private static DateTimeOffset Utc(DateTime utc) => new(utc, TimeSpan.Zero);

    [Fact(DisplayName = "ts ± INTERVAL moves a timestamp of any C# type; FLOOR and CEIL ... TO unit round it in UTC (a whole unit stays); FLOOR and CEIL of a DOUBLE; all equal C#")]
    public void EqualsCSharp() => Shifts.Sample(shifts =>
    {
        var june = new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var expected = shifts.Where(s => s.Start.AddMinutes(30) > june).Select(s =>
        {
            var u = s.Start.UtcDateTime;
            var hour = Floor(u, "HOUR");
            var endDay = s.End is { } end ? Floor(end, "DAY") == end ? end : Floor(end, "DAY").AddDays(1) : (DateTime?)null;
            return new ShiftTimes(
                s.Worker, s.Start.AddHours(8), s.End?.AddSeconds(-90), new Instant(s.Logged.Millis - 86_400_000),
                Utc(hour), Utc(Floor(u, "DAY")), Utc(Floor(u, "WEEK")), Utc(Floor(u, "MONTH")), Utc(Floor(u, "QUARTER")), Utc(Floor(u, "YEAR")),
                Utc(hour == u ? hour : hour.AddHours(1)), endDay,
                new Instant(new DateTimeOffset(Floor(DateTimeOffset.FromUnixTimeMilliseconds(s.Logged.Millis).UtcDateTime, "MINUTE")).ToUnixTimeMilliseconds()),
                Math.Floor(s.Hours), Math.Ceiling(s.Hours));
        }).ToList();
        var results = SqlTimeArithmetic.Run(shifts);
        Assert.Equal(expected, results.Times);
        Assert.All(results.Times, t => Assert.Equal(TimeSpan.Zero, t.Hour.Offset));
        Assert.All(results.Times.Where(t => t.EndDay is not null), t => Assert.Equal(DateTimeKind.Utc, t.EndDay!.Value.Kind));

        var perHour = shifts.GroupBy(s => Utc(Floor(s.Start.UtcDateTime, "HOUR"))).Select(g => new HourCount(g.Key, g.Count())).OrderBy(h => h.Hour).ToList();
        Assert.Equal(perHour, results.PerHour.OrderBy(h => h.Hour));
    }, iter: 60);
}
