using System;
using System.Collections.Generic;
using System.Linq;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Runtime.InteropServices;
using Compiled;

namespace Compiled.Benchmarks.EventTime;

/// <summary>W3, generated: count per key in fixed 60 s windows, default trigger.</summary>
[Pipeline]
public partial class W3FixedCountsPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .Window(Windows.Fixed(TimeSpan.FromSeconds(60)))
         .Map(static e => KV.Of(e.Key, e.Value))
         .CountPerKey()
         .Output("counts");
}

/// <summary>W3: fixed 60 s windows, count per key; the four variants, each returning the digest of its final panes.</summary>
public static class W3FixedCounts
{
    public const long Size = 60_000;

    /// <summary>The generated runner: each event pushed with its timestamp, the watermark advanced after each event.</summary>
    public static WindowDigest Generated(Event[] events)
    {
        var runner = W3FixedCountsPipeline.CreateRunner(default(WindowDigestSink));
        var max = long.MinValue;
        foreach (var e in events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        runner.Finish();
        return runner.Counts.Digest;
    }

    /// <summary>
    /// The hand-written streaming loop: a count map per open window (at most two are open, as disorder is under
    /// 2 s), the current window cached, a window emitted and its map pooled as soon as the watermark passes its end.
    /// </summary>
    public static WindowDigest HandLoop(Event[] events)
    {
        var digest = new WindowDigest();
        var open = new List<(long Start, Dictionary<int, long> Counts)>(); // ascending start
        var pool = new Stack<Dictionary<int, long>>();
        var currentStart = long.MinValue;
        Dictionary<int, long>? current = null;
        var max = long.MinValue;
        var watermark = long.MinValue;
        var due = long.MaxValue; // the max timestamp of the oldest open window: emit when the watermark passes it
        long dropped = 0;

        foreach (var e in events)
        {
            // Fast path: the event is in the cached window (one unsigned compare, no division).
            if ((ulong)(e.Time - currentStart) >= (ulong)Size)
            {
                var start = EventWindows.FloorStart(e.Time, Size);
                if (start + Size - 1 < watermark)
                {
                    dropped++; // late: its window was emitted
                    continue;
                }

                current = null;
                var at = open.Count;
                for (var i = open.Count - 1; i >= 0; i--)
                {
                    if (open[i].Start == start)
                    {
                        current = open[i].Counts;
                        break;
                    }

                    if (open[i].Start < start)
                    {
                        break;
                    }

                    at = i;
                }

                if (current is null)
                {
                    current = pool.Count > 0 ? pool.Pop() : new Dictionary<int, long>();
                    open.Insert(at, (start, current));
                    due = open[0].Start + Size - 1;
                }

                currentStart = start;
            }

            CollectionsMarshal.GetValueRefOrAddDefault(current!, e.Key, out _)++;

            if (e.Time > max)
            {
                max = e.Time;
                watermark = max - EventData.WatermarkDelayMs;
                if (due < watermark)
                {
                    while (open.Count > 0 && open[0].Start + Size - 1 < watermark)
                    {
                        var (windowStart, counts) = open[0];
                        Emit(ref digest, windowStart, counts);
                        pool.Push(counts);
                        open.RemoveAt(0);
                        if (windowStart == currentStart)
                        {
                            currentStart = long.MinValue;
                        }
                    }

                    due = open.Count > 0 ? open[0].Start + Size - 1 : long.MaxValue;
                }
            }
        }

        foreach (var (windowStart, counts) in open)
        {
            Emit(ref digest, windowStart, counts);
        }

        GC.KeepAlive(dropped);
        return digest;

        static void Emit(ref WindowDigest digest, long windowStart, Dictionary<int, long> counts)
        {
            foreach (var (key, count) in counts)
            {
                digest.Add(key, windowStart, windowStart + Size, count);
            }

            counts.Clear();
        }
    }

    /// <summary>Batch LINQ over the whole array: group by (key, window start), count.</summary>
    public static WindowDigest Linq(Event[] events)
    {
        var digest = new WindowDigest();
        var rows = events
            .GroupBy(e => (e.Key, Start: EventWindows.FloorStart(e.Time, Size)))
            .Select(g => (g.Key.Key, g.Key.Start, Count: g.LongCount()));
        foreach (var (key, start, count) in rows)
        {
            digest.Add(key, start, start + Size, count);
        }

        return digest;
    }

    /// <summary>
    /// Rx.NET: event time as the virtual time of a <see cref="HistoricalScheduler"/> that the watermark advances.
    /// Events are grouped by window until a timer at the window's end fires (the watermark passed it), then
    /// grouped by key and counted; late events (window already closed) are filtered out first.
    /// </summary>
    public static WindowDigest Rx(Event[] events)
    {
        var digest = new WindowDigest();
        var watermarks = new HistoricalScheduler();
        var watermark = long.MinValue;
        var input = new Subject<Event>();
        using (input
            .Where(e => EventWindows.FloorStart(e.Time, Size) + Size - 1 >= watermark)
            .GroupByUntil(e => EventWindows.FloorStart(e.Time, Size), window => Observable.Timer(EventWindows.ToDateTime(window.Key + Size), watermarks))
            .SelectMany(window => window
                .GroupBy(e => e.Key)
                .SelectMany(key => key.LongCount().Select(count => (Key: key.Key, Start: window.Key, Count: count))))
            .Subscribe(r => digest.Add(r.Key, r.Start, r.Start + Size, r.Count)))
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
