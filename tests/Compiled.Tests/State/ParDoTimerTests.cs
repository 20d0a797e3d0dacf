using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.State;

/// <summary>
/// Beam's ParDoTest.TimerTests, TimerFamilyTests, KeyTests and OnWindowExpirationTests, ported: each test names the Beam
/// test and expects Beam's outputs. Beam's TestStream steps become runner calls: an element added without a timestamp
/// gets the current watermark (as TestStream.addElements does), advanceWatermarkToInfinity is Finish.
/// </summary>
public class ParDoTimerTests
{
    private static void AssertInAnyOrder<T>(IEnumerable<T> expected, IEnumerable<T> actual) =>
        Assert.Equal(expected.Select(x => x!.ToString()).Order(StringComparer.Ordinal), actual.Select(x => x!.ToString()).Order(StringComparer.Ordinal));

    [Fact]
    public void TestEventTimeTimerBounded() =>
        AssertInAnyOrder(new[] { 3L, 42L }, EventTimeTimerRelative.Run(new[] { KV.Of("hello", 37L) }).Output);

    [Fact]
    public void TestEventTimeTimerUnbounded()
    {
        var runner = EventTimeTimerRelative.CreateRunner(new ListSink<long>());
        runner.AdvanceWatermark(new Instant(0));
        runner.PushInput(KV.Of("hello", 37L), new Instant(0));
        runner.AdvanceWatermark(new Instant(1000));
        Assert.Equal(new[] { 3L }, runner.Output.Items); // the timer is at 1000: it fires when the watermark passes it
        runner.Finish();
        AssertInAnyOrder(new[] { 3L, 42L }, runner.Output.Items);
    }

    [Fact]
    public void TestGbkFollowedByUserTimers() =>
        AssertInAnyOrder(new[] { 3, 42 }, GbkFollowedByUserTimers.Run(new[] { KV.Of("hello", 37) }).Output);

    [Fact]
    public void TestEventTimeTimerAlignBounded()
    {
        var results = EventTimeTimerAlignBounded.Run(new[] { KV.Of("hello", 37L) });
        AssertInAnyOrder(new[] { KV.Of(3L, Instant.MinValue), KV.Of(42L, new Instant(Instant.MinValue.Millis + 1774)) }, results.Output);
    }

    [Fact]
    public void TestEventTimeTimerAlignUnbounded()
    {
        var runner = EventTimeTimerAlignUnbounded.CreateRunner(new ListSink<KV<int, Instant>>());
        runner.AdvanceWatermark(new Instant(5000));
        runner.PushInput(KV.Of("hello", 37), new Instant(5000));
        runner.AdvanceWatermark(new Instant(60_000));
        runner.Finish();
        AssertInAnyOrder(new[] { KV.Of(3, new Instant(5000)), KV.Of(42, new Instant(59_000)) }, runner.Output.Items);
    }

    [Fact]
    public void TestEventTimeTimerAlignAfterGcTimeUnbounded()
    {
        var endOfGlobalWindow = BoundedWindow.Global.MaxTimestamp;
        var runner = EventTimeTimerAlignAfterGcTime.CreateRunner(new ListSink<KV<int, Instant>>());
        runner.AdvanceWatermark(endOfGlobalWindow);
        runner.PushInput(KV.Of("hello", 37), endOfGlobalWindow);
        runner.Finish();
        AssertInAnyOrder(new[] { KV.Of(3, endOfGlobalWindow), KV.Of(42, endOfGlobalWindow) }, runner.Output.Items);
    }

    [Fact]
    public void TestTimerReceivedInOriginalWindow()
    {
        var runner = TimerReceivedInOriginalWindow.CreateRunner(new ListSink<BoundedWindow>());
        runner.PushInput(KV.Of("hello", 24), new Instant(0));
        runner.Finish();
        var minute = 60_000L;
        AssertInAnyOrder(
            new[]
            {
                BoundedWindow.Interval(new Instant(0), new Instant(3 * minute)),
                BoundedWindow.Interval(new Instant(-minute), new Instant(2 * minute)),
                BoundedWindow.Interval(new Instant(-2 * minute), new Instant(minute)),
            },
            runner.Output.Items);
    }

