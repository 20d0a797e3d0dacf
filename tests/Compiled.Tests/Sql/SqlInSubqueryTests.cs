using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record Purchase2(string User, int Item, long Amount, string? Coupon);

public sealed record Member2(string Name, long Tier, string? Code);

public sealed record PurchaseRow(string User, long Amount);

public sealed record UserSpend(string User, long Total);

public sealed record CouponRow(string? Coupon);

/// <summary>WHERE x [NOT] IN (SELECT ...): semi- and anti-joins, with NULLs, numeric widening, GROUP BY after, and windows.</summary>
[Pipeline]
public partial class SqlInSubqueries
{
    static void Define(PipelineBuilder p)
    {
        var purchases = p.Create<Purchase2>("purchases");
        var members = p.Create<Member2>("members");
        p.Sql<PurchaseRow>(
            "SELECT user, amount FROM purchases WHERE user IN (SELECT name FROM members WHERE tier > 1) AND amount > 5",
            purchases.AsTable("purchases"), members.AsTable("members")).Output("vip");
        p.Sql<PurchaseRow>(
            "SELECT user, amount FROM purchases WHERE user NOT IN (SELECT name FROM members)",
            purchases.AsTable("purchases"), members.AsTable("members")).Output("strangers");

        // An INTEGER looked for among BIGINTs; NULL coupons and NULL codes match nothing.
        p.Sql<CouponRow>(
            "SELECT coupon FROM purchases WHERE item IN (SELECT tier FROM members) AND coupon IN (SELECT code FROM members)",
            purchases.AsTable("purchases"), members.AsTable("members")).Output("coupons");
        p.Sql<UserSpend>(
            "SELECT user, SUM(amount) AS total FROM purchases WHERE user IN (SELECT name FROM members) GROUP BY user",
            purchases.AsTable("purchases"), members.AsTable("members")).Output("spend");
    }
}

public sealed record Click2(string User);

/// <summary>IN over windowed tables: a value is looked for among the subquery's rows of the same window.</summary>
[Pipeline]
public partial class SqlWindowedIn
{
    static void Define(PipelineBuilder p) =>
        p.Sql<Click2>(
            "SELECT user FROM clicks WHERE user IN (SELECT user FROM buyers)",
            p.Unbounded<Click2>("clicks").Window(Windows.Fixed(TimeSpan.FromMinutes(1))).AsTable("clicks"),
            p.Unbounded<Click2>("buyers").Window(Windows.Fixed(TimeSpan.FromMinutes(1))).AsTable("buyers")).Output("rows");
}

public class SqlInSubqueryTests
{
    private static readonly Gen<Purchase2[]> Purchases = Gen.Select(
        Gen.OneOf(Gen.Const("ann"), Gen.Const("bob"), Gen.Const("cy"), Gen.Const("dee")), Gen.Int[0, 4], Gen.Long[0, 20],
        Gen.OneOf(Gen.Const(default(string)), Gen.Const((string?)"x"), Gen.Const((string?)"y")), (u, i, a, c) => new Purchase2(u, i, a, c)).Array[0, 50];

    // Names repeat (a user found twice is still kept once) and some codes are NULL.
    private static readonly Gen<Member2[]> Members = Gen.Select(
        Gen.OneOf(Gen.Const("ann"), Gen.Const("bob"), Gen.Const("eve")), Gen.Long[0, 3],
        Gen.OneOf(Gen.Const(default(string)), Gen.Const((string?)"x"), Gen.Const((string?)"z")), (n, t, c) => new Member2(n, t, c)).Array[0, 8];

    [Fact(DisplayName = "IN and NOT IN (SELECT ...) equal LINQ's Any and All: each row kept once, NULLs in nothing, an INTEGER among BIGINTs, GROUP BY after; parallelism 1 and 2")]
    public void EqualsLinq() => Gen.Select(Purchases, Members).Sample((purchases, members) =>
    {
        static List<string> Sorted<T>(IEnumerable<T> rows) => rows.Select(r => r!.ToString()!).OrderBy(s => s, StringComparer.Ordinal).ToList();
        var vip = purchases.Where(p => members.Any(m => m.Tier > 1 && m.Name == p.User) && p.Amount > 5).Select(p => new PurchaseRow(p.User, p.Amount));
        var strangers = purchases.Where(p => members.All(m => m.Name != p.User)).Select(p => new PurchaseRow(p.User, p.Amount));
        var coupons = purchases.Where(p => members.Any(m => m.Tier == p.Item) && p.Coupon is not null && members.Any(m => m.Code == p.Coupon)).Select(p => new CouponRow(p.Coupon));
        var spend = purchases.Where(p => members.Any(m => m.Name == p.User)).GroupBy(p => p.User).Select(g => new UserSpend(g.Key, g.Sum(p => p.Amount)));
        foreach (var results in new[] { SqlInSubqueries.Run(purchases, members), SqlInSubqueries.Run(purchases, members, parallelism: 2) })
        {
            Assert.Equal(Sorted(vip), Sorted(results.Vip));
            Assert.Equal(Sorted(strangers), Sorted(results.Strangers));
            Assert.Equal(Sorted(coupons), Sorted(results.Coupons));
            Assert.Equal(Sorted(spend), Sorted(results.Spend));
        }
    }, iter: 80);

    [Fact(DisplayName = "IN over windowed tables looks among the subquery's rows of the same window, and a window's rows come out when the watermark passes its end")]
    public void WindowedIn()
    {
        var rows = new ListSink<Click2>();
        var runner = SqlWindowedIn.CreateRunner(rows);
        runner.PushClicks(new Click2("ann"), new Instant(10_000));
        runner.PushClicks(new Click2("bob"), new Instant(20_000));
        runner.PushClicks(new Click2("ann"), new Instant(70_000));
        runner.PushBuyers(new Click2("ann"), new Instant(30_000));
        runner.PushBuyers(new Click2("ann"), new Instant(40_000));
        runner.PushBuyers(new Click2("bob"), new Instant(61_000));
        runner.AdvanceWatermark(new Instant(60_000));
        Assert.Equal(new[] { "ann" }, rows.Elements.Select(e => e.Value.User));
        Assert.Equal(BoundedWindow.Interval(new Instant(0), new Instant(60_000)), rows.Elements[0].Window);
        runner.Finish();
        Assert.Single(rows.Elements); // ann at 70 s and bob at 61 s are in the second minute, apart
    }
}
