using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Compiled.Hosting;
using Compiled.Tests.EventTime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Compiled.Tests.Hosting;

/// <summary>
/// A job over a channel: pushes each event into the generated <see cref="FixedTeamScores"/> runner with its
/// event time, moves the watermark to the latest time seen, and drains with Finish. Its output is collected
/// in a queue the test thread can read while the job runs.
/// </summary>
public sealed class ChannelScoresJob : IStreamingJob
{
    private readonly ChannelReader<GameEvent> _source;
    private readonly FixedTeamScores.Runner<CallbackSink<KV<string, int>>> _runner;
    private long _maxTime = long.MinValue;

    public ChannelScoresJob(ChannelReader<GameEvent> source, Func<GameEvent, bool>? fail = null)
    {
        _source = source;
        Fail = fail;
        _runner = FixedTeamScores.CreateRunner(new CallbackSink<KV<string, int>>((WindowedValue<KV<string, int>> e) => Output.Enqueue(e)));
    }

    public ConcurrentQueue<WindowedValue<KV<string, int>>> Output { get; } = new();

    public Func<GameEvent, bool>? Fail { get; }

    public int Drains { get; private set; }

    public StreamingJobCounts Counts => StreamingJobCounts.FromRunner(_runner);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await foreach (var e in _source.ReadAllAsync(stoppingToken))
        {
            if (Fail?.Invoke(e) == true)
            {
                throw new InvalidOperationException("bad event " + e);
            }

            _runner.PushEvents(e, new Instant(e.TimeMs));
            _maxTime = Math.Max(_maxTime, e.TimeMs);
            _runner.AdvanceWatermark(new Instant(_maxTime));
        }
    }

    public Task DrainAsync(CancellationToken cancellationToken)
    {
        Drains++;
        _runner.Finish();
        return Task.CompletedTask;
    }
}

