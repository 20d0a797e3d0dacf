using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Xunit;

namespace Compiled.Tests.Checkpoints;

/// <summary>
/// A job that reads a text file (<see cref="TextFileSource"/>), keeps a running word count (its state) and writes a line
/// per input line (<see cref="TransactionalFileSink"/>), checkpointed into a <see cref="LocalDirectoryCheckpointStore"/>:
/// stopped anywhere and restarted, any number of times, it writes exactly the output of a run that was never stopped.
/// </summary>
public sealed class CrashRestartTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class WordTotal : ICheckpointable
    {
        public long Words { get; set; }

        public ulong StateFingerprint => 0x5EED;

        public void WriteCheckpoint(IBufferWriter<byte> output)
        {
            BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), Words);
            output.Advance(8);
        }

        public void RestoreCheckpoint(ReadOnlySpan<byte> state) => Words = BinaryPrimitives.ReadInt64LittleEndian(state);
    }

    // Runs the job from its latest checkpoint; stops (as a crash: no final checkpoint) after `stopAfter` lines, if given.
    private async Task<bool> RunAsync(string input, string output, string checkpoints, int every, int? stopAfter)
    {
        var checkpointer = new Checkpointer(checkpoints, new CheckpointOptions { Interval = Timeout.InfiniteTimeSpan, KeepLast = 2 });
        using var source = new TextFileSource(input, bufferSize: 32);
        using var sink = new TransactionalFileSink(output);
        var total = new WordTotal();
        checkpointer.Register("source", source);
        checkpointer.Register("words", total);
        checkpointer.Register("output", sink);
        await using (checkpointer)
        {
            await checkpointer.RestoreAsync();
            int read = 0;
            while (source.TryReadLine(out string line))
            {
                total.Words += line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                sink.Write($"{source.LineNumber}: {line.ToUpperInvariant()} ({total.Words} words so far)");
                read++;
                if (source.LineNumber % every == 0)
                {
                    Task<long> checkpoint = checkpointer.CheckpointAsync();
                    Assert.True(checkpointer.TryCheckpoint());
                    await checkpoint;
                }

                if (read == stopAfter)
                {
                    return true;
                }
            }

            await checkpointer.CompleteAsync();
            return false;
        }
    }

    [Theory]
    [InlineData(3, new int[0])]
    [InlineData(3, new[] { 1 })]
    [InlineData(3, new[] { 3, 3, 3 })]
    [InlineData(4, new[] { 5, 2, 7, 1, 9 })]
    [InlineData(1, new[] { 2, 2, 11 })]
    [InlineData(50, new[] { 4, 10 })]
    public async Task StoppedAnywhere_AndRestarted_WritesTheOutputOfAnUninterruptedRun(int every, int[] stops)
    {
        string[] words = { "alpha", "beta", "gamma", "délta", "€uro", "😀", "z" };
        var text = new StringBuilder();
        for (int i = 0; i < 23; i++)
        {
            text.Append(string.Join(' ', Enumerable.Range(0, i % 5).Select(j => words[(i + j) % words.Length])));
            text.Append((i % 3) switch { 0 => "\n", 1 => "\r\n", _ => "\r" });
        }

        string input = _dir.File("in.txt");
        File.WriteAllText(input, text.ToString());

        string expected = _dir.File("expected.txt");
        Assert.False(await RunAsync(input, expected, _dir.File("expected-checkpoints"), every, stopAfter: null));

        string output = _dir.File("out.txt");
        string checkpoints = _dir.File("checkpoints");
        foreach (int stop in stops)
        {
            Assert.True(await RunAsync(input, output, checkpoints, every, stop));
        }

        Assert.False(await RunAsync(input, output, checkpoints, every, stopAfter: null));
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(output));
        Assert.Empty(Directory.GetFiles(_dir.Path, "out.txt.pending-*"));
        Assert.True(Directory.GetDirectories(checkpoints).Length <= 2);
    }
}
