using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;

namespace Compiled.Tests.State;

// Pipelines of Beam's ParDoTest.StateTests (and StateCoderInferenceTests), ported: each names the Beam test.

/// <summary>Beam's MyInteger: a reference type kept in state cells.</summary>
public sealed record MyInteger(int Value) : IComparable<MyInteger>
{
    public int CompareTo(MyInteger? other) => other is null ? 1 : Value.CompareTo(other.Value);
}

/// <summary>One int per key and window.</summary>
public struct IntState
{
    public ValueState<int> Foo;
}

/// <summary>testValueStateSimple: each element outputs the key's count so far, then increments it.</summary>
[Pipeline]
public partial class ValueStateSimple
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref IntState state, ProcessContext context, IEmitter<int> output) =>
         {
             var current = state.Foo.ReadOrDefault(0);
             output.Emit(current);
             state.Foo.Write(current + 1);
         })
         .Output("output");
}

/// <summary>testValueStateDedup: one output per key.</summary>
[Pipeline]
public partial class ValueStateDedup
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<int, int>>("input")
         .ParDo(static (int key, int value, ref IntState seen, ProcessContext context, IEmitter<int> output) =>
         {
             if (seen.Foo.ReadOrDefault(0) == 0)
             {
                 seen.Foo.Write(1);
                 output.Emit(value);
             }
         })
         .Output("output");
}

/// <summary>testValueStateFixedWindows: the count restarts in each window.</summary>
[Pipeline]
public partial class ValueStateFixedWindows
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
         .ParDo(static (string key, int value, ref IntState state, ProcessContext context, IEmitter<int> output) =>
         {
             var current = state.Foo.ReadOrDefault(0);
             output.Emit(current);
             state.Foo.Write(current + 1);
         })
         .Output("output");
}

/// <summary>testValueStateSameId: two stateful ParDos with a cell of the same name do not share it.</summary>
[Pipeline]
public partial class ValueStateSameId
{
    static void Define(PipelineBuilder p)
    {
        var intermediate = p.Create<KV<string, int>>("input")
            .ParDo(static (string key, int value, ref IntState state, ProcessContext context, IEmitter<KV<string, int>> output) =>
            {
                var current = state.Foo.ReadOrDefault(0);
                output.Emit(KV.Of("sizzle", current));
                state.Foo.Write(current + 1);
            });
        intermediate.Output("intermediate");
        intermediate
            .ParDo(static (string key, int value, ref IntState state, ProcessContext context, IEmitter<int> output) =>
            {
                var current = state.Foo.ReadOrDefault(13);
                output.Emit(current);
                state.Foo.Write(current + 13);
            })
            .Output("output");
    }
}

/// <summary>A list per key, in a value cell (testCoderInferenceOfList).</summary>
public struct ListValueState
{
    public ValueState<IReadOnlyList<MyInteger>> Foo;
}

/// <summary>testCoderInferenceOfList: a value cell holding a list of a reference type.</summary>
[Pipeline]
public partial class CoderInferenceOfList
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref ListValueState state, ProcessContext context, IEmitter<IReadOnlyList<MyInteger>> output) =>
         {
             var myInteger = new MyInteger(value);
             var current = state.Foo.Read();
             IReadOnlyList<MyInteger> next = current is null ? new[] { myInteger } : current.Append(myInteger).ToArray();
             output.Emit(next);
             state.Foo.Write(next);
         })
         .Output("output");
}

/// <summary>A bag per key.</summary>
public struct IntBagState
{
    public BagState<int> Foo;
}

/// <summary>testBagState: once the bag has four values, output them sorted.</summary>
[Pipeline]
public partial class BagStateTest
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref IntBagState state, ProcessContext context, IEmitter<int[]> output) =>
         {
             var wasEmpty = state.Foo.IsEmpty;
             state.Foo.Add(value);
             if (state.Foo.IsEmpty || (wasEmpty && state.Foo.Count != 1))
             {
                 throw new InvalidOperationException("the bag is not empty after an add");
             }

             if (state.Foo.Count >= 4)
             {
                 var sorted = state.Foo.Read().ToArray();
                 Array.Sort(sorted);
                 state.Foo.Add(-1);
                 if (state.Foo.Count != 5 || sorted.Length != 4)
                 {
                     throw new InvalidOperationException("a copy read before an add must not change");
                 }

                 output.Emit(sorted);
             }
         })
         .Output("output");
}

/// <summary>A bag of a reference type (testBagStateCoderInference).</summary>
public struct MyIntegerBagState
{
    public BagState<MyInteger> Foo;
}

