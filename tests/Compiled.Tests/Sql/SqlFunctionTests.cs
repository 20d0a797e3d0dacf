using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>C# functions a query calls: static methods as scalar functions.</summary>
public static class SqlUdfs
{
    public static string Slug(string text) => text.Trim().ToLowerInvariant().Replace(' ', '-');

    public static int Clamp(int value, int low, int high) => Math.Clamp(value, low, high);

    public static string? Initial(string? text) => string.IsNullOrEmpty(text) ? null : text.Substring(0, 1);
}

/// <summary>The median of longs (the mean of the two middle values for an even count; 0 for none), as a SQL aggregate.</summary>
public readonly struct MedianFn : ICombineFn<long, List<long>, double>
{
    public List<long> CreateAccumulator() => new();

    public void AddInput(ref List<long> accumulator, long input) => accumulator.Add(input);

    public void MergeAccumulators(ref List<long> accumulator, List<long> other) => accumulator.AddRange(other);

    public double ExtractOutput(List<long> accumulator)
    {
        if (accumulator.Count == 0)
        {
            return 0;
        }

        var sorted = accumulator.OrderBy(v => v).ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }
}

public sealed record Player(string Name, string Team, int Points, string? Nick);

public sealed record PlayerRow(string Slug, int Capped, string? Initial);

public sealed record TeamMedian(string Team, double Median, long Players, int Best);

[Pipeline]
public partial class SqlUserFunctions
{
    static void Define(PipelineBuilder p)
    {
        var players = p.Create<Player>("players");
        p.Sql<PlayerRow>(
            "SELECT slug(name) AS slug, clamp(points, 0, 100) AS capped, initial(nick) AS initial FROM players WHERE clamp(points, 0, 10) > 5",
            players.AsTable("players"),
            SqlFunction.Scalar("slug", SqlUdfs.Slug),
            SqlFunction.Scalar("clamp", SqlUdfs.Clamp),
            SqlFunction.Scalar("initial", SqlUdfs.Initial)).Output("rows");
        p.Sql<TeamMedian>(
            "SELECT team, MEDIAN(points) AS median, COUNT(*) AS players, MAX(points) AS best FROM players GROUP BY team",
            players.AsTable("players"),
            SqlFunction.Aggregate("median", new MedianFn())).Output("medians");
        p.Sql<TeamMedian>(
            "SELECT team, median(points) AS median, COUNT(DISTINCT name) AS players, MAX(points) AS best FROM players GROUP BY team",
            players.AsTable("players"),
            SqlFunction.Aggregate("median", new MedianFn())).Output("distinctMedians");
    }
}

public class SqlFunctionTests
{
    private static readonly Gen<Player[]> Players = Gen.Select(
        Gen.OneOf(Gen.Const(" Ann Lee"), Gen.Const("Bob"), Gen.Const("Cy Young "), Gen.Const("dee")),
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue")),
        Gen.Int[-20, 150],
        Gen.OneOf(Gen.Const((string?)null), Gen.Const((string?)""), Gen.Const((string?)"Ace")),
        (name, team, points, nick) => new Player(name, team, points, nick)).Array[0, 50];

    private static double Median(IEnumerable<long> values) => new MedianFn().ExtractOutput(values.ToList());

    [Fact(DisplayName = "Scalar C# functions in SELECT and WHERE, with a NULL argument where the parameter can hold null, equal calling them in C#")]
    public void ScalarFunctionsEqualCSharp() => Players.Sample(players =>
    {
        var expected = players.Where(p => SqlUdfs.Clamp(p.Points, 0, 10) > 5)
            .Select(p => new PlayerRow(SqlUdfs.Slug(p.Name), SqlUdfs.Clamp(p.Points, 0, 100), SqlUdfs.Initial(p.Nick)));
        Assert.Equal(expected, SqlUserFunctions.Run(players).Rows);
    }, iter: 50);

    [Fact(DisplayName = "A combine function as an aggregate, lifted with COUNT and MAX or over the group's rows beside COUNT(DISTINCT), equals LINQ at parallelism 1 and 2")]
    public void AggregateFunctionEqualsLinq() => Players.Sample(players =>
    {
        var expected = players.GroupBy(p => p.Team)
            .Select(g => new TeamMedian(g.Key, Median(g.Select(p => (long)p.Points)), g.Count(), g.Max(p => p.Points)))
            .OrderBy(r => r.Team, StringComparer.Ordinal).ToList();
        var distinct = players.GroupBy(p => p.Team)
            .Select(g => new TeamMedian(g.Key, Median(g.Select(p => (long)p.Points)), g.Select(p => p.Name).Distinct().Count(), g.Max(p => p.Points)))
            .OrderBy(r => r.Team, StringComparer.Ordinal).ToList();
        var results = SqlUserFunctions.Run(players);
        Assert.Equal(expected, results.Medians.OrderBy(r => r.Team, StringComparer.Ordinal));
        Assert.Equal(distinct, results.DistinctMedians.OrderBy(r => r.Team, StringComparer.Ordinal));
        Assert.Equal(expected, SqlUserFunctions.Run(players, parallelism: 2).Medians.OrderBy(r => r.Team, StringComparer.Ordinal));
    }, iter: 50);
}
