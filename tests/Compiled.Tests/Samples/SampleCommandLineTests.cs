using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Samples;

/// <summary>
/// The samples run as processes (<c>dotnet WordCount.dll</c>, <c>dotnet StreamingScores.dll</c>, as the NativeAOT
/// tests start them): an input that cannot be read ends the run with one line on standard error and exit code 2,
/// never a stack trace; bad records are counted and skipped with exit code 0.
/// </summary>
/// <remarks>
/// The tests run as root, for whom permission bits do not prevent reading (chmod 000 is readable), so the inputs
/// that fail here fail for root too: a missing path, a directory, a Unix socket (opening one gives ENXIO) and
/// <c>/proc/self/mem</c> (opens, then reading address 0 gives EIO: an error in the middle of a run).
/// </remarks>
public sealed class SampleCommandLineTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("compiled-samples-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private async Task<Result> Run(string sample, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, sample + ".dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new System.Threading.CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{sample} {string.Join(' ', args)} did not exit within 60 s");
        }

        var result = new Result(process.ExitCode, (await stdout).Replace("\r\n", "\n"), (await stderr).Replace("\r\n", "\n"));
        log.WriteLine($"$ {sample} {string.Join(' ', args)} (exit {result.ExitCode})\n{result.Stdout}{result.Stderr}");
        return result;
    }

    private static string ProgramName(string sample) => sample.ToLowerInvariant();

    private async Task AssertCannotRead(string sample, string path, string reason, params string[] more)
    {
        var r = await Run(sample, new[] { path }.Concat(more).ToArray());
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal($"{ProgramName(sample)}: cannot read '{path}': {reason}\n", r.Stderr);
    }

    [Theory]
    [InlineData("WordCount")]
    [InlineData("StreamingScores")]
    public async Task AMissingFileIsOneLineAndExitCode2(string sample)
    {
        await AssertCannotRead(sample, Path.Combine(_directory, "missing.txt"), "No such file or directory");
        await AssertCannotRead(sample, Path.Combine(_directory, "no-such-directory", "x.txt"), "No such file or directory");
        await AssertCannotRead(sample, "relative-missing.csv", "No such file or directory");
    }

    [Theory]
    [InlineData("WordCount")]
    [InlineData("StreamingScores")]
    public async Task ADirectoryIsOneLineAndExitCode2(string sample) =>
        await AssertCannotRead(sample, _directory, "Is a directory");

    [Theory]
    [InlineData("WordCount")]
    [InlineData("StreamingScores")]
    public async Task ASocketFileIsOneLineAndExitCode2(string sample)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // The reason is the C library's text for ENXIO on Linux.
        }

        var path = Path.Combine(_directory, "events.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        await AssertCannotRead(sample, path, "No such device or address");
    }

    [Theory]
    [InlineData("WordCount")]
    [InlineData("StreamingScores")]
    [InlineData("StreamingScores", "--hosted")]
    public async Task AReadErrorMidRunIsOneLineAndExitCode2(string sample, string? option = null)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/mem"))
        {
            return; // /proc/self/mem opens, and reading its first page (unmapped) fails with EIO.
        }

        if (option is null)
        {
            await AssertCannotRead(sample, "/proc/self/mem", "Input/output error");
            return;
        }

        // Under the generic host the failed job is also logged (with its exception); the last line is the error.
        var r = await Run(sample, "/proc/self/mem", option);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.EndsWith("\nstreamingscores: cannot read '/proc/self/mem': Input/output error\n", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WordCount")]
    [InlineData("StreamingScores")]
    public async Task AFileWithoutReadPermission_FailsUnlessRoot(string sample)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var path = Path.Combine(_directory, "locked.txt");
        File.WriteAllText(path, "1767225600512,u1,Jade,5\n");
        File.SetUnixFileMode(path, UnixFileMode.None);
        if (!Environment.IsPrivilegedProcess)
        {
            await AssertCannotRead(sample, path, "Permission denied");
            return;
        }

        // Root reads it anyway: the permission bits are not what stops a run as root (hence the cases above).
        var r = await Run(sample, path);
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public async Task WordCountReadsAFifoOnce_InsteadOfWaitingForASecondWriter()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fifo = Path.Combine(_directory, "words.fifo");
        using (var mkfifo = Process.Start("mkfifo", new[] { fifo }))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var run = Run("WordCount", fifo, "--top", "2");
        await using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
            await writer.WriteAsync(Encoding.UTF8.GetBytes("the cat and the dog\n"));
        }

        var r = await run;
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n');
        Assert.Equal($"input     {fifo}", lines[0]);
        Assert.Equal("size      1 lines, 5 words, 4 distinct", lines[1]);
        Assert.EndsWith(" ms (one run: the input is not a regular file)", lines[2], StringComparison.Ordinal);
        Assert.Equal("   1  the                       2  40.00%", lines[5]);
    }

    [Fact]
    public async Task StreamingScoresCountsAndSkipsEveryKindOfBadRecord_StandaloneAndHosted()
    {
        var path = Path.Combine(_directory, "hostile.csv");
        var text = new StringBuilder()
            .Append('\uFEFF').Append("1767225600512,u1,Jade,5\r\n")       // a byte order mark and CRLF: fine
            .Append("9223372036854775807,u2,Jade,3\n")                     // long.MaxValue: used to end the job
            .Append("253402214400001,u2,Jade,3\n")                         // just after 9999-12-31T00:00:00Z
            .Append('\n')                                                  // empty
            .Append("1767225601000,u1,Jade\n")                             // 3 fields
            .Append("abc,u1,Jade,4\n")                                     // not a number
            .Append("1767225602000,u1,Jade,-4\n")                          // negative score
            .Append("1767225602000,u1,Ruby,x\n")                           // not a number
            .Append('y', 3_000_000).Append('\n')                           // a huge line
            .Append('\uFEFF').Append("1767225603000,u9,Ruby,2\r\n")       // a byte order mark inside the input
            .Append("1767225604000,u3,Ruby,4\r\n")
            .Append("253402214400000,u4,Ruby,1")                           // the last instant accepted, no line end
            .ToString();
        File.WriteAllText(path, text, new UTF8Encoding(false));

        var expectedPanes =
            "2026-01-01T00:00:00Z..2026-01-01T00:01:00Z Jade          5 ON_TIME\n" +
            "2026-01-01T00:00:00Z..2026-01-01T00:01:00Z Ruby          4 ON_TIME\n" +
            "9999-12-31T00:00:00Z..9999-12-31T00:01:00Z Ruby          1 ON_TIME\n";
        var expectedDeadLetters =
            "dead letter: line 2: timestamp is after 9999-12-31T00:00:00Z: \"9223372036854775807,u2,Jade,3\"\n" +
            "dead letter: line 3: timestamp is after 9999-12-31T00:00:00Z: \"253402214400001,u2,Jade,3\"\n" +
            "dead letter: line 4: empty line: \"\"\n" +
            "dead letter: line 5: expected 4 comma-separated fields, found 3: \"1767225601000,u1,Jade\"\n" +
            "dead letter: line 6: timestamp is not a non-negative whole number of milliseconds: \"abc,u1,Jade,4\"\n" +
            "dead letter: line 7: score is negative: \"1767225602000,u1,Jade,-4\"\n" +
            "dead letter: line 8: score is not a 32-bit integer: \"1767225602000,u1,Ruby,x\"\n" +
            $"dead letter: line 9: line is 3,000,000 characters long, more than 1,024: \"{new string('y', 100)}...\"\n" +
            "dead letter: line 10: timestamp is not a non-negative whole number of milliseconds: \"?1767225603000,u9,Ruby,2\"\n";

        var standalone = await Run("StreamingScores", path);
        Assert.Equal(0, standalone.ExitCode);
        Assert.Equal(expectedPanes, standalone.Stdout);
        Assert.Equal(expectedDeadLetters + "12 lines: 3 events (0 dropped as late), 9 malformed; 3 panes\n", standalone.Stderr);

        var hosted = await Run("StreamingScores", path, "--hosted");
        Assert.Equal(0, hosted.ExitCode);
        Assert.Equal(expectedPanes, hosted.Stdout);
        Assert.Contains("12 elements in, 3 out, 0 late dropped, 9 dead-lettered", hosted.Stderr, StringComparison.Ordinal);
    }
}
