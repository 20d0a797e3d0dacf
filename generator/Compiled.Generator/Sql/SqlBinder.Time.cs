using System;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Sql;

/// <summary>Timestamps: DateTimeOffset, DateTime and Instant columns, TIMESTAMP literals, EXTRACT.</summary>
internal sealed partial class SqlBinder
{
    private ITypeSymbol InstantType => _compilation.GetTypeByMetadataName("Compiled.Instant")!;

    /// <summary>A type that is a point in time: DateTimeOffset, DateTime or Compiled.Instant.</summary>
    private static bool IsTime(ITypeSymbol type) =>
        type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) is "global::System.DateTimeOffset" or "global::System.DateTime" or "global::Compiled.Instant";

    /// <summary>A type without its Nullable wrapper or nullable annotation.</summary>
    private static ITypeSymbol Underlying(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable
            ? nullable.TypeArguments[0]
            : type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);

    /// <summary>A timestamp's code as an Instant (milliseconds since the epoch, UTC).</summary>
    private static string ToInstant(string code) => "global::Compiled.Sql.SqlFunctions.ToInstant(" + code + ")";

    /// <summary>
    /// <c>EXTRACT(unit FROM timestamp)</c>, as Calcite's in Beam SQL: a BIGINT field of the time in UTC. DOW is 1 for
    /// Sunday to 7 for Saturday, DOY 1 to 366, WEEK the ISO 8601 week, QUARTER 1 to 4.
    /// </summary>
    private Typed Extract(SqlCall call)
    {
        var unit = ((SqlLiteral)call.Arguments[0]).Text;
        var field = unit switch
        {
            "YEAR" => ".Year",
            "QUARTER" => ".Month",
            "MONTH" => ".Month",
            "WEEK" => string.Empty,
            "DAY" or "DAYOFMONTH" => ".Day",
            "DOW" or "DAYOFWEEK" => ".DayOfWeek",
            "DOY" or "DAYOFYEAR" => ".DayOfYear",
            "HOUR" => ".Hour",
            "MINUTE" => ".Minute",
            "SECOND" => ".Second",
            _ => throw Fail("EXTRACT takes YEAR, QUARTER, MONTH, WEEK, DAY, DOW, DOY, HOUR, MINUTE or SECOND, not " + unit, call.Arguments[0].Span),
        };

        var time = Bind(call.Arguments[1]);
        if (time.Kind != Kind.Timestamp)
        {
            Fail("EXTRACT reads a timestamp (a DateTimeOffset, DateTime or Instant), not " + SqlType(time), call.Arguments[1].Span);
        }

        return Lift(new[] { time }, values =>
        {
            var utc = "global::Compiled.Sql.SqlFunctions.ToUtc(" + values[0] + ")";
            return unit switch
            {
                "QUARTER" => "(long)((" + utc + ".Month + 2) / 3)",
                "WEEK" => "(long)global::System.Globalization.ISOWeek.GetWeekOfYear(" + utc + ")",
                "DOW" or "DAYOFWEEK" => "((long)" + utc + ".DayOfWeek + 1)",
                _ => "(long)" + utc + field,
            };
        }, Kind.Long);
    }

    /// <summary>
    /// <c>ts + INTERVAL 'n' unit</c>, <c>INTERVAL ... + ts</c> or <c>ts - INTERVAL ...</c>: the timestamp moved by the
    /// interval, of the timestamp's type (NULL stays NULL).
    /// </summary>
    private Typed ShiftTime(SqlBinary shift)
    {
        var (timeExpr, intervalExpr) = shift.Right is SqlInterval ? (shift.Left, shift.Right) : (shift.Right, shift.Left);
        var time = Bind(timeExpr);
        if (time.Kind != Kind.Timestamp)
        {
            Fail("An INTERVAL is added to or taken from a timestamp (a DateTimeOffset, DateTime or Instant), not " + SqlType(time), timeExpr.Span);
        }

        var milliseconds = IntervalLength((SqlInterval)intervalExpr) * (shift.Operator == "-" ? -1 : 1);
        return TimeResult(time, value => "global::Compiled.Sql.SqlFunctions.Plus(" + value + ", " + milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L)");
    }

    /// <summary>An interval's length in milliseconds (it may be zero).</summary>
    private static long IntervalLength(SqlInterval interval)
    {
        var unit = interval.Unit switch
        {
            "MILLISECOND" => 1L,
            "SECOND" => 1_000L,
            "MINUTE" => 60_000L,
            "HOUR" => 3_600_000L,
            _ => 86_400_000L,
        };
        if (!long.TryParse(interval.Value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count > long.MaxValue / unit)
        {
            throw Fail("An interval's length is a whole number (INTERVAL '90' SECOND), not '" + interval.Value + "'", interval.Span);
        }

        return count * unit;
    }

    /// <summary>
    /// <c>FLOOR(x)</c> and <c>CEIL(x)</c> of a number (an integer is itself; a DOUBLE or DECIMAL rounded down or up, of its
    /// type), or <c>FLOOR(ts TO unit)</c> and <c>CEIL(ts TO unit)</c>, as Calcite's in Beam SQL: the timestamp rounded
    /// down or up to a whole SECOND, MINUTE, HOUR, DAY, WEEK (from Sunday), MONTH, QUARTER or YEAR of UTC time.
    /// </summary>
    private Typed Round(SqlCall call)
    {
        var value = Bind(call.Arguments[0]);
        var ceiling = call.Name == "CEIL";
        if (call.Arguments.Count == 1)
        {
            if (!IsNumeric(value.Kind))
            {
                Fail(call.Name + " takes a number, or a timestamp and a unit (" + call.Name + "(ts TO HOUR)), not " + SqlType(value), call.Arguments[0].Span);
            }

            return value.Kind switch
            {
                Kind.Double => Lift(new[] { value }, v => "global::System.Math." + (ceiling ? "Ceiling" : "Floor") + "(" + v[0] + ")", Kind.Double),
                Kind.Decimal => Lift(new[] { value }, v => "decimal." + (ceiling ? "Ceiling" : "Floor") + "(" + v[0] + ")", Kind.Decimal),
                _ => value,
            };
        }

        var unitLiteral = (SqlLiteral)call.Arguments[1];
        var unit = unitLiteral.Text switch
        {
            "MILLISECOND" => "Millisecond",
            "SECOND" => "Second",
            "MINUTE" => "Minute",
            "HOUR" => "Hour",
            "DAY" => "Day",
            "WEEK" => "Week",
            "MONTH" => "Month",
            "QUARTER" => "Quarter",
            "YEAR" => "Year",
            _ => throw Fail(call.Name + " rounds a timestamp to SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR, not " + unitLiteral.Text, unitLiteral.Span),
        };
        if (value.Kind != Kind.Timestamp)
        {
            Fail(call.Name + "(... TO " + unitLiteral.Text + ") rounds a timestamp (a DateTimeOffset, DateTime or Instant), not " + SqlType(value), call.Arguments[0].Span);
        }

        return TimeResult(value, v => "global::Compiled.Sql.SqlFunctions.Round(" + v + ", global::Compiled.Sql.SqlTimeUnit." + unit + ", " + (ceiling ? "true" : "false") + ")");
    }

    /// <summary>Why a query cannot read the clock: its result would depend on when it runs and on replays.</summary>
    private static string NoClock(string name) =>
        name.ToUpperInvariant() + " reads the clock, so a query's rows would depend on when it runs (and change when a checkpoint is replayed): " +
        "compare with the row's own time (a timestamp column, or window_start and window_end), or give the time as a column";

    /// <summary>A timestamp computed from one: of its C# type, NULL when it is.</summary>
    private Typed TimeResult(Typed time, Func<string, string> compute)
    {
        var type = Underlying(SymbolOf(time));
        if (!time.Nullable)
        {
            return new Typed(compute(time.Code), Kind.Timestamp, false, type);
        }

        var name = "__sql" + (++_temps).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nullable = _compilation.GetSpecialType(SpecialType.System_Nullable_T).Construct(type);
        return new Typed("(" + time.Code + " is { } " + name + " ? (" + PipelineGenerator.Parser.Fq(type) + "?)" + compute(name) + " : null)", Kind.Timestamp, true, nullable);
    }
}
