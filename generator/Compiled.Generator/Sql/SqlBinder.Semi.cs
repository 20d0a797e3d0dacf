using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Sql;

/// <summary>
/// <c>WHERE x [NOT] IN (SELECT y FROM ...)</c>, a semi-join (an anti-join for NOT IN): the rows so far keyed by
/// <see cref="RowKey"/> (after <see cref="RowFilter"/>, which drops a row whose value is NULL: it is in nothing), the
/// subquery's rows (table <see cref="Table"/>) keyed by <see cref="SubqueryKey"/> (after <see cref="SubqueryFilter"/>),
/// grouped together per key and window, and each row kept once when its key has a subquery row (IN) or none (NOT IN),
/// by <see cref="Body"/>, a block over <see cref="SqlBinder.Group"/>.
/// </summary>
internal sealed record SqlSemiJoinPlan(int Table, bool Not, string KeyType, string? RowFilter, string RowKey, string? SubqueryFilter, string SubqueryKey, string Body, SqlSpan Span)
{
    /// <summary>How the plan names it: IN or NOT IN, EXISTS or NOT EXISTS.</summary>
    public string What { get; init; } = Not ? "NOT IN" : "IN";
}

/// <summary>IN and NOT IN over a subquery; EXISTS and NOT EXISTS.</summary>
internal sealed partial class SqlBinder
{
    /// <summary>
    /// WHERE's conjuncts that are <c>IN (SELECT ...)</c>, each a semi-join of the rows so far; the others, the condition
    /// that filters the rows after them (null: none).
    /// </summary>
    private (List<SqlSemiJoinPlan> Semis, string? Where) BindWhere(SqlExpr where)
    {
        var semis = new List<SqlSemiJoinPlan>();
        var rest = new List<SqlExpr>();
        foreach (var conjunct in Conjuncts(where))
        {
            if (conjunct is SqlInQuery inQuery)
            {
                semis.Add(BindSemiJoin(inQuery));
                continue;
            }

            if (conjunct is SqlExists exists)
            {
                semis.Add(BindExists(exists));
                continue;
            }

            var condition = Bind(conjunct);
            if (condition.Kind != Kind.Bool)
            {
                Fail("WHERE needs a condition (a BOOLEAN), not " + SqlType(condition), conjunct.Span);
            }

            rest.Add(conjunct);
        }

        return (semis, Conjunction(rest));
    }

    private SqlSemiJoinPlan BindSemiJoin(SqlInQuery inQuery)
    {
        var operand = Bind(inQuery.Operand);
        var table = BindSubquery(new SqlSubquery(inQuery.Query, "in", inQuery.QuerySpan));
        if (table.ColumnNames!.Count != 1)
        {
            Fail("The subquery of IN selects one column, the values to look for; this one selects " + table.ColumnNames.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), inQuery.QuerySpan);
        }

        var value = Column(TupleItem((INamedTypeSymbol)table.ElementType, 0), new Source(table, null, Row, false));
        var target = KeyKind(operand, value, inQuery, "This IN looks for " + SqlType(operand) + " among " + SqlType(value) + ": CAST one to the other's type");

        if (operand.Kind is Kind.Null)
        {
            Fail("NULL is in nothing: this IN is never true", inQuery.Operand.Span);
        }

        if (inQuery.Not && (operand.Nullable || value.Nullable))
        {
            // SQL's NOT IN is unknown, not true, for every row once the subquery has a NULL, and for a NULL value when
            // the subquery has rows: an anti-join cannot see that per key.
            Fail("NOT IN (SELECT ...) where a value may be NULL is not supported: SQL's NOT IN is unknown for every row once the subquery has a NULL; " +
                "filter the NULLs out on both sides (WHERE x IS NOT NULL)", inQuery.Span);
        }

        var keyType = IsNumeric(target) ? CSharpType(target) : PipelineGenerator.Parser.Fq(Underlying(SymbolOf(operand)));
        return new SqlSemiJoinPlan(
            table.Index, inQuery.Not, keyType, operand.Nullable ? "(" + operand.Code + ") is not null" : null, KeyValue(operand, target),
            value.Nullable ? "(" + value.Code + ") is not null" : null, KeyValue(value, target), SemiBody(inQuery.Not), inQuery.Span);
    }

    /// <summary>
    /// A value as a semi-join's key holds it: one that may be NULL read as its underlying type (the filter before the key
    /// has dropped the NULLs), and a number converted to the key's type.
    /// </summary>
    private string KeyValue(Typed value, Kind target)
    {
        var code = value.Code;
        if (value.Nullable)
        {
            var type = Underlying(SymbolOf(value));
            code = type.IsValueType ? "(" + code + ").GetValueOrDefault()" : "((" + code + "))!"; // doubled: (a.b)! would read as a cast
        }

        return IsNumeric(target) && value.Kind != target ? "((" + CSharpType(target) + ")" + code + ")" : code;
    }

    /// <summary>The block over a key's group that keeps its rows once when the subquery has rows of that key (or, negated, none).</summary>
    private static string SemiBody(bool not)
    {
        const string Statement = "            ";
        return string.Join("\n", new[]
        {
            "{",
            Statement + "var __rows = " + Group + ".Value.First;",
            Statement + "if (" + Group + ".Value.Second.Count " + (not ? "==" : ">") + " 0)",
            Statement + "{",
            Statement + "    for (var i = 0; i < __rows.Count; i++)",
            Statement + "    {",
            Statement + "        " + Output + ".Emit(__rows[i]);",
            Statement + "    }",
            Statement + "}",
            "        }",
        });
    }
}
