using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Compiled.Tests.Runtime;

public class TextInputTests
{
    private static readonly byte[] Bom = { 0xEF, 0xBB, 0xBF };

    private struct CollectingConsumer : ILineConsumer
    {
        public List<string> Lines;

        public void OnLine(ReadOnlySpan<char> line) => (Lines ??= new List<string>()).Add(new string(line));
    }

    // Allocation-free: sums lengths and a checksum of the characters.
    private struct ChecksumConsumer : ILineConsumer
    {
        public long Lines;
        public long Chars;
        public long Checksum;
        public int LongestLine;

        public void OnLine(ReadOnlySpan<char> line)
        {
            Lines++;
            Chars += line.Length;
            LongestLine = Math.Max(LongestLine, line.Length);
            foreach (char c in line)
            {
                Checksum = (Checksum * 31) + c;
            }
        }
    }

    private struct CallbackConsumer : ILineConsumer
    {
        private readonly Action<string> _onLine;

        public CallbackConsumer(Action<string> onLine) => _onLine = onLine;

        public void OnLine(ReadOnlySpan<char> line) => _onLine(new string(line));
    }

    private sealed class ThrowingConsumer : ILineConsumer
    {
        public int Seen;

        public void OnLine(ReadOnlySpan<char> line)
        {
            if (++Seen == 2)
            {
                throw new InvalidDataException("boom");
            }
        }
    }

    /// <summary>
    /// A stream returning 1 to <c>maxBytesPerRead</c> (default 3) bytes per read, so pipe segments split
    /// lines, delimiters and characters anywhere.
    /// </summary>
    private sealed class TrickleStream : Stream
    {
        private readonly byte[] _data;
        private readonly Random _random;
        private readonly int _maxBytesPerRead;
        private int _position;

