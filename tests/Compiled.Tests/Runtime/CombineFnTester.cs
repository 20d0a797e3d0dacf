using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Compiled.Tests.Runtime;

/// <summary>
/// Beam's <c>CombineFnTester.testCombineFn</c>, ported: a combine function must give the same output for
/// every order of its inputs and every way of splitting them into accumulators and merging those. Beam
/// shuffles once; small inputs here are run in every order, and the accumulators merged in one pass (with
/// empty accumulators before and after), incrementally, and in reverse.
/// </summary>
internal static class CombineFnTester
{
    /// <summary>Asserts that every order and sharding of <paramref name="inputs"/> gives <paramref name="expected"/>.</summary>
    public static void Check<TFn, TIn, TAcc, TOut>(TFn fn, IReadOnlyList<TIn> inputs, TOut expected, Func<TOut, TOut, bool>? same = null)
        where TFn : struct, ICombineFn<TIn, TAcc, TOut>
    {
        same ??= EqualityComparer<TOut>.Default.Equals;
        foreach (var (description, output) in Outputs<TFn, TIn, TAcc, TOut>(fn, inputs))
        {
            Assert.True(same(expected, output()), $"{description}: expected {expected}, got {output()}");
        }
    }

    /// <summary>Asserts that every order and sharding of <paramref name="inputs"/> throws <typeparamref name="TException"/>.</summary>
    public static List<TException> ThrowsInEveryOrder<TException, TFn, TIn, TAcc, TOut>(TFn fn, IReadOnlyList<TIn> inputs)
        where TException : Exception
        where TFn : struct, ICombineFn<TIn, TAcc, TOut>
    {
        var thrown = new List<TException>();
        foreach (var (description, output) in Outputs<TFn, TIn, TAcc, TOut>(fn, inputs))
        {
            try
            {
                var result = output();
                Assert.Fail($"{description}: expected {typeof(TException).Name}, got {result}");
            }
            catch (TException e)
            {
                thrown.Add(e);
            }
        }

        return thrown;
    }

    private static IEnumerable<(string Description, Func<TOut> Output)> Outputs<TFn, TIn, TAcc, TOut>(TFn fn, IReadOnlyList<TIn> inputs)
        where TFn : struct, ICombineFn<TIn, TAcc, TOut>
    {
        foreach (var order in Orders(inputs))
        {
            var text = "[" + string.Join(", ", order) + "]";
            foreach (var (name, shards) in Shardings(order))
            {
                yield return ($"{text} {name}, one merge", () => MergeAll<TFn, TIn, TAcc, TOut>(fn, shards, withEmpty: false, reverse: false));
                yield return ($"{text} {name}, with empty accumulators", () => MergeAll<TFn, TIn, TAcc, TOut>(fn, shards, withEmpty: true, reverse: false));
                yield return ($"{text} {name}, merged in reverse", () => MergeAll<TFn, TIn, TAcc, TOut>(fn, shards, withEmpty: false, reverse: true));
                yield return ($"{text} {name}, incremental", () => MergeIncrementally<TFn, TIn, TAcc, TOut>(fn, shards));
            }
        }
    }

    // Every permutation up to 6 elements (720); beyond, the order given, reversed, and three shuffles.
    private static IEnumerable<TIn[]> Orders<TIn>(IReadOnlyList<TIn> inputs)
    {
        if (inputs.Count <= 6)
        {
            foreach (var permutation in Permutations(inputs.ToArray(), 0))
            {
                yield return permutation;
            }

            yield break;
        }

        yield return inputs.ToArray();
        yield return inputs.Reverse().ToArray();
        var random = new Random(inputs.Count);
        for (var i = 0; i < 3; i++)
        {
            yield return inputs.OrderBy(_ => random.Next()).ToArray();
        }
    }

    private static IEnumerable<T[]> Permutations<T>(T[] items, int from)
    {
        if (from >= items.Length - 1)
        {
            yield return (T[])items.Clone();
            yield break;
        }

        for (var i = from; i < items.Length; i++)
        {
            (items[from], items[i]) = (items[i], items[from]);
            foreach (var p in Permutations(items, from + 1))
            {
                yield return p;
            }

            (items[from], items[i]) = (items[i], items[from]);
        }
    }

    // Beam's shardings: one shard, evenly into 2, size/2 and size/sqrt(size) shards, exponentially; plus one per element.
    private static IEnumerable<(string Name, List<TIn[]> Shards)> Shardings<TIn>(TIn[] order)
    {
        var size = order.Length;
        yield return ("one shard", new List<TIn[]> { order });
        yield return ("2 shards", Evenly(order, 2));
        if (size > 4)
        {
            yield return ($"{size / 2} shards", Evenly(order, size / 2));
            yield return ($"{(int)(size / Math.Sqrt(size))} shards", Evenly(order, (int)(size / Math.Sqrt(size))));
        }

        yield return ("exponential 1.4", Exponentially(order, 1.4));
        yield return ("exponential e", Exponentially(order, Math.E));
        yield return ("one per element", order.Select(x => new[] { x }).ToList());
    }

    private static List<T[]> Evenly<T>(T[] input, int shards) =>
        Enumerable.Range(0, shards).Select(i => input[(i * input.Length / shards)..((i + 1) * input.Length / shards)]).ToList();

    private static List<T[]> Exponentially<T>(T[] input, double factor)
    {
        var shards = new List<T[]>();
        var end = input.Length;
        while (end > 0)
        {
            var start = (int)(end / factor);
            shards.Add(input[start..end]);
            end = start;
        }

        return shards;
    }

    private static List<TAcc> Accumulate<TFn, TIn, TAcc, TOut>(TFn fn, List<TIn[]> shards)
        where TFn : struct, ICombineFn<TIn, TAcc, TOut>
    {
        var accumulators = new List<TAcc>();
        foreach (var shard in shards)
        {
            var accumulator = fn.CreateAccumulator();
            foreach (var input in shard)
            {
                fn.AddInput(ref accumulator, input);
            }

            accumulators.Add(accumulator);
        }

        return accumulators;
    }

    private static TOut MergeAll<TFn, TIn, TAcc, TOut>(TFn fn, List<TIn[]> shards, bool withEmpty, bool reverse)
        where TFn : struct, ICombineFn<TIn, TAcc, TOut>
    {
        var accumulators = Accumulate<TFn, TIn, TAcc, TOut>(fn, shards);
        if (withEmpty)
        {
            accumulators.Insert(0, fn.CreateAccumulator());
            accumulators.Add(fn.CreateAccumulator());
        }

        if (reverse)
        {
            accumulators.Reverse();
        }

        if (accumulators.Count == 0)
        {
            return fn.ExtractOutput(fn.CreateAccumulator()); // Beam: merging no accumulators gives a new one
        }

        var merged = accumulators[0];
        foreach (var other in accumulators.Skip(1))
        {
            fn.MergeAccumulators(ref merged, other);
        }

        return fn.ExtractOutput(merged);
    }

    private static TOut MergeIncrementally<TFn, TIn, TAcc, TOut>(TFn fn, List<TIn[]> shards)
        where TFn : struct, ICombineFn<TIn, TAcc, TOut>
    {
        var merged = fn.CreateAccumulator();
        foreach (var accumulator in Accumulate<TFn, TIn, TAcc, TOut>(fn, shards))
        {
            // Into a fresh accumulator each time, as a runner merging a new pane into a fired one.
            var next = accumulator;
            fn.MergeAccumulators(ref next, merged);
            merged = next;
        }

        return fn.ExtractOutput(merged);
    }
}
