using System;
using System.Collections.Generic;
using System.ComponentModel;
using Compiled.Coders;

namespace Compiled.Execution;

/// <summary>When an element waiting to be sorted by timestamp is due (Beam's <c>@RequiresTimeSortedInput</c>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TimeSortedBuffer
{
    /// <summary>The time the watermark must pass for an element at <paramref name="timestampMillis"/> to be due: its timestamp plus the allowed lateness.</summary>
    /// <param name="timestampMillis">The element's timestamp.</param>
    /// <param name="latenessMillis">The allowed lateness (not negative).</param>
    /// <returns>The due time, at most <see cref="long.MaxValue"/>.</returns>
    public static long DueAt(long timestampMillis, long latenessMillis) =>
        timestampMillis > long.MaxValue - latenessMillis ? long.MaxValue : timestampMillis + latenessMillis;

    /// <summary>
    /// Whether the watermark has passed an element's timestamp plus the allowed lateness: a waiting element is then due,
    /// and an arriving one is too late to be sorted (Beam drops it).
    /// </summary>
    /// <param name="timestampMillis">The element's timestamp.</param>
    /// <param name="watermark">The input watermark.</param>
    /// <param name="latenessMillis">The allowed lateness.</param>
    /// <returns>True when due (or late).</returns>
    public static bool IsDue(long timestampMillis, Instant watermark, long latenessMillis) => watermark.Millis > DueAt(timestampMillis, latenessMillis);
}

/// <summary>
/// The elements of a stateful ParDo with Beam's <c>@RequiresTimeSortedInput</c> waiting for the watermark: ordered by
/// timestamp, then by arrival (Beam leaves the order of equal timestamps undefined; arrival order is ours). An element
/// is due once the watermark passes its timestamp plus the allowed lateness; until then its timestamp holds the output
/// watermark.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <remarks>
/// <para>State: a binary heap of (key, value, timestamp, window), by (timestamp, arrival).</para>
/// <para>Lifetime: an element leaves when it is due; the heap's array grows to the most elements waiting at once, then
/// is reused, so a warmed-up runner allocates nothing per element.</para>
/// <para>Generated code drives it; it is public for that reason only.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TimeSortedBuffer<TKey, TValue>
{
    private readonly PriorityQueue<(TKey Key, TValue Value, Instant Timestamp, BoundedWindow Window), (long Timestamp, long Arrival)> _heap = new();
    private long _arrivals;

    /// <summary>Elements waiting.</summary>
    public int Count => _heap.Count;

    /// <summary>The earliest timestamp waiting (the watermark hold), or <see cref="Instant.MaxValue"/>.</summary>
    public Instant MinTimestamp => _heap.TryPeek(out _, out var priority) ? new Instant(priority.Timestamp) : Instant.MaxValue;

    /// <summary>Adds an element to wait for the watermark.</summary>
    /// <param name="key">Its key.</param>
    /// <param name="value">Its value.</param>
    /// <param name="timestamp">Its timestamp.</param>
    /// <param name="window">Its window.</param>
    public void Add(TKey key, TValue value, Instant timestamp, BoundedWindow window) =>
        _heap.Enqueue((key, value, timestamp, window), (timestamp.Millis, _arrivals++));

    /// <summary>The earliest element's timestamp, if any waits.</summary>
    /// <param name="timestamp">Its timestamp in milliseconds.</param>
    /// <returns>False when none waits.</returns>
    public bool TryPeek(out long timestamp)
    {
        if (_heap.TryPeek(out _, out var priority))
        {
            timestamp = priority.Timestamp;
            return true;
        }

        timestamp = long.MaxValue;
        return false;
    }

    /// <summary>Takes the earliest element.</summary>
    /// <returns>Its key, value, timestamp and window.</returns>
    public (TKey Key, TValue Value, Instant Timestamp, BoundedWindow Window) Take() => _heap.Dequeue();

    /// <summary>Writes the waiting elements for a checkpoint, each with its arrival number (which orders equal timestamps).</summary>
    /// <typeparam name="TKeyCoder">The keys' coder.</typeparam>
    /// <typeparam name="TValueCoder">The values' coder.</typeparam>
    /// <param name="writer">Where the bytes go.</param>
    public void WriteCheckpoint<TKeyCoder, TValueCoder>(ref CoderWriter writer)
        where TKeyCoder : struct, ICoder<TKey>
        where TValueCoder : struct, ICoder<TValue>
    {
        writer.WriteInt64(_arrivals);
        writer.WriteLength(_heap.Count);
        foreach (var ((key, value, timestamp, window), (_, arrival)) in _heap.UnorderedItems)
        {
            default(TKeyCoder).Encode(ref writer, key);
            default(TValueCoder).Encode(ref writer, value);
            writer.WriteInstant(timestamp);
            default(BoundedWindowCoder).Encode(ref writer, window);
            writer.WriteInt64(arrival);
        }
    }

    /// <summary>Reads what <see cref="WriteCheckpoint{TKeyCoder, TValueCoder}"/> wrote into this empty buffer.</summary>
    /// <typeparam name="TKeyCoder">The keys' coder.</typeparam>
    /// <typeparam name="TValueCoder">The values' coder.</typeparam>
    /// <param name="reader">The bytes.</param>
    public void ReadCheckpoint<TKeyCoder, TValueCoder>(ref CoderReader reader)
        where TKeyCoder : struct, ICoder<TKey>
        where TValueCoder : struct, ICoder<TValue>
    {
        if (_heap.Count != 0)
        {
            throw new InvalidOperationException("A checkpoint is restored into a new runner only.");
        }

        _arrivals = reader.ReadInt64();
        for (var count = reader.ReadLength(); count > 0; count--)
        {
            var key = default(TKeyCoder).Decode(ref reader);
            var value = default(TValueCoder).Decode(ref reader);
            var timestamp = reader.ReadInstant();
            var window = default(BoundedWindowCoder).Decode(ref reader);
            _heap.Enqueue((key, value, timestamp, window), (timestamp.Millis, reader.ReadInt64()));
        }
    }

    /// <summary>
    /// Takes from <paramref name="source"/> (restored from the part of one old shard) the waiting elements of the keys
    /// <paramref name="owns"/> says belong here, when a checkpoint is restored at another parallelism. A key's elements
    /// all come from one part, so their arrival numbers still order its equal timestamps.
    /// </summary>
    /// <param name="source">The old shard's buffer (read only).</param>
    /// <param name="owns">Whether a key's group belongs to this shard.</param>
    public void AdoptCheckpointed(TimeSortedBuffer<TKey, TValue> source, Func<TKey, bool> owns)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(owns);
        _arrivals = Math.Max(_arrivals, source._arrivals);
        foreach (var (element, priority) in source._heap.UnorderedItems)
        {
            if (owns(element.Key))
            {
                _heap.Enqueue(element, priority);
            }
        }
    }
}
