using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Compiled.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Compiled.Analyzers.Tests.Infrastructure;

/// <summary>
/// Test-only bridge: runs the real <see cref="PipelineGenerator"/> over the compilation under test and reports
/// its CMP0006 diagnostics as an analyzer would, so that the code-fix test framework (which only collects
/// analyzer diagnostics) can exercise fixes for generator diagnostics against the generator's actual locations.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class GeneratorDiagnosticsAnalyzer : DiagnosticAnalyzer
{
    // Same ID as the generator's descriptor (which is internal to the generator); the analyzer driver matches
    // reported diagnostics to supported ones by ID.
    private static readonly DiagnosticDescriptor LambdaNotStatic = new(
        "CMP0006", "Transform lambda must be static", "{0}", "Compiled.Generator", DiagnosticSeverity.Error, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(LambdaNotStatic);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        // Per syntax tree, so that the diagnostics are local to a document (code fixes only take local ones).
        context.RegisterSemanticModelAction(static modelContext =>
        {
            var tree = modelContext.SemanticModel.SyntaxTree;
            var compilation = modelContext.SemanticModel.Compilation;
            var driver = CSharpGeneratorDriver.Create(
                new[] { new PipelineGenerator().AsSourceGenerator() },
                parseOptions: (CSharpParseOptions)tree.Options);
            var result = driver.RunGenerators(compilation, modelContext.CancellationToken).GetRunResult();
            foreach (var diagnostic in result.Diagnostics)
            {
                // The generator copies locations into plain (path, span) values so that its model does not hold
                // the compilation; map them back onto the tree so that '#pragma warning disable' applies (the
                // test framework checks it), and re-create the diagnostic under this analyzer's descriptor.
                if (diagnostic.Id != LambdaNotStatic.Id || diagnostic.Location.GetLineSpan().Path != tree.FilePath)
                {
                    continue;
                }

                modelContext.ReportDiagnostic(Diagnostic.Create(
                    LambdaNotStatic,
                    Location.Create(tree, diagnostic.Location.SourceSpan),
                    diagnostic.GetMessage(CultureInfo.InvariantCulture)));
            }
        });
    }
}
