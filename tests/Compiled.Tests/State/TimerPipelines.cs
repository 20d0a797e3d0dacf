using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;

namespace Compiled.Tests.State;

// Pipelines of Beam's ParDoTest.TimerTests, TimerFamilyTests, KeyTests and OnWindowExpirationTests, ported.

/// <summary>One event-time timer.</summary>
public struct OneTimer
{
    public EventTimeTimer Foo;
}

/// <summary>testEventTimeTimerBounded (and testEventTimeTimerUnbounded): a relative timer fires and outputs 42.</summary>
[Pipeline]
public partial class EventTimeTimerRelative
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, long>>("input")
         .ParDo(
             static (string key, long value, ref OneTimer state, ProcessContext context, IEmitter<long> output) =>
             {
                 state.Foo.Offset(TimeSpan.FromSeconds(1)).SetRelative();
                 output.Emit(3L);
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<long> output) =>
             {
                 if (timer.Domain == TimeDomain.EventTime)
                 {
                     output.Emit(42L);
                 }
             })
         .Output("output");
}

/// <summary>testGbkFollowedByUserTimers: a GroupByKey, then a ParDo with a timer.</summary>
[Pipeline]
public partial class GbkFollowedByUserTimers
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .GroupByKey()
         .ParDo(
             static (string key, IReadOnlyList<int> values, ref OneTimer state, ProcessContext context, IEmitter<int> output) =>
             {
                 state.Foo.Offset(TimeSpan.FromSeconds(1)).SetRelative();
                 output.Emit(3);
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<int> output) =>
             {
                 if (timer.Domain == TimeDomain.EventTime)
                 {
                     output.Emit(42);
                 }
             })
         .Output("output");
}

/// <summary>testEventTimeTimerAlignBounded: aligned to a second, offset by 1 ms, relative to the input watermark.</summary>
[Pipeline]
public partial class EventTimeTimerAlignBounded
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, long>>("input")
         .ParDo(
             static (string key, long value, ref OneTimer state, ProcessContext context, IEmitter<KV<long, Instant>> output) =>
             {
                 state.Foo.Align(TimeSpan.FromSeconds(1)).Offset(TimeSpan.FromMilliseconds(1)).SetRelative();
                 output.Emit(KV.Of(3L, context.Timestamp));
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<KV<long, Instant>> output) =>
                 output.Emit(KV.Of(42L, timer.Timestamp)))
         .Output("output");
}

/// <summary>testEventTimeTimerAlignUnbounded: aligned to a minute, offset by a second.</summary>
[Pipeline]
public partial class EventTimeTimerAlignUnbounded
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref OneTimer state, ProcessContext context, IEmitter<KV<int, Instant>> output) =>
             {
                 state.Foo.Align(TimeSpan.FromMinutes(1)).Offset(TimeSpan.FromSeconds(1)).SetRelative();
                 output.Emit(KV.Of(3, context.Timestamp));
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<KV<int, Instant>> output) =>
                 output.Emit(KV.Of(42, timer.Timestamp)))
         .Output("output");
}

/// <summary>testEventTimeTimerAlignAfterGcTimeUnbounded: an aligned time past the end of the global window stops there.</summary>
[Pipeline]
public partial class EventTimeTimerAlignAfterGcTime
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref OneTimer state, ProcessContext context, IEmitter<KV<int, Instant>> output) =>
             {
                 state.Foo.Align(TimeSpan.FromDays(1)).SetRelative();
                 output.Emit(KV.Of(3, context.Timestamp));
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<KV<int, Instant>> output) =>
                 output.Emit(KV.Of(42, timer.Timestamp)))
         .Output("output");
}

/// <summary>testTimerReceivedInOriginalWindow: in sliding windows, each window's timer fires in that window.</summary>
[Pipeline]
public partial class TimerReceivedInOriginalWindow
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .Window(Windows.Sliding(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(1)))
         .ParDo(
             static (string key, int value, ref OneTimer state, ProcessContext context, IEmitter<BoundedWindow> output) =>
                 state.Foo.Offset(TimeSpan.FromSeconds(1)).SetRelative(),
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<BoundedWindow> output) =>
                 output.Emit(timer.Window))
         .Output("output");
}

