using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Pipelines;

/// <summary>
/// For random inputs, each generated pipeline gives the same results as the same computation written
/// with LINQ (the oracle). Outputs of a PCollection are unordered, so they are compared sorted.
/// </summary>
public class PropertyTests
{
    private static readonly Gen<int[]> Numbers = Gen.Int[-1000, 1000].Array[0, 300];

    private static readonly Gen<string> Word = Gen.OneOf(Gen.Const("a"), Gen.Const("the"), Gen.Const("The"), Gen.Const("cat"), Gen.Const("dog"), Gen.Const("x"), Gen.String[Gen.Char['a', 'e'], 1, 4]);

    private static readonly Gen<string[]> Lines = Gen.Select(Word.Array[0, 8], ws => string.Join(" ", ws)).Array[0, 40];

    private static List<T> Sorted<T>(IEnumerable<T> items) => items.OrderBy(x => x).ToList();

    private static List<KV<TKey, TValue>> SortedKv<TKey, TValue>(IEnumerable<KV<TKey, TValue>> items) =>
        items.OrderBy(kv => kv.Key).ThenBy(kv => kv.Value).ToList();

    [Fact]
    public void MapFilterSum_EqualsLinq() => Numbers.Sample(xs =>
    {
        var results = MapFilterSum.Run(xs);
        var expected = xs.Select(x => x * 3).Where(x => x % 2 == 0).Select(x => (long)x).Sum();
        Assert.Equal(new[] { expected }, results.Sum);
    });

    [Fact]
    public void WordCounts_EqualsLinq() => Lines.Sample(lines =>
    {
        var results = WordCounts.Run(TextInput.FromLines(lines));
        var words = lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(w => w.ToLowerInvariant()).Where(w => w.Length > 1).ToList();
        var expected = words.GroupBy(w => w, StringComparer.Ordinal).Select(g => KV.Of(g.Key, (long)g.Count()));
        Assert.Equal(SortedKv(expected), SortedKv(results.Counts));
        Assert.Equal(new[] { (long)words.Count }, results.Total);
    });

    [Fact]
    public void WordCounts_FromFile_EqualsInMemory() => Lines.Sample(lines =>
    {
        var path = Path.Combine(Path.GetTempPath(), "compiled-wc-" + Guid.NewGuid().ToString("N") + ".txt");
        try
        {
            File.WriteAllText(path, string.Join("\r\n", lines));
            var fromFile = WordCounts.Run(TextInput.FromFile(path));
            var inMemory = WordCounts.Run(TextInput.FromLines(lines));
            Assert.Equal(SortedKv(inMemory.Counts), SortedKv(fromFile.Counts));
        }
        finally
        {
            File.Delete(path);
        }
    }, iter: 20);

    [Fact]
    public void KeyedStats_EqualsLinq() => Numbers.Sample(xs =>
    {
        var r = KeyedStats.Run(xs);
        var groups = xs.GroupBy(x => ((x % 7) + 7) % 7).ToList();
        Assert.Equal(SortedKv(groups.Select(g => KV.Of(g.Key, g.Sum(x => (long)x * x)))), SortedKv(r.SumOfSquares));
        Assert.Equal(SortedKv(groups.Select(g => KV.Of(g.Key, g.Min()))), SortedKv(r.Min));
        Assert.Equal(SortedKv(groups.Select(g => KV.Of(g.Key, g.Max()))), SortedKv(r.Max));
        Assert.Equal(SortedKv(groups.Select(g => KV.Of(g.Key, (long)g.Count()))), SortedKv(r.Count));
        var mean = r.Mean.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(groups.Count, mean.Count);
        foreach (var g in groups)
        {
            Assert.Equal(g.Average(), mean[g.Key], 9);
        }
    });

    [Fact]
    public void Grouping_EqualsLinq() => Numbers.Sample(xs =>
    {
        var r = Grouping.Run(xs);
        var groups = xs.GroupBy(x => x % 5).ToList();
        Assert.Equal(
            SortedKv(groups.Select(g => KV.Of(g.Key, string.Join(",", g.OrderBy(x => x))))),
            SortedKv(r.Joined));
        Assert.Equal(SortedKv(groups.Select(g => KV.Of(g.Key, g.Sum()))), SortedKv(r.Sums));
    });

