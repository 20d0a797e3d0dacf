using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Compiled;

namespace Compiled.Benchmarks.EventTime;

/// <summary>The dedup's state: whether the key passed, and the timer that forgets it.</summary>
public struct DedupBenchState
{
    public ValueState<bool> Seen;
    public EventTimeTimer Forget;
}

/// <summary>Stateful dedup, generated: the first event of a key passes; a timer 10 s (event time) later forgets the key.</summary>
[Pipeline]
public partial class StatefulDedupPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .Map(static e => KV.Of(e.Key, e.Value))
         .ParDo(
             static (int key, int value, ref DedupBenchState state, ProcessContext context, IEmitter<KV<int, long>> output) =>
             {
                 if (!state.Seen.IsEmpty)
                 {
                     return;
                 }

                 state.Seen.Write(true);
                 state.Forget.Set(new Instant(context.Timestamp.Millis + StatefulWorkloads.DedupWindowMs));
                 output.Emit(KV.Of(key, (long)value));
             },
             onTimer: static (int key, ref DedupBenchState state, TimerContext timer, IEmitter<KV<int, long>> output) => state.Seen.Clear())
         .Output("unique");
}

/// <summary>A session's state: its event count, its latest timestamp, and the timeout timer.</summary>
public struct SessionBenchState
{
    public ValueState<long> Count;
    public ValueState<long> Latest;
    public EventTimeTimer Timeout;
}

/// <summary>Session with timeout, generated: a key's session ends 30 s (event time) after its latest event; then its count is emitted.</summary>
[Pipeline]
public partial class SessionTimeoutPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .Map(static e => KV.Of(e.Key, e.Value))
         .ParDo(
             static (int key, int value, ref SessionBenchState state, ProcessContext context, IEmitter<KV<int, long>> output) =>
             {
                 state.Count.Write(state.Count.ReadOrDefault(0) + 1);
                 var latest = state.Latest.ReadOrDefault(long.MinValue);
                 if (context.Timestamp.Millis > latest)
                 {
                     state.Latest.Write(context.Timestamp.Millis);
                     state.Timeout.Set(new Instant(context.Timestamp.Millis + StatefulWorkloads.SessionGapMs)); // re-set: replaces the previous timeout
                 }
             },
             onTimer: static (int key, ref SessionBenchState state, TimerContext timer, IEmitter<KV<int, long>> output) =>
             {
                 output.Emit(KV.Of(key, state.Count.Read()));
                 state.Count.Clear();
                 state.Latest.Clear();
             })
         .Output("sessions");
}

/// <summary>A struct sink digesting (key, timestamp, value) rows.</summary>
public struct TimestampDigestSink : ISink<KV<int, long>>
{
    public WindowDigest Digest;

    public void Receive(in WindowedValue<KV<int, long>> element) =>
        Digest.Add(element.Value.Key, element.Timestamp.Millis, 0, element.Value.Value);
}

/// <summary>The stateful workloads over W3's events: the generated stateful ParDo and the hand-written loop it replaces.</summary>
public static class StatefulWorkloads
{
    public const long DedupWindowMs = 10_000;
    public const long SessionGapMs = 30_000;

    public static WindowDigest DedupGenerated(Event[] events)
    {
        var runner = StatefulDedupPipeline.CreateRunner(default(TimestampDigestSink));
        var max = long.MinValue;
        foreach (var e in events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        runner.Finish();
        return runner.Unique.Digest;
    }

    /// <summary>The hand-written dedup: a set of the keys seen and a priority queue of when each is forgotten.</summary>
    public static WindowDigest DedupHandLoop(Event[] events)
    {
        var digest = new WindowDigest();
        var seen = new HashSet<int>();
        var forget = new PriorityQueue<int, long>();
        var max = long.MinValue;
        foreach (var e in events)
        {
            if (seen.Add(e.Key))
            {
                forget.Enqueue(e.Key, e.Time + DedupWindowMs);
                digest.Add(e.Key, e.Time, 0, e.Value);
            }

            max = Math.Max(max, e.Time);
            var watermark = max - EventData.WatermarkDelayMs;
            while (forget.TryPeek(out var key, out var at) && at < watermark)
            {
                forget.Dequeue();
                seen.Remove(key);
            }
        }

        return digest;
    }

    public static WindowDigest SessionsGenerated(Event[] events)
    {
        var runner = SessionTimeoutPipeline.CreateRunner(default(TimestampDigestSink));
        var max = long.MinValue;
        foreach (var e in events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        runner.Finish();
        return runner.Sessions.Digest;
    }

    private struct Session
    {
        public long Count;
        public long Latest;
        public long Deadline; // the current timeout; an older queue entry is stale
    }

    /// <summary>
    /// The hand-written session timeout: per key its count and latest timestamp, and a priority queue of timeouts with
    /// stale entries skipped (a later event moves the deadline).
    /// </summary>
    public static WindowDigest SessionsHandLoop(Event[] events)
    {
        var digest = new WindowDigest();
        var sessions = new Dictionary<int, Session>();
        var timeouts = new PriorityQueue<int, long>();
        var max = long.MinValue;
        foreach (var e in events)
        {
            ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(sessions, e.Key, out var exists);
            if (!exists || s.Count == 0)
            {
                s.Latest = long.MinValue;
            }

            s.Count++;
            if (e.Time > s.Latest)
            {
                s.Latest = e.Time;
                s.Deadline = e.Time + SessionGapMs;
                timeouts.Enqueue(e.Key, s.Deadline);
            }

            max = Math.Max(max, e.Time);
            Fire(max - EventData.WatermarkDelayMs);
        }

        Fire(long.MaxValue);
        return digest;

        void Fire(long watermark)
        {
            while (timeouts.TryPeek(out var key, out var at) && at < watermark)
            {
                timeouts.Dequeue();
                ref var session = ref CollectionsMarshal.GetValueRefOrNullRef(sessions, key);
                if (session.Count > 0 && session.Deadline == at)
                {
                    digest.Add(key, at, 0, session.Count);
                    session.Count = 0;
                }
            }
        }
    }
}
