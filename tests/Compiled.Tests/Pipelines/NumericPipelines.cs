using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.Pipelines;

/// <summary>A sensor reading with its event time in milliseconds.</summary>
public readonly record struct Reading(string Sensor, double Value, long TimeMs);

/// <summary>An amount for a key with its event time in milliseconds.</summary>
public readonly record struct Tally(string Key, int Amount, long TimeMs);

/// <summary>Int sums that wrap (Beam's Sum) and that widen to long: globally, per key, and lifted after GroupByKey.</summary>
[Pipeline]
public partial class WideSums
{
    static void Define(PipelineBuilder p)
    {
        var numbers = p.Create<int>("numbers");
        numbers.CombineGlobally(Combiners.Sum<int>()).Output("wrapped");
        numbers.CombineGlobally(Combiners.SumAsLong<int>()).Output("widened");
        var keyed = numbers.WithKeys(static x => x >= 0 ? "nonNegative" : "negative");
        keyed.CombinePerKey(Combiners.SumAsLong<int>()).Output("widenedPerKey");
        keyed.GroupByKey().CombineValues(Combiners.SumAsLong<int>()).Output("widenedValues");
    }
}

/// <summary>A checked int sum per key.</summary>
[Pipeline]
public partial class CheckedSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .WithKeys(static x => x % 2 == 0 ? "even" : "odd")
         .CombinePerKey(Combiners.SumChecked<int>())
         .Output("sums");
}

/// <summary>
/// A widened sum per key in sliding windows: each 10 s pane is summed once and a window's result is merged
/// from its three panes in generated code.
/// </summary>
[Pipeline]
public partial class SlidingWideSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<Tally>("tallies")
         .WithTimestamps(static t => new Instant(t.TimeMs))
         .Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)))
         .Map(static t => KV.Of(t.Key, t.Amount))
         .CombinePerKey(Combiners.SumAsLong<int>())
         .Output("sums");
}

/// <summary>The same with a checked int sum: the merge of panes is where it overflows.</summary>
[Pipeline]
public partial class SlidingCheckedSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<Tally>("tallies")
         .WithTimestamps(static t => new Instant(t.TimeMs))
         .Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)))
         .Map(static t => KV.Of(t.Key, t.Amount))
         .CombinePerKey(Combiners.SumChecked<int>())
         .Output("sums");
}

/// <summary>Max and Min of doubles globally and per sensor in sliding windows (merged from shared panes).</summary>
[Pipeline]
public partial class SensorExtremes
{
    static void Define(PipelineBuilder p)
    {
        var readings = p.Create<Reading>("readings");
        var values = readings.Map(static r => r.Value);
        values.CombineGlobally(Combiners.Max<double>()).Output("max");
        values.CombineGlobally(Combiners.Min<double>()).Output("min");
        var windowed = readings
            .WithTimestamps(static r => new Instant(r.TimeMs))
            .Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)))
            .Map(static r => KV.Of(r.Sensor, r.Value));
        windowed.CombinePerKey(Combiners.Max<double>()).Output("slidingMax");
        windowed.CombinePerKey(Combiners.Min<double>()).Output("slidingMin");
    }
}

/// <summary>The numeric combiners compiled into pipelines by the generator, against LINQ oracles.</summary>
public class NumericPipelineTests
{
    private static IEnumerable<long> SlidingStarts(long t)
    {
        var start = t - (((t % 10_000) + 10_000) % 10_000);
        for (; start > t - 30_000; start -= 10_000)
        {
            yield return start;
        }
    }

