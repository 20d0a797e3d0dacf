using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>
/// Side inputs of windowed collections, ported from Beam's ViewTest and ParDoTest with Beam's expected outputs: a main
/// element reads the side window its own window maps to (the side window function's window of the main window's max
/// timestamp), once the watermark has passed that window's end.
/// </summary>
public class WindowedSideInputTests
{
    private static readonly string[] FixedToFixedExpected = ["A1", "B5", "C1"];

    /// <summary>ViewTest.testWindowedSingletonSideInput: 47@1 and 48@11 as the side; 1@4, 2@8, 3@12 read 47, 47, 48.</summary>
    [Fact]
    public void WindowedSingletonSideInput()
    {
        var results = WindowedSingletonSide.Run(
            side: [new(47, 1), new(48, 11)],
            main: [new(1, 4), new(2, 8), new(3, 12)]);
        Assert.Equal([47, 47, 48], results.Out.Order());
        Assert.Equal(["0..10", "0..10", "10..20"], results.OutElements.Select(e => e.Window.Start.Millis + ".." + e.Window.End.Millis).Order(StringComparer.Ordinal));
    }

    /// <summary>ViewTest.testWindowedListSideInput: each main element outputs every side element of its window.</summary>
    [Fact]
    public void WindowedListSideInput()
    {
        var results = WindowedListSide.Run(
            side: [new(11, 1), new(13, 1), new(17, 1), new(23, 1), new(31, 11), new(33, 11), new(37, 11), new(43, 11)],
            main: [new(29, 1), new(35, 11)]);
        Assert.Equal([11, 13, 17, 23, 31, 33, 37, 43], results.Out.Order());
    }

    /// <summary>ViewTest.testWindowedMapSideInput: (a,1)@1, (b,2)@4, (b,3)@18; apple@5, banana@4, blackberry@16.</summary>
    [Fact]
    public void WindowedMapSideInput()
    {
        var results = WindowedMapSide.Run(
            side: [new("a", 1, 1), new("b", 2, 4), new("b", 3, 18)],
            main: [new("apple", 0, 5), new("banana", 0, 4), new("blackberry", 0, 16)]);
        Assert.Equal(["apple=1", "banana=2", "blackberry=3"], results.Out.Select(kv => kv.Key + "=" + kv.Value).Order(StringComparer.Ordinal));
    }

    /// <summary>ViewTest.testWindowedSideInputFixedToFixed: side sums 1 in [0,10) and 5 in [10,20); A@4, B@15, C@7.</summary>
    [Fact]
    public void WindowedSideInputFixedToFixed()
    {
        var results = WindowedSumSide.Run(
            side: [new(1, 1), new(2, 11), new(3, 13)],
            main: [new("A", 0, 4), new("B", 0, 15), new("C", 0, 7)]);
        Assert.Equal(FixedToFixedExpected, results.Out.Order(StringComparer.Ordinal));
    }

    /// <summary>The same on the parallel batch runner: every shard reads the whole view of each window.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void WindowedSideInputFixedToFixed_OnShards(int parallelism)
    {
        var results = WindowedSumSide.Run(
            side: new TimedInt[] { new(1, 1), new(2, 11), new(3, 13) },
            main: new TimedEntry[] { new("A", 0, 4), new("B", 0, 15), new("C", 0, 7) },
            parallelism: parallelism);
        Assert.Equal(FixedToFixedExpected, results.Out.Order(StringComparer.Ordinal));
    }

