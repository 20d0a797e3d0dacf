using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Compiled.Dashboard.Tests;

/// <summary>The ScoresDashboard sample, run as a process: with --otel and --checkpoints, its checkpoints are traces on the console.</summary>
public sealed class ScoresDashboardSampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("compiled-scoresdashboard-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The sample's build beside this one (same configuration), which the test project builds first.</summary>
    private static string SampleAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0/
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "ScoresDashboard", "bin", configuration, "net10.0", "ScoresDashboard.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("ScoresDashboard.dll not found beside the repository's samples");
    }

    [Fact(DisplayName = "ScoresDashboard --otel --checkpoints exports each checkpoint as a trace through the SDK's console exporter, and writes every pane once")]
    public async Task CheckpointTracesOnTheConsole()
    {
        var output = Path.Combine(_directory, "totals.txt");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        foreach (var arg in new[] { SampleAssembly(), "--port", "0", "--otel", "--checkpoints", Path.Combine(_directory, "checkpoints"), "--output", output, "--chars-per-second", "0" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await process.WaitForExitAsync(timeout.Token);
        }

        var (console, errors) = (await stdout, await stderr);
        Assert.True(process.ExitCode == 0, "exit " + process.ExitCode + ": " + errors);
        Assert.Contains("Activity.DisplayName:        compiled.checkpoint", console, StringComparison.Ordinal);
        Assert.Contains("compiled.checkpointer: StreamingScores", console, StringComparison.Ordinal);
        Assert.Contains("1,391 panes written by this run", errors, StringComparison.Ordinal);
        Assert.Equal(1391, (await File.ReadAllLinesAsync(output)).Length);
    }
}
