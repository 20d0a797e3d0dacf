using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>ORDER BY ... LIMIT in a subquery: the query around it reads the first n rows (of each window).</summary>
[Pipeline]
public partial class SqlSubqueryTops
{
    static void Define(PipelineBuilder p)
    {
        var players = p.Create<Player>("players");
        p.Sql<TeamTotal>(
            "SELECT team, total FROM (SELECT team, SUM(CAST(points AS BIGINT)) AS total FROM players GROUP BY team ORDER BY total DESC, team LIMIT 2) t WHERE total > 0",
            players.AsTable("players")).Output("leaders");
        p.Sql<BestTeam>(
            "SELECT MAX(total) AS best, COUNT(*) AS teams FROM (SELECT team, SUM(CAST(points AS BIGINT)) AS total FROM players GROUP BY team ORDER BY 2 LIMIT 2 OFFSET 1) t",
            players.AsTable("players")).Output("runnersUp");
        p.Sql<PlayerShare>(
            "SELECT p.name, p.points, CAST(best.points AS BIGINT) AS total FROM players p JOIN (SELECT name, points FROM players ORDER BY points DESC, name LIMIT 3) best ON p.name = best.name",
            players.AsTable("players")).Output("withBest");
    }
}

/// <summary>The same per window: each window's subquery keeps that window's first rows.</summary>
[Pipeline]
public partial class SqlWindowedSubqueryTop
{
    static void Define(PipelineBuilder p) =>
        p.Sql<TeamTotal>(
            "SELECT team, total FROM (SELECT team, SUM(CAST(points AS BIGINT)) AS total FROM players GROUP BY team ORDER BY total DESC LIMIT 1) t",
            p.Unbounded<Player>("players").Window(Windows.Fixed(TimeSpan.FromSeconds(10))).AsTable("players")).Output("best");
}

public class SqlSubqueryTopTests
{
    private static readonly Gen<Player[]> Players = Gen.Select(
        Gen.OneOf(Gen.Const("ann"), Gen.Const("bob"), Gen.Const("cy"), Gen.Const("dee")),
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green"), Gen.Const("gold")),
        Gen.Int[-10, 20],
        (name, team, points) => new Player(name, team, points, null)).Array[0, 40];

    [Fact(DisplayName = "ORDER BY ... LIMIT [OFFSET] in a subquery: the query around it (filtered, aggregated, joined) reads its first rows, as LINQ's OrderBy and Take; parallelism 1 and 2")]
    public void EqualsLinq() => Players.Sample(players =>
    {
        var totals = players.GroupBy(p => p.Team).Select(g => new TeamTotal(g.Key, g.Sum(p => (long)p.Points))).ToList();
        var leaders = totals.OrderByDescending(t => t.Total).ThenBy(t => t.Team, StringComparer.Ordinal).Take(2).Where(t => t.Total > 0).ToList();
        var second = totals.OrderBy(t => t.Total).Skip(1).Take(2).ToList();
        var runnersUp = second.Count == 0 ? new List<BestTeam>() : new List<BestTeam> { new(second.Max(t => t.Total), second.Count) };
        var best = players.OrderByDescending(p => p.Points).ThenBy(p => p.Name, StringComparer.Ordinal).Take(3).ToList();
        var withBest = players.Join(best, p => p.Name, b => b.Name, (p, b) => new PlayerShare(p.Name, p.Points, b.Points)).ToList();
        foreach (var results in new[] { SqlSubqueryTops.Run(players), SqlSubqueryTops.Run(players, parallelism: 2) })
        {
            Assert.Equal(SqlTestData.Sorted(leaders), SqlTestData.Sorted(results.Leaders));
            Assert.Equal(runnersUp, results.RunnersUp);
            Assert.Equal(SqlTestData.Sorted(withBest), SqlTestData.Sorted(results.WithBest));
        }
    }, iter: 80);

    [Fact(DisplayName = "A subquery's ORDER BY ... LIMIT keeps the first rows of each window, and the query around it reads them per window")]
    public void PerWindow()
    {
        var sink = new ListSink<TeamTotal>();
        var runner = SqlWindowedSubqueryTop.CreateRunner(sink);
        runner.PushPlayers(new Player("ann", "red", 5, null), new Instant(1_000));
        runner.PushPlayers(new Player("bob", "blue", 3, null), new Instant(2_000));
        runner.PushPlayers(new Player("cy", "blue", 4, null), new Instant(3_000));
        runner.PushPlayers(new Player("ann", "red", 1, null), new Instant(11_000));
        runner.PushPlayers(new Player("dee", "gold", 9, null), new Instant(12_000));
        runner.AdvanceWatermark(new Instant(25_000));
        Assert.Equal(
            new[] { (new TeamTotal("blue", 7), 9_999L), (new TeamTotal("gold", 9), 19_999L) },
            sink.Elements.Select(v => (v.Value, v.Timestamp.Millis)).OrderBy(x => x.Item2));
    }
}
