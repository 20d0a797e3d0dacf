using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record OuterChainRow(string? Site, string? Region, long? Amount);

/// <summary>RIGHT and FULL joins after another join: the rows so far are the side that may be missing.</summary>
[Pipeline]
public partial class SqlOuterChains
{
    static void Define(PipelineBuilder p)
    {
        var sales = p.Create<Sale>("sales");
        var sites = p.Create<Site>("sites");
        var regions = p.Create<Region>("regions");
        p.Sql<OuterChainRow>(
            "SELECT s.name AS site, r.name AS region, amount FROM sales JOIN sites s ON sales.site = s.id RIGHT JOIN regions r ON s.region = r.id",
            sales.AsTable("sales"), sites.AsTable("sites"), regions.AsTable("regions")).Output("right");
        p.Sql<OuterChainRow>(
            "SELECT s.name AS site, r.name AS region, amount FROM sales LEFT JOIN sites s ON sales.site = s.id FULL JOIN regions r ON s.region = r.id",
            sales.AsTable("sales"), sites.AsTable("sites"), regions.AsTable("regions")).Output("full");
        p.Sql<OuterChainRow>(
            "SELECT s.name AS site, r.name AS region, amount FROM sales JOIN sites s ON sales.site = s.id RIGHT JOIN regions r ON s.region = r.id AND amount > 20 WHERE r.id <> 3",
            sales.AsTable("sales"), sites.AsTable("sites"), regions.AsTable("regions")).Output("checked");
    }
}

public class SqlOuterChainTests
{
    private static readonly Gen<Site[]> Sites = SqlTestData.Sites(6, 4);

    private static readonly Gen<Region[]> Regions = SqlTestData.Regions(4);

    [Fact(DisplayName = "A RIGHT or FULL join after another join keeps the other table's unmatched rows once, with NULLs for every table before it, as LINQ's outer joins; parallelism 1 and 2")]
    public void EqualsLinq() => Gen.Select(SqlJoinTests.Sales, Sites, Regions).Sample((sales, sites, regions) =>
    {
        var inner = (from s in sales join site in sites on (long)s.Site equals site.Id select (Sale: s, Site: site)).ToList();
        List<OuterChainRow> RightOf(Func<(Sale Sale, Site Site), Region, bool> on, Func<Region, bool> where) =>
            regions.Where(where).SelectMany(r => inner.Any(p => on(p, r))
                ? inner.Where(p => on(p, r)).Select(p => new OuterChainRow(p.Site.Name, r.Name, p.Sale.Amount))
                : new[] { new OuterChainRow(null, r.Name, null) }).ToList();
        var right = RightOf((p, r) => p.Site.Region == r.Id, _ => true);
        var @checked = RightOf((p, r) => p.Site.Region == r.Id && p.Sale.Amount > 20, r => r.Id != 3);

        var leftRows = sales.SelectMany(s => sites.Any(site => site.Id == s.Site)
            ? sites.Where(site => site.Id == s.Site).Select(site => (Sale: s, Site: (Site?)site))
            : new[] { (Sale: s, Site: (Site?)null) }).ToList();
        var full = leftRows.SelectMany(p => regions.Any(r => p.Site?.Region == r.Id)
                ? regions.Where(r => p.Site?.Region == r.Id).Select(r => new OuterChainRow(p.Site?.Name, r.Name, p.Sale.Amount))
                : new[] { new OuterChainRow(p.Site?.Name, null, p.Sale.Amount) })
            .Concat(regions.Where(r => !leftRows.Any(p => p.Site?.Region == r.Id)).Select(r => new OuterChainRow(null, r.Name, null)))
            .ToList();

        foreach (var results in new[] { SqlOuterChains.Run(sales, sites, regions), SqlOuterChains.Run(sales, sites, regions, parallelism: 2) })
        {
            Assert.Equal(SqlTestData.Sorted(right), SqlTestData.Sorted(results.Right));
            Assert.Equal(SqlTestData.Sorted(full), SqlTestData.Sorted(results.Full));
            Assert.Equal(SqlTestData.Sorted(@checked), SqlTestData.Sorted(results.Checked));
        }
    }, iter: 80);
}
