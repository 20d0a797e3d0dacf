using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record Visit(string Page, DateTimeOffset At, DateTime? Seen, Instant Logged);

public sealed record VisitFields(string Page, long Year, long Quarter, long Month, long Week, long Day, long Dow, long Doy, long Hour, long Minute, long Second, long? SeenHour);

public sealed record PageSpan(string Page, DateTimeOffset First, DateTimeOffset Last, DateTime? LastSeen, long Visits);

/// <summary>Timestamps in queries: comparisons with TIMESTAMP literals and across C# types, EXTRACT, MIN and MAX.</summary>
[Pipeline]
public partial class SqlTimestamps
{
    static void Define(PipelineBuilder p)
    {
        var visits = p.Create<Visit>("visits");
        p.Sql<VisitFields>("""
            SELECT page, EXTRACT(YEAR FROM at) AS year, EXTRACT(QUARTER FROM at) AS quarter, EXTRACT(MONTH FROM at) AS month,
                   EXTRACT(WEEK FROM at) AS week, EXTRACT(DAY FROM at) AS day, EXTRACT(DOW FROM at) AS dow, EXTRACT(DOY FROM at) AS doy,
                   EXTRACT(HOUR FROM at) AS hour, EXTRACT(MINUTE FROM at) AS minute, EXTRACT(SECOND FROM at) AS second,
                   EXTRACT(HOUR FROM seen) AS seenHour
            FROM visits
            WHERE at >= TIMESTAMP '2020-03-01 00:00:00' AND at < logged
            """, visits.AsTable("visits")).Output("fields");
        p.Sql<PageSpan>(
            "SELECT page, MIN(at) AS first, MAX(at) AS last, MAX(seen) AS lastSeen, COUNT(*) AS visits FROM visits GROUP BY page",
            visits.AsTable("visits")).Output("spans");
    }
}

public class SqlTimestampTests
{
    private static readonly Gen<Visit[]> Visits = Gen.Select(
        Gen.OneOf(Gen.Const("/"), Gen.Const("/a"), Gen.Const("/b")),
        Gen.Long[1_546_300_800_000L, 1_640_995_200_000L], // 2019-01-01 to 2022-01-01
        Gen.Int[-14, 14],
        Gen.Bool,
        Gen.Long[-3_600_000L, 3_600_000L],
        (page, ms, offsetHours, seen, skew) =>
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromHours(offsetHours));
            return new Visit(page, at, seen ? DateTime.SpecifyKind(at.UtcDateTime.AddMinutes(5), DateTimeKind.Utc) : null, new Instant(ms + skew));
        }).Array[0, 60];

    private static readonly DateTimeOffset March2020 = new(2020, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact(DisplayName = "EXTRACT reads each field of the time in UTC (DOW 1 = Sunday, ISO weeks); a TIMESTAMP literal and an Instant column compare with a DateTimeOffset column as instants")]
    public void ExtractAndCompareEqualCSharp() => Visits.Sample(visits =>
    {
        var expected = visits.Where(v => v.At >= March2020 && v.At.ToUnixTimeMilliseconds() < v.Logged.Millis).Select(v =>
        {
            var u = v.At.UtcDateTime;
            return new VisitFields(v.Page, u.Year, (u.Month + 2) / 3, u.Month, ISOWeek.GetWeekOfYear(u), u.Day, (long)u.DayOfWeek + 1, u.DayOfYear, u.Hour, u.Minute, u.Second, v.Seen?.Hour);
        });
        Assert.Equal(expected, SqlTimestamps.Run(visits).Fields);
    }, iter: 60);

    [Fact(DisplayName = "EXTRACT on a known time: 2021-01-03 01:02:03 UTC is a Sunday (DOW 1) in ISO week 53 of 2020")]
    public void ExtractKnownTime()
    {
        var at = new DateTimeOffset(2021, 1, 3, 1, 2, 3, TimeSpan.Zero); // a Sunday, in ISO week 53 of 2020
        var row = Assert.Single(SqlTimestamps.Run(new[] { new Visit("/", at, null, new Instant(at.ToUnixTimeMilliseconds() + 1)) }).Fields);
        Assert.Equal(new VisitFields("/", 2021, 1, 1, 53, 3, 1, 3, 1, 2, 3, null), row);
    }

    [Fact(DisplayName = "MIN and MAX of timestamps (a DateTime? column: NULLs skipped) equal LINQ, at parallelism 1 and 2")]
    public void MinMaxEqualLinq() => Visits.Sample(visits =>
    {
        var expected = visits.GroupBy(v => v.Page).Select(g => new PageSpan(g.Key, g.Min(v => v.At), g.Max(v => v.At), g.Max(v => v.Seen), g.Count()))
            .OrderBy(r => r.Page, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, SqlTimestamps.Run(visits).Spans.OrderBy(r => r.Page, StringComparer.Ordinal));
        Assert.Equal(expected, SqlTimestamps.Run(visits, parallelism: 2).Spans.OrderBy(r => r.Page, StringComparer.Ordinal));
    }, iter: 60);
}
