using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using StreamingScores;
using Xunit;

namespace Compiled.Tests.Checkpoints;

/// <summary>StreamingScores' durable job as a hosted job (<c>IStreamingJob</c>): stopped before the end, it checkpoints where it stopped.</summary>
public sealed class HostedDurableJobTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("compiled-hosted-durable-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

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

    [Fact(DisplayName = "Stopped before the end (the host stopping it), the job checkpoints where it stopped; the next run resumes there and the output is the uninterrupted one")]
    public async Task StoppedEarlyResumesWhereItStopped()
    {
        var output = Path.Combine(_directory, "totals.txt");
        var checkpoints = Path.Combine(_directory, "checkpoints");
        long stoppedAt;
        await using (var first = new DurableScoresJob(EventsFile(), output, checkpoints, TimeSpan.FromMinutes(10), TextWriter.Null, TimeSpan.FromSeconds(5), linesPerSecond: 20_000))
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
            await first.RunAsync(stop.Token);
            await first.DrainAsync(CancellationToken.None);
            stoppedAt = first.Lines;
            Assert.InRange(stoppedAt, 0, 60_009); // stopped before the end (how far it got depends on the machine)
            Assert.Equal(1, first.Checkpoints); // the one taken where it stopped (the interval is ten minutes)
        }

        await using (var second = new DurableScoresJob(EventsFile(), output, checkpoints, TimeSpan.FromMinutes(10), TextWriter.Null, TimeSpan.FromSeconds(5)))
        {
            await second.RunToEndAsync();
            Assert.Equal(1, second.RestoredFrom);
            Assert.Equal(60_010, second.Lines);
        }

        using var plain = new StringWriter { NewLine = "\n" };
        using (var input = new StreamReader(EventsFile()))
        {
            await new ScoresJob(input, plain, TextWriter.Null, TimeSpan.FromSeconds(5)).RunToEndAsync();
        }

        Assert.Equal(plain.ToString(), await File.ReadAllTextAsync(output));
    }
}
