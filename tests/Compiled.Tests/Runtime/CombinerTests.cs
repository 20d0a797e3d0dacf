using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Compiled.Tests.Runtime;

public class CombinerTests
{
    // Folds inputs one by one, the way generated code calls a combine fn held in a field.
    private static TOut CombineAll<TFn, TIn, TAcc, TOut>(TFn fn, IEnumerable<TIn> inputs)
        where TFn : struct, ICombineFn<TIn, TAcc, TOut>
    {
        TAcc acc = fn.CreateAccumulator();
        foreach (TIn input in inputs)
        {
            fn.AddInput(ref acc, input);
        }

        return fn.ExtractOutput(acc);
    }

    // Splits inputs into `parts` accumulators (some possibly empty) and merges them.
    private static TOut CombineMerged<TFn, TIn, TAcc, TOut>(TFn fn, IReadOnlyList<TIn> inputs, int parts)
        where TFn : struct, ICombineFn<TIn, TAcc, TOut>
    {
        var accs = new TAcc[parts];
        for (int p = 0; p < parts; p++)
        {
            accs[p] = fn.CreateAccumulator();
        }

        for (int i = 0; i < inputs.Count; i++)
        {
            fn.AddInput(ref accs[i % parts], inputs[i]);
        }

        TAcc merged = fn.CreateAccumulator();
        foreach (TAcc acc in accs)
        {
            fn.MergeAccumulators(ref merged, acc);
        }

        return fn.ExtractOutput(merged);
    }

