using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Compiled.Checkpoints;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Checkpoints;

/// <summary>Every state layout checkpoints cover, in one pipeline: windowed and global, keyed and not.</summary>
[Pipeline]
public partial class CheckpointedAggregates
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<GameEvent>("events").WithTimestamps(static e => new Instant(e.TimeMs));
        var fixedWindows = events.Window(Windows.Fixed(TimeSpan.FromSeconds(10)));
        fixedWindows.Map(static e => KV.Of(e.Team, e.Score)).CombinePerKey(Combiners.Sum<int>()).Output("sums");
        fixedWindows.Map(static e => e.Team).CountPerElement().Output("perTeam");
        fixedWindows.Count().Output("count");
        fixedWindows.Map(static e => KV.Of(e.Team, e.Score)).GroupByKey().Map(static kv => kv.Key + ":" + string.Join(",", kv.Value)).Output("groups");
        events.Map(static e => e.Team).Distinct().Output("teams");
        events.Map(static e => (long)e.Score).CombineGlobally(Combiners.Sum<long>()).Output("total");
        events.Map(static e => KV.Of(e.Team, e.Score)).CountPerKey().Output("teamCounts");
        events.Map(static e => KV.Of(e.Team, e.TimeMs)).CombinePerKey(Combiners.Max<long>()).Output("latest");
        var sliding = events.Window(Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)));
        sliding.Map(static e => KV.Of(e.Team, (long)e.Score)).CombinePerKey(Combiners.Sum<long>()).Output("slidingSums");
        sliding.Count().Output("slidingCount");
    }
}

/// <summary>An input that moves its own watermark (2 s out of order), summed in fixed windows.</summary>
[Pipeline]
public partial class CheckpointedOwnWatermark
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<GameEvent>("events", static e => new Instant(e.TimeMs), TimeSpan.FromSeconds(2))
         .Window(Windows.Fixed(TimeSpan.FromSeconds(5)))
         .Map(static e => KV.Of(e.Team, e.Score))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("sums");
}

/// <summary>
/// Keyed window panes in every shape checkpoints cover: sessions, triggers with early and late firings, allowed
/// lateness, accumulation, the earliest timestamp combiner (holds), global combines, and a grouping downstream of another.
/// </summary>
[Pipeline]
public partial class CheckpointedPanes
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<GameEvent>("events").WithTimestamps(static e => new Instant(e.TimeMs));
        events.Window(Windows.Sessions(TimeSpan.FromSeconds(4)).WithAllowedLateness(TimeSpan.FromSeconds(6)))
              .Map(static e => KV.Of(e.Team, e.Score))
              .CombinePerKey(Combiners.Sum<int>())
              .Output("sessions");
        events.Window(Windows.Fixed(TimeSpan.FromSeconds(10))
                  .Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(3)).WithLateFirings(Trigger.AfterCount(1)))
                  .WithAllowedLateness(TimeSpan.FromSeconds(20))
                  .Accumulating())
              .Map(static e => KV.Of(e.Team, e.Score))
              .CountPerKey()
              .Output("counts");
        events.Window(Windows.Sliding(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5)).WithTimestampCombiner(TimestampCombiner.Earliest))
              .Map(static e => KV.Of(e.Team, e.Score))
              .GroupByKey()
              .Map(static kv => KV.Of(kv.Key, kv.Value.Count))
              .CombinePerKey(Combiners.Max<int>())
              .Output("largest");
        events.Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(5))).Discarding())
              .Map(static e => (long)e.Score)
              .CombineGlobally(Combiners.Sum<long>())
              .Output("everyFive");
    }
}

