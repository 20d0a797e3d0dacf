using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Compiled.Hosting;
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
    private const string Usage = "usage: StreamingScores [file | -] [--max-delay SECONDS] [--hosted]";

    /// <summary>Entry point: <c>[file | -] [--max-delay SECONDS] [--hosted]</c>.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>0 on success, 1 when the run failed, 2 for a bad command line.</returns>
    public static async Task<int> Main(string[] args)
    {
        string? path = null;
        var maxDelay = TimeSpan.FromSeconds(5);
        var hosted = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
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
                    Console.WriteLine("window fires: start..end team total timing. Malformed lines are reported on standard error.");
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

        TextReader input;
        if (path == "-")
        {
            input = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        }
        else
        {
            path ??= FindEvents();
            if (path is null || !File.Exists(path))
            {
                Console.Error.WriteLine($"input file not found: {path ?? "samples/data/game-events.csv"}");
                return 1;
            }

            input = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16, Options = FileOptions.SequentialScan });
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
                await job.RunToEndAsync();
            }
            else if (!await RunHostedAsync(job))
            {
                Console.Error.WriteLine("failed: " + job.Summary());
                return 1;
            }

            Console.Error.WriteLine(job.Summary());
        }

        return 0;
    }

    /// <summary>The same job under the generic host: Ctrl+C stops reading and fires the open windows.</summary>
    private static async Task<bool> RunHostedAsync(ScoresJob job)
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
        return completion.IsCompletedSuccessfully;
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
