using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Which levels of the streaming parallel runner ship elements without their window: the planner leaves the window out
/// where every element sent to the level is in the window its timestamp gives (the global window of an input, or a Window
/// into fixed windows, sessions or pane-sharing sliding windows, reached through steps that keep timestamps and windows),
/// and the shard assigns it again.
/// </summary>
public class ExchangeWindowPlanTests
{
    /// <summary>Every source generated for the pipeline (the runner, and the coders of its key types), which compiles cleanly.</summary>
    private static string Generate(string define)
    {
        var run = GeneratorHarness.Run("""
            using System;
            using Compiled;

            namespace Demo;

            public sealed record Ev(int Key, int Value, long Time);

            [Pipeline]
            public partial class Exchanged
            {
                static void Define(PipelineBuilder p)
                {
                    var events = p.Create<Ev>("events").WithTimestamps(static e => new Instant(e.Time));
            """ + define + """

                }
            }
            """);
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        return string.Concat(run.Sources.Select(s => s.Text));
    }

    /// <summary>The item struct of level 1 and what a shard reads as the element's window.</summary>
    private static string Item(string source)
    {
        var start = source.IndexOf("internal struct __Exchange1Item", System.StringComparison.Ordinal);
        Assert.True(start >= 0, "no item struct of level 1");
        return source.Substring(start, source.IndexOf("int global::Compiled.Parallel.IExchangeItem", start, System.StringComparison.Ordinal) - start);
    }

    [Theory(DisplayName = "A window the shard can assign again from the timestamp does not travel")]
    [InlineData("events.Window(Windows.Sessions(TimeSpan.FromSeconds(30))).Map(static e => KV.Of(e.Key, e.Value)).CountPerKey().Output(\"out\");",
        "var window = global::Compiled.BoundedWindow.Interval(timestamp, new global::Compiled.Instant(timestamp.Millis + 30000L)); // the proto-session #2")]
    [InlineData("events.Window(Windows.Fixed(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(4)).WithAllowedLateness(TimeSpan.FromSeconds(5))).Filter(static e => e.Value > 0).WithKeys(static e => e.Key).KvSwap().KvSwap().GroupByKey().Output(\"out\");",
        "_receivedStart2 = timestamp.Millis - ((((timestamp.Millis - 4000L) % 10000L) + 10000L) % 10000L);")]
    [InlineData("events.Map(static e => e.Key).CountPerElement().Output(\"keys\"); p.Unbounded<Ev>(\"live\", static e => new Instant(e.Time), maxOutOfOrderness: TimeSpan.FromSeconds(1), idleness: TimeSpan.FromSeconds(30)).Window(Windows.Sliding(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10))).Map(static e => KV.Of(e.Key, (long)e.Value)).CombinePerKey(Combiners.Sum<long>()).Output(\"out\");",
        "_receivedStart7 = timestamp.Millis - ((((timestamp.Millis - 0L) % 10000L) + 10000L) % 10000L);")] // panes of sliding windows, not lifted: an input can go idle
    [InlineData("var (a, b) = events.Partition(2, static (e, n) => e.Key % n); a.Map(static e => KV.Of(e.Key, e.Value)).GroupByKey().Output(\"out\"); b.Map(static e => KV.Of(e.Key, e.Value)).CountPerKey().Output(\"counts\");",
        "var window = global::Compiled.BoundedWindow.Global; // the window of #0 Create 'events'")]
    [InlineData("events.ParDo<KV<int, int>>(static (e, o) => o.EmitWithTimestamp(KV.Of(e.Key, e.Value), new Instant(e.Time + 5))).GroupByKey().Output(\"out\");",
        "var window = global::Compiled.BoundedWindow.Global; // the window of #0 Create 'events'")] // new timestamps, still the global window
    public void DerivableWindowsStayHome(string define, string reassigned)
    {
        var source = Generate(define);
        Assert.Contains("elements without their window", source);
        Assert.DoesNotContain("BoundedWindow Window;", Item(source));
        Assert.DoesNotContain("item.Window", source);
        Assert.Contains(reassigned, source);
    }

    [Theory(DisplayName = "A window that does not follow from the timestamp travels with the element")]
    [InlineData("events.Window(Windows.Sessions(TimeSpan.FromSeconds(30))).FlatMap<KV<int, int>>(static (e, o) => o.Emit(KV.Of(e.Key, e.Value))).CountPerKey().Output(\"out\");")] // a FlatMap may move timestamps
    [InlineData("events.Window(Windows.Sessions(TimeSpan.FromSeconds(30))).ParDo<KV<int, int>>(static (e, o) => o.Emit(KV.Of(e.Key, e.Value))).CountPerKey().Output(\"out\");")] // so may a ParDo
    [InlineData("events.Window(Windows.Sliding(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10))).Map(static e => KV.Of(e.Key, e.Value)).GroupByKey().Output(\"out\");")] // several windows per timestamp
    [InlineData("events.Window(Windows.Fixed(TimeSpan.FromSeconds(10))).WithTimestamps(static e => new Instant(e.Time + 1)).Map(static e => KV.Of(e.Key, e.Value)).GroupByKey().Output(\"out\");")] // a new timestamp in the old window
    public void OtherWindowsTravel(string define)
    {
        var source = Generate(define);
        Assert.DoesNotContain("elements without their window", source);
        Assert.Contains("BoundedWindow Window;", Item(source));
        Assert.Contains("var window = item.Window;", source);
        Assert.DoesNotContain("_receivedStart", source);
    }

    [Fact(DisplayName = "Sliding sums on shared panes are lifted: a sender ships its accumulators per pane, and no element travels")]
    public void SharedPanesAreLifted()
    {
        var source = Generate("""
                    events.Window(Windows.Sliding(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10))).Map(static e => KV.Of(e.Key, (long)e.Value)).CombinePerKey(Combiners.Sum<long>()).Output("out");
            """);
        Assert.Contains("combiner lifted (each sender keeps its own accumulators per key and pane of the sliding windows", source);
        Assert.Contains("__ShipWindow4(ship4, fp4, fs4!);", source);
        Assert.DoesNotContain("private void __Ship1_0(", source);
        Assert.Contains("BoundedWindow Window;", Item(source));
    }

    [Fact(DisplayName = "One port whose window must travel keeps the window in every item of its level: here a lifted combine's accumulators per window")]
    public void ALevelIsWindowlessOnlyAsAWhole()
    {
        var source = Generate("""
                    events.Window(Windows.Sessions(TimeSpan.FromSeconds(30))).Map(static e => KV.Of(e.Key, e.Value)).CountPerKey().Output("sessions");
                    events.Window(Windows.Fixed(TimeSpan.FromSeconds(10))).Map(static e => KV.Of(e.Key, e.Value)).CountPerKey().Output("fixed");
            """);
        Assert.Contains("combiner lifted", source);
        Assert.DoesNotContain("elements without their window", source);
        Assert.Contains("BoundedWindow Window;", Item(source));
        Assert.Contains("var window = item.Window;", source);
    }
}
