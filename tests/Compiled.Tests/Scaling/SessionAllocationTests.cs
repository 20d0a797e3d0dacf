using System;
using System.Linq;
using Compiled.Benchmarks.EventTime;
using Xunit;
using Xunit.Abstractions;

// Not under EventTime/ or Pipelines/: the generator's fuzz test takes the pipelines there as seeds, compiled without
// the benchmark types (Event) these use.
namespace Compiled.Tests.Scaling;

/// <summary>
/// Sessions on open session state allocate nothing per event in steady state: W5's streaming runners, once warmed up on
/// the same events earlier in event time (the keys, slots and wheel grown to what the data needs), take a million more
/// events, with the sessions they open, merge and fire, and allocate 0 bytes on this thread.
/// </summary>
[Collection(nameof(TimingTests))]
public class SessionAllocationTests(ITestOutputHelper output)
{
    private const int Events = 1_000_000;

    /// <summary>The events again, <paramref name="round"/> spans of their event time later (the same sessions, later).</summary>
    private static Event[] Later(Event[] events, int round)
    {
        var shift = (events[^1].Time - events[0].Time + 100_000) * round;
        return events.Select(e => e with { Time = e.Time + shift }).ToArray();
    }

    [Theory(DisplayName = "Sessions pushed one event at a time, the watermark after each, allocate nothing per event in steady state")]
    [InlineData("W5")]
    [InlineData("W5Long")]
    public void OneEventAtATimeAllocatesNothing(string data)
    {
        var events = data == "W5" ? EventData.Sessions(Events) : EventData.LongSessions(Events);
        var rounds = Enumerable.Range(0, 5).Select(r => Later(events, r)).ToArray();
        var runner = W5SessionCountsPipeline.CreateRunner(default(WindowDigestSink));
        var max = long.MinValue;
        void Push(Event[] round)
        {
            foreach (var e in round)
            {
                runner.PushEvents(e, new Instant(e.Time));
                max = Math.Max(max, e.Time);
                runner.AdvanceWatermark(new Instant(max - EventData.WatermarkDelayMs));
            }
        }

        for (var r = 0; r < 4; r++)
        {
            Push(rounds[r]);
        }

        System.Threading.Thread.Sleep(250);
        var firedBefore = runner.Counts.Digest.Count;
        var before = GC.GetAllocatedBytesForCurrentThread();
        Push(rounds[4]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var sessions = runner.Counts.Digest.Count - firedBefore;
        output.WriteLine($"{allocated} bytes for {Events:N0} events and {sessions:N0} sessions fired");
        Assert.True(sessions > 1_000, sessions.ToString());
        Assert.Equal(0, allocated);
        runner.Finish();
    }

    [Fact(DisplayName = "Sessions pushed as one span into a source with its own watermark (cut into bundles) allocate nothing per event in steady state")]
    public void OneSpanAllocatesNothing()
    {
        var events = EventData.Sessions(Events);
        var rounds = Enumerable.Range(0, 5).Select(r => Later(events, r)).ToArray();
        var runner = W5SessionCountsOwnWatermarkPipeline.CreateRunner(default(WindowDigestSink));
        for (var r = 0; r < 4; r++)
        {
            runner.PushEvents(rounds[r]);
        }

        System.Threading.Thread.Sleep(250);
        var before = GC.GetAllocatedBytesForCurrentThread();
        runner.PushEvents(rounds[4]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes for {Events:N0} events");
        Assert.Equal(0, allocated);
        runner.Finish();
    }
}
