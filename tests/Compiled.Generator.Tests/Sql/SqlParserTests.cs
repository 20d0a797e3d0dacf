using System;
using System.Linq;
using Compiled.Generator.Sql;
using Xunit;

namespace Compiled.Generator.Tests.Sql;

/// <summary>
/// The SQL front end (issue 13): queries parse into the syntax tree the binder will read, printed back here in a
/// canonical, fully parenthesized form; broken queries give their first error at its exact place in the query text.
/// </summary>
public class SqlParserTests
{
    [Theory(DisplayName = "Queries of every supported clause parse, with SQL's precedence")]
    [InlineData(
        "select key, count(*) as n, sum(score) total from events where score > 10 and not done group by key having count(*) >= 2",
        "SELECT key, COUNT(*) AS n, SUM(score) AS total FROM events WHERE ((score > 10) AND (NOT done)) GROUP BY key HAVING (COUNT(*) >= 2)")]
    [InlineData(
        "SELECT a + b * c - d / 2 % 3, -x, a || 'x''y' FROM t",
        "SELECT ((a + (b * c)) - ((d / 2) % 3)), (-x), (a || 'x''y') FROM t")]
    [InlineData(
        "SELECT * FROM t WHERE a = 1 OR b <> 2 AND c != 3",
        "SELECT * FROM t WHERE ((a = 1) OR ((b <> 2) AND (c <> 3)))")]
    [InlineData(
        "SELECT e.team, t.name, COUNT(DISTINCT e.user) FROM events e JOIN teams AS t ON e.team = t.id LEFT OUTER JOIN regions r ON t.region = r.id GROUP BY e.team, t.name",
        "SELECT e.team, t.name, COUNT(DISTINCT e.user) FROM events AS e JOIN teams AS t ON (e.team = t.id) LEFT JOIN regions AS r ON (t.region = r.id) GROUP BY e.team, t.name")]
    [InlineData(
        "SELECT CASE WHEN score >= 90 THEN 'A' WHEN score >= 80 THEN 'B' ELSE 'C' END grade, CASE kind WHEN 1 THEN 'one' END FROM t",
        "SELECT CASE WHEN (score >= 90) THEN 'A' WHEN (score >= 80) THEN 'B' ELSE 'C' END AS grade, CASE kind WHEN 1 THEN 'one' END FROM t")]
    [InlineData(
        "SELECT CAST(score AS BIGINT), cast(x as varchar(20)), CAST(p AS DECIMAL(10, 2)), COALESCE(a, b, 0), UPPER(name) FROM t",
        "SELECT CAST(score AS BIGINT), CAST(x AS VARCHAR(20)), CAST(p AS DECIMAL(10, 2)), COALESCE(a, b, 0), UPPER(name) FROM t")]
    [InlineData(
        "SELECT a FROM t WHERE a IS NULL OR b IS NOT NULL OR c BETWEEN 1 AND 5 OR d NOT BETWEEN 1 AND 5 OR e IN (1, 2) OR f NOT IN ('x') OR g LIKE 'a%' OR h NOT LIKE '_b'",
        "SELECT a FROM t WHERE ((((((((a IS NULL) OR (b IS NOT NULL)) OR (c BETWEEN 1 AND 5)) OR (d NOT BETWEEN 1 AND 5)) OR (e IN (1, 2))) OR (f NOT IN ('x'))) OR (g LIKE 'a%')) OR (h NOT LIKE '_b'))")]
    [InlineData(
        "SELECT team, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS window_start, SUM(score) FROM events GROUP BY team, TUMBLE(ts, INTERVAL '1' MINUTE)",
        "SELECT team, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS window_start, SUM(score) FROM events GROUP BY team, TUMBLE(ts, INTERVAL '1' MINUTE)")]
    [InlineData(
        "SELECT k, COUNT(*) FROM events GROUP BY k, HOP(ts, INTERVAL '30' SECONDS, INTERVAL 2 minutes), SESSION(ts, INTERVAL '10' minute)",
        "SELECT k, COUNT(*) FROM events GROUP BY k, HOP(ts, INTERVAL '30' SECOND, INTERVAL '2' MINUTE), SESSION(ts, INTERVAL '10' MINUTE)")]
    [InlineData(
        "SELECT a FROM t UNION ALL SELECT b FROM u UNION ALL SELECT c FROM v ORDER BY a DESC, 2 ASC LIMIT 10",
        "SELECT a FROM t UNION ALL SELECT b FROM u UNION ALL SELECT c FROM v ORDER BY a DESC, 2 LIMIT 10")]
    [InlineData(
        "SELECT a FROM t WHERE a LIKE '5!%' escape '!' AND b NOT LIKE c",
        "SELECT a FROM t WHERE ((a LIKE '5!%' ESCAPE '!') AND (b NOT LIKE c))")]
    [InlineData(
        "SELECT extract(hour from ts) AS h FROM t WHERE ts >= timestamp '2017-01-01 01:02:03'",
        "SELECT EXTRACT(HOUR FROM ts) AS h FROM t WHERE (ts >= TIMESTAMP '2017-01-01 01:02:03')")]
    [InlineData(
        "SELECT a, b FROM t ORDER BY a desc nulls last, b NULLS first LIMIT 3 offset 2",
        "SELECT a, b FROM t ORDER BY a DESC NULLS LAST, b NULLS FIRST LIMIT 3 OFFSET 2")]
    [InlineData(
        "SELECT s.k, s.n FROM (SELECT k, COUNT(*) AS n FROM events GROUP BY k) AS s WHERE s.n > 1.5e2",
        "SELECT s.k, s.n FROM (SELECT k, COUNT(*) AS n FROM events GROUP BY k) AS s WHERE (s.n > 1.5e2)")]
    [InlineData(
        "SELECT DISTINCT \"select\", \"a \"\"b\"\"\", t.* FROM \"order\" -- a comment\n WHERE /* another */ x > .5",
        "SELECT DISTINCT \"select\", \"a \"\"b\"\"\", t.* FROM \"order\" WHERE (x > .5)")]
    [InlineData(
        "SELECT NOT a = b, - - 1, +2, TRUE, false, NULL FROM t",
        "SELECT (NOT (a = b)), (-(-1)), (+2), TRUE, FALSE, NULL FROM t")]
    [InlineData(
        "SELECT floor(ts to hour) AS h, CEILING(ts TO day), FLOOR(x), ts - INTERVAL '5' MINUTE + INTERVAL '1' SECOND FROM t",
        "SELECT FLOOR(ts TO HOUR) AS h, CEIL(ts TO DAY), FLOOR(x), ((ts - INTERVAL '5' MINUTE) + INTERVAL '1' SECOND) FROM t")]
    [InlineData(
        "SELECT a FROM t WHERE a NOT IN (SELECT b FROM u WHERE c > 1) AND d IN (1, 2)",
        "SELECT a FROM t WHERE ((a NOT IN (SELECT b FROM u WHERE (c > 1))) AND (d IN (1, 2)))")]
    [InlineData(
        "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.k) AND NOT EXISTS (SELECT * FROM v) AND NOT exists > 1",
        "SELECT a FROM t WHERE ((EXISTS (SELECT 1 FROM u WHERE (u.k = t.k)) AND NOT EXISTS (SELECT * FROM v)) AND (NOT (exists > 1)))")]
    [InlineData(
        "SELECT a, (SELECT COUNT(*) FROM u WHERE u.k = t.k) AS n FROM t WHERE a > (SELECT MAX(b) FROM u)",
        "SELECT a, (SELECT COUNT(*) FROM u WHERE (u.k = t.k)) AS n FROM t WHERE (a > (SELECT MAX(b) FROM u))")]
    public void QueriesParse(string query, string expected)
    {
        var result = SqlParser.Parse(query);
        Assert.Null(result.Error);
        Assert.Equal(expected, SqlPrinter.Print(result.Query!));
    }

