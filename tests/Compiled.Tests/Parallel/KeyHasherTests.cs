using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Compiled.Parallel;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

public class KeyHasherTests
{
    /// <summary>
    /// Hashes and key groups (of 128) of <see cref="KeyHashProbe.Keys"/>, computed once in another process and checked in:
    /// a change of encoding, hash function or key group mapping (which would move keys between key groups, and so break
    /// restoring state) fails here. Keys of different types may share an encoding: int 0 and "" are both 00 00 00 00.
    /// </summary>
    internal static readonly Dictionary<string, (ulong Hash, int KeyGroup)> Golden = new()
    {
        ["int:0"] = (0x48B2C92616FC193Dul, 13),
        ["int:1"] = (0xDB02334E96D65708ul, 45),
        ["int:-1"] = (0xCD6B1C920D3F662Cul, 39),
        ["int:42"] = (0x2132B64814A1AD5Dul, 32),
        ["int:-2147483648"] = (0x68468D2872951523ul, 3),
        ["string:"] = (0x48B2C92616FC193Dul, 13),
        ["string:a"] = (0xEECA542EBDC74773ul, 102),
        ["string:hello"] = (0xBB886F9FFCA92F4Cul, 39),
        ["string:Straße"] = (0x8778C04D22A58D73ul, 47),
        ["string:日本語"] = (0xC97C2863EC76E820ul, 95),
        ["string:🙂 ok"] = (0xE395B1CF32D5BA3Eul, 102),
        ["string:key-0042"] = (0x440B6794DDAC5107ul, 9),
        ["string:xxxxxxxxxxxxxxxxxxxx..."] = (0x35D184A134AD5B1Aul, 114),
        ["string:null"] = (0xCD6B1C920D3F662Cul, 39),
        ["tuple:(ab,1,0.5)"] = (0xD3D0B8DA7127C4DBul, 84),
        ["tuple:(a,1,0.5)"] = (0x72DACEA585052FBAul, 106),
        ["tuple:(,-7,NaN)"] = (0xDFAADC3C3186DF3Ful, 76),
        ["tuple:(long,2147483647,-0)"] = (0xF375596D0C50EB2Dul, 21),
        ["record:0"] = (0x39C37F12E3F56387ul, 39),
        ["record:1"] = (0x92D97168B6978650ul, 108),
        ["record:2"] = (0xFB1871793D8DF41Dul, 68),
    };

    [Fact]
    public void GoldenVectorsAreStable()
    {
        var keys = KeyHashProbe.Keys().ToList();
        Assert.Equal(Golden.Count, keys.Count);
        foreach (var (name, hash) in keys)
        {
            Assert.True(Golden.TryGetValue(name, out var expected), "no golden vector for " + name);
            Assert.Equal(expected.Hash, hash);
            Assert.Equal(expected.KeyGroup, KeyGroups.Of(hash, KeyGroups.DefaultMaxParallelism));
        }
    }

