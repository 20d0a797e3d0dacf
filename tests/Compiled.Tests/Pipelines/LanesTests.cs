using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Pipelines;

/// <summary>W1's shape: multiply, keep the even ones, widen, wrapping long sum.</summary>
[Pipeline]
public partial class LanesEvenSum
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Map(static x => x * 3)
         .Filter(static x => x % 2 == 0)
         .Map(static x => (long)x)
         .CombineGlobally(Combiners.Sum<long>())
         .Output("sum");
}

/// <summary>One chain per combine, each input's span loop in lanes.</summary>
[Pipeline]
public partial class LanesIntChains
{
    private const int Bias = 0x5A5A;

    static void Define(PipelineBuilder p)
    {
        p.Create<int>("forCount").Filter(static x => (x > -1_000_000 && x < 2_000_000_000) || (x & 7) == 3 || !(x % 16 != -5)).Count().Output("count");
        p.Create<int>("forSum").Map(static x => (x ^ Bias) + (x << 3) - (x >> 2) + (x >>> 27)).CombineGlobally(Combiners.Sum<int>()).Output("sum");
        p.Create<int>("forDivide").Map(static x => x / 8 + x % 16 * 3 - x / 1 + (x >>> 29) - x % 1).CombineGlobally(Combiners.Sum<int>()).Output("divided");
        p.Create<int>("forConditional").Map(static x => x % 4 == 0 ? -x : x < -5 ? ~x : x * x).CombineGlobally(Combiners.Sum<int>()).Output("conditional");
        p.Create<int>("forWide").Map(static x => (long)x * x / 4 - ((long)x << 20) + (int)((long)x * 3)).Filter(static x => x % 8 != 1).CombineGlobally(Combiners.Sum<long>()).Output("wide");
        p.Create<int>("forCountFn").Filter(static x => x % 8 == 0 == (x > 0)).CombineGlobally(Combiners.Count<int>()).Output("countFn");
        p.Create<int>("forMin").Filter(static x => x != 0).Map(static x => x / 8 + (x % 4 == 0 ? -x : ~x)).CombineGlobally(Combiners.Min<int>(), withoutDefaults: true).Output("min");
        p.Create<int>("forMax").Map(static x => -x * 7).Filter(static x => x < 1_000).CombineGlobally(Combiners.Max<int>(int.MinValue)).Output("max");
        p.Create<int>("forWidened").Filter(static x => x >= 0 || x < -2_000_000_000).CombineGlobally(Combiners.SumAsLong<int>()).Output("widened");
        p.Create<int>("forMean").Map(static x => x | 1).CombineGlobally(Combiners.Mean<int>()).Output("mean");
    }
}

/// <summary>Long input: long arithmetic, ints computed in long lanes (narrowed, wrapped, widened back).</summary>
[Pipeline]
public partial class LanesLongChains
{
    static void Define(PipelineBuilder p)
    {
        p.Create<long>("forSum").Map(static x => x * 31 + (x >> 3) - (x >>> 60)).Filter(static x => x % 4 != 0).CombineGlobally(Combiners.Sum<long>()).Output("sum");
        p.Create<long>("forIntSum").Map(static x => (int)(x ^ 0x5555) * 65537 - 7).Filter(static x => x / 8 > -100_000_000).CombineGlobally(Combiners.Sum<int>()).Output("intSum");
        p.Create<long>("forIntMin").Map(static x => ((int)x << 5) + ((int)x >>> 3)).CombineGlobally(Combiners.Min<int>()).Output("intMin");
        p.Create<long>("forMax").Map(static x => x >= 0 ? x * 3 : -x).CombineGlobally(Combiners.Max<long>()).Output("max");
        p.Create<long>("forChecked").Map(static x => (long)(int)x).Filter(static x => x != 5).CombineGlobally(Combiners.SumChecked<long>()).Output("checkedSum");
        p.Create<long>("forDivide").Map(static x => x / 1024 + x % 8 - (int)x / 4 + (int)x % 32).CombineGlobally(Combiners.Sum<long>()).Output("divided");
        p.Create<long>("forCount").Filter(static x => (int)x > 0 && x % 2 == 1).Count().Output("count");
    }
}

/// <summary>
/// Fan-outs: one input's stage ends in several combines (a column's statistics), after a shared Map and, on one side,
/// a shared Filter: one pass over each vector runs every branch.
/// </summary>
[Pipeline]
public partial class LanesFanOut
{
    static void Define(PipelineBuilder p)
    {
        var shifted = p.Create<int>("values").Map(static x => x ^ 0x33);
        shifted.Count().Output("count");
        shifted.CombineGlobally(Combiners.Min<int>(int.MaxValue)).Output("min");
        shifted.Map(static x => (long)x * 3).CombineGlobally(Combiners.Max<long>(long.MinValue)).Output("max");
        shifted.CombineGlobally(Combiners.Mean<int>()).Output("mean");
        var even = shifted.Filter(static x => (x & 1) == 0);
        even.Count().Output("evenCount");
        even.CombineGlobally(Combiners.Sum<int>()).Output("evenSum");
        even.Map(static x => (long)x).CombineGlobally(Combiners.SumChecked<long>()).Output("evenChecked");
    }
}

