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
}
