using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator.Sql;

/// <summary>Expressions: operators, predicates, CASE, CAST and functions, with SQL's types and NULL rules.</summary>
internal sealed partial class SqlBinder
{
    // ----- expressions -----

    private Typed Bind(SqlExpr expr)
    {
        if (_group is not null)
        {
            if (expr is SqlCall aggregate && IsAggregate(aggregate))
            {
                return Aggregate(aggregate);
            }

            if (GroupedValue(expr) is { } grouped)
            {
                return grouped;
            }
        }

        switch (expr)
        {
            case SqlLiteral literal:
                return Literal(literal);
            case SqlColumn column:
                return ColumnOf(column);

            case SqlUnary { Operator: "NOT" } not:
                return Not(Condition(not.Operand, "NOT"));

            case SqlUnary unary:
                {
                    var operand = Numeric(Bind(unary.Operand), unary.Operator, unary.Operand.Span);
                    return unary.Operator == "+" ? operand : operand with { Code = Wrap("(-" + operand.Code + ")", operand.Kind) };
                }

            case SqlBinary { Operator: "AND" or "OR" } logic:
                {
                    var left = Condition(logic.Left, logic.Operator);
                    var right = Condition(logic.Right, logic.Operator);
                    return logic.Operator == "AND" ? And(left, right) : Or(left, right);
                }

            case SqlBinary { Operator: "=" or "<>" or "<" or "<=" or ">" or ">=" } comparison:
                return Compare(Bind(comparison.Left), comparison.Operator, Bind(comparison.Right), comparison);
            case SqlBinary { Operator: "||" } concat:
                {
                    var left = Bind(concat.Left);
                    var right = Bind(concat.Right);
                    foreach (var (side, span) in new[] { (left, concat.Left.Span), (right, concat.Right.Span) })
                    {
                        if (side.Kind != Kind.String)
                        {
                            Fail("|| joins strings (VARCHAR), not " + SqlType(side) + ": CAST it to VARCHAR", span);
                        }
                    }

                    return Lift(new[] { left, right }, values => "string.Concat(" + values[0] + ", " + values[1] + ")", Kind.String);
                }

            case SqlBinary { Operator: "+" or "-" } shift when shift.Right is SqlInterval || (shift.Left is SqlInterval && shift.Operator == "+"):
                return ShiftTime(shift);

            case SqlBinary arithmetic:
                return Arithmetic(
                    Numeric(Bind(arithmetic.Left), arithmetic.Operator, arithmetic.Left.Span),
                    arithmetic.Operator,
                    Numeric(Bind(arithmetic.Right), arithmetic.Operator, arithmetic.Right.Span),
                    arithmetic);

            case SqlIsNull isNull:
                {
                    var operand = Bind(isNull.Operand);
                    if (operand.Kind == Kind.Null)
                    {
                        return new Typed(isNull.Not ? "false" : "true", Kind.Bool, false);
                    }

                    // A value that cannot be null is never NULL (and C# rejects 'is null' on it).
                    return new Typed(!operand.Nullable ? (isNull.Not ? "true" : "false") : "(" + operand.Code + (isNull.Not ? " is not null)" : " is null)"), Kind.Bool, false);
                }

            case SqlBetween between:
                {
                    var operand = Bind(between.Operand);
                    var range = And(Compare(operand, ">=", Bind(between.Low), between), Compare(operand, "<=", Bind(between.High), between));
                    return between.Not ? Not(range) : range;
                }

            case SqlIn @in:
                {
                    var operand = Bind(@in.Operand);
                    var any = Compare(operand, "=", Bind(@in.Values[0]), @in);
                    foreach (var value in @in.Values.Skip(1))
                    {
                        any = Or(any, Compare(operand, "=", Bind(value), @in));
                    }

                    return @in.Not ? Not(any) : any;
                }

            case SqlCase @case:
                return Case(@case);
            case SqlCast cast:
                return Cast(cast);
            case SqlCall call:
                return Call(call);
            case SqlLike like:
                {
                    var operand = Bind(like.Operand);
                    var pattern = Bind(like.Pattern);
                    foreach (var (side, span) in new[] { (operand, like.Operand.Span), (pattern, like.Pattern.Span) })
                    {
                        if (side.Kind != Kind.String)
                        {
                            Fail("LIKE matches strings (VARCHAR), not " + SqlType(side), span);
                        }
                    }

                    var escape = like.Escape?.Text[0];
                    var escapeArgument = escape is { } e ? ", " + SymbolDisplay.FormatLiteral(e, quote: true) : string.Empty;
                    var match = like.Pattern is SqlLiteral { Kind: SqlLiteralKind.String } literal
                        ? LikeLiteral(literal.Text, escape, like.Pattern.Span)
                        : (Func<string[], string>)(v => "global::Compiled.Sql.SqlFunctions.Like(" + v[0] + ", " + v[1] + escapeArgument + ")");
                    var matched = Lift(new[] { operand, pattern }, match, Kind.Bool);
                    return like.Not ? Not(matched) : matched;
                }
            case SqlInQuery inQuery:
                throw Fail("IN (SELECT ...) is a condition of WHERE, joined to the others by AND (not under OR or NOT, nor in SELECT, HAVING or ON)", inQuery.Span);
            case SqlScalarSubquery scalar:
                throw Fail("A scalar subquery (SELECT ...) is a value of WHERE, or of SELECT without GROUP BY", scalar.Span);
            case SqlExists exists:
                throw Fail("EXISTS (SELECT ...) is a condition of WHERE, joined to the others by AND (not under OR, nor in SELECT, HAVING or ON)", exists.Span);
            case SqlInterval interval:
                throw Fail("An INTERVAL is added to or taken from a timestamp (ts + INTERVAL '1' HOUR), or is the size, slide or gap of a window function in GROUP BY: TUMBLE(ts, INTERVAL '1' MINUTE)", interval.Span);
            default:
                throw Fail("This expression is not supported yet", expr.Span);
        }
    }