/// <summary>testEventTimeTimerAbsolute: a timer at the window's last moment fires.</summary>
[Pipeline]
public partial class EventTimeTimerAbsolute
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, long>>("input")
         .ParDo(
             static (string key, long value, ref OneTimer state, ProcessContext context, IEmitter<long> output) =>
             {
                 state.Foo.Set(context.Window.MaxTimestamp);
                 output.Emit(3L);
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<long> output) => output.Emit(42L))
         .Output("output");
}

/// <summary>A count and a loop timer.</summary>
public struct LoopState
{
    public EventTimeTimer Timer;
    public ValueState<int> Count;
}

/// <summary>testEventTimeTimerLoop (ignored in Beam, for runner bugs): a timer that sets itself again, five times.</summary>
[Pipeline]
public partial class EventTimeTimerLoop
{
    private const int LoopCount = 5;

    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref LoopState state, ProcessContext context, IEmitter<int> output) =>
                 state.Timer.Offset(TimeSpan.FromMilliseconds(1)).SetRelative(),
             onTimer: static (string key, ref LoopState state, TimerContext timer, IEmitter<int> output) =>
             {
                 var count = state.Count.ReadOrDefault(0);
                 if (count < LoopCount)
                 {
                     output.Emit(count);
                     state.Count.Write(count + 1);
                     state.Timer.Offset(TimeSpan.FromMilliseconds(1)).SetRelative();
                 }
             })
         .Output("output");
}

/// <summary>A timer and the key, per key.</summary>
public struct TimerAndKeyState
{
    public EventTimeTimer Foo;
    public ValueState<string> Sizzle;
}

/// <summary>testEventTimeTimerMultipleKeys: every key's timer fires once, at the end of the window.</summary>
[Pipeline]
public partial class EventTimeTimerMultipleKeys
{
    private const int Offset = 5000;
    private const long TimerOutput = 4093;

    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, long>>("input")
         .ParDo(
             static (string key, long value, ref TimerAndKeyState state, ProcessContext context, IEmitter<KV<string, long>> output) =>
             {
                 state.Foo.Set(context.Window.MaxTimestamp);
                 state.Sizzle.Write(key);
                 output.Emit(KV.Of(key, value + Offset));
             },
             onTimer: static (string key, ref TimerAndKeyState state, TimerContext timer, IEmitter<KV<string, long>> output) =>
                 output.Emit(KV.Of(state.Sizzle.Read()!, TimerOutput)))
         .Output("output");
}

/// <summary>Where an out-of-bounds timer set by a test lands (a computed value, so the generator cannot see it at build time).</summary>
public static class TimerTargets
{
    public static Instant After(Instant instant, long millis) => new(instant.Millis + millis);
}

/// <summary>testOutOfBoundsEventTimeTimer: a timer after the window's expiration is refused (the callback outputs the message).</summary>
[Pipeline]
public partial class OutOfBoundsEventTimeTimer
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref OneTimer state, ProcessContext context, IEmitter<string> output) =>
             {
                 try
                 {
                     state.Foo.Set(TimerTargets.After(context.Window.MaxTimestamp, 1));
                     output.Emit("no failure");
                 }
                 catch (ArgumentException e)
                 {
                     output.Emit(e.Message);
                 }
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<string> output) => output.Emit("fired"))
         .Output("output");
}

/// <summary>testOutOfBoundsEventTimeTimerHold: an output timestamp after the firing time is refused.</summary>
[Pipeline]
public partial class OutOfBoundsEventTimeTimerHold
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref OneTimer state, ProcessContext context, IEmitter<string> output) =>
             {
                 try
                 {
                     state.Foo.WithOutputTimestamp(TimerTargets.After(context.Window.MaxTimestamp, 1)).Set(context.Window.MaxTimestamp);
                     output.Emit("no failure");
                 }
                 catch (ArgumentException e)
                 {
                     output.Emit(e.Message);
                 }
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<string> output) => output.Emit("fired"))
         .Output("output");
}

/// <summary>One processing-time timer.</summary>
public struct OneProcessingTimer
{
    public ProcessingTimeTimer Foo;
}

