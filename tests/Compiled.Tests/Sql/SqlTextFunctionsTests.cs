using System;
using System.Linq;
using System.Text.RegularExpressions;
using Compiled;
using Compiled.Sql;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record Matched(string User, bool? Lateish, bool HasO, bool RXd, string NoteOrTeam, long BonusOrPoints);

/// <summary>LIKE (prefix, substring, single-character and general patterns) and COALESCE, with nulls.</summary>
[Pipeline]
public partial class SqlTextFunctions
{
    static void Define(PipelineBuilder p)
    {
        var scores = p.Create<Score>("scores");
        p.Sql<Matched>(
            "SELECT user, note LIKE 'l%' AS lateish, user LIKE '%o%' AS hasO, team LIKE 'R_d' AS rXd, COALESCE(note, team) AS noteOrTeam, " +
            "COALESCE(bonus, points) AS bonusOrPoints FROM scores WHERE user NOT LIKE 'c%' AND note LIKE '%a%e%' OR note IS NULL",
            scores.AsTable("scores")).Output("matched");
    }
}

public class SqlTextFunctionsTests
{
    [Fact]
    public void LikeAndCoalesceEqualTheSameInCSharp() => SqlSelectTests.Scores.Array[0, 300].Sample(data =>
    {
        var expected = data
            .Where(s => s.Note is null || (!s.User.StartsWith('c') && Regex.IsMatch(s.Note, @"^.*a.*e.*\z", RegexOptions.Singleline)))
            .Select(s => new Matched(
                s.User, s.Note is null ? null : s.Note.StartsWith('l'), s.User.Contains('o'), s.Team.Length == 3 && s.Team[0] == 'R' && s.Team[2] == 'd',
                s.Note ?? s.Team, s.Bonus ?? s.Points));
        Assert.Equal(expected, SqlTextFunctions.Run(data).Matched);
    }, iter: 100);

    /// <summary>SQL's LIKE as a regular expression: % is any run, _ any one character, everything else itself.</summary>
    private static bool Reference(string value, string pattern) =>
        Regex.IsMatch(value, "^" + string.Concat(pattern.Select(c => c == '%' ? ".*" : c == '_' ? "." : Regex.Escape(c.ToString()))) + @"\z", RegexOptions.Singleline);

    [Fact]
    public void LikeMatchesAsTheRegularExpression()
    {
        var text = Gen.Char["ab.\n"].Array[0, 8].Select(c => new string(c));
        var pattern = Gen.Char["ab%_.\n"].Array[0, 6].Select(c => new string(c));
        Gen.Select(text, pattern).Sample((value, like) => Assert.Equal(Reference(value, like), SqlFunctions.Like(value, like)), iter: 5_000);
        Assert.True(SqlFunctions.Like("", "%"));
        Assert.False(SqlFunctions.Like("", "_"));
        Assert.True(SqlFunctions.Like("a%b", "a%b"));
        Assert.False(SqlFunctions.Like("ab", "a"));
    }

    /// <summary>LIKE ... ESCAPE '!' as a regular expression: '!' makes the next %, _ or '!' a plain character.</summary>
    private static bool EscapedReference(string value, string pattern)
    {
        var regex = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            regex.Append(c == '!' ? Regex.Escape(pattern[++i].ToString()) : c == '%' ? ".*" : c == '_' ? "." : Regex.Escape(c.ToString()));
        }

        return Regex.IsMatch(value, regex.Append(@"\z").ToString(), RegexOptions.Singleline);
    }

    [Fact(DisplayName = "LIKE with ESCAPE matches as the regular expression; an escape before another character is an error")]
    public void LikeWithEscapeMatchesAsTheRegularExpression()
    {
        var text = Gen.Char["ab%_!"].Array[0, 8].Select(c => new string(c));
        var piece = Gen.OneOf(Gen.Const("a"), Gen.Const("b"), Gen.Const("%"), Gen.Const("_"), Gen.Const("!%"), Gen.Const("!_"), Gen.Const("!!"));
        var pattern = piece.Array[0, 5].Select(p => string.Concat(p));
        Gen.Select(text, pattern).Sample((value, like) => Assert.Equal(EscapedReference(value, like), SqlFunctions.Like(value, like, '!')), iter: 5_000);
        Assert.True(SqlFunctions.Like("50%", "50!%", '!'));
        Assert.False(SqlFunctions.Like("500", "50!%", '!'));
        Assert.Throws<ArgumentException>(() => SqlFunctions.Like("ab", "a!b", '!'));
    }
}
