using System;
using System.Collections.Generic;
using System.Linq;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Runtime.InteropServices;
using Compiled;

namespace Compiled.Benchmarks.EventTime;

/// <summary>W4, generated: sum of value per key in sliding 60 s windows every 10 s, default trigger.</summary>
[Pipeline]
public partial class W4SlidingSumsPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .Window(Windows.Sliding(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Key, (long)e.Value))
         .CombinePerKey(Combiners.Sum<long>())
         .Output("sums");
}

/// <summary>W4: sliding 60 s windows every 10 s, sum of value per key; the four variants.</summary>
public static class W4SlidingSums
{
    public const long Size = 60_000;
    public const long Period = 10_000;

    /// <summary>The starts of the sliding windows containing <paramref name="t"/>: every period-aligned start in (t - size, t].</summary>
    public static IEnumerable<long> WindowStarts(long t)
    {
        for (var start = EventWindows.FloorStart(t, Period); start > t - Size; start -= Period)
        {
            yield return start;
        }
    }

    public static WindowDigest Generated(Event[] events)
    {
        var runner = W4SlidingSumsPipeline.CreateRunner(default(WindowDigestSink));
        var max = long.MinValue;
        foreach (var e in events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            max = Math.Max(max, e.Time);
            runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
        }

        runner.Finish();
        return runner.Sums.Digest;
    }

    private sealed class Pane
    {
        public long Start;
        public readonly Dictionary<int, long> Sums = new();
    }

    /// <summary>
    /// The hand-written streaming loop with panes: each event updates one partial sum, in the 10 s pane of its
    /// timestamp; a window is the six panes it covers, merged into a scratch map when the watermark passes the
    /// window's end. A pane is pooled once the last window covering it is emitted. An event is dropped only when
    /// every window containing it was already emitted (a partly expired pane still feeds its later windows, as
    /// Beam drops late data per window).
    /// </summary>
    public static WindowDigest HandLoop(Event[] events)
    {
        var digest = new WindowDigest();
        var panes = new List<Pane>(); // ascending start
        var pool = new Stack<Pane>();
        var scratch = new Dictionary<int, long>();
        var currentStart = long.MinValue;
        Pane? current = null;
        var max = long.MinValue;
        var watermark = long.MinValue;
        var emittedEnd = long.MinValue / 2; // end of the last window emitted
        var due = long.MaxValue;            // max timestamp of the next window to emit
        long dropped = 0;

        foreach (var e in events)
        {
            // Fast path: the event is in the cached pane (one unsigned compare, no division).
            if ((ulong)(e.Time - currentStart) >= (ulong)Period)
            {
                var start = EventWindows.FloorStart(e.Time, Period);
                if (start + Size - 1 < watermark)
                {
                    dropped++; // every window containing it was emitted
                    continue;
                }

                current = null;
                var at = panes.Count;
                for (var i = panes.Count - 1; i >= 0; i--)
                {
                    if (panes[i].Start == start)
                    {
                        current = panes[i];
                        break;
                    }

                    if (panes[i].Start < start)
                    {
                        break;
                    }

                    at = i;
                }

                if (current is null)
                {
                    current = pool.Count > 0 ? pool.Pop() : new Pane();
                    current.Start = start;
                    panes.Insert(at, current);
                    due = NextEnd(emittedEnd, panes) - 1;
                }

                currentStart = start;
            }

            CollectionsMarshal.GetValueRefOrAddDefault(current!.Sums, e.Key, out _) += e.Value;

            if (e.Time > max)
            {
                max = e.Time;
                watermark = max - EventData.WatermarkDelayMs;
                if (due < watermark)
                {
                    Fire(watermark, ref digest, ref emittedEnd, ref currentStart, panes, pool, scratch);
                    due = panes.Count > 0 ? NextEnd(emittedEnd, panes) - 1 : long.MaxValue;
                }
            }
        }

        Fire(long.MaxValue, ref digest, ref emittedEnd, ref currentStart, panes, pool, scratch);
        GC.KeepAlive(dropped);
        return digest;

        static long NextEnd(long emittedEnd, List<Pane> panes) => Math.Max(emittedEnd + Period, panes[0].Start + Period);

        static void Fire(long watermark, ref WindowDigest digest, ref long emittedEnd, ref long currentStart, List<Pane> panes, Stack<Pane> pool, Dictionary<int, long> scratch)
        {
            while (panes.Count > 0)
            {
                var end = NextEnd(emittedEnd, panes);
                if (end - 1 >= watermark)
                {
                    return;
                }

                var start = end - Size;
                foreach (var pane in panes)
                {
                    if (pane.Start >= end)
                    {
                        break;
                    }

                    foreach (var (key, sum) in pane.Sums)
                    {
                        CollectionsMarshal.GetValueRefOrAddDefault(scratch, key, out _) += sum;
                    }
                }

                foreach (var (key, sum) in scratch)
                {
                    digest.Add(key, start, end, sum);
                }

                scratch.Clear();
                emittedEnd = end;

                // Panes before the next window's start are in no window still to come.
                while (panes.Count > 0 && panes[0].Start < end + Period - Size)
                {
                    var pane = panes[0];
                    panes.RemoveAt(0);
                    if (pane.Start == currentStart)
                    {
                        currentStart = long.MinValue;
                    }

                    pane.Sums.Clear();
                    pool.Push(pane);
                }
            }
        }
    }

    /// <summary>Batch LINQ: each event into its six windows, group by (key, window start), sum.</summary>
    public static WindowDigest Linq(Event[] events)
    {
        var digest = new WindowDigest();
        var rows = events
            .SelectMany(e => WindowStarts(e.Time), (e, start) => (e.Key, Start: start, e.Value))
            .GroupBy(x => (x.Key, x.Start))
            .Select(g => (g.Key.Key, g.Key.Start, Sum: g.Sum(x => (long)x.Value)));
        foreach (var (key, start, sum) in rows)
        {
            digest.Add(key, start, start + Size, sum);
        }

        return digest;
    }

    /// <summary>
    /// Rx.NET, as for W3 with each event assigned to its six windows first: virtual time of a
    /// <see cref="HistoricalScheduler"/> advanced by the watermark closes each window group at its end.
    /// </summary>
    public static WindowDigest Rx(Event[] events)
    {
        var digest = new WindowDigest();
        var watermarks = new HistoricalScheduler();
        var watermark = long.MinValue;
        var input = new Subject<Event>();
        using (input
            .SelectMany(e => WindowStarts(e.Time), (e, start) => (Start: start, Event: e))
            .Where(x => x.Start + Size - 1 >= watermark)
            .GroupByUntil(x => x.Start, window => Observable.Timer(EventWindows.ToDateTime(window.Key + Size), watermarks))
            .SelectMany(window => window
                .GroupBy(x => x.Event.Key)
                .SelectMany(key => key.Sum(x => (long)x.Event.Value).Select(sum => (Key: key.Key, Start: window.Key, Sum: sum))))
            .Subscribe(r => digest.Add(r.Key, r.Start, r.Start + Size, r.Sum)))
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