/// <summary>testOutOfBoundsProcessingTimeTimerHold: a processing-time timer's output timestamp after the window's expiration is refused.</summary>
[Pipeline]
public partial class OutOfBoundsProcessingTimeTimerHold
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref OneProcessingTimer state, ProcessContext context, IEmitter<string> output) =>
             {
                 try
                 {
                     state.Foo.WithOutputTimestamp(TimerTargets.After(context.Window.MaxTimestamp, 1)).Offset(TimeSpan.FromSeconds(1)).SetRelative();
                     output.Emit("no failure");
                 }
                 catch (ArgumentException e)
                 {
                     output.Emit(e.Message);
                 }
             },
             onTimer: static (string key, ref OneProcessingTimer state, TimerContext timer, IEmitter<string> output) => output.Emit("fired"))
         .Output("output");
}

/// <summary>testOutputTimestampDefaultBounded (and Unbounded): a timer at 13 with output timestamp 8 outputs at 8.</summary>
[Pipeline]
public partial class OutputTimestampDefault
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, long>>("input")
         .ParDo(
             static (string key, long value, ref OneTimer state, ProcessContext context, IEmitter<long> output) =>
                 state.Foo.WithOutputTimestamp(context.Timestamp.Plus(TimeSpan.FromMilliseconds(5))).Set(context.Timestamp.Plus(TimeSpan.FromMilliseconds(10))),
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<long> output) => output.Emit(timer.Timestamp.Millis))
         .Output("output");
}

/// <summary>testSimpleProcessingTimerTimer: a processing-time timer fires when processing time passes it.</summary>
[Pipeline]
public partial class SimpleProcessingTimer
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref OneProcessingTimer state, ProcessContext context, IEmitter<int> output) =>
             {
                 state.Foo.Offset(TimeSpan.FromSeconds(1)).SetRelative();
                 output.Emit(3);
             },
             onTimer: static (string key, ref OneProcessingTimer state, TimerContext timer, IEmitter<int> output) =>
             {
                 if (timer.Domain == TimeDomain.ProcessingTime)
                 {
                     output.Emit(42);
                 }
             })
         .Output("output");
}

/// <summary>testProcessingTimeTimerCanBeReset: setting the timer again replaces it; it fires once.</summary>
[Pipeline]
public partial class ProcessingTimeTimerCanBeReset
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, string>>("input")
         .ParDo(
             static (string key, string value, ref OneProcessingTimer state, ProcessContext context, IEmitter<string> output) =>
             {
                 state.Foo.Offset(TimeSpan.FromSeconds(1)).SetRelative();
                 output.Emit(value);
             },
             onTimer: static (string key, ref OneProcessingTimer state, TimerContext timer, IEmitter<string> output) => output.Emit("timer_output"))
         .Output("output");
}

/// <summary>testEventTimeTimerCanBeReset: setting the timer again replaces it; it fires once.</summary>
[Pipeline]
public partial class EventTimeTimerCanBeReset
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, string>>("input")
         .ParDo(
             static (string key, string value, ref OneTimer state, ProcessContext context, IEmitter<string> output) =>
             {
                 state.Foo.Offset(TimeSpan.FromSeconds(1)).SetRelative();
                 output.Emit(value);
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<string> output) => output.Emit("timer_output"))
         .Output("output");
}

/// <summary>The state of testEventTimeTimerOrdering: two timers, a bag, the earliest timestamp seen.</summary>
public struct OrderingState
{
    public EventTimeTimer Append;
    public EventTimeTimer Gc;
    public BagState<TimestampedValue<string>> Bag;
    public ValueState<Instant> MinTs;
}

