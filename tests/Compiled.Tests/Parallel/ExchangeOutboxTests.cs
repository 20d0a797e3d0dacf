using System;
using System.Collections.Generic;
using System.Threading;
using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>An exchange item for the outbox tests: a value, or a marker.</summary>
public struct TestItem : IExchangeItem<TestItem>
{
    public int Port;
    public Instant Timestamp;
    public int Value;

    readonly int IExchangeItem<TestItem>.Port => Port;

    readonly Instant IExchangeItem<TestItem>.Timestamp => Timestamp;

    public static TestItem Marker(int port, Instant at) => new() { Port = port, Timestamp = at };
}

/// <summary>The sending side of the streaming parallel runner: lazy watermark markers, idleness, flushing by time.</summary>
public class ExchangeOutboxTests
{
    /// <summary>Everything published to a channel so far, as lines: "3@100" for an element, "W100" for a watermark marker.</summary>
    private static List<string> Published(ExchangeChannel<TestItem> channel)
    {
        var lines = new List<string>();
        while (channel.TryRead(out var batch, out _) == ExchangeItemKind.Batch)
        {
            foreach (var item in batch)
            {
                lines.Add(item.Port switch
                {
                    ExchangeMarkers.Watermark => "W" + item.Timestamp.Millis,
                    ExchangeMarkers.Idle => "idle",
                    ExchangeMarkers.EndBundle => "end",
                    ExchangeMarkers.ProcessingTime => "P" + item.Timestamp.Millis,
                    _ => item.Value + "@" + item.Timestamp.Millis,
                });
            }
        }

        return lines;
    }

    [Fact(DisplayName = "A watermark marker goes before an element that may be late, not before one ahead of the watermark")]
    public void MarkersGoBeforeElementsThatMayBeLate()
    {
        var channel = new ExchangeChannel<TestItem>(batchSize: 16);
        var outbox = new ExchangeOutbox<TestItem>(new[] { channel }, flushInterval: -1);
        outbox.Send(0, new TestItem { Value = 0, Timestamp = new Instant(50) }); // the bundle's first element
        outbox.AdvanceWatermark(new Instant(100));
        outbox.Send(0, new TestItem { Value = 1, Timestamp = new Instant(150) }); // ahead: no marker
        outbox.AdvanceWatermark(new Instant(200));
        outbox.Send(0, new TestItem { Value = 2, Timestamp = new Instant(120) }); // behind: the marker first
        outbox.Send(0, new TestItem { Value = 3, Timestamp = new Instant(110) }); // behind, but told already
        outbox.Flush();
        Assert.Equal(new[] { "0@50", "1@150", "W200", "2@120", "3@110" }, Published(channel));
    }

    [Fact(DisplayName = "A watermark marker goes before the first element of each batch: a shard's watermark trails its sender's by about a batch")]
    public void MarkersGoBeforeEachBatch()
    {
        var channel = new ExchangeChannel<TestItem>(batchSize: 4, capacity: 8);
        var outbox = new ExchangeOutbox<TestItem>(new[] { channel }, flushInterval: -1, bundleEnds: false);
        for (var i = 0; i < 8; i++)
        {
            outbox.AdvanceWatermark(new Instant(i * 10));
            outbox.Send(0, new TestItem { Value = i, Timestamp = new Instant((i * 10) + 100) }); // each ahead of the watermark
        }

        outbox.Flush();

        // The first batch: the marker and three elements; each next one starts with the watermark the sender had then; the
        // flush tells the last.
        Assert.Equal(new[] { "W0", "0@100", "1@110", "2@120", "W30", "3@130", "4@140", "5@150", "W60", "6@160", "7@170", "W70" }, Published(channel));
    }

