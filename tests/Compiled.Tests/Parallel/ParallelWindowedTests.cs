using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>
/// Windowed pipelines on the parallel batch runner: inline window maps and shared sliding panes ship their parts per
/// window and key; keyed window panes (sessions, lateness, timestamp combiners, custom windows) ship elements to the
/// key's shard. Results equal the single-threaded runner's, pane for pane (values, timestamps, windows, PaneInfo).
/// </summary>
public class ParallelWindowedTests
{
    /// <summary>An event of a few teams, a small score, a time in the first three minutes.</summary>
    internal static readonly Gen<GameEvent> Event = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green"), Gen.String[Gen.Char['a', 'd'], 1, 2]),
        Gen.Int[0, 20],
        Gen.Long[0, 180_000],
        (team, score, time) => new GameEvent(team, score, time));

    private static readonly Gen<GameEvent[]> Events = Event.Array[0, 300];

    private static readonly Gen<int> Parallelism = Gen.Int[1, 4];

    /// <summary>The elements as text, sorted: what a parallel run must equal, whatever the order of different keys.</summary>
    internal static List<string> Multiset<T>(IEnumerable<WindowedValue<T>> elements) =>
        elements.Select(e => e.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Fact]
    public void FixedWindows_CombinePerKey() => Gen.Select(Events, Parallelism).Sample((events, p) =>
        Assert.Equal(Multiset(FixedTeamScores.Run(events).ScoresElements), Multiset(FixedTeamScores.Run(events, parallelism: p).ScoresElements)));

    [Fact]
    public void SlidingWindows_PerElementAndGlobalCounts() => Gen.Select(Events, Parallelism).Sample((events, p) =>
    {
        var single = SlidingCounts.Run(events);
        var parallel = SlidingCounts.Run(events, parallelism: p);
        Assert.Equal(Multiset(single.PerTeamElements), Multiset(parallel.PerTeamElements));
        Assert.Equal(Multiset(single.TotalElements), Multiset(parallel.TotalElements));
    });

    [Fact]
    public void SharedSlidingPanes() => Gen.Select(Events, Parallelism).Sample((events, p) =>
    {
        var single = SlidingWindowSums.Run(events);
        var parallel = SlidingWindowSums.Run(events, parallelism: p);
        Assert.Equal(Multiset(single.SumsElements), Multiset(parallel.SumsElements));
        Assert.Equal(Multiset(single.CountsElements), Multiset(parallel.CountsElements));
        Assert.Equal(Multiset(single.PerTeamElements), Multiset(parallel.PerTeamElements));
        var paneSingle = SlidingPaneSums.Run(events);
        var paneParallel = SlidingPaneSums.Run(events, parallelism: p);
        Assert.Equal(Multiset(paneSingle.SumsElements), Multiset(paneParallel.SumsElements));
        Assert.Equal(Multiset(paneSingle.CountsElements), Multiset(paneParallel.CountsElements));
    });

    [Fact]
    public void WindowedGroupThenGlobalCombine() => Gen.Select(Events, Parallelism).Sample((events, p) =>
        Assert.Equal(Multiset(RewindowToGlobal.Run(events).TotalElements), Multiset(RewindowToGlobal.Run(events, parallelism: p).TotalElements)));

    [Fact]
    public void Sessions_OnKeyedWindowPanes() => Gen.Select(Events, Parallelism).Sample((events, p) =>
        Assert.Equal(Multiset(TeamSessions.Run(events).SessionsElements), Multiset(TeamSessions.Run(events, parallelism: p).SessionsElements)));

    [Fact]
    public void GlobalSessionsWithLatenessAndEarliestTimestamps() => Gen.Select(Events, Parallelism).Sample((events, p) =>
        Assert.Equal(Multiset(SessionTotals.Run(events).TotalsElements), Multiset(SessionTotals.Run(events, parallelism: p).TotalsElements)));

    [Fact]
    public void CustomWindows() => Gen.Select(Events, Parallelism).Sample((events, p) =>
        Assert.Equal(Multiset(CustomWindowSums.Run(events).SumsElements), Multiset(CustomWindowSums.Run(events, parallelism: p).SumsElements)));

    [Fact]
    public void TimestampsFromAParDo() => Gen.Select(Events, Parallelism).Sample((events, p) =>
        Assert.Equal(Multiset(Retimestamp.Run(events).CountsElements), Multiset(Retimestamp.Run(events, parallelism: p).CountsElements)));

    [Fact]
    public void LateDataOutputsAndLateness() => Gen.Select(Events, Parallelism).Sample((events, p) =>
    {
        var single = LateDataOutputs.Run(events);
        var parallel = LateDataOutputs.Run(events, parallelism: p);
        Assert.Equal(Multiset(single.FixedSumsElements), Multiset(parallel.FixedSumsElements));
        Assert.Equal(Multiset(single.CountsElements), Multiset(parallel.CountsElements));
        Assert.Equal(Multiset(single.SlidingCountsElements), Multiset(parallel.SlidingCountsElements));
        Assert.Equal(Multiset(single.LateFixedElements), Multiset(parallel.LateFixedElements));
    });

    [Fact]
    public void ThePlanNamesWhatTravels()
    {
        Assert.Contains("pre-aggregates per window per key", FixedTeamScores.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("per pane of the sliding windows", SlidingPaneSums.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("elements travel", TeamSessions.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("Parallel batch runner: not generated: input 'clicks' moves its watermark", SourceWatermarks.PlanDescription, StringComparison.Ordinal);
    }
}
