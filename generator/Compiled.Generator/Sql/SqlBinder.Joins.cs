using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Sql;

/// <summary>
/// A join of two tables on equal keys: each table's rows keyed by <see cref="LeftKey"/> and <see cref="RightKey"/> (C#
/// expressions over <see cref="SqlBinder.Row"/>, of type <see cref="KeyType"/>), grouped together per key and window (a
/// CoGroupByKey), then paired by <see cref="Body"/>, a block over <see cref="SqlBinder.Group"/> that emits each joined
/// row (a <c>KV</c> of the left and the right row, <see cref="RowType"/>) to <see cref="SqlBinder.Output"/>.
/// </summary>
internal sealed record SqlJoinPlan(int Right, string LeftName, string RightName, SqlJoinKind Kind, string KeyType, string LeftKey, string RightKey, string RowType, string Body, SqlSpan Span)
{
    /// <summary>ON has conditions beyond the key's equalities, checked on each pair in <see cref="Body"/>.</summary>
    public bool ChecksPairs { get; init; }
}

/// <summary>FROM: the tables, their columns, and joins.</summary>
internal sealed partial class SqlBinder
{
    /// <summary>The name of the emitter parameter of a join's pairing block.</summary>
    public const string Output = "output";

    /// <summary>
    /// A table the query reads: <see cref="Access"/> is how the translated code reaches its row (<c>row</c>, or
    /// <c>row.Key</c> and <c>row.Value</c> in a join's joined row); <see cref="Outer"/>: its columns may be NULL (the
    /// outer side of an outer join, or read through one).
    /// </summary>
    private sealed record Source(SqlTableSymbol Table, string? Alias, string Access, bool Outer)
    {
        /// <summary>What names the table in the query: its alias, or else its name.</summary>
        public string Name => Alias ?? Table.Name;

        /// <summary>Its own row may be missing: it was the outer side of its own join (a struct row is then <c>T?</c>).</summary>
        public bool Own { get; init; }

        /// <summary>Its path reads through rows that may be missing as a whole, with <c>?.</c> (<c>row.Key?.Value</c>).</summary>
        public bool Through { get; init; }
    }

    /// <summary>While binding a join condition: the tables each side reads.</summary>
    private HashSet<Source>? _referenced;

    /// <summary>A table's columns: its element type's public properties and fields, or a subquery's named items.</summary>
    private static List<(string Name, ISymbol Member)> SourceColumns(Source source) =>
        source.Table.ColumnNames is { } names
            ? names.Select((name, i) => (name, TupleItem((INamedTypeSymbol)source.Table.ElementType, i))).ToList()
            : Columns(source.Table.ElementType).Select(m => (m.Name, m)).ToList();

