using System;
using Compiled;

namespace Compiled.Tests.State;

/// <summary>The state of <see cref="ValueStateSimple"/>: one counter per key and window.</summary>
public struct CounterState
{
    public ValueState<int> Count;
}

/// <summary>Beam's testValueStateSimple: each element outputs the key's count so far, then increments it.</summary>
[Pipeline]
public partial class ValueStateSimple
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo(static (string key, int value, ref CounterState state, ProcessContext context, IEmitter<int> output) =>
         {
             var current = state.Count.ReadOrDefault(0);
             output.Emit(current);
             state.Count.Write(current + 1);
         })
         .Output("output");
}

/// <summary>The state of a deduplication: whether the key was seen, and a timer that forgets it.</summary>
public struct DedupState
{
    public ValueState<bool> Seen;
    public EventTimeTimer Expiry;
}

/// <summary>A stateful deduplication: the first element of a key passes; the key is forgotten an hour (event time) later.</summary>
[Pipeline]
public partial class StatefulDedup
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("events")
         .ParDo(
             static (string key, int value, ref DedupState state, ProcessContext context, IEmitter<string> output) =>
             {
                 if (!state.Seen.IsEmpty)
                 {
                     return;
                 }

                 state.Seen.Write(true);
                 state.Expiry.Set(context.Timestamp.Plus(TimeSpan.FromHours(1)));
                 output.Emit(key);
             },
             onTimer: static (string key, ref DedupState state, TimerContext timer, IEmitter<string> output) => state.Seen.Clear())
         .Output("unique");
}
