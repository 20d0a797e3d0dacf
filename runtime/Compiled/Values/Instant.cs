using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// A point in event time with millisecond precision, as in Beam. The range is Beam's:
/// <see cref="MinValue"/> and <see cref="MaxValue"/> are the smallest and largest timestamps.
/// </summary>
public readonly struct Instant : IEquatable<Instant>, IComparable<Instant>
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

    /// <inheritdoc />
    public override string ToString() =>
        this == MinValue ? "-inf" : this == MaxValue ? "+inf" : Millis.ToString(CultureInfo.InvariantCulture) + "ms";

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
