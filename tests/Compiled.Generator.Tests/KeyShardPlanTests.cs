using System.Text.RegularExpressions;
using Compiled.Generator.Tests.Infrastructure;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Which key-group exchanges keep their keys' shards in a table (<c>KeyShardCache</c>): those whose key is of a primitive
/// integer type; other keys are hashed every time.
/// </summary>
public class KeyShardPlanTests
{
    private static string Generate(string define) => GeneratorHarness.GenerateClean(GeneratorHarness.CreateCompilation("""
        using System;
        using Compiled;

        namespace Demo;

        public sealed record Ev(int Key, long Account, short Code, string Name, long Time);

        [Pipeline]
        public partial class Keyed
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<Ev>("events").WithTimestamps(static e => new Instant(e.Time));
        """ + define + """

            }
        }
        """));

    [Theory(DisplayName = "An integer key's shard is kept per key; the plan lists the exchange")]
    [InlineData("events.Map(static e => KV.Of(e.Key, 1)).CountPerKey().Output(\"out\");", "int")]
    [InlineData("events.Window(Windows.Sessions(TimeSpan.FromSeconds(5))).Map(static e => KV.Of(e.Account, e.Key)).GroupByKey().Output(\"out\");", "long")]
    [InlineData("events.Map(static e => e.Code).CountPerElement().Output(\"out\");", "short")]
    public void IntegerKeysAreKept(string define, string keyType)
    {
        var source = Generate(define);
        var shardOf = Regex.Match(source, @"private int __ShardOf(\d+)\((\w+) key\)");
        Assert.True(shardOf.Success, "no shard function");
        Assert.Equal(keyType, shardOf.Groups[2].Value);
        var id = shardOf.Groups[1].Value;
        Assert.Contains("private global::Compiled.Parallel.KeyShardCache __keyShards" + id + ";", source, System.StringComparison.Ordinal);
        Assert.Contains("__keyShards" + id + ".Clear();", source, System.StringComparison.Ordinal);
        Assert.Contains("Key shards (parallel runners)", source, System.StringComparison.Ordinal);
        Assert.Contains("): " + keyType + " keys\\n", source, System.StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A text key's shard is hashed every time, and the plan says nothing of key shards")]
    public void TextKeysAreHashed()
    {
        var source = Generate("events.Map(static e => KV.Of(e.Name, 1)).CountPerKey().Output(\"out\");");
        Assert.Matches(@"private int __ShardOf\d+\(string key\)", source);
        Assert.DoesNotContain("KeyShardCache", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("Key shards", source, System.StringComparison.Ordinal);
    }
}