/// <summary>testBagStateCoderInference: a bag of MyInteger.</summary>
[Pipeline]
public partial class BagStateOfReferences
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref MyIntegerBagState state, ProcessContext context, IEmitter<MyInteger[]> output) =>
         {
             state.Foo.Add(new MyInteger(value));
             if (state.Foo.Count >= 4)
             {
                 var sorted = state.Foo.Read().ToArray();
                 Array.Sort(sorted);
                 output.Emit(sorted);
             }
         })
         .Output("output");
}

/// <summary>A set and a count per key.</summary>
public struct SetAndCountState
{
    public SetState<int> Foo;
    public CombiningState<int, int, int, SumFn<int>> Count;
}

/// <summary>testSetState: after four elements, output the distinct values.</summary>
[Pipeline]
public partial class SetStateTest
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref SetAndCountState state, ProcessContext context, IEmitter<int[]> output) =>
         {
             state.Foo.Add(value);
             if (state.Foo.IsEmpty)
             {
                 throw new InvalidOperationException("the set is not empty after an add");
             }

             state.Count.Add(1);
             if (state.Count.Read() >= 4)
             {
                 var ints = new List<int>();
                 foreach (var x in state.Foo.Read())
                 {
                     ints.Add(x);
                 }

                 state.Foo.Add(-1);
                 if (ints.Count != 3 || state.Foo.Count != 4)
                 {
                     throw new InvalidOperationException("a copy read before an add must not change");
                 }

                 output.Emit(ints.Order().ToArray());
             }
         })
         .Output("output");
}

/// <summary>A set of a reference type and a count (testSetStateCoderInference).</summary>
public struct MyIntegerSetState
{
    public SetState<MyInteger> Foo;
    public CombiningState<int, int, int, SumFn<int>> Count;
}

/// <summary>testSetStateCoderInference: a set of MyInteger.</summary>
[Pipeline]
public partial class SetStateOfReferences
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref MyIntegerSetState state, ProcessContext context, IEmitter<MyInteger[]> output) =>
         {
             state.Foo.Add(new MyInteger(value));
             state.Count.Add(1);
             if (state.Count.Read() >= 4)
             {
                 var values = new List<MyInteger>();
                 foreach (var x in state.Foo.Read())
                 {
                     values.Add(x);
                 }

                 output.Emit(values.Order().ToArray());
             }
         })
         .Output("output");
}

/// <summary>A map and a count per key.</summary>
public struct MapAndCountState
{
    public MapState<string, int> Foo;
    public CombiningState<int, int, int, SumFn<int>> Count;
}

/// <summary>testMapState: after four puts, output the entries.</summary>
[Pipeline]
public partial class MapStateTest
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, KV<string, int>>>("input")
         .ParDo(static (string key, KV<string, int> value, ref MapAndCountState state, ProcessContext context, IEmitter<KV<string, int>> output) =>
         {
             state.Foo.Put(value.Key, value.Value);
             state.Count.Add(1);
             if (state.Count.Read() >= 4)
             {
                 var entries = new List<KV<string, int>>();
                 foreach (var entry in state.Foo.Entries())
                 {
                     entries.Add(KV.Of(entry.Key, entry.Value));
                 }

                 state.Foo.Put("BadKey", -1);
                 if (entries.Count != 3 || state.Foo.Count != 4)
                 {
                     throw new InvalidOperationException("a copy read before a put must not change");
                 }

                 foreach (var entry in entries)
                 {
                     output.Emit(entry);
                 }
             }
         })
         .Output("output");
}

/// <summary>A map of a reference type and a count (testMapStateCoderInference).</summary>
public struct MyIntegerMapState
{
    public MapState<string, MyInteger> Foo;
    public CombiningState<int, int, int, SumFn<int>> Count;
}

/// <summary>testMapStateCoderInference: a map to MyInteger.</summary>
[Pipeline]
public partial class MapStateOfReferences
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, KV<string, int>>>("input")
         .ParDo(static (string key, KV<string, int> value, ref MyIntegerMapState state, ProcessContext context, IEmitter<KV<string, MyInteger>> output) =>
         {
             state.Foo.Put(value.Key, new MyInteger(value.Value));
             state.Count.Add(1);
             if (state.Count.Read() >= 4)
             {
                 foreach (var entry in state.Foo.Entries())
                 {
                     output.Emit(KV.Of(entry.Key, entry.Value));
                 }
             }
         })
         .Output("output");
}

/// <summary>An ordered list per key.</summary>
public struct OrderedStringsState
{
    public OrderedListState<string> Foo;
}

