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

/// <summary>W1Stats, generated: a column's statistics, several combines fed by one input (a fan-out), in one pass.</summary>
[Pipeline]
public partial class W1StatsPipeline
{
    static void Define(PipelineBuilder p)
    {
        var numbers = p.Create<int>("numbers");
        numbers.Count().Output("count");
        numbers.CombineGlobally(Combiners.Min<int>(int.MaxValue)).Output("min");
        numbers.CombineGlobally(Combiners.Max<int>(int.MinValue)).Output("max");
        numbers.CombineGlobally(Combiners.SumAsLong<int>()).Output("sum");
        numbers.Filter(static x => x > 0).Count().Output("positive");
    }
}

/// <summary>W1Stats: W1's 10,000,000 ints, their count, min, max, sum (as long) and how many are positive.</summary>
[MemoryDiagnoser]
public class W1Stats
{
    private int[] _numbers = Array.Empty<int>();

    [GlobalSetup]
    public void Setup()
    {
        _numbers = W1.CreateNumbers();
        var expected = HandWritten();
        foreach (var (name, value) in new[] { ("Generated", Generated()), ("Linq", Linq()) })
        {
            if (value != expected)
            {
                throw new InvalidOperationException($"W1Stats {name} = {value}, hand-written = {expected}");
            }
        }
    }

    /// <summary>One scalar pass computing all five.</summary>
    [Benchmark(Baseline = true)]
    public (long Count, int Min, int Max, long Sum, long Positive) HandWritten()
    {
        long count = 0, sum = 0, positive = 0;
        int min = int.MaxValue, max = int.MinValue;
        foreach (var x in _numbers)
        {
            count++;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
            sum += x;
            if (x > 0)
            {
                positive++;
            }
        }

        return (count, min, max, sum, positive);
    }

    [Benchmark]
    public (long Count, int Min, int Max, long Sum, long Positive) Generated()
    {
        var r = W1StatsPipeline.Run(_numbers);
        return (r.Count.Single(), r.Min.Single(), r.Max.Single(), r.Sum.Single(), r.Positive.Single());
    }

    /// <summary>The LINQ a .NET user writes: one pass per statistic.</summary>
    [Benchmark]
    public (long Count, int Min, int Max, long Sum, long Positive) Linq() =>
        (_numbers.LongLength, _numbers.Min(), _numbers.Max(), _numbers.Sum(x => (long)x), _numbers.LongCount(x => x > 0));
}

/// <summary>A sink that keeps a digest of the values it receives (their count and a wrapping sum): it touches every element.</summary>
public struct DigestSink<T> : ISink<T>
    where T : System.Numerics.INumber<T>
{
    public long Count;
    public T Sum;

    public void Receive(in WindowedValue<T> element)
    {
        Count++;
        Sum += element.Value;
    }
}

/// <summary>W1Out, generated: W1's chain ending in an output (every even multiple goes to the sink), over a span.</summary>
[Pipeline]
public partial class W1OutPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Map(static x => x * 3)
         .Filter(static x => x % 2 == 0)
         .Output("evens");
}

/// <summary>W1Out: W1's 10,000,000 ints, x * 3, the even ones to a sink (a chain ending in an output).</summary>
[MemoryDiagnoser]
public class W1Out
{
    private int[] _numbers = Array.Empty<int>();

    [GlobalSetup]
    public void Setup()
    {
        _numbers = W1.CreateNumbers();
        if (Generated() != HandWritten())
        {
            throw new InvalidOperationException($"W1Out Generated = {Generated()}, hand-written = {HandWritten()}");
        }
    }

    /// <summary>The plain loop a user writes, calling the same sink for each even multiple.</summary>
    [Benchmark(Baseline = true)]
    public (long Count, int Sum) HandWritten()
    {
        var sink = default(DigestSink<int>);
        foreach (var x in _numbers)
        {
            var y = x * 3;
            if (y % 2 == 0)
            {
                sink.Receive(new WindowedValue<int>(y, Instant.MinValue, BoundedWindow.Global, PaneInfo.NoFiring));
            }
        }

        return (sink.Count, sink.Sum);
    }

    [Benchmark]
    public (long Count, int Sum) Generated()
    {
        var runner = W1OutPipeline.CreateRunner(default(DigestSink<int>));
        runner.PushNumbers(_numbers);
        runner.Finish();
        return (runner.Evens.Count, runner.Evens.Sum);
    }
}