    /// <summary>
    /// A LIKE whose pattern is known at build time: a prefix, a suffix, a substring or the whole value (no <c>_</c>, and
    /// <c>%</c> only at the ends) is compiled to an ordinal StartsWith, EndsWith, Contains or equality; any other pattern
    /// is matched by <c>SqlFunctions.Like</c>.
    /// </summary>
    private static Func<string[], string> LikeLiteral(string pattern, char? escape, SqlSpan span)
    {
        // The pattern as characters, each plain or a wildcard; an escape makes the next %, _ or itself plain (Calcite's rule).
        var tokens = new List<(char Char, bool Wildcard)>();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (escape is { } e && pattern[i] == e)
            {
                if (i + 1 == pattern.Length || pattern[i + 1] is not ('%' or '_') && pattern[i + 1] != e)
                {
                    throw Fail("In this LIKE pattern, the escape '" + e + "' must be followed by %, _ or itself", span);
                }

                tokens.Add((pattern[++i], false));
                continue;
            }

            tokens.Add((pattern[i], pattern[i] is '%' or '_'));
        }

        var escapeArgument = escape is { } c ? ", " + SymbolDisplay.FormatLiteral(c, quote: true) : string.Empty;
        var leading = tokens.Count > 0 && tokens[0] is ('%', true);
        var trailing = tokens.Count > (leading ? 1 : 0) && tokens[tokens.Count - 1] is ('%', true);
        var core = tokens.Skip(leading ? 1 : 0).Take(tokens.Count - (leading ? 1 : 0) - (trailing ? 1 : 0)).ToList();
        if (core.Any(t => t.Wildcard))
        {
            return v => "global::Compiled.Sql.SqlFunctions.Like(" + v[0] + ", " + v[1] + escapeArgument + ")";
        }

