using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>[NOT] EXISTS over a subquery correlated by equalities (a semi-join or an anti-join), and uncorrelated.</summary>
[Pipeline]
public partial class SqlExists
{
    static void Define(PipelineBuilder p)
    {
        var sales = p.Create<Sale>("sales");
        var sites = p.Create<Site>("sites");
        var maybe = p.Create<SiteSale>("maybe");
        p.Sql<Sale>(
            "SELECT site, amount, note FROM sales s WHERE EXISTS (SELECT 1 FROM sites t WHERE t.id = s.site AND t.region > 1)",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("withSite");
        p.Sql<Sale>(
            "SELECT site, amount, note FROM sales WHERE NOT EXISTS (SELECT * FROM sites WHERE id = site) AND amount > 5",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("withoutSite");
        p.Sql<Sale>(
            "SELECT site, amount, note FROM sales WHERE EXISTS (SELECT name FROM sites WHERE region = 3)",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("any");
        p.Sql<Sale>(
            "SELECT site, amount, note FROM sales s WHERE EXISTS (SELECT 1 FROM sites t WHERE s.amount = t.region AND t.id = s.site)",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("twoKeys");
        p.Sql<SiteSale>(
            "SELECT site, amount, id, name FROM maybe m WHERE NOT EXISTS (SELECT 1 FROM sites t WHERE t.id = m.site)",
            maybe.AsTable("maybe"), sites.AsTable("sites")).Output("maybeWithout");
        p.Sql<SiteSale>(
            "SELECT site, amount, id, name FROM maybe m WHERE EXISTS (SELECT 1 FROM sites t WHERE t.id = m.site)",
            maybe.AsTable("maybe"), sites.AsTable("sites")).Output("maybeWith");

        // IN with a value that may be NULL (a long?): such a row is in nothing.
        p.Sql<SiteSale>(
            "SELECT site, amount, id, name FROM maybe WHERE amount IN (SELECT id FROM sites)",
            maybe.AsTable("maybe"), sites.AsTable("sites")).Output("maybeIn");
    }
}

public class SqlExistsTests
{
    private static readonly Gen<Site[]> Sites = SqlTestData.Sites(8, 4);

    private static readonly Gen<SiteSale[]> Maybe = Gen.Select(Gen.Int[0, 8], Gen.Int[0, 3], Gen.Long[0, 9])
        .Select((site, missing, amount) => new SiteSale(missing == 0 ? null : site, missing == 1 ? null : amount, null, null)).Array[0, 20];

    [Fact(DisplayName = "[NOT] EXISTS equals LINQ's Any: correlated by one or two equalities (qualified or not), uncorrelated, and with NULL keys (EXISTS drops the row, NOT EXISTS keeps it); parallelism 1 and 2")]
    public void EqualsLinq() => Gen.Select(SqlJoinTests.Sales, Sites, Maybe).Sample((sales, sites, maybe) =>
    {
        var withSite = sales.Where(s => sites.Any(t => t.Id == s.Site && t.Region > 1)).ToList();
        var withoutSite = sales.Where(s => !sites.Any(t => t.Id == s.Site) && s.Amount > 5).ToList();
        var any = sales.Where(_ => sites.Any(t => t.Region == 3)).ToList();
        var twoKeys = sales.Where(s => sites.Any(t => s.Amount == t.Region && t.Id == s.Site)).ToList();
        var maybeWithout = maybe.Where(m => !sites.Any(t => m.Site is { } site && t.Id == site)).ToList();
        var maybeWith = maybe.Where(m => sites.Any(t => m.Site is { } site && t.Id == site)).ToList();
        var maybeIn = maybe.Where(m => sites.Any(t => m.Amount is { } amount && t.Id == amount)).ToList();
        foreach (var results in new[] { SqlExists.Run(sales, sites, maybe), SqlExists.Run(sales, sites, maybe, parallelism: 2) })
        {
            Assert.Equal(SqlTestData.Sorted(withSite), SqlTestData.Sorted(results.WithSite));
            Assert.Equal(SqlTestData.Sorted(withoutSite), SqlTestData.Sorted(results.WithoutSite));
            Assert.Equal(SqlTestData.Sorted(any), SqlTestData.Sorted(results.Any));
            Assert.Equal(SqlTestData.Sorted(twoKeys), SqlTestData.Sorted(results.TwoKeys));
            Assert.Equal(SqlTestData.Sorted(maybeWithout), SqlTestData.Sorted(results.MaybeWithout));
            Assert.Equal(SqlTestData.Sorted(maybeWith), SqlTestData.Sorted(results.MaybeWith));
            Assert.Equal(SqlTestData.Sorted(maybeIn), SqlTestData.Sorted(results.MaybeIn));
        }
    }, iter: 80);
}