    // NaN as one value; otherwise the exact bits, so that -0 and +0 differ.
    private static string Bits(double value) => double.IsNaN(value) ? "NaN" : BitConverter.DoubleToInt64Bits(value).ToString("X16", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void SumWrapsAndSumAsLongIsExact_InGeneratedCode()
    {
        int[] numbers = { int.MaxValue, int.MaxValue, 5, int.MinValue, int.MinValue, -7 };
        var r = WideSums.Run(numbers);

        Assert.Equal(new[] { unchecked(int.MaxValue + int.MaxValue + 5 + int.MinValue + int.MinValue - 7) }, r.Wrapped);
        Assert.Equal(new[] { numbers.Sum(x => (long)x) }, r.Widened);
        var expected = new Dictionary<string, long>
        {
            ["nonNegative"] = 2L * int.MaxValue + 5,
            ["negative"] = 2L * int.MinValue - 7,
        };
        Assert.Equal(expected, r.WidenedPerKey.ToDictionary(kv => kv.Key, kv => kv.Value));
        Assert.Equal(expected, r.WidenedValues.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    [Fact]
    public void SumCheckedThrowsFromGeneratedCodeWithItsMessage()
    {
        var ok = CheckedSums.Run(new[] { 2_147_483_640, 6, 1, -5 });
        Assert.Equal(new Dictionary<string, int> { ["even"] = int.MaxValue - 1, ["odd"] = -4 }, ok.Sums.ToDictionary(kv => kv.Key, kv => kv.Value));

        // The runner names the transform and the element; the combine function's message is inside.
        var e = Assert.Throws<PipelineExecutionException>(() => CheckedSums.Run(new[] { 2_147_483_640, 6, 2 }));
        Assert.True(e.Transform is not null, e.Message);
        Assert.StartsWith("CombinePerKey (line ", e.Transform, StringComparison.Ordinal);
        Assert.Equal(2, e.ElementIndex);
        var overflow = Assert.IsType<OverflowException>(e.InnerException);
        Assert.Equal("Combiners.SumChecked<Int32>() overflowed: 2147483646 + 2 is outside the range of Int32 (-2147483648 to 2147483647). Sum into a wider type (Combiners.SumAsLong<T>() widens 8-, 16- and 32-bit integers), or use Combiners.Sum<T>() to wrap around as Beam's Sum does.", overflow.Message);
    }

    private static List<(string, long, long)> SlidingSumOracle(Tally[] tallies) => tallies
        .SelectMany(t => SlidingStarts(t.TimeMs).Select(start => (t.Key, Start: start, t.Amount)))
        .GroupBy(x => (x.Key, x.Start))
        .Select(g => (g.Key.Key, g.Key.Start, g.Sum(x => (long)x.Amount)))
        .OrderBy(x => x).ToList();

    [Fact]
    public void SlidingWindowsMergePanes_WidenedIsExact_CheckedThrowsOnTheMerge()
    {
        // Panes [0, 10 s) and [10 s, 20 s) each fit in an int; the windows holding both do not.
        Tally[] big = { new("a", 2_000_000_000, 1_000), new("a", 200_000_000, 15_000), new("a", 2_000_000_000, 25_000) };
        var widened = SlidingWideSums.Run(big).SumsElements.Select(x => (x.Value.Key, x.Window.Start.Millis, x.Value.Value)).OrderBy(x => x).ToList();
        Assert.Equal(SlidingSumOracle(big), widened);
        Assert.Contains(("a", 0L, 4_200_000_000L), widened);

        // The overflow is in the merge of a window's panes: that window's result is lost, the others are delivered.
        var e = Assert.Throws<PipelineExecutionException>(() => SlidingCheckedSums.Run(big));
        Assert.StartsWith("CombinePerKey (line ", e.Transform, StringComparison.Ordinal);
        Assert.StartsWith("Combiners.SumChecked<Int32>() overflowed: ", Assert.IsType<OverflowException>(e.InnerException).Message, StringComparison.Ordinal);

        Tally[] small = { new("a", 5, 1_000), new("a", 7, 15_000), new("b", -3, 25_000), new("a", 1, 41_000) };
        var checkedSums = SlidingCheckedSums.Run(small).SumsElements.Select(x => (x.Value.Key, x.Window.Start.Millis, (long)x.Value.Value)).OrderBy(x => x).ToList();
        Assert.Equal(SlidingSumOracle(small), checkedSums);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(6)]
    public void MaxAndMinOfDoubles_NaNWins_InEveryWindowThatHoldsIt(int nanAt)
    {
        var readings = new List<Reading>
        {
            new("s1", 1.5, 1_000), new("z", -0.0, 4_000), new("z", 0.0, 12_000), new("s2", 9.0, 13_000),
            new("s1", -4.0, 26_000), new("s2", double.NegativeInfinity, 33_000),
        };
        readings.Insert(nanAt, new Reading("s1", double.NaN, 18_000)); // first, in the middle, or last
        var r = SensorExtremes.Run(readings);

        Assert.True(double.IsNaN(Assert.Single(r.Max)));
        Assert.True(double.IsNaN(Assert.Single(r.Min)));

        List<(string, long, string)> Oracle(Func<double, double, double> fold) => readings
            .SelectMany(x => SlidingStarts(x.TimeMs).Select(start => (x.Sensor, Start: start, x.Value)))
            .GroupBy(x => (x.Sensor, x.Start))
            .Select(g => (g.Key.Sensor, g.Key.Start, Bits(g.Select(x => x.Value).Aggregate(fold))))
            .OrderBy(x => x).ToList();

        var max = r.SlidingMaxElements.Select(x => (x.Value.Key, x.Window.Start.Millis, Bits(x.Value.Value))).OrderBy(x => x).ToList();
        var min = r.SlidingMinElements.Select(x => (x.Value.Key, x.Window.Start.Millis, Bits(x.Value.Value))).OrderBy(x => x).ToList();
        Assert.Equal(Oracle(Math.Max), max);
        Assert.Equal(Oracle(Math.Min), min);

        // The NaN at 18 s is in s1's windows starting at -10, 0 and 10 s: NaN there, numbers in the others.
        Assert.Equal(new long[] { -10_000, 0, 10_000 }, r.SlidingMaxElements.Where(x => double.IsNaN(x.Value.Value)).Select(x => x.Window.Start.Millis).Order());
        Assert.Contains(("s1", -20_000L, Bits(1.5)), max);
        Assert.Contains(("s1", 20_000L, Bits(-4.0)), min);

        // -0 at 4 s and +0 at 12 s share z's windows starting at -10 and 0 s: max +0, min -0.
        Assert.Contains(("z", -10_000L, Bits(0.0)), max);
        Assert.Contains(("z", 0L, Bits(0.0)), max);
        Assert.Contains(("z", -10_000L, Bits(-0.0)), min);
        Assert.Contains(("z", 0L, Bits(-0.0)), min);
    }
}