    /// <summary>ViewTest.testWindowedSideInputFixedToFixedWithDefault: 2@11, 3@13 sum to 5 in [10,20); [0,10) reads the default 0.</summary>
    [Fact]
    public void WindowedSideInputFixedToFixedWithDefault()
    {
        var results = WindowedSumSideWithDefault.Run(
            side: [new(2, 11), new(3, 13)],
            main: [new("A", 0, 4), new("B", 0, 15), new("C", 0, 7)]);
        Assert.Equal(["A0", "B5", "C0"], results.Out.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// ViewTest.testWindowedSideInputNotPresent, as its TestStream drives it: watermark 0, (1000, 1000) at 1 s, watermark
    /// 20 s, the end. The group of [0 s, 10 s) reads the default 0: the side's sum sits in [90 s, 100 s).
    /// </summary>
    [Fact]
    public void WindowedSideInputNotPresent()
    {
        var outs = new List<WindowedValue<long>>();
        var runner = SideInputNotPresent.CreateRunner(new CallbackSink<long>(e => outs.Add(e)));
        runner.AdvanceWatermark(new Instant(0));
        runner.PushInput(new TimedEntry("k", 1000, 1000), new Instant(1000));
        runner.AdvanceWatermark(new Instant(20_000));
        var only = Assert.Single(outs);
        Assert.Equal(0L, only.Value);
        Assert.Equal((0L, 10_000L), (only.Window.Start.Millis, only.Window.End.Millis));
        runner.Finish();
        Assert.Single(outs);
    }

    /// <summary>A global singleton with a default reads it when the side input is empty, and its element otherwise.</summary>
    [Fact]
    public void GlobalSingletonDefault()
    {
        Assert.Equal([1, 99], GlobalSingletonWithDefault.Run(limit: [], numbers: [1, 99, 100, 500]).Small.Order());
        Assert.Equal([1], GlobalSingletonWithDefault.Run(limit: [2], numbers: [1, 99, 100, 500]).Small);
    }

    /// <summary>ViewTest.testWindowedSideInputFixedToGlobal: windowed main elements read the one global sum, 6.</summary>
    [Fact]
    public void WindowedSideInputFixedToGlobal()
    {
        var results = GlobalSumSide.Run(
            side: [new(1, 1), new(2, 11), new(3, 13)],
            main: [new("A", 0, 4), new("B", 0, 15), new("C", 0, 7)]);
        Assert.Equal(["A6", "B6", "C6"], results.Out.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// ParDoTest.testSideInputsWithMultipleWindows: "a" at a whole second t, in sliding 5 s windows every 1 s, reads the
    /// global singleton 1 in each of its windows: "a:1" in [t - i s, t - i s + 5 s) for every i (Beam asserts i = 0..3;
    /// the element is in five windows, i = 0..4).
    /// </summary>
    [Fact]
    public void SideInputsWithMultipleWindows()
    {
        const long now = 1_700_000_000_000;
        var results = SlidingReaderOfGlobalSide.Run(side: [1], main: [new("a", 0, now)]);
        Assert.All(results.Out, x => Assert.Equal("a:1", x));
        var windows = results.OutElements.Select(e => (e.Window.Start.Millis, e.Window.End.Millis)).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => (now - i * 1000L, now - i * 1000L + 5000)), windows);
    }

    /// <summary>
    /// Sliding side windows (20 ms every 10 ms): Beam's default mapping reads the earliest side window that contains the
    /// main window's end, so the main window [10,20) reads [0,20), not [10,30) (SlidingWindows.getDefaultWindowMappingFn).
    /// </summary>
    [Fact]
    public void SlidingSideWindowsMapToTheEarliestThatContainsTheMainWindowsEnd()
    {
        var results = SlidingSideWindows.Run(
            side: [new(1, 5), new(2, 15), new(3, 25)],
            main: [new("x", 0, 12), new("y", 0, 22)]);
        Assert.Equal(["x:1,2", "y:2,3"], results.Out.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Streaming: a main element waits until the watermark passes the end of its side window, then runs with that window's
    /// view; until then it holds the watermark of the windowed sum below it, whose window [0,10) therefore fires on time
    /// with it (not late, nothing dropped) only once the side window [0,100) is complete.
    /// </summary>
    [Fact]
    public void WaitingElementsHoldTheWatermarkBelowThemUntilTheirSideWindowIsComplete()
    {
        var sums = new List<WindowedValue<KV<string, int>>>();
        var runner = WideSideWindows.CreateRunner(new CallbackSink<KV<string, int>>(e => sums.Add(e)));
        runner.PushMain(new TimedEntry("k", 2, 5), new Instant(5));
        runner.AdvanceWatermark(new Instant(50));
        Assert.Empty(sums); // [0,10) below would have fired at 10: the element waiting for [0,100) holds it
        runner.PushSide(new TimedInt(3, 60), new Instant(60));
        runner.PushSide(new TimedInt(4, 70), new Instant(70));
        runner.AdvanceWatermark(new Instant(99));
        Assert.Empty(sums); // [0,100) ends at 99: not complete yet
        runner.AdvanceWatermark(new Instant(100));
        var pane = Assert.Single(sums);
        Assert.Equal(KV.Of("k", 2 * 7), pane.Value);
        Assert.Equal((0L, 10L), (pane.Window.Start.Millis, pane.Window.End.Millis));
        Assert.Equal(PaneTiming.OnTime, pane.Pane.Timing);
        Assert.Equal(0, runner.DroppedLateElements);

        // A main element whose side window is complete runs at once.
        runner.PushMain(new TimedEntry("k", 1, 150), new Instant(150));
        runner.PushSide(new TimedInt(10, 120), new Instant(120));
        runner.AdvanceWatermark(new Instant(200));
        Assert.Equal(2, sums.Count);
        Assert.Equal(KV.Of("k", 10), sums[1].Value);
        runner.Finish();
        Assert.Equal(2, sums.Count);
    }

    /// <summary>
    /// Readers of a global view hold the watermark the same way: elements waiting for the view (complete at Finish) keep
    /// the window below them open however far the watermark moves, and come out on time when Finish completes the view,
    /// as Beam's runners hold pushed-back elements (before, the single-threaded runner dropped them as late).
    /// </summary>
    [Fact]
    public void ReadersOfAGlobalViewHoldTheWatermarkBelowThem()
    {
        var sums = new List<WindowedValue<KV<string, int>>>();
        var runner = GlobalViewWindowedSums.CreateRunner(new CallbackSink<KV<string, int>>(e => sums.Add(e)));
        runner.PushMain(new TimedEntry("k", 2, 5), new Instant(5));
        runner.PushMain(new TimedEntry("k", 3, 25), new Instant(25));
        runner.AdvanceWatermark(new Instant(1_000));
        Assert.Empty(sums);
        runner.PushFactor(10);
        runner.Finish();
        Assert.Equal(["k=20@0", "k=30@20"], sums.Select(e => e.Value.Key + "=" + e.Value.Value + "@" + e.Window.Start.Millis).Order(StringComparer.Ordinal));
        Assert.All(sums, e => Assert.Equal(PaneTiming.OnTime, e.Pane.Timing));
        Assert.Equal(0, runner.DroppedLateElements);
    }

    /// <summary>
    /// A side element behind the watermark, for a window readers may have read already, is dropped and counted (the
    /// view's windowing has no allowed lateness); a main element whose side window was dropped is late for its own
    /// window too, and is dropped and counted rather than given an empty view.
    /// </summary>
    [Fact]
    public void LateSideAndMainElementsAreCountedNotRead()
    {
        var outs = new List<WindowedValue<string>>();
        var runner = WindowedSumSide.CreateRunner(new CallbackSink<string>(e => outs.Add(e)));
        runner.PushSide(new TimedInt(1, 1), new Instant(1));
        runner.AdvanceWatermark(new Instant(10));
        runner.PushSide(new TimedInt(5, 2), new Instant(2)); // late: [0,10) is complete
        Assert.Equal(1, runner.DroppedLateElements);
        runner.PushMain(new TimedEntry("A", 0, 4), new Instant(4)); // its side window is complete and still kept
        Assert.Equal("A1", Assert.Single(outs).Value);
        runner.AdvanceWatermark(new Instant(30));
        runner.PushMain(new TimedEntry("Z", 0, 3), new Instant(3)); // [0,10) was dropped: late
        Assert.Equal(2, runner.DroppedLateElements);
        runner.Finish();
        Assert.Single(outs);
    }

    /// <summary>A singleton read in a window without an element fails that element, naming the view and the window.</summary>
    [Fact]
    public void AnEmptySingletonWindowFailsTheElementThatReadsIt()
    {
        var failure = Assert.Throws<PipelineExecutionException>(() => WindowedSumSide.Run(
            side: [new(1, 1)],
            main: [new("A", 0, 4), new("B", 0, 15)]));
        Assert.Contains("Empty collection accessed as a singleton side input", failure.Message, StringComparison.Ordinal);
        Assert.Contains("[1970-01-01T00:00:00.010Z, 1970-01-01T00:00:00.020Z)", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A checkpoint taken while main elements wait for their side window, restored into a new runner, gives the
    /// uninterrupted run's results: the view's windows and position, and the waiting elements, are in it.
    /// </summary>
    [Fact]
    public void CheckpointKeepsWindowedViewsAndWaitingElements()
    {
        static void First(WideSideWindows.Runner<CallbackSink<KV<string, int>>> runner)
        {
            runner.PushSide(new TimedInt(3, 60), new Instant(60));
            runner.PushMain(new TimedEntry("k", 2, 5), new Instant(5));
            runner.AdvanceWatermark(new Instant(50));
        }

        static void Second(WideSideWindows.Runner<CallbackSink<KV<string, int>>> runner)
        {
            runner.PushSide(new TimedInt(4, 70), new Instant(70));
            runner.AdvanceWatermark(new Instant(100));
            runner.PushMain(new TimedEntry("j", 1, 105), new Instant(105));
            runner.PushSide(new TimedInt(6, 150), new Instant(150));
            runner.Finish();
        }

        var whole = new List<string>();
        var uninterrupted = WideSideWindows.CreateRunner(new CallbackSink<KV<string, int>>((WindowedValue<KV<string, int>> e) => whole.Add(e.ToString())));
        First(uninterrupted);
        Second(uninterrupted);

        var restoredOut = new List<string>();
        var before = WideSideWindows.CreateRunner(new CallbackSink<KV<string, int>>((WindowedValue<KV<string, int>> e) => restoredOut.Add(e.ToString())));
        First(before);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        before.WriteCheckpoint(buffer);
        var after = WideSideWindows.CreateRunner(new CallbackSink<KV<string, int>>((WindowedValue<KV<string, int>> e) => restoredOut.Add(e.ToString())));
        after.RestoreCheckpoint(buffer.WrittenSpan);
        Second(after);

        Assert.Equal(2, whole.Count);
        Assert.Equal(whole, restoredOut);
    }
}

/// <summary>Windowed side inputs allocate nothing per element once warmed up.</summary>
public class WindowedSideInputAllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>
    /// 1,000,000 main elements in 10 ms windows read the sum of their 100 ms side window; each waits for it (the watermark
    /// trails by 50 ms), and every side window is completed, read and dropped as the watermark moves: the views' windows, the waiting list and
    /// the windowed sums below are reused, 0 B per element.
    /// </summary>
    [Fact]
    public void WarmedUpWindowedReadersAllocateNothingPerElement()
    {
        const int Elements = 1_000_000;
        static void Run(WideSideWindows.Runner<NullSink<KV<string, int>>> runner, long offset)
        {
            for (var i = 0; i < Elements; i++)
            {
                var t = offset + i;
                runner.PushSide(new TimedInt(1, t), new Instant(t));
                runner.PushMain(new TimedEntry("k", 1, t), new Instant(t));
                if ((i & 63) == 63)
                {
                    runner.AdvanceWatermark(new Instant(t - 50));
                }
            }
        }

        var runner = WideSideWindows.CreateRunner(new NullSink<KV<string, int>>());
        var offset = 0L;
        Compiled.Tests.Pipelines.AllocationTests.WarmUp(() => Run(runner, Elements * offset++)); // JIT, tiering, and the views, waiting list and maps at their sizes
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(runner, Elements * offset);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes for {Elements:N0} main and {Elements:N0} side elements");
        Assert.Equal(0, allocated);
        Assert.Equal(0, runner.DroppedLateElements);
        runner.Finish();
    }
}
