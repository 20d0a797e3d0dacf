using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>Joins whose ON has conditions beyond the key's equality, checked on each pair: inner and each outer join.</summary>
[Pipeline]
public partial class SqlConditionJoins
{
    static void Define(PipelineBuilder p)
    {
        var sales = p.Create<Sale>("sales");
        var sites = p.Create<Site>("sites");
        const string On = "ON site = id AND amount > s.region * 5 AND s.name <> 'east' AND note = 'ok'";
        p.Sql<SiteSale>("SELECT site, amount, id, name FROM sales JOIN sites s " + On, sales.AsTable("sales"), sites.AsTable("sites")).Output("inner");
        p.Sql<SiteSale>("SELECT site, amount, id, name FROM sales LEFT JOIN sites s " + On, sales.AsTable("sales"), sites.AsTable("sites")).Output("left");
        p.Sql<SiteSale>("SELECT site, amount, id, name FROM sales RIGHT JOIN sites s " + On, sales.AsTable("sales"), sites.AsTable("sites")).Output("right");
        p.Sql<SiteSale>("SELECT site, amount, id, name FROM sales FULL JOIN sites s " + On, sales.AsTable("sales"), sites.AsTable("sites")).Output("full");

        // Grouped: the aggregates read one side, but ON checks pairs, so the rows are joined before they are aggregated.
        p.Sql<SiteTotal>(
            "SELECT s.name, COUNT(*) AS sales, SUM(amount) AS total FROM sales JOIN sites s " + On + " GROUP BY s.name",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("totals");
    }
}

public class SqlJoinConditionTests
{
    private static bool Pairs(Sale sale, Site site) => sale.Site == site.Id && sale.Amount > site.Region * 5 && site.Name != "east" && sale.Note == "ok";

    private static SiteSale Row(Sale? sale, Site? site) => new(sale?.Site, sale?.Amount, site?.Id, site?.Name);

    private static List<string> Sorted(IEnumerable<SiteSale> rows) => rows.Select(r => r.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Fact(DisplayName = "ON with conditions beyond the key (reading either side or both) equals LINQ for INNER, LEFT, RIGHT and FULL joins: an outer row no pair passes is kept once with NULLs; parallelism 1 and 2")]
    public void EqualsLinq() => Gen.Select(SqlJoinTests.Sales, SqlJoinTests.Sites).Sample((sales, sites) =>
    {
        var inner = sales.SelectMany(sale => sites.Where(site => Pairs(sale, site)).Select(site => Row(sale, site))).ToList();
        var left = sales.SelectMany(sale => sites.Any(site => Pairs(sale, site)) ? sites.Where(site => Pairs(sale, site)).Select(site => Row(sale, site)) : new[] { Row(sale, null) }).ToList();
        var unmatchedSites = sites.Where(site => !sales.Any(sale => Pairs(sale, site))).Select(site => Row(null, site)).ToList();
        var right = inner.Concat(unmatchedSites).ToList();
        var full = left.Concat(unmatchedSites).ToList();
        foreach (var results in new[] { SqlConditionJoins.Run(sales, sites), SqlConditionJoins.Run(sales, sites, parallelism: 2) })
        {
            Assert.Equal(Sorted(inner), Sorted(results.Inner));
            Assert.Equal(Sorted(left), Sorted(results.Left));
            Assert.Equal(Sorted(right), Sorted(results.Right));
            Assert.Equal(Sorted(full), Sorted(results.Full));
            Assert.Equal(
                inner.GroupBy(r => r.Name!).Select(g => new SiteTotal(g.Key, g.Count(), g.Sum(r => r.Amount!.Value))).OrderBy(t => t.Name, StringComparer.Ordinal),
                results.Totals.OrderBy(t => t.Name, StringComparer.Ordinal));
        }
    }, iter: 80);
}