/// <summary>Streaming jobs under Microsoft.Extensions.Hosting: graceful shutdown, source end, failures, logs.</summary>
public class StreamingHostingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static (IHost Host, InMemoryLoggerProvider Logs) BuildHost(ChannelScoresJob job, Action<StreamingPipelineOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var logs = new InMemoryLoggerProvider();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Services.AddStreamingPipeline(_ => job, configure);
        return (builder.Build(), logs);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }

    private static (string Team, int Total, long Start, long End, PaneTiming Timing)[] Rows(ChannelScoresJob job) =>
        job.Output.Select(e => (e.Value.Key, e.Value.Value, e.Window.Start.Millis, e.Window.End.Millis, e.Pane.Timing)).ToArray();

    [Fact]
    public async Task StopAsyncStopsReadingThenFinishesTheOpenWindowsBeforeItReturns()
    {
        var channel = Channel.CreateUnbounded<GameEvent>();
        var job = new ChannelScoresJob(channel.Reader);
        var (host, logs) = BuildHost(job);
        using (host)
        {
            await host.StartAsync();
            channel.Writer.TryWrite(new GameEvent("red", 3, 1_000));
            channel.Writer.TryWrite(new GameEvent("red", 7, 9_000));
            channel.Writer.TryWrite(new GameEvent("blue", 5, 12_000)); // watermark 12 s: [0, 10 s) fires
            await WaitUntil(() => job.Output.Count == 1);
            channel.Writer.TryWrite(new GameEvent("red", 100, 2_000));  // late: [0, 10 s) has fired
            channel.Writer.TryWrite(new GameEvent("blue", 1, 15_000));
            await WaitUntil(() => job.Counts.ElementsIn == 5);

            // [10 s, 20 s) is still open; the channel is never completed: only the host's stop ends the run.
            Assert.Single(job.Output);
            await host.StopAsync();

            Assert.Equal(
                new[] { ("red", 10, 0L, 10_000L, PaneTiming.OnTime), ("blue", 6, 10_000L, 20_000L, PaneTiming.OnTime) },
                Rows(job));
            Assert.Equal(1, job.Drains);
            var service = host.Services.GetRequiredService<StreamingPipelineService<ChannelScoresJob>>();
            Assert.True(service.Completion.IsCompletedSuccessfully);

            Assert.Single(logs.Named("StreamingJobStarted"));
            Assert.Single(logs.Named("StreamingJobStopping"));
            Assert.Empty(logs.Named("StreamingJobSourceEnded"));
            var stopped = Assert.Single(logs.Named("StreamingJobStopped"));
            Assert.Equal(LogLevel.Information, stopped.Level);
            Assert.Contains(": 5 elements in, 2 out, 1 late dropped, 0 dead-lettered", stopped.Message, StringComparison.Ordinal);
            Assert.Contains(stopped.State, kv => kv.Key == "ElementsIn" && Equals(kv.Value, 5L));
            Assert.Contains(stopped.State, kv => kv.Key == "Job" && Equals(kv.Value, nameof(ChannelScoresJob)));
            var late = Assert.Single(logs.Named("StreamingJobLateDropped"));
            Assert.Equal(LogLevel.Warning, late.Level);
            Assert.Contains("dropped 1 late elements", late.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);

            // Order: started, then stopping, then stopped.
            var names = logs.Entries.Select(e => e.EventId.Name).Where(n => n?.StartsWith("StreamingJob", StringComparison.Ordinal) == true).ToList();
            Assert.True(names.IndexOf("StreamingJobStarted") < names.IndexOf("StreamingJobStopping"));
            Assert.True(names.IndexOf("StreamingJobStopping") < names.IndexOf("StreamingJobStopped"));
        }
    }

    [Fact]
    public async Task WhenTheSourceEndsTheJobDrainsAndStopsTheHost()
    {
        var channel = Channel.CreateUnbounded<GameEvent>();
        var job = new ChannelScoresJob(channel.Reader);
        var (host, logs) = BuildHost(job, o => o.Name = "scores");
        using (host)
        {
            await host.StartAsync();
            channel.Writer.TryWrite(new GameEvent("red", 2, 4_000));
            channel.Writer.TryWrite(new GameEvent("green", 9, 31_000));
            channel.Writer.Complete();

            await host.WaitForShutdownAsync().WaitAsync(Timeout);
            Assert.Equal(new[] { ("red", 2, 0L, 10_000L, PaneTiming.OnTime), ("green", 9, 30_000L, 40_000L, PaneTiming.OnTime) }, Rows(job));
            Assert.Single(logs.Named("StreamingJobSourceEnded"));
            Assert.Empty(logs.Named("StreamingJobStopping"));
            Assert.Contains("Streaming job scores stopped", Assert.Single(logs.Named("StreamingJobStopped")).Message, StringComparison.Ordinal);
            Assert.Empty(logs.Named("StreamingJobLateDropped"));
        }
    }

    [Fact]
    public async Task WithStopHostWhenSourceEndsOffTheHostKeepsRunning()
    {
        var channel = Channel.CreateUnbounded<GameEvent>();
        var job = new ChannelScoresJob(channel.Reader);
        var (host, _) = BuildHost(job, o => o.StopHostWhenSourceEnds = false);
        using (host)
        {
            await host.StartAsync();
            channel.Writer.TryWrite(new GameEvent("red", 2, 4_000));
            channel.Writer.Complete();
            var service = host.Services.GetRequiredService<StreamingPipelineService<ChannelScoresJob>>();
            await service.Completion.WaitAsync(Timeout);
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
            Assert.Single(job.Output);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task AFailingJobIsLoggedFaultsItsCompletionAndStopsTheHost()
    {
        var channel = Channel.CreateUnbounded<GameEvent>();
        var job = new ChannelScoresJob(channel.Reader, fail: e => e.Score < 0);
        var (host, logs) = BuildHost(job);
        using (host)
        {
            await host.StartAsync();
            channel.Writer.TryWrite(new GameEvent("red", 2, 4_000));
            channel.Writer.TryWrite(new GameEvent("red", -1, 5_000));

            var service = host.Services.GetRequiredService<StreamingPipelineService<ChannelScoresJob>>();
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => service.Completion.WaitAsync(Timeout));
            Assert.Contains("bad event", failure.Message, StringComparison.Ordinal);

            // The default BackgroundServiceExceptionBehavior (StopHost) stops the host.
            await host.WaitForShutdownAsync().WaitAsync(Timeout);

            var failed = Assert.Single(logs.Named("StreamingJobFailed"));
            Assert.Equal(LogLevel.Error, failed.Level);
            Assert.Same(failure, failed.Exception);
            Assert.Contains("Streaming job ChannelScoresJob failed while reading after 1 elements in", failed.Message, StringComparison.Ordinal);

            // Not drained: an open window of a failed job holds partial results.
            Assert.Equal(0, job.Drains);
            Assert.Empty(job.Output);
            Assert.Empty(logs.Named("StreamingJobStopped"));
        }
    }

    [Fact]
    public void AJobCanBeAddedOnce()
    {
        var services = new ServiceCollection();
        var job = new ChannelScoresJob(Channel.CreateUnbounded<GameEvent>().Reader);
        services.AddStreamingPipeline(_ => job);
        Assert.Throws<InvalidOperationException>(() => services.AddStreamingPipeline(_ => job));
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddStreamingPipeline(_ => job, o => o.Name = " "));
    }

    [Fact]
    public async Task WithoutAHostTheServiceRunsAndLogsNothing()
    {
        var channel = Channel.CreateUnbounded<GameEvent>();
        var job = new ChannelScoresJob(channel.Reader);
        using var service = new StreamingPipelineService<ChannelScoresJob>(job);
        await service.StartAsync(CancellationToken.None);
        channel.Writer.TryWrite(new GameEvent("red", 2, 4_000));
        channel.Writer.Complete();
        await service.Completion.WaitAsync(Timeout);
        Assert.Single(job.Output);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void CountsComeFromTheGeneratedRunnersMetrics()
    {
        var runner = FixedTeamScores.CreateRunner(new NullSink<KV<string, int>>());
        runner.PushEvents(new GameEvent("red", 1, 1_000), new Instant(1_000));
        runner.PushEvents(new GameEvent("blue", 1, 2_000), new Instant(2_000));
        runner.AdvanceWatermark(new Instant(20_000));
        runner.PushEvents(new GameEvent("red", 1, 3_000), new Instant(3_000));
        runner.Finish();
        Assert.Equal(new StreamingJobCounts(3, 2, 1, 7), StreamingJobCounts.FromRunner(runner, deadLettered: 7));
    }
}
