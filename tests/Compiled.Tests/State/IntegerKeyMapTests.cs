using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.State;

/// <summary>The integer key map against a dictionary and an insertion-ordered key list as the model.</summary>
public class IntegerKeyMapTests
{
    private enum Op
    {
        Increment,
        Remove,
        Lookup,
        Clear,
        Add,
        Enumerate,
    }

    private static readonly Gen<Op> Ops = Gen.Frequency(
        (40, Gen.Const(Op.Increment)), (15, Gen.Const(Op.Remove)), (15, Gen.Const(Op.Lookup)), (1, Gen.Const(Op.Clear)), (8, Gen.Const(Op.Add)), (2, Gen.Const(Op.Enumerate)));

    // Dense small keys (the direct range), sparse and negative ones (the slots), and keys at the edges of the range,
    // mixed so that a map moves keys from its slots to its direct range as it grows and keeps others hashed.
    private static readonly Gen<long> Keys = Gen.OneOf(
        Gen.Long[0, 40],
        Gen.Long[0, 3_000],
        Gen.Long[-50, 50],
        Gen.Long[(1 << 22) - 5, (1 << 22) + 5],
        Gen.Long[int.MinValue, int.MaxValue],
        Gen.Const(0L), Gen.Const(-1L), Gen.Const((long)int.MaxValue), Gen.Const((long)int.MinValue), Gen.Long[63, 65], Gen.Long[127, 128]);

    [Fact]
    public void IntKeysBehaveAsADictionary() => Run<int>(k => (int)Math.Clamp(k, int.MinValue, int.MaxValue), Keys);

    [Fact]
    public void LongKeysBehaveAsADictionary() =>
        Run<long>(k => k, Gen.OneOf(Keys, Gen.Long, Gen.Select(Gen.Long[0, 100], k => k << 40), Gen.Const(long.MinValue), Gen.Const(long.MaxValue)));

    [Fact]
    public void ShortKeysBehaveAsADictionary() => Run<short>(k => (short)k, Keys);

    [Fact]
    public void UnsignedKeysBehaveAsADictionary()
    {
        Run<uint>(k => (uint)k, Keys);
        Run<ulong>(k => (ulong)k, Gen.OneOf(Keys, Gen.Const(long.MinValue), Gen.Const(long.MaxValue)));
        Run<byte>(k => (byte)k, Keys);
        Run<char>(k => (char)k, Keys);
    }

    private static void Run<TKey>(Func<long, TKey> key, Gen<long> keys)
        where TKey : unmanaged, System.Numerics.IBinaryInteger<TKey> =>
        Gen.Select(Ops, keys, (o, k) => (o, k)).Array[0, 600].Sample(ops =>
        {
            var map = new IntegerKeyMap<TKey, long>();
            var model = new Dictionary<TKey, long>();
            var order = new List<TKey>(); // the model's insertion order
            foreach (var (op, raw) in ops)
            {
                var k = key(raw);
                switch (op)
                {
                    case Op.Increment:
                        map.GetValueRefOrAddDefault(k, out var exists)++;
                        Assert.Equal(model.ContainsKey(k), exists);
                        if (!exists)
                        {
                            order.Add(k);
                        }

                        model[k] = model.GetValueOrDefault(k) + 1;
                        break;
                    case Op.Remove:
                        Assert.Equal(model.Remove(k, out var expected), map.Remove(k, out var removed));
                        Assert.Equal(expected, removed);
                        order.Remove(k);
                        break;
                    case Op.Lookup:
                        Assert.Equal(model.TryGetValue(k, out var want), map.TryGetValue(k, out var got));
                        Assert.Equal(want, got);
                        Assert.Equal(model.ContainsKey(k), map.ContainsKey(k));
                        break;
                    case Op.Clear:
                        map.Clear();
                        model.Clear();
                        order.Clear();
                        break;
                    case Op.Add:
                        if (model.ContainsKey(k))
                        {
                            Assert.Throws<ArgumentException>(() => map.Add(k, 7));
                        }
                        else
                        {
                            map.Add(k, 7);
                            model[k] = 7;
                            order.Add(k);
                        }

                        break;
                    case Op.Enumerate:
                        // Removing every other key while enumerating keeps the enumeration valid, as with a dictionary.
                        var seen = new List<TKey>();
                        var i = 0;
                        foreach (var entry in map)
                        {
                            seen.Add(entry.Key);
                            Assert.Equal(model[entry.Key], entry.Value);
                            if (i++ % 2 == 1)
                            {
                                map.Remove(entry.Key);
                                model.Remove(entry.Key);
                            }
                        }

                        Assert.Equal(order, seen);
                        order.RemoveAll(k2 => !model.ContainsKey(k2));
                        break;
                }

                Assert.Equal(model.Count, map.Count);
            }

            Assert.Equal(order, map.Select(e => e.Key).ToList());
            Assert.Equal(order.Select(k => model[k]), map.Select(e => e.Value));
        }, iter: 400);

    [Fact]
    public void DenseKeysAddedInAnyOrderAreAllFound()
    {
        // Keys 0..n-1 shuffled: the direct range grows past keys that were hashed while it was too sparse for them.
        var random = new Random(7);
        var keys = Enumerable.Range(0, 50_000).OrderBy(_ => random.Next()).ToArray();
        var map = new IntegerKeyMap<int, int>();
        foreach (var k in keys)
        {
            map.GetValueRefOrAddDefault(k, out _) = k * 2;
        }

        Assert.Equal(keys.Length, map.Count);
        foreach (var k in keys)
        {
            Assert.True(map.TryGetValue(k, out var v));
            Assert.Equal(k * 2, v);
        }

        Assert.False(map.ContainsKey(50_000));
        Assert.False(map.ContainsKey(-1));
        Assert.Equal(keys, map.Select(e => e.Key));
    }

    [Fact]
    public void ChangingTheMapDuringAnEnumerationByAddingIsAnError()
    {
        var map = new IntegerKeyMap<int, int> { [1] = 1, [2] = 2 };
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var entry in map)
            {
                map[entry.Key + 100] = 0;
            }
        });
        Assert.Throws<KeyNotFoundException>(() => map[5]);
    }

    [Fact]
    public void AMapThatFillsAndDrainsDoesNotGrow()
    {
        var map = new IntegerKeyMap<long, long>();
        for (var round = 0; round < 1_000; round++)
        {
            for (var k = 0; k < 10; k++)
            {
                map.GetValueRefOrAddDefault(round * 1_000_003L + k, out _)++;
            }

            for (var k = 0; k < 10; k++)
            {
                Assert.True(map.Remove(round * 1_000_003L + k));
            }
        }

        Assert.Equal(0, map.Count);
        Assert.Equal(16, map.EnsureCapacity(0)); // the entries never grew past one round's keys
    }
}
