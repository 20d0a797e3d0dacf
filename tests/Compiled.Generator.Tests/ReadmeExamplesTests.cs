using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// The README's pipeline declarations keep compiling: every C# block of the README that declares a [Pipeline] class
/// is read, its type declarations kept (the statements around them use variables the README leaves to the reader), and
/// compiled with the generator, beside the few element types the README only names. The generator must report nothing
/// and the compilation (declarations plus generated code) must have no error or warning.
/// </summary>
public class ReadmeExamplesTests
{
    /// <summary>Element types the README's examples use without declaring them.</summary>
    private const string NamedTypes = """
        public readonly record struct Play(string Team, int Points);
        public readonly record struct GameEvent(string Team, int Score, long TimeMs);
        public readonly record struct Click(string User, string Url, long TimeMs);
        """;

    public static IEnumerable<object[]> Blocks() =>
        PipelineBlocks().Select(b => new object[] { b.Line, b.Code });

    [Theory]
    [MemberData(nameof(Blocks))]
    public void APipelineOfTheReadmeCompiles(int line, string code)
    {
        var root = CSharpSyntaxTree.ParseText(code, GeneratorHarness.ParseOptions.WithKind(SourceCodeKind.Script)).GetCompilationUnitRoot();
        string[] prelude = ["using System;", "using System.Collections.Generic;", "using Compiled;"];
        var usings = string.Join("\n", root.Usings.Select(u => u.ToString()).Where(u => !prelude.Contains(u)));
        var types = root.Members.OfType<BaseTypeDeclarationSyntax>().Select(t => t.ToFullString()).ToList();
        Assert.True(types.Count > 0, "the README block at line " + line + " declares no type");
        var declared = new HashSet<string>(root.Members.OfType<BaseTypeDeclarationSyntax>().Select(t => t.Identifier.Text));
        var named = string.Join("\n", NamedTypes.Split('\n').Where(l => !declared.Any(d => l.Contains(" " + d + "(", StringComparison.Ordinal))));
        var source = string.Join("\n", prelude) + "\n" + usings + "\n\nnamespace Readme;\n\n" + named + "\n\n" + string.Join("\n", types);

        var run = GeneratorHarness.Run(source);
        Assert.True(run.Exceptions.Count == 0, "the generator threw on the README block at line " + line + ": " + string.Join("\n", run.Exceptions));
        Assert.True(run.GeneratorDiagnostics.Count == 0, "README block at line " + line + ":\n" + string.Join("\n", run.GeneratorDiagnostics));
        var diagnostics = run.CompilationDiagnostics.ToList();
        Assert.True(diagnostics.Count == 0, "README block at line " + line + ":\n" + string.Join("\n", diagnostics));
        Assert.NotEmpty(run.Sources);
    }

    [Fact]
    public void TheReadmeHasPipelineExamples() => Assert.True(PipelineBlocks().Count() >= 4, "the README's pipeline examples were not found");

    private static IEnumerable<(int Line, string Code)> PipelineBlocks()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot(), "README.md"));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            var code = string.Join("\n", lines[start..end]);
            if (Regex.IsMatch(code, @"^\[Pipeline", RegexOptions.Multiline))
            {
                yield return (start + 1, code);
            }

            i = end;
        }
    }

    private static string RepoRoot()
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
