using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace Compiled.Tests.Runtime;

/// <summary>
/// <see cref="TextInput.Split"/>: the parts of an input, read one after the other, give the input's
/// lines, each once, in order; file parts are byte ranges aligned to line starts, as in Beam's TextIO.
/// </summary>
public class TextInputSplitTests
{
    private static readonly byte[] Bom = { 0xEF, 0xBB, 0xBF };

    // ASCII, 2-, 3- and 4-byte UTF-8 (the last a surrogate pair), and a U+FEFF inside a line.
    private static readonly string[] Pieces = { "a", "b", "Z", " ", "é", "€", "😀", "\uFEFF" };

    private static readonly string[] Delimiters = { "\n", "\r", "\r\n" };

    private static readonly int[] BufferSizes = { 1, 2, 3, 5, 16, 4096 };

    private struct CollectingConsumer : ILineConsumer
    {
        public List<string> Lines;

        public void OnLine(ReadOnlySpan<char> line) => (Lines ??= new List<string>()).Add(new string(line));
    }

    private sealed class ReadOnlyOnlyList : IReadOnlyList<string>
    {
        private readonly string[] _items;

        public ReadOnlyOnlyList(string[] items) => _items = items;

        public int Count => _items.Length;

        public string this[int index] => _items[index];

        public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static List<string> Read(TextInput input)
    {
        var consumer = new CollectingConsumer { Lines = new List<string>() };
        input.ReadLines(ref consumer);
        return consumer.Lines;
    }

    private static async Task<List<string>> ReadAsync(TextInput input) =>
        (await input.ReadLinesAsync(new CollectingConsumer { Lines = new List<string>() })).Lines;

    private static List<string> ReadAll(IEnumerable<TextInput> parts) => parts.SelectMany(Read).ToList();

    private static string TempPath() => Path.Combine(Path.GetTempPath(), "compiled-textsplit-" + Guid.NewGuid().ToString("N") + ".txt");

    // The reference splitter (Beam's TextSource loop): a line ends at \n, \r or \r\n (one delimiter); a
    // final line without delimiter counts only if it is not empty.
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

    // Random lines (a quarter of them empty) with random delimiters, the last one optional.
    private static string RandomText(Random random, int maxLines = 12, int maxPieces = 6)
    {
        var text = new StringBuilder();
        int lines = random.Next(maxLines + 1);
        for (int i = 0; i < lines; i++)
        {
            int pieces = random.Next(4) == 0 ? 0 : random.Next(1, maxPieces + 1);
            for (int j = 0; j < pieces; j++)
            {
                text.Append(Pieces[random.Next(Pieces.Length)]);
            }

            if (i < lines - 1 || random.Next(2) == 0)
            {
                text.Append(Delimiters[random.Next(Delimiters.Length)]);
            }
        }

        return text.ToString();
    }

    private static string Show(IEnumerable<string> lines) =>
        string.Join(", ", lines.Select(l => "\"" + l.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\""));

    private static string ShowBytes(byte[] bytes) => Convert.ToHexString(bytes);

    // 1 to 8 parts, and one per byte: then every position of the file is a part's start, inside each
    // \r\n, each multi-byte character and the byte order mark.
    private static IEnumerable<int> PartCounts(int length) => Enumerable.Range(1, 8).Append(Math.Max(1, length));