    /// <summary>
    /// Item <paramref name="index"/> (from 0) of a value tuple, as the field the code reads (Item1, Item2, ... Item8 in
    /// Rest); or of a record the generator declared for a query, its positional member.
    /// </summary>
    private static ISymbol TupleItem(INamedTypeSymbol tuple, int index) =>
        tuple.IsTupleType ? tuple.TupleElements[index]
        : tuple.IsRecord && tuple.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length > index && !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, tuple))) is { } constructor
            ? tuple.GetMembers(constructor.Parameters[index].Name).First()
            : tuple.GetMembers("Item1").Single();

    private SqlTableSymbol Table(SqlTableRef table) =>
        _tables.FirstOrDefault(t => t.Name == table.Name) ??
        _tables.FirstOrDefault(t => string.Equals(t.Name, table.Name, StringComparison.OrdinalIgnoreCase)) ??
        throw Fail("Unknown table '" + table.Name + "'" + Suggest(table.Name, _tables.Select(t => t.Name), "the query's tables are"), new SqlSpan(table.Span.Start, table.Name.Length));

    /// <summary>A column, qualified or not: unqualified, it must be in exactly one of the tables.</summary>
    private Typed ColumnOf(SqlColumn column)
    {
        var sources = column.Qualifier is null ? _sources : new List<Source> { SourceOf(column.Qualifier, column.Span) };
        var found = new List<(Source Source, ISymbol Member)>();
        foreach (var source in sources)
        {
            var columns = SourceColumns(source);
            var exact = columns.Where(c => c.Name == column.Name).ToList();
            var matches = exact.Count > 0 ? exact : columns.Where(c => string.Equals(c.Name, column.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count > 1)
            {
                Fail("Column '" + column.Name + "' is ambiguous: " + string.Join(", ", matches.Select(m => m.Name)) + " differ only in case; write it as declared, in double quotes", NameSpan(column));
            }

            if (matches.Count == 1)
            {
                found.Add((source, matches[0].Member));
            }
        }

        if (found.Count > 1)
        {
            Fail("Column '" + column.Name + "' is in " + string.Join(" and ", found.Select(f => "'" + f.Source.Name + "'")) + ": qualify it, as " + found[0].Source.Name + "." + column.Name, NameSpan(column));
        }

        if (found.Count == 0)
        {
            if (column.Qualifier is null && IsWindowColumn(column.Name))
            {
                return WindowBound(column.Name, null, column.Span); // Flink's window_start and window_end
            }

            if (column.Qualifier is null && column.Name.ToUpperInvariant() is "CURRENT_TIMESTAMP" or "CURRENT_DATE" or "CURRENT_TIME" or "LOCALTIMESTAMP" or "LOCALTIME")
            {
                throw Fail(NoClock(column.Name), NameSpan(column));
            }

            var names = sources.SelectMany(SourceColumns).Select(c => c.Name).Distinct().ToList();
            throw sources.Count == 1
                ? Fail("Unknown column '" + column.Name + "' in table '" + sources[0].Table.Name + "'" + Suggest(column.Name, names, "its columns are"), NameSpan(column))
                : Fail("Unknown column '" + column.Name + "' in tables " + string.Join(" and ", sources.Select(s => "'" + s.Table.Name + "'")) + Suggest(column.Name, names, "their columns are"), NameSpan(column));
        }

        _referenced?.Add(found[0].Source);
        return Column(found[0].Member, found[0].Source);
    }

    /// <summary>
    /// <c>a [INNER | LEFT | RIGHT | FULL [OUTER]] JOIN b ON a.x = b.y [AND ...] [JOIN c ON ...]</c>, as Beam SQL's
    /// equi-join (BeamCoGBKJoinRel), one step per JOIN from the left: the rows so far and the next table keyed by their
    /// side of the equalities and grouped together per key and window, then paired; an outer join keeps a row without
    /// a match once, with NULL in each of the other side's columns. Each step's rows are a KV of the rows so far and
    /// the next table's row, which the next step (or WHERE and SELECT) reads. <paramref name="where"/> holds WHERE's
    /// conjuncts: a table listed after a comma (<c>FROM a, b WHERE a.k = b.k</c>) takes from it the equalities between
    /// the tables listed so far and itself as its keys, which leave WHERE (for an inner join, a condition means the same
    /// in ON as in WHERE), so its rows pair by key rather than every row of a window with every row of the other table's.
    /// </summary>
    private List<SqlJoinPlan> BindJoins(SqlJoin join, List<SqlExpr> where)
    {
        var steps = new List<SqlJoin>();
        for (SqlFrom from = join; from is SqlJoin step; from = step.Left)
        {
            steps.Insert(0, step);
        }

        (SqlTableSymbol Table, string? Alias) Side(SqlFrom side) => side switch
        {
            SqlSubquery subquery => (BindSubquery(subquery), subquery.Alias),
            SqlTableRef table => (Table(table), table.Alias),
            _ => throw Fail(NotYet("A join whose right side is a join (a JOIN (b JOIN c))"), side.Span),
        };

        var (firstTable, firstAlias) = Side(steps[0].Left);
        var left = new List<Source> { new(firstTable, firstAlias, Row, false) }; // the rows so far, read from their own row
        var leftType = PipelineGenerator.Parser.Fq(firstTable.ElementType);
        var leftIsStruct = firstTable.ElementType.IsValueType;
        var plans = new List<SqlJoinPlan>();
        foreach (var step in steps)
        {
            var (rightTable, rightAlias) = Side(step.Right);
            var right = new Source(rightTable, rightAlias, Row, false);
            if (left.FirstOrDefault(s => string.Equals(s.Name, right.Name, StringComparison.OrdinalIgnoreCase)) is { } clash)
            {
                Fail("Two tables of the join are named '" + clash.Name + "': give each an alias (FROM t a JOIN t b ON ...)", step.Right.Span);
            }

            var leftOuter = step.Kind is SqlJoinKind.Right or SqlJoinKind.Full;
            var rightOuter = step.Kind is SqlJoinKind.Left or SqlJoinKind.Full;
            if (leftOuter && steps.TakeWhile(s => s != step).Any(s => s.Listed))
            {
                // SQL reads FROM a, b RIGHT JOIN c as a, (b RIGHT JOIN c): every row of a meets each of c's unmatched
                // rows, where a join of the list so far would keep them once, with NULLs for a (and none at all without a).
                Fail(NotYet("A RIGHT or FULL join after a list of tables in FROM (write the list as JOINs, or make the outer join a subquery)"), step.Span);
            }

            // The condition: equalities between the two sides, joined by AND, each side of each read from one side.
            var leftKeys = new List<(Typed Value, Kind Target)>();
            var rightKeys = new List<(Typed Value, Kind Target)>();
            var residual = new List<SqlExpr>();
            var conjuncts = Conjuncts(step.On).ToList();
            if (step.Listed)
            {
                for (var i = 0; i < where.Count; i++)
                {
                    // One that reads a table listed later, or a column that does not exist, stays in WHERE (and is bound,
                    // or reported, there).
                    if (where[i] is SqlBinary { Operator: "=" } equality && !ContainsAggregate(equality) && KeySides(equality, left, right) is not null)
                    {
                        conjuncts.Add(equality);
                        where.RemoveAt(i--);
                    }
                }
            }

            foreach (var conjunct in conjuncts)
            {
                if (conjunct is SqlLiteral { Kind: SqlLiteralKind.True })
                {
                    continue; // CROSS JOIN, or ON TRUE: no condition
                }

                // An equality of a value of each side pairs rows by key; any other condition (a.ts BETWEEN b.start AND
                // b.end, a.x <> b.y, a.kind = 'red') is checked on each pair of a key.
                if (conjunct is not SqlBinary { Operator: "=" } equality || KeySides(equality, left, right) is not { } sides)
                {
                    residual.Add(conjunct);
                    continue;
                }

                var ((first, firstIsLeft), (second, _)) = sides;

                var (l, r) = firstIsLeft ? (first, second) : (second, first);
                var target = KeyKind(l, r, equality, "This equality compares " + SqlType(l) + " with " + SqlType(r) + ": CAST one to the other's type");

                leftKeys.Add((l, target));
                rightKeys.Add((r, target));
            }

            // The other conditions bound first: a mistake in an equality (an unknown column) is reported as itself.
            var condition = residual.Count == 0 ? null : PairCondition(residual, left, right, leftOuter, rightOuter);
            // Without an equality between the tables (CROSS JOIN, ON a.x < b.y), every row of a window has one key, 0:
            // each row of one side meets every row of the other (a nested loop per window, as any engine's theta join),
            // and the conditions are checked on each pair. On the parallel runner the window's rows meet on one shard.
            var constantKey = leftKeys.Count == 0;

            // The key: the values of the equalities (one, or a tuple). Where one may be NULL, (0, key) for a row whose
            // values all have one, else (1, default) on the left and (2, default) on the right: NULL never equals
            // anything, so such a row meets no row of the other side (and an outer join keeps it unmatched).
            var symbols = leftKeys.Select(k => IsNumeric(k.Target) ? SymbolOf(new Typed(string.Empty, k.Target, false)) : Underlying(SymbolOf(k.Value))).ToList();
            var valueType = constantKey ? _compilation.GetSpecialType(SpecialType.System_Int32)
                : symbols.Count == 1 ? symbols[0] : _compilation.CreateTupleTypeSymbol(System.Collections.Immutable.ImmutableArray.CreateRange(symbols));
            var wrap = leftKeys.Concat(rightKeys).Any(k => k.Value.Nullable);
            var keyType = wrap
                ? _compilation.CreateTupleTypeSymbol(System.Collections.Immutable.ImmutableArray.Create(_compilation.GetSpecialType(SpecialType.System_Int32), valueType))
                : valueType;
            string Key(List<(Typed Value, Kind Target)> keys, string nullState)
            {
                if (constantKey)
                {
                    return "0";
                }

                var conditions = new List<string>();
                var values = new List<string>();
                foreach (var (value, target) in keys)
                {
                    var code = value.Code;
                    if (value.Nullable)
                    {
                        var name = "__j" + (++_temps).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        conditions.Add(value.Code + " is { } " + name);
                        code = name;
                    }

                    values.Add(IsNumeric(target) && value.Kind != target ? "(" + CSharpType(target) + ")(" + code + ")" : code);
                }

                var key = values.Count == 1 ? values[0] : "(" + string.Join(", ", values) + ")";
                if (!wrap)
                {
                    return key;
                }

                return conditions.Count == 0
                    ? "(0, " + key + ")"
                    : "(" + string.Join(" && ", conditions) + " ? (0, " + key + ") : (" + nullState + ", default(" + PipelineGenerator.Parser.Fq(valueType) + ")" + (valueType.IsValueType ? string.Empty : "!") + "))";
            }

            var rightType = PipelineGenerator.Parser.Fq(rightTable.ElementType);
            var rowType = "global::Compiled.KV<" + leftType + (leftOuter && leftIsStruct ? "?" : string.Empty) + ", " +
                rightType + (rightOuter && rightTable.ElementType.IsValueType ? "?" : string.Empty) + ">";
            var body = condition is null
                ? PairingBody(rowType, leftOuter, leftIsStruct, rightOuter, rightTable.ElementType.IsValueType)
                : CheckedPairingBody(rowType, leftOuter, leftIsStruct, rightOuter, rightTable.ElementType.IsValueType, condition);
            plans.Add(new SqlJoinPlan(rightTable.Index, string.Join(", ", left.Select(s => s.Name)), right.Name, step.Kind, PipelineGenerator.Parser.Fq(keyType),
                Key(leftKeys, "1"), Key(rightKeys, "2"), rowType, body, step.Span) { ChecksPairs = condition is not null });

            // The joined row is a KV of the rows so far (Key) and the new table's row (Value).
            left = left.Select(s => OnTheLeft(s, leftOuter)).ToList();
            left.Add(right with { Access = Row + ".Value", Outer = rightOuter, Own = rightOuter });
            leftType = rowType;
            leftIsStruct = true;
        }

        _sources = left;
        return plans;
    }

    /// <summary>
    /// A source of the rows so far, read from the joined row (<c>row.Key</c> and then its own path). When the rows so far
    /// are the outer side (a RIGHT or FULL join), its columns are NULL where no row matched; after another join those
    /// rows are a pair that may be missing as a whole, so the path reads through it with <c>?.</c>
    /// (<c>row.Key?.Value</c>): its columns read as NULL, as a missing table's own row does.
    /// </summary>
    private static Source OnTheLeft(Source source, bool leftOuter)
    {
        var path = source.Access.Substring(Row.Length);
        return path.Length == 0
            ? source with { Access = Row + ".Key", Outer = source.Outer || leftOuter, Own = source.Own || leftOuter }
            : source with { Access = Row + ".Key" + (leftOuter ? "?" : string.Empty) + path, Outer = source.Outer || leftOuter, Through = source.Through || leftOuter };
    }

    /// <summary>The block that pairs a key's rows of the two sides (a FlatMap's body), keeping unmatched rows of an outer side.</summary>
    private static string PairingBody(string rowType, bool leftOuter, bool leftIsStruct, bool rightOuter, bool rightIsStruct)
    {
        const string Statement = "            ";
        var body = new List<string>
        {
            "{",
            Statement + "var __left = " + Group + ".Value.First;",
            Statement + "var __right = " + Group + ".Value.Second;",
        };
        if (leftOuter)
        {
            // RIGHT or FULL JOIN: a right row without a left one is kept once, with NULL left columns.
            body.Add(Statement + "if (__left.Count == 0)");
            body.Add(Statement + "{");
            body.Add(Statement + "    for (var j = 0; j < __right.Count; j++)");
            body.Add(Statement + "    {");
            body.Add(Statement + "        " + Output + ".Emit(new " + rowType + "(" + (leftIsStruct ? "null" : "null!") + ", __right[j]));");
            body.Add(Statement + "    }");
            body.Add(string.Empty);
            body.Add(Statement + "    return;");
            body.Add(Statement + "}");
            body.Add(string.Empty);
        }

        body.Add(Statement + "for (var i = 0; i < __left.Count; i++)");
        body.Add(Statement + "{");
        if (rightOuter)
        {
            // LEFT or FULL JOIN: a left row without a right one is kept once, with NULL right columns.
            body.Add(Statement + "    if (__right.Count == 0)");
            body.Add(Statement + "    {");
            body.Add(Statement + "        " + Output + ".Emit(new " + rowType + "(__left[i], " + (rightIsStruct ? "null" : "null!") + "));");
            body.Add(Statement + "        continue;");
            body.Add(Statement + "    }");
            body.Add(string.Empty);
        }

        body.Add(Statement + "    for (var j = 0; j < __right.Count; j++)");
        body.Add(Statement + "    {");
        body.Add(Statement + "        " + Output + ".Emit(new " + rowType + "(__left[i], __right[j]));");
        body.Add(Statement + "    }");
        body.Add(Statement + "}");
        body.Add("        }");
        return string.Join("\n", body);
    }

    /// <summary>
    /// The two sides of a join's equality as keys (each bound over its own side's row), the first side first; null when
    /// the equality does not compare a value of each side (it reads one side only, or both, or none): it is then a
    /// condition on the pairs, and a mistake in it is reported when it is bound as one.
    /// </summary>
    private ((Typed Key, bool Left) First, (Typed Key, bool Left) Second)? KeySides(SqlBinary equality, List<Source> left, Source right)
    {
        var sources = _sources;
        try
        {
            var first = KeySide(equality.Left, left, right);
            var second = KeySide(equality.Right, left, right);
            return first.Left == second.Left ? null : (first, second);
        }
        catch (BindError)
        {
            return null;
        }
        finally
        {
            _sources = sources;
            _referenced = null;
        }
    }

    /// <summary>
    /// ON's conditions other than the key's equalities, over a pair of rows (the joined row, <c>row</c>, before an outer
    /// join's NULLs): a pair is joined only when they are true.
    /// </summary>
    private string PairCondition(List<SqlExpr> residual, List<Source> left, Source right, bool leftOuter, bool rightOuter)
    {
        var sources = _sources;
        try
        {
            // Read as the joined row is read (an outer side's columns through ?.): in a pair both rows are there.
            _sources = left.Select(s => OnTheLeft(s, leftOuter)).Append(right with { Access = Row + ".Value", Outer = rightOuter, Own = rightOuter }).ToList();
            foreach (var conjunct in residual)
            {
                if (ContainsAggregate(conjunct))
                {
                    Fail("A join's condition cannot hold an aggregate", conjunct.Span);
                }

                if (Bind(conjunct) is { Kind: not Kind.Bool } value)
                {
                    Fail("A join's ON needs conditions (BOOLEANs), not " + SqlType(value), conjunct.Span);
                }
            }

            return Conjunction(residual)!;
        }
        finally
        {
            _sources = sources;
        }
    }

    /// <summary>
    /// The pairing block of a join whose ON has conditions beyond its key: each pair of a key's rows is joined when
    /// <paramref name="condition"/> (over the pair, <c>row</c>) is true; an outer side's row that no pair of it passes is
    /// kept once, with NULL in the other side's columns.
    /// </summary>
    private static string CheckedPairingBody(string rowType, bool leftOuter, bool leftIsStruct, bool rightOuter, bool rightIsStruct, string condition)
    {
        const string Statement = "            ";
        var body = new List<string>
        {
            "{",
            Statement + "var __left = " + Group + ".Value.First;",
            Statement + "var __right = " + Group + ".Value.Second;",
        };
        if (leftOuter)
        {
            body.Add(Statement + "global::System.Span<bool> __rightJoined = __right.Count <= 256 ? stackalloc bool[__right.Count] : new bool[__right.Count];");
        }

        body.Add(Statement + "for (var i = 0; i < __left.Count; i++)");
        body.Add(Statement + "{");
        if (rightOuter)
        {
            body.Add(Statement + "    var __joined = false;");
        }

        body.Add(Statement + "    for (var j = 0; j < __right.Count; j++)");
        body.Add(Statement + "    {");
        body.Add(Statement + "        var " + Row + " = new " + rowType + "(__left[i], __right[j]);");
        body.Add(Statement + "        if (!(" + condition + "))");
        body.Add(Statement + "        {");
        body.Add(Statement + "            continue;");
        body.Add(Statement + "        }");
        body.Add(string.Empty);
        if (rightOuter)
        {
            body.Add(Statement + "        __joined = true;");
        }

        if (leftOuter)
        {
            body.Add(Statement + "        __rightJoined[j] = true;");
        }

        body.Add(Statement + "        " + Output + ".Emit(" + Row + ");");
        body.Add(Statement + "    }");
        if (rightOuter)
        {
            // LEFT or FULL JOIN: a left row that no pair joined is kept once, with NULL right columns.
            body.Add(string.Empty);
            body.Add(Statement + "    if (!__joined)");
            body.Add(Statement + "    {");
            body.Add(Statement + "        " + Output + ".Emit(new " + rowType + "(__left[i], " + (rightIsStruct ? "null" : "null!") + "));");
            body.Add(Statement + "    }");
        }

        body.Add(Statement + "}");
        if (leftOuter)
        {
            // RIGHT or FULL JOIN: a right row that no pair joined is kept once, with NULL left columns.
            body.Add(string.Empty);
            body.Add(Statement + "for (var j = 0; j < __right.Count; j++)");
            body.Add(Statement + "{");
            body.Add(Statement + "    if (!__rightJoined[j])");
            body.Add(Statement + "    {");
            body.Add(Statement + "        " + Output + ".Emit(new " + rowType + "(" + (leftIsStruct ? "null" : "null!") + ", __right[j]));");
            body.Add(Statement + "    }");
            body.Add(Statement + "}");
        }

        body.Add("        }");
        return string.Join("\n", body);
    }

    /// <summary>
    /// The type two values compared as keys are compared in: the wider of two numbers, else their one type; two values of
    /// different types fail with <paramref name="message"/> at <paramref name="where"/>.
    /// </summary>
    private Kind KeyKind(Typed a, Typed b, SqlExpr where, string message)
    {
        if (IsNumeric(a.Kind) && IsNumeric(b.Kind))
        {
            return Promote(a, b, where);
        }

        if (a.Kind != b.Kind || (a.Kind is Kind.Other or Kind.Timestamp && !SymbolEqualityComparer.Default.Equals(Underlying(SymbolOf(a)), Underlying(SymbolOf(b)))))
        {
            Fail(message, where.Span);
        }

        return a.Kind;
    }

    private static IEnumerable<SqlExpr> Conjuncts(SqlExpr expr) =>
        expr is SqlBinary { Operator: "AND" } and ? Conjuncts(and.Left).Concat(Conjuncts(and.Right)) : new[] { expr };

    /// <summary>
    /// One side of a join's equality: its key, bound over its side's own row (the rows so far, or the new table's), and
    /// whether it is the left side.
    /// </summary>
    private (Typed Key, bool Left) KeySide(SqlExpr expr, List<Source> left, Source right)
    {
        if (ContainsAggregate(expr))
        {
            Fail("A join's condition cannot hold an aggregate", expr.Span);
        }

        _sources = new List<Source>(left) { right };
        _referenced = new HashSet<Source>();
        Bind(expr);
        var read = _referenced.ToList();
        _referenced = null;
        if (read.Count == 0)
        {
            Fail("Each side of a join's equality reads a column of one table: this one reads none", expr.Span);
        }

        var isLeft = read.All(left.Contains);
        if (!isLeft && (read.Count != 1 || read[0] != right))
        {
            Fail("Each side of a join's equality reads one side of the join: this one reads both", expr.Span);
        }

        // Bound again over its side's own row, as the Map that keys that side reads it.
        _sources = isLeft ? left : new List<Source> { right };
        return (Bind(expr), isLeft);
    }
}
