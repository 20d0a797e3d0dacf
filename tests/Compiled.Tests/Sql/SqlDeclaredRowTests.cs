using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>
/// Queries whose row types the generator declares (Leader, SquadTotal and Word are declared nowhere else): each a
/// record nested in the pipeline class, a member per result column in Pascal case, typed as the column computes.
/// </summary>
[Pipeline]
public partial class SqlDeclaredRows
{
    static void Define(PipelineBuilder p)
    {
        var scores = p.Create<Round>("scores");
        var squads = p.Sql<SquadTotal>(
            "SELECT team, COUNT(*) AS plays, SUM(points) AS total_points, MAX(note) AS last_note FROM scores GROUP BY team",
            scores.AsTable("scores"));
        squads.Output("teams");

        // A query over a declared row type: it reads the record's members as columns.
        p.Sql<BusySquad>("SELECT team, total_points * 2 AS doubled FROM squads WHERE plays > 3", squads.AsTable("squads")).Output("busy");
        p.Sql<Leader>(
            "SELECT player, points FROM scores WHERE points > 0 UNION ALL SELECT team, -points FROM scores WHERE points < 0 ORDER BY points DESC, player LIMIT 3",
            scores.AsTable("scores")).Output("top");
    }
}

public sealed record Round(string Player, string Team, int Points, string? Note);

public class SqlDeclaredRowTests
{
    private static readonly Gen<Round[]> Rounds = Gen.Select(
        Gen.OneOf(Gen.Const("ann"), Gen.Const("bob"), Gen.Const("cy")), Gen.OneOf(Gen.Const("red"), Gen.Const("blue")), Gen.Int[-20, 20],
        Gen.OneOf(Gen.Const(default(string)), Gen.Const((string?)"a"), Gen.Const((string?)"b")), (p, t, s, n) => new Round(p, t, s, n)).Array[0, 40];

    [Fact(DisplayName = "A declared row type has a member per column, in Pascal case, typed as the column computes (NULL-able ones nullable)")]
    public void MembersAreTheColumns()
    {
        var members = typeof(SqlDeclaredRows.SquadTotal).GetConstructors().Single().GetParameters().Select(p => p.Name + ":" + p.ParameterType.Name).ToList();
        Assert.Equal(new[] { "Team:String", "Plays:Int64", "TotalPoints:Int32", "LastNote:String" }, members);
        var nullability = new System.Reflection.NullabilityInfoContext().Create(typeof(SqlDeclaredRows.SquadTotal).GetProperty("LastNote")!);
        Assert.Equal(System.Reflection.NullabilityState.Nullable, nullability.ReadState);
        Assert.Equal(System.Reflection.NullabilityState.NotNull, new System.Reflection.NullabilityInfoContext().Create(typeof(SqlDeclaredRows.SquadTotal).GetProperty("Team")!).ReadState);
    }

    [Fact(DisplayName = "Queries into declared row types equal LINQ: GROUP BY, and UNION ALL with ORDER BY ... LIMIT, at parallelism 1 and 2")]
    public void EqualsLinq() => Rounds.Sample(scores =>
    {
        var teams = scores.GroupBy(s => s.Team)
            .Select(g => new SqlDeclaredRows.SquadTotal(g.Key, g.Count(), g.Sum(s => s.Points), g.Where(s => s.Note is not null).Select(s => s.Note).Max(StringComparer.Ordinal)))
            .OrderBy(r => r.Team, StringComparer.Ordinal).ToList();
        var top = scores.Where(s => s.Points > 0).Select(s => new SqlDeclaredRows.Leader(s.Player, s.Points))
            .Concat(scores.Where(s => s.Points < 0).Select(s => new SqlDeclaredRows.Leader(s.Team, -s.Points)))
            .OrderByDescending(r => r.Points).ThenBy(r => r.Player, StringComparer.Ordinal).Take(3).ToList();
        var busy = teams.Where(t => t.Plays > 3).Select(t => new SqlDeclaredRows.BusySquad(t.Team, t.TotalPoints * 2)).ToList();
        foreach (var results in new[] { SqlDeclaredRows.Run(scores), SqlDeclaredRows.Run(scores, parallelism: 2) })
        {
            Assert.Equal(teams, results.Teams.OrderBy(r => r.Team, StringComparer.Ordinal));
            Assert.Equal(busy, results.Busy.OrderBy(r => r.Team, StringComparer.Ordinal));
            Assert.Equal(top, results.Top);
        }
    }, iter: 60);

    [Fact(DisplayName = "A declared row type gets a coder like any record: ORDER BY ... LIMIT keeps its rows in a checkpoint, and a restored runner ends as the uninterrupted one")]
    public void DeclaredRowsAreCheckpointed()
    {
        var rounds = Enumerable.Range(0, 30).Select(i => new Round("p" + (i % 7), i % 2 == 0 ? "red" : "blue", (i * 7 % 23) - 11, i % 3 == 0 ? null : "n" + i)).ToArray();
        List<string> RunWith(bool restart)
        {
            var teams = new List<string>();
            var top = new List<string>();
            SqlDeclaredRows.Runner<CallbackSink<SqlDeclaredRows.SquadTotal>, CallbackSink<SqlDeclaredRows.BusySquad>, CallbackSink<SqlDeclaredRows.Leader>> Create() => SqlDeclaredRows.CreateRunner(
                new CallbackSink<SqlDeclaredRows.SquadTotal>((WindowedValue<SqlDeclaredRows.SquadTotal> e) => teams.Add(e.Value.ToString())),
                new CallbackSink<SqlDeclaredRows.BusySquad>((WindowedValue<SqlDeclaredRows.BusySquad> e) => teams.Add(e.Value.ToString())),
                new CallbackSink<SqlDeclaredRows.Leader>((WindowedValue<SqlDeclaredRows.Leader> e) => top.Add(e.Value.ToString())));
            var runner = Create();
            runner.PushScores(rounds.AsSpan(0, 15));
            if (restart)
            {
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                runner.WriteCheckpoint(buffer);
                runner = Create();
                runner.RestoreCheckpoint(buffer.WrittenSpan);
            }

            runner.PushScores(rounds.AsSpan(15));
            runner.Finish();
            return teams.OrderBy(t => t, StringComparer.Ordinal).Concat(top).ToList();
        }

        var whole = RunWith(restart: false);
        Assert.Equal(7, whole.Count);
        Assert.Equal(whole, RunWith(restart: true));
    }
}
