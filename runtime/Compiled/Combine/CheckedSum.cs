using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// Integer addition that detects overflow without exceptions on the hot path, for
/// <see cref="SumCheckedFn{T}"/> and <see cref="SumAsLongFn{T}"/>: the addition wraps, and the wrap is
/// detected by comparing the result with the left operand.
/// </summary>
internal static class CheckedSum
{
    /// <summary>
    /// Adds <paramref name="right"/> to <paramref name="left"/>; false when the exact sum is outside the range
    /// of <typeparamref name="T"/> (<paramref name="sum"/> then holds the wrapped value).
    /// </summary>
    /// <remarks>
    /// Adding a non-negative value can only overflow upward, which wraps to a result below
    /// <paramref name="left"/>; adding a negative value can only overflow downward, which wraps to a result
    /// above it. For unsigned types only the first case exists.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryAdd<T>(T left, T right, out T sum)
        where T : IBinaryInteger<T>
    {
        sum = left + right;
        return T.IsNegative(right) ? sum < left : sum >= left;
    }

    /// <summary>Throws the <see cref="OverflowException"/> of a checked sum, naming the combiner and the operands.</summary>
    /// <param name="combiner">The combiner as the user wrote it, e.g. <c>Combiners.SumChecked&lt;Int32&gt;()</c>.</param>
    /// <param name="left">The sum so far.</param>
    /// <param name="right">The value (or the other accumulator's sum) being added.</param>
    /// <param name="advice">What to use instead.</param>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowOverflow<T>(string combiner, T left, T right, string advice)
        where T : IBinaryInteger<T>, IMinMaxValue<T> =>
        throw new OverflowException(string.Create(CultureInfo.InvariantCulture,
            $"{combiner} overflowed: {left} + {right} is outside the range of {typeof(T).Name} ({T.MinValue} to {T.MaxValue}). {advice}"));
}
