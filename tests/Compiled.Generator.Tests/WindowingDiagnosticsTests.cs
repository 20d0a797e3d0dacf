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
    [InlineData("p.Flatten(e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))), e).Count().Output(\"o\");", "windowed differently")]
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
