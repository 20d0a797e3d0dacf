using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.Faults;

/// <summary>Doubles each number: the stage delivers to its sink inside the push (the push's end checks for failures).</summary>
[Pipeline]
public partial class PlainDoubled
{
    static void Define(PipelineBuilder p) => p.Create<int>("numbers").Map(static x => x * 2).Output("out");
}

/// <summary>Early panes every two elements: the end of each push evaluates triggers, and may deliver panes.</summary>
[Pipeline]
public partial class PlainTriggeredSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))
             .Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2)).WithLateFirings(Trigger.AfterCount(1)))
             .WithAllowedLateness(TimeSpan.FromMilliseconds(10))
             .Accumulating())
         .Map(static x => KV.Of(x % 3, (long)x))
         .CombinePerKey(Combiners.Sum<long>())
         .Output("out");
}

/// <summary>Counts per key in sessions: nothing to do at the end of a push (sessions fire only as the watermark moves).</summary>
[Pipeline]
public partial class PlainSessionCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Window(Windows.Sessions(TimeSpan.FromMilliseconds(4)))
         .Map(static x => KV.Of(x % 3, x))
         .CountPerKey()
         .Output("out");
}

/// <summary>
/// A single push whose stage cannot throw takes the plain path on an idle runner of one thread: one compare for the
/// gate, the stage with no exchange to check, and the end of the push only where the plan says it has work. It keeps
/// what the full path guarantees: a sink's failure is thrown by the push that met it and loses nothing, a call into the
/// runner from its own sink is refused, and a finished runner refuses pushes.
/// </summary>
public class PlainPushTests
{
    /// <summary>Numbers in three 10 ms windows, pushed one by one, the watermark passing each window, a late one, then Finish.</summary>
    private static IEnumerable<(bool Retry, Action Run)> Script(IStreamingRunner runner, Action<int, Instant> push)
    {
        for (var w = 0; w < 3; w++)
        {
            for (var k = 0; k < 9; k++)
            {
                var (value, time) = (k + (10 * w), (w * 10) + (k % 7));
                yield return (false, () => push(value, new Instant(time)));
            }

            var end = (w * 10) + 10;
            yield return (true, () => runner.AdvanceWatermark(new Instant(end)));
        }

        yield return (false, () => push(100, new Instant(15)));
        yield return (true, runner.Finish);
    }

    /// <summary>Runs the script; the call during which the sink's failing call happened must be the one that throws.</summary>
    private static int Drive<T>(IStreamingRunner runner, FailOnceSink<T> sink, IEnumerable<(bool Retry, Action Run)> script)
    {
        var failures = 0;
        foreach (var (retry, run) in script)
        {
            var before = sink.Calls;
            try
            {
                run();
                Assert.False(sink.FailAt > before && sink.FailAt <= sink.Calls, "the call that met the sink's failure returned without throwing it");
            }
            catch (PipelineExecutionException e)
            {
                failures++;
                Assert.True(sink.FailAt > before && sink.FailAt <= sink.Calls, "a call threw a failure it did not meet");
                Assert.Equal("out", e.Output);
                Assert.IsType<IOException>(e.InnerException);
                if (retry)
                {
                    run();
                }
            }
        }

        return failures;
    }

    /// <summary>
    /// For every n: a sink that fails at its n-th element, fed by single pushes, receives over the run exactly what a sink
    /// fed by one-element span pushes (the full path) receives without a failure, and the push that met the failure throws it.
    /// </summary>
    private static void FailAtEveryElement<TRunner, T>(Func<FailOnceSink<T>, TRunner> create, Action<TRunner, int, Instant> push)
        where TRunner : IStreamingRunner
    {
        var baselineSink = new FailOnceSink<T>(0);
        var baselineRunner = create(baselineSink);
        Assert.Equal(0, Drive(baselineRunner, baselineSink, Script(baselineRunner, (x, t) => Bundle(baselineRunner, x, t))));
        var baseline = baselineSink.Received;
        Assert.True(baseline.Count >= 10, "the script must deliver several results, got " + baseline.Count);
        for (var n = 0; n <= baseline.Count; n++)
        {
            var sink = new FailOnceSink<T>(n);
            var runner = create(sink);
            Assert.Equal(n == 0 ? 0 : 1, Drive(runner, sink, Script(runner, (x, t) => push(runner, x, t))));
            Assert.True(baseline.SequenceEqual(sink.Received), $"failing at element {n}: received {sink.Received.Count} results, expected {baseline.Count} in the same order");
        }
    }

