using System;
using System.Linq;
using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Compiled;

namespace Compiled.Benchmarks;

/// <summary>W1Double, generated: W1's shape over doubles (scale and shift, keep the positive ones, sum).</summary>
[Pipeline]
public partial class W1DoublePipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<double>("values")
         .Map(static x => x * 1.5 - 0.25)
         .Filter(static x => x > 0)
         .CombineGlobally(Combiners.Sum<double>())
         .Output("sum");
}

/// <summary>W1DoubleStats, generated: a column's statistics over doubles, one pass feeding five combines.</summary>
[Pipeline]
public partial class W1DoubleStatsPipeline
{
    static void Define(PipelineBuilder p)
    {
        var values = p.Create<double>("values");
        values.Count().Output("count");
        values.CombineGlobally(Combiners.Min<double>(double.PositiveInfinity)).Output("min");
        values.CombineGlobally(Combiners.Max<double>(double.NegativeInfinity)).Output("max");
        values.CombineGlobally(Combiners.Mean<double>()).Output("mean");
        values.Filter(static x => x > 0).Count().Output("positive");
    }
}

/// <summary>
/// W1Double: 10,000,000 doubles uniform in [-1, 1), <c>x * 1.5 - 0.25</c>, keep the positive ones (about 42%, in no
/// order a branch predictor can learn), sum. A sum of doubles is exact only in element order: every row but
/// <see cref="VectorPerLane"/> returns the hand loop's bits; that row shows what reordering would buy, and gives
/// another double.
/// </summary>
[MemoryDiagnoser]
public class W1Double
{
    private double[] _values = Array.Empty<double>();

    internal static double[] CreateValues()
    {
        var random = new Random(42);
        var values = new double[10_000_000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextDouble() * 2 - 1;
        }

        return values;
    }

    [GlobalSetup]
    public void Setup()
    {
        _values = CreateValues();
        var expected = BitConverter.DoubleToInt64Bits(HandWritten());
        foreach (var (name, value) in new[] { ("Generated", Generated()), ("Linq", Linq()), ("BranchlessScalar", BranchlessScalar()), ("VectorInOrder", VectorInOrder()) })
        {
            if (BitConverter.DoubleToInt64Bits(value) != expected)
            {
                throw new InvalidOperationException($"W1Double {name} = {value:R}, hand-written = {HandWritten():R}");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public double HandWritten()
    {
        double sum = 0;
        foreach (var x in _values)
        {
            var y = x * 1.5 - 0.25;
            if (y > 0)
            {
                sum += y;
            }
        }

        return sum;
    }

    [Benchmark]
    public double Generated()
    {
        var runner = W1DoublePipeline.CreateRunner(default(LastValueSink<double>));
        runner.PushValues(_values);
        runner.Finish();
        return runner.Sum.Value;
    }

    [Benchmark]
    public double Linq() => _values.Select(x => x * 1.5 - 0.25).Where(x => x > 0).Sum();

    /// <summary>Reference row: no branch, a value that does not pass becomes -0.0 (adding it changes no sum).</summary>
    [Benchmark]
    public double BranchlessScalar()
    {
        double sum = 0;
        foreach (var x in _values)
        {
            var y = x * 1.5 - 0.25;
            var keep = -(long)(y > 0 ? 1 : 0);
            sum += BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(y) & keep) | (~keep & long.MinValue));
        }

        return sum;
    }

    /// <summary>Reference row: the map and filter in Vector&lt;double&gt;, the lanes added to one sum in element order.</summary>
    [Benchmark]
    public double VectorInOrder()
    {
        var span = _values.AsSpan();
        var vectors = MemoryMarshal.Cast<double, Vector<double>>(span);
        var scale = new Vector<double>(1.5);
        var shift = new Vector<double>(0.25);
        var negativeZero = new Vector<double>(-0.0);
        double sum = 0;
        foreach (var v in vectors)
        {
            var y = v * scale - shift;
            var kept = Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<double>.Zero), y, negativeZero);
            for (var lane = 0; lane < Vector<double>.Count; lane++)
            {
                sum += kept[lane];
            }
        }

        for (var i = vectors.Length * Vector<double>.Count; i < span.Length; i++)
        {
            var y = span[i] * 1.5 - 0.25;
            if (y > 0)
            {
                sum += y;
            }
        }

        return sum;
    }

    /// <summary>Reference row, not the same result: one sum per lane, added at the end (reassociated, so rounded differently).</summary>
    [Benchmark]
    public double VectorPerLane()
    {
        var span = _values.AsSpan();
        var vectors = MemoryMarshal.Cast<double, Vector<double>>(span);
        var scale = new Vector<double>(1.5);
        var shift = new Vector<double>(0.25);
        var acc = Vector<double>.Zero;
        foreach (var v in vectors)
        {
            var y = v * scale - shift;
            acc += Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<double>.Zero), y, Vector<double>.Zero);
        }

        var sum = Vector.Sum(acc);
        for (var i = vectors.Length * Vector<double>.Count; i < span.Length; i++)
        {
            var y = span[i] * 1.5 - 0.25;
            if (y > 0)
            {
                sum += y;
            }
        }

        return sum;
    }
}

/// <summary>W1DoubleStats: W1Double's values, their count, min, max, mean and how many are positive.</summary>
[MemoryDiagnoser]
public class W1DoubleStats
{
    private double[] _values = Array.Empty<double>();

    [GlobalSetup]
    public void Setup()
    {
        _values = W1Double.CreateValues();
        var expected = HandWritten();
        foreach (var (name, value) in new[] { ("Generated", Generated()), ("Linq", Linq()) })
        {
            if (value != expected)
            {
                throw new InvalidOperationException($"W1DoubleStats {name} = {value}, hand-written = {expected}");
            }
        }
    }

    /// <summary>One scalar pass computing all five.</summary>
    [Benchmark(Baseline = true)]
    public (long Count, double Min, double Max, double Mean, long Positive) HandWritten()
    {
        long count = 0, positive = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (var x in _values)
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

        return (count, min, max, sum / count, positive);
    }

    [Benchmark]
    public (long Count, double Min, double Max, double Mean, long Positive) Generated()
    {
        var r = W1DoubleStatsPipeline.Run(_values);
        return (r.Count.Single(), r.Min.Single(), r.Max.Single(), r.Mean.Single(), r.Positive.Single());
    }

    /// <summary>The LINQ a .NET user writes: one pass per statistic (LINQ's Average sums in element order too).</summary>
    [Benchmark]
    public (long Count, double Min, double Max, double Mean, long Positive) Linq() =>
        (_values.LongLength, _values.Min(), _values.Max(), _values.Average(), _values.LongCount(x => x > 0));
}
