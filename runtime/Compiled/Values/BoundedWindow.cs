using System;

namespace Compiled;

/// <summary>
/// A window: the global window, or an interval window [<see cref="Start"/>, <see cref="End"/>)
/// (Beam's <c>GlobalWindow</c> and <c>IntervalWindow</c>). A value type so that windowed values carry
/// no allocation.
/// </summary>
public readonly struct BoundedWindow : IEquatable<BoundedWindow>
{
    private BoundedWindow(Instant start, Instant end, bool isGlobal)
    {
        Start = start;
        End = end;
        IsGlobal = isGlobal;
    }

    /// <summary>The single window of globally windowed collections.</summary>
    public static BoundedWindow Global => new(Instant.MinValue, Instant.MaxValue, true);

    /// <summary>An interval window [start, end).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static BoundedWindow Interval(Instant start, Instant end)
    {
        if (end < start)
        {
            ThrowEndBeforeStart();
        }

        return new BoundedWindow(start, end, false);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowEndBeforeStart() => throw new ArgumentException("A window's end must not precede its start.", "end");

    /// <summary>Inclusive start of the window.</summary>
    public Instant Start { get; }

    /// <summary>Exclusive end of the window.</summary>
    public Instant End { get; }

    /// <summary>True for the global window.</summary>
    public bool IsGlobal { get; }

    /// <summary>
    /// The largest timestamp an element of this window can have: <c>End - 1 ms</c> for interval
    /// windows; for the global window, Beam's end of the global window (one day before <see cref="Instant.MaxValue"/>).
    /// </summary>
    public Instant MaxTimestamp
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => IsGlobal ? new Instant(Instant.MaxValue.Millis - 86_400_000L) : new Instant(End.Millis - 1);
    }

    /// <inheritdoc />
    public bool Equals(BoundedWindow other) => Start == other.Start && End == other.End && IsGlobal == other.IsGlobal;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BoundedWindow other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Start, End, IsGlobal);

    /// <summary>
    /// <c>GlobalWindow</c>, or the interval with both ends in ISO-8601 UTC,
    /// <c>[2026-12-03T09:00:00.000Z, 2026-12-03T09:01:00.000Z)</c> (see <see cref="Instant.ToString()"/>).
    /// </summary>
    public override string ToString() => IsGlobal ? "GlobalWindow" : "[" + Start.ToString() + ", " + End.ToString() + ")";

    /// <summary>Equality.</summary>
    public static bool operator ==(BoundedWindow left, BoundedWindow right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(BoundedWindow left, BoundedWindow right) => !left.Equals(right);
}
