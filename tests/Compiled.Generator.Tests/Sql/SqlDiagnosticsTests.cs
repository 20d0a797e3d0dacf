using System;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests.Sql;

/// <summary>
/// Mistakes in a query are CMP0025 diagnostics at their exact place inside the string literal, whatever the literal's
/// form (regular with escapes, verbatim, raw single- and multi-line); a query that binds generates code that compiles.
/// </summary>
public class SqlDiagnosticsTests
{
    private const string Prelude = """
        using System;
        using Compiled;

        namespace Demo;

        public sealed record Event(string User, string Team, int Score, double Weight, string? Note, DateTimeOffset At, DateTime? Maybe);

        public sealed record Row(string User, long Total);

        public sealed record TeamInfo(string Name, long Id, string? Lead, int Score);

        public static class Fns
        {
            public static string Slug(string text) => text;
        }

        public struct SumFn : ICombineFn<int, long, long>
        {
            public long CreateAccumulator() => 0;
            public void AddInput(ref long accumulator, int input) => accumulator += input;
            public void MergeAccumulators(ref long accumulator, long other) => accumulator += other;
            public long ExtractOutput(long accumulator) => accumulator;
        }

        public sealed class ClassSumFn : ICombineFn<int, long, long>
        {
            public long CreateAccumulator() => 0;
            public void AddInput(ref long accumulator, int input) => accumulator += input;
            public void MergeAccumulators(ref long accumulator, long other) => accumulator += other;
            public long ExtractOutput(long accumulator) => accumulator;
        }

        public sealed class Loose
        {
            public string? Label { get; set; }
        }

        [Pipeline]
        public partial class Queries
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<Event>("events");

        """;

    private static string Pipeline(string body) => Prelude + body + """

            }
        }
        """;

    private static (string Source, Diagnostic[] Diagnostics, Compilation Output) Generate(string body)
    {
        var source = Pipeline(body);
        var compilation = GeneratorHarness.CreateCompilation(source);
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (source, diagnostics.ToArray(), output);
    }

    /// <summary>The one CMP0025 diagnostic: its message, and the source text it covers.</summary>
    private static (string Message, string Covered) SqlError(string body)
    {
        var (source, diagnostics, _) = Generate(body);
        var error = Assert.Single(diagnostics, d => d.Id == "CMP0025");
        var span = error.Location.SourceSpan;
        return (error.GetMessage(), source.Substring(span.Start, span.Length));
    }

