using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Compiled;
using Compiled.Coders;
using Compiled.Parallel;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Text;

/// <summary>The UTF-8 key map and key against a dictionary of strings as the model.</summary>
public class Utf8KeyMapTests
{
    // Keys from a small alphabet, some long and sharing their first 8 bytes, so that lookups meet equal heads and collisions.
    private static readonly Gen<byte[]> Keys = Gen.OneOf(
        Gen.Byte[(byte)'a', (byte)'c'].Array[0, 3],
        Gen.Byte[(byte)'a', (byte)'b'].Array[0, 12],
        Gen.Select(Gen.Byte[(byte)'a', (byte)'b'].Array[0, 6], tail => Encoding.UTF8.GetBytes("prefix__").Concat(tail).ToArray()),
        Gen.Byte.Array[0, 40]);

    private enum Op
    {
        Increment,
        Remove,
        Lookup,
        Clear,
        AddKey,
    }

    private static readonly Gen<(Op Op, byte[] Key)[]> Ops =
        Gen.Select(Gen.Frequency((40, Gen.Const(Op.Increment)), (15, Gen.Const(Op.Remove)), (15, Gen.Const(Op.Lookup)), (1, Gen.Const(Op.Clear)), (10, Gen.Const(Op.AddKey))), Keys, (o, k) => (o, k)).Array[0, 400];

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    [Fact]
    public void BehavesAsADictionaryOfItsKeysBytes() => Ops.Sample(ops =>
    {
        var map = new Utf8KeyMap<long>();
        var model = new Dictionary<string, long>();
        var order = new List<string>(); // the model's insertion order
        foreach (var (op, key) in ops)
        {
            var hex = Hex(key);
            switch (op)
            {
                case Op.Increment:
                    map.GetValueRefOrAddDefault(key, out var exists)++;
                    Assert.Equal(model.ContainsKey(hex), exists);
                    if (!exists)
                    {
                        order.Add(hex);
                    }

                    model[hex] = model.GetValueOrDefault(hex) + 1;
                    break;
                case Op.Remove:
                    Assert.Equal(model.Remove(hex, out var expected), map.Remove(Utf8Key.Copy(key), out var removed));
                    Assert.Equal(expected, removed);
                    order.Remove(hex);
                    break;
                case Op.Lookup:
                    Assert.Equal(model.TryGetValue(hex, out var value), map.TryGetValue(key, out var found));
                    Assert.Equal(value, found);
                    Assert.Equal(model.ContainsKey(hex), map.ContainsKey(key));
                    break;
                case Op.Clear:
                    map.Clear();
                    model.Clear();
                    order.Clear();
                    break;
                case Op.AddKey:
                    if (model.ContainsKey(hex))
                    {
                        Assert.Throws<ArgumentException>(() => map.Add(Utf8Key.Copy(key), 7));
                    }
                    else
                    {
                        map.Add(Utf8Key.Copy(key), 7);
                        model[hex] = 7;
                        order.Add(hex);
                    }

                    break;
            }

            Assert.Equal(model.Count, map.Count);
        }

        // Insertion order, removed keys skipped.
        var entries = new List<(string, long)>();
        foreach (var entry in map)
        {
            entries.Add((Hex(entry.Key.Span), entry.Value));
        }

        Assert.Equal(order.Select(k => (k, model[k])), entries);
    });

