using System;
using System.Collections.Generic;

namespace Compiled.Benchmarks.MultiCore;

/// <summary>
/// What the multi-core suites share: their data (made once per process), contiguous chunks, and the digest check.
/// (The namespace is not <c>Parallel</c>, the folder's name: a namespace of that name would hide
/// <see cref="System.Threading.Tasks.Parallel"/> from all code in <c>Compiled.Benchmarks</c>.)
/// </summary>
internal static class ParallelBench
{
    private static readonly HashSet<string> Checked = new();
    private static int[]? _w1Numbers;
    private static string[]? _w2Lines;

    /// <summary>W1's 10,000,000 ints (the same data as <see cref="W1"/>).</summary>
    public static int[] W1Numbers => _w1Numbers ??= W1.CreateNumbers();

    /// <summary>W2's ~50 MB of lines (the same data as <see cref="W2"/>).</summary>
    public static string[] W2Lines => _w2Lines ??= W2.CreateLines();

    /// <summary>Chunk <paramref name="index"/> of <paramref name="count"/> contiguous chunks of <paramref name="length"/> items, sizes differing by one at most.</summary>
    public static (int Start, int Length) Chunk(int length, int count, int index)
    {
        var size = length / count;
        var extra = length % count;
        var start = index * size + Math.Min(index, extra);
        return (start, size + (index < extra ? 1 : 0));
    }

    /// <summary>Partition k of <paramref name="partitions"/> gets every <paramref name="partitions"/>-th item from k on, in order (a stream's items dealt to its partitions).</summary>
    public static T[][] Interleave<T>(T[] items, int partitions)
    {
        var shares = new T[partitions][];
        for (var k = 0; k < partitions; k++)
        {
            shares[k] = new T[items.Length / partitions + (k < items.Length % partitions ? 1 : 0)];
        }

        for (var i = 0; i < items.Length; i++)
        {
            shares[i % partitions][i / partitions] = items[i];
        }

        return shares;
    }

    /// <summary>Runs <paramref name="body"/>(k) for k from 0 to <paramref name="count"/> - 1, each on a thread of its own (on the calling thread when there is one).</summary>
    public static void OnThreads(int count, Action<int> body)
    {
        if (count == 1)
        {
            body(0);
            return;
        }

        var threads = new System.Threading.Thread[count];
        for (var k = 0; k < count; k++)
        {
            var index = k;
            threads[k] = new System.Threading.Thread(() => body(index)) { Name = "partition " + k };
            threads[k].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }

    /// <summary>
    /// Checks that every variant gives the baseline's result before anything is measured: once per suite and
    /// parallelism in a process (with --inProcess the global setup of every case would otherwise run all variants
    /// again). COMPILED_BENCH_SKIP_DIGEST_CHECK=1 skips it, as in the event-time suites.
    /// </summary>
    public static void CheckSameResult(string suite, int parallelism, Func<long> baseline, params (string Name, Func<long> Run)[] variants)
    {
        if (!Checked.Add(suite + "/" + parallelism) || Environment.GetEnvironmentVariable("COMPILED_BENCH_SKIP_DIGEST_CHECK") == "1")
        {
            return;
        }

        var expected = baseline();
        foreach (var (name, run) in variants)
        {
            var actual = run();
            if (actual != expected)
            {
                throw new InvalidOperationException($"{suite} {name} (parallelism {parallelism}) = {actual}, baseline = {expected}");
            }
        }
    }
}
