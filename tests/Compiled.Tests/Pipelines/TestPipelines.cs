using System;
using System.Collections.Generic;
using Compiled;

namespace Compiled.Tests.Pipelines;

// Pipelines compiled by the generator in this test project. Each is checked against the same
// computation written with LINQ in PropertyTests.

/// <summary>Map, Filter, Map, CombineGlobally(Sum): the W1 shape.</summary>
[Pipeline]
public partial class MapFilterSum
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Map(static x => x * 3)
         .Filter(static x => x % 2 == 0)
         .Map(static x => (long)x)
         .CombineGlobally(Combiners.Sum<long>())
         .Output("sum");
}

/// <summary>Word count from text lines: ReadLines, FlatMap, Filter, CountPerElement; plus Count globally.</summary>
[Pipeline]
public partial class WordCounts
{
    static void Define(PipelineBuilder p)
    {
        var words = p.ReadLines("lines")
            .FlatMap<string>(static (line, output) =>
            {
                foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    output.Emit(word.ToLowerInvariant());
                }
            })
            .Filter(static w => w.Length > 1);
        words.CountPerElement().Output("counts");
        words.Count().Output("total");
    }
}

/// <summary>A user CombineFn per key, and the built-ins Min, Max, Mean per key.</summary>
[Pipeline]
public partial class KeyedStats
{
    static void Define(PipelineBuilder p)
    {
        var keyed = p.Create<int>("numbers").WithKeys(static x => ((x % 7) + 7) % 7);
        keyed.CombinePerKey(new SumOfSquaresFn()).Output("sumOfSquares");
        keyed.CombinePerKey(Combiners.Min<int>()).Output("min");
        keyed.CombinePerKey(Combiners.Max<int>()).Output("max");
        keyed.CombinePerKey(Combiners.Mean<int>()).Output("mean");
        keyed.CountPerKey().Output("count");
    }
}

/// <summary>A user CombineFn: sum of squares as a long.</summary>
public struct SumOfSquaresFn : ICombineFn<int, long, long>
{
    public readonly long CreateAccumulator() => 0;

    public readonly void AddInput(ref long accumulator, int input) => accumulator += (long)input * input;

    public readonly void MergeAccumulators(ref long accumulator, long other) => accumulator += other;

    public readonly long ExtractOutput(long accumulator) => accumulator;
}

/// <summary>GroupByKey whose values are iterated downstream (materialized), and GroupByKey + CombineValues (lifted).</summary>
[Pipeline]
public partial class Grouping
{
    static void Define(PipelineBuilder p)
    {
        var keyed = p.Create<int>("numbers").WithKeys(static x => x % 5);
        keyed.GroupByKey()
             .Map(static kv => KV.Of(kv.Key, string.Join(",", SortedCopy(kv.Value))))
             .Output("joined");
        keyed.GroupByKey().CombineValues(Combiners.Sum<int>()).Output("sums");
    }

    private static List<int> SortedCopy(IReadOnlyList<int> values)
    {
        var list = new List<int>(values);
        list.Sort();
        return list;
    }
}

/// <summary>Keys, Values, KvSwap, Distinct, Top and Smallest.</summary>
[Pipeline]
public partial class KeysValuesDistinct
{
    static void Define(PipelineBuilder p)
    {
        var pairs = p.Create<KV<string, int>>("pairs");
        pairs.Keys().Distinct().Output("distinctKeys");
        pairs.Values().CombineGlobally(Combiners.Top<int>(3)).Output("top3");
        pairs.Values().CombineGlobally(Combiners.Smallest<int>(2)).Output("bottom2");
        pairs.KvSwap().Filter(static kv => kv.Key > 50).Output("swapped");
    }
}

/// <summary>CoGroupByKey join of two keyed inputs.</summary>
[Pipeline]
public partial class Join
{
    static void Define(PipelineBuilder p)
    {
        var orders = p.Create<KV<int, string>>("orders");
        var payments = p.Create<KV<int, decimal>>("payments");
        orders.CoGroupByKey(payments)
              .Map(static kv => new JoinRow(kv.Key, kv.Value.First.Count, kv.Value.Second.Count, Total(kv.Value.Second)))
              .Output("rows");
    }

    private static decimal Total(IReadOnlyList<decimal> payments)
    {
        decimal total = 0;
        foreach (var p in payments)
        {
            total += p;
        }

        return total;
    }
}

/// <summary>One row of the join.</summary>
public readonly record struct JoinRow(int Key, int Orders, int Payments, decimal Paid);

/// <summary>Partition into three, then Flatten two of the partitions with a branch of the input.</summary>
[Pipeline]
public partial class PartitionFlatten
{
    static void Define(PipelineBuilder p)
    {
        var numbers = p.Create<int>("numbers");
        var (low, mid, high) = numbers.Partition(3, static (x, n) => x < 0 ? 0 : x < 100 ? 1 : 2);
        low.Output("low");
        p.Flatten(mid, high, numbers.Filter(static x => x == 0)).Map(static x => x + 1).Output("merged");
        high.Count().Output("highCount");
    }
}

/// <summary>ParDo with a main output and a tagged dead-letter output.</summary>
[Pipeline]
public partial class ParseRecords
{
    static void Define(PipelineBuilder p)
    {
        var (parsed, errors) = p.ReadLines("lines")
            .ParDo<int, string>(static (line, ok, bad) =>
            {
                if (int.TryParse(line, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    ok.Emit(value);
                }
                else
                {
                    bad.Emit("not an integer: '" + line + "'");
                }
            });
        parsed.CombineGlobally(Combiners.Count<int>()).Output("parsedCount");
        parsed.Output("parsed");
        errors.Output("deadLetters");
    }
}

/// <summary>Side inputs: a singleton (the mean), a list (thresholds) and a dictionary (names).</summary>
[Pipeline]
public partial class SideInputs
{
    static void Define(PipelineBuilder p)
    {
        var numbers = p.Create<int>("numbers");
        var mean = numbers.CombineGlobally(Combiners.Mean<int>()).AsSingleton();
        numbers.Filter(mean, static (x, m) => x > m).Output("aboveMean");
        var thresholds = p.Create<int>("thresholds").AsList();
        numbers.Map(thresholds, static (x, ts) => CountBelow(x, ts)).Output("ranks");
        var names = p.Create<KV<int, string>>("names").AsDictionary();
        numbers.FlatMap(names, static (int x, IReadOnlyDictionary<int, string> d, IEmitter<string> output) =>
        {
            if (d.TryGetValue(x, out var name))
            {
                output.Emit(name);
            }
        }).Output("named");
    }

    private static int CountBelow(int x, IReadOnlyList<int> thresholds)
    {
        var count = 0;
        foreach (var t in thresholds)
        {
            if (t < x)
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>Map with a method group, and a chain after a grouping (panes are on time).</summary>
[Pipeline]
public partial class AfterGrouping
{
    static void Define(PipelineBuilder p) =>
        p.Create<string>("words")
         .Map(Normalize)
         .CountPerElement()
         .Filter(static kv => kv.Value > 1)
         .Keys()
         .Output("repeated");

    private static string Normalize(string word) => word.Trim().ToUpperInvariant();
}
