using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StreamingScores;
using Xunit;

namespace Compiled.Tests.Samples;

/// <summary>
/// Hostile input for the StreamingScores sample, in process: every bad record is dead-lettered with its
/// reason, counted and skipped, and the job goes on; the line reader keeps at most a line's worth of memory.
/// </summary>
public class StreamingScoresBadInputTests
{
    private static (string Output, string DeadLetters, ScoresJob Job) Run(string text)
    {
        using var input = new StringReader(text);
        var output = new StringWriter { NewLine = "\n" };
        var deadLetters = new StringWriter { NewLine = "\n" };
        var job = new ScoresJob(input, output, deadLetters, TimeSpan.FromSeconds(5));
        job.RunToEndAsync().GetAwaiter().GetResult();
        return (output.ToString(), deadLetters.ToString(), job);
    }

    [Theory]
    [InlineData("9223372036854775807,u2,Jade,3", "timestamp is after 9999-12-31T00:00:00Z")]    // long.MaxValue: used to end the job
    [InlineData("9223372036854775000,u2,Jade,3", "timestamp is after 9999-12-31T00:00:00Z")]
    [InlineData("9223372036854775,u2,Jade,3", "timestamp is after 9999-12-31T00:00:00Z")]       // Beam's end of time
    [InlineData("", "empty line")]
    [InlineData("1767225601000,u1,Jade", "expected 4 comma-separated fields, found 3")]
    [InlineData("1767225601000,u1,Jade,4,extra", "expected 4 comma-separated fields, found 5 or more")]
    [InlineData("abc,u1,Jade,4", "timestamp is not a non-negative whole number of milliseconds")]
    [InlineData("1767225601000,u1,Jade,four", "score is not a 32-bit integer")]
    [InlineData("1767225601000,u1,Jade,-4", "score is negative")]
    public void ABadRecordInTheMiddleIsCountedAndSkipped_AndTheJobGoesOn(string bad, string reason)
    {
        var (output, deadLetters, job) = Run($"1767225600512,u1,Jade,5\n{bad}\n1767225600999,u3,Ruby,4\n1767225660000,u3,Ruby,1\n");

        Assert.Equal(
            "2026-01-01T00:00:00Z..2026-01-01T00:01:00Z Jade          5 ON_TIME\n" +
            "2026-01-01T00:00:00Z..2026-01-01T00:01:00Z Ruby          4 ON_TIME\n" +
            "2026-01-01T00:01:00Z..2026-01-01T00:02:00Z Ruby          1 ON_TIME\n",
            output);
        Assert.Equal($"dead letter: line 2: {reason}: \"{bad}\"\n", deadLetters);
        Assert.Equal(1, job.Malformed);
        Assert.Equal(4, job.Lines);
        Assert.Equal("4 lines: 3 events (0 dropped as late), 1 malformed; 3 panes", job.Summary());
    }

