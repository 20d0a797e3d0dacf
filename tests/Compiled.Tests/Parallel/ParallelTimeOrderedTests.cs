using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>The values of each team per 10 s window, in arrival order, as text: a grouping whose output shows order.</summary>
[Pipeline]
public partial class FixedTeamValueLists
{
    static void Define(PipelineBuilder p) =>
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .GroupByKey()
         .Map(static kv => kv.Key + ":" + string.Join(",", kv.Value))
         .Output("lists");
}

/// <summary>The distinct teams per 10 s window, and a count per reading per window (-0.0 and 0.0 one key).</summary>
[Pipeline]
public partial class FixedDistinctTeamsAndReadings
{
    static void Define(PipelineBuilder p)
    {
        var windowed = p.Create<GameEvent>("events")
            .WithTimestamps(static e => new Instant(e.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromSeconds(10)));
        windowed.Map(static e => e.Team).Distinct().Output("teams");
        windowed.Map(static e => new Reading(e.Team, e.Score % 3 == 0 ? (e.Score % 2 == 0 ? 0.0 : -0.0) : e.Score)).CountPerElement().Output("readings");
    }
}

/// <summary>
/// Time-ordered input on the parallel batch runner. Each shard reads a contiguous part of the input, so with input in
/// time order most windows are read by one shard only: such a window stays on its shard whole, and only the windows
/// that straddle a split are shipped by key group and merged. Results equal the single-threaded runner's, pane for
/// pane, for sorted and nearly sorted input (a few elements out of order, which share a window with another part).
/// </summary>
public class ParallelTimeOrderedTests
{
    /// <summary>Sorted by time, then a few elements swapped with others anywhere in the input.</summary>
    private static readonly Gen<GameEvent[]> Events = Gen.Select(ParallelWindowedTests.Event.Array[0, 400], Gen.Int[0, 3].SelectMany(n => Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, 10_000]).Array[n]))
        .Select((events, swaps) =>
        {
            var sorted = events.OrderBy(e => e.TimeMs).ToArray();
            foreach (var (a, b) in swaps)
            {
                if (sorted.Length > 1)
                {
                    (sorted[a % sorted.Length], sorted[b % sorted.Length]) = (sorted[b % sorted.Length], sorted[a % sorted.Length]);
                }
            }

            return sorted;
        });

    private static readonly Gen<int> Parallelism = Gen.Int[1, 4];

    private static List<string> Multiset<T>(IEnumerable<WindowedValue<T>> elements) => ParallelWindowedTests.Multiset(elements);

    [Fact]
    public void Combines() => Gen.Select(Events, Parallelism).Sample((events, p) =>
    {
        Assert.Equal(Multiset(FixedTeamScores.Run(events).ScoresElements), Multiset(FixedTeamScores.Run(events, parallelism: p).ScoresElements));
        var single = SlidingCounts.Run(events);
        var parallel = SlidingCounts.Run(events, parallelism: p);
        Assert.Equal(Multiset(single.PerTeamElements), Multiset(parallel.PerTeamElements));
        Assert.Equal(Multiset(single.TotalElements), Multiset(parallel.TotalElements));
    });

    [Fact]
    public void GroupsKeepArrivalOrder() => Gen.Select(Events, Parallelism).Sample((events, p) =>
        Assert.Equal(Multiset(FixedTeamValueLists.Run(events).ListsElements), Multiset(FixedTeamValueLists.Run(events, parallelism: p).ListsElements)));

    [Fact]
    public void DistinctAndRecordKeys() => Gen.Select(Events, Parallelism).Sample((events, p) =>
    {
        var single = FixedDistinctTeamsAndReadings.Run(events);
        var parallel = FixedDistinctTeamsAndReadings.Run(events, parallelism: p);
        Assert.Equal(Multiset(single.TeamsElements), Multiset(parallel.TeamsElements));
        Assert.Equal(Multiset(single.ReadingsElements), Multiset(parallel.ReadingsElements));
    });

    [Fact]
    public void AWindowThatStraddlesASplitIsMergedOnce()
    {
        // Two shards: the first part ends inside window [10 s, 20 s), the second starts in it; each part also has a window of its own.
        var events = new[]
        {
            new GameEvent("red", 1, 1_000), new GameEvent("red", 2, 12_000), new GameEvent("blue", 3, 13_000),
            new GameEvent("red", 4, 14_000), new GameEvent("blue", 5, 15_000), new GameEvent("red", 6, 25_000),
        };
        var scores = FixedTeamScores.Run(events, parallelism: 2).ScoresElements
            .Select(e => (e.Value.Key, e.Window.Start.Millis, e.Value.Value))
            .OrderBy(x => x.Millis).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { ("red", 0L, 1), ("blue", 10_000L, 8), ("red", 10_000L, 6), ("red", 20_000L, 6) }, scores);
        var lists = FixedTeamValueLists.Run(events, parallelism: 2).Lists.OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "blue:3,5", "red:1", "red:2,4", "red:6" }, lists);
    }

    [Fact]
    public void ThePlanSaysWhichWindowsStay()
    {
        Assert.Contains("a window that only one shard holds stays there whole", FixedTeamScores.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("a window that only one shard holds stays there whole", FixedTeamValueLists.PlanDescription, StringComparison.Ordinal);
        // Shared sliding panes assemble a window from several panes: a pane is not a window, so every pane ships.
        Assert.DoesNotContain("stays there whole", SlidingPaneSums.PlanDescription, StringComparison.Ordinal);
    }
}
