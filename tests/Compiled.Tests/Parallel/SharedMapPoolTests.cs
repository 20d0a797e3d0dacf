using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>The pool of window maps that the partitions and shards of a streaming parallel runner share.</summary>
public class SharedMapPoolTests
{
    [Fact(DisplayName = "An empty pool gives nothing; a map given back is taken again, the last one first")]
    public void TakesWhatWasGivenBack()
    {
        var pool = new SharedMapPool<Dictionary<int, long>>();
        Assert.Null(pool.TryTake());
        var first = new Dictionary<int, long>();
        var second = new Dictionary<int, long>();
        pool.Return(first);
        pool.Return(second);
        Assert.Equal(2, pool.Count);
        Assert.Same(second, pool.TryTake());
        Assert.Same(first, pool.TryTake());
        Assert.Null(pool.TryTake());
        Assert.Equal(0, pool.Count);
    }

    [Fact(DisplayName = "The pool keeps at most its limit of maps; the rest are left to the garbage collector")]
    public void KeepsAtMostItsLimit()
    {
        var pool = new SharedMapPool<Dictionary<int, long>>();
        for (var i = 0; i < SharedMapPool<Dictionary<int, long>>.Limit + 10; i++)
        {
            pool.Return(new Dictionary<int, long>());
        }

        Assert.Equal(SharedMapPool<Dictionary<int, long>>.Limit, pool.Count);
    }

    [Fact(DisplayName = "Threads giving maps back and taking them at once lose none and take none twice")]
    public void ThreadsShareIt()
    {
        var pool = new SharedMapPool<Dictionary<int, long>>();
        var maps = Enumerable.Range(0, 64).Select(_ => new Dictionary<int, long>()).ToArray();
        foreach (var map in maps)
        {
            pool.Return(map);
        }

        // Each thread takes a map, marks it as its own, checks nobody else holds it, and gives it back.
        var holder = new System.Collections.Concurrent.ConcurrentDictionary<Dictionary<int, long>, int>(ReferenceEqualityComparer.Instance);
        TestThreads.Run(TimeSpan.FromSeconds(60), Enumerable.Range(0, 4).Select(t => (Action)(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var map = pool.TryTake();
                if (map is null)
                {
                    continue;
                }

                Assert.True(holder.TryAdd(map, t), "a map was taken twice");
                Assert.True(holder.TryRemove(map, out _));
                pool.Return(map);
            }
        })).ToArray());

        Assert.Equal(maps.Length, pool.Count);
        var back = new HashSet<Dictionary<int, long>>(ReferenceEqualityComparer.Instance);
        while (pool.TryTake() is { } map)
        {
            Assert.True(back.Add(map));
        }

        Assert.True(back.SetEquals(maps));
    }
}
