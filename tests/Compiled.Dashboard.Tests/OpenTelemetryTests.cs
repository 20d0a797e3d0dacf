using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
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
}
