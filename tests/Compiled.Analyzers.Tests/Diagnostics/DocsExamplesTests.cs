using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Compiled.Analyzers.Coders;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Tests.Infrastructure;
using Compiled.Analyzers.Transforms;
using Compiled.Analyzers.Usage;
using Compiled.Analyzers.Windowing;
using Compiled.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Compiled.Analyzers.Tests.Diagnostics;

/// <summary>
/// docs/diagnostics/ is the help-link target of every diagnostic. These tests keep it honest: each page's "Bad"
/// example really produces its diagnostic, each "Good" example produces none and compiles together with the
/// generated runner, and every rule in the release-tracking files has a page and an index entry.
/// </summary>
public sealed partial class DocsExamplesTests
{
    private static readonly string RepoRoot = FindRepoRoot();
    private static readonly string DocsDirectory = Path.Combine(RepoRoot, "docs", "diagnostics");

    public static TheoryData<string> DocumentedIds() => new(
        "CMP0001", "CMP0002", "CMP0003", "CMP0004", "CMP0005", "CMP0006", "CMP0007", "CMP0008",
        "CMP0009", "CMP0010", "CMP0011", "CMP0012", "CMP0013", "CMP0014", "CMP0015",
        "CMP0021", "CMP0022", "CMP0023", "CMP0024", "CMP0025",
        "CMP1001", "CMP1002", "CMP1003", "CMP1004", "CMP1005", "CMP1006", "CMP1007", "CMP1008", "CMP1009", "CMP1010",
        "CMP2001", "CMP2002", "CMP2003", "CMP3001", "CMP4001", "CMP9001");


    private static ImmutableArray<DiagnosticAnalyzer> AllAnalyzers() => ImmutableArray.Create<DiagnosticAnalyzer>(
        new FloatingPointKeyAnalyzer(),
        new NonDeterministicKeyAnalyzer(),
        new MissingCoderAnalyzer(),
        new WindowParameterAnalyzer(),
        new TriggerConfigurationAnalyzer(),
        new PipelineWindowingFlowAnalyzer(),
        new TransformPurityAnalyzer(),
        new PositionalArgumentsAnalyzer());

    [Theory]
    [MemberData(nameof(DocumentedIds))]
    public async Task BadExample_ReportsTheDiagnostic(string id)
    {
        var (diagnostics, compilerErrors) = await AnalyzeAsync(ReadExample(id, "Bad"));
        if (id == "CMP0003")
        {
            // Bad C#: the compiler's error is the one message; CMP0003 is reported only where the compiler says nothing.
            Assert.Single(compilerErrors);
            Assert.DoesNotContain(diagnostics, d => d.Id == id);
            return;
        }

        Assert.Contains(diagnostics, d => d.Id == id);

        // The examples are bad for the generator, not bad C#: only CMP0003 is about code that does not compile.
        if (id != "CMP0003")
        {
            Assert.Empty(compilerErrors);
        }
    }

    [Theory]
    [MemberData(nameof(DocumentedIds))]
    public async Task GoodExample_IsCleanAndCompilesWithTheGeneratedRunner(string id)
    {
        var (diagnostics, compilerErrors) = await AnalyzeAsync(ReadExample(id, "Good"));
        Assert.Empty(diagnostics.Select(d => d.ToString()));
        Assert.Empty(compilerErrors.Select(d => d.ToString()));
    }

    [Fact]
    public void EveryTrackedRule_HasAPageAndAnIndexEntry()
    {
        var readme = File.ReadAllText(Path.Combine(DocsDirectory, "README.md"));
        var ids = TrackedIds(Path.Combine(RepoRoot, "generator", "Compiled.Generator", "AnalyzerReleases.Unshipped.md"))
            .Concat(TrackedIds(Path.Combine(RepoRoot, "analyzers", "Compiled.Analyzers", "AnalyzerReleases.Unshipped.md")))
            .ToList();
        Assert.Contains("CMP0099", ids);
        Assert.Contains("CMP2001", ids);
        Assert.Contains("CMP3001", ids);
        foreach (var id in ids)
        {
            Assert.True(File.Exists(Path.Combine(DocsDirectory, id + ".md")), "missing docs/diagnostics/" + id + ".md");
            Assert.Contains("(" + id + ".md)", readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AnalyzerDescriptors_LinkToTheirPage()
    {
        var descriptors = AllAnalyzers().SelectMany(a => a.SupportedDiagnostics).ToList();
        Assert.Equal(16, descriptors.Count);
        foreach (var descriptor in descriptors)
        {
            Assert.Equal(DiagnosticDescriptors.HelpLinkBase + descriptor.Id + ".md", descriptor.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(DocsDirectory, descriptor.Id + ".md")));
            var page = File.ReadAllText(Path.Combine(DocsDirectory, descriptor.Id + ".md"));
            Assert.StartsWith("# " + descriptor.Id + ": " + descriptor.Title, page, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<string> TrackedIds(string releasesFile) =>
        File.ReadAllLines(releasesFile)
            .Select(line => RuleRow().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups[1].Value);

    private static string ReadExample(string id, string section)
    {
        var page = File.ReadAllText(Path.Combine(DocsDirectory, id + ".md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var heading = page.IndexOf("\n## " + section + "\n", StringComparison.Ordinal);
        Assert.True(heading >= 0, id + ".md has no '## " + section + "' section");
        var match = CSharpBlock().Match(page, heading);
        Assert.True(match.Success, id + ".md has no csharp block under '## " + section + "'");
        return match.Groups[1].Value;
    }

    private static async Task<(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<Diagnostic> CompilerErrors)> AnalyzeAsync(string source)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "DocsExample",
            new[] { CSharpSyntaxTree.ParseText(source, parseOptions, path: "Example.cs") },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        CSharpGeneratorDriver.Create(new[] { new PipelineGenerator().AsSourceGenerator() }, parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        // The analyzers see the generated runner (CMP4001 reads calls of its members); they skip generated code.
        var analyzerDiagnostics = await output
            .WithAnalyzers(AllAnalyzers())
            .GetAnalyzerDiagnosticsAsync();
        var compilerErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return (generatorDiagnostics.AddRange(analyzerDiagnostics), compilerErrors);
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Compiled.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Compiled.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^(CMP\d{4})\s*\|")]
    private static partial Regex RuleRow();

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
