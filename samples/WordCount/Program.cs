using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Compiled;

namespace WordCount;

/// <summary>Runs the word count over a text file and prints the most frequent words.</summary>
public static class Program
{
    /// <summary>Entry point: <c>[path] [--top N] [--plan] [--mermaid] [--reference]</c>.</summary>
    public static int Main(string[] args)
    {
        string? path = null;
        var top = 20;
        var plan = false;
        var reference = false;
        var mermaid = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--top" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0:
                    top = n;
                    i++;
                    break;
                case "--plan":
                    plan = true;
                    break;
                case "--reference":
                    reference = true;
                    break;
                case "--mermaid":
                    mermaid = true;
                    break;
                case "-h" or "--help":
                    Console.WriteLine("usage: WordCount [path] [--top N] [--plan] [--mermaid] [--reference]");
                    return 0;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        Console.Error.WriteLine($"unknown option {args[i]}; usage: WordCount [path] [--top N] [--plan] [--mermaid] [--reference]");
                        return 2;
                    }

                    path = args[i];
                    break;
            }
        }

        if (mermaid)
        {
            Console.WriteLine(WordCountPipeline.PlanMermaid);
            return 0;
        }

        if (plan)
        {
            Console.WriteLine(WordCountPipeline.PlanDescription);
            Console.WriteLine();
        }

        path ??= FindCorpus();
        if (path is null || !File.Exists(path))
        {
            Console.Error.WriteLine($"input file not found: {path ?? "samples/data/prose.txt"}");
            return 1;
        }

        var bytes = new FileInfo(path).Length;
        var stopwatch = Stopwatch.StartNew();
        var input = TextInput.FromFile(path);
        WordCountPipeline.Results results;
        using (BatchProgress.ForTextInput(input, bytes))
        {
            // Progress on an interactive terminal (stderr); nothing when output is redirected.
            results = WordCountPipeline.Run(input);
        }

        stopwatch.Stop();
        var first = stopwatch.Elapsed;

        // Further runs over the same file show the steady-state speed (under the JIT the first run includes compiling the pipeline): best of 5.
        var best = TimeSpan.MaxValue;
        for (var run = 0; run < 5; run++)
        {
            stopwatch.Restart();
            WordCountPipeline.Run(TextInput.FromFile(path));
            stopwatch.Stop();
            best = stopwatch.Elapsed < best ? stopwatch.Elapsed : best;
        }

        var counts = results.Counts.Select(kv => (Word: kv.Key.ToString(), Count: kv.Value)).ToList();
        var words = results.WordTotal.Single();
        var lines = results.LineTotal.Single();
        var seconds = best.TotalSeconds;

        Console.WriteLine($"input     {path}");
        Console.WriteLine($"size      {bytes / 1024.0 / 1024.0:F2} MB, {lines:N0} lines, {words:N0} words, {counts.Count:N0} distinct");
        Console.WriteLine($"time      {first.TotalMilliseconds:F1} ms first run, {best.TotalMilliseconds:F1} ms warm (best of 5): {bytes / 1024.0 / 1024.0 / seconds:F1} MB/s, {words / seconds / 1e6:F1} M words/s");
        Console.WriteLine();
        PrintTop(counts, top);

        if (reference)
        {
            var expected = ReferenceCount(path);
            var same = expected.Count == counts.Count && counts.All(c => expected.TryGetValue(c.Word, out var n) && n == c.Count);
            Console.WriteLine();
            Console.WriteLine(same ? "reference: the hand-written loop gives the same counts" : "reference: MISMATCH with the hand-written loop");
            if (!same)
            {
                return 3;
            }
        }

        return 0;
    }

    private static void PrintTop(List<(string Word, long Count)> counts, int top)
    {
        var total = counts.Sum(c => c.Count);
        Console.WriteLine($"{"rank",4}  {"word",-16} {"count",10} {"share",7}");
        var rank = 0;
        foreach (var (word, count) in counts.OrderByDescending(c => c.Count).ThenBy(c => c.Word, StringComparer.Ordinal).Take(top))
        {
            rank++;
            Console.WriteLine($"{rank,4}  {word,-16} {count,10:N0} {100.0 * count / total,6:F2}%");
        }
    }

    /// <summary>The same count written by hand, to check the pipeline: one dictionary, one loop.</summary>
    private static Dictionary<string, long> ReferenceCount(string path)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var text = line.ToLowerInvariant();
            var i = 0;
            while (i < text.Length)
            {
                while (i < text.Length && !char.IsLetter(text[i]))
                {
                    i++;
                }

                var start = i;
                while (i < text.Length && (char.IsLetter(text[i]) || (text[i] == '\'' && i + 1 < text.Length && char.IsLetter(text[i + 1]) && i > start)))
                {
                    i++;
                }

                if (i > start)
                {
                    var word = text.Substring(start, i - start);
                    counts[word] = counts.GetValueOrDefault(word) + 1;
                }
            }
        }

        return counts;
    }

    private static string? FindCorpus()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "data", "prose.txt");
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "data", "prose.txt");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