/// <summary>Joins of two inputs: per fixed window inline, per triggered window in keyed panes, and over the whole input.</summary>
[Pipeline]
public partial class CheckpointedJoins
{
    static void Define(PipelineBuilder p)
    {
        var left = p.Create<GameEvent>("left").WithTimestamps(static e => new Instant(e.TimeMs)).Map(static e => KV.Of(e.Team, e.Score));
        var right = p.Create<GameEvent>("right").WithTimestamps(static e => new Instant(e.TimeMs)).Map(static e => KV.Of(e.Team, e.TimeMs));
        left.Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
            .CoGroupByKey(right.Window(Windows.Fixed(TimeSpan.FromSeconds(10))))
            .Map(static kv => kv.Key + ":" + string.Join(",", kv.Value.First) + "|" + string.Join(",", kv.Value.Second))
            .Output("windowed");
        left.Window(Windows.Fixed(TimeSpan.FromSeconds(10)).Triggering(Trigger.AfterWatermark().WithLateFirings(Trigger.AfterCount(1))).WithAllowedLateness(TimeSpan.FromSeconds(10)).Accumulating())
            .CoGroupByKey(right.Window(Windows.Fixed(TimeSpan.FromSeconds(10)).Triggering(Trigger.AfterWatermark().WithLateFirings(Trigger.AfterCount(1))).WithAllowedLateness(TimeSpan.FromSeconds(10)).Accumulating()))
            .Map(static kv => kv.Key + ":" + kv.Value.First.Count + "|" + kv.Value.Second.Count)
            .Output("triggered");
        left.CoGroupByKey(right).Map(static kv => kv.Key + ":" + kv.Value.First.Sum() + "|" + kv.Value.Second.Count).Output("whole");
    }
}

/// <summary>Side-input views of every kind, and readers whose elements wait for them.</summary>
[Pipeline]
public partial class CheckpointedSideInputs
{
    static void Define(PipelineBuilder p)
    {
        var numbers = p.Create<int>("numbers");
        var max = numbers.CombineGlobally(Combiners.Max<int>(0)).AsSingleton();
        numbers.Filter(max, static (x, m) => x * 2 > m).Output("large");
        var thresholds = p.Create<int>("thresholds").AsList();
        numbers.Map(thresholds, static (x, ts) => ts.Count(t => t < x)).Output("ranks");
        var names = p.Create<KV<int, string>>("names").AsDictionary();
        numbers.Map(names, static (int x, IReadOnlyDictionary<int, string> d) => d.TryGetValue(x, out var n) ? n : "?").Output("named");
    }
}

/// <summary>A grouping of values that have no coder (an interface): its runner does not checkpoint.</summary>
[Pipeline]
public partial class UncheckpointedValues
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, IComparable>>("input")
         .GroupByKey()
         .Map(static kv => kv.Value.Count)
         .Output("counts");
}

