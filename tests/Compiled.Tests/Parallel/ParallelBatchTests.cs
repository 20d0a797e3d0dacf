using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Compiled.Tests.Pipelines;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>A record key with a double: -0.0 and 0.0 are equal keys (record equality uses double.Equals), and NaNs too.</summary>
public readonly record struct Reading(string Sensor, double Level);

/// <summary>Counts per record key: equal keys must meet on one shard whatever their bits.</summary>
[Pipeline]
public partial class ReadingCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<Reading>("readings").CountPerElement().Output("counts");
}

/// <summary>A key type whose equality the generator cannot read: every key goes to one key group, results stay right.</summary>
public sealed class CaseInsensitiveName : IEquatable<CaseInsensitiveName>
{
    public CaseInsensitiveName(string name) => Name = name;

    public string Name { get; }

    public bool Equals(CaseInsensitiveName? other) => other is not null && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => Equals(obj as CaseInsensitiveName);

    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Name);

    public override string ToString() => Name.ToLowerInvariant();
}

/// <summary>Counts per key of a type with a user-written Equals.</summary>
[Pipeline]
public partial class CaseInsensitiveCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<string>("names").Map(static n => KV.Of(new CaseInsensitiveName(n), 1)).CountPerKey().Output("counts");
}

/// <summary>Two groupings in a row, a global combine after a keyed one, and a lambda that may throw.</summary>
[Pipeline]
public partial class TwoGroupings
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Map(static x => x == int.MinValue ? throw new InvalidOperationException("bad element " + x) : x)
         .WithKeys(static x => x % 10)
         .CountPerKey()
         .Map(static kv => KV.Of(kv.Value % 3, kv.Key))
         .GroupByKey()
         .Map(static kv => KV.Of(kv.Key, kv.Value.Count))
         .Values()
         .CombineGlobally(Combiners.Sum<int>())
         .Output("total");
}

/// <summary>
/// The parallel batch runner gives the single-threaded runner's results, pane for pane: same values, timestamps,
/// windows and panes; only the order of different keys may differ, so outputs are compared as sorted multisets, and a
/// group's values (in input order on both runners) exactly.
/// </summary>
public class ParallelBatchTests
{
    private static readonly Gen<int[]> Numbers = Gen.Int[-1000, 1000].Array[0, 400];

    private static readonly Gen<int> Parallelism = Gen.Int[1, 4];

    private static readonly Gen<string> Word = Gen.OneOf(Gen.Const("a"), Gen.Const("the"), Gen.Const("The"), Gen.Const("cat"), Gen.Const("dog"), Gen.String[Gen.Char['a', 'e'], 1, 4]);

    private static readonly Gen<string[]> Lines = Gen.Select(Word.Array[0, 8], ws => string.Join(" ", ws)).Array[0, 60];

    /// <summary>A PCollection's elements with their timestamps, windows and panes, as a sorted multiset.</summary>
    private static List<string> Multiset<T>(IEnumerable<WindowedValue<T>> elements) =>
        elements.Select(e => e.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Fact]
    public void MapFilterSum_GlobalCombineMergesShardAccumulators() => Gen.Select(Numbers, Parallelism).Sample((xs, p) =>
    {
        var single = MapFilterSum.Run(xs);
        var parallel = MapFilterSum.Run(xs, parallelism: p);
        Assert.Equal(Multiset(single.SumElements), Multiset(parallel.SumElements));
    });

    [Fact]
    public void WordCounts_FromLines() => Gen.Select(Lines, Parallelism).Sample((lines, p) =>
    {
        var single = WordCounts.Run(TextInput.FromLines(lines));
        var parallel = WordCounts.Run(TextInput.FromLines(lines), parallelism: p);
        Assert.Equal(Multiset(single.CountsElements), Multiset(parallel.CountsElements));
        Assert.Equal(Multiset(single.TotalElements), Multiset(parallel.TotalElements));
    });

    [Fact]
    public void WordCounts_FromFileSplitByByteRanges() => Gen.Select(Lines, Parallelism).Sample((lines, p) =>
    {
        var path = Path.Combine(Path.GetTempPath(), "compiled-pwc-" + Guid.NewGuid().ToString("N") + ".txt");
        try
        {
            File.WriteAllText(path, string.Join("\r\n", lines));
            var single = WordCounts.Run(TextInput.FromFile(path));
            var parallel = WordCounts.Run(TextInput.FromFile(path), parallelism: p);
            Assert.Equal(Multiset(single.CountsElements), Multiset(parallel.CountsElements));
            Assert.Equal(Multiset(single.TotalElements), Multiset(parallel.TotalElements));
        }
        finally
        {
            File.Delete(path);
        }
    }, iter: 30);

