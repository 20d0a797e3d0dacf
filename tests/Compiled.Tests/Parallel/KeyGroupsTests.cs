using System;
using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.Parallel;

public class KeyGroupsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(128)]
    [InlineData(1000)]
    [InlineData(4096)]
    public void RangesAreContiguousAndMatchShardOf(int maxParallelism)
    {
        for (int parallelism = 1; parallelism <= maxParallelism; parallelism += parallelism < 200 ? 1 : 97)
        {
            int next = 0;
            for (int shard = 0; shard < parallelism; shard++)
            {
                var (start, end) = KeyGroups.RangeOf(shard, maxParallelism, parallelism);
                Assert.Equal(next, start);
                Assert.True(end > start, $"shard {shard} of {parallelism} owns no key group of {maxParallelism}");
                var table = KeyGroups.ShardTable(maxParallelism, parallelism);
                Assert.Equal(maxParallelism, table.Length);
                for (int group = start; group < end; group++)
                {
                    Assert.Equal(shard, KeyGroups.ShardOf(group, maxParallelism, parallelism));
                    Assert.Equal(shard, table[group]);
                }

                next = end;
            }

            Assert.Equal(maxParallelism, next);
        }
    }

    [Fact]
    public void ShardOfFollowsFlink()
    {
        // Flink's KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup: keyGroup * parallelism / maxParallelism.
        Assert.Equal(0, KeyGroups.ShardOf(0, 128, 3));
        Assert.Equal(0, KeyGroups.ShardOf(42, 128, 3));
        Assert.Equal(1, KeyGroups.ShardOf(43, 128, 3));
        Assert.Equal(2, KeyGroups.ShardOf(127, 128, 3));
        Assert.Equal((43, 86), KeyGroups.RangeOf(1, 128, 3));
    }

    [Fact]
    public void KeyGroupsAreInRange()
    {
        foreach (int max in new[] { 1, 2, 3, 128, 32768 })
        {
            foreach (ulong hash in new[] { 0ul, 1ul, ulong.MaxValue, 0x8000000000000000ul, 12345678901234567ul })
            {
                int group = KeyGroups.Of(hash, max);
                Assert.InRange(group, 0, max - 1);
            }
        }
    }

    [Fact]
    public void ArgumentsAreValidated()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.Of(1, 0));
        Assert.Equal("maxParallelism", e.ParamName);
        Assert.Contains("from 1 to 32768", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.Of(1, 32769));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.ShardOf(0, 128, 129));
        Assert.Equal("parallelism", e.ParamName);
        Assert.Contains("(128)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.ShardOf(0, 128, 0));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.ShardOf(128, 128, 4));
        Assert.Equal("keyGroup", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.RangeOf(4, 128, 4));
        Assert.Equal("shard", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.RangeOf(0, 0, 1));
    }
}
