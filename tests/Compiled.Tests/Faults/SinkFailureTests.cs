using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.Faults;

/// <summary>
/// A sink that throws loses nothing and doubles nothing: the call that met it goes on, holds the result it refused
/// (and the later ones of that output), throws a <see cref="PipelineExecutionException"/> naming the output, and the
/// next call (the same one again, or any other) delivers the held results first, in order, once.
/// </summary>
public class SinkFailureTests
{
    private sealed record Step(string Name, bool Retry, Action Run);

    /// <summary>
    /// Ten keys in three fixed 10 ms windows, pushed one by one and in bundles, the watermark passing each window, a
    /// late element, processing time, then Finish. Panes fire during pushes (triggers), watermark advances and Finish.
    /// </summary>
    private static IEnumerable<Step> Script(IStreamingRunner runner, Action<KV<string, int>, Instant> push, Action<TimestampedValue<KV<string, int>>[]> bundle)
    {
        for (var w = 0; w < 3; w++)
        {
            for (var k = 0; k < 10; k++)
            {
                var (key, value, time) = ("k" + k, k + w, (w * 10) + (k % 7));
                yield return new Step("push", false, () => push(KV.Of(key, value), new Instant(time)));
            }

            var start = w * 10;
            yield return new Step("bundle", false, () => bundle(new[]
            {
                TimestampedValue<KV<string, int>>.At(KV.Of("k1", 5), start + 8),
                TimestampedValue<KV<string, int>>.At(KV.Of("k2", 6), start + 9),
            }));
            yield return new Step("watermark", true, () => runner.AdvanceWatermark(new Instant(start + 10)));
        }

        yield return new Step("late", false, () => push(KV.Of("k1", 100), new Instant(15)));
        yield return new Step("processing time", true, () => runner.AdvanceProcessingTime(new Instant(1_000)));
        yield return new Step("finish", true, runner.Finish);
    }

    private static List<(T Value, Instant Timestamp, BoundedWindow Window, PaneInfo Pane)> Seen<T>(FailOnceSink<T> sink) =>
        sink.Received.Select(e => (e.Value, e.Timestamp, e.Window, e.Pane)).ToList();

    /// <summary>Runs the script; a call that throws is retried once when it may be (time advances, Finish); returns how many calls threw.</summary>
    private static int Drive(IStreamingRunner runner, IEnumerable<Step> script, string output)
    {
        var failures = 0;
        foreach (var step in script)
        {
            try
            {
                step.Run();
            }
            catch (PipelineExecutionException e)
            {
                failures++;
                Assert.Equal(output, e.Output);
                Assert.IsType<IOException>(e.InnerException);
                Assert.Equal(-1, e.ElementIndex);
                Assert.Contains("'" + output + "'", e.Message, StringComparison.Ordinal);
                if (step.Retry)
                {
                    // The same call again: it delivers what was held, and nothing twice.
                    step.Run();
                }
            }
        }

        Assert.True(runner.Watermark == Instant.MaxValue, "the script ends with Finish");
        return failures;
    }

    /// <summary>For every n: a sink that fails once at its n-th element receives, over the run, exactly what it receives without a failure.</summary>
    private static void FailAtEveryElement<TRunner>(Func<FailOnceSink<KV<string, int>>, TRunner> create, Func<TRunner, IEnumerable<Step>> script)
        where TRunner : IStreamingRunner
    {
        FailAtEveryElement<TRunner, KV<string, int>>(create, script);
    }

    private static void FailAtEveryElement<TRunner, T>(Func<FailOnceSink<T>, TRunner> create, Func<TRunner, IEnumerable<Step>> script)
        where TRunner : IStreamingRunner
    {
        var baselineSink = new FailOnceSink<T>(0);
        var baselineRunner = create(baselineSink);
        Assert.Equal(0, Drive(baselineRunner, script(baselineRunner), "out"));
        var baseline = Seen(baselineSink);
        Assert.True(baseline.Count >= 3, "the script must deliver several results, got " + baseline.Count);

        for (var n = 1; n <= baseline.Count; n++)
        {
            var sink = new FailOnceSink<T>(n);
            var runner = create(sink);
            var failures = Drive(runner, script(runner), "out");
            Assert.Equal(1, failures);
            var seen = Seen(sink);
            Assert.True(baseline.SequenceEqual(seen), $"failing at element {n}: received {seen.Count} results, expected {baseline.Count} in the same order");
        }
    }

