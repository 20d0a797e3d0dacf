using System;
using System.Buffers;
using System.Linq;
using Compiled;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Checkpoints;

/// <summary>Every kind of state cell, a plain field, a timer with an output timestamp and a timer family.</summary>
public struct CheckpointedActivity
{
    public ValueState<long> Count;
    public BagState<int> Recent;
    public MapState<int, int> LastByBucket;
    public SetState<int> Seen;
    public OrderedListState<string> Ordered;
    public CombiningState<int, int, int, SumFn<int>> Sum;
    public int Plain;
    public EventTimeTimer Flush;
    public EventTimeTimerMap Reminders;
}

/// <summary>A stateful ParDo whose timers fire as the watermark moves, and a windowed count downstream that its timers hold.</summary>
[Pipeline]
public partial class CheckpointedStateful
{
    static void Define(PipelineBuilder p)
    {
        var fired = p.Create<GameEvent>("events")
            .WithTimestamps(static e => new Instant(e.TimeMs))
            .Map(static e => KV.Of(e.Team, e.Score))
            .ParDo(
                static (string key, int value, ref CheckpointedActivity state, ProcessContext context, IEmitter<string> output) =>
                {
                    state.Count.Write(state.Count.ReadOrDefault(0) + 1);
                    state.Recent.Add(value);
                    state.LastByBucket.Put(value & 7, value);
                    state.Seen.Add(value % 10);
                    state.Ordered.Add("v" + value, context.Timestamp);
                    state.Sum.Add(value);
                    state.Plain += value;
                    state.Flush.WithOutputTimestamp(context.Timestamp).Set(context.Timestamp.Plus(TimeSpan.FromSeconds(3)));
                    state.Reminders.Set("r" + (value % 3), context.Timestamp.Plus(TimeSpan.FromSeconds(1 + (value % 5))));
                },
                onTimer: static (string key, ref CheckpointedActivity state, TimerContext timer, IEmitter<string> output) =>
                {
                    output.Emit(key + " " + timer.TimerId + "/" + timer.DynamicTimerId + "@" + timer.Timestamp.Millis +
                                " n=" + state.Count.ReadOrDefault(0) + " bag=" + state.Recent.Count + " map=" + state.LastByBucket.Count +
                                " set=" + state.Seen.Count + " ordered=" + (state.Ordered.Count > 0 ? state.Ordered.Read()[0].Value : "-") +
                                " sum=" + state.Sum.Read() + " plain=" + state.Plain);
                    if (timer.TimerId == nameof(CheckpointedActivity.Flush))
                    {
                        state.Recent.Clear();
                        state.Ordered.ClearRange(Instant.MinValue, timer.Timestamp);
                    }
                });
        fired.Output("fired");
        fired.Map(static line => line.Split(' ')[0]).Window(Windows.Fixed(TimeSpan.FromSeconds(10))).CountPerElement().Output("perWindow");
    }
}

/// <summary>A stateful ParDo's cells, timers and holds survive a checkpoint: the run goes on as if it had not stopped.</summary>
public class StatefulCheckpointTests
{
    private static readonly Gen<GameEvent[]> Events = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green")),
        Gen.Int[0, 100],
        Gen.Long[0, 60_000],
        (team, score, time) => new GameEvent(team, score, time)).Array[0, 120];

    [Fact(DisplayName = "A stateful ParDo restored at any point fires the same timers with the same state, and holds downstream windows the same")]
    public void StatefulParDoResumes()
    {
        Gen.Select(Events, Gen.Int[0, 120]).Sample((events, cut) =>
        {
            cut = Math.Min(cut, events.Length);
            var (fired, perWindow) = (new ListSink<string>(), new ListSink<KV<string, long>>());
            var runner = CheckpointedStateful.CreateRunner(fired, perWindow);
            var latest = long.MinValue + 10_000;
            foreach (var e in events)
            {
                runner.PushEvents(e);
                latest = Math.Max(latest, e.TimeMs);
                runner.AdvanceWatermark(new Instant(latest - 2_000));
            }

            runner.Finish();

            var (fired2, perWindow2) = (new ListSink<string>(), new ListSink<KV<string, long>>());
            var before = CheckpointedStateful.CreateRunner(fired2, perWindow2);
            latest = long.MinValue + 10_000;
            foreach (var e in events.Take(cut))
            {
                before.PushEvents(e);
                latest = Math.Max(latest, e.TimeMs);
                before.AdvanceWatermark(new Instant(latest - 2_000));
            }

            var buffer = new ArrayBufferWriter<byte>();
            before.WriteCheckpoint(buffer);
            var after = CheckpointedStateful.CreateRunner(fired2, perWindow2);
            after.RestoreCheckpoint(buffer.WrittenSpan);
            foreach (var e in events.Skip(cut))
            {
                after.PushEvents(e);
                latest = Math.Max(latest, e.TimeMs);
                after.AdvanceWatermark(new Instant(latest - 2_000));
            }

            after.Finish();
            Assert.Equal(fired.Elements, fired2.Elements);
            Assert.Equal(perWindow.Elements, perWindow2.Elements);
        });
    }

    [Fact(DisplayName = "The plan of a stateful ParDo says its state is checkpointed")]
    public void PlanSaysSo() =>
        Assert.Contains("Checkpoints: the streaming runner writes and restores its state", CheckpointedStateful.PlanDescription);
}
