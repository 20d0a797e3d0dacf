using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Pipelines;

/// <summary>A three-way CoGroupByKey, and a user CombineFn applied globally.</summary>
[Pipeline]
public partial class ThreeWayJoin
{
    static void Define(PipelineBuilder p)
    {
        var a = p.Create<KV<string, int>>("a");
        var b = p.Create<KV<string, long>>("b");
        var c = p.Create<KV<string, string>>("c");
        a.CoGroupByKey(b, c)
         .Map(static kv => KV.Of(kv.Key, (kv.Value.First.Count, kv.Value.Second.Count, kv.Value.Third.Count)))
         .Output("counts");
        a.Values().CombineGlobally(new SumOfSquaresFn()).Output("squares");
    }
}

public class ThreeWayJoinTests
{
    [Fact]
    public void ThreeWayCoGroupByKeyEqualsLinq()
    {
        var key = Gen.String[Gen.Char['a', 'e'], 1, 1];
        var gen = Gen.Select(
            Gen.Select(key, Gen.Int[-50, 50], (k, v) => KV.Of(k, v)).Array[0, 40],
            Gen.Select(key, Gen.Long[0, 9], (k, v) => KV.Of(k, v)).Array[0, 40],
            Gen.Select(key, Gen.String, (k, v) => KV.Of(k, v)).Array[0, 40]);
        gen.Sample((a, b, c) =>
        {
            var r = ThreeWayJoin.Run(a, b, c);
            var keys = a.Select(x => x.Key).Concat(b.Select(x => x.Key)).Concat(c.Select(x => x.Key)).Distinct();
            var expected = keys
                .Select(k => KV.Of(k, (a.Count(x => x.Key == k), b.Count(x => x.Key == k), c.Count(x => x.Key == k))))
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .ToList();
            Assert.Equal(expected, r.Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList());
            Assert.Equal(new[] { a.Sum(x => (long)x.Value * x.Value) }, r.Squares);
        });
    }
}
