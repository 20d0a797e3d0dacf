using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator.Sql;

/// <summary>GROUP BY, HAVING and the aggregates.</summary>
internal sealed partial class SqlBinder
{
    // ----- GROUP BY -----

    private SqlGrouping BindGrouping(SqlSelect select)
    {
        var keys = new List<(string RowCode, Typed Key)>();
        foreach (var expr in select.GroupBy)
        {
            if (IsWindowFunction(expr))
            {
                if (_window is not null)
                {
                    Fail("GROUP BY takes one window function, and this query has " + _window.Function + "(...) already", ((SqlCall)expr).NameSpan);
                }

                _window = BindWindow((SqlCall)expr);
                continue;
            }

            if (ContainsAggregate(expr))
            {
                Fail("GROUP BY cannot hold an aggregate", expr.Span);
            }

            var value = Bind(expr);
            if (value.Kind == Kind.Null)
            {
                Fail("Grouping by NULL groups nothing", expr.Span);
            }

            if (keys.Any(k => k.RowCode == value.Code))
            {
                Fail("This is grouped by already", expr.Span);
            }

            keys.Add((value.Code, value));
        }

        // No key (aggregates over the whole table, or GROUP BY a window function alone): one group per window, keyed 0.
        // A key that may be NULL is stored as (has a value, the value): NULLs make one group, as in SQL, and a map
        // (which takes no null key) holds it.
        var stored = keys.Select((k, i) => StoredKey(k.RowCode, k.Key, i)).ToList();
        var symbols = stored.Select(k => k.Symbol).ToList();
        var keyType = symbols.Count switch
        {
            0 => _compilation.GetSpecialType(SpecialType.System_Int32),
            1 => symbols[0],
            _ => _compilation.CreateTupleTypeSymbol(System.Collections.Immutable.ImmutableArray.CreateRange(symbols)),
        };
        var keyCode = keys.Count switch
        {
            0 => "0",
            1 => stored[0].Code,
            _ => "(" + string.Join(", ", stored.Select(k => k.Code)) + ")",
        };

        if (select.Items.Any(i => i.IsStar))
        {
            Fail("SELECT * with GROUP BY: name the grouped columns and the aggregates", select.Items.First(i => i.IsStar).Span);
        }

        // The aggregates are lifted into one combine function (as Beam and Flink lift a combine across the exchange), so a
        // group is an accumulator; COUNT(DISTINCT) does not combine, and then HAVING and SELECT each compute the
        // aggregates they read in a block of their own, over the group's rows.
        try
        {
            return BindGroupedClauses(select, keys, keyType, keyCode, lifted: true);
        }
        catch (NotLiftable)
        {
            return BindGroupedClauses(select, keys, keyType, keyCode, lifted: false);
        }
    }

    /// <summary>An aggregate that cannot be a combine function's (COUNT(DISTINCT)): the group keeps its rows.</summary>
    private sealed class NotLiftable : Exception
    {
    }

    private SqlGrouping BindGroupedClauses(SqlSelect select, List<(string RowCode, Typed Key)> keys, ITypeSymbol keyType, string keyCode, bool lifted)
    {
        var scope = NewScope(keys, lifted);
        string? having = null;
        if (select.Having is not null)
        {
            _group = scope;
            var condition = Bind(select.Having);
            if (condition.Kind != Kind.Bool)
            {
                Fail("HAVING needs a condition (a BOOLEAN), not " + SqlType(condition), select.Having.Span);
            }

            having = Block(condition.Nullable ? "(" + condition.Code + ") == true" : condition.Code);
        }

        // Lifted, HAVING and SELECT share the one accumulator; else each has its own block and loops.
        _group = lifted ? scope : NewScope(keys, lifted);
        _windowReadable = true;
        var row = Construct(select);
        _windowReadable = false;
        var body = Block(row);
        _group = null;
        SqlLift? lift = null;
        if (lifted)
        {
            var (accumulator, resolve) = Accumulator(scope, () => new NotLiftable());
            lift = new SqlLift(accumulator, resolve(string.Join("\n", scope.Add)), resolve(string.Join("\n", scope.Merge)));
            having = having is null ? null : resolve(having);
            body = resolve(body);
        }

        return new SqlGrouping(PipelineGenerator.Parser.Fq(keyType), keyCode, having, body) { Window = _window, ReadsWindow = _readsWindow, Lift = lift };
    }

