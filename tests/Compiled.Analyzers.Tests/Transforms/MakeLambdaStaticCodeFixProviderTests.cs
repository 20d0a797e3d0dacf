using System.Threading.Tasks;
using Compiled.Analyzers.Tests.Infrastructure;
using Compiled.CodeFixes.Transforms;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.CodeFixVerifier<
    Compiled.Analyzers.Tests.Infrastructure.GeneratorDiagnosticsAnalyzer,
    Compiled.CodeFixes.Transforms.MakeLambdaStaticCodeFixProvider>;

namespace Compiled.Analyzers.Tests.Transforms;

/// <summary>
/// The fix for the generator's CMP0006. The diagnostics come from the real generator (run by
/// <see cref="GeneratorDiagnosticsAnalyzer"/>), so the markup spans are the generator's locations.
/// </summary>
public sealed class MakeLambdaStaticCodeFixProviderTests
{
    [Fact]
    public Task SimpleLambda_GetsStatic() => Verify.VerifyAsync(
        """
        [Pipeline]
        public partial class Triple
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("numbers").Map({|CMP0006:x => x * 3|}).Output("tripled");
        }
        """,
        """
        [Pipeline]
        public partial class Triple
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("numbers").Map(static x => x * 3).Output("tripled");
        }
        """);

    [Fact]
    public Task ParenthesizedBlockLambdaWithLeadingComment_KeepsTrivia() => Verify.VerifyAsync(
        """
        [Pipeline]
        public partial class Split
        {
            static void Define(PipelineBuilder p)
            {
                var (low, high) = p.Create<int>("numbers").Partition(2,
                    // below 100 goes first
                    {|CMP0006:(x, n) =>
                    {
                        return x < 100 ? 0 : 1;
                    }|});
                low.Output("low");
                high.Output("high");
            }
        }
        """,
        """
        [Pipeline]
        public partial class Split
        {
            static void Define(PipelineBuilder p)
            {
                var (low, high) = p.Create<int>("numbers").Partition(2,
                    // below 100 goes first
                    static (x, n) =>
                    {
                        return x < 100 ? 0 : 1;
                    });
                low.Output("low");
                high.Output("high");
            }
        }
        """);

    [Fact]
    public Task EveryLambdaInTheDocument_IsFixed() => Verify.VerifyAsync(
        """
        [Pipeline]
        public partial class Several
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<int>("a").Filter({|CMP0006:x => x > 0|}).Output("positive");
                p.Create<int>("b").WithKeys({|CMP0006:x => x % 10|}).Output("keyed");
                p.Create<KV<int, int>>("c").Map({|CMP0006:(KV<int, int> kv) => kv.Value|}).Output("values");
            }
        }
        """,
        """
        [Pipeline]
        public partial class Several
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<int>("a").Filter(static x => x > 0).Output("positive");
                p.Create<int>("b").WithKeys(static x => x % 10).Output("keyed");
                p.Create<KV<int, int>>("c").Map(static (KV<int, int> kv) => kv.Value).Output("values");
            }
        }
        """);

    [Fact]
    public Task NestedLambdaCapturingTheOuterParameter_StillGetsFixed() => Verify.VerifyAsync(
        """
        [Pipeline]
        public partial class Nested
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("numbers")
                 .Map({|CMP0006:x => System.Linq.Enumerable.Sum(System.Linq.Enumerable.Range(0, x), i => i * x)|})
                 .Output("sums");
        }
        """,
        """
        [Pipeline]
        public partial class Nested
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("numbers")
                 .Map(static x => System.Linq.Enumerable.Sum(System.Linq.Enumerable.Range(0, x), i => i * x))
                 .Output("sums");
        }
        """);

    [Fact]
    public Task LambdaCapturingALocal_OffersNoFix()
    {
        const string source = """
            [Pipeline]
            public partial class Scaled
            {
                static void Define(PipelineBuilder p)
                {
                    var factor = 3;
                    p.Create<int>("numbers").Map({|CMP0006:x => x * factor|}).Output("scaled");
                }
            }
            """;
        return Verify.VerifyAsync(source, source);
    }

    [Fact]
    public Task LambdaCapturingTheBuilder_OffersNoFix()
    {
        const string source = """
            [Pipeline]
            public partial class Captures
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<int>("numbers").Map({|CMP0006:x => p.GetHashCode() + x|}).Output("hashed");
            }
            """;
        return Verify.VerifyAsync(source, source);
    }

    [Fact]
    public Task StaticLambda_HasNoDiagnosticAndNoFix()
    {
        const string source = """
            [Pipeline]
            public partial class AlreadyStatic
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<int>("numbers").Map(static x => x + 1).Output("next");
            }
            """;
        return Verify.VerifyAsync(source, source);
    }

    [Fact]
    public void Title_IsStable() =>
        Assert.Equal("Make the lambda static", MakeLambdaStaticCodeFixProvider.Title);
}
