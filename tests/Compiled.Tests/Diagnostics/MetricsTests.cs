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
}
