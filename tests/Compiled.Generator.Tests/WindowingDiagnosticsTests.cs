using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>Windowing declarations the generator cannot compile get a diagnostic at their location.</summary>
public class WindowingDiagnosticsTests
{
    private const string Prelude = """
        using System;
        using Compiled;

        namespace Demo;

        public readonly record struct E(long Time);

        [Pipeline]
        public partial class P
        {
            static TimeSpan Size => TimeSpan.FromSeconds(1);

            static void Define(PipelineBuilder p)
            {
                var e = p.Create<E>("events").WithTimestamps(static x => new Instant(x.Time));

        """;

    [Theory]
    [InlineData("e.Window(Windows.Fixed(Size)).Count().Output(\"o\");", "known at build time")]
    [InlineData("e.Window(Windows.Fixed(TimeSpan.FromSeconds(0))).Count().Output(\"o\");", "size must be positive")]
    [InlineData("e.Window(Windows.Fixed(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10))).Count().Output(\"o\");", "offset")]
    [InlineData("e.Window(Windows.Sliding(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(-1))).Count().Output(\"o\");", "period must be positive")]
    [InlineData("e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).AsList(); e.Count().Output(\"o\");", "side inputs of windowed collections")]
    public void ReportsWhatItCannotCompile(string statement, string expected)
    {
        var run = GeneratorHarness.Run(Prelude + "        " + statement + "\n    }\n}\n");
        Assert.Empty(run.Exceptions);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "CMP0005");
        Assert.Contains(expected, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.True(diagnostic.Location.IsInSource || diagnostic.Location.Kind == Microsoft.CodeAnalysis.LocationKind.ExternalFile);

        // No runner: only its surface, whose members throw with the error.
        var source = Assert.Single(run.Sources);
        Assert.Contains("cannot be generated", source.Text, System.StringComparison.Ordinal);
        Assert.Empty(run.CompilationDiagnostics);
    }

    /// <summary>
    /// One mistake, one diagnostic: inputs of a Flatten in different window functions (CMP1008) and a side input in merging
    /// windows (CMP1010) are reported by the analyzers of the package, with their pages; the generator reports nothing
    /// there and emits only the runner's surface, whose members throw with its reason and the analyzer's rule.
    /// </summary>
    [Theory]
    [InlineData("p.Flatten(e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))), e).Count().Output(\"o\");", "windowed differently", "CMP1008")]
    [InlineData("e.Window(Windows.Sessions(TimeSpan.FromSeconds(1))).AsList(); e.Count().Output(\"o\");", "side inputs of windowed collections", "CMP1010")]
    public void LeavesToTheAnalyzerWhatItReports(string statement, string reason, string rule)
    {
        var run = GeneratorHarness.Run(Prelude + "        " + statement + "\n    }\n}\n");
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);

        var source = Assert.Single(run.Sources);
        Assert.Contains("cannot be generated", source.Text, System.StringComparison.Ordinal);
        Assert.Contains(reason, source.Text, System.StringComparison.Ordinal);
        Assert.Contains("the analyzers report this as " + rule, source.Text, System.StringComparison.Ordinal);
        Assert.Empty(run.CompilationDiagnostics);
    }

    /// <summary>Other differences of windowing (here the allowed lateness) are not the analyzer's: the generator reports them.</summary>
    [Fact]
    public void ReportsWindowingDifferencesTheAnalyzerDoesNotJudge()
    {
        var run = GeneratorHarness.Run(Prelude + "        p.Flatten(e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))), e.Window(Windows.Fixed(TimeSpan.FromSeconds(1)).WithAllowedLateness(TimeSpan.FromSeconds(1)))).Count(withoutDefaults: true).Output(\"o\");\n    }\n}\n");
        Assert.Empty(run.Exceptions);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0005", diagnostic.Id);
        Assert.Contains("windowed differently", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void DurationsInManyForms()
    {
        var run = GeneratorHarness.Run(Prelude + """
                    e.Window(Windows.Fixed(new TimeSpan(0, 1, 0))).Count().Output("a");
                    e.Window(Windows.Fixed(TimeSpan.FromMilliseconds(1500), TimeSpan.Zero)).Count().Output("b");
                    e.Window(Windows.Sliding(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1))).Count().Output("c");
                }
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        var source = run.SingleSource;
        Assert.Contains("% 60000L", source);
        Assert.Contains("% 1500L", source);
        Assert.Contains("- 60000L) % 300000L", source);
        Assert.Empty(run.CompilationDiagnostics);
    }
}
