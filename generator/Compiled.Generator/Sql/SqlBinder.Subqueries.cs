using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Compiled.Generator.Helpers;
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
        // Each SELECT of a UNION ALL bound on its own; the first names the columns and their types, the others fill
        // them by position (as in SQL), each value converted to the first's type.
        var shape = query.Selects.Count > 1 ? new UnionTuple() : null;
        var inners = query.Selects.Select(_ => new SqlBinder(_compilation, _tables, _functions, null) { _subqueries = _subqueries, _unionTuple = shape }).ToList();
        var bindings = query.Selects.Select((select, i) => inners[i].BindSelect(select)).ToList();
        var table = new SqlTableSymbol(subquery.Alias ?? "subquery", inners[0]._resultTuple!, _tables.Count + _subqueries.Count) { ColumnNames = inners[0]._resultColumns };

        // ORDER BY ... LIMIT n in a subquery: its table is the first n rows of each window (a top-n per window, as at the
        // top of a query), which the query around it reads.
        var ordering = inners[0].BindOrdering(query);
        _subqueries.Add(new SqlSubqueryBinding(table, bindings[0] with { Unioned = bindings.Skip(1).ToEquatableArray(), Ordering = ordering }));
        return table;
    }

    /// <summary>The columns of a subquery's UNION ALL, which its first SELECT sets and the others fill.</summary>
    private sealed class UnionTuple
    {
        public List<ITypeSymbol>? Types { get; set; }
    }

    private UnionTuple? _unionTuple;

    /// <summary>A row of a later SELECT of a subquery's UNION ALL: the first SELECT's tuple, each value converted to its column's type.</summary>
    private string ConstructUnionedTuple(List<(string Name, Typed Value, SqlSpan Span)> items, List<ITypeSymbol> types)
    {
        if (items.Count != types.Count)
        {
            Fail("This SELECT has " + items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " columns and the first has " +
                types.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": the SELECTs of a UNION ALL give the same columns", items.Count > 0 ? items[0].Span : default);
        }

        var values = items.Select((item, i) => Convert(item.Value, types[i], "column " + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + " of the first SELECT", item.Span)).ToList();
        _resultTuple = types.Count == 1
            ? _compilation.GetTypeByMetadataName("System.ValueTuple`1")!.Construct(types[0])
            : _compilation.CreateTupleTypeSymbol(ImmutableArray.CreateRange(types));
        return types.Count == 1 ? "new " + PipelineGenerator.Parser.Fq(_resultTuple) + "(" + values[0] + ")" : "(" + string.Join(", ", values) + ")";
    }

    /// <summary>A subquery's row: a value tuple of its columns' values, in order.</summary>
    private string ConstructTuple(List<Typed> values)
    {
        var symbols = values.Select(SymbolOf).ToList();
        if (_unionTuple is not null)
        {
            _unionTuple.Types = symbols; // the first SELECT of a UNION ALL: the others fill these columns
        }

        if (symbols.Count == 1)
        {
            _resultTuple = _compilation.GetTypeByMetadataName("System.ValueTuple`1")!.Construct(symbols[0]);
            return "new " + PipelineGenerator.Parser.Fq(_resultTuple) + "(" + values[0].Code + ")";
        }

        _resultTuple = _compilation.CreateTupleTypeSymbol(ImmutableArray.CreateRange(symbols));
        return "(" + string.Join(", ", values.Select(v => v.Code)) + ")";
    }
}
