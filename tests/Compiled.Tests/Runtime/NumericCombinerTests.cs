using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace Compiled.Tests.Runtime;

/// <summary>
/// Overflow in integer sums (Sum wraps as Beam's does; SumChecked throws; SumAsLong widens), and NaN and
/// signed zeros in Max/Min of floating point. Expected values are Beam's (SumTest, MaxTest, MinTest) where it
/// has a test, and every case is run in every order and sharding (<see cref="CombineFnTester"/>).
/// </summary>
public class NumericCombinerTests
{
    private const double NaN = double.NaN;
    private const double Inf = double.PositiveInfinity;

    // Equal as values, NaN equal to NaN, and -0 different from +0.
    private static bool Same(double expected, double actual) =>
        double.IsNaN(expected) ? double.IsNaN(actual) : expected.Equals(actual) && double.IsNegative(expected) == double.IsNegative(actual);

    private static bool Same(float expected, float actual) => Same((double)expected, (double)actual);

    private static bool Same(Half expected, Half actual) => Same((double)expected, (double)actual);

    private static void CheckSum<T>(T[] inputs, T expected)
        where T : INumber<T> =>
        CombineFnTester.Check<SumFn<T>, T, T, T>(Combiners.Sum<T>(), inputs, expected);

    private static void CheckSumChecked<T>(T[] inputs, T expected)
        where T : IBinaryInteger<T>, IMinMaxValue<T> =>
        CombineFnTester.Check<SumCheckedFn<T>, T, T, T>(Combiners.SumChecked<T>(), inputs, expected);

    private static void CheckSumAsLong<T>(T[] inputs, long expected)
        where T : IBinaryInteger<T>, IMinMaxValue<T> =>
        CombineFnTester.Check<SumAsLongFn<T>, T, long, long>(Combiners.SumAsLong<T>(), inputs, expected);

    private static void CheckMax(double[] inputs, double expected) =>
        CombineFnTester.Check<MaxFn<double>, double, MinMaxAccumulator<double>, double>(Combiners.Max<double>(), inputs, expected, Same);

    private static void CheckMin(double[] inputs, double expected) =>
        CombineFnTester.Check<MinFn<double>, double, MinMaxAccumulator<double>, double>(Combiners.Min<double>(), inputs, expected, Same);

    // ---- Sum: Beam's SumTest -------------------------------------------------------------------------

    [Fact]
    public void Sum_BeamSumTest()
    {
        CheckSum(new[] { 1, 2, 3, 4 }, 10);                       // testSumIntegerFn
        CheckSum(new[] { 1L, 2L, 3L, 4L }, 10L);                  // testSumLongFn
        CheckSum(new[] { 1.0, 2.0, 3.0, 4.0 }, 10.0);             // testSumDoubleFn
        CheckSumChecked(new[] { 1, 2, 3, 4 }, 10);
        CheckSumChecked(new[] { 1L, 2L, 3L, 4L }, 10L);
        CheckSumAsLong(new[] { 1, 2, 3, 4 }, 10L);
    }

    [Fact]
    public void Sum_Doubles_InfinityAndNaN_BeamSumTest()
    {
        var sum = Combiners.Sum<double>();
        CombineFnTester.Check<SumFn<double>, double, double, double>(sum, new[] { -Inf, 2.0, 3.0, Inf }, NaN, Same);  // testSumDoubleFnInfinity
        CombineFnTester.Check<SumFn<double>, double, double, double>(sum, new[] { 1.0, 2.0, 3.0, Inf }, Inf, Same);   // testSumDoubleFnPositiveInfinity
        CombineFnTester.Check<SumFn<double>, double, double, double>(sum, new[] { -Inf, 2.0, 3.0, 4.0 }, -Inf, Same); // testSumDoubleFnNegativeInfinity
        CombineFnTester.Check<SumFn<double>, double, double, double>(sum, new[] { 1.0, 2.0, 3.0, NaN }, NaN, Same);   // testSumDoubleFnNan
    }