        public TrickleStream(byte[] data, int seed, int maxBytesPerRead = 3)
        {
            _data = data;
            _random = new Random(seed);
            _maxBytesPerRead = maxBytesPerRead;
        }

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, _random.Next(1, _maxBytesPerRead + 1)), _data.Length - _position);
            _data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// A stream returning the given chunks, one per read (a chunk larger than the reader's buffer over
    /// several reads): no read crosses a chunk boundary.
    /// </summary>
    private sealed class ChunkedStream : Stream
    {
        private readonly Queue<byte[]> _chunks;
        private int _offset;
        private int _reads;

        public ChunkedStream(params string[] chunks) => _chunks = new Queue<byte[]>(chunks.Select(Encoding.UTF8.GetBytes));

        public ChunkedStream(params byte[][] chunks) => _chunks = new Queue<byte[]>(chunks);

        /// <summary>Called before each read with the read's index (0-based).</summary>
        public Action<int>? BeforeRead { get; init; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            BeforeRead?.Invoke(_reads++);
            if (!_chunks.TryPeek(out byte[]? chunk))
            {
                return 0;
            }

            int n = Math.Min(chunk.Length - _offset, buffer.Length);
            chunk.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            if (_offset == chunk.Length)
            {
                _chunks.Dequeue();
                _offset = 0;
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Counts the bytes read from the stream it wraps.</summary>
    private sealed class CountingStream : Stream
    {
        private readonly Stream _inner;

        public CountingStream(Stream inner) => _inner = inner;

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = _inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await _inner.ReadAsync(buffer, cancellationToken);
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    // The reference splitter, written as the plain loop of Beam's TextSource: a line ends at \n, at \r,
    // or at \r\n (one delimiter); a final line without delimiter counts only if it is not empty.
    private static List<string> ExpectedLines(string text)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\n' && c != '\r')
            {
                line.Append(c);
                continue;
            }

            lines.Add(line.ToString());
            line.Clear();
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
            }
        }

        if (line.Length > 0)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }

    // Every way of reading the same bytes: in memory, whole, one byte per read (as Beam's
    // "ZeroAndOneLengthReturningChannel" tests do), a few bytes per read, from a file with large and
    // one-byte buffers, and asynchronously. The caller deletes the file at path.
    private static List<(string How, Func<Task<List<string>>> Read)> Readers(byte[] bytes, string path, string? text = null, int maxLineLength = TextInput.DefaultMaxLineLength)
    {
        File.WriteAllBytes(path, bytes);
        var readers = new List<(string, Func<Task<List<string>>>)>
        {
            ("stream", () => Task.FromResult(Read(TextInput.FromStream(new MemoryStream(bytes), maxLineLength: maxLineLength)))),
            ("one byte per read", () => Task.FromResult(Read(TextInput.FromStream(new TrickleStream(bytes, 1, maxBytesPerRead: 1), bufferSize: 1, maxLineLength: maxLineLength)))),
            ("1-3 bytes per read", () => Task.FromResult(Read(TextInput.FromStream(new TrickleStream(bytes, 2), bufferSize: 5, maxLineLength: maxLineLength)))),
            ("async, one byte per read", async () => (await TextInput.FromStream(new TrickleStream(bytes, 3, maxBytesPerRead: 1), bufferSize: 1, maxLineLength: maxLineLength).ReadLinesAsync(new CollectingConsumer { Lines = new() })).Lines),
            ("file", () => Task.FromResult(Read(TextInput.FromFile(path, maxLineLength: maxLineLength)))),
            ("file, 1-byte buffer", () => Task.FromResult(Read(TextInput.FromFile(path, bufferSize: 1, maxLineLength: maxLineLength)))),
            ("file, async", async () => (await TextInput.FromFile(path, bufferSize: 2, maxLineLength: maxLineLength).ReadLinesAsync(new CollectingConsumer { Lines = new() })).Lines),
        };
        if (text is not null)
        {
            readers.Insert(0, ("string", () => Task.FromResult(Read(TextInput.FromString(text, maxLineLength)))));
        }

        return readers;
    }

    private static Task AssertEveryWayAsync(IReadOnlyList<string> expected, string text, int maxLineLength = TextInput.DefaultMaxLineLength) =>
        AssertEveryWayAsync(expected, Encoding.UTF8.GetBytes(text), text, maxLineLength);

    private static async Task AssertEveryWayAsync(IReadOnlyList<string> expected, byte[] bytes, string? text = null, int maxLineLength = TextInput.DefaultMaxLineLength)
    {
        string path = TempFile(Array.Empty<byte>());
        try
        {
            foreach ((string how, Func<Task<List<string>>> read) in Readers(bytes, path, text, maxLineLength))
            {
                List<string> lines = await read();
                Assert.True(expected.SequenceEqual(lines), $"{how}: expected [{Show(expected)}], got [{Show(lines)}]");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task AssertEveryWayThrowsLineTooLongAsync(string text, int maxLineLength, long lineNumber)
    {
        string path = TempFile(Array.Empty<byte>());
        try
        {
            foreach ((string how, Func<Task<List<string>>> read) in Readers(Encoding.UTF8.GetBytes(text), path, text, maxLineLength))
            {
                LineTooLongException error = await Assert.ThrowsAsync<LineTooLongException>(read);
                Assert.True(error.LineNumber == lineNumber, $"{how}: line {error.LineNumber}, expected {lineNumber}");
                Assert.Equal(maxLineLength, error.MaxLineLength);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Show(IEnumerable<string> lines) =>
        string.Join(", ", lines.Select(l => "\"" + l.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\""));

    private static readonly string[] BeamExpected = { "asdf", "hjkl", "xyz" };

    /// <summary>
    /// Beam's own cases for the default delimiters, with Beam's expected lines: the tests of
    /// <c>TextIOTest</c> (named here) whose data <c>TextIOReadTest.ReadWithDefaultDelimiterTest</c>
    /// reads again, also one byte per read; <c>testProgressEmptyFile</c> (an empty file has no line);
    /// <c>CompressedReadTest</c>'s TINY file, written with <c>println</c>.
    /// </summary>
    public static TheoryData<string, string, string[]> BeamDefaultDelimiterCases => new()
    {
        { "testReadEmptyLines", "\n\n\n", new[] { "", "", "" } },
        { "testReadFileWithLineFeedDelimiter", "asdf\nhjkl\nxyz\n", BeamExpected },
        { "testReadFileWithCarriageReturnDelimiter", "asdf\rhjkl\rxyz\r", BeamExpected },
        { "testReadFileWithCarriageReturnAndLineFeedDelimiter", "asdf\r\nhjkl\r\nxyz\r\n", BeamExpected },
        { "testReadFileWithMixedDelimiters", "asdf\rhjkl\r\nxyz\n", BeamExpected },
        { "testReadFileWithLineFeedDelimiterAndNonEmptyBytesAtEnd", "asdf\nhjkl\nxyz", BeamExpected },
        { "testReadFileWithCarriageReturnDelimiterAndNonEmptyBytesAtEnd", "asdf\rhjkl\rxyz", BeamExpected },
        { "testReadFileWithCarriageReturnAndLineFeedDelimiterAndNonEmptyBytesAtEnd", "asdf\r\nhjkl\r\nxyz", BeamExpected },
        { "testReadFileWithMixedDelimitersAndNonEmptyBytesAtEnd", "asdf\rhjkl\r\nxyz", BeamExpected },
        { "testProgressEmptyFile", "", Array.Empty<string>() },
        { "CompressedReadTest TINY", "Irritable eagle\nOptimistic jay\nFanciful hawk\n", new[] { "Irritable eagle", "Optimistic jay", "Fanciful hawk" } },
    };

    [Theory]
    [MemberData(nameof(BeamDefaultDelimiterCases))]
    public async Task Beam_ReadWithDefaultDelimiter(string beamTest, string text, string[] expected)
    {
        Assert.NotNull(beamTest);
        await AssertEveryWayAsync(expected, text);
    }

    /// <summary>
    /// Edge cases Beam has no named test for, with the lines Beam's <c>TextSource.readDefaultLine</c>
    /// gives: an empty line is delivered when a delimiter ends it, never for the bytes after the last
    /// delimiter. <c>SkippingHeaderTest</c> relies on "\n" being one empty line.
    /// </summary>
    public static TheoryData<string, string[]> BeamTextSourceEdgeCases => new()
    {
        { "\n", new[] { "" } },
        { "\r", new[] { "" } },
        { "\r\n", new[] { "" } },
        { "\r\n\r\n", new[] { "", "" } },
        { "\n\r", new[] { "", "" } },
        { "\r\r\n", new[] { "", "" } },
        { "a\r", new[] { "a" } },
        { "a\n\r", new[] { "a", "" } },
        { "a\r\rb", new[] { "a", "", "b" } },
        { "a\rb", new[] { "a", "b" } },
        { "a\r\n\nb", new[] { "a", "", "b" } },
    };

    [Theory]
    [MemberData(nameof(BeamTextSourceEdgeCases))]
    public Task Beam_TextSourceEdgeCases(string text, string[] expected) => AssertEveryWayAsync(expected, text);

    [Fact]
    public async Task CarriageReturnLineFeed_IsOneDelimiter_WhenSplitAcrossReads()
    {
        // Each chunk is one pipe read: the \r ends one read and its \n starts the next.
        var input = TextInput.FromStream(new ChunkedStream("a\r", "\nb\r", "\r\n", "c\r", "\n"), bufferSize: 16);
        Assert.Equal(new[] { "a", "b", "", "c" }, Read(input));
        Assert.Equal(10, input.BytesRead);

        // A line longer than a read, ended by \r\n split across the next two reads.
        input = TextInput.FromStream(new ChunkedStream("abc", "def\r", "\n", "g"), bufferSize: 4);
        Assert.Equal(new[] { "abcdef", "g" }, Read(input));

        // The same with the async reader.
        var consumer = await TextInput.FromStream(new ChunkedStream("a\r", "\nb\r", "\r\n", "c\r", "\n"), bufferSize: 16)
            .ReadLinesAsync(new CollectingConsumer { Lines = new() });
        Assert.Equal(new[] { "a", "b", "", "c" }, consumer.Lines);
    }

    [Fact]
    public void CarriageReturn_AtTheEndOfARead_DeliversTheLineAtOnce()
    {
        // A line ended by \r is delivered before the next byte is read (Beam does the same), so a
        // streaming source that pauses after \r does not hold the line back.
        var seen = new List<string>();
        var stream = new ChunkedStream("first\r", "\nsecond\n")
        {
            BeforeRead = read =>
            {
                if (read == 1)
                {
                    Assert.Equal(new[] { "first" }, seen);
                }
            },
        };
        var consumer = new CallbackConsumer(seen.Add);
        TextInput.FromStream(stream, bufferSize: 64).ReadLines(ref consumer);
        Assert.Equal(new[] { "first", "second" }, seen);
    }

    private static List<string> Read(TextInput input)
    {
        var consumer = new CollectingConsumer { Lines = new List<string>() };
        input.ReadLines(ref consumer);
        return consumer.Lines;
    }

    private static string TempFile(byte[] content)
    {
        string path = Path.Combine(Path.GetTempPath(), "compiled-textinput-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllBytes(path, content);
        return path;
    }

    public static TheoryData<string> Texts => new()
    {
        "",
        "a",
        "a\n",
        "a\nb",
        "a\nb\n",
        "a\r\nb\r\n",
        "a\r\nb",
        "\n",
        "\r\n",
        "\n\n\n",
        "a\n\nb\n\n",
        "a\r",
        "x\ry\nz",
        "\r\r\n",
        "héllo\nwörld ✓\r\n😀😀\n日本語",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void AllSources_SplitLikeTheReference(string text)
    {
        List<string> expected = ExpectedLines(text);
        byte[] bytes = Encoding.UTF8.GetBytes(text);

        Assert.Equal(expected, Read(TextInput.FromString(text)));
        Assert.Equal(expected, Read(TextInput.FromStream(new MemoryStream(bytes))));
        Assert.Equal(expected, Read(TextInput.FromStream(new TrickleStream(bytes, 1), bufferSize: 1)));
        Assert.Equal(expected, Read(TextInput.FromStream(new TrickleStream(bytes, 2), bufferSize: 5)));
        Assert.Equal(expected, Read(TextInput.FromStream(new MemoryStream(Bom.Concat(bytes).ToArray()))));
        Assert.Equal(expected, Read(TextInput.FromStream(new TrickleStream(Bom.Concat(bytes).ToArray(), 3), bufferSize: 2)));

        string path = TempFile(bytes);
        try
        {
            Assert.Equal(expected, Read(TextInput.FromFile(path)));
            Assert.Equal(expected, Read(TextInput.FromFile(path, bufferSize: 3)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // A file of two short lines, one line of lineLength 'x', and a last short line.
    private static string FileWithLongLine(long lineLength)
    {
        string path = TempFile("first\r\nsecond\n"u8.ToArray());
        using (var file = new FileStream(path, FileMode.Append))
        {
            var block = new byte[1 << 20];
            block.AsSpan().Fill((byte)'x');
            for (long left = lineLength; left > 0; left -= block.Length)
            {
                file.Write(block, 0, (int)Math.Min(left, block.Length));
            }

            file.Write("\nlast\n"u8);
        }

        return path;
    }

    [Fact]
    public void LineTooLong_FailsNamingFileAndLine_WithMemoryBoundedByTheLimit()
    {
        const int limit = 1 << 20; // 1 MiB
        string path = FileWithLongLine(50_000_000);
        try
        {
            var input = TextInput.FromFile(path, maxLineLength: limit);
            var consumer = new CollectingConsumer { Lines = new List<string>() };
            LineTooLongException? error = null;

            // The first read, pools cold: everything it allocates is counted.
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                input.ReadLines(ref consumer);
            }
            catch (LineTooLongException e)
            {
                error = e;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.NotNull(error);
            Assert.Equal(new[] { "first", "second" }, consumer.Lines);
            Assert.Equal(3, error.LineNumber);
            Assert.Equal(limit, error.MaxLineLength);
            Assert.Equal($"file '{path}'", error.Input);
            Assert.StartsWith($"Line 3 of file '{path}' is longer than the maximum line length of 1048576 bytes", error.Message, StringComparison.Ordinal);
            Assert.Equal(2, input.LinesRead);

            // The 50 MB line is never buffered whole: the read holds about the limit plus one read buffer.
            Assert.True(allocated < 3L * limit, $"allocated {allocated} bytes for a limit of {limit}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task LineTooLong_StopsReadingTheStream_SyncAndAsync()
    {
        const int limit = 1 << 20;
        string path = FileWithLongLine(50_000_000);
        try
        {
            var counted = new CountingStream(File.OpenRead(path));
            var error = Assert.Throws<LineTooLongException>(() => Read(TextInput.FromStream(counted, name: "upload.txt", maxLineLength: limit)));
            Assert.Equal(3, error.LineNumber);
            Assert.Equal("stream 'upload.txt'", error.Input);
            Assert.True(counted.BytesRead < limit + (4 * TextInput.DefaultBufferSize), $"read {counted.BytesRead} bytes of the stream");

            counted = new CountingStream(File.OpenRead(path));
            error = await Assert.ThrowsAsync<LineTooLongException>(async () =>
                await TextInput.FromStream(counted, maxLineLength: limit).ReadLinesAsync(default(ChecksumConsumer)));
            Assert.Equal(3, error.LineNumber);
            Assert.Equal("stream 'CountingStream'", error.Input);
            Assert.True(counted.BytesRead < limit + (4 * TextInput.DefaultBufferSize), $"read {counted.BytesRead} bytes of the stream");

            using var file = File.OpenRead(path);
            error = Assert.Throws<LineTooLongException>(() => Read(TextInput.FromStream(file, leaveOpen: true, maxLineLength: limit)));
            Assert.Equal($"stream '{file.Name}'", error.Input);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("0123456789")]
    [InlineData("ééééé")] // 2-byte characters
    [InlineData("日本語x")] // 3-byte characters
    [InlineData("😀😀é")] // 4-byte characters (2 chars each)
    public async Task LineOfExactlyMaxLineLength_IsRead_OneByteMoreFails(string tenBytes)
    {
        Assert.Equal(10, Encoding.UTF8.GetByteCount(tenBytes));
        foreach (string delimiter in new[] { "\n", "\r", "\r\n", "" })
        {
            await AssertEveryWayAsync(new[] { "a", tenBytes }, "a\n" + tenBytes + delimiter, maxLineLength: 10);
            if (delimiter.Length > 0)
            {
                await AssertEveryWayAsync(new[] { tenBytes, "b" }, tenBytes + delimiter + "b", maxLineLength: 10);
            }

            await AssertEveryWayThrowsLineTooLongAsync("a\n" + tenBytes + "z" + delimiter, maxLineLength: 10, lineNumber: 2);
            await AssertEveryWayThrowsLineTooLongAsync("a\r\nb\r" + tenBytes + "z" + delimiter + "c", maxLineLength: 10, lineNumber: 3);
        }
    }

    [Fact]
    public void DefaultMaxLineLength_IsFourMebibytes()
    {
        Assert.Equal(4 * 1024 * 1024, TextInput.DefaultMaxLineLength);
        Assert.Equal(TextInput.DefaultMaxLineLength, TextInput.FromFile("any.txt").MaxLineLength);
        Assert.Equal(TextInput.DefaultMaxLineLength, TextInput.FromString("").MaxLineLength);
        Assert.Equal(7, TextInput.FromStream(new MemoryStream(), maxLineLength: 7).MaxLineLength);

        string atLimit = FileWithLongLine(TextInput.DefaultMaxLineLength);
        string overLimit = FileWithLongLine(TextInput.DefaultMaxLineLength + 1);
        try
        {
            var counter = default(ChecksumConsumer);
            TextInput.FromFile(atLimit).ReadLines(ref counter);
            Assert.Equal(4, counter.Lines);
            Assert.Equal(TextInput.DefaultMaxLineLength, counter.LongestLine);

            var error = Assert.Throws<LineTooLongException>(() => Read(TextInput.FromFile(overLimit)));
            Assert.Equal(3, error.LineNumber);

            // Raising the limit reads it.
            counter = default;
            TextInput.FromFile(overLimit, maxLineLength: TextInput.DefaultMaxLineLength + 1).ReadLines(ref counter);
            Assert.Equal(4, counter.Lines);
        }
        finally
        {
            File.Delete(atLimit);
            File.Delete(overLimit);
        }
    }

    [Fact]
    public void MaxLineLength_MustBePositive_AndDoesNotApplyToFromLines()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TextInput.FromFile("a.txt", maxLineLength: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextInput.FromStream(new MemoryStream(), maxLineLength: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextInput.FromString("a", maxLineLength: 0));

        var error = Assert.Throws<LineTooLongException>(() => Read(TextInput.FromString("ok\ntoo long", maxLineLength: 4)));
        Assert.Equal("in-memory text", error.Input);
        Assert.Equal(2, error.LineNumber);

        string longLine = new('x', TextInput.DefaultMaxLineLength + 1);
        Assert.Equal(new[] { longLine }, Read(TextInput.FromLines(new[] { longLine })));
    }

    [Fact]
    public void Bom_OnlyAtStartIsSkipped()
    {
        byte[] bytes = Bom.Concat(Encoding.UTF8.GetBytes("a\n")).Concat(Bom).Concat(Encoding.UTF8.GetBytes("b\n")).ToArray();
        Assert.Equal(new[] { "a", "\uFEFFb" }, Read(TextInput.FromStream(new MemoryStream(bytes))));
        Assert.Empty(Read(TextInput.FromStream(new MemoryStream(Bom))));
        Assert.Equal(new[] { "" }, Read(TextInput.FromStream(new MemoryStream(Bom.Append((byte)'\n').ToArray()))));

        // Fewer bytes than a BOM, and a BOM prefix that is not a BOM.
        Assert.Equal(new[] { "x" }, Read(TextInput.FromStream(new MemoryStream(new[] { (byte)'x' }))));
        Assert.Equal(new[] { "\uFFFDa" }, Read(TextInput.FromStream(new TrickleStream(new byte[] { 0xEF, 0xBB, (byte)'a' }, 4), bufferSize: 1)));
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// Beam's <c>TextIOReadTest.TextSourceTest.testRemoveUtf8BOM</c>: ASCII, UTF-8 without and with
    /// a byte order mark; only the mark at the start of the file is removed, a U+FEFF starting a later
    /// line is kept.
    /// </summary>
    [Fact]
    public async Task Beam_RemoveUtf8Bom()
    {
        await AssertEveryWayAsync(new[] { "1,p1", "2,p1" }, Encoding.ASCII.GetBytes("1,p1\n2,p1\n"));
        await AssertEveryWayAsync(new[] { "1,p2-Japanese:テスト", "2,p2-Japanese:テスト" }, Utf8("1,p2-Japanese:テスト\n2,p2-Japanese:テスト\n"));
        await AssertEveryWayAsync(new[] { "1,p3-テストBOM", "\uFEFF2,p3-テストBOM" }, Utf8("\uFEFF1,p3-テストBOM\n\uFEFF2,p3-テストBOM\n"));
    }

    /// <summary>Beam's <c>testPreserveNonBOMBytes</c>: U+FEFE (EF BB BE) is not a byte order mark.</summary>
    [Fact]
    public Task Beam_PreserveNonBomBytes() =>
        AssertEveryWayAsync(new[] { "\uFEFE1,p1テスト", "\uFEFE2,p1テスト" }, Utf8("\uFEFE1,p1テスト\n\uFEFE2,p1テスト\n"));

    [Fact]
    public void Bom_SplitAcrossReads_IsSkipped()
    {
        Assert.Equal(new[] { "x", "y" }, Read(TextInput.FromStream(new ChunkedStream(new byte[] { 0xEF }, new byte[] { 0xBB }, new byte[] { 0xBF, (byte)'x', (byte)'\n', (byte)'y' }))));
        Assert.Equal(new[] { "x" }, Read(TextInput.FromStream(new ChunkedStream(new byte[] { 0xFF }, new byte[] { 0xFE }, new byte[] { (byte)'x', 0 }))));
        Assert.Equal(new[] { "x" }, Read(TextInput.FromStream(new ChunkedStream(new byte[] { 0, 0 }, new byte[] { 0xFE, 0xFF, 0, 0 }, new byte[] { 0, (byte)'x' }))));
    }

    public static TheoryData<string> UnicodeEncodings => new() { "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE" };

    private static Encoding EncodingNamed(string name) => name switch
    {
        "UTF-16LE" => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
        "UTF-16BE" => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
        "UTF-32LE" => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
        _ => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
    };

    [Theory]
    [MemberData(nameof(UnicodeEncodings))]
    public async Task Utf16AndUtf32_WithByteOrderMark_AreDecoded(string encodingName)
    {
        // Beam reads every file as UTF-8, which turns these into garbage (and splits UTF-16 at every
        // 0x0A or 0x0D byte); Compiled decodes them by their byte order mark.
        Encoding encoding = EncodingNamed(encodingName);
        string text = "héllo\r\nwörld ✓\n😀 日本語\r\rlast";
        byte[] bytes = encoding.GetPreamble().Concat(encoding.GetBytes(text)).ToArray();
        Assert.Equal(encoding is UnicodeEncoding ? 2 : 4, encoding.GetPreamble().Length);
        var expected = new[] { "héllo", "wörld ✓", "😀 日本語", "", "last" };
        Assert.Equal(expected, ExpectedLines(text));
        await AssertEveryWayAsync(expected, bytes);

        // Progress counts the input's bytes.
        var input = TextInput.FromStream(new MemoryStream(bytes));
        Assert.Equal(expected, Read(input));
        Assert.Equal(bytes.Length, input.BytesRead);
        Assert.Equal(5, input.LinesRead);

        // The line limit counts UTF-8 bytes: the longest line, "😀 日本語", has 14.
        Assert.Equal(expected, Read(TextInput.FromStream(new MemoryStream(bytes), maxLineLength: 14)));
        string path = TempFile(bytes);
        try
        {
            var error = Assert.Throws<LineTooLongException>(() => Read(TextInput.FromFile(path, maxLineLength: 13)));
            Assert.Equal(3, error.LineNumber);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(UnicodeEncodings))]
    public async Task Utf16AndUtf32_EmptyAndLong(string encodingName)
    {
        Encoding encoding = EncodingNamed(encodingName);
        await AssertEveryWayAsync(Array.Empty<string>(), encoding.GetPreamble());

        // Lines longer than the pipe's and the transcoder's buffers.
        string[] lines = { new string('a', 70_000), new string('é', 5_000) + "😀", "", new string('✓', 30_000) };
        byte[] bytes = encoding.GetPreamble().Concat(encoding.GetBytes(string.Join("\r\n", lines) + "\n")).ToArray();
        string path = TempFile(bytes);
        try
        {
            Assert.Equal(lines, Read(TextInput.FromFile(path)));
            Assert.Equal(lines, Read(TextInput.FromFile(path, bufferSize: 7)));
            Assert.Equal(lines, (await TextInput.FromFile(path, bufferSize: 1000).ReadLinesAsync(new CollectingConsumer { Lines = new() })).Lines);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Utf16_InvalidCodeUnits_DecodeToReplacementCharacter()
    {
        // "a", a lone high surrogate (D83D), "\n", "b", and one byte of a cut code unit at the end.
        byte[] littleEndian = { 0xFF, 0xFE, (byte)'a', 0, 0x3D, 0xD8, (byte)'\n', 0, (byte)'b', 0, (byte)'c' };
        await AssertEveryWayAsync(new[] { "a\uFFFD", "b\uFFFD" }, littleEndian);

        byte[] bigEndian = { 0xFE, 0xFF, 0, (byte)'a', 0xD8, 0x3D, 0, (byte)'\n', 0, (byte)'b', 0 };
        await AssertEveryWayAsync(new[] { "a\uFFFD", "b\uFFFD" }, bigEndian);
    }

    [Fact]
    public void Utf16_WithoutByteOrderMark_IsReadAsUtf8()
    {
        // Without a byte order mark the input is UTF-8 (as in Beam): UTF-16 text then shows its zero bytes.
        Assert.Equal(new[] { "a\0", "\0" }, Read(TextInput.FromStream(new MemoryStream(new byte[] { (byte)'a', 0, (byte)'\n', 0 }))));
    }

    [Fact]
    public async Task InvalidUtf8_NeverLosesOrMergesALine()
    {
        // Each maximal invalid subsequence becomes one U+FFFD, as .NET's UTF-8 decoder gives (and Java's
        // new String(bytes, UTF_8), which Beam uses): a stray continuation byte, an invalid byte, a
        // 3-byte sequence cut by a delimiter, a 4-byte one cut by \r\n, an overlong encoding, and a
        // 3-byte sequence cut by the end of the file.
        byte[] bytes =
        {
            (byte)'a', 0x80, (byte)'b', 0xFF, (byte)'c', (byte)'\n',
            0xE2, 0x9C, (byte)'\n',
            0xF0, 0x9F, 0x98, (byte)'\r', (byte)'\n',
            0xC0, 0xAF, (byte)'d', (byte)'\r',
            (byte)'e', 0xE2, 0x9C,
        };
        var expected = new[] { "a\uFFFDb\uFFFDc", "\uFFFD", "\uFFFD", "\uFFFD\uFFFDd", "e\uFFFD" };
        await AssertEveryWayAsync(expected, bytes);

        // The oracle agrees line by line.
        Assert.Equal(Encoding.UTF8.GetString(new byte[] { 0xC0, 0xAF, (byte)'d' }), expected[3]);
    }

    [Fact]
    public async Task MultiByteCharacters_SplitAcrossReads_DecodeWhole()
    {
        // ✓ (E2 9C 93) and 😀 (F0 9F 98 80) with their bytes in different reads, within and across lines.
        byte[][] chunks =
        {
            new byte[] { (byte)'a', 0xE2 },
            new byte[] { 0x9C },
            new byte[] { 0x93, (byte)'\n', 0xF0, 0x9F },
            new byte[] { 0x98, 0x80, (byte)'b', (byte)'\r' },
            new byte[] { (byte)'\n', 0xC3 },
            new byte[] { 0xA9 },
        };
        var expected = new[] { "a✓", "😀b", "é" };
        Assert.Equal(expected, Read(TextInput.FromStream(new ChunkedStream(chunks), bufferSize: 16)));
        Assert.Equal(expected, Read(TextInput.FromStream(new ChunkedStream(chunks), bufferSize: 1)));
        Assert.Equal(expected, (await TextInput.FromStream(new ChunkedStream(chunks), bufferSize: 2).ReadLinesAsync(new CollectingConsumer { Lines = new() })).Lines);

        // Lines longer than a pipe segment (16 bytes here), so that characters also straddle segments.
        for (int pad = 10; pad < 26; pad++)
        {
            string text = new string('a', pad) + "✓😀é\r\n" + new string('b', pad) + "😀";
            byte[][] threeBytesPerRead = Utf8(text).Chunk(3).ToArray();
            Assert.Equal(new[] { new string('a', pad) + "✓😀é", new string('b', pad) + "😀" }, Read(TextInput.FromStream(new ChunkedStream(threeBytesPerRead), bufferSize: 16)));
        }
    }

    [Fact]
    public void Fuzz_MultiByteCharactersAndTerminators_SplitAcrossSegments()
    {
        string[] pieces = { "a", "bc", "é", "ß", "✓", "日本", "😀", "\n", "\r\n", "\r", " ", "" };
        var random = new Random(12345);
        for (int round = 0; round < 300; round++)
        {
            var builder = new StringBuilder();
            int count = random.Next(0, 60);
            for (int i = 0; i < count; i++)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            string text = builder.ToString();
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            if (round % 3 == 0)
            {
                bytes = Bom.Concat(bytes).ToArray();
            }

            int bufferSize = random.Next(1, 16);
            Assert.Equal(ExpectedLines(text), Read(TextInput.FromStream(new TrickleStream(bytes, round), bufferSize: bufferSize)));
        }
    }

    [Fact]
    public void InvalidUtf8_DecodesToReplacementCharacter()
    {
        byte[] bytes = { (byte)'a', 0xFF, (byte)'b', (byte)'\n', 0xE2, 0x9C, (byte)'\n', 0xF0, 0x9F };
        var expected = new[] { "a\uFFFDb", "\uFFFD", "\uFFFD" };
        Assert.Equal(expected, Read(TextInput.FromStream(new MemoryStream(bytes))));
        Assert.Equal(expected, Read(TextInput.FromStream(new TrickleStream(bytes, 5), bufferSize: 1)));
    }

    [Theory]
    [InlineData(TextInput.DefaultBufferSize)]
    [InlineData(4096)]
    [InlineData(7)]
    public void LongLines_LongerThanTheBuffer(int bufferSize)
    {
        var random = new Random(bufferSize);
        string[] alphabet = { "x", "é", "✓", "😀" };
        var lines = new List<string>();
        foreach (int length in new[] { 70_000, 10, 300_000, 0, 65_536, 65_537 })
        {
            var builder = new StringBuilder();
            while (builder.Length < length)
            {
                builder.Append(alphabet[random.Next(alphabet.Length)]);
            }

            lines.Add(builder.ToString());
        }

        string text = string.Join("\r\n", lines);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        string path = TempFile(bytes);
        try
        {
            Assert.Equal(lines, Read(TextInput.FromFile(path, bufferSize)));
            if (bufferSize < 100)
            {
                Assert.Equal(lines, Read(TextInput.FromStream(new TrickleStream(bytes, 9), bufferSize: bufferSize)));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LargeFile_IsReadWithBoundedMemory_AndNoPerLineAllocation()
    {
        // ~48 MB, 1.5 million lines, mixed terminators and multi-byte characters.
        const int lineCount = 1_500_000;
        string path = Path.Combine(Path.GetTempPath(), "compiled-textinput-large-" + Guid.NewGuid().ToString("N") + ".txt");
        var expected = default(ChecksumConsumer);
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
        {
            for (int i = 0; i < lineCount; i++)
            {
                string line = "line " + i + " ✓ é 😀 " + new string((char)('a' + (i % 26)), i % 17);
                expected.OnLine(line);
                writer.Write(line);
                writer.Write(i % 2 == 0 ? "\n" : "\r\n");
            }
        }

        try
        {
            long fileLength = new FileInfo(path).Length;
            Assert.True(fileLength > 40_000_000, $"file is {fileLength} bytes");
            var input = TextInput.FromFile(path);

            // Warm up (JIT, pools), then measure a second full read.
            var warmup = default(ChecksumConsumer);
            input.ReadLines(ref warmup);

            var consumer = default(ChecksumConsumer);
            long before = GC.GetAllocatedBytesForCurrentThread();
            input.ReadLines(ref consumer);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(expected.Lines, consumer.Lines);
            Assert.Equal(expected.Chars, consumer.Chars);
            Assert.Equal(expected.Checksum, consumer.Checksum);
            Assert.Equal(fileLength, input.BytesRead);
            Assert.Equal(lineCount, input.LinesRead);

            // Bounded by buffers, not by the file (48 MB) or the lines (1.5 M): well under 1 MB.
            Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes reading {fileLength} bytes");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void FromLines_DeliversEachStringAsIs()
    {
        var lines = new[] { "a", "", "b\nc", "d\r" };
        Assert.Equal(lines, Read(TextInput.FromLines(lines)));
        Assert.Equal(lines, Read(TextInput.FromLines(lines))); // re-enumerable
        Assert.Empty(Read(TextInput.FromLines(Array.Empty<string>())));
        var input = TextInput.FromLines(lines);
        var counter = default(ChecksumConsumer);
        input.ReadLines(ref counter);
        Assert.Equal(4, input.LinesRead);
        Assert.Equal(0, input.BytesRead);
    }

    [Fact]
    public void FromString_DoesNotStripBom()
    {
        Assert.Equal(new[] { "\uFEFFa" }, Read(TextInput.FromString("\uFEFFa")));
    }

    [Fact]
    public void StructConsumer_IsUpdatedThroughTheReference()
    {
        var consumer = default(ChecksumConsumer);
        TextInput.FromString("ab\ncde\n").ReadLines(ref consumer);
        Assert.Equal(2, consumer.Lines);
        Assert.Equal(5, consumer.Chars);
        Assert.Equal(3, consumer.LongestLine);
    }

    [Fact]
    public void Stream_IsDisposedUnlessLeftOpen_AndReadOnlyOnce()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("a\nb\n");
        var disposed = new TrickleStream(bytes, 1);
        var input = TextInput.FromStream(disposed);
        Assert.Equal(new[] { "a", "b" }, Read(input));
        Assert.True(disposed.Disposed);
        Assert.Throws<InvalidOperationException>(() => Read(input));

        var open = new TrickleStream(bytes, 1);
        Assert.Equal(new[] { "a", "b" }, Read(TextInput.FromStream(open, leaveOpen: true)));
        Assert.False(open.Disposed);
    }

    [Fact]
    public void ConsumerException_Propagates_AndClosesTheStream()
    {
        var stream = new TrickleStream(Encoding.UTF8.GetBytes("a\nb\nc\n"), 1);
        var consumer = new ThrowingConsumer();
        Assert.Throws<InvalidDataException>(() => TextInput.FromStream(stream).ReadLines(ref consumer));
        Assert.True(stream.Disposed);
        Assert.Equal(2, consumer.Seen);
    }

    [Fact]
    public void File_CanBeReadSeveralTimes_AndMissingFileThrows()
    {
        string path = TempFile(Encoding.UTF8.GetBytes("one\ntwo"));
        try
        {
            var input = TextInput.FromFile(path);
            Assert.Equal(new[] { "one", "two" }, Read(input));
            Assert.Equal(new[] { "one", "two" }, Read(input));
            Assert.Equal(7, input.BytesRead);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Throws<FileNotFoundException>(() => Read(TextInput.FromFile(path)));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextInput.FromFile(path, 0));
    }

    [Fact]
    public async Task ReadLinesAsync_MatchesSync()
    {
        string text = "héllo\r\n\nwörld ✓\n😀" + new string('z', 100_000) + "\nlast";
        byte[] bytes = Bom.Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        List<string> expected = ExpectedLines(text);
        string path = TempFile(bytes);
        try
        {
            var fromFile = await TextInput.FromFile(path, bufferSize: 1000).ReadLinesAsync(new CollectingConsumer { Lines = new() });
            Assert.Equal(expected, fromFile.Lines);

            var fromStream = await TextInput.FromStream(new TrickleStream(bytes, 3), bufferSize: 4).ReadLinesAsync(new CollectingConsumer { Lines = new() });
            Assert.Equal(expected, fromStream.Lines);

            var fromString = await TextInput.FromString(text).ReadLinesAsync(new CollectingConsumer { Lines = new() });
            Assert.Equal(expected, fromString.Lines);

            var counted = await TextInput.FromFile(path).ReadLinesAsync(default(ChecksumConsumer));
            Assert.Equal(expected.Count, counted.Lines);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ReadLinesAsync_Cancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await TextInput.FromStream(new MemoryStream(Encoding.UTF8.GetBytes("a\n"))).ReadLinesAsync(default(ChecksumConsumer), cts.Token));
    }
}
