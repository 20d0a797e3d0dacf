using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using Compiled.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator.Tests.Infrastructure;

/// <summary>Runs the pipeline generator over source text, the way the compiler does in a build.</summary>
public static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
        Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(PipelineBuilder).Assembly.Location))
            .ToImmutableArray());

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    /// <summary>The .NET 10 reference assemblies and the Compiled runtime, loaded once.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>Parse options that also check XML doc comments (malformed ones are warnings, CS1570 and friends).</summary>
    public static CSharpParseOptions DocumentedParseOptions { get; } = ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);

    public static CSharpCompilation CreateCompilation(params string[] sources) => CreateCompilation(ParseOptions, sources);

    public static CSharpCompilation CreateCompilation(CSharpParseOptions options, params string[] sources) =>
        CSharpCompilation.Create(
            "TestAssembly",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, options, path: $"/src/Pipeline{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(bool trackSteps = false, CSharpParseOptions? options = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new PipelineGenerator().AsSourceGenerator() },
            parseOptions: options ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>
    /// Runs the generator over <paramref name="compilation"/>, asserts that neither it nor the compiled output reports a
    /// warning or an error, and returns the last generated source (a test compilation's one pipeline).
    /// </summary>
    public static string GenerateClean(Compilation compilation)
    {
        CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Xunit.Assert.Empty(diagnostics);
        Xunit.Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        return output.SyntaxTrees.Last().ToString();
    }

    /// <summary>Runs the generator; returns generated sources, generator diagnostics, and the output compilation.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(ParseOptions, sources);

    /// <summary>Runs the generator with the given parse options (for example <see cref="DocumentedParseOptions"/>).</summary>
    public static GeneratorRun Run(CSharpParseOptions options, params string[] sources)
    {
        var compilation = CreateCompilation(options, sources);
        var driver = CreateDriver(options: options).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult();
        var exceptions = result.Results.Where(r => r.Exception is not null).Select(r => r.Exception!).ToList();
        return new GeneratorRun(
            result.GeneratedTrees.Select(t => (System.IO.Path.GetFileName(t.FilePath), t.GetText().ToString())).ToList(),
            result.Diagnostics.ToList(),
            diagnostics.ToList(),
            output,
            exceptions);
    }
}

/// <summary>The parser's output for one pipeline class, read from the generator's tracked Parse step.</summary>
internal static class ParserHarness
{
    /// <summary>Runs the generator over <paramref name="sources"/> and returns the parse result of its single pipeline class.</summary>
    public static Model.ParseResult Parse(params string[] sources)
    {
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(GeneratorHarness.CreateCompilation(sources));
        var result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null)
        {
            throw new InvalidOperationException("the generator threw", result.Exception);
        }

        return (Model.ParseResult)result.TrackedSteps[PipelineGenerator.Steps.Parse].SelectMany(s => s.Outputs).Single().Value;
    }
}

public sealed record GeneratorRun(
    List<(string HintName, string Text)> Sources,
    List<Diagnostic> GeneratorDiagnostics,
    List<Diagnostic> DriverDiagnostics,
    Compilation Output,
    List<Exception> Exceptions)
{
    /// <summary>Compiler diagnostics of the output compilation (user code plus generated code), warnings and errors.</summary>
    public IEnumerable<Diagnostic> CompilationDiagnostics =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning);

    /// <summary>The one pipeline file generated (the coders, in their own file, aside).</summary>
    public string SingleSource => Sources.Single(s => !s.HintName.EndsWith(".Coders.g.cs", StringComparison.Ordinal)).Text;

    /// <summary>The coders' file generated for the one pipeline, or null when it has none.</summary>
    public string? CodersSource => Sources.SingleOrDefault(s => s.HintName.EndsWith(".Coders.g.cs", StringComparison.Ordinal)).Text;
}
