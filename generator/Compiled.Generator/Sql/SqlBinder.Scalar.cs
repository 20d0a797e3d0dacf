using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;

namespace Compiled.Generator.Sql;

/// <summary>
/// Correlated subqueries: the scope of a FROM, the split of a subquery's WHERE into its correlating equalities and its own
/// conditions, and scalar subqueries (<c>(SELECT AVG(amount) FROM sales s2 WHERE s2.site = s.site)</c>), rewritten
/// before binding into a LEFT JOIN with the subquery grouped by its side of the equalities (decorrelation, as the
/// Calcite planner under Beam SQL and Flink SQL does it): one row per key, or none, whose value reads as NULL.
/// </summary>
internal sealed partial class SqlBinder
{
    /// <summary>The tables a FROM names, the columns they have, and whether one is a subquery (whose columns are not known before it is bound).</summary>
    private (HashSet<string> Names, HashSet<string> Columns, bool Opaque) ScopeOf(SqlFrom from)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var opaque = false;
        void Walk(SqlFrom part)
        {
            switch (part)
            {
                case SqlTableRef table:
                    names.Add(table.Alias ?? table.Name);
                    foreach (var member in Columns(Table(table).ElementType))
                    {
                        columns.Add(member.Name);
                    }

                    break;
                case SqlSubquery subquery:
                    names.Add(subquery.Alias ?? "subquery");
                    opaque = true;
                    break;
                case SqlJoin join:
                    Walk(join.Left);
                    Walk(join.Right);
                    break;
            }
        }

