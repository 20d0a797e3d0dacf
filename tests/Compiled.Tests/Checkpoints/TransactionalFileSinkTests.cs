using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Compiled.Checkpoints;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Checkpoints;

public sealed class TransactionalFileSinkTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Output => _dir.File("out.txt");

    private static byte[] Expected(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));

    private static byte[] Prepare(TransactionalFileSink sink, long id)
    {
        var handle = new ArrayBufferWriter<byte>();
        sink.PrepareCommit(id, handle);
        return handle.WrittenSpan.ToArray();
    }

    private string[] PendingFiles() => Directory.GetFiles(_dir.Path, "out.txt.pending-*");

    [Fact]
    public void WithoutCrash_OutputIsWhatTextFileSinkWrites()
    {
        string[] lines = { "a", "é€😀", string.Empty, "last" };
        using (var plain = new TextFileSink<string>(_dir.File("plain.txt")))
        {
            foreach (string line in lines)
            {
                plain.Receive(new WindowedValue<string>(line, Instant.MinValue, BoundedWindow.Global, PaneInfo.NoFiring));
            }
        }

        using var sink = new TransactionalFileSink(Output);
        sink.Recover(-1, default);
        sink.Write(lines[0]);
        sink.Write(lines[1]);
        byte[] h1 = Prepare(sink, 1);
        Assert.Equal(0, new FileInfo(Output).Length); // not visible before the commit
        sink.Commit(1, h1);
        sink.Receive(new WindowedValue<string>(lines[2], Instant.MinValue, BoundedWindow.Global, PaneInfo.NoFiring));
        sink.Write(lines[3].AsSpan());
        byte[] h2 = Prepare(sink, 2);
        byte[] h3 = Prepare(sink, 3); // an empty transaction
        sink.Commit(2, h2);
        sink.Commit(3, h3);

        Assert.Equal(File.ReadAllBytes(_dir.File("plain.txt")), File.ReadAllBytes(Output));
        Assert.Empty(PendingFiles());
    }

    [Fact]
    public void Commit_IsIdempotent()
    {
        using var sink = new TransactionalFileSink(Output);
        sink.Recover(-1, default);
        sink.Write("x");
        byte[] h1 = Prepare(sink, 1);
        sink.Commit(1, h1);
        sink.Commit(1, h1);
        Assert.Equal(Expected(new[] { "x" }), File.ReadAllBytes(Output));
    }

    [Fact]
    public void Recover_CreatesTheOutputsDirectory()
    {
        string output = Path.Combine(_dir.Path, "new", "dir", "out.txt");
        using var sink = new TransactionalFileSink(output);
        sink.Recover(-1, default);
        sink.Write("x");
        sink.Commit(1, Prepare(sink, 1));
        Assert.Equal(Expected(new[] { "x" }), File.ReadAllBytes(output));
    }

    [Fact]
    public void Write_BeforeRecover_Throws()
    {
        using var sink = new TransactionalFileSink(Output);
        Assert.Throws<InvalidOperationException>(() => sink.Write("x"));
    }

    [Fact]
    public void Recover_WithoutCheckpoint_EmptiesTheOutput_AndDropsPendingFiles()
    {
        File.WriteAllText(Output, "old output\n");
        File.WriteAllText(Output + ".pending-0000000004", "uncommitted\n");
        using var sink = new TransactionalFileSink(Output);
        sink.Recover(-1, default);
        Assert.Equal(0, new FileInfo(Output).Length);
        Assert.Empty(PendingFiles());
    }

    [Fact]
    public void CrashAfterPrepare_BeforeTheCheckpointIsWritten_ReplayGivesTheSameOutput()
    {
        byte[] h1;
        using (var sink = new TransactionalFileSink(Output))
        {
            sink.Recover(-1, default);
            sink.Write("a");
            h1 = Prepare(sink, 1);
            sink.Commit(1, h1);
            sink.Write("b");
            Prepare(sink, 2); // checkpoint 2 never becomes durable
            sink.Write("c");  // in the pending file of checkpoint 3
        }

        using (var sink = new TransactionalFileSink(Output))
        {
            sink.Recover(1, h1);
            Assert.Empty(PendingFiles());
            Assert.Equal(Expected(new[] { "a" }), File.ReadAllBytes(Output));
            sink.Write("b");
            sink.Write("c");
            sink.Commit(2, Prepare(sink, 2));
        }

        Assert.Equal(Expected(new[] { "a", "b", "c" }), File.ReadAllBytes(Output));
    }

    [Fact]
    public void CrashAfterTheCheckpointIsDurable_BeforeCommit_RecoverCommits()
    {
        byte[] h1;
        using (var sink = new TransactionalFileSink(Output))
        {
            sink.Recover(-1, default);
            sink.Write("a");
            sink.Write("b");
            h1 = Prepare(sink, 1);
            sink.Write("c");
        }

        using (var sink = new TransactionalFileSink(Output))
        {
            sink.Recover(1, h1);
            Assert.Equal(Expected(new[] { "a", "b" }), File.ReadAllBytes(Output));
            Assert.Empty(PendingFiles());
            sink.Write("c");
            sink.Commit(2, Prepare(sink, 2));
        }

        Assert.Equal(Expected(new[] { "a", "b", "c" }), File.ReadAllBytes(Output));
    }

    [Fact]
    public void AnotherSinksTransaction_IsFinishedAsItsOwnRecoverWould()
    {
        // Two shards' sinks; at a smaller parallelism the second is gone, and the first finishes its last transaction.
        var other = _dir.File("other.txt");
        byte[] h1;
        using (var gone = new TransactionalFileSink(other))
        {
            gone.Recover(-1, default);
            gone.Write("x");
            gone.Commit(1, Prepare(gone, 1));
            gone.Write("y");
            h1 = Prepare(gone, 2); // durable in checkpoint 2, never committed
            gone.Write("z"); // a later transaction, aborted
            Prepare(gone, 3);
        }

        using (var remaining = new TransactionalFileSink(Output))
        {
            remaining.Recover(-1, default);
            remaining.Write("a");
            remaining.RecoverOrphan(2, h1);
            remaining.Commit(4, Prepare(remaining, 4));
        }

        Assert.Equal(Expected(new[] { "x", "y" }), File.ReadAllBytes(other));
        Assert.Empty(Directory.GetFiles(_dir.Path, "other.txt.pending-*"));
        Assert.Equal(Expected(new[] { "a" }), File.ReadAllBytes(Output));
    }

    [Fact]
    public void AVersion1Handle_NamesNoOutput_SoItsOrphanIsRefused()
    {
        var handle = new ArrayBufferWriter<byte>();
        var writer = new Compiled.Coders.CoderWriter(handle);
        writer.WriteByte(1);
        writer.WriteString("gone.txt.pending-0000000002");
        writer.WriteInt64(0);
        writer.WriteInt64(0);
        writer.Flush();
        using var sink = new TransactionalFileSink(Output);
        sink.Recover(-1, default);
        Assert.Throws<NotSupportedException>(() => sink.RecoverOrphan(2, handle.WrittenSpan));
    }

    [Theory]
    [InlineData(0)] // the output truncated to its length before, nothing appended yet
    [InlineData(1)] // partly appended
    [InlineData(2)] // wholly appended, the pending file not yet deleted
    public void CrashMidCommit_RecoverFinishesIt(int appended)
    {
        byte[] h1;
        byte[] h2;
        using (var sink = new TransactionalFileSink(Output))
        {
            sink.Recover(-1, default);
            sink.Write("first");
            h1 = Prepare(sink, 1);
            sink.Commit(1, h1);
            sink.Write("second line");
            sink.Write("third");
            h2 = Prepare(sink, 2);
        }

        // The commit of checkpoint 2 stopped in the middle.
        byte[] pending = File.ReadAllBytes(Output + ".pending-0000000002");
        int count = appended switch { 0 => 0, 1 => pending.Length / 2, _ => pending.Length };
        using (var output = new FileStream(Output, FileMode.Append))
        {
            output.Write(pending, 0, count);
        }

        using (var sink = new TransactionalFileSink(Output))
        {
            sink.Recover(2, h2);
        }

        Assert.Equal(Expected(new[] { "first", "second line", "third" }), File.ReadAllBytes(Output));
        Assert.Empty(PendingFiles());
    }

    [Fact]
    public void RestoreOfAnEarlierCheckpoint_DropsWhatLaterOnesCommitted()
    {
        byte[] h1;
        using (var sink = new TransactionalFileSink(Output))
        {
            sink.Recover(-1, default);
            sink.Write("a");
            h1 = Prepare(sink, 1);
            sink.Commit(1, h1);
            sink.Write("b");
            sink.Commit(2, Prepare(sink, 2));
        }

        // Checkpoint 2 was damaged: the job restarts from checkpoint 1 and produces "b" again.
        using (var sink = new TransactionalFileSink(Output))
        {
            sink.Recover(1, h1);
            Assert.Equal(Expected(new[] { "a" }), File.ReadAllBytes(Output));
            sink.Write("b");
            sink.Commit(2, Prepare(sink, 2));
        }

        Assert.Equal(Expected(new[] { "a", "b" }), File.ReadAllBytes(Output));
    }

    [Fact]
    public void PendingFileGone_AndOutputShort_IsAnError()
    {
        using var sink = new TransactionalFileSink(Output);
        sink.Recover(-1, default);
        sink.Write("a");
        byte[] h1 = Prepare(sink, 1);
        File.Delete(Output + ".pending-0000000001");
        var e = Assert.Throws<IOException>(() => sink.Commit(1, h1));
        Assert.Contains("pending-0000000001", e.Message, StringComparison.Ordinal);
    }

    // A job writes lines, taking checkpoints at given lines, and crashes at given steps, each time restarting from its
    // latest durable checkpoint; the output at the end is always that of the run without crash.
    [Fact]
    public void CrashesAtRandomSteps_ThenRecoverAndReplay_GiveTheUninterruptedOutput()
    {
        var line = Gen.String[Gen.Char["aé€\u00fc"], 0, 6];
        var crash = Gen.Select(Gen.Int[0, 60], Gen.Int[0, 4]);
        Gen.Select(line.Array[1, 30], Gen.Int[1, 5], crash.Array[0, 6]).Sample((lines, every, crashes) =>
        {
            string directory = Directory.CreateDirectory(Path.Combine(_dir.Path, Guid.NewGuid().ToString("N"))).FullName;
            string output = Path.Combine(directory, "out.txt");
            var store = new SortedDictionary<long, (byte[] Handle, int Position)>();
            int run = 0;
            while (true)
            {
                (int At, int Kind)? plan = run < crashes.Length ? crashes[run] : null;
                run++;
                if (!Run(output, lines, every, store, plan))
                {
                    break;
                }
            }

            Assert.Equal(Expected(lines), File.ReadAllBytes(output));
            Assert.Empty(Directory.GetFiles(directory, "out.txt.pending-*"));
        }, iter: 100);
    }

    // One run of the job, from its latest durable checkpoint; true when it crashed (at step plan.At).
    private static bool Run(string output, string[] lines, int every, SortedDictionary<long, (byte[] Handle, int Position)> store, (int At, int Kind)? plan)
    {
        int step = 0;
        bool Crash() => plan is { } p && step++ == p.At;

        using var sink = new TransactionalFileSink(output);
        long restored = store.Count == 0 ? -1 : store.Keys.Last();
        int position = 0;
        if (restored >= 0)
        {
            (byte[] handle, position) = store[restored];
            sink.Recover(restored, handle);
        }
        else
        {
            sink.Recover(-1, default);
        }

        long next = restored + 1;
        for (int i = position; i <= lines.Length; i++)
        {
            bool last = i == lines.Length;
            if (!last)
            {
                sink.Write(lines[i]);
                if (Crash())
                {
                    return true; // mid-transaction
                }
            }

            if (!last && (i + 1) % every != 0)
            {
                continue;
            }

            long id = next++;
            byte[] h = Prepare(sink, id);
            int consumed = last ? i : i + 1;
            if (Crash())
            {
                return true; // prepared, the checkpoint not written
            }

            store[id] = (h, consumed);
            if (Crash())
            {
                if (plan!.Value.Kind == 4)
                {
                    store.Remove(id); // the checkpoint is damaged after all: the store passes it over
                }

                return true; // durable, not committed
            }

            if (Crash())
            {
                // Mid-commit: the output truncated and partly appended.
                string pendingPath = output + ".pending-" + id.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
                if (File.Exists(pendingPath))
                {
                    byte[] pending = File.ReadAllBytes(pendingPath);
                    var reader = new Compiled.Coders.CoderReader(h);
                    reader.ReadByte(); // the handle: version, pending file's name, its length, the output's length before
                    reader.ReadString();
                    reader.ReadInt64();
                    long before = reader.ReadInt64();
                    using var file = new FileStream(output, FileMode.OpenOrCreate);
                    file.SetLength(before);
                    file.Position = before;
                    file.Write(pending, 0, pending.Length * plan!.Value.Kind / 4);
                }

                return true;
            }

            sink.Commit(id, h);
            if (Crash())
            {
                if (plan!.Value.Kind == 4 && store.Count > 1)
                {
                    store.Remove(id); // committed, then damaged: the restart goes back one checkpoint
                }

                return true;
            }

            if (last)
            {
                break;
            }
        }

        return false;
    }
}
