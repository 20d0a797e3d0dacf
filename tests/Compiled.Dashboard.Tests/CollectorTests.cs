using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Parallel;
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

    [Fact(DisplayName = "A job that checkpoints shows its checkpointer: checkpoints completed, the last one's duration and size")]
    public async Task CheckpointsAreShown()
    {
        Runners.ForgetEarlierRuns();
        using var collector = new DashboardCollector();
        var directory = Directory.CreateTempSubdirectory("compiled-dashboard-checkpoints-").FullName;
        try
        {
            var input = Path.Combine(directory, "events.csv");
            await File.WriteAllTextAsync(input, "1767225600000,a,red,1\n1767225660000,b,blue,2\n1767225720000,c,red,3\n");
            await using (var job = new DurableScoresJob(input, Path.Combine(directory, "totals.txt"), Path.Combine(directory, "checkpoints"), TimeSpan.FromMilliseconds(1), TextWriter.Null, TimeSpan.FromSeconds(5)))
            {
                await job.RunToEndAsync();
                using var snapshot = JsonDocument.Parse(collector.Collect());
                var checkpoints = snapshot.RootElement.GetProperty("checkpoints");
                Assert.True(checkpoints.GetProperty("enabled").GetBoolean());
                var checkpointer = checkpoints.GetProperty("checkpointers").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "StreamingScores");
                Assert.Equal(job.Checkpoints, checkpointer.GetProperty("completed").GetInt64());
                Assert.True(job.Checkpoints >= 1);
                Assert.True(checkpointer.GetProperty("lastSizeBytes").GetInt64() > 0);
                Assert.True(checkpointer.GetProperty("lastDurationMs").GetInt64() >= 0);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact(DisplayName = "Each input shows its own watermark, and each shard of a streaming parallel runner its own")]
    public void InputAndShardWatermarks()
    {
        Runners.ForgetEarlierRuns();
        using var collector = new DashboardCollector();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var parallel = TeamScoresPipeline.CreateParallelRunner(
            () => new ListSink<GameEvent>(), () => new ListSink<KV<string, long>>(), () => new ListSink<DeadLetter>(),
            new ParallelRunnerOptions { Parallelism = 2 });
        parallel.PushLines(new SourceLine(1, $"{now - 120_000},a,red,1"));
        parallel.PushLines(new SourceLine(2, $"{now - 120_000},b,blue,2"));
        parallel.AdvanceWatermark(new Instant(now - 90_000));
        parallel.Flush();

        // The shards learn the watermark from their channels: wait until both report it.
        JsonElement pipeline = default;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonDocument? snapshot = null;
        do
        {
            Thread.Sleep(10);
            snapshot?.Dispose();
            snapshot = JsonDocument.Parse(collector.Collect());
            pipeline = snapshot.RootElement.GetProperty("pipelines").EnumerateArray()
                .Single(p => p.GetProperty("name").GetString() == "StreamingScores.TeamScoresPipeline");
        }
        while (pipeline.GetProperty("shards").GetArrayLength() < 2 && DateTime.UtcNow < deadline);

        var lines = pipeline.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "lines");
        Assert.InRange(lines.GetProperty("watermark").GetInt64(), now - 95_000, now - 85_000);
        var shards = pipeline.GetProperty("shards").EnumerateArray().ToList();
        Assert.Equal(new[] { "level 1, shard 0", "level 1, shard 1" }, shards.Select(s => s.GetProperty("name").GetString()));
        Assert.All(shards, s => Assert.InRange(s.GetProperty("watermark").GetInt64(), now - 95_000, now - 85_000));
        snapshot!.Dispose();
        parallel.Finish();
    }
}