        Walk(from);
        return (names, columns, opaque);
    }

    private List<SqlColumn> ColumnsOf(SqlExpr expr)
    {
        var columns = new List<SqlColumn>();
        CollectColumns(expr, false, columns, columns);
        return columns;
    }

    /// <summary>
    /// A correlated subquery's WHERE: each equality between its values and the query's (<c>sub.k = q.k</c>) is a key pair;
    /// the conditions that read only the subquery stay; any other that reads the query is not supported yet.
    /// </summary>
    private (List<(SqlExpr Inner, SqlExpr Outer, SqlBinary Equality)> Pairs, List<SqlExpr> Others) Correlation(SqlExpr? where, Func<SqlColumn, bool> isOuter)
    {
        var pairs = new List<(SqlExpr Inner, SqlExpr Outer, SqlBinary Equality)>();
        var rest = new List<SqlExpr>();
        foreach (var conjunct in where is null ? Enumerable.Empty<SqlExpr>() : Conjuncts(where))
        {
            if (!ColumnsOf(conjunct).Any(isOuter))
            {
                rest.Add(conjunct);
                continue;
            }

            if (conjunct is SqlBinary { Operator: "=" } equality)
            {
                var (left, right) = (ColumnsOf(equality.Left), ColumnsOf(equality.Right));
                if (left.Count > 0 && right.Count > 0 && left.All(isOuter) && !right.Any(isOuter))
                {
                    pairs.Add((equality.Right, equality.Left, equality));
                    continue;
                }

                if (left.Count > 0 && right.Count > 0 && right.All(isOuter) && !left.Any(isOuter))
                {
                    pairs.Add((equality.Left, equality.Right, equality));
                    continue;
                }
            }

            Fail(NotYet("A condition of a correlated subquery other than an equality between its values and the query's (sub.k = q.k)"), conjunct.Span);
        }

        return (pairs, rest);
    }

    private static SqlExpr? And(List<SqlExpr> conjuncts) =>
        conjuncts.Count == 0 ? null : conjuncts.Aggregate((l, r) => new SqlBinary("AND", l, r, SqlSpan.Cover(l.Span, r.Span)));

    /// <summary>
    /// Scalar subqueries in WHERE and (without GROUP BY) in SELECT, each rewritten into a LEFT JOIN of the FROM with the
    /// subquery grouped by its side of the correlating equalities (<c>LEFT JOIN (SELECT k, AVG(x) AS v ... GROUP BY k)
    /// __sq1 ON __sq1.k0 = q.k</c>; uncorrelated, <c>ON TRUE</c>), and the subquery replaced by <c>__sq1.v</c> (a COUNT
    /// by <c>COALESCE(__sq1.v, 0)</c>: no row counts 0, not NULL). Its one column is an aggregate, so it has at most one
    /// row per key: a query row meets one value, or none (NULL).
    /// </summary>
    private SqlSelect RewriteScalarSubqueries(SqlSelect select)
    {
        var found = new List<SqlScalarSubquery>();
        foreach (var item in select.Items)
        {
            Replace(item.Expr, s => { found.Add(s); return s; });
        }

        Replace(select.Where, s => { found.Add(s); return s; });
        if (found.Count == 0)
        {
            return select;
        }

        var grouped = select.GroupBy.Count > 0 || select.Having is not null || select.Items.Any(i => i.Expr is not null && ContainsAggregate(i.Expr));
        if (grouped && select.Items.Any(i => i.Expr is not null && Contains(i.Expr)))
        {
            Fail(NotYet("A scalar subquery in the SELECT list of a query with GROUP BY or aggregates (put it in WHERE)"), select.Items.First(i => i.Expr is not null && Contains(i.Expr)).Span);
        }

        var outer = ScopeOf(select.From);
        var from = select.From;
        var replacements = new Dictionary<SqlScalarSubquery, SqlExpr>();
        foreach (var scalar in found)
        {
            var query = scalar.Query;
            if (query.Selects.Count != 1 || query.OrderBy.Count > 0 || query.Limit is not null)
            {
                Fail(NotYet("A scalar subquery over a UNION ALL, or with ORDER BY or LIMIT"), scalar.Span);
            }

            var inner = query.Selects[0];
            if (inner.Items.Count != 1 || inner.Items[0].Expr is not { } value || !ContainsAggregate(value) || inner.GroupBy.Count > 0 || inner.Having is not null)
            {
                throw Fail(NotYet("A scalar subquery other than one aggregate without GROUP BY (SELECT MAX(x) FROM ...), which has one row"), scalar.Span);
            }

            var scope = ScopeOf(inner.From);
            bool IsOuter(SqlColumn column) => column.Qualifier is { } qualifier
                ? !scope.Names.Contains(qualifier) && outer.Names.Contains(qualifier)
                : !scope.Columns.Contains(column.Name) && !scope.Opaque && outer.Columns.Contains(column.Name);
            var (pairs, rest) = Correlation(inner.Where, IsOuter);
            if (pairs.Any(p => ColumnsOf(p.Outer).Any(c => c.Qualifier is null && outer.Opaque)))
            {
                Fail("Qualify the query's column in this correlated subquery's equality (q.k): the query reads a subquery, whose columns are known only once it is bound", pairs.First(p => ColumnsOf(p.Outer).Any(c => c.Qualifier is null)).Equality.Span);
            }

            var alias = "__sq" + (replacements.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var keys = pairs.Select((p, i) => new SqlSelectItem(p.Inner, "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null, p.Inner.Span)).ToList();
            var derived = inner with
            {
                Distinct = false,
                Items = keys.Append(new SqlSelectItem(value, "v", null, value.Span)).ToEquatableArray(),
                Where = And(rest),
                GroupBy = pairs.Select(p => p.Inner).ToEquatableArray(),
            };
            SqlExpr on = pairs.Count == 0
                ? new SqlLiteral(SqlLiteralKind.True, "TRUE", scalar.Span)
                : And(pairs.Select((p, i) => (SqlExpr)new SqlBinary("=", new SqlColumn(alias, "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Inner.Span), p.Outer, p.Equality.Span)).ToList())!;
            from = new SqlJoin(from, new SqlSubquery(query with { Selects = new[] { derived }.ToEquatableArray() }, alias, scalar.Span), SqlJoinKind.Left, on, scalar.Span);
            SqlExpr read = new SqlColumn(alias, "v", scalar.Span);
            if (value is SqlCall { Name: var name } && string.Equals(name, "COUNT", StringComparison.OrdinalIgnoreCase))
            {
                read = new SqlCall("COALESCE", new[] { read, new SqlLiteral(SqlLiteralKind.Integer, "0", scalar.Span) }.ToEquatableArray(), false, false, scalar.Span, scalar.Span);
            }

            replacements[scalar] = read;
        }

        return select with
        {
            From = from,
            Items = select.Items.Select(i => i.Expr is null ? i : i with { Expr = Replace(i.Expr, s => replacements[s]) }).ToEquatableArray(),
            Where = Replace(select.Where, s => replacements[s]),
        };
    }

    private static bool Contains(SqlExpr expr)
    {
        var any = false;
        Replace(expr, s => { any = true; return s; });
        return any;
    }

    /// <summary>The expression with each scalar subquery (not those inside other subqueries) replaced by <paramref name="replace"/>'s result.</summary>
    private static SqlExpr? Replace(SqlExpr? expr, Func<SqlScalarSubquery, SqlExpr> replace) => expr switch
    {
        null => null,
        SqlScalarSubquery s => replace(s),
        SqlUnary u => u with { Operand = Replace(u.Operand, replace)! },
        SqlBinary b => b with { Left = Replace(b.Left, replace)!, Right = Replace(b.Right, replace)! },
        SqlCall c => c with { Arguments = c.Arguments.Select(a => Replace(a, replace)!).ToEquatableArray() },
        SqlCase k => k with { Operand = Replace(k.Operand, replace), Whens = k.Whens.Select(w => new SqlWhen(Replace(w.Condition, replace)!, Replace(w.Result, replace)!)).ToEquatableArray(), Else = Replace(k.Else, replace) },
        SqlCast c => c with { Operand = Replace(c.Operand, replace)! },
        SqlIsNull n => n with { Operand = Replace(n.Operand, replace)! },
        SqlBetween b => b with { Operand = Replace(b.Operand, replace)!, Low = Replace(b.Low, replace)!, High = Replace(b.High, replace)! },
        SqlIn i => i with { Operand = Replace(i.Operand, replace)!, Values = i.Values.Select(v => Replace(v, replace)!).ToEquatableArray() },
        SqlInQuery q => q with { Operand = Replace(q.Operand, replace)! },
        SqlLike l => l with { Operand = Replace(l.Operand, replace)!, Pattern = Replace(l.Pattern, replace)! },
        _ => expr,
    };
}