    [Fact]
    public async Task File_PartsReadInOrder_GiveTheLinesOfTheWholeFile_RandomFiles()
    {
        var random = new Random(20_240_611);
        string path = TempPath();
        int withCrLf = 0, withMultiByte = 0, withBom = 0, withoutFinalDelimiter = 0, boundariesInCrLf = 0, boundariesInCharacters = 0;
        try
        {
            for (int run = 0; run < 2000; run++)
            {
                string text = RandomText(random);
                bool bom = random.Next(3) == 0;
                byte[] bytes = bom ? Bom.Concat(Encoding.UTF8.GetBytes(text)).ToArray() : Encoding.UTF8.GetBytes(text);
                File.WriteAllBytes(path, bytes);
                withCrLf += text.Contains("\r\n", StringComparison.Ordinal) ? 1 : 0;
                withMultiByte += bytes.Skip(bom ? 3 : 0).Any(b => b >= 0x80) ? 1 : 0;
                withBom += bom ? 1 : 0;
                withoutFinalDelimiter += text.Length > 0 && text[^1] != '\n' && text[^1] != '\r' ? 1 : 0;

                int bufferSize = BufferSizes[random.Next(BufferSizes.Length)];
                var whole = TextInput.FromFile(path, bufferSize);
                Assert.True(whole.CanSplit);
                List<string> expected = Read(whole);
                Assert.Equal(ExpectedLines(!bom && text.StartsWith('\uFEFF') ? text[1..] : text), expected); // a leading U+FEFF is a byte order mark
                bool readAsync = run % 4 == 0;
                foreach (int parts in PartCounts(bytes.Length))
                {
                    IReadOnlyList<TextInput> split = whole.Split(parts);
                    Assert.InRange(split.Count, 1, Math.Min(parts, Math.Max(1, bytes.Length)));
                    var lines = new List<string>();
                    long bytesRead = 0, linesRead = 0;
                    foreach (TextInput part in split)
                    {
                        Assert.Equal(whole.MaxLineLength, part.MaxLineLength);
                        lines.AddRange(readAsync ? await ReadAsync(part) : Read(part));
                        bytesRead += part.BytesRead;
                        linesRead += part.LinesRead;
                    }

                    if (!expected.SequenceEqual(lines))
                    {
                        Assert.Fail($"run {run}, {parts} parts ({string.Join("; ", split)}), buffer {bufferSize}, file {ShowBytes(bytes)}: expected [{Show(expected)}], got [{Show(lines)}]");
                    }

                    Assert.True(bytes.Length == bytesRead, $"run {run}, {parts} parts, file {ShowBytes(bytes)}: the parts read {bytesRead} bytes");
                    Assert.Equal(expected.Count, linesRead);
                    if (parts <= Math.Min(8, bytes.Length))
                    {
                        for (int i = 1; i < parts; i++)
                        {
                            long boundary = (long)bytes.Length * i / parts;
                            boundariesInCrLf += bytes[boundary - 1] == '\r' && bytes[boundary] == '\n' ? 1 : 0;
                            boundariesInCharacters += (bytes[boundary] & 0xC0) == 0x80 ? 1 : 0;
                        }
                    }

                    // A part split again gives its lines.
                    if (run % 5 == 0 && split.Count > 1)
                    {
                        List<string> again = ReadAll(split.SelectMany(part => part.Split(3)));
                        Assert.True(expected.SequenceEqual(again), $"run {run}, {parts} parts split in 3 again, file {ShowBytes(bytes)}: got [{Show(again)}]");
                    }
                }
            }
        }
        finally
        {
            File.Delete(path);
        }

        // The random files cover the edge cases, and part starts of the 1 to 8 parts fall inside them
        // (with one part per byte, every position is a part's start).
        Assert.True(withCrLf > 500, $"{withCrLf} files with \\r\\n");
        Assert.True(withMultiByte > 1000, $"{withMultiByte} files with multi-byte characters");
        Assert.True(withBom > 500, $"{withBom} files with a byte order mark");
        Assert.True(withoutFinalDelimiter > 500, $"{withoutFinalDelimiter} files without a final delimiter");
        Assert.True(boundariesInCrLf > 100, $"{boundariesInCrLf} part starts between \\r and \\n");
        Assert.True(boundariesInCharacters > 1000, $"{boundariesInCharacters} part starts inside a character");
    }

