using System;
using System.Collections.Generic;
using System.Numerics;

namespace Compiled;

/// <summary>
/// The built-in combine functions (Beam's <c>Sum</c>, <c>Count</c>, <c>Min</c>, <c>Max</c>,
/// <c>Mean</c>, <c>Top</c>, <c>ToList</c>). Each is a struct: generated code keeps it in a field and
/// calls it directly, e.g. <c>private SumFn&lt;long&gt; _fn = global::Compiled.Combiners.Sum&lt;long&gt;();</c>.
/// </summary>
public static class Combiners
{
    /// <summary>The sum of the inputs; zero for an empty input.</summary>
    /// <typeparam name="T">The numeric type.</typeparam>
    public static SumFn<T> Sum<T>()
        where T : INumber<T> => default;

    /// <summary>The number of inputs.</summary>
    /// <typeparam name="T">The input type.</typeparam>
    public static CountFn<T> Count<T>() => default;

    /// <summary>The smallest input. Extracting the output of an empty input throws <see cref="InvalidOperationException"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    public static MinFn<T> Min<T>()
        where T : IComparable<T> => default;

    /// <summary>The smallest input, or <paramref name="identity"/> for an empty input (e.g. <see cref="int.MaxValue"/>).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="identity">The output for an empty input.</param>
    public static MinFn<T> Min<T>(T identity)
        where T : IComparable<T> => new(identity);

    /// <summary>The largest input. Extracting the output of an empty input throws <see cref="InvalidOperationException"/>.</summary>
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

    /// <summary>All the inputs, as a list.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    public static ToListFn<T> ToList<T>() => default;
}
