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
    /// The current Beam test, WindowingTest.testNonPartitioningWindowing (Window.into(...).withTimestampCombiner(EARLIEST)):
    /// an element's output time in a sliding window that is not the earliest one containing it is moved to the end of
    /// the previous overlapping window (SlidingWindows.getOutputTime), so a@1 counts at 10 in [5, 15) and the pane of
    /// [0, 10) is at 5, not 1.
    /// </summary>
    private static readonly string[] BeamExpectedEarliest =
    [
        "a:1:1:[-5..5)",
        "a:2:5:[0..10)",
        "a:1:10:[5..15)",
        "b:1:8:[0..10)",
        "b:1:10:[5..15)",
    ];

    [Fact]
    public void SlidingWindowsWithEarliestTimestampsGiveBeamsPanes() =>
        Assert.Equal(Sorted(BeamExpectedEarliest), Format(BeamSlidingCountsEarliest.Run(Input).CountsElements));

    [Fact]
    public void SlidingWindowsWithEarliestTimestampsGiveBeamsPanesOnEveryCore()
    {
        foreach (var parallelism in new[] { 1, 2, 3 })
        {
            Assert.Equal(Sorted(BeamExpectedEarliest), Format(BeamSlidingCountsEarliest.Run(Input, parallelism: parallelism).CountsElements));
        }
    }

    [Fact]
    public void SlidingWindowsWithEarliestTimestampsGiveBeamsPanesWhenStreamed()
    {
        var sink = new ListSink<KV<string, long>>();
        var runner = BeamSlidingCountsEarliest.CreateRunner(sink);
        runner.PushWords(new TimestampedWord("a", 1));
        runner.AdvanceWatermark(new Instant(5));      // [-5, 5) fires
        runner.PushWords(new TimestampedWord("a", 7));
        runner.PushWords(new TimestampedWord("b", 8));
        runner.AdvanceWatermark(new Instant(10));     // [0, 10) fires
        runner.Finish();                              // [5, 15) fires

        Assert.Equal(Sorted(BeamExpectedEarliest), Format(sink.Elements));
        Assert.All(sink.Elements, e => Assert.Equal(PaneInfo.OnTimeAndOnly, e.Pane));
    }
}
