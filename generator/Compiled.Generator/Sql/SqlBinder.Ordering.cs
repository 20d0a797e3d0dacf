using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Sql;

/// <summary>
/// ORDER BY ... LIMIT n: the first <see cref="Limit"/> result rows of each window by <see cref="Comparison"/> (a static
/// lambda over two rows, C#), kept by a bounded heap (<c>TopFn</c>) and emitted in order. <see cref="Description"/>
/// is the clause as the plan names it.
/// </summary>
internal sealed record SqlOrdering(int Limit, string Comparison, string Description)
{
    /// <summary>OFFSET: how many of each window's first rows are skipped (the heap keeps <see cref="Limit"/> + this many).</summary>
    public int Offset { get; init; }
}

/// <summary>ORDER BY and LIMIT.</summary>
internal sealed partial class SqlBinder
{
    /// <summary>
    /// ORDER BY over the result's columns (by name or position) with LIMIT, as Beam SQL's BeamSortRel keeps the first
    /// rows (Top.of) — per window here, where Beam takes only the global window; LIMIT alone keeps any n rows. NULLs
    /// order after every value, so first in DESC (Calcite's default), unless NULLS FIRST or NULLS LAST says where;
    /// strings by UTF-16 code units; NaN after numbers.
    /// </summary>
    private SqlOrdering? BindOrdering(SqlQuery query)
    {
        if (query.OrderBy.Count == 0 && query.Limit is null)
        {
            return null;
        }

        if (query.Limit is null)
        {
            throw Fail("ORDER BY needs a LIMIT, as in Beam SQL: a stream has no end to sort up to; ORDER BY ... LIMIT n keeps the first n rows of each window", query.OrderBy[0].Span);
        }

        if (query.Limit is not SqlLiteral { Kind: SqlLiteralKind.Integer } limitLiteral ||
            !int.TryParse(limitLiteral.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit <= 0)
        {
            throw Fail("LIMIT takes a whole number of rows, at least 1", query.Limit.Span);
        }

        var offset = 0;
        if (query.Offset is { } offsetExpr &&
            (offsetExpr is not SqlLiteral { Kind: SqlLiteralKind.Integer } offsetLiteral ||
             !int.TryParse(offsetLiteral.Text, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset > int.MaxValue - limit))
        {
            throw Fail("OFFSET takes a whole number of rows", offsetExpr.Span);
        }

        var steps = new List<string>();
        var names = new List<string>();
        var members = RowMembers();
        foreach (var item in query.OrderBy)
        {
            string name;
            if (item.Expr is SqlLiteral { Kind: SqlLiteralKind.Integer } position)
            {
                if (!int.TryParse(position.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > _resultColumns.Count)
                {
                    throw Fail("ORDER BY " + position.Text + ": the result's columns are numbered 1 to " + _resultColumns.Count.ToString(CultureInfo.InvariantCulture), position.Span);
                }

                name = _resultColumns[p - 1];
            }
            else if (item.Expr is SqlColumn { Qualifier: null } column)
            {
                // A column of the result by name; else a column the SELECT list renames (SELECT account AS player ... ORDER BY account).
                name = _resultColumns.FirstOrDefault(c => string.Equals(c, column.Name, StringComparison.OrdinalIgnoreCase)) ??
                    _selectExprs.FirstOrDefault(e => ExprKey(e.Expr) == ExprKey(column)).Name ??
                    throw Fail("ORDER BY names a column of the result, and it has no '" + column.Name + "'" + Suggest(column.Name, _resultColumns, "its columns are"), column.Span);
            }
            else
            {
                // An expression orders by the SELECT item written the same way (ORDER BY COUNT(*) DESC, with COUNT(*) AS
                // views in SELECT), as SQL resolves it; the comparison reads that column of the result row.
                var key = ExprKey(item.Expr);
                name = _selectExprs.FirstOrDefault(e => ExprKey(e.Expr) == key).Name ??
                    throw Fail("ORDER BY an expression takes one of the SELECT list's expressions, written the same way (SELECT COUNT(*) AS views ... ORDER BY COUNT(*) DESC); add this one to SELECT with AS to order by it", item.Expr.Span);
            }

            var memberName = _generatedRow is not null ? MemberName(name) : name;
            var member = members.FirstOrDefault(m => string.Equals(m.Name, memberName, StringComparison.OrdinalIgnoreCase));
            if (member.Name is null)
            {
                throw Fail(RowTypeName + " has no readable member '" + name + "' to order by", item.Expr.Span);
            }

            var (x, y) = ("x." + RowAccess(member.Name), "y." + RowAccess(member.Name));
            var step = item.Descending ? Compare(member.Type, y, x, item.Expr.Span) : Compare(member.Type, x, y, item.Expr.Span);
            if (item.NullsFirst is { } nullsFirst && MayHoldNull(member.Type))
            {
                // NULLs where NULLS FIRST or LAST puts them, whatever the direction.
                var (before, after) = nullsFirst ? ("-1", "1") : ("1", "-1");
                step = "(" + x + " is null ? (" + y + " is null ? 0 : " + before + ") : " + y + " is null ? " + after + " : " + step + ")";
            }

            steps.Add(step);
            names.Add(member.Name + (item.Descending ? " DESC" : string.Empty) + (item.NullsFirst is { } first ? first ? " NULLS FIRST" : " NULLS LAST" : string.Empty));
        }

        var body = steps.Count == 0
            ? "0"
            : steps.Count == 1
                ? steps[0]
                : "{ int c; " + string.Join(" ", steps.Take(steps.Count - 1).Select(step => "if ((c = " + step + ") != 0) { return c; }")) + " return " + steps[steps.Count - 1] + "; }";
        var description = (names.Count > 0 ? "ORDER BY " + string.Join(", ", names) + " " : string.Empty) + "LIMIT " + limit.ToString(CultureInfo.InvariantCulture) +
            (offset > 0 ? " OFFSET " + offset.ToString(CultureInfo.InvariantCulture) : string.Empty);
        return new SqlOrdering(limit, "static (x, y) => " + body, description) { Offset = offset };
    }

    /// <summary>The comparison of two values of a result column's type, as ORDER BY orders them.</summary>
    private string Compare(ITypeSymbol type, string a, string b, SqlSpan span)
    {
        const string Functions = "global::Compiled.Sql.SqlFunctions.";
        var nullable = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        var underlying = Underlying(type);
        if (underlying.SpecialType == SpecialType.System_String)
        {
            return Functions + "CompareStrings(" + a + ", " + b + ")";
        }

        if (underlying.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
        {
            return Functions + "CompareDoubles(" + a + ", " + b + ")";
        }

        var comparable = underlying.IsValueType && underlying.AllInterfaces.Any(i =>
            i.OriginalDefinition.ToDisplayString() == "System.IComparable<T>" && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], underlying));
        if (!comparable)
        {
            throw Fail("ORDER BY a column of type " + Display(type) + " is not supported: it has no order (order by a number, a string, a time or another IComparable value)", span);
        }

        return nullable
            ? Functions + "CompareNullable<" + PipelineGenerator.Parser.Fq(underlying) + ">(" + a + ", " + b + ")"
            : a + ".CompareTo(" + b + ")";
    }

    /// <summary>
    /// An expression as text, without its place in the query: names and keywords in upper case, so that two spellings of
    /// one expression (ORDER BY count(*) and SELECT COUNT(*)) have one key. A subquery has a key of its own.
    /// </summary>
    private static string ExprKey(SqlExpr? e) => e switch
    {
        null => "~",
        SqlLiteral l => "L" + (int)l.Kind + ":" + (l.Kind == SqlLiteralKind.String ? l.Text : l.Text.ToUpperInvariant()),
        SqlColumn c => "C:" + (c.Qualifier?.ToUpperInvariant() ?? string.Empty) + "." + c.Name.ToUpperInvariant(),
        SqlUnary u => "U" + u.Operator.ToUpperInvariant() + "(" + ExprKey(u.Operand) + ")",
        SqlBinary b => "B" + b.Operator.ToUpperInvariant() + "(" + ExprKey(b.Left) + "," + ExprKey(b.Right) + ")",
        SqlCall f => "F" + f.Name.ToUpperInvariant() + (f.Distinct ? " DISTINCT" : string.Empty) + (f.Star ? "*" : string.Empty) + "(" + string.Join(",", f.Arguments.Select(ExprKey)) + ")",
        SqlCase k => "CASE(" + ExprKey(k.Operand) + ";" + string.Join(";", k.Whens.Select(w => ExprKey(w.Condition) + "=>" + ExprKey(w.Result))) + ";" + ExprKey(k.Else) + ")",
        SqlCast c => "CAST(" + ExprKey(c.Operand) + " AS " + c.TypeName.ToUpperInvariant() + ")",
        SqlIsNull n => "ISNULL" + (n.Not ? "!" : string.Empty) + "(" + ExprKey(n.Operand) + ")",
        SqlBetween b => "BETWEEN" + (b.Not ? "!" : string.Empty) + "(" + ExprKey(b.Operand) + "," + ExprKey(b.Low) + "," + ExprKey(b.High) + ")",
        SqlIn i => "IN" + (i.Not ? "!" : string.Empty) + "(" + ExprKey(i.Operand) + ";" + string.Join(",", i.Values.Select(ExprKey)) + ")",
        SqlLike l => "LIKE" + (l.Not ? "!" : string.Empty) + "(" + ExprKey(l.Operand) + "," + ExprKey(l.Pattern) + "," + ExprKey(l.Escape) + ")",
        SqlInterval i => "INTERVAL(" + i.Value + " " + i.Unit + ")",
        _ => "#" + e.Span.Start.ToString(CultureInfo.InvariantCulture), // IN (SELECT ...): never the same as another
    };
}