    [Fact]
    public void Sum_Ints_WrapsAroundOnOverflow_AsJavaDoes()
    {
        // Java: Integer.MAX_VALUE + 1 == Integer.MIN_VALUE, and Sum.ofIntegers() is that addition.
        CheckSum(new[] { int.MaxValue, 1 }, int.MinValue);
        CheckSum(new[] { int.MinValue, -1 }, int.MaxValue);
        CheckSum(new[] { int.MaxValue, int.MaxValue, int.MaxValue }, 2147483645);
        CheckSum(new[] { long.MaxValue, 2L }, long.MinValue + 1);
        CheckSum(new byte[] { 200, 100 }, (byte)44);

        // Wrapping is associative: the wrapped sum is the exact sum modulo 2^32, whatever the order.
        var random = new Random(12);
        var big = Enumerable.Range(0, 200).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToArray();
        var exact = big.Aggregate(BigInteger.Zero, (s, x) => s + x);
        var expected = (int)(uint)(exact & uint.MaxValue);
        CheckSum(big, expected);
    }

    // ---- SumChecked ----------------------------------------------------------------------------------

    [Fact]
    public void SumChecked_ThrowsWithAMessageNamingTheCombiner()
    {
        var thrown = CombineFnTester.ThrowsInEveryOrder<OverflowException, SumCheckedFn<int>, int, int, int>(Combiners.SumChecked<int>(), new[] { int.MaxValue, 1 });
        Assert.NotEmpty(thrown);
        Assert.All(thrown, e => Assert.StartsWith(
            "Combiners.SumChecked<Int32>() overflowed: ", e.Message, StringComparison.Ordinal));
        Assert.Contains(
            "Combiners.SumChecked<Int32>() overflowed: 2147483647 + 1 is outside the range of Int32 (-2147483648 to 2147483647). Sum into a wider type (Combiners.SumAsLong<T>() widens 8-, 16- and 32-bit integers), or use Combiners.Sum<T>() to wrap around as Beam's Sum does.",
            thrown.Select(e => e.Message));
    }

    [Fact]
    public void SumChecked_ThrowsInBothDirections_AndForUnsignedTypes()
    {
        CombineFnTester.ThrowsInEveryOrder<OverflowException, SumCheckedFn<int>, int, int, int>(Combiners.SumChecked<int>(), new[] { int.MinValue, -1 });
        CombineFnTester.ThrowsInEveryOrder<OverflowException, SumCheckedFn<int>, int, int, int>(Combiners.SumChecked<int>(), new[] { 1_500_000_000, 1_500_000_000, 5 });
        CombineFnTester.ThrowsInEveryOrder<OverflowException, SumCheckedFn<long>, long, long, long>(Combiners.SumChecked<long>(), new[] { long.MaxValue, 1L });
        CombineFnTester.ThrowsInEveryOrder<OverflowException, SumCheckedFn<long>, long, long, long>(Combiners.SumChecked<long>(), new[] { long.MinValue / 2, long.MinValue / 2, -1L });
        CombineFnTester.ThrowsInEveryOrder<OverflowException, SumCheckedFn<uint>, uint, uint, uint>(Combiners.SumChecked<uint>(), new[] { uint.MaxValue, 1u });
        CombineFnTester.ThrowsInEveryOrder<OverflowException, SumCheckedFn<byte>, byte, byte, byte>(Combiners.SumChecked<byte>(), new byte[] { 200, 56 });
        CombineFnTester.ThrowsInEveryOrder<OverflowException, SumCheckedFn<short>, short, short, short>(Combiners.SumChecked<short>(), new short[] { -30_000, -2_769 });
    }

