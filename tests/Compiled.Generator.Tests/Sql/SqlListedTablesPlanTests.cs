using System;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests.Sql;

/// <summary>
/// Tables listed in FROM: WHERE's equalities between them are the join's keys, so <c>FROM a, b WHERE a.k = b.k</c>
/// generates the code of <c>FROM a JOIN b ON a.k = b.k</c>, not every pair of rows filtered afterwards.
/// </summary>
public class SqlListedTablesPlanTests
{
    private static string Generated(string query)
    {
        var run = GeneratorHarness.Run($$""""
            using System;
            using Compiled;

            namespace Demo;

            public sealed record Sale(int Site, long Amount, string Note);
            public sealed record Site(long Id, string Name, int Region);
            public sealed record Row(string? Name, long Amount);

            [Pipeline]
            public partial class Q
            {
                static void Define(PipelineBuilder p) =>
                    p.Sql<Row>("""
                        {{query}}
                        """, p.Create<Sale>("sales").AsTable("sales"), p.Create<Site>("sites").AsTable("sites")).Output("rows");
            }
            """");
        Assert.Empty(run.Exceptions);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return run.SingleSource.Replace(query, "<query>", StringComparison.Ordinal);
    }

    [Theory(DisplayName = "FROM a, b WHERE a.k = b.k generates what FROM a JOIN b ON a.k = b.k does; WHERE's other conditions stay in WHERE")]
    [InlineData("SELECT s.name, amount FROM sales, sites s WHERE site = s.id", "SELECT s.name, amount FROM sales JOIN sites s ON site = s.id")]
    [InlineData("SELECT s.name, amount FROM sales, sites s WHERE s.id = site AND amount > 5", "SELECT s.name, amount FROM sales JOIN sites s ON s.id = site WHERE amount > 5")]
    [InlineData("SELECT s.name, amount FROM sales, sites s WHERE amount > 5 AND site = s.id AND s.region = 2", "SELECT s.name, amount FROM sales JOIN sites s ON site = s.id WHERE amount > 5 AND s.region = 2")]
    public void EqualitiesAreKeys(string listed, string joined) => Assert.Equal(Generated(joined), Generated(listed));

    [Fact(DisplayName = "Without an equality between the tables, a list is a cross join filtered by WHERE, as CROSS JOIN is")]
    public void NoEqualityIsACrossJoin() =>
        Assert.Equal(
            Generated("SELECT s.name, amount FROM sales CROSS JOIN sites s WHERE amount > s.id"),
            Generated("SELECT s.name, amount FROM sales, sites s WHERE amount > s.id"));
}
