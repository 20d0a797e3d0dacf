using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Compiled;
using ZLinq;

namespace Compiled.Benchmarks;

/// <summary>W2, generated: words as strings (one string per word, as most users would first write it).</summary>
[Pipeline]
public partial class W2StringPipeline
{
    static void Define(PipelineBuilder p) =>
        p.ReadLines("lines")
         .FlatMap<string>(static (line, output) =>
         {
             var start = 0;
             while (start < line.Length)
             {
                 var end = line.IndexOf(' ', start);
                 if (end < 0)
                 {
                     end = line.Length;
                 }

                 if (end > start)
                 {
                     output.Emit(line.Substring(start, end - start));
                 }

                 start = end + 1;
             }
         })
         .CountPerElement()
         .Output("counts");
}

/// <summary>W2, generated: words as slices of the line, counted by their text without a string per word.</summary>
[Pipeline]
public partial class W2SlicePipeline
{
    static void Define(PipelineBuilder p) =>
        p.ReadLines("lines")
         .FlatMap<ReadOnlyMemory<char>>(static (line, output) =>
         {
             var start = 0;
             while (start < line.Length)
             {
                 var end = line.IndexOf(' ', start);
                 if (end < 0)
                 {
                     end = line.Length;
                 }

                 if (end > start)
                 {
                     output.Emit(line.AsMemory(start, end - start));
                 }

                 start = end + 1;
             }
         })
         .CountPerElement()
         .Output("counts");
}

/// <summary>W2, generated on UTF-8: lines and words are slices of the input's bytes, counted by their bytes; nothing is decoded.</summary>
[Pipeline]
public partial class W2Utf8Pipeline
{
    static void Define(PipelineBuilder p) =>
        p.ReadUtf8Lines("lines")
         .FlatMap<ReadOnlyMemory<byte>>(static (line, output) =>
         {
             var span = line.Span;
             var start = 0;
             while (start < span.Length)
             {
                 var next = span.Slice(start).IndexOf((byte)' ');
                 var end = next < 0 ? span.Length : start + next;
                 if (end > start)
                 {
                     output.Emit(line.Slice(start, end - start));
                 }

                 start = end + 1;
             }
         })
         .CountPerElement()
         .Output("counts");
}

/// <summary>W2: word count over ~50 MB of Zipf-distributed words (50,000-word vocabulary), as lines of 10-15 words.</summary>
[MemoryDiagnoser]
public class W2
{
    private string[] _lines = Array.Empty<string>();
    private byte[] _utf8 = Array.Empty<byte>();
    private string _file = string.Empty;

    /// <summary>The suite's data (fixed seed), shared with the multi-core suite in <c>Parallel/</c>.</summary>
    internal static string[] CreateLines()
    {
        var random = new Random(7);
        var vocabulary = new string[50_000];
        var letters = "etaoinshrdlcumwfgypbvkjxqz";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Length; i++)
        {
            string word;
            do
            {
                var length = 2 + random.Next(9);
                var chars = new char[length];
                for (var c = 0; c < length; c++)
                {
                    chars[c] = letters[(int)(Math.Pow(random.NextDouble(), 2) * letters.Length)];
                }

                word = new string(chars);
            }
            while (!seen.Add(word));
            vocabulary[i] = word;
        }

        // Zipf(1.0) over the vocabulary by inverse transform of the cumulative weights.
        var cumulative = new double[vocabulary.Length];
        var total = 0.0;
        for (var i = 0; i < cumulative.Length; i++)
        {
            total += 1.0 / (i + 1);
            cumulative[i] = total;
        }

        var lines = new List<string>();
        var bytes = 0L;
        var builder = new StringBuilder();
        while (bytes < 50L * 1024 * 1024)
        {
            builder.Clear();
            var words = 10 + random.Next(6);
            for (var w = 0; w < words; w++)
            {
                var index = Array.BinarySearch(cumulative, random.NextDouble() * total);
                index = index < 0 ? Math.Min(~index, vocabulary.Length - 1) : index;
                if (w > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(vocabulary[index]);
            }

            var line = builder.ToString();
            lines.Add(line);
            bytes += line.Length + 1;
        }

        return lines.ToArray();
    }

    /// <summary>This suite over given data, for the multi-core suite's single-threaded rows.</summary>
    internal static W2 Over(string[] lines) => new() { _lines = lines };

    [GlobalSetup]
    public void Setup()
    {
        _lines = CreateLines();
        _utf8 = Encoding.UTF8.GetBytes(string.Join('\n', _lines));
        _file = Path.Combine(Path.GetTempPath(), "compiled-w2-" + Environment.ProcessId + ".txt");
        File.WriteAllBytes(_file, _utf8);

        var expected = HandWritten();
        foreach (var (name, value) in new[] { ("Generated", Generated()), ("GeneratedUtf8", GeneratedUtf8()), ("GeneratedFromFile", GeneratedFromFile()), ("GeneratedUtf8FromFile", GeneratedUtf8FromFile()), ("HandWrittenUtf8", HandWrittenUtf8()), ("GeneratedStrings", GeneratedStrings()), ("HandWrittenStrings", HandWrittenStrings()), ("Linq", Linq()), ("ZLinq", ZLinq()) })
        {
            if (value != expected)
            {
                throw new InvalidOperationException($"W2 {name} = {value}, hand-written = {expected}");
            }
        }
    }