    [Fact]
    public void SumChecked_ReachesTheLimitsExactlyWithoutThrowing()
    {
        CheckSumChecked(new[] { int.MaxValue - 1, 1 }, int.MaxValue);
        CheckSumChecked(new[] { int.MinValue + 1, -1 }, int.MinValue);
        CheckSumChecked(new[] { long.MaxValue - 10, 4L, 6L }, long.MaxValue);
        CheckSumChecked(new[] { uint.MaxValue - 1, 1u, 0u }, uint.MaxValue);
        CheckSumChecked(new byte[] { 200, 55 }, (byte)255);
        CheckSumChecked(new short[] { -30_000, -2_768 }, short.MinValue);
        CheckSumChecked(Array.Empty<int>(), 0);
    }

    [Fact]
    public void SumChecked_MergingAccumulatorsIsChecked()
    {
        var fn = Combiners.SumChecked<int>();
        var left = fn.CreateAccumulator();
        fn.AddInput(ref left, 2_000_000_000);
        var right = fn.CreateAccumulator();
        fn.AddInput(ref right, 200_000_000);
        var e = Assert.Throws<OverflowException>(() => fn.MergeAccumulators(ref left, right));
        Assert.StartsWith("Combiners.SumChecked<Int32>() overflowed: 2000000000 + 200000000 is outside the range of Int32", e.Message, StringComparison.Ordinal);
        Assert.Equal(2_000_000_000, left); // unchanged when it throws
    }

