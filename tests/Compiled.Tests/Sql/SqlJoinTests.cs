using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>Beam SQL's ORDER_DETAILS tables (BeamJoinRelBoundedVsBoundedTest): order_id, site_id, price.</summary>
public sealed record OrderDetail(int OrderId, int SiteId, int Price);

/// <summary>SELECT * of a join of two ORDER_DETAILS: the right table's names made unique as Calcite makes them.</summary>
public sealed record JoinedOrder(int OrderId, int SiteId, int Price, int OrderId0, int SiteId0, int Price0);

/// <summary>The same for a LEFT JOIN: the right table's columns may be NULL.</summary>
public sealed record LeftJoinedOrder(int OrderId, int SiteId, int Price, int? OrderId0, int? SiteId0, int? Price0);

/// <summary>The same for a RIGHT JOIN: the left table's columns may be NULL.</summary>
public sealed record RightJoinedOrder(int? OrderId, int? SiteId, int? Price, int OrderId0, int SiteId0, int Price0);

/// <summary>The same for a FULL JOIN: either side's columns may be NULL.</summary>
public sealed record FullJoinedOrder(int? OrderId, int? SiteId, int? Price, int? OrderId0, int? SiteId0, int? Price0);

public sealed record Sale(int Site, long Amount, string Note);

/// <summary>A dimension row, a struct: a LEFT JOIN reads a missing one as NULL columns all the same.</summary>
public readonly record struct Site(long Id, string Name, int Region);

public sealed record SiteTotal(string Name, long Sales, long Total);

public sealed record SaleWithSite(int Site, long Amount, string? Name, int? Region);

public sealed record Pair(int First, int Second);

public sealed record SiteSale(int? Site, long? Amount, long? Id, string? Name);

