using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.Pipelines;

/// <summary>Pipelines whose behaviour at the edges is checked below.</summary>
[Pipeline]
public partial class EdgeCases
{
    static void Define(PipelineBuilder p)
    {
        var numbers = p.Create<int>("numbers");
        numbers.CombineGlobally(Combiners.Sum<int>()).Output("sum");
        numbers.Count().Output("count");
        numbers.Map(static x => x + 1).Output("incremented");
        var (a, b) = numbers.Partition(2, static (x, n) => x);
        a.Output("zeros");
        b.Output("ones");
    }
}

/// <summary>A singleton side input read by another input's stage.</summary>
[Pipeline]
public partial class SingletonSide
{
    static void Define(PipelineBuilder p)
    {
        var factor = p.Create<int>("factor").AsSingleton();
        p.Create<int>("numbers").Map(factor, static (x, f) => x * f).Output("scaled");
    }
}

/// <summary>Behaviour that follows Beam's documented semantics, in batch (global window, default trigger).</summary>
public class SemanticsTests
{
    [Fact]
    public void CombineGloballyOfEmptyInputEmitsTheDefault()
    {
        // Beam: Combine.globally emits the combine function's output for an empty input ("with defaults").
        var r = EdgeCases.Run(Array.Empty<int>());
        Assert.Equal(new[] { 0 }, r.Sum);
        Assert.Equal(new[] { 0L }, r.Count);
        Assert.Empty(r.Incremented);
    }

    [Fact]
    public void AggregatesAreOneOnTimePaneAtTheEndOfTheGlobalWindow()
    {
        // Beam: a GroupByKey/Combine in the global window with the default trigger fires once when the
        // watermark reaches the end of the window: pane first and last, ON_TIME, index 0, timestamped at
        // the window's max timestamp (TimestampCombiner END_OF_WINDOW).
        var r = EdgeCases.Run(new[] { 1, 0, 1 });
        var element = Assert.Single(r.SumElements);
        Assert.Equal(2, element.Value);
        Assert.True(element.Window.IsGlobal);
        Assert.Equal(BoundedWindow.Global.MaxTimestamp, element.Timestamp);
        Assert.Equal(PaneInfo.OnTimeAndOnly, element.Pane);
        Assert.Equal(PaneTiming.OnTime, element.Pane.Timing);
    }

    [Fact]
    public void ElementWiseOutputsKeepTheirTimestampAndHaveNoFiring()
    {
        var sink = new ListSink<int>();
        var runner = EdgeCases.CreateRunner(new ListSink<int>(), new ListSink<long>(), sink, new ListSink<int>(), new ListSink<int>());
        runner.PushNumbers(1, new Instant(1_000));
        runner.PushNumbers(0, new Instant(2_000));
        runner.Finish();
        Assert.Equal(new[] { 2, 1 }, sink.Items);
        Assert.Equal(new[] { new Instant(1_000), new Instant(2_000) }, sink.Elements.Select(e => e.Timestamp));
        Assert.All(sink.Elements, e => Assert.Equal(PaneInfo.NoFiring, e.Pane));
    }

