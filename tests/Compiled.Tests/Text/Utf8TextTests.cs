using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Compiled;
using Compiled.Tests.Pipelines;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Text;

/// <summary>
/// UTF-8 text end to end: ReadUtf8Lines hands the pipeline slices of the input's bytes, words are slices of them, and
/// keys of type ReadOnlyMemory&lt;byte&gt; group by their bytes; every result equals the UTF-16 path's.
/// </summary>
public class Utf8TextTests(ITestOutputHelper output)
{
    private const string Accented = "café naïve café Ünïcödé\r\n東京 東京 大阪 京都 東京\n\nçà et là, et là 😀 😀 ok\rfin 東京";

    private static string Prose()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "data", "prose.txt");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/data/prose.txt not found above " + AppContext.BaseDirectory);
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);

    /// <summary>Asserts that the UTF-8 pipeline's results over <paramref name="utf8"/> are the UTF-16 pipeline's over the same text.</summary>
    private static void AssertSameAsUtf16(Utf8WordCount.Results bytes, SliceWordCount.Results chars)
    {
        Assert.Equal(
            chars.Counts.Select(kv => (kv.Key.ToString(), kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal),
            bytes.Counts.Select(kv => (Text(kv.Key), kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal));
        Assert.Equal(
            chars.Sums.Select(kv => (kv.Key.ToString(), kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal),
            bytes.Sums.Select(kv => (Text(kv.Key), kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal));
        Assert.Equal(
            chars.Counts.Select(kv => (kv.Key.ToString(), (int)kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal),
            bytes.Groups.Select(kv => (Text(kv.Key), kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal));
        var distinctBytes = chars.Counts.Sum(kv => Encoding.UTF8.GetByteCount(kv.Key.Span));
        Assert.Equal(new[] { distinctBytes }, bytes.DistinctBytes);
    }

    [Fact]
    public void WordCountOfTheShippedProseEqualsTheUtf16Path()
    {
        var path = Prose();
        var bytes = Utf8WordCount.Run(TextInput.FromFile(path));
        var chars = SliceWordCount.Run(TextInput.FromFile(path));
        Assert.True(bytes.Counts.Count > 1_000, "the corpus has more than a thousand distinct words");
        AssertSameAsUtf16(bytes, chars);
        AssertSameAsUtf16(Utf8WordCount.Run(TextInput.FromUtf8(File.ReadAllBytes(path))), chars);
    }

    [Fact]
    public void AccentedAndCjkWordsCountAsInTheUtf16Path()
    {
        var bytes = Utf8WordCount.Run(TextInput.FromUtf8(Encoding.UTF8.GetBytes(Accented)));
        AssertSameAsUtf16(bytes, SliceWordCount.Run(TextInput.FromString(Accented)));
        var counts = bytes.Counts.ToDictionary(kv => Text(kv.Key), kv => kv.Value);
        Assert.Equal(4, counts["東京"]);
        Assert.Equal(2, counts["café"]);
        Assert.Equal(2, counts["😀"]);
        Assert.Equal(1, counts["Ünïcödé"]);

        // The same text as a string, as lines and from a file through a pipe of 7-byte reads: the same counts.
        AssertSameAsUtf16(Utf8WordCount.Run(TextInput.FromString(Accented)), SliceWordCount.Run(TextInput.FromString(Accented)));
        var lines = Accented.Split(["\r\n", "\n", "\r"], StringSplitOptions.None);
        AssertSameAsUtf16(Utf8WordCount.Run(TextInput.FromLines(lines)), SliceWordCount.Run(TextInput.FromLines(lines)));
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Accented, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            AssertSameAsUtf16(Utf8WordCount.Run(TextInput.FromFile(file, bufferSize: 7)), SliceWordCount.Run(TextInput.FromString(Accented)));
            File.WriteAllText(file, Accented, Encoding.Unicode); // UTF-16 with its byte order mark: transcoded
            AssertSameAsUtf16(Utf8WordCount.Run(TextInput.FromFile(file, bufferSize: 5)), SliceWordCount.Run(TextInput.FromString(Accented)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static readonly Gen<string> Word = Gen.OneOf(
        Gen.Const("a"), Gen.Const("é"), Gen.Const("東京"), Gen.Const("😀"), Gen.Const("aé"),
        Gen.String[Gen.OneOf(Gen.Char['a', 'c'], Gen.Const('é'), Gen.Const('京'), Gen.Char['\u4e00', '\u4e03']), 1, 12]);

    private static readonly Gen<string> Texts = Gen.Select(
        Gen.Select(Word.Array[0, 8], Gen.OneOf(Gen.Const(" "), Gen.Const("  ")), (ws, sep) => string.Join(sep, ws)).Array[0, 25],
        Gen.OneOf(Gen.Const("\n"), Gen.Const("\r\n"), Gen.Const("\r")),
        (lines, delimiter) => string.Join(delimiter, lines));

    [Fact]
    public void RandomTextCountsAsInTheUtf16Path() => Texts.Sample(text =>
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var chars = SliceWordCount.Run(TextInput.FromString(text));
        AssertSameAsUtf16(Utf8WordCount.Run(TextInput.FromUtf8(utf8)), chars);
        AssertSameAsUtf16(Utf8WordCount.Run(TextInput.FromUtf8(utf8), parallelism: 3), chars);
    });

    [Fact]
    public void ParallelRunsOverAFileEqualTheSingleThreadedRun()
    {
        var path = Prose();
        var single = Utf8WordCount.Run(TextInput.FromFile(path));
        foreach (var parallelism in new[] { 2, 4 })
        {
            var parallel = Utf8WordCount.Run(TextInput.FromFile(path), parallelism);
            Assert.Equal(
                single.Counts.Select(kv => (Text(kv.Key), kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal),
                parallel.Counts.Select(kv => (Text(kv.Key), kv.Value)).OrderBy(x => x.Item1, StringComparer.Ordinal));
            Assert.Equal(single.DistinctBytes, parallel.DistinctBytes);
        }
    }

    [Fact]
    public void KeysHandedToASinkStayValidAfterTheStateIsCleared()
    {
        // The counts' keys live in the map's chunks; the map is cleared when the job ends, and its chunks are let go,
        // not reused, so the keys the sink kept still read as their words.
        var text = string.Join("\n", Enumerable.Range(0, 5_000).Select(i => "w" + (i % 700).ToString(System.Globalization.CultureInfo.InvariantCulture) + " 東" + (i % 300).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var bytes = Utf8WordCount.Run(TextInput.FromUtf8(Encoding.UTF8.GetBytes(text)));
        var again = Utf8WordCount.Run(TextInput.FromUtf8(Encoding.UTF8.GetBytes(text.Replace('w', 'x'))));
        Assert.Equal(1_000, bytes.Counts.Count);
        Assert.All(bytes.Counts, kv => Assert.True(Text(kv.Key).StartsWith('w') || Text(kv.Key).StartsWith('東')));
        Assert.All(again.Counts, kv => Assert.True(Text(kv.Key).StartsWith('x') || Text(kv.Key).StartsWith('東')));
    }

    [Fact]
    public void CountingUtf8WordsAllocatesNothingPerWord()
    {
        var vocabulary = Enumerable.Range(0, 2_000).Select(i => "mot" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + (i % 3 == 0 ? "é" : i % 3 == 1 ? "京" : string.Empty)).ToArray();
        var text = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 100_000)
            .Select(i => string.Join(' ', Enumerable.Range(0, 10).Select(j => vocabulary[(int)((uint)((i * 10 + j) * 2654435761u) % vocabulary.Length)])))));
        var runner = Utf8CountsOnly.CreateRunner(new NullSink<KV<ReadOnlyMemory<byte>, long>>(), new NullSink<int>(), new NullSink<KV<ReadOnlyMemory<byte>, int>>());
        var input = TextInput.FromUtf8(text);
        runner.ReadLines(input);

        var before = GC.GetAllocatedBytesForCurrentThread();
        runner.ReadLines(input);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes for 1,000,000 words");
        Assert.Equal(0, allocated);
    }

    private static readonly Gen<TimedWord[]> TimedWords =
        Gen.Select(Word, Gen.Long[0, 60], (w, t) => new TimedWord(w, t)).Array[0, 60];

    private static List<(string, long)> Sorted(IEnumerable<(string, long)> items) =>
        items.OrderBy(x => x.Item1, StringComparer.Ordinal).ThenBy(x => x.Item2).ToList();

    private static void AssertSameResults(Utf8TimedWords.Results bytes, StringTimedWords.Results strings)
    {
        Assert.Equal(Sorted(strings.FixedCounts.Select(kv => (kv.Key, kv.Value))), Sorted(bytes.FixedCounts.Select(kv => (Text(kv.Key), kv.Value))));
        Assert.Equal(Sorted(strings.EarlyCounts.Select(kv => (kv.Key, kv.Value))), Sorted(bytes.EarlyCounts.Select(kv => (Text(kv.Key), kv.Value))));
        Assert.Equal(Sorted(strings.SessionCounts.Select(kv => (kv.Key, kv.Value))), Sorted(bytes.SessionCounts.Select(kv => (Text(kv.Key), kv.Value))));
        Assert.Equal(Sorted(strings.SlidingSums.Select(kv => (kv.Key, kv.Value))), Sorted(bytes.SlidingSums.Select(kv => (Text(kv.Key), kv.Value))));
        Assert.Equal(strings.FixedDistinct.Order(StringComparer.Ordinal), bytes.FixedDistinct.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Utf8KeysInEveryWindowedLayoutEqualStringKeys() => TimedWords.Sample(words =>
    {
        AssertSameResults(Utf8TimedWords.Run(words), StringTimedWords.Run(words));
    });

    [Fact]
    public void Utf8KeysInEveryWindowedLayoutEqualStringKeysOnTwoShards() => TimedWords.Sample(words =>
    {
        AssertSameResults(Utf8TimedWords.Run(words, parallelism: 2), StringTimedWords.Run(words));
    }, iter: 40);
}

/// <summary>A stateful ParDo keyed by text held as memory finds a key's state by its content, not by the memory's array.</summary>
public class TextKeyedStateTests
{
    [Fact]
    public void StateOfAWordSlicedFromDifferentLinesIsOneState()
    {
        const string text = "a b a\n東京 a\nb 東京 東京";
        var expected = new[] { ("a", 1L), ("b", 1L), ("a", 2L), ("東京", 1L), ("a", 3L), ("b", 2L), ("東京", 2L), ("東京", 3L) };
        Assert.Equal(expected, CharKeyedState.Run(TextInput.FromString(text)).Running.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(expected, Utf8KeyedState.Run(TextInput.FromUtf8(Encoding.UTF8.GetBytes(text))).Running.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(
            expected.GroupBy(x => x.Item1).Select(g => (g.Key, g.Max(x => x.Item2))).OrderBy(x => x.Key, StringComparer.Ordinal),
            Utf8KeyedState.Run(TextInput.FromUtf8(Encoding.UTF8.GetBytes(text)), parallelism: 2).Running
                .GroupBy(kv => kv.Key).Select(g => (g.Key, g.Max(kv => kv.Value))).OrderBy(x => x.Key, StringComparer.Ordinal));
    }
}
