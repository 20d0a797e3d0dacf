using System;
using System.Collections.Generic;
using System.Linq;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Runtime.InteropServices;

namespace Compiled.Benchmarks.EventTime;

/// <summary>
/// W5: session windows with a 30 s gap, count per key. The generated variant is in W5SessionCountsGenerated.cs
/// (sessions merge per key in the generated keyed window panes).
/// </summary>
public static partial class W5SessionCounts
{
    public const long Gap = 30_000;

    /// <summary>The sessions of one key: disjoint [start, end) intervals with their counts (usually one).</summary>
    private sealed class KeySessions
    {
        public const long NotQueued = long.MinValue;

        public readonly int Key;
        public int Length;
        public long[] Starts = new long[2];
        public long[] Ends = new long[2];
        public long[] Counts = new long[2];

        /// <summary>The due time (session end) of this key's live entry in the eviction queue, or <see cref="NotQueued"/>.</summary>
        public long QueuedDue = NotQueued;

        public KeySessions(int key) => Key = key;

        /// <summary>Adds the window [t, t + gap) and merges it with every session it overlaps; returns the end of the result.</summary>
        public long Add(long t)
        {
            long start = t, end = t + Gap, count = 1;
            if (Length == 1 && Starts[0] < end && start < Ends[0])
            {
                Starts[0] = Math.Min(Starts[0], start);
                Ends[0] = Math.Max(Ends[0], end);
                Counts[0]++;
                return Ends[0];
            }

            // General case: merge every overlapping session (sessions are disjoint, so one pass suffices).
            var kept = 0;
            for (var i = 0; i < Length; i++)
            {
                if (Starts[i] < end && start < Ends[i])
                {
                    start = Math.Min(start, Starts[i]);
                    end = Math.Max(end, Ends[i]);
                    count += Counts[i];
                }
                else
                {
                    Starts[kept] = Starts[i];
                    Ends[kept] = Ends[i];
                    Counts[kept] = Counts[i];
                    kept++;
                }
            }

            if (kept == Starts.Length)
            {
                Array.Resize(ref Starts, kept * 2);
                Array.Resize(ref Ends, kept * 2);
                Array.Resize(ref Counts, kept * 2);
            }

            Starts[kept] = start;
            Ends[kept] = end;
            Counts[kept] = count;
            Length = kept + 1;
            return end;
        }

        public long MinEnd()
        {
            var min = long.MaxValue;
            for (var i = 0; i < Length; i++)
            {
                min = Math.Min(min, Ends[i]);
            }

            return min;
        }

        /// <summary>Emits and removes the sessions whose max timestamp (end - 1) is behind the watermark.</summary>
        public void EmitExpired(long watermark, ref WindowDigest digest)
        {
            var kept = 0;
            for (var i = 0; i < Length; i++)
            {
                if (Ends[i] - 1 < watermark)
                {
                    digest.Add(Key, Starts[i], Ends[i], Counts[i]);
                }
                else
                {
                    Starts[kept] = Starts[i];
                    Ends[kept] = Ends[i];
                    Counts[kept] = Counts[i];
                    kept++;
                }
            }

            Length = kept;
        }
    }