    [Fact(DisplayName = "Spans cover what they parsed: a column, a call, a whole predicate, the whole query")]
    public void SpansCoverTheirText()
    {
        const string Query = "SELECT upper(name) AS n FROM people p WHERE p.age BETWEEN 18 AND 65";
        var select = SqlParser.Parse(Query).Query!.Selects[0];
        string Text(SqlSpan span) => Query.Substring(span.Start, span.Length);
        Assert.Equal("upper(name)", Text(select.Items[0].Expr!.Span));
        Assert.Equal("upper", Text(((SqlCall)select.Items[0].Expr!).NameSpan));
        Assert.Equal("upper(name) AS n", Text(select.Items[0].Span));
        Assert.Equal("people p", Text(select.From.Span));
        Assert.Equal("p.age BETWEEN 18 AND 65", Text(select.Where!.Span));
        Assert.Equal(Query, Text(SqlParser.Parse(Query).Query!.Span));
    }

    /// <summary>Broken queries: the message (a part of it) and where it points, as offset and length in the query text.</summary>
    public static TheoryData<string, string, int, int> Broken => new()
    {
        { "", "Expected SELECT to start the query, found the end of the query", 0, 0 },
        { "SELEC a FROM t", "Expected SELECT", 0, 5 },
        { "SELECT FROM t", "Expected a column or an expression after SELECT, found FROM", 7, 4 },
        { "SELECT a, FROM t", "remove the trailing ','", 10, 4 },
        { "SELECT a FROM", "Expected a table name, found the end of the query", 13, 0 },
        { "SELECT a FROM t WHERE", "Expected an expression after WHERE, found the end of the query", 21, 0 },
        { "SELECT a b c FROM t", "Expected ',' or FROM after the column, found 'c'", 11, 1 },
        { "SELECT a FROM t t2 t3", "Expected the end of the query, found 't3'", 19, 2 },
        { "SELECT a FROM t GROUP key", "Expected BY after GROUP, found 'key'", 22, 3 },
        { "SELECT a FROM t ORDER a", "Expected BY after ORDER, found 'a'", 22, 1 },
        { "SELECT a FROM t LIMIT x", "Expected the number of rows after LIMIT, found 'x'", 22, 1 },
        { "SELECT a FROM t LIMIT 1.5", "Expected the number of rows after LIMIT, found '1.5'", 22, 3 },
        { "SELECT (a FROM t", "Expected ')' to close the '(' at 7, found the keyword FROM", 10, 4 },
        { "SELECT a) FROM t", "Expected FROM after the columns, found ')'", 8, 1 },
        { "SELECT a FROM t)", "This ')' closes nothing", 15, 1 },
        { "SELECT 'abc FROM t", "This string is not closed", 7, 1 },
        { "SELECT \"abc FROM t", "This quoted name is not closed", 7, 1 },
        { "SELECT \"\" FROM t", "A quoted name cannot be empty", 7, 2 },
        { "SELECT a FROM t WHERE b = #", "'#' is not part of the SQL", 26, 1 },
        { "SELECT a FROM t;", "A query is one statement: remove the ';'", 15, 1 },
        { "SELECT 1e FROM t", "This number's exponent has no digits", 7, 2 },
        { "SELECT 2x FROM t", "A name cannot start with a digit: '2x'", 7, 2 },
        { "SELECT a FROM t /* open", "This comment is not closed", 16, 2 },
        { "SELECT FLOOR(ts TO) FROM t", "Expected a unit after TO (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR), found ')'", 18, 1 },
        { "SELECT CEIL(ts TO HOUR FROM t", "Expected ')' to close CEIL, found the keyword FROM", 23, 4 },
        { "SELECT CASE WHEN a THEN b FROM t", "Expected WHEN, ELSE or END to close the CASE at 7, found the keyword FROM", 26, 4 },
        { "SELECT CASE a END FROM t", "Expected WHEN after CASE and its operand, found the keyword END", 14, 3 },
        { "SELECT CASE WHEN a b END FROM t", "Expected THEN after the WHEN condition, found 'b'", 19, 1 },
        { "SELECT CAST(a BIGINT) FROM t", "Expected AS and the type in CAST, found 'BIGINT'", 14, 6 },
        { "SELECT CAST(a AS) FROM t", "Expected a type after AS in CAST, found ')'", 16, 1 },
        { "SELECT COUNT(DISTINCT *) FROM t", "COUNT(DISTINCT *) has no meaning", 22, 1 },
        { "SELECT SUM(a b) FROM t", "Expected ',' or ')' in the arguments of SUM, found 'b'", 13, 1 },
        { "SELECT a FROM t JOIN u", "Expected ON and the join condition after the joined table, found the end of the query", 22, 0 },
        { "SELECT a FROM t JOIN u ON", "Expected an expression after ON", 25, 0 },
        { "SELECT a FROM t CROSS JOIN u ON t.k = u.k", "A CROSS JOIN has no ON: it pairs every row with every row", 29, 2 },
        { "SELECT a FROM t CROSS u", "Expected JOIN after CROSS, found 'u'", 16, 5 },
        { "SELECT a FROM t, ", "Expected a table name, found the end of the query", 17, 0 },
        { "SELECT a FROM t LEFT u", "Expected JOIN after LEFT, found 'u'", 21, 1 },
        { "SELECT a FROM t UNION SELECT b FROM u UNION ALL SELECT c FROM v", "Mixing UNION and UNION ALL is not supported yet", 38, 9 },
        { "SELECT a + 1 FROM t UNION SELECT b FROM u", "Name this column with AS: UNION reads the first SELECT's columns by name", 7, 5 },
        { "SELECT * FROM t UNION SELECT b FROM u", "list them instead of *", 7, 1 },
        { "SELECT a FROM t WHERE a LIKE 'x' ESCAPE 'ab'", "Expected one character in quotes after ESCAPE", 40, 4 },
        { "SELECT a FROM t ORDER BY a NULLS LIMIT 2", "Expected FIRST or LAST after NULLS, found the keyword LIMIT", 33, 5 },
        { "SELECT a FROM (t)", "Expected a subquery (SELECT ...) after '(' in FROM, found 't'", 15, 1 },
        { "SELECT a FROM (SELECT b FROM u", "Expected ')' to close the subquery, found the end of the query", 30, 0 },
        { "SELECT a FROM t WHERE a IN (SELECT b FROM u", "Expected ')' to close the subquery of IN, found the end of the query", 43, 0 },
        { "SELECT a FROM t WHERE EXISTS (SELECT b FROM u", "Expected ')' to close the subquery of EXISTS, found the end of the query", 45, 0 },
        { "SELECT a FROM t WHERE a IN (1, 2", "Expected ')' to close the IN list", 32, 0 },
        { "SELECT a FROM t WHERE a IS 5", "Expected NULL after IS, found '5'", 27, 1 },
        { "SELECT a FROM t WHERE a BETWEEN 1 5", "Expected AND between the bounds of BETWEEN, found '5'", 34, 1 },
        { "SELECT a FROM t WHERE a = ", "Expected an expression after '=', found the end of the query", 26, 0 },
        { "SELECT a + FROM t", "Expected an expression after '+', found the keyword FROM", 11, 4 },
        { "SELECT a * , b FROM t", "Expected an expression after '*', found ','", 11, 1 },
        { "SELECT order FROM t", "Expected an expression as a column, found the keyword ORDER (write \"order\" to use it as a name)", 7, 5 },
        { "SELECT a FROM t WHERE end > 1", "Expected an expression after WHERE, found the keyword END (write \"end\" to use it as a name)", 22, 3 },
        { "SELECT a AS FROM t", "Expected a column name after AS, found the keyword FROM", 12, 4 },
        { "SELECT a FROM select", "Expected a table name, found the keyword SELECT", 14, 6 },
        { "SELECT t. FROM t", "Expected a column name after 't.', found the keyword FROM", 10, 4 },
        { "SELECT TUMBLE(ts, INTERVAL '1' WEEK) FROM t", "Expected a unit after INTERVAL '1' (MILLISECOND, SECOND, MINUTE, HOUR or DAY), found 'WEEK'", 31, 4 },
        { "SELECT TUMBLE(ts, INTERVAL MINUTE) FROM t", "Expected the interval's length after INTERVAL", 27, 6 },
        { "SELECT a FROM t WHERE (SELECT MAX(b) FROM u > 0", "Expected ')' to close the subquery, found '>'", 44, 1 },
    };