/// <summary>testEventTimeTimerOrdering: timers fire in timestamp order, also when a callback sets the next one.</summary>
[Pipeline]
public partial class EventTimeTimerOrdering
{
    private const int NumTestElements = 100;
    private const long Now = 1500000000000L;

    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, string>>("input")
         .ParDo(
             static (string key, string value, ref OrderingState state, ProcessContext context, IEmitter<string> output) =>
             {
                 var currentMinStamp = state.MinTs.ReadOrDefault(Instant.MaxValue);
                 if (currentMinStamp == Instant.MaxValue)
                 {
                     state.Gc.Set(new Instant(Now + ((NumTestElements + 1) * 1000L)));
                 }

                 if (currentMinStamp > context.Timestamp)
                 {
                     state.MinTs.Write(context.Timestamp);
                     state.Append.Set(context.Timestamp);
                 }

                 state.Bag.Add(new TimestampedValue<string>(value, context.Timestamp));
             },
             onTimer: static (string key, ref OrderingState state, TimerContext timer, IEmitter<string> output) =>
             {
                 if (timer.TimerId == nameof(OrderingState.Append))
                 {
                     var flushTime = timer.Timestamp;
                     var flush = new List<TimestampedValue<string>>();
                     foreach (var val in state.Bag.Read())
                     {
                         if (val.Timestamp <= flushTime)
                         {
                             flush.Add(val);
                         }
                     }

                     output.Emit(string.Join(":", flush.OrderBy(v => v.Timestamp).Select(v => v.Value)));
                     if (flush.Count < NumTestElements)
                     {
                         state.Append.Set(flushTime.Plus(TimeSpan.FromSeconds(1)));
                     }
                 }
                 else
                 {
                     var all = state.Bag.Read().ToArray().OrderBy(v => v.Timestamp).Select(v => v.Value);
                     output.Emit(string.Join(":", all) + ":cleanup");
                     state.Bag.Clear();
                 }
             })
         .Output("output");
}

/// <summary>testPipelineOptionsParameterOnTimer: a timer callback reads the pipeline options.</summary>
public sealed record MyOptions(string FakeOption);

/// <summary>testPipelineOptionsParameterOnTimer.</summary>
[Pipeline]
public partial class OptionsOnTimer
{
    static void Define(PipelineBuilder p, MyOptions options) =>
        p.Create<KV<long, long>>("input")
         .ParDo(
             static (long key, long value, ref OneTimer state, ProcessContext context, IEmitter<string> output) => state.Foo.Set(context.Window.MaxTimestamp),
             onTimer: (long key, ref OneTimer state, TimerContext timer, IEmitter<string> output) => output.Emit(options.FakeOption))
         .Output("output");
}

/// <summary>One timer (TwoTimerDoFn).</summary>
public struct TwoTimerState
{
    public EventTimeTimer Timer;
}

/// <summary>duplicateTimerSetting: a timer set twice in one call fires once.</summary>
[Pipeline]
public partial class DuplicateTimerSetting
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, string>>("input")
         .ParDo(
             static (string key, string value, ref TwoTimerState state, ProcessContext context, IEmitter<string> output) =>
             {
                 state.Timer.Offset(TimeSpan.FromMinutes(10)).SetRelative();
                 state.Timer.Offset(TimeSpan.FromMinutes(30)).SetRelative();
             },
             onTimer: static (string key, ref TwoTimerState state, TimerContext timer, IEmitter<string> output) => output.Emit("It works"))
         .Output("output");
}

/// <summary>The state of TwoTimerTest: two timers that set each other, and a count.</summary>
public struct TwoTimersState
{
    public EventTimeTimer T1;
    public EventTimeTimer T2;
    public ValueState<int> Count;
}

/// <summary>testTwoTimersSettingEachOther (and its Create variants): timers that set each other fire in timestamp order.</summary>
[Pipeline]
public partial class TwoTimersSettingEachOther
{
    private const long Start = 1500000000000L;
    private const long End = Start + 100;

    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<int, int>>("input")
         .ParDo(
             static (int key, int value, ref TwoTimersState state, ProcessContext context, IEmitter<string> output) =>
             {
                 state.Count.Write(0);
                 state.T1.Set(new Instant(Start));
                 state.T2.Set(new Instant(End + 1)); // after the end: timers must still fire in order
             },
             onTimer: static (int key, ref TwoTimersState state, TimerContext timer, IEmitter<string> output) =>
             {
                 var current = state.Count.Read();
                 var since = (timer.Timestamp.Millis - Start).ToString(System.Globalization.CultureInfo.InvariantCulture);
                 if (timer.TimerId == nameof(TwoTimersState.T1))
                 {
                     state.T2.Set(timer.Timestamp);
                     output.Emit("t1:" + current.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + since);
                 }
                 else
                 {
                     if (timer.Timestamp.Millis < End)
                     {
                         state.Count.Write(current + 1);
                         state.T1.Set(timer.Timestamp.Plus(TimeSpan.FromMilliseconds(1)));
                     }
                     else
                     {
                         state.Count.Write(-1);
                     }

                     output.Emit("t2:" + current.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + since);
                 }
             })
         .Output("output");
}

