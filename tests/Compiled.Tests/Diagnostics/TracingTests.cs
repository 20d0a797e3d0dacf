using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Compiled.Diagnostics;
using Compiled.Tests.EventTime;
using Xunit;

namespace Compiled.Tests.Diagnostics;

/// <summary>Bundles slower than a threshold are traced through the <c>Compiled</c> activity source.</summary>
[Collection(nameof(ProcessWideListeners))]
public class TracingTests
{
    [Fact(DisplayName = "With a zero threshold every bundle of a push is one compiled.bundle activity, with its pipeline, input and element count")]
    public void EveryBundleIsTracedAtZeroThreshold()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PipelineTracing.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var previous = PipelineTracing.BundleLatencyThreshold;
        PipelineTracing.BundleLatencyThreshold = TimeSpan.Zero;
        try
        {
            var runner = OwnWatermarkBranches.CreateRunner(new NullSink<KV<string, int>>(), new NullSink<KV<string, long>>());
            runner.BundleSize = 10;
            runner.PushEvents(Enumerable.Range(0, 25).Select(i => new GameEvent("red", 1, i * 100L)).ToArray());
        }
        finally
        {
            PipelineTracing.BundleLatencyThreshold = previous;
        }

        var mine = activities.Where(a => (string?)a.GetTagItem("compiled.pipeline") == "Compiled.Tests.EventTime.OwnWatermarkBranches").ToList();
        Assert.Equal(new[] { 10, 10, 5 }, mine.Select(a => (int)a.GetTagItem("compiled.bundle.elements")!));
        Assert.All(mine, a =>
        {
            Assert.Equal(PipelineTracing.BundleActivityName, a.OperationName);
            Assert.Equal("events", a.GetTagItem("compiled.input"));
            Assert.True(a.Duration >= TimeSpan.Zero);
        });
    }

    [Fact(DisplayName = "Bundles faster than the threshold are not traced")]
    public void FastBundlesAreNotTraced()
    {
        var count = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PipelineTracing.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem("compiled.pipeline") == "Compiled.Tests.EventTime.OwnWatermarkBranches")
                {
                    System.Threading.Interlocked.Increment(ref count);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var previous = PipelineTracing.BundleLatencyThreshold;
        PipelineTracing.BundleLatencyThreshold = TimeSpan.FromHours(1);
        try
        {
            var runner = OwnWatermarkBranches.CreateRunner(new NullSink<KV<string, int>>(), new NullSink<KV<string, long>>());
            runner.BundleSize = 10;
            runner.PushEvents(Enumerable.Range(0, 25).Select(i => new GameEvent("red", 1, i * 100L)).ToArray());
        }
        finally
        {
            PipelineTracing.BundleLatencyThreshold = previous;
        }

        Assert.Equal(0, count);
    }

    [Fact(DisplayName = "A registered runner is listed with its pipeline name and its plan's Mermaid")]
    public void RegisteredRunnersCarryTheirPlan()
    {
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.Start();
        var runner = OwnWatermarkBranches.CreateRunner(new NullSink<KV<string, int>>(), new NullSink<KV<string, long>>());
        var listed = Assert.Single(PipelineMetrics.RegisteredRunners(), r => ReferenceEquals(r, runner));
        Assert.Equal(OwnWatermarkBranches.PlanMermaid, listed.PlanMermaid);
        Assert.StartsWith("flowchart LR", listed.PlanMermaid, StringComparison.Ordinal);
    }
}
