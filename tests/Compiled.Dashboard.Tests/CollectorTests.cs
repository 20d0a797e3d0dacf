using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using StreamingScores;
using Xunit;

namespace Compiled.Dashboard.Tests;

/// <summary>The collector's snapshot, read without a browser.</summary>
[Collection(nameof(DashboardPageTests))]
public class CollectorTests
{
    [Fact(DisplayName = "Two runners of one pipeline: their counts add up, and the watermark lag shown is the larger one")]
    public async Task RunnersOfOnePipelineAddUpAndTheLargestLagIsShown()
    {
        Runners.ForgetEarlierRuns();
        using var collector = new DashboardCollector();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Event times 10 minutes and 1 minute ago; a watermark 5 s behind each (bounded out-of-orderness).
        var behind = new ScoresJob(new StringReader($"{now - 600_000},a,red,1\n{now - 600_000},b,red,2\n"), TextWriter.Null, TextWriter.Null, TimeSpan.FromSeconds(5));
        var ahead = new ScoresJob(new StringReader($"{now - 60_000},c,blue,3\n"), TextWriter.Null, TextWriter.Null, TimeSpan.FromSeconds(5));
        await behind.RunAsync(CancellationToken.None);
        await ahead.RunAsync(CancellationToken.None);

        using var snapshot = JsonDocument.Parse(collector.Collect());
        var pipeline = snapshot.RootElement.GetProperty("pipelines").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "StreamingScores.TeamScoresPipeline");
        var lines = pipeline.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "lines");
        Assert.Equal(3, lines.GetProperty("count").GetInt64());
        var lag = pipeline.GetProperty("watermarkLagMs").GetInt64();
        Assert.InRange(lag, 605_000, 605_000 + 60_000);
        Assert.StartsWith("flowchart LR", pipeline.GetProperty("mermaid").GetString(), StringComparison.Ordinal);
        Assert.False(snapshot.RootElement.GetProperty("checkpoints").GetProperty("enabled").GetBoolean());
        GC.KeepAlive(behind);
        GC.KeepAlive(ahead);
    }
}
