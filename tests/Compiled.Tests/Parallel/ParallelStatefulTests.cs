using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Tests.Checkpoints;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>A team's state per fixed window: its total, a processing-time timer that says it went quiet, an event-time timeout.</summary>
public struct QuietTeamState
{
    public ValueState<int> Total;
    public CombiningState<int, MinMaxAccumulator<int>, int, MaxFn<int>> Largest;
    public ProcessingTimeTimer Quiet;
    public EventTimeTimer Timeout;
}

/// <summary>
/// A stateful ParDo in fixed windows with both kinds of timers and an expiration callback; below it, a count per line in
/// the same windows on the next level of shards, held by the timeout's output timestamps.
/// </summary>
[Pipeline]
public partial class QuietTeams
{
    static void Define(PipelineBuilder p)
    {
        var lines = p.Create<GameEvent>("events")
            .WithTimestamps(static e => new Instant(e.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromSeconds(30)))
            .Map(static e => KV.Of(e.Team, e.Score))
            .ParDo(
                static (string key, int value, ref QuietTeamState state, ProcessContext context, IEmitter<string> output) =>
                {
                    state.Total.Write(state.Total.ReadOrDefault(0) + value);
                    state.Largest.Add(value);
                    state.Quiet.Offset(TimeSpan.FromSeconds(5)).SetRelative();
                    state.Timeout.WithOutputTimestamp(context.Timestamp).Set(Instant.Min(context.Timestamp.Plus(TimeSpan.FromSeconds(4)), context.Window.MaxTimestamp));
                    if (value > 15)
                    {
                        output.Emit(key + " high " + value);
                    }
                },
                onTimer: static (string key, ref QuietTeamState state, TimerContext timer, IEmitter<string> output) =>
                    output.Emit(key + " " + timer.TimerId + " total=" + state.Total.ReadOrDefault(0) + " largest=" + state.Largest.Read()),
                onWindowExpiration: static (string key, ref QuietTeamState state, WindowExpirationContext context, IEmitter<string> output) =>
                    output.Emit(key + " expired total=" + state.Total.ReadOrDefault(0)));
        lines.Output("lines");
        lines.Map(static line => line.Split(' ')[1]).CountPerElement().Output("kinds");
    }
}

