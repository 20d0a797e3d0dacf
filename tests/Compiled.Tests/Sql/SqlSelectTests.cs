using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record Score(string User, string Team, int Points, double Weight, string? Note, long? Bonus);

public sealed record ScoreRow(string User, long Doubled, bool Big, string Grade, string? Loud, int NameLength, long? Total);

/// <summary>A row built from settable members (no constructor takes the columns).</summary>
public sealed class LabelRow
{
    public string Label { get; set; } = string.Empty;

    public double Scaled { get; init; }

    public int? Clipped { get; set; }
}

/// <summary>SELECT and WHERE over one table: projections, arithmetic, CASE, CAST, functions and three-valued logic.</summary>
[Pipeline]
public partial class SqlScores
{
    static void Define(PipelineBuilder p)
    {
        var scores = p.Create<Score>("scores");
        p.Sql<ScoreRow>("""
            SELECT user, points * 2 AS doubled, points > 50 AS big,
                   CASE WHEN points >= 90 THEN 'A' WHEN points >= 80 THEN 'B' ELSE 'C' END AS grade,
                   UPPER(note) AS loud, CHAR_LENGTH(user) AS nameLength, points + bonus AS total
            FROM scores
            WHERE team = 'red' AND (weight BETWEEN 0.5 AND 2 OR note IS NULL) AND MOD(points, 3) <> 1
            """, scores.AsTable("scores")).Output("rows");

        // NOT (note = 'x') is unknown where note is NULL: those rows are dropped, as SQL drops them.
        p.Sql<LabelRow>(
            "SELECT s.user || '/' || s.team AS label, s.weight * 1.5 AS scaled, CASE WHEN s.points > 100 THEN 100 WHEN s.points < 0 THEN NULL ELSE s.points END AS clipped " +
            "FROM scores AS s WHERE NOT (s.note = 'x') OR s.bonus IN (1, 2, 3)",
            scores.AsTable("scores")).Output("labels");
    }
}

/// <summary>The SQL pipelines against the same computations written in C# (SQL's semantics spelled out), on random rows with nulls.</summary>
public class SqlSelectTests
{
    /// <summary>Random rows with nulls, shared by the SQL tests.</summary>
    internal static readonly Gen<Score> Scores =
        Gen.Select(
            Pick("ann", "bob", "cy", "Zoë"),
            Pick("red", "blue", "Red"),
            Gen.Int[-20, 130],
            Gen.Double[0, 3],
            Pick<string?>(null, "x", "late", "ok"),
            Pick<long?>(null, 0, 1, 2, 3, 4, 5))
        .Select((user, team, points, weight, note, bonus) => new Score(user, team, points, weight, note, bonus));

    internal static Gen<T> Pick<T>(params T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    [Fact]
    public void SelectWhereEqualsTheSameComputationInCSharp() => Scores.Array[0, 300].Sample(data =>
    {
        var result = SqlScores.Run(data);

        var expectedRows = data
            .Where(s => s.Team == "red" && ((s.Weight >= 0.5 && s.Weight <= 2) || s.Note is null) && s.Points % 3 != 1)
            .Select(s => new ScoreRow(s.User, s.Points * 2, s.Points > 50, s.Points >= 90 ? "A" : s.Points >= 80 ? "B" : "C", s.Note?.ToUpperInvariant(), s.User.Length, s.Points + s.Bonus))
            .ToList();
        Assert.Equal(expectedRows, result.Rows);

        // Three-valued logic: NOT (note = 'x') is unknown for a null note, so such a row passes only through the OR's
        // other side (a bonus of 1, 2 or 3).
        var expectedLabels = data
            .Where(s => (s.Note is not null && s.Note != "x") || s.Bonus is 1 or 2 or 3)
            .Select(s => (s.User + "/" + s.Team, s.Weight * 1.5, s.Points > 100 ? 100 : s.Points < 0 ? (int?)null : s.Points))
            .ToList();
        Assert.Equal(expectedLabels, result.Labels.Select(l => (l.Label, l.Scaled, l.Clipped)).ToList());
    }, iter: 100);

    [Fact]
    public void ThePlanNamesTheClausesAsTransforms()
    {
        Assert.Contains("Sql WHERE (line", SqlScores.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("Sql SELECT (line", SqlScores.PlanDescription, StringComparison.Ordinal);
    }
}
