using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Checkpoints;

public sealed class TextFileSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Write(string name, string text) => Write(name, Encoding.UTF8.GetBytes(text));

    // The lines as TextInput reads them.
    private static List<string> Reference(string path)
    {
        var consumer = new ListConsumer { Lines = new List<string>() };
        TextInput.FromFile(path).ReadLines(ref consumer);
        return consumer.Lines;
    }

    private static List<string> ReadAll(TextFileSource source)
    {
        var lines = new List<string>();
        while (source.TryReadLine(out string line))
        {
            lines.Add(line);
        }

        return lines;
    }

    private static byte[] Checkpoint(TextFileSource source)
    {
        var buffer = new ArrayBufferWriter<byte>();
        source.WriteCheckpoint(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData("a\nb\nc\n")]
    [InlineData("a\r\nb\r\nc\r\n")]
    [InlineData("a\rb\rc\r")]
    [InlineData("a\nb\r\nc\rd")]
    [InlineData("\n\n\r\r\n\r\nlast")]
    [InlineData("é€😀\nñ\r\n日本語\rend without newline")]
    [InlineData("")]
    [InlineData("\uFEFFwith byte order mark\nsecond")]
    public void ReadsTheLinesTextInputReads(string text)
    {
        string path = Write("in.txt", text);
        using var source = new TextFileSource(path, bufferSize: 16);
        var lines = ReadAll(source);
        Assert.Equal(Reference(path), lines);
        Assert.Equal(lines.Count, source.LineNumber);
        Assert.Equal(new FileInfo(path).Length, source.Position);
    }

    [Theory]
    [InlineData("a\nb\nc\n")]
    [InlineData("one\r\ntwo\r\nthree\r\n")]
    [InlineData("one\rtwo\rthree\r")]
    [InlineData("x\r\n\r\ny\rz\n\nno trailing newline")]
    [InlineData("é€😀\nñ\r\n日本語\r\n𝄞𝄞𝄞𝄞𝄞𝄞𝄞𝄞𝄞\rend")]
    [InlineData("\uFEFFbom\r\nline")]
    public void Restore_ResumesAtTheExactNextLine(string text)
    {
        string path = Write("in.txt", text);
        var all = Reference(path);
        for (int k = 0; k <= all.Count; k++)
        {
            var read = new List<string>();
            byte[] state;
            long position;
            using (var first = new TextFileSource(path, bufferSize: 16))
            {
                for (int i = 0; i < k; i++)
                {
                    Assert.True(first.TryReadLine(out string line));
                    read.Add(line);
                }

                state = Checkpoint(first);
                position = first.Position;
                Assert.Equal(k, first.LineNumber);

                // Reading on after the checkpoint does not change what it kept.
                first.TryReadLine(out _);
            }

            using var second = new TextFileSource(path, bufferSize: 16);
            second.RestoreCheckpoint(state);
            Assert.Equal(position, second.Position);
            Assert.Equal(k, second.LineNumber);
            read.AddRange(ReadAll(second));
            Assert.Equal(all, read);
            Assert.Equal(all.Count, second.LineNumber);
        }
    }

    [Fact]
    public void Restore_AtAnyLine_OfRandomText_ResumesThere()
    {
        var piece = Gen.OneOf(Gen.Const("a"), Gen.Const("bc"), Gen.Const("é"), Gen.Const("€"), Gen.Const("😀"), Gen.Const("\n"), Gen.Const("\r"), Gen.Const("\r\n"));
        Gen.Select(piece.Array[0, 60], Gen.Int[16, 40], Gen.Int[0, 100]).Sample((pieces, bufferSize, cut) =>
        {
            string path = Write("random-" + Guid.NewGuid().ToString("N") + ".txt", string.Concat(pieces));
            var all = Reference(path);
            int k = all.Count == 0 ? 0 : cut % (all.Count + 1);
            var read = new List<string>();
            byte[] state;
            using (var first = new TextFileSource(path, bufferSize))
            {
                for (int i = 0; i < k; i++)
                {
                    Assert.True(first.TryReadLine(out string line));
                    read.Add(line);
                }

                state = Checkpoint(first);
            }

            using var second = new TextFileSource(path, bufferSize);
            second.RestoreCheckpoint(state);
            read.AddRange(ReadAll(second));
            Assert.Equal(all, read);
        }, iter: 300);
    }

    [Fact]
    public async Task ReadLineAsync_ReadsTheSameLines_AndRestores()
    {
        string path = Write("in.txt", "first\r\nsecond\rthird\nfourth");
        byte[] state;
        using (var first = new TextFileSource(path, bufferSize: 16))
        {
            Assert.Equal("first", await first.ReadLineAsync());
            Assert.Equal("second", await first.ReadLineAsync());
            state = Checkpoint(first);
        }

        using var second = new TextFileSource(path, bufferSize: 16);
        second.RestoreCheckpoint(state);
        Assert.Equal("third", await second.ReadLineAsync());
        Assert.Equal("fourth", await second.ReadLineAsync());
        Assert.Null(await second.ReadLineAsync());
        Assert.Equal(4, second.LineNumber);
    }

    [Fact]
    public void LinesAppendedAfterTheEnd_AreReadNext()
    {
        string path = Write("growing.txt", "a\n");
        using var source = new TextFileSource(path);
        Assert.Equal(new[] { "a" }, ReadAll(source));
        File.AppendAllText(path, "b\nc\n");
        Assert.Equal(new[] { "b", "c" }, ReadAll(source));
        Assert.Equal(3, source.LineNumber);
    }

    [Fact]
    public void FileShrunkBelowTheOffset_IsAMismatch_WithAClearMessage()
    {
        string path = Write("in.txt", "line one\nline two\nline three\n");
        byte[] state;
        using (var first = new TextFileSource(path))
        {
            first.TryReadLine(out _);
            first.TryReadLine(out _);
            state = Checkpoint(first);
        }

        File.WriteAllText(path, "short\n");
        using var second = new TextFileSource(path);
        var e = Assert.Throws<CheckpointMismatchException>(() => second.RestoreCheckpoint(state));
        Assert.Contains("fewer than the offset 18", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileChangedBeforeTheOffset_IsAMismatch()
    {
        string path = Write("in.txt", "line one\nline two\nline three\n");
        byte[] state;
        using (var first = new TextFileSource(path))
        {
            first.TryReadLine(out _);
            state = Checkpoint(first);
        }

        File.WriteAllText(path, "LINE ONE\nline two\nline three\n");
        using var second = new TextFileSource(path);
        var e = Assert.Throws<CheckpointMismatchException>(() => second.RestoreCheckpoint(state));
        Assert.Contains("differ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LineTooLong_Throws()
    {
        string path = Write("in.txt", "ok\n" + new string('x', 100) + "\n");
        using var source = new TextFileSource(path, bufferSize: 16, maxLineLength: 50);
        Assert.True(source.TryReadLine(out _));
        var e = Assert.Throws<LineTooLongException>(() => source.TryReadLine(out _));
        Assert.Equal(2, e.LineNumber);
    }

    private struct ListConsumer : ILineConsumer
    {
        public List<string> Lines;

        public void OnLine(ReadOnlySpan<char> line) => Lines.Add(new string(line));
    }
}
