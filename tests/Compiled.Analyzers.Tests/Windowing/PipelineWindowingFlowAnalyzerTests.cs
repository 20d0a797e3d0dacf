using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.AnalyzerVerifier<Compiled.Analyzers.Windowing.PipelineWindowingFlowAnalyzer>;

namespace Compiled.Analyzers.Tests.Windowing;

/// <summary>CMP1006 (unbounded grouping in the global window), CMP1007 (accumulating forever), CMP1008 (incompatible windowing).</summary>
public sealed class PipelineWindowingFlowAnalyzerTests
{
    [Fact]
    public Task UnboundedGroupedThroughChainsAndLocals_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Clicks
        {
            static void Define(PipelineBuilder p)
            {
                var clicks = p.Unbounded<string>("clicks");
                var keyed = clicks.Filter(static c => c.Length > 0).WithKeys(static c => c[0]);
                keyed.{|#0:CountPerKey|}().Output("perLetter");
                clicks.{|#1:Count|}().Output("total");
                clicks.Window(Windows.Global()).{|CMP1006:Distinct|}().Output("distinct");
                var (a, b) = clicks.Partition(2, static (c, n) => c.Length % n);
                a.{|CMP1006:CountPerElement|}().Output("a");
                b.Map(static c => KV.Of(c, 1)).{|CMP1006:GroupByKey|}().Output("b");
                p.Flatten(clicks, p.Create<string>("more")).{|CMP1006:CombineGlobally|}(Combiners.Count<string>()).Output("all");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnboundedGlobalGrouping).WithLocation(0).WithArguments("CountPerKey", "clicks"),
        Verify.Diagnostic(DiagnosticDescriptors.UnboundedGlobalGrouping).WithLocation(1).WithArguments("Count", "clicks"));

    [Fact]
    public Task WindowedOrTriggeredOrBounded_IsNotReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Fine
        {
            static void Define(PipelineBuilder p)
            {
                var clicks = p.Unbounded<string>("clicks").WithTimestamps(static c => new Instant(c.Length));
                clicks.Window(Windows.Fixed(TimeSpan.FromMinutes(1))).Count().Output("perMinute");
                clicks.Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(100))).Discarding())
                      .CountPerElement().Output("running");
                p.Create<string>("bounded").Count().Output("bounded");
                p.ReadLines("lines").Distinct().Output("lines");
                clicks.Map(static c => c.Length).Output("lengths");
            }
        }
        """);

    [Fact]
    public Task UnboundedRewindowedToGlobalAfterAGrouping_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Rewindow
        {
            static void Define(PipelineBuilder p) =>
                p.Unbounded<KV<string, int>>("scores")
                 .Window(Windows.Fixed(TimeSpan.FromSeconds(5)))
                 .GroupByKey()
                 .Map(static kv => kv.Value.Count)
                 .Window(Windows.Global())
                 .{|CMP1006:CombineGlobally|}(Combiners.Sum<int>())
                 .Output("total");
        }
        """);

    [Fact]
    public Task CoGroupByKeyWithOneUnboundedGlobalInput_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Join
        {
            static void Define(PipelineBuilder p)
            {
                var orders = p.Unbounded<KV<int, string>>("orders");
                var customers = p.Create<KV<int, string>>("customers");
                customers.{|CMP1006:CoGroupByKey|}(orders).Output("joined");
            }
        }
        """);

    [Fact]
    public Task AccumulatingRepeatedlyInGlobalWindowOfUnbounded_IsAWarning() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Running
        {
            static void Define(PipelineBuilder p)
            {
                var clicks = p.Unbounded<string>("clicks");
                clicks.Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(10))).{|#0:Accumulating|}())
                      .Count().Output("running");
                clicks.Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(10))).Discarding())
                      .Count().Output("deltas");
                clicks.Window(Windows.Fixed(TimeSpan.FromMinutes(1)).Triggering(Trigger.Repeatedly(Trigger.AfterCount(10))).WithAllowedLateness(TimeSpan.Zero).Accumulating())
                      .Count().Output("perMinute");
                p.Create<string>("bounded").Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(10))).Accumulating())
                      .Count().Output("bounded");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.AccumulatingGlobalUnbounded).WithLocation(0).WithArguments("clicks"));

    [Fact]
    public Task FlattenOfDifferentWindowing_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Merge
        {
            static void Define(PipelineBuilder p)
            {
                var a = p.Create<int>("a").Window(Windows.Fixed(TimeSpan.FromSeconds(60)));
                var b = p.Create<int>("b").Window(Windows.Fixed(TimeSpan.FromSeconds(30)));
                var c = p.Create<int>("c");
                p.{|#0:Flatten|}(a, b).Output("ab");
                p.{|#1:Flatten|}(a, c).Output("ac");
                var keyedA = a.WithKeys(static x => x);
                var keyedT = p.Create<int>("t").Window(Windows.Fixed(TimeSpan.FromMinutes(1))
                        .Triggering(Trigger.Repeatedly(Trigger.AfterCount(2))).WithAllowedLateness(TimeSpan.Zero).Discarding())
                    .WithKeys(static x => x);
                keyedA.{|#2:CoGroupByKey|}(keyedT).Output("joined");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.IncompatibleWindowing).WithLocation(0).WithArguments("Flatten", "Fixed(00:01:00)", "Fixed(00:00:30)"),
        Verify.Diagnostic(DiagnosticDescriptors.IncompatibleWindowing).WithLocation(1).WithArguments("Flatten", "Fixed(00:01:00)", "Global()"),
        Verify.Diagnostic(DiagnosticDescriptors.IncompatibleWindowing).WithLocation(2).WithArguments("CoGroupByKey", "Fixed(00:01:00)", "Fixed(00:01:00).Triggering(Repeatedly(AfterCount(2)))"));

    [Fact]
    public Task FlattenOfEqualWindowing_IsNotReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Same
        {
            static void Define(PipelineBuilder p)
            {
                var a = p.Create<int>("a").Window(Windows.Fixed(TimeSpan.FromSeconds(60)));
                var b = p.Create<int>("b").Window(Windows.Fixed(TimeSpan.FromMinutes(1))).Map(static x => x + 1);
                p.Flatten(a, b).Output("ab");
                p.Flatten(p.Create<int>("c"), p.Create<int>("d").Window(Windows.Global())).Output("cd");
                a.WithKeys(static x => x).CoGroupByKey(b.WithKeys(static x => x)).Output("joined");
            }
        }
        """);

    [Fact]
    public Task OutsideAPipelineDefine_NothingIsReported() => Verify.VerifyAsync("""
        public static class NotAPipeline
        {
            static void Define(PipelineBuilder p) => p.Unbounded<string>("clicks").Count().Output("total");
        }
        """);
}
