using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Sql;

/// <summary>Subqueries in FROM: each bound on its own, its rows a value tuple of its columns, then read as a table.</summary>
internal sealed partial class SqlBinder
{
    /// <summary>The subqueries bound so far, shared by the binders of one query (inner ones first).</summary>
    private List<SqlSubqueryBinding> _subqueries = new();

    /// <summary>For a subquery: the value tuple its rows are.</summary>
    private ITypeSymbol? _resultTuple;

    /// <summary>
    /// <c>FROM (SELECT ...) [AS] alias</c>: the inner query is bound (and later built) on its own; its rows are a value
    /// tuple of its columns, which the query around it reads by the inner query's column names.
    /// </summary>
    private SqlTableSymbol BindSubquery(SqlSubquery subquery)
    {
        var query = subquery.Query;
        if (query.Selects.Count > 1 || query.OrderBy.Count > 0 || query.Limit is not null)
        {
            Fail(NotYet(query.Selects.Count > 1 ? "UNION ALL in a subquery" : "ORDER BY or LIMIT in a subquery"), subquery.Span);
        }

        var inner = new SqlBinder(_compilation, _tables, _functions, null) { _subqueries = _subqueries };
        var binding = inner.BindSelect(query.Selects[0]);
        var table = new SqlTableSymbol(subquery.Alias ?? "subquery", inner._resultTuple!, _tables.Count + _subqueries.Count) { ColumnNames = inner._resultColumns };
        _subqueries.Add(new SqlSubqueryBinding(table, binding));
        return table;
    }

    /// <summary>A subquery's row: a value tuple of its columns' values, in order.</summary>
    private string ConstructTuple(List<Typed> values)
    {
        var symbols = values.Select(SymbolOf).ToList();
        if (symbols.Count == 1)
        {
            _resultTuple = _compilation.GetTypeByMetadataName("System.ValueTuple`1")!.Construct(symbols[0]);
            return "new " + PipelineGenerator.Parser.Fq(_resultTuple) + "(" + values[0].Code + ")";
        }

        _resultTuple = _compilation.CreateTupleTypeSymbol(ImmutableArray.CreateRange(symbols));
        return "(" + string.Join(", ", values.Select(v => v.Code)) + ")";
    }
}