    [Fact]
    public void FixedWindowsKeyed() => FailAtEveryElement(
        sink => FixedKeyedSums.CreateRunner(sink),
        r => Script(r, r.PushEvents, b => r.PushEvents(b)));

    [Fact]
    public void FixedWindowsUnkeyed() => FailAtEveryElement<FixedGlobalSums.Runner<FailOnceSink<int>>, int>(
        sink => FixedGlobalSums.CreateRunner(sink),
        r => Script(r, r.PushEvents, b => r.PushEvents(b)));

    [Fact]
    public void SlidingWindowsKeyed() => FailAtEveryElement<SlidingKeyedCounts.Runner<FailOnceSink<KV<string, long>>>, KV<string, long>>(
        sink => SlidingKeyedCounts.CreateRunner(sink),
        r => Script(r, r.PushEvents, b => r.PushEvents(b)));

    [Fact]
    public void SlidingWindowsUnkeyed() => FailAtEveryElement<SlidingGlobalCounts.Runner<FailOnceSink<long>>, long>(
        sink => SlidingGlobalCounts.CreateRunner(sink),
        r => Script(r, r.PushEvents, b => r.PushEvents(b)));

    [Fact]
    public void SessionsKeyed() => FailAtEveryElement<SessionKeyedCounts.Runner<FailOnceSink<KV<string, long>>>, KV<string, long>>(
        sink => SessionKeyedCounts.CreateRunner(sink),
        r => Script(r, r.PushEvents, b => r.PushEvents(b)));

    [Fact]
    public void SessionsUnkeyed() => FailAtEveryElement<SessionGlobalCounts.Runner<FailOnceSink<long>>, long>(
        sink => SessionGlobalCounts.CreateRunner(sink),
        r => Script(r, r.PushEvents, b => r.PushEvents(b)));

    [Fact]
    public void GlobalWindowKeyed() => FailAtEveryElement<GlobalKeyedCounts.Runner<FailOnceSink<KV<string, long>>>, KV<string, long>>(
        sink => GlobalKeyedCounts.CreateRunner(sink),
        r => Script(r, r.PushEvents, b => r.PushEvents(b)));

    [Fact]
    public void GlobalWindowUnkeyed()
    {
        // One result only: the sink fails on it, in Finish; Finish again delivers it.
        var sink = new FailOnceSink<long>(1);
        var runner = GlobalCount.CreateRunner(sink);
        runner.PushEvents(new[] { KV.Of("a", 1), KV.Of("b", 2) });
        var error = Assert.Throws<PipelineExecutionException>(runner.Finish);
        Assert.Equal("out", error.Output);
        Assert.Equal(1, error.HeldOutputs);
        Assert.False(runner.IsFinished);
        Assert.Empty(sink.Received);
        runner.Finish();
        Assert.True(runner.IsFinished);
        Assert.Equal(new[] { 2L }, sink.Received.Select(e => e.Value));
    }

    [Fact]
    public void TriggeredPanesDuringPushesWatermarksAndFinish() => FailAtEveryElement(
        sink => TriggeredKeyedSums.CreateRunner(sink),
        r => Script(r, r.PushEvents, b => r.PushEvents(b)));

    [Fact]
    public void ThroughAFlatMapToOneSinkWhileAnotherKeepsReceiving()
    {
        var baselineOther = new FailOnceSink<KV<string, int>>(0);
        var baselineOut = new FailOnceSink<string>(0);
        var baselineRunner = FannedOutSums.CreateRunner(baselineOut, baselineOther);
        Drive(baselineRunner, Script(baselineRunner, baselineRunner.PushEvents, b => baselineRunner.PushEvents(b)), "out");
        Assert.Equal(2 * baselineOther.Received.Count, baselineOut.Received.Count);

        for (var n = 1; n <= baselineOut.Received.Count; n++)
        {
            var other = new FailOnceSink<KV<string, int>>(0);
            var output = new FailOnceSink<string>(n);
            var runner = FannedOutSums.CreateRunner(output, other);
            Assert.Equal(1, Drive(runner, Script(runner, runner.PushEvents, b => runner.PushEvents(b)), "out"));
            Assert.Equal(Seen(baselineOut), Seen(output));
            Assert.Equal(Seen(baselineOther), Seen(other));
        }
    }

