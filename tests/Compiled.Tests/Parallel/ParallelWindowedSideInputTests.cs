using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Parallel;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>
/// Windowed side inputs on the streaming parallel runner: each shard of the view's level gets every element of the
/// view and holds it per window; a reader's elements wait on their shard until the shard's watermark passes the end of
/// their side window. The panes equal the single-threaded runner's.
/// </summary>
public class ParallelWindowedSideInputTests
{
    private static List<string> Lines<T>(IEnumerable<WindowedValue<T>> elements) =>
        elements.Select(e => e.Value + " [" + e.Window.Start.Millis + "," + e.Window.End.Millis + ") " + e.Pane.Timing).Order(StringComparer.Ordinal).ToList();

    [Fact(DisplayName = "Streaming parallel runner: windowed views and their readers give the single runner's panes, for any parallelism and partitions")]
    public void WindowedViewsEqualOneThread() =>
        Gen.Select(Gen.Int[0, 500].Array[0, 40], Gen.Int[0, 500].Array[0, 20], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[1, 8], Gen.Int).Sample((mainTimes, sideTimes, p, partitions, batch, seed) =>
        {
            // Every element in time order, main and side interleaved; each watermark is the time of the element just pushed.
            var elements = mainTimes.Select((t, i) => (Time: (long)t, Main: true, Index: i))
                .Concat(sideTimes.Select((t, i) => (Time: (long)t, Main: false, Index: i)))
                .OrderBy(e => e.Time).ThenBy(e => e.Main).ThenBy(e => e.Index).ToArray();
            TimedEntry MainOf(int i) => new("k" + (i % 3), 1 + i % 5, mainTimes[i]);
            TimedInt SideOf(int i) => new(1 + i % 7, sideTimes[i]);

            var single = WideSideWindows.CreateRunner(new ListSink<KV<string, int>>());
            foreach (var e in elements)
            {
                if (e.Main)
                {
                    single.PushMain(MainOf(e.Index), new Instant(e.Time));
                }
                else
                {
                    single.PushSide(SideOf(e.Index), new Instant(e.Time));
                }

                single.AdvanceWatermark(new Instant(e.Time));
            }

            single.Finish();

            using var parallel = WideSideWindows.CreateParallelRunner(static () => new ListSink<KV<string, int>>(),
                new ParallelRunnerOptions { Parallelism = p, Partitions = partitions, BatchSize = batch });
            var random = new Random(seed);
            var parts = Enumerable.Range(0, partitions).Select(_ => new List<(long Time, bool Main, int Index)>()).ToArray();
            foreach (var e in elements)
            {
                parts[random.Next(partitions)].Add(e);
            }

            TestThreads.Run(TimeSpan.FromSeconds(30), Enumerable.Range(0, partitions).Select(k => (Action)(() =>
            {
                var partition = parallel.Partition(k);
                foreach (var e in parts[k])
                {
                    if (e.Main)
                    {
                        partition.PushMain(MainOf(e.Index), new Instant(e.Time));
                    }
                    else
                    {
                        partition.PushSide(SideOf(e.Index), new Instant(e.Time));
                    }

                    partition.AdvanceWatermark(new Instant(e.Time));
                }

                partition.Finish();
            })).ToArray());
            parallel.Finish();

            Assert.Equal(Lines(single.Sums.Elements), Lines(parallel.SumsSinks().SelectMany(s => s.Elements)));
            Assert.Equal(0, single.DroppedLateElements);
            Assert.Equal(0, parallel.DroppedLateElements);
        }, iter: 60);

    [Fact(DisplayName = "Streaming parallel runner: the plan says windowed views are broadcast and their readers wait for their side window")]
    public void ThePlanSaysWhereWindowedViewsRun()
    {
        Assert.DoesNotContain("Streaming parallel runner: not generated", WideSideWindows.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("so each holds the whole view of every fixed 100 ms window", WideSideWindows.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("wait there until the shard's watermark passes the end of their side window", WideSideWindows.PlanDescription, StringComparison.Ordinal);
    }
}
