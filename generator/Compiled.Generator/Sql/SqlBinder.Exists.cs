using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Sql;

/// <summary>
/// <c>WHERE [NOT] EXISTS (SELECT ... FROM b WHERE b.k = a.k AND ...)</c>, decorrelated into a semi-join (an anti-join for
/// NOT EXISTS): the subquery's equalities between its columns and the query's are the key, its other conditions filter
/// its rows, and a row of the query is kept once when its key has a subquery row (or, for NOT EXISTS, none) in its
/// window. Without such an equality the key is one constant: a row is kept when the subquery has any row in its window.
/// </summary>
internal sealed partial class SqlBinder
{
    private SqlSemiJoinPlan BindExists(SqlExists exists)
    {
        var query = exists.Query;
        if (query.Selects.Count != 1 || query.OrderBy.Count > 0 || query.Limit is not null)
        {
            Fail(NotYet("EXISTS over a UNION ALL, or with ORDER BY or LIMIT"), exists.QuerySpan);
        }

        var select = query.Selects[0];
        if (select.GroupBy.Count > 0 || select.Having is not null || select.Items.Any(i => i.Expr is not null && ContainsAggregate(i.Expr)))
        {
            Fail(NotYet("EXISTS over a subquery with GROUP BY, HAVING or aggregates"), exists.QuerySpan);
        }

        // The subquery's scope (an unqualified name is the subquery's when one of its tables has it, as SQL resolves names
        // innermost first); the query's is its sources.
        var scope = ScopeOf(select.From);
        bool IsOuter(SqlColumn column) => column.Qualifier is { } qualifier
            ? !scope.Names.Contains(qualifier) && _sources.Any(s => string.Equals(s.Name, qualifier, StringComparison.OrdinalIgnoreCase))
            : !scope.Columns.Contains(column.Name) && !scope.Opaque && _sources.Any(s => SourceColumns(s).Any(c => string.Equals(c.Name, column.Name, StringComparison.OrdinalIgnoreCase)));

        var (pairs, rest) = Correlation(select.Where, IsOuter);

        // The subquery, rewritten to select its side of each equality (or one constant), is bound as a table of its own.
        var items = pairs.Count == 0
            ? new[] { new SqlSelectItem(new SqlLiteral(SqlLiteralKind.Integer, "0", exists.QuerySpan), "k0", null, exists.QuerySpan) }
            : pairs.Select((p, i) => new SqlSelectItem(p.Inner, "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null, p.Inner.Span)).ToArray();
        var where = And(rest);
        var rewritten = select with { Distinct = false, Items = items.ToEquatableArray(), Where = where };
        var table = BindSubquery(new SqlSubquery(query with { Selects = new[] { rewritten }.ToEquatableArray() }, "exists", exists.QuerySpan));
        var what = exists.Not ? "NOT EXISTS" : "EXISTS";
        var body = SemiBody(exists.Not);
        if (pairs.Count == 0)
        {
            return new SqlSemiJoinPlan(table.Index, exists.Not, "int", null, "0", null, "0", body, exists.Span) { What = what };
        }

        var tuple = (INamedTypeSymbol)table.ElementType;
        var outers = new List<(Typed Value, Kind Target)>();
        var inners = new List<(Typed Value, Kind Target)>();
        for (var i = 0; i < pairs.Count; i++)
        {
            var (innerExpr, outerExpr, equality) = pairs[i];
            if (ContainsAggregate(outerExpr))
            {
                Fail("A correlated subquery's condition cannot hold an aggregate", outerExpr.Span);
            }

            var outer = Bind(outerExpr);
            var inner = Column(TupleItem(tuple, i), new Source(table, null, Row, false));
            var target = KeyKind(outer, inner, equality, "This equality compares " + SqlType(inner) + " with " + SqlType(outer) + ": CAST one to the other's type");

            outers.Add((outer, target));
            inners.Add((inner, target));
        }

        var symbols = outers.Select(k => IsNumeric(k.Target) ? SymbolOf(new Typed(string.Empty, k.Target, false)) : Underlying(SymbolOf(k.Value))).ToList();
        var valueType = symbols.Count == 1 ? symbols[0] : _compilation.CreateTupleTypeSymbol(System.Collections.Immutable.ImmutableArray.CreateRange(symbols));

        // A NULL value equals nothing: a subquery row with one matches no row (it is dropped), and so does a row of the
        // query: EXISTS drops it, NOT EXISTS keeps it (its key, (1, default), has no subquery row).
        string? Filter(List<(Typed Value, Kind Target)> keys) =>
            keys.Any(k => k.Value.Nullable) ? string.Join(" && ", keys.Where(k => k.Value.Nullable).Select(k => "(" + k.Value.Code + ") is not null")) : null;

        string Plain(List<(Typed Value, Kind Target)> keys)
        {
            var values = keys.Select(k => KeyValue(k.Value, k.Target)).ToList();
            return values.Count == 1 ? values[0] : "(" + string.Join(", ", values) + ")";
        }

        var outerMayBeNull = outers.Any(k => k.Value.Nullable);
        if (!exists.Not || !outerMayBeNull)
        {
            return new SqlSemiJoinPlan(table.Index, exists.Not, PipelineGenerator.Parser.Fq(valueType), Filter(outers), Plain(outers), Filter(inners), Plain(inners), body, exists.Span) { What = what };
        }

        // NOT EXISTS over values that may be NULL: every row stays, its key (0, values) when it has them all, else (1, default).
        var conditions = new List<string>();
        var bound = new List<(Typed Value, Kind Target)>();
        foreach (var (value, target) in outers)
        {
            if (!value.Nullable)
            {
                bound.Add((value, target));
                continue;
            }

            var name = "__x" + (++_temps).ToString(System.Globalization.CultureInfo.InvariantCulture);
            conditions.Add("(" + value.Code + ") is { } " + name);
            bound.Add((value with { Code = name, Nullable = false }, target));
        }

        var keyType = _compilation.CreateTupleTypeSymbol(System.Collections.Immutable.ImmutableArray.Create(_compilation.GetSpecialType(SpecialType.System_Int32), valueType));
        var rowKey = "(" + string.Join(" && ", conditions) + " ? (0, " + Plain(bound) + ") : (1, default(" + PipelineGenerator.Parser.Fq(valueType) + ")" + (valueType.IsValueType ? string.Empty : "!") + "))";
        return new SqlSemiJoinPlan(table.Index, true, PipelineGenerator.Parser.Fq(keyType), null, rowKey, Filter(inners), "(0, " + Plain(inners) + ")", body, exists.Span) { What = what };
    }
}
