using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Compiled.Analyzers.Tests.Infrastructure;
using Compiled.Analyzers.Usage;
using Compiled.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Compiled.Analyzers.Tests.Usage;

/// <summary>
/// CMP4001: calls of the generated CreateRunner, Run and Runner constructor that pass same-typed sinks or inputs
/// by position. The generated members exist only after the generator has run, so these tests run it first and
/// analyze the compilation with its output.
/// </summary>
public sealed class PositionalArgumentsAnalyzerTests
{
    private const string Pipeline = """
        [Pipeline]
        public partial class Moderation
        {
            static void Define(PipelineBuilder p)
            {
                var blocked = p.Create<string>("blocked");
                var users = p.Create<string>("users");
                var lengths = p.Create<int>("lengths");
                users.Output("panes");
                blocked.Output("tooLate");
                lengths.Output("sizes");
            }
        }

        """;

    [Fact]
    public async Task SameTypedSinksByPosition_AreReported()
    {
        var diagnostics = await AnalyzeAsync(Pipeline + """
            public static class Use
            {
                public static void M(ListSink<string> a, ListSink<string> b, ListSink<int> c)
                {
                    Moderation.CreateRunner(a, b, c);
                    new Moderation.Runner<ListSink<string>, ListSink<string>, ListSink<int>>(a, b, sizes: c);
                }
            }
            """);
        Assert.Equal(2, diagnostics.Length);
        Assert.All(diagnostics, d => Assert.Equal("CMP4001", d.Id));
        Assert.Equal(
            "Moderation.CreateRunner takes 'panes' and 'tooLate' by position, and they have the same type (ISink<string>), so swapped arguments would compile and silently mix up the data; name the arguments: Moderation.CreateRunner(panes: ..., tooLate: ..., sizes: ...)",
            diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("(a, b, c)", diagnostics[0].Location.SourceTree!.GetText().ToString(diagnostics[0].Location.SourceSpan));
        Assert.Contains("new Runner takes 'panes' and 'tooLate'", diagnostics[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameTypedInputsByPosition_AreReported_OnEveryRunOverload()
    {
        var diagnostics = await AnalyzeAsync(Pipeline + """
            public static class Use
            {
                public static void M(string[] users, string[] blocked, int[] lengths)
                {
                    Moderation.Run(blocked, users, lengths);
                    Moderation.Run((System.Collections.Generic.IEnumerable<string>)blocked, users: users, lengths: lengths);
                }
            }
            """);
        Assert.Equal(2, diagnostics.Length);
        Assert.Contains("Moderation.Run takes 'blocked' and 'users' by position, and they have the same type (ReadOnlySpan<string>)", diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        Assert.Contains("(IEnumerable<string>)", diagnostics[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedArgumentsAndDistinctTypes_AreNotReported()
    {
        var diagnostics = await AnalyzeAsync(Pipeline + """
            [Pipeline]
            public partial class Single
            {
                static void Define(PipelineBuilder p)
                {
                    var words = p.Create<string>("words");
                    var sizes = p.Create<int>("sizes");
                    words.Output("texts");
                    sizes.Output("numbers");
                }
            }

            public static class Use
            {
                public static void M(ListSink<string> a, ListSink<string> b, ListSink<int> c)
                {
                    Moderation.CreateRunner(panes: a, tooLate: b, c);
                    Moderation.CreateRunner(sizes: c, tooLate: b, panes: a);
                    Moderation.Run(blocked: new[] { "x" }, users: new[] { "y" }, lengths: new[] { 1 });
                    Single.CreateRunner(a, c);
                    Single.Run(new[] { "w" }, new[] { 1 });
                }
            }
            """);
        Assert.Empty(diagnostics);
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "Usage",
            new[] { CSharpSyntaxTree.ParseText(TestReferences.Usings + source, parseOptions, path: "Usage.cs") },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create(new[] { new PipelineGenerator().AsSourceGenerator() }, parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = await output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new PositionalArgumentsAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        return diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
    }
}
