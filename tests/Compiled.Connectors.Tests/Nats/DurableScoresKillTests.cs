using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Connectors.Nats;
using Compiled.Connectors.Tests.Servers;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Connectors.Tests.Nats;

/// <summary>
/// The test that matters for the connectors: the DurableScores sample (StreamingScores' pipeline reading a file and a
/// JetStream stream, writing to a transactional file and to JetStream), run as a process of its own with a checkpoint
/// every 200 ms, killed with SIGKILL at random moments (while it reads, while it writes a checkpoint) and started again
/// each time with the same arguments; at the end its output file is, byte for byte, that of a run never stopped, and its
/// output stream holds the same messages in the same order: no pane lost, none written twice.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed class DurableScoresKillTests(NatsServerFixture nats, ITestOutputHelper log) : IDisposable
{
    private const int Kills = 20;

    // The pace of the killed runs: slow enough for the 20 kills to land along the whole input (60,010 lines).
    private const int LinesPerSecond = 9_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("compiled-durable-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact(DisplayName = "DurableScores (file + JetStream in, file + JetStream out) killed with SIGKILL 20 times and restarted: both outputs are those of an uninterrupted run")]
    public async Task KilledJobWritesTheOutputsOfAnUninterruptedRun()
    {
        // The input: the even lines of the events in a file, the odd ones as messages of a stream (so that the job's
        // alternation, one line of the file then one message, reads the events in their original order).
        var events = await File.ReadAllLinesAsync(EventsFile());
        var inputFile = Path.Combine(_directory, "events-half.csv");
        await File.WriteAllLinesAsync(inputFile, events.Where((_, i) => i % 2 == 0));
        var id = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var input = "DS_IN_" + id;
        await using var connection = nats.Connect();
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig(input, ["ds." + id + ".in"]));
        var messages = events.Where((_, i) => i % 2 == 1).ToList();
        foreach (var line in messages)
        {
            // Published without waiting for each acknowledgement; the stream stores them in order.
            await connection.PublishAsync("ds." + id + ".in", Encoding.UTF8.GetBytes(line), serializer: NatsRawSerializer<byte[]>.Default);
        }

        await WaitForMessagesAsync(js, input, messages.Count);

        // The uninterrupted run.
        var reference = new Run(this, inputFile, input, "reference", id);
        await reference.CreateOutputStreamAsync(js);
        var firstRun = Stopwatch.StartNew();
        await reference.RunToEndAsync();
        log.WriteLine($"uninterrupted run: {firstRun.Elapsed.TotalSeconds:F1} s");
        var referenceBytes = await File.ReadAllBytesAsync(reference.Output);
        Assert.True(referenceBytes.Length > 10_000, "the reference run wrote " + referenceBytes.Length + " bytes");
        var referenceMessages = await ReadStreamAsync(js, reference.OutputStream);
        Assert.Equal(File.ReadAllLines(reference.Output), referenceMessages);

        // The alternation read the events in their original order: the panes are those StreamingScores prints for them.
        using var plain = new StringWriter { NewLine = "\n" };
        using (var whole = new StreamReader(EventsFile()))
        {
            await new StreamingScores.ScoresJob(whole, plain, TextWriter.Null, TimeSpan.FromSeconds(5)).RunToEndAsync();
        }

        Assert.Equal(plain.ToString(), Encoding.UTF8.GetString(referenceBytes));

        // The run killed 20 times.
        var seed = Environment.GetEnvironmentVariable("COMPILED_DURABLE_KILL_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        log.WriteLine("COMPILED_DURABLE_KILL_SEED=" + seed);
        var random = new Random(seed);
        var killed = new Run(this, inputFile, input, "killed", id);
        await killed.CreateOutputStreamAsync(js);
        int duringWrite = 0, finishedBeforeKill = 0;
        for (var kill = 0; kill < Kills; kill++)
        {
            using var process = killed.Start(linesPerSecond: LinesPerSecond);
            var stderr = process.StandardError.ReadToEndAsync();

            // The moments are counted from when the job has restored its state and starts reading (it says so on
            // standard output), not from the start of the process, whose first second is the runtime starting.
            var ready = process.StandardOutput.ReadLineAsync();
            await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(20)));
            _ = process.StandardOutput.ReadToEndAsync(); // drained, so the process never blocks on a full pipe
            if (kill % 3 == 2)
            {
                // Kill while a checkpoint is being written: as soon as its temporary folder appears.
                var deadline = Stopwatch.StartNew();
                while (deadline.Elapsed < TimeSpan.FromSeconds(3) && !process.HasExited)
                {
                    if (Directory.Exists(killed.Checkpoints) && Directory.EnumerateDirectories(killed.Checkpoints, "*.tmp").Any())
                    {
                        duringWrite++;
                        break;
                    }

                    await Task.Delay(1);
                }
            }
            else
            {
                await Task.Delay(random.Next(0, 900));
            }

            var ended = process.HasExited;
            if (ended)
            {
                finishedBeforeKill++;
            }
            else
            {
                process.Kill(); // SIGKILL on Unix: no finally blocks, no flush, no disposal
            }

            await process.WaitForExitAsync();
            var errors = await stderr;
            Assert.True(!ended || process.ExitCode == 0, "exit " + process.ExitCode + ": " + errors);

            // Whatever a kill left, the output holds only bytes of the uninterrupted run's output, in order.
            var now = File.Exists(killed.Output) ? await File.ReadAllBytesAsync(killed.Output) : Array.Empty<byte>();
            Assert.True(now.Length <= referenceBytes.Length && now.AsSpan().SequenceEqual(referenceBytes.AsSpan(0, now.Length)),
                "after kill " + kill + " the output (" + now.Length + " bytes) is not a prefix of the uninterrupted run's");
            log.WriteLine($"kill {kill + 1}: {(ended ? "had ended" : "killed")}, {100.0 * now.Length / referenceBytes.Length:F0}% of the output committed");
        }

        log.WriteLine($"{Kills} kills: {duringWrite} while a checkpoint was being written, {finishedBeforeKill} after the job had ended");
        log.WriteLine(await killed.RunToEndAsync());

        Assert.Equal(referenceBytes, await File.ReadAllBytesAsync(killed.Output));
        var killedMessages = await ReadStreamAsync(js, killed.OutputStream);
        Assert.Equal(referenceMessages.Count, killedMessages.Count);
        Assert.Equal(referenceMessages, killedMessages);
    }

    private static async Task WaitForMessagesAsync(INatsJSContext js, string stream, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var info = await js.GetStreamAsync(stream);
            if (info.Info.State.Messages == count)
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the stream holds " + info.Info.State.Messages + " of " + count + " messages");
            await Task.Delay(20);
        }
    }

    private static async Task<List<string>> ReadStreamAsync(INatsJSContext js, string stream)
    {
        var info = await js.GetStreamAsync(stream);
        var source = new JetStreamSource(js, stream);
        var read = new List<string>();
        while (read.Count < (int)info.Info.State.Messages && await source.ReadAsync() is { } message)
        {
            read.Add(Encoding.UTF8.GetString(message.Data.Span));
        }

        return read;
    }

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

    /// <summary>One job: its checkpoints, output file, output subject and the stream that captures it.</summary>
    private sealed class Run(DurableScoresKillTests test, string inputFile, string inputStream, string name, string id)
    {
        public string Checkpoints { get; } = Path.Combine(test._directory, name + "-checkpoints");

        public string Output { get; } = Path.Combine(test._directory, name + ".txt");

        public string Subject { get; } = "ds." + id + "." + name;

        public string OutputStream { get; } = "DS_" + name.ToUpperInvariant() + "_" + id;

        public async Task CreateOutputStreamAsync(INatsJSContext js) =>
            await js.CreateStreamAsync(new StreamConfig(OutputStream, [Subject]) { DuplicateWindow = TimeSpan.FromMinutes(2) });

        public Process Start(double linesPerSecond)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = test._directory };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DurableScores.dll"));
            foreach (var arg in new[] { inputFile, "--nats", test.Nats.Url, "--stream", inputStream, "--checkpoints", Checkpoints, "--output", Output, "--publish", Subject, "--checkpoint-interval", "200" })
            {
                start.ArgumentList.Add(arg);
            }

            if (linesPerSecond > 0)
            {
                start.ArgumentList.Add("--lines-per-second");
                start.ArgumentList.Add(linesPerSecond.ToString(CultureInfo.InvariantCulture));
            }

            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            return Process.Start(start)!;
        }

        public async Task<string> RunToEndAsync()
        {
            using var process = Start(linesPerSecond: 0);
            _ = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw new TimeoutException("DurableScores did not end within 120 s.");
            }

            var errors = await stderr;
            Assert.True(process.ExitCode == 0, "exit " + process.ExitCode + ": " + errors);

            // Standard error holds the dead letters, then the summary.
            return errors.TrimEnd().Split('\n')[^1];
        }
    }

    private NatsServerFixture Nats => nats;
}