/// <summary>
/// The vectorized span loops (issue 15, item 1) against the scalar loop of the same pipeline: a span goes through the
/// lanes (and the scalar tail), a sequence through the scalar loop only. Random data with edge values, lengths around
/// the vector width and across blocks.
/// </summary>
/// <summary>Chains that end in an output: each passing lane goes to the sink in element order.</summary>
[Pipeline]
public partial class LanesOutputs
{
    static void Define(PipelineBuilder p)
    {
        p.Create<int>("evens").Map(static x => x * 3).Filter(static x => x % 2 == 0).Output("evens");
        p.Create<int>("widened").Filter(static x => x >= 0 || x < -2_000_000_000).Map(static x => (long)x * 3).Output("widened");
        p.Create<int>("plain").Map(static x => x ^ 0x5A5A).Output("plain");
        p.Create<long>("longs").Filter(static x => x % 3 == 0).Map(static x => x - 1).Output("longs");
    }
}

public class LanesTests(ITestOutputHelper output)
{
    private static readonly Gen<int> EdgyInt = Gen.OneOf(
        Gen.Int,
        Gen.Int[-20, 20],
        Gen.Int[0, 8].Select(i => new[] { int.MinValue, int.MinValue + 1, int.MaxValue, int.MaxValue - 1, -1, 0, 1, 1 << 30, -(1 << 30) }[i]));

    private static readonly Gen<long> EdgyLong = Gen.OneOf(
        Gen.Long,
        Gen.Long[-20, 20],
        Gen.Int.Select(i => (long)i),
        Gen.Int[0, 9].Select(i => new[] { long.MinValue, long.MinValue + 1, long.MaxValue, long.MaxValue - 1, -1L, 0L, 1L, int.MinValue, int.MaxValue, (long)int.MaxValue + 1 }[i]));

    /// <summary>Lengths that end mid-vector, lengths under one vector, and (sometimes) more than one block of 65,536.</summary>
    private static Gen<T[]> Arrays<T>(Gen<T> element) => Gen.OneOf(element.Array[0, 100], element.Array[100, 3_000], element.Array[65_530, 140_000]);

    private static IEnumerable<T> Sequence<T>(T[] data) => data.Select(x => x);

    [Fact]
    public void EvenSumEqualsTheScalarLoopAndTheHandLoop() => Arrays(EdgyInt).Sample(data =>
    {
        long expected = 0;
        foreach (var x in data)
        {
            var y = unchecked(x * 3);
            if (y % 2 == 0)
            {
                expected += y;
            }
        }

        Assert.Equal(expected, LanesEvenSum.Run(data).Sum.Single());
        Assert.Equal(expected, LanesEvenSum.Run(Sequence(data)).Sum.Single());
    }, iter: 60);

