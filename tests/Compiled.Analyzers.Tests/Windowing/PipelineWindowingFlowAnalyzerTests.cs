using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.AnalyzerVerifier<Compiled.Analyzers.Windowing.PipelineWindowingFlowAnalyzer>;

namespace Compiled.Analyzers.Tests.Windowing;

/// <summary>
/// CMP1006 (unbounded grouping in the global window), CMP1007 (accumulating forever), CMP1008 (incompatible
/// windowing), CMP1009 (global combine with defaults outside the global window), CMP1010 (side input in merging windows),
/// CMP9001 (element context read in sliding windows before a grouping).
/// </summary>
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
    public Task ArgumentsAreReadByParameter_InAnyOrder() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Reordered
        {
            static void Define(PipelineBuilder p)
            {
                // The receiver of a static-form call, named after another argument; the input's name named after its timestamps.
                var events = p.Unbounded<KV<string, int>>(timestamps: static e => new Instant(e.Value), name: "events", maxOutOfOrderness: TimeSpan.Zero);
                KeyedTransforms.{|#0:CountPerKey|}(lateData: null, input: events).Output("counts");

                // The same sliding windows written with their arguments in two orders are the same windowing: no CMP1008.
                var a = p.Create<int>("a").Window(Windows.Sliding(size: TimeSpan.FromSeconds(10), period: TimeSpan.FromSeconds(5)));
                var b = p.Create<int>("b").Window(Windows.Sliding(period: TimeSpan.FromSeconds(5), size: TimeSpan.FromSeconds(10)));
                p.Flatten(a, b).Count(withoutDefaults: true).Output("both");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.UnboundedGlobalGrouping).WithLocation(0).WithArguments("CountPerKey", "events"));

    [Fact]
    public Task WindowedOrTriggeredOrBounded_IsNotReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Fine
        {
            static void Define(PipelineBuilder p)
            {
                var clicks = p.Unbounded<string>("clicks").WithTimestamps(static c => new Instant(c.Length));
                clicks.Window(Windows.Fixed(TimeSpan.FromMinutes(1))).Count(withoutDefaults: true).Output("perMinute");
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
                      .Count(withoutDefaults: true).Output("perMinute");
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

    [Fact]
    public Task GlobalCombineWithDefaultsInNonGlobalWindows_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class PerWindow
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events").WithTimestamps(static e => new Instant(e));
                var fixedEvents = events.Window(Windows.Fixed(TimeSpan.FromMinutes(1)));
                fixedEvents.{|#0:Count|}().Output("a");
                fixedEvents.Map(static e => e * 2).{|#1:CombineGlobally|}(Combiners.Sum<int>()).Output("b");
                events.Window(Windows.Sliding(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1))).{|#2:Count|}(withoutDefaults: false).Output("c");
                events.Window(Windows.Sessions(TimeSpan.FromMinutes(5))).{|#3:CombineGlobally|}(Combiners.Count<int>(), "late").Output("d");
                events.Window(Windows.Custom<FixedWindows>()).{|#4:Count|}().Output("e");
                var (x, y) = fixedEvents.Partition(2, static (e, n) => e % n);
                p.Flatten(x, y).{|#5:Count|}().Output("f");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.GlobalCombineDefaultsOutsideGlobalWindow).WithLocation(0).WithArguments("Count", "Fixed(00:01:00)"),
        Verify.Diagnostic(DiagnosticDescriptors.GlobalCombineDefaultsOutsideGlobalWindow).WithLocation(1).WithArguments("CombineGlobally", "Fixed(00:01:00)"),
        Verify.Diagnostic(DiagnosticDescriptors.GlobalCombineDefaultsOutsideGlobalWindow).WithLocation(2).WithArguments("Count", "Sliding(00:02:00, 00:01:00)"),
        Verify.Diagnostic(DiagnosticDescriptors.GlobalCombineDefaultsOutsideGlobalWindow).WithLocation(3).WithArguments("CombineGlobally", "Sessions(00:05:00)"),
        Verify.Diagnostic(DiagnosticDescriptors.GlobalCombineDefaultsOutsideGlobalWindow).WithLocation(4).WithArguments("Count", "Custom<global::Compiled.FixedWindows>()"),
        Verify.Diagnostic(DiagnosticDescriptors.GlobalCombineDefaultsOutsideGlobalWindow).WithLocation(5).WithArguments("Count", "Fixed(00:01:00)"));

    [Fact]
    public Task GlobalCombineWithoutDefaultsOrInTheGlobalWindow_IsNotReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Totals
        {
            static bool Configured() => true;

            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events").WithTimestamps(static e => new Instant(e));
                var fixedEvents = events.Window(Windows.Fixed(TimeSpan.FromMinutes(1)));
                fixedEvents.Count(withoutDefaults: true).Output("a");
                fixedEvents.CombineGlobally(Combiners.Sum<int>(), null, true).Output("b");
                fixedEvents.Count(withoutDefaults: Configured()).Output("c");
                events.Count().Output("d");
                fixedEvents.Window(Windows.Global()).CombineGlobally(Combiners.Sum<int>()).Output("e");
                events.Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(10))).Discarding()).Count().Output("f");
                fixedEvents.CountPerElement().Output("g");
                fixedEvents.WithKeys(static e => e % 10).CountPerKey().Output("h");
            }
        }
        """);

    [Fact]
    public Task SideInputFromMergingWindows_IsReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Enrich
        {
            static void Define(PipelineBuilder p)
            {
                var main = p.Create<int>("main").WithTimestamps(static e => new Instant(e));
                var sessions = p.Create<int>("rates").WithTimestamps(static e => new Instant(e)).Window(Windows.Sessions(TimeSpan.FromMinutes(10)));
                var single = sessions.CombineGlobally(Combiners.Max<int>(), withoutDefaults: true).{|#0:AsSingleton|}();
                var list = sessions.Map(static r => r + 1).{|#1:AsList|}();
                var dictionary = sessions.WithKeys(static r => r % 10).{|#2:AsDictionary|}();
                var custom = p.Create<int>("custom").Window(Windows.Custom<Sessions>()).{|#3:AsList|}();
                main.Map(single, static (e, s) => e + s).Output("a");
                main.Filter(list, static (e, l) => l.Count > e).Output("b");
                main.Map(dictionary, static (e, d) => d.Count).Output("c");
                main.Map(custom, static (e, c) => c.Count).Output("d");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.MergingWindowsSideInput).WithLocation(0).WithArguments("AsSingleton", "Sessions(00:10:00)"),
        Verify.Diagnostic(DiagnosticDescriptors.MergingWindowsSideInput).WithLocation(1).WithArguments("AsList", "Sessions(00:10:00)"),
        Verify.Diagnostic(DiagnosticDescriptors.MergingWindowsSideInput).WithLocation(2).WithArguments("AsDictionary", "Sessions(00:10:00)"),
        Verify.Diagnostic(DiagnosticDescriptors.MergingWindowsSideInput).WithLocation(3).WithArguments("AsList", "Custom<global::Compiled.Sessions>()"));

    [Fact]
    public Task SideInputFromNonMergingWindows_IsNotReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Enrich
        {
            static void Define(PipelineBuilder p)
            {
                var main = p.Create<int>("main").WithTimestamps(static e => new Instant(e));
                var rates = p.Create<int>("rates").WithTimestamps(static e => new Instant(e));
                var global = rates.CombineGlobally(Combiners.Max<int>()).AsSingleton();
                var fixedList = rates.Window(Windows.Fixed(TimeSpan.FromMinutes(1))).AsList();
                var sliding = rates.Window(Windows.Sliding(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1))).WithKeys(static r => r % 10).AsDictionary();
                var custom = rates.Window(Windows.Custom<FixedWindows>()).AsList();
                var regrouped = rates.Window(Windows.Sessions(TimeSpan.FromMinutes(10))).WithKeys(static r => r % 10).GroupByKey()
                    .Map(static kv => kv.Key).Window(Windows.Fixed(TimeSpan.FromMinutes(1))).AsList();
                main.Map(global, static (e, s) => e + s).Output("a");
                main.Filter(fixedList, static (e, l) => l.Count > e).Output("b");
                main.Map(sliding, static (e, d) => d.Count).Output("c");
                main.Map(custom, static (e, c) => c.Count).Output("d");
                main.Map(regrouped, static (e, c) => c.Count).Output("e");
            }
        }
        """);

    [Fact]
    public Task ContextInSlidingWindowsBeforeAGrouping_IsReported() => Verify.VerifyAsync("""
        public readonly record struct Play(string Team, int Score, long Time);

        [Pipeline]
        public partial class Tagged
        {
            static void Define(PipelineBuilder p)
            {
                var plays = p.Create<Play>("plays").WithTimestamps(static e => new Instant(e.Time));
                var sliding = plays.Window(Windows.Sliding(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1)));
                var filtered = sliding.Filter(static e => e.Score > 0);
                filtered.{|#0:Map|}(static (e, c) => KV.Of(e.Team + c.Window, e.Score)).CombinePerKey(Combiners.Sum<int>()).Output("a");
                filtered.{|#1:FlatMap|}<string>(static (e, c, o) => o.Emit(e.Team + c.Pane)).Output("b");
                filtered.{|#2:ParDo|}<string>(static (e, c, main) => main.Emit(e.Team + c.Timestamp)).Output("c");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ContextInSlidingWindows).WithLocation(0).WithArguments("Map", "Sliding(00:10:00, 00:01:00)"),
        Verify.Diagnostic(DiagnosticDescriptors.ContextInSlidingWindows).WithLocation(1).WithArguments("FlatMap", "Sliding(00:10:00, 00:01:00)"),
        Verify.Diagnostic(DiagnosticDescriptors.ContextInSlidingWindows).WithLocation(2).WithArguments("ParDo", "Sliding(00:10:00, 00:01:00)"));

    [Fact]
    public Task ContextAfterAGroupingOrOutsideSlidingWindows_IsNotReported() => Verify.VerifyAsync("""
        public readonly record struct Play(string Team, int Score, long Time);

        [Pipeline]
        public partial class Fine
        {
            static void Define(PipelineBuilder p)
            {
                // A pane before any grouping is Beam's NO_FIRING pane: reading it is fine.
                var plays = p.Create<Play>("plays").WithTimestamps(static e => new Instant(e.Time));
                plays.Map(static (e, c) => e.Team + c.Pane + c.Window).Output("global");
                plays.Window(Windows.Fixed(TimeSpan.FromMinutes(1))).Map(static (e, c) => e.Team + c.Window).Output("fixed");
                plays.Window(Windows.Sessions(TimeSpan.FromMinutes(1))).Map(static (e, c) => e.Team + c.Window).Output("sessions");
                var sums = plays.Window(Windows.Sliding(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1)))
                    .Map(static e => KV.Of(e.Team, e.Score))
                    .CombinePerKey(Combiners.Sum<int>());
                sums.Map(static (kv, c) => kv.Key + c.Window).Output("afterCombine");
                sums.Values().Map(static (v, c) => v + c.Pane.Timing.ToString()).Output("afterValues");
                plays.Window(Windows.Sliding(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1))).Count(withoutDefaults: true)
                    .ParDo<string>(static (n, c, main) => main.Emit(n + " " + c.Window)).Output("afterCount");
                plays.Window(Windows.Sliding(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1))).Map(static e => e.Team).Output("noContext");
            }
        }
        """);
}
