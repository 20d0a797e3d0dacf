using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

/// <summary>Beam SQL's ORDER_DETAILS of BeamSortRelTest: order_id BIGINT, site_id INTEGER, price DOUBLE, order_time.</summary>
public sealed record TimedOrder(long OrderId, int SiteId, double Price, DateTimeOffset OrderTime);

public sealed record SubOrder(long OrderId, int SiteId, double Price);

/// <summary>The table of testOrderBy_nullsFirst and testOrderBy_nullsLast: site_id may be NULL.</summary>
public sealed record MaybeSiteOrder(long OrderId, int? SiteId, double Price);

public sealed record TopPlayer(string Player, long Points, DateTimeOffset Hour);

/// <summary>ORDER BY ... LIMIT: Beam's BeamSortRelTest cases, and the top rows of each window.</summary>
[Pipeline]
public partial class SqlOrderings
{
    static void Define(PipelineBuilder p)
    {
        var orders = p.Create<TimedOrder>("orders");
        p.Sql<SubOrder>("SELECT orderId, siteId, price FROM order_details ORDER BY orderId asc, siteId desc limit 4", orders.AsTable("order_details")).Output("basic");
        p.Sql<TimedOrder>("SELECT orderId, siteId, price, orderTime FROM order_details ORDER BY orderTime desc limit 4", orders.AsTable("order_details")).Output("latest");
        p.Sql<SubOrder>("SELECT orderId, siteId, price FROM order_details ORDER BY orderId asc, siteId desc limit 11", orders.AsTable("order_details")).Output("bigFetch");
        p.Sql<SubOrder>("SELECT orderId, siteId, price FROM order_details ORDER BY 3 DESC LIMIT 2", orders.AsTable("order_details")).Output("byPosition");
        p.Sql<SubOrder>("SELECT orderId, siteId, price FROM order_details ORDER BY orderId asc, siteId desc limit 4 offset 4", orders.AsTable("order_details")).Output("withOffset");

        var maybe = p.Create<MaybeSiteOrder>("maybe");
        p.Sql<MaybeSiteOrder>("SELECT orderId, siteId, price FROM order_details ORDER BY orderId asc, siteId desc NULLS FIRST limit 4", maybe.AsTable("order_details")).Output("nullsFirst");
        p.Sql<MaybeSiteOrder>("SELECT orderId, siteId, price FROM order_details ORDER BY orderId asc, siteId desc NULLS LAST limit 4", maybe.AsTable("order_details")).Output("nullsLast");
        p.Sql<MaybeSiteOrder>("SELECT * FROM order_details ORDER BY siteId LIMIT 5", maybe.AsTable("order_details")).Output("nullsDefault");

        var scores = p.Create<Movement>("scores");
        p.Sql<TopPlayer>("""
            SELECT account AS player, SUM(amount) AS points, window_start AS hour
            FROM scores GROUP BY account, TUMBLE(at, INTERVAL '1' HOUR)
            ORDER BY points DESC, player LIMIT 2
            """, scores.AsTable("scores")).Output("topPerHour");
        p.Sql<TopPlayer>("""
            SELECT account AS player, SUM(amount) AS points, window_start AS hour
            FROM scores GROUP BY account, TUMBLE(at, INTERVAL '1' HOUR)
            ORDER BY sum(amount) DESC, account LIMIT 2
            """, scores.AsTable("scores")).Output("topPerHourByExpression");
        p.Sql<SubOrder>("SELECT orderId, siteId, price * 2 AS price FROM order_details ORDER BY PRICE * 2 DESC LIMIT 2", orders.AsTable("order_details")).Output("byExpression");
    }
}

public class SqlOrderByTests
{
    // BeamSortRelTest.prepare: ORDER_DETAILS, order_time new DateTime(0) ... new DateTime(9) (milliseconds).
    private static readonly TimedOrder[] Orders =
    {
        new(1, 2, 1.0, T(0)), new(1, 1, 2.0, T(1)), new(2, 4, 3.0, T(2)), new(2, 1, 4.0, T(3)), new(5, 5, 5.0, T(4)),
        new(6, 6, 6.0, T(5)), new(7, 7, 7.0, T(6)), new(8, 8888, 8.0, T(7)), new(8, 999, 9.0, T(8)), new(10, 100, 10.0, T(9)),
    };

    // testOrderBy_nullsFirst and testOrderBy_nullsLast.
    private static readonly MaybeSiteOrder[] Maybe = { new(1, 2, 1.0), new(1, null, 2.0), new(2, 1, 3.0), new(2, null, 4.0), new(5, 5, 5.0) };