/// <summary>Joins: Beam SQL's bounded join tests, and a join with WHERE and GROUP BY over a dimension table.</summary>
[Pipeline]
public partial class SqlJoins
{
    static void Define(PipelineBuilder p)
    {
        var one = p.Create<OrderDetail>("one");
        var two = p.Create<OrderDetail>("two");
        p.Sql<JoinedOrder>(
            "SELECT * FROM order_details1 o1 JOIN order_details2 o2 ON o1.orderId = o2.siteId AND o2.price = o1.siteId",
            one.AsTable("order_details1"), two.AsTable("order_details2")).Output("inner");
        p.Sql<LeftJoinedOrder>(
            "SELECT * FROM order_details1 o1 LEFT OUTER JOIN order_details2 o2 ON o1.orderId = o2.siteId AND o2.price = o1.siteId",
            one.AsTable("order_details1"), two.AsTable("order_details2")).Output("left");

        p.Sql<RightJoinedOrder>(
            "SELECT * FROM order_details1 o1 RIGHT OUTER JOIN order_details2 o2 ON o1.orderId = o2.siteId AND o2.price = o1.siteId",
            one.AsTable("order_details1"), two.AsTable("order_details2")).Output("right");
        p.Sql<FullJoinedOrder>(
            "SELECT * FROM order_details1 o1 FULL OUTER JOIN order_details2 o2 ON o1.orderId = o2.siteId AND o2.price = o1.siteId",
            one.AsTable("order_details1"), two.AsTable("order_details2")).Output("full");

        var sales = p.Create<Sale>("sales");
        var sites = p.Create<Site>("sites");
        p.Sql<SiteTotal>("""
            SELECT s.name, COUNT(*) AS sales, SUM(amount) AS total
            FROM sales JOIN sites s ON sales.site = s.id
            WHERE amount > 10 AND note <> 'void'
            GROUP BY s.name
            """, sales.AsTable("sales"), sites.AsTable("sites")).Output("totals");
        p.Sql<SaleWithSite>(
            "SELECT site, amount, name, region FROM sales LEFT JOIN sites ON site = id",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("enriched");
        p.Sql<SiteSale>(
            "SELECT site, amount, id, name FROM sales FULL JOIN sites ON site = id",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("everything");
        p.Sql<Pair>(
            "SELECT a.orderId AS first, b.orderId AS second FROM t a JOIN t b ON a.siteId = b.price",
            one.AsTable("t")).Output("self");
    }
}

public sealed record Region(int Id, string Name);

public sealed record SiteRegionSale(string Site, string? Region, long Amount);

/// <summary>A join of three tables: sales to their site (inner), then the site's region (left: a region may be missing).</summary>
[Pipeline]
public partial class SqlStarJoins
{
    static void Define(PipelineBuilder p) =>
        p.Sql<SiteRegionSale>(
            "SELECT s.name AS site, r.name AS region, amount FROM sales JOIN sites s ON sales.site = s.id LEFT JOIN regions r ON s.region = r.id WHERE amount > 5",
            p.Create<Sale>("sales").AsTable("sales"), p.Create<Site>("sites").AsTable("sites"), p.Create<Region>("regions").AsTable("regions")).Output("rows");
}

public sealed record PageClick(string User, DateTimeOffset At);

public sealed record Purchase(string User, long Amount);

public sealed record ClickPurchase(string User, long Amount);

/// <summary>A join of two unbounded inputs in fixed windows: rows pair only within one window (Beam SQL's windowed join).</summary>
[Pipeline]
public partial class SqlWindowedJoin
{
    static void Define(PipelineBuilder p)
    {
        var clicks = p.Unbounded<PageClick>("clicks").Window(Windows.Fixed(TimeSpan.FromMinutes(1)));
        var purchases = p.Unbounded<Purchase>("purchases").Window(Windows.Fixed(TimeSpan.FromMinutes(1)));
        p.Sql<ClickPurchase>(
            "SELECT c.user, p.amount FROM clicks c JOIN purchases p ON c.user = p.user",
            clicks.AsTable("clicks"), purchases.AsTable("purchases")).Output("pairs");
    }
}

public class SqlJoinTests
{
    // BeamJoinRelBoundedVsBoundedTest.ORDER_DETAILS1 and ORDER_DETAILS2 (the same rows).
    private static readonly OrderDetail[] Details = { new(1, 2, 3), new(2, 3, 3), new(3, 4, 5) };

    private static SqlJoins.Results Run(IEnumerable<Sale>? sales = null, IEnumerable<Site>? sites = null) =>
        SqlJoins.Run(Details, Details, sales ?? Array.Empty<Sale>(), sites ?? Array.Empty<Site>());

    [Fact(DisplayName = "Inner join: Beam's testInnerJoin, two equalities, one row; SELECT * names the right side's columns order_id0, ...")]
    public void InnerJoin() =>
        Assert.Equal(new[] { new JoinedOrder(2, 3, 3, 1, 2, 3) }, Run().Inner);

    [Fact(DisplayName = "Left outer join: Beam's testLeftOuterJoin, rows without a match once, with NULLs")]
    public void LeftOuterJoin() =>
        Assert.Equal(
            new[] { new LeftJoinedOrder(1, 2, 3, null, null, null), new LeftJoinedOrder(2, 3, 3, 1, 2, 3), new LeftJoinedOrder(3, 4, 5, null, null, null) },
            Run().Left.OrderBy(r => r.OrderId));

    [Fact(DisplayName = "Right outer join: Beam's testRightOuterJoin, right rows without a match once, with NULLs")]
    public void RightOuterJoin() =>
        Assert.Equal(
            new[] { new RightJoinedOrder(2, 3, 3, 1, 2, 3), new RightJoinedOrder(null, null, null, 2, 3, 3), new RightJoinedOrder(null, null, null, 3, 4, 5) },
            Run().Right.OrderBy(r => r.OrderId0));

    [Fact(DisplayName = "Full outer join: Beam's testFullOuterJoin, the matched row and every unmatched row of both sides")]
    public void FullOuterJoin() =>
        Assert.Equal(
            new[]
            {
                new FullJoinedOrder(1, 2, 3, null, null, null), new FullJoinedOrder(2, 3, 3, 1, 2, 3), new FullJoinedOrder(3, 4, 5, null, null, null),
                new FullJoinedOrder(null, null, null, 2, 3, 3), new FullJoinedOrder(null, null, null, 3, 4, 5),
            },
            Run().Full.OrderBy(r => r.OrderId is null).ThenBy(r => r.OrderId).ThenBy(r => r.OrderId0));

    [Fact(DisplayName = "A FULL JOIN to a struct table equals LINQ's left outer join plus the unmatched right rows")]
    public void FullJoinEqualsLinq() => Gen.Select(Sales, Sites).Sample((sales, sites) =>
    {
        var left = sales.GroupJoin(sites, s => (long)s.Site, d => d.Id, (s, ds) => (s, ds))
            .SelectMany(x => x.ds.Select(d => (Site?)d).DefaultIfEmpty(), (x, d) => new SiteSale(x.s.Site, x.s.Amount, d?.Id, d?.Name));
        var rightOnly = sites.Where(d => !sales.Any(s => s.Site == d.Id)).Select(d => new SiteSale(null, null, d.Id, d.Name));
        static List<SiteSale> Order(IEnumerable<SiteSale> rows) =>
            rows.OrderBy(r => r.Site).ThenBy(r => r.Amount).ThenBy(r => r.Id).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(Order(left.Concat(rightOnly)), Order(Run(sales, sites).Everything));
        Assert.Equal(Order(left.Concat(rightOnly)), Order(SqlJoins.Run(Details, Details, sales, sites, parallelism: 2).Everything));
    }, iter: 60);

    private static readonly Gen<Region[]> Regions = Gen.Select(Gen.Int[1, 4], Gen.OneOf(Gen.Const("north"), Gen.Const("south")), (i, n) => new Region(i, n)).Array[0, 4];

    [Fact(DisplayName = "A join of three tables (inner, then left) equals LINQ's Join and GroupJoin, at parallelism 1 and 2")]
    public void ThreeTableJoinEqualsLinq() => Gen.Select(Sales, Sites, Regions).Sample((sales, sites, regions) =>
    {
        var expected = sales.Join(sites, s => (long)s.Site, d => d.Id, (s, d) => (s, d))
            .GroupJoin(regions, x => x.d.Region, r => r.Id, (x, rs) => (x.s, x.d, rs))
            .SelectMany(x => x.rs.Select(r => r.Name).DefaultIfEmpty(), (x, region) => new SiteRegionSale(x.d.Name, region, x.s.Amount))
            .Where(r => r.Amount > 5);
        static List<SiteRegionSale> Order(IEnumerable<SiteRegionSale> rows) =>
            rows.OrderBy(r => r.Site, StringComparer.Ordinal).ThenBy(r => r.Region, StringComparer.Ordinal).ThenBy(r => r.Amount).ToList();
        Assert.Equal(Order(expected), Order(SqlStarJoins.Run(sales, sites, regions).Rows));
        Assert.Equal(Order(expected), Order(SqlStarJoins.Run(sales, sites, regions, parallelism: 2).Rows));
    }, iter: 60);

    [Fact(DisplayName = "A self-join: one collection read as two tables under two aliases")]
    public void SelfJoin() =>
        Assert.Equal(
            Details.Join(Details, a => a.SiteId, b => b.Price, (a, b) => new Pair(a.OrderId, b.OrderId)).OrderBy(r => r.First).ThenBy(r => r.Second),
            Run().Self.OrderBy(r => r.First).ThenBy(r => r.Second));

    internal static readonly Gen<Sale[]> Sales = Gen.Select(Gen.Int[0, 12], Gen.Long[0, 50], Gen.OneOf(Gen.Const("ok"), Gen.Const("void")), (s, a, n) => new Sale(s, a, n)).Array[0, 80];

    // Site ids may repeat (a key with two dimension rows joins each sale twice) and some sales have no site.
    internal static readonly Gen<Site[]> Sites = Gen.Select(Gen.Long[0, 10], Gen.OneOf(Gen.Const("north"), Gen.Const("south"), Gen.Const("east")), Gen.Int[1, 4], (i, n, r) => new Site(i, n, r)).Array[0, 12];

    [Fact(DisplayName = "A join with WHERE and GROUP BY (INTEGER key = BIGINT key) equals LINQ's Join, Where and GroupBy")]
    public void JoinWhereGroupByEqualsLinq() => Gen.Select(Sales, Sites).Sample((sales, sites) =>
    {
        var expected = sales.Join(sites, s => (long)s.Site, d => d.Id, (s, d) => (s, d))
            .Where(x => x.s.Amount > 10 && x.s.Note != "void")
            .GroupBy(x => x.d.Name)
            .Select(g => new SiteTotal(g.Key, g.Count(), g.Sum(x => x.s.Amount)))
            .OrderBy(r => r.Name, StringComparer.Ordinal);
        Assert.Equal(expected, Run(sales, sites).Totals.OrderBy(r => r.Name, StringComparer.Ordinal));
        var parallel = SqlJoins.Run(Details, Details, sales, sites, parallelism: 2);
        Assert.Equal(expected, parallel.Totals.OrderBy(r => r.Name, StringComparer.Ordinal));
        Assert.Equal(Sorted(Run(sales, sites).Enriched), Sorted(parallel.Enriched));
    }, iter: 60);

    [Fact(DisplayName = "A LEFT JOIN to a struct table equals LINQ's GroupJoin with DefaultIfEmpty (NULL columns for a sale without a site)")]
    public void LeftJoinEqualsLinq() => Gen.Select(Sales, Sites).Sample((sales, sites) =>
    {
        var expected = sales.GroupJoin(sites, s => (long)s.Site, d => d.Id, (s, ds) => (s, ds))
            .SelectMany(x => x.ds.Select(d => (Site?)d).DefaultIfEmpty(), (x, d) => new SaleWithSite(x.s.Site, x.s.Amount, d?.Name, d?.Region));
        Assert.Equal(Sorted(expected), Sorted(Run(sales, sites).Enriched));
    }, iter: 60);

    private static List<SaleWithSite> Sorted(IEnumerable<SaleWithSite> rows) =>
        rows.OrderBy(r => r.Site).ThenBy(r => r.Amount).ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Region).ToList();

    [Fact(DisplayName = "A windowed join pairs rows of the same window only, and each window's pairs come out when the watermark passes its end")]
    public void WindowedJoin()
    {
        var pairs = new ListSink<ClickPurchase>();
        var runner = SqlWindowedJoin.CreateRunner(pairs);
        var t0 = new Instant(60_000);
        runner.PushClicks(new PageClick("ann", DateTimeOffset.UnixEpoch), t0);
        runner.PushClicks(new PageClick("bob", DateTimeOffset.UnixEpoch), t0.Plus(TimeSpan.FromSeconds(10)));
        runner.PushPurchases(new Purchase("ann", 5), t0.Plus(TimeSpan.FromSeconds(30)));
        runner.PushPurchases(new Purchase("bob", 7), t0.Plus(TimeSpan.FromSeconds(70))); // the next minute: no click there
        runner.PushPurchases(new Purchase("ann", 9), t0.Plus(TimeSpan.FromSeconds(59)));
        runner.AdvanceWatermark(t0.Plus(TimeSpan.FromSeconds(60)));
        Assert.Equal(new[] { new ClickPurchase("ann", 5), new ClickPurchase("ann", 9) }, pairs.Elements.Select(e => e.Value).OrderBy(p => p.Amount));
        Assert.All(pairs.Elements, e => Assert.Equal(BoundedWindow.Interval(t0, t0.Plus(TimeSpan.FromMinutes(1))), e.Window));

        runner.PushClicks(new PageClick("bob", DateTimeOffset.UnixEpoch), t0.Plus(TimeSpan.FromSeconds(61)));
        runner.Finish();
        Assert.Equal(3, pairs.Elements.Count);
        Assert.Equal(new ClickPurchase("bob", 7), pairs.Elements[2].Value);
    }
}
