using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record SiteStats(string? Name, long Sales, long Total, long Least, long Mean);

public sealed record RegionTotal(int? Region, long Sales, long Total);

public sealed record RegionCount(int Region, long Sales);

public sealed record WeightedTotal(string Name, long Total);

/// <summary>
/// Grouped joins whose aggregates read one side: planned with that side aggregated per join key before the join (eager
/// aggregation). The last query reads both sides in its aggregate, so it keeps the plain plan: the control.
/// </summary>
[Pipeline]
public partial class SqlEagerJoins
{
    static void Define(PipelineBuilder p)
    {
        var sales = p.Create<Sale>("sales");
        var sites = p.Create<Site>("sites");

        // The left side aggregated, a LEFT join (sales without a site make the NULL group), WHERE on the other side.
        p.Sql<SiteStats>("""
            SELECT s.name, COUNT(*) AS sales, SUM(amount) AS total, MIN(amount) AS least, AVG(amount) AS mean
            FROM sales LEFT JOIN sites s ON sales.site = s.id
            WHERE s.region <> 2 OR s.region IS NULL
            GROUP BY s.name
            """, sales.AsTable("sales"), sites.AsTable("sites")).Output("stats");

        // The right side aggregated, a RIGHT join (sales without a site make the NULL region), WHERE on the aggregated side.
        p.Sql<RegionTotal>("""
            SELECT s.region, COUNT(*) AS sales, SUM(amount) AS total
            FROM sites s RIGHT JOIN sales ON s.id = sales.site
            WHERE amount > 10 AND note = 'ok'
            GROUP BY s.region
            """, sales.AsTable("sales"), sites.AsTable("sites")).Output("regions");

        // Aggregates that read no column (COUNT(*)), HAVING over them.
        p.Sql<RegionCount>(
            "SELECT s.region, COUNT(*) AS sales FROM sales JOIN sites s ON site = id GROUP BY s.region HAVING COUNT(*) > 2",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("counts");

        // The control: the aggregate reads both sides, so the rows are joined first.
        p.Sql<WeightedTotal>(
            "SELECT s.name, SUM(amount * s.region) AS total FROM sales JOIN sites s ON site = id GROUP BY s.name",
            sales.AsTable("sales"), sites.AsTable("sites")).Output("weighted");
    }
}

public sealed record Buy(string User, long Amount);

public sealed record Member(string User, string Country);

public sealed record CountryTotal(string Country, long Total, long Buys);

/// <summary>
/// A windowed grouped join, once eagerly planned and once plainly (its aggregate reads a column of both sides, made
/// neutral): both give the same rows, windows, timestamps and panes.
/// </summary>
[Pipeline]
public partial class SqlEagerWindowedJoin
{
    static void Define(PipelineBuilder p)
    {
        var buys = p.Unbounded<Buy>("buys").Window(Windows.Fixed(TimeSpan.FromMinutes(1)));
        var members = p.Unbounded<Member>("members").Window(Windows.Fixed(TimeSpan.FromMinutes(1)));
        p.Sql<CountryTotal>(
            "SELECT m.country, SUM(b.amount) AS total, COUNT(*) AS buys FROM buys b JOIN members m ON b.user = m.user GROUP BY m.country",
            buys.AsTable("buys"), members.AsTable("members")).Output("eager");
        p.Sql<CountryTotal>(
            "SELECT m.country, SUM(b.amount + 0 * CHAR_LENGTH(m.user)) AS total, COUNT(*) AS buys FROM buys b JOIN members m ON b.user = m.user GROUP BY m.country",
            buys.AsTable("buys"), members.AsTable("members")).Output("plain");
    }
}

public class SqlEagerAggregationTests
{
    // Site ids repeat (a sale then joins two sites, and its accumulator is merged twice) and some sales have no site.
    private static readonly Gen<Sale[]> Sales = SqlJoinTests.Sales;

    private static readonly Gen<Site[]> Sites = SqlJoinTests.Sites;

    private static List<(Sale Sale, Site? Site)> LeftJoin(Sale[] sales, Site[] sites) =>
        sales.GroupJoin(sites, s => (long)s.Site, d => d.Id, (s, ds) => (s, ds))
            .SelectMany(x => x.ds.Select(d => (Site?)d).DefaultIfEmpty(), (x, d) => (x.s, d)).ToList();

