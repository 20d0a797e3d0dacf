using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>
/// Combine functions that read a side input (Beam's CombineFnWithContext), ported from Beam's CombineTest with Beam's
/// expected outputs: per key and globally, in the global window and in fixed, sliding and session windows, where each
/// pane's values are combined with the side input of the pane's (merged) window.
/// </summary>
public class CombineWithContextTests
{
    private static readonly TimedEntry[] FixedData = [new("a", 1, 0), new("a", 1, 1), new("a", 4, 6), new("b", 1, 7), new("b", 13, 8)];
    private static readonly TimedEntry[] SlidingData = [new("a", 1, 2), new("a", 1, 3), new("a", 4, 8), new("b", 1, 9), new("b", 13, 10)];
    private static readonly TimedEntry[] SessionsData = [new("a", 1, 0), new("a", 1, 4), new("a", 4, 7), new("b", 1, 10), new("b", 13, 16)];

    private static readonly string[] FixedPerKey = ["a=2:11", "a=5:4", "b=13:13", "b=5:1"];
    private static readonly string[] FixedGlobally = ["13:13", "2:11", "5:14"];
    private static readonly string[] SlidingPerKey = ["a=1:1", "a=1:1", "a=2:11", "a=4:4", "a=5:4", "b=13:13", "b=14:113", "b=5:1"];
    private static readonly string[] SlidingGlobally = ["13:13", "14:113", "1:1", "1:1", "2:11", "4:4", "5:14"];
    private static readonly string[] SessionsPerKey = ["a=1:114", "b=0:13", "b=1:1"];
    private static readonly string[] SessionsGlobally = ["0:13", "1:1114"];

    /// <summary>testSimpleCombineWithContext: the global sum 20 seeds every combine; a "20:114", b "20:113", globally "20:111134".</summary>
    [Fact]
    public void Simple()
    {
        var results = SimpleCombineWithContext.Run([KV.Of("a", 1), KV.Of("a", 1), KV.Of("a", 4), KV.Of("b", 1), KV.Of("b", 13)]);
        Assert.Equal([20], results.Sum);
        Assert.Equal(["a=20:114", "b=20:113"], Sorted(results.PerKey.Select(Text)));
        Assert.Equal(["20:111134"], results.Globally);
    }

    /// <summary>testSimpleCombineWithContextEmpty: the sum is its default 0, and neither combine has output.</summary>
    [Fact]
    public void SimpleEmpty()
    {
        var results = SimpleCombineWithContext.Run(Array.Empty<KV<string, int>>());
        Assert.Equal([0], results.Sum);
        Assert.Empty(results.PerKey);
        Assert.Empty(results.Globally);
    }

    /// <summary>testFixedWindowsCombineWithContext: fixed 2 ms windows; sums 2, 5, 13 seed each window's combines.</summary>
    [Fact]
    public void FixedWindows()
    {
        var results = FixedWindowsCombineWithContext.Run(FixedData);
        Assert.Equal([2, 5, 13], results.Sum.Order());
        Assert.Equal(FixedPerKey, Sorted(results.PerKey.Select(Text)));
        Assert.Equal(FixedGlobally, Sorted(results.Globally));

        // Each output is in its window, at the window's max timestamp (the grouping's end-of-window timestamp).
        Assert.Equal(
            ["[0, 2) @1 a=2:11", "[6, 8) @7 a=5:4", "[6, 8) @7 b=5:1", "[8, 10) @9 b=13:13"],
            Sorted(results.PerKeyElements.Select(e => "[" + e.Window.Start.Millis + ", " + e.Window.End.Millis + ") @" + e.Timestamp.Millis + " " + Text(e.Value))));
    }

    /// <summary>testSlidingWindowsCombineWithContext: sliding 2 ms every 1 ms; each window reads its own sum.</summary>
    [Fact]
    public void SlidingWindows()
    {
        var results = SlidingWindowsCombineWithContext.Run(SlidingData);
        Assert.Equal([1, 1, 2, 4, 5, 13, 14], results.Sum.Order());
        Assert.Equal(SlidingPerKey, Sorted(results.PerKey.Select(Text)));
        Assert.Equal(SlidingGlobally, Sorted(results.Globally));
    }

