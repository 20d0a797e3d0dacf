using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>
/// Tables listed in FROM (<c>FROM a, b WHERE a.k = b.k</c>): inner joins whose keys are WHERE's equalities between the
/// tables, as in the TPC-H queries; with no such equality, every pair of rows (of a window), filtered by WHERE.
/// </summary>
[Pipeline]
public partial class SqlListedTables
{
    static void Define(PipelineBuilder p)
    {
        var one = p.Create<OrderDetail>("one");
        var two = p.Create<OrderDetail>("two");
        p.Sql<JoinedOrder>(
            "SELECT * FROM order_details1 o1, order_details2 o2 WHERE o1.orderId = o2.siteId AND o2.price = o1.siteId",
            one.AsTable("order_details1"), two.AsTable("order_details2")).Output("beam");

        var sales = p.Create<Sale>("sales");
        var sites = p.Create<Site>("sites");
        var regions = p.Create<Region>("regions");
        p.Sql<SiteRegionSale>(
            "SELECT s.name AS site, r.name AS region, amount FROM sales, sites s, regions r WHERE amount > 5 AND sales.site = s.id AND r.id = s.region",
            sales.AsTable("sales"), sites.AsTable("sites"), regions.AsTable("regions")).Output("three");
        p.Sql<SiteRegionSale>(
            "SELECT s.name AS site, r.name AS region, amount FROM sales, sites s LEFT JOIN regions r ON s.region = r.id WHERE sales.site = s.id AND amount > 5",
            sales.AsTable("sales"), sites.AsTable("sites"), regions.AsTable("regions")).Output("mixed");
        p.Sql<SaleWithSite>(
            "SELECT site, amount, name, region FROM sales, sites WHERE site = id + 0 AND (amount > 5 OR region = 1)",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("computed");
        p.Sql<BandedSale>(
            "SELECT site, amount, b.name AS band FROM sales, bands b WHERE amount >= b.low AND amount < b.high",
            sales.AsTable("sales"), p.Create<Band>("bands").AsTable("bands")).Output("theta");
    }
}

public class SqlListedTablesTests
{
    private static readonly OrderDetail[] Details = { new(1, 2, 3), new(2, 3, 3), new(3, 4, 5) };

    private static readonly Gen<Site[]> Sites = SqlTestData.Sites(6, 3);

    private static readonly Gen<Region[]> Regions = SqlTestData.Regions(3);

    private static readonly Gen<Band[]> Bands = Gen.Select(Gen.OneOf(Gen.Const("low"), Gen.Const("high")), Gen.Long[0, 50], Gen.Long[0, 30],
        (name, low, width) => new Band(name, low, low + width)).Array[0, 4];

    [Fact(DisplayName = "FROM a, b WHERE a.k = b.k AND ...: Beam's testInnerJoin written with a list of tables gives its one row")]
    public void BeamInnerJoinAsList() =>
        Assert.Equal(
            new[] { new JoinedOrder(2, 3, 3, 1, 2, 3) },
            SqlListedTables.Run(Details, Details, Array.Empty<Sale>(), Array.Empty<Site>(), Array.Empty<Region>(), Array.Empty<Band>()).Beam);

    [Fact(DisplayName = "Tables listed in FROM equal LINQ's joins: three tables, a LEFT JOIN after a list, computed keys, and no equality at all; parallelism 1 and 2")]
    public void EqualsLinq() => Gen.Select(SqlJoinTests.Sales, Sites, Regions, Bands).Sample((sales, sites, regions, bands) =>
    {
        var three = (from s in sales
                     join site in sites on (long)s.Site equals site.Id
                     join r in regions on site.Region equals r.Id
                     where s.Amount > 5
                     select new SiteRegionSale(site.Name, r.Name, s.Amount)).ToList();
        var mixed = (from s in sales
                     join site in sites on (long)s.Site equals site.Id
                     where s.Amount > 5
                     from r in regions.Where(r => r.Id == site.Region).Select(r => (Region?)r).DefaultIfEmpty()
                     select new SiteRegionSale(site.Name, r?.Name, s.Amount)).ToList();
        var computed = (from s in sales
                        join site in sites on (long)s.Site equals site.Id + 0
                        where s.Amount > 5 || site.Region == 1
                        select new SaleWithSite(s.Site, s.Amount, site.Name, site.Region)).ToList();
        var theta = (from s in sales
                     from b in bands
                     where s.Amount >= b.Low && s.Amount < b.High
                     select new BandedSale(s.Site, s.Amount, b.Name)).ToList();
        foreach (var results in new[]
        {
            SqlListedTables.Run(Details, Details, sales, sites, regions, bands),
            SqlListedTables.Run(Details, Details, sales, sites, regions, bands, parallelism: 2),
        })
        {
            Assert.Equal(SqlTestData.Sorted(three), SqlTestData.Sorted(results.Three));
            Assert.Equal(SqlTestData.Sorted(mixed), SqlTestData.Sorted(results.Mixed));
            Assert.Equal(SqlTestData.Sorted(computed), SqlTestData.Sorted(results.Computed));
            Assert.Equal(SqlTestData.Sorted(theta), SqlTestData.Sorted(results.Theta));
        }
    }, iter: 80);
}
