using System;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Compiled;
using ZLinq;

namespace Compiled.Benchmarks;

/// <summary>W1: the generated pipeline.</summary>
[Pipeline]
public partial class W1Pipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Map(static x => x * 3)
         .Filter(static x => x % 2 == 0)
         .Map(static x => (long)x)
         .CombineGlobally(Combiners.Sum<long>())
         .Output("sum");
}

/// <summary>W1: 10,000,000 ints, x => x * 3, keep the even ones, sum as long.</summary>
[MemoryDiagnoser]
public class W1
{
    private int[] _numbers = Array.Empty<int>();

    /// <summary>The suite's data (fixed seed), shared with the multi-core suite in <c>Parallel/</c>.</summary>
    internal static int[] CreateNumbers()
    {
        var random = new Random(42);
        var numbers = new int[10_000_000];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = random.Next(-1_000_000, 1_000_000);
        }

        return numbers;
    }

    /// <summary>This suite over given data, for the multi-core suite's single-threaded rows.</summary>
    internal static W1 Over(int[] numbers) => new() { _numbers = numbers };

    [GlobalSetup]
    public void Setup()
    {
        _numbers = CreateNumbers();

        var expected = HandWritten();
        foreach (var (name, value) in new[] { ("Generated", Generated()), ("Linq", Linq()), ("ZLinq", ZLinq()), ("BranchlessScalar", BranchlessScalar()), ("VectorT", VectorT()) })
        {
            if (value != expected)
            {
                throw new InvalidOperationException($"W1 {name} = {value}, hand-written = {expected}");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public long HandWritten()
    {
        long sum = 0;
        foreach (var x in _numbers)
        {
            var y = x * 3;
            if (y % 2 == 0)
            {
                sum += y;
            }
        }

        return sum;
    }

    [Benchmark]
    public long Generated()
    {
        var runner = W1Pipeline.CreateRunner(default(LastValueSink<long>));
        runner.PushNumbers(_numbers);
        runner.Finish();
        return runner.Sum.Value;
    }

    [Benchmark]
    public long Linq() => _numbers.Select(x => x * 3).Where(x => x % 2 == 0).Select(x => (long)x).Sum();

    [Benchmark]
    public long ZLinq() => _numbers.AsValueEnumerable().Select(x => x * 3).Where(x => x % 2 == 0).Select(x => (long)x).Sum();

    /// <summary>Reference row: no branch, the evenness becomes a mask.</summary>
    [Benchmark]
    public long BranchlessScalar()
    {
        long sum = 0;
        foreach (var x in _numbers)
        {
            var y = x * 3;
            sum += y & ((y & 1) - 1);
        }

        return sum;
    }

    /// <summary>Reference row: Vector&lt;int&gt; multiply and mask, widened to longs for the sum.</summary>
    [Benchmark]
    public long VectorT()
    {
        var span = _numbers.AsSpan();
        var vectors = MemoryMarshal.Cast<int, Vector<int>>(span);
        var three = new Vector<int>(3);
        var one = Vector<int>.One;
        var acc = Vector<long>.Zero;
        foreach (var v in vectors)
        {
            var y = v * three;
            var kept = y & ((y & one) - one);
            Vector.Widen(kept, out var low, out var high);
            acc += low + high;
        }

        long sum = Vector.Sum(acc);
        for (var i = vectors.Length * Vector<int>.Count; i < span.Length; i++)
        {
            var y = span[i] * 3;
            sum += y & ((y & 1) - 1);
        }

        return sum;
    }
}