    /// <summary>
    /// The hand-written streaming loop: per key its open sessions, merged as events arrive (the common case, an
    /// event extending the key's one session, is a few compares); a priority queue of keys by earliest session
    /// end, updated lazily (an extended session is re-queued when its old due time comes up), evicts each session
    /// as soon as the watermark passes its end. A key's state object is kept and reused for its next burst.
    /// </summary>
    public static WindowDigest HandLoop(Event[] events)
    {
        var digest = new WindowDigest();
        var keys = new Dictionary<int, KeySessions>();
        var queue = new PriorityQueue<KeySessions, long>();
        var max = long.MinValue;
        var watermark = long.MinValue;
        var nextDue = long.MaxValue; // the smallest due time in the queue
        long dropped = 0;

        foreach (var e in events)
        {
            if (e.Time + Gap - 1 < watermark)
            {
                dropped++; // its window [t, t + gap) is already behind the watermark
                continue;
            }

            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(keys, e.Key, out _);
            var sessions = slot ??= new KeySessions(e.Key);
            var end = sessions.Add(e.Time);
            if (sessions.QueuedDue == KeySessions.NotQueued || end < sessions.QueuedDue)
            {
                var due = sessions.Length == 1 ? end : sessions.MinEnd();
                sessions.QueuedDue = due;
                queue.Enqueue(sessions, due);
                nextDue = Math.Min(nextDue, due);
            }

            if (e.Time > max)
            {
                max = e.Time;
                watermark = max - EventData.WatermarkDelayMs;
                if (nextDue - 1 < watermark)
                {
                    while (queue.TryPeek(out var key, out var due) && due - 1 < watermark)
                    {
                        queue.Dequeue();
                        if (due != key.QueuedDue)
                        {
                            continue; // superseded by an earlier entry for the same key
                        }

                        key.EmitExpired(watermark, ref digest);
                        if (key.Length > 0)
                        {
                            key.QueuedDue = key.MinEnd(); // the session was extended since it was queued
                            queue.Enqueue(key, key.QueuedDue);
                        }
                        else
                        {
                            key.QueuedDue = KeySessions.NotQueued;
                        }
                    }

                    nextDue = queue.TryPeek(out _, out var next) ? next : long.MaxValue;
                }
            }
        }

        foreach (var sessions in keys.Values)
        {
            sessions.EmitExpired(long.MaxValue, ref digest);
        }

        GC.KeepAlive(dropped);
        return digest;
    }

    /// <summary>Batch LINQ: group by key, order each key's timestamps, cut a session wherever the next [t, t + gap) does not overlap.</summary>
    public static WindowDigest Linq(Event[] events)
    {
        var digest = new WindowDigest();
        var rows = events
            .GroupBy(e => e.Key, e => e.Time)
            .SelectMany(g => g
                .OrderBy(t => t)
                .Aggregate(new List<(long Start, long End, long Count)>(), (sessions, t) =>
                {
                    if (sessions.Count > 0 && t < sessions[^1].End)
                    {
                        var last = sessions[^1];
                        sessions[^1] = (last.Start, Math.Max(last.End, t + Gap), last.Count + 1);
                    }
                    else
                    {
                        sessions.Add((t, t + Gap, 1));
                    }

                    return sessions;
                })
                .Select(s => (Key: g.Key, s.Start, s.End, s.Count)));
        foreach (var (key, start, end, count) in rows)
        {
            digest.Add(key, start, end, count);
        }

        return digest;
    }

    /// <summary>
    /// Rx.NET: a key's events are grouped until a timer at (latest timestamp + gap) fires on the watermark's
    /// virtual time (re-armed by each event: Rx's "close after a quiet period", in event time), then aggregated
    /// into (first, last, count). This equals Beam's merged sessions when no event can arrive, inside the 2 s
    /// watermark delay, more than a gap after its key's latest one; the W5 data guarantees that (a key's bursts are
    /// 40 s apart, its events within a burst less than 20 s apart).
    /// </summary>
    public static WindowDigest Rx(Event[] events)
    {
        var digest = new WindowDigest();
        var watermarks = new HistoricalScheduler();
        var watermark = long.MinValue;
        var input = new Subject<Event>();
        using (input
            .Where(e => e.Time + Gap - 1 >= watermark)
            .GroupByUntil(
                e => e.Key,
                session => session
                    .Select(e => e.Time)
                    .Scan(Math.Max)
                    .Select(last => Observable.Timer(EventWindows.ToDateTime(last + Gap), watermarks))
                    .Switch())
            .SelectMany(session => session
                .Aggregate((First: long.MaxValue, Last: long.MinValue, Count: 0L), (s, e) => (Math.Min(s.First, e.Time), Math.Max(s.Last, e.Time), s.Count + 1))
                .Select(s => (Key: session.Key, s.First, End: s.Last + Gap, s.Count)))
            .Subscribe(r => digest.Add(r.Key, r.First, r.End, r.Count)))
        {
            var max = long.MinValue;
            foreach (var e in events)
            {
                input.OnNext(e);
                if (e.Time > max)
                {
                    max = e.Time;
                    watermark = max - EventData.WatermarkDelayMs;
                    watermarks.AdvanceTo(EventWindows.ToDateTime(watermark));
                }
            }

            input.OnCompleted();
        }

        return digest;
    }
}