    private static int[] RandomInts(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(-1000, 1000)).ToArray();
    }

    [Fact]
    public void GeneratedCodeShape_FieldOfStructFn_IsCalledDirectly()
    {
        var holder = new FnHolder();
        long acc = holder.Fn.CreateAccumulator();
        holder.Fn.AddInput(ref acc, 40);
        holder.Fn.AddInput(ref acc, 2);
        Assert.Equal(42L, holder.Fn.ExtractOutput(acc));
    }

    private sealed class FnHolder
    {
        // The shape generated code uses: a mutable field holding the struct fn.
        public SumFn<long> Fn = global::Compiled.Combiners.Sum<long>();
    }

    [Fact]
    public void Sum_Ints_Doubles_Decimals()
    {
        int[] ints = RandomInts(1000, 1);
        Assert.Equal(ints.Sum(), CombineAll<SumFn<int>, int, int, int>(Combiners.Sum<int>(), ints));
        Assert.Equal(ints.Sum(), CombineMerged<SumFn<int>, int, int, int>(Combiners.Sum<int>(), ints, 7));
        Assert.Equal(6.5, CombineAll<SumFn<double>, double, double, double>(Combiners.Sum<double>(), new[] { 1.5, 2, 3 }));
        Assert.Equal(0.3m, CombineAll<SumFn<decimal>, decimal, decimal, decimal>(Combiners.Sum<decimal>(), new[] { 0.1m, 0.2m }));
    }

    [Fact]
    public void Sum_Empty_IsZero()
    {
        Assert.Equal(0L, CombineAll<SumFn<long>, long, long, long>(Combiners.Sum<long>(), Array.Empty<long>()));
        Assert.Equal(0L, CombineMerged<SumFn<long>, long, long, long>(Combiners.Sum<long>(), Array.Empty<long>(), 3));
    }

    [Fact]
    public void Count_CountsAndMerges()
    {
        string[] words = { "a", "b", "a", "c", "d" };
        Assert.Equal(5L, CombineAll<CountFn<string>, string, long, long>(Combiners.Count<string>(), words));
        Assert.Equal(5L, CombineMerged<CountFn<string>, string, long, long>(Combiners.Count<string>(), words, 3));
        Assert.Equal(0L, CombineAll<CountFn<string>, string, long, long>(Combiners.Count<string>(), Array.Empty<string>()));
        Assert.Equal(0L, CombineMerged<CountFn<string>, string, long, long>(Combiners.Count<string>(), Array.Empty<string>(), 2));
    }

    [Fact]
    public void MinMax_FindExtremes_WithMerge()
    {
        int[] ints = RandomInts(500, 2);
        Assert.Equal(ints.Min(), CombineAll<MinFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Min<int>(), ints));
        Assert.Equal(ints.Max(), CombineAll<MaxFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Max<int>(), ints));

        // more parts than inputs: some accumulators stay empty and must not win the merge
        int[] few = { 5, -3, 9 };
        Assert.Equal(-3, CombineMerged<MinFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Min<int>(), few, 5));
        Assert.Equal(9, CombineMerged<MaxFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Max<int>(), few, 5));

        string[] words = { "pear", "apple", "zebra", "mango" };
        Assert.Equal("apple", CombineMerged<MinFn<string>, string, MinMaxAccumulator<string>, string>(Combiners.Min<string>(), words, 2));
        Assert.Equal("zebra", CombineMerged<MaxFn<string>, string, MinMaxAccumulator<string>, string>(Combiners.Max<string>(), words, 2));
    }

    [Fact]
    public void MinMax_NegativeValuesOnly_DoNotCompareWithDefault()
    {
        int[] negatives = { -5, -7, -1 };
        Assert.Equal(-1, CombineAll<MaxFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Max<int>(), negatives));
        int[] positives = { 5, 7, 1 };
        Assert.Equal(1, CombineAll<MinFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Min<int>(), positives));
    }

    [Fact]
    public void MinMax_Empty_Throws()
    {
        var min = Assert.Throws<InvalidOperationException>(() => CombineAll<MinFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Min<int>(), Array.Empty<int>()));
        Assert.StartsWith("Min of an empty input has no value", min.Message);
        var max = Assert.Throws<InvalidOperationException>(() => CombineMerged<MaxFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Max<int>(), Array.Empty<int>(), 3));
        Assert.StartsWith("Max of an empty input has no value", max.Message);
    }

    [Fact]
    public void MinMax_WithIdentity_EmptyGivesIdentity()
    {
        Assert.Equal(int.MaxValue, CombineAll<MinFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Min(int.MaxValue), Array.Empty<int>()));
        Assert.Equal(int.MinValue, CombineAll<MaxFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Max(int.MinValue), Array.Empty<int>()));
        Assert.Equal(3, CombineAll<MinFn<int>, int, MinMaxAccumulator<int>, int>(Combiners.Min(int.MaxValue), new[] { 4, 3, 8 }));
        Assert.True(Combiners.Min(0).HasIdentity);
        Assert.False(Combiners.Min<int>().HasIdentity);
    }

    [Fact]
    public void Mean_ComputesAverage_EmptyIsNaN()
    {
        int[] ints = RandomInts(1001, 3);
        Assert.Equal(ints.Average(), CombineAll<MeanFn<int>, int, MeanAccumulator, double>(Combiners.Mean<int>(), ints), 9);
        Assert.Equal(ints.Average(), CombineMerged<MeanFn<int>, int, MeanAccumulator, double>(Combiners.Mean<int>(), ints, 4), 9);
        Assert.Equal(2.5, CombineAll<MeanFn<long>, long, MeanAccumulator, double>(Combiners.Mean<long>(), new long[] { 1, 2, 3, 4 }));
        Assert.Equal(0.25, CombineAll<MeanFn<decimal>, decimal, MeanAccumulator, double>(Combiners.Mean<decimal>(), new[] { 0.5m, 0m }));
        Assert.True(double.IsNaN(CombineAll<MeanFn<int>, int, MeanAccumulator, double>(Combiners.Mean<int>(), Array.Empty<int>())));
        Assert.True(double.IsNaN(CombineMerged<MeanFn<int>, int, MeanAccumulator, double>(Combiners.Mean<int>(), Array.Empty<int>(), 3)));
    }

    [Fact]
    public void Mean_LargeIntegers_DoNotOverflow()
    {
        int[] big = { int.MaxValue, int.MaxValue, int.MaxValue };
        Assert.Equal(int.MaxValue, CombineAll<MeanFn<int>, int, MeanAccumulator, double>(Combiners.Mean<int>(), big));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(5000)]
    public void Top_KeepsLargestDescending(int n)
    {
        int[] ints = RandomInts(1000, n);
        int[] expected = ints.OrderByDescending(x => x).Take(n).ToArray();
        Assert.Equal(expected, CombineAll<TopFn<int>, int, TopAccumulator<int>, IReadOnlyList<int>>(Combiners.Top<int>(n), ints));
        Assert.Equal(expected, CombineMerged<TopFn<int>, int, TopAccumulator<int>, IReadOnlyList<int>>(Combiners.Top<int>(n), ints, 6));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(64)]
    [InlineData(2000)]
    public void Smallest_KeepsSmallestAscending(int n)
    {
        int[] ints = RandomInts(1000, n + 100);
        int[] expected = ints.OrderBy(x => x).Take(n).ToArray();
        Assert.Equal(expected, CombineAll<TopFn<int>, int, TopAccumulator<int>, IReadOnlyList<int>>(Combiners.Smallest<int>(n), ints));
        Assert.Equal(expected, CombineMerged<TopFn<int>, int, TopAccumulator<int>, IReadOnlyList<int>>(Combiners.Smallest<int>(n), ints, 5));
    }

    [Fact]
    public void Top_Strings_Duplicates_AndEmpty()
    {
        string[] words = { "b", "a", "c", "b", "c", "a" };
        Assert.Equal(new[] { "c", "c", "b" }, CombineAll<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Top<string>(3), words));
        Assert.Equal(new[] { "a", "a" }, CombineAll<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Smallest<string>(2), words));
        Assert.Empty(CombineAll<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Top<string>(3), Array.Empty<string>()));
        Assert.Empty(CombineMerged<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Top<string>(3), Array.Empty<string>(), 4));
    }

    // Beam's TopTest.testTop input, and its OrderByLength comparator (by length, then by the string).
    private static readonly string[] BeamCollection = { "a", "bb", "c", "c", "z" };

    private sealed class OrderByLength : IComparer<string>
    {
        public int Compare(string? a, string? b) => a!.Length != b!.Length ? a.Length - b.Length : string.CompareOrdinal(a, b);
    }

    [Fact]
    public void Top_WithAComparer_IsBeamsTopOf()
    {
        // Top.of(1, new OrderByLength()) gives ["bb"]; the order reversed, the smallest by it.
        Assert.Equal(new[] { "bb" }, CombineAll<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Top(1, new OrderByLength()), BeamCollection));
        Assert.Equal(new[] { "bb", "z", "c" }, CombineAll<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Top(3, new OrderByLength()), BeamCollection));
        Assert.Equal(new[] { "a", "c", "c" }, CombineAll<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Smallest(3, new OrderByLength()), BeamCollection));
        Assert.Equal(new[] { "bb", "z", "c" }, CombineMerged<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Top(3, new OrderByLength()), BeamCollection, 3));
    }

    [Fact]
    public void Top_WithAKeySelector_OrdersByTheKey_EqualKeysAreInterchangeable()
    {
        // By length only: "bb" is the largest; "a", "c", "c", "z" tie, and which of them is kept is unspecified.
        foreach (var order in new[] { BeamCollection, BeamCollection.Reverse().ToArray() })
        {
            var top = CombineAll<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Top(2, static (string s) => s.Length), order);
            Assert.Equal("bb", top[0]);
            Assert.Contains(top[1], new[] { "a", "c", "z" });
        }

        // A key with a tie-breaker decides: by length, then by the string (Beam's OrderByLength as a key).
        Assert.Equal(new[] { "bb", "z", "c" }, CombineAll<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Top(3, static (string s) => (s.Length, s)), BeamCollection.Reverse()));

        // The smallest two by length: two of the length-1 strings, smallest key first.
        var smallest = CombineAll<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Smallest(2, static (string s) => s.Length), BeamCollection);
        Assert.Equal(new[] { 1, 1 }, smallest.Select(s => s.Length));

        // Merged in any split, the keys kept are the same (which of the equal elements is not specified).
        for (var parts = 1; parts <= 5; parts++)
        {
            var merged = CombineMerged<TopFn<string>, string, TopAccumulator<string>, IReadOnlyList<string>>(Combiners.Top(3, static (string s) => s.Length), BeamCollection, parts);
            Assert.Equal(new[] { 2, 1, 1 }, merged.Select(s => s.Length));
        }

        Assert.Throws<ArgumentNullException>(() => Combiners.Top<string, int>(2, null!));
        Assert.Throws<ArgumentNullException>(() => Combiners.Smallest<string>(2, (IComparer<string>)null!));
    }

    [Fact]
    public void Top_ValidatesCount()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Combiners.Top<int>(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Combiners.Smallest<int>(-1));
        Assert.Throws<InvalidOperationException>(() => default(TopFn<int>).CreateAccumulator());
    }

    [Fact]
    public void TopAccumulator_ExtractDoesNotDisturbAccumulator_AndSelfMerge()
    {
        var fn = Combiners.Top<int>(3);
        var acc = fn.CreateAccumulator();
        foreach (int x in new[] { 5, 1, 9 })
        {
            fn.AddInput(ref acc, x);
        }

        Assert.Equal(new[] { 9, 5, 1 }, fn.ExtractOutput(acc));
        fn.AddInput(ref acc, 7);
        Assert.Equal(new[] { 9, 7, 5 }, fn.ExtractOutput(acc));
        fn.MergeAccumulators(ref acc, acc);
        Assert.Equal(new[] { 9, 9, 7 }, fn.ExtractOutput(acc));
        Assert.Throws<ArgumentException>(() => acc.Merge(new TopAccumulator<int>(3, smallest: true)));
    }

    [Fact]
    public void TopAccumulator_DoesNotAllocatePerAdd()
    {
        var fn = Combiners.Top<long>(100);
        var acc = fn.CreateAccumulator();
        for (long i = 0; i < 200; i++)
        {
            fn.AddInput(ref acc, i); // reach the final heap size
        }

        // A first round warms the loop up (its tiered compilation may allocate on this thread), the second is counted.
        long allocated = 0;
        for (var round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            AddMany(fn, ref acc);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
        Assert.Equal(100, fn.ExtractOutput(acc).Count);

        static void AddMany(TopFn<long> fn, ref TopAccumulator<long> acc)
        {
            for (long i = 0; i < 100_000; i++)
            {
                fn.AddInput(ref acc, i * 7919 % 100_003);
            }
        }
    }

    [Fact]
    public void ToList_CollectsAndMerges()
    {
        int[] ints = RandomInts(50, 9);
        Assert.Equal(ints, CombineAll<ToListFn<int>, int, List<int>, IReadOnlyList<int>>(Combiners.ToList<int>(), ints));
        Assert.Equal(ints.OrderBy(x => x), CombineMerged<ToListFn<int>, int, List<int>, IReadOnlyList<int>>(Combiners.ToList<int>(), ints, 4).OrderBy(x => x));
        Assert.Empty(CombineAll<ToListFn<int>, int, List<int>, IReadOnlyList<int>>(Combiners.ToList<int>(), Array.Empty<int>()));
    }

    [Fact]
    public void ToList_OutputIsASnapshot()
    {
        var fn = Combiners.ToList<string>();
        var acc = fn.CreateAccumulator();
        fn.AddInput(ref acc, "a");
        IReadOnlyList<string> first = fn.ExtractOutput(acc);
        fn.AddInput(ref acc, "b");
        Assert.Equal(new[] { "a" }, first);
        Assert.Equal(new[] { "a", "b" }, fn.ExtractOutput(acc));
    }
}
