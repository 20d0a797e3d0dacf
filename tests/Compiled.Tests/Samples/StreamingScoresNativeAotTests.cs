using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Samples;

/// <summary>
/// The StreamingScores sample publishes with NativeAOT with no trim or AOT warning, and the native binary
/// writes byte for byte what the JIT build writes on the shipped events, standalone and under the generic
/// host. Also measures the binary's size and the time to the first pane (see the README's NativeAOT section).
/// </summary>
[Collection(nameof(DotnetBuilds))]
public class StreamingScoresNativeAotTests(ITestOutputHelper output)
{
    private sealed record RunResult(int ExitCode, byte[] Stdout, string Stderr, TimeSpan FirstOutput, TimeSpan Total);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Compiled.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Compiled.sln not found");
    }

    private static ProcessStartInfo StartInfo(string file, string workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    /// <summary>Runs a process; times its first byte on standard output and its whole run.</summary>
    private static async Task<RunResult> RunTimed(string file, string workingDirectory, params string[] args)
    {
        var start = StartInfo(file, workingDirectory, args);
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new MemoryStream();
        var buffer = new byte[1 << 16];
        var first = TimeSpan.Zero;
        int read;
        while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
        {
            if (first == TimeSpan.Zero)
            {
                first = stopwatch.Elapsed;
            }

            stdout.Write(buffer, 0, read);
        }

        await process.WaitForExitAsync();
        var total = stopwatch.Elapsed;
        return new RunResult(process.ExitCode, stdout.ToArray(), await stderr, first, total);
    }

    private (int ExitCode, string Output) Run(string file, string workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(file, workingDirectory, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        output.WriteLine($"$ {file} {string.Join(' ', args)} (exit {process.ExitCode})");
        var text = stdout.Result + stderr;
        output.WriteLine(text);
        return (process.ExitCode, text);
    }

    private static double Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Select(v => v.TotalMilliseconds).OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }

    [Fact]
    public async Task NativeBinaryWritesWhatTheJitBuildWrites()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            return; // The published runtime identifier below is linux-x64, the machine CI runs on.
        }

        var root = RepositoryRoot();
        var publish = Path.Combine(Path.GetTempPath(), "compiled-aot-scores-" + Guid.NewGuid().ToString("N"));
        try
        {
            var published = Run("dotnet", root, "publish", Path.Combine(root, "samples", "StreamingScores", "StreamingScores.csproj"), "-c", "Release", "-r", "linux-x64", "-o", publish);
            Assert.True(published.ExitCode == 0, published.Output);
            Assert.DoesNotContain("warning", published.Output, StringComparison.OrdinalIgnoreCase);

            var events = Path.Combine(root, "samples", "data", "game-events.csv");
            var nativeBinary = Path.Combine(publish, "StreamingScores");
            var jitAssembly = Path.Combine(AppContext.BaseDirectory, "StreamingScores.dll");

            var native = await RunTimed(nativeBinary, root, events);
            var jit = await RunTimed("dotnet", root, jitAssembly, events);
            Assert.Equal(0, native.ExitCode);
            Assert.Equal(0, jit.ExitCode);
            Assert.True(native.Stdout.Length > 10_000, "too little output");
            Assert.Equal(jit.Stdout, native.Stdout);
            Assert.Equal(jit.Stderr, native.Stderr);
            Assert.Contains("dead letter: line ", native.Stderr, StringComparison.Ordinal);
            Assert.Contains("(126 dropped as late), 10 malformed", native.Stderr, StringComparison.Ordinal);

            // Under the generic host: the same panes (logs on standard error differ by their timings).
            var nativeHosted = await RunTimed(nativeBinary, root, events, "--hosted");
            var jitHosted = await RunTimed("dotnet", root, jitAssembly, events, "--hosted");
            Assert.Equal(0, nativeHosted.ExitCode);
            Assert.Equal(0, jitHosted.ExitCode);
            Assert.Equal(native.Stdout, nativeHosted.Stdout);
            Assert.Equal(native.Stdout, jitHosted.Stdout);
            Assert.Contains("Streaming job StreamingScores stopped", nativeHosted.Stderr, StringComparison.Ordinal);

            // Measurements (a few runs each; the first of each above warmed the file cache).
            var nativeRuns = new List<RunResult>();
            var jitRuns = new List<RunResult>();
            for (var i = 0; i < 5; i++)
            {
                nativeRuns.Add(await RunTimed(nativeBinary, root, events));
                jitRuns.Add(await RunTimed("dotnet", root, jitAssembly, events));
            }

            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            output.WriteLine($"native binary: {new FileInfo(nativeBinary).Length:N0} bytes");
            output.WriteLine($"time to first output (median of 5): native {Median(nativeRuns.Select(r => r.FirstOutput)):F0} ms, JIT ({configuration}) {Median(jitRuns.Select(r => r.FirstOutput)):F0} ms");
            output.WriteLine($"whole run (median of 5): native {Median(nativeRuns.Select(r => r.Total)):F0} ms, JIT ({configuration}) {Median(jitRuns.Select(r => r.Total)):F0} ms");
        }
        finally
        {
            try
            {
                Directory.Delete(publish, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
