using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Which state a windowed grouping with a strategy other than the simple one gets: window buckets (WindowBucketPanes) for
/// windows that do not merge, end-of-window timestamps, and the default trigger or the watermark trigger whose early and
/// late firings are each absent, an element count or a processing-time delay; keyed window panes for everything else.
/// Window buckets also let an advance that fires nothing skip the call's gate.
/// </summary>
public class WindowBucketsPlanTests
{
    private static string Generate(string window)
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using System;
            using Compiled;

            namespace Demo;

            [Pipeline]
            public partial class Scores
            {
                static void Define(PipelineBuilder p) =>
                    p.Unbounded<int>("numbers")
                     .Window(
            """ + window + """
            )
                     .Map(static x => KV.Of(x % 10, (long)x))
                     .CombinePerKey(Combiners.Sum<long>())
                     .Output("out");
            }
            """);
        return GeneratorHarness.GenerateClean(compilation);
    }

    [Theory(DisplayName = "Windows that do not merge, under the default trigger with lateness or accumulation, or the watermark trigger with count or processing-time firings, keep window buckets")]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(60)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterProcessingTime(TimeSpan.FromSeconds(30))).WithLateFirings(Trigger.AfterCount(1))).WithAllowedLateness(TimeSpan.FromSeconds(120)).Accumulating()")]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(60)).WithAllowedLateness(TimeSpan.FromSeconds(120))")]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(60)).Accumulating()")]
    [InlineData("Windows.Sliding(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(100))).Discarding()")]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(60)).Triggering(Trigger.AfterWatermark()).WithOnTimeBehavior(OnTimeBehavior.FireIfNonEmpty)")]
    [InlineData("Windows.Global().Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterProcessingTime(TimeSpan.FromSeconds(5)))).Discarding()")]
    public void SimpleTriggersKeepWindowBuckets(string window)
    {
        var source = Generate(window);
        Assert.Contains("in window buckets (a map per live window from key to its slot, the trigger compiled, one timer per window)", source);
        Assert.Contains("global::Compiled.Execution.WindowBucketPanes<int, long, long, long, global::Compiled.SumFn<long>>", source);
        Assert.DoesNotContain("global::Compiled.Execution.KeyedPanes<", source);
        // An advance that fires nothing skips the call's gate.
        Assert.Contains("_panes3.TryAdvanceWatermarkQuietly(watermark)", source);
        Assert.Contains("_panes3.TryAdvanceProcessingTimeQuietly(now)", source);
    }

    [Theory(DisplayName = "Other triggers, merging windows and other timestamp combiners keep keyed window panes")]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(60)).Triggering(Trigger.Repeatedly(Trigger.AfterCount(2))).Discarding()")]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(60)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.Repeatedly(Trigger.AfterCount(2)))).Discarding()")]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(60)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterProcessingTimeAligned(TimeSpan.FromSeconds(10), TimeSpan.Zero))).Discarding()")]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(60)).Triggering(Trigger.AfterWatermark().OrFinally(Trigger.AfterCount(5))).Discarding()")]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(60)).WithAllowedLateness(TimeSpan.FromSeconds(5)).WithTimestampCombiner(TimestampCombiner.Earliest)")]
    [InlineData("Windows.Sessions(TimeSpan.FromSeconds(30)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2))).Discarding()")]
    public void OtherStrategiesKeepKeyedPanes(string window)
    {
        var source = Generate(window);
        Assert.Contains("in keyed window panes", source);
        Assert.Contains("global::Compiled.Execution.KeyedPanes<", source);
        Assert.DoesNotContain("WindowBucketPanes<", source);
        // With end-of-window timestamps keyed window panes say when an advance fires nothing too; other timestamp
        // combiners hold the watermark of what is below them, and every advance takes the call.
        Assert.Equal(!window.Contains("TimestampCombiner.Earliest", System.StringComparison.Ordinal), source.Contains("_panes3.TryAdvanceWatermarkQuietly(watermark)", System.StringComparison.Ordinal));
    }
}
