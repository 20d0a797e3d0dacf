namespace Compiled;

/// <summary>An element with its event timestamp (Beam's <c>TimestampedValue</c>).</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="Value">The element.</param>
/// <param name="Timestamp">Its event timestamp.</param>
public readonly record struct TimestampedValue<T>(T Value, Instant Timestamp)
{
    /// <summary>An element at <paramref name="millis"/> milliseconds since the epoch.</summary>
    public static TimestampedValue<T> At(T value, long millis) => new(value, new Instant(millis));
}
