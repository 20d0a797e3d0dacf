using System;

namespace Compiled;

/// <summary>
/// Conversions between <see cref="TimeSpan"/> and Beam's millisecond durations. Event time in Beam,
/// and here, has millisecond precision: a <see cref="TimeSpan"/> carries 100 ns ticks, which must be
/// dropped or refused on the way in.
/// </summary>
public static class Durations
{
    /// <summary>
    /// Whole milliseconds in <paramref name="duration"/>, truncated toward zero: 1.9 ms becomes 1 ms
    /// and -1.9 ms becomes -1 ms. Use <see cref="ToWholeMillis"/> to refuse precision loss instead.
    /// </summary>
    /// <param name="duration">The duration.</param>
    /// <returns>Milliseconds, truncated toward zero.</returns>
    public static long ToMillis(TimeSpan duration) => duration.Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>
    /// Milliseconds in <paramref name="duration"/>, which must be a whole number of milliseconds. The
    /// window functions' <see cref="TimeSpan"/> factories (<see cref="WindowFns"/>) use this, so a
    /// window size of 0.5 ms is an error rather than a silent 0.
    /// </summary>
    /// <param name="duration">The duration.</param>
    /// <param name="paramName">The parameter name reported if the duration is refused.</param>
    /// <returns>Milliseconds.</returns>
    /// <exception cref="ArgumentException">The duration has a sub-millisecond part.</exception>
    public static long ToWholeMillis(TimeSpan duration, string paramName = "duration")
    {
        if (!IsWholeMillis(duration))
        {
            throw new ArgumentException($"Event time has millisecond precision, as in Beam; {duration} has a sub-millisecond part.", paramName);
        }

        return duration.Ticks / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>True if <paramref name="duration"/> is a whole number of milliseconds.</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>True if no precision is lost by <see cref="ToMillis"/>.</returns>
    public static bool IsWholeMillis(TimeSpan duration) => duration.Ticks % TimeSpan.TicksPerMillisecond == 0;

    /// <summary>The <see cref="TimeSpan"/> of <paramref name="millis"/> milliseconds (exact).</summary>
    /// <param name="millis">Milliseconds.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The duration does not fit in a <see cref="TimeSpan"/> (about ±29,000 years).</exception>
    public static TimeSpan FromMillis(long millis)
    {
        const long Limit = long.MaxValue / TimeSpan.TicksPerMillisecond;
        if (millis > Limit || millis < -Limit)
        {
            throw new ArgumentOutOfRangeException(nameof(millis), millis, "The duration does not fit in a TimeSpan.");
        }

        return new TimeSpan(millis * TimeSpan.TicksPerMillisecond);
    }
}
