using System;
using System.Numerics;

namespace Compiled;

/// <summary>
/// Sums integer inputs into a <see cref="long"/>: a sum of <see cref="int"/>, <see cref="short"/>,
/// <see cref="byte"/> (...) values that would overflow their own type is exact here. An empty input sums to
/// zero. The <see cref="long"/> sum itself is checked: should it overflow, it throws
/// <see cref="OverflowException"/> rather than wrap around.
/// </summary>
/// <typeparam name="T">
/// An integer type whose every value fits in a <see cref="long"/>: <see cref="sbyte"/>, <see cref="byte"/>,
/// <see cref="short"/>, <see cref="ushort"/>, <see cref="int"/>, <see cref="uint"/>, <see cref="long"/>.
/// </typeparam>
/// <remarks>
/// <para>
/// Create it with <see cref="Combiners.SumAsLong{T}"/>, which rejects wider types (<see cref="ulong"/>,
/// <see cref="Int128"/>, ...). It replaces the usual <c>.Map(static x =&gt; (long)x)</c> before
/// <c>Combiners.Sum&lt;long&gt;()</c>, and works where no Map fits, e.g.
/// <c>.GroupByKey().CombineValues(Combiners.SumAsLong&lt;int&gt;())</c>.
/// </para>
/// <para>
/// A long sum of 32-bit inputs overflows only after more than 2^32 inputs of extreme values, so the result
/// does not depend on the order of inputs and merges in practice; adding and merging are both checked.
/// </para>
/// </remarks>
public readonly struct SumAsLongFn<T> : ICombineFn<T, long, long>
    where T : IBinaryInteger<T>, IMinMaxValue<T>
{
    /// <summary>True when every value of <typeparamref name="T"/> fits in a <see cref="long"/>.</summary>
    internal static bool Widens => T.CreateSaturating(long.MaxValue) >= T.MaxValue && T.CreateSaturating(long.MinValue) <= T.MinValue;

    /// <summary>Zero.</summary>
    public long CreateAccumulator() => 0L;

    /// <summary>Adds <paramref name="input"/>, widened to <see cref="long"/>, to the running sum.</summary>
    /// <exception cref="OverflowException">The sum is outside the range of <see cref="long"/>.</exception>
    public void AddInput(ref long accumulator, T input) => accumulator = Add(accumulator, long.CreateChecked(input));

    /// <summary>Adds the sum of <paramref name="other"/> to the running sum.</summary>
    /// <exception cref="OverflowException">The sum is outside the range of <see cref="long"/>.</exception>
    public void MergeAccumulators(ref long accumulator, long other) => accumulator = Add(accumulator, other);

    /// <summary>The sum.</summary>
    public long ExtractOutput(long accumulator) => accumulator;

    private static long Add(long left, long right)
    {
        if (!CheckedSum.TryAdd(left, right, out long sum))
        {
            CheckedSum.ThrowOverflow(
                $"Combiners.SumAsLong<{typeof(T).Name}>()", left, right,
                "Sum into a wider type, e.g. Map to Int128 or decimal and use Combiners.SumChecked<Int128>() or Combiners.Sum<decimal>().");
        }

        return sum;
    }
}
