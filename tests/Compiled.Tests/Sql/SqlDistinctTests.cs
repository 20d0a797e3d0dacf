using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record TeamPoints(string Team, int Points);

public sealed record PointsCount(long N);

public sealed record NoteTag(string? Nick, string Tag);

/// <summary>SELECT DISTINCT: over rows, over expressions and constants, with NULLs, and over groups.</summary>
[Pipeline]
public partial class SqlDistincts
{
    static void Define(PipelineBuilder p)
    {
        var players = p.Create<Player>("players");
        p.Sql<TeamPoints>("SELECT DISTINCT team, points FROM players WHERE points > 0", players.AsTable("players")).Output("pairs");
        p.Sql<NoteTag>("SELECT DISTINCT nick, 'player' AS tag FROM players", players.AsTable("players")).Output("nicks");
        p.Sql<PointsCount>("SELECT DISTINCT COUNT(*) AS n FROM players GROUP BY team", players.AsTable("players")).Output("sizes");
    }
}

/// <summary>The same per window.</summary>
[Pipeline]
public partial class SqlWindowedDistinct
{
    static void Define(PipelineBuilder p) =>
        p.Sql<TeamPoints>(
            "SELECT DISTINCT team, points FROM players",
            p.Unbounded<Player>("players").Window(Windows.Fixed(TimeSpan.FromSeconds(10))).AsTable("players")).Output("pairs");
}

public class SqlDistinctTests
{
    private static readonly Gen<Player[]> Players = Gen.Select(
        Gen.OneOf(Gen.Const("ann"), Gen.Const("bob")),
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green")),
        Gen.Int[-2, 4],
        Gen.OneOf(Gen.Const((string?)null), Gen.Const((string?)"ace"), Gen.Const((string?)"zed")),
        (name, team, points, nick) => new Player(name, team, points, nick)).Array[0, 30];

    [Fact(DisplayName = "SELECT DISTINCT equals LINQ's Distinct: over columns, with a constant and NULLs (one NULL row), and over groups; parallelism 1 and 2")]
    public void EqualsLinq() => Players.Sample(players =>
    {
        var pairs = players.Where(p => p.Points > 0).Select(p => new TeamPoints(p.Team, p.Points)).Distinct().ToList();
        var nicks = players.Select(p => new NoteTag(p.Nick, "player")).Distinct().ToList();
        var sizes = players.GroupBy(p => p.Team).Select(g => new PointsCount(g.Count())).Distinct().ToList();
        foreach (var results in new[] { SqlDistincts.Run(players), SqlDistincts.Run(players, parallelism: 2) })
        {
            Assert.Equal(SqlTestData.Sorted(pairs), SqlTestData.Sorted(results.Pairs));
            Assert.Equal(SqlTestData.Sorted(nicks), SqlTestData.Sorted(results.Nicks));
            Assert.Equal(SqlTestData.Sorted(sizes), SqlTestData.Sorted(results.Sizes));
        }
    }, iter: 80);

    [Fact(DisplayName = "SELECT DISTINCT over windowed rows keeps one row per distinct values of each window")]
    public void PerWindow()
    {
        var sink = new ListSink<TeamPoints>();
        var runner = SqlWindowedDistinct.CreateRunner(sink);
        runner.PushPlayers(new Player("ann", "red", 1, null), new Instant(1_000));
        runner.PushPlayers(new Player("bob", "red", 1, null), new Instant(2_000));
        runner.PushPlayers(new Player("cy", "red", 1, null), new Instant(12_000));
        runner.Finish();
        Assert.Equal(
            new[] { (new TeamPoints("red", 1), 9_999L), (new TeamPoints("red", 1), 19_999L) },
            sink.Elements.Select(v => (v.Value, v.Timestamp.Millis)).OrderBy(x => x.Item2));
    }
}
