using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using Compiled.Coders;
using Compiled.Parallel;
using Compiled.Tests.Parallel;
using CsCheck;
using Xunit;
using Generated = Compiled.Tests.Coders.CoderPipeline.PipelineCoders;

namespace Compiled.Tests.Coders;

/// <summary>The coders the generator wrote for <see cref="CoderPipeline"/>'s keys, values and accumulators.</summary>
public sealed class GeneratedCoderTests
{
    private static readonly Gen<string> Text = BuiltInCoderTests.Text;

    private static readonly Gen<Address?> Addresses = Gen.OneOf(
        Gen.Const((Address?)null),
        Gen.Select(Text, Gen.Int.Select(i => i % 3 == 0 ? (int?)null : i), Text.List[0, 4], (s, n, l) => (Address?)new Address { Street = s, Number = n, Lines = l }));

    private static readonly Gen<Account> Accounts = Gen.Select(Text, Gen.Int[0, 1], Addresses, BuiltInCoderTests.Dates, (id, plan, home, opened) => new Account(id, (Plan)plan, home, opened));

    private static readonly Gen<Cell> Cells = Gen.Select(Gen.Int, Gen.Long, Gen.Guid, (x, y, t) => new Cell(x, y, t));

    private static readonly Gen<Tree> Trees = Gen.Recursive<Tree>((depth, tree) => depth >= 3
        ? Text.Select(n => new Tree(n, new List<Tree>()))
        : Gen.Select(Text, tree.List[0, 3], (n, c) => new Tree(n, c)));

    [Fact]
    public void RecordsClassesAndStructsRoundTrip()
    {
        CoderAssert.RoundTrips<Account, Generated.AccountCoder>(Accounts, SameAccount);
        CoderAssert.RoundTrips<Address, NullableReferenceCoder<Address, Generated.AddressCoder>>(Addresses!, SameAddress);
        CoderAssert.RoundTrips<Cell, Generated.CellCoder>(Cells);
        CoderAssert.RoundTrips<Price, Generated.PriceCoder>(Gen.Select(BuiltInCoderTests.Decimals, Text, (a, c) => new Price(a, c)));
        CoderAssert.RoundTrips<Stats, Generated.StatsCoder>(
            Gen.Select(Gen.Long, BuiltInCoderTests.Decimals, BuiltInCoderTests.Doubles, Gen.OneOf(Text.Select(t => (string?)t), Gen.Const((string?)null)),
                (c, t, m, l) => new Stats { Count = c, Total = t, Mean = m, Last = l }),
            (a, b) => a.Count == b.Count && a.Total == b.Total && a.Mean.Equals(b.Mean) && a.Last == b.Last);
        CoderAssert.RoundTrips<Tree, Generated.TreeCoder>(Trees, SameTree, iterations: 100);
        CoderAssert.RoundTrips<Payment, Generated.PaymentCoder>(Gen.Select(Text, Gen.Long, Gen.String[Gen.Char['a', 'z'], 3, 3], (p, c, cur) => new Payment(p, new Money(c, cur.ToUpperInvariant()))));
        CoderAssert.RoundTrips<KeyHashProbe.Order, Generated.OrderCoder>(
            Gen.Select(Gen.Guid, Text, BuiltInCoderTests.Dates, BuiltInCoderTests.Decimals, Gen.Select(Gen.Int, Gen.Bool, (i, n) => n ? (int?)null : i), Gen.OneOf(Text.Select(t => (string?)t), Gen.Const((string?)null)),
                (id, c, d, a, p, n) => new KeyHashProbe.Order(id, c, d, a, p, n)),
            (a, b) => a == b && a.Day.Kind == b.Day.Kind);

        // The whole state of a key crosses a grouping as KV and lists of the generated coders.
        CoderAssert.RoundTrips<KV<Account, List<Cell>>, KVCoder<Account, List<Cell>, Generated.AccountCoder, ListCoder<Cell, Generated.CellCoder>>>(
            Gen.Select(Accounts, Cells.List[0, 5], KV.Of), (a, b) => SameAccount(a.Key, b.Key) && a.Value.SequenceEqual(b.Value));
    }

