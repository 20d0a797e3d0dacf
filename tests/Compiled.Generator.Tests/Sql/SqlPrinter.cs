using System;
using System.Linq;
using Compiled.Generator.Sql;

namespace Compiled.Generator.Tests.Sql;

/// <summary>Prints a syntax tree back as SQL: keywords upper case, every operator parenthesized, aliases with AS.</summary>
internal static class SqlPrinter
{
    public static string Print(SqlQuery query)
    {
        var text = string.Join(" UNION ALL ", query.Selects.Select(Print));
        if (query.OrderBy.Count > 0)
        {
            text += " ORDER BY " + string.Join(", ", query.OrderBy.Select(o => Print(o.Expr) + (o.Descending ? " DESC" : string.Empty) + (o.NullsFirst is { } first ? first ? " NULLS FIRST" : " NULLS LAST" : string.Empty)));
        }

        return query.Limit is null ? text : text + " LIMIT " + Print(query.Limit) + (query.Offset is null ? string.Empty : " OFFSET " + Print(query.Offset));
    }

    private static string Print(SqlSelect select)
    {
        var text = "SELECT " + (select.Distinct ? "DISTINCT " : string.Empty) + string.Join(", ", select.Items.Select(Print)) + " FROM " + Print(select.From);
        if (select.Where is not null)
        {
            text += " WHERE " + Print(select.Where);
        }

        if (select.GroupBy.Count > 0)
        {
            text += " GROUP BY " + string.Join(", ", select.GroupBy.Select(Print));
        }

        return select.Having is null ? text : text + " HAVING " + Print(select.Having);
    }

    private static string Print(SqlSelectItem item) => item.IsStar
        ? (item.StarQualifier is null ? "*" : Name(item.StarQualifier) + ".*")
        : Print(item.Expr!) + (item.Alias is null ? string.Empty : " AS " + Name(item.Alias));

    private static string Print(SqlFrom from) => from switch
    {
        SqlTableRef t => Name(t.Name) + Alias(t.Alias),
        SqlSubquery s => "(" + Print(s.Query) + ")" + Alias(s.Alias),
        SqlJoin j => Print(j.Left) + (j.Kind == SqlJoinKind.Left ? " LEFT JOIN " : " JOIN ") + Print(j.Right) + " ON " + Print(j.On),
        _ => throw new ArgumentOutOfRangeException(nameof(from)),
    };

    private static string Alias(string? alias) => alias is null ? string.Empty : " AS " + Name(alias);

    /// <summary>A name as written: quoted when it is not a plain lower-case word (keywords were quoted to be names).</summary>
    private static string Name(string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c == '_') && !new[] { "select", "order", "from" }.Contains(name) ? name : "\"" + name.Replace("\"", "\"\"") + "\"";

    public static string Print(SqlExpr expr) => expr switch
    {
        SqlLiteral { Kind: SqlLiteralKind.String } l => "'" + l.Text.Replace("'", "''") + "'",
        SqlLiteral { Kind: SqlLiteralKind.Timestamp } l => "TIMESTAMP '" + l.Text.Replace("'", "''") + "'",
        SqlLiteral l => l.Text,
        SqlColumn c => (c.Qualifier is null ? string.Empty : Name(c.Qualifier) + ".") + Name(c.Name),
        SqlUnary { Operator: "NOT" } u => "(NOT " + Print(u.Operand) + ")",
        SqlUnary u => "(" + u.Operator + Print(u.Operand) + ")",
        SqlBinary b => "(" + Print(b.Left) + " " + b.Operator + " " + Print(b.Right) + ")",
        SqlCall { Name: "EXTRACT" } c => "EXTRACT(" + ((SqlLiteral)c.Arguments[0]).Text + " FROM " + Print(c.Arguments[1]) + ")",
        SqlCall { Name: "FLOOR" or "CEIL", Arguments.Count: 2 } c => c.Name + "(" + Print(c.Arguments[0]) + " TO " + ((SqlLiteral)c.Arguments[1]).Text + ")",
        SqlCall c => c.Name + "(" + (c.Star ? "*" : (c.Distinct ? "DISTINCT " : string.Empty) + string.Join(", ", c.Arguments.Select(Print))) + ")",
        SqlCase c => "CASE " + (c.Operand is null ? string.Empty : Print(c.Operand) + " ") +
            string.Join(" ", c.Whens.Select(w => "WHEN " + Print(w.Condition) + " THEN " + Print(w.Result))) +
            (c.Else is null ? string.Empty : " ELSE " + Print(c.Else)) + " END",
        SqlCast c => "CAST(" + Print(c.Operand) + " AS " + c.TypeName + ")",
        SqlIsNull n => "(" + Print(n.Operand) + (n.Not ? " IS NOT NULL)" : " IS NULL)"),
        SqlBetween b => "(" + Print(b.Operand) + (b.Not ? " NOT" : string.Empty) + " BETWEEN " + Print(b.Low) + " AND " + Print(b.High) + ")",
        SqlIn i => "(" + Print(i.Operand) + (i.Not ? " NOT" : string.Empty) + " IN (" + string.Join(", ", i.Values.Select(Print)) + "))",
        SqlLike l => "(" + Print(l.Operand) + (l.Not ? " NOT" : string.Empty) + " LIKE " + Print(l.Pattern) + (l.Escape is null ? string.Empty : " ESCAPE " + Print(l.Escape)) + ")",
        SqlInQuery q => "(" + Print(q.Operand) + (q.Not ? " NOT IN (" : " IN (") + Print(q.Query) + "))",
        SqlScalarSubquery q => "(" + Print(q.Query) + ")",
        SqlExists e => (e.Not ? "NOT EXISTS (" : "EXISTS (") + Print(e.Query) + ")",
        SqlInterval i => "INTERVAL '" + i.Value + "' " + i.Unit,
        _ => throw new ArgumentOutOfRangeException(nameof(expr)),
    };
}