    [Fact]
    public void SumChecked_ThrowsExactlyWhenARunningSumLeavesTheRange()
    {
        // Oracle: the running sum, in input order, computed exactly; it throws at the first one out of range.
        var random = new Random(7);
        var fn = Combiners.SumChecked<int>();
        for (var run = 0; run < 500; run++)
        {
            var inputs = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(3) switch
            {
                0 => random.Next(int.MinValue, int.MaxValue),
                1 => random.Next(int.MaxValue / 2, int.MaxValue),
                _ => -random.Next(int.MaxValue / 2, int.MaxValue),
            }).ToArray();

            long exact = 0;
            var overflows = false;
            foreach (var x in inputs)
            {
                exact += x;
                overflows |= exact is < int.MinValue or > int.MaxValue;
                if (overflows)
                {
                    break;
                }
            }

            var acc = fn.CreateAccumulator();
            if (overflows)
            {
                Assert.Throws<OverflowException>(() =>
                {
                    foreach (var x in inputs)
                    {
                        fn.AddInput(ref acc, x);
                    }
                });
            }
            else
            {
                foreach (var x in inputs)
                {
                    fn.AddInput(ref acc, x);
                }

                Assert.Equal(exact, fn.ExtractOutput(acc));
            }
        }
    }

    // ---- SumAsLong -----------------------------------------------------------------------------------

    [Fact]
    public void SumAsLong_IsExactWhereIntWouldWrap()
    {
        CheckSumAsLong(new[] { int.MaxValue, int.MaxValue, int.MaxValue }, 3L * int.MaxValue);
        CheckSumAsLong(new[] { int.MinValue, int.MinValue, -1 }, 2L * int.MinValue - 1);
        CheckSumAsLong(new[] { uint.MaxValue, uint.MaxValue }, 2L * uint.MaxValue);
        CheckSumAsLong(new short[] { short.MaxValue, short.MaxValue, 2 }, 2L * short.MaxValue + 2);
        CheckSumAsLong(new byte[] { 255, 255, 255 }, 765L);
        CheckSumAsLong(new sbyte[] { -128, -128 }, -256L);
        CheckSumAsLong(Array.Empty<int>(), 0L);

        var random = new Random(3);
        var ints = Enumerable.Range(0, 5_000).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToArray();
        CheckSumAsLong(ints, ints.Select(x => (long)x).Sum());
    }

    [Fact]
    public void SumAsLong_LongOverflowThrows_WhenAddingAndWhenMerging()
    {
        var thrown = CombineFnTester.ThrowsInEveryOrder<OverflowException, SumAsLongFn<long>, long, long, long>(Combiners.SumAsLong<long>(), new[] { long.MaxValue, 1L });
        Assert.All(thrown, e => Assert.StartsWith("Combiners.SumAsLong<Int64>() overflowed: ", e.Message, StringComparison.Ordinal));

        var fn = Combiners.SumAsLong<int>();
        long left = long.MaxValue - int.MaxValue + 1; // as after ~2^32 large inputs
        var e = Assert.Throws<OverflowException>(() => fn.AddInput(ref left, int.MaxValue));
        Assert.Equal($"Combiners.SumAsLong<Int32>() overflowed: {long.MaxValue - int.MaxValue + 1} + 2147483647 is outside the range of Int64 (-9223372036854775808 to 9223372036854775807). Sum into a wider type, e.g. Map to Int128 or decimal and use Combiners.SumChecked<Int128>() or Combiners.Sum<decimal>().", e.Message);
        long merged = long.MinValue + 5;
        Assert.Throws<OverflowException>(() => fn.MergeAccumulators(ref merged, -6L));
    }

    [Fact]
    public void SumAsLong_RejectsTypesThatDoNotFitInALong()
    {
        var e = Assert.Throws<NotSupportedException>(() => Combiners.SumAsLong<ulong>());
        Assert.Equal("Combiners.SumAsLong<UInt64>(): not every UInt64 value fits in a long. Use Combiners.SumChecked<UInt64>() to throw on overflow, or Combiners.Sum<UInt64>() to wrap around.", e.Message);
        Assert.Throws<NotSupportedException>(() => Combiners.SumAsLong<Int128>());
        Assert.Throws<NotSupportedException>(() => Combiners.SumAsLong<UInt128>());
        Assert.Throws<NotSupportedException>(() => Combiners.SumAsLong<nuint>());

        // A struct made without the factory still never wraps a value it cannot widen.
        long acc = 0;
        Assert.Throws<OverflowException>(() => default(SumAsLongFn<ulong>).AddInput(ref acc, ulong.MaxValue));
    }

    // ---- Max / Min of floating point: Beam's MaxTest, MinTest ----------------------------------------

    [Fact]
    public void MaxMin_Doubles_BeamMaxTestAndMinTest()
    {
        CheckMax(new[] { 1.0, 2.0, 3.0, 4.0 }, 4.0);              // testMaxDoubleFn
        CheckMax(new[] { -Inf, 2.0, 3.0, Inf }, Inf);             // testMaxDoubleFnInfinity
        CheckMax(new[] { NaN, 2.0, 3.0, Inf }, NaN);              // testMaxDoubleFnNan
        CheckMin(new[] { 1.0, 2.0, 3.0, 4.0 }, 1.0);              // testMinDoubleFn
        CheckMin(new[] { -Inf, 2.0, 3.0, Inf }, -Inf);            // testMinDoubleFnInfinity
        CheckMin(new[] { -Inf, 2.0, 3.0, NaN }, NaN);             // testMinDoubleFnNan
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void MaxMin_Doubles_NaNFirstMiddleOrLast_IsNaN(int at)
    {
        var inputs = new List<double> { -3.5, 7.25, 1e300, -Inf, Inf };
        inputs.Insert(at, NaN);
        CheckMax(inputs.ToArray(), NaN);
        CheckMin(inputs.ToArray(), NaN);

        // In the order given (no permutation), NaN first and NaN last agree.
        var max = Combiners.Max<double>();
        var acc = max.CreateAccumulator();
        foreach (var x in inputs)
        {
            max.AddInput(ref acc, x);
        }

        Assert.True(double.IsNaN(max.ExtractOutput(acc)));
    }

    [Fact]
    public void MaxMin_Doubles_OnlyNaN_AndWithoutNaN()
    {
        CheckMax(new[] { NaN }, NaN);
        CheckMax(new[] { NaN, NaN, NaN }, NaN);
        CheckMin(new[] { NaN, NaN }, NaN);
        CheckMax(new[] { -1.0, -0.5, -2.0 }, -0.5);
        CheckMin(new[] { 5.0, double.Epsilon, 3.0 }, double.Epsilon);
    }

    [Fact]
    public void MaxMin_Doubles_PositiveZeroIsLargerThanNegativeZero()
    {
        // Java: Math.max(-0.0, 0.0) == 0.0 and Math.min(-0.0, 0.0) == -0.0, in either order.
        CheckMax(new[] { -0.0, 0.0 }, 0.0);
        CheckMax(new[] { -0.0, 0.0, -0.0, -1.0 }, 0.0);
        CheckMin(new[] { 0.0, -0.0 }, -0.0);
        CheckMin(new[] { 0.0, -0.0, 0.0, 1.0 }, -0.0);
        CheckMax(new[] { -0.0, -0.0 }, -0.0);
        CheckMin(new[] { 0.0, 0.0 }, 0.0);
        Assert.True(double.IsNegative(-0.0) && !double.IsNegative(0.0)); // the test can tell them apart
    }

    [Fact]
    public void MaxMin_AgreeWithMathMaxAndMathMin_OnRandomInputsWithSpecials()
    {
        // Oracle: .NET's Math.Max/Math.Min (IEEE 754-2019 maximum/minimum), folded in input order.
        double[] specials = { NaN, -0.0, 0.0, Inf, -Inf, double.MaxValue, double.MinValue, double.Epsilon };
        var random = new Random(5);
        for (var run = 0; run < 200; run++)
        {
            var inputs = Enumerable.Range(0, random.Next(1, 6))
                .Select(_ => random.Next(3) == 0 ? specials[random.Next(specials.Length)] : Math.Round(random.NextDouble() * 10 - 5, 1))
                .ToArray();
            CheckMax(inputs, inputs.Aggregate(Math.Max));
            CheckMin(inputs, inputs.Aggregate(Math.Min));
        }
    }

    [Fact]
    public void MaxMin_FloatsAndHalves_FollowTheSameRules()
    {
        CombineFnTester.Check<MaxFn<float>, float, MinMaxAccumulator<float>, float>(Combiners.Max<float>(), new[] { 1f, float.NaN, 3f }, float.NaN, Same);
        CombineFnTester.Check<MinFn<float>, float, MinMaxAccumulator<float>, float>(Combiners.Min<float>(), new[] { 1f, float.NaN, -3f }, float.NaN, Same);
        CombineFnTester.Check<MaxFn<float>, float, MinMaxAccumulator<float>, float>(Combiners.Max<float>(), new[] { -0f, 0f }, 0f, Same);
        CombineFnTester.Check<MinFn<float>, float, MinMaxAccumulator<float>, float>(Combiners.Min<float>(), new[] { 0f, -0f }, -0f, Same);
        CombineFnTester.Check<MaxFn<Half>, Half, MinMaxAccumulator<Half>, Half>(Combiners.Max<Half>(), new[] { (Half)1, Half.NaN, (Half)3 }, Half.NaN, Same);
        CombineFnTester.Check<MinFn<Half>, Half, MinMaxAccumulator<Half>, Half>(Combiners.Min<Half>(), new[] { Half.Zero, Half.NegativeZero }, Half.NegativeZero, Same);
        CombineFnTester.Check<MaxFn<Half>, Half, MinMaxAccumulator<Half>, Half>(Combiners.Max<Half>(), new[] { (Half)1, (Half)(-2), (Half)0.5 }, (Half)1, Same);
    }

    [Fact]
    public void MaxMin_Doubles_WithIdentity_EmptyGivesBeamsIdentity()
    {
        // Beam's Max.ofDoubles() has identity NEGATIVE_INFINITY, Min.ofDoubles() POSITIVE_INFINITY.
        var max = Combiners.Max(double.NegativeInfinity);
        Assert.Equal(-Inf, max.ExtractOutput(max.CreateAccumulator()));
        var min = Combiners.Min(double.PositiveInfinity);
        Assert.Equal(Inf, min.ExtractOutput(min.CreateAccumulator()));
        CombineFnTester.Check<MaxFn<double>, double, MinMaxAccumulator<double>, double>(max, new[] { NaN, 1.0 }, NaN, Same);
    }
}
