using System.Threading.Tasks;
using Compiled.Analyzers.Coders;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Tests.Infrastructure;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.AnalyzerVerifier<Compiled.Analyzers.Coders.FloatingPointKeyAnalyzer>;

namespace Compiled.Analyzers.Tests.Coders;

/// <summary>CMP2001: grouping by a float or double key (Beam: the key coder must be deterministic).</summary>
public sealed class FloatingPointKeyAnalyzerTests
{
    [Fact]
    public Task CountPerElementOfDoubles_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Prices
        {
            static void Define(PipelineBuilder p) =>
                p.Create<double>("prices").{|CMP2001:CountPerElement|}().Output("counts");
        }
        """);

    [Fact]
    public Task GroupByKeyOfDoubleKey_IsReportedWithMessage() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Readings
        {
            static void Define(PipelineBuilder p)
            {
                var readings = p.Create<KV<double, int>>("readings");
                readings.{|#0:GroupByKey|}().Output("grouped");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.FloatingPointKey).WithLocation(0).WithArguments("GroupByKey", "double"));

    [Fact]
    public Task FloatKeyFromWithKeys_IsReportedAtEveryGrouping() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Buckets
        {
            static void Define(PipelineBuilder p)
            {
                var keyed = p.Create<int>("numbers").WithKeys(static x => x / 10f);
                keyed.{|CMP2001:CombinePerKey|}(Combiners.Sum<int>()).Output("sums");
                keyed.{|CMP2001:CountPerKey|}().Output("counts");
                keyed.{|CMP2001:CoGroupByKey|}(keyed).Output("joined");
            }
        }
        """);

    /// <summary>Beam's ParDoTest testStateNotDeterministic: state per key needs a deterministic key ("state", "deterministic").</summary>
    [Fact]
    public Task StatefulParDoOfDoubleKey_IsReported() => Verify.VerifyAsync("""
        public struct Counter
        {
            public ValueState<int> Count;
        }

        [Pipeline]
        public partial class Readings
        {
            static void Define(PipelineBuilder p) =>
                p.Create<KV<double, string>>("readings")
                 .{|#0:ParDo|}(static (double key, string value, ref Counter state, ProcessContext context, IEmitter<int> output) => { })
                 .Output("counts");
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.FloatingPointKey).WithLocation(0).WithArguments("ParDo", "double"));

    /// <summary>Beam's ParDoTest testTimerNotDeterministic: timers per key need a deterministic key ("timer", "deterministic").</summary>
    [Fact]
    public Task StatefulParDoWithTimerOfDoubleKey_IsReported() => Verify.VerifyAsync("""
        public struct Alarm
        {
            public EventTimeTimer Foo;
        }

        [Pipeline]
        public partial class Readings
        {
            static void Define(PipelineBuilder p) =>
                p.Create<KV<double, string>>("readings")
                 .{|CMP2001:ParDo|}(
                     static (double key, string value, ref Alarm state, ProcessContext context, IEmitter<int> output) => { },
                     onTimer: static (double key, ref Alarm state, TimerContext timer, IEmitter<int> output) => { })
                 .Output("counts");
        }
        """);

    [Fact]
    public Task DistinctOfFloats_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Unique
        {
            static void Define(PipelineBuilder p) =>
                p.Create<float>("values").{|CMP2001:Distinct|}().Output("unique");
        }
        """);

    [Fact]
    public Task KeyContainingADouble_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Points
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<KV<(int Id, double X), string>>("points").{|#0:GroupByKey|}().Output("a");
                p.Create<KV<double?, string>>("maybe").{|#1:CountPerKey|}().Output("b");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.FloatingPointKey).WithLocation(0).WithArguments("GroupByKey", "(int Id, double X)"),
        Verify.Diagnostic(DiagnosticDescriptors.FloatingPointKey).WithLocation(1).WithArguments("CountPerKey", "double?"));

    [Fact]
    public Task StaticCallForm_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class StaticForm
        {
            static void Define(PipelineBuilder p) =>
                KeyedTransforms.{|CMP2001:GroupByKey|}(p.Create<KV<double, int>>("readings")).Output("grouped");
        }
        """);

    [Fact]
    public Task IntegralAndStringKeys_AreNotReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Words
        {
            static void Define(PipelineBuilder p)
            {
                var words = p.ReadLines("lines");
                words.CountPerElement().Output("counts");
                words.Distinct().Output("unique");
                var byLength = words.WithKeys(static w => w.Length);
                byLength.GroupByKey().Output("grouped");
                byLength.CountPerKey().Output("perLength");
                p.Create<KV<string, double>>("prices").CombinePerKey(Combiners.Sum<double>()).Output("totals");
                p.Create<KV<long, int>>("ids").GroupByKey().Output("byId");
                p.Create<decimal>("amounts").CountPerElement().Output("amounts");
            }
        }
        """);

    [Fact]
    public Task DoubleKeysThatAreNeverGrouped_AreNotReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Projections
        {
            static void Define(PipelineBuilder p)
            {
                var keyed = p.Create<int>("numbers").WithKeys(static x => x / 2.0);
                keyed.Values().Output("values");
                keyed.Keys().Map(static k => (long)Math.Round(k)).CountPerElement().Output("rounded");
                p.Create<double>("prices").Count().Output("count");
            }
        }
        """);

    [Fact]
    public Task WithoutTheCompiledRuntime_NothingIsReported() => Verify.VerifyAsync("""
        namespace Other
        {
            public sealed class PCollection<T>
            {
                public PCollection<T> Distinct() => this;
            }

            public static class Use
            {
                public static object Run(PCollection<double> values) => values.Distinct();
            }
        }
        """);
}