    [Fact]
    public void EqualKeysGetEqualCanonicalBytes() => Gen.Select(BuiltInCoderTests.Decimals, Text, Gen.Int[0, 6]).Sample((amount, currency, zeros) =>
    {
        // 1.5m and 1.500m are the same price to the record's Equals: the same bytes, the same hash, the same key group.
        var scaled = amount;
        for (var i = 0; i < zeros && Math.Abs(scaled) < 1e20m; i++)
        {
            scaled *= 1.0m;
        }

        var a = new Price(amount, currency);
        var b = new Price(scaled, currency);
        Assert.Equal(a, b);
        Assert.Equal(Coder.ToArray<Price, Generated.PriceCoder>(a, canonical: true), Coder.ToArray<Price, Generated.PriceCoder>(b, canonical: true));
        Assert.Equal(Coder.Hash<Price, Generated.PriceCoder>(a), Coder.Hash<Price, Generated.PriceCoder>(b));
    });

    [Fact]
    public void AUserCoderIsUsedAndItsVersionCounts()
    {
        // Money names MoneyCoder, which upper-cases the currency: "eur" and "EUR" are equal keys with equal bytes.
        Assert.Equal(Coder.ToArray<Money, MoneyCoder>(new Money(5, "eur"), canonical: true), Coder.ToArray<Money, MoneyCoder>(new Money(5, "EUR"), canonical: true));
        var payment = new Payment("ada", new Money(1250, "EUR"));
        var bytes = Coder.ToArray<Payment, Generated.PaymentCoder>(payment);
        Assert.Equal(payment, Coder.Decode<Payment, Generated.PaymentCoder>(bytes));

        // Payment's version mixes in MoneyCoder's (7): a new user coder version is a new Payment format.
        Assert.Equal(Coder.CombineVersions(Generated.PaymentCoder.SchemaVersion, 7), default(Generated.PaymentCoder).FormatVersion);
    }

