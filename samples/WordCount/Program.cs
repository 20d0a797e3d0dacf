using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Compiled;
using Compiled.Samples;

namespace WordCount;

/// <summary>Runs the word count over a text file and prints the most frequent words.</summary>
public static class Program
{
    /// <summary>Entry point: <c>[path] [--top N] [--parallelism N] [--plan] [--mermaid] [--reference]</c>.</summary>
    /// <returns>0 on success; 2 for a bad command line or an input that cannot be read; 3 when --reference finds a mismatch.</returns>
    public static int Main(string[] args)
    {
        string? path = null;
        var top = 20;
        var plan = false;
        var reference = false;
        var mermaid = false;
        int? parallelism = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--top" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0:
                    top = n;
                    i++;
                    break;
                case "--parallelism" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var shards) && shards > 0:
                    // The parallel batch runner: the file split into byte ranges, one shard per range.
                    parallelism = shards;
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
                    Console.WriteLine("usage: WordCount [path] [--top N] [--parallelism N] [--plan] [--mermaid] [--reference]");
                    return 0;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        Console.Error.WriteLine($"unknown option {args[i]}; usage: WordCount [path] [--top N] [--parallelism N] [--plan] [--mermaid] [--reference]");
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

        path ??= FindCorpus() ?? Path.Combine("samples", "data", "prose.txt");

        // A missing, unreadable or special file (a directory, a socket), or an I/O error while reading, ends the
        // run with one line on standard error and exit code 2, not a stack trace.
        FileStream file;
        try
        {
            file = InputFile.OpenRead(path);
        }
        catch (Exception e) when (InputFile.IsReadError(e))
        {
            return CannotRead(path, e);
        }

        // A regular file is read again for the warm runs; a pipe (mkfifo, <(...)) can be read only once.
        var regularFile = file.CanSeek;
        var bytes = regularFile ? file.Length : 0;
        var stopwatch = Stopwatch.StartNew();
        var input = TextInput.FromStream(file);
        WordCountPipeline.Results results;
        TimeSpan first;
        var best = TimeSpan.MaxValue;
        try
        {
            using (BatchProgress.ForTextInput(input, bytes))
            {
                // Progress on an interactive terminal (stderr); nothing when output is redirected.
                results = parallelism is { } firstShards && regularFile
                    ? WordCountPipeline.Run(TextInput.FromFile(path), firstShards)
                    : WordCountPipeline.Run(input);
            }

            stopwatch.Stop();
            first = stopwatch.Elapsed;

            // Further runs over the same file show the steady-state speed (under the JIT the first run includes compiling the pipeline): best of 5.
            for (var run = 0; regularFile && run < 5; run++)
            {
                stopwatch.Restart();
                _ = parallelism is { } shards ? WordCountPipeline.Run(TextInput.FromFile(path), shards) : WordCountPipeline.Run(TextInput.FromFile(path));
                stopwatch.Stop();
                best = stopwatch.Elapsed < best ? stopwatch.Elapsed : best;
            }
        }
        catch (Exception e) when (InputFile.IsReadError(e))
        {
            return CannotRead(path, e);
        }

        var counts = results.Counts.Select(kv => (Word: kv.Key.ToString(), Count: kv.Value)).ToList();
        var words = results.WordTotal.Single();
        var lines = results.LineTotal.Single();

        Console.WriteLine($"input     {path}");
        if (parallelism is { } used)
        {
            Console.WriteLine($"shards    {(regularFile ? used : 1)} (parallel batch runner{(regularFile ? string.Empty : "; the input is not a regular file, so it ran on one")})");
        }

        if (regularFile)
        {
            var seconds = best.TotalSeconds;
            Console.WriteLine($"size      {bytes / 1024.0 / 1024.0:F2} MB, {lines:N0} lines, {words:N0} words, {counts.Count:N0} distinct");
            Console.WriteLine($"time      {first.TotalMilliseconds:F1} ms first run, {best.TotalMilliseconds:F1} ms warm (best of 5): {bytes / 1024.0 / 1024.0 / seconds:F1} MB/s, {words / seconds / 1e6:F1} M words/s");
        }
        else
        {
            Console.WriteLine($"size      {lines:N0} lines, {words:N0} words, {counts.Count:N0} distinct");
            Console.WriteLine($"time      {first.TotalMilliseconds:F1} ms (one run: the input is not a regular file)");
        }

        Console.WriteLine();
        PrintTop(counts, top);

        if (reference && regularFile)
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

    private static int CannotRead(string path, Exception error)
    {
        Console.Error.WriteLine(InputFile.CannotRead("wordcount", path, error));
        return InputFile.CannotReadExitCode;
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
