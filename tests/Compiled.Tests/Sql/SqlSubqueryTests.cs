using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record TeamTotal(string Team, long Total);

public sealed record PlayerShare(string Name, int Points, long Total);

public sealed record BestTeam(long Best, long Teams);

/// <summary>Subqueries in FROM: filtered after grouping, joined with a table, aggregated again, and nested.</summary>
[Pipeline]
public partial class SqlSubqueries
{
    static void Define(PipelineBuilder p)
    {
        var players = p.Create<Player>("players");
        p.Sql<TeamTotal>(
            "SELECT team, total FROM (SELECT team, SUM(CAST(points AS BIGINT)) AS total FROM players GROUP BY team) AS t WHERE total > 10",
            players.AsTable("players")).Output("bigTeams");
        p.Sql<PlayerShare>("""
            SELECT p.name, p.points, t.total
            FROM players p JOIN (SELECT team, SUM(CAST(points AS BIGINT)) AS total FROM players GROUP BY team) t ON p.team = t.team
            WHERE p.points > 0
            """, players.AsTable("players")).Output("shares");
        // A UNION ALL in a subquery: the second SELECT fills the first's columns by position, its INTEGER widened to BIGINT.
        p.Sql<TeamTotal>("""
            SELECT team, SUM(amount) AS total
            FROM (SELECT team, CAST(points AS BIGINT) AS amount FROM players WHERE points > 0
                  UNION ALL
                  SELECT name, points * 2 FROM players WHERE points <= 0) AS u
            GROUP BY team
            """, players.AsTable("players")).Output("unioned");
        p.Sql<BestTeam>("""
            SELECT MAX(total) AS best, COUNT(*) AS teams
            FROM (SELECT team, total FROM (SELECT team, SUM(CAST(points AS BIGINT)) AS total FROM players GROUP BY team) inner_totals WHERE total >= 0) t
            """, players.AsTable("players")).Output("best");
    }
}

public class SqlSubqueryTests
{
    private static readonly Gen<Player[]> Players = Gen.Select(
        Gen.OneOf(Gen.Const("ann"), Gen.Const("bob"), Gen.Const("cy")),
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green")),
        Gen.Int[-10, 20],
        (name, team, points) => new Player(name, team, points, null)).Array[0, 40];

    [Fact(DisplayName = "Subqueries in FROM (filtered, joined, aggregated again, nested two deep, a UNION ALL) equal LINQ, at parallelism 1 and 2")]
    public void SubqueriesEqualLinq() => Players.Sample(players =>
    {
        var totals = players.GroupBy(p => p.Team).Select(g => new TeamTotal(g.Key, g.Sum(p => (long)p.Points))).ToList();
        var big = totals.Where(t => t.Total > 10).OrderBy(t => t.Team, StringComparer.Ordinal).ToList();
        var shares = players.Where(p => p.Points > 0).Join(totals, p => p.Team, t => t.Team, (p, t) => new PlayerShare(p.Name, p.Points, t.Total))
            .OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Points).ThenBy(s => s.Total).ToList();
        var nonNegative = totals.Where(t => t.Total >= 0).ToList();
        var best = nonNegative.Count == 0 ? new List<BestTeam>() : new List<BestTeam> { new(nonNegative.Max(t => t.Total), nonNegative.Count) };
        var unioned = players.Where(p => p.Points > 0).Select(p => (p.Team, Amount: (long)p.Points))
            .Concat(players.Where(p => p.Points <= 0).Select(p => (Team: p.Name, Amount: (long)(p.Points * 2))))
            .GroupBy(x => x.Team).Select(g => new TeamTotal(g.Key, g.Sum(x => x.Amount))).OrderBy(t => t.Team, StringComparer.Ordinal).ToList();
        foreach (var results in new[] { SqlSubqueries.Run(players), SqlSubqueries.Run(players, parallelism: 2) })
        {
            Assert.Equal(unioned, results.Unioned.OrderBy(t => t.Team, StringComparer.Ordinal));
            Assert.Equal(big, results.BigTeams.OrderBy(t => t.Team, StringComparer.Ordinal));
            Assert.Equal(shares, results.Shares.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Points).ThenBy(s => s.Total));
            Assert.Equal(best, results.Best);
        }
    }, iter: 50);
}
