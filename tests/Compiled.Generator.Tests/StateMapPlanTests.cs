using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Which map a keyed state is kept in: keys of a primitive integer type in an IntegerKeyMap (dense small keys indexed
/// directly), in the global window and per window alike; other keys in a dictionary; Distinct in a hash set.
/// </summary>
public class StateMapPlanTests
{
    private static string Generate(string keyType, string chain)
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using System;
            using Compiled;

            namespace Demo;

            [Pipeline]
            public partial class Keys
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<int>("numbers")
            """ + chain.Replace("KEY", keyType) + """
                     .Output("out");
            }
            """);
        return GeneratorHarness.GenerateClean(compilation);
    }

    [Theory(DisplayName = "Integer keys of a count, combine, grouping or co-grouping are kept in an IntegerKeyMap")]
    [InlineData("int", ".Map(static x => KV.Of((KEY)(x % 10), (long)x)).CombinePerKey(Combiners.Sum<long>())", "global::Compiled.IntegerKeyMap<int, long> _state")]
    [InlineData("long", ".Map(static x => KV.Of((KEY)(x % 10), x)).CountPerKey()", "global::Compiled.IntegerKeyMap<long, long> _state")]
    [InlineData("ushort", ".Map(static x => KV.Of((KEY)(x % 10), x)).GroupByKey().Map(static kv => kv.Key)", "global::Compiled.IntegerKeyMap<ushort, global::System.Collections.Generic.List<int>> _state")]
    [InlineData("int", ".WithTimestamps(static x => new Instant(x)).Window(Windows.Fixed(TimeSpan.FromSeconds(1))).Map(static x => KV.Of((KEY)(x % 10), (long)x)).CombinePerKey(Combiners.Sum<long>())", "global::Compiled.IntegerKeyMap<int, long>>")]
    public void IntegerKeys(string keyType, string chain, string expected)
    {
        var source = Generate(keyType, chain);
        Assert.Contains(expected, source);
        Assert.DoesNotContain("CollectionsMarshal.GetValueRefOrAddDefault(_state", source);
        // The plan says so, with the key type.
        Assert.Contains("State maps: integer keys in an IntegerKeyMap", source);
        Assert.Contains(": " + keyType + " keys", source);
    }

    [Theory(DisplayName = "Other keys are kept in a dictionary, and Distinct in a hash set")]
    [InlineData("string", ".Map(static x => KV.Of(x.ToString(), (long)x)).CombinePerKey(Combiners.Sum<long>())", "global::System.Collections.Generic.Dictionary<string, long> _state")]
    [InlineData("int?", ".Map(static x => KV.Of((KEY)(x % 10), (long)x)).CombinePerKey(Combiners.Sum<long>())", "global::System.Collections.Generic.Dictionary<int?, long> _state")]
    [InlineData("int", ".Map(static x => x % 10).Distinct()", "global::System.Collections.Generic.HashSet<int> _state")]
    public void OtherKeys(string keyType, string chain, string expected)
    {
        var source = Generate(keyType, chain);
        Assert.Contains(expected, source);
        Assert.DoesNotContain("IntegerKeyMap", source);
    }
}