    [Fact]
    public void RemovingTheCurrentEntryDuringEnumerationKeepsItValid() => Gen.Int[0, 300].Sample(count =>
    {
        var map = new Utf8KeyMap<int>();
        for (var i = 0; i < count; i++)
        {
            map.GetValueRefOrAddDefault(Encoding.UTF8.GetBytes("key" + i), out _) = i;
        }

        var seen = new List<int>();
        foreach (var entry in map)
        {
            seen.Add(entry.Value);
            if (entry.Value % 2 == 0)
            {
                Assert.True(map.Remove(entry.Key));
            }
        }

        Assert.Equal(Enumerable.Range(0, count), seen);
        Assert.Equal(count / 2, map.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i % 2 == 1, map.TryGetValue(Encoding.UTF8.GetBytes("key" + i), out var v) && v == i);
        }
    });

    [Fact]
    public void AddingDuringEnumerationIsRefused()
    {
        var map = new Utf8KeyMap<int>();
        map.GetValueRefOrAddDefault("a"u8, out _) = 1;
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var entry in map)
            {
                map.GetValueRefOrAddDefault("b"u8, out _) = 2;
            }
        });
    }

    [Fact]
    public void KeysHandedOutKeepTheirBytesAfterClearAndReuse()
    {
        var map = new Utf8KeyMap<int>();
        var kept = new List<(ReadOnlyMemory<byte> Memory, string Text)>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 5_000; i++)
            {
                map.GetValueRefOrAddDefault(Encoding.UTF8.GetBytes("r" + round + "東" + i), out _)++;
            }

            foreach (var entry in map)
            {
                kept.Add((entry.Key.Memory, entry.Key.ToString()));
            }

            map.Clear();
            Assert.Equal(0, map.Count);
        }

        Assert.All(kept, k => Assert.Equal(k.Text, Encoding.UTF8.GetString(k.Memory.Span)));
        Assert.Equal(15_000, kept.Select(k => k.Text).Distinct().Count());
    }

    [Fact]
    public void KeysAreEqualAndHashedByTheirBytes() => Gen.Select(Keys, Keys).Sample((a, b) =>
    {
        var ka = Utf8Key.Copy(a);
        var kb = Utf8Key.Copy(b);
        var same = a.AsSpan().SequenceEqual(b);
        Assert.Equal(same, ka.Equals(kb));
        Assert.Equal(same, ka == kb);
        Assert.Equal(same, Utf8Key.Comparer.Equals(a, kb));
        if (same)
        {
            Assert.Equal(ka.GetHashCode(), kb.GetHashCode());
            Assert.Equal(ka.GetHashCode(), Utf8Key.Comparer.GetHashCode(b));
        }

        Assert.Equal(ka, Utf8Key.Copy(ka.Span));
        Assert.Equal(default(Utf8Key), Utf8Key.Copy(ReadOnlySpan<byte>.Empty));
    });

    [Fact]
    public void ASetFindsKeysByTheirBytes()
    {
        var set = new Utf8KeySet();
        var lookup = set.GetAlternateLookup<ReadOnlySpan<byte>>();
        Assert.True(lookup.Add("東京"u8));
        Assert.False(lookup.Add("東京"u8));
        Assert.True(set.Add(Utf8Key.Copy("café"u8)));
        Assert.True(lookup.Contains("café"u8));
        Assert.Equal(new[] { "東京", "café" }, set.Select(k => k.ToString()));
    }

    [Fact]
    public void BytesEncodeAsLengthAndBytesAndHashAsTheKeyHasherDoes() => Keys.Sample(bytes =>
    {
        var memory = new ReadOnlyMemory<byte>(bytes);
        Assert.Equal(bytes, Coder.Decode<ReadOnlyMemory<byte>, ByteMemoryCoder>(Coder.ToArray<ReadOnlyMemory<byte>, ByteMemoryCoder>(memory)).ToArray());
        Assert.Equal(bytes, Coder.Decode<Utf8Key, Utf8KeyCoder>(Coder.ToArray<Utf8Key, Utf8KeyCoder>(Utf8Key.Copy(bytes))).Span.ToArray());
        var hasher = new KeyHasher();
        hasher.Add((ReadOnlySpan<byte>)bytes);
        var expected = hasher.Finish();
        Assert.Equal(expected, Coder.Hash<ReadOnlyMemory<byte>, ByteMemoryCoder>(memory));
        Assert.Equal(expected, Coder.Hash<Utf8Key, Utf8KeyCoder>(Utf8Key.Copy(bytes)));
        Assert.Equal(expected, Coder.Hash((ReadOnlySpan<byte>)bytes));
    });
}
