using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>
/// Side inputs of triggered collections: in streaming, each window of the view holds the latest pane that reached it
/// (Beam: "if the side input has multiple trigger firings, Beam uses the value from the latest trigger firing"), and a
/// main element waits only until its side window's first pane; in batch, the view is read once complete.
/// </summary>
public class TriggeredSideInputTests
{
    /// <summary>The slowly updating side input: each main element reads the rate of the latest pane before it.</summary>
    [Fact]
    public void ReadersSeeTheLatestPane()
    {
        var outs = new List<string>();
        var runner = LatestRateSide.CreateRunner(new CallbackSink<string>((WindowedValue<string> e) => outs.Add(e.Value)));
        runner.PushMain(new TimedEntry("early", 0, 1), new Instant(1)); // no pane yet: waits for the first
        Assert.Empty(outs);
        runner.PushRates(new TimedInt(3, 2), new Instant(2));
        Assert.Equal(["early3"], outs);
        runner.PushMain(new TimedEntry("a", 0, 3), new Instant(3));
        runner.PushRates(new TimedInt(5, 4), new Instant(4));
        runner.PushMain(new TimedEntry("b", 0, 5), new Instant(5));
        runner.PushRates(new TimedInt(2, 6), new Instant(6)); // discarding: the latest pane is 2, not the max so far
        runner.PushMain(new TimedEntry("c", 0, 7), new Instant(7));
        runner.Finish();
        Assert.Equal(["early3", "a3", "b5", "c2"], outs);
        Assert.Equal(0, runner.DroppedLateElements);
    }

    /// <summary>
    /// Early panes of a fixed window's running sum (accumulating) update the view of that window only; a main element of
    /// another window waits for that window's first pane.
    /// </summary>
    [Fact]
    public void EachWindowHoldsItsLatestPane()
    {
        var outs = new List<string>();
        var runner = EarlySumSide.CreateRunner(new CallbackSink<string>((WindowedValue<string> e) => outs.Add(e.Value + "@" + e.Window.Start.Millis)));
        runner.PushSide(new TimedInt(1, 1), new Instant(1));
        runner.PushMain(new TimedEntry("a", 0, 2), new Instant(2));
        runner.PushSide(new TimedInt(2, 3), new Instant(3));
        runner.PushMain(new TimedEntry("b", 0, 4), new Instant(4));
        runner.PushMain(new TimedEntry("c", 0, 12), new Instant(12)); // [10, 20) has no pane yet
        Assert.Equal(["a1@0", "b3@0"], outs);
        runner.PushSide(new TimedInt(7, 15), new Instant(15));
        Assert.Equal(["a1@0", "b3@0", "c7@10"], outs);
        runner.AdvanceWatermark(new Instant(30)); // the on-time panes: the same sums
        runner.PushMain(new TimedEntry("d", 0, 5), new Instant(5)); // behind the watermark, but its side window is kept one advance
        runner.AdvanceWatermark(new Instant(40)); // [0, 10) is dropped from the view
        runner.PushMain(new TimedEntry("e", 0, 6), new Instant(6)); // its side window is gone: dropped, counted
        runner.Finish();
        Assert.Equal(["a1@0", "b3@0", "c7@10", "d3@0"], outs);
        Assert.Equal(1, runner.DroppedLateElements);
    }

    /// <summary>
    /// A dictionary of running totals takes each key's latest value; a list of a ToList's accumulating panes is replaced by
    /// each pane, so it holds every value once (without the replacement it would hold 1, 1, 2, ...).
    /// </summary>
    [Fact]
    public void DictionaryAndListViewsTakeTheirLatestPanes()
    {
        var totals = new List<string>();
        var lists = new List<string>();
        var runner = TriggeredTablesSide.CreateRunner(
            new CallbackSink<string>((WindowedValue<string> e) => totals.Add(e.Value)),
            new CallbackSink<string>((WindowedValue<string> e) => lists.Add(e.Value)));
        runner.PushUpdates(new TimedEntry("x", 1, 1), new Instant(1));
        runner.PushUpdates(new TimedEntry("y", 10, 2), new Instant(2));
        runner.PushMain(new TimedEntry("x", 0, 3), new Instant(3));
        runner.PushUpdates(new TimedEntry("x", 5, 4), new Instant(4));
        runner.PushMain(new TimedEntry("x", 0, 5), new Instant(5));
        runner.PushMain(new TimedEntry("z", 0, 6), new Instant(6));
        runner.Finish();
        Assert.Equal(["x=1", "x=6", "z=none"], totals);
        Assert.Equal(["x:1,10", "x:1,5,10", "z:1,5,10"], lists.Select(Sorted));
    }

