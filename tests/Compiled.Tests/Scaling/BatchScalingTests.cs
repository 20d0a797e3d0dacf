using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Compiled.Benchmarks.EventTime;
using Compiled.Tests.EventTime;
using Xunit;
using Xunit.Abstractions;

// Not under EventTime/ or Pipelines/: the generator's fuzz test takes the pipelines there as seeds, compiled without
// the benchmark types (Event) and xunit that these use.
namespace Compiled.Tests.Scaling;

/// <summary>W5's sessions through a custom merging window function (30 s sessions written by hand), in batch.</summary>
[Pipeline]
public partial class W5CustomMergingBatch
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .WithTimestamps(static e => new Instant(e.Time))
         .Window(Windows.Custom<HandSessions>())
         .Map(static e => KV.Of(e.Key, e.Value))
         .CountPerKey()
         .Output("counts");
}

/// <summary>Tests that measure time: they run alone, not beside the rest of the suite.</summary>
[CollectionDefinition(nameof(TimingTests), DisableParallelization = true)]
public sealed class TimingTests;

/// <summary>No path is worse than linear in its input: a batch run of sessions keeps every session open until the end.</summary>
[Collection(nameof(TimingTests))]
public class BatchScalingTests(ITestOutputHelper output)
{
    private static readonly int[] Sizes = [1_000_000, 2_000_000, 4_000_000];

    [Fact(DisplayName = "A batch run of W5's sessions takes linear time: the time per event at 4 million events is within 1.5x of that at 1 million")]
    public async Task BatchSessionsScaleLinearly()
    {
        // Each run in a process of its own (see BatchSessionsProbe: in one process, a run after a larger one reuses its
        // memory, and the kernel's first-touch faults dominate the time); the smaller sizes are prefixes of one stream.
        var best = Sizes.Select(_ => double.MaxValue).ToArray();
        var clock = Stopwatch.StartNew();
        double Ratio() => best[^1] / Sizes[^1] / (best[0] / Sizes[0]);

        // The minimum of several runs of each size, interleaved, so that a busy machine slows all sizes alike; more
        // rounds (within the time budget) only while the ratio is over the bound, since minima only go down.
        for (var round = 0; round < 2 || (Ratio() > 1.5 && round < 6 && clock.Elapsed < TimeSpan.FromSeconds(60)); round++)
        {
            for (var s = 0; s < Sizes.Length; s++)
            {
                var printed = await SelfProcess.RunAsync(TimeSpan.FromSeconds(120), BatchSessionsProbe.Argument, Sizes[s].ToString(CultureInfo.InvariantCulture));
                best[s] = Math.Min(best[s], double.Parse(printed, CultureInfo.InvariantCulture) / 1e3);
            }
        }

        for (var s = 0; s < Sizes.Length; s++)
        {
            output.WriteLine($"{Sizes[s]:N0} events: {best[s] * 1e3:F0} ms, {best[s] * 1e9 / Sizes[s]:F0} ns per event");
        }

        Assert.True(Ratio() <= 1.5, $"the time per event grew {Ratio():F2}x from {Sizes[0]:N0} to {Sizes[^1]:N0} events");
    }

    [Fact(DisplayName = "A custom merging window function in batch (merges per bundle, and when a key's new windows outnumber its merged ones) gives W5's sessions")]
    public void CustomMergingBatchGivesTheSessions()
    {
        var events = EventData.Sessions(200_000);
        var digest = new WindowDigest();
        foreach (var e in W5CustomMergingBatch.Run(events).CountsElements)
        {
            digest.Add(e.Value.Key, e.Window.Start.Millis, e.Window.End.Millis, e.Value.Value);
        }

        Assert.Equal(W5SessionCounts.HandLoop(events), digest);
    }
}
