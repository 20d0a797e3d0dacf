using System.Linq;
using Compiled.Generator.Helpers;

namespace Compiled.Generator.Sql;

/// <summary>SELECT DISTINCT: one row per distinct combination of the selected values (of each window).</summary>
internal sealed partial class SqlBinder
{
    /// <summary>
    /// <c>SELECT DISTINCT a, b ...</c> is <c>SELECT a, b ... GROUP BY a, b</c>, as Calcite plans it under Beam SQL: one
    /// row per distinct combination of the values in each window (NULLs equal to each other here, as DISTINCT takes them).
    /// Over a grouped query (<c>SELECT DISTINCT COUNT(*) AS n ... GROUP BY team</c>) the query becomes a subquery, and its
    /// rows are grouped by every column.
    /// </summary>
    private SqlSelect Distinct(SqlSelect select)
    {
        if (select.Items.FirstOrDefault(i => i.IsStar) is { } star)
        {
            Fail(NotYet("SELECT DISTINCT * (name the columns)"), star.Span);
        }

        var grouped = select.GroupBy.Count > 0 || select.Having is not null || select.Items.Any(i => ContainsAggregate(i.Expr!));
        if (!grouped)
        {
            // A constant is the same in every row: the other values decide what is distinct.
            var keys = select.Items.Select(i => i.Expr!).Where(e => e is not SqlLiteral).ToList();
            if (keys.Count == 0)
            {
                Fail(NotYet("SELECT DISTINCT of constants only"), select.Items[0].Span);
            }

            return select with { Distinct = false, GroupBy = keys.ToEquatableArray() };
        }

        // Over groups: the grouped query is a subquery whose columns are its items' names, grouped again by all of them.
        var names = select.Items.Select(i => i.Alias ?? (i.Expr as SqlColumn)?.Name).ToList();
        var unnamed = names.IndexOf(null);
        if (unnamed >= 0)
        {
            Fail("Name this column with AS: SELECT DISTINCT over groups reads the grouped rows by their columns' names", select.Items[unnamed].Span);
        }

        const string Alias = "__distinct";
        var inner = select with { Distinct = false };
        var columns = names.Select((n, i) => (SqlExpr)new SqlColumn(Alias, n!, select.Items[i].Span)).ToList();
        return select with
        {
            Distinct = false,
            Items = columns.Select((c, i) => new SqlSelectItem(c, names[i], null, select.Items[i].Span)).ToEquatableArray(),
            From = new SqlSubquery(new SqlQuery(new[] { inner }.ToEquatableArray(), EquatableArray<SqlOrderItem>.Empty, null, select.Span), Alias, select.Span),
            Where = null,
            GroupBy = columns.ToEquatableArray(),
            Having = null,
        };
    }
}
