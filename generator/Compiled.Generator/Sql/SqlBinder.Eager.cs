using System.Collections.Generic;
using System.Linq;

namespace Compiled.Generator.Sql;

/// <summary>
/// A grouped join whose aggregates read one side only, planned with that side aggregated before the join (Calcite's
/// AggregateJoinTransposeRule, "eager aggregation"): that side's rows are combined per join key (and filtered first by
/// the conjuncts of WHERE that read it), so the join pairs one accumulator per key instead of every row; each joined
/// pair then merges its accumulator into its group of the other side's columns. A key's accumulator met by k rows of
/// the other side is merged k times, as its k rows would have been added k times: the result is the same for every
/// aggregate that combines (COUNT, SUM, AVG, MIN, MAX, a C# combine function), and COUNT(DISTINCT), which does not,
/// keeps the plain plan.
/// </summary>
/// <param name="AggregatesLeft">Whether the aggregated side is the join's left table (else its right).</param>
/// <param name="PreWhere">WHERE's conjuncts that read the aggregated side, over its row; null: none.</param>
/// <param name="PostWhere">WHERE's other conjuncts, over the joined row; null: none.</param>
/// <param name="AggregatedKey">The join key over the aggregated side's row.</param>
/// <param name="OtherKey">The join key over the other side's row.</param>
/// <param name="PreLift">The combine function that aggregates the aggregated side per join key.</param>
/// <param name="RowType">The joined row: a KV of the accumulator and the other side's row, in the join's order.</param>
/// <param name="Body">The pairing block (as a join's), over the group of both sides' values for a key.</param>
/// <param name="Grouping">The grouping of the joined rows, whose combine function merges each row's accumulator.</param>
internal sealed record SqlEagerAggregation(
    bool AggregatesLeft, string? PreWhere, string? PostWhere, string AggregatedKey, string OtherKey, SqlLift PreLift, string RowType, string Body, SqlGrouping Grouping);

/// <summary>Eager aggregation: a grouped join's aggregates computed on their side before the join.</summary>
internal sealed partial class SqlBinder
{
    /// <summary>
    /// The eager plan of a grouped join of two tables (<paramref name="grouping"/> already bound over the joined rows),
    /// or null where it does not apply: an aggregate that does not combine, a window function in GROUP BY (rows are
    /// re-timed after the join), aggregates reading both sides, grouped columns or a WHERE conjunct reading both, an
    /// outer join that keeps the other side's unmatched rows, or an ON with conditions beyond its key (checked per pair).
    /// </summary>
    private SqlEagerAggregation? BindEagerAggregation(SqlSelect select, SqlJoinPlan join, SqlGrouping grouping)
    {
        if (grouping.Lift is null || grouping.Window is not null || _sources.Count != 2 || join.ChecksPairs)
        {
            return null;
        }

        var (left, right) = (_sources[0], _sources[1]);
        var inside = new List<SqlColumn>();
        var outside = new List<SqlColumn>();
        foreach (var item in select.Items)
        {
            CollectColumns(item.Expr, false, inside, outside);
        }

        foreach (var key in select.GroupBy)
        {
            CollectColumns(key, false, inside, outside);
        }

        CollectColumns(select.Having, false, inside, outside);
        var aggregated = SourcesRead(inside);
        var grouped = SourcesRead(outside);
        if (aggregated.Count > 1 || grouped.Count > 1)
        {
            return null;
        }

        var a = aggregated.Count == 1 ? aggregated.Single() : grouped.Contains(left) ? right : left;
        if (grouped.Contains(a))
        {
            return null;
        }

        var aggregatesLeft = a == left;
        var b = aggregatesLeft ? right : left;
        if (aggregatesLeft ? join.Kind is not (SqlJoinKind.Inner or SqlJoinKind.Left) : join.Kind is not (SqlJoinKind.Inner or SqlJoinKind.Right))
        {
            return null; // the other side's unmatched rows would each be a row of NULL aggregated columns
        }

        // WHERE's conjuncts: those that read the aggregated side filter its rows before they are combined, the others
        // filter the joined rows, as they did.
        var before = new List<SqlExpr>();
        var after = new List<SqlExpr>();
        foreach (var conjunct in select.Where is null ? Enumerable.Empty<SqlExpr>() : Conjuncts(select.Where))
        {
            var columns = new List<SqlColumn>();
            CollectColumns(conjunct, false, columns, columns);
            var read = SourcesRead(columns);
            if (read.Count > 1)
            {
                return null;
            }

            (read.Contains(a) ? before : after).Add(conjunct);
        }

        // Bound again: the aggregates over the aggregated side's own row (the combine function before the join), the
        // rest over the joined row, where that side is the accumulator.
        var saved = _sources;
        var rowOfA = a with { Access = Row };
        var rowOfB = b with { Access = Row + (aggregatesLeft ? ".Value" : ".Key") };
        SqlGrouping rebound;
        string? preWhere, postWhere;
        try
        {
            _sources = aggregatesLeft ? new List<Source> { rowOfA, rowOfB } : new List<Source> { rowOfB, rowOfA };
            preWhere = Conjunction(before);
            postWhere = Conjunction(after);
            rebound = BindGrouping(select);
        }
        finally
        {
            _sources = saved;
        }

        if (rebound.Lift is not { } lift)
        {
            return null;
        }

        var otherType = PipelineGenerator.Parser.Fq(b.Table.ElementType) + (b.Outer && b.Table.ElementType.IsValueType ? "?" : string.Empty);
        var rowType = "global::Compiled.KV<" + (aggregatesLeft ? lift.AccumulatorType + ", " + otherType : otherType + ", " + lift.AccumulatorType) + ">";
        var body = aggregatesLeft
            ? PairingBody(rowType, false, true, join.Kind == SqlJoinKind.Left, b.Table.ElementType.IsValueType)
            : PairingBody(rowType, join.Kind == SqlJoinKind.Right, b.Table.ElementType.IsValueType, false, true);
        var merge = lift with { AddBody = "var b = " + Row + (aggregatesLeft ? ".Key" : ".Value") + ";\n" + lift.MergeBody };
        return new SqlEagerAggregation(
            aggregatesLeft, preWhere, postWhere, aggregatesLeft ? join.LeftKey : join.RightKey, aggregatesLeft ? join.RightKey : join.LeftKey, lift, rowType, body, rebound with { Lift = merge });
    }

