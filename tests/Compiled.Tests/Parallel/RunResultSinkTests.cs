using System.Linq;
using Compiled.Execution;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>The sink of a batch Run's output: chunks, one exact list, values projected, parts gathered in shard order.</summary>
public class RunResultSinkTests
{
    private static WindowedValue<int> At(int value) =>
        new(value, new Instant(value), BoundedWindow.Interval(new Instant(value), new Instant(value + 10)), PaneInfo.NoFiring);

    private static RunResultSink<int> Filled(int from, int count)
    {
        var sink = new RunResultSink<int>();
        for (var i = from; i < from + count; i++)
        {
            sink.Receive(At(i));
        }

        return sink;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(300_001)]
    public void ElementsAndValuesAreInArrivalOrder(int count)
    {
        var sink = Filled(0, count);
        Assert.Equal(count, sink.Count);
        Assert.Equal(Enumerable.Range(0, count), sink.Elements.Select(e => e.Value));
        Assert.Equal(Enumerable.Range(0, count).Select(i => new Instant(i)), sink.Elements.Select(e => e.Timestamp));
        Assert.Equal(Enumerable.Range(0, count), sink.Values);
        Assert.Equal(count, sink.Elements.Capacity); // one list of the exact size
        Assert.Same(sink.Elements, sink.Elements);
    }

    [Fact]
    public void AnElementReceivedAfterTheListWasReadGoesOnTheList()
    {
        var sink = Filled(0, 100);
        Assert.Equal(100, sink.Elements.Count);
        sink.Receive(At(100));
        Assert.Equal(Enumerable.Range(0, 101), sink.Elements.Select(e => e.Value));
        Assert.Equal(101, sink.Count);
    }

    [Fact]
    public void PartsGatherInShardOrderWhateverOrderTheyAreCopiedIn()
    {
        var parts = new[] { Filled(0, 70_000), Filled(70_000, 0), Filled(70_000, 5), Filled(70_005, 130_000) };
        var all = RunResultSink<int>.Allocate(parts);
        Assert.Equal(200_005, all.Count);
        foreach (var shard in new[] { 3, 0, 2, 1 })
        {
            all.CopyPart(parts, shard);
        }

        Assert.Equal(Enumerable.Range(0, 200_005), all.Values);
        Assert.Equal(Enumerable.Range(0, 200_005).Select(i => BoundedWindow.Interval(new Instant(i), new Instant(i + 10))), all.Elements.Select(e => e.Window));
    }

    [Fact]
    public void APartWhoseListWasReadCopiesFromThatList()
    {
        var parts = new[] { Filled(0, 10), Filled(10, 10) };
        Assert.Equal(10, parts[1].Elements.Count);
        parts[1].Receive(At(20));
        var all = RunResultSink<int>.Allocate(parts);
        all.CopyPart(parts, 0);
        all.CopyPart(parts, 1);
        Assert.Equal(Enumerable.Range(0, 21), all.Values);
    }
}