    internal static long Digest(long keys, long total) => (keys << 32) ^ total;

    /// <summary>The fastest honest hand loop: span splitting, look-up by span, a string per new word only.</summary>
    [Benchmark(Baseline = true)]
    public long HandWritten()
    {
        var counts = new Dictionary<string, long>();
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var line in _lines)
        {
            var rest = line.AsSpan();
            while (rest.Length > 0)
            {
                var end = rest.IndexOf(' ');
                var word = end < 0 ? rest : rest[..end];
                if (word.Length > 0)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(lookup, word, out _)++;
                }

                rest = end < 0 ? ReadOnlySpan<char>.Empty : rest[(end + 1)..];
            }
        }

        long total = 0;
        foreach (var kv in counts)
        {
            total += kv.Value;
        }

        return Digest(counts.Count, total);
    }

    [Benchmark]
    public long Generated()
    {
        var runner = W2SlicePipeline.CreateRunner(default(CountDigestSink<ReadOnlyMemory<char>>));
        runner.PushLines(_lines);
        runner.Finish();
        return Digest(runner.Counts.Keys, runner.Counts.Total);
    }

    /// <summary>The UTF-8 pipeline over the text's bytes in memory (a file read whole): it splits the lines itself.</summary>
    [Benchmark]
    public long GeneratedUtf8()
    {
        var runner = W2Utf8Pipeline.CreateRunner(default(CountDigestSink<ReadOnlyMemory<byte>>));
        runner.ReadLines(TextInput.FromUtf8(_utf8));
        runner.Finish();
        return Digest(runner.Counts.Keys, runner.Counts.Total);
    }

    /// <summary>The text pipeline reading the data from a file: each line decoded to UTF-16 and made a string.</summary>
    [Benchmark]
    public long GeneratedFromFile()
    {
        var runner = W2SlicePipeline.CreateRunner(default(CountDigestSink<ReadOnlyMemory<char>>));
        runner.ReadLines(TextInput.FromFile(_file));
        runner.Finish();
        return Digest(runner.Counts.Keys, runner.Counts.Total);
    }

    /// <summary>The UTF-8 pipeline reading the data from a file: each line's bytes copied into 64 KiB chunks, never decoded.</summary>
    [Benchmark]
    public long GeneratedUtf8FromFile()
    {
        var runner = W2Utf8Pipeline.CreateRunner(default(CountDigestSink<ReadOnlyMemory<byte>>));
        runner.ReadLines(TextInput.FromFile(_file));
        runner.Finish();
        return Digest(runner.Counts.Keys, runner.Counts.Total);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_file.Length > 0)
        {
            File.Delete(_file);
        }
    }

    /// <summary>
    /// The best hand loop on UTF-8 with the standard library: lines and words split on bytes, counted in a dictionary of
    /// <see cref="Utf8Key"/> looked up by span (a string per word would decode).
    /// </summary>
    [Benchmark]
    public long HandWrittenUtf8()
    {
        var counts = new Dictionary<Utf8Key, long>(Utf8Key.Comparer);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<byte>>();
        ReadOnlySpan<byte> text = _utf8;
        while (text.Length > 0)
        {
            var newline = text.IndexOf((byte)'\n');
            var rest = newline < 0 ? text : text[..newline];
            text = newline < 0 ? ReadOnlySpan<byte>.Empty : text[(newline + 1)..];
            while (rest.Length > 0)
            {
                var end = rest.IndexOf((byte)' ');
                var word = end < 0 ? rest : rest[..end];
                if (word.Length > 0)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(lookup, word, out _)++;
                }

                rest = end < 0 ? ReadOnlySpan<byte>.Empty : rest[(end + 1)..];
            }
        }

        long total = 0;
        foreach (var kv in counts)
        {
            total += kv.Value;
        }

        return Digest(counts.Count, total);
    }

    [Benchmark]
    public long GeneratedStrings()
    {
        var runner = W2StringPipeline.CreateRunner(default(CountDigestSink<string>));
        runner.PushLines(_lines);
        runner.Finish();
        return Digest(runner.Counts.Keys, runner.Counts.Total);
    }

    [Benchmark]
    public long HandWrittenStrings()
    {
        var counts = new Dictionary<string, long>();
        foreach (var line in _lines)
        {
            foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(counts, word, out _)++;
            }
        }

        return Digest(counts.Count, counts.Values.Sum());
    }

    [Benchmark]
    public long Linq()
    {
        var groups = _lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).GroupBy(w => w).Select(g => (long)g.Count()).ToList();
        return Digest(groups.Count, groups.Sum());
    }

    [Benchmark]
    public long ZLinq()
    {
        var groups = _lines.AsValueEnumerable().SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).GroupBy(w => w).Select(g => (long)g.Count()).ToList();
        return Digest(groups.Count, groups.Sum());
    }
}
