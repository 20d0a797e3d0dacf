using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>A row of a range table: sales whose amount is in [Low, High) get the band's name.</summary>
public sealed record Band(string Name, long Low, long High);

public sealed record BandedSale(int Site, long Amount, string? Band);

public sealed record SaleBand(int Site, string Band);

public sealed record BandCount(string Band, long Sales, long Total);

/// <summary>Joins without an equality between the tables: CROSS JOIN, and ON conditions that only compare (a theta join).</summary>
[Pipeline]
public partial class SqlThetaJoins
{
    static void Define(PipelineBuilder p)
    {
        var sales = p.Create<Sale>("sales");
        var bands = p.Create<Band>("bands");
        p.Sql<SaleBand>("SELECT site, b.name AS band FROM sales CROSS JOIN bands b", sales.AsTable("sales"), bands.AsTable("bands")).Output("cross");
        p.Sql<BandedSale>("SELECT site, amount, b.name AS band FROM sales JOIN bands b ON amount >= b.low AND amount < b.high", sales.AsTable("sales"), bands.AsTable("bands")).Output("inner");
        p.Sql<BandedSale>("SELECT site, amount, b.name AS band FROM sales LEFT JOIN bands b ON amount >= b.low AND amount < b.high", sales.AsTable("sales"), bands.AsTable("bands")).Output("left");
        p.Sql<BandCount>(
            "SELECT b.name AS band, COUNT(*) AS sales, SUM(amount) AS total FROM sales JOIN bands b ON amount BETWEEN b.low AND b.high - 1 GROUP BY b.name",
            sales.AsTable("sales"), bands.AsTable("bands")).Output("counts");
    }
}

/// <summary>The same per window: only rows of one window meet.</summary>
[Pipeline]
public partial class SqlWindowedCrossJoin
{
    static void Define(PipelineBuilder p) =>
        p.Sql<Pair>(
            "SELECT a.first, b.second FROM a CROSS JOIN b",
            p.Unbounded<Pair>("a").Window(Windows.Fixed(TimeSpan.FromSeconds(10))).AsTable("a"),
            p.Unbounded<Pair>("b").Window(Windows.Fixed(TimeSpan.FromSeconds(10))).AsTable("b")).Output("pairs");
}

public class SqlThetaJoinTests
{
    private static readonly Gen<Band[]> Bands = Gen.Select(Gen.OneOf(Gen.Const("low"), Gen.Const("mid"), Gen.Const("high")), Gen.Long[0, 50], Gen.Long[0, 30],
        (name, low, width) => new Band(name, low, low + width)).Array[0, 5];

    private static List<string> Sorted<T>(IEnumerable<T> rows) => rows.Select(r => r!.ToString()!).OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Fact(DisplayName = "CROSS JOIN and joins whose ON only compares (no equality) equal LINQ's nested loops, grouped too; an unmatched LEFT row is kept once; parallelism 1 and 2")]
    public void EqualsLinq() => Gen.Select(SqlJoinTests.Sales, Bands).Sample((sales, bands) =>
    {
        static bool In(Sale sale, Band band) => sale.Amount >= band.Low && sale.Amount < band.High;
        var cross = sales.SelectMany(s => bands.Select(b => new SaleBand(s.Site, b.Name))).ToList();
        var inner = sales.SelectMany(s => bands.Where(b => In(s, b)).Select(b => new BandedSale(s.Site, s.Amount, b.Name))).ToList();
        var left = sales.SelectMany(s => bands.Any(b => In(s, b))
            ? bands.Where(b => In(s, b)).Select(b => new BandedSale(s.Site, s.Amount, b.Name))
            : new[] { new BandedSale(s.Site, s.Amount, null) }).ToList();
        var counts = inner.GroupBy(r => r.Band!).Select(g => new BandCount(g.Key, g.Count(), g.Sum(r => r.Amount))).ToList();
        foreach (var results in new[] { SqlThetaJoins.Run(sales, bands), SqlThetaJoins.Run(sales, bands, parallelism: 2) })
        {
            Assert.Equal(Sorted(cross), Sorted(results.Cross));
            Assert.Equal(Sorted(inner), Sorted(results.Inner));
            Assert.Equal(Sorted(left), Sorted(results.Left));
            Assert.Equal(Sorted(counts), Sorted(results.Counts));
        }
    }, iter: 80);

    [Fact(DisplayName = "A CROSS JOIN of windowed inputs pairs the rows of each window, stamped with the window's end")]
    public void PerWindow()
    {
        var sink = new ListSink<Pair>();
        var runner = SqlWindowedCrossJoin.CreateRunner(sink);
        runner.PushA(new Pair(1, 0), new Instant(1_000));
        runner.PushA(new Pair(2, 0), new Instant(12_000));
        runner.PushB(new Pair(0, 10), new Instant(2_000));
        runner.PushB(new Pair(0, 20), new Instant(3_000));
        runner.PushB(new Pair(0, 30), new Instant(15_000));
        runner.Finish();
        Assert.Equal(
            new[] { (new Pair(1, 10), 9_999L), (new Pair(1, 20), 9_999L), (new Pair(2, 30), 19_999L) },
            sink.Elements.Select(v => (v.Value, v.Timestamp.Millis)).OrderBy(x => x.Item2).ThenBy(x => x.Value.Second));
    }
}