/// <summary>
/// Stateful ParDos on the parallel batch runner: each element travels to the shard that owns its key's key group, where
/// the key's state and timers are; every key sees its elements in input order. Results equal the single-threaded
/// runner's, element for element (values, timestamps, windows, panes).
/// </summary>
public class ParallelStatefulTests
{
    private static readonly Gen<GameEvent[]> Events = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green"), Gen.String[Gen.Char['a', 'd'], 1, 2]),
        Gen.Int[0, 100],
        Gen.Long[0, 60_000],
        (team, score, time) => new GameEvent(team, score, time)).Array[0, 300];

    private static List<string> Multiset<T>(IEnumerable<WindowedValue<T>> elements) =>
        elements.Select(e => e.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Fact(DisplayName = "A stateful ParDo with every kind of cell, a timer with an output timestamp and a timer family gives, on 1-4 shards, what one thread gives")]
    public void StatefulParDoOnShards() =>
        Gen.Select(Events, Gen.Int[1, 4]).Sample((events, parallelism) =>
        {
            var single = CheckpointedStateful.Run(events);
            var parallel = CheckpointedStateful.Run(events, parallelism: parallelism);
            Assert.Equal(Multiset(single.FiredElements), Multiset(parallel.FiredElements));
            Assert.Equal(Multiset(single.PerWindowElements), Multiset(parallel.PerWindowElements));
        });

    [Fact(DisplayName = "A stateful ParDo after a GroupByKey (Beam's testGbkFollowedByUserTimers) gives, on 1-4 shards, what one thread gives")]
    public void AfterAGroupingOnShards() =>
        Gen.Select(Gen.Select(Gen.String[Gen.Char['a', 'f'], 1, 2], Gen.Int[0, 9], (k, v) => KV.Of(k, v)).Array[0, 200], Gen.Int[1, 4]).Sample((input, parallelism) =>
        {
            var single = Compiled.Tests.State.GbkFollowedByUserTimers.Run(input);
            var parallel = Compiled.Tests.State.GbkFollowedByUserTimers.Run(input, parallelism: parallelism);
            Assert.Equal(Multiset(single.OutputElements), Multiset(parallel.OutputElements));
        });

    [Fact(DisplayName = "Streaming, in time order: a stateful ParDo with every kind of cell, timers with output timestamps and a timer family, and a windowed count on the next level: the single-threaded runner's panes")]
    public void StatefulParDoOnStreamingShards() => ParallelStreamingTests.Cases.Sample(c =>
    {
        // No element behind the watermark: the ParDo's outputs are never late below it, on one runner or on shards.
        var steps = ParallelStreamingTests.Schedule(c.Events.OrderBy(e => e.TimeMs).ToArray(), c.Seed, processingTime: false);
        var (single, parallel) = RunCheckpointedStateful(steps, c.Parallelism, c.BatchSize, c.Capacity);
        using (parallel)
        {
            Assert.Equal(PaneLines.Multiset(single.Fired.Elements), PaneLines.Multiset(parallel.FiredSinks().SelectMany(s => s.Elements)));
            Assert.Equal(PaneLines.Multiset(single.PerWindow.Elements), PaneLines.Multiset(parallel.PerWindowSinks().SelectMany(s => s.Elements)));
            Assert.Equal(0, parallel.DroppedLateElements);
        }
    });

    [Fact(DisplayName = "Streaming, with late elements: the ParDo's outputs are the single-threaded runner's; below it, every output is counted or dropped as late")]
    public void LateElementsOnStreamingShards() => ParallelStreamingTests.Cases.Sample(c =>
    {
        var steps = ParallelStreamingTests.Schedule(c.Events, c.Seed, processingTime: false);
        var (single, parallel) = RunCheckpointedStateful(steps, c.Parallelism, c.BatchSize, c.Capacity);
        using (parallel)
        {
            // The ParDo's shard gets every element after the watermark its one sender had then: what it sees is exact.
            var fired = parallel.FiredSinks().SelectMany(s => s.Elements).ToList();
            Assert.Equal(PaneLines.Multiset(single.Fired.Elements), PaneLines.Multiset(fired));

            // A late element's timer outputs are behind the watermark. The count's shard drops them against the minimum of
            // the watermarks its senders have told it so far, and one runner against its one watermark held by the holds of
            // every key: a shard below may have heard a later watermark from a sender that ran ahead (dropping what one
            // thread keeps) or an earlier one from a sender that trails (keeping what one thread drops), as on any parallel
            // runner. Every output is counted or dropped, on both.
            var counts = parallel.PerWindowSinks().SelectMany(s => s.Elements).ToList();
            Assert.Equal(fired.Count, counts.Sum(e => e.Value.Value) + parallel.DroppedLateElements);
            Assert.Equal(single.Fired.Elements.Count, single.PerWindow.Elements.Sum(e => e.Value.Value) + single.DroppedLateElements);
        }
    });

    private static (CheckpointedStateful.Runner<ListSink<string>, ListSink<KV<string, long>>> Single,
        CheckpointedStateful.ParallelRunner<ListSink<string>, ListSink<KV<string, long>>> Parallel) RunCheckpointedStateful(
        List<ParallelStreamingTests.Step> steps, int parallelism, int batchSize, int capacity)
    {
        var single = CheckpointedStateful.CreateRunner(new ListSink<string>(), new ListSink<KV<string, long>>());
        ParallelStreamingTests.Drive(single, steps, single.PushEvents);
        var parallel = CheckpointedStateful.CreateParallelRunner(() => new ListSink<string>(), () => new ListSink<KV<string, long>>(),
            ParallelStreamingTests.Options(parallelism, batchSize, capacity));
        ParallelStreamingTests.Drive(parallel, steps, parallel.PushEvents);
        return (single, parallel);
    }

    [Fact(DisplayName = "Streaming: processing-time and event-time timers, window expiration and a count held by the timers' output timestamps: the single-threaded runner's panes")]
    public void ProcessingTimersOnStreamingShards() => ParallelStreamingTests.Cases.Sample(c =>
    {
        var steps = ParallelStreamingTests.Schedule(c.Events, c.Seed, processingTime: true);
        var single = QuietTeams.CreateRunner(new ListSink<string>(), new ListSink<KV<string, long>>());
        ParallelStreamingTests.Drive(single, steps, single.PushEvents);
        using var parallel = QuietTeams.CreateParallelRunner(() => new ListSink<string>(), () => new ListSink<KV<string, long>>(),
            ParallelStreamingTests.Options(c.Parallelism, c.BatchSize, c.Capacity));
        ParallelStreamingTests.Drive(parallel, steps, parallel.PushEvents);
        Assert.Equal(PaneLines.Multiset(single.Lines.Elements), PaneLines.Multiset(parallel.LinesSinks().SelectMany(s => s.Elements)));
        Assert.Equal(PaneLines.Multiset(single.Kinds.Elements), PaneLines.Multiset(parallel.KindsSinks().SelectMany(s => s.Elements)));
        Assert.Equal(single.DroppedLateElements, parallel.DroppedLateElements);
    });

    [Fact(DisplayName = "Streaming: a stateful ParDo after a GroupByKey (Beam's testGbkFollowedByUserTimers) on the second level: one thread's outputs; a relative timer is set from a watermark no later than one thread's")]
    public void AfterAGroupingOnStreamingShards() => ParallelStreamingTests.Cases.Sample(c =>
    {
        var steps = ParallelStreamingTests.Schedule(c.Events, c.Seed, processingTime: true);
        var single = Compiled.Tests.State.GbkFollowedByUserTimers.CreateRunner(new ListSink<int>());
        ParallelStreamingTests.Drive(single, steps, e => single.PushInput(KV.Of(e.Team, e.Score)));
        using var parallel = Compiled.Tests.State.GbkFollowedByUserTimers.CreateParallelRunner(() => new ListSink<int>(),
            ParallelStreamingTests.Options(c.Parallelism, c.BatchSize, c.Capacity));
        ParallelStreamingTests.Drive(parallel, steps, e => parallel.PushInput(KV.Of(e.Team, e.Score)));
        var outputs = parallel.OutputSinks().SelectMany(s => s.Elements).ToList();
        Assert.Equal(single.Output.Elements.Select(e => e.Value + " " + e.Window + " " + e.Pane).Order(),
            outputs.Select(e => e.Value + " " + e.Window + " " + e.Pane).Order());

        // The groups come out at the end of input, when one runner's watermark is the last one pushed; a shard of the next
        // level may not have heard it from every shard below yet (watermarks travel lazily), and its relative timer is
        // then earlier. Never later: no shard runs ahead of what its inputs promised.
        Assert.Equal(single.Output.Elements.Where(e => e.Value == 3).Select(e => e.Timestamp), outputs.Where(e => e.Value == 3).Select(e => e.Timestamp));
        var latest = single.Output.Elements.Where(e => e.Value == 42).Select(e => e.Timestamp).DefaultIfEmpty(Instant.MinValue).Max();
        Assert.All(outputs.Where(e => e.Value == 42), e => Assert.True(e.Timestamp <= latest, e + " after " + latest));
    });

    [Fact(DisplayName = "The plan says where a stateful ParDo's elements go on both parallel runners, and that a checkpoint restores at its own parallelism")]
    public void PlanSaysSo()
    {
        Assert.Contains("elements travel, and the owner runs the ParDo on them with the key's state and timers", CheckpointedStateful.PlanDescription);
        Assert.Contains("level 1: #3 ParDo (line 34): by key group", CheckpointedStateful.PlanDescription);
        Assert.DoesNotContain("not generated", CheckpointedStateful.PlanDescription);
    }
}
