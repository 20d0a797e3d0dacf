using System;
using System.Numerics;

namespace Compiled;

/// <summary>
/// Sums integer inputs and throws <see cref="OverflowException"/> when the sum leaves the range of
/// <typeparamref name="T"/>, instead of wrapping around as <see cref="SumFn{T}"/> (and Beam's <c>Sum</c>)
/// does. An empty input sums to zero.
/// </summary>
/// <typeparam name="T">The integer type (<see cref="int"/>, <see cref="long"/>, <see cref="uint"/>, ...).</typeparam>
/// <remarks>
/// <para>Create it with <see cref="Combiners.SumChecked{T}"/>.</para>
/// <para>
/// Adding inputs and merging accumulators are both checked, so every partial sum the runner forms is in
/// range. Whether a run throws can depend on the order in which inputs and accumulators are combined when
/// they have mixed signs (<c>int.MaxValue + 1 - 1</c> overflows, <c>int.MaxValue - 1 + 1</c> does not);
/// with inputs of one sign it does not. The message names the combiner and the operands, e.g.
/// <c>Combiners.SumChecked&lt;Int32&gt;() overflowed: 2147483647 + 1 is outside the range of Int32 ...</c>.
/// </para>
/// <para>The check is a comparison and a branch per addition; no exception handling on the hot path.</para>
/// </remarks>
public readonly struct SumCheckedFn<T> : ICombineFn<T, T, T>
    where T : IBinaryInteger<T>, IMinMaxValue<T>
{
    /// <summary>Zero.</summary>
    public T CreateAccumulator() => T.Zero;

    /// <summary>Adds <paramref name="input"/> to the running sum.</summary>
    /// <exception cref="OverflowException">The sum is outside the range of <typeparamref name="T"/>.</exception>
    public void AddInput(ref T accumulator, T input) => accumulator = Add(accumulator, input);

    /// <summary>Adds the sum of <paramref name="other"/> to the running sum.</summary>
    /// <exception cref="OverflowException">The sum is outside the range of <typeparamref name="T"/>.</exception>
    public void MergeAccumulators(ref T accumulator, T other) => accumulator = Add(accumulator, other);

    /// <summary>The sum.</summary>
    public T ExtractOutput(T accumulator) => accumulator;

    private static T Add(T left, T right)
    {
        if (!CheckedSum.TryAdd(left, right, out T sum))
        {
            CheckedSum.ThrowOverflow(
                $"Combiners.SumChecked<{typeof(T).Name}>()", left, right,
                "Sum into a wider type (Combiners.SumAsLong<T>() widens 8-, 16- and 32-bit integers), or use Combiners.Sum<T>() to wrap around as Beam's Sum does.");
        }

        return sum;
    }
}
