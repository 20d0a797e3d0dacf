using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Tests.Checkpoints;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

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

    [Fact(DisplayName = "The plan says where a stateful ParDo's elements go on the parallel batch runner, and that the streaming one does not run it")]
    public void PlanSaysSo()
    {
        Assert.Contains("elements travel, and the owner runs the ParDo on them with the key's state and timers", CheckpointedStateful.PlanDescription);
        Assert.Contains("which the streaming parallel runner does not run yet", CheckpointedStateful.PlanDescription);
        Assert.Throws<NotSupportedException>(() => CheckpointedStateful.CreateParallelRunner(() => new ListSink<string>(), () => new ListSink<KV<string, long>>()));
    }
}