    [Fact]
    public void TenKeysInAWindow_TheSinkFailsOnItsThirdElement_ARetryDeliversTheOtherEight()
    {
        var sink = new FailOnceSink<KV<string, int>>(3);
        var runner = FixedKeyedSums.CreateRunner(sink);
        for (var k = 0; k < 10; k++)
        {
            runner.PushEvents(KV.Of("k" + k, k), new Instant(k));
        }

        var error = Assert.Throws<PipelineExecutionException>(() => runner.AdvanceWatermark(new Instant(10)));
        Assert.Equal("out", error.Output);
        Assert.Equal(8, error.HeldOutputs);
        Assert.Contains("The sink of output 'out'", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, sink.Received.Count);

        runner.AdvanceWatermark(new Instant(10));
        Assert.Equal(Enumerable.Range(0, 10).Select(k => KV.Of("k" + k, k)), sink.Received.Select(e => e.Value));
        Assert.All(sink.Received, e => Assert.Equal(PaneInfo.OnTimeAndOnly, e.Pane));

        runner.Finish();
        Assert.Equal(10, sink.Received.Count);
        Assert.True(runner.IsFinished);
    }

    [Fact]
    public void HeldResultsGoFirstWhateverTheNextCall()
    {
        var sink = new FailOnceSink<KV<string, int>>(1);
        var runner = FixedKeyedSums.CreateRunner(sink);
        runner.PushEvents(KV.Of("a", 1), new Instant(1));
        runner.PushEvents(KV.Of("b", 2), new Instant(2));
        Assert.Throws<PipelineExecutionException>(() => runner.AdvanceWatermark(new Instant(10)));
        Assert.Empty(sink.Received);

        // Not the same call: a push. It first delivers the two held results, then pushes.
        runner.PushEvents(KV.Of("c", 3), new Instant(12));
        Assert.Equal(new[] { KV.Of("a", 1), KV.Of("b", 2) }, sink.Received.Select(e => e.Value));
        runner.Finish();
        Assert.Equal(new[] { KV.Of("a", 1), KV.Of("b", 2), KV.Of("c", 3) }, sink.Received.Select(e => e.Value));
    }

    [Fact(DisplayName = "A sink that keeps failing: every call still does its own work, its results held behind the others, and nothing is lost or repeated once the sink recovers")]
    public void ASinkThatKeepsFailingHoldsResultsUntilItRecovers()
    {
        var down = true;
        var received = new List<int>();
        var sink = new CallbackSink<int>((int e) =>
        {
            if (down)
            {
                throw new IOException("still down");
            }

            received.Add(e);
        });
        var runner = FixedGlobalSums.CreateRunner(sink);
        runner.PushEvents(KV.Of("a", 1), new Instant(1));
        Assert.Throws<PipelineExecutionException>(() => runner.AdvanceWatermark(new Instant(10)));

        // Every call first tries the held result; while the sink is down, the call still does its own work and throws
        // as it ends (the push is applied: it is not to be repeated), its results held behind the first.
        var again = Assert.Throws<PipelineExecutionException>(() => runner.PushEvents(KV.Of("b", 2), new Instant(11)));
        Assert.Equal(1, again.HeldOutputs);
        Assert.Throws<PipelineExecutionException>(() => runner.PushEvents(KV.Of("b", 5), new Instant(12)));
        var finish = Assert.Throws<PipelineExecutionException>(runner.Finish);
        Assert.Equal(2, finish.HeldOutputs); // the first window's sum, then the second's (2 + 5)
        Assert.False(runner.IsFinished);
        Assert.Empty(received);

        down = false;
        runner.Finish();
        Assert.True(runner.IsFinished);
        Assert.Equal(new[] { 1, 7 }, received);
    }

    [Fact]
    public void AFinishThatFailedAcceptsNothingButFinish()
    {
        var sink = new FailOnceSink<KV<string, long>>(2);
        var runner = GlobalKeyedCounts.CreateRunner(sink);
        runner.PushEvents(new[] { KV.Of("a", 1), KV.Of("b", 1), KV.Of("c", 1) });
        Assert.Throws<PipelineExecutionException>(runner.Finish);
        Assert.False(runner.IsFinished);

        var push = Assert.Throws<InvalidOperationException>(() => runner.PushEvents(KV.Of("d", 1)));
        Assert.Contains("call Finish again", push.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => runner.AdvanceWatermark(new Instant(5)));

        runner.Finish();
        Assert.True(runner.IsFinished);
        Assert.Equal(new[] { "a", "b", "c" }, sink.Received.Select(e => e.Value.Key));
        Assert.Throws<InvalidOperationException>(runner.Finish);
    }
}
