using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Compiled;
using Compiled.Dashboard;
using Compiled.Diagnostics;
using Compiled.Hosting;
using Compiled.Samples;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StreamingScores;

namespace ScoresDashboard;

/// <summary>
/// StreamingScores as a hosted job with the live dashboard (<c>AddCompiledDashboard()</c>) and, with <c>--otel</c>,
/// OpenTelemetry's console exporter for the <c>Compiled</c> meter, the <c>Compiled</c> activity source and the logs.
/// </summary>
public static class Program
{
    private const string Usage = "usage: ScoresDashboard [file] [--port N] [--chars-per-second N] [--keep-running] [--otel] [--checkpoints DIR --output FILE]";

    /// <summary>Entry point: <c>[file] [--port N] [--chars-per-second N] [--keep-running] [--otel] [--checkpoints DIR --output FILE]</c>.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>0 on success, 1 when the job failed, 2 for a bad command line or an input that cannot be read.</returns>
    public static async Task<int> Main(string[] args)
    {
        string? path = null;
        var port = DashboardOptions.DefaultPort;
        var pace = 200_000;
        var keepRunning = false;
        var otel = false;
        string? checkpoints = null;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--checkpoints" when i + 1 < args.Length:
                    checkpoints = args[++i];
                    break;
                case "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535:
                    port = p;
                    i++;
                    break;
                case "--chars-per-second" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var c):
                    pace = c;
                    i++;
                    break;
                case "--keep-running":
                    keepRunning = true;
                    break;
                case "--otel":
                    otel = true;
                    break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    Console.WriteLine("Runs StreamingScores' pipeline under the generic host with the dashboard on http://127.0.0.1:PORT/");
                    Console.WriteLine("(default 4040; 0 picks a free port). The input (default: the shipped samples/data/game-events.csv)");
                    Console.WriteLine("is read at --chars-per-second (default 200000; 0: full speed) so the page can be watched.");
                    Console.WriteLine("--keep-running keeps the page up after the input ends (Ctrl+C stops); --otel also exports");
                    Console.WriteLine("metrics, traces and logs with OpenTelemetry's console exporter.");
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

        path ??= Path.Combine(AppContext.BaseDirectory, "data", "game-events.csv");
        if ((checkpoints is null) != (output is null))
        {
            Console.Error.WriteLine("--checkpoints and --output go together; " + Usage);
            return 2;
        }

        Stream stream;
        try
        {
            stream = InputFile.OpenRead(path);
        }
        catch (Exception e) when (InputFile.IsReadError(e))
        {
            Console.Error.WriteLine(InputFile.CannotRead("scoresdashboard", path, e));
            return InputFile.CannotReadExitCode;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        // The one line that adds the dashboard. Before the job: runners created from here on are shown.
        builder.Services.AddCompiledDashboard(o => o.Port = port);

        if (otel)
        {
            // Metrics of the Compiled meter, traces of slow bundles, and the host's logs, on the console.
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService("ScoresDashboard"))
                .WithMetrics(metrics => metrics
                    .AddMeter(PipelineMetrics.MeterName)
                    .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 2000))
                .WithTracing(tracing => tracing
                    .AddSource(PipelineTracing.SourceName)
                    .AddConsoleExporter());
            builder.Logging.AddOpenTelemetry(logging => logging.AddConsoleExporter());
        }

        if (checkpoints is not null)
        {
            // The job that survives restarts: checkpoints every second (traced as compiled.checkpoint, shown on the page),
            // the panes exactly once in the output file. Stopped (Ctrl+C) before the end, it checkpoints where it stopped.
            stream.Dispose();
            return await RunDurableAsync(builder, path, output!, checkpoints, pace, keepRunning);
        }

        using var input = new PacedReader(new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16), pace);
        using var progress = stream.CanSeek
            ? BatchProgress.StartOn(TextWriter.Null, () => stream.Position, stream.Length, "bytes", interactive: false, TimeSpan.FromSeconds(1))
            : null;
        builder.Services.AddStreamingPipeline(
            services =>
            {
                var deadLetters = services.GetRequiredService<DeadLetterLog>();
                return new ScoresJob(input, TextWriter.Null, TextWriter.Null, TimeSpan.FromSeconds(5),
                    d => deadLetters.Record("line " + d.Line.ToString(CultureInfo.InvariantCulture) + ": " + d.Reason));
            },
            o =>
            {
                o.Name = "StreamingScores";
                o.StopHostWhenSourceEnds = !keepRunning;
            });

        using var host = builder.Build();
        var job = host.Services.GetRequiredService<ScoresJob>();
        var completion = host.Services.GetRequiredService<StreamingPipelineService<ScoresJob>>().Completion;
        await host.RunAsync();
        if (!completion.IsCompletedSuccessfully)
        {
            Console.Error.WriteLine("failed: " + job.Summary());
            return 1;
        }

        Console.Error.WriteLine(job.Summary());
        return 0;
    }

    private static async Task<int> RunDurableAsync(HostApplicationBuilder builder, string path, string output, string checkpoints, int charsPerSecond, bool keepRunning)
    {
        builder.Services.AddStreamingPipeline(
            services =>
            {
                var deadLetters = services.GetRequiredService<DeadLetterLog>();
                // The pace in lines: game events are about 32 characters long.
                return new DurableScoresJob(path, output, checkpoints, TimeSpan.FromSeconds(1), TextWriter.Null, TimeSpan.FromSeconds(5), charsPerSecond / 32d,
                    d => deadLetters.Record("line " + d.Line.ToString(CultureInfo.InvariantCulture) + ": " + d.Reason));
            },
            o =>
            {
                o.Name = "StreamingScores";
                o.StopHostWhenSourceEnds = !keepRunning;
            });

        using var host = builder.Build();
        var job = host.Services.GetRequiredService<DurableScoresJob>();
        var completion = host.Services.GetRequiredService<StreamingPipelineService<DurableScoresJob>>().Completion;
        await host.RunAsync();
        await job.DisposeAsync();
        if (!completion.IsCompletedSuccessfully)
        {
            Console.Error.WriteLine("failed: " + job.Summary());
            return 1;
        }

        Console.Error.WriteLine(job.Summary());
        return 0;
    }
}
