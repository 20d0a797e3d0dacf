using System;
using Compiled;

namespace Compiled.Tests.State;

/// <summary>The last value a key saw.</summary>
public struct LastValue
{
    public ValueState<long> Last;
}

/// <summary>The values a key saw so far, joined by ':'.</summary>
public struct Concatenated
{
    public ValueState<string> Sum;
}

/// <summary>A running sum per key and window.</summary>
public struct RunningSum
{
    public ValueState<int> Sum;
}

/// <summary>The functions of the time-sorted pipelines below.</summary>
public static class TimeSortedFns
{
    /// <summary>Beam's ParDoTest timeSortedDoFn: the value minus the key's previous one (minus one for the first).</summary>
    public static void Difference(string key, long v, ref LastValue state, ProcessContext context, IEmitter<int> output)
    {
        var last = state.Last.ReadOrDefault(v - 1);
        state.Last.Write(v);
        output.Emit((int)(v - last));
    }

    /// <summary>The DirectRunner's statefulConcat: the key's values so far, joined by ':'.</summary>
    public static void Concat(string key, int value, ref Concatenated state, ProcessContext context, IEmitter<string> output)
    {
        var current = state.Sum.ReadOrDefault("");
        current = current.Length > 0 ? current + ":" + value : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        output.Emit(current);
        state.Sum.Write(current);
    }
}

/// <summary>
/// Beam's ParDoTest timeSortedDoFn under @RequiresTimeSortedInput: each value minus the key's previous one (the value
/// minus one for the first), so values seen in ascending consecutive order all give 1. Timestamps are the values.
/// </summary>
[Pipeline]
public partial class TimeSortedDifferences
{
    static void Define(PipelineBuilder p) =>
        p.Create<long>("input")
         .WithTimestamps(static v => new Instant(v))
         .Map(static v => KV.Of("", v))
         .ParDo<string, long, LastValue, int>(TimeSortedFns.Difference, requiresTimeSortedInput: true)
         .Output("output");
}

/// <summary>The same with an allowed lateness of 5,000 ms in the global window (testRequiresTimeSortedInputWithLateDataAndAllowedLateness).</summary>
[Pipeline]
public partial class TimeSortedDifferencesWithLateness
{
    static void Define(PipelineBuilder p) =>
        p.Create<long>("input")
         .WithTimestamps(static v => new Instant(v))
         .Window(Windows.Global().WithAllowedLateness(TimeSpan.FromMilliseconds(5000)))
         .Map(static v => KV.Of("", v))
         .ParDo<string, long, LastValue, int>(TimeSortedFns.Difference, requiresTimeSortedInput: true)
         .Output("output");
}

/// <summary>testTwoRequiresTimeSortedInputWithLateData: the differences of the first sorted ParDo, sorted again by a second (they keep their timestamps).</summary>
[Pipeline]
public partial class TwoTimeSortedStages
{
    static void Define(PipelineBuilder p) =>
        p.Create<long>("input")
         .WithTimestamps(static v => new Instant(v))
         .Map(static v => KV.Of("", v))
         .ParDo<string, long, LastValue, int>(TimeSortedFns.Difference, requiresTimeSortedInput: true)
         .Map(static d => KV.Of("", (long)d))
         .ParDo<string, long, LastValue, int>(TimeSortedFns.Difference, requiresTimeSortedInput: true)
         .Output("output");
}

/// <summary>The DirectRunner's statefulConcat under @RequiresTimeSortedInput: each element outputs the key's values so far, joined by ':'.</summary>
[Pipeline]
public partial class TimeSortedConcat
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .ParDo<string, int, Concatenated, string>(TimeSortedFns.Concat, requiresTimeSortedInput: true)
         .Output("output");
}

/// <summary>The same with an allowed lateness of 2 ms.</summary>
[Pipeline]
public partial class TimeSortedConcatWithLateness
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .Window(Windows.Global().WithAllowedLateness(TimeSpan.FromMilliseconds(2)))
         .ParDo<string, int, Concatenated, string>(TimeSortedFns.Concat, requiresTimeSortedInput: true)
         .Output("output");
}

/// <summary>StatefulDoFnRunnerTest's ordered case: a running sum per key in fixed 10 ms windows with 1 ms of allowed lateness.</summary>
[Pipeline]
public partial class TimeSortedRunningSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("input")
         .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)).WithAllowedLateness(TimeSpan.FromMilliseconds(1)))
         .ParDo(static (string key, int value, ref RunningSum state, ProcessContext context, IEmitter<int> output) =>
         {
             var sum = state.Sum.ReadOrDefault(0) + value;
             state.Sum.Write(sum);
             output.Emit(sum);
         }, requiresTimeSortedInput: true)
         .Output("output");
}