/// <summary>testOrderedListState: the values in timestamp order, read when the window expires.</summary>
[Pipeline]
public partial class OrderedListStateTest
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, TimestampedValue<string>>>("input")
         .ParDo(
             static (string key, TimestampedValue<string> value, ref OrderedStringsState state, ProcessContext context, IEmitter<TimestampedValue<string>[]> output) =>
                 state.Foo.Add(value),
             onWindowExpiration: static (string key, ref OrderedStringsState state, WindowExpirationContext context, IEmitter<TimestampedValue<string>[]> output) =>
                 output.Emit(state.Foo.Read().ToArray()))
         .Output("output");
}

/// <summary>testOrderedListStateRangeFetch: range reads over timestamps.</summary>
[Pipeline]
public partial class OrderedListStateRangeFetch
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, TimestampedValue<string>>>("input")
         .ParDo(
             static (string key, TimestampedValue<string> value, ref OrderedStringsState state, ProcessContext context, IEmitter<TimestampedValue<string>[]> output) =>
                 state.Foo.Add(value),
             onWindowExpiration: static (string key, ref OrderedStringsState state, WindowExpirationContext context, IEmitter<TimestampedValue<string>[]> output) =>
             {
                 output.Emit(state.Foo.ReadRange(new Instant(0), new Instant(12)).ToArray());
                 output.Emit(state.Foo.ReadRange(new Instant(0), new Instant(13)).ToArray());
                 output.Emit(state.Foo.ReadRange(new Instant(13), new Instant(53)).ToArray());
                 output.Emit(state.Foo.ReadRange(new Instant(52), new Instant(98)).ToArray());
             })
         .Output("output");
}

/// <summary>An ordered list and a timer per key.</summary>
public struct OrderedStringsWithTimerState
{
    public OrderedListState<string> Foo;
    public EventTimeTimer Timer;
}

/// <summary>testOrderedListStateRangeDelete: a timer at 42 deletes the values up to 42.</summary>
[Pipeline]
public partial class OrderedListStateRangeDelete
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, TimestampedValue<string>>>("input")
         .ParDo(
             static (string key, TimestampedValue<string> value, ref OrderedStringsWithTimerState state, ProcessContext context, IEmitter<TimestampedValue<string>[]> output) =>
             {
                 state.Foo.Add(value);
                 state.Timer.Set(new Instant(42));
             },
             onTimer: static (string key, ref OrderedStringsWithTimerState state, TimerContext timer, IEmitter<TimestampedValue<string>[]> output) =>
                 state.Foo.ClearRange(Instant.Epoch, timer.Timestamp.Plus(TimeSpan.FromMilliseconds(1))),
             onWindowExpiration: static (string key, ref OrderedStringsWithTimerState state, WindowExpirationContext context, IEmitter<TimestampedValue<string>[]> output) =>
                 output.Emit(state.Foo.Read().ToArray()))
         .Output("output");
}

/// <summary>A mean per key.</summary>
public struct MeanState
{
    public CombiningState<double, MeanAccumulator, double, MeanFn<double>> Foo;
}

/// <summary>testCombiningState: the running mean is 0.5 exactly once.</summary>
[Pipeline]
public partial class CombiningStateTest
{
    private const double Epsilon = 0.0001;

    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, double>>("input")
         .ParDo(static (string key, double value, ref MeanState state, ProcessContext context, IEmitter<string> output) =>
         {
             state.Foo.Add(value);
             if (Math.Abs(state.Foo.Read() - 0.5) < Epsilon)
             {
                 output.Emit("right on");
             }
         })
         .Output("output");
}

/// <summary>A sum per key.</summary>
public struct SumState
{
    public CombiningState<int, int, int, SumFn<int>> Foo;
}

/// <summary>testCombiningStateParameterSuperclass: the running sum is 8 exactly once.</summary>
[Pipeline]
public partial class CombiningStateSum
{
    private const int ExpectedSum = 8;

    static void Define(PipelineBuilder p) =>
        p.Create<KV<int, int>>("input")
         .ParDo(static (int key, int value, ref SumState state, ProcessContext context, IEmitter<string> output) =>
         {
             state.Foo.Add(value);
             if (state.Foo.Read() == ExpectedSum)
             {
                 output.Emit("right on");
             }
         })
         .Output("output");
}

