using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Pipelines;

/// <summary>
/// Double input: arithmetic, division, negation, comparisons (NaN included) and conditionals in <c>Vector&lt;double&gt;</c>
/// lanes; sums and means added in element order, minimum, maximum and counts per lane; an output fed lane by lane.
/// </summary>
[Pipeline]
public partial class LanesDoubleChains
{
    static void Define(PipelineBuilder p)
    {
        p.Create<double>("forSum").Map(static x => x * 1.5 - 0.25).Filter(static x => x > -1e6 && x < 1e300).CombineGlobally(Combiners.Sum<double>()).Output("sum");
        p.Create<double>("forPlainSum").CombineGlobally(Combiners.Sum<double>()).Output("plainSum");
        p.Create<double>("forDivide").Map(static x => x / 3.0 + 1 / (x - 2) - -x).CombineGlobally(Combiners.Sum<double>()).Output("divided");
        p.Create<double>("forMean").Map(static x => x < 0 ? -x : x == 0 ? -0.0 : x * x).Filter(static x => !(x >= 1e150)).CombineGlobally(Combiners.Mean<double>()).Output("mean");
        p.Create<double>("forMin").Map(static x => -x).Filter(static x => x != 1).CombineGlobally(Combiners.Min<double>(), withoutDefaults: true).Output("min");
        p.Create<double>("forMax").CombineGlobally(Combiners.Max<double>(double.NegativeInfinity)).Output("max");
        p.Create<double>("forCount").Filter(static x => !(x <= 0)).Count().Output("count");
        p.Create<double>("forCountFn").Filter(static x => x <= 0.5).CombineGlobally(Combiners.Count<double>()).Output("countFn");
        p.Create<double>("forSumWithout").Filter(static x => x >= 0).CombineGlobally(Combiners.Sum<double>(), withoutDefaults: true).Output("sumWithout");
        p.Create<double>("forOutput").Map(static x => -x * 0.5).Filter(static x => x >= 0 || x == -0.0).Output("halves");
    }
}

/// <summary>A column's statistics over doubles: one pass over each vector feeds every combine (a fan-out).</summary>
[Pipeline]
public partial class LanesDoubleStats
{
    static void Define(PipelineBuilder p)
    {
        var values = p.Create<double>("values").Map(static x => x - 0.5);
        values.Count().Output("count");
        values.CombineGlobally(Combiners.Sum<double>()).Output("sum");
        values.CombineGlobally(Combiners.Min<double>(double.PositiveInfinity)).Output("min");
        values.CombineGlobally(Combiners.Max<double>(double.NegativeInfinity)).Output("max");
        values.CombineGlobally(Combiners.Mean<double>()).Output("mean");
        var positive = values.Filter(static x => x > 0);
        positive.CombineGlobally(Combiners.Sum<double>()).Output("positiveSum");
        positive.Count().Output("positiveCount");
    }
}

/// <summary>Float input: 8 lanes per vector on 256-bit hardware, conditions as int masks; a mean's sum is a double.</summary>
[Pipeline]
public partial class LanesFloatChains
{
    static void Define(PipelineBuilder p)
    {
        p.Create<float>("forSum").Map(static x => x * 1.5f - 0.25f).Filter(static x => x > -1e6f && x < 1e30f).CombineGlobally(Combiners.Sum<float>()).Output("sum");
        p.Create<float>("forMean").Map(static x => x < 0 ? -x / 3 : x * x).CombineGlobally(Combiners.Mean<float>()).Output("mean");
        p.Create<float>("forMin").Map(static x => -x).CombineGlobally(Combiners.Min<float>(float.PositiveInfinity)).Output("min");
        p.Create<float>("forMax").Filter(static x => x != 2).CombineGlobally(Combiners.Max<float>(), withoutDefaults: true).Output("max");
        p.Create<float>("forCount").Filter(static x => !(x <= 0.5f)).Count().Output("count");
        p.Create<float>("forOutput").Map(static x => -x * 0.5f).Filter(static x => x >= 0).Output("halves");
    }
}

/// <summary>
/// The float and double lanes (issue 15, item 1) against the scalar loop of the same pipeline, bit for bit: a span goes through the
/// lanes (and the scalar tail), a sequence through the scalar loop only. Random data with NaN, infinities, signed zeros,
/// subnormals and extremes; lengths around the vector width and across blocks.
/// </summary>
public class LanesFloatingPointTests(ITestOutputHelper output)
{
    private static readonly double[] Specials =
    {
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.Epsilon, -double.Epsilon,
        double.MaxValue, double.MinValue, 1.0, -1.0, 2.0, 0.5, 1e300, -1e300, 1e-310, 3.0,
    };

