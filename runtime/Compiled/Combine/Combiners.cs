using System;
using System.Collections.Generic;
using System.Numerics;

namespace Compiled;

/// <summary>
/// The built-in combine functions (Beam's <c>Sum</c>, <c>Count</c>, <c>Min</c>, <c>Max</c>,
/// <c>Mean</c>, <c>Top</c>, <c>ToList</c>, plus <c>SumChecked</c> and <c>SumAsLong</c> for integer sums that
/// must not wrap around). Each is a struct: generated code keeps it in a field and
/// calls it directly, e.g. <c>private SumFn&lt;long&gt; _fn = global::Compiled.Combiners.Sum&lt;long&gt;();</c>.
/// </summary>
public static class Combiners
{
    /// <summary>
    /// The sum of the inputs; zero for an empty input. Integer sums wrap around on overflow, as Beam's
    /// <c>Sum</c> does in Java (<c>int.MaxValue + 1</c> is <c>int.MinValue</c>); see <see cref="SumChecked{T}"/>
    /// and <see cref="SumAsLong{T}"/> for sums that must not wrap.
    /// </summary>
    /// <typeparam name="T">The numeric type.</typeparam>
    public static SumFn<T> Sum<T>()
        where T : INumber<T> => default;

    /// <summary>
    /// The sum of integer inputs, throwing <see cref="OverflowException"/> (naming this combiner and the
    /// operands) when a sum leaves the range of <typeparamref name="T"/>, when adding inputs or merging
    /// accumulators; zero for an empty input.
    /// </summary>
    /// <typeparam name="T">The integer type.</typeparam>
    public static SumCheckedFn<T> SumChecked<T>()
        where T : IBinaryInteger<T>, IMinMaxValue<T> => default;

    /// <summary>
    /// The sum of integer inputs as a <see cref="long"/>, e.g. <c>Combiners.SumAsLong&lt;int&gt;()</c>: exact
    /// where a sum of <typeparamref name="T"/> would overflow; zero for an empty input. The <see cref="long"/>
    /// sum is checked (<see cref="OverflowException"/>, never a wrap).
    /// </summary>
    /// <typeparam name="T">
    /// An integer type whose values all fit in a <see cref="long"/>: <see cref="sbyte"/>, <see cref="byte"/>,
    /// <see cref="short"/>, <see cref="ushort"/>, <see cref="int"/>, <see cref="uint"/> (or <see cref="long"/>
    /// itself, which makes it a checked sum).
    /// </typeparam>
    /// <exception cref="NotSupportedException">
    /// Some values of <typeparamref name="T"/> do not fit in a <see cref="long"/> (<see cref="ulong"/>,
    /// <see cref="Int128"/>, <see cref="UInt128"/>, <see cref="nuint"/>).
    /// </exception>
    public static SumAsLongFn<T> SumAsLong<T>()
        where T : IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (!SumAsLongFn<T>.Widens)
        {
            throw new NotSupportedException(
                $"Combiners.SumAsLong<{typeof(T).Name}>(): not every {typeof(T).Name} value fits in a long. Use Combiners.SumChecked<{typeof(T).Name}>() to throw on overflow, or Combiners.Sum<{typeof(T).Name}>() to wrap around.");
        }

