using System;
using System.Linq;
using Compiled;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.State;

/// <summary>A bag, a count and a timer per key and window: every cell kind that owns storage, and a timer per element.</summary>
public struct WindowBufferState
{
    public BagState<int> Values;
    public ValueState<long> Count;
    public CombiningState<int, int, int, SumFn<int>> Sum;
    public MapState<int, int> Last;
    public EventTimeTimer Flush;
}

/// <summary>Per key and 1 s window: buffer the values, and when the window's end timer fires, output their count and sum.</summary>
[Pipeline]
public partial class WindowBuffer
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<int, int>>("values")
         .Window(Windows.Fixed(TimeSpan.FromSeconds(1)))
         .ParDo(
             static (int key, int value, ref WindowBufferState state, ProcessContext context, IEmitter<long> output) =>
             {
                 state.Values.Add(value);
                 state.Count.Write(state.Count.ReadOrDefault(0) + 1);
                 state.Sum.Add(value);
                 state.Last.Put(value & 7, value);
                 state.Flush.Set(context.Window.MaxTimestamp);
             },
             onTimer: static (int key, ref WindowBufferState state, TimerContext timer, IEmitter<long> output) =>
                 output.Emit(state.Values.Count + state.Count.Read() + state.Sum.Read() + state.Last.Count))
         .Output("totals");
}

/// <summary>Per key and 1 s window, a running sum of the values in timestamp order (requiresTimeSortedInput).</summary>
[Pipeline]
public partial class TimeSortedWindowSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<int, int>>("values")
         .Window(Windows.Fixed(TimeSpan.FromSeconds(1)))
         .ParDo(
             static (int key, int value, ref RunningSum state, ProcessContext context, IEmitter<int> output) =>
             {
                 var sum = state.Sum.ReadOrDefault(0) + value;
                 state.Sum.Write(sum);
                 output.Emit(sum);
             },
             requiresTimeSortedInput: true)
         .Output("sums");
}

/// <summary>
/// A warmed-up stateful ParDo allocates nothing per element: windows expire and their slots, bags and maps are reused by
/// the next windows' keys; timers are set (and re-set) for every element and fire as the watermark advances.
/// </summary>
public class StateAllocationTests(ITestOutputHelper output)
{
    private const int Elements = 1_000_000;
    private const int Keys = 100;
    private const int Chunk = 1_000;

    private static TimestampedValue<KV<int, int>>[] Data(long offsetMillis) =>
        Enumerable.Range(0, Elements)
            .Select(i => new TimestampedValue<KV<int, int>>(KV.Of(i % Keys, i), new Instant(offsetMillis + i)))
            .ToArray();

    private static void Push(WindowBuffer.Runner<NullSink<long>> runner, TimestampedValue<KV<int, int>>[] data)
    {
        for (var start = 0; start < data.Length; start += Chunk)
        {
            runner.PushValues(data.AsSpan(start, Chunk));
            runner.AdvanceWatermark(data[start + Chunk - 1].Timestamp); // windows behind it fire their timers and expire
        }
    }

    [Fact]
    public void WarmedUpStatefulParDoAllocatesNothingPerElement()
    {
        var warmUp = Data(0);
        var measured = Data(Elements);
        var runner = WindowBuffer.CreateRunner(new NullSink<long>());
        Push(runner, warmUp); // JIT, and the slots, cells and heaps grow to their steady sizes

        var before = GC.GetAllocatedBytesForCurrentThread();
        Push(runner, measured);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{allocated} bytes for {Elements:N0} elements ({Elements / 1000:N0} windows of {Keys} keys expired)");
        Assert.Equal(0, allocated);
        runner.Finish();
    }

    /// <summary>
    /// The same with requiresTimeSortedInput: each chunk arrives in reverse timestamp order, waits in the sort buffer and
    /// runs sorted as the watermark moves; once warmed up, the buffer's heap and the slots are reused: 0 B per element.
    /// </summary>
    [Fact]
    public void WarmedUpTimeSortedParDoAllocatesNothingPerElement()
    {
        static TimestampedValue<KV<int, int>>[] Reversed(long offsetMillis)
        {
            var data = Data(offsetMillis);
            for (var start = 0; start < data.Length; start += Chunk)
            {
                Array.Reverse(data, start, Chunk);
            }

            return data;
        }

        static void PushSorted(TimeSortedWindowSums.Runner<NullSink<int>> runner, TimestampedValue<KV<int, int>>[] data)
        {
            for (var start = 0; start < data.Length; start += Chunk)
            {
                runner.PushValues(data.AsSpan(start, Chunk));
                runner.AdvanceWatermark(data[start].Timestamp); // the chunk's latest: everything before it runs, sorted
            }
        }

        var runner = TimeSortedWindowSums.CreateRunner(new NullSink<int>());
        var offset = 0L;
        Compiled.Tests.Pipelines.AllocationTests.WarmUp(() => PushSorted(runner, Reversed(Elements * offset++)));
        var measured = Reversed(Elements * offset);
        var before = GC.GetAllocatedBytesForCurrentThread();
        PushSorted(runner, measured);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{allocated} bytes for {Elements:N0} elements sorted by timestamp");
        Assert.Equal(0, allocated);
        runner.Finish();
    }

    [Fact]
    public void EveryWindowsTimerFiresOnceWithItsOwnState()
    {
        var runner = WindowBuffer.CreateRunner(new ListSink<long>());
        var data = Data(0).Take(10_000).ToArray();
        runner.PushValues(data);
        runner.Finish();

        // 10 windows of 1,000 elements, 100 keys: 10 elements per key and window. Each timer sees its window's values only
        // (a reused slot starts empty): count 10 + 10, and the map of value & 7 holds 8 (or fewer) entries.
        Assert.Equal(10 * Keys, runner.Totals.Items.Count);
        var expected = Enumerable.Range(0, 10).SelectMany(w => Enumerable.Range(0, Keys).Select(k =>
        {
            var values = Enumerable.Range(0, 10).Select(j => (w * 1000) + k + (j * Keys)).ToArray();
            return 20L + values.Sum() + values.Select(v => v & 7).Distinct().Count();
        })).Order();
        Assert.Equal(expected, runner.Totals.Items.Order());
    }
}

/// <summary>
/// The stateful benchmarks (dedup, session with timeout) compare the generated stateful ParDo with a hand-written loop:
/// on 200,000 of W3's events both must give the same digest of their outputs.
/// </summary>
public class StatefulBenchmarkDigestTests
{
    private static readonly Lazy<Compiled.Benchmarks.EventTime.Event[]> Events = new(() => Compiled.Benchmarks.EventTime.EventData.Uniform(200_000));

    [Fact]
    public void DedupGeneratedEqualsTheHandLoop()
    {
        var expected = Compiled.Benchmarks.EventTime.StatefulWorkloads.DedupHandLoop(Events.Value);
        Assert.True(expected.Count > 10_000, expected.ToString());
        Assert.Equal(expected, Compiled.Benchmarks.EventTime.StatefulWorkloads.DedupGenerated(Events.Value));
    }

    [Fact]
    public void SessionTimeoutGeneratedEqualsTheHandLoop()
    {
        var expected = Compiled.Benchmarks.EventTime.StatefulWorkloads.SessionsHandLoop(Events.Value);
        Assert.True(expected.Count > 1_000, expected.ToString());
        Assert.Equal(expected, Compiled.Benchmarks.EventTime.StatefulWorkloads.SessionsGenerated(Events.Value));
    }
}
