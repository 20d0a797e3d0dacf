using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using Compiled;
using Compiled.Diagnostics;
using Compiled.Tests.Pipelines;
using Xunit;

namespace Compiled.Tests.Diagnostics;

/// <summary>Runners publish element counts and state sizes through System.Diagnostics.Metrics.</summary>
[Collection(nameof(ProcessWideListeners))]
public class MetricsTests
{
    [Fact]
    public void ListenersSeeElementsInAndOutAndStateSize()
    {
        var seen = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            lock (seen)
            {
                seen.Add((instrument.Name, value, dictionary));
            }
        });
        listener.Start();

        var runner = WordCounts.CreateRunner(new NullSink<KV<string, long>>(), new NullSink<long>());
        runner.PushLines(new[] { "the cat", "the dog", "a" });
        listener.RecordObservableInstruments();
        runner.Finish();
        listener.RecordObservableInstruments();

        List<(string Instrument, long Value, Dictionary<string, object?> Tags)> Of(string instrument) =>
            seen.Where(s => s.Instrument == instrument && (string?)s.Tags["pipeline"] == "Compiled.Tests.Pipelines.WordCounts").ToList();

        Assert.Contains(Of("compiled.pipeline.elements_in"), m => m.Value == 3 && (string?)m.Tags["input"] == "lines");
        Assert.Contains(Of("compiled.pipeline.state_size"), m => m.Value == 3 && ((string?)m.Tags["transform"])!.Contains("CountPerElement"));
        // After Finish: "the", "cat", "dog" counted ("a" is filtered out), one total.
        Assert.Contains(Of("compiled.pipeline.elements_out"), m => m.Value == 3 && (string?)m.Tags["output"] == "counts");
        Assert.Contains(Of("compiled.pipeline.elements_out"), m => m.Value == 1 && (string?)m.Tags["output"] == "total");
        GC.KeepAlive(runner);
    }

    [Fact(DisplayName = "Listeners see panes fired, late elements dropped and the watermark lag of a streaming runner")]
    public void PanesLateAndWatermarkLag()
    {
        var seen = new List<(string Instrument, long Value, string? Pipeline)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? pipeline = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "pipeline")
                {
                    pipeline = (string?)tag.Value;
                }
            }

            lock (seen)
            {
                seen.Add((instrument.Name, value, pipeline));
            }
        });
        listener.Start();

        var clock = new FixedClock(DateTimeOffset.FromUnixTimeMilliseconds(100_000));
        var runner = Compiled.Tests.EventTime.LeaderBoardTeams.CreateRunner(new NullSink<KV<string, int>>());
        runner.TimeProvider = clock;
        runner.PushEvents(new Compiled.Tests.EventTime.GameEvent("red", 1, 1_000), new Instant(0));
        runner.PushEvents(new Compiled.Tests.EventTime.GameEvent("blue", 1, 2_000), new Instant(0));
        runner.AdvanceWatermark(new Instant(70_000));
        runner.AdvanceWatermark(new Instant(60_000 + 600_000));
        runner.PushEvents(new Compiled.Tests.EventTime.GameEvent("red", 1, 3_000), new Instant(0));
        listener.RecordObservableInstruments();

        long Last(string instrument) => seen.Last(s => s.Instrument == instrument && s.Pipeline == "Compiled.Tests.EventTime.LeaderBoardTeams").Value;
        Assert.Equal(2, Last("compiled.pipeline.panes_fired")); // one on-time pane per team
        Assert.Equal(1, Last("compiled.pipeline.late_dropped"));
        Assert.Equal(100_000 - 660_000, Last("compiled.pipeline.watermark_lag"));
        GC.KeepAlive(runner);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