    [Fact]
    public void KeyedStats_CombinersLiftedAcrossTheExchange() => Gen.Select(Numbers, Parallelism).Sample((xs, p) =>
    {
        var single = KeyedStats.Run(xs);
        var parallel = KeyedStats.Run(xs, parallelism: p);
        Assert.Equal(Multiset(single.SumOfSquaresElements), Multiset(parallel.SumOfSquaresElements));
        Assert.Equal(Multiset(single.MinElements), Multiset(parallel.MinElements));
        Assert.Equal(Multiset(single.MaxElements), Multiset(parallel.MaxElements));
        Assert.Equal(Multiset(single.MeanElements), Multiset(parallel.MeanElements));
        Assert.Equal(Multiset(single.CountElements), Multiset(parallel.CountElements));
    });

    [Fact]
    public void Grouping_ValuesOfAKeyKeepInputOrder() => Gen.Select(Numbers, Parallelism).Sample((xs, p) =>
    {
        var single = Grouping.Run(xs);
        var parallel = Grouping.Run(xs, parallelism: p);
        Assert.Equal(Multiset(single.JoinedElements), Multiset(parallel.JoinedElements));
        Assert.Equal(Multiset(single.SumsElements), Multiset(parallel.SumsElements));
    });

    [Fact]
    public void GroupByKey_ValuesArriveInInputOrder()
    {
        // Values of one key from every part of the input: the merged group lists them as the single runner does.
        var xs = Enumerable.Range(0, 1000).ToArray();
        var single = TwoGroupings.Run(xs);
        for (var p = 1; p <= 4; p++)
        {
            Assert.Equal(Multiset(single.TotalElements), Multiset(TwoGroupings.Run(xs, parallelism: p).TotalElements));
        }
    }

    [Fact]
    public void KeysValuesDistinct_DistinctAndTopMerge() => Gen.Select(Gen.Select(Gen.String[Gen.Char['a', 'f'], 0, 3], Gen.Int[0, 100], KV.Of).Array[0, 200], Parallelism).Sample((pairs, p) =>
    {
        var single = KeysValuesDistinct.Run(pairs);
        var parallel = KeysValuesDistinct.Run(pairs, parallelism: p);
        Assert.Equal(Multiset(single.DistinctKeysElements), Multiset(parallel.DistinctKeysElements));
        Assert.Equal(Multiset(single.Top3Elements), Multiset(parallel.Top3Elements));
        Assert.Equal(Multiset(single.Bottom2Elements), Multiset(parallel.Bottom2Elements));
        Assert.Equal(Multiset(single.SwappedElements), Multiset(parallel.SwappedElements));
    });

    [Fact]
    public void Join_CoGroupByKeyOfTwoInputs() => Gen.Select(
        Gen.Select(Gen.Int[0, 20], Gen.String[Gen.Char['a', 'c'], 1, 2], KV.Of).Array[0, 100],
        Gen.Select(Gen.Int[0, 20], Gen.Int[0, 1000], (k, v) => KV.Of(k, v / 10m)).Array[0, 100],
        Parallelism).Sample((orders, payments, p) =>
    {
        var single = Join.Run(orders, payments);
        var parallel = Join.Run(orders, payments, parallelism: p);
        Assert.Equal(Multiset(single.RowsElements), Multiset(parallel.RowsElements));
    });

    [Fact]
    public void PartitionFlatten_ElementWiseAndCount() => Gen.Select(Numbers, Parallelism).Sample((xs, p) =>
    {
        var single = PartitionFlatten.Run(xs);
        var parallel = PartitionFlatten.Run(xs, parallelism: p);
        Assert.Equal(Multiset(single.LowElements), Multiset(parallel.LowElements));
        Assert.Equal(Multiset(single.MergedElements), Multiset(parallel.MergedElements));
        Assert.Equal(Multiset(single.HighCountElements), Multiset(parallel.HighCountElements));
    });

