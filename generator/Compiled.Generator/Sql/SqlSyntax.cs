using Compiled.Generator.Helpers;

namespace Compiled.Generator.Sql;

/// <summary>A range of the query text: the offset of its first character and its length (positions inside the string's value).</summary>
internal readonly record struct SqlSpan(int Start, int Length)
{
    public int End => Start + Length;

    /// <summary>The span from the start of <paramref name="first"/> to the end of <paramref name="last"/>.</summary>
    public static SqlSpan Cover(SqlSpan first, SqlSpan last) => new(first.Start, last.End - first.Start);
}

/// <summary>A mistake in a query, at its place in the query text.</summary>
internal sealed record SqlDiagnostic(string Message, SqlSpan Span);

/// <summary>A parsed query: its syntax tree, or the first syntax error (then <see cref="Query"/> is null).</summary>
internal sealed record SqlParseResult(SqlQuery? Query, SqlDiagnostic? Error);

// ----- queries -----

/// <summary>A query: one SELECT, or several joined by UNION ALL, then an optional ORDER BY and LIMIT over the whole.</summary>
internal sealed record SqlQuery(EquatableArray<SqlSelect> Selects, EquatableArray<SqlOrderItem> OrderBy, SqlExpr? Limit, SqlSpan Span)
{
    /// <summary><c>OFFSET n</c> after LIMIT: how many of the first rows to skip.</summary>
    public SqlExpr? Offset { get; init; }
}

/// <summary>One SELECT block.</summary>
internal sealed record SqlSelect(
    bool Distinct,
    EquatableArray<SqlSelectItem> Items,
    SqlFrom From,
    SqlExpr? Where,
    EquatableArray<SqlExpr> GroupBy,
    SqlExpr? Having,
    SqlSpan Span);

/// <summary>A column of the result: an expression with an optional alias, or <c>*</c> / <c>t.*</c> (<see cref="Expr"/> null).</summary>
internal sealed record SqlSelectItem(SqlExpr? Expr, string? Alias, string? StarQualifier, SqlSpan Span)
{
    public bool IsStar => Expr is null;
}

/// <summary>An ORDER BY item.</summary>
internal sealed record SqlOrderItem(SqlExpr Expr, bool Descending, SqlSpan Span)
{
    /// <summary>NULLS FIRST (true) or NULLS LAST (false); null: the default (NULLs order after every value).</summary>
    public bool? NullsFirst { get; init; }
}

// ----- FROM -----

/// <summary>What a SELECT reads: a table, a subquery, or a join of two.</summary>
internal abstract record SqlFrom(SqlSpan Span);

/// <summary>A table (a PCollection given to the query by name), with an optional alias.</summary>
internal sealed record SqlTableRef(string Name, string? Alias, SqlSpan Span) : SqlFrom(Span);

/// <summary>A subquery in FROM, with an optional alias.</summary>
internal sealed record SqlSubquery(SqlQuery Query, string? Alias, SqlSpan Span) : SqlFrom(Span);

internal enum SqlJoinKind
{
    Inner,
    Left,
    Right,
    Full,
}

/// <summary><c>left [INNER|LEFT [OUTER]] JOIN right ON condition</c>.</summary>
internal sealed record SqlJoin(SqlFrom Left, SqlFrom Right, SqlJoinKind Kind, SqlExpr On, SqlSpan Span) : SqlFrom(Span)
{
    /// <summary>
    /// The right side was listed after a comma (<c>FROM a, b</c>): an inner join with no ON, whose keys are WHERE's
    /// equalities between the tables listed so far and this one.
    /// </summary>
    public bool Listed { get; init; }
}

// ----- expressions -----

/// <summary>An expression of a query.</summary>
internal abstract record SqlExpr(SqlSpan Span);

internal enum SqlLiteralKind
{
    Integer,
    Decimal,
    String,
    True,
    False,
    Null,

    /// <summary><c>TIMESTAMP 'yyyy-MM-dd HH:mm:ss[.fff]'</c>: <see cref="SqlLiteral.Text"/> is the quoted text.</summary>
    Timestamp,
}

/// <summary>A literal; <see cref="Text"/> is the number's digits or the string's value (quotes removed, <c>''</c> as one quote).</summary>
internal sealed record SqlLiteral(SqlLiteralKind Kind, string Text, SqlSpan Span) : SqlExpr(Span);

