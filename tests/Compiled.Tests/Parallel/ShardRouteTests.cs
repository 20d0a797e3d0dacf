using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>The elements one shard of a parallel batch run sends another: appended in chunks, read back in order.</summary>
public class ShardRouteTests
{
    [Theory(DisplayName = "A route gives back what was added, in order, across chunk boundaries")]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(16_384 * 3)]
    [InlineData(100_003)]
    public void ReadsBackInOrder(int count)
    {
        var route = new ShardRoute<(long Value, string Tag)>();
        for (long i = 0; i < count; i++)
        {
            route.Add((i, "e" + (i % 7)));
        }

        Assert.Equal(count, route.Count);
        long expected = 0;
        foreach (var e in route)
        {
            Assert.Equal(expected, e.Value);
            Assert.Equal("e" + (expected % 7), e.Tag);
            expected++;
        }

        Assert.Equal(count, expected);

        // A second read gives the same.
        expected = 0;
        foreach (ref readonly var e in route)
        {
            Assert.Equal(expected++, e.Value);
        }

        Assert.Equal(count, expected);
    }
}