    [Fact(DisplayName = "A query that binds generates a Filter and a Map that compile, with no diagnostics")]
    public void AValidQueryCompiles()
    {
        var (_, diagnostics, output) = Generate("""
                    p.Sql<Row>("SELECT user, score * 2 AS total FROM events WHERE team = 'red' AND note IS NOT NULL", events.AsTable("events")).Output("rows");
            """);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var generated = string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
        Assert.Contains("private static bool __Filter", generated, StringComparison.Ordinal);
        Assert.Contains("new global::Demo.Row(User: row.User, Total: unchecked(row.Score * 2))", generated, StringComparison.Ordinal);

        // A LIKE pattern known at build time is compiled: a prefix is an ordinal StartsWith, a general one the matcher.
        (_, diagnostics, output) = Generate("""
                    p.Sql<Row>("SELECT user, score AS total FROM events WHERE user LIKE 'an%' AND team LIKE '%e_d' AND team NOT LIKE '%ed%'", events.AsTable("events")).Output("rows");
            """);
        Assert.Empty(diagnostics);
        generated = string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
        Assert.Contains("row.User.StartsWith(\"an\", global::System.StringComparison.Ordinal)", generated, StringComparison.Ordinal);
        Assert.Contains("global::Compiled.Sql.SqlFunctions.Like(row.Team, \"%e_d\")", generated, StringComparison.Ordinal);
        Assert.Contains("(!row.Team.Contains(\"ed\", global::System.StringComparison.Ordinal))", generated, StringComparison.Ordinal);
        Assert.Contains("Sql WHERE (line", generated, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A grouped query compiles; a BIGINT sum is checked (Beam's Math.addExact), an INTEGER sum wraps")]
    public void AGroupedQueryCompiles()
    {
        var (_, diagnostics, output) = Generate("""
                    p.Sql<Row>("SELECT user, SUM(CAST(score AS BIGINT)) + SUM(score) AS total FROM events GROUP BY user HAVING MAX(weight) > 1", events.AsTable("events")).Output("rows");
            """);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var generated = string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
        Assert.Matches(@"a\.Item\d+ = checked\(a\.Item\d+ \+ unchecked\(\(long\)row\.Score\)\)", generated);
        Assert.Matches(@"a\.Item\d+ = unchecked\(a\.Item\d+ \+ row\.Score\)", generated);
        Assert.Contains("Sql GROUP BY (line", generated, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A syntax error points at its token inside a regular string")]
    public void SyntaxErrorInARegularString()
    {
        var (message, covered) = SqlError("""
                    p.Sql<Row>("SELECT user, FROM events", events.AsTable("events")).Output("rows");
            """);
        Assert.Equal("Expected a column after ',', found FROM (remove the trailing ',')", message);
        Assert.Equal("FROM", covered);
    }

    [Fact(DisplayName = "Escapes before the mistake do not shift its place")]
    public void EscapesKeepThePlace()
    {
        var (message, covered) = SqlError("""
                    p.Sql<Row>("SELECT user,\tscore * 2 AS total\n FROM events WHERE \u0074eam = 'a\\b' AND nope > 1", events.AsTable("events")).Output("rows");
            """);
        Assert.StartsWith("Unknown column 'nope' in table 'events'", message, StringComparison.Ordinal);
        Assert.Equal("nope", covered);
    }

    [Fact(DisplayName = "Verbatim strings: a doubled quote is one character of the query")]
    public void VerbatimString()
    {
        var (message, covered) = SqlError("""
                    p.Sql<Row>(@"SELECT user, score AS ""total"" FROM events WHERE teem = 'x'", events.AsTable("events")).Output("rows");
            """);
        Assert.Equal("Unknown column 'teem' in table 'events'; did you mean 'Team'?", message);
        Assert.Equal("teem", covered);
    }

    [Fact(DisplayName = "Raw string literals, single- and multi-line with indentation, point at the right line and column")]
    public void RawStrings()
    {
        var (message, covered) = SqlError(""""
                    p.Sql<Row>("""SELECT user, score AS total FROM events WHERE score > 'high'""", events.AsTable("events")).Output("rows");
            """");
        Assert.Equal("This compares an INTEGER with a VARCHAR: CAST one to the other's type", message);
        Assert.Equal("score > 'high'", covered);

        (message, covered) = SqlError(""""
                    p.Sql<Row>("""
                        SELECT user,
                               score AS total
                        FROM events
                        WHERE weight BETWEEN 1 AND 2
                          AND UPPER(team) = 'RED'
                        ORDER BY team
                        """, events.AsTable("events")).Output("rows");
            """");
        Assert.StartsWith("ORDER BY needs a LIMIT", message, StringComparison.Ordinal);
        Assert.Equal("team", covered);
    }

    [Fact(DisplayName = "LIKE ... ESCAPE: an escaped wildcard is a plain character, so '50!%%' ESCAPE '!' is a prefix; other patterns match with the escape")]
    public void LikeWithEscape()
    {
        var (_, diagnostics, output) = Generate("""
                    p.Sql<Row>("SELECT user, score AS total FROM events WHERE team LIKE '50!%%' ESCAPE '!' AND user LIKE 'a!_%b' ESCAPE '!'", events.AsTable("events")).Output("rows");
            """);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var generated = string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
        Assert.Contains("row.Team.StartsWith(\"50%\", global::System.StringComparison.Ordinal)", generated, StringComparison.Ordinal);
        Assert.Contains("global::Compiled.Sql.SqlFunctions.Like(row.User, \"a!_%b\", '!')", generated, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "GROUP BY's aggregates become one combine function (lifted across exchanges); COUNT(DISTINCT) keeps the group's rows")]
    public void AggregatesAreLifted()
    {
        var (_, diagnostics, output) = Generate("""
                    p.Sql<Row>("SELECT user, SUM(score) AS total FROM events GROUP BY user HAVING MAX(weight) > 1", events.AsTable("events")).Output("rows");
                    p.Sql<Row>("SELECT user, COUNT(DISTINCT team) AS total FROM events GROUP BY user", events.AsTable("events")).Output("distinct");
            """);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var generated = string.Join("\n", output.SyntaxTrees.Skip(1).Select(t => t.ToString()));
        Assert.Contains("private readonly struct __SqlAggregates", generated, StringComparison.Ordinal);
        Assert.Contains("global::Compiled.ICombineFn<global::Demo.Event, (double, bool, int), (double, bool, int)>", generated, StringComparison.Ordinal);
        Assert.Contains("a.Item3 = unchecked(a.Item3 + b.Item3);", generated, StringComparison.Ordinal);
        Assert.Contains("=> (kv.Value.Item1 > 1)", generated, StringComparison.Ordinal);
        Assert.Contains("one accumulator per key, updated in place in the loop (combine lifted)", generated, StringComparison.Ordinal);
        Assert.Contains("new global::System.Collections.Generic.HashSet<string>()", generated, StringComparison.Ordinal);
    }

    [Theory(DisplayName = "Binding errors: each names the problem and points at it")]
    [InlineData("SELECT user, score AS total FROM evnts", "Unknown table 'evnts'; did you mean 'events'?", "evnts")]
    [InlineData("SELECT user, score + 1.5 AS total FROM events", "This column is a DOUBLE (double), which Row's constructor parameter 'Total' (long) cannot take without a CAST", "score + 1.5 AS total")]
    [InlineData("SELECT user, note AS total FROM events", "This column may be NULL, and Row's constructor parameter 'Total' (long) cannot hold null: declare it long?", "note AS total")]
    [InlineData("SELECT user, score AS total, team FROM events", "has no constructor whose parameters are the result's columns (user, total, team)", "SELECT")]
    [InlineData("SELECT user, score * 2 FROM events", "Name this column with AS: it becomes the member of Row with that name", "score * 2")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events", "Column 'user' is neither in GROUP BY nor in an aggregate", "user")]
    [InlineData("SELECT user, score AS total FROM events WHERE COUNT(*) > 1", "COUNT is an aggregate: it cannot be in WHERE, which keeps or drops each row (HAVING filters groups)", "COUNT")]
    [InlineData("SELECT user, score AS total FROM events GROUP BY user", "Column 'score' is neither in GROUP BY nor in an aggregate", "score")]
    [InlineData("SELECT user, SUM(score) + weight AS total FROM events GROUP BY user", "Column 'weight' is neither in GROUP BY nor in an aggregate", "weight")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user HAVING SUM(MAX(score)) > 1", "An aggregate cannot hold another aggregate", "MAX(score)")]
    [InlineData("SELECT note AS user, COUNT(*) AS total FROM events GROUP BY note", "This column may be NULL, and Row's constructor parameter 'User' (string) cannot hold null", "note AS user")]
    [InlineData("SELECT * FROM events GROUP BY user", "SELECT * with GROUP BY", "*")]
    [InlineData("SELECT user, score AS total FROM events HAVING score > 1", "Column 'score' is neither in GROUP BY nor in an aggregate", "score")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user HAVING SUM(user) > 1", "SUM needs numbers, not a VARCHAR", "user")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user, TUMBLE(score, INTERVAL '1' MINUTE)", "TUMBLE windows rows by their event time: it needs a time column (an Instant, DateTimeOffset or DateTime that cannot be null), not an INTEGER", "score")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user, TUMBLE(maybe, INTERVAL '1' MINUTE)", "it needs a time column (an Instant, DateTimeOffset or DateTime that cannot be null), not a DateTime?", "maybe")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user, TUMBLE(at)", "TUMBLE takes a time column and an INTERVAL: TUMBLE(time column, INTERVAL size)", "TUMBLE(at)")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user, HOP(at, INTERVAL '1' MINUTE)", "HOP takes a time column and two INTERVALs: HOP(time column, INTERVAL slide, INTERVAL size)", "HOP(at, INTERVAL '1' MINUTE)")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user, SESSION(at, 5)", "Expected an INTERVAL here, as in INTERVAL '1' MINUTE", "5")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user, TUMBLE(at, INTERVAL '0' SECOND)", "A window's size, slide or gap must be positive", "INTERVAL '0' SECOND")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user, TUMBLE(at, INTERVAL '1.5' SECOND)", "An interval's length is a whole number (INTERVAL '90' SECOND), not '1.5'", "INTERVAL '1.5' SECOND")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY TUMBLE(at, INTERVAL '1' MINUTE), user, SESSION(at, INTERVAL '1' MINUTE)", "GROUP BY takes one window function, and this query has TUMBLE(...) already", "SESSION")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user, TUMBLE(at, INTERVAL '1' MINUTE) HAVING window_start IS NOT NULL", "window_start is the start of a group's window: it can be read in the SELECT of a query with GROUP BY TUMBLE(...), HOP(...) or SESSION(...)", "window_start")]
    [InlineData("SELECT user, TUMBLE_END(at, INTERVAL '1' MINUTE) AS total FROM events GROUP BY user", "TUMBLE_END is the end of a group's window", "TUMBLE_END(at, INTERVAL '1' MINUTE)")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events WHERE window_end IS NULL GROUP BY user, TUMBLE(at, INTERVAL '1' MINUTE)", "window_end is the end of a group's window", "window_end")]
    [InlineData("SELECT user, COUNT(*) AS total, HOP_START(at, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE) AS s FROM events GROUP BY user, TUMBLE(at, INTERVAL '1' MINUTE)", "HOP_START reads a HOP window, and this query groups by TUMBLE: use TUMBLE_START", "HOP_START")]
    [InlineData("SELECT user, COUNT(*) AS total, TUMBLE_START(at, INTERVAL '2' MINUTE) AS s FROM events GROUP BY user, TUMBLE(at, INTERVAL '1' MINUTE)", "TUMBLE_START must repeat the arguments of the GROUP BY's TUMBLE(...)", "TUMBLE_START(at, INTERVAL '2' MINUTE)")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events WHERE TUMBLE(at, INTERVAL '1' MINUTE) IS NULL", "TUMBLE is a window function: it goes in GROUP BY (read the window with TUMBLE_START and TUMBLE_END)", "TUMBLE")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events WHERE score > INTERVAL '1' MINUTE", "An INTERVAL is added to or taken from a timestamp (ts + INTERVAL '1' HOUR), or is the size, slide or gap of a window function in GROUP BY", "INTERVAL '1' MINUTE")]
    [InlineData("SELECT user, window_start AS total FROM events GROUP BY user, TUMBLE(at, INTERVAL '1' MINUTE)", "This column is a TIMESTAMP (Instant), which Row's constructor parameter 'Total' (long) cannot take without a CAST", "window_start AS total")]
    [InlineData("SELECT user, score AS total FROM events WHERE score", "WHERE needs a condition (a BOOLEAN), not an INTEGER", "score")]
    [InlineData("SELECT user, score AS total FROM events WHERE score LIKE 'a%'", "LIKE matches strings (VARCHAR), not an INTEGER", "score")]
    [InlineData("SELECT user, COALESCE(score, team) AS total FROM events", "This COALESCE argument is a VARCHAR where the first is an INTEGER", "team")]
    [InlineData("SELECT user, score AS total FROM events e WHERE events.score > 1", "Unknown table or alias 'events': the query reads 'events' as 'e'", "events")]
    [InlineData("SELECT user, score AS total FROM events WHERE weight * 1.0 = CAST(score AS DECIMAL)", "This mixes DOUBLE and DECIMAL", "weight * 1.0 = CAST(score AS DECIMAL)")]
    [InlineData("SELECT user, score AS total FROM events WHERE note = NULL", "A comparison with NULL is never true: write IS NULL or IS NOT NULL", "note = NULL")]
    [InlineData("SELECT user, score AS total FROM events WHERE at > 5", "This compares a TIMESTAMP with an INTEGER", "at > 5")]
    [InlineData("SELECT user, score AS total FROM events WHERE at > TIMESTAMP '2017-13-01 00:00:00'", "A TIMESTAMP is written 'yyyy-MM-dd HH:mm:ss[.fff]' (read as UTC), not '2017-13-01 00:00:00'", "TIMESTAMP '2017-13-01 00:00:00'")]
    [InlineData("SELECT user, EXTRACT(HOUR FROM score) AS total FROM events", "EXTRACT reads a timestamp (a DateTimeOffset, DateTime or Instant), not an INTEGER", "score")]
    [InlineData("SELECT user, EXTRACT(CENTURY FROM at) AS total FROM events", "EXTRACT takes YEAR, QUARTER, MONTH, WEEK, DAY, DOW, DOY, HOUR, MINUTE or SECOND, not CENTURY", "CENTURY")]
    [InlineData("SELECT user, COUNT(*) AS total FROM events GROUP BY user, FLOOR(at TO FORTNIGHT)", "FLOOR rounds a timestamp to SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR, not FORTNIGHT", "FORTNIGHT")]
    [InlineData("SELECT user, CEIL(team) AS total FROM events", "CEIL takes a number, or a timestamp and a unit (CEIL(ts TO HOUR)), not a VARCHAR", "team")]
    [InlineData("SELECT user, FLOOR(score TO HOUR) AS total FROM events", "FLOOR(... TO HOUR) rounds a timestamp (a DateTimeOffset, DateTime or Instant), not an INTEGER", "score")]
    [InlineData("SELECT user, score FROM events WHERE score + INTERVAL '1' HOUR > 2", "An INTERVAL is added to or taken from a timestamp (a DateTimeOffset, DateTime or Instant), not an INTEGER", "score")]
    [InlineData("SELECT user, score FROM events WHERE at > CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP reads the clock, so a query's rows would depend on when it runs", "CURRENT_TIMESTAMP")]
    [InlineData("SELECT user, score FROM events WHERE at > NOW()", "NOW reads the clock, so a query's rows would depend on when it runs", "NOW")]
    [InlineData("SELECT user, SUM(at) AS total FROM events GROUP BY user", "SUM needs numbers, not a TIMESTAMP", "at")]
    [InlineData("SELECT user, score AS total FROM events WHERE user LIKE 'a!b' ESCAPE '!'", "In this LIKE pattern, the escape '!' must be followed by %, _ or itself", "'a!b'")]
    [InlineData("SELECT user, score AS total FROM events ORDER BY user", "ORDER BY needs a LIMIT, as in Beam SQL: a stream has no end to sort up to", "user")]
    [InlineData("SELECT user, score AS total FROM events ORDER BY team LIMIT 3", "ORDER BY names a column of the result, and it has no 'team'; its columns are user, total", "team")]
    [InlineData("SELECT user, score AS total FROM events ORDER BY 3 LIMIT 3", "ORDER BY 3: the result's columns are numbered 1 to 2", "3")]
    [InlineData("SELECT user, score AS total FROM events ORDER BY score + 1 LIMIT 3", "ORDER BY an expression takes one of the SELECT list's expressions, written the same way", "score + 1")]
    [InlineData("SELECT e.user, score AS total FROM events e ORDER BY e.team LIMIT 3", "ORDER BY an expression takes one of the SELECT list's expressions", "e.team")]
    [InlineData("SELECT user, score AS total FROM events ORDER BY total LIMIT 0", "LIMIT takes a whole number of rows, at least 1", "0")]
    [InlineData("SELECT user, LENGTH(user) AS total FROM events", "Unknown function LENGTH: UPPER, LOWER, CHAR_LENGTH, ABS, MOD, FLOOR, CEIL, COALESCE and EXTRACT are supported", "LENGTH")]
    [InlineData("SELECT user, 99999999999999999999 AS total FROM events", "This integer does not fit a BIGINT (64 bits)", "99999999999999999999")]
    public void BindingErrors(string query, string message, string covered)
    {
        var (actualMessage, actualCovered) = SqlError("p.Sql<Row>(\"" + query + "\", events.AsTable(\"events\")).Output(\"rows\");");
        Assert.Contains(message, actualMessage, StringComparison.Ordinal);
        Assert.Equal(covered, actualCovered);
    }

    [Theory(DisplayName = "Join errors: each names the problem and points at it")]
    [InlineData("SELECT user, events.score AS total FROM events e JOIN teams t ON e.team = t.id", "This equality compares a VARCHAR with a BIGINT: CAST one to the other's type", "e.team = t.id")]
    [InlineData("SELECT user, events.score AS total FROM events JOIN teams ON weight = name", "This equality compares a DOUBLE with a VARCHAR: CAST one to the other's type", "weight = name")]
    [InlineData("SELECT user, score AS total FROM events JOIN teams ON team = name", "Column 'score' is in 'events' and 'teams': qualify it, as events.score", "score")]
    [InlineData("SELECT usr AS user, id AS total FROM events JOIN teams ON team = name", "Unknown column 'usr' in tables 'events' and 'teams'; did you mean 'User'?", "usr")]
    [InlineData("SELECT x.user, id AS total FROM events e JOIN teams t ON e.team = t.name", "Unknown table or alias 'x': the query reads 'events' as 'e' and 'teams' as 't'", "x")]
    [InlineData("SELECT name AS user, events.score AS total FROM events LEFT JOIN teams ON team = name", "This column may be NULL, and Row's constructor parameter 'User' (string) cannot hold null", "name AS user")]
    [InlineData("SELECT user, id AS total FROM events JOIN events ON user = user", "Two tables of the join are named 'events': give each an alias", "events")]
    [InlineData("SELECT e.user, t.id AS total FROM events e JOIN teams t ON e.team = t.name RIGHT JOIN teams u ON e.team = u.name", "This column may be NULL, and Row's constructor parameter 'User' (string) cannot hold null", "e.user")]
    [InlineData("SELECT e.user, t.id AS total FROM events e JOIN teams t ON e.team = t.name JOIN teams t ON e.team = t.name", "Two tables of the join are named 't'", "teams t")]
    [InlineData("SELECT user, id AS total FROM events JOIN teams ON team = name AND COUNT(*) = id", "A join's condition cannot hold an aggregate", "COUNT(*) = id")]
    [InlineData("SELECT user, events.score AS total FROM events JOIN teams ON team = name AND weight + id", "A join's ON needs conditions (BOOLEANs), not a DOUBLE", "weight + id")]
    [InlineData("SELECT user, events.score AS total FROM events JOIN teams ON team = nmae", "Unknown column 'nmae' in tables 'events' and 'teams'", "nmae")]
    public void JoinErrors(string query, string message, string covered)
    {
        var (actualMessage, actualCovered) = SqlError("p.Sql<Row>(\"" + query + "\", events.AsTable(\"events\"), p.Create<TeamInfo>(\"teams\").AsTable(\"teams\")).Output(\"rows\");");
        Assert.Contains(message, actualMessage, StringComparison.Ordinal);
        Assert.Equal(covered, actualCovered);
    }

    [Theory(DisplayName = "IN (SELECT ...) errors: each names the problem and points at it")]
    [InlineData("SELECT user, score AS total FROM events WHERE team IN (SELECT name, lead FROM teams)", "The subquery of IN selects one column, the values to look for; this one selects 2", "(SELECT name, lead FROM teams)")]
    [InlineData("SELECT user, score AS total FROM events WHERE team IN (SELECT id FROM teams)", "This IN looks for a VARCHAR among a BIGINT: CAST one to the other's type", "team IN (SELECT id FROM teams)")]
    [InlineData("SELECT user, score AS total FROM events WHERE score > 1 OR team IN (SELECT name FROM teams)", "IN (SELECT ...) is a condition of WHERE, joined to the others by AND", "team IN (SELECT name FROM teams)")]
    [InlineData("SELECT user, score AS total FROM events WHERE note NOT IN (SELECT name FROM teams)", "NOT IN (SELECT ...) where a value may be NULL is not supported", "note NOT IN (SELECT name FROM teams)")]
    [InlineData("SELECT user, score AS total FROM events WHERE team NOT IN (SELECT lead FROM teams)", "NOT IN (SELECT ...) where a value may be NULL is not supported", "team NOT IN (SELECT lead FROM teams)")]
    [InlineData("SELECT user, score AS total FROM events WHERE team IN (SELECT nam FROM teams)", "Unknown column 'nam' in table 'teams'; did you mean 'Name'?", "nam")]
    public void InSubqueryErrors(string query, string message, string covered) => JoinErrors(query, message, covered);

    [Theory(DisplayName = "EXISTS errors: each names the problem and points at it")]
    [InlineData("SELECT user, score AS total FROM events e WHERE EXISTS (SELECT 1 FROM teams t WHERE t.name = e.team AND t.id > e.score)", "A condition of a correlated subquery other than an equality between its values and the query's (sub.k = q.k) is not supported yet", "t.id > e.score")]
    [InlineData("SELECT user, score AS total FROM events e WHERE EXISTS (SELECT 1 FROM teams t WHERE t.name = e.weight)", "This equality compares a VARCHAR with a DOUBLE: CAST one to the other's type", "t.name = e.weight")]
    [InlineData("SELECT user, score AS total FROM events WHERE score > 1 OR EXISTS (SELECT 1 FROM teams)", "EXISTS (SELECT ...) is a condition of WHERE, joined to the others by AND", "EXISTS (SELECT 1 FROM teams)")]
    [InlineData("SELECT user, score AS total FROM events e WHERE EXISTS (SELECT lead FROM teams GROUP BY lead)", "EXISTS over a subquery with GROUP BY, HAVING or aggregates is not supported yet", "(SELECT lead FROM teams GROUP BY lead)")]
    [InlineData("SELECT user, score AS total FROM events e WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE t.nme = e.team)", "Unknown column 'nme' in table 'teams'", "nme")]
    public void ExistsErrors(string query, string message, string covered) => JoinErrors(query, message, covered);

    [Theory(DisplayName = "A list of tables in FROM: a RIGHT or FULL join after it is an error at its place (SQL reads it as a join of the last table)")]
    [InlineData("SELECT e.user, t.id AS total FROM events e, teams t RIGHT JOIN teams u ON t.name = u.name WHERE e.team = t.name", "A RIGHT or FULL join after a list of tables in FROM (write the list as JOINs, or make the outer join a subquery) is not supported yet", "events e, teams t RIGHT JOIN teams u ON t.name = u.name")]
    [InlineData("SELECT e.user, t.id AS total FROM events e, teams t FULL JOIN teams u ON t.name = u.name", "A RIGHT or FULL join after a list of tables in FROM", "events e, teams t FULL JOIN teams u ON t.name = u.name")]
    public void ListedTablesErrors(string query, string message, string covered) => JoinErrors(query, message, covered);

    [Theory(DisplayName = "Scalar subquery errors: each names the problem and points at it")]
    [InlineData("SELECT user, (SELECT id FROM teams) AS total FROM events", "A scalar subquery other than one aggregate without GROUP BY (SELECT MAX(x) FROM ...), which has one row is not supported yet", "(SELECT id FROM teams)")]
    [InlineData("SELECT user, SUM(score) + (SELECT MAX(id) FROM teams) AS total FROM events GROUP BY user", "A scalar subquery in the SELECT list of a query with GROUP BY or aggregates (put it in WHERE) is not supported yet", "SUM(score) + (SELECT MAX(id) FROM teams) AS total")]
    [InlineData("SELECT user, score AS total FROM events e WHERE score > (SELECT MAX(id) FROM teams t WHERE t.name <> e.team)", "A condition of a correlated subquery other than an equality", "t.name <> e.team")]
    [InlineData("SELECT user, score AS total FROM events e JOIN teams t ON e.team = t.name AND t.id > (SELECT MAX(id) FROM teams)", "A scalar subquery (SELECT ...) is a value of WHERE, or of SELECT without GROUP BY", "(SELECT MAX(id) FROM teams)")]
    public void ScalarSubqueryErrors(string query, string message, string covered) => JoinErrors(query, message, covered);

    [Theory(DisplayName = "SELECT DISTINCT errors: each names the problem and points at it")]
    [InlineData("SELECT DISTINCT * FROM events", "SELECT DISTINCT * (name the columns) is not supported yet", "*")]
    [InlineData("SELECT DISTINCT user, COUNT(*) FROM events GROUP BY user", "Name this column with AS: SELECT DISTINCT over groups reads the grouped rows by their columns' names", "COUNT(*)")]
    [InlineData("SELECT DISTINCT 'a' AS user, 1 AS total FROM events", "SELECT DISTINCT of constants only is not supported yet", "'a' AS user")]
    public void DistinctErrors(string query, string message, string covered) => JoinErrors(query, message, covered);

    [Theory(DisplayName = "Errors in calls of the query's own C# functions")]
    [InlineData("SELECT slug(user, team) AS user, score AS total FROM events", "slug takes 1 argument (string text), not 2", "slug(user, team)")]
    [InlineData("SELECT slug(note) AS user, score AS total FROM events", "This column may be NULL, and slug's parameter 'text' (string) cannot hold null: declare it string?", "note")]
    [InlineData("SELECT slug(score) AS user, score AS total FROM events", "This column is an INTEGER (int), which slug's parameter 'text' (string) cannot take without a CAST", "score")]
    [InlineData("SELECT user, score AS total FROM events WHERE total(score) > 1", "total is an aggregate: it cannot be in WHERE", "total")]
    [InlineData("SELECT user, total(weight) AS total FROM events GROUP BY user", "This column is a DOUBLE (double), which total's input (int) cannot take without a CAST", "weight")]
    [InlineData("SELECT slugs(user) AS user, score AS total FROM events", "Unknown function SLUGS: UPPER, LOWER, CHAR_LENGTH, ABS, MOD, FLOOR, CEIL, COALESCE and EXTRACT are supported, and the query's own slug, total", "slugs")]
    public void FunctionErrors(string query, string message, string covered)
    {
        var (actualMessage, actualCovered) = SqlError("p.Sql<Row>(\"" + query + "\", events.AsTable(\"events\"), SqlFunction.Scalar(\"slug\", Fns.Slug), SqlFunction.Aggregate(\"total\", new SumFn())).Output(\"rows\");");
        Assert.Contains(message, actualMessage, StringComparison.Ordinal);
        Assert.Equal(covered, actualCovered);
    }

    [Theory(DisplayName = "A function given wrongly is an error at the argument: a lambda, a taken name, a class combine function")]
    [InlineData("SqlFunction.Scalar(\"trim\", static (string s) => s.Trim())", "CMP0005", "a SQL scalar function is a static method")]
    [InlineData("SqlFunction.Scalar(\"upper\", Fns.Slug)", "CMP0008", "The SQL function name 'upper' is taken")]
    [InlineData("SqlFunction.Aggregate(\"total\", new ClassSumFn())", "CMP0009", "a SQL aggregate's combine function must be a struct")]
    public void FunctionDeclarationErrors(string function, string id, string message)
    {
        var (_, diagnostics, _) = Generate("p.Sql<Row>(\"SELECT user, score AS total FROM events\", events.AsTable(\"events\"), " + function + ").Output(\"rows\");");
        var error = Assert.Single(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(id, error.Id);
        Assert.Contains(message, error.GetMessage(), StringComparison.Ordinal);
    }

    [Theory(DisplayName = "Errors in and around a subquery in FROM are at their place")]
    [InlineData("SELECT user, total FROM (SELECT user, SUM(scre) AS total FROM events GROUP BY user) t", "Unknown column 'scre' in table 'events'; did you mean 'Score'?", "scre")]
    [InlineData("SELECT user, score AS total FROM (SELECT user, SUM(score) AS total FROM events GROUP BY user) t", "Unknown column 'score' in table 't'; its columns are user, total", "score")]
    [InlineData("SELECT user, total FROM (SELECT user, SUM(score) FROM events GROUP BY user) t", "Name this column with AS: it becomes the subquery's column with that name", "SUM(score)")]
    [InlineData("SELECT user, total FROM (SELECT user, score AS total FROM events ORDER BY totl LIMIT 1) t", "ORDER BY names a column of the result, and it has no 'totl'", "totl")]
    [InlineData("SELECT user, total FROM (SELECT user, score AS total FROM events ORDER BY total) t", "ORDER BY needs a LIMIT, as in Beam SQL", "total")]
    [InlineData("SELECT user, total FROM (SELECT user, score AS total FROM events UNION ALL SELECT user FROM events) t", "This SELECT has 1 columns and the first has 2: the SELECTs of a UNION ALL give the same columns", "user")]
    [InlineData("SELECT user, total FROM (SELECT user, score AS total FROM events UNION ALL SELECT user, weight FROM events) t", "This column is a DOUBLE (double), which column 2 of the first SELECT (int) cannot take without a CAST", "weight")]
    public void SubqueryErrors(string query, string message, string covered)
    {
        var (actualMessage, actualCovered) = SqlError("p.Sql<Row>(\"" + query + "\", events.AsTable(\"events\")).Output(\"rows\");");
        Assert.Contains(message, actualMessage, StringComparison.Ordinal);
        Assert.Equal(covered, actualCovered);
    }

    [Theory(DisplayName = "UNION ALL errors are at the SELECT they are about")]
    [InlineData("SELECT user, score AS total FROM events UNION ALL SELECT user, COUNT(*) AS total FROM events GROUP BY user, TUMBLE(at, INTERVAL '1' MINUTE)",
        "This SELECT's rows are windowed differently from the first SELECT's", "SELECT user, COUNT(*) AS total FROM events GROUP BY user, TUMBLE(at, INTERVAL '1' MINUTE)")]
    [InlineData("SELECT user, score AS total FROM events UNION ALL SELECT usr AS user, score AS total FROM events", "Unknown column 'usr' in table 'events'; did you mean 'User'?", "usr")]
    [InlineData("SELECT user, score AS total FROM events UNION ALL SELECT user, weight AS total FROM events", "This column is a DOUBLE (double), which Row's constructor parameter 'Total' (long) cannot take without a CAST", "weight AS total")]
    [InlineData("SELECT user, score AS total FROM events UNION ALL SELECT user, score AS total FROM events ORDER BY user", "ORDER BY needs a LIMIT", "user")]
    public void UnionErrors(string query, string message, string covered)
    {
        var (actualMessage, actualCovered) = SqlError("p.Sql<Row>(\"" + query + "\", events.AsTable(\"events\")).Output(\"rows\");");
        Assert.Contains(message, actualMessage, StringComparison.Ordinal);
        Assert.Equal(covered, actualCovered);
    }

    [Theory(DisplayName = "Tables whose windows fire more than once cannot be joined (a pane cannot retract pairs): the error is at the join")]
    [InlineData(".Triggering(Trigger.Repeatedly(Trigger.AfterCount(2)))", "(a trigger)")]
    [InlineData(".WithAllowedLateness(TimeSpan.FromMinutes(5))", "(allowed lateness)")]
    public void JoinOfRetractingWindows(string strategy, string why)
    {
        var (message, covered) = SqlError("""
                    var fixedEvents = events.Window(Windows.Fixed(TimeSpan.FromMinutes(1))
            """ + strategy + """
            );
                    var teams = p.Create<TeamInfo>("teams").Window(Windows.Fixed(TimeSpan.FromMinutes(1))
            """ + strategy + """
            );
                    p.Sql<Row>("SELECT user, id AS total FROM events JOIN teams ON team = name", fixedEvents.AsTable("events"), teams.AsTable("teams")).Output("rows");
            """);
        Assert.Contains("A join pairs each window's rows once, and these tables' windows can fire more than once " + why, message, StringComparison.Ordinal);
        Assert.Equal("events JOIN teams ON team = name", covered);
    }

    [Fact(DisplayName = "Tables windowed differently cannot be joined: the error is at the join")]
    public void JoinOfDifferentWindows()
    {
        var (message, covered) = SqlError("""
                    var teams = p.Create<TeamInfo>("teams").Window(Windows.Fixed(TimeSpan.FromMinutes(1)));
                    p.Sql<Row>("SELECT user, id AS total FROM events JOIN teams ON team = name", events.AsTable("events"), teams.AsTable("teams")).Output("rows");
            """);
        Assert.Contains("The joined tables are windowed differently: a join pairs rows of the same window, so window both alike before the query", message, StringComparison.Ordinal);
        Assert.Equal("events JOIN teams ON team = name", covered);
    }

    [Fact(DisplayName = "A query that is not a constant string is an error at the argument")]
    public void ArgumentsMustBeReadableAtBuildTime()
    {
        var (_, diagnostics, _) = Generate("""
                    p.Sql<Row>(Console.ReadLine()!, events.AsTable("events")).Output("rows");
            """);
        Assert.True(diagnostics.Any(d => d.Id == "CMP0005" && d.GetMessage().Contains("constant string", StringComparison.Ordinal)), string.Join("\n", diagnostics.Select(d => d.Id + " " + d.GetMessage())));
    }
}
