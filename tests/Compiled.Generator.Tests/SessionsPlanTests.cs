using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Compiled.Generator.Tests.Infrastructure;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Which state a grouping over sessions gets: the planner keeps open sessions (SessionPanes) for Beam's default
/// strategy, where a session fires once as the watermark passes its end, and keyed window panes for everything else.
/// </summary>
public class SessionsPlanTests
{
    private static string Generate(string define)
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using System;
            using Compiled;

            namespace Demo;

            [Pipeline]
            public partial class Sessions
            {
                static void Define(PipelineBuilder p)
                {
            """ + define + """

                }
            }
            """);
        return GeneratorHarness.GenerateClean(compilation);
    }

    [Theory(DisplayName = "Sessions with the default strategy keep open sessions, for every kind of grouping and combine")]
    [InlineData(".CountPerKey()")]
    [InlineData(".CombinePerKey(Combiners.Sum<int>())")]
    [InlineData(".GroupByKey()")]
    public void DefaultStrategyKeepsOpenSessions(string grouping)
    {
        var source = Generate("""
                    p.Create<int>("numbers").WithTimestamps(static x => new Instant(x)).Window(Windows.Sessions(TimeSpan.FromSeconds(30)))
                     .Map(static x => KV.Of(x % 10, x))
            """ + grouping + """
            .Output("out");
            """);
        Assert.Contains(", as open sessions: an element extends its key's session in place or merges the sessions it overlaps", source);
        Assert.Contains("global::Compiled.Execution.SessionPanes<int, int, ", source);
        Assert.DoesNotContain("global::Compiled.Execution.KeyedPanes<", source);
        Assert.DoesNotContain("TriggerStateMachine", source);
    }

    [Theory(DisplayName = "Sessions with a trigger, allowed lateness, accumulation or another timestamp combiner keep keyed window panes")]
    [InlineData(".Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2))).Discarding()")]
    [InlineData(".WithAllowedLateness(TimeSpan.FromSeconds(5))")]
    [InlineData(".WithTimestampCombiner(TimestampCombiner.Earliest)")]
    public void OtherStrategiesKeepKeyedPanes(string strategy)
    {
        var source = Generate("""
                    p.Create<int>("numbers").WithTimestamps(static x => new Instant(x)).Window(Windows.Sessions(TimeSpan.FromSeconds(30))
            """ + strategy + """
            )
                     .Map(static x => KV.Of(x % 10, x)).CountPerKey().Output("out");
            """);
        Assert.Contains("in keyed window panes", source);
        Assert.Contains("global::Compiled.Execution.KeyedPanes<", source);
        Assert.DoesNotContain("SessionPanes<", source);
    }

    [Fact(DisplayName = "A grouping downstream of merged sessions (windows already merged) does not merge again: it keeps keyed window panes")]
    public void AlreadyMergedWindowsDoNotMerge()
    {
        var source = Generate("""
                    p.Create<int>("numbers").WithTimestamps(static x => new Instant(x)).Window(Windows.Sessions(TimeSpan.FromSeconds(30)))
                     .Map(static x => KV.Of(x % 10, x)).CountPerKey()
                     .Map(static kv => KV.Of(kv.Key % 2, kv.Value)).CombinePerKey(Combiners.Sum<long>()).Output("out");
            """);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, @"private readonly global::Compiled\.Execution\.SessionPanes<"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(source, @"private readonly global::Compiled\.Execution\.KeyedPanes<"));
    }

    [Fact(DisplayName = "Open sessions evaluate nothing at the end of a bundle: the streaming parallel runner sends their shards no bundle-end markers")]
    public void OpenSessionsGetNoBundleEnds()
    {
        var source = Generate("""
                    p.Create<int>("numbers").Window(Windows.Sessions(TimeSpan.FromSeconds(30)))
                     .Map(static x => KV.Of(x % 10, x)).CountPerKey().Output("out");
            """);
        Assert.Contains("public static ParallelRunner<", source);
        Assert.Contains("global::Compiled.Execution.SessionPanes<int, int, ", source);
        Assert.DoesNotContain("?.EndBundle();", source);
    }

    [Fact(DisplayName = "Triggered sessions evaluate their triggers at the end of each bundle: their shards are told where each sender's bundle ends")]
    public void TriggeredSessionsGetBundleEnds()
    {
        var source = Generate("""
                    p.Create<int>("numbers").Window(Windows.Sessions(TimeSpan.FromSeconds(30))
                     .Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2))).Discarding())
                     .Map(static x => KV.Of(x % 10, x)).CountPerKey().Output("out");
            """);
        Assert.Contains("__send1?.EndBundle();", source);
    }

    [Fact(DisplayName = "Bundle ends go to every level at or below one whose panes evaluate them: open sessions under keyed panes are told too")]
    public void BundleEndsReachTheLevelsBelowPanes()
    {
        var source = Generate("""
                    p.Create<int>("numbers").Window(Windows.Sessions(TimeSpan.FromSeconds(30)))
                     .Map(static x => KV.Of(x % 10, x)).CountPerKey()
                     .Map(static kv => KV.Of(kv.Key % 2, kv.Value)).CombinePerKey(Combiners.Sum<long>()).Output("out");
            """);
        Assert.Contains("__send1?.EndBundle();", source);
        Assert.Contains("__send2?.EndBundle();", source);
    }
}