    /// <summary>
    /// The accumulator of a scope's aggregates: a value tuple of their fields, of 2 to 7 items (which have coders, so
    /// shards exchange it and checkpoints write it): more fields nest in tuples of at most 7, a lone field gets a
    /// companion. Also what turns the fields' tokens into their names (Item2, or Item1.Item3 when nested).
    /// </summary>
    private static (string Type, Func<string, string> Resolve) Accumulator(GroupScope scope, Func<Exception> tooMany)
    {
        var fields = scope.Fields.Count;
        if (fields > 49)
        {
            throw tooMany();
        }

        var types = new List<string>(scope.Fields);
        while (types.Count < 2 || (types.Count > 7 && types.Count % 7 == 1))
        {
            types.Add("bool"); // unused: no tuple of one item
        }

        string Name(int field) => types.Count <= 7
            ? "Item" + (field + 1).ToString(CultureInfo.InvariantCulture)
            : "Item" + (field / 7 + 1).ToString(CultureInfo.InvariantCulture) + ".Item" + (field % 7 + 1).ToString(CultureInfo.InvariantCulture);
        string Resolve(string code)
        {
            for (var i = fields - 1; i >= 0; i--)
            {
                code = code.Replace(FieldToken(i), Name(i));
            }

            return code;
        }

        var type = types.Count <= 7
            ? "(" + string.Join(", ", types) + ")"
            : "(" + string.Join(", ", Enumerable.Range(0, (types.Count + 6) / 7).Select(c => "(" + string.Join(", ", types.Skip(c * 7).Take(7)) + ")")) + ")";
        return (type, Resolve);
    }

    /// <summary>A new field of a group's accumulator: a token that becomes its name (Item2, or Item1.Item3 when nested) once all are known.</summary>
    private static string Field(GroupScope scope, string type)
    {
        scope.Fields.Add(type);
        return FieldToken(scope.Fields.Count - 1);
    }

    private static string FieldToken(int field) => "\u0001" + field.ToString(CultureInfo.InvariantCulture) + "\u0001";

    /// <summary>A key as the map stores it: itself, or for one that may be NULL, (has a value, the value).</summary>
    private (string Code, ITypeSymbol Symbol) StoredKey(string rowCode, Typed key, int index)
    {
        var symbol = SymbolOf(key);
        if (!key.Nullable)
        {
            return (rowCode, symbol);
        }

        var value = Underlying(symbol);
        var name = "__g" + (index + 1).ToString(CultureInfo.InvariantCulture);
        var type = _compilation.CreateTupleTypeSymbol(System.Collections.Immutable.ImmutableArray.Create(_compilation.GetSpecialType(SpecialType.System_Boolean), value));
        var fq = PipelineGenerator.Parser.Fq(value);
        return ("(" + rowCode + " is { } " + name + " ? (true, " + name + ") : (false, default(" + fq + ")" + (value.IsValueType ? string.Empty : "!") + "))", type);
    }

    private GroupScope NewScope(List<(string RowCode, Typed Key)> keys, bool lifted)
    {
        var scope = new GroupScope { Lifted = lifted };
        for (var i = 0; i < keys.Count; i++)
        {
            var access = Group + ".Key" + (keys.Count == 1 ? string.Empty : ".Item" + (i + 1).ToString(CultureInfo.InvariantCulture));
            if (keys[i].Key.Nullable)
            {
                // Stored as (has a value, the value): read back as the value or NULL.
                var symbol = SymbolOf(keys[i].Key);
                access = "(" + access + ".Item1 ? " + (symbol.IsValueType ? "(" + PipelineGenerator.Parser.Fq(symbol) + ")" : string.Empty) + access + ".Item2 : null)";
            }

            scope.Keys.Add((keys[i].RowCode, keys[i].Key with { Code = access }));
        }

        return scope;
    }

    /// <summary>A block over the group: its rows, the aggregates' loops, then the result.</summary>
    private string Block(string result)
    {
        // Indented as the emitter writes a method body: the braces at the method's level, the statements one deeper.
        const string Statement = "            ";
        if (_group!.Lifted)
        {
            return result; // the aggregates are fields of the accumulator, kv.Value
        }

        var lines = new List<string> { "{", Statement + "var __rows = " + Group + ".Value;" };
        var scope = _group!;
        var resolve = (Func<string, string>)(code => code);
        if (scope.Fields.Count > 0)
        {
            // The aggregates that combine: the same accumulator as a lifted group's, filled by one loop over the rows.
            (var type, resolve) = Accumulator(scope, () => new BindError(new SqlDiagnostic("More than 24 aggregates in one clause are not supported yet", default)));
            lines.Add(Statement + "var a = global::Compiled.Sql.SqlFunctions.Empty<" + type + ">();");
            lines.Add(Statement + "foreach (var " + Row + " in __rows) { " + string.Join(" ", scope.Add) + " }");
        }

        lines.AddRange(scope.Statements.Select(statement => Statement + statement));
        lines.Add(Statement + "return " + result + ";");
        lines.Add("        }");
        return resolve(string.Join("\n", lines));
    }

