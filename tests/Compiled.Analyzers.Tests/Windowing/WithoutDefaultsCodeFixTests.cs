using System.Threading.Tasks;
using Xunit;
using Fix = Compiled.Analyzers.Tests.Infrastructure.CodeFixVerifier<
    Compiled.Analyzers.Windowing.PipelineWindowingFlowAnalyzer,
    Compiled.CodeFixes.Windowing.AddWithoutDefaultsCodeFixProvider>;

namespace Compiled.Analyzers.Tests.Windowing;

/// <summary>The fix for CMP1009: pass <c>withoutDefaults: true</c>.</summary>
public sealed class WithoutDefaultsCodeFixTests
{
    [Fact]
    public Task CountWithoutArguments_GetsTheNamedArgument() => Fix.VerifyAsync(
        """
        [Pipeline]
        public partial class PerMinute
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1)))
                 .{|CMP1009:Count|}()
                 .Output("counts");
        }
        """,
        """
        [Pipeline]
        public partial class PerMinute
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1)))
                 .Count(withoutDefaults: true)
                 .Output("counts");
        }
        """);

    [Fact]
    public Task CombineGloballyWithOtherArguments_GetsTheNamedArgumentAppended() => Fix.VerifyAsync(
        """
        [Pipeline]
        public partial class PerMinute
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Sessions(TimeSpan.FromMinutes(1)))
                 .{|CMP1009:CombineGlobally|}(Combiners.Sum<int>(), "late")
                 .Output("sums");
        }
        """,
        """
        [Pipeline]
        public partial class PerMinute
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("events")
                 .Window(Windows.Sessions(TimeSpan.FromMinutes(1)))
                 .CombineGlobally(Combiners.Sum<int>(), "late", withoutDefaults: true)
                 .Output("sums");
        }
        """);

    [Fact]
    public Task ExplicitFalse_BecomesTrue() => Fix.VerifyAsync(
        """
        [Pipeline]
        public partial class PerMinute
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events").Window(Windows.Sliding(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1)));
                events.{|CMP1009:Count|}(withoutDefaults: false).Output("a");
                events.{|CMP1009:Count|}(null, false).Output("b");
            }
        }
        """,
        """
        [Pipeline]
        public partial class PerMinute
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events").Window(Windows.Sliding(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1)));
                events.Count(withoutDefaults: true).Output("a");
                events.Count(null, true).Output("b");
            }
        }
        """);
}