/// <summary>Beam's combine function of testCombiningStateCoderInference: sums into a new MyInteger each time.</summary>
public readonly struct MyIntegerSumFn : ICombineFn<int, MyInteger, int>
{
    public MyInteger CreateAccumulator() => new(0);

    public void AddInput(ref MyInteger accumulator, int input) => accumulator = new MyInteger(accumulator.Value + input);

    public void MergeAccumulators(ref MyInteger accumulator, MyInteger other) => accumulator = new MyInteger(accumulator.Value + other.Value);

    public int ExtractOutput(MyInteger accumulator) => accumulator.Value;
}

/// <summary>A custom combine per key.</summary>
public struct MyIntegerSumState
{
    public CombiningState<int, MyInteger, int, MyIntegerSumFn> Foo;
}

/// <summary>testCombiningStateCoderInference: a user combine function whose accumulator is a reference type; the sum is 16 once.</summary>
[Pipeline]
public partial class CombiningStateCustomFn
{
    private const int ExpectedSum = 16;

    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref MyIntegerSumState state, ProcessContext context, IEmitter<string> output) =>
         {
             state.Foo.Add(value);
             if (state.Foo.Read() == ExpectedSum)
             {
                 output.Emit("right on");
             }
         })
         .Output("output");
}

/// <summary>A MyInteger per key.</summary>
public struct MyIntegerValueState
{
    public ValueState<MyInteger> Foo;
}

/// <summary>testValueStateCoderInference: a value cell of a reference type.</summary>
[Pipeline]
public partial class ValueStateOfReference
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref MyIntegerValueState state, ProcessContext context, IEmitter<MyInteger> output) =>
         {
             var current = state.Foo.ReadOrDefault(new MyInteger(0));
             output.Emit(current);
             state.Foo.Write(new MyInteger(current.Value + 1));
         })
         .Output("output");
}

/// <summary>A stateful DoFn written as a class of methods (Beam's DoFn class), passed as method groups.</summary>
public static class RunningTotalFn
{
    /// <summary>The element callback: generic in its emitter, so the runner's struct emitter is passed without boxing.</summary>
    public static void Process<TOut>(string key, int value, ref SumAndTimerState state, ProcessContext context, TOut output)
        where TOut : IEmitter<KV<string, int>>
    {
        state.Sum.Add(value);
        state.Flush.Set(context.Window.MaxTimestamp);
        output.Emit(KV.Of(key, state.Sum.Read()));
    }

    /// <summary>The timer callback.</summary>
    public static void OnTimer<TOut>(string key, ref SumAndTimerState state, TimerContext timer, TOut output)
        where TOut : IEmitter<KV<string, int>> =>
        output.Emit(KV.Of(key + ":final", state.Sum.Read()));
}

/// <summary>A running sum and a timer.</summary>
public struct SumAndTimerState
{
    public CombiningState<int, int, int, SumFn<int>> Sum;
    public EventTimeTimer Flush;
}

/// <summary>A stateful ParDo whose callbacks are method groups.</summary>
[Pipeline]
public partial class RunningTotals
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo<string, int, SumAndTimerState, KV<string, int>>(RunningTotalFn.Process, onTimer: RunningTotalFn.OnTimer)
         .Output("output");
}

/// <summary>A stateful ParDo whose element callback throws on a negative value.</summary>
[Pipeline]
public partial class ThrowingStatefulParDo
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref IntState state, ProcessContext context, IEmitter<int> output) =>
         {
             if (value < 0)
             {
                 throw new ArgumentOutOfRangeException(nameof(value), "negative");
             }

             state.Foo.Write(state.Foo.ReadOrDefault(0) + value);
             output.Emit(state.Foo.Read());
         })
         .Output("output");
}

/// <summary>testValueStateTaggedOutput: even counts to the main output, odd ones to the tagged output.</summary>
[Pipeline]
public partial class ValueStateTaggedOutput
{
    static void Define(PipelineBuilder p)
    {
        var (evens, odds) = p.Create<KV<string, int>>("input")
            .ParDo(static (string key, int value, ref IntState state, ProcessContext context, IEmitter<int> even, IEmitter<int> odd) =>
            {
                var current = state.Foo.ReadOrDefault(0);
                if (current % 2 == 0)
                {
                    even.Emit(current);
                }
                else
                {
                    odd.Emit(current);
                }

                state.Foo.Write(current + 1);
            });
        evens.Output("evens");
        odds.Output("odds");
    }
}

/// <summary>A Map after a stateful ParDo that throws on zero.</summary>
[Pipeline]
public partial class ThrowingAfterStatefulParDo
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref IntState state, ProcessContext context, IEmitter<int> output) => output.Emit(value))
         .Map(static x => 100 / x)
         .Output("output");
}
