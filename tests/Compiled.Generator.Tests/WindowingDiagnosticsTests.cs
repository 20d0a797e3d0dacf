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
    [InlineData("e.Window(Windows.Fixed(TimeSpan.FromSeconds(1)).Triggering(Trigger.Repeatedly(Trigger.AfterCount(2))).Discarding()).AsList(); e.Count().Output(\"o\");", "with a trigger or allowed lateness")]
    [InlineData("e.Window(Windows.Fixed(TimeSpan.FromSeconds(1)).WithAllowedLateness(TimeSpan.FromSeconds(1))).AsList(); e.Count().Output(\"o\");", "with a trigger or allowed lateness")]
    [InlineData("e.Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(2))).Discarding()).AsSingleton(); e.Count().Output(\"o\");", "with a trigger or allowed lateness")]
    [InlineData("var v = e.AsSingleton(new E(DateTime.UtcNow.Ticks)); e.Map(v, static (x, s) => s.Time).Output(\"o\");", "default value must be a constant")]
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
    /// CMP0024: Beam maps a main window to a side window through the main window's max timestamp, which the global window
    /// does not have in fixed or sliding windows (Beam throws when the job runs); reported at the reader, and only there.
    /// </summary>
    [Theory]
    [InlineData("var v = e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).AsSingleton(); e.Map(v, static (x, s) => s).Output(\"o\");", "Fixed(1000 ms)")]
    [InlineData("var v = e.Window(Windows.Sliding(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))).AsList(); e.Window(Windows.Global()).Filter(v, static (x, s) => s.Count > 0).Output(\"o\");", "Sliding(2000 ms every 1000 ms)")]
    public void AGlobalWindowReaderOfAWindowedSideInputIsReportedAtTheReader(string statement, string windows)
    {
        var source = Prelude + "        " + statement + "\n    }\n}\n";
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.Exceptions);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0024", diagnostic.Id);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(windows, message, System.StringComparison.Ordinal);
        Assert.Contains("global window", message, System.StringComparison.Ordinal);
        var at = diagnostic.Location.SourceSpan.Start;
        Assert.True(source.Substring(at).StartsWith(statement.Contains("Map(v", System.StringComparison.Ordinal) ? "Map" : "Filter", System.StringComparison.Ordinal),
            "reported at " + source.Substring(at, 20));
    }

    /// <summary>
    /// CMP0024 for a combine that reads a side input: its expansion (grouping, then combining with the side input) is
    /// reported once, at the name of the call, whether per key or global.
    /// </summary>
    [Theory]
    [InlineData("e.Map(static x => KV.Of(\"k\", (int)x.Time)).CombinePerKey(v, new Digits()).Output(\"o\");", "CombinePerKey")]
    [InlineData("e.Map(static x => (int)x.Time).CombineGlobally(v, new Digits()).Output(\"o\");", "CombineGlobally")]
    public void AGlobalCombineWithContextOfAWindowedSideInputIsReportedAtTheCall(string statement, string call)
    {
        var source = Prelude.Replace("public readonly record struct E(long Time);", """
            public readonly record struct E(long Time);

            public readonly struct Digits : ICombineFnWithContext<int, string, string, int>
            {
                public string CreateAccumulator(in CombineContext<int> c) => c.SideInput.ToString();
                public void AddInput(ref string a, int x, in CombineContext<int> c) => a += x;
                public string ExtractOutput(string a, in CombineContext<int> c) => a;
            }
            """, System.StringComparison.Ordinal) +
            "        var v = e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).Map(static x => (int)x.Time).AsSingleton(); " + statement + "\n    }\n}\n";
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.Exceptions);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0024", diagnostic.Id);
        Assert.Contains("Fixed(1000 ms)", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.StartsWith(call + "(v", source.Substring(diagnostic.Location.SourceSpan.Start), System.StringComparison.Ordinal);
    }

    /// <summary>The readers Beam accepts compile cleanly: windowed readers of windowed and of global views, and global readers of global views.</summary>
    [Theory]
    [InlineData("var v = e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).AsSingleton(); e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).Map(v, static (x, s) => s).Output(\"o\");")]
    [InlineData("var v = e.Window(Windows.Sliding(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))).AsList(); e.Window(Windows.Sessions(TimeSpan.FromSeconds(5))).Map(v, static (x, s) => s.Count).Output(\"o\");")]
    [InlineData("var v = e.AsList(); e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).Map(v, static (x, s) => s.Count).Output(\"o\");")]
    [InlineData("var v = e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).Window(Windows.Global()).AsList(); e.Map(v, static (x, s) => s.Count).Output(\"o\");")]
    [InlineData("var v = e.Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(1))).Discarding()).Count(withoutDefaults: true).AsSingleton(); e.Map(v, static (x, s) => s).Output(\"o\");")]
    [InlineData("var v = e.Window(Windows.Fixed(TimeSpan.FromSeconds(1)).WithAllowedLateness(TimeSpan.FromSeconds(1))).Map(static x => KV.Of(x.Time, 1)).CountPerKey().Map(static kv => kv).AsDictionary(); e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).Map(v, static (x, s) => s.Count).Output(\"o\");")]
    public void WindowedSideInputsBeamAcceptsCompile(string statement)
    {
        var run = GeneratorHarness.Run(Prelude + "        " + statement + "\n    }\n}\n");
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
    }

    /// <summary>
    /// One mistake, one diagnostic: inputs of a Flatten in different window functions (CMP1008) and a side input in merging
    /// windows (CMP1010) are reported by the analyzers of the package, with their pages; the generator reports nothing
    /// there and emits only the runner's surface, whose members throw with its reason and the analyzer's rule.
    /// </summary>
    [Theory]
    [InlineData("p.Flatten(e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))), e).Count().Output(\"o\");", "windowed differently", "CMP1008")]
    [InlineData("e.Window(Windows.Sessions(TimeSpan.FromSeconds(1))).AsList(); e.Count().Output(\"o\");", "merging windows", "CMP1010")]
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
