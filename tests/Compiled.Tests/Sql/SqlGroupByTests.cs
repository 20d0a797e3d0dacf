using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record TeamStats(string Team, long Players, int Total, long? BonusSum, double AvgWeight, int Best, string First, long Notes, long DistinctUsers, int AvgPoints, string? LastNote);

public sealed record TeamUser(string Team, string User, double Heaviest, long Rows, bool Many);

/// <summary>GROUP BY with aggregates and HAVING over one table, keyed by one expression and by two.</summary>
[Pipeline]
public partial class SqlGroups
{
    static void Define(PipelineBuilder p)
    {
        var scores = p.Create<Score>("scores");
        p.Sql<TeamStats>("""
            SELECT team, COUNT(*) AS players, SUM(points) AS total, SUM(bonus) AS bonusSum, AVG(weight) AS avgWeight,
                   MAX(points) AS best, MIN(user) AS first, COUNT(note) AS notes, COUNT(DISTINCT user) AS distinctUsers,
                   AVG(points) AS avgPoints, MAX(note) AS lastNote
            FROM scores
            WHERE points >= 0
            GROUP BY team
            HAVING COUNT(*) > 1 AND SUM(points) >= 10
            """, scores.AsTable("scores")).Output("teams");

        p.Sql<TeamUser>(
            "SELECT UPPER(team) AS team, user, MAX(weight) AS heaviest, COUNT(*) AS rows, COUNT(*) > 2 AS many FROM scores GROUP BY UPPER(team), user",
            scores.AsTable("scores")).Output("pairs");
    }
}

/// <summary>The grouped queries against the same aggregates computed in C# (SQL's NULL rules spelled out), on random rows.</summary>
public class SqlGroupByTests
{
    [Fact]
    public void GroupByEqualsTheSameAggregatesInCSharp() => SqlSelectTests.Scores.Array[0, 300].Sample(data =>
    {
        var result = SqlGroups.Run(data);

        var expectedTeams = new List<TeamStats>();
        foreach (var g in data.Where(s => s.Points >= 0).GroupBy(s => s.Team, StringComparer.Ordinal))
        {
            var rows = g.ToList();
            var total = unchecked(rows.Aggregate(0, (sum, s) => sum + s.Points));
            if (!(rows.Count > 1 && total >= 10))
            {
                continue;
            }

            var bonuses = rows.Where(s => s.Bonus is not null).Select(s => s.Bonus!.Value).ToList();
            double weights = 0;
            foreach (var s in rows)
            {
                weights += s.Weight; // in row order, as the query sums
            }

            var notes = rows.Where(s => s.Note is not null).Select(s => s.Note!).ToList();
            expectedTeams.Add(new TeamStats(
                g.Key, rows.Count, total, bonuses.Count == 0 ? null : bonuses.Sum(), weights / rows.Count,
                rows.Max(s => s.Points), rows.Select(s => s.User).OrderBy(u => u, StringComparer.Ordinal).First(), notes.Count,
                rows.Select(s => s.User).Distinct().LongCount(), (int)(rows.Sum(s => (long)s.Points) / rows.Count),
                notes.Count == 0 ? null : notes.OrderBy(n => n, StringComparer.Ordinal).Last()));
        }

        Assert.Equal(expectedTeams.OrderBy(t => t.Team, StringComparer.Ordinal), result.Teams.OrderBy(t => t.Team, StringComparer.Ordinal));

        var expectedPairs = data.GroupBy(s => (s.Team.ToUpperInvariant(), s.User))
            .Select(g => new TeamUser(g.Key.Item1, g.Key.User, g.Max(s => s.Weight), g.LongCount(), g.Count() > 2))
            .OrderBy(t => t.Team, StringComparer.Ordinal).ThenBy(t => t.User, StringComparer.Ordinal);
        Assert.Equal(expectedPairs, result.Pairs.OrderBy(t => t.Team, StringComparer.Ordinal).ThenBy(t => t.User, StringComparer.Ordinal));
    }, iter: 100);

    [Fact]
    public void ThePlanShowsTheGrouping()
    {
        Assert.Contains("Sql GROUP BY key (line", SqlGroups.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("Sql HAVING (line", SqlGroups.PlanDescription, StringComparison.Ordinal);
    }
}

public sealed record Click(string User, long TimeMs);

public sealed record UserClicks(string User, long Clicks);

/// <summary>GROUP BY over a windowed collection groups each window's rows, as Beam SQL groups a windowed input.</summary>
[Pipeline]
public partial class SqlWindowedGroups
{
    static void Define(PipelineBuilder p)
    {
        var clicks = p.Create<Click>("clicks")
            .WithTimestamps(static c => new Instant(c.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMinutes(1)));
        p.Sql<UserClicks>("SELECT user, COUNT(*) AS clicks FROM clicks GROUP BY user", clicks.AsTable("clicks")).Output("counts");
    }
}

public class SqlWindowedGroupByTests
{
    [Fact]
    public void GroupByCountsEachWindowsRows()
    {
        var random = new Random(5);
        var clicks = Enumerable.Range(0, 2_000).Select(_ => new Click(new[] { "ann", "bob", "cy" }[random.Next(3)], random.Next(0, 5 * 60_000))).ToArray();
        var result = SqlWindowedGroups.Run(clicks);
        var expected = clicks.GroupBy(c => (c.User, Start: c.TimeMs / 60_000 * 60_000))
            .Select(g => (g.Key.User, g.Key.Start, (long)g.Count()))
            .OrderBy(x => x.Start).ThenBy(x => x.User, StringComparer.Ordinal);
        var actual = result.CountsElements
            .Select(e => (e.Value.User, e.Window.Start.Millis, e.Value.Clicks))
            .OrderBy(x => x.Millis).ThenBy(x => x.User, StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }
}