    /// <summary>
    /// In batch, a view is computed before it is read, as Beam does: every main element reads its window's last pane, on
    /// one thread and on shards alike.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void BatchReadsTheLastPane(int parallelism)
    {
        TimedInt[] side = [new(1, 1), new(2, 3), new(7, 15)];
        TimedEntry[] main = [new("a", 0, 2), new("b", 0, 4), new("c", 0, 12)];
        var results = parallelism == 0 ? EarlySumSide.Run(side, main) : EarlySumSide.Run(side.AsMemory(), main.AsMemory(), parallelism);
        Assert.Equal(["a3", "b3", "c7"], results.Out.Order(StringComparer.Ordinal));
    }

    /// <summary>The streaming parallel runner: each shard of the readers holds the view, updated by every pane broadcast to it.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void StreamingOnShards(int parallelism)
    {
        using var runner = EarlySumSide.CreateParallelRunner(() => new ListSink<string>(), new ParallelRunnerOptions { Parallelism = parallelism });
        runner.PushSide(new TimedInt(1, 1), new Instant(1));
        runner.PushSide(new TimedInt(2, 3), new Instant(3));
        runner.PushSide(new TimedInt(7, 15), new Instant(15));
        runner.PushMain(new TimedEntry("a", 0, 4), new Instant(4));
        runner.PushMain(new TimedEntry("c", 0, 12), new Instant(12));
        Compiled.Tests.Parallel.TestThreads.Run(TimeSpan.FromSeconds(60), runner.Finish);
        // A main element may reach its shard before or after the side's later panes do: each reads a pane of its own
        // window (an early running sum, or the last), never another window's, and never nothing.
        var outs = runner.OutSinks().SelectMany(s => s.Items).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, outs.Length);
        Assert.Contains(outs[0], new[] { "a1", "a3" });
        Assert.Equal("c7", outs[1]);
    }

    /// <summary>A checkpoint keeps each window's latest pane and what waits for a first pane.</summary>
    [Fact]
    public void CheckpointKeepsLatestPanesAndWaitingElements()
    {
        static void First(EarlySumSide.Runner<CallbackSink<string>> runner)
        {
            runner.PushSide(new TimedInt(1, 1), new Instant(1));
            runner.PushSide(new TimedInt(2, 3), new Instant(3));
            runner.PushMain(new TimedEntry("c", 0, 12), new Instant(12)); // waits for [10, 20)'s first pane
        }

        static void Second(EarlySumSide.Runner<CallbackSink<string>> runner)
        {
            runner.PushMain(new TimedEntry("b", 0, 4), new Instant(4));
            runner.PushSide(new TimedInt(7, 15), new Instant(15));
            runner.Finish();
        }

        var whole = new List<string>();
        var uninterrupted = EarlySumSide.CreateRunner(new CallbackSink<string>((WindowedValue<string> e) => whole.Add(e.ToString())));
        First(uninterrupted);
        Second(uninterrupted);

        var restored = new List<string>();
        var before = EarlySumSide.CreateRunner(new CallbackSink<string>((WindowedValue<string> e) => restored.Add(e.ToString())));
        First(before);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        before.WriteCheckpoint(buffer);
        var after = EarlySumSide.CreateRunner(new CallbackSink<string>((WindowedValue<string> e) => restored.Add(e.ToString())));
        after.RestoreCheckpoint(buffer.WrittenSpan);
        Second(after);

        Assert.Equal(2, whole.Count);
        Assert.Contains(whole, s => s.Contains("b3", StringComparison.Ordinal));
        Assert.Equal(whole, restored);
    }

    private static string Sorted(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return line[..(colon + 1)] + string.Join(",", line[(colon + 1)..].Split(',').Select(int.Parse).Order());
    }
}