    [Fact]
    public async Task ByteOrderMarkAndCrLfLineEndsAreNotBadRecords_ButAByteOrderMarkInsideTheInputIs()
    {
        var path = Path.Combine(Path.GetTempPath(), "scores-bom-" + Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            // UTF-8 BOM at the start (as Windows editors write), CRLF line ends, no line end at the very end;
            // a second BOM where two files were concatenated.
            File.WriteAllBytes(path, Encoding.UTF8.GetPreamble()
                .Concat(Encoding.UTF8.GetBytes("1767225600512,u1,Jade,5\r\n1767225600999,u3,Ruby,4\r\n"))
                .Concat(Encoding.UTF8.GetPreamble())
                .Concat(Encoding.UTF8.GetBytes("1767225601000,u4,Ruby,2\r\n1767225602000,u5,Ruby,3")).ToArray());
            using var input = new StreamReader(path);
            var output = new StringWriter();
            var deadLetters = new StringWriter();
            var job = new ScoresJob(input, output, deadLetters, TimeSpan.FromSeconds(5));
            await job.RunToEndAsync();

            Assert.Equal(
                "2026-01-01T00:00:00Z..2026-01-01T00:01:00Z Jade          5 ON_TIME\n" +
                "2026-01-01T00:00:00Z..2026-01-01T00:01:00Z Ruby          7 ON_TIME\n",
                output.ToString());
            Assert.Equal("dead letter: line 3: timestamp is not a non-negative whole number of milliseconds: \"?1767225601000,u4,Ruby,2\"\n", deadLetters.ToString());
            Assert.Equal("4 lines: 3 events (0 dropped as late), 1 malformed; 2 panes", job.Summary());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AHugeLineIsCutCountedAndSkipped()
    {
        var huge = new string('y', 3_000_000);
        var (output, deadLetters, job) = Run($"1767225600512,u1,Jade,5\n{huge}\n1767225600999,u3,Ruby,4\n");

        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal($"dead letter: line 2: line is 3,000,000 characters long, more than 1,024: \"{new string('y', 100)}...\"\n", deadLetters);
        Assert.Equal("3 lines: 2 events (0 dropped as late), 1 malformed; 2 panes", job.Summary());
    }

    [Fact]
    public async Task ALineLongerThanAnyStringIsCountedWithoutBeingHeldInMemory()
    {
        // 2^31 + 5 characters: more than a .NET string can hold, so a reader that builds the line would fail.
        const long length = (1L << 31) + 5;
        using var input = new GeneratedText("1767225600512,u1,Jade,5\n", 'z', length, "\n1767225600999,u3,Ruby,4\n");
        var output = new StringWriter();
        var deadLetters = new StringWriter();
        var job = new ScoresJob(input, output, deadLetters, TimeSpan.FromSeconds(5));
        await job.RunToEndAsync();

        Assert.Equal("dead letter: line 2: line is 2,147,483,653 characters long, more than 1,024: \"" + new string('z', 100) + "...\"\n", deadLetters.ToString());
        Assert.Equal("3 lines: 2 events (0 dropped as late), 1 malformed; 2 panes", job.Summary());
    }

    [Fact]
    public void DeadLettersShowControlCharactersAsQuestionMarks()
    {
        var (_, deadLetters, _) = Run("1,\u001b[2Jwiped,team\n");
        Assert.Equal("dead letter: line 1: expected 4 comma-separated fields, found 3: \"1,?[2Jwiped,team\"\n", deadLetters);
    }

    // ---- LineReader -----------------------------------------------------------------------------------

    private static List<(string Text, long Length)> ReadAll(TextReader reader, int maxLength)
    {
        var lines = new List<(string, long)>();
        var lineReader = new LineReader(reader, maxLength);
        while (lineReader.ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } line)
        {
            Assert.Equal(line.Length > line.Text.Length, line.IsCut);
            lines.Add((line.Text, line.Length));
        }

        return lines;
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("a", new[] { "a" })]
    [InlineData("a\n", new[] { "a" })]
    [InlineData("a\r\nb\r\n", new[] { "a", "b" })]
    [InlineData("a\rb\r", new[] { "a", "b" })]
    [InlineData("\n\n", new[] { "", "" })]
    [InlineData("\r\n\r\n", new[] { "", "" })]
    [InlineData("a\r\r\nb", new[] { "a", "", "b" })]
    [InlineData("a\n\rb", new[] { "a", "", "b" })]
    public void LineReaderSplitsAsTextReaderDoes(string text, string[] expected)
    {
        foreach (var chunk in new[] { 1, 2, 3, 1 << 16 })
        {
            Assert.Equal(expected, ReadAll(new ChunkedReader(text, chunk), 100).Select(l => l.Text));
        }
    }

    [Fact]
    public void LineReaderAgreesWithStringReaderOnRandomText_AndCutsLongLines()
    {
        // Oracle: StringReader.ReadLine, each line cut to the limit, with its full length.
        var random = new Random(11);
        for (var run = 0; run < 300; run++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 60)).Select(_ => "ab\r\n"[random.Next(4)]).ToArray());
            var maxLength = random.Next(1, 8);
            var expected = new List<(string, long)>();
            using (var oracle = new StringReader(text))
            {
                while (oracle.ReadLine() is { } line)
                {
                    expected.Add((line.Length > maxLength ? line[..maxLength] : line, line.Length));
                }
            }

            Assert.Equal(expected, ReadAll(new ChunkedReader(text, random.Next(1, 5)), maxLength));
        }
    }

    /// <summary>A reader that returns at most <c>chunk</c> characters per read, to put line ends across reads.</summary>
    private sealed class ChunkedReader(string text, int chunk) : TextReader
    {
        private int _position;

        public override int Read(Span<char> buffer)
        {
            var n = Math.Min(Math.Min(chunk, buffer.Length), text.Length - _position);
            text.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }

    /// <summary>A prefix, then <c>count</c> copies of one character, then a suffix, made as they are read.</summary>
    private sealed class GeneratedText(string prefix, char filler, long count, string suffix) : TextReader
    {
        private long _position;

        public override int Read(Span<char> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _position < prefix.Length + count + suffix.Length)
            {
                var span = buffer[written..];
                int n;
                if (_position < prefix.Length)
                {
                    n = Math.Min(span.Length, prefix.Length - (int)_position);
                    prefix.AsSpan((int)_position, n).CopyTo(span);
                }
                else if (_position < prefix.Length + count)
                {
                    n = (int)Math.Min(span.Length, prefix.Length + count - _position);
                    span[..n].Fill(filler);
                }
                else
                {
                    var at = (int)(_position - prefix.Length - count);
                    n = Math.Min(span.Length, suffix.Length - at);
                    suffix.AsSpan(at, n).CopyTo(span);
                }

                written += n;
                _position += n;
            }

            return written;
        }

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }
}
