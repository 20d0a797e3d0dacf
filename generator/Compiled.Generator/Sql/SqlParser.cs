using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;

namespace Compiled.Generator.Sql;

/// <summary>
/// Reads a query into its syntax tree (<see cref="SqlQuery"/>), or reports its first syntax error at its place; it never
/// throws. The grammar is the part of Beam SQL and Flink SQL that pipelines use:
/// <code>
/// query   := select { UNION [ALL] select } [ ORDER BY expr [ASC|DESC] [NULLS FIRST|LAST] {, ...} ] [ LIMIT integer [ OFFSET integer ] ]
/// select  := SELECT [DISTINCT|ALL] item {, item} FROM from [ WHERE expr ] [ GROUP BY expr {, expr} ] [ HAVING expr ]
/// item    := * | name.* | expr [ [AS] name ]
/// from    := source { [INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER]] JOIN source ON expr | CROSS JOIN source | , source }
/// source  := name [ [AS] name ] | ( query ) [ [AS] name ]
/// expr    := OR of AND of [NOT] (predicate | EXISTS ( query ))
/// predicate := sum [ (= | &lt;&gt; | != | &lt; | &lt;= | &gt; | &gt;=) sum | IS [NOT] NULL
///              | [NOT] BETWEEN sum AND sum | [NOT] IN ( expr {, expr} ) | [NOT] IN ( query ) | [NOT] LIKE sum ]
/// sum     := product { (+ | - | ||) product };  product := unary { (* | / | %) unary };  unary := [- | +] unary | primary
/// primary := number | 'string' | TRUE | FALSE | NULL | INTERVAL 'n' unit | FLOOR|CEIL ( expr [TO unit] ) | CASE [expr] WHEN expr THEN expr ... [ELSE expr] END
///          | CAST ( expr AS type ) | name ( [DISTINCT] args | * ) | name [ . name ] | ( expr ) | ( query )
/// </code>
/// Keywords are case-insensitive; a keyword used as a name is written in double quotes.
/// </summary>
internal sealed class SqlParser
{
    /// <summary>Words that cannot be a name without double quotes.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "DISTINCT", "ALL", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "ASC", "DESC", "LIMIT", "UNION",
        "AS", "AND", "OR", "NOT", "NULL", "TRUE", "FALSE", "IS", "IN", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN", "ELSE",
        "END", "CAST", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "ON", "INTERVAL",
    };

    private static readonly Dictionary<string, string> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["MILLISECOND"] = "MILLISECOND", ["MILLISECONDS"] = "MILLISECOND",
        ["SECOND"] = "SECOND", ["SECONDS"] = "SECOND",
        ["MINUTE"] = "MINUTE", ["MINUTES"] = "MINUTE",
        ["HOUR"] = "HOUR", ["HOURS"] = "HOUR",
        ["DAY"] = "DAY", ["DAYS"] = "DAY",
    };

    private const int MaxDepth = 200;

    private readonly List<SqlToken> _tokens;
    private int _next;
    private int _depth;

    private SqlParser(List<SqlToken> tokens)
    {
        _tokens = tokens;
    }

    /// <summary>Parses <paramref name="text"/>: the tree, or the first error at its place.</summary>
    public static SqlParseResult Parse(string text)
    {
        var (tokens, lexError) = SqlLexer.Tokenize(text);
        if (lexError is not null)
        {
            return new SqlParseResult(null, lexError);
        }

        var parser = new SqlParser(tokens);
        try
        {
            var query = parser.Query();
            if (parser.Peek.Kind != SqlTokenKind.End)
            {
                parser.Fail(parser.Peek.IsSymbol(")") ? "This ')' closes nothing" : "Expected the end of the query, found " + parser.Found(parser.Peek));
            }

            return new SqlParseResult(query, null);
        }
        catch (SyntaxError error)
        {
            return new SqlParseResult(null, error.Diagnostic);
        }
    }

    /// <summary>Thrown inside the parser at the first error; <see cref="Parse"/> turns it into the result.</summary>
    private sealed class SyntaxError : Exception
    {
        public SyntaxError(SqlDiagnostic diagnostic)
        {
            Diagnostic = diagnostic;
        }

        public SqlDiagnostic Diagnostic { get; }
    }

    private SqlToken Peek => _tokens[_next];

    private SqlToken PeekAt(int ahead) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

    private SqlSpan Previous => _tokens[Math.Max(_next - 1, 0)].Span;

    private SqlToken Take() => _tokens[_next < _tokens.Count - 1 ? _next++ : _next];

    private Exception Fail(string message) => Fail(message, Peek.Span);

    private Exception Fail(string message, SqlSpan span) => throw new SyntaxError(new SqlDiagnostic(message, span));

    private bool Accept(string keyword)
    {
        if (Peek.Is(keyword))
        {
            _next++;
            return true;
        }

        return false;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (Peek.IsSymbol(symbol))
        {
            _next++;
            return true;
        }

        return false;
    }

    private void Expect(string keyword, string after)
    {
        if (!Accept(keyword))
        {
            Fail("Expected " + keyword + " " + after + ", found " + Found(Peek));
        }
    }

    private void ExpectSymbol(string symbol, string context)
    {
        if (!AcceptSymbol(symbol))
        {
            Fail("Expected '" + symbol + "' " + context + ", found " + Found(Peek));
        }
    }

    /// <summary>
    /// How a message names the token found: a keyword by its name, with a hint to quote it when it stands where a name
    /// would (followed by punctuation, a clause keyword or the end rather than by another name or value).
    /// </summary>
    private string Found(SqlToken token)
    {
        if (token.Kind != SqlTokenKind.Word || !Reserved.Contains(token.Text))
        {
            return token.Describe();
        }

        var next = _tokens[Math.Min(_tokens.IndexOf(token) + 1, _tokens.Count - 1)];
        var standsForAName = next.Kind is SqlTokenKind.Symbol or SqlTokenKind.End || (next.Kind == SqlTokenKind.Word && Reserved.Contains(next.Text));
        return "the keyword " + token.Text.ToUpperInvariant() + (standsForAName ? " (write \"" + token.Text + "\" to use it as a name)" : string.Empty);
    }

    private bool IsName(SqlToken token) => token.Kind == SqlTokenKind.QuotedName || (token.Kind == SqlTokenKind.Word && !Reserved.Contains(token.Text));

    private string Name(string what)
    {
        var token = Peek;
        if (IsName(token))
        {
            _next++;
            return token.Text;
        }

        throw Fail("Expected " + what + ", found " + Found(token));
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            Fail("This query is nested too deeply (more than " + MaxDepth + " levels)");
        }
    }

    // ----- queries -----

    private SqlQuery Query()
    {
        Enter();
        var start = Peek.Span;
        var selects = new List<SqlSelect> { Select() };
        bool? distinctUnion = null;
        while (Peek.Is("UNION"))
        {
            var union = Take();
            var unionAll = Accept("ALL");
            if (distinctUnion is { } earlier && earlier == unionAll)
            {
                Fail("Mixing UNION and UNION ALL is not supported yet: write one of them between every SELECT, or make the part that removes duplicates a subquery", SqlSpan.Cover(union.Span, Previous));
            }

            distinctUnion = !unionAll;
            selects.Add(Select());
        }

        var orderBy = new List<SqlOrderItem>();
        if (Peek.Is("ORDER"))
        {
            Take();
            Expect("BY", "after ORDER");
            do
            {
                var expr = Expr();
                var descending = false;
                if (Accept("DESC"))
                {
                    descending = true;
                }
                else
                {
                    Accept("ASC");
                }

                bool? nullsFirst = null;
                if (Accept("NULLS"))
                {
                    nullsFirst = Accept("FIRST") ? true : Accept("LAST") ? false : throw Fail("Expected FIRST or LAST after NULLS, found " + Found(Peek));
                }

                orderBy.Add(new SqlOrderItem(expr, descending, SqlSpan.Cover(expr.Span, Previous)) { NullsFirst = nullsFirst });
            }
            while (AcceptSymbol(","));
        }

        SqlExpr? limit = null;
        if (Accept("LIMIT"))
        {
            var token = Peek;
            if (token.Kind != SqlTokenKind.Integer)
            {
                Fail("Expected the number of rows after LIMIT, found " + Found(token));
            }

            Take();
            limit = new SqlLiteral(SqlLiteralKind.Integer, token.Text, token.Span);
        }

        SqlExpr? offset = null;
        if (limit is not null && Accept("OFFSET"))
        {
            var token = Peek;
            if (token.Kind != SqlTokenKind.Integer)
            {
                Fail("Expected the number of rows to skip after OFFSET, found " + Found(token));
            }

            Take();
            offset = new SqlLiteral(SqlLiteralKind.Integer, token.Text, token.Span);
        }

        _depth--;
        var span = SqlSpan.Cover(start, Previous);
        if (distinctUnion != true)
        {
            return new SqlQuery(selects.ToEquatableArray(), orderBy.ToEquatableArray(), limit, span) { Offset = offset };
        }

        // UNION removes duplicates: SELECT DISTINCT over the SELECTs joined by UNION ALL (per window, as every GROUP BY),
        // its columns read by the names the first SELECT gives them; ORDER BY and LIMIT apply to the distinct rows.
        var names = new List<string>();
        foreach (var item in selects[0].Items)
        {
            names.Add(item.Alias ?? (item.Expr as SqlColumn)?.Name ??
                throw Fail(item.IsStar
                    ? "UNION reads the first SELECT's columns by name to remove duplicates: list them instead of *"
                    : "Name this column with AS: UNION reads the first SELECT's columns by name to remove duplicates", item.Span));
        }

        const string Union = "__union";
        var all = new SqlQuery(selects.ToEquatableArray(), EquatableArray<SqlOrderItem>.Empty, null, span);
        var distinct = new SqlSelect(
            true,
            names.Select(n => new SqlSelectItem(new SqlColumn(Union, n, span), n, null, span)).ToEquatableArray(),
            new SqlSubquery(all, Union, span),
            null,
            EquatableArray<SqlExpr>.Empty,
            null,
            span);
        return new SqlQuery(new[] { distinct }.ToEquatableArray(), orderBy.ToEquatableArray(), limit, span) { Offset = offset };
    }

    private SqlSelect Select()
    {
        var start = Peek.Span;
        Expect("SELECT", Peek.Kind == SqlTokenKind.End && _next == 0 ? "to start the query" : "here");
        var distinct = Accept("DISTINCT");
        if (!distinct)
        {
            Accept("ALL");
        }

        var items = new List<SqlSelectItem>();
        do
        {
            items.Add(Item());
        }
        while (AcceptSymbol(","));

        if (!Peek.Is("FROM"))
        {
            Fail(IsName(Peek) || Peek.Kind is SqlTokenKind.Integer or SqlTokenKind.Decimal or SqlTokenKind.String
                ? "Expected ',' or FROM after the column, found " + Found(Peek)
                : "Expected FROM after the columns, found " + Found(Peek));
        }

        Take();
        var from = From();
        var where = Accept("WHERE") ? Expr("after WHERE") : null;
        var groupBy = new List<SqlExpr>();
        if (Peek.Is("GROUP"))
        {
            Take();
            Expect("BY", "after GROUP");
            do
            {
                groupBy.Add(Expr("in GROUP BY"));
            }
            while (AcceptSymbol(","));
        }

        var having = Accept("HAVING") ? Expr("after HAVING") : null;
        return new SqlSelect(distinct, items.ToEquatableArray(), from, where, groupBy.ToEquatableArray(), having, SqlSpan.Cover(start, Previous));
    }

    private SqlSelectItem Item()
    {
        var start = Peek.Span;
        if (AcceptSymbol("*"))
        {
            return new SqlSelectItem(null, null, null, start);
        }

        if (IsName(Peek) && PeekAt(1).IsSymbol(".") && PeekAt(2).IsSymbol("*"))
        {
            var qualifier = Take().Text;
            Take();
            Take();
            return new SqlSelectItem(null, null, qualifier, SqlSpan.Cover(start, Previous));
        }

        if (Peek.Is("FROM"))
        {
            Fail(_tokens[_next - 1].IsSymbol(",") ? "Expected a column after ',', found FROM (remove the trailing ',')" : "Expected a column or an expression after SELECT, found FROM");
        }

        var expr = Expr("as a column");
        string? alias = null;
        if (Accept("AS"))
        {
            alias = Name("a column name after AS");
        }
        else if (IsName(Peek))
        {
            alias = Take().Text;
        }

        return new SqlSelectItem(expr, alias, null, SqlSpan.Cover(start, Previous));
    }

    private SqlFrom From()
    {
        var left = Source();
        while (true)
        {
            SqlJoinKind kind;
            if (Peek.Is("JOIN"))
            {
                kind = SqlJoinKind.Inner;
            }
            else if (Peek.Is("INNER") && PeekAt(1).Is("JOIN"))
            {
                kind = SqlJoinKind.Inner;
                Take();
            }
            else if (Peek.Is("LEFT") || Peek.Is("RIGHT") || Peek.Is("FULL"))
            {
                var side = Take();
                kind = side.Is("LEFT") ? SqlJoinKind.Left : side.Is("RIGHT") ? SqlJoinKind.Right : SqlJoinKind.Full;
                Accept("OUTER");
                if (!Peek.Is("JOIN"))
                {
                    Fail("Expected JOIN after " + side.Text.ToUpperInvariant() + ", found " + Found(Peek));
                }
            }
            else if (Peek.Is("CROSS") && PeekAt(1).Is("JOIN"))
            {
                // CROSS JOIN b: every pair of rows (of a window), a join whose condition is TRUE.
                var cross = Take();
                Take(); // JOIN
                var crossed = Source();
                if (Peek.Is("ON"))
                {
                    Fail("A CROSS JOIN has no ON: it pairs every row with every row (write JOIN ... ON for a condition)");
                }

                left = CrossJoin(left, crossed, cross);
                continue;
            }
            else if (Peek.Is("CROSS"))
            {
                throw Fail("Expected JOIN after CROSS, found " + Found(PeekAt(1)));
            }
            else if (Peek.IsSymbol(","))
            {
                // FROM a, b: every pair of rows (of a window), filtered by WHERE; the binder takes WHERE's equalities
                // between the two as the join's keys, so the rows pair by key as with JOIN ... ON.
                var comma = Take();
                var listed = Source();
                left = CrossJoin(left, listed, comma) with { Listed = true };
                continue;
            }
            else
            {
                return left;
            }

            Take(); // JOIN
            var right = Source();
            if (!Accept("ON"))
            {
                Fail("Expected ON and the join condition after the joined table, found " + Found(Peek));
            }

            var on = Expr("after ON");
            left = new SqlJoin(left, right, kind, on, SqlSpan.Cover(left.Span, on.Span));
        }
    }

    /// <summary>A join whose condition is TRUE (every pair of rows of a window), written at <paramref name="at"/>.</summary>
    private static SqlJoin CrossJoin(SqlFrom left, SqlFrom right, SqlToken at) =>
        new(left, right, SqlJoinKind.Inner, new SqlLiteral(SqlLiteralKind.True, "TRUE", at.Span), SqlSpan.Cover(left.Span, right.Span));

    private SqlFrom Source()
    {
        var start = Peek.Span;
        if (AcceptSymbol("("))
        {
            if (!Peek.Is("SELECT"))
            {
                Fail("Expected a subquery (SELECT ...) after '(' in FROM, found " + Found(Peek));
            }

            var query = Query();
            ExpectSymbol(")", "to close the subquery");
            return new SqlSubquery(query, Alias(), SqlSpan.Cover(start, Previous));
        }

        var name = Name("a table name");
        return new SqlTableRef(name, Alias(), SqlSpan.Cover(start, Previous));
    }

    private string? Alias()
    {
        if (Accept("AS"))
        {
            return Name("an alias after AS");
        }

        return IsName(Peek) ? Take().Text : null;
    }

    // ----- expressions -----

    private SqlExpr Expr(string? context = null)
    {
        if (context is not null && !StartsExpression())
        {
            Fail("Expected an expression " + context + ", found " + Found(Peek));
        }

        Enter();
        var left = And();
        while (Accept("OR"))
        {
            var right = And();
            left = new SqlBinary("OR", left, right, SqlSpan.Cover(left.Span, right.Span));
        }

        _depth--;
        return left;
    }

    /// <summary>Whether the next token can start an expression.</summary>
    private bool StartsExpression()
    {
        var token = Peek;
        return IsName(token) || token.Kind is SqlTokenKind.Integer or SqlTokenKind.Decimal or SqlTokenKind.String ||
            token.IsSymbol("(") || token.IsSymbol("-") || token.IsSymbol("+") ||
            token.Is("NOT") || token.Is("NULL") || token.Is("TRUE") || token.Is("FALSE") || token.Is("CASE") || token.Is("CAST") || token.Is("INTERVAL") ||
            (token.Is("LEFT") && PeekAt(1).IsSymbol("("));
    }

    private SqlExpr And()
    {
        var left = Not();
        while (Accept("AND"))
        {
            var right = Not();
            left = new SqlBinary("AND", left, right, SqlSpan.Cover(left.Span, right.Span));
        }

        return left;
    }

    private SqlExpr Not()
    {
        var start = Peek.Span;
        if (Accept("NOT"))
        {
            Enter();
            var operand = Not();
            _depth--;
            return operand is SqlExists exists
                ? exists with { Not = !exists.Not, Span = SqlSpan.Cover(start, operand.Span) }
                : new SqlUnary("NOT", operand, SqlSpan.Cover(start, operand.Span));
        }

        if (Peek.Is("EXISTS") && PeekAt(1).IsSymbol("(") && PeekAt(2).Is("SELECT"))
        {
            Take(); // EXISTS
            var open = Peek.Span;
            Take(); // (
            var query = Query();
            ExpectSymbol(")", "to close the subquery of EXISTS");
            return new SqlExists(query, false, SqlSpan.Cover(open, Previous), SqlSpan.Cover(start, Previous));
        }

        return Predicate();
    }

    private SqlExpr Predicate()
    {
        var left = Sum();
        var token = Peek;
        if (token.Kind == SqlTokenKind.Symbol && token.Text is "=" or "<>" or "!=" or "<" or "<=" or ">" or ">=")
        {
            Take();
            var right = Operand("after '" + token.Text + "'");
            return new SqlBinary(token.Text == "!=" ? "<>" : token.Text, left, right, SqlSpan.Cover(left.Span, right.Span));
        }

        if (Accept("IS"))
        {
            var not = Accept("NOT");
            if (!Accept("NULL"))
            {
                Fail("Expected NULL after IS" + (not ? " NOT" : string.Empty) + ", found " + Found(Peek));
            }

            return new SqlIsNull(left, not, SqlSpan.Cover(left.Span, Previous));
        }

        var negated = false;
        if (Peek.Is("NOT") && (PeekAt(1).Is("BETWEEN") || PeekAt(1).Is("IN") || PeekAt(1).Is("LIKE")))
        {
            Take();
            negated = true;
        }

        if (Accept("BETWEEN"))
        {
            var low = Operand("after BETWEEN");
            Expect("AND", "between the bounds of BETWEEN");
            var high = Operand("after AND");
            return new SqlBetween(left, low, high, negated, SqlSpan.Cover(left.Span, high.Span));
        }

        if (Accept("IN"))
        {
            var open = Peek.Span;
            ExpectSymbol("(", "after IN");
            if (Peek.Is("SELECT"))
            {
                var query = Query();
                ExpectSymbol(")", "to close the subquery of IN");
                return new SqlInQuery(left, query, negated, SqlSpan.Cover(open, Previous), SqlSpan.Cover(left.Span, Previous));
            }

            var values = new List<SqlExpr>();
            do
            {
                values.Add(Expr("in the IN list"));
            }
            while (AcceptSymbol(","));

            ExpectSymbol(")", "to close the IN list");
            return new SqlIn(left, values.ToEquatableArray(), negated, SqlSpan.Cover(left.Span, Previous));
        }

        if (Accept("LIKE"))
        {
            var pattern = Operand("after LIKE");
            if (!Accept("ESCAPE"))
            {
                return new SqlLike(left, pattern, negated, SqlSpan.Cover(left.Span, pattern.Span));
            }

            var escape = Peek;
            if (escape.Kind != SqlTokenKind.String || escape.Text.Length != 1)
            {
                Fail("Expected one character in quotes after ESCAPE (as in ESCAPE '\\'), found " + Found(escape));
            }

            Take();
            var escapeLiteral = new SqlLiteral(SqlLiteralKind.String, escape.Text, escape.Span);
            return new SqlLike(left, pattern, negated, SqlSpan.Cover(left.Span, escape.Span)) { Escape = escapeLiteral };
        }

        return left;
    }

    private SqlExpr Operand(string context)
    {
        if (!StartsExpression())
        {
            Fail("Expected an expression " + context + ", found " + Found(Peek));
        }

        return Sum();
    }

    private SqlExpr Sum()
    {
        var left = Product();
        while (Peek.IsSymbol("+") || Peek.IsSymbol("-") || Peek.IsSymbol("||"))
        {
            var op = Take().Text;
            if (!StartsExpression())
            {
                Fail("Expected an expression after '" + op + "', found " + Found(Peek));
            }

            var right = Product();
            left = new SqlBinary(op, left, right, SqlSpan.Cover(left.Span, right.Span));
        }

        return left;
    }

    private SqlExpr Product()
    {
        var left = Unary();
        while (Peek.IsSymbol("*") || Peek.IsSymbol("/") || Peek.IsSymbol("%"))
        {
            var op = Take().Text;
            if (!StartsExpression())
            {
                Fail("Expected an expression after '" + op + "', found " + Found(Peek));
            }

            var right = Unary();
            left = new SqlBinary(op, left, right, SqlSpan.Cover(left.Span, right.Span));
        }

        return left;
    }

    private SqlExpr Unary()
    {
        var start = Peek.Span;
        if (Peek.IsSymbol("-") || Peek.IsSymbol("+"))
        {
            var op = Take().Text;
            if (!StartsExpression())
            {
                Fail("Expected an expression after '" + op + "', found " + Found(Peek));
            }

            Enter();
            var operand = Unary();
            _depth--;
            return new SqlUnary(op, operand, SqlSpan.Cover(start, operand.Span));
        }

        return Primary();
    }

    private SqlExpr Primary()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case SqlTokenKind.Integer:
                Take();
                return new SqlLiteral(SqlLiteralKind.Integer, token.Text, token.Span);
            case SqlTokenKind.Decimal:
                Take();
                return new SqlLiteral(SqlLiteralKind.Decimal, token.Text, token.Span);
            case SqlTokenKind.String:
                Take();
                return new SqlLiteral(SqlLiteralKind.String, token.Text, token.Span);
        }

        if (AcceptSymbol("("))
        {
            if (Peek.Is("SELECT"))
            {
                // (SELECT ...) as a value: a scalar subquery.
                var query = Query();
                ExpectSymbol(")", "to close the subquery");
                return new SqlScalarSubquery(query, SqlSpan.Cover(token.Span, Previous));
            }

            var inner = Expr("after '('");
            if (!AcceptSymbol(")"))
            {
                Fail("Expected ')' to close the '(' at " + token.Span.Start + ", found " + Found(Peek));
            }

            return inner;
        }

        if (Accept("NULL"))
        {
            return new SqlLiteral(SqlLiteralKind.Null, "NULL", token.Span);
        }

        if (Accept("TRUE") || Accept("FALSE"))
        {
            return new SqlLiteral(token.Is("TRUE") ? SqlLiteralKind.True : SqlLiteralKind.False, token.Text.ToUpperInvariant(), token.Span);
        }

        if (Accept("CASE"))
        {
            return Case(token.Span);
        }

        if (Accept("CAST"))
        {
            ExpectSymbol("(", "after CAST");
            var operand = Expr("to cast");
            Expect("AS", "and the type in CAST");
            var typeStart = Peek.Span;
            var type = Peek.Kind == SqlTokenKind.Word ? Take().Text.ToUpperInvariant() : throw Fail("Expected a type after AS in CAST, found " + Found(Peek));
            if (AcceptSymbol("("))
            {
                var size = Peek.Kind == SqlTokenKind.Integer ? Take().Text : throw Fail("Expected a number in the type's size, found " + Found(Peek));
                type += "(" + size;
                if (AcceptSymbol(","))
                {
                    type += ", " + (Peek.Kind == SqlTokenKind.Integer ? Take().Text : throw Fail("Expected a number in the type's size, found " + Found(Peek)));
                }

                ExpectSymbol(")", "to close the type's size");
                type += ")";
            }

            var typeSpan = SqlSpan.Cover(typeStart, Previous);
            ExpectSymbol(")", "to close CAST");
            return new SqlCast(operand, type, typeSpan, SqlSpan.Cover(token.Span, Previous));
        }

        if (token.Is("TIMESTAMP") && PeekAt(1).Kind == SqlTokenKind.String)
        {
            Take();
            var text = Take();
            return new SqlLiteral(SqlLiteralKind.Timestamp, text.Text, SqlSpan.Cover(token.Span, text.Span));
        }

        if (token.Is("EXTRACT") && PeekAt(1).IsSymbol("("))
        {
            // EXTRACT(unit FROM expr): a call of EXTRACT whose first argument is the unit, as a string.
            Take();
            Take();
            var unit = Peek;
            if (unit.Kind != SqlTokenKind.Word)
            {
                Fail("Expected a unit after EXTRACT( (YEAR, QUARTER, MONTH, WEEK, DAY, DOW, DOY, HOUR, MINUTE or SECOND), found " + Found(unit));
            }

            Take();
            Expect("FROM", "after EXTRACT's unit");
            var operand = Expr("after FROM in EXTRACT");
            ExpectSymbol(")", "to close EXTRACT");
            var arguments = new[] { new SqlLiteral(SqlLiteralKind.String, unit.Text.ToUpperInvariant(), unit.Span), operand }.ToEquatableArray<SqlExpr>();
            return new SqlCall("EXTRACT", arguments, false, false, token.Span, SqlSpan.Cover(token.Span, Previous));
        }

        if ((token.Is("FLOOR") || token.Is("CEIL") || token.Is("CEILING")) && PeekAt(1).IsSymbol("("))
        {
            // FLOOR(expr) and CEIL(expr) of a number, or FLOOR(ts TO unit) and CEIL(ts TO unit) of a timestamp (Calcite's):
            // a call whose second argument, if any, is the unit, as a string.
            Take();
            Take();
            var operand = Expr("in " + token.Text.ToUpperInvariant());
            var arguments = new List<SqlExpr> { operand };
            if (Accept("TO"))
            {
                var unit = Peek;
                if (unit.Kind != SqlTokenKind.Word)
                {
                    Fail("Expected a unit after TO (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR), found " + Found(unit));
                }

                Take();
                arguments.Add(new SqlLiteral(SqlLiteralKind.String, unit.Text.ToUpperInvariant(), unit.Span));
            }

            ExpectSymbol(")", "to close " + token.Text.ToUpperInvariant());
            var name = token.Is("FLOOR") ? "FLOOR" : "CEIL";
            return new SqlCall(name, arguments.ToEquatableArray(), false, false, token.Span, SqlSpan.Cover(token.Span, Previous));
        }

        if (Accept("INTERVAL"))
        {
            var value = Peek;
            if (value.Kind is not (SqlTokenKind.String or SqlTokenKind.Integer))
            {
                Fail("Expected the interval's length after INTERVAL (as in INTERVAL '1' MINUTE), found " + Found(value));
            }

            Take();
            var unit = Peek;
            if (unit.Kind != SqlTokenKind.Word || !Units.TryGetValue(unit.Text, out var normalized))
            {
                throw Fail("Expected a unit after INTERVAL '" + value.Text + "' (MILLISECOND, SECOND, MINUTE, HOUR or DAY), found " + Found(unit));
            }

            Take();
            return new SqlInterval(value.Text, normalized, SqlSpan.Cover(token.Span, unit.Span));
        }

        if (token.Kind == SqlTokenKind.Word && PeekAt(1).IsSymbol("(") && (IsName(token) || token.Is("LEFT")))
        {
            return Call();
        }

        if (IsName(token))
        {
            Take();
            if (AcceptSymbol("."))
            {
                var column = Name("a column name after '" + token.Text + ".'");
                return new SqlColumn(token.Text, column, SqlSpan.Cover(token.Span, Previous));
            }

            return new SqlColumn(null, token.Text, token.Span);
        }

        throw Fail("Expected an expression, found " + Found(token));
    }

    private SqlExpr Call()
    {
        var name = Take();
        Take(); // (
        var distinct = false;
        var star = false;
        var arguments = new List<SqlExpr>();
        if (AcceptSymbol("*"))
        {
            star = true;
        }
        else if (!Peek.IsSymbol(")"))
        {
            distinct = Accept("DISTINCT");
            if (distinct && Peek.IsSymbol("*"))
            {
                Fail("COUNT(DISTINCT *) has no meaning: name the column whose distinct values to count");
            }

            do
            {
                arguments.Add(Expr("as an argument of " + name.Text.ToUpperInvariant()));
            }
            while (AcceptSymbol(","));
        }

        if (!AcceptSymbol(")"))
        {
            Fail("Expected ',' or ')' in the arguments of " + name.Text.ToUpperInvariant() + ", found " + Found(Peek));
        }

        return new SqlCall(name.Text.ToUpperInvariant(), arguments.ToEquatableArray(), distinct, star, name.Span, SqlSpan.Cover(name.Span, Previous));
    }

    private SqlExpr Case(SqlSpan start)
    {
        var operand = Peek.Is("WHEN") ? null : Expr("after CASE");
        var whens = new List<SqlWhen>();
        while (Accept("WHEN"))
        {
            var condition = Expr("after WHEN");
            Expect("THEN", "after the WHEN condition");
            var result = Expr("after THEN");
            whens.Add(new SqlWhen(condition, result));
        }

        if (whens.Count == 0)
        {
            Fail("Expected WHEN after CASE" + (operand is null ? string.Empty : " and its operand") + ", found " + Found(Peek));
        }

        var otherwise = Accept("ELSE") ? Expr("after ELSE") : null;
        if (!Accept("END"))
        {
            Fail("Expected " + (otherwise is null ? "WHEN, ELSE or " : string.Empty) + "END to close the CASE at " + start.Start + ", found " + Found(Peek));
        }

        return new SqlCase(operand, whens.ToEquatableArray(), otherwise, SqlSpan.Cover(start, Previous));
    }
}