/// <summary>A timer and whether the timer fired.</summary>
public struct FiredState
{
    public EventTimeTimer Bar;
    public ValueState<bool> TimerFired;
}

/// <summary>
/// testOutputTimestamp: the first ParDo's timer holds the watermark at its output timestamp (5), so the second's
/// timer at 8 does not fire when the input watermark reaches 9.
/// </summary>
[Pipeline]
public partial class OutputTimestampHold
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, long>>("input")
         .ParDo(
             static (string key, long value, ref OneTimer state, ProcessContext context, IEmitter<KV<string, long>> output) =>
             {
                 state.Foo.WithOutputTimestamp(context.Timestamp.Plus(TimeSpan.FromMilliseconds(5))).Set(context.Timestamp.Plus(TimeSpan.FromMilliseconds(10)));
                 output.Emit(KV.Of("foo", 100L));
             },
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<KV<string, long>> output) => { })
         .ParDo(
             static (string key, long value, ref FiredState state, ProcessContext context, IEmitter<long> output) =>
             {
                 if (state.TimerFired.ReadOrDefault(false))
                 {
                     throw new InvalidOperationException("The timer fired before the first ParDo's watermark hold was released.");
                 }

                 state.Bar.Set(context.Timestamp.Plus(TimeSpan.FromMilliseconds(8)));
             },
             onTimer: static (string key, ref FiredState state, TimerContext timer, IEmitter<long> output) =>
             {
                 state.TimerFired.Write(true);
                 output.Emit(100L);
             })
         .Output("output");
}

/// <summary>testOutputTimestampWithProcessingTime: a processing-time timer's output timestamp holds the watermark too.</summary>
[Pipeline]
public partial class OutputTimestampWithProcessingTime
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref OneProcessingTimer state, ProcessContext context, IEmitter<KV<string, int>> output) =>
             {
                 state.Foo.WithOutputTimestamp(context.Timestamp.Plus(TimeSpan.FromSeconds(5))).Offset(TimeSpan.FromSeconds(10)).SetRelative();
                 output.Emit(KV.Of("foo", 100));
             },
             onTimer: static (string key, ref OneProcessingTimer state, TimerContext timer, IEmitter<KV<string, int>> output) => { })
         .ParDo(
             static (string key, int value, ref FiredState state, ProcessContext context, IEmitter<int> output) =>
             {
                 if (state.TimerFired.ReadOrDefault(false))
                 {
                     throw new InvalidOperationException("The timer fired before the first ParDo's watermark hold was released.");
                 }

                 state.Bar.Set(new Instant(8));
             },
             onTimer: static (string key, ref FiredState state, TimerContext timer, IEmitter<int> output) =>
             {
                 state.TimerFired.Write(true);
                 output.Emit(100);
             })
         .Output("output");
}

/// <summary>A timer family.</summary>
public struct FamilyState
{
    public EventTimeTimerMap Foo;
}

/// <summary>testTimerFamilyEventTimeBounded (and Unbounded): two timers of a family fire with their ids.</summary>
[Pipeline]
public partial class TimerFamilyEventTime
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref FamilyState state, ProcessContext context, IEmitter<string> output) =>
             {
                 state.Foo.Set("timer1", new Instant(1));
                 state.Foo.Set("timer2", new Instant(2));
                 output.Emit("process");
             },
             onTimer: static (string key, ref FamilyState state, TimerContext timer, IEmitter<string> output) => output.Emit(timer.DynamicTimerId!))
         .Output("output");
}

/// <summary>Two timer families.</summary>
public struct TwoFamiliesState
{
    public EventTimeTimerMap Foo;
    public EventTimeTimerMap Bar;
}

/// <summary>testTimerWithMultipleTimerFamilyBounded (and Unbounded): the same id in two families is two timers.</summary>
[Pipeline]
public partial class MultipleTimerFamilies
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref TwoFamiliesState state, ProcessContext context, IEmitter<string> output) =>
             {
                 state.Foo.Set("timer", new Instant(1));
                 state.Bar.Set("timer", new Instant(2));
                 output.Emit("process");
             },
             onTimer: static (string key, ref TwoFamiliesState state, TimerContext timer, IEmitter<string> output) => output.Emit(timer.DynamicTimerId!))
         .Output("output");
}