    [Fact]
    public void PartitionIndexOutOfRangeIsAClearError()
    {
        var ex = Assert.Throws<PipelineExecutionException>(() => EdgeCases.Run(new[] { 0, 1, 5 }));
        Assert.Contains("returned 5, outside [0, 2)", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("Partition (line ", ex.Transform, StringComparison.Ordinal);
        Assert.Equal("numbers", ex.Input);
        Assert.Equal(2, ex.ElementIndex);
    }

    [Fact]
    public void PushAfterFinishIsAClearError()
    {
        var runner = EdgeCases.CreateRunner(new NullSink<int>(), new NullSink<long>(), new NullSink<int>(), new NullSink<int>(), new NullSink<int>());
        runner.Finish();
        Assert.True(runner.IsFinished);
        Assert.Throws<InvalidOperationException>(() => runner.PushNumbers(1));
        Assert.Throws<InvalidOperationException>(() => runner.Finish());
    }

    [Fact]
    public void SingletonSideInputIsMaterializedBeforeItsReaders()
    {
        // Elements of the main input arrive before the side input is complete: they are buffered and
        // processed once the view is ready, as in Beam's batch execution.
        var scaled = new ListSink<int>();
        var runner = SingletonSide.CreateRunner(scaled);
        runner.PushNumbers(new[] { 1, 2, 3 });
        Assert.Empty(scaled.Items);
        runner.PushFactor(10);
        runner.Finish();
        Assert.Equal(new[] { 10, 20, 30 }, scaled.Items);
    }

    [Fact]
    public void EmptyOrMultiElementSingletonSideInputIsAnError()
    {
        // Beam: "Empty PCollection accessed as a singleton view" / "more than one element".
        // The readers waiting for the view cannot run: that is reported too, and nothing is emitted for them.
        var empty = Assert.Throws<PipelineExecutionException>(() => SingletonSide.Run(Array.Empty<int>(), new[] { 1 }));
        Assert.Contains("Empty collection", empty.Message, StringComparison.Ordinal);
        Assert.Equal(2, empty.FailureCount);
        var many = Assert.Throws<PipelineExecutionException>(() => SingletonSide.Run(new[] { 2, 3 }, new[] { 1 }));
        Assert.Contains("more than one element", many.Message, StringComparison.Ordinal);
        Assert.StartsWith("AsSingleton (line ", many.Transform, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputsGoToCallbacksAndTextFiles()
    {
        var seen = new List<int>();
        var path = Path.Combine(Path.GetTempPath(), "compiled-out-" + Guid.NewGuid().ToString("N") + ".txt");
        try
        {
            using (var file = new TextFileSink<int>(path))
            {
                var runner = EdgeCases.CreateRunner(new CallbackSink<int>(seen.Add), new NullSink<long>(), file, new NullSink<int>(), new NullSink<int>());
                runner.PushNumbers(new[] { 0, 1, 1 });
                runner.Finish();
            }

            Assert.Equal(new[] { 2 }, seen);
            Assert.Equal(new[] { "1", "2", "2" }, File.ReadAllLines(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PlanDescriptionNamesStagesAndBoundaries()
    {
        Assert.Contains("Stage 1: fused loop over input 'numbers'", WordCounts.PlanDescription.Replace("'lines'", "'numbers'"), StringComparison.Ordinal);
        Assert.Contains("CountPerElement", WordCounts.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("Fusion boundaries:", WordCounts.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("lifted", Grouping.PlanDescription, StringComparison.Ordinal);
        Assert.StartsWith("flowchart LR", WordCounts.PlanMermaid, StringComparison.Ordinal);
    }
}

/// <summary>Replayed side-input readers keep the pane of their elements.</summary>
public class SideInputPaneTests
{
    [Fact]
    public void ElementsReplayedAfterASideInputKeepTheirTimestampAndPane()
    {
        var scaled = new ListSink<int>();
        var runner = SingletonSide.CreateRunner(scaled);
        runner.PushNumbers(2, new Instant(5_000));
        runner.PushFactor(3);
        runner.Finish();
        var element = Assert.Single(scaled.Elements);
        Assert.Equal(6, element.Value);
        Assert.Equal(new Instant(5_000), element.Timestamp);
        Assert.Equal(PaneInfo.NoFiring, element.Pane);
    }
}

/// <summary>A nullable key type.</summary>
[Pipeline]
public partial class NullableKeys
{
    static void Define(PipelineBuilder p) =>
        p.Create<string?>("names").CountPerElement().Output("counts");
}

public class NullableKeyTests
{
    [Fact]
    public void NonNullValuesOfANullableKeyTypeAreCounted()
    {
        var r = NullableKeys.Run(new[] { "a", "b", "a" });
        Assert.Equal(2, r.Counts.Single(kv => kv.Key == "a").Value);
    }

    [Fact]
    public void ANullKeyIsAClearError()
    {
        var ex = Assert.Throws<PipelineExecutionException>(() => NullableKeys.Run(new[] { "a", null }));
        Assert.Contains("CountPerElement", ex.Message, StringComparison.Ordinal);
        Assert.Contains("null key", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("CountPerElement (line ", ex.Transform, StringComparison.Ordinal);
        Assert.Equal(1, ex.ElementIndex);
    }
}