    [Theory(DisplayName = "A watermark that moved goes before each bundle when the shards evaluate bundle ends, before each batch when not")]
    [InlineData(true)]
    [InlineData(false)]
    public void MarkersGoBeforeBundlesOrBatches(bool bundleEnds)
    {
        var channel = new ExchangeChannel<TestItem>(batchSize: 2);
        var outbox = new ExchangeOutbox<TestItem>(new[] { channel }, flushInterval: -1, bundleEnds: bundleEnds);
        outbox.AdvanceWatermark(new Instant(100));
        outbox.Send(0, new TestItem { Value = 1, Timestamp = new Instant(200) }); // a new batch and bundle
        outbox.EndBundle();
        outbox.AdvanceWatermark(new Instant(150));
        outbox.Send(0, new TestItem { Value = 2, Timestamp = new Instant(300) }); // a new bundle, in the batch of the bundle end
        outbox.Send(0, new TestItem { Value = 3, Timestamp = new Instant(310) }); // a new batch, in the middle of the bundle
        outbox.Send(0, new TestItem { Value = 4, Timestamp = new Instant(320) });
        outbox.EndBundle();
        outbox.Flush();

        // A single runner moved its watermark to 150 before the push of 2, 3 and 4, not between them: a shard that
        // evaluates the bundle's end must not see it there (it could fire an early pane of 2's window without 3).
        var expected = bundleEnds
            ? new[] { "W100", "1@200", "end", "W150", "2@300", "3@310", "4@320", "end" }
            : new[] { "W100", "1@200", "end", "2@300", "W150", "3@310", "4@320", "end" };
        Assert.Equal(expected, Published(channel));
    }

    [Fact(DisplayName = "An element written in place (Reserve, Commit) gets the watermark marker before it as a sent one does")]
    public void ElementsWrittenInPlaceGetTheirMarkers()
    {
        var channel = new ExchangeChannel<TestItem>(batchSize: 16);
        var outbox = new ExchangeOutbox<TestItem>(new[] { channel }, flushInterval: -1);
        outbox.AdvanceWatermark(new Instant(100));
        Write(outbox, 1, 150); // ahead: no marker
        outbox.AdvanceWatermark(new Instant(200));
        Write(outbox, 2, 120); // behind: the marker first
        outbox.Send(0, new TestItem { Value = 3, Timestamp = new Instant(110) }); // behind, but told already
        outbox.AdvanceWatermark(new Instant(300));
        outbox.EndBundle();
        Write(outbox, 4, 250);
        outbox.EndBundle();
        outbox.Flush();
        Assert.Equal(new[] { "W100", "1@150", "W200", "2@120", "3@110", "end", "W300", "4@250", "end" }, Published(channel));

        static void Write(ExchangeOutbox<TestItem> outbox, int value, long timestamp)
        {
            ref var item = ref outbox.Reserve(0, new Instant(timestamp));
            item.Port = 0;
            item.Value = value;
            item.Timestamp = new Instant(timestamp);
            outbox.Commit(0);
        }
    }

    [Fact(DisplayName = "An idle sender's watermark waits for MarkActive, which sends it again")]
    public void IdleAndActive()
    {
        var channel = new ExchangeChannel<TestItem>(batchSize: 16);
        var outbox = new ExchangeOutbox<TestItem>(new[] { channel }, flushInterval: -1);
        outbox.AdvanceWatermark(new Instant(100));
        outbox.MarkIdle();
        outbox.AdvanceWatermark(new Instant(300));
        outbox.Flush();
        Assert.Equal(new[] { "idle" }, Published(channel));
        outbox.MarkActive();
        outbox.Flush();
        Assert.Equal(new[] { "W300" }, Published(channel));
    }

    [Fact(DisplayName = "The watermark is published by time: after a fast burst, a slow stream is flushed within 64 advances")]
    public void FlushesByTimeAfterABurst()
    {
        var channel = new ExchangeChannel<TestItem>(batchSize: 1024);
        var outbox = new ExchangeOutbox<TestItem>(new[] { channel }, flushInterval: 1);
        long t = 0;
        for (var i = 0; i < 100_000; i++)
        {
            outbox.AdvanceWatermark(new Instant(++t)); // a burst: the clock is read every 64 advances at most
        }

        Published(channel);
        Thread.Sleep(20);
        var flushedAfter = -1;
        for (var i = 1; i <= 64 && flushedAfter < 0; i++)
        {
            outbox.AdvanceWatermark(new Instant(++t));
            if (Published(channel).Count > 0)
            {
                flushedAfter = i;
            }
        }

        Assert.InRange(flushedAfter, 1, 64);
    }
}
