using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Checkpoints;

/// <summary>
/// The test that matters for checkpoints: StreamingScores' job with <c>--checkpoints</c>, run as a process of its own
/// with a checkpoint every 200 ms, killed with SIGKILL at random moments (while it reads, while it writes a checkpoint,
/// while it commits) and started again each time with the same arguments; its output file at the end is, byte for
/// byte, that of a run never stopped: no pane lost, none written twice.
/// </summary>
public sealed class KillAndRestartTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("compiled-kill-").FullName;

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

    private Process Start(string checkpoints, string output, double linesPerSecond, int parallelism = 0, int partitions = 1, string? input = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "StreamingScores.dll"));
        foreach (var arg in new[] { input ?? EventsFile(), "--checkpoints", checkpoints, "--output", output, "--checkpoint-interval", "200" })
        {
            start.ArgumentList.Add(arg);
        }

        if (parallelism > 0)
        {
            start.ArgumentList.Add("--parallelism");
            start.ArgumentList.Add(parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (partitions > 1)
        {
            start.ArgumentList.Add("--partitions");
            start.ArgumentList.Add(partitions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (linesPerSecond > 0)
        {
            start.ArgumentList.Add("--lines-per-second");
            start.ArgumentList.Add(linesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(start)!;
        process.StandardOutput.ReadToEndAsync(); // drained, so the process never blocks on a full pipe
        return process;
    }

    private async Task<string> RunToEnd(string checkpoints, string output, int parallelism = 0, int partitions = 1, string? input = null)
    {
        using var process = Start(checkpoints, output, linesPerSecond: 0, parallelism, partitions, input);
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        var errors = await stderr;
        Assert.True(process.ExitCode == 0, "exit " + process.ExitCode + ": " + errors);
        return errors;
    }

    [Fact(DisplayName = "Killed with SIGKILL 20 times at random moments and restarted, the job's committed output is that of an uninterrupted run, byte for byte")]
    public async Task KilledJobWritesTheOutputOfAnUninterruptedRun()
    {
        // The uninterrupted run: the same job, never stopped.
        var referenceOutput = Path.Combine(_directory, "reference.txt");
        await RunToEnd(Path.Combine(_directory, "reference-checkpoints"), referenceOutput);
        var reference = await File.ReadAllBytesAsync(referenceOutput);
        Assert.True(reference.Length > 10_000, "the reference run wrote " + reference.Length + " bytes");

        var seed = Environment.GetEnvironmentVariable("COMPILED_KILL_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        log.WriteLine("COMPILED_KILL_SEED=" + seed);
        var random = new Random(seed);
        var checkpoints = Path.Combine(_directory, "checkpoints");
        var output = Path.Combine(_directory, "output.txt");
        int duringWrite = 0, finishedBeforeKill = 0;
        for (var kill = 0; kill < 20; kill++)
        {
            using var process = Start(checkpoints, output, linesPerSecond: 12_000);
            var stderr = process.StandardError.ReadToEndAsync();
            if (kill % 3 == 2)
            {
                // Kill while a checkpoint is being written: as soon as its temporary folder appears.
                var deadline = Stopwatch.StartNew();
                while (deadline.Elapsed < TimeSpan.FromSeconds(3) && !process.HasExited)
                {
                    if (Directory.Exists(checkpoints) && Directory.EnumerateDirectories(checkpoints, "*.tmp").Any())
                    {
                        duringWrite++;
                        break;
                    }

                    await Task.Delay(1);
                }
            }
            else
            {
                await Task.Delay(random.Next(100, 900));
            }

            if (process.HasExited)
            {
                finishedBeforeKill++;
            }
            else
            {
                process.Kill(); // SIGKILL on Unix: no finally blocks, no flush, no disposal
            }

            await process.WaitForExitAsync();
            await stderr;

            // Whatever a kill left, the output holds only bytes of the uninterrupted run's output, in order (a commit
            // cut short may have appended part of a transaction: the restart truncates and appends it again).
            var now = File.Exists(output) ? await File.ReadAllBytesAsync(output) : Array.Empty<byte>();
            Assert.True(now.Length <= reference.Length && now.AsSpan().SequenceEqual(reference.AsSpan(0, now.Length)),
                "after kill " + kill + " the output (" + now.Length + " bytes) is not a prefix of the uninterrupted run's");
        }

        log.WriteLine($"20 kills: {duringWrite} while a checkpoint was being written, {finishedBeforeKill} after the job had ended");
        var last = await RunToEnd(checkpoints, output);
        log.WriteLine(last);
        Assert.Equal(reference, await File.ReadAllBytesAsync(output));
    }

    /// <summary>Every line the parallel job's shards have committed, in order of text (each shard writes its own file).</summary>
    private static string[] ShardLines(string output) =>
        Directory.GetFiles(Path.GetDirectoryName(output)!, Path.GetFileName(output) + ".sink-*")
            .Where(f => !f.Contains(".pending-", StringComparison.Ordinal))
            .SelectMany(File.ReadAllLines)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Lets the job run for 300 to 1,200 ms, then kills it with SIGKILL (unless it has ended); it must not have refused its checkpoints or crashed.</summary>
    private static async Task KillAtRandom(Process started, Random random)
    {
        using var process = started;
        var stderr = process.StandardError.ReadToEndAsync();
        await Task.Delay(random.Next(300, 1_200));
        if (!process.HasExited)
        {
            process.Kill(); // SIGKILL on Unix: no finally blocks, no flush, no disposal
        }

        await process.WaitForExitAsync();
        var errors = await stderr;
        Assert.False(errors.Contains("are not this job's", StringComparison.Ordinal), errors);
        Assert.False(errors.Contains("Unhandled exception", StringComparison.Ordinal), errors);
    }

    /// <summary>Whatever a kill left, every pane the shards committed is one of the uninterrupted run's, and none is there twice; returns how many.</summary>
    private static int CommittedOnce(string output, string[] reference, int kill)
    {
        var now = ShardLines(output);
        var missing = now.Except(reference).ToArray();
        Assert.True(missing.Length == 0, "after kill " + kill + " a pane the uninterrupted run does not have: " + missing.FirstOrDefault());
        Assert.Equal(now.Length, now.Distinct().Count());
        return now.Length;
    }

    [Fact(DisplayName = "The parallel job, killed with SIGKILL 8 times and restarted each time on 1 to 3 shards at random, commits each pane of an uninterrupted run once")]
    public async Task KilledParallelJobRestartedAtOtherParallelismsWritesEveryPaneOnce()
    {
        var referenceOutput = Path.Combine(_directory, "reference.txt");
        await RunToEnd(Path.Combine(_directory, "reference-checkpoints"), referenceOutput);
        var reference = (await File.ReadAllLinesAsync(referenceOutput)).Order(StringComparer.Ordinal).ToArray();
        Assert.True(reference.Length > 500, "the reference run wrote " + reference.Length + " panes");

        var seed = Environment.GetEnvironmentVariable("COMPILED_KILL_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        log.WriteLine("COMPILED_KILL_SEED=" + seed);
        var random = new Random(seed);
        var checkpoints = Path.Combine(_directory, "checkpoints");
        var output = Path.Combine(_directory, "output.txt");
        var shards = new List<int>();
        for (var kill = 0; kill < 8; kill++)
        {
            var parallelism = random.Next(1, 4);
            shards.Add(parallelism);
            await KillAtRandom(Start(checkpoints, output, linesPerSecond: 12_000, parallelism), random);
            CommittedOnce(output, reference, kill);
        }

        var last = random.Next(1, 4);
        log.WriteLine("shards per run: " + string.Join(", ", shards) + ", then " + last);
        log.WriteLine(await RunToEnd(checkpoints, output, last));
        Assert.Equal(reference, ShardLines(output));
    }

    /// <summary>
    /// Game events in time order but for a jitter of at most 1.5 s each way (less than the 5 s the watermark trails by, so
    /// no event is ever behind a watermark, whichever partition it falls to), and a malformed line now and then.
    /// </summary>
    private string InOrderEvents(int count)
    {
        var path = Path.Combine(_directory, "in-order-events.csv");
        var random = new Random(7);
        var lines = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            lines.Add(i % 997 == 500
                ? "not,a,game,event"
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{1_767_225_600_000L + (i * 50L) + random.Next(-1_500, 1_501)},user{random.Next(400)},team{random.Next(9)},{random.Next(1, 20)}"));
        }

        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact(DisplayName = "The job whose 3 partitions are pushed by threads of their own, each with its own source, killed with SIGKILL 8 times and restarted on 1 to 3 shards: each pane of an uninterrupted run committed once")]
    public async Task KilledJobWithConcurrentPartitionsWritesEveryPaneOnce()
    {
        var input = InOrderEvents(30_000);
        var referenceOutput = Path.Combine(_directory, "reference.txt");
        await RunToEnd(Path.Combine(_directory, "reference-checkpoints"), referenceOutput, input: input);
        var reference = (await File.ReadAllLinesAsync(referenceOutput)).Order(StringComparer.Ordinal).ToArray();
        Assert.True(reference.Length > 200, "the reference run wrote " + reference.Length + " panes");

        var seed = Environment.GetEnvironmentVariable("COMPILED_KILL_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        log.WriteLine("COMPILED_KILL_SEED=" + seed);
        var random = new Random(seed);
        var checkpoints = Path.Combine(_directory, "checkpoints");
        var output = Path.Combine(_directory, "output.txt");
        var restored = 0;
        for (var kill = 0; kill < 8; kill++)
        {
            await KillAtRandom(Start(checkpoints, output, linesPerSecond: 12_000, random.Next(1, 4), partitions: 3, input), random);
            restored += CommittedOnce(output, reference, kill) > 0 ? 1 : 0;
        }

        log.WriteLine(await RunToEnd(checkpoints, output, random.Next(1, 4), partitions: 3, input: input));
        Assert.True(restored > 0, "no run committed a pane before its kill: the kills tested little");
        Assert.Equal(reference, ShardLines(output));
    }

    [Fact(DisplayName = "The job's checkpointed output equals what StreamingScores prints without checkpoints")]
    public async Task CheckpointedOutputIsThePrintedOutput()
    {
        var output = Path.Combine(_directory, "output.txt");
        await RunToEnd(Path.Combine(_directory, "checkpoints"), output);
        using var plain = new StringWriter { NewLine = "\n" };
        using (var input = new StreamReader(EventsFile()))
        {
            var job = new StreamingScores.ScoresJob(input, plain, TextWriter.Null, TimeSpan.FromSeconds(5));
            await job.RunToEndAsync();
        }

        Assert.Equal(plain.ToString(), await File.ReadAllTextAsync(output));
    }
}
