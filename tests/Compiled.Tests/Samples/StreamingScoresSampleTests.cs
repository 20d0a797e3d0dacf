using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Hosting;
using Compiled.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamingScores;
using Xunit;

namespace Compiled.Tests.Samples;

/// <summary>The StreamingScores sample's job on the shipped data, standalone and hosted, against an oracle.</summary>
public class StreamingScoresSampleTests
{
    private static string EventsFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "data", "game-events.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/data/game-events.csv not found");
    }

    private static (string Output, string DeadLetters, ScoresJob Job) RunStandalone(string path, TimeSpan maxDelay)
    {
        using var input = new StreamReader(path);
        var output = new StringWriter { NewLine = "\n" };
        var deadLetters = new StringWriter { NewLine = "\n" };
        var job = new ScoresJob(input, output, deadLetters, maxDelay);
        job.RunToEndAsync().GetAwaiter().GetResult();
        return (output.ToString(), deadLetters.ToString(), job);
    }

    /// <summary>
    /// The same computation written plainly: for each line in order, drop it if malformed; drop it if its
    /// window ended before the watermark (latest event time so far less the delay, never going back);
    /// sum the rest per team and one-minute window.
    /// </summary>
    private static (HashSet<string> Panes, int Dropped, List<long> Malformed) Oracle(string path, long maxDelayMs)
    {
        var totals = new Dictionary<(long Start, string Team), long>();
        var malformed = new List<long>();
        var watermark = long.MinValue;
        var latest = long.MinValue;
        var dropped = 0;
        long number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var fields = line.Split(',');
            if (line.Length > 1024 || fields.Length != 4 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var time)
                || time > new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds()
                || fields[1].Length == 0 || fields[2].Length == 0 || !int.TryParse(fields[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var score)
                || score < 0)
            {
                malformed.Add(number);
                continue;
            }

            var start = time - (time % 60_000);
            if (start + 60_000 - 1 < watermark)
            {
                dropped++;
            }
            else
            {
                totals[(start, fields[2])] = totals.GetValueOrDefault((start, fields[2])) + score;
            }

            latest = Math.Max(latest, time);
            watermark = Math.Max(watermark, latest - maxDelayMs);
        }

        var panes = totals.Select(kv =>
            $"{PaneWriter.Format(new Instant(kv.Key.Start))}..{PaneWriter.Format(new Instant(kv.Key.Start + 60_000))} {kv.Key.Team.PadRight(8)} {kv.Value.ToString(CultureInfo.InvariantCulture).PadLeft(6)} ON_TIME").ToHashSet();
        return (panes, dropped, malformed);
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(0)]
    [InlineData(120_000)]
    public void PanesEqualTheOracleOnTheShippedData(long maxDelayMs)
    {
        var path = EventsFile();
        var (output, deadLetters, job) = RunStandalone(path, TimeSpan.FromMilliseconds(maxDelayMs));
        var (panes, dropped, malformed) = Oracle(path, maxDelayMs);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(panes.Count, lines.Length);
        Assert.Equal(panes.OrderBy(x => x, StringComparer.Ordinal), lines.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Equal(dropped, job.LateDropped);
        Assert.Equal(malformed.Count, job.Malformed);
        Assert.Equal(60_010, job.Lines);

        // Windows are printed as they fire: their ends never go back.
        var ends = lines.Select(l => l.Substring(22, 20)).ToList();
        Assert.Equal(ends.OrderBy(x => x, StringComparer.Ordinal), ends);

        // Every malformed line is reported with its number and a reason.
        var reported = deadLetters.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(malformed.Select(n => $"dead letter: line {n}:"), reported.Select(r => r.Substring(0, r.IndexOf(':', 13) + 1)));
    }

    [Fact]
    public void TheShippedDataHasLateAndMalformedLinesAndTheDefaultDelayAbsorbsTheDisorder()
    {
        var (_, _, job) = RunStandalone(EventsFile(), TimeSpan.FromSeconds(5));
        Assert.Equal(10, job.Malformed);
        Assert.Equal(126, job.LateDropped); // the deliberately late events only: disorder is under 5 s
        var (_, _, strict) = RunStandalone(EventsFile(), TimeSpan.Zero);
        Assert.True(strict.LateDropped > 1_000, strict.LateDropped.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("", "empty line")]
    [InlineData("1,a,b", "expected 4 comma-separated fields, found 3")]
    [InlineData("1,a,b,2,3", "expected 4 comma-separated fields, found 5 or more")]
    [InlineData("x,a,b,2", "timestamp is not a non-negative whole number of milliseconds")]
    [InlineData("-1,a,b,2", "timestamp is not a non-negative whole number of milliseconds")]
    [InlineData("1, ,b,2", "empty user")]
    [InlineData("1,a,,2", "empty team")]
    [InlineData("1,a,b,2.5", "score is not a 32-bit integer")]
    [InlineData("1,a,b,99999999999", "score is not a 32-bit integer")]
    [InlineData("1,a,b,-1", "score is negative")]
    [InlineData("9223372036854775807,a,b,2", "timestamp is after 9999-12-31T00:00:00Z")]
    [InlineData("253402214400001,a,b,2", "timestamp is after 9999-12-31T00:00:00Z")]
    [InlineData("99999999999999999999,a,b,2", "timestamp is not a non-negative whole number of milliseconds")]
    [InlineData("\uFEFF1,a,b,2", "timestamp is not a non-negative whole number of milliseconds")]
    [InlineData(" 1,a,b,2", "timestamp is not a non-negative whole number of milliseconds")]
    public void MalformedLinesSayWhy(string line, string reason)
    {
        Assert.False(GameEventCsv.TryParse(line, out _, out var why));
        Assert.Equal(reason, why);
    }

    [Fact]
    public void WellFormedLinesParse()
    {
        Assert.True(GameEventCsv.TryParse("1767225600512,user170,Jade,15", out var e, out _));
        Assert.Equal(new GameEvent(1767225600512, "user170", "Jade", 15), e);

        // The limits: time 0 and the last accepted instant (9999-12-31T00:00:00Z), score 0 and int.MaxValue.
        Assert.True(GameEventCsv.TryParse("0,u,t,0", out e, out _));
        Assert.Equal(new GameEvent(0, "u", "t", 0), e);
        Assert.True(GameEventCsv.TryParse("253402214400000,u,t,2147483647", out e, out _));
        Assert.Equal(new GameEvent(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), "u", "t", int.MaxValue), e);
        Assert.Equal("9999-12-31T00:01:00Z", PaneWriter.Format(new Instant(e.TimeMs + 60_000))); // its window's end prints
    }

    [Fact]
    public async Task HostedTheJobPrintsWhatItPrintsStandalone()
    {
        var path = EventsFile();
        var (expected, expectedDeadLetters, standalone) = RunStandalone(path, TimeSpan.FromSeconds(5));

        using var input = new StreamReader(path);
        var output = new StringWriter { NewLine = "\n" };
        var deadLetters = new StringWriter { NewLine = "\n" };
        var job = new ScoresJob(input, output, deadLetters, TimeSpan.FromSeconds(5));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var logs = new InMemoryLoggerProvider();
        builder.Logging.AddProvider(logs);
        builder.Services.AddStreamingPipeline(_ => job);
        using var host = builder.Build();
        await host.RunAsync().WaitAsync(TimeSpan.FromSeconds(60)); // the source ends, so the host stops

        Assert.Equal(expected, output.ToString());
        Assert.Equal(expectedDeadLetters, deadLetters.ToString());
        Assert.Equal(standalone.Counts, job.Counts);
        Assert.Contains("60010 elements in, 1391 out, 126 late dropped, 10 dead-lettered", Assert.Single(logs.Named("StreamingJobStopped")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppingMidStreamFiresTheOpenWindows()
    {
        // A source that never ends: the first lines of the file, then nothing.
        var head = string.Join('\n', File.ReadLines(EventsFile()).Take(2_000)) + "\n";
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(head));
        using var input = new StreamReader(pipe.Reader.AsStream());
        var output = new StringWriter { NewLine = "\n" };
        var job = new ScoresJob(input, output, TextWriter.Null, TimeSpan.FromSeconds(5));
        using var service = new StreamingPipelineService<ScoresJob>(job);
        await service.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (job.Lines < 2_000) // read from the job's thread: a 64-bit field, read whole
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }

        var before = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        await service.StopAsync(CancellationToken.None);
        await service.Completion;
        var after = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(after.Length > before, $"{after.Length} > {before}");
        Assert.Equal(2_000, job.Lines);

        // Everything read was counted: the panes hold every event but the late ones.
        var file = WriteTemp(head);
        var (standalone, _, reference) = RunStandalone(file, TimeSpan.FromSeconds(5));
        File.Delete(file);
        Assert.Equal(standalone.Split('\n', StringSplitOptions.RemoveEmptyEntries), after);
        Assert.Equal(reference.LateDropped, job.LateDropped);
    }

    private static string WriteTemp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), "game-events-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text);
        return path;
    }
}