/// <summary>A column, optionally qualified by a table name or alias.</summary>
internal sealed record SqlColumn(string? Qualifier, string Name, SqlSpan Span) : SqlExpr(Span);

/// <summary><c>-x</c>, <c>+x</c> or <c>NOT x</c>.</summary>
internal sealed record SqlUnary(string Operator, SqlExpr Operand, SqlSpan Span) : SqlExpr(Span);

/// <summary>A binary operator: arithmetic (<c>+ - * / %</c>), concatenation (<c>||</c>), comparison, AND, OR.</summary>
internal sealed record SqlBinary(string Operator, SqlExpr Left, SqlExpr Right, SqlSpan Span) : SqlExpr(Span);

/// <summary>A function call: <c>f(a, b)</c>, <c>COUNT(*)</c> (<see cref="Star"/>), <c>COUNT(DISTINCT a)</c> (<see cref="Distinct"/>).</summary>
internal sealed record SqlCall(string Name, EquatableArray<SqlExpr> Arguments, bool Distinct, bool Star, SqlSpan NameSpan, SqlSpan Span) : SqlExpr(Span);

/// <summary>One <c>WHEN condition THEN result</c> of a CASE.</summary>
internal sealed record SqlWhen(SqlExpr Condition, SqlExpr Result);

/// <summary><c>CASE [operand] WHEN ... THEN ... [ELSE ...] END</c>.</summary>
internal sealed record SqlCase(SqlExpr? Operand, EquatableArray<SqlWhen> Whens, SqlExpr? Else, SqlSpan Span) : SqlExpr(Span);

/// <summary><c>CAST(x AS type)</c>; the type as written, upper case (e.g. <c>BIGINT</c>, <c>VARCHAR</c>).</summary>
internal sealed record SqlCast(SqlExpr Operand, string TypeName, SqlSpan TypeSpan, SqlSpan Span) : SqlExpr(Span);

/// <summary><c>x IS [NOT] NULL</c>.</summary>
internal sealed record SqlIsNull(SqlExpr Operand, bool Not, SqlSpan Span) : SqlExpr(Span);

/// <summary><c>x [NOT] BETWEEN low AND high</c>.</summary>
internal sealed record SqlBetween(SqlExpr Operand, SqlExpr Low, SqlExpr High, bool Not, SqlSpan Span) : SqlExpr(Span);

/// <summary><c>x [NOT] IN (a, b, ...)</c>.</summary>
internal sealed record SqlIn(SqlExpr Operand, EquatableArray<SqlExpr> Values, bool Not, SqlSpan Span) : SqlExpr(Span);

/// <summary><c>x [NOT] IN (SELECT y FROM ...)</c>: whether a row of the subquery has the value.</summary>
internal sealed record SqlInQuery(SqlExpr Operand, SqlQuery Query, bool Not, SqlSpan QuerySpan, SqlSpan Span) : SqlExpr(Span);

/// <summary><c>(SELECT agg FROM ...)</c> as a value: a scalar subquery (correlated through its WHERE's equalities).</summary>
internal sealed record SqlScalarSubquery(SqlQuery Query, SqlSpan Span) : SqlExpr(Span);

/// <summary><c>[NOT] EXISTS (query)</c>: whether the subquery has a row (correlated through its WHERE's equalities).</summary>
internal sealed record SqlExists(SqlQuery Query, bool Not, SqlSpan QuerySpan, SqlSpan Span) : SqlExpr(Span);

/// <summary><c>x [NOT] LIKE pattern</c>.</summary>
internal sealed record SqlLike(SqlExpr Operand, SqlExpr Pattern, bool Not, SqlSpan Span) : SqlExpr(Span)
{
    /// <summary><c>ESCAPE 'c'</c>: the character that makes the next <c>%</c>, <c>_</c> or itself a plain character.</summary>
    public SqlLiteral? Escape { get; init; }
}

/// <summary><c>INTERVAL 'n' UNIT</c> (as Beam SQL and Flink SQL write window sizes); the unit upper case, singular.</summary>
internal sealed record SqlInterval(string Value, string Unit, SqlSpan Span) : SqlExpr(Span);
