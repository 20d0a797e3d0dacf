using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Checkpoints;

/// <summary>
/// The redistribution of a shard's checkpoint part (<c>__AdoptCheckpointPart</c>, what a restore at another parallelism
/// does for each old shard): a runner that adopts the whole part of one old shard goes on exactly as a runner that
/// restored it. Sessions whose timers were moved as they grew, late data, lateness and holds included.
/// </summary>
public class RegroupTests
{
    private static readonly Gen<GameEvent> Event = Gen.Select(
        Gen.OneOf(Gen.Const("red"), Gen.Const("blue"), Gen.Const("green")),
        Gen.Int[0, 20],
        Gen.Long[0, 180_000],
        (team, score, time) => new GameEvent(team, score, time));

    /// <summary>Pushes in order; now and then the watermark moves to a little before the latest time seen, so later elements may be late.</summary>
    private static List<(bool Watermark, GameEvent Event, long Time)> Steps(GameEvent[] events, int seed)
    {
        var random = new Random(seed);
        var steps = new List<(bool, GameEvent, long)>();
        long max = long.MinValue;
        long watermark = long.MinValue;
        foreach (var e in events)
        {
            steps.Add((false, e, 0));
            max = Math.Max(max, e.TimeMs);
            if (random.Next(10) < 3 && max - random.Next(0, 40_000) is var candidate && candidate > watermark)
            {
                watermark = candidate;
                steps.Add((true, default, candidate));
            }
        }

        return steps;
    }

    private static void Check<TRunner, T>(GameEvent[] events, int seed, int cut, Func<ListSink<T>, TRunner> create, Action<TRunner, GameEvent> push, Action<TRunner, TRunner> adopt)
        where TRunner : IStreamingRunner, Compiled.Checkpoints.ICheckpointable
    {
        var steps = Steps(events, seed);
        cut = Math.Min(cut, steps.Count);
        void Do(TRunner runner, (bool Watermark, GameEvent Event, long Time) step)
        {
            if (step.Watermark)
            {
                runner.AdvanceWatermark(new Instant(step.Time));
            }
            else
            {
                push(runner, step.Event);
            }
        }

        var first = create(new ListSink<T>());
        foreach (var step in steps.Take(cut))
        {
            Do(first, step);
        }

        var buffer = new ArrayBufferWriter<byte>();
        first.WriteCheckpoint(buffer);
        var restoredSink = new ListSink<T>();
        var restored = create(restoredSink);
        restored.RestoreCheckpoint(buffer.WrittenSpan);
        var adoptedSink = new ListSink<T>();
        var adopted = create(adoptedSink);
        var part = create(new ListSink<T>());
        part.RestoreCheckpoint(buffer.WrittenSpan);
        adopt(adopted, part);
        foreach (var step in steps.Skip(cut))
        {
            Do(restored, step);
            Do(adopted, step);
        }

        restored.Finish();
        adopted.Finish();
        Assert.Equal(restoredSink.Elements.Select(e => e.ToString()).Order(StringComparer.Ordinal), adoptedSink.Elements.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact(DisplayName = "A global count of sessions with lateness and the earliest timestamps (keyed panes, on shard 0): adopted goes on as restored")]
    public void GlobalSessions() => Gen.Select(Event.Array[0, 200], Gen.Int, Gen.Int[0, 250]).Sample((events, seed, cut) =>
        Check(events, seed, cut, static (ListSink<long> sink) => SessionTotals.CreateRunner(sink), static (r, e) => r.PushEvents(e), static (to, from) =>
        {
            to.__JoinStreaming(1, 0, 1, 128, null);
            to.__AdoptCheckpointPart(from, 0);
        }));

    [Fact(DisplayName = "Sessions per key (keyed panes, by key group): adopted goes on as restored")]
    public void KeyedSessions() => Gen.Select(Event.Array[0, 200], Gen.Int, Gen.Int[0, 250]).Sample((events, seed, cut) =>
        Check(events, seed, cut, static (ListSink<KV<string, long>> sink) => TeamSessions.CreateRunner(sink), static (r, e) => r.PushEvents(e), static (to, from) =>
        {
            to.__JoinStreaming(1, 0, 1, 128, null);
            to.__AdoptCheckpointPart(from, 0);
        }));

    [Fact(DisplayName = "Fixed windows summed per key (inline window maps, by key group): adopted goes on as restored")]
    public void InlineWindows() => Gen.Select(Event.Array[0, 200], Gen.Int, Gen.Int[0, 250]).Sample((events, seed, cut) =>
        Check(events, seed, cut, static (ListSink<KV<string, int>> sink) => FixedTeamScores.CreateRunner(sink), static (r, e) => r.PushEvents(e), static (to, from) =>
        {
            to.__JoinStreaming(1, 0, 1, 128, null);
            to.__AdoptCheckpointPart(from, 0);
        }));
}
