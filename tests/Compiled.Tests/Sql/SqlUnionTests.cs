using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>Beam SQL's ORDER_DETAILS of BeamUnionRelTest: order_id BIGINT, site_id INTEGER, price DECIMAL.</summary>
public sealed record PricedOrder(long OrderId, int SiteId, decimal Price);

public sealed record Movement(string Account, long Amount, DateTimeOffset At);

public sealed record AccountLine(string Account, string Kind, long Amount);

public sealed record HourlyLine(string Account, long Amount, DateTimeOffset Hour);

/// <summary>UNION ALL: Beam's testUnionAll, SELECTs of different tables and shapes into one row type, and windowed SELECTs.</summary>
[Pipeline]
public partial class SqlUnions
{
    static void Define(PipelineBuilder p)
    {
        var orders = p.Create<PricedOrder>("orders");
        p.Sql<PricedOrder>(
            "SELECT orderId, siteId, price FROM order_details UNION ALL SELECT orderId, siteId, price FROM order_details",
            orders.AsTable("order_details")).Output("all");
        p.Sql<PricedOrder>(
            "SELECT orderId, siteId, price FROM order_details UNION SELECT orderId, siteId, price FROM order_details",
            orders.AsTable("order_details")).Output("distinct");

        var debits = p.Create<Movement>("debits");
        var credits = p.Create<Movement>("credits");
        p.Sql<AccountLine>("""
            SELECT account, 'debit' AS kind, -amount AS amount FROM debits WHERE amount > 0
            UNION ALL
            SELECT account, 'credit' AS kind, amount FROM credits
            UNION ALL
            SELECT account, 'total' AS kind, SUM(amount) AS amount FROM credits GROUP BY account
            """, debits.AsTable("debits"), credits.AsTable("credits")).Output("lines");
        p.Sql<AccountLine>(
            "SELECT account, 'move' AS kind, amount / 10 AS amount FROM debits UNION SELECT account, 'move', amount / 10 FROM credits WHERE amount > 0 ORDER BY account, amount DESC LIMIT 4",
            debits.AsTable("debits"), credits.AsTable("credits")).Output("moves");
        p.Sql<HourlyLine>("""
            SELECT account, SUM(amount) AS amount, TUMBLE_START(at, INTERVAL '1' HOUR) AS hour FROM debits GROUP BY account, TUMBLE(at, INTERVAL '1' HOUR)
            UNION ALL
            SELECT account, COUNT(*) AS amount, window_start AS hour FROM credits GROUP BY TUMBLE(at, INTERVAL '1' HOUR), account
            """, debits.AsTable("debits"), credits.AsTable("credits")).Output("hourly");
    }
}

public class SqlUnionTests
{
    private static readonly PricedOrder[] Orders = { new(1, 1, 1.0m), new(2, 2, 2.0m) };

    [Fact(DisplayName = "UNION: Beam's testUnion, the rows of both SELECTs without duplicates")]
    public void Union() =>
        Assert.Equal(
            new[] { new PricedOrder(1, 1, 1.0m), new PricedOrder(2, 2, 2.0m) },
            SqlUnions.Run(Orders, Array.Empty<Movement>(), Array.Empty<Movement>()).Distinct.OrderBy(o => o.OrderId));

    [Fact(DisplayName = "UNION ALL: Beam's testUnionAll, every row of both SELECTs, duplicates kept")]
    public void UnionAll() =>
        Assert.Equal(
            new[] { new PricedOrder(1, 1, 1.0m), new PricedOrder(1, 1, 1.0m), new PricedOrder(2, 2, 2.0m), new PricedOrder(2, 2, 2.0m) },
            SqlUnions.Run(Orders, Array.Empty<Movement>(), Array.Empty<Movement>()).All.OrderBy(o => o.OrderId));

    private static readonly Gen<Movement[]> Movements = Gen.Select(Gen.OneOf(Gen.Const("a"), Gen.Const("b"), Gen.Const("c")), Gen.Long[-20, 100], Gen.Long[0, 3 * 3_600_000L],
        (account, amount, ms) => new Movement(account, amount, DateTimeOffset.FromUnixTimeMilliseconds(ms))).Array[0, 40];

    [Fact(DisplayName = "UNION ALL of three SELECTs over two tables (one grouped) equals LINQ's Concat, at parallelism 1 and 2")]
    public void UnionEqualsLinq() => Gen.Select(Movements, Movements).Sample((debits, credits) =>
    {
        var expected = debits.Where(d => d.Amount > 0).Select(d => new AccountLine(d.Account, "debit", -d.Amount))
            .Concat(credits.Select(c => new AccountLine(c.Account, "credit", c.Amount)))
            .Concat(credits.GroupBy(c => c.Account).Select(g => new AccountLine(g.Key, "total", g.Sum(c => c.Amount))));
        Assert.Equal(Sorted(expected), Sorted(SqlUnions.Run(Orders, debits, credits).Lines));
        Assert.Equal(Sorted(expected), Sorted(SqlUnions.Run(Orders, debits, credits, parallelism: 2).Lines));
    }, iter: 50);

    [Fact(DisplayName = "UNION removes duplicates across and within its SELECTs, then ORDER BY ... LIMIT takes the first distinct rows, as LINQ's Union; parallelism 1 and 2")]
    public void DistinctUnionEqualsLinq() => Gen.Select(Movements, Movements).Sample((debits, credits) =>
    {
        var expected = debits.Select(d => new AccountLine(d.Account, "move", d.Amount / 10))
            .Union(credits.Where(c => c.Amount > 0).Select(c => new AccountLine(c.Account, "move", c.Amount / 10)))
            .OrderBy(r => r.Account, StringComparer.Ordinal).ThenByDescending(r => r.Amount).Take(4).ToList();
        Assert.Equal(expected, SqlUnions.Run(Orders, debits, credits).Moves);
        Assert.Equal(expected, SqlUnions.Run(Orders, debits, credits, parallelism: 2).Moves);
    }, iter: 50);

    [Fact(DisplayName = "UNION ALL of two windowed SELECTs: each hour's sums of one table and counts of the other")]
    public void WindowedUnionEqualsLinq() => Gen.Select(Movements, Movements).Sample((debits, credits) =>
    {
        static DateTimeOffset Hour(Movement m) => DateTimeOffset.FromUnixTimeMilliseconds(m.At.ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000);
        var expected = debits.GroupBy(d => (d.Account, Hour: Hour(d))).Select(g => new HourlyLine(g.Key.Account, g.Sum(d => d.Amount), g.Key.Hour))
            .Concat(credits.GroupBy(c => (c.Account, Hour: Hour(c))).Select(g => new HourlyLine(g.Key.Account, g.Count(), g.Key.Hour)));
        Assert.Equal(Sorted(expected), Sorted(SqlUnions.Run(Orders, debits, credits).Hourly));
    }, iter: 50);

    private static List<AccountLine> Sorted(IEnumerable<AccountLine> rows) =>
        rows.OrderBy(r => r.Account, StringComparer.Ordinal).ThenBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Amount).ToList();

    private static List<HourlyLine> Sorted(IEnumerable<HourlyLine> rows) =>
        rows.OrderBy(r => r.Hour).ThenBy(r => r.Account, StringComparer.Ordinal).ThenBy(r => r.Amount).ToList();
}
