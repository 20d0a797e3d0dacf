using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Samples;

/// <summary>
/// The WordCount sample publishes with NativeAOT (PublishAot in its project) with no trim or AOT warning,
/// and the native binary prints the same results as the JIT build on the same input.
/// </summary>
[Collection(nameof(DotnetBuilds))]
public class NativeAotTests(ITestOutputHelper output)
{
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

    private (int ExitCode, string Output) Run(string file, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        output.WriteLine($"$ {file} {string.Join(' ', args)} (exit {process.ExitCode})");
        var text = stdout.Result + stderr;
        output.WriteLine(text);
        return (process.ExitCode, text);
    }

    /// <summary>The result lines: everything but the timing line.</summary>
    private static string[] Results(string text) =>
        text.Replace("\r\n", "\n").Split('\n').Where(l => !l.StartsWith("time", StringComparison.Ordinal) && !l.StartsWith("input", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void NativeBinaryPrintsWhatTheJitBuildPrints()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            return; // The published runtime identifier below is linux-x64, the machine CI runs on.
        }

        var root = RepositoryRoot();
        var publish = Path.Combine(Path.GetTempPath(), "compiled-aot-" + Guid.NewGuid().ToString("N"));
        try
        {
            var published = Run("dotnet", root, "publish", Path.Combine(root, "samples", "WordCount", "WordCount.csproj"), "-c", "Release", "-r", "linux-x64", "-o", publish);
            Assert.True(published.ExitCode == 0, published.Output);
            Assert.DoesNotContain("warning", published.Output, StringComparison.OrdinalIgnoreCase);

            var corpus = Path.Combine(root, "samples", "data", "prose.txt");
            var native = Run(Path.Combine(publish, "WordCount"), root, corpus, "--top", "40");
            Assert.Equal(0, native.ExitCode);
            var jit = Run("dotnet", root, Path.Combine(AppContext.BaseDirectory, "WordCount.dll"), corpus, "--top", "40");
            Assert.Equal(0, jit.ExitCode);

            Assert.Equal(Results(jit.Output), Results(native.Output));
            Assert.Contains("the", native.Output, StringComparison.Ordinal);
            output.WriteLine($"native binary: {new FileInfo(Path.Combine(publish, "WordCount")).Length:N0} bytes");
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
