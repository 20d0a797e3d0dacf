using System;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests.Sql;

/// <summary>
/// Which grouped joins are planned with their aggregates computed before the join (eager aggregation): where every
/// aggregate reads one side, everything else the other, the join keeps no unmatched row of the other side, and both
/// tables are windowed alike by a window function that fires once and does not merge. Elsewhere the plain plan.
/// </summary>
public class SqlEagerAggregationPlanTests
{
    private const string Eager = "aggregated per join key before the join";

    private static string Plan(string query, string sales = "p.Create<Sale>(\"sales\")", string sites = "p.Create<Site>(\"sites\")", string row = "Row")
    {
        var run = GeneratorHarness.Run($$""""
            using System;
            using Compiled;

            namespace Demo;

            public sealed record Sale(int Site, long Amount, string Note);
            public sealed record Site(long Id, string Name, int Region);
            public sealed record Row(string? Name, long? Total);
            public sealed record RegionRow(int? Region, long Total);

            [Pipeline]
            public partial class Q
            {
                static void Define(PipelineBuilder p) =>
                    p.Sql<{{row}}>("""
                        {{query}}
                        """, {{sales}}.AsTable("sales"), {{sites}}.AsTable("sites")).Output("rows");
            }
            """");
        Assert.Empty(run.Exceptions);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return run.SingleSource;
    }

    [Theory(DisplayName = "A grouped join whose aggregates read one side aggregates that side per join key first")]
    [InlineData("SELECT s.name, SUM(amount) AS total FROM sales JOIN sites s ON site = id GROUP BY s.name")]
    [InlineData("SELECT s.name, SUM(amount) AS total FROM sales LEFT JOIN sites s ON site = id WHERE note <> 'void' AND s.region > 1 GROUP BY s.name")]
    [InlineData("SELECT s.name, COUNT(*) AS total FROM sales JOIN sites s ON site = id GROUP BY s.name HAVING COUNT(*) > 1")]
    public void EagerWhereItApplies(string query) => Assert.Contains(Eager, Plan(query), StringComparison.Ordinal);

    [Fact(DisplayName = "The aggregated side may be the right one, of an inner or a RIGHT join")]
    public void EagerOnTheRight() =>
        Assert.Contains(Eager, Plan("SELECT s.region, SUM(amount) AS total FROM sites s RIGHT JOIN sales ON id = site GROUP BY s.region", row: "RegionRow"), StringComparison.Ordinal);

    [Theory(DisplayName = "Elsewhere the plain plan: aggregates reading both sides, a group key or WHERE conjunct reading the aggregated side, an outer join keeping the other side, COUNT(DISTINCT)")]
    [InlineData("SELECT s.name, SUM(amount * s.region) AS total FROM sales JOIN sites s ON site = id GROUP BY s.name")]
    [InlineData("SELECT note AS name, SUM(amount) AS total FROM sales JOIN sites s ON site = id GROUP BY note")]
    [InlineData("SELECT s.name, SUM(amount) AS total FROM sales JOIN sites s ON site = id WHERE amount > s.region GROUP BY s.name")]
    [InlineData("SELECT s.name, SUM(amount) AS total FROM sales RIGHT JOIN sites s ON site = id GROUP BY s.name")]
    [InlineData("SELECT s.name, SUM(amount) AS total FROM sales FULL JOIN sites s ON site = id GROUP BY s.name")]
    [InlineData("SELECT s.name, COUNT(DISTINCT amount) AS total FROM sales JOIN sites s ON site = id GROUP BY s.name")]
    [InlineData("SELECT s.name, SUM(amount) AS total FROM sales JOIN sites s ON site = id AND amount > 10 GROUP BY s.name")]
    public void PlainElsewhere(string query) => Assert.DoesNotContain(Eager, Plan(query), StringComparison.Ordinal);

    [Fact(DisplayName = "Sessions merge per key, so a join of sessions keeps the plain plan; fixed windows take the eager one")]
    public void WindowsThatMerge()
    {
        const string Query = "SELECT s.name, SUM(amount) AS total FROM sales JOIN sites s ON site = id GROUP BY s.name";
        Assert.DoesNotContain(Eager, Plan(Query,
            "p.Create<Sale>(\"sales\").Window(Windows.Sessions(TimeSpan.FromMinutes(1)))", "p.Create<Site>(\"sites\").Window(Windows.Sessions(TimeSpan.FromMinutes(1)))"), StringComparison.Ordinal);
        Assert.Contains(Eager, Plan(Query,
            "p.Create<Sale>(\"sales\").Window(Windows.Fixed(TimeSpan.FromMinutes(1)))", "p.Create<Site>(\"sites\").Window(Windows.Fixed(TimeSpan.FromMinutes(1)))"), StringComparison.Ordinal);
    }
}
