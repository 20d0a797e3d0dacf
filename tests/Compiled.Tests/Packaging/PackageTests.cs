using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Packaging;

/// <summary>
/// The package works as users receive it: pack the one "Compiled" package, reference it from a fresh
/// project through a local folder feed (no project references), build a pipeline and run it.
/// </summary>
[Collection(nameof(Compiled.Tests.Samples.DotnetBuilds))]
public class PackageTests(ITestOutputHelper output)
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

        throw new DirectoryNotFoundException("Compiled.sln not found above " + AppContext.BaseDirectory);
    }

    private (int ExitCode, string Output) Dotnet(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
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
        var text = stdout.Result + stderr;
        output.WriteLine($"$ dotnet {string.Join(' ', args)} (exit {process.ExitCode})");
        output.WriteLine(text);
        return (process.ExitCode, text);
    }

    [Fact]
    public void PackedPackageBuildsAndRunsAPipelineInAFreshProject()
    {
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var work = Path.Combine(Path.GetTempPath(), "compiled-package-" + Guid.NewGuid().ToString("N"));
        var feed = Path.Combine(work, "feed");
        var app = Path.Combine(work, "app");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(app);
        try
        {
            var pack = Dotnet(root, "pack", Path.Combine(root, "runtime", "Compiled", "Compiled.csproj"), "-c", configuration, "-o", feed, "-p:Version=0.0.0-test");
            Assert.True(pack.ExitCode == 0, pack.Output);
            var package = Path.Combine(feed, "Compiled.0.0.0-test.nupkg");
            Assert.True(File.Exists(package), "no package in " + feed);
            using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
            {
                var entries = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("lib/net10.0/Compiled.dll", entries);
                Assert.Contains("lib/net10.0/Compiled.xml", entries);
                Assert.Contains("analyzers/dotnet/cs/Compiled.Generator.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/Compiled.Analyzers.dll", entries);
                Assert.Contains("README.md", entries);

                // Source link metadata: the repository and the commit the package was built from.
                using var nuspec = new StreamReader(zip.GetEntry("Compiled.nuspec")!.Open());
                var manifest = nuspec.ReadToEnd();
                Assert.Matches("<repository type=\"git\" url=\"https://github.com/compiled-dotnet/compiled\" commit=\"[0-9a-f]{40}\"", manifest);
            }

            Assert.True(File.Exists(Path.Combine(feed, "Compiled.0.0.0-test.snupkg")), "no symbol package in " + feed);

            // A project that knows nothing of this repository: its own nuget.config (Compiled from the local
            // feed only; its dependencies, the Microsoft.Extensions abstractions, from nuget.org) and its own
            // package folder, so no cached copy of the package can stand in.
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                  <packageSourceMapping>
                    <packageSource key="local">
                      <package pattern="Compiled" />
                    </packageSource>
                    <packageSource key="nuget.org">
                      <package pattern="*" />
                    </packageSource>
                  </packageSourceMapping>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "App.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <RestorePackagesPath>packages</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Compiled" Version="0.0.0-test" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using Compiled;

                var results = Totals.Run(new[] { "a b a", "c a b" });
                foreach (var kv in results.Counts.OrderBy(kv => kv.Key))
                {
                    Console.WriteLine($"{kv.Key}={kv.Value}");
                }

                [Pipeline]
                public partial class Totals
                {
                    static void Define(PipelineBuilder p) =>
                        p.Create<string>("lines")
                         .FlatMap<string>(static (line, output) => { foreach (var w in line.Split(' ')) output.Emit(w); })
                         .CountPerElement()
                         .Output("counts");
                }
                """);
            // Directory.Build.props of the repository must not leak in: the app lives outside it (temp).
            var run = Dotnet(app, "run", "-c", "Release");
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains("a=3", run.Output, StringComparison.Ordinal);
            Assert.Contains("b=2", run.Output, StringComparison.Ordinal);
            Assert.Contains("c=1", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// The README's way to use a local build (section "Using the package in your own project"): every pack gets a version
    /// suffix of its own, a project takes the newest with a floating version, a plain restore keeps the version it
    /// resolved before (a no-op restore), and <c>restore --force-evaluate</c> takes the newer build.
    /// </summary>
    [Fact]
    public void EachPackWithAVersionSuffixIsANewVersionThatForceEvaluateTakes()
    {
        var root = RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var props = File.ReadAllText(Path.Combine(root, "Directory.Build.props"));
        var prefix = System.Text.RegularExpressions.Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>").Groups[1].Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", prefix);

        var work = Path.Combine(Path.GetTempPath(), "compiled-versions-" + Guid.NewGuid().ToString("N"));
        var feed = Path.Combine(work, "feed");
        var app = Path.Combine(work, "app");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(app);
        try
        {
            var project = Path.Combine(root, "runtime", "Compiled", "Compiled.csproj");
            var first = Dotnet(root, "pack", project, "-c", configuration, "-o", feed, "--version-suffix", "dev.20261203090001");
            Assert.True(first.ExitCode == 0, first.Output);
            Assert.True(File.Exists(Path.Combine(feed, $"Compiled.{prefix}-dev.20261203090001.nupkg")), "no package of version " + prefix + "-dev.20261203090001 in " + feed);

            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                  <packageSourceMapping>
                    <packageSource key="local"><package pattern="Compiled" /></packageSource>
                    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
                  </packageSourceMapping>
                </configuration>
                """);
            File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <RestorePackagesPath>packages</RestorePackagesPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Compiled" Version="{prefix}-dev.*" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), "System.Console.WriteLine(typeof(Compiled.Instant).Assembly.GetName().Name);\n");
            var assets = Path.Combine(app, "obj", "project.assets.json");
            Assert.True(Dotnet(app, "restore").ExitCode == 0);
            Assert.Contains($"\"Compiled/{prefix}-dev.20261203090001\"", File.ReadAllText(assets), StringComparison.Ordinal);

            // A newer build of the same sources (packed again, without rebuilding): a new version in the feed.
            var second = Dotnet(root, "pack", project, "-c", configuration, "-o", feed, "--no-build", "--version-suffix", "dev.20261203090002");
            Assert.True(second.ExitCode == 0, second.Output);
            Assert.True(Dotnet(app, "restore").ExitCode == 0);
            Assert.Contains($"\"Compiled/{prefix}-dev.20261203090001\"", File.ReadAllText(assets), StringComparison.Ordinal);
            Assert.True(Dotnet(app, "restore", "--force-evaluate").ExitCode == 0);
            Assert.Contains($"\"Compiled/{prefix}-dev.20261203090002\"", File.ReadAllText(assets), StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