    [Theory(DisplayName = "A broken query gives its first error at its exact place, never an exception")]
    [MemberData(nameof(Broken))]
    public void BrokenQueriesSayWhereAndWhy(string query, string message, int start, int length)
    {
        var result = SqlParser.Parse(query);
        Assert.Null(result.Query);
        Assert.NotNull(result.Error);
        Assert.Contains(message, result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal((start, length), (result.Error.Span.Start, result.Error.Span.Length));
        Assert.InRange(result.Error.Span.End, 0, query.Length);
    }

    [Fact(DisplayName = "The corpus of broken queries has more than 40 cases, each a different mistake")]
    public void TheCorpusIsLargeAndDistinct()
    {
        var cases = Broken.Select(row => (string)row[0]).ToList();
        Assert.True(cases.Count > 40, cases.Count + " cases");
        Assert.Equal(cases.Count, cases.Distinct().Count());
    }

    [Fact(DisplayName = "Deep nesting is an error at its place, not a stack overflow")]
    public void DeepNestingIsAnError()
    {
        var query = "SELECT " + new string('(', 5_000) + "1" + new string(')', 5_000) + " FROM t";
        var result = SqlParser.Parse(query);
        Assert.Contains("nested too deeply", result.Error!.Message, StringComparison.Ordinal);
        var negations = "SELECT a FROM t WHERE " + string.Concat(Enumerable.Repeat("NOT ", 5_000)) + "a";
        Assert.Contains("nested too deeply", SqlParser.Parse(negations).Error!.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "Every prefix of a valid query parses or fails with a span inside the text, never throwing")]
    public void EveryPrefixIsHandled()
    {
        const string Query = "SELECT e.team, CASE WHEN SUM(e.score) > 10 THEN 'hi' ELSE CAST(COUNT(DISTINCT e.user) AS VARCHAR(5)) END AS label FROM events AS e LEFT JOIN teams t ON e.team = t.id WHERE e.score BETWEEN 1 AND 9 AND e.kind NOT IN (1, 2) GROUP BY e.team, TUMBLE(e.ts, INTERVAL '1' MINUTE) HAVING COUNT(*) >= 2 UNION ALL SELECT 'x', 'y' FROM (SELECT 1 AS a FROM u) ORDER BY 1 DESC LIMIT 5";
        Assert.Null(SqlParser.Parse(Query).Error);
        for (var n = 0; n < Query.Length; n++)
        {
            var result = SqlParser.Parse(Query.Substring(0, n));
            if (result.Error is { } error)
            {
                Assert.InRange(error.Span.Start, 0, n);
                Assert.InRange(error.Span.End, error.Span.Start, n);
            }
        }
    }
}
