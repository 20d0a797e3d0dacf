using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Channels;
using System.Threading.Tasks;
using Compiled;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>
/// Processing time that moves by itself: with a TimeProvider set, the runner arms the provider's timer for the next
/// processing-time deadline, so early firings on a delay fire when their time comes even if no element arrives. The
/// pipeline is Beam's LeaderBoard team scores (LeaderBoardTeams): one-minute windows, early firings
/// AfterProcessingTime(5 s) after the first element of a pane, late firings per element, accumulating.
/// </summary>
public class ClockTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(0);

    /// <summary>The minute [0, 60 s): panes are timestamped at its end (Beam's default timestamp combiner).</summary>
    private const long MinuteEnd = 59_999;

    private static string Describe(WindowedValue<KV<string, int>> e) =>
        e.Value.Key + ":" + e.Value.Value + " @" + e.Timestamp.Millis + " [" + e.Window.Start.Millis + "," + e.Window.End.Millis + ") " +
        e.Pane.Timing + " #" + e.Pane.Index + "/" + e.Pane.NonSpeculativeIndex + (e.Pane.IsFirst ? " first" : string.Empty) + (e.Pane.IsLast ? " last" : string.Empty);

    [Fact(DisplayName = "Early firings on processing time fire when their time comes, with no element arriving (AfterProcessingTime.pastFirstElementInPane, TimeProvider)")]
    public void EarlyFiringsFireWithoutElements()
    {
        var clock = new FakeClock(Start);
        var sink = new ListSink<KV<string, int>>();
        var runner = LeaderBoardTeams.CreateRunner(sink);
        runner.TimeProvider = clock;
        Assert.False(clock.AnyArmed); // nothing waits on processing time yet

        runner.PushEvents(new GameEvent("blue", 1, 1_000));
        Assert.True(clock.AnyArmed);
        clock.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.Empty(sink.Elements);

        // 5 s after the first element of the pane: the early pane, fired by the clock alone.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new[] { "blue:1 @59999 [0,60000) Early #0/-1 first" }, sink.Elements.Select(Describe));

        // A quiet stream: no new element, no new pane, and no timer left armed.
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Single(sink.Elements);
        Assert.False(clock.AnyArmed);

        // The next element starts the delay again (at 65 s): its early pane at 70 s, accumulating.
        runner.PushEvents(new GameEvent("blue", 2, 2_000));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("blue:3 @59999 [0,60000) Early #1/-1", Describe(sink.Elements[^1]));

        runner.AdvanceWatermark(new Instant(60_000));
        Assert.Equal("blue:3 @59999 [0,60000) OnTime #2/0", Describe(sink.Elements[^1]));
        runner.Finish();
        Assert.Equal(3, sink.Elements.Count);
        Assert.Equal(0, clock.TimerCount); // Finish stops the clock
    }

    [Fact(DisplayName = "The clock fires each key's and window's early pane at its own deadline, in time order")]
    public void DeadlinesFireInTimeOrder()
    {
        var clock = new FakeClock(Start);
        var sink = new ListSink<KV<string, int>>();
        var runner = LeaderBoardTeams.CreateRunner(sink);
        runner.TimeProvider = clock;
        runner.PushEvents(new GameEvent("red", 3, 1_000));        // deadline 5 s
        clock.Advance(TimeSpan.FromSeconds(2));
        runner.PushEvents(new GameEvent("blue", 2, 61_000));      // minute 1, deadline 7 s
        clock.Advance(TimeSpan.FromSeconds(1));
        runner.PushEvents(new GameEvent("red", 4, 62_000));       // minute 1, deadline 8 s

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(
            new[]
            {
                "red:3 @59999 [0,60000) Early #0/-1 first",
                "blue:2 @119999 [60000,120000) Early #0/-1 first",
                "red:4 @119999 [60000,120000) Early #0/-1 first",
            },
            sink.Elements.Select(Describe));
    }

    [Fact(DisplayName = "Without a TimeProvider processing time moves only when told")]
    public void WithoutAClockNothingFiresByItself()
    {
        var sink = new ListSink<KV<string, int>>();
        var runner = LeaderBoardTeams.CreateRunner(sink);
        runner.PushEvents(new GameEvent("blue", 1, 1_000));
        Assert.Empty(sink.Elements);
        runner.AdvanceProcessingTime(new Instant(long.MaxValue / 2));
        Assert.Single(sink.Elements);
    }

    [Fact(DisplayName = "A clock that comes due during a call is fired by that call as it ends: one writer at a time")]
    public void AClockDueDuringACallFiresWhenTheCallEnds()
    {
        var clock = new FakeClock(Start);
        var sink = new ClockAdvancingSink(clock);
        var runner = LeaderBoardTeams.CreateRunner(sink);
        runner.TimeProvider = clock;
        runner.PushEvents(new GameEvent("red", 3, 1_000));        // minute 0: early pane due at 5 s
        clock.Advance(TimeSpan.FromSeconds(5));
        runner.PushEvents(new GameEvent("blue", 2, 61_000));      // minute 1: early pane due at 10 s

        // The on-time pane of minute 0 moves the clock to 10 s while the sink receives it: the clock's timer fires inside
        // the call, and its pane follows when the call ends, not in the middle of the delivery.
        sink.AdvanceOnNextPane = TimeSpan.FromSeconds(5);
        runner.AdvanceWatermark(new Instant(60_000));
        Assert.Equal(new[] { "red:3 Early #0", "red:3 OnTime #1", "blue:2 Early #0" }, sink.Seen.ToArray());
        Assert.Equal(0, sink.Overlaps);
    }

    [Fact(DisplayName = "A pull push waiting for its source lends the runner to the clock: early panes fire while the stream is quiet")]
    public async Task EarlyFiringsFireWhileAPullPushWaits()
    {
        var clock = new FakeClock(Start);
        var sink = new ConcurrentSink();
        var runner = LeaderBoardTeams.CreateRunner(sink);
        runner.TimeProvider = clock;
        var channel = Channel.CreateUnbounded<GameEvent>();
        var push = runner.PushEventsAsync(channel.Reader).AsTask();

        await channel.Writer.WriteAsync(new GameEvent("blue", 1, 1_000));
        await Until(() => clock.AnyArmed);   // the element is in: its early pane waits for 5 s
        clock.Advance(TimeSpan.FromSeconds(5));
        await Until(() => sink.Count == 1);
        Assert.Equal("blue:1 Early #0", sink.Seen.Single());

        // Other calls are still refused while the push runs.
        Assert.Throws<InvalidOperationException>(() => runner.AdvanceWatermark(new Instant(60_000)));

        channel.Writer.Complete();
        await push;
        runner.Finish();
        Assert.Equal(new[] { "blue:1 Early #0", "blue:1 OnTime #1" }, sink.Seen.ToArray());
    }

    [Fact(DisplayName = "An input goes idle when its idleness timeout comes, with no call: the watermark moves on and windows fire (SourceWatermarks)")]
    public void AnInputGoesIdleByItself()
    {
        var clock = new FakeClock(Start);
        var sink = new ListSink<KV<string, int>>();
        var runner = SourceWatermarks.CreateRunner(sink);
        runner.TimeProvider = clock;
        runner.PushViews(new GameEvent("blue", 1, 1_000));
        runner.PushClicks(new GameEvent("red", 1, 30_000));
        Assert.Equal(0, runner.Watermark.Millis); // views (1 s - 1 s) hold it back
        clock.Advance(TimeSpan.FromMilliseconds(29_999));
        Assert.Empty(sink.Elements);

        // 30 s without views: they stop holding the watermark back (clicks: 30 s - 2 s), and [0, 10 s) fires.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(28_000, runner.Watermark.Millis);
        Assert.Equal(new[] { "blue:1 @9999 [0,10000) OnTime #0/0 first last" }, sink.Elements.Select(Describe));
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5);
        }
    }

    private static string Short(in WindowedValue<KV<string, int>> e) => e.Value.Key + ":" + e.Value.Value + " " + e.Pane.Timing + " #" + e.Pane.Index;

    /// <summary>Records panes from any thread.</summary>
    private sealed class ConcurrentSink : ISink<KV<string, int>>
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        public int Count => Seen.Count;

        public void Receive(in WindowedValue<KV<string, int>> element) => Seen.Enqueue(Short(element));
    }

    /// <summary>Moves the clock while it receives a pane (so the clock's timer fires inside a runner's call) and checks that no two calls overlap.</summary>
    private sealed class ClockAdvancingSink(FakeClock clock) : ISink<KV<string, int>>
    {
        private int _inside;

        public List<string> Seen { get; } = new();

        public TimeSpan? AdvanceOnNextPane { get; set; }

        public int Overlaps { get; private set; }

        public void Receive(in WindowedValue<KV<string, int>> element)
        {
            if (++_inside > 1)
            {
                Overlaps++;
            }

            Seen.Add(Short(element));
            if (AdvanceOnNextPane is { } by)
            {
                AdvanceOnNextPane = null;
                clock.Advance(by);
            }

            _inside--;
        }
    }
}
