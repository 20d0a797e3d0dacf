namespace Compiled;

/// <summary>
/// The accumulator of <see cref="MinFn{T}"/> and <see cref="MaxFn{T}"/>: the extreme value seen so far,
/// if any input was seen.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public readonly struct MinMaxAccumulator<T>
{
    /// <summary>An accumulator holding <paramref name="value"/>.</summary>
    public MinMaxAccumulator(T value)
    {
        HasValue = true;
        Value = value;
    }

    /// <summary>False for an empty accumulator (no input seen).</summary>
    public bool HasValue { get; }

    /// <summary>The extreme value seen so far; <c>default</c> when <see cref="HasValue"/> is false.</summary>
    public T Value { get; }

    /// <inheritdoc />
    public override string ToString() => HasValue ? $"MinMaxAccumulator({Value})" : "MinMaxAccumulator(empty)";
}