    [Fact]
    public void TheEmptyKeyIsXxh3OfNoBytes()
    {
        // XXH3_64bits("") with seed 0, the reference implementation's published value: the hash function is XXH3-64.
        Assert.Equal(0x2D06800538D394C2ul, new KeyHasher().Finish());
        Assert.Equal(0x2D06800538D394C2ul, KeyHasher.HashEncoding(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public async Task AnotherProcessComputesTheSameHashesAndKeyGroups()
    {
        var expected = new StringWriter();
        KeyHashProbe.Print(expected);
        var local = Lines(expected.ToString());

        var output = await SelfProcess.RunAsync(TimeSpan.FromSeconds(60), KeyHashProbe.Argument);
        var remote = Lines(output);

        // The same keys, hashes and key groups (strings, tuple-like and record-like keys)...
        Assert.Equal(local.Where(l => !l.StartsWith("GetHashCode", StringComparison.Ordinal)), remote.Where(l => !l.StartsWith("GetHashCode", StringComparison.Ordinal)));
        Assert.Contains(remote, l => l.StartsWith("record:", StringComparison.Ordinal));

        // ... while string.GetHashCode differs between the two processes (randomized per process), which is why it is never used.
        Assert.NotEqual(local.Single(l => l.StartsWith("GetHashCode", StringComparison.Ordinal)), remote.Single(l => l.StartsWith("GetHashCode", StringComparison.Ordinal)));

        static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public void FixedWidthFieldsAreLittleEndian()
    {
        AssertEncoding(new byte[] { 1 }, (ref KeyHasher h) => h.Add(true));
        AssertEncoding(new byte[] { 0 }, (ref KeyHasher h) => h.Add(false));
        AssertEncoding(new byte[] { 0xFE }, (ref KeyHasher h) => h.Add((sbyte)-2));
        AssertEncoding(new byte[] { 0xFE }, (ref KeyHasher h) => h.Add((byte)0xFE));
        AssertEncoding(new byte[] { 0x34, 0x12 }, (ref KeyHasher h) => h.Add((short)0x1234));
        AssertEncoding(new byte[] { 0x34, 0x12 }, (ref KeyHasher h) => h.Add((ushort)0x1234));
        AssertEncoding(new byte[] { 0x41, 0x00 }, (ref KeyHasher h) => h.Add('A'));
        AssertEncoding(new byte[] { 0x78, 0x56, 0x34, 0x12 }, (ref KeyHasher h) => h.Add(0x12345678));
        AssertEncoding(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, (ref KeyHasher h) => h.Add(uint.MaxValue));
        AssertEncoding(BitConverter.GetBytes(-5L), (ref KeyHasher h) => h.Add(-5L));
        AssertEncoding(BitConverter.GetBytes(ulong.MaxValue - 1), (ref KeyHasher h) => h.Add(ulong.MaxValue - 1));
        AssertEncoding(BitConverter.GetBytes(1.5f), (ref KeyHasher h) => h.Add(1.5f));
        AssertEncoding(BitConverter.GetBytes(-2.25), (ref KeyHasher h) => h.Add(-2.25));
        AssertEncoding(BitConverter.GetBytes(638_000_000_000_000_000L), (ref KeyHasher h) => h.Add(new DateTime(638_000_000_000_000_000L, DateTimeKind.Local)));
        AssertEncoding(BitConverter.GetBytes(TimeSpan.FromHours(1).Ticks), (ref KeyHasher h) => h.Add(TimeSpan.FromHours(1)));
        AssertEncoding(BitConverter.GetBytes(1_700_000_000_000L), (ref KeyHasher h) => h.Add(new Instant(1_700_000_000_000L)));
        var guid = Guid.NewGuid();
        AssertEncoding(guid.ToByteArray(), (ref KeyHasher h) => h.Add(guid));
        var offset = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(9));
        AssertEncoding(BitConverter.GetBytes(offset.UtcTicks), (ref KeyHasher h) => h.Add(offset));
        AssertEncoding(new byte[] { 0, 1, 7, 0, 0, 0 }, (ref KeyHasher h) =>
        {
            h.AddNull();
            h.AddNotNull();
            h.Add(7);
        });
    }

    [Fact]
    public void StringsAreLengthPrefixedUtf8()
    {
        AssertEncoding(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, (ref KeyHasher h) => h.Add((string?)null));
        AssertEncoding(new byte[] { 0, 0, 0, 0 }, (ref KeyHasher h) => h.Add(""));
        AssertEncoding(new byte[] { 2, 0, 0, 0, 0xC3, 0xA9 }, (ref KeyHasher h) => h.Add("é"));
        AssertEncoding(new byte[] { 2, 0, 0, 0, 0x61, 0x62, 1, 0, 0, 0, 0x63 }, (ref KeyHasher h) =>
        {
            h.Add("ab");
            h.Add("c");
        });
        AssertEncoding(new byte[] { 3, 0, 0, 0, 0xEF, 0xBF, 0xBD }, (ref KeyHasher h) => h.Add("\uD800"));
        AssertEncoding(new byte[] { 3, 0, 0, 0, 1, 2, 3 }, (ref KeyHasher h) => h.Add(new byte[] { 1, 2, 3 }.AsSpan()));
    }

    [Fact]
    public void DecimalsAreNormalised()
    {
        // 1.00m: coefficient 1, scale 0, positive.
        AssertEncoding(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, (ref KeyHasher h) => h.Add(1.00m));

        // -12.30m: coefficient 123, scale 1, negative.
        AssertEncoding(new byte[] { 123, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x80 }, (ref KeyHasher h) => h.Add(-12.30m));
        AssertEncoding(new byte[16], (ref KeyHasher h) => h.Add(new decimal(0, 0, 0, isNegative: true, scale: 5)));
    }

    [Fact]
    public void KeysEqualByDotnetEqualityHashEqual()
    {
        AssertSameHash(0.0, -0.0);
        AssertSameHash(double.NaN, BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000000ul)));
        AssertSameHash(double.NaN, BitConverter.Int64BitsToDouble(0x7FF0000000000001L));
        AssertSameHash(0f, -0f);
        AssertSameHash(float.NaN, BitConverter.Int32BitsToSingle(0x7F800001));
        AssertSameHash(1.0m, 1.00m, 1m, decimal.Parse("1.0000000000", System.Globalization.CultureInfo.InvariantCulture));
        AssertSameHash(0m, -0m, 0.000m, new decimal(0, 0, 0, isNegative: true, scale: 28));
        AssertSameHash(100m, 100.00m, 1e2m);
        var ticks = new DateTime(2026, 11, 23, 10, 0, 0).Ticks;
        AssertSameHash(new DateTime(ticks, DateTimeKind.Utc), new DateTime(ticks, DateTimeKind.Local), new DateTime(ticks, DateTimeKind.Unspecified));
        var instant = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        AssertSameHash(instant, instant.ToOffset(TimeSpan.FromHours(5.5)), instant.ToOffset(TimeSpan.FromHours(-8)));

        // ... and keys that are not equal do not (these at least).
        AssertDifferentHash(1.1m, 1.01m);
        AssertDifferentHash(-1m, 1m);
        AssertDifferentHash(0.0, double.Epsilon);
        AssertDifferentHash<string?>(null, "");
        AssertDifferentHash(new[] { "ab", "c" }, new[] { "a", "bc" });
    }

    [Fact]
    public void DecimalScalesNeverChangeTheHash() =>
        Gen.Select(Gen.Decimal, Gen.Int[0, 28]).Sample((value, digits) =>
        {
            var rescaled = decimal.Round(value, 28 - digits);
            foreach (var same in new[] { rescaled * 1.0m, rescaled * 1.000m, rescaled / 1.0m, decimal.Parse(rescaled.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture) })
            {
                if (same == rescaled)
                {
                    Assert.Equal(Hash((ref KeyHasher h) => h.Add(rescaled)), Hash((ref KeyHasher h) => h.Add(same)));
                }
            }
        });

    [Fact]
    public void SpansHashAsTheStringWithTheSameCharacters()
    {
        // Any prefix (so strings start anywhere in the buffer), any length (the short, retried and long paths), any
        // characters including unpaired surrogates: the span, the string, and the documented encoding agree.
        var text = Gen.OneOf(
            Gen.String,
            Gen.String[Gen.Char, 0, 400],
            Gen.String[Gen.Char['a', 'z'], 0, 300],
            Gen.Select(Gen.String[Gen.Char['a', 'z'], 0, 200], Gen.Int[0, 200], (s, i) => s.Insert(Math.Min(i, s.Length), "\uD83D\uDE42\uDC00")));
        Gen.Select(Gen.Int[0, 140], text).Sample((prefix, value) =>
        {
            var prefixBytes = Enumerable.Range(0, prefix).Select(i => (byte)i).ToArray();
            var viaString = Hash((ref KeyHasher h) =>
            {
                AddBytes(ref h, prefixBytes);
                h.Add(value);
            });
            var viaSpan = Hash((ref KeyHasher h) =>
            {
                AddBytes(ref h, prefixBytes);
                h.Add(value.AsSpan());
            });
            var utf8 = Encoding.UTF8.GetBytes(value);
            var expected = prefixBytes.Concat(BitConverter.GetBytes(utf8.Length)).Concat(utf8).ToArray();
            Assert.Equal(viaString, viaSpan);
            Assert.Equal(KeyHasher.HashEncoding(expected), viaString);
        });

        static void AddBytes(ref KeyHasher hasher, byte[] bytes)
        {
            foreach (var b in bytes)
            {
                hasher.Add(b);
            }
        }
    }

    [Fact]
    public void LongByteSpansStreamToTheSameHash()
    {
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        var expected = BitConverter.GetBytes(7).Concat(BitConverter.GetBytes(bytes.Length)).Concat(bytes).Concat(BitConverter.GetBytes(-1L)).ToArray();
        AssertEncoding(expected, (ref KeyHasher h) =>
        {
            h.Add(7);
            h.Add(bytes.AsSpan());
            h.Add(-1L);
        });
    }

    [Fact]
    public void FinishEmptiesTheHasherForTheNextKey()
    {
        var hasher = new KeyHasher();
        hasher.Add(new string('q', 500));
        hasher.Finish();
        hasher.Add(42);
        Assert.Equal(Hash((ref KeyHasher h) => h.Add(42)), hasher.Finish());
    }

    [Fact]
    public void StringKeysSpreadEvenlyOverKeyGroups() =>
        AssertUniform(Enumerable.Range(0, 1_000_000).Select(i => Hash((ref KeyHasher h) => h.Add("user-" + i))));

    [Fact]
    public void SequentialIntKeysSpreadEvenlyOverKeyGroups() =>
        AssertUniform(Enumerable.Range(0, 1_000_000).Select(i => Hash((ref KeyHasher h) => h.Add(i))));

    private static void AssertUniform(IEnumerable<ulong> hashes)
    {
        const int Groups = KeyGroups.DefaultMaxParallelism;
        var counts = new int[Groups];
        int total = 0;
        foreach (var hash in hashes)
        {
            counts[KeyGroups.Of(hash, Groups)]++;
            total++;
        }

        // Uniform: 7812.5 keys per group, a standard deviation of about 1.1%; allow 5%.
        double expected = (double)total / Groups;
        double worst = counts.Max(c => Math.Abs(c - expected)) / expected;
        Assert.True(worst < 0.05, $"a key group is {worst:P1} away from uniform");
    }

    private delegate void Fill(ref KeyHasher hasher);

    private static ulong Hash(Fill fill)
    {
        var hasher = new KeyHasher();
        fill(ref hasher);
        return hasher.Finish();
    }

    private static void AssertEncoding(byte[] expected, Fill fill) =>
        Assert.Equal(KeyHasher.HashEncoding(expected), Hash(fill));

    private static void AssertSameHash<TKey>(params TKey[] keys)
    {
        var hashes = keys.Select(k => HashOf(k)).Distinct().ToList();
        Assert.True(keys.All(k => k!.Equals(keys[0])), "the keys are not equal by .NET equality");
        Assert.Single(hashes);
    }

    private static void AssertDifferentHash<TKey>(TKey a, TKey b) => Assert.NotEqual(HashOf(a), HashOf(b));

    private static ulong HashOf<TKey>(TKey key) => Hash((ref KeyHasher h) =>
    {
        switch (key)
        {
            case double d: h.Add(d); break;
            case float f: h.Add(f); break;
            case decimal m: h.Add(m); break;
            case DateTime t: h.Add(t); break;
            case DateTimeOffset o: h.Add(o); break;
            case string s: h.Add(s); break;
            case string[] fields:
                foreach (var field in fields)
                {
                    h.Add(field);
                }

                break;
            case null: h.Add((string?)null); break;
            default: throw new NotSupportedException(typeof(TKey).Name);
        }
    });
}
