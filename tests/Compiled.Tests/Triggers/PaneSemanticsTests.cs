using System;
using Compiled;
using Compiled.Execution;
using Compiled.Triggers;
using Xunit;
using static Compiled.Triggers.TriggerSpec;

namespace Compiled.Tests.Triggers;

/// <summary>
/// Beam's documented windowing and trigger semantics, pane for pane, on one grouping: each case names the Beam
/// behaviour (and the Beam test or example that checks it) and lists the exact panes expected: key, window,
/// values, output timestamp, timing, index/non-speculative index, first/last.
/// </summary>
public class PaneSemanticsTests
{
    private static readonly PaneOptions Lateness100 = new(AllowedLatenessMillis: 100);

    [Fact(DisplayName = "Default trigger fires one on-time pane when the watermark passes the end of the window (ReduceFnRunnerTest.testOnElementCombiningDiscarding shape)")]
    public void DefaultTriggerOnTime()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10));
        Assert.Empty(s.Elements(1).Elements(3).Watermark(9).Take());
        Assert.Equal(new[] { "k [0,10) [1,3] @9 OnTime #0/0 first last" }, s.Watermark(10).Take());
        Assert.Equal(0, s.Panes.LiveWindows);
    }

    [Fact(DisplayName = "Data behind the watermark with zero allowed lateness is dropped and counted (LateDataDroppingDoFnRunner)")]
    public void ZeroLatenessDropsLateData()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10));
        s.Elements(1).Watermark(10).Take();
        Assert.Empty(s.Elements(5).Take());
        Assert.Equal(1, s.Panes.DroppedLate);
        Assert.Equal(0, s.Panes.LiveWindows);
    }

    [Fact(DisplayName = "Default trigger with allowed lateness: on-time pane, then one late pane per late bundle, timestamped at GC time (ReduceFnRunnerTest.testLateDataFiresDefaultTrigger, WatermarkHold)")]
    public void DefaultTriggerLatePanes()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10), Lateness100);
        Assert.Equal(new[] { "k [0,10) [1,3] @9 OnTime #0/0 first" }, s.Elements(1).Elements(3).Watermark(10).Take());
        Assert.Equal(new[] { "k [0,10) [5] @109 Late #1/1" }, s.Elements(5).Take());
        Assert.Empty(s.Watermark(110).Take());
        Assert.Equal(0, s.Panes.LiveWindows);
        Assert.Empty(s.Elements(7).Take());
        Assert.Equal(1, s.Panes.DroppedLate);
    }

    [Fact(DisplayName = "Accumulating mode: a late pane carries everything seen so far (Window.accumulatingFiredPanes)")]
    public void AccumulatingLatePane()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10), Lateness100 with { Accumulating = true });
        s.Elements(1).Elements(3).Watermark(10).Take();
        Assert.Equal(new[] { "k [0,10) [1,3,5] @109 Late #1/1" }, s.Elements(5).Take());
    }

    [Fact(DisplayName = "ClosingBehavior.FIRE_ALWAYS emits an empty final pane at garbage collection (ReduceFnRunnerTest.testEmptyOnTimeFromOrFinally / ClosingBehavior)")]
    public void ClosingFireAlways()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10), Lateness100 with { Closing = ClosingBehavior.FireAlways });
        s.Elements(1).Watermark(10).Elements(5).Take();
        Assert.Equal(new[] { "k [0,10) [] @109 Late #2/2 last" }, s.Watermark(110).Take());
    }

    [Fact(DisplayName = "One watermark advance past the end of the window and its garbage collection time: one on-time pane, marked last (ReduceFnRunner.onTimers, isEndOfWindow and isGarbageCollection)")]
    public void EndOfWindowAndGarbageCollectionInOneAdvance()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10), Lateness100);
        Assert.Equal(new[] { "k [0,10) [1,3] @9 OnTime #0/0 first last" }, s.Elements(1).Elements(3).Watermark(200).Take());
        Assert.Equal(0, s.Panes.LiveWindows);
        Assert.Empty(s.Elements(5).Take());
        Assert.Equal(1, s.Panes.DroppedLate);
    }

    [Fact(DisplayName = "ClosingBehavior.FIRE_ALWAYS adds no empty late pane when one advance passes the end of the window and its garbage collection time (ReduceFnRunner.onTimers)")]
    public void EndOfWindowAndGarbageCollectionInOneAdvanceFireAlways()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10), Lateness100 with { Closing = ClosingBehavior.FireAlways });
        Assert.Equal(new[] { "k [0,10) [1,3] @9 OnTime #0/0 first last" }, s.Elements(1).Elements(3).Watermark(200).Take());
        Assert.Equal(0, s.Panes.LiveWindows);
    }

    [Fact(DisplayName = "Early firings, then one advance past the end of the window and its garbage collection time: the on-time pane is the last (ReduceFnRunner.onTimers)")]
    public void EarlyThenEndOfWindowAndGarbageCollectionInOneAdvance()
    {
        var s = new PaneScript(AfterWatermark(early: AfterCount(1)), PaneScript.Fixed(10), Lateness100);
        Assert.Equal(new[] { "k [0,10) [1] @9 Early #0/-1 first" }, s.Elements(1).Take());
        Assert.Equal(new[] { "k [0,10) [] @9 OnTime #1/0 last" }, s.Watermark(200).Take());
        Assert.Equal(0, s.Panes.LiveWindows);
    }

    [Fact(DisplayName = "The on-time pane fires even when empty by default (OnTimeBehavior.FIRE_ALWAYS, ReduceFnRunnerTest.testEmptyOnTimeFromOnTimeBehavior)")]
    public void OnTimeFiresWhenEmpty()
    {
        var s = new PaneScript(AfterWatermark(early: AfterCount(1)), PaneScript.Fixed(10));
        Assert.Equal(new[] { "k [0,10) [1] @9 Early #0/-1 first" }, s.Elements(1).Take());
        Assert.Equal(new[] { "k [0,10) [] @9 OnTime #1/0 last" }, s.Watermark(10).Take());
    }

    [Fact(DisplayName = "OnTimeBehavior.FIRE_IF_NON_EMPTY suppresses an empty on-time pane (ReduceFnRunnerTest.testNoEmptyOnTimeWhenFireIfNonEmpty)")]
    public void OnTimeFireIfNonEmpty()
    {
        var s = new PaneScript(AfterWatermark(early: AfterCount(1)), PaneScript.Fixed(10), new PaneOptions(OnTime: OnTimeBehavior.FireIfNonEmpty));
        s.Elements(1).Take();
        Assert.Empty(s.Watermark(10).Take());
        Assert.Equal(0, s.Panes.LiveWindows);
    }

    [Fact(DisplayName = "Early firings by count, then the on-time pane with the rest (AfterWatermarkStateMachineTest.testEarlyAndAtWatermark)")]
    public void EarlyThenOnTime()
    {
        var s = new PaneScript(AfterWatermark(early: AfterCount(2)), PaneScript.Fixed(10));
        Assert.Equal(new[] { "k [0,10) [1,2] @9 Early #0/-1 first" }, s.Bundle(("k", 1, 1), ("k", 2, 2)).Take());
        Assert.Empty(s.Elements(3).Take());
        Assert.Equal(new[] { "k [0,10) [3] @9 OnTime #1/0 last" }, s.Watermark(10).Take());
    }

    [Fact(DisplayName = "Early, on-time and late firings, accumulating (AfterWatermarkStateMachineTest.testEarlyAndLate; TriggerExample)")]
    public void EarlyOnTimeLateAccumulating()
    {
        var s = new PaneScript(AfterWatermark(early: AfterCount(1), late: AfterCount(1)), PaneScript.Fixed(10), Lateness100 with { Accumulating = true });
        Assert.Equal(new[] { "k [0,10) [1] @9 Early #0/-1 first" }, s.Elements(1).Take());
        Assert.Equal(new[] { "k [0,10) [1,2] @9 Early #1/-1" }, s.Elements(2).Take());
        Assert.Equal(new[] { "k [0,10) [1,2] @9 OnTime #2/0" }, s.Watermark(10).Take());
        Assert.Equal(new[] { "k [0,10) [1,2,5] @109 Late #3/1" }, s.Elements(5).Take());
        Assert.Equal(new[] { "k [0,10) [1,2,5,6] @109 Late #4/2" }, s.Elements(6).Take());
        Assert.Empty(s.Watermark(110).Take());
    }

    [Fact(DisplayName = "A watermark trigger without late firings finishes on time; later data is dropped as for a closed window (Beam: trigger finished, data dropped)")]
    public void FinishedTriggerDropsLaterData()
    {
        var s = new PaneScript(AfterWatermark(), PaneScript.Fixed(10), Lateness100);
        Assert.Equal(new[] { "k [0,10) [1] @9 OnTime #0/0 first last" }, s.Elements(1).Watermark(10).Take());
        Assert.Empty(s.Elements(5).Take());
        Assert.Equal(1, s.Panes.DroppedClosed);
        Assert.Empty(s.Watermark(110).Take());
        Assert.Equal(0, s.Panes.LiveWindows);
    }

    [Fact(DisplayName = "Repeatedly(AfterCount(2)) in the global window, final on-time pane at end of input (RepeatedlyStateMachineTest; batch = watermark to infinity)")]
    public void RepeatedlyCountGlobal()
    {
        var s = new PaneScript(Repeatedly(AfterCount(2)), PaneScript.Global);
        Assert.Equal(new[] { "k global [1,2] @end Early #0/-1 first" }, s.Elements(1).Elements(2).Take());
        Assert.Equal(new[] { "k global [3,4] @end Early #1/-1" }, s.Elements(3).Elements(4).Take());
        Assert.Equal(new[] { "k global [5] @end OnTime #2/0 last" }, s.Elements(5).EndOfTime().Take());
    }

    [Fact(DisplayName = "AfterCount(2) at top level fires once and closes the window (AfterPaneStateMachineTest.testAfterPaneElementCountFixedWindows)")]
    public void AfterCountOnce()
    {
        var s = new PaneScript(AfterCount(2), PaneScript.Fixed(10));
        Assert.Equal(new[] { "k [0,10) [1,2] @9 Early #0/-1 first last" }, s.Elements(1).Elements(2).Take());
        Assert.Empty(s.Elements(3).Watermark(10).Take());
        Assert.Equal(1, s.Panes.DroppedClosed);
    }

    [Fact(DisplayName = "Elements of one bundle are counted before the trigger is evaluated (TestStream.addElements is one bundle)")]
    public void BundleCountedTogether()
    {
        var s = new PaneScript(AfterCount(2), PaneScript.Fixed(10));
        Assert.Equal(new[] { "k [0,10) [1,2,3] @9 Early #0/-1 first last" }, s.Bundle(("k", 1, 1), ("k", 2, 2), ("k", 3, 3)).Take());
    }

    [Fact(DisplayName = "AfterProcessingTime: fires once processing time passes the first element plus the delay (AfterProcessingTimeStateMachineTest.testAfterProcessingTimeFixedWindows)")]
    public void AfterProcessingTimeOnce()
    {
        var s = new PaneScript(AfterProcessingTime(5), PaneScript.Fixed(10));
        s.ProcessingTime(0).Elements(1);
        Assert.Empty(s.ProcessingTime(4).Take());
        Assert.Equal(new[] { "k [0,10) [1] @9 Early #0/-1 first last" }, s.ProcessingTime(5).Take());
    }

    [Fact(DisplayName = "Repeatedly(AfterProcessingTime): the delay restarts at the first element of each pane (RepeatedlyStateMachineTest.testRepeatedlyProcessingTime)")]
    public void RepeatedlyProcessingTime()
    {
        var s = new PaneScript(Repeatedly(AfterProcessingTime(5)), PaneScript.Fixed(10));
        s.ProcessingTime(0).Elements(1).ProcessingTime(3).Elements(2);
        Assert.Equal(new[] { "k [0,10) [1,2] @9 Early #0/-1 first" }, s.ProcessingTime(5).Take());
        s.ProcessingTime(7).Elements(3);
        Assert.Empty(s.ProcessingTime(11).Take());
        Assert.Equal(new[] { "k [0,10) [3] @9 Early #1/-1" }, s.ProcessingTime(12).Take());
    }

    [Fact(DisplayName = "Aligned processing-time trigger rounds the first element's time up to the next boundary (AfterProcessingTime.alignedTo)")]
    public void AlignedProcessingTime()
    {
        var s = new PaneScript(AfterProcessingTimeAligned(10, 0), PaneScript.Fixed(100));
        s.ProcessingTime(3).Elements(1);
        Assert.Empty(s.ProcessingTime(9).Take());
        Assert.Equal(new[] { "k [0,100) [1] @99 Early #0/-1 first last" }, s.ProcessingTime(10).Take());
    }

    [Fact(DisplayName = "AfterEach runs its subtriggers in order, then finishes (AfterEachStateMachineTest.testAfterEachInSequence)")]
    public void AfterEachInSequence()
    {
        var s = new PaneScript(AfterEach(AfterCount(2), AfterCount(3)), PaneScript.Global);
        Assert.Equal(new[] { "k global [1,2] @end Early #0/-1 first" }, s.Elements(1).Elements(2).Take());
        Assert.Empty(s.Elements(3).Elements(4).Take());
        Assert.Equal(new[] { "k global [3,4,5] @end Early #1/-1 last" }, s.Elements(5).Take());
        Assert.Empty(s.Elements(6).Take());
        Assert.Equal(1, s.Panes.DroppedClosed);
    }

    [Fact(DisplayName = "AfterFirst fires and finishes when any subtrigger fires (AfterFirstStateMachineTest.testOnlyT2ShouldFire)")]
    public void AfterFirstFiresOnAny()
    {
        var s = new PaneScript(AfterFirst(AfterCount(3), AfterProcessingTime(5)), PaneScript.Fixed(10));
        s.ProcessingTime(0).Elements(1).Elements(2);
        Assert.Equal(new[] { "k [0,10) [1,2] @9 Early #0/-1 first last" }, s.ProcessingTime(5).Take());
    }

    [Fact(DisplayName = "AfterAll waits until every subtrigger is ready (AfterAllStateMachineTest.testT1FiresFirst)")]
    public void AfterAllWaitsForAll()
    {
        var s = new PaneScript(AfterAll(AfterCount(2), AfterProcessingTime(5)), PaneScript.Fixed(10));
        s.ProcessingTime(0).Elements(1);
        Assert.Empty(s.ProcessingTime(5).Take());
        Assert.Equal(new[] { "k [0,10) [1,2] @9 Early #0/-1 first last" }, s.Elements(2).Take());
    }

    [Fact(DisplayName = "OrFinally: fires as the main trigger until the until-trigger fires, then finishes (OrFinallyStateMachineTest.testActualFiresButUntilFinishes)")]
    public void OrFinallyFinishes()
    {
        var s = new PaneScript(OrFinally(Repeatedly(AfterCount(2)), AfterCount(3)), PaneScript.Global);
        Assert.Equal(new[] { "k global [1,2] @end Early #0/-1 first" }, s.Elements(1).Elements(2).Take());
        Assert.Equal(new[] { "k global [3] @end Early #1/-1 last" }, s.Elements(3).Take());
        Assert.Empty(s.Elements(4).Take());
    }

    [Fact(DisplayName = "Never fires; the window emits only its final pane at garbage collection (NeverStateMachineTest)")]
    public void NeverOnlyFinalPane()
    {
        var s = new PaneScript(Never(), PaneScript.Fixed(10), Lateness100);
        Assert.Empty(s.Elements(1).Watermark(10).Take());
        Assert.Equal(new[] { "k [0,10) [1] @9 OnTime #0/0 first last" }, s.Watermark(110).Take());
    }

    [Fact(DisplayName = "TimestampCombiner.EARLIEST: the pane is timestamped at its earliest element (WindowingStrategy withTimestampCombiner)")]
    public void EarliestTimestamp()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10), new PaneOptions(TimestampCombiner: TimestampCombiner.Earliest));
        Assert.Equal(new[] { "k [0,10) [2,5,7] @2 OnTime #0/0 first last" }, s.Elements(5).Elements(2).Elements(7).Watermark(10).Take());
    }

    [Fact(DisplayName = "TimestampCombiner.LATEST: the pane is timestamped at its latest element")]
    public void LatestTimestamp()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10), new PaneOptions(TimestampCombiner: TimestampCombiner.Latest));
        Assert.Equal(new[] { "k [0,10) [2,5,7] @7 OnTime #0/0 first last" }, s.Elements(5).Elements(2).Elements(7).Watermark(10).Take());
    }

    [Fact(DisplayName = "Sessions merge overlapping proto-windows of a key into one session (SessionsTest.testConsecutive, MergeOverlappingIntervalWindows)")]
    public void SessionsMerge()
    {
        var s = new PaneScript(Default(), PaneScript.Sessions(10), new PaneOptions(Merging: true));
        s.Elements(1).Elements(5).Elements(30).Elements(22).Elements(13);
        Assert.Empty(s.Watermark(39).Take());
        Assert.Equal(new[] { "k [1,40) [1,5,13,22,30] @39 OnTime #0/0 first last" }, s.Watermark(40).Take());
        Assert.Equal(0, s.Panes.LiveWindows);
    }

    [Fact(DisplayName = "Sessions exactly one gap apart stay separate and fire in end-of-window order (SessionsTest.testMerging)")]
    public void SessionsSeparate()
    {
        var s = new PaneScript(Default(), PaneScript.Sessions(10), new PaneOptions(Merging: true));
        s.Elements(1).Elements(11).Elements(30);
        Assert.Equal(new[] { "k [1,11) [1] @10 OnTime #0/0 first last", "k [11,21) [11] @20 OnTime #0/0 first last", "k [30,40) [30] @39 OnTime #0/0 first last" }, s.Watermark(100).Take());
    }

    [Fact(DisplayName = "Sessions of different keys never merge (Sessions are per key)")]
    public void SessionsPerKey()
    {
        var s = new PaneScript(Default(), PaneScript.Sessions(10), new PaneOptions(Merging: true));
        s.Bundle(("a", 1, 1), ("b", 5, 5));
        var panes = s.Watermark(100).Take();
        Assert.Equal(new[] { "a [1,11) [1] @10 OnTime #0/0 first last", "b [5,15) [5] @14 OnTime #0/0 first last" }, panes);
    }

    [Fact(DisplayName = "A session extended past the watermark's reach fires at its new end (merged window timers move)")]
    public void SessionTimerMoves()
    {
        var s = new PaneScript(Default(), PaneScript.Sessions(10), new PaneOptions(Merging: true));
        s.Elements(1).Watermark(5).Elements(8);
        Assert.Empty(s.Watermark(11).Take());
        Assert.Equal(new[] { "k [1,18) [1,8] @17 OnTime #0/0 first last" }, s.Watermark(18).Take());
    }

    [Fact(DisplayName = "Early firings per session then a merged on-time pane (ReduceFnRunnerTest.testMergingWithCloseBeforeGC shape)")]
    public void SessionsWithEarlyFirings()
    {
        var s = new PaneScript(AfterWatermark(early: AfterCount(1)), PaneScript.Sessions(10), new PaneOptions(Merging: true, Accumulating: true));
        Assert.Equal(new[] { "k [1,11) [1] @10 Early #0/-1 first" }, s.Elements(1).Take());
        Assert.Equal(new[] { "k [1,15) [1,5] @14 Early #1/-1" }, s.Elements(5).Take());
        Assert.Equal(new[] { "k [1,15) [1,5] @14 OnTime #2/0 last" }, s.Watermark(20).Take());
    }

    [Fact(DisplayName = "A window first seen behind the watermark (within lateness) fires a LATE first pane (PaneInfoTracker: late for output)")]
    public void LateFirstPane()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10), Lateness100);
        Assert.Equal(new[] { "k [0,10) [5] @109 Late #0/0 first" }, s.Watermark(50).Elements(5).Take());
    }

    [Fact(DisplayName = "Sliding windows: each window of an element fires on its own (SlidingWindowsTest.testSimple)")]
    public void SlidingWindowsFireSeparately()
    {
        var s = new PaneScript(Default(), PaneScript.Sliding(10, 5));
        s.Elements(7);
        Assert.Equal(new[] { "k [0,10) [7] @9 OnTime #0/0 first last" }, s.Watermark(10).Take());
        Assert.Equal(new[] { "k [5,15) [7] @14 OnTime #0/0 first last" }, s.Watermark(15).Take());
    }

    [Fact(DisplayName = "A watermark never moves back: an earlier one is ignored (Beam watermark monotonicity)")]
    public void WatermarkMonotonic()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10));
        s.Elements(1).Watermark(10).Watermark(5).Take();
        Assert.Empty(s.Elements(3).Take());
        Assert.Equal(1, s.Panes.DroppedLate);
    }

    [Fact(DisplayName = "Keys fire separately, each with its own panes (GroupByKey per key and window)")]
    public void KeysFireSeparately()
    {
        var s = new PaneScript(Default(), PaneScript.Fixed(10));
        s.Bundle(("a", 1, 1), ("b", 2, 2), ("a", 3, 3));
        Assert.Equal(new[] { "a [0,10) [1,3] @9 OnTime #0/0 first last", "b [0,10) [2] @9 OnTime #0/0 first last" }, s.Watermark(10).Take());
    }

    [Fact(DisplayName = "LeaderBoard team scores: early firings every 5 min of processing time, on time, late firings 10 min after late data, accumulating (mobile-gaming LeaderBoard)")]
    public void LeaderBoardTeamScores()
    {
        var s = new PaneScript(
            AfterWatermark(early: AfterProcessingTime(5), late: AfterProcessingTime(10)),
            PaneScript.Fixed(100),
            new PaneOptions(AllowedLatenessMillis: 1000, Accumulating: true));
        s.ProcessingTime(0).Elements(10);
        Assert.Equal(new[] { "k [0,100) [10] @99 Early #0/-1 first" }, s.ProcessingTime(5).Take());
        s.Elements(20);
        Assert.Equal(new[] { "k [0,100) [10,20] @99 OnTime #1/0" }, s.Watermark(100).Take());
        s.Elements(30);
        Assert.Empty(s.ProcessingTime(14).Take());
        Assert.Equal(new[] { "k [0,100) [10,20,30] @1099 Late #2/1" }, s.ProcessingTime(15).Take());
        Assert.Empty(s.Watermark(1100).Take());
        Assert.Equal(0, s.Panes.LiveWindows);
    }

    [Fact(DisplayName = "LeaderBoard user scores: global window, Repeatedly(AfterProcessingTime), accumulating; final pane at end of input (mobile-gaming LeaderBoard)")]
    public void LeaderBoardUserScores()
    {
        var s = new PaneScript(Repeatedly(AfterProcessingTime(10)), PaneScript.Global, new PaneOptions(Accumulating: true));
        s.ProcessingTime(0).Elements(1);
        Assert.Equal(new[] { "k global [1] @end Early #0/-1 first" }, s.ProcessingTime(10).Take());
        s.Elements(2);
        Assert.Equal(new[] { "k global [1,2] @end Early #1/-1" }, s.ProcessingTime(20).Take());
        Assert.Equal(new[] { "k global [1,2] @end OnTime #2/0 last" }, s.EndOfTime().Take());
    }

    [Fact(DisplayName = "Trigger specs report whether they may finish (Trigger.mayFinish)")]
    public void MayFinish()
    {
        Assert.False(Default().MayFinish);
        Assert.False(Repeatedly(AfterCount(2)).MayFinish);
        Assert.True(AfterCount(2).MayFinish);
        Assert.True(AfterWatermark().MayFinish);
        Assert.False(AfterWatermark(late: AfterCount(1)).MayFinish);
        Assert.True(OrFinally(Repeatedly(AfterCount(1)), AfterCount(3)).MayFinish);
        Assert.Equal("AfterWatermark.WithEarlyFirings(AfterCount(1)).WithLateFirings(AfterProcessingTime(10 ms))", AfterWatermark(AfterCount(1), AfterProcessingTime(10)).ToString());
    }

    [Fact(DisplayName = "Windows and keys are evicted on time and their slots reused: steady state allocates nothing")]
    public void SteadyStateAllocatesNothing()
    {
        var panes = new KeyedPanes<int, int, long, long, CountFn<int>>(Combiners.Count<int>(), new TriggerStateMachine(Default()), default);
        void Run(long from, long to)
        {
            for (var t = from; t < to; t++)
            {
                panes.Add((int)(t % 50), 1, new Instant(t), BoundedWindow.Interval(new Instant(t - (t % 100)), new Instant(t - (t % 100) + 100)));
                panes.EndBundle();
                panes.AdvanceWatermark(new Instant(t - 5));
                panes.ClearFired();
            }
        }

        Run(0, 20_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(20_000, 40_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(panes.PanesFired > 0);
    }
}
