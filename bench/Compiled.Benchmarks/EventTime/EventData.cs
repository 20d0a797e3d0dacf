using System;

namespace Compiled.Benchmarks.EventTime;

/// <summary>
/// One event of the event-time workloads: an int key, an int value and an event time in epoch milliseconds.
/// The key is an int (not a short string) so that the workloads measure windowing and watermark handling,
/// not string hashing (W2 already measures text keys); every variant hashes the same 4-byte key.
/// </summary>
public readonly record struct Event(int Key, int Value, long Time);

/// <summary>
/// The event streams of W3-W5: one event per millisecond of event time, keys drawn Zipf(1.0) from 10,000 keys,
/// values in [0, 1000), and each timestamp moved back by a random 0-1999 ms (disorder). Generated from a fixed
/// seed, so every run and every variant sees the same data.
/// </summary>
/// <remarks>
/// The watermark is the largest timestamp seen minus <see cref="WatermarkDelayMs"/>, advanced after every event.
/// Event i has time <c>BaseTime + i - d</c> with <c>d &lt; 2000</c>, and every earlier event has time at most
/// <c>BaseTime + i - 1</c>, so when event i arrives the watermark is at most <c>BaseTime + i - 2001</c>: no event is
/// ever behind the watermark and none is late. The streaming variants still check lateness (and would drop), but
/// with this data they all agree with the batch LINQ variant, which sees every event.
/// </remarks>
public static class EventData
{
    /// <summary>The event time of the first event (2023-11-14, so timestamps look like real epoch milliseconds).</summary>
    public const long BaseTime = 1_700_000_000_000;

    /// <summary>How far the watermark trails the largest timestamp seen.</summary>
    public const long WatermarkDelayMs = 2_000;

    /// <summary>The largest disorder: a timestamp is moved back by 0 to MaxDisorderMs - 1 ms.</summary>
    public const int MaxDisorderMs = 2_000;

    /// <summary>The number of distinct keys.</summary>
    public const int KeyCount = 10_000;

    /// <summary>W5: how long a key is active, then idle, in each cycle of event time.</summary>
    public const long SessionActiveMs = 20_000;

    /// <summary>W5: the idle part of each key's cycle, longer than the 30 s session gap.</summary>
    public const long SessionIdleMs = 40_000;

    /// <summary>Events for the fixed and sliding window workloads (W3, W4).</summary>
    public static Event[] Uniform(int count, int seed = 20261124)
    {
        var random = new Random(seed);
        var zipf = new Zipf(KeyCount);
        var events = new Event[count];
        for (var i = 0; i < events.Length; i++)
        {
            var time = BaseTime + i - random.Next(MaxDisorderMs);
            events[i] = new Event(zipf.Next(random), random.Next(1_000), time);
        }

        return events;
    }

    /// <summary>
    /// Events with session structure (W5): each key alternates 20 s active and 40 s idle in event time, with its
    /// own random phase; a key is drawn Zipf(1.0) among the keys active at the event's timestamp. Within a burst
    /// a key's consecutive events are less than 20 s apart, between bursts at least 40 s apart, so with a 30 s gap
    /// every burst of a key is one session.
    /// </summary>
    public static Event[] Sessions(int count, int seed = 20261125)
    {
        var zipf = new Zipf(KeyCount);
        return Bursts(count, seed, KeyCount, SessionActiveMs, SessionIdleMs, zipf.Next);
    }

    /// <summary>
    /// Events in per-key bursts: each of <paramref name="keyCount"/> keys alternates <paramref name="activeMs"/> active and
    /// <paramref name="idleMs"/> idle in event time with its own random phase, and each event's key is drawn by
    /// <paramref name="draw"/> until it is one active at the event's timestamp. Same timestamps and disorder as <see cref="Uniform"/>.
    /// </summary>
    private static Event[] Bursts(int count, int seed, int keyCount, long activeMs, long idleMs, Func<Random, int> draw)
    {
        var random = new Random(seed);
        var cycle = activeMs + idleMs;
        var phase = new long[keyCount];
        for (var k = 0; k < phase.Length; k++)
        {
            phase[k] = random.NextInt64(cycle);
        }

        var events = new Event[count];
        for (var i = 0; i < events.Length; i++)
        {
            var time = BaseTime + i - random.Next(MaxDisorderMs);
            int key;
            do
            {
                key = draw(random);
            }
            while ((time - BaseTime + phase[key]) % cycle >= activeMs);
            events[i] = new Event(key, random.Next(1_000), time);
        }

        return events;
    }

    /// <summary>Long sessions (W5Long): how many keys, how long each is active, then idle, in each cycle of event time.</summary>
    public const int LongSessionKeyCount = 1_000;

    /// <summary>Long sessions: the active part of a key's cycle.</summary>
    public const long LongSessionActiveMs = 300_000;

    /// <summary>Long sessions: the idle part of a key's cycle, longer than the 30 s session gap.</summary>
    public const long LongSessionIdleMs = 40_000;

    /// <summary>
    /// Events with long sessions (W5Long): 1,000 keys, each active 5 minutes and idle 40 s in event time with its own
    /// random phase; a key is drawn uniformly among the keys active at the event's timestamp, so an active key has an event
    /// about every 1.2 s of event time and a burst is one session of about 360 events (a gap of 30 s within a burst
    /// is vanishingly rare; it would only split the burst). Same disorder and watermark as the other workloads.
    /// </summary>
    public static Event[] LongSessions(int count, int seed = 20261205) =>
        Bursts(count, seed, LongSessionKeyCount, LongSessionActiveMs, LongSessionIdleMs, static random => random.Next(LongSessionKeyCount));

    /// <summary>Zipf(1.0) over [0, n) by inverse transform of the cumulative weights (key 0 the most frequent).</summary>
    private sealed class Zipf
    {
        private readonly double[] _cumulative;
        private readonly double _total;

        public Zipf(int n)
        {
            _cumulative = new double[n];
            for (var i = 0; i < n; i++)
            {
                _total += 1.0 / (i + 1);
                _cumulative[i] = _total;
            }
        }

        public int Next(Random random)
        {
            var index = Array.BinarySearch(_cumulative, random.NextDouble() * _total);
            return index < 0 ? Math.Min(~index, _cumulative.Length - 1) : index;
        }
    }
}
