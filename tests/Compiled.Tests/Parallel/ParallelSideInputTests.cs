using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Parallel;
using Compiled.Tests.EventTime;
using Compiled.Tests.Pipelines;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>Team scores multiplied by a factor read as a side input, then summed per team in fixed 10 s windows downstream of the reader.</summary>
[Pipeline]
public partial class ScaledTeamSums
{
    static void Define(PipelineBuilder p)
    {
        var factor = p.Create<int>("factors").AsSingleton();
        p.Create<GameEvent>("events")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Map(factor, static (e, f) => KV.Of(e.Team, e.Score * f))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("sums");
    }
}

/// <summary>One view read before a grouping and after it: its readers would need it on two levels of shards.</summary>
[Pipeline]
public partial class ViewOnBothSides
{
    static void Define(PipelineBuilder p)
    {
        var factor = p.Create<int>("factors").AsSingleton();
        p.Create<KV<string, int>>("pairs")
         .Map(factor, static (kv, f) => KV.Of(kv.Key, kv.Value * f))
         .CombinePerKey(Combiners.Sum<int>())
         .Map(factor, static (kv, f) => kv.Value + f)
         .Output("totals");
    }
}

/// <summary>
/// Side inputs in the streaming parallel runner: each view is broadcast to the shards of a level above its input and the
/// main inputs of its readers, its readers run there (where the whole view is), and what waits for a view holds the
/// shard's output watermark. The same panes as the single-threaded runner's, for any parallelism and partitions.
/// </summary>
public class ParallelSideInputTests
{
    private static readonly Gen<int> ParallelismGen = Gen.Int[1, 4];

    private static List<string> Multiset<T>(IEnumerable<WindowedValue<T>> elements) =>
        elements.Select(e => e.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();

    private static IEnumerable<WindowedValue<T>> All<T>(IEnumerable<ListSink<T>> sinks) => sinks.SelectMany(s => s.Elements);

    [Fact(DisplayName = "Streaming parallel runner: a singleton, a list and a dictionary view are broadcast; the readers' panes are the single runner's")]
    public void ViewsAreBroadcastToTheReaders() =>
        Gen.Select(Gen.Int[-100, 100].Array[0, 60], Gen.Int[-100, 100].Array[0, 12], ParallelismGen, Gen.Int[1, 3], Gen.Int[1, 16], Gen.Int).Sample((xs, thresholds, p, partitions, batch, seed) =>
        {
            var names = Enumerable.Range(-5, 11).Select(i => KV.Of(i * 7, "n" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
            var single = SideInputs.CreateRunner(new ListSink<int>(), new ListSink<int>(), new ListSink<string>());
            single.PushNumbers(xs);
            single.PushThresholds(thresholds);
            single.PushNames(names);
            single.Finish();

            using var parallel = SideInputs.CreateParallelRunner(
                static () => new ListSink<int>(), static () => new ListSink<int>(), static () => new ListSink<string>(),
                new ParallelRunnerOptions { Parallelism = p, Partitions = partitions, BatchSize = batch });

            // Each input is dealt to the partitions at random, and the partitions are pushed from threads of their own.
            var random = new Random(seed);
            var numbers = Deal(xs, partitions, random);
            var limits = Deal(thresholds, partitions, random);
            var entries = Deal(names, partitions, random);
            TestThreads.Run(TimeSpan.FromSeconds(30), Enumerable.Range(0, partitions).Select(k => (Action)(() =>
            {
                var partition = parallel.Partition(k);
                partition.PushNumbers(numbers[k].AsSpan());
                partition.PushThresholds(limits[k].AsSpan());
                partition.PushNames(entries[k].AsSpan());
                partition.Finish();
            })).ToArray());
            parallel.Finish();

            Assert.Equal(Multiset(single.AboveMean.Elements), Multiset(All(parallel.AboveMeanSinks())));
            Assert.Equal(Multiset(single.Ranks.Elements), Multiset(All(parallel.RanksSinks())));
            Assert.Equal(Multiset(single.Named.Elements), Multiset(All(parallel.NamedSinks())));
        }, iter: 60);

    [Fact(DisplayName = "Streaming parallel runner: the plan puts each view on the level of its readers, above the combine it reads")]
    public void ThePlanSaysWhereViewsAndReadersRun()
    {
        Assert.Contains("level 1: #6 AsList (line 180): a side-input view, broadcast", SideInputs.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("level 1: #7 Map (line 181): reads side input #6", SideInputs.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("level 2: #2 AsSingleton (line 178): a side-input view, broadcast", SideInputs.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("level 2: #3 Filter (line 179): reads side input #2", SideInputs.PlanDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("Streaming parallel runner: not generated", SideInputs.PlanDescription, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "Streaming parallel runner: a view read on both sides of a grouping gets none, and the plan says why")]
    public void AViewOnTwoLevelsIsRefusedInThePlan()
    {
        Assert.Contains("Streaming parallel runner: not generated: side-input view #1 AsSingleton", ViewOnBothSides.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("is read both before and after a grouping", ViewOnBothSides.PlanDescription, StringComparison.Ordinal);
        var results = ViewOnBothSides.Run(new[] { 3 }, new[] { KV.Of("a", 1), KV.Of("a", 2) }, parallelism: 2);
        Assert.Equal(new[] { 12 }, results.TotalsElements.Select(e => e.Value));
    }

    [Fact(DisplayName = "Streaming parallel runner: elements waiting for a side input hold the shard's watermark, so the windows downstream wait for them")]
    public void WaitingElementsHoldTheWatermark() =>
        Gen.Select(ParallelismGen, Gen.Int[1, 2]).Sample((p, partitions) =>
        {
            var events = new[] { new GameEvent("red", 1, 1_000), new GameEvent("blue", 2, 4_000), new GameEvent("red", 3, 12_000), new GameEvent("red", 4, 15_000) };
            using var parallel = ScaledTeamSums.CreateParallelRunner(static () => new ListSink<KV<string, int>>(), new ParallelRunnerOptions { Parallelism = p, Partitions = partitions });
            for (var i = 0; i < events.Length; i++)
            {
                parallel.Partition(i % partitions).PushEvents(events[i]);
            }

            // Every partition's watermark passes both windows before the factor arrives: the sums must still come, not late.
            for (var k = 0; k < partitions; k++)
            {
                parallel.Partition(k).AdvanceWatermark(new Instant(60_000));
            }

            parallel.Partition(0).PushFactors(10);
            parallel.Finish();

            Assert.Equal(
                new[] { "blue:20 [0,10000)", "red:10 [0,10000)", "red:70 [10000,20000)" },
                All(parallel.SumsSinks()).Select(e => e.Value.Key + ":" + e.Value.Value + " [" + e.Window.Start.Millis + "," + e.Window.End.Millis + ")").Order(StringComparer.Ordinal));
            Assert.Equal(0, parallel.DroppedLateElements);
        }, iter: 8);

    private static T[][] Deal<T>(T[] items, int partitions, Random random)
    {
        var parts = Enumerable.Range(0, partitions).Select(_ => new List<T>()).ToArray();
        foreach (var item in items)
        {
            parts[random.Next(partitions)].Add(item);
        }

        return parts.Select(p => p.ToArray()).ToArray();
    }
}