    private static DateTimeOffset T(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static SqlOrderings.Results Run(IEnumerable<Movement>? scores = null) => SqlOrderings.Run(Orders, Maybe, scores ?? Array.Empty<Movement>());

    [Fact(DisplayName = "ORDER BY ... LIMIT: Beam's testOrderBy_basic, in order")]
    public void Basic() =>
        Assert.Equal(new[] { new SubOrder(1, 2, 1.0), new SubOrder(1, 1, 2.0), new SubOrder(2, 4, 3.0), new SubOrder(2, 1, 4.0) }, Run().Basic);

    [Fact(DisplayName = "ORDER BY a timestamp DESC: Beam's testOrderBy_timestamp")]
    public void Timestamp() =>
        Assert.Equal(new[] { Orders[9], Orders[8], Orders[7], Orders[6] }, Run().Latest);

    [Fact(DisplayName = "A LIMIT above the row count: Beam's testOrderBy_bigFetch, every row in order")]
    public void BigFetch() =>
        Assert.Equal(
            new[] { new SubOrder(1, 2, 1.0), new SubOrder(1, 1, 2.0), new SubOrder(2, 4, 3.0), new SubOrder(2, 1, 4.0), new SubOrder(5, 5, 5.0), new SubOrder(6, 6, 6.0), new SubOrder(7, 7, 7.0), new SubOrder(8, 8888, 8.0), new SubOrder(8, 999, 9.0), new SubOrder(10, 100, 10.0) },
            Run().BigFetch);

    [Fact(DisplayName = "LIMIT with OFFSET: Beam's testOrderBy_with_offset, rows 5 to 8 in order")]
    public void WithOffset() =>
        Assert.Equal(new[] { new SubOrder(5, 5, 5.0), new SubOrder(6, 6, 6.0), new SubOrder(7, 7, 7.0), new SubOrder(8, 8888, 8.0) }, Run().WithOffset);

    [Fact(DisplayName = "ORDER BY a position of the result")]
    public void ByPosition() =>
        Assert.Equal(new[] { new SubOrder(10, 100, 10.0), new SubOrder(8, 999, 9.0) }, Run().ByPosition);

    [Fact(DisplayName = "ORDER BY an expression of the SELECT list orders by that column")]
    public void ByExpression() =>
        Assert.Equal(new[] { new SubOrder(10, 100, 20.0), new SubOrder(8, 999, 18.0) }, Run().ByExpression);

    [Fact(DisplayName = "NULLS FIRST: Beam's testOrderBy_nullsFirst")]
    public void NullsFirst() =>
        Assert.Equal(new[] { new MaybeSiteOrder(1, null, 2.0), new MaybeSiteOrder(1, 2, 1.0), new MaybeSiteOrder(2, null, 4.0), new MaybeSiteOrder(2, 1, 3.0) }, Run().NullsFirst);

    [Fact(DisplayName = "NULLS LAST: Beam's testOrderBy_nullsLast")]
    public void NullsLast() =>
        Assert.Equal(new[] { new MaybeSiteOrder(1, 2, 1.0), new MaybeSiteOrder(1, null, 2.0), new MaybeSiteOrder(2, 1, 3.0), new MaybeSiteOrder(2, null, 4.0) }, Run().NullsLast);

    [Fact(DisplayName = "Without NULLS FIRST or LAST, NULLs order after every value when ascending (Calcite's default)")]
    public void NullsDefault() =>
        Assert.Equal(new int?[] { 1, 2, 5, null, null }, Run().NullsDefault.Select(r => r.SiteId));

    private static readonly Gen<Movement[]> Scores = Gen.Select(Gen.OneOf(Gen.Const("ann"), Gen.Const("bob"), Gen.Const("cy"), Gen.Const("dee")), Gen.Long[0, 9], Gen.Long[0, 4 * 3_600_000L],
        (player, points, ms) => new Movement(player, points, DateTimeOffset.FromUnixTimeMilliseconds(ms))).Array[0, 60];

    [Fact(DisplayName = "ORDER BY ... LIMIT per window (the top two players of each hour, ties by name) equals LINQ, at parallelism 1 and 2")]
    public void TopPerWindowEqualsLinq() => Scores.Sample(scores =>
    {
        var expected = scores.GroupBy(s => s.At.ToUnixTimeMilliseconds() / 3_600_000)
            .OrderBy(h => h.Key)
            .SelectMany(h => h.GroupBy(s => s.Account)
                .Select(g => new TopPlayer(g.Key, g.Sum(s => s.Amount), DateTimeOffset.FromUnixTimeMilliseconds(h.Key * 3_600_000)))
                .OrderByDescending(r => r.Points).ThenBy(r => r.Player, StringComparer.Ordinal).Take(2))
            .ToList();

        // Each window's rows come out together, in order; windows in the order they fire.
        var results = Run(scores);
        Assert.Equal(expected, results.TopPerHour.OrderBy(r => r.Hour).ToList());
        // ORDER BY SUM(amount) DESC, account: the SELECT list's expressions, by what they compute.
        Assert.Equal(expected, results.TopPerHourByExpression.OrderBy(r => r.Hour).ToList());
        var parallel = SqlOrderings.Run(Orders, Maybe, scores, parallelism: 2).TopPerHour;
        Assert.Equal(expected, parallel.OrderBy(r => r.Hour).ToList());
    }, iter: 60);
}
