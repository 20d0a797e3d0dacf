using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Sql;

/// <summary>
/// A window function of GROUP BY, as Beam SQL and Flink SQL write them: <c>TUMBLE(ts, size)</c>, <c>HOP(ts, slide, size)</c>
/// or <c>SESSION(ts, gap)</c>. Rows are given the event time in <see cref="TimestampCode"/> (a C# expression over
/// <see cref="SqlBinder.Row"/> of type <c>Instant</c>) and windowed by <see cref="Kind"/> (<c>Fixed</c>, <c>Sliding</c> or
/// <c>Sessions</c>, as <c>WindowSpec</c> names them), then grouped per window.
/// </summary>
internal sealed record SqlWindowing(string Function, string Kind, long SizeMs, long PeriodMs, string TimestampCode);

/// <summary>Window functions in GROUP BY, and the window's start and end in SELECT.</summary>
internal sealed partial class SqlBinder
{
    /// <summary>The name of the element-context parameter of a grouped SELECT that reads its window's start or end.</summary>
    public const string Context = "context";

    /// <summary>The grouped query's window function as bound (TUMBLE_START must repeat it); null: none.</summary>
    private SqlWindowing? _window;

    /// <summary>While binding a grouped query's SELECT: the window's start and end may be read (from the element's context).</summary>
    private bool _windowReadable;

    /// <summary>Whether the grouped SELECT read the window's start or end.</summary>
    private bool _readsWindow;

    private static bool IsWindowFunction(SqlExpr expr) => expr is SqlCall { Name: "TUMBLE" or "HOP" or "SESSION" };

    private SqlWindowing BindWindow(SqlCall call)
    {
        var (kind, intervals, shape) = call.Name switch
        {
            "TUMBLE" => ("Fixed", 1, "TUMBLE(time column, INTERVAL size)"),
            "HOP" => ("Sliding", 2, "HOP(time column, INTERVAL slide, INTERVAL size)"),
            _ => ("Sessions", 1, "SESSION(time column, INTERVAL gap)"),
        };
        if (call.Distinct || call.Star || call.Arguments.Count != intervals + 1)
        {
            Fail(call.Name + " takes a time column and " + (intervals == 1 ? "an INTERVAL" : "two INTERVALs") + ": " + shape, call.Span);
        }

        var time = Bind(call.Arguments[0]);
        if (time.Nullable || time.Kind != Kind.Timestamp)
        {
            Fail(call.Name + " windows rows by their event time: it needs a time column (an Instant, DateTimeOffset or DateTime that cannot be null), not " +
                (time.Kind == Kind.Timestamp ? "a " + Display(time.Symbol!) : SqlType(time)), call.Arguments[0].Span);
        }

        var timestamp = ToInstant(time.Code);

        var first = IntervalMs(call.Arguments[1]);
        var second = intervals == 2 ? IntervalMs(call.Arguments[2]) : first;
        return kind switch
        {
            // HOP's arguments are the slide, then the size (Calcite's and Flink's order).
            "Sliding" => new SqlWindowing(call.Name, kind, second, first, timestamp),
            "Fixed" => new SqlWindowing(call.Name, kind, first, first, timestamp),
            _ => new SqlWindowing(call.Name, kind, first, 0, timestamp),
        };
    }

    private static long IntervalMs(SqlExpr expr)
    {
        if (expr is not SqlInterval interval)
        {
            throw Fail("Expected an INTERVAL here, as in INTERVAL '1' MINUTE", expr.Span);
        }

        var length = IntervalLength(interval);
        if (length == 0)
        {
            throw Fail("A window's size, slide or gap must be positive", interval.Span);
        }

        return length;
    }

    /// <summary>
    /// <c>TUMBLE_START(ts, size)</c> and the like (Beam SQL's and Flink's group window functions) or the columns
    /// <c>window_start</c> and <c>window_end</c> (Flink's window table functions): the start or end of the group's window,
    /// an <c>Instant</c>.
    /// </summary>
    private Typed WindowBound(string name, SqlCall? call, SqlSpan span)
    {
        var end = name.EndsWith("_END", StringComparison.OrdinalIgnoreCase);
        if (_window is not { } window || !_windowReadable)
        {
            throw Fail(name + " is the " + (end ? "end" : "start") + " of a group's window: it can be read in the SELECT of a query with GROUP BY TUMBLE(...), HOP(...) or SESSION(...)", span);
        }

        if (call is not null)
        {
            var function = call.Name.Substring(0, call.Name.IndexOf('_'));
            if (function != window.Function)
            {
                Fail(call.Name + " reads a " + function + " window, and this query groups by " + window.Function + ": use " + window.Function + (end ? "_END" : "_START"), call.NameSpan);
            }

            // It repeats the GROUP BY's arguments (as Calcite requires): the same column and intervals.
            var scope = _group;
            _group = null;
            SqlWindowing repeated;
            try
            {
                repeated = BindWindow(call with { Name = function });
            }
            finally
            {
                _group = scope;
            }

            if (repeated != window)
            {
                Fail(call.Name + " must repeat the arguments of the GROUP BY's " + window.Function + "(...)", call.Span);
            }
        }

        _readsWindow = true;
        return new Typed(Context + ".Window." + (end ? "End" : "Start"), Kind.Timestamp, false, InstantType);
    }

    /// <summary>The conversion of an <c>Instant</c> (a window's start or end) to a DateTimeOffset or DateTime member, or null.</summary>
    private static string? FromInstant(Typed value, ITypeSymbol target)
    {
        if (value.Symbol?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) != "global::Compiled.Instant")
        {
            return null;
        }

        var underlying = target.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? ((INamedTypeSymbol)target).TypeArguments[0] : target;
        return underlying.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) switch
        {
            "global::System.DateTimeOffset" => "global::Compiled.Sql.SqlFunctions.ToDateTimeOffset(" + value.Code + ")",
            "global::System.DateTime" => "global::Compiled.Sql.SqlFunctions.ToDateTime(" + value.Code + ")",
            _ => null,
        };
    }

    private static bool IsWindowColumn(string name) =>
        string.Equals(name, "window_start", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "window_end", StringComparison.OrdinalIgnoreCase);
}