    /// <summary>One element as a span push of its own: the full path of a call, with the same bundle as a single push.</summary>
    private static void Bundle(IStreamingRunner runner, int x, Instant t)
    {
        var bundle = new[] { new TimestampedValue<int>(x, t) };
        switch (runner)
        {
            case PlainDoubled.Runner<FailOnceSink<int>> doubled:
                doubled.PushNumbers(bundle);
                break;
            case PlainTriggeredSums.Runner<FailOnceSink<KV<int, long>>> sums:
                sums.PushNumbers(bundle);
                break;
            default:
                throw new ArgumentException("no span push for " + runner.GetType().Name);
        }
    }

    [Fact(DisplayName = "The plans say which pushes have nothing to do at their end")]
    public void PlansSayWhatTheEndOfAPushDoes()
    {
        Assert.Contains("input 'numbers': no catch per element: nothing in its stage can throw; the end of a push checks for failures (#2 Output 'out'", PlainDoubled.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("input 'numbers': no catch per element: nothing in its stage can throw; the end of a push evaluates the triggers of #3 CombinePerKey", PlainTriggeredSums.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("input 'numbers': no catch per element: nothing in its stage can throw; nothing to do at the end of a push", PlainSessionCounts.PlanDescription, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A sink that fails inside a plain push loses nothing and doubles nothing")]
    public void OutputInThePush() => FailAtEveryElement<PlainDoubled.Runner<FailOnceSink<int>>, int>(
        sink => PlainDoubled.CreateRunner(sink), (r, x, t) => r.PushNumbers(x, t));

    [Fact(DisplayName = "A pane that fails at the end of a plain push loses nothing and doubles nothing")]
    public void TriggersAtTheEndOfThePush() => FailAtEveryElement<PlainTriggeredSums.Runner<FailOnceSink<KV<int, long>>>, KV<int, long>>(
        sink => PlainTriggeredSums.CreateRunner(sink), (r, x, t) => r.PushNumbers(x, t));

    [Fact(DisplayName = "Sessions pushed one by one on the plain path fire what a span push fires")]
    public void QuietEndSessions()
    {
        var single = new ListSink<KV<int, long>>();
        var spans = new ListSink<KV<int, long>>();
        var one = PlainSessionCounts.CreateRunner(single);
        var all = PlainSessionCounts.CreateRunner(spans);
        var random = new Random(7);
        var time = 0L;
        for (var round = 0; round < 200; round++)
        {
            var bundle = new TimestampedValue<int>[random.Next(1, 6)];
            for (var i = 0; i < bundle.Length; i++)
            {
                time += random.Next(0, 4);
                bundle[i] = TimestampedValue<int>.At(random.Next(0, 50), time);
                one.PushNumbers(bundle[i].Value, bundle[i].Timestamp);
            }

            all.PushNumbers(bundle);
            one.AdvanceWatermark(new Instant(time - 3));
            all.AdvanceWatermark(new Instant(time - 3));
        }

        one.Finish();
        all.Finish();
        Assert.True(single.Items.Count > 50, "sessions must close along the way, got " + single.Items.Count);
        Assert.Equal(spans.Elements.Select(e => (e.Value.Key, e.Value.Value, e.Window, e.Timestamp)).OrderBy(e => e.Window.Start).ThenBy(e => e.Key),
            single.Elements.Select(e => (e.Value.Key, e.Value.Value, e.Window, e.Timestamp)).OrderBy(e => e.Window.Start).ThenBy(e => e.Key));
    }

    [Fact(DisplayName = "A call into the runner from its own sink, during a plain push, is refused")]
    public void ReentrantCallIsRefused()
    {
        PlainDoubled.Runner<CallingBackSink>? runner = null;
        var sink = new CallingBackSink(() => runner!.PushNumbers(7, new Instant(1)));
        runner = PlainDoubled.CreateRunner(sink);
        var error = Assert.Throws<PipelineExecutionException>(() => runner.PushNumbers(1, new Instant(0)));
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("already running a call", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A finished runner refuses a plain push")]
    public void FinishedRunnerRefuses()
    {
        var runner = PlainSessionCounts.CreateRunner(new ListSink<KV<int, long>>());
        runner.PushNumbers(1, new Instant(0));
        runner.Finish();
        var error = Assert.Throws<InvalidOperationException>(() => runner.PushNumbers(2, new Instant(1)));
        Assert.Contains("has finished", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A sink that calls back into its runner at its first element.</summary>
    private sealed class CallingBackSink(Action callBack) : ISink<int>
    {
        private bool _called;

        public void Receive(in WindowedValue<int> element)
        {
            if (!_called)
            {
                _called = true;
                callBack();
            }
        }
    }
}
