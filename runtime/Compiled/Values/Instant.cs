using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// A point in event time with millisecond precision, as in Beam. The range is Beam's:
/// <see cref="MinValue"/> and <see cref="MaxValue"/> are the smallest and largest timestamps.
/// </summary>
/// <remarks>
/// Printed as an ISO-8601 UTC time with milliseconds, <c>2026-12-03T09:00:00.000Z</c> (years beyond 0000-9999 with a
/// sign and more digits, <c>+294247-01-09T04:00:54.775Z</c>, as ISO-8601's expanded years); <see cref="MinValue"/> and
/// <see cref="MaxValue"/> print as <c>-inf</c> and <c>+inf</c>, the ends of event time, and a value outside that range
/// (which only arithmetic can make) as its milliseconds, <c>9223372036854775807 ms</c>.
/// </remarks>
public readonly struct Instant : IEquatable<Instant>, IComparable<Instant>, ISpanFormattable
{
    /// <summary>Creates an instant from milliseconds since the Unix epoch.</summary>
    public Instant(long millis) => Millis = millis;

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long Millis { get; }

    /// <summary>The smallest timestamp (Beam's <c>TIMESTAMP_MIN_VALUE</c>).</summary>
    public static Instant MinValue => new(-9223372036854775L);

    /// <summary>The largest timestamp (Beam's <c>TIMESTAMP_MAX_VALUE</c>): the watermark at the end of input.</summary>
    public static Instant MaxValue => new(9223372036854775L);

    /// <summary>The Unix epoch.</summary>
    public static Instant Epoch => new(0);

    /// <summary>The earlier of two instants.</summary>
    public static Instant Min(Instant a, Instant b) => a.Millis <= b.Millis ? a : b;

    /// <summary>The later of two instants.</summary>
    public static Instant Max(Instant a, Instant b) => a.Millis >= b.Millis ? a : b;

    /// <summary>Converts a <see cref="DateTimeOffset"/>.</summary>
    public static Instant FromDateTimeOffset(DateTimeOffset value) => new(value.ToUnixTimeMilliseconds());

    /// <summary>This instant plus a duration.</summary>
    public Instant Plus(TimeSpan duration) => new(Millis + (long)duration.TotalMilliseconds);

    /// <inheritdoc />
    public bool Equals(Instant other) => Millis == other.Millis;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Instant other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Millis.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(Instant other) => Millis.CompareTo(other.Millis);

    /// <summary>
    /// This instant in ISO-8601 UTC with milliseconds (<c>2026-12-03T09:00:00.000Z</c>), or <c>-inf</c> and <c>+inf</c>
    /// for <see cref="MinValue"/> and <see cref="MaxValue"/>.
    /// </summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[MaxFormattedLength];
        TryFormat(buffer, out int written);
        return new string(buffer[..written]);
    }

    /// <inheritdoc cref="ToString()"/>
    /// <param name="format">Ignored: there is one format.</param>
    /// <param name="formatProvider">Ignored: the format is culture-invariant.</param>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Writes <see cref="ToString()"/>'s text into <paramref name="destination"/>, without allocating.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="charsWritten">How many characters were written (0 when the text does not fit).</param>
    /// <param name="format">Ignored: there is one format.</param>
    /// <param name="provider">Ignored: the format is culture-invariant.</param>
    /// <returns>False when <paramref name="destination"/> is too short.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        if (Millis == MinValue.Millis || Millis == MaxValue.Millis)
        {
            return Copy(Millis == MinValue.Millis ? "-inf" : "+inf", destination, out charsWritten);
        }

        if (Millis < MinValue.Millis || Millis > MaxValue.Millis)
        {
            // Outside event time (only arithmetic can make one): the number, which no date could show.
            Span<char> raw = stackalloc char[MaxFormattedLength];
            Millis.TryFormat(raw, out int digits, default, CultureInfo.InvariantCulture);
            " ms".CopyTo(raw[digits..]);
            return Copy(raw[..(digits + 3)], destination, out charsWritten);
        }

        // Days and milliseconds of the day, floored, then the proleptic Gregorian date of the day (H. Hinnant's
        // civil_from_days), valid over the whole range of event time (about 292,000 years either side of 1970).
        long days = Millis >= 0 ? Millis / 86_400_000L : -((-Millis + 86_399_999L) / 86_400_000L);
        long ms = Millis - days * 86_400_000L;
        long z = days + 719_468;
        long era = (z >= 0 ? z : z - 146_096) / 146_097;
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        charsWritten = 0;
        Span<char> text = stackalloc char[MaxFormattedLength];
        int n = 0;
        if (year is < 0 or > 9999)
        {
            text[n++] = year < 0 ? '-' : '+';
        }

        n += Digits(text[n..], Math.Abs(year), 4);
        text[n++] = '-';
        n += Digits(text[n..], month, 2);
        text[n++] = '-';
        n += Digits(text[n..], day, 2);
        text[n++] = 'T';
        n += Digits(text[n..], ms / 3_600_000, 2);
        text[n++] = ':';
        n += Digits(text[n..], ms / 60_000 % 60, 2);
        text[n++] = ':';
        n += Digits(text[n..], ms / 1000 % 60, 2);
        text[n++] = '.';
        n += Digits(text[n..], ms % 1000, 3);
        text[n++] = 'Z';
        return Copy(text[..n], destination, out charsWritten);
    }

    // "+294247-01-10T04:00:54.775Z" is 27 characters.
    private const int MaxFormattedLength = 32;

    private static bool Copy(ReadOnlySpan<char> text, Span<char> destination, out int charsWritten)
    {
        if (!text.TryCopyTo(destination))
        {
            charsWritten = 0;
            return false;
        }

        charsWritten = text.Length;
        return true;
    }

    // Writes value with at least minDigits digits (leading zeros).
    private static int Digits(Span<char> destination, long value, int minDigits)
    {
        value.TryFormat(destination, out int written, minDigits == 2 ? "D2" : minDigits == 3 ? "D3" : "D4", CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>Equality.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator ==(Instant left, Instant right) => left.Millis == right.Millis;

    /// <summary>Inequality.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator !=(Instant left, Instant right) => left.Millis != right.Millis;

    /// <summary>Ordering.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator <(Instant left, Instant right) => left.Millis < right.Millis;

    /// <summary>Ordering.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator >(Instant left, Instant right) => left.Millis > right.Millis;

    /// <summary>Ordering.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator <=(Instant left, Instant right) => left.Millis <= right.Millis;

    /// <summary>Ordering.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool operator >=(Instant left, Instant right) => left.Millis >= right.Millis;
}