    [Theory]
    [InlineData("a\r\nb\r\nc", 2)] // the part starts between \r and \n
    [InlineData("a\r\nb\r\nc", 5)]
    [InlineData("ab\n\ncd", 3)] // the part starts exactly at a line start, after an empty line
    [InlineData("\n\n\n\n", 4)] // empty lines only
    [InlineData("\r\r\n\n\r", 5)]
    [InlineData("é€😀\n😀\r\n€", 13)] // a part per byte, starting inside each character
    [InlineData("abc", 3)] // one line, no delimiter: parts inside it are empty
    public void File_EdgeCases(string text, int parts)
    {
        foreach (bool bom in new[] { false, true })
        {
            string path = TempPath();
            try
            {
                File.WriteAllBytes(path, bom ? Bom.Concat(Encoding.UTF8.GetBytes(text)).ToArray() : Encoding.UTF8.GetBytes(text));
                IReadOnlyList<TextInput> split = TextInput.FromFile(path).Split(parts);
                Assert.Equal(parts, split.Count);
                Assert.Equal(ExpectedLines(text), ReadAll(split));
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public void File_SmallerThanThePartCount_GivesFewerParts_AndNoDuplicateLine()
    {
        string path = TempPath();
        try
        {
            File.WriteAllBytes(path, Array.Empty<byte>());
            var empty = TextInput.FromFile(path);
            IReadOnlyList<TextInput> split = empty.Split(8);
            Assert.Same(empty, Assert.Single(split));
            Assert.Empty(Read(split[0]));

            File.WriteAllText(path, "x");
            var oneByte = TextInput.FromFile(path);
            Assert.Same(oneByte, Assert.Single(oneByte.Split(8)));
            Assert.Equal(new[] { "x" }, Read(oneByte));

            foreach ((string text, string[] expected) in new[]
            {
                ("a\n", new[] { "a" }),
                ("\n", new[] { "" }),
                ("\r\n", new[] { "" }),
                ("\n\n", new[] { "", "" }),
                ("ab", new[] { "ab" }),
                ("a\nb", new[] { "a", "b" }),
            })
            {
                File.WriteAllText(path, text);
                split = TextInput.FromFile(path).Split(8);
                Assert.Equal(Math.Max(1, text.Length), split.Count);
                Assert.Equal(expected, ReadAll(split));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task File_PartsReadConcurrently_GiveTheSameLines()
    {
        var random = new Random(7);
        var text = new StringBuilder();
        while (text.Length < 2_000_000)
        {
            text.Append(RandomText(random, maxLines: 50, maxPieces: 40)).Append('\n');
        }

        string path = TempPath();
        try
        {
            byte[] bytes = Bom.Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
            File.WriteAllBytes(path, bytes);
            var whole = TextInput.FromFile(path, bufferSize: 4096);
            List<string> expected = Read(whole);

            IReadOnlyList<TextInput> parts = whole.Split(8);
            Assert.Equal(8, parts.Count);

            // Synchronous reads, each part on a thread of its own, all at once.
            List<string>[] lines = await Task.WhenAll(parts.Select(part => Task.Factory.StartNew(() => Read(part), TaskCreationOptions.LongRunning)));
            Assert.True(expected.SequenceEqual(lines.SelectMany(l => l)), "synchronous parts");
            Assert.Equal(bytes.Length, parts.Sum(part => part.BytesRead));
            Assert.Equal(expected.Count, parts.Sum(part => part.LinesRead));
            Assert.All(lines, l => Assert.NotEmpty(l));

            // Asynchronous reads, all at once, and again (a part can be read several times).
            lines = await Task.WhenAll(parts.Select(part => Task.Run(() => ReadAsync(part))));
            Assert.True(expected.SequenceEqual(lines.SelectMany(l => l)), "asynchronous parts");
            Assert.Equal(bytes.Length, parts.Sum(part => part.BytesRead));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task File_LineTooLongInALaterPart_NamesTheFileAndTheByteOffset()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 200; i++)
        {
            text.Append("line").Append(i).Append('\n');
        }

        int offset = Encoding.UTF8.GetByteCount(text.ToString());
        text.Append('x', 150).Append("\r\n");
        for (int i = 200; i < 220; i++)
        {
            text.Append("line").Append(i).Append('\n');
        }

        string path = TempPath();
        try
        {
            File.WriteAllText(path, text.ToString());
            var whole = TextInput.FromFile(path, maxLineLength: 100);

            // The whole file: the line number, and now the offset too.
            LineTooLongException error = Assert.Throws<LineTooLongException>(() => Read(whole));
            Assert.Equal(201, error.LineNumber);
            Assert.Equal<long?>(offset, error.ByteOffset);
            Assert.StartsWith($"Line 201 of file '{path}' is longer than the maximum line length of 100 bytes", error.Message, StringComparison.Ordinal);

            // Two parts: the long line is in the second, where its number is not known.
            IReadOnlyList<TextInput> parts = whole.Split(2);
            Assert.True(offset > new FileInfo(path).Length / 2);
            Assert.All(parts, part => Assert.Equal(100, part.MaxLineLength));
            var consumer = new CollectingConsumer { Lines = Read(parts[0]) };
            error = Assert.Throws<LineTooLongException>(() => parts[1].ReadLines(ref consumer));
            Assert.Equal(Enumerable.Range(0, 200).Select(i => "line" + i), consumer.Lines); // the lines before it
            Assert.Equal($"file '{path}'", error.Input);
            Assert.Equal(0, error.LineNumber);
            Assert.Equal<long?>(offset, error.ByteOffset);
            Assert.Equal(100, error.MaxLineLength);
            Assert.StartsWith($"The line at byte offset {offset} of file '{path}' is longer than the maximum line length of 100 bytes", error.Message, StringComparison.Ordinal);

            // Asynchronously too.
            error = await Assert.ThrowsAsync<LineTooLongException>(() => ReadAsync(parts[1]));
            Assert.Equal<long?>(offset, error.ByteOffset);

            // Many parts: only the part where the long line starts fails; the parts inside it skip it.
            parts = whole.Split(200);
            var lines = new List<string>();
            int failed = 0;
            foreach (TextInput part in parts)
            {
                try
                {
                    lines.AddRange(Read(part));
                }
                catch (LineTooLongException e)
                {
                    failed++;
                    Assert.Equal<long?>(offset, e.ByteOffset);
                    Assert.Equal(0, e.LineNumber);
                }
            }

            Assert.Equal(1, failed);
            Assert.Equal(Enumerable.Range(0, 220).Select(i => "line" + i), lines);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void File_LineTooLongInTheFirstPart_HasItsLineNumber()
    {
        string path = TempPath();
        try
        {
            File.WriteAllText(path, "a\nb\n" + new string('é', 20) + "\nc\n" + new string('d', 100) + "\n");
            IReadOnlyList<TextInput> parts = TextInput.FromFile(path, maxLineLength: 30).Split(2);
            LineTooLongException error = Assert.Throws<LineTooLongException>(() => Read(parts[0]));
            Assert.Equal(3, error.LineNumber);
            Assert.Equal<long?>(4, error.ByteOffset);
            Assert.StartsWith($"Line 3 of file '{path}'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("utf-32")]
    public void File_Utf16AndUtf32_IsOnePart(string encodingName)
    {
        string path = TempPath();
        try
        {
            var encoding = Encoding.GetEncoding(encodingName);
            File.WriteAllBytes(path, encoding.GetPreamble().Concat(encoding.GetBytes("a\nb\r\nc")).ToArray());
            var input = TextInput.FromFile(path);
            Assert.True(input.CanSplit);
            Assert.Same(input, Assert.Single(input.Split(4)));
            Assert.Equal(new[] { "a", "b", "c" }, Read(input));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void File_RewrittenAsUtf16AfterSplitting_FailsClearly()
    {
        string path = TempPath();
        try
        {
            File.WriteAllText(path, "a\nb\nc\nd\n");
            IReadOnlyList<TextInput> parts = TextInput.FromFile(path).Split(2);
            File.WriteAllText(path, "a\nb\nc\nd\n", Encoding.Unicode);
            IOException error = Assert.Throws<IOException>(() => Read(parts[0]));
            Assert.Contains("changed since it was split", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void String_PartsGiveTheLinesOfTheWholeText_RandomTexts()
    {
        var random = new Random(42);
        for (int run = 0; run < 2000; run++)
        {
            string text = (random.Next(4) == 0 ? "\uFEFF" : "") + RandomText(random);
            var whole = TextInput.FromString(text);
            Assert.True(whole.CanSplit);
            List<string> expected = ExpectedLines(text);
            Assert.Equal(expected, Read(whole));
            foreach (int parts in PartCounts(text.Length))
            {
                IReadOnlyList<TextInput> split = whole.Split(parts);
                Assert.InRange(split.Count, 1, parts);
                List<string> lines = ReadAll(split);
                Assert.True(expected.SequenceEqual(lines), $"run {run}, {parts} parts ({string.Join("; ", split)}) of [{Show(new[] { text })}]: got [{Show(lines)}]");
                Assert.Equal(expected.Count, split.Sum(part => part.LinesRead));
                if (split.Count > 1)
                {
                    Assert.All(split, part => Assert.True(part.LinesRead > 0, "no part is empty"));
                }
            }
        }
    }

    [Fact]
    public void String_SplitsAtLineStarts_AndKeepsLineNumbers()
    {
        const string text = "one\r\ntwo\nthree\rfour\r\nfive";
        IReadOnlyList<TextInput> parts = TextInput.FromString(text).Split(3);
        Assert.Equal(new[] { "TextInput(text, chars 0 to 9)", "TextInput(text, chars 9 to 21)", "TextInput(text, chars 21 to 25)" }, parts.Select(part => part.ToString()));
        Assert.Equal(new[] { "one", "two", "three", "four", "five" }, ReadAll(parts));

        // "three" (5 bytes) is too long: the part that holds it names its line in the whole text.
        parts = TextInput.FromString(text, maxLineLength: 4).Split(3);
        var lines = new List<string>();
        LineTooLongException? error = null;
        foreach (TextInput part in parts)
        {
            try
            {
                lines.AddRange(Read(part));
            }
            catch (LineTooLongException e)
            {
                error = e;
            }
        }

        Assert.NotNull(error);
        Assert.Equal(3, error.LineNumber);
        Assert.Null(error.ByteOffset);
        Assert.Equal("in-memory text", error.Input);
        Assert.Equal(new[] { "one", "two", "five" }, lines);
    }

    [Fact]
    public void Lines_AreSplitByIndex()
    {
        string[] array = Enumerable.Range(0, 10).Select(i => "line" + i).ToArray();
        array[4] = null!;
        string[] expected = array.Select(l => l ?? "").ToArray();
        foreach (IEnumerable<string> lines in new IEnumerable<string>[] { array, array.ToList(), new ReadOnlyOnlyList(array) })
        {
            var whole = TextInput.FromLines(lines);
            Assert.True(whole.CanSplit);
            IReadOnlyList<TextInput> parts = whole.Split(3);
            Assert.Equal(3, parts.Count);
            Assert.Equal(new[] { 3, 3, 4 }, parts.Select(part => Read(part).Count));
            Assert.Equal(expected, ReadAll(parts));
            Assert.Equal(new long[] { 3, 3, 4 }, parts.Select(part => part.LinesRead));

            parts = whole.Split(20);
            Assert.Equal(10, parts.Count);
            Assert.Equal(expected, ReadAll(parts));
            Assert.Equal(expected, ReadAll(parts.SelectMany(part => part.Split(2))));
        }

        var empty = TextInput.FromLines(Array.Empty<string>());
        Assert.Same(empty, Assert.Single(empty.Split(4)));

        // The last part reads to the end of the list when it is read.
        var growing = new List<string> { "a", "b", "c", "d" };
        IReadOnlyList<TextInput> split = TextInput.FromLines(growing).Split(2);
        growing.Add("e");
        Assert.Equal(new[] { "a", "b", "c", "d", "e" }, ReadAll(split));
    }

    [Fact]
    public void Lines_OverASequence_AreOnePart()
    {
        static IEnumerable<string> Generate()
        {
            yield return "a";
            yield return "b";
        }

        var input = TextInput.FromLines(Generate());
        Assert.False(input.CanSplit);
        Assert.Same(input, Assert.Single(input.Split(4)));
        Assert.Equal(new[] { "a", "b" }, Read(input));
    }

    [Fact]
    public void Stream_IsOnePart()
    {
        var input = TextInput.FromStream(new MemoryStream(Encoding.UTF8.GetBytes("a\nb\nc\n")));
        Assert.False(input.CanSplit);
        Assert.Same(input, Assert.Single(input.Split(4)));
        Assert.Equal(new[] { "a", "b", "c" }, Read(input));
    }

    [Fact]
    public void Split_NeedsAPositivePartCount_AndOnePartIsTheInput()
    {
        var input = TextInput.FromString("a\nb\n");
        Assert.Throws<ArgumentOutOfRangeException>(() => input.Split(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => input.Split(-1));
        Assert.Same(input, Assert.Single(input.Split(1)));
    }
}