    /// <summary>
    /// testSessionsCombineWithContext: a's session [0, 12) and the global session [0, 15) read the fixed window [10, 15)
    /// (sum 1) of their max timestamps; the session [16, 21) reads [20, 25), which has no sum: the default 0.
    /// </summary>
    [Fact]
    public void Sessions()
    {
        var results = SessionsCombineWithContext.Run(SessionsData);
        Assert.Equal([1, 2, 4, 13], results.FixedSum.Order());
        Assert.Equal(SessionsPerKey, Sorted(results.PerKey.Select(Text)));
        Assert.Equal(SessionsGlobally, Sorted(results.Globally));
        Assert.Equal(
            ["[0, 12) a=1:114", "[10, 15) b=1:1", "[16, 21) b=0:13"],
            Sorted(results.PerKeyElements.Select(e => "[" + e.Window.Start.Millis + ", " + e.Window.End.Millis + ") " + Text(e.Value))));
    }

    /// <summary>The same results from the parallel batch runner: the groupings exchange by key, the view is broadcast.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void OnShards(int parallelism)
    {
        var fixedResults = FixedWindowsCombineWithContext.Run(FixedData.AsMemory(), parallelism);
        Assert.Equal(FixedPerKey, Sorted(fixedResults.PerKey.Select(Text)));
        Assert.Equal(FixedGlobally, Sorted(fixedResults.Globally));
        var sliding = SlidingWindowsCombineWithContext.Run(SlidingData.AsMemory(), parallelism);
        Assert.Equal(SlidingPerKey, Sorted(sliding.PerKey.Select(Text)));
        Assert.Equal(SlidingGlobally, Sorted(sliding.Globally));
        var sessions = SessionsCombineWithContext.Run(SessionsData.AsMemory(), parallelism);
        Assert.Equal(SessionsPerKey, Sorted(sessions.PerKey.Select(Text)));
        Assert.Equal(SessionsGlobally, Sorted(sessions.Globally));
        var simple = SimpleCombineWithContext.Run(new[] { KV.Of("a", 1), KV.Of("a", 1), KV.Of("a", 4), KV.Of("b", 1), KV.Of("b", 13) }.AsMemory(), parallelism);
        Assert.Equal(["a=20:114", "b=20:113"], Sorted(simple.PerKey.Select(Text)));
        Assert.Equal(["20:111134"], simple.Globally);
    }

    /// <summary>
    /// Streaming, one element at a time with the watermark following: a pane waits for its side window (the grouping fires
    /// at the session's end, the view's window completes with the same watermark), and the results are Beam's.
    /// </summary>
    [Fact]
    public void Streaming()
    {
        var perKey = new List<string>();
        var globally = new List<string>();
        var runner = SessionsCombineWithContext.CreateRunner(
            new CallbackSink<int>(static (WindowedValue<int> _) => { }),
            new CallbackSink<KV<string, string>>((WindowedValue<KV<string, string>> e) => perKey.Add(Text(e.Value))),
            new CallbackSink<string>((WindowedValue<string> e) => globally.Add(e.Value)));
        foreach (var e in SessionsData)
        {
            runner.PushTable(e, new Instant(e.TimeMs));
        }

        // a's session [0, 12) fires at 12, but its side window [10, 15) is complete only at 15: the pane waits for it.
        runner.AdvanceWatermark(new Instant(12));
        Assert.Empty(perKey);
        runner.AdvanceWatermark(new Instant(14));
        Assert.Empty(perKey);
        runner.AdvanceWatermark(new Instant(15));
        Assert.Contains("a=1:114", perKey);
        Assert.Contains("b=1:1", perKey);
        Assert.Equal(["1:1114"], globally);
        runner.Finish();
        Assert.Equal(SessionsPerKey, Sorted(perKey));
        Assert.Equal(SessionsGlobally, Sorted(globally));
    }

    /// <summary>The streaming parallel runner gives Beam's results for every windowing.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void StreamingOnShards(int parallelism)
    {
        static (string[] PerKey, string[] Globally) Run<TRunner>(TRunner runner, TimedEntry[] data, Action<TRunner, TimedEntry> push, Func<TRunner, IEnumerable<string>> perKey, Func<TRunner, IEnumerable<string>> globally)
            where TRunner : IStreamingRunner
        {
            foreach (var e in data)
            {
                push(runner, e);
            }

            Compiled.Tests.Parallel.TestThreads.Run(TimeSpan.FromSeconds(60), runner.Finish);
            return (Sorted(perKey(runner)), Sorted(globally(runner)));
        }

        var options = new ParallelRunnerOptions { Parallelism = parallelism };
        using (var fixedRunner = FixedWindowsCombineWithContext.CreateParallelRunner(() => new ListSink<int>(), () => new ListSink<KV<string, string>>(), () => new ListSink<string>(), options))
        {
            var (perKey, globally) = Run(fixedRunner, FixedData, static (r, e) => r.PushTable(e, new Instant(e.TimeMs)),
                static r => r.PerKeySinks().SelectMany(s => s.Items).Select(Text), static r => r.GloballySinks().SelectMany(s => s.Items));
            Assert.Equal(FixedPerKey, perKey);
            Assert.Equal(FixedGlobally, globally);
        }

        using (var sessionsRunner = SessionsCombineWithContext.CreateParallelRunner(() => new ListSink<int>(), () => new ListSink<KV<string, string>>(), () => new ListSink<string>(), options))
        {
            var (perKey, globally) = Run(sessionsRunner, SessionsData, static (r, e) => r.PushTable(e, new Instant(e.TimeMs)),
                static r => r.PerKeySinks().SelectMany(s => s.Items).Select(Text), static r => r.GloballySinks().SelectMany(s => s.Items));
            Assert.Equal(SessionsPerKey, perKey);
            Assert.Equal(SessionsGlobally, globally);
        }
    }