    /// <summary>WHERE's conjuncts as one condition (a row passes when each is true), or null for none.</summary>
    private string? Conjunction(List<SqlExpr> conjuncts) => conjuncts.Count == 0
        ? null
        : string.Join(" && ", conjuncts.Select(c => Bind(c) is var condition && condition.Nullable ? "(" + condition.Code + ") == true" : "(" + condition.Code + ")"));

    /// <summary>The columns an expression reads, inside an aggregate's arguments or outside any.</summary>
    private void CollectColumns(SqlExpr? expr, bool inAggregate, List<SqlColumn> inside, List<SqlColumn> outside)
    {
        void Each(SqlExpr? e) => CollectColumns(e, inAggregate, inside, outside);
        switch (expr)
        {
            case SqlColumn column:
                (inAggregate ? inside : outside).Add(column);
                break;
            case SqlCall call:
                foreach (var argument in call.Arguments)
                {
                    CollectColumns(argument, inAggregate || IsAggregate(call), inside, outside);
                }

                break;
            case SqlUnary unary:
                Each(unary.Operand);
                break;
            case SqlBinary binary:
                Each(binary.Left);
                Each(binary.Right);
                break;
            case SqlCase @case:
                Each(@case.Operand);
                foreach (var when in @case.Whens)
                {
                    Each(when.Condition);
                    Each(when.Result);
                }

                Each(@case.Else);
                break;
            case SqlCast cast:
                Each(cast.Operand);
                break;
            case SqlIsNull isNull:
                Each(isNull.Operand);
                break;
            case SqlBetween between:
                Each(between.Operand);
                Each(between.Low);
                Each(between.High);
                break;
            case SqlIn @in:
                Each(@in.Operand);
                foreach (var value in @in.Values)
                {
                    Each(value);
                }

                break;
            case SqlLike like:
                Each(like.Operand);
                Each(like.Pattern);
                break;
        }
    }

    /// <summary>The tables that columns (of a query that bound) belong to; a window column (window_start) belongs to none.</summary>
    private HashSet<Source> SourcesRead(List<SqlColumn> columns)
    {
        var read = new HashSet<Source>();
        foreach (var column in columns)
        {
            foreach (var source in _sources)
            {
                if (column.Qualifier is { } qualifier
                    ? string.Equals(source.Name, qualifier, System.StringComparison.OrdinalIgnoreCase)
                    : SourceColumns(source).Any(c => string.Equals(c.Name, column.Name, System.StringComparison.OrdinalIgnoreCase)))
                {
                    read.Add(source);
                }
            }
        }

        return read;
    }
}
