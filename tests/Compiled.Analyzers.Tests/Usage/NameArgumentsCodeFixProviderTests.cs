using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.CodeFixVerifier<Compiled.Analyzers.Usage.PositionalArgumentsAnalyzer, Compiled.CodeFixes.Usage.NameArgumentsCodeFixProvider>;

namespace Compiled.Analyzers.Tests.Usage;

/// <summary>
/// The CMP4001 fix names the positional arguments. The code-fix test framework does not run source generators, so
/// the generated members are written here as the generator writes them (static, with its [GeneratedCode]).
/// </summary>
public sealed class NameArgumentsCodeFixProviderTests
{
    private const string Generated = """

        [Pipeline]
        public partial class Moderation
        {
            static void Define(PipelineBuilder p) { }

            [System.CodeDom.Compiler.GeneratedCode("Compiled.Generator", "0.1.0")]
            public static object CreateRunner<TPanes, TTooLate, TSizes>(TPanes panes, TTooLate tooLate, TSizes sizes)
                where TPanes : ISink<string>
                where TTooLate : ISink<string>
                where TSizes : ISink<int>
                => null!;

            [System.CodeDom.Compiler.GeneratedCode("Compiled.Generator", "0.1.0")]
            public static object Run(System.ReadOnlySpan<string> users, System.ReadOnlySpan<string> @event) => null!;
        }
        """;

    [Fact]
    public Task PositionalArguments_AreNamed() => Verify.VerifyAsync(
        Generated + """
            public static class Use
            {
                public static void M(ListSink<string> a, ListSink<string> b, ListSink<int> c, string[] u, string[] e)
                {
                    Moderation.CreateRunner{|#0:(a, b, sizes: c)|};
                    Moderation.Run{|#1:(u, e)|};
                }
            }
            """,
        Generated + """
            public static class Use
            {
                public static void M(ListSink<string> a, ListSink<string> b, ListSink<int> c, string[] u, string[] e)
                {
                    Moderation.CreateRunner(panes: a, tooLate: b, sizes: c);
                    Moderation.Run(users: u, @event: e);
                }
            }
            """,
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.PositionalSameTypeArguments).WithLocation(0).WithArguments(
            "Moderation.CreateRunner", "'panes' and 'tooLate'", "ISink<string>", "Moderation.CreateRunner(panes: ..., tooLate: ..., sizes: ...)"),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.PositionalSameTypeArguments).WithLocation(1).WithArguments(
            "Moderation.Run", "'users' and 'event'", "ReadOnlySpan<string>", "Moderation.Run(users: ..., @event: ...)"));
}
