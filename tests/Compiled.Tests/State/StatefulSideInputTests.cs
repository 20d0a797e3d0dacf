using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Compiled.Parallel;
using Compiled.Tests.EventTime;
using Xunit;

namespace Compiled.Tests.State;

/// <summary>
/// Stateful ParDos that read a side input (Beam's <c>ParDo.of(statefulFn).withSideInputs(view)</c>): Beam's two
/// StateTests cases with Beam's outputs, and windowed, waiting, time-sorted, parallel and checkpointed cases.
/// </summary>
public class StatefulSideInputTests
{
    private static string[] Sorted(IEnumerable<string> values) => values.Order(StringComparer.Ordinal).ToArray();

    private static string Show(int[] values) => "[" + string.Join(", ", values) + "]";

    /// <summary>Beam's ParDoTest.StateTests.testBagStateSideInput: [12, 42, 84, 97] and [0, 1, 2].</summary>
    [Fact]
    public void TestBagStateSideInput()
    {
        var results = BagStateSideInput.Run(
            input: new[] { KV.Of("hello", 97), KV.Of("hello", 42), KV.Of("hello", 84), KV.Of("hello", 12) },
            side: new[] { 2, 1, 0 });
        Assert.Equal(["[0, 1, 2]", "[12, 42, 84, 97]"], Sorted(results.Output.Select(Show)));
    }

    /// <summary>Beam's ParDoTest.StateTests.testStateSideInput: the singleton 2, kept in a bag and output.</summary>
    [Fact]
    public void TestStateSideInput()
    {
        var results = StateSideInput.Run(input: new[] { KV.Of(1, 2) }, side: new[] { 2 });
        Assert.Equal([2], results.Output);
    }

    private static readonly TimedInt[] Rates = [new(2, 3), new(5, 14)]; // [20, 30) has none: the default 0
    private static readonly TimedEntry[] Main = [new("a", 1, 1), new("a", 1, 5), new("b", 1, 7), new("a", 1, 12), new("b", 1, 25)];
    private static readonly string[] Seen = ["a1*2", "a1*2", "a1*5", "b1*0", "b1*2"];
    private static readonly string[] Totals = ["a:1*5@10", "a:2*2@0", "b:1*0@20", "b:1*2@0"];

    /// <summary>Each element reads its own window's side value; the timer at the window's end sees what the elements kept.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void WindowedSideInputs(int parallelism)
    {
        var results = parallelism == 0 ? WindowedStatefulSide.Run(rates: Rates, main: Main) : WindowedStatefulSide.Run(rates: Rates, main: Main, parallelism: parallelism);
        Assert.Equal(Seen, Sorted(results.Seen));
        Assert.Equal(Totals, Sorted(results.Totals));
    }

    /// <summary>
    /// Streaming: an element waits for its side window, holding the ParDo's watermark, so its window's timer fires after
    /// it has run, with its count, instead of the window expiring under it.
    /// </summary>
    [Fact]
    public void AnElementWaitsForItsSideWindowAndHoldsTheTimers()
    {
        var seen = new List<string>();
        var totals = new List<string>();
        var runner = WindowedStatefulSide.CreateRunner(
            totals: new CallbackSink<string>((WindowedValue<string> e) => totals.Add(e.Value)),
            seen: new CallbackSink<string>((WindowedValue<string> e) => seen.Add(e.Value)));
        runner.PushMain(new TimedEntry("a", 1, 1), new Instant(1));
        runner.PushRates(new TimedInt(2, 3), new Instant(3));
        runner.PushMain(new TimedEntry("a", 1, 5), new Instant(5));
        runner.AdvanceWatermark(new Instant(9));
        Assert.Empty(seen); // [0, 10) of the rates is not complete
        runner.PushMain(new TimedEntry("a", 1, 12), new Instant(12));
        runner.AdvanceWatermark(new Instant(10));
        Assert.Equal(["a1*2", "a1*2"], seen);
        Assert.Equal(["a:2*2@0"], totals);
        runner.Finish();
        Assert.Equal(["a1*2", "a1*2", "a1*0"], seen);
        Assert.Equal(["a:2*2@0", "a:1*0@10"], totals);
        Assert.Equal(0, runner.DroppedLateElements);
    }

    /// <summary>The streaming parallel runner: the view is broadcast, the results are one thread's.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void StreamingOnShards(int parallelism)
    {
        using var runner = WindowedStatefulSide.CreateParallelRunner(() => new ListSink<string>(), () => new ListSink<string>(), new ParallelRunnerOptions { Parallelism = parallelism });
        foreach (var e in Main)
        {
            runner.PushMain(e, new Instant(e.TimeMs));
        }

        foreach (var r in Rates)
        {
            runner.PushRates(r, new Instant(r.TimeMs));
        }

        Compiled.Tests.Parallel.TestThreads.Run(TimeSpan.FromSeconds(60), runner.Finish);
        Assert.Equal(Seen, Sorted(runner.SeenSinks().SelectMany(s => s.Items)));
        Assert.Equal(Totals, Sorted(runner.TotalsSinks().SelectMany(s => s.Items)));
    }

    private static readonly TimedEntry[] Unsorted = [new("a", 2, 5), new("a", 2, 1), new("b", 5, 4), new("a", 1, 3), new("b", 1, 2)];

    /// <summary>
    /// Time-sorted input with a side input: a's values in timestamp order are 2@1, 1@3, 2@5, so the threshold 3 is
    /// reached at 3 (in arrival order it would be at 1); b's 1@2, 5@4 reach it at 4.
    /// </summary>
    [Fact]
    public void TimeSortedInputReadsTheSideInput()
    {
        var results = SortedThresholdSide.Run(threshold: new[] { 3 }, main: Unsorted);
        Assert.Equal(["a@3", "b@4"], Sorted(results.Output));
    }

    /// <summary>
    /// A checkpoint taken while time-sorted elements wait (each with the side value it read) restores into a runner that
    /// gives the uninterrupted run's outputs.
    /// </summary>
    [Fact]
    public void CheckpointKeepsWaitingPairs()
    {
        SortedThresholdSide.Runner<CallbackSink<string>> Create(List<string> into) =>
            SortedThresholdSide.CreateRunner(new CallbackSink<string>((WindowedValue<string> e) => into.Add(e.Value)));

        static void First(SortedThresholdSide.Runner<CallbackSink<string>> runner)
        {
            runner.PushThreshold(3, new Instant(0));
            runner.AdvanceWatermark(Instant.MinValue.Plus(TimeSpan.FromMilliseconds(1)));
            foreach (var e in Unsorted.Take(3))
            {
                runner.PushMain(e, new Instant(e.TimeMs));
            }
        }

        static void Second(SortedThresholdSide.Runner<CallbackSink<string>> runner)
        {
            foreach (var e in Unsorted.Skip(3))
            {
                runner.PushMain(e, new Instant(e.TimeMs));
            }

            runner.Finish();
        }

        var whole = new List<string>();
        var uninterrupted = Create(whole);
        First(uninterrupted);
        Second(uninterrupted);
        Assert.Equal(["a@3", "b@4"], Sorted(whole));

        var restored = new List<string>();
        var before = Create(restored);
        First(before);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        before.WriteCheckpoint(buffer);
        var after = Create(restored);
        after.RestoreCheckpoint(buffer.WrittenSpan);
        Second(after);
        Assert.Equal(Sorted(whole), Sorted(restored));
    }
}
