using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>Windowed combines whose accumulator is a reference type: the generated code must compile without a warning.</summary>
[Pipeline]
public partial class WindowedListCombines
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<GameEvent>("events").WithTimestamps(static e => new Instant(e.TimeMs));
        events.Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
              .Map(static e => KV.Of(e.Team, e.Score))
              .CombinePerKey(Combiners.ToList<int>())
              .Output("fixedLists");
        events.Window(Windows.Sliding(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10)))
              .Map(static e => e.Score)
              .CombineGlobally(Combiners.ToList<int>())
              .Output("slidingLists");
    }
}

/// <summary>Reference-type accumulators in windows (Beam's ToList in fixed and sliding windows).</summary>
public class ReferenceAccumulatorTests
{
    [Fact]
    public void ListsPerWindow()
    {
        var events = new[] { new GameEvent("red", 1, 1_000), new GameEvent("red", 2, 12_000), new GameEvent("blue", 3, 2_000) };
        var results = WindowedListCombines.Run(events);
        Assert.Equal(3, results.FixedLists.Count);
        Assert.Equal(3, results.SlidingLists.Count); // windows [-10,10), [0,20), [10,30)
        Assert.Equal(new[] { 1 }, results.FixedLists.Single(kv => kv.Key == "red" && kv.Value.Contains(1)).Value);
    }

    [Fact]
    public void ListsKeepInputOrderOnShards()
    {
        // ToList's accumulators merge in shard order: the lists are those of one thread.
        var events = Enumerable.Range(0, 2_000).Select(i => new GameEvent(i % 3 == 0 ? "red" : "blue", i, i * 37L % 60_000)).ToArray();
        var single = WindowedListCombines.Run(events);
        for (var p = 2; p <= 4; p++)
        {
            var parallel = WindowedListCombines.Run(events, parallelism: p);
            Assert.Equal(Render(single.FixedListsElements), Render(parallel.FixedListsElements));
            Assert.Equal(Render(single.SlidingListsElements), Render(parallel.SlidingListsElements));
        }
    }

    private static List<string> Render<T>(IEnumerable<WindowedValue<T>> elements) =>
        elements.Select(e => e.Timestamp + " " + e.Window + " " + e.Value switch
        {
            KV<string, List<int>> kv => kv.Key + ":" + string.Join(",", kv.Value),
            List<int> list => string.Join(",", list),
            var other => other?.ToString() ?? "null",
        }).OrderBy(s => s, StringComparer.Ordinal).ToList();
}
