using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Compiled.Parallel;
using Compiled.Tests.EventTime;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>
/// Processing time that moves by itself in the streaming parallel runner (<see cref="ParallelRunnerOptions.TimeProvider"/>):
/// the same panes as the single-threaded runner's clock tests (<see cref="ClockTests"/>), fired by the shards' own timers
/// while no element arrives, and idle partitions that stop holding the watermark back when their timeout comes.
/// </summary>
public class ParallelClockTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(0);

    private static string Describe(in WindowedValue<KV<string, int>> e) =>
        e.Value.Key + ":" + e.Value.Value + " @" + e.Timestamp.Millis + " [" + e.Window.Start.Millis + "," + e.Window.End.Millis + ") " +
        e.Pane.Timing + " #" + e.Pane.Index + "/" + e.Pane.NonSpeculativeIndex + (e.Pane.IsFirst ? " first" : string.Empty) + (e.Pane.IsLast ? " last" : string.Empty);

    [Fact(DisplayName = "Parallel runner: early firings on processing time fire on the shards when their time comes, with no element arriving")]
    public async Task EarlyFiringsFireWithoutElements()
    {
        var clock = new FakeClock(Start);
        using var runner = LeaderBoardTeams.CreateParallelRunner(static () => new ConcurrentSink(), new ParallelRunnerOptions { Parallelism = 2, TimeProvider = clock });
        Assert.Same(clock, runner.TimeProvider);
        runner.PushEvents(new GameEvent("blue", 1, 1_000));

        // The partition publishes the element when the clock passes its flush interval; the shard's deadline is 5 s after
        // the push (the processing time the partition sent with it), wherever the shard is when the clock moves.
        clock.Advance(TimeSpan.FromMilliseconds(4_999));
        await Task.Delay(50);
        Assert.Empty(Seen(runner));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Until(() => Seen(runner).Length == 1);
        Assert.Equal(new[] { "blue:1 @59999 [0,60000) Early #0/-1 first" }, Seen(runner));

        // A quiet stream: no new element, no new pane.
        clock.Advance(TimeSpan.FromSeconds(60));
        await Task.Delay(50);
        Assert.Single(Seen(runner));

        // The next element starts the delay again (at 65 s): its early pane at 70 s, accumulating.
        runner.PushEvents(new GameEvent("blue", 2, 2_000));
        clock.Advance(TimeSpan.FromSeconds(5));
        await Until(() => Seen(runner).Length == 2);
        Assert.Equal("blue:3 @59999 [0,60000) Early #1/-1", Seen(runner)[^1]);

        runner.AdvanceWatermark(new Instant(60_000));
        clock.Advance(TimeSpan.FromMilliseconds(1)); // the partition publishes its watermark within the flush interval
        await Until(() => Seen(runner).Length == 3);
        Assert.Equal("blue:3 @59999 [0,60000) OnTime #2/0", Seen(runner)[^1]);

        runner.Finish();
        Assert.Equal(3, Seen(runner).Length);
        Assert.Equal(0, clock.TimerCount); // the partitions' timers stopped at Finish, the shards' when their loops ended
    }

    [Fact(DisplayName = "Parallel runner: each key's and window's early pane fires at its own deadline, pushed from two partitions")]
    public async Task DeadlinesFromTwoPartitions()
    {
        var clock = new FakeClock(Start);
        using var runner = LeaderBoardTeams.CreateParallelRunner(static () => new ConcurrentSink(), new ParallelRunnerOptions { Parallelism = 2, Partitions = 2, TimeProvider = clock });
        runner.Partition(0).PushEvents(new GameEvent("red", 3, 1_000));     // deadline 5 s
        clock.Advance(TimeSpan.FromSeconds(2));
        runner.Partition(1).PushEvents(new GameEvent("blue", 2, 61_000));   // minute 1, deadline 7 s
        clock.Advance(TimeSpan.FromSeconds(1));
        runner.Partition(0).PushEvents(new GameEvent("red", 4, 62_000));    // minute 1, deadline 8 s

        clock.Advance(TimeSpan.FromMilliseconds(1_999));
        await Task.Delay(50);
        Assert.Empty(Seen(runner)); // 4.999 s: no deadline has come

        clock.Advance(TimeSpan.FromSeconds(10));
        await Until(() => Seen(runner).Length == 3);

        // The single-threaded runner's panes (ClockTests.DeadlinesFireInTimeOrder); keys on different shards may interleave.
        Assert.Equal(
            new[]
            {
                "blue:2 @119999 [60000,120000) Early #0/-1 first",
                "red:3 @59999 [0,60000) Early #0/-1 first",
                "red:4 @119999 [60000,120000) Early #0/-1 first",
            },
            Seen(runner).Order(StringComparer.Ordinal));
        runner.Finish();
    }

    [Fact(DisplayName = "Parallel runner: an input goes idle when its idleness timeout comes, with no call: the watermark moves on and the shard fires the window")]
    public async Task AnInputGoesIdleByItself()
    {
        var clock = new FakeClock(Start);
        using var runner = SourceWatermarks.CreateParallelRunner(static () => new ConcurrentSink(), new ParallelRunnerOptions { Parallelism = 2, TimeProvider = clock });
        runner.PushViews(new GameEvent("blue", 1, 1_000));
        runner.PushClicks(new GameEvent("red", 1, 30_000));
        Assert.Equal(0, runner.Watermark.Millis); // views (1 s - 1 s) hold it back
        clock.Advance(TimeSpan.FromMilliseconds(29_999));
        await Task.Delay(50);
        Assert.Empty(Seen(runner));

        // 30 s without views: they stop holding the watermark back (clicks: 30 s - 2 s), and [0, 10 s) fires on its shard.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(28_000, runner.Watermark.Millis);
        await Until(() => Seen(runner).Length == 1);
        Assert.Equal(new[] { "blue:1 @9999 [0,10000) OnTime #0/0 first last" }, Seen(runner));
        runner.Finish();
    }

    [Fact(DisplayName = "Parallel runner: without a TimeProvider processing time moves only when told")]
    public async Task WithoutAClockNothingFiresByItself()
    {
        using var runner = LeaderBoardTeams.CreateParallelRunner(static () => new ConcurrentSink(), new ParallelRunnerOptions { Parallelism = 2 });
        Assert.Null(runner.TimeProvider);
        runner.PushEvents(new GameEvent("blue", 1, 1_000));
        runner.Flush();
        await Task.Delay(50);
        Assert.Empty(Seen(runner));
        runner.AdvanceProcessingTime(new Instant(long.MaxValue / 2));
        runner.Flush();
        await Until(() => Seen(runner).Length == 1);
        runner.Finish();
    }

    private static string[] Seen<TRunner>(TRunner runner)
        where TRunner : class
    {
        var sinks = runner switch
        {
            LeaderBoardTeams.ParallelRunner<ConcurrentSink> teams => teams.ScoresSinks(),
            SourceWatermarks.ParallelRunner<ConcurrentSink> sources => sources.SumsSinks(),
            _ => throw new ArgumentException("Unknown runner.", nameof(runner)),
        };
        return sinks.SelectMany(s => s.Seen.ToArray()).ToArray();
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

    /// <summary>Records panes as the shard's thread emits them, readable from the test's thread.</summary>
    private sealed class ConcurrentSink : ISink<KV<string, int>>
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        public void Receive(in WindowedValue<KV<string, int>> element) => Seen.Enqueue(Describe(element));
    }
}
