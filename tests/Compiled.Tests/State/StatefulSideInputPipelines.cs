using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled;
using Compiled.Tests.EventTime;

namespace Compiled.Tests.State;

// Stateful ParDos that read a side input: Beam's ParDoTest.StateTests.testBagStateSideInput and testStateSideInput,
// ported, and windowed, waiting and timer cases of our own.

/// <summary>testBagStateSideInput: a bag per key; at four values, the sorted bag and the sorted side list.</summary>
[Pipeline]
public partial class BagStateSideInput
{
    static void Define(PipelineBuilder p)
    {
        var list = p.Create<int>("side").AsList();
        p.Create<KV<string, int>>("input")
         .ParDo(list, static (string key, int value, IReadOnlyList<int> side, ref IntBagState state, ProcessContext context, IEmitter<int[]> output) =>
         {
             state.Foo.Add(value);
             if (state.Foo.Count >= 4)
             {
                 var sorted = state.Foo.Read().ToArray();
                 Array.Sort(sorted);
                 output.Emit(sorted);
                 var sideSorted = side.ToArray();
                 Array.Sort(sideSorted);
                 output.Emit(sideSorted);
             }
         })
         .Output("output");
    }
}

/// <summary>testStateSideInput: a singleton side input kept in a bag of MyInteger and output.</summary>
[Pipeline]
public partial class StateSideInput
{
    static void Define(PipelineBuilder p)
    {
        var single = p.Create<int>("side").AsSingleton();
        p.Create<KV<int, int>>("input")
         .ParDo(single, static (int key, int value, int side, ref MyIntegerBagState state, ProcessContext context, IEmitter<int> output) =>
         {
             state.Foo.Add(new MyInteger(side));
             output.Emit(side);
         })
         .Output("output");
    }
}

/// <summary>A running count per key and window, and the window's own side value (a singleton per window).</summary>
public struct CountAndTimer
{
    public ValueState<int> Count;
    public ValueState<int> Rate;
    public EventTimeTimer End;
}

/// <summary>
/// Fixed 10 ms windows on both sides: each element adds one to its key's count in its window and remembers the window's
/// rate (the side input); at the window's end a timer emits key, count and rate, so a timer reads what the element read.
/// The second output gets each element with the rate it saw.
/// </summary>
[Pipeline]
public partial class WindowedStatefulSide
{
    static void Define(PipelineBuilder p)
    {
        var rates = p.Create<TimedInt>("rates")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(static x => x.Value)
            .AsSingleton(0);
        var result = p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(static x => KV.Of(x.Key, x.Value))
            .ParDo(rates,
                static (string key, int value, int rate, ref CountAndTimer state, ProcessContext context, IEmitter<string> totals, IEmitter<string> seen) =>
                {
                    state.Count.Write(state.Count.ReadOrDefault(0) + 1);
                    state.Rate.Write(rate);
                    state.End.Set(context.Window.MaxTimestamp);
                    seen.Emit(key + value.ToString(CultureInfo.InvariantCulture) + "*" + rate.ToString(CultureInfo.InvariantCulture));
                },
                static (string key, ref CountAndTimer state, TimerContext timer, IEmitter<string> totals, IEmitter<string> seen) =>
                    totals.Emit(key + ":" + state.Count.ReadOrDefault(0).ToString(CultureInfo.InvariantCulture) + "*" + state.Rate.ReadOrDefault(-1).ToString(CultureInfo.InvariantCulture) +
                                "@" + timer.Window.Start.Millis.ToString(CultureInfo.InvariantCulture)));
        result.Main.Output("totals");
        result.Output2.Output("seen");
    }
}

/// <summary>
/// A global-window dedup with a threshold from a side input: a key's values are summed, and the sum is emitted the first
/// time it reaches the threshold; time-sorted, so the threshold is crossed in timestamp order.
/// </summary>
[Pipeline]
public partial class SortedThresholdSide
{
    static void Define(PipelineBuilder p)
    {
        var threshold = p.Create<int>("threshold").AsSingleton();
        p.Create<TimedEntry>("main")
         .WithTimestamps(static x => new Instant(x.TimeMs))
         .Map(static x => KV.Of(x.Key, x.Value))
         .ParDo(threshold, static (string key, int value, int limit, ref IntState state, ProcessContext context, IEmitter<string> output) =>
         {
             var before = state.Foo.ReadOrDefault(0);
             var after = before + value;
             state.Foo.Write(after);
             if (before < limit && after >= limit)
             {
                 output.Emit(key + "@" + context.Timestamp.Millis.ToString(CultureInfo.InvariantCulture));
             }
         }, requiresTimeSortedInput: true)
         .Output("output");
    }
}