    [Fact(DisplayName = "Eager aggregation equals LINQ's join then GroupBy: a LEFT join, a RIGHT join, COUNT(*) with HAVING, and the plain control, at parallelism 1 and 2")]
    public void EqualsLinq() => Gen.Select(Sales, Sites).Sample((sales, sites) =>
    {
        var joined = LeftJoin(sales, sites);
        var stats = joined.Where(x => x.Site is null || x.Site.Value.Region != 2)
            .GroupBy(x => x.Site?.Name)
            .Select(g => new SiteStats(g.Key, g.Count(), g.Sum(x => x.Sale.Amount), g.Min(x => x.Sale.Amount), g.Sum(x => x.Sale.Amount) / g.Count()))
            .OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var regions = joined.Where(x => x.Sale.Amount > 10 && x.Sale.Note == "ok")
            .GroupBy(x => x.Site?.Region)
            .Select(g => new RegionTotal(g.Key, g.Count(), g.Sum(x => x.Sale.Amount)))
            .OrderBy(r => r.Region).ToList();
        var inner = joined.Where(x => x.Site is not null).ToList();
        var counts = inner.GroupBy(x => x.Site!.Value.Region).Where(g => g.Count() > 2)
            .Select(g => new RegionCount(g.Key, g.Count())).OrderBy(r => r.Region).ToList();
        var weighted = inner.GroupBy(x => x.Site!.Value.Name)
            .Select(g => new WeightedTotal(g.Key, g.Sum(x => x.Sale.Amount * x.Site!.Value.Region))).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();

        foreach (var results in new[] { SqlEagerJoins.Run(sales, sites), SqlEagerJoins.Run(sales, sites, parallelism: 2) })
        {
            Assert.Equal(stats, results.Stats.OrderBy(r => r.Name, StringComparer.Ordinal));
            Assert.Equal(regions, results.Regions.OrderBy(r => r.Region));
            Assert.Equal(counts, results.Counts.OrderBy(r => r.Region));
            Assert.Equal(weighted, results.Weighted.OrderBy(r => r.Name, StringComparer.Ordinal));
        }
    }, iter: 60);

    [Fact(DisplayName = "The eager plan's result per window, with its timestamp and pane, is the plain plan's, as the watermark passes each window")]
    public void WindowedEqualsPlain() => Gen.Select(
        Gen.Select(Gen.OneOf(Gen.Const("ann"), Gen.Const("bob"), Gen.Const("cy")), Gen.Long[1, 9], Gen.Long[0, 179_999], (u, a, t) => (new Buy(u, a), t)).Array[0, 40],
        Gen.Select(Gen.OneOf(Gen.Const("ann"), Gen.Const("bob"), Gen.Const("dee")), Gen.OneOf(Gen.Const("fr"), Gen.Const("nz")), Gen.Long[0, 179_999], (u, c, t) => (new Member(u, c), t)).Array[0, 12])
        .Sample((buys, members) =>
        {
            var eager = new ListSink<CountryTotal>();
            var plain = new ListSink<CountryTotal>();
            var runner = SqlEagerWindowedJoin.CreateRunner(eager, plain);
            foreach (var (buy, t) in buys)
            {
                runner.PushBuys(buy, new Instant(t));
            }

            foreach (var (member, t) in members)
            {
                runner.PushMembers(member, new Instant(t));
            }

            static List<string> Rows(ListSink<CountryTotal> sink) =>
                sink.Elements.Select(e => e.Value + " " + e.Window + " " + e.Timestamp.Millis + " " + e.Pane).OrderBy(s => s, StringComparer.Ordinal).ToList();
            runner.AdvanceWatermark(new Instant(120_000));
            Assert.Equal(Rows(plain), Rows(eager));
            var firstWindows = eager.Elements.Count;
            runner.Finish();
            Assert.Equal(Rows(plain), Rows(eager));

            // Each country's sum per minute, from the rows that met in that minute.
            var expected = buys.Join(members, b => (b.Item1.User, b.t / 60_000), m => (m.Item1.User, m.t / 60_000), (b, m) => (m.Item1.Country, Minute: b.t / 60_000, b.Item1.Amount))
                .GroupBy(x => (x.Country, x.Minute))
                .Select(g => new CountryTotal(g.Key.Country, g.Sum(x => x.Amount), g.Count()) + " " + g.Key.Minute)
                .OrderBy(s => s, StringComparer.Ordinal);
            Assert.Equal(expected, eager.Elements.Select(e => e.Value + " " + e.Window.Start.Millis / 60_000).OrderBy(s => s, StringComparer.Ordinal));
            Assert.True(eager.Elements.Take(firstWindows).All(e => e.Window.End.Millis <= 120_000));
        }, iter: 60);
}
