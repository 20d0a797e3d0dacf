using System;
using System.Linq;
using System.Threading.Tasks;
using System.Threading.Tasks.Dataflow;
using BenchmarkDotNet.Attributes;

namespace Compiled.Benchmarks.MultiCore;

/// <summary>
/// W1 on several cores (10,000,000 ints, x => x * 3, keep even, sum as long): what a .NET user would write
/// instead of a multi-core runner, against the single-threaded generated runner (<see cref="W1Pipeline"/>).
/// Every parallel variant runs the baseline's scalar loop body, so the rows compare ways of spreading the work,
/// not loop bodies (W1's BranchlessScalar and VectorT rows show what a better body gives on one core).
/// </summary>
[MemoryDiagnoser]
public class W1Parallel
{
    /// <summary>Ints per Dataflow message (1 MiB of data): 39 chunks, so that the blocks can balance the load.</summary>
    private const int DataflowChunkLength = 1 << 18;

    private int[] _numbers = Array.Empty<int>();
    private W1 _singleThreaded = null!;

    /// <summary>Worker count of the parallel variants (the single-threaded rows ignore it).</summary>
    [Params(1, 2)]
    public int Parallelism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _numbers = ParallelBench.W1Numbers;
        _singleThreaded = W1.Over(_numbers);
        ParallelBench.CheckSameResult(
            nameof(W1Parallel),
            Parallelism,
            Generated,
            ("HandWritten", HandWritten),
            ("Plinq", Plinq),
            ("Dataflow", Dataflow),
            ("HandParallel", HandParallel));
    }

    /// <summary>The single-threaded generated runner (W1's Generated row).</summary>
    [Benchmark(Baseline = true)]
    public long Generated() => _singleThreaded.Generated();

    /// <summary>The single-threaded hand-written loop (W1's baseline).</summary>
    [Benchmark]
    public long HandWritten() => _singleThreaded.HandWritten();

    // The generated multi-core runner's rows go here once it exists (a W1Pipeline.Run(numbers, parallelism)-like
    // entry point; it does not exist yet, so nothing calls it).

    /// <summary>PLINQ: W1's LINQ row with AsParallel().WithDegreeOfParallelism(p).</summary>
    [Benchmark]
    public long Plinq() => _numbers.AsParallel().WithDegreeOfParallelism(Parallelism).Select(x => x * 3).Where(x => x % 2 == 0).Select(x => (long)x).Sum();

    /// <summary>TPL Dataflow: chunks of the array through a TransformBlock (MaxDegreeOfParallelism = p) into an ActionBlock that adds up the partial sums.</summary>
    [Benchmark]
    public long Dataflow()
    {
        var numbers = _numbers;
        long sum = 0;
        var sumChunks = new TransformBlock<(int Start, int Length), long>(
            chunk => SumChunk(numbers, chunk.Start, chunk.Length),
            new ExecutionDataflowBlockOptions { MaxDegreeOfParallelism = Parallelism, EnsureOrdered = false });
        var combine = new ActionBlock<long>(partial => sum += partial);
        sumChunks.LinkTo(combine, new DataflowLinkOptions { PropagateCompletion = true });
        for (var start = 0; start < numbers.Length; start += DataflowChunkLength)
        {
            sumChunks.Post((start, Math.Min(DataflowChunkLength, numbers.Length - start)));
        }

        sumChunks.Complete();
        combine.Completion.GetAwaiter().GetResult();
        return sum;
    }

    /// <summary>By hand: p contiguous chunks, chunk 0 on the calling thread and the others on thread-pool tasks, a partial sum per chunk.</summary>
    [Benchmark]
    public long HandParallel()
    {
        var numbers = _numbers;
        var parallelism = Parallelism;
        var workers = new Task<long>[parallelism - 1];
        for (var i = 1; i < parallelism; i++)
        {
            var (start, length) = ParallelBench.Chunk(numbers.Length, parallelism, i);
            workers[i - 1] = Task.Run(() => SumChunk(numbers, start, length));
        }

        var (start0, length0) = ParallelBench.Chunk(numbers.Length, parallelism, 0);
        var sum = SumChunk(numbers, start0, length0);
        foreach (var worker in workers)
        {
            sum += worker.GetAwaiter().GetResult();
        }

        return sum;
    }

    /// <summary>W1's hand-written loop over one chunk; the partial sum stays in a register (no shared cache line).</summary>
    private static long SumChunk(int[] numbers, int start, int length)
    {
        long sum = 0;
        foreach (var x in numbers.AsSpan(start, length))
        {
            var y = x * 3;
            if (y % 2 == 0)
            {
                sum += y;
            }
        }

        return sum;
    }
}