    private bool ContainsAggregate(SqlExpr expr) => expr switch
    {
        SqlCall aggregate when IsAggregate(aggregate) => true,
        SqlCall call => call.Arguments.Any(ContainsAggregate),
        SqlUnary unary => ContainsAggregate(unary.Operand),
        SqlBinary binary => ContainsAggregate(binary.Left) || ContainsAggregate(binary.Right),
        SqlCase @case => (@case.Operand is not null && ContainsAggregate(@case.Operand)) || @case.Whens.Any(w => ContainsAggregate(w.Condition) || ContainsAggregate(w.Result)) || (@case.Else is not null && ContainsAggregate(@case.Else)),
        SqlCast cast => ContainsAggregate(cast.Operand),
        SqlIsNull isNull => ContainsAggregate(isNull.Operand),
        SqlBetween between => ContainsAggregate(between.Operand) || ContainsAggregate(between.Low) || ContainsAggregate(between.High),
        SqlIn @in => ContainsAggregate(@in.Operand) || @in.Values.Any(ContainsAggregate),
        SqlLike like => ContainsAggregate(like.Operand) || ContainsAggregate(like.Pattern),
        _ => false,
    };

    /// <summary>An expression over a group that is not an aggregate: a grouped expression, a constant, or one made of them.</summary>
    private Typed? GroupedValue(SqlExpr expr)
    {
        if (ContainsAggregate(expr))
        {
            return null;
        }

        var scope = _group!;
        _group = null;
        Typed value;
        try
        {
            value = Bind(expr);
        }
        finally
        {
            _group = scope;
        }

        foreach (var (rowCode, key) in scope.Keys)
        {
            if (rowCode == value.Code)
            {
                return key;
            }
        }

        if (expr is SqlLiteral || value.Code.StartsWith(Context + ".", StringComparison.Ordinal))
        {
            return value; // a constant, or the group's window
        }

        if (expr is SqlColumn column)
        {
            Fail("Column '" + column.Name + "' is neither in GROUP BY nor in an aggregate: a group has many of its values", NameSpan(column));
        }

        return null; // made of parts: each part is checked as the expression is bound
    }

    /// <summary>
    /// An aggregate over the group's rows, as Beam SQL's (BeamBuiltinAggregations): NULLs are skipped, and an aggregate
    /// of no values is NULL (COUNT is 0); COUNT is a BIGINT; SUM, MIN and MAX keep the argument's type (an INTEGER sum
    /// wraps as Java's int does, a BIGINT sum fails on overflow as Math.addExact does); AVG of integers is an integer (the
    /// sum divided by the count, truncated), of DOUBLEs a DOUBLE (the sum in row order divided by the count: Beam sums
    /// exactly in BigDecimal and rounds the mean to 10 significant digits, a documented difference); MIN and MAX of
    /// strings compare by UTF-16 code units, of DOUBLEs as Math.min and max (NaN wins).
    /// </summary>
    private Typed Aggregate(SqlCall call)
    {
        var scope = _group!;
        var n = (++_temps).ToString(CultureInfo.InvariantCulture);
        if (call.Star)
        {
            if (call.Name != "COUNT")
            {
                Fail(call.Name + "(*) has no meaning: name the column", call.Span);
            }

            if (scope.Lifted)
            {
                var rows = Field(scope, "long");
                scope.Add.Add("a." + rows + "++;");
                scope.Merge.Add("a." + rows + " += b." + rows + ";");
                return new Typed(Group + ".Value." + rows, Kind.Long, false);
            }

            return new Typed("(long)__rows.Count", Kind.Long, false);
        }

        if (call.Arguments.Count != 1)
        {
            Fail(call.Name + " takes one argument", call.Span);
        }

        if (ContainsAggregate(call.Arguments[0]))
        {
            Fail("An aggregate cannot hold another aggregate", call.Arguments[0].Span);
        }

        _group = null;
        Typed argument;
        try
        {
            argument = Bind(call.Arguments[0]);
        }
        finally
        {
            _group = scope;
        }

        if (UserFunction(call.Name) is { Method: null } userAggregate)
        {
            return UserAggregate(call, argument, userAggregate, scope, n);
        }

        if (argument.Kind is Kind.Null || (argument.Kind == Kind.Other && call.Name != "COUNT")) // COUNT counts values of any type
        {
            Fail(call.Name + " of " + SqlType(argument) + " is not supported", call.Arguments[0].Span);
        }

        if (call.Name == "COUNT" && call.Distinct)
        {
            if (scope.Lifted)
            {
                throw new NotLiftable(); // a set of values does not combine: the group keeps its rows
            }

            var value = "__v" + n;
            var read = argument.Nullable
                ? "if (" + argument.Code + " is not { } " + value + ") { continue; }"
                : "var " + value + " = " + argument.Code + ";";
            var set = "__set" + n;
            scope.Statements.Add("var " + set + " = new global::System.Collections.Generic.HashSet<" + PipelineGenerator.Parser.Fq(SymbolOf(argument with { Nullable = false })) + ">();");
            scope.Statements.Add("foreach (var " + Row + " in __rows) { " + read + " " + set + ".Add(" + value + "); }");
            return new Typed("(long)" + set + ".Count", Kind.Long, false);
        }

        // Every other aggregate is fields of the group's accumulator, lifted into the combine function or filled by
        // one loop over the group's rows.
        return LiftedAggregate(call, argument, scope, n);
    }
}
