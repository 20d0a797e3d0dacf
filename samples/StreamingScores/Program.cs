using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Compiled.Hosting;
using Compiled.Samples;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace StreamingScores;

/// <summary>
/// Streams game events through <see cref="TeamScoresPipeline"/>: one-minute team totals printed as each
/// window fires, malformed lines reported on standard error.
/// </summary>
public static class Program
{
    private const string Usage = "usage: StreamingScores [file | -] [--max-delay SECONDS] [--hosted] [--checkpoints DIR --output FILE [--checkpoint-interval MS] [--lines-per-second N] [--parallelism N [--partitions N]]]";

    /// <summary>Entry point: <c>[file | -] [--max-delay SECONDS] [--hosted] [--checkpoints DIR --output FILE [--checkpoint-interval MS] [--lines-per-second N] [--parallelism N [--partitions N]]]</c>.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>0 on success (malformed lines are counted and skipped), 1 when the run failed, 2 for a bad command line or an input that cannot be read.</returns>
    public static async Task<int> Main(string[] args)
    {
        string? path = null;
        var maxDelay = TimeSpan.FromSeconds(5);
        var hosted = false;
        string? checkpoints = null;
        string? outputPath = null;
        var interval = TimeSpan.FromSeconds(1);
        var linesPerSecond = 0d;
        var parallelism = 0;
        var partitions = 1;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--checkpoints" when i + 1 < args.Length:
                    checkpoints = args[++i];
                    break;
                case "--output" when i + 1 < args.Length:
                    outputPath = args[++i];
                    break;
                case "--checkpoint-interval" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms < 1)
                    {
                        Console.Error.WriteLine($"--checkpoint-interval takes milliseconds, at least 1, not '{args[i]}'; {Usage}");
                        return 2;
                    }

