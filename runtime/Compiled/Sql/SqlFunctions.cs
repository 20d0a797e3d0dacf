using System;
using System.ComponentModel;

namespace Compiled.Sql;

/// <summary>
/// SQL functions that generated code calls where a query's operator has no direct C# form (the generator specializes
/// the common cases at build time: a LIKE pattern that is a prefix, a suffix or a substring becomes StartsWith,
/// EndsWith or Contains).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SqlFunctions
{
    /// <summary>
    /// SQL's <c>value LIKE pattern</c>, as Beam SQL (Calcite) matches it: <c>%</c> matches any run of characters (none
    /// included), <c>_</c> exactly one character, every other character itself (case-sensitive, by UTF-16 code unit);
    /// the whole value must match.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="pattern">The pattern.</param>
    /// <returns>Whether the value matches the pattern.</returns>
    public static bool Like(string value, string pattern) => Like(value, pattern, null);

    /// <summary>
    /// SQL's <c>value LIKE pattern ESCAPE 'e'</c>: as <see cref="Like(string, string)"/>, where <paramref name="escape"/>
    /// makes the next <c>%</c>, <c>_</c> or itself a plain character.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="pattern">The pattern.</param>
    /// <param name="escape">The escape character, or null for none.</param>
    /// <returns>Whether the value matches the pattern.</returns>
    /// <exception cref="ArgumentException">The escape is not followed by %, _ or itself (as Calcite rejects it).</exception>
    public static bool Like(string value, string pattern, char? escape)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(pattern);

        // Greedy matching with one backtrack point: the last % seen, and where in the value it started matching. Each
        // % only ever moves its start forward, so the work is at most the value's length times the pattern's.
        int v = 0, p = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            var escaped = Escaped(pattern, p, escape);
            var c = p < pattern.Length ? pattern[escaped ? p + 1 : p] : '\0';
            if (p < pattern.Length && ((!escaped && c == '_') || ((escaped || c != '%') && c == value[v])))
            {
                v++;
                p += escaped ? 2 : 1;
            }
            else if (p < pattern.Length && !escaped && c == '%')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '%' && !Escaped(pattern, p, escape))
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Whether the pattern's character at <paramref name="p"/> is the escape, which makes the next one plain.</summary>
    private static bool Escaped(string pattern, int p, char? escape)
    {
        if (escape is not { } e || p >= pattern.Length || pattern[p] != e)
        {
            return false;
        }

        if (p + 1 == pattern.Length || (pattern[p + 1] != '%' && pattern[p + 1] != '_' && pattern[p + 1] != e))
        {
            throw new ArgumentException("In the LIKE pattern '" + pattern + "', the escape '" + e + "' must be followed by %, _ or itself.", nameof(pattern));
        }

        return true;
    }

    /// <summary>
    /// A group's accumulator before its first row, for compiled queries: every field zero, read only once a row has set
    /// it (its type's default, which nullable analysis would otherwise take for a possible null in every field).
    /// </summary>
    /// <typeparam name="T">The accumulator's type (a value tuple).</typeparam>
    /// <returns>The default of <typeparamref name="T"/>.</returns>
    public static T Empty<T>() => default!;

    /// <summary>
    /// A <see cref="DateTime"/> column as an event time, for a window function of GROUP BY: a UTC or unspecified time
    /// is read as UTC (SQL's TIMESTAMP has no time zone; Beam SQL reads it as UTC), a local time is converted to UTC.
    /// </summary>
    /// <param name="value">The column's value.</param>
    /// <returns>The instant.</returns>
    public static Instant ToInstant(DateTime value) => Instant.FromDateTimeOffset(new DateTimeOffset(ToUtc(value)));

    /// <summary>A <see cref="DateTimeOffset"/> as an instant, to the millisecond (SQL's TIMESTAMP), for comparing timestamps of two C# types.</summary>
    /// <param name="value">The time.</param>
    /// <returns>The instant.</returns>
    public static Instant ToInstant(DateTimeOffset value) => Instant.FromDateTimeOffset(value);

    /// <summary>An instant as itself (the overload that lets any timestamp column be read as an instant).</summary>
    /// <param name="value">The instant.</param>
    /// <returns>The same instant.</returns>
    public static Instant ToInstant(Instant value) => value;

    /// <summary>A timestamp as a UTC <see cref="DateTime"/>, whose fields EXTRACT reads.</summary>
    /// <param name="value">The time.</param>
    /// <returns>The same time in UTC.</returns>
    public static DateTime ToUtc(DateTimeOffset value) => value.UtcDateTime;

    /// <summary>A timestamp as a UTC <see cref="DateTime"/> (local converted, unspecified read as UTC), whose fields EXTRACT reads.</summary>
    /// <param name="value">The time.</param>
    /// <returns>The same time in UTC.</returns>
    public static DateTime ToUtc(DateTime value) => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    /// <summary>An instant as a UTC <see cref="DateTime"/>, whose fields EXTRACT reads.</summary>
    /// <param name="value">The instant.</param>
    /// <returns>The same time in UTC.</returns>
    public static DateTime ToUtc(Instant value) => DateTimeOffset.FromUnixTimeMilliseconds(value.Millis).UtcDateTime;

    /// <summary>An instant (a window's start or end) as a <see cref="DateTimeOffset"/> in UTC.</summary>
    /// <param name="value">The instant.</param>
    /// <returns>The same instant, offset zero.</returns>
    public static DateTimeOffset ToDateTimeOffset(Instant value) => DateTimeOffset.FromUnixTimeMilliseconds(value.Millis);

    /// <summary><c>ts + INTERVAL</c> (a negative interval for <c>ts - INTERVAL</c>): the time that many milliseconds later.</summary>
    /// <param name="value">The time.</param>
    /// <param name="milliseconds">The interval, in milliseconds.</param>
    /// <returns>The time moved by the interval, with the same offset.</returns>
    public static DateTimeOffset Plus(DateTimeOffset value, long milliseconds) => value.AddTicks(checked(milliseconds * TimeSpan.TicksPerMillisecond));

    /// <summary><c>ts + INTERVAL</c> (a negative interval for <c>ts - INTERVAL</c>): the time that many milliseconds later.</summary>
    /// <param name="value">The time.</param>
    /// <param name="milliseconds">The interval, in milliseconds.</param>
    /// <returns>The time moved by the interval, of the same kind.</returns>
    public static DateTime Plus(DateTime value, long milliseconds) => value.AddTicks(checked(milliseconds * TimeSpan.TicksPerMillisecond));

    /// <summary><c>ts + INTERVAL</c> (a negative interval for <c>ts - INTERVAL</c>): the instant that many milliseconds later.</summary>
    /// <param name="value">The instant.</param>
    /// <param name="milliseconds">The interval, in milliseconds.</param>
    /// <returns>The instant moved by the interval.</returns>
    public static Instant Plus(Instant value, long milliseconds) => new(checked(value.Millis + milliseconds));

    /// <summary>
    /// <c>FLOOR(ts TO unit)</c> (<paramref name="ceiling"/> false) or <c>CEIL(ts TO unit)</c> (true), as Calcite's in
    /// Beam SQL: the time rounded down or up to a whole unit of UTC time (a time on a whole unit stays). The result has
    /// offset zero (SQL's TIMESTAMP has no time zone; Beam SQL reads it as UTC).
    /// </summary>
    /// <param name="value">The time.</param>
    /// <param name="unit">The unit.</param>
    /// <param name="ceiling">True to round up.</param>
    /// <returns>The rounded time, in UTC.</returns>
    public static DateTimeOffset Round(DateTimeOffset value, SqlTimeUnit unit, bool ceiling) => new(Round(value.UtcDateTime, unit, ceiling), TimeSpan.Zero);

    /// <summary>
    /// <c>FLOOR(ts TO unit)</c> or <c>CEIL(ts TO unit)</c> of a <see cref="DateTime"/> read as UTC (a local time converted):
    /// the time rounded down or up to a whole unit, of kind <see cref="DateTimeKind.Utc"/>.
    /// </summary>
    /// <param name="value">The time.</param>
    /// <param name="unit">The unit.</param>
    /// <param name="ceiling">True to round up.</param>
    /// <returns>The rounded time, in UTC.</returns>
    public static DateTime Round(DateTime value, SqlTimeUnit unit, bool ceiling)
    {
        var utc = ToUtc(value);
        var floor = unit switch
        {
            SqlTimeUnit.Year => new DateTime(utc.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            SqlTimeUnit.Quarter => new DateTime(utc.Year, ((utc.Month - 1) / 3 * 3) + 1, 1, 0, 0, 0, DateTimeKind.Utc),
            SqlTimeUnit.Month => new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc),
            SqlTimeUnit.Week => utc.Date.AddDays(-(int)utc.DayOfWeek), // weeks start on Sunday, as Calcite's
            _ => new DateTime(utc.Ticks - (utc.Ticks % UnitTicks(unit)), DateTimeKind.Utc),
        };
        if (!ceiling || floor == utc)
        {
            return floor;
        }

        return unit switch
        {
            SqlTimeUnit.Year => floor.AddYears(1),
            SqlTimeUnit.Quarter => floor.AddMonths(3),
            SqlTimeUnit.Month => floor.AddMonths(1),
            SqlTimeUnit.Week => floor.AddDays(7),
            _ => floor.AddTicks(UnitTicks(unit)),
        };
    }

    /// <summary><c>FLOOR(ts TO unit)</c> or <c>CEIL(ts TO unit)</c> of an instant: rounded down or up to a whole unit of UTC time.</summary>
    /// <param name="value">The instant.</param>
    /// <param name="unit">The unit.</param>
    /// <param name="ceiling">True to round up.</param>
    /// <returns>The rounded instant.</returns>
    public static Instant Round(Instant value, SqlTimeUnit unit, bool ceiling) => ToInstant(Round(ToUtc(value), unit, ceiling));

    private static long UnitTicks(SqlTimeUnit unit) => unit switch
    {
        SqlTimeUnit.Millisecond => TimeSpan.TicksPerMillisecond,
        SqlTimeUnit.Second => TimeSpan.TicksPerSecond,
        SqlTimeUnit.Minute => TimeSpan.TicksPerMinute,
        SqlTimeUnit.Hour => TimeSpan.TicksPerHour,
        _ => TimeSpan.TicksPerDay,
    };

    /// <summary>An instant (a window's start or end) as a UTC <see cref="DateTime"/>.</summary>
    /// <param name="value">The instant.</param>
    /// <returns>The same instant, of kind <see cref="DateTimeKind.Utc"/>.</returns>
    public static DateTime ToDateTime(Instant value) => DateTimeOffset.FromUnixTimeMilliseconds(value.Millis).UtcDateTime;

    /// <summary>
    /// ORDER BY's order of strings: by UTF-16 code units, as Java's <c>compareTo</c> in Beam SQL; NULL after every value
    /// (Calcite's default: last when ascending, first when descending).
    /// </summary>
    /// <param name="a">The first value.</param>
    /// <param name="b">The second value.</param>
    /// <returns>Negative, zero or positive, as <paramref name="a"/> orders before, with or after <paramref name="b"/>.</returns>
    public static int CompareStrings(string? a, string? b) =>
        a is null ? (b is null ? 0 : 1) : b is null ? -1 : Math.Sign(string.CompareOrdinal(a, b));

    /// <summary>ORDER BY's order of doubles: NaN after every number (as Java's <c>Double.compare</c>), NULL after NaN.</summary>
    /// <param name="a">The first value.</param>
    /// <param name="b">The second value.</param>
    /// <returns>Negative, zero or positive, as <paramref name="a"/> orders before, with or after <paramref name="b"/>.</returns>
    public static int CompareDoubles(double? a, double? b)
    {
        if (a is not { } x)
        {
            return b is null ? 0 : 1;
        }

        if (b is not { } y)
        {
            return -1;
        }

        return double.IsNaN(x) ? (double.IsNaN(y) ? 0 : 1) : double.IsNaN(y) ? -1 : x.CompareTo(y);
    }

    /// <summary>ORDER BY's order of a value that may be NULL: NULL after every value.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="a">The first value.</param>
    /// <param name="b">The second value.</param>
    /// <returns>Negative, zero or positive, as <paramref name="a"/> orders before, with or after <paramref name="b"/>.</returns>
    public static int CompareNullable<T>(T? a, T? b)
        where T : struct, IComparable<T> =>
        a is not { } x ? (b is null ? 0 : 1) : b is not { } y ? -1 : x.CompareTo(y);
}

/// <summary>A unit of time that <c>FLOOR(ts TO unit)</c> and <c>CEIL(ts TO unit)</c> round to.</summary>
public enum SqlTimeUnit
{
    /// <summary>A millisecond.</summary>
    Millisecond,

    /// <summary>A second.</summary>
    Second,

    /// <summary>A minute.</summary>
    Minute,

    /// <summary>An hour.</summary>
    Hour,

    /// <summary>A day (UTC midnight).</summary>
    Day,

    /// <summary>A week, from Sunday (UTC midnight), as Calcite's.</summary>
    Week,

    /// <summary>A month (its first day).</summary>
    Month,

    /// <summary>A quarter (January, April, July, October).</summary>
    Quarter,

    /// <summary>A year (January 1).</summary>
    Year,
}
