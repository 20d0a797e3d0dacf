using System;
using System.Collections.Generic;
using System.Linq;
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

    [Fact(DisplayName = "A reader gives each segment's elements when asked for it, with the bundle ends marked inside it, and passes over segments not asked for")]
    public void ReadsSegmentBySegment()
    {
        var route = new ShardRoute<int>();
        route.StartSegment(0);
        route.Add(1);
        route.Add(2);
        route.EndBundle();
        route.EndBundle(); // nothing since the last mark: no second mark
        route.Add(3);
        route.StartSegment(2); // segment 1: nothing from this sender
        route.EndBundle(); // nothing in this segment yet: no mark
        for (var i = 0; i < 600; i++)
        {
            route.Add(100 + i); // across a chunk boundary
        }

        route.StartSegment(3);
        route.Add(7);
        route.EndBundle();
        route.StartSegment(5);
        route.Add(8);

        var reader = route.GetReader();
        Assert.Equal(new[] { (1, false), (2, true), (3, false) }, Segment(ref reader, 0));
        Assert.Empty(Segment(ref reader, 1));
        // Segment 2 not asked for: its elements are passed over.
        Assert.Equal(new[] { (7, true) }, Segment(ref reader, 3));
        Assert.Empty(Segment(ref reader, 4));
        Assert.Equal(new[] { (8, false) }, Segment(ref reader, 5));
        Assert.Empty(Segment(ref reader, 6));

        var again = route.GetReader();
        Assert.Equal(3, Segment(ref again, 0).Count);
        var middle = Segment(ref again, 2);
        Assert.Equal(Enumerable.Range(100, 600).Select(v => (v, false)), middle);
    }

    [Fact(DisplayName = "Segments start in ascending order")]
    public void SegmentsAscend()
    {
        var route = new ShardRoute<int>();
        route.StartSegment(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => route.StartSegment(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => route.StartSegment(0));
    }

    private static List<(int Value, bool EndsBundle)> Segment(ref ShardRoute<int>.Reader reader, int segment)
    {
        var read = new List<(int, bool)>();
        while (reader.MoveNext(segment, out var endsBundle))
        {
            read.Add((reader.Current, endsBundle));
        }

        return read;
    }
}