    /// <summary>
    /// A checkpoint taken while a grouped pane waits for its side window, restored into a new runner, gives the
    /// uninterrupted run's results: the waiting pane and the view's windows are in it.
    /// </summary>
    [Fact]
    public void CheckpointKeepsWaitingPanes()
    {
        static void First(SessionsCombineWithContext.Runner<CallbackSink<int>, CallbackSink<KV<string, string>>, CallbackSink<string>> runner)
        {
            foreach (var e in SessionsData.Take(4))
            {
                runner.PushTable(e, new Instant(e.TimeMs));
            }

            runner.AdvanceWatermark(new Instant(13)); // a's session [0, 12) fired; it waits for [10, 15)
        }

        static void Second(SessionsCombineWithContext.Runner<CallbackSink<int>, CallbackSink<KV<string, string>>, CallbackSink<string>> runner)
        {
            runner.PushTable(SessionsData[4], new Instant(SessionsData[4].TimeMs));
            runner.Finish();
        }

        SessionsCombineWithContext.Runner<CallbackSink<int>, CallbackSink<KV<string, string>>, CallbackSink<string>> Create(List<string> into) =>
            SessionsCombineWithContext.CreateRunner(
                new CallbackSink<int>(static (WindowedValue<int> _) => { }),
                new CallbackSink<KV<string, string>>((WindowedValue<KV<string, string>> e) => into.Add(e.Window + " " + Text(e.Value))),
                new CallbackSink<string>((WindowedValue<string> e) => into.Add(e.Window + " " + e.Value)));

        var whole = new List<string>();
        var uninterrupted = Create(whole);
        First(uninterrupted);
        Assert.Empty(whole);
        Second(uninterrupted);

        var restored = new List<string>();
        var before = Create(restored);
        First(before);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        before.WriteCheckpoint(buffer);
        var after = Create(restored);
        after.RestoreCheckpoint(buffer.WrittenSpan);
        Second(after);

        Assert.Equal(5, whole.Count);
        Assert.Equal(whole, restored);
    }

    /// <summary>
    /// Late elements of a combine that reads a side input go to its late-data output: per key as the keyed elements, and
    /// globally as the elements themselves (not keyed), as a CombineGlobally without a side input gives them.
    /// </summary>
    [Fact]
    public void LateDataOfAGlobalCombineIsTheElements()
    {
        var globally = new List<string>();
        var late = new List<int>();
        var latePerKey = new List<string>();
        var runner = LateCombineWithContext.CreateRunner(
            latePerKey: new CallbackSink<KV<string, int>>((WindowedValue<KV<string, int>> e) => latePerKey.Add(e.Value.Key + "=" + e.Value.Value)),
            perKey: new CallbackSink<KV<string, string>>(static (WindowedValue<KV<string, string>> _) => { }),
            late: new CallbackSink<int>((WindowedValue<int> e) => late.Add(e.Value)),
            globally: new CallbackSink<string>((WindowedValue<string> e) => globally.Add(e.Value)));
        runner.PushTable(new TimedEntry("a", 1, 1), new Instant(1));
        runner.PushTable(new TimedEntry("b", 2, 2), new Instant(2));
        runner.AdvanceWatermark(new Instant(10));
        Assert.Equal(["3:12"], globally);
        runner.PushTable(new TimedEntry("c", 5, 3), new Instant(3));
        runner.Finish();
        Assert.Equal(["3:12"], globally);
        Assert.Equal([5], late);
        Assert.Equal(["c=5"], latePerKey);
    }

    private static string Text(KV<string, string> kv) => kv.Key + "=" + kv.Value;

    private static string[] Sorted(IEnumerable<string> values) => values.Order(StringComparer.Ordinal).ToArray();
}
