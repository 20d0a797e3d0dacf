using System;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests.Sql;

/// <summary>
/// A query's row type the generator declares (<c>p.Sql&lt;TopPage&gt;</c> where no TopPage exists): the declaration
/// compiles, the record is nested in the pipeline class, another query can read it, and what cannot be done with it is
/// a diagnostic at its place, never a compiler error about a missing type.
/// </summary>
public class SqlDeclaredRowTests
{
    private static GeneratorRun Run(string body, string extra = "") => GeneratorHarness.Run($$"""
        using System;
        using Compiled;

        namespace Demo
        {
            public sealed record Visit(string Page, string User, int Millis, string? Referrer);

            [Pipeline]
            public partial class Q
            {
                static void Define(PipelineBuilder p)
                {
                    var visits = p.Create<Visit>("visits");
        {{body}}
                }
            }
        }

        {{extra}}
        """);

    private static Diagnostic[] Errors(GeneratorRun run) =>
        run.GeneratorDiagnostics.Concat(run.CompilationDiagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();

    [Fact(DisplayName = "The declared record: nested in the pipeline class, a member per column in Pascal case, typed as computed; the whole compiles")]
    public void TheRecordIsDeclared()
    {
        var run = Run("""
                    p.Sql<PageViews>("SELECT page, COUNT(*) AS view_count, MAX(referrer) AS last_referrer FROM visits GROUP BY page", visits.AsTable("visits")).Output("views");
            """);
        Assert.Empty(run.Exceptions);
        Assert.Empty(Errors(run));
        Assert.Contains("public sealed partial record PageViews(string Page, long ViewCount, string? LastReferrer);", run.SingleSource, StringComparison.Ordinal);
        Assert.Contains("=> new global::Demo.Q.PageViews(kv.Key, kv.Value.Item1, ", run.SingleSource, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "Another query reads a declared row type as a table, by its columns")]
    public void AQueryReadsADeclaredRow()
    {
        var run = Run("""
                    var perPage = p.Sql<PageViews>("SELECT page, COUNT(*) AS views FROM visits GROUP BY page", visits.AsTable("visits"));
                    p.Sql<Popular>("SELECT page FROM per_page WHERE views > 10", perPage.AsTable("per_page")).Output("popular");
            """);
        Assert.Empty(run.Exceptions);
        Assert.Empty(Errors(run));
        Assert.Contains("public sealed partial record Popular(string Page);", run.SingleSource, StringComparison.Ordinal);
        Assert.Contains("=> (row.Views > 10);", run.SingleSource, StringComparison.Ordinal);
    }

    [Theory(DisplayName = "What a declared row type cannot be is a diagnostic at its place, and no compiler error is left about the missing type")]
    [InlineData("""p.Sql<Visits>("SELECT page FROM visits", visits.AsTable("visits")).Output("pages");""", "", "CMP0008", "'Visits' is not in scope here, but Other.Visits exists: add its using")]
    [InlineData("""p.Sql<Run>("SELECT page FROM visits", visits.AsTable("visits")).Output("pages");""", "", "CMP0008", "The row type 'Run' would be declared in Q, which has a member of that name already")]
    [InlineData("""p.Sql<ParallelRunner>("SELECT page FROM visits", visits.AsTable("visits")).Output("pages");""", "", "CMP0008", "The row type 'ParallelRunner' would be declared in Q, which has a member of that name already")]
    [InlineData("""p.Sql<Row>("SELECT page FROM visits", visits.AsTable("visits")).Output("a"); p.Sql<Row>("SELECT user FROM visits", visits.AsTable("visits")).Output("b");""", "", "CMP0008", "The row type 'Row' is declared by another query with other columns (Page)")]
    [InlineData("""p.Sql<Row>("SELECT page_views, pageViews FROM t", p.Create<Wide>("t").AsTable("t")).Output("a");""", "public sealed record Wide(int page_views, int pageViews);", "CMP0025", "become the same member 'PageViews' of the row type the generator declares")]
    [InlineData("""p.Sql<Row>("SELECT page, COUNT(*) FROM visits GROUP BY page", visits.AsTable("visits")).Output("a");""", "", "CMP0025", "Name this column with AS: it becomes the member of the row type the generator declares (Row) with that name")]
    [InlineData("""p.Sql<Row>("SELECT page FROM visits", visits.AsTable("visits")).Map(static r => r.Page.Length).Output("a");""", "", "CMP0005", "the row type the generator declares for a query, which C# code in the declaration cannot read yet")]
    public void Mistakes(string body, string extra, string id, string message)
    {
        var run = Run(body, "namespace Other { public sealed record Visits(string Page); }\n" + extra);
        Assert.Empty(run.Exceptions);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact(DisplayName = "Two queries may share a declared row type when their columns agree: it is declared once")]
    public void SharedRow()
    {
        var run = Run("""
                    p.Sql<PageOnly>("SELECT page FROM visits WHERE millis > 10", visits.AsTable("visits")).Output("slow");
                    p.Sql<PageOnly>("SELECT page FROM visits WHERE millis < 2", visits.AsTable("visits")).Output("fast");
            """);
        Assert.Empty(Errors(run));
        Assert.Single(run.SingleSource.Split("partial record PageOnly(").Skip(1));
    }
}