    [Fact]
    public void KeysValuesDistinct_EqualsLinq()
    {
        var pairs = Gen.Select(Gen.String[Gen.Char['a', 'd'], 1, 2], Gen.Int[0, 100], (k, v) => KV.Of(k, v)).Array[0, 200];
        pairs.Sample(ps =>
        {
            var r = KeysValuesDistinct.Run(ps);
            Assert.Equal(Sorted(ps.Select(p => p.Key).Distinct()), Sorted(r.DistinctKeys));
            Assert.Equal(ps.Select(p => p.Value).OrderByDescending(v => v).Take(3).ToList(), Assert.Single(r.Top3));
            Assert.Equal(ps.Select(p => p.Value).OrderBy(v => v).Take(2).ToList(), Assert.Single(r.Bottom2));
            Assert.Equal(SortedKv(ps.Select(p => KV.Of(p.Value, p.Key)).Where(kv => kv.Key > 50)), SortedKv(r.Swapped));
        });
    }

    [Fact]
    public void Join_EqualsLinq()
    {
        var orders = Gen.Select(Gen.Int[0, 20], Gen.String[Gen.Char['a', 'z'], 1, 3], (k, v) => KV.Of(k, v)).Array[0, 60];
        var payments = Gen.Select(Gen.Int[0, 20], Gen.Int[1, 1000], (k, v) => KV.Of(k, (decimal)v / 100)).Array[0, 60];
        Gen.Select(orders, payments).Sample((os, ps) =>
        {
            var r = Join.Run(os, ps);
            var keys = os.Select(o => o.Key).Concat(ps.Select(p => p.Key)).Distinct();
            var expected = keys.Select(k => new JoinRow(
                k,
                os.Count(o => o.Key == k),
                ps.Count(p => p.Key == k),
                ps.Where(p => p.Key == k).Sum(p => p.Value)));
            Assert.Equal(expected.OrderBy(x => x.Key).ToList(), r.Rows.OrderBy(x => x.Key).ToList());
        });
    }

    [Fact]
    public void PartitionFlatten_EqualsLinq() => Gen.Int[-200, 300].Array[0, 300].Sample(xs =>
    {
        var r = PartitionFlatten.Run(xs);
        Assert.Equal(Sorted(xs.Where(x => x < 0)), Sorted(r.Low));
        var merged = xs.Where(x => x >= 0).Concat(xs.Where(x => x == 0)).Select(x => x + 1);
        Assert.Equal(Sorted(merged), Sorted(r.Merged));
        Assert.Equal(new[] { (long)xs.Count(x => x >= 100) }, r.HighCount);
    });

    [Fact]
    public void ParseRecords_RoutesBadRecordsToDeadLetters()
    {
        var line = Gen.OneOf(Gen.Int[-1000, 1000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.String[Gen.Char['a', 'c'], 0, 3]);
        line.Array[0, 100].Sample(lines =>
        {
            var r = ParseRecords.Run(TextInput.FromLines(lines));
            var good = lines.Where(l => int.TryParse(l, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _)).Select(int.Parse).ToList();
            Assert.Equal(Sorted(good), Sorted(r.Parsed));
            Assert.Equal(new[] { (long)good.Count }, r.ParsedCount);
            Assert.Equal(lines.Length - good.Count, r.DeadLetters.Count);
            Assert.All(r.DeadLetters, d => Assert.StartsWith("not an integer", d, StringComparison.Ordinal));
        });
    }

    [Fact]
    public void SideInputs_EqualsLinq()
    {
        var names = Gen.Int[0, 30].Array[0, 20].Select(keys => keys.Distinct().Select(k => KV.Of(k, "n" + k)).ToArray());
        Gen.Select(Gen.Int[0, 30].Array[1, 100], Gen.Int[0, 30].Array[0, 5], names).Sample((xs, thresholds, ns) =>
        {
            var r = SideInputs.Run(xs, thresholds, ns);
            var mean = xs.Average();
            Assert.Equal(Sorted(xs.Where(x => x > mean)), Sorted(r.AboveMean));
            Assert.Equal(Sorted(xs.Select(x => thresholds.Count(t => t < x))), Sorted(r.Ranks));
            var dict = ns.ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal(Sorted(xs.Where(dict.ContainsKey).Select(x => dict[x])), Sorted(r.Named));
        });
    }

    [Fact]
    public void AfterGrouping_EqualsLinq() => Word.Array[0, 50].Sample(ws =>
    {
        var r = AfterGrouping.Run(ws);
        var expected = ws.Select(w => w.Trim().ToUpperInvariant()).GroupBy(w => w).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Equal(Sorted(expected), Sorted(r.Repeated));
    });
}