    [Fact]
    public void GeneratedVersionsDifferWhenTheMembersDiffer()
    {
        // Every generated coder here has its own schema; a record nested in another changes the outer one's version.
        var versions = new uint[]
        {
            Generated.AccountCoder.SchemaVersion, Generated.AddressCoder.SchemaVersion, Generated.CellCoder.SchemaVersion, Generated.PriceCoder.SchemaVersion,
            Generated.StatsCoder.SchemaVersion, Generated.TreeCoder.SchemaVersion, Generated.PaymentCoder.SchemaVersion, Generated.OrderCoder.SchemaVersion,
        };
        Assert.Equal(versions.Length, versions.Distinct().Count());

        // Data written by one type's coder, read by another's: refused with a clear error before any field is read.
        var output = new ArrayBufferWriter<byte>();
        Coder.EncodeVersioned<Cell, Generated.CellCoder>(new Cell(1, 2, Guid.Empty), output);
        Assert.Equal(new Cell(1, 2, Guid.Empty), Coder.DecodeVersioned<Cell, Generated.CellCoder>(output.WrittenSpan));
        var error = Assert.Throws<CoderVersionMismatchException>(() => Coder.DecodeVersioned<Price, Generated.PriceCoder>(output.WrittenSpan));
        Assert.Contains("Price", error.Message, StringComparison.Ordinal);
        Assert.Contains(Generated.CellCoder.SchemaVersion.ToString("X8", System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyHashesAreXxh3OfTheCoderBytes()
    {
        // The parallel runner's key-group hash is Coder.Hash: XXH3 of the key's canonical coder bytes, however long.
        Gen.Select(Text, Gen.String[Gen.Char, 100, 400]).Sample((shortText, longText) =>
        {
            foreach (var text in new[] { shortText, longText })
            {
                Assert.Equal(KeyHasher.HashEncoding(Coder.ToArray<string, StringCoder>(text, canonical: true)), Coder.Hash<string, StringCoder>(text));
                Assert.Equal(Coder.Hash<string, StringCoder>(text), Coder.Hash(text.AsSpan()));
            }
        });
        Gen.Select(Cells, Accounts).Sample((cell, account) =>
        {
            Assert.Equal(KeyHasher.HashEncoding(Coder.ToArray<Cell, Generated.CellCoder>(cell, canonical: true)), Coder.Hash<Cell, Generated.CellCoder>(cell));
            Assert.Equal(KeyHasher.HashEncoding(Coder.ToArray<Account, Generated.AccountCoder>(account, canonical: true)), Coder.Hash<Account, Generated.AccountCoder>(account));
            var tuple = (account.Id, cell.X);
            Assert.Equal(
                KeyHasher.HashEncoding(Coder.ToArray<(string, int), ValueTupleCoder<string, int, StringCoder, Int32Coder>>(tuple, canonical: true)),
                Coder.Hash<(string, int), ValueTupleCoder<string, int, StringCoder, Int32Coder>>(tuple));
        });
    }

    [Fact]
    public void KeyGroupsAreThoseOfTheHandWrittenRecipes()
    {
        // The golden vectors of KeyHasherTests (strings, ints, tuples, records, hashed field by field with KeyHasher before
        // the coders existed) come out of the coders unchanged: no key moves to another key group.
        var golden = KeyHasherTests.Golden;
        foreach (var number in new[] { 0, 1, -1, 42, int.MinValue })
        {
            Assert.Equal(golden["int:" + number.ToString(System.Globalization.CultureInfo.InvariantCulture)].Hash, Coder.Hash<int, Int32Coder>(number));
        }

        foreach (var (name, hash) in KeyHashProbe.Keys())
        {
            Assert.Equal(golden[name].Hash, hash);
        }

        Assert.Equal(golden["string:hello"].Hash, Coder.Hash<string, StringCoder>("hello"));
        Assert.Equal(golden["string:null"].Hash, Coder.Hash<string, StringCoder>(null!));
        Assert.Equal(golden["string:" + new string('x', 20) + "..."].Hash, Coder.Hash<string, StringCoder>(new string('x', 1000)));
        Assert.Equal(golden["tuple:(ab,1,0.5)"].Hash, Coder.Hash<(string, int, double), ValueTupleCoder<string, int, double, StringCoder, Int32Coder, DoubleCoder>>(("ab", 1, 0.5)));
        Assert.Equal(golden["tuple:(,-7,NaN)"].Hash, Coder.Hash<(string, int, double), ValueTupleCoder<string, int, double, StringCoder, Int32Coder, DoubleCoder>>(("", -7, double.NaN)));
        Assert.Equal(golden["tuple:(long,2147483647,-0)"].Hash, Coder.Hash<(string, int, double), ValueTupleCoder<string, int, double, StringCoder, Int32Coder, DoubleCoder>>(("long", int.MaxValue, -0.0)));

        // The record key: its generated coder writes what the recipe added, in the same order (a key is never null: no marker).
        var orders = new[]
        {
            new KeyHashProbe.Order(new Guid("8f3e4c55-2b1a-4d6e-9c07-1d2e3f405162"), "ada", new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc), 12.50m, 3, null),
            new KeyHashProbe.Order(Guid.Empty, "", new DateTime(1, 1, 1), 0m, null, "rush"),
            new KeyHashProbe.Order(new Guid("00112233-4455-6677-8899-aabbccddeeff"), "Zoë", new DateTime(2000, 2, 29, 13, 14, 15, 16), -1.000m, int.MinValue, ""),
        };
        for (var i = 0; i < orders.Length; i++)
        {
            var expected = golden["record:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var hash = Coder.Hash<KeyHashProbe.Order, Generated.OrderCoder>(orders[i]);
            Assert.Equal(expected.Hash, hash);
            Assert.Equal(expected.KeyGroup, KeyGroups.Of(hash, KeyGroups.DefaultMaxParallelism));
        }
    }

    [Fact]
    public void AValueTypeKeyIsEncodedDecodedAndHashedWithoutAllocating()
    {
        var cell = new Cell(7, -9, new Guid("00112233-4455-6677-8899-aabbccddeeff"));
        Span<byte> buffer = stackalloc byte[64];
        var sum = 0L;
        for (var warm = 0; warm < 2; warm++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                var key = cell with { X = i };
                var written = Coder.Encode<Cell, Generated.CellCoder>(key, buffer);
                var back = Coder.Decode<Cell, Generated.CellCoder>(buffer.Slice(0, written));
                sum += back.X + (long)(Coder.Hash<Cell, Generated.CellCoder>(back) & 1);
                var tuple = Coder.Decode<(long, Instant), ValueTupleCoder<long, Instant, Int64Coder, InstantCoder>>(
                    buffer.Slice(0, Coder.Encode<(long, Instant), ValueTupleCoder<long, Instant, Int64Coder, InstantCoder>>((i, new Instant(i)), buffer)));
                sum += tuple.Item1;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (warm == 1)
            {
                Assert.Equal(0, allocated);
            }
        }

        Assert.NotEqual(0, sum);
    }

    private static bool SameAccount(Account a, Account b) =>
        a.Id == b.Id && a.Plan == b.Plan && a.Opened == b.Opened && a.Opened.Kind == b.Opened.Kind && SameAddress(a.Home, b.Home);

    private static bool SameAddress(Address? a, Address? b) =>
        a is null ? b is null : b is not null && a.Street == b.Street && a.Number == b.Number && a.Lines.SequenceEqual(b.Lines);

    private static bool SameTree(Tree a, Tree b) =>
        a.Name == b.Name && a.Children.Count == b.Children.Count && a.Children.Zip(b.Children).All(p => SameTree(p.First, p.Second));
}