/// <summary>
/// A runner's checkpoint, restored into a new runner, continues the run as if it had not stopped: the outputs before the
/// checkpoint and after the restore are, together, those of the run without one, in the same order, with the same
/// timestamps, windows and panes.
/// </summary>
public class RunnerCheckpointTests
{
    private static readonly Gen<GameEvent[]> Events = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green"), Gen.Const("gold")),
        Gen.Int[0, 100],
        Gen.Long[0, 90_000],
        (team, score, time) => new GameEvent(team, score, time)).Array[0, 150];

    private sealed class Sinks
    {
        public ListSink<KV<string, int>> Sums { get; } = new();
        public ListSink<KV<string, long>> PerTeam { get; } = new();
        public ListSink<long> Count { get; } = new();
        public ListSink<string> Groups { get; } = new();
        public ListSink<string> Teams { get; } = new();
        public ListSink<long> Total { get; } = new();
        public ListSink<KV<string, long>> TeamCounts { get; } = new();
        public ListSink<KV<string, long>> Latest { get; } = new();
        public ListSink<KV<string, long>> SlidingSums { get; } = new();
        public ListSink<long> SlidingCount { get; } = new();

        public CheckpointedAggregates.Runner<ListSink<KV<string, int>>, ListSink<KV<string, long>>, ListSink<long>, ListSink<string>, ListSink<string>, ListSink<long>, ListSink<KV<string, long>>, ListSink<KV<string, long>>, ListSink<KV<string, long>>, ListSink<long>> Create() =>
            CheckpointedAggregates.CreateRunner(sums: Sums, perTeam: PerTeam, count: Count, groups: Groups, teams: Teams, total: Total, teamCounts: TeamCounts, latest: Latest, slidingSums: SlidingSums, slidingCount: SlidingCount);

        public string Describe() => string.Join("\n", new[]
        {
            Show(Sums), Show(PerTeam), Show(Count), Show(Groups), Show(Teams), Show(Total), Show(TeamCounts), Show(Latest), Show(SlidingSums), Show(SlidingCount),
        });

        private static string Show<T>(ListSink<T> sink) =>
            string.Join(";", sink.Elements.Select(e => e.Value + "@" + e.Timestamp.Millis + " " + e.Window + " " + e.Pane));
    }

    private static byte[] Checkpoint(ICheckpointable runner)
    {
        var buffer = new ArrayBufferWriter<byte>();
        runner.WriteCheckpoint(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Pushes events one by one, moving the watermark to 3 s behind the latest event after each.</summary>
    private static long Drive<TRunner>(TRunner runner, IEnumerable<GameEvent> events, long latest, Action<TRunner, GameEvent> push)
        where TRunner : IStreamingRunner
    {
        foreach (var e in events)
        {
            push(runner, e);
            latest = Math.Max(latest, e.TimeMs);
            runner.AdvanceWatermark(new Instant(latest - 3_000));
        }

        return latest;
    }

    [Fact(DisplayName = "Checkpointed at any point and restored into a new runner, the run gives the outputs of the run without a stop")]
    public void RestoredRunContinuesTheRun()
    {
        Gen.Select(Events, Gen.Int[0, 150], Gen.Int[0, 150]).Sample((events, first, second) =>
        {
            var cuts = new[] { Math.Min(first, events.Length), Math.Min(second, events.Length) }.Order().ToArray();

            var whole = new Sinks();
            var runner = whole.Create();
            Drive(runner, events, long.MinValue + 10_000, static (r, e) => r.PushEvents(e));
            runner.Finish();

            // The same input with two stops: each stop writes a checkpoint and drops the runner; a new one restores it.
            var stopped = new Sinks();
            var current = stopped.Create();
            var latest = Drive(current, events.Take(cuts[0]), long.MinValue + 10_000, static (r, e) => r.PushEvents(e));
            var state = Checkpoint(current);
            current = stopped.Create();
            current.RestoreCheckpoint(state);
            latest = Drive(current, events.Skip(cuts[0]).Take(cuts[1] - cuts[0]), latest, static (r, e) => r.PushEvents(e));
            state = Checkpoint(current);
            current = stopped.Create();
            current.RestoreCheckpoint(state);
            Drive(current, events.Skip(cuts[1]), latest, static (r, e) => r.PushEvents(e));
            current.Finish();

            Assert.Equal(whole.Describe(), stopped.Describe());
            Assert.Equal(runner.DroppedLateElements, current.DroppedLateElements);
        });
    }

    [Fact(DisplayName = "Keyed window panes (sessions, triggers, lateness, holds) resume with their panes, timers and holds: the same panes, in the same order")]
    public void PanesAreRestored()
    {
        Gen.Select(Events, Gen.Int[0, 150]).Sample((events, cut) =>
        {
            cut = Math.Min(cut, events.Length);
            var (sessions, counts, largest, everyFive) = (new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>(), new ListSink<KV<string, int>>(), new ListSink<long>());
            var runner = CheckpointedPanes.CreateRunner(sessions, counts, largest, everyFive);
            Drive(runner, events, long.MinValue + 10_000, static (r, e) => r.PushEvents(e));
            runner.Finish();

            var (sessions2, counts2, largest2, everyFive2) = (new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>(), new ListSink<KV<string, int>>(), new ListSink<long>());
            var before = CheckpointedPanes.CreateRunner(sessions2, counts2, largest2, everyFive2);
            var latest = Drive(before, events.Take(cut), long.MinValue + 10_000, static (r, e) => r.PushEvents(e));
            var state = Checkpoint(before);
            var after = CheckpointedPanes.CreateRunner(sessions2, counts2, largest2, everyFive2);
            after.RestoreCheckpoint(state);
            Drive(after, events.Skip(cut), latest, static (r, e) => r.PushEvents(e));
            after.Finish();

            Assert.Equal(sessions.Elements, sessions2.Elements);
            Assert.Equal(counts.Elements, counts2.Elements);
            Assert.Equal(largest.Elements, largest2.Elements);
            Assert.Equal(everyFive.Elements, everyFive2.Elements);
            Assert.Equal(runner.DroppedLateElements, after.DroppedLateElements);
        });
    }

    [Fact(DisplayName = "Joins (inline windows, keyed panes, the whole input) resume with their co-groups")]
    public void CoGroupsAreRestored()
    {
        Gen.Select(Events, Events, Gen.Int[0, 150]).Sample((lefts, rights, cut) =>
        {
            var steps = lefts.Select(e => (Left: true, Event: e)).Concat(rights.Select(e => (Left: false, Event: e))).OrderBy(s => s.Event.TimeMs % 7).ToArray();
            cut = Math.Min(cut, steps.Length);
            static long Step(CheckpointedJoins.Runner<ListSink<string>, ListSink<string>, ListSink<string>> runner, (bool Left, GameEvent Event) step, long latest)
            {
                if (step.Left)
                {
                    runner.PushLeft(step.Event);
                }
                else
                {
                    runner.PushRight(step.Event);
                }

                latest = Math.Max(latest, step.Event.TimeMs);
                runner.AdvanceWatermark(new Instant(latest - 3_000));
                return latest;
            }

            var (windowed, triggered, whole) = (new ListSink<string>(), new ListSink<string>(), new ListSink<string>());
            var runner = CheckpointedJoins.CreateRunner(windowed, triggered, whole);
            var latest = long.MinValue + 10_000;
            foreach (var step in steps)
            {
                latest = Step(runner, step, latest);
            }

            runner.Finish();

            var (windowed2, triggered2, whole2) = (new ListSink<string>(), new ListSink<string>(), new ListSink<string>());
            var before = CheckpointedJoins.CreateRunner(windowed2, triggered2, whole2);
            latest = long.MinValue + 10_000;
            foreach (var step in steps.Take(cut))
            {
                latest = Step(before, step, latest);
            }

            var state = Checkpoint(before);
            var after = CheckpointedJoins.CreateRunner(windowed2, triggered2, whole2);
            after.RestoreCheckpoint(state);
            foreach (var step in steps.Skip(cut))
            {
                latest = Step(after, step, latest);
            }

            after.Finish();
            Assert.Equal(windowed.Elements, windowed2.Elements);
            Assert.Equal(triggered.Elements, triggered2.Elements);
            Assert.Equal(whole.Elements, whole2.Elements);
        });
    }

    [Fact(DisplayName = "Side-input views and the elements waiting for them resume: Finish after a restore gives the outputs of the run without a stop")]
    public void SideInputsAreRestored()
    {
        var steps = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 40]).Array[0, 80];
        Gen.Select(steps, Gen.Int[0, 80]).Sample((pushes, cut) =>
        {
            cut = Math.Min(cut, pushes.Length);
            var names = new HashSet<int>();
            void Push(CheckpointedSideInputs.Runner<ListSink<int>, ListSink<int>, ListSink<string>> runner, (int Input, int Value) push)
            {
                switch (push.Input)
                {
                    case 0: runner.PushNumbers(push.Value); break;
                    case 1: runner.PushThresholds(push.Value); break;
                    default:
                        if (names.Add(push.Value))
                        {
                            runner.PushNames(KV.Of(push.Value, "n" + push.Value));
                        }

                        break;
                }
            }

            var (large, ranks, named) = (new ListSink<int>(), new ListSink<int>(), new ListSink<string>());
            var whole = CheckpointedSideInputs.CreateRunner(large, ranks, named);
            foreach (var push in pushes)
            {
                Push(whole, push);
            }

            whole.Finish();

            names.Clear();
            var (large2, ranks2, named2) = (new ListSink<int>(), new ListSink<int>(), new ListSink<string>());
            var before = CheckpointedSideInputs.CreateRunner(large2, ranks2, named2);
            foreach (var push in pushes.Take(cut))
            {
                Push(before, push);
            }

            var state = Checkpoint(before);
            var after = CheckpointedSideInputs.CreateRunner(large2, ranks2, named2);
            after.RestoreCheckpoint(state);
            foreach (var push in pushes.Skip(cut))
            {
                Push(after, push);
            }

            after.Finish();
            Assert.Equal(large.Elements, large2.Elements);
            Assert.Equal(ranks.Elements, ranks2.Elements);
            Assert.Equal(named.Elements, named2.Elements);
        });
    }

    [Fact(DisplayName = "An input with its own watermark resumes with it: the watermark and what is late are those of the run without a stop")]
    public void OwnWatermarkIsRestored()
    {
        Gen.Select(Events, Gen.Int[0, 150]).Sample((events, cut) =>
        {
            cut = Math.Min(cut, events.Length);
            var whole = new ListSink<KV<string, int>>();
            var runner = CheckpointedOwnWatermark.CreateRunner(whole);
            foreach (var e in events)
            {
                runner.PushEvents(e);
            }

            runner.Finish();

            var stopped = new ListSink<KV<string, int>>();
            var before = CheckpointedOwnWatermark.CreateRunner(stopped);
            foreach (var e in events.Take(cut))
            {
                before.PushEvents(e);
            }

            var state = Checkpoint(before);
            var after = CheckpointedOwnWatermark.CreateRunner(stopped);
            after.RestoreCheckpoint(state);
            Assert.Equal(before.Watermark, after.Watermark);
            foreach (var e in events.Skip(cut))
            {
                after.PushEvents(e);
            }

            after.Finish();
            Assert.Equal(whole.Elements, stopped.Elements);
            Assert.Equal(runner.DroppedLateElements, after.DroppedLateElements);
        });
    }

    [Fact(DisplayName = "A checkpoint of another pipeline is refused with CheckpointMismatchException, naming both fingerprints")]
    public void OtherPipelineIsRefused()
    {
        var own = CheckpointedOwnWatermark.CreateRunner(new ListSink<KV<string, int>>());
        own.PushEvents(new GameEvent("red", 1, 1_000));
        var state = Checkpoint(own);

        var other = new Sinks().Create();
        var error = Assert.Throws<CheckpointMismatchException>(() => other.RestoreCheckpoint(state));
        Assert.Contains(other.StateFingerprint.ToString("X16", System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Contains(own.StateFingerprint.ToString("X16", System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.NotEqual(own.StateFingerprint, other.StateFingerprint);
    }

    [Fact(DisplayName = "A truncated checkpoint, or one with bytes to spare, is refused, never read as something it is not")]
    public void DamagedCheckpointIsRefused()
    {
        var sinks = new Sinks();
        var runner = sinks.Create();
        runner.PushEvents(new[] { new GameEvent("red", 1, 1_000), new GameEvent("blue", 2, 2_000) });
        var state = Checkpoint(runner);
        for (var length = 0; length < state.Length; length++)
        {
            var truncated = state.AsSpan(0, length).ToArray();
            Assert.Throws<CheckpointMismatchException>(() => new Sinks().Create().RestoreCheckpoint(truncated));
        }

        var longer = state.Concat(new byte[] { 0 }).ToArray();
        Assert.Throws<CheckpointMismatchException>(() => new Sinks().Create().RestoreCheckpoint(longer));
    }

    [Fact(DisplayName = "A checkpoint is restored into a new runner only: after input, a watermark or processing time it is refused")]
    public void RestoreOnlyIntoANewRunner()
    {
        var state = Checkpoint(new Sinks().Create());
        var pushed = new Sinks().Create();
        pushed.PushEvents(new GameEvent("red", 1, 1_000));
        Assert.Throws<InvalidOperationException>(() => pushed.RestoreCheckpoint(state));
        var watermarked = new Sinks().Create();
        watermarked.AdvanceWatermark(new Instant(5));
        Assert.Throws<InvalidOperationException>(() => watermarked.RestoreCheckpoint(state));
    }

    [Fact(DisplayName = "A finished runner's checkpoint restores a finished runner: nothing is emitted twice")]
    public void FinishedRunnerStaysFinished()
    {
        var sinks = new Sinks();
        var runner = sinks.Create();
        runner.PushEvents(new GameEvent("red", 1, 1_000));
        runner.Finish();
        var state = Checkpoint(runner);

        var again = new Sinks();
        var restored = again.Create();
        restored.RestoreCheckpoint(state);
        Assert.True(restored.IsFinished);
        Assert.Throws<InvalidOperationException>(() => restored.Finish());
        Assert.Empty(again.Sums.Items);
    }

    [Fact(DisplayName = "A pipeline whose state checkpoints do not cover has no checkpoint methods, and its plan says why")]
    public void UncoveredStateIsSaidInThePlan()
    {
        var runner = UncheckpointedValues.CreateRunner(new ListSink<int>());
        Assert.False(typeof(ICheckpointable).IsAssignableFrom(runner.GetType()));
        Assert.Contains("Checkpoints: not available, because #", UncheckpointedValues.PlanDescription);
        Assert.Contains("has no coder", UncheckpointedValues.PlanDescription);
        Assert.Contains("Checkpoints: the streaming runner writes and restores its state", CheckpointedAggregates.PlanDescription);
        Assert.Contains("panes", CheckpointedAggregates.PlanDescription); // the sliding combines share panes: that layout is covered too
    }

    [Fact(DisplayName = "StreamingScores' team totals checkpoint: the sample's pipeline resumes where it stopped")]
    public void StreamingScoresPipelineResumes()
    {
        var lines = System.IO.File.ReadAllLines(System.IO.Path.Combine(AppContext.BaseDirectory, "data", "game-events.csv"));
        Assert.True(lines.Length > 100);
        static (List<string> Totals, long Late) Run(string[] lines, int? stop)
        {
            var totals = new ListSink<KV<string, long>>();
            var runner = StreamingScores.TeamScoresPipeline.CreateRunner(accepted: new ListSink<StreamingScores.GameEvent>(), teamTotals: totals, deadLetters: new ListSink<StreamingScores.DeadLetter>());
            var latest = long.MinValue;
            for (var i = 0; i < lines.Length; i++)
            {
                if (i == stop)
                {
                    var buffer = new ArrayBufferWriter<byte>();
                    runner.WriteCheckpoint(buffer);
                    runner = StreamingScores.TeamScoresPipeline.CreateRunner(accepted: new ListSink<StreamingScores.GameEvent>(), teamTotals: totals, deadLetters: new ListSink<StreamingScores.DeadLetter>());
                    runner.RestoreCheckpoint(buffer.WrittenSpan);
                }

                runner.PushLines(new StreamingScores.SourceLine(i + 1, lines[i]));
                if (StreamingScores.GameEventCsv.TryParse(lines[i], out var e, out _))
                {
                    latest = Math.Max(latest, e.TimeMs);
                    runner.AdvanceWatermark(new Instant(latest - 5_000));
                }
            }

            runner.Finish();
            return (totals.Elements.Select(e => e.Value + " " + e.Window + " " + e.Pane).ToList(), runner.DroppedLateElements);
        }

        var whole = Run(lines, null);
        foreach (var stop in new[] { 1, lines.Length / 3, lines.Length / 2, lines.Length - 1 })
        {
            var stopped = Run(lines, stop);
            Assert.Equal(whole.Totals, stopped.Totals);
            Assert.Equal(whole.Late, stopped.Late);
        }
    }
}