                    interval = TimeSpan.FromMilliseconds(ms);
                    break;
                case "--lines-per-second" when i + 1 < args.Length:
                    if (!double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out linesPerSecond) || !(linesPerSecond > 0) || double.IsInfinity(linesPerSecond))
                    {
                        Console.Error.WriteLine($"--lines-per-second takes a positive number, not '{args[i]}'; {Usage}");
                        return 2;
                    }

                    break;
                case "--parallelism" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out parallelism) || parallelism is < 1 or > 64)
                    {
                        Console.Error.WriteLine($"--parallelism takes a number of shards from 1 to 64, not '{args[i]}'; {Usage}");
                        return 2;
                    }

                    break;
                case "--partitions" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out partitions) || partitions is < 1 or > 64)
                    {
                        Console.Error.WriteLine($"--partitions takes a number of partitions from 1 to 64, not '{args[i]}'; {Usage}");
                        return 2;
                    }

                    break;
                case "--max-delay" when i + 1 < args.Length:
                    if (!double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds >= 0) || seconds > 86_400)
                    {
                        Console.Error.WriteLine($"--max-delay takes seconds between 0 and 86400, not '{args[i]}'; {Usage}");
                        return 2;
                    }

                    maxDelay = TimeSpan.FromSeconds(seconds);
                    break;
                case "--hosted":
                    hosted = true;
                    break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    Console.WriteLine("Reads CSV lines timestampMillis,user,team,score from the file ('-': standard input; none: the");
                    Console.WriteLine("shipped samples/data/game-events.csv) and prints each team's total per one-minute window as the");
                    Console.WriteLine("window fires: start..end team total timing. Malformed lines are reported on standard error,");
                    Console.WriteLine("counted and skipped; an input that cannot be read is an error (exit code 2).");
                    Console.WriteLine("With --checkpoints DIR --output FILE the job survives restarts: it checkpoints its state and its");
                    Console.WriteLine("position in the file into DIR every --checkpoint-interval ms (1000), writes the panes to FILE as");
                    Console.WriteLine("each checkpoint completes, and, started again with the same arguments after a crash, resumes from");
                    Console.WriteLine("its latest checkpoint: FILE ends as that of an uninterrupted run. --lines-per-second paces the reading.");
                    Console.WriteLine("--parallelism N runs it on the parallel runner, N shards each writing FILE.sink-<i>; started again");
                    Console.WriteLine("with another N, it resumes from its latest checkpoint with the keys spread over the new shards.");
                    Console.WriteLine("--partitions N (with --parallelism) pushes N partitions from threads of their own, each reading the");
                    Console.WriteLine("file through a source of its own and taking every N-th line; restart it with the same N.");
                    return 0;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || path is not null)
                    {
                        Console.Error.WriteLine($"unexpected argument '{args[i]}'; {Usage}");
                        return 2;
                    }

                    path = args[i];
                    break;
            }
        }

        if (partitions > 1 && parallelism == 0)
        {
            Console.Error.WriteLine($"--partitions pushes the partitions of the parallel runner: give --parallelism too; {Usage}");
            return 2;
        }

        if (checkpoints is not null || outputPath is not null)
        {
            return await RunDurableAsync(path, checkpoints, outputPath, interval, maxDelay, linesPerSecond, hosted, parallelism, partitions);
        }

        if (linesPerSecond > 0)
        {
            Console.Error.WriteLine($"--lines-per-second paces a run with --checkpoints; {Usage}");
            return 2;
        }

        if (parallelism > 0)
        {
            Console.Error.WriteLine($"--parallelism runs a job with --checkpoints on several shards; {Usage}");
            return 2;
        }

        // An input that cannot be opened or read ends the run with one line on standard error and exit code 2.
        TextReader input;
        if (path == "-")
        {
            input = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        }
        else
        {
            path ??= FindEvents() ?? Path.Combine("samples", "data", "game-events.csv");
            try
            {
                input = new StreamReader(InputFile.OpenRead(path), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            }
            catch (Exception e) when (InputFile.IsReadError(e))
            {
                return CannotRead(path, e);
            }
        }

        // Panes on standard output, buffered and flushed whenever the watermark fires a window; dead letters
        // (and, with --hosted, logs) on standard error.
        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), bufferSize: 1 << 16) { AutoFlush = false };
        var deadLetters = Console.Error;
        using (input)
        {
            var job = new ScoresJob(input, output, deadLetters, maxDelay);
            if (!hosted)
            {
                try
                {
                    await job.RunToEndAsync();
                }
                catch (Exception e) when (InputFile.IsReadError(e))
                {
                    return CannotRead(path, e);
                }
            }
            else
            {
                var completion = await RunHostedAsync(job);
                if (completion.Exception?.GetBaseException() is { } error && InputFile.IsReadError(error))
                {
                    return CannotRead(path, error);
                }

                if (!completion.IsCompletedSuccessfully)
                {
                    Console.Error.WriteLine("failed: " + job.Summary());
                    return 1;
                }
            }

            Console.Error.WriteLine(job.Summary());
        }

        return 0;
    }

    /// <summary>The job that survives restarts (<see cref="DurableScoresJob"/>): a file in, an exactly-once file out.</summary>
    private static async Task<int> RunDurableAsync(string? path, string? checkpoints, string? outputPath, TimeSpan interval, TimeSpan maxDelay, double linesPerSecond, bool hosted, int parallelism, int partitions)
    {
        if (checkpoints is null || outputPath is null)
        {
            Console.Error.WriteLine($"--checkpoints and --output go together: the panes of a job that survives restarts go to a file; {Usage}");
            return 2;
        }

        if (path == "-" || hosted)
        {
            Console.Error.WriteLine($"--checkpoints reads a file (a checkpoint keeps a position in it) and runs standalone; {Usage}");
            return 2;
        }

        path ??= FindEvents() ?? Path.Combine("samples", "data", "game-events.csv");
        try
        {
            await using var job = new DurableScoresJob(path, outputPath, checkpoints, interval, Console.Error, maxDelay, linesPerSecond, parallelism: parallelism, partitions: partitions);
            await job.RunToEndAsync();
            Console.Error.WriteLine(job.Summary());
            return 0;
        }
        catch (Exception e) when (InputFile.IsReadError(e))
        {
            return CannotRead(path, e);
        }
        catch (Compiled.Checkpoints.CheckpointMismatchException e)
        {
            Console.Error.WriteLine("streamingscores: the checkpoints in '" + checkpoints + "' are not this job's: " + e.Message);
            return 2;
        }
    }

    private static int CannotRead(string path, Exception error)
    {
        Console.Error.WriteLine(InputFile.CannotRead("streamingscores", path, error));
        return InputFile.CannotReadExitCode;
    }

    /// <summary>The same job under the generic host: Ctrl+C stops reading and fires the open windows.</summary>
    /// <returns>The job's completion: faulted when it failed.</returns>
    private static async Task<Task> RunHostedAsync(ScoresJob job)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddStreamingPipeline(_ => job, o => o.Name = "StreamingScores");
        using var host = builder.Build();

        // In .NET 10 the host completes normally even when a background service failed: ask the service.
        var completion = host.Services.GetRequiredService<StreamingPipelineService<ScoresJob>>().Completion;
        await host.RunAsync();
        return completion;
    }

    private static string? FindEvents()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "data", "game-events.csv");
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "data", "game-events.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