        return default;
    }

    /// <summary>The number of inputs.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    public static CountFn<T> Count<T>() => default;

    /// <summary>
    /// The smallest input; for <see cref="double"/>, <see cref="float"/> and <see cref="Half"/>, NaN if any input is
    /// NaN and -0 below +0 (Beam's <c>Min.ofDoubles()</c>; see <see cref="MinFn{T}"/>). Extracting the output of
    /// an empty input throws <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static MinFn<T> Min<T>()
        where T : IComparable<T> => default;

    /// <summary>The smallest input, or <paramref name="identity"/> for an empty input (e.g. <see cref="int.MaxValue"/>).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="identity">The output for an empty input.</param>
    public static MinFn<T> Min<T>(T identity)
        where T : IComparable<T> => new(identity);

    /// <summary>
    /// The largest input; for <see cref="double"/>, <see cref="float"/> and <see cref="Half"/>, NaN if any input is
    /// NaN and +0 above -0 (Beam's <c>Max.ofDoubles()</c>; see <see cref="MaxFn{T}"/>). Extracting the output of
    /// an empty input throws <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static MaxFn<T> Max<T>()
        where T : IComparable<T> => default;

    /// <summary>The largest input, or <paramref name="identity"/> for an empty input (e.g. <see cref="int.MinValue"/>).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="identity">The output for an empty input.</param>
    public static MaxFn<T> Max<T>(T identity)
        where T : IComparable<T> => new(identity);

    /// <summary>The arithmetic mean of the inputs as a <see cref="double"/>; <see cref="double.NaN"/> for an empty input.</summary>
    /// <typeparam name="T">The numeric type.</typeparam>
    public static MeanFn<T> Mean<T>()
        where T : INumber<T> => default;

    /// <summary>The <paramref name="count"/> largest inputs by <see cref="Comparer{T}.Default"/>, largest first.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="count">How many elements to output at most; greater than zero.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public static TopFn<T> Top<T>(int count) => new(count, smallest: false);

    /// <summary>The <paramref name="count"/> smallest inputs by <see cref="Comparer{T}.Default"/>, smallest first.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="count">How many elements to output at most; greater than zero.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public static TopFn<T> Smallest<T>(int count) => new(count, smallest: true);

    /// <summary>
    /// The <paramref name="count"/> largest inputs by <paramref name="comparer"/>, largest first (Beam's
    /// <c>Top.of(count, comparator)</c>). Elements that compare equal come in an unspecified order (see <see cref="TopFn{T}"/>).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="count">How many elements to output at most; greater than zero.</param>
    /// <param name="comparer">The order, e.g. <c>Comparer&lt;Play&gt;.Create(static (a, b) =&gt; a.Score.CompareTo(b.Score))</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="comparer"/> is null.</exception>
    public static TopFn<T> Top<T>(int count, IComparer<T> comparer)
    {
        ArgumentNullException.ThrowIfNull(comparer);
        return new(count, smallest: false, comparer);
    }

    /// <summary>The <paramref name="count"/> smallest inputs by <paramref name="comparer"/>, smallest first.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="count">How many elements to output at most; greater than zero.</param>
    /// <param name="comparer">The order.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="comparer"/> is null.</exception>
    public static TopFn<T> Smallest<T>(int count, IComparer<T> comparer)
    {
        ArgumentNullException.ThrowIfNull(comparer);
        return new(count, smallest: true, comparer);
    }

    /// <summary>
    /// The <paramref name="count"/> inputs with the largest keys by <see cref="Comparer{T}.Default"/> of
    /// <typeparamref name="TKey"/>, largest first, e.g. <c>Combiners.Top(3, static (Play p) =&gt; p.Score)</c>. Elements
    /// with equal keys come in an unspecified order (see <see cref="TopFn{T}"/>).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="count">How many elements to output at most; greater than zero.</param>
    /// <param name="keySelector">The key of an element: a static lambda or method group.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="keySelector"/> is null.</exception>
    public static TopFn<T> Top<T, TKey>(int count, Func<T, TKey> keySelector) =>
        new(count, smallest: false, new KeyComparer<T, TKey>(keySelector));

    /// <summary>The <paramref name="count"/> inputs with the smallest keys, smallest first.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="count">How many elements to output at most; greater than zero.</param>
    /// <param name="keySelector">The key of an element: a static lambda or method group.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="keySelector"/> is null.</exception>
    public static TopFn<T> Smallest<T, TKey>(int count, Func<T, TKey> keySelector) =>
        new(count, smallest: true, new KeyComparer<T, TKey>(keySelector));

    /// <summary>Orders elements by their keys under <see cref="Comparer{T}.Default"/> of the key type.</summary>
    private sealed class KeyComparer<T, TKey> : IComparer<T>
    {
        private readonly Func<T, TKey> _key;

        public KeyComparer(Func<T, TKey> key)
        {
            ArgumentNullException.ThrowIfNull(key);
            _key = key;
        }

        public int Compare(T? x, T? y) => Comparer<TKey>.Default.Compare(_key(x!), _key(y!));
    }

    /// <summary>All the inputs, as a list.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    public static ToListFn<T> ToList<T>() => default;
}
