using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using System.Threading.Tasks.Dataflow;
using BenchmarkDotNet.Attributes;

namespace Compiled.Benchmarks.MultiCore;

/// <summary>
/// W2 on several cores (word count over ~50 MB of Zipf words): what a .NET user would write instead of a
/// multi-core runner, against the single-threaded generated runner (<see cref="W2SlicePipeline"/>). Each variant
/// returns W2's digest (distinct words, total count).
/// </summary>
[MemoryDiagnoser]
public class W2Parallel
{
    /// <summary>Lines per Dataflow message: about 20 chunks of ~2.8 MB of text.</summary>
    private const int DataflowChunkLines = 1 << 15;

    private string[] _lines = Array.Empty<string>();
    private W2 _singleThreaded = null!;

    /// <summary>Worker count of the parallel variants (the single-threaded row ignores it).</summary>
    [Params(1, 2)]
    public int Parallelism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _lines = ParallelBench.W2Lines;
        _singleThreaded = W2.Over(_lines);
        ParallelBench.CheckSameResult(
            nameof(W2Parallel),
            Parallelism,
            Generated,
            ("GeneratedRun", GeneratedRun),
            ("GeneratedParallel", GeneratedParallel),
            ("PlinqGroupBy", PlinqGroupBy),
            ("PlinqAggregate", PlinqAggregate),
            ("Dataflow", Dataflow),
            ("HandParallel", HandParallel));
    }

    /// <summary>The single-threaded generated runner over word slices (W2's Generated row).</summary>
    [Benchmark(Baseline = true)]
    public long Generated() => _singleThreaded.Generated();

    /// <summary>The generated batch Run on one thread, collecting its output in memory (the parallel row's single-threaded twin).</summary>
    [Benchmark]
    public long GeneratedRun() => DigestOf(W2SlicePipeline.Run(TextInput.FromLines(_lines)));

    /// <summary>The generated parallel batch runner: the lines split by index into Parallelism shards, counts exchanged by key group.</summary>
    [Benchmark]
    public long GeneratedParallel() => DigestOf(W2SlicePipeline.Run(TextInput.FromLines(_lines), Parallelism));

    private static long DigestOf(W2SlicePipeline.Results results)
    {
        var total = 0L;
        foreach (var count in results.Counts)
        {
            total += count.Value;
        }

        return W2.Digest(results.Counts.Count, total);
    }

    /// <summary>The idiomatic PLINQ word count: W2's LINQ row (Split, GroupBy, Count) with AsParallel().WithDegreeOfParallelism(p).</summary>
    [Benchmark]
    public long PlinqGroupBy()
    {
        var groups = _lines.AsParallel().WithDegreeOfParallelism(Parallelism)
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .GroupBy(w => w)
            .Select(g => (long)g.Count())
            .ToList();
        return W2.Digest(groups.Count, groups.Sum());
    }

    /// <summary>
    /// PLINQ's Aggregate with a dictionary per partition (counted by span, no string per word occurrence), the
    /// partitions' dictionaries merged at the end: the fast way to count with PLINQ.
    /// </summary>
    [Benchmark]
    public long PlinqAggregate()
    {
        var counts = _lines.AsParallel().WithDegreeOfParallelism(Parallelism).Aggregate(
            () => new Dictionary<string, long>().GetAlternateLookup<ReadOnlySpan<char>>(),
            (lookup, line) =>
            {
                CountWords(line, lookup);
                return lookup;
            },
            (left, right) =>
            {
                MergeInto(left.Dictionary, right.Dictionary);
                return left;
            },
            lookup => lookup.Dictionary);
        return Digest(counts);
    }

    /// <summary>TPL Dataflow: chunks of lines through a TransformBlock (MaxDegreeOfParallelism = p) that counts each into a dictionary of its own, merged by an ActionBlock.</summary>
    [Benchmark]
    public long Dataflow()
    {
        var lines = _lines;
        var total = new Dictionary<string, long>();
        var countChunks = new TransformBlock<(int Start, int Length), Dictionary<string, long>>(
            chunk => CountChunk(lines, chunk.Start, chunk.Length),
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = Parallelism, EnsureOrdered = false });
        var merge = new ActionBlock<Dictionary<string, long>>(counts => MergeInto(total, counts));
        countChunks.LinkTo(merge, new DataflowLinkOptions { PropagateCompletion = true });
        for (var start = 0; start < lines.Length; start += DataflowChunkLines)
        {
            countChunks.Post((start, Math.Min(DataflowChunkLines, lines.Length - start)));
        }

        countChunks.Complete();
        merge.Completion.GetAwaiter().GetResult();
        return Digest(total);
    }

    /// <summary>
    /// By hand: p contiguous chunks of lines, chunk 0 on the calling thread and the others on thread-pool tasks, each
    /// counted into its own dictionary by span (a string per distinct word per chunk only), then merged into chunk 0's.
    /// </summary>
    [Benchmark]
    public long HandParallel()
    {
        var lines = _lines;
        var parallelism = Parallelism;
        var workers = new Task<Dictionary<string, long>>[parallelism - 1];
        for (var i = 1; i < parallelism; i++)
        {
            var (start, length) = ParallelBench.Chunk(lines.Length, parallelism, i);
            workers[i - 1] = Task.Run(() => CountChunk(lines, start, length));
        }

        var (start0, length0) = ParallelBench.Chunk(lines.Length, parallelism, 0);
        var counts = CountChunk(lines, start0, length0);
        foreach (var worker in workers)
        {
            MergeInto(counts, worker.GetAwaiter().GetResult());
        }

        return Digest(counts);
    }

    /// <summary>Counts the words of a chunk of lines into a new dictionary, looked up by span.</summary>
    private static Dictionary<string, long> CountChunk(string[] lines, int start, int length)
    {
        var counts = new Dictionary<string, long>();
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var line in lines.AsSpan(start, length))
        {
            CountWords(line, lookup);
        }

        return counts;
    }

    /// <summary>W2's hand-written loop body for one line: split on spaces by span, count by span.</summary>
    private static void CountWords(string line, Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> lookup)
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

    /// <summary>Adds <paramref name="from"/>'s counts to <paramref name="into"/>'s (its key strings are reused).</summary>
    private static void MergeInto(Dictionary<string, long> into, Dictionary<string, long> from)
    {
        foreach (var (word, count) in from)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(into, word, out _) += count;
        }
    }

    private static long Digest(Dictionary<string, long> counts)
    {
        long total = 0;
        foreach (var count in counts.Values)
        {
            total += count;
        }

        return W2.Digest(counts.Count, total);
    }
}