    [Fact]
    public void SideInputs_ViewsAreBroadcastWhole() => Gen.Select(Numbers, Gen.Int[-1000, 1000].Array[0, 20], Parallelism).Sample((xs, thresholds, p) =>
    {
        var names = Enumerable.Range(-5, 11).Select(i => KV.Of(i * 7, "n" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        var single = SideInputs.Run(xs, thresholds, names);
        var parallel = SideInputs.Run(xs, thresholds, names, parallelism: p);
        Assert.Equal(Multiset(single.AboveMeanElements), Multiset(parallel.AboveMeanElements));
        Assert.Equal(Multiset(single.RanksElements), Multiset(parallel.RanksElements));
        Assert.Equal(Multiset(single.NamedElements), Multiset(parallel.NamedElements));
    });

    [Fact]
    public void ParseRecords_TaggedOutputs() => Gen.Select(Gen.OneOf(Gen.Int[-50, 50].Select(i => i.ToString(CultureInfo.InvariantCulture)), Gen.String[Gen.Char['a', 'c'], 0, 3]).Array[0, 80], Parallelism).Sample((lines, p) =>
    {
        var single = ParseRecords.Run(TextInput.FromLines(lines));
        var parallel = ParseRecords.Run(TextInput.FromLines(lines), parallelism: p);
        Assert.Equal(Multiset(single.ParsedCountElements), Multiset(parallel.ParsedCountElements));
        Assert.Equal(Multiset(single.ParsedElements), Multiset(parallel.ParsedElements));
        Assert.Equal(Multiset(single.DeadLettersElements), Multiset(parallel.DeadLettersElements));
    });

    [Fact]
    public void EqualRecordKeysMeetWhateverTheirBits()
    {
        // -0.0 and 0.0, and two NaNs with different payloads, are equal doubles: each pair is one key.
        var otherNaN = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(double.NaN) ^ 1);
        var readings = Enumerable.Range(0, 400).SelectMany(i => new[]
        {
            new Reading("s" + (i % 7).ToString(CultureInfo.InvariantCulture), i % 2 == 0 ? 0.0 : -0.0),
            new Reading("nan", i % 2 == 0 ? double.NaN : otherNaN),
        }).ToArray();
        var single = ReadingCounts.Run(readings);
        Assert.Equal(8, single.Counts.Count);
        for (var p = 1; p <= 4; p++)
        {
            Assert.Equal(Multiset(single.CountsElements), Multiset(ReadingCounts.Run(readings, parallelism: p).CountsElements));
        }
    }

    [Fact]
    public void KeysWithAUserWrittenEqualsGoToOneKeyGroupAndStayRight()
    {
        var names = Enumerable.Range(0, 300).Select(i => (i % 3) switch { 0 => "Ada", 1 => "ADA", _ => "grace" }).ToArray();
        var single = CaseInsensitiveCounts.Run(names);
        Assert.Equal(2, single.Counts.Count);
        for (var p = 1; p <= 4; p++)
        {
            Assert.Equal(Multiset(single.CountsElements), Multiset(CaseInsensitiveCounts.Run(names, parallelism: p).CountsElements));
        }

        Assert.Contains("every key goes to one key group", CaseInsensitiveCounts.PlanDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyInputsGiveTheDefaultsOnce()
    {
        for (var p = 1; p <= 4; p++)
        {
            var parallel = MapFilterSum.Run(Array.Empty<int>(), parallelism: p);
            Assert.Equal(new[] { 0L }, parallel.Sum);
            var counts = WordCounts.Run(TextInput.FromLines(Array.Empty<string>()), parallelism: p);
            Assert.Equal(new[] { 0L }, counts.Total);
            Assert.Empty(counts.Counts);
        }
    }

    [Fact]
    public async Task AThrowingLambdaOnOneShardSurfacesAndNothingHangs()
    {
        var xs = Enumerable.Range(0, 100_000).ToArray();
        xs[77_777] = int.MinValue; // on the last shard for every parallelism 2..4
        for (var p = 2; p <= 4; p++)
        {
            var parallelism = p;
            var run = Task.Run(() => TwoGroupings.Run(xs, parallelism: parallelism));
            Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))));
            Assert.True(run.IsFaulted, "the run with a throwing lambda did not fail");
            var error = Assert.IsType<PipelineExecutionException>(FirstNonAggregate(run.Exception!));
            // The index is the element's in the input given to Run, and the shard is named.
            Assert.Equal(77_777, error.ElementIndex);
            Assert.Equal(p - 1, error.Shard);
            Assert.Contains("shard " + (p - 1).ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
            Assert.Contains("bad element", error.InnerException!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ParallelismIsValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MapFilterSum.Run(new[] { 1 }, parallelism: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MapFilterSum.Run(new[] { 1 }, parallelism: 8, maxParallelism: 4));
    }

    [Fact]
    public void ThePlanSaysWhereEachExchangeIs()
    {
        Assert.Contains("Parallel batch runner (Run with a parallelism)", WordCounts.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("by key group", WordCounts.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("combiner lifting", KeyedStats.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("shard 0 merges the accumulators", MapFilterSum.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("every shard that reads it gets the whole view", SideInputs.PlanDescription, StringComparison.Ordinal);
    }

    private static Exception FirstNonAggregate(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            e = aggregate.InnerExceptions[0];
        }

        // A shard's failure names the shard and carries the pipeline's exception inside.
        while (e is not PipelineExecutionException && e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
