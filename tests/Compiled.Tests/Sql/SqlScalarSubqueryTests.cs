using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record SiteCount(long Id, string Name, long Sales);

public sealed record SaleTotal(int Site, long Amount, long? Total);

/// <summary>Scalar subqueries, correlated (decorrelated into a LEFT JOIN with the subquery grouped by its key) and not.</summary>
[Pipeline]
public partial class SqlScalarSubqueries
{
    static void Define(PipelineBuilder p)
    {
        var sales = p.Create<Sale>("sales");
        var sites = p.Create<Site>("sites");
        p.Sql<Sale>(
            "SELECT site, amount, note FROM sales s WHERE amount >= (SELECT MAX(amount) FROM sales s2 WHERE s2.site = s.site AND s2.note <> 'void')",
            sales.AsTable("sales")).Output("siteBest");
        p.Sql<SiteCount>(
            "SELECT id, name, (SELECT COUNT(*) FROM sales WHERE site = id) AS sales FROM sites",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("counts");
        p.Sql<SaleTotal>(
            "SELECT site, amount, (SELECT SUM(amount) FROM sales) AS total FROM sales",
            sales.AsTable("sales")).Output("totals");
        p.Sql<Sale>(
            "SELECT site, amount, note FROM sales WHERE amount * 2 > (SELECT MAX(amount) FROM sales) AND note = 'ok'",
            sales.AsTable("sales")).Output("big");

        // TPC-H Q17's shape: tables listed in FROM, and an expression over an aggregate correlated with the second one.
        p.Sql<Sale>(
            "SELECT site, amount, note FROM sales s, sites p WHERE s.site = p.id AND amount < (SELECT 0.5 * AVG(amount) FROM sales WHERE site = p.id)",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("q17");
    }
}

public class SqlScalarSubqueryTests
{
    private static readonly Gen<Site[]> Sites = SqlTestData.Sites(14, 4);

    [Fact(DisplayName = "Scalar subqueries equal LINQ: correlated in WHERE (a MAX per site, NULL when none) and in SELECT (a COUNT, 0 when none), uncorrelated in SELECT and WHERE; parallelism 1 and 2")]
    public void EqualsLinq() => Gen.Select(SqlJoinTests.Sales, Sites).Sample((sales, sites) =>
    {
        var siteBest = sales.Where(s =>
        {
            var others = sales.Where(o => o.Site == s.Site && o.Note != "void").ToList();
            return others.Count > 0 && s.Amount >= others.Max(o => o.Amount);
        }).ToList();
        var counts = sites.Select(t => new SiteCount(t.Id, t.Name, sales.Count(s => s.Site == t.Id))).ToList();
        var totals = sales.Select(s => new SaleTotal(s.Site, s.Amount, sales.Sum(o => o.Amount))).ToList();
        var big = sales.Where(s => s.Amount * 2 > sales.Max(o => o.Amount) && s.Note == "ok").ToList();
        // AVG of integers is an integer (truncated), as in Beam SQL.
        var q17 = (from s in sales
                   join t in sites on (long)s.Site equals t.Id
                   let same = sales.Where(o => o.Site == t.Id).ToList()
                   where same.Count > 0 && s.Amount < 0.5m * (same.Sum(o => o.Amount) / same.Count)
                   select s).ToList();
        foreach (var results in new[] { SqlScalarSubqueries.Run(sales, sites), SqlScalarSubqueries.Run(sales, sites, parallelism: 2) })
        {
            Assert.Equal(SqlTestData.Sorted(siteBest), SqlTestData.Sorted(results.SiteBest));
            Assert.Equal(SqlTestData.Sorted(counts), SqlTestData.Sorted(results.Counts));
            Assert.Equal(SqlTestData.Sorted(totals), SqlTestData.Sorted(results.Totals));
            Assert.Equal(SqlTestData.Sorted(big), SqlTestData.Sorted(results.Big));
            Assert.Equal(SqlTestData.Sorted(q17), SqlTestData.Sorted(results.Q17));
        }
    }, iter: 80);
}
