using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Compiled.Analyzers.Coders;
using Compiled.Analyzers.Tests.Infrastructure;
using Compiled.Analyzers.Transforms;
using Compiled.Analyzers.Windowing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Compiled.Analyzers.Tests.Diagnostics;

/// <summary>The analyzers run while the user types: over code that does not compile they must not throw.</summary>
public sealed class RobustnessTests
{
    [Fact]
    public async Task BrokenDeclarations_DoNotMakeAnyAnalyzerThrow()
    {
        const string source = TestReferences.Usings + """
            public sealed record Loop(Loop Next, double X);

            [Pipeline]
            public partial class Broken
            {
                static void Define(PipelineBuilder p)
                {
                    var a = p.Unbounded<int>();
                    var b = a.Window(Windows.Fixed()).Window(Windows.Sliding(TimeSpan.FromSeconds(1)));
                    var c = b.Window(Windows.Global().Triggering(Trigger.AfterEach()).Triggering(null!).WithAllowedLateness());
                    var d = c.Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterWatermark().WithLateFirings())));
                    p.Flatten().Count().Output("x");
                    p.Flatten(a, b, c, d, undefined).CountPerElement().Output("y");
                    PCollection<int> e;
                    e = e.Map(static x => x);
                    e.Count();
                    var (f, g) = a.ParDo<int, int>(null!);
                    f.WithKeys(static x => new Loop(null!, x)).GroupByKey();
                    g.Map(x => { x.Missing = DateTime.Now; return Random.Shared; }).Distinct();
                    a.Window(Windows.Fixed(TimeSpan.FromTicks(long.MaxValue) + TimeSpan.FromTicks(long.MaxValue))).Count();
                    a.Window(Windows.Custom<int>()).Count();
                    a.Window(Windows.Fixed(new TimeSpan(1, 2, 3, 4, 5, 6))).Count();
                    a.Window(
                }
            }
            """;
        var compilation = CSharpCompilation.Create(
            "Broken",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Broken.cs") },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.NotEmpty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var exceptions = new ConcurrentBag<Exception>();
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
            new FloatingPointKeyAnalyzer(),
            new NonDeterministicKeyAnalyzer(),
            new WindowParameterAnalyzer(),
            new TriggerConfigurationAnalyzer(),
            new PipelineWindowingFlowAnalyzer(),
            new TransformPurityAnalyzer());
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();

        Assert.Empty(exceptions.Select(e => e.ToString()));
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }
}
