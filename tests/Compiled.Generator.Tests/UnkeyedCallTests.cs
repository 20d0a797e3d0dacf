using System;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>A keyed transform on a collection that is not keyed: one error that says what to do, not CS0411.</summary>
public class UnkeyedCallTests
{
    [Theory]
    [InlineData(".GroupByKey()", "GroupByKey needs a keyed collection")]
    [InlineData(".CombinePerKey(Combiners.Sum<int>())", "CombineGlobally(fn)")]
    [InlineData(".CountPerKey()", "CountPerElement()")]
    [InlineData(".Keys()", "WithKeys")]
    [InlineData(".Values()", "WithKeys")]
    public void OneErrorNamesTheFix(string call, string advice)
    {
        var source = """
            using Compiled;

            namespace Jobs;

            [Pipeline]
            public partial class Unkeyed
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<int>("numbers")
                     CALL
                     .Output("out");
            }
            """.Replace("CALL", call, StringComparison.Ordinal);
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.Exceptions);
        var errors = run.Output.GetDiagnostics().Concat(run.GeneratorDiagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var error = Assert.Single(errors);
        Assert.Equal("CS0619", error.Id);
        Assert.Contains(advice, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CMP0003");
    }

    [Fact]
    public void AKeyedCollectionPicksTheRealTransform()
    {
        var run = GeneratorHarness.Run("""
            using Compiled;

            namespace Jobs;

            [Pipeline]
            public partial class Keyed
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<int>("numbers").WithKeys(static x => x % 3).CombinePerKey(Combiners.Sum<int>()).Output("sums");
            }
            """);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.CompilationDiagnostics);
    }

    [Theory]
    [InlineData(".Filter(static (x, c) => c.Pane.IsFirst)", "Filter does not take the element's context")]
    [InlineData(".WithKeys(static (x, c) => c.Window.Start).Values()", "WithKeys does not take the element's context")]
    [InlineData(".Map(p.Create<int>(\"side\").AsSingleton(), static (x, s, c) => x + s)", "Map with a side input does not take the element's context")]
    [InlineData(".MapWithFailures(static (x, c) => x / 2).Output", "MapWithFailures does not take the element's context")]
    public void AContextWhereNoneIsOfferedIsOneErrorNamingTheTransformsThatOfferIt(string call, string advice)
    {
        var source = """
            using Compiled;

            namespace Jobs;

            [Pipeline]
            public partial class Contextless
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<int>("numbers")
                     CALL
                     .Output("out");
            }
            """.Replace("CALL", call, StringComparison.Ordinal);
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.Exceptions);
        var errors = run.Output.GetDiagnostics().Concat(run.GeneratorDiagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var error = Assert.Single(errors);
        Assert.Equal("CS0619", error.Id);
        Assert.Contains(advice, error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Contains("with context", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionsWithoutTheContextPickTheRealTransforms()
    {
        var run = GeneratorHarness.Run("""
            using Compiled;

            namespace Jobs;

            [Pipeline]
            public partial class Plain
            {
                static void Define(PipelineBuilder p)
                {
                    var numbers = p.Create<int>("numbers").Filter(static x => x > 0);
                    numbers.WithKeys(static x => x % 3).Values().Map(numbers.AsList(), static (x, all) => x + all.Count).Output("a");
                    var (ok, failed) = numbers.MapWithFailures(static x => 10 / x);
                    ok.Output("ok");
                    failed.Output("failed");
                }
            }
            """);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(run.CompilationDiagnostics);
    }
}
