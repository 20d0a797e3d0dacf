using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Coders;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Coders;

/// <summary>Round-trip properties of the built-in coders, one type at a time.</summary>
public sealed class BuiltInCoderTests
{
    /// <summary>Strings without unpaired surrogates (which UTF-8 cannot carry: they are written as U+FFFD).</summary>
    internal static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 0, 40],
        Gen.OneOf(Gen.Const("🙂 ok"), Gen.Const("Straße"), Gen.Const("日本語"), Gen.Const(""), Gen.Const(new string('é', 300))));

    internal static readonly Gen<DateTime> Dates = Gen.Select(Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks], Gen.Int[0, 2], (t, k) => new DateTime(t, (DateTimeKind)k));

    internal static readonly Gen<DateTimeOffset> Offsets = Gen.Select(Gen.Long[DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay], Gen.Int[-14 * 60, 14 * 60],
        (t, m) => new DateTimeOffset(t, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(m)));

    internal static readonly Gen<double> Doubles = Gen.OneOf(Gen.Double, Gen.OneOf(Gen.Const(-0.0), Gen.Const(double.NaN), Gen.Const(BitConverter.UInt64BitsToDouble(0xFFF8_0000_0000_1234ul)), Gen.Const(double.NegativeInfinity)));

    internal static readonly Gen<decimal> Decimals = Gen.OneOf(Gen.Decimal, Gen.OneOf(Gen.Const(1.00m), Gen.Const(-0.000m), Gen.Const(decimal.MaxValue), Gen.Const(decimal.MinValue)));

    [Fact]
    public void Primitives()
    {
        CoderAssert.RoundTrips<bool, BooleanCoder>(Gen.Bool);
        CoderAssert.RoundTrips<byte, ByteCoder>(Gen.Byte);
        CoderAssert.RoundTrips<sbyte, SByteCoder>(Gen.SByte);
        CoderAssert.RoundTrips<short, Int16Coder>(Gen.Short);
        CoderAssert.RoundTrips<ushort, UInt16Coder>(Gen.UShort);
        CoderAssert.RoundTrips<char, CharCoder>(Gen.Char);
        CoderAssert.RoundTrips<int, Int32Coder>(Gen.Int);
        CoderAssert.RoundTrips<uint, UInt32Coder>(Gen.UInt);
        CoderAssert.RoundTrips<long, Int64Coder>(Gen.Long);
        CoderAssert.RoundTrips<ulong, UInt64Coder>(Gen.ULong);
        CoderAssert.RoundTrips<float, SingleCoder>(Gen.OneOf(Gen.Float, Gen.Const(-0f), Gen.Const(float.NaN)));
        CoderAssert.RoundTrips<double, DoubleCoder>(Doubles);
        CoderAssert.RoundTrips<decimal, DecimalCoder>(Decimals);
        CoderAssert.RoundTrips<Half, HalfCoder>(Gen.UShort.Select(BitConverter.UInt16BitsToHalf), (a, b) => BitConverter.HalfToUInt16Bits(a) == BitConverter.HalfToUInt16Bits(b));
        CoderAssert.RoundTrips<Int128, Int128Coder>(Gen.Select(Gen.ULong, Gen.ULong, (h, l) => (Int128)new UInt128(h, l)));
        CoderAssert.RoundTrips<UInt128, UInt128Coder>(Gen.Select(Gen.ULong, Gen.ULong, (h, l) => new UInt128(h, l)));
    }

    [Fact]
    public void TextAndTime()
    {
        CoderAssert.RoundTrips<string?, StringCoder>(Gen.OneOf(Text.Select(s => (string?)s), Gen.Const((string?)null)));
        CoderAssert.RoundTrips<ReadOnlyMemory<char>, CharMemoryCoder>(Text.Select(s => s.AsMemory()), (a, b) => a.Span.SequenceEqual(b.Span));
        CoderAssert.RoundTrips<Guid, GuidCoder>(Gen.Guid);
        CoderAssert.RoundTrips<DateTime, DateTimeCoder>(Dates, (a, b) => a == b && a.Kind == b.Kind);
        CoderAssert.RoundTrips<DateTimeOffset, DateTimeOffsetCoder>(Offsets, (a, b) => a == b && a.Offset == b.Offset);
        CoderAssert.RoundTrips<TimeSpan, TimeSpanCoder>(Gen.Long.Select(t => new TimeSpan(t)));
        CoderAssert.RoundTrips<DateOnly, DateOnlyCoder>(Gen.Int[0, 3652058].Select(DateOnly.FromDayNumber));
        CoderAssert.RoundTrips<TimeOnly, TimeOnlyCoder>(Gen.Long[0, TimeOnly.MaxValue.Ticks].Select(t => new TimeOnly(t)));
        CoderAssert.RoundTrips<Instant, InstantCoder>(Gen.Long.Select(m => new Instant(m)));
        CoderAssert.RoundTrips<DayOfWeek, EnumCoder<DayOfWeek, int, Int32Coder>>(Gen.Int.Select(i => (DayOfWeek)i));
    }

    [Fact]
    public void Composites()
    {
        CoderAssert.RoundTrips<int?, NullableCoder<int, Int32Coder>>(Gen.OneOf(Gen.Int.Select(i => (int?)i), Gen.Const((int?)null)));
        CoderAssert.RoundTrips<KV<string, long>, KVCoder<string, long, StringCoder, Int64Coder>>(Gen.Select(Text, Gen.Long, KV.Of));
        CoderAssert.RoundTrips<KeyValuePair<int, string?>, KeyValuePairCoder<int, string?, Int32Coder, StringCoder>>(Gen.Select(Gen.Int, Text, (k, v) => new KeyValuePair<int, string?>(k, v)));
        CoderAssert.RoundTrips<(int, string?), ValueTupleCoder<int, string?, Int32Coder, StringCoder>>(Gen.Select(Gen.Int, Text, (a, b) => (a, (string?)b)));
        CoderAssert.RoundTrips<(long, Guid, Instant), ValueTupleCoder<long, Guid, Instant, Int64Coder, GuidCoder, InstantCoder>>(Gen.Select(Gen.Long, Gen.Guid, Gen.Long, (a, b, c) => (a, b, new Instant(c))));
        CoderAssert.RoundTrips<(byte, short, int, long, bool, char, decimal), ValueTupleCoder<byte, short, int, long, bool, char, decimal, ByteCoder, Int16Coder, Int32Coder, Int64Coder, BooleanCoder, CharCoder, DecimalCoder>>(
            Gen.Select(Gen.Byte, Gen.Short, Gen.Int, Gen.Long, Gen.Select(Gen.Bool, Gen.Char, Decimals, (a, b, c) => (a, b, c)), (a, b, c, d, e) => (a, b, c, d, e.Item1, e.Item2, e.Item3)));
    }

    [Fact]
    public void Collections()
    {
        CoderAssert.RoundTrips<int[]?, ArrayCoder<int, Int32Coder>>(Gen.OneOf(Gen.Int.Array[0, 30].Select(a => (int[]?)a), Gen.Const((int[]?)null)), SameItems);
        CoderAssert.RoundTrips<List<string?>?, ListCoder<string?, StringCoder>>(Text.Select(s => (string?)s).List[0, 20].Select(l => (List<string?>?)l), SameItems);
        CoderAssert.RoundTrips<IReadOnlyList<long>, CollectionCoder<IReadOnlyList<long>, long, Int64Coder>>(Gen.Long.Array[0, 20].Select(a => (IReadOnlyList<long>)a), SameItems);
        CoderAssert.RoundTrips<HashSet<int>?, HashSetCoder<int, Int32Coder>>(Gen.Int.Array[0, 20].Select(a => (HashSet<int>?)a.ToHashSet()), (a, b) => a!.SetEquals(b!));
        CoderAssert.RoundTrips<Dictionary<string, int>?, DictionaryCoder<string, int, StringCoder, Int32Coder>>(
            Gen.Select(Text, Gen.Int).Array[0, 20].Select(a => (Dictionary<string, int>?)a.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2)),
            (a, b) => a!.Count == b!.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value));
        CoderAssert.RoundTrips<IReadOnlyDictionary<int, string?>, DictionaryInterfaceCoder<IReadOnlyDictionary<int, string?>, int, string?, Int32Coder, StringCoder>>(
            Gen.Select(Gen.Int, Text).Array[0, 10].Select(a => (IReadOnlyDictionary<int, string?>)a.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => (string?)p.Item2)),
            (a, b) => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value));
        CoderAssert.RoundTrips<IEnumerable<Guid>, CollectionCoder<IEnumerable<Guid>, Guid, GuidCoder>>(Gen.Guid.List[0, 10].Select(l => (IEnumerable<Guid>)l), SameItems);
        CoderAssert.RoundTrips<int[][], ArrayCoder<int[], ArrayCoder<int, Int32Coder>>>(Gen.Int.Array[0, 5].Array[0, 5], (a, b) => a.Length == b.Length && a.Zip(b).All(p => p.First.SequenceEqual(p.Second)));
    }

    [Fact]
    public void WindowsPanesAndAccumulators()
    {
        var windows = Gen.OneOf(
            Gen.Const(BoundedWindow.Global),
            Gen.Select(Gen.Long[-1_000_000, 1_000_000], Gen.Long[0, 1_000_000], (s, d) => BoundedWindow.Interval(new Instant(s), new Instant(s + d))));
        CoderAssert.RoundTrips<BoundedWindow, BoundedWindowCoder>(windows);
        CoderAssert.RoundTrips<PaneInfo, PaneInfoCoder>(Gen.Select(Gen.Bool, Gen.Bool, Gen.Int[0, 3], Gen.Long, Gen.Long, (f, l, t, i, n) => new PaneInfo(f, l, (PaneTiming)t, i, n)));
        CoderAssert.RoundTrips<MinMaxAccumulator<long>, MinMaxAccumulatorCoder<long, Int64Coder>>(Gen.OneOf(Gen.Long.Select(v => new MinMaxAccumulator<long>(v)), Gen.Const(default(MinMaxAccumulator<long>))),
            (a, b) => a.HasValue == b.HasValue && a.Value == b.Value);
        CoderAssert.RoundTrips<TopAccumulator<int>, TopAccumulatorCoder<int, Int32Coder>>(
            Gen.Select(Gen.Int[1, 12], Gen.Bool, Gen.Int[-50, 50].Array[0, 40], (max, smallest, items) =>
            {
                var top = new TopAccumulator<int>(max, smallest);
                foreach (var item in items)
                {
                    top.Add(item);
                }

                return top;
            }),
            (a, b) => a.MaxCount == b.MaxCount && a.KeepsSmallest == b.KeepsSmallest && a.ToSortedArray().SequenceEqual(b.ToSortedArray()));
        CoderAssert.RoundTrips<MeanAccumulator, MeanAccumulatorCoder>(Gen.Select(Doubles, Gen.Long, (s, c) => new MeanAccumulator { Sum = s, Count = c }),
            (a, b) => a.Sum.Equals(b.Sum) && a.Count == b.Count);
    }

    [Fact(DisplayName = "A top accumulator ordered by a comparer, read back from its coder, goes on in that order once its TopFn adds to it, merges or extracts")]
    public void ATopAccumulatorGetsItsComparerBack() => Gen.Select(Gen.Int[1, 8], Gen.Bool, Gen.String[0, 4].Array[0, 30], Gen.String[0, 4].Array[0, 30]).Sample((max, smallest, before, after) =>
    {
        // Ordered by length, then by the reversed text: no element type's default order (strings compare otherwise).
        var comparer = Comparer<string>.Create((x, y) => x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(new string(x.Reverse().ToArray()), new string(y.Reverse().ToArray())));
        var fn = new TopFn<string>(max, smallest, comparer);
        var whole = fn.CreateAccumulator();
        var first = fn.CreateAccumulator();
        foreach (var item in before)
        {
            fn.AddInput(ref whole, item);
            fn.AddInput(ref first, item);
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new CoderWriter(buffer);
        default(TopAccumulatorCoder<string, StringCoder>).Encode(ref writer, first);
        writer.Flush();
        var reader = new CoderReader(buffer.WrittenSpan);
        var restored = default(TopAccumulatorCoder<string, StringCoder>).Decode(ref reader)!;
        var merged = fn.CreateAccumulator();
        foreach (var item in after)
        {
            fn.AddInput(ref whole, item);
            fn.AddInput(ref restored, item);
        }

        fn.MergeAccumulators(ref merged, restored);
        Assert.Equal(fn.ExtractOutput(whole).Select(s => s.Length), fn.ExtractOutput(restored).Select(s => s.Length));
        Assert.Equal(fn.ExtractOutput(whole).Select(s => s.Length), fn.ExtractOutput(merged).Select(s => s.Length));
    });

    [Fact]
    public void TheCanonicalEncodingWritesEqualValuesWithEqualBytes()
    {
        // Values .NET holds equal: one encoding each in the canonical mode, so that they hash to one key group.
        Assert.Equal(Canonical<double, DoubleCoder>(0.0), Canonical<double, DoubleCoder>(-0.0));
        Assert.Equal(Canonical<double, DoubleCoder>(double.NaN), Canonical<double, DoubleCoder>(BitConverter.UInt64BitsToDouble(0xFFF8_0000_0000_1234ul)));
        Assert.Equal(Canonical<float, SingleCoder>(0f), Canonical<float, SingleCoder>(-0f));
        Assert.Equal(Canonical<decimal, DecimalCoder>(1m), Canonical<decimal, DecimalCoder>(1.00m));
        Assert.Equal(Canonical<decimal, DecimalCoder>(0m), Canonical<decimal, DecimalCoder>(-0.000m));
        Assert.Equal(Canonical<DateTime, DateTimeCoder>(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)), Canonical<DateTime, DateTimeCoder>(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Local)));
        var instant = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(Canonical<DateTimeOffset, DateTimeOffsetCoder>(instant), Canonical<DateTimeOffset, DateTimeOffsetCoder>(instant.ToOffset(TimeSpan.FromHours(5))));
        Assert.Equal(
            Canonical<(decimal, string?), ValueTupleCoder<decimal, string?, DecimalCoder, StringCoder>>((2.50m, "EUR")),
            Canonical<(decimal, string?), ValueTupleCoder<decimal, string?, DecimalCoder, StringCoder>>((2.5000m, "EUR")));

        // The exact encoding keeps what the canonical one folds.
        Assert.NotEqual(Coder.ToArray<double, DoubleCoder>(0.0), Coder.ToArray<double, DoubleCoder>(-0.0));
        Assert.True(double.IsNegative(Coder.Decode<double, DoubleCoder>(Coder.ToArray<double, DoubleCoder>(-0.0))));
        Assert.Equal("1.00", Coder.Decode<decimal, DecimalCoder>(Coder.ToArray<decimal, DecimalCoder>(1.00m)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1", Coder.Decode<decimal, DecimalCoder>(Canonical<decimal, DecimalCoder>(1.00m), canonical: true).ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Equal values by .NET's equality: equal canonical bytes, for random pairs.
        Gen.Select(Decimals, Gen.Int[0, 10]).Sample((d, extra) =>
        {
            var scaled = extra == 0 || Math.Abs(d) > 1e18m ? d : d * (1.0000000000m / 1.0000000000m);
            Assert.Equal(d, scaled);
            Assert.Equal(Canonical<decimal, DecimalCoder>(d), Canonical<decimal, DecimalCoder>(scaled));
        });
    }

    [Fact]
    public void TheKeyHasherAndTheCodersWriteTheSameCanonicalBytes() =>
        // KeyHasher (public, field by field) and the coders (what the runners hash) must not drift: equal hashes for
        // random keys of every type both know, alone and in sequence.
        Gen.Select(Gen.Select(Text, Gen.Int, Gen.Long, Doubles), Gen.Select(Decimals, Gen.Guid, Dates, Offsets), Gen.Select(Gen.Bool, Gen.Char, Gen.Short, Gen.Float, Gen.Long))
            .Sample((a, b, c) =>
            {
                var (text, number, big, real) = a;
                var (money, id, date, offset) = b;
                var (flag, letter, small, single, millis) = c;
                var hasher = new Compiled.Parallel.KeyHasher();
                hasher.Add(text);
                hasher.Add(number);
                hasher.Add(big);
                hasher.Add(real);
                Assert.Equal(hasher.Finish(), Coder.Hash<(string, int, long, double), ValueTupleCoder<string, int, long, double, StringCoder, Int32Coder, Int64Coder, DoubleCoder>>((text, number, big, real)));
                hasher.Add(money);
                hasher.Add(id);
                hasher.Add(date);
                hasher.Add(offset);
                Assert.Equal(hasher.Finish(), Coder.Hash<(decimal, Guid, DateTime, DateTimeOffset), ValueTupleCoder<decimal, Guid, DateTime, DateTimeOffset, DecimalCoder, GuidCoder, DateTimeCoder, DateTimeOffsetCoder>>((money, id, date, offset)));
                hasher.Add(flag);
                hasher.Add(letter);
                hasher.Add(small);
                hasher.Add(single);
                hasher.Add(new TimeSpan(millis));
                hasher.Add(new Instant(millis));
                hasher.AddNotNull();
                hasher.Add(number);
                Assert.Equal(
                    hasher.Finish(),
                    Coder.Hash<(bool, char, short, float, TimeSpan, Instant, int?), ValueTupleCoder<bool, char, short, float, TimeSpan, Instant, int?, BooleanCoder, CharCoder, Int16Coder, SingleCoder, TimeSpanCoder, InstantCoder, NullableCoder<int, Int32Coder>>>(
                        (flag, letter, small, single, new TimeSpan(millis), new Instant(millis), number)));
            });

    [Fact]
    public void TheFormatVersionIsCheckedWithAClearError()
    {
        var data = new System.Buffers.ArrayBufferWriter<byte>();
        Coder.EncodeVersioned<KV<string, int>, KVCoder<string, int, StringCoder, Int32Coder>>(KV.Of("a", 1), data);
        Assert.Equal(KV.Of("a", 1), Coder.DecodeVersioned<KV<string, int>, KVCoder<string, int, StringCoder, Int32Coder>>(data.WrittenSpan));

        // The same bytes read as another type: refused before a field is read.
        var error = Assert.Throws<CoderVersionMismatchException>(() =>
            Coder.DecodeVersioned<KV<string, long>, KVCoder<string, long, StringCoder, Int64Coder>>(data.WrittenSpan));
        Assert.Equal(default(KVCoder<string, int, StringCoder, Int32Coder>).FormatVersion, error.WrittenVersion);
        Assert.Equal(default(KVCoder<string, long, StringCoder, Int64Coder>).FormatVersion, error.ExpectedVersion);
        Assert.Contains("format version", error.Message, StringComparison.Ordinal);
        Assert.Contains("changed since it was written", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidDataIsRefused()
    {
        Assert.Throws<CoderException>(() => Coder.Decode<bool, BooleanCoder>(new byte[] { 2 }));
        Assert.Throws<CoderException>(() => Coder.Decode<int?, NullableCoder<int, Int32Coder>>(new byte[] { 7, 0, 0, 0, 0 }));
        Assert.Throws<CoderException>(() => Coder.Decode<int[]?, ArrayCoder<int, Int32Coder>>(new byte[] { 0xFF, 0xFF, 0xFF, 0x7F }));
        Assert.Throws<CoderException>(() => Coder.Decode<int, Int32Coder>(new byte[] { 1, 0, 0, 0, 9 }));
        Assert.Throws<CoderException>(() => Coder.Decode<decimal, DecimalCoder>(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1D, 0 }));
        Assert.Throws<ArgumentException>(() => Coder.Encode<long, Int64Coder>(1, new byte[7]));
    }

    private static bool SameItems<TCollection>(TCollection a, TCollection b)
        where TCollection : System.Collections.IEnumerable? =>
        a is null ? b is null : b is not null && a.Cast<object?>().SequenceEqual(b.Cast<object?>());

    private static byte[] Canonical<T, TCoder>(T value)
        where TCoder : struct, ICoder<T> => Coder.ToArray<T, TCoder>(value, canonical: true);
}
