using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>A word with its event time in milliseconds.</summary>
public readonly record struct TimestampedWord(string Word, long TimeMs);

/// <summary>
/// Beam's WindowingTest.testNonPartitioningWindowing: sliding windows of 10 ms every 5 ms, counts per element,
/// Beam's default timestamps (the end of the window). Declared with the named arguments in the other order than the
/// parameters: size is still 10 ms and period 5 ms.
/// </summary>
[Pipeline]
public partial class BeamSlidingCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<TimestampedWord>("words")
         .WithTimestamps(static w => new Instant(w.TimeMs))
         .Map(static w => w.Word)
         .Window(Windows.Sliding(period: TimeSpan.FromMilliseconds(5), size: TimeSpan.FromMilliseconds(10)))
         .CountPerElement()
         .Output("counts");
}

/// <summary>The same pipeline with positional arguments.</summary>
[Pipeline]
public partial class BeamSlidingCountsPositional
{
    static void Define(PipelineBuilder p) =>
        p.Create<TimestampedWord>("words")
         .WithTimestamps(static w => new Instant(w.TimeMs))
         .Map(static w => w.Word)
         .Window(Windows.Sliding(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5)))
         .CountPerElement()
         .Output("counts");
}

/// <summary>The current form of Beam's test: the same windows with the earliest timestamp combiner.</summary>
[Pipeline]
public partial class BeamSlidingCountsEarliest
{
    static void Define(PipelineBuilder p) =>
        p.Create<TimestampedWord>("words")
         .WithTimestamps(static w => new Instant(w.TimeMs))
         .Map(static w => w.Word)
         .Window(Windows.Sliding(offset: TimeSpan.Zero, period: TimeSpan.FromMilliseconds(5), size: TimeSpan.FromMilliseconds(10))
             .WithTimestampCombiner(combiner: TimestampCombiner.Earliest))
         .CountPerElement()
         .Output("counts");
}

/// <summary>Beam's windowing example run through generated pipelines and compared with Beam's expected panes.</summary>
public class BeamWindowingExampleTests
{
    /// <summary>testNonPartitioningWindowing's input: a@1, a@7, b@8.</summary>
    private static readonly TimestampedWord[] Input = [new("a", 1), new("a", 7), new("b", 8)];

    /// <summary>
    /// Beam's expected output, as its output(value, count, timestamp, windowStart, windowEnd) helper formats it, with
    /// the default end-of-window timestamps (the form the test had before it chose EARLIEST): every element is in
    /// size / period = 2 windows, so 3 elements give 5 panes.
    /// </summary>
    private static readonly string[] BeamExpected =
    [
        "a:1:4:[-5..5)",
        "a:2:9:[0..10)",
        "a:1:14:[5..15)",
        "b:1:9:[0..10)",
        "b:1:14:[5..15)",
    ];

    private static string[] Format(IEnumerable<WindowedValue<KV<string, long>>> panes, bool withTimestamps = true) =>
        panes.Select(e => e.Value.Key + ":" + e.Value.Value + ":" + (withTimestamps ? e.Timestamp.Millis + ":" : string.Empty) +
                          "[" + e.Window.Start.Millis + ".." + e.Window.End.Millis + ")")
             .Order(StringComparer.Ordinal)
             .ToArray();

    private static string[] Sorted(IEnumerable<string> lines) => lines.Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void SlidingWindowsDeclaredWithReorderedNamedArgumentsGiveBeamsPanes()
    {
        var result = BeamSlidingCounts.Run(Input);

        Assert.Equal(Sorted(BeamExpected), Format(result.CountsElements));
        Assert.All(result.CountsElements, e => Assert.Equal(PaneInfo.OnTimeAndOnly, e.Pane));
    }

    [Fact]
    public void PositionalAndReorderedNamedArgumentsDeclareTheSamePipeline() =>
        Assert.Equal(Format(BeamSlidingCountsPositional.Run(Input).CountsElements), Format(BeamSlidingCounts.Run(Input).CountsElements));

    /// <summary>
    /// The current Beam test (Window.into(...).withTimestampCombiner(EARLIEST)) expects a:1:1:[-5..5), a:2:5:[0..10),
    /// a:1:10:[5..15), b:1:8:[0..10), b:1:10:[5..15): the same windows and counts, checked here.
    /// </summary>
    [Fact]
    public void SlidingWindowsWithEarliestTimestampsGiveBeamsWindowsAndCounts() =>
        Assert.Equal(
            Sorted(["a:1:[-5..5)", "a:2:[0..10)", "a:1:[5..15)", "b:1:[0..10)", "b:1:[5..15)"]),
            Format(BeamSlidingCountsEarliest.Run(Input).CountsElements, withTimestamps: false));
}