    private static readonly Gen<double> EdgyDouble = Gen.OneOf(
        Gen.Double,
        Gen.Double[-1_000, 1_000],
        Gen.Int[-10, 10].Select(i => (double)i),
        Gen.Int[0, Specials.Length - 1].Select(i => Specials[i]));

    /// <summary>Finite values of one magnitude range: sums whose rounding depends on the order of the additions.</summary>
    private static readonly Gen<double> Rounding = Gen.Double[-1e6, 1e6].Select(Gen.Int[-40, 40], (x, e) => x * Math.Pow(2, e));

    private static readonly Gen<float> EdgyFloat = Gen.OneOf(
        Gen.Float,
        Gen.Float[-1_000, 1_000],
        Gen.Int[-10, 10].Select(i => (float)i),
        Gen.Int[0, Specials.Length - 1].Select(i => (float)Specials[i]),
        Gen.Float[-1e4f, 1e4f].Select(Gen.Int[-20, 20], (x, e) => x * MathF.Pow(2, e)));

    private static Gen<T[]> Arrays<T>(Gen<T> element) => Gen.OneOf(element.Array[0, 100], element.Array[100, 3_000], element.Array[65_530, 140_000]);

    private static IEnumerable<T> Sequence<T>(T[] data) => data.Select(x => x);

    /// <summary>The bits of each value (every NaN as one: a minimum of several NaNs may keep any of them).</summary>
    private static long[] Bits(IEnumerable<double> values) => values.Select(v => double.IsNaN(v) ? -1L : BitConverter.DoubleToInt64Bits(v)).ToArray();

    private static void Same(IEnumerable<double> expected, IEnumerable<double> actual) => Assert.Equal(Bits(expected), Bits(actual));

    private static void Same(IEnumerable<float> expected, IEnumerable<float> actual) => Assert.Equal(
        expected.Select(v => float.IsNaN(v) ? -1 : BitConverter.SingleToInt32Bits(v)).ToArray(),
        actual.Select(v => float.IsNaN(v) ? -1 : BitConverter.SingleToInt32Bits(v)).ToArray());