    [Fact]
    public void IntChainsEqualTheScalarLoop() => Arrays(EdgyInt).Sample(data =>
    {
        var lanes = LanesIntChains.Run(data, data, data, data, data, data, data, data, data, data);
        var scalar = LanesIntChains.Run(Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data));
        Assert.Equal(scalar.Count, lanes.Count);
        Assert.Equal(scalar.Sum, lanes.Sum);
        Assert.Equal(scalar.Divided, lanes.Divided);
        Assert.Equal(scalar.Conditional, lanes.Conditional);
        Assert.Equal(scalar.Wide, lanes.Wide);
        Assert.Equal(scalar.CountFn, lanes.CountFn);
        Assert.Equal(scalar.Min, lanes.Min);
        Assert.Equal(scalar.Max, lanes.Max);
        Assert.Equal(scalar.Widened, lanes.Widened);
        Assert.Equal(scalar.Mean, lanes.Mean);

        // And the same chains computed by LINQ, with C#'s own semantics.
        Assert.Equal(data.LongCount(x => (x > -1_000_000 && x < 2_000_000_000) || (x & 7) == 3 || !(x % 16 != -5)), lanes.Count.Single());
        Assert.Equal(unchecked(data.Aggregate(0, (s, x) => s + ((x ^ 0x5A5A) + (x << 3) - (x >> 2) + (x >>> 27)))), lanes.Sum.Single());
        Assert.Equal(data.Where(x => x >= 0 || x < -2_000_000_000).Sum(x => (long)x), lanes.Widened.Single());
        var mins = data.Where(x => x != 0).Select(x => x / 8 + (x % 4 == 0 ? -x : ~x)).ToList();
        Assert.Equal(mins.Count == 0 ? Array.Empty<int>() : new[] { mins.Min() }, lanes.Min);
    }, iter: 60);

    [Fact]
    public void FanOutEqualsTheScalarLoopAndLinq() => Arrays(EdgyInt).Sample(data =>
    {
        var lanes = LanesFanOut.Run(data);
        var scalar = LanesFanOut.Run(Sequence(data));
        Assert.Equal(scalar.Count, lanes.Count);
        Assert.Equal(scalar.Min, lanes.Min);
        Assert.Equal(scalar.Max, lanes.Max);
        Assert.Equal(scalar.Mean, lanes.Mean);
        Assert.Equal(scalar.EvenCount, lanes.EvenCount);
        Assert.Equal(scalar.EvenSum, lanes.EvenSum);
        Assert.Equal(scalar.EvenChecked, lanes.EvenChecked);

        var shifted = data.Select(x => x ^ 0x33).ToArray();
        var even = shifted.Where(x => (x & 1) == 0).ToArray();
        Assert.Equal(data.LongLength, lanes.Count.Single());
        Assert.Equal(shifted.DefaultIfEmpty(int.MaxValue).Min(), lanes.Min.Single());
        Assert.Equal(shifted.Select(x => (long)x * 3).DefaultIfEmpty(long.MinValue).Max(), lanes.Max.Single());
        Assert.Equal(even.LongLength, lanes.EvenCount.Single());
        Assert.Equal(unchecked(even.Aggregate(0, (a, x) => a + x)), lanes.EvenSum.Single());
        Assert.Equal(even.Sum(x => (long)x), lanes.EvenChecked.Single());
    }, iter: 60);

    [Fact]
    public void ChainsEndingInAnOutputDeliverTheScalarLoopsElementsInOrder() => Gen.Select(Arrays(EdgyInt), Arrays(EdgyLong)).Sample((ints, longs) =>
    {
        var lanes = LanesOutputs.Run(ints, ints, ints, longs);
        var scalar = LanesOutputs.Run(Sequence(ints), Sequence(ints), Sequence(ints), Sequence(longs));
        Assert.Equal(scalar.Evens, lanes.Evens);
        Assert.Equal(scalar.Widened, lanes.Widened);
        Assert.Equal(scalar.Plain, lanes.Plain);
        Assert.Equal(scalar.Longs, lanes.Longs);
        Assert.Equal(ints.Select(x => unchecked(x * 3)).Where(x => x % 2 == 0), lanes.Evens);
        Assert.Equal(ints.Where(x => x >= 0 || x < -2_000_000_000).Select(x => (long)x * 3), lanes.Widened);
        Assert.Equal(ints.Select(x => x ^ 0x5A5A), lanes.Plain);
        Assert.Equal(longs.Where(x => x % 3 == 0).Select(x => unchecked(x - 1)), lanes.Longs);
    }, iter: 40);

    [Fact]
    public void LongChainsEqualTheScalarLoop() => Arrays(EdgyLong).Sample(data =>
    {
        if (data.Length == 0)
        {
            // Min and Max without an identity have no value for an empty input: both loops say so, alike.
            Assert.Contains("Min of an empty input", Assert.Throws<PipelineExecutionException>(() => LanesLongChains.Run(data, data, data, data, data, data, data)).Message);
            Assert.Contains("Min of an empty input", Assert.Throws<PipelineExecutionException>(() => LanesLongChains.Run(Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data))).Message);
            return;
        }

        var lanes = LanesLongChains.Run(data, data, data, data, data, data, data);
        var scalar = LanesLongChains.Run(Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data));
        Assert.Equal(scalar.Sum, lanes.Sum);
        Assert.Equal(scalar.IntSum, lanes.IntSum);
        Assert.Equal(scalar.Count, lanes.Count);
        Assert.Equal(scalar.CheckedSum, lanes.CheckedSum);
        Assert.Equal(scalar.Divided, lanes.Divided);
        Assert.Equal(data.Aggregate(0L, (s, x) => unchecked(s + (x / 1024 + x % 8 - (int)x / 4 + (int)x % 32))), lanes.Divided.Single());
        Assert.Equal(unchecked(data.Select(x => (int)(x ^ 0x5555) * 65537 - 7).Where(x => x / 8 > -100_000_000).Aggregate(0, (s, x) => s + x)), lanes.IntSum.Single());
        if (data.Length > 0)
        {
            Assert.Equal(scalar.IntMin, lanes.IntMin);
            Assert.Equal(scalar.Max, lanes.Max);
            Assert.Equal(data.Select(x => ((int)x << 5) + ((int)x >>> 3)).Min(), lanes.IntMin.Single());
            Assert.Equal(data.Select(x => x >= 0 ? unchecked(x * 3) : unchecked(-x)).Max(), lanes.Max.Single());
        }
    }, iter: 60);

    [Fact]
    public void TheParallelBatchRunnerRunsEachShardsPartInLanes() => Arrays(EdgyInt).Sample(data =>
    {
        var single = LanesIntChains.Run(Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data), Sequence(data));
        var parallel = LanesIntChains.Run(data, data, data, data, data, data, data, data, data, data, parallelism: 2);
        Assert.Equal(single.Count, parallel.Count);
        Assert.Equal(single.Sum, parallel.Sum);
        Assert.Equal(single.Wide, parallel.Wide);
        Assert.Equal(single.Min, parallel.Min);
        Assert.Equal(single.Max, parallel.Max);
        Assert.Equal(single.Widened, parallel.Widened);
        Assert.Equal(single.Mean, parallel.Mean);
    }, iter: 20);

    [Fact]
    public void ACheckedSumNearOverflowFallsBackToTheScalarLoopAndFailsAtTheSameElement()
    {
        // The lanes sum a block only while the running sum is too far from overflow for the block to reach it; nearer, the
        // scalar loop takes over and throws at the element whose running sum overflows, as without lanes. A running sum
        // near long.MaxValue takes 2^32 elements to reach, so it is written into a checkpoint instead: the position of the
        // sum's 8 bytes is where the checkpoints after pushing 1 and after pushing 2 differ.
        var one = Checkpoint(runner => runner.PushForChecked(1L));
        var two = Checkpoint(runner => runner.PushForChecked(2L));
        var at = Enumerable.Range(0, one.Length).Single(i => one[i] != two[i]);
        Assert.Equal(1L, BitConverter.ToInt64(one, at));

        var data = Enumerable.Repeat((long)int.MaxValue, 200_000).ToArray();
        foreach (var start in new[] { long.MaxValue - (1L << 47) - 1_000, long.MaxValue - (1L << 47) + 1_000, long.MaxValue - 10L * int.MaxValue, 0L })
        {
            var state = (byte[])one.Clone();
            BitConverter.GetBytes(start).CopyTo(state, at);
            var lanes = Restored(state);
            var scalar = Restored(state);
            var fromLanes = Record.Exception(() => lanes.PushForChecked(data.AsSpan()));
            var fromScalar = Record.Exception(() => scalar.PushForChecked(Sequence(data)));
            if (start == 0)
            {
                Assert.Null(fromLanes);
                Assert.Null(fromScalar);
                continue;
            }

            var expected = (long.MaxValue - start) / int.MaxValue; // the element that overflows: the first past the room left
            Assert.Equal(expected, Assert.IsType<PipelineExecutionException>(fromScalar).ElementIndex);
            Assert.Equal(expected, Assert.IsType<PipelineExecutionException>(fromLanes).ElementIndex);
            Assert.IsType<OverflowException>(fromLanes!.InnerException);
            output.WriteLine($"running sum {start}: both fail at element {expected}");
        }
    }

    [Fact]
    public void WarmedUpLanesAllocateNothing()
    {
        var ints = new Random(7).GetItems(Enumerable.Range(-1_000_000, 2_000_000).ToArray(), 1_000_003);
        var longs = ints.Select(x => (long)x * 4_000_000_007L).ToArray();
        var intRunner = LanesEvenSum.CreateRunner(new NullSink<long>());
        var longRunner = NewLongChains();
        void Run()
        {
            intRunner.PushNumbers(ints);
            longRunner.PushForSum(longs);
            longRunner.PushForIntMin(longs);
            longRunner.PushForChecked(longs);
            longRunner.PushForCount(longs);
        }

        AllocationTests.WarmUp(Run);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes for 5 spans of {ints.Length:N0} elements");
        Assert.Equal(0, allocated);
    }

    private static LanesLongChains.Runner<NullSink<long>, NullSink<int>, NullSink<int>, NullSink<long>, NullSink<long>, NullSink<long>, NullSink<long>> NewLongChains() =>
        LanesLongChains.CreateRunner(new NullSink<long>(), new NullSink<int>(), new NullSink<int>(), new NullSink<long>(), new NullSink<long>(), new NullSink<long>(), new NullSink<long>());

    private static byte[] Checkpoint(Action<LanesLongChains.Runner<NullSink<long>, NullSink<int>, NullSink<int>, NullSink<long>, NullSink<long>, NullSink<long>, NullSink<long>>> push)
    {
        var runner = NewLongChains();
        push(runner);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        runner.WriteCheckpoint(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static LanesLongChains.Runner<NullSink<long>, NullSink<int>, NullSink<int>, NullSink<long>, NullSink<long>, NullSink<long>, NullSink<long>> Restored(byte[] state)
    {
        var runner = NewLongChains();
        runner.RestoreCheckpoint(state);
        return runner;
    }
}