        var text = SymbolDisplay.FormatLiteral(new string(core.Select(t => t.Char).ToArray()), quote: true);
        return (leading, trailing) switch
        {
            (false, false) => v => "(" + v[0] + " == " + text + ")",
            (false, true) => v => v[0] + ".StartsWith(" + text + ", global::System.StringComparison.Ordinal)",
            (true, false) => v => v[0] + ".EndsWith(" + text + ", global::System.StringComparison.Ordinal)",
            _ => v => v[0] + ".Contains(" + text + ", global::System.StringComparison.Ordinal)",
        };
    }

    private ISymbol? Single(List<ISymbol> matches, SqlColumn column) =>
        matches.Count <= 1 ? matches.FirstOrDefault() : throw Fail("Column '" + column.Name + "' is ambiguous: " + string.Join(", ", matches.Select(m => m.Name)) + " differ only in case; write it as declared, in double quotes", NameSpan(column));

    /// <summary>The column's name without its qualifier (<c>t.</c>), where it has one.</summary>
    private static SqlSpan NameSpan(SqlColumn column) => column.Qualifier is null
        ? column.Span
        : new SqlSpan(column.Span.Start + column.Qualifier.Length + 1, Math.Max(0, column.Span.Length - column.Qualifier.Length - 1));

    private Typed Literal(SqlLiteral literal)
    {
        switch (literal.Kind)
        {
            case SqlLiteralKind.Integer:
                if (!long.TryParse(literal.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
                {
                    throw Fail("This integer does not fit a BIGINT (64 bits)", literal.Span);
                }

                return integer <= int.MaxValue ? new Typed(integer.ToString(CultureInfo.InvariantCulture), Kind.Int, false) : new Typed(integer.ToString(CultureInfo.InvariantCulture) + "L", Kind.Long, false);
            case SqlLiteralKind.Decimal:
                {
                    var value = double.Parse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (double.IsInfinity(value))
                    {
                        Fail("This number does not fit a DOUBLE", literal.Span);
                    }

                    var text = value.ToString("R", CultureInfo.InvariantCulture);
                    return new Typed(text.IndexOfAny(new[] { '.', 'E' }) < 0 ? text + ".0" : text, Kind.Double, false);
                }

            case SqlLiteralKind.String:
                return new Typed(SymbolDisplay.FormatLiteral(literal.Text, quote: true), Kind.String, false);
            case SqlLiteralKind.True:
                return new Typed("true", Kind.Bool, false);
            case SqlLiteralKind.False:
                return new Typed("false", Kind.Bool, false);
            case SqlLiteralKind.Timestamp:
                {
                    // SQL's TIMESTAMP has no time zone: the text is read as UTC, to the millisecond (Beam SQL's TIMESTAMP).
                    if (!DateTime.TryParseExact(literal.Text, new[] { "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFF", "yyyy-MM-dd" }, CultureInfo.InvariantCulture,
                            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                    {
                        throw Fail("A TIMESTAMP is written 'yyyy-MM-dd HH:mm:ss[.fff]' (read as UTC), not '" + literal.Text + "'", literal.Span);
                    }

                    var millis = new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeMilliseconds();
                    return new Typed("new global::Compiled.Instant(" + millis.ToString(CultureInfo.InvariantCulture) + "L)", Kind.Timestamp, false, InstantType);
                }

            default:
                return new Typed("null", Kind.Null, true);
        }
    }

    private Typed Condition(SqlExpr expr, string op)
    {
        var value = Bind(expr);
        if (value.Kind != Kind.Bool)
        {
            Fail(op + " needs conditions (BOOLEAN), not " + SqlType(value), expr.Span);
        }

        return value;
    }

    /// <summary>Arithmetic over two numbers, in the wider one's type; a NULL operand makes it NULL (C#'s lifted operators).</summary>
    private static Typed Arithmetic(Typed left, string op, Typed right, SqlExpr where)
    {
        var kind = Promote(left, right, where);
        return new Typed(Wrap("(" + left.Code + " " + op + " " + right.Code + ")", kind), kind, left.Nullable || right.Nullable);
    }

    // Without a value that may be NULL, plain && || !; with one, Kleene's three-valued logic, which is C#'s & | ! over
    // bool?: unknown AND false is false, unknown OR true is true, NOT unknown is unknown.
    private static Typed And(Typed left, Typed right) => !left.Nullable && !right.Nullable
        ? new Typed("(" + left.Code + " && " + right.Code + ")", Kind.Bool, false)
        : new Typed("((bool?)(" + left.Code + ") & (bool?)(" + right.Code + "))", Kind.Bool, true);

    private static Typed Or(Typed left, Typed right) => !left.Nullable && !right.Nullable
        ? new Typed("(" + left.Code + " || " + right.Code + ")", Kind.Bool, false)
        : new Typed("((bool?)(" + left.Code + ") | (bool?)(" + right.Code + "))", Kind.Bool, true);

    private static Typed Not(Typed operand) => operand.Nullable
        ? new Typed("(!(bool?)(" + operand.Code + "))", Kind.Bool, true)
        : new Typed("(!" + operand.Code + ")", Kind.Bool, false);

    private static bool IsNumeric(Kind kind) => kind is Kind.Int or Kind.Long or Kind.Double or Kind.Decimal;

    private static Typed Numeric(Typed value, string op, SqlSpan span)
    {
        if (!IsNumeric(value.Kind))
        {
            Fail("'" + op + "' needs numbers, not " + SqlType(value), span);
        }

        return value;
    }

    /// <summary>The type of arithmetic or a comparison over two numbers: the wider one (INTEGER, BIGINT, then DOUBLE or DECIMAL).</summary>
    private static Kind Promote(Typed left, Typed right, SqlExpr where)
    {
        if ((left.Kind == Kind.Double && right.Kind == Kind.Decimal) || (left.Kind == Kind.Decimal && right.Kind == Kind.Double))
        {
            Fail("This mixes DOUBLE and DECIMAL, whose roundings differ: CAST one of them to the other's type", where.Span);
        }

        return (Kind)Math.Max((int)left.Kind, (int)right.Kind);
    }

    /// <summary>Integer arithmetic wraps around, as Java's int and long do in Beam SQL (even in a project built with overflow checks).</summary>
    private static string Wrap(string code, Kind kind) => kind is Kind.Int or Kind.Long ? "unchecked" + code : code;

    private Typed Compare(Typed left, string op, Typed right, SqlExpr where)
    {
        string Apply(string a, string b)
        {
            var csharp = op == "=" ? "==" : op == "<>" ? "!=" : op;
            if (left.Kind == Kind.String && op is not ("=" or "<>"))
            {
                // Strings order by their UTF-16 code units, as Java's compareTo does.
                return "(string.CompareOrdinal(" + a + ", " + b + ") " + csharp + " 0)";
            }

            return "(" + a + " " + csharp + " " + b + ")";
        }

        if (left.Kind == Kind.Null || right.Kind == Kind.Null)
        {
            Fail("A comparison with NULL is never true: write IS NULL or IS NOT NULL", where.Span);
        }

        if (IsNumeric(left.Kind) && IsNumeric(right.Kind))
        {
            Promote(left, right, where);
        }
        else if (left.Kind == Kind.Timestamp && right.Kind == Kind.Timestamp)
        {
            // Timestamps of one C# type compare as they are; of two (a DateTimeOffset column and a TIMESTAMP literal) as instants.
            if (!SymbolEqualityComparer.Default.Equals(Underlying(left.Symbol!), Underlying(right.Symbol!)))
            {
                return Lift(new[] { left, right }, values => Apply(ToInstant(values[0]), ToInstant(values[1])), Kind.Bool);
            }
        }
        else if (left.Kind != right.Kind || left.Kind == Kind.Other)
        {
            Fail("This compares " + SqlType(left) + " with " + SqlType(right) + (left.Kind == Kind.Other || right.Kind == Kind.Other ? "" : ": CAST one to the other's type"), where.Span);
        }
        else if (left.Kind == Kind.Bool && op is not ("=" or "<>"))
        {
            Fail("BOOLEAN values compare with = and <> only", where.Span);
        }

        return Lift(new[] { left, right }, values => Apply(values[0], values[1]), Kind.Bool);
    }

    /// <summary>
    /// <paramref name="compute"/> over the values; when any may be null, the result is null when one is (SQL's rule for
    /// operators and functions), the values read once each into pattern variables.
    /// </summary>
    private Typed Lift(Typed[] values, Func<string[], string> compute, Kind kind)
    {
        if (!values.Any(v => v.Nullable))
        {
            return new Typed(compute(values.Select(v => v.Code).ToArray()), kind, false);
        }

        var names = new string[values.Length];
        var tests = new List<string>();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].Nullable)
            {
                names[i] = "__sql" + (++_temps).ToString(CultureInfo.InvariantCulture);
                tests.Add(values[i].Code + " is { } " + names[i]);
            }
            else
            {
                names[i] = values[i].Code;
            }
        }

        var type = CSharpType(kind) + "?";
        return new Typed("(" + string.Join(" && ", tests) + " ? (" + type + ")" + compute(names) + " : null)", kind, true);
    }

    private Typed Case(SqlCase @case)
    {
        var conditions = new List<string>();
        var results = new List<(Typed Value, SqlSpan Span)>();
        var operand = @case.Operand is null ? (Typed?)null : Bind(@case.Operand);
        foreach (var when in @case.Whens)
        {
            var condition = operand is { } value ? Compare(value, "=", Bind(when.Condition), when.Condition) : Condition(when.Condition, "WHEN");
            conditions.Add(condition.Nullable ? "(" + condition.Code + ") == true" : condition.Code);
            results.Add((Bind(when.Result), when.Result.Span));
        }

        var otherwise = @case.Else is null ? new Typed("null", Kind.Null, true) : Bind(@case.Else);
        results.Add((otherwise, @case.Else?.Span ?? @case.Span));

        // NULL (or no ELSE) makes the result nullable.
        var kind = Unify(results, @case, "Every branch of this CASE is NULL", "This CASE result", "an earlier one");
        var nullable = results.Any(r => r.Value.Nullable);
        var type = CSharpType(kind) + (nullable ? "?" : string.Empty);
        var code = "(" + type + ")(" + otherwise.Code + ")";
        for (var i = conditions.Count - 1; i >= 0; i--)
        {
            code = "(" + conditions[i] + " ? (" + type + ")(" + results[i].Value.Code + ") : " + code + ")";
        }

        return new Typed(code, kind, nullable);
    }

    /// <summary>
    /// The one type of several values (CASE results, COALESCE arguments), NULLs aside: the widest number, or the one type
    /// all have; else an error at the first value of another type.
    /// </summary>
    private static Kind Unify(List<(Typed Value, SqlSpan Span)> values, SqlExpr where, string allNull, string what, string first)
    {
        var typed = values.Where(v => v.Value.Kind != Kind.Null).ToList();
        if (typed.Count == 0)
        {
            Fail(allNull + ": it has no type", where.Span);
        }

        var kind = typed[0].Value.Kind;
        foreach (var (value, span) in typed.Skip(1))
        {
            if (IsNumeric(kind) && IsNumeric(value.Kind))
            {
                kind = Promote(new Typed(string.Empty, kind, false), value, where);
            }
            else if (value.Kind != kind || kind is Kind.Other or Kind.Timestamp)
            {
                Fail(what + " is " + SqlType(value) + " where " + first + " is " + SqlType(typed[0].Value) + ": CAST them to one type", span);
            }
        }

        return kind;
    }

    private Typed Cast(SqlCast cast)
    {
        var value = Bind(cast.Operand);
        var target = cast.TypeName switch
        {
            "INT" or "INTEGER" => Kind.Int,
            "BIGINT" => Kind.Long,
            "DOUBLE" or "FLOAT" => Kind.Double,
            "DECIMAL" or "NUMERIC" => Kind.Decimal,
            "BOOLEAN" => Kind.Bool,
            "VARCHAR" or "CHAR" or "STRING" => Kind.String,
            _ => throw Fail(cast.TypeName.Contains("(") ? "A type with a size or precision (" + cast.TypeName + ") is not supported yet" : "Unknown type " + cast.TypeName + ": INTEGER, BIGINT, DOUBLE, DECIMAL, BOOLEAN or VARCHAR", cast.TypeSpan),
        };

        if (value.Kind == target)
        {
            return value;
        }

        if (IsNumeric(value.Kind) && IsNumeric(target))
        {
            var type = CSharpType(target);

            // Numbers convert as C# casts do: a double to an integer truncates toward zero and saturates (as Java's does).
            return Lift(new[] { value }, v => Wrap("((" + type + ")" + v[0] + ")", target), target);
        }

        if (target == Kind.String && value.Kind is Kind.Int or Kind.Long or Kind.Bool)
        {
            return Lift(new[] { value }, v => value.Kind == Kind.Bool ? "(" + v[0] + " ? \"TRUE\" : \"FALSE\")" : v[0] + ".ToString(global::System.Globalization.CultureInfo.InvariantCulture)", Kind.String);
        }

        throw Fail("CAST from " + SqlType(value) + " to " + cast.TypeName + " is not supported yet", cast.Span);
    }

    private Typed Call(SqlCall call)
    {
        switch (call.Name)
        {
            case "UPPER":
            case "LOWER":
                {
                    var value = Argument(call, 0, 1, Kind.String);
                    return Lift(new[] { value }, v => v[0] + (call.Name == "UPPER" ? ".ToUpperInvariant()" : ".ToLowerInvariant()"), Kind.String);
                }

            case "CHAR_LENGTH":
            case "CHARACTER_LENGTH":
                {
                    var value = Argument(call, 0, 1, Kind.String);
                    return Lift(new[] { value }, v => v[0] + ".Length", Kind.Int);
                }

            case "ABS":
                {
                    var value = Numeric(Argument(call, 0, 1, null), "ABS", call.Arguments[0].Span);

                    // Integers as Java's Math.abs: the minimum value stays itself (C#'s Math.Abs would throw).
                    return Lift(new[] { value }, v => value.Kind is Kind.Int or Kind.Long ? "(" + v[0] + " < 0 ? unchecked(-" + v[0] + ") : " + v[0] + ")" : "global::System.Math.Abs(" + v[0] + ")", value.Kind);
                }

            case "MOD":
                return Arithmetic(
                    Numeric(Argument(call, 0, 2, null), "MOD", call.Arguments[0].Span),
                    "%",
                    Numeric(Argument(call, 1, 2, null), "MOD", call.Arguments[1].Span),
                    call);

            case "COALESCE":
                return Coalesce(call);
            case "EXTRACT":
                return Extract(call);
            case "FLOOR":
            case "CEIL":
                return Round(call);
            case "NOW":
            case "CURRENT_TIMESTAMP":
            case "LOCALTIMESTAMP":
                throw Fail(NoClock(call.Name), call.NameSpan);
            case "COUNT":
            case "SUM":
            case "AVG":
            case "MIN":
            case "MAX":
                throw Fail(call.Name + " is an aggregate: it cannot be in WHERE, which keeps or drops each row (HAVING filters groups)", call.NameSpan);
            case "TUMBLE":
            case "HOP":
            case "SESSION":
                throw Fail(call.Name + " is a window function: it goes in GROUP BY (read the window with " + call.Name + "_START and " + call.Name + "_END)", call.NameSpan);
            case "TUMBLE_START":
            case "TUMBLE_END":
            case "HOP_START":
            case "HOP_END":
            case "SESSION_START":
            case "SESSION_END":
                return WindowBound(call.Name, call, call.Span);
            default:
                if (UserFunction(call.Name) is { } function)
                {
                    return function.Method is null
                        ? throw Fail(function.Name + " is an aggregate: it cannot be in WHERE, which keeps or drops each row (HAVING filters groups)", call.NameSpan)
                        : Scalar(call, function);
                }

                throw Fail("Unknown function " + call.Name + ": UPPER, LOWER, CHAR_LENGTH, ABS, MOD, FLOOR, CEIL, COALESCE and EXTRACT are supported" +
                    (_functions.Count == 0 ? string.Empty : ", and the query's own " + string.Join(", ", _functions.Select(f => f.Name))) +
                    " (give a C# function with SqlFunction.Scalar or SqlFunction.Aggregate)", call.NameSpan);
        }
    }

    /// <summary>COALESCE(a, b, ...): the first value that is not NULL; NULL only when every value may be and is.</summary>
    private Typed Coalesce(SqlCall call)
    {
        if (call.Arguments.Count < 2 || call.Star || call.Distinct)
        {
            Fail("COALESCE takes two or more arguments", call.Span);
        }

        var values = call.Arguments.Select(a => (Value: Bind(a), a.Span)).ToList();
        var kind = Unify(values, call, "Every argument of this COALESCE is NULL", "This COALESCE argument", "the first");

        // Values after the first that cannot be null are never reached: C# would warn, and SQL ignores them.
        var upTo = values.FindIndex(v => !v.Value.Nullable);
        var used = upTo < 0 ? values : values.Take(upTo + 1).ToList();
        var nullable = upTo < 0;
        var type = CSharpType(kind);
        var parts = used.Select((v, i) => "(" + type + (i == used.Count - 1 && !nullable ? string.Empty : "?") + ")(" + v.Value.Code + ")");
        return new Typed("(" + string.Join(" ?? ", parts) + ")", kind, nullable);
    }

    private Typed Argument(SqlCall call, int index, int count, Kind? kind)
    {
        if (call.Arguments.Count != count || call.Star || call.Distinct)
        {
            Fail(call.Name + " takes " + count + (count == 1 ? " argument" : " arguments"), call.Span);
        }

        var value = Bind(call.Arguments[index]);
        if (kind is { } expected && value.Kind != expected)
        {
            Fail(call.Name + " takes " + (expected == Kind.String ? "a VARCHAR" : expected.ToString()) + ", not " + SqlType(value), call.Arguments[index].Span);
        }

        return value;
    }
}
