namespace Compiled;

/// <summary>The accumulator of <see cref="MeanFn{T}"/>: the sum (as a double, as in Beam) and the count of inputs.</summary>
public struct MeanAccumulator
{
    /// <summary>The sum of the inputs seen, converted to <see cref="double"/>.</summary>
    public double Sum;

    /// <summary>The number of inputs seen.</summary>
    public long Count;

    /// <inheritdoc />
    public override readonly string ToString() => $"MeanAccumulator(sum {Sum}, count {Count})";
}
