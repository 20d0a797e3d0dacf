using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Compiled.Generator.Tests.Fuzzing;

/// <summary>
/// The fuzz test's seeds: the <c>[Pipeline]</c> classes of the samples and of the runtime tests, read from the
/// repository. Each seed file is split into its pipeline classes (the seeds) and the types they use (records, combine
/// functions, window functions, helpers), which are compiled once as the support every mutant is compiled with.
/// Test classes (xunit, CsCheck) are left out.
/// </summary>
internal sealed class SeedCorpus
{
    /// <summary>The seed files, relative to the repository root (directories: every *.cs file in them).</summary>
    public static readonly string[] SeedPaths =
    {
        "samples/WordCount/WordCountPipeline.cs",
        "samples/StreamingScores/TeamScoresPipeline.cs",
        "tests/Compiled.Tests/Pipelines",
        "tests/Compiled.Tests/EventTime",
    };

    private static readonly string[] TestNamespaces = { "Xunit", "CsCheck", "Compiled.Benchmarks" };

    private SeedCorpus(ImmutableArray<SyntaxTree> supportTrees, ImmutableArray<Seed> seeds)
    {
        SupportTrees = supportTrees;
        Seeds = seeds;
    }

    /// <summary>The types the pipelines use, one tree per seed file, without the pipelines and the tests.</summary>
    public ImmutableArray<SyntaxTree> SupportTrees { get; }

    /// <summary>The pipeline classes, each with the usings and namespace of its file, analysed for mutation.</summary>
    public ImmutableArray<Seed> Seeds { get; }

    public static SeedCorpus Load(CSharpCompilationOptions options)
    {
        var root = FindRepoRoot();
        var files = SeedPaths
            .SelectMany(p => Directory.Exists(Path.Combine(root, p))
                ? Directory.GetFiles(Path.Combine(root, p), "*.cs").OrderBy(f => f, StringComparer.Ordinal).ToArray()
                : new[] { Path.Combine(root, p) })
            .ToList();

        var supportTrees = new List<SyntaxTree>();
        var pipelines = new List<(string Name, string Header, string ClassText)>();
        foreach (var file in files)
        {
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), GeneratorHarness.ParseOptions);
            var unit = (CompilationUnitSyntax)tree.GetRoot();
            var usings = unit.Usings.Where(u => !TestNamespaces.Any(n => u.Name?.ToString().StartsWith(n, StringComparison.Ordinal) == true)).ToList();
            var ns = unit.Members.OfType<BaseNamespaceDeclarationSyntax>().Single();
            var header = string.Concat(usings.Select(u => u.ToFullString().Trim() + "\n")) + "\nnamespace " + ns.Name + ".Fuzz{0};\n\n";

            var support = new List<MemberDeclarationSyntax>();
            foreach (var member in ns.Members)
            {
                if (member is ClassDeclarationSyntax pipeline && HasAttribute(pipeline, "Pipeline"))
                {
                    pipelines.Add((Path.GetFileName(file) + ":" + pipeline.Identifier.ValueText, header, pipeline.ToFullString()));
                }
                else if (!IsTestClass(member))
                {
                    support.Add(member);
                }
            }

            var supportText = string.Concat(usings.Select(u => u.ToFullString().Trim() + "\n")) + "\nnamespace " + ns.Name + ";\n\n" +
                string.Concat(support.Select(m => m.ToFullString()));
            supportTrees.Add(CSharpSyntaxTree.ParseText(supportText, GeneratorHarness.ParseOptions, path: "/support/" + Path.GetFileName(file)));
        }

        // Analyse every seed once, in a compilation with all the support types, for the mutations that need symbols.
        var seedTrees = pipelines.Select((p, i) => CSharpSyntaxTree.ParseText(
            string.Format(System.Globalization.CultureInfo.InvariantCulture, p.Header, "Seed" + i) + p.ClassText,
            GeneratorHarness.ParseOptions,
            path: "/seed/" + i + ".cs")).ToList();
        var compilation = CSharpCompilation.Create("FuzzSeeds", supportTrees.Concat(seedTrees), GeneratorHarness.References, options);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The seed corpus does not compile on its own:\n" + string.Join("\n", errors.Take(20)));
        }

        var seeds = pipelines.Select((p, i) => Seed.Analyse(p.Name, p.Header, seedTrees[i], compilation.GetSemanticModel(seedTrees[i]))).ToImmutableArray();
        return new SeedCorpus(supportTrees.ToImmutableArray(), seeds);
    }

    private static bool HasAttribute(MemberDeclarationSyntax member, string name) =>
        member.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is var n && (n == name || n == name + "Attribute"));

    /// <summary>A class with xunit test methods or a test output helper: not part of the support.</summary>
    private static bool IsTestClass(MemberDeclarationSyntax member) =>
        member is TypeDeclarationSyntax type &&
        (type.Members.OfType<MethodDeclarationSyntax>().Any(m => HasAttribute(m, "Fact") || HasAttribute(m, "Theory")) ||
         type.ParameterList?.Parameters.Any(p => p.Type?.ToString() == "ITestOutputHelper") == true);

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
}