/// <summary>A family and a plain timer.</summary>
public struct FamilyAndTimerState
{
    public EventTimeTimerMap Foo;
    public EventTimeTimer Timer;
}

/// <summary>testTimerFamilyAndTimerBounded (and Unbounded): a family and a plain timer, each to its callback branch.</summary>
[Pipeline]
public partial class TimerFamilyAndTimer
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref FamilyAndTimerState state, ProcessContext context, IEmitter<string> output) =>
             {
                 state.Foo.Set("timer", new Instant(1));
                 state.Timer.Set(new Instant(2));
                 output.Emit("process");
             },
             onTimer: static (string key, ref FamilyAndTimerState state, TimerContext timer, IEmitter<string> output) =>
                 output.Emit(timer.DynamicTimerId is { } id ? "family:foo:" + id : "timer"))
         .Output("output");
}

/// <summary>A processing-time family.</summary>
public struct ProcessingFamilyState
{
    public ProcessingTimeTimerMap Foo;
}

/// <summary>testTimerFamilyProcessingTime: a processing-time timer of a family.</summary>
[Pipeline]
public partial class TimerFamilyProcessingTime
{
    static void Define(PipelineBuilder p) =>
        p.Unbounded<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref ProcessingFamilyState state, ProcessContext context, IEmitter<int> output) =>
             {
                 state.Foo.Get("timerId1").Offset(TimeSpan.FromSeconds(1)).SetRelative();
                 output.Emit(3);
             },
             onTimer: static (string key, ref ProcessingFamilyState state, TimerContext timer, IEmitter<int> output) =>
             {
                 if (timer.Domain == TimeDomain.ProcessingTime)
                 {
                     output.Emit(42);
                 }
             })
         .Output("output");
}

/// <summary>testKeyInOnTimer: the key of a timer's slot reaches its callback.</summary>
[Pipeline]
public partial class KeyInOnTimer
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(
             static (string key, int value, ref OneTimer state, ProcessContext context, IEmitter<int> output) => state.Foo.Set(new Instant(1)),
             onTimer: static (string key, ref OneTimer state, TimerContext timer, IEmitter<int> output) =>
                 output.Emit(int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)))
         .Output("output");
}

/// <summary>testKeyInOnTimerWithGenericKey: a KV key.</summary>
[Pipeline]
public partial class KeyInOnTimerWithGenericKey
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<KV<string, string>, int>>("input")
         .ParDo(
             static (KV<string, string> key, int value, ref OneTimer state, ProcessContext context, IEmitter<int> output) => state.Foo.Set(new Instant(1)),
             onTimer: static (KV<string, string> key, ref OneTimer state, TimerContext timer, IEmitter<int> output) =>
                 output.Emit(int.Parse(key.Key, System.Globalization.CultureInfo.InvariantCulture)))
         .Output("output");
}

/// <summary>A value and a timer.</summary>
public struct ExpirationState
{
    public ValueState<int> Foo;
    public EventTimeTimer Bar;
}

/// <summary>testOnWindowExpirationSimpleBounded (and Unbounded): the state a timer wrote is there when the window expires.</summary>
[Pipeline]
public partial class OnWindowExpirationSimple
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
         .ParDo(
             static (string key, int value, ref ExpirationState state, ProcessContext context, IEmitter<int> output) => state.Bar.Set(new Instant(1)),
             onTimer: static (string key, ref ExpirationState state, TimerContext timer, IEmitter<int> output) =>
                 state.Foo.Write(state.Foo.ReadOrDefault(0) + 1),
             onWindowExpiration: static (string key, ref ExpirationState state, WindowExpirationContext context, IEmitter<int> output) =>
             {
                 var current = state.Foo.ReadOrDefault(0);
                 if (current != 1)
                 {
                     throw new InvalidOperationException("expected 1, found " + current.ToString(System.Globalization.CultureInfo.InvariantCulture));
                 }

                 output.Emit(current);
             })
         .Output("output");
}
