using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Compiled.Analyzers.Tests.Infrastructure;
using Compiled.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Compiled.Analyzers.Tests.Diagnostics;

/// <summary>
/// One mistake, one message: each "Bad" example of docs/diagnostics, compiled in a project that also calls the
/// runner of its pipeline (PlanDescription, CreateRunner, Run, the runner's Finish and the results' outputs, as
/// written against the "Good" example's runner), reports exactly one diagnostic: its own, and nothing at the calls
/// (no CS0117 for a runner that was not generated) and no CMP0003 beside a compiler error.
/// </summary>
public sealed partial class DocsExamplesTests
{
    /// <summary>
    /// Pages whose mistake leaves no class to add the runner's surface to: a class that is not partial (CMP0001) or
    /// generic (CMP0011); calls of its runner still fail there, with the compiler's error. And CMP0013, a pipeline
    /// without the output the calls pass a sink for: the runner is generated, and a call naming that output is a
    /// second mistake.
    /// </summary>
    private static readonly HashSet<string> NoSurfacePossible = new(StringComparer.Ordinal) { "CMP0001", "CMP0011", "CMP0013" };

    /// <summary>
    /// Pages whose "Good" example is another pipeline (other output names or element types), not the "Bad" one
    /// corrected: the calls are written against the runner surface generated for the "Bad" example itself.
    /// </summary>
    private static readonly HashSet<string> GoodIsAnotherPipeline = new(StringComparer.Ordinal) { "CMP0004", "CMP0008", "CMP2001", "CMP3001" };

    /// <summary>
    /// Windowing mistakes that both the generator (CMP0005: it cannot compile the windowing) and an analyzer (with the
    /// rule's own message) report at the same place. Not yet one message: the generator cannot know that the analyzer
    /// runs, and leaving the error to the analyzer alone would let a build without it succeed with a throwing runner.
    /// (CMP1008 and CMP1010 are one message: the generator leaves them to the analyzer and keeps its error for the
    /// runner's stub.)
    /// </summary>
    private static readonly HashSet<string> ReportedTwice = new(StringComparer.Ordinal) { "CMP1001" };

    /// <summary>
    /// Information (CMP9xxx), not mistakes: the "Bad" example builds without any warning or error, its runner and the
    /// calls of it included (the information itself is checked by BadExample_ReportsTheDiagnostic).
    /// </summary>
    private static readonly HashSet<string> InformationOnly = new(StringComparer.Ordinal) { "CMP9001" };

    public static TheoryData<string> IdsWithASurface()
    {
        var data = new TheoryData<string>();
        foreach (string id in DocumentedIds())
        {
            if (!NoSurfacePossible.Contains(id))
            {
                data.Add(id);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IdsWithASurface))]
    public async Task BadExample_WithCallsOfItsRunner_ReportsOneDiagnostic(string id)
    {
        var calls = CallsOfTheRunners(ReadExample(id, GoodIsAnotherPipeline.Contains(id) ? "Bad" : "Good"));
        Assert.Contains("CreateRunner", calls, StringComparison.Ordinal);

        var all = await AllDiagnosticsAsync(ReadExample(id, "Bad"), calls);
        var message = id + ":\n" + string.Join("\n", all.Select(d => d.ToString()));
        Assert.DoesNotContain(all, d => d.Location.SourceTree?.FilePath == "Calls.cs");
        Assert.DoesNotContain(all, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
        if (InformationOnly.Contains(id))
        {
            Assert.True(all.Length == 0, message);
            return;
        }

        if (ReportedTwice.Contains(id))
        {
            // Known: the generator's CMP0005 ("cannot be compiled statically") at the same place as the analyzer's rule.
            Assert.True(all.Length == 2 && all.Any(d => d.Id == id) && all.Any(d => d.Id == "CMP0005") && all[0].Location.SourceSpan == all[1].Location.SourceSpan, message);
            return;
        }

        Assert.True(all.Length == 1, message);
        Assert.True(all[0].Id == id || id == "CMP0003", message);
    }

    /// <summary>
    /// Code that uses the runner of every [Pipeline] class of <paramref name="source"/> as generated: its plan, a
    /// runner created with a list sink per output (arguments named), a batch run, and every output of the results.
    /// </summary>
    private static string CallsOfTheRunners(string source)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "Good",
            new[] { CSharpSyntaxTree.ParseText(source, parseOptions, path: "Example.cs") },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create(new[] { new PipelineGenerator().AsSourceGenerator() }, parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);

        var code = new StringBuilder();
        var n = 0;
        foreach (var type in AllTypes(output.Assembly.GlobalNamespace))
        {
            if (!type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Compiled.PipelineAttribute"))
            {
                continue;
            }

            var name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            var suffix = (n++).ToString(CultureInfo.InvariantCulture);
            code.Append("    public static void Use").Append(suffix).Append("()\n    {\n");
            code.Append("        _ = ").Append(name).Append(".PlanDescription;\n");
            if (type.GetMembers("CreateRunner").OfType<IMethodSymbol>().FirstOrDefault() is { } create)
            {
                var sinks = create.Parameters.Select(p =>
                {
                    // The surface of a pipeline with errors takes any sink (its type parameters are not constrained).
                    var element = ((ITypeParameterSymbol)p.Type).ConstraintTypes.OfType<INamedTypeSymbol>().FirstOrDefault()?.TypeArguments[0];
                    return p.Name + ": new global::Compiled.ListSink<" + (element?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "object") + ">()";
                });
                code.Append("        var runner = ").Append(name).Append(".CreateRunner(").Append(string.Join(", ", sinks)).Append(");\n");
                code.Append("        runner.Finish();\n");
            }

            if (type.GetMembers("Run").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.All(p => p.Type.SpecialType != SpecialType.System_Int32)) is { } run)
            {
                code.Append("        var results = ").Append(name).Append(".Run(").Append(string.Join(", ", run.Parameters.Select(p => p.Name + ": default(" + p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ")!"))).Append(");\n");
                foreach (var property in ((INamedTypeSymbol)run.ReturnType).GetMembers().OfType<IPropertySymbol>())
                {
                    code.Append("        _ = results.").Append(property.Name).Append(";\n");
                }
            }

            code.Append("    }\n");
        }

        return "public static class Calls\n{\n" + code + "}\n";
    }

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                foreach (var type in AllTypes(ns))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type && type.Locations.Any(l => l.IsInSource))
            {
                yield return type;
                foreach (var nested in AllTypes(type))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>Every error and warning: the generator's, the analyzers' and the compiler's (with the generated code).</summary>
    private static async Task<ImmutableArray<Diagnostic>> AllDiagnosticsAsync(string source, string calls)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "DocsExampleWithCalls",
            new[]
            {
                CSharpSyntaxTree.ParseText(source, parseOptions, path: "Example.cs"),
                CSharpSyntaxTree.ParseText(calls, parseOptions, path: "Calls.cs"),
            },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create(new[] { new PipelineGenerator().AsSourceGenerator() }, parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var analyzerDiagnostics = await output.WithAnalyzers(AllAnalyzers()).GetAnalyzerDiagnosticsAsync();
        return generatorDiagnostics
            .AddRange(analyzerDiagnostics)
            .AddRange(output.GetDiagnostics())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToImmutableArray();
    }
}