    [Fact]
    public void DoubleChainsEqualTheScalarLoopBitForBit() => Gen.OneOf(Arrays(EdgyDouble), Arrays(Rounding)).Sample(data =>
    {
        var lanes = LanesDoubleChains.Run(data, data, data, data, data, data, data, data, data, data);
        var scalar = LanesDoubleChains.Run(Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data));
        Same(scalar.Sum, lanes.Sum);
        Same(scalar.PlainSum, lanes.PlainSum);
        Same(scalar.Divided, lanes.Divided);
        Same(scalar.Mean, lanes.Mean);
        Same(scalar.Min, lanes.Min);
        Same(scalar.Max, lanes.Max);
        Assert.Equal(scalar.Count, lanes.Count);
        Assert.Equal(scalar.CountFn, lanes.CountFn);
        Same(scalar.SumWithout, lanes.SumWithout);
        Same(scalar.Halves, lanes.Halves);

        // And the same computations written as plain C# loops.
        double sum = 0, plain = 0, divided = 0, meanSum = 0, min = double.NaN, max = double.NegativeInfinity;
        long count = 0, countFn = 0, meanCount = 0;
        var anyMin = false;
        foreach (var x in data)
        {
            var y = x * 1.5 - 0.25;
            if (y > -1e6 && y < 1e300)
            {
                sum += y;
            }

            plain += x;
            divided += x / 3.0 + 1 / (x - 2) - -x;
            var m = x < 0 ? -x : x == 0 ? -0.0 : x * x;
            if (!(m >= 1e150))
            {
                meanSum += m;
                meanCount++;
            }

            if (-x != 1)
            {
                min = anyMin ? Math.Min(min, -x) : -x;
                anyMin = true;
            }

            max = Math.Max(max, x);
            count += x > 0 || double.IsNaN(x) ? 1 : 0;
            countFn += x <= 0.5 ? 1 : 0;
        }

        Same(new[] { sum }, lanes.Sum);
        Same(new[] { plain }, lanes.PlainSum);
        Same(new[] { divided }, lanes.Divided);
        Same(new[] { meanCount == 0 ? double.NaN : meanSum / meanCount }, lanes.Mean);
        Same(anyMin ? new[] { min } : Array.Empty<double>(), lanes.Min);
        Same(new[] { max }, lanes.Max);
        Assert.Equal(new[] { count }, lanes.Count);
        Assert.Equal(new[] { countFn }, lanes.CountFn);
        Same(data.Select(x => -x * 0.5).Where(x => x >= 0 || x == -0.0), lanes.Halves);
    }, iter: 80);

    [Fact]
    public void DoubleFanOutEqualsTheScalarLoop() => Gen.OneOf(Arrays(EdgyDouble), Arrays(Rounding)).Sample(data =>
    {
        var lanes = LanesDoubleStats.Run(data);
        var scalar = LanesDoubleStats.Run(Sequence(data));
        Assert.Equal(scalar.Count, lanes.Count);
        Same(scalar.Sum, lanes.Sum);
        Same(scalar.Min, lanes.Min);
        Same(scalar.Max, lanes.Max);
        Same(scalar.Mean, lanes.Mean);
        Same(scalar.PositiveSum, lanes.PositiveSum);
        Assert.Equal(scalar.PositiveCount, lanes.PositiveCount);
        Same(new[] { data.Select(x => x - 0.5).Aggregate(0.0, (s, x) => s + x) }, lanes.Sum);
    }, iter: 60);

    [Fact]
    public void FloatChainsEqualTheScalarLoopBitForBit() => Arrays(EdgyFloat).Sample(data =>
    {
        if (data.Length == 0)
        {
            return;
        }

        var lanes = LanesFloatChains.Run(data, data, data, data, data, data);
        var scalar = LanesFloatChains.Run(Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data));
        Same(scalar.Sum, lanes.Sum);
        Same(scalar.Mean, lanes.Mean);
        Same(scalar.Min, lanes.Min);
        Same(scalar.Max, lanes.Max);
        Assert.Equal(scalar.Count, lanes.Count);
        Same(scalar.Halves, lanes.Halves);

        float sum = 0;
        double meanSum = 0;
        foreach (var x in data)
        {
            var y = x * 1.5f - 0.25f;
            if (y > -1e6f && y < 1e30f)
            {
                sum += y;
            }

            meanSum += x < 0 ? -x / 3 : x * x;
        }

        Same(new[] { sum }, lanes.Sum);
        Same(new[] { meanSum / data.Length }, lanes.Mean);
        Same(data.Select(x => -x * 0.5f).Where(x => x >= 0), lanes.Halves);
        Assert.Equal(new[] { data.LongCount(x => !(x <= 0.5f)) }, lanes.Count);
    }, iter: 60);

    [Fact]
    public void PerLaneSumsWouldRoundDifferently()
    {
        // The reason the sum runs in element order: on this data, four per-lane sums added at the end give another
        // double than the running sum, and the pipeline gives the running sum's bits.
        var data = new double[1_000];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = i % 4 == 0 ? 1e16 : i % 4 == 2 ? -1e16 : 1.0 + i * 1e-3;
        }

        double running = 0;
        var lanes = new double[4];
        for (var i = 0; i < data.Length; i++)
        {
            running += data[i];
            lanes[i % 4] += data[i];
        }

        var perLane = lanes[0] + lanes[1] + lanes[2] + lanes[3];
        output.WriteLine($"running {running:R}, per lane {perLane:R}");
        Assert.NotEqual(BitConverter.DoubleToInt64Bits(running), BitConverter.DoubleToInt64Bits(perLane));
        Assert.Equal(BitConverter.DoubleToInt64Bits(running), BitConverter.DoubleToInt64Bits(LanesDoubleStats.Run(data.Select(x => x + 0.5).ToArray()).Sum.Single() ));
    }

    [Fact]
    public void WarmedUpDoubleLanesAllocateNothing()
    {
        var random = new Random(11);
        var data = Enumerable.Range(0, 1_000_003).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        var runner = LanesDoubleStats.CreateRunner(new NullSink<long>(), new NullSink<double>(), new NullSink<double>(), new NullSink<double>(), new NullSink<double>(), new NullSink<double>(), new NullSink<long>());
        AllocationTests.WarmUp(() => runner.PushValues(data));
        var before = GC.GetAllocatedBytesForCurrentThread();
        runner.PushValues(data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes for a span of {data.Length:N0} doubles");
        Assert.Equal(0, allocated);
    }
}
