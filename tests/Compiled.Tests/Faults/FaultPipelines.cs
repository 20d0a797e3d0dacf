using System;
using System.Collections.Generic;
using System.IO;
using Compiled;

namespace Compiled.Tests.Faults;

// Pipelines for the fault tests: one per windowing (fixed, sliding, sessions, global, triggered), keyed and
// unkeyed, each reading timestamped KV<string, int> events and writing one output "out".

[Pipeline]
public partial class FixedKeyedSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("events").Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))).CombinePerKey(Combiners.Sum<int>()).Output("out");
}

[Pipeline]
public partial class FixedGlobalSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("events").Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))).Values()
         .CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true).Output("out");
}

[Pipeline]
public partial class SlidingKeyedCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("events").Window(Windows.Sliding(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10))).CountPerKey().Output("out");
}

[Pipeline]
public partial class SlidingGlobalCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("events").Window(Windows.Sliding(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10))).Count(withoutDefaults: true).Output("out");
}

[Pipeline]
public partial class SessionKeyedCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("events").Window(Windows.Sessions(TimeSpan.FromMilliseconds(4))).CountPerKey().Output("out");
}

[Pipeline]
public partial class SessionGlobalCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("events").Window(Windows.Sessions(TimeSpan.FromMilliseconds(1))).Count(withoutDefaults: true).Output("out");
}

[Pipeline]
public partial class GlobalKeyedCounts
{
    static void Define(PipelineBuilder p) => p.Create<KV<string, int>>("events").CountPerKey().Output("out");
}

[Pipeline]
public partial class GlobalCount
{
    static void Define(PipelineBuilder p) => p.Create<KV<string, int>>("events").Count().Output("out");
}

/// <summary>Early, on-time and late panes (accumulating): panes fire during pushes, watermark advances and Finish.</summary>
[Pipeline]
public partial class TriggeredKeyedSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("events")
         .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))
             .Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2)).WithLateFirings(Trigger.AfterCount(1)))
             .WithAllowedLateness(TimeSpan.FromMilliseconds(10))
             .Accumulating())
         .CombinePerKey(Combiners.Sum<int>())
         .Output("out");
}

/// <summary>A grouping whose panes go through a FlatMap (two results each) to one sink, and straight to another.</summary>
[Pipeline]
public partial class FannedOutSums
{
    static void Define(PipelineBuilder p)
    {
        var sums = p.Create<KV<string, int>>("events").Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))).CombinePerKey(Combiners.Sum<int>());
        sums.FlatMap<string>(static (kv, output) =>
        {
            output.Emit(kv.Key + "=" + kv.Value);
            output.Emit(kv.Key + "*2=" + (kv.Value * 2));
        }).Output("out");
        sums.Output("other");
    }
}

/// <summary>A transform that throws on one pane: key "poison".</summary>
[Pipeline]
public partial class PoisonedPanes
{
    static void Define(PipelineBuilder p) =>
        p.Create<KV<string, int>>("events")
         .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
         .CombinePerKey(Combiners.Sum<int>())
         .Map(static kv => kv.Key == "poison" ? throw new InvalidDataException("poisoned pane") : kv)
         .Output("out");
}

/// <summary>A combine function whose ExtractOutput throws for one accumulated value (a sum of 13).</summary>
public readonly struct UnluckySum : ICombineFn<int, int, int>
{
    /// <inheritdoc />
    public int CreateAccumulator() => 0;

    /// <inheritdoc />
    public void AddInput(ref int accumulator, int input) => accumulator += input;

    /// <inheritdoc />
    public void MergeAccumulators(ref int accumulator, int other) => accumulator += other;

    /// <inheritdoc />
    public int ExtractOutput(int accumulator) => accumulator == 13 ? throw new InvalidDataException("unlucky") : accumulator;
}

[Pipeline]
public partial class UnluckySums
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<KV<string, int>>("events");
        events.Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))).CombinePerKey(new UnluckySum()).Output("inline");
        events.Window(Windows.Sessions(TimeSpan.FromMilliseconds(4))).CombinePerKey(new UnluckySum()).Output("panes");
    }
}

/// <summary>Transforms that throw on bad values: -1 in the Map, -2 in the Filter, -3 in the FlatMap (after one output).</summary>
[Pipeline]
public partial class PoisonedElements
{
    static void Define(PipelineBuilder p)
    {
        var numbers = p.Create<int>("numbers")
            .Map(static x => x == -1 ? throw new InvalidDataException("bad value -1") : x)
            .Filter(static x => x == -2 ? throw new InvalidDataException("bad value -2") : x % 5 != 4)
            .FlatMap<int>(static (x, output) =>
            {
                output.Emit(x);
                if (x == -3)
                {
                    throw new InvalidDataException("bad value -3");
                }

                output.Emit(x + 1000);
            });
        numbers.WithKeys(static x => x % 7).CountPerKey().Output("counts");
        numbers.CombineGlobally(Combiners.Sum<int>()).Output("sum");
    }
}

/// <summary>One transform that counts per element: the single-writer test.</summary>
[Pipeline]
public partial class CountEverything
{
    static void Define(PipelineBuilder p) => p.Create<int>("numbers").CountPerElement().Output("counts");
}

/// <summary>A sink that throws once, at its <c>failAt</c>-th call (1-based), and records what it accepted.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class FailOnceSink<T> : ISink<T>
{
    private readonly int _failAt;
    private int _calls;

    /// <summary>Creates the sink.</summary>
    /// <param name="failAt">The call that throws; 0: none.</param>
    public FailOnceSink(int failAt) => _failAt = failAt;

    /// <summary>What the sink accepted, in order.</summary>
    public List<WindowedValue<T>> Received { get; } = new();

    /// <summary>The call that throws (1-based); 0: none.</summary>
    public int FailAt => _failAt;

    /// <summary>The calls so far, the one that threw included.</summary>
    public int Calls => _calls;

    /// <inheritdoc />
    public void Receive(in WindowedValue<T> element)
    {
        _calls++;
        if (_calls == _failAt)
        {
            throw new IOException("the sink is down (call " + _calls + ")");
        }

        Received.Add(element);
    }
}
