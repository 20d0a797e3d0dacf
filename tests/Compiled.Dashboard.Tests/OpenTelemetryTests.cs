using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StreamingScores;
using Xunit;

namespace Compiled.Dashboard.Tests;

/// <summary>The same signals through the OpenTelemetry .NET SDK: <c>AddMeter("Compiled")</c> is all it takes.</summary>
[Collection(nameof(DashboardPageTests))]
public class OpenTelemetryTests
{
    [Fact(DisplayName = "The OpenTelemetry SDK exports the Compiled meter: elements in and out per input and output, as the runner counts them")]
    public async Task SdkExportsTheCompiledMeter()
    {
        Runners.ForgetEarlierRuns();
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(PipelineMetrics.MeterName)
            .AddInMemoryExporter(exported)
            .Build();

        using var input = new StringReader("1000,alice,red,5\n2000,bob,blue,7\nnot a line\n61000,carol,red,1\n");
        var job = new ScoresJob(input, TextWriter.Null, TextWriter.Null, TimeSpan.Zero);
        await job.RunToEndAsync(CancellationToken.None);
        provider.ForceFlush();

        long Sum(string name, string tag, string value) => exported
            .Where(m => m.Name == name)
            .SelectMany(m =>
            {
                var points = new List<long>();
                foreach (ref readonly var point in m.GetMetricPoints())
                {
                    string? pipeline = null, tagged = null;
                    foreach (var t in point.Tags)
                    {
                        if (t.Key == "pipeline")
                        {
                            pipeline = (string?)t.Value;
                        }
                        else if (t.Key == tag)
                        {
                            tagged = (string?)t.Value;
                        }
                    }

                    if (pipeline == "StreamingScores.TeamScoresPipeline" && tagged == value)
                    {
                        points.Add(point.GetSumLong());
                    }
                }

                return points;
            })
            .DefaultIfEmpty(-1)
            .Max();

        Assert.Equal(4, Sum("compiled.pipeline.elements_in", "input", "lines"));
        Assert.Equal(3, Sum("compiled.pipeline.elements_out", "output", "accepted"));
        Assert.Equal(1, Sum("compiled.pipeline.elements_out", "output", "deadLetters"));
        Assert.Equal(job.Panes, Sum("compiled.pipeline.elements_out", "output", "teamTotals"));
        GC.KeepAlive(job);
    }

    [Fact(DisplayName = "The OpenTelemetry SDK exports each checkpoint as a trace, with its id, size and parts")]
    public async Task SdkExportsCheckpointTraces()
    {
        var exported = new List<System.Diagnostics.Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(PipelineTracing.SourceName)
            .AddInMemoryExporter(exported)
            .Build();
        var directory = Directory.CreateTempSubdirectory("compiled-otel-checkpoints-").FullName;
        try
        {
            var input = Path.Combine(directory, "events.csv");
            await File.WriteAllTextAsync(input, "1767225600000,a,red,1\n1767225660000,b,blue,2\n");
            long completed;
            await using (var job = new DurableScoresJob(input, Path.Combine(directory, "totals.txt"), Path.Combine(directory, "checkpoints"), TimeSpan.FromMilliseconds(1), TextWriter.Null, TimeSpan.Zero))
            {
                await job.RunToEndAsync();
                completed = job.Checkpoints;
            }

            provider.ForceFlush();
            var checkpoints = exported.Where(a => a.OperationName == "compiled.checkpoint" && (string?)a.GetTagItem("compiled.checkpointer") == "StreamingScores").ToList();
            Assert.True(completed >= 1);
            Assert.Equal(completed, checkpoints.Count);
            Assert.All(checkpoints, a =>
            {
                Assert.True(Convert.ToInt64(a.GetTagItem("compiled.checkpoint.bytes"), System.Globalization.CultureInfo.InvariantCulture) > 0);
                Assert.Equal(3, Convert.ToInt32(a.GetTagItem("compiled.checkpoint.parts"), System.Globalization.CultureInfo.InvariantCulture));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