    [Fact]
    public void TestEventTimeTimerAbsolute() =>
        AssertInAnyOrder(new[] { 3L, 42L }, EventTimeTimerAbsolute.Run(new[] { KV.Of("hello", 37L) }).Output);

    [Fact]
    public void TestEventTimeTimerLoop() =>
        AssertInAnyOrder(new[] { 0, 1, 2, 3, 4 }, EventTimeTimerLoop.Run(new[] { KV.Of("hello", 42) }).Output);

    [Fact]
    public void TestEventTimeTimerMultipleKeys()
    {
        var input = new List<KV<string, long>>();
        var expected = new List<KV<string, long>>();
        for (var key = 0L; key < 50; key++)
        {
            var k = key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            expected.Add(KV.Of(k, 4093L));
            for (var i = 0L; i < 15; i++)
            {
                input.Add(KV.Of(k, i));
                expected.Add(KV.Of(k, i + 5000));
            }
        }

        AssertInAnyOrder(expected, EventTimeTimerMultipleKeys.Run(input.OrderBy(_ => Random.Shared.Next()).ToArray()).Output);
    }

    [Fact]
    public void TestOutOfBoundsEventTimeTimer()
    {
        var message = Assert.Single(OutOfBoundsEventTimeTimer.Run(new[] { KV.Of("hello", 37) }).Output);
        Assert.Contains("timer", message, StringComparison.Ordinal);
        Assert.Contains("expiration", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestOutOfBoundsEventTimeTimerHold()
    {
        var message = Assert.Single(OutOfBoundsEventTimeTimerHold.Run(new[] { KV.Of("hello", 37) }).Output);
        Assert.Contains("timer", message, StringComparison.Ordinal);
        Assert.Contains("output timestamp", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestOutOfBoundsProcessingTimeTimerHold()
    {
        var message = Assert.Single(OutOfBoundsProcessingTimeTimerHold.Run(new[] { KV.Of("hello", 37) }).Output);
        Assert.Contains("timer", message, StringComparison.Ordinal);
        Assert.Contains("output timestamp", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TestOutputTimestampDefaultBounded()
    {
        // Create.timestamped: one bundle, then the end of input.
        var runner = OutputTimestampDefault.CreateRunner(new ListSink<long>());
        runner.PushInput(new[] { new TimestampedValue<KV<string, long>>(KV.Of("hello", 1L), new Instant(3)) });
        runner.Finish();
        Assert.Equal(new[] { 8L }, runner.Output.Items);
    }

    [Fact]
    public void TestOutputTimestampDefaultUnbounded()
    {
        var runner = OutputTimestampDefault.CreateRunner(new ListSink<long>());
        runner.PushInput(KV.Of("hello", 1L), new Instant(3));
        runner.AdvanceWatermark(new Instant(13));
        Assert.Empty(runner.Output.Items); // the timer is at 13: not yet passed
        runner.AdvanceWatermark(new Instant(14));
        Assert.Equal(new[] { 8L }, runner.Output.Items);
        Assert.Equal(new Instant(8), runner.Output.Elements[0].Timestamp);
        runner.Finish();
        Assert.Equal(new[] { 8L }, runner.Output.Items);
    }

    [Fact]
    public void TestSimpleProcessingTimerTimer()
    {
        var runner = SimpleProcessingTimer.CreateRunner(new ListSink<int>());
        runner.PushInput(KV.Of("hello", 37), Instant.MinValue);
        runner.AdvanceProcessingTime(new Instant(60_000));
        runner.Finish();
        AssertInAnyOrder(new[] { 3, 42 }, runner.Output.Items);
    }

    [Fact]
    public void TestProcessingTimeTimerCanBeReset()
    {
        var runner = ProcessingTimeTimerCanBeReset.CreateRunner(new ListSink<string>());
        runner.PushInput(KV.Of("key", "input1"), Instant.MinValue);
        runner.PushInput(KV.Of("key", "input2"), Instant.MinValue);
        runner.AdvanceProcessingTime(new Instant(60_000));
        runner.Finish();
        AssertInAnyOrder(new[] { "input1", "input2", "timer_output" }, runner.Output.Items);
    }

    [Fact]
    public void TestEventTimeTimerCanBeReset()
    {
        var runner = EventTimeTimerCanBeReset.CreateRunner(new ListSink<string>());
        runner.AdvanceWatermark(new Instant(0));
        runner.PushInput(KV.Of("hello", "input1"), new Instant(0));
        runner.PushInput(KV.Of("hello", "input2"), new Instant(0));
        runner.Finish();
        AssertInAnyOrder(new[] { "input1", "input2", "timer_output" }, runner.Output.Items);
    }

    private static List<string> ExpectedOrdering(int n) =>
        Enumerable.Range(0, n + 1)
            .Select(i => string.Join(":", Enumerable.Range(0, Math.Min(n - 1, i) + 1)) + (i == n ? ":cleanup" : string.Empty))
            .ToList();

    [Fact]
    public void TestEventTimeTimerOrdering()
    {
        const long now = 1500000000000L;
        var runner = EventTimeTimerOrdering.CreateRunner(new ListSink<string>());
        runner.AdvanceWatermark(new Instant(0));
        for (var i = 0; i < 100; i++)
        {
            runner.PushInput(KV.Of("dummy", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Instant(now + (i * 1000L)));
            if ((i + 1) % 10 == 0)
            {
                runner.AdvanceWatermark(new Instant(now + ((i + 1) * 1000L)));
            }
        }

        runner.Finish();
        AssertInAnyOrder(ExpectedOrdering(100), runner.Output.Items);
    }

    [Fact]
    public void TestEventTimeTimerOrderingWithCreateBounded()
    {
        const long now = 1500000000000L;
        var elements = Enumerable.Range(0, 100)
            .Select(i => new TimestampedValue<KV<string, string>>(KV.Of("dummy", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Instant(now + (i * 1000L))))
            .ToArray();
        var runner = EventTimeTimerOrdering.CreateRunner(new ListSink<string>());
        runner.PushInput(elements);
        runner.Finish();
        AssertInAnyOrder(ExpectedOrdering(100), runner.Output.Items);
    }

    [Fact]
    public void TestEventTimeTimerOrderingWithCreateUnbounded()
    {
        const long now = 1500000000000L;
        var runner = EventTimeTimerOrdering.CreateRunner(new ListSink<string>());
        for (var i = 0; i < 100; i++)
        {
            runner.PushInput(KV.Of("dummy", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Instant(now + (i * 1000L)));
        }

        runner.Finish();
        AssertInAnyOrder(ExpectedOrdering(100), runner.Output.Items);
    }

    [Fact]
    public void TestPipelineOptionsParameterOnTimer()
    {
        var results = OptionsOnTimer.Run(new MyOptions("not fake anymore"), new[] { KV.Of(0L, 0L) });
        AssertInAnyOrder(new[] { "not fake anymore" }, results.Output);
    }

    [Fact]
    public void DuplicateTimerSetting()
    {
        var runner = global::Compiled.Tests.State.DuplicateTimerSetting.CreateRunner(new ListSink<string>());
        runner.PushInput(KV.Of("key1", "v1"), Instant.MinValue);
        runner.Finish();
        AssertInAnyOrder(new[] { "It works" }, runner.Output.Items);
    }

    private static IEnumerable<string> ExpectedTwoTimers() =>
        Enumerable.Range(0, 101).SelectMany(e => new[] { "t1:" + e + ":" + e, "t2:" + e + ":" + e });

    [Fact]
    public void TestTwoTimersSettingEachOther()
    {
        var runner = TwoTimersSettingEachOther.CreateRunner(new ListSink<string>());
        runner.PushInput(KV.Of(0, 0), Instant.MinValue);
        runner.Finish();
        AssertInAnyOrder(ExpectedTwoTimers(), runner.Output.Items);
    }

    [Fact]
    public void TestTwoTimersSettingEachOtherWithCreateAsInputBounded() =>
        AssertInAnyOrder(ExpectedTwoTimers(), TwoTimersSettingEachOther.Run(new[] { KV.Of(0, 0) }).Output);

    [Fact]
    public void TestTwoTimersSettingEachOtherWithCreateAsInputUnbounded()
    {
        var runner = TwoTimersSettingEachOther.CreateRunner(new ListSink<string>());
        runner.PushInput(new[] { KV.Of(0, 0) });
        runner.AdvanceWatermark(new Instant(1500000000050L)); // half the timers fire here, the rest at the end
        runner.Finish();
        AssertInAnyOrder(ExpectedTwoTimers(), runner.Output.Items);
    }

    [Fact]
    public void TestOutputTimestamp()
    {
        var runner = OutputTimestampHold.CreateRunner(new ListSink<long>());
        runner.AdvanceWatermark(new Instant(0));
        runner.PushInput(KV.Of("key", 1L), new Instant(0));
        runner.AdvanceWatermark(new Instant(9)); // would fire the second timer (8), but the first's hold at 5 keeps it
        Assert.Empty(runner.Output.Items);
        runner.PushInput(KV.Of("key", 1L), new Instant(9)); // throws if the second timer had fired
        runner.Finish();
        AssertInAnyOrder(new[] { 100L }, runner.Output.Items);
    }

    [Fact]
    public void TestOutputTimestampWithProcessingTime()
    {
        var runner = OutputTimestampWithProcessingTime.CreateRunner(new ListSink<int>());
        runner.AdvanceProcessingTime(new Instant(1000));
        runner.PushInput(KV.Of("key", 1), Instant.MinValue);
        runner.AdvanceProcessingTime(new Instant(10_000));
        runner.AdvanceWatermark(new Instant(11));
        Assert.Empty(runner.Output.Items);
        runner.PushInput(KV.Of("key", 1), new Instant(11)); // throws if the second timer had fired
        runner.AdvanceProcessingTime(new Instant(110_000));
        runner.Finish();
        AssertInAnyOrder(new[] { 100 }, runner.Output.Items);
    }

    [Fact]
    public void TestTimerFamilyEventTimeBounded() =>
        AssertInAnyOrder(new[] { "process", "timer1", "timer2" }, TimerFamilyEventTime.Run(new[] { KV.Of("hello", 37) }).Output);

    [Fact]
    public void TestTimerFamilyEventTimeUnbounded()
    {
        var runner = TimerFamilyEventTime.CreateRunner(new ListSink<string>());
        runner.PushInput(KV.Of("hello", 37), Instant.MinValue);
        runner.AdvanceWatermark(new Instant(2)); // timer1 (1) fires; timer2 (2) not yet
        Assert.Equal(new[] { "process", "timer1" }, runner.Output.Items);
        runner.Finish();
        AssertInAnyOrder(new[] { "process", "timer1", "timer2" }, runner.Output.Items);
    }

    [Fact]
    public void TestTimerWithMultipleTimerFamilyBounded() =>
        AssertInAnyOrder(new[] { "process", "timer", "timer" }, MultipleTimerFamilies.Run(new[] { KV.Of("hello", 37) }).Output);

    [Fact]
    public void TestTimerWithMultipleTimerFamilyUnbounded()
    {
        var runner = MultipleTimerFamilies.CreateRunner(new ListSink<string>());
        runner.PushInput(KV.Of("hello", 37), Instant.MinValue);
        runner.Finish();
        AssertInAnyOrder(new[] { "process", "timer", "timer" }, runner.Output.Items);
    }

    [Fact]
    public void TestTimerFamilyAndTimerBounded() =>
        AssertInAnyOrder(new[] { "process", "family:foo:timer", "timer" }, TimerFamilyAndTimer.Run(new[] { KV.Of("hello", 37) }).Output);

    [Fact]
    public void TestTimerFamilyAndTimerUnbounded()
    {
        var runner = TimerFamilyAndTimer.CreateRunner(new ListSink<string>());
        runner.PushInput(KV.Of("hello", 37), Instant.MinValue);
        runner.Finish();
        Assert.Equal(new[] { "process", "family:foo:timer", "timer" }, runner.Output.Items); // timestamp order: 1, then 2
    }

    [Fact]
    public void TestTimerFamilyProcessingTime()
    {
        var runner = TimerFamilyProcessingTime.CreateRunner(new ListSink<int>());
        runner.AdvanceProcessingTime(new Instant(0));
        runner.PushInput(KV.Of("hello", 37), Instant.MinValue);
        runner.AdvanceProcessingTime(new Instant(2000));
        runner.Finish();
        AssertInAnyOrder(new[] { 3, 42 }, runner.Output.Items);
    }

    [Fact]
    public void TestKeyInOnTimer() =>
        AssertInAnyOrder(new[] { 1, 2 }, KeyInOnTimer.Run(new[] { KV.Of("1", 37), KV.Of("2", 3) }).Output);

    [Fact]
    public void TestKeyInOnTimerWithGenericKey() =>
        AssertInAnyOrder(new[] { 1 }, KeyInOnTimerWithGenericKey.Run(new[] { KV.Of(KV.Of("1", "1"), 37), KV.Of(KV.Of("1", "1"), 3) }).Output);

    private static void AssertOnWindowExpirationSimple(ListSink<int> output)
    {
        var first = BoundedWindow.Interval(new Instant(0), new Instant(10));
        var second = BoundedWindow.Interval(new Instant(10), new Instant(20));
        Assert.Equal(new[] { 1 }, output.Elements.Where(e => e.Window == first).Select(e => e.Value));
        Assert.Equal(new[] { 1 }, output.Elements.Where(e => e.Window == second).Select(e => e.Value));
        Assert.Equal(2, output.Elements.Count);
        Assert.All(output.Elements, e => Assert.Equal(e.Window.MaxTimestamp, e.Timestamp));
    }

    [Fact]
    public void TestOnWindowExpirationSimpleBounded()
    {
        var runner = OnWindowExpirationSimple.CreateRunner(new ListSink<int>());
        runner.PushInput(KV.Of("hello", 7), new Instant(3));
        runner.PushInput(KV.Of("hi", 35), new Instant(13));
        runner.Finish();
        AssertOnWindowExpirationSimple(runner.Output);
    }

    [Fact]
    public void TestOnWindowExpirationSimpleUnbounded()
    {
        var runner = OnWindowExpirationSimple.CreateRunner(new ListSink<int>());
        runner.PushInput(KV.Of("hello", 7), new Instant(3));
        runner.PushInput(KV.Of("hi", 35), new Instant(13));
        runner.AdvanceWatermark(new Instant(10)); // the first window expires: its state is read, then dropped
        Assert.Equal(new[] { 1 }, runner.Output.Items);
        runner.Finish();
        AssertOnWindowExpirationSimple(runner.Output);
    }
}

/// <summary>Processing-time timers fire by themselves when a <see cref="System.TimeProvider"/> is set (no element needs to arrive).</summary>
public class ProcessingTimerClockTests
{
    [Fact]
    public void AProcessingTimeTimerFiresWhenItsTimeComesWithNoElementArriving()
    {
        var clock = new Compiled.Tests.EventTime.FakeClock(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var runner = ProcessingTimeTimerCanBeReset.CreateRunner(new ListSink<string>());
        runner.TimeProvider = clock;
        Assert.False(clock.AnyArmed);

        runner.PushInput(KV.Of("key", "input1"), Instant.MinValue); // its timer: 1 s after the clock's time at the push
        Assert.True(clock.AnyArmed);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(new[] { "input1" }, runner.Output.Items);

        clock.Advance(TimeSpan.FromMilliseconds(1)); // fired by the clock alone
        Assert.Equal(new[] { "input1", "timer_output" }, runner.Output.Items);
        Assert.False(clock.AnyArmed);

        runner.PushInput(KV.Of("key", "input2"), Instant.MinValue);
        runner.PushInput(KV.Of("key", "input3"), Instant.MinValue); // re-set: one firing
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { "input1", "timer_output", "input2", "input3", "timer_output" }, runner.Output.Items);
        runner.Finish();
    }
}
