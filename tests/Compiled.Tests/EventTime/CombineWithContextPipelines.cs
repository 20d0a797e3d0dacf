using System;
using System.Globalization;
using Compiled;

namespace Compiled.Tests.EventTime;

/// <summary>Beam's TestCombineFn.Accumulator: the side input's value as the seed, and the inputs' decimal digits.</summary>
public readonly record struct SeededDigits(string Seed, string Digits);

/// <summary>
/// Beam's CombineTest.TestCombineFnWithContext: seeds its accumulator with the side input (an int), appends each input's
/// decimal digits, and outputs "seed:sorted digits". Every step checks that it sees the side input it was seeded with, as
/// Beam's asserts do, so a step that read another window's side input fails the pipeline.
/// </summary>
public readonly struct SeededDigitsFn : ICombineFnWithContext<int, SeededDigits, string, int>
{
    /// <inheritdoc/>
    public SeededDigits CreateAccumulator(in CombineContext<int> context) => new(Text(context.SideInput), string.Empty);

    /// <inheritdoc/>
    public void AddInput(ref SeededDigits accumulator, int input, in CombineContext<int> context)
    {
        if (accumulator.Seed != Text(context.SideInput))
        {
            throw new InvalidOperationException("Not expecting view contents to change: seeded with " + accumulator.Seed + ", now " + Text(context.SideInput));
        }

        accumulator = accumulator with { Digits = accumulator.Digits + Text(input) };
    }

    /// <inheritdoc/>
    public string ExtractOutput(SeededDigits accumulator, in CombineContext<int> context)
    {
        if (!accumulator.Seed.StartsWith(Text(context.SideInput), StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Seeded with " + accumulator.Seed + ", extracted with " + Text(context.SideInput));
        }

        var digits = accumulator.Digits.ToCharArray();
        Array.Sort(digits);
        return accumulator.Seed + ":" + new string(digits);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Beam's CombineTest testSimpleCombineWithContext: per key and globally, reading the global sum of the values.</summary>
[Pipeline]
public partial class SimpleCombineWithContext
{
    static void Define(PipelineBuilder p)
    {
        var perKeyInput = p.Create<KV<string, int>>("table");
        var globallyInput = perKeyInput.Values();
        var sum = globallyInput.CombineGlobally(Combiners.Sum<int>());
        sum.Output("sum");
        var globallySumView = sum.AsSingleton();
        perKeyInput.CombinePerKey(globallySumView, new SeededDigitsFn()).Output("perKey");
        globallyInput.CombineGlobally(globallySumView, new SeededDigitsFn()).Output("globally");
    }
}

/// <summary>Beam's CombineTest testFixedWindowsCombineWithContext: fixed 2 ms windows; the side input is each window's sum.</summary>
[Pipeline]
public partial class FixedWindowsCombineWithContext
{
    static void Define(PipelineBuilder p)
    {
        var perKeyInput = p.Create<TimedEntry>("table")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Map(static x => KV.Of(x.Key, x.Value))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(2)));
        var globallyInput = perKeyInput.Values();
        var sum = globallyInput.CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true);
        sum.Output("sum");
        var globallySumView = sum.AsSingleton();
        perKeyInput.CombinePerKey(globallySumView, new SeededDigitsFn()).Output("perKey");
        globallyInput.CombineGlobally(globallySumView, new SeededDigitsFn()).Output("globally");
    }
}

/// <summary>
/// Beam's CombineTest testSlidingWindowsCombineWithContext: sliding 2 ms windows every 1 ms (Beam's default period for
/// a 2 ms size); the side input is each window's sum, read in the same window (the earliest that contains its end).
/// </summary>
[Pipeline]
public partial class SlidingWindowsCombineWithContext
{
    static void Define(PipelineBuilder p)
    {
        var perKeyInput = p.Create<TimedEntry>("table")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Map(static x => KV.Of(x.Key, x.Value))
            .Window(Windows.Sliding(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(1)));
        var globallyInput = perKeyInput.Values();
        var sum = globallyInput.CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true);
        sum.Output("sum");
        var globallySumView = sum.AsSingleton();
        perKeyInput.CombinePerKey(globallySumView, new SeededDigitsFn()).Output("perKey");
        globallyInput.CombineGlobally(globallySumView, new SeededDigitsFn()).Output("globally");
    }
}

/// <summary>
/// Beam's CombineTest testSessionsCombineWithContext: sessions with a 5 ms gap read the sums of fixed 5 ms windows
/// (default 0) in the fixed window of the merged session's max timestamp.
/// </summary>
[Pipeline]
public partial class SessionsCombineWithContext
{
    static void Define(PipelineBuilder p)
    {
        var perKeyInput = p.Create<TimedEntry>("table")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Map(static x => KV.Of(x.Key, x.Value));
        var globallyInput = perKeyInput.Values();
        var fixedWindowsSum = globallyInput
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(5)))
            .CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true);
        fixedWindowsSum.Output("fixedSum");
        var globallyFixedWindowsView = fixedWindowsSum.AsSingleton(0);
        perKeyInput
            .Window(Windows.Sessions(TimeSpan.FromMilliseconds(5)))
            .CombinePerKey(globallyFixedWindowsView, new SeededDigitsFn())
            .Output("perKey");
        globallyInput
            .Window(Windows.Sessions(TimeSpan.FromMilliseconds(5)))
            .CombineGlobally(globallyFixedWindowsView, new SeededDigitsFn())
            .Output("globally");
    }
}

/// <summary>A combine that reads a side input, per key and globally, sends its late elements to outputs of their own.</summary>
[Pipeline]
public partial class LateCombineWithContext
{
    static void Define(PipelineBuilder p)
    {
        var input = p.Create<TimedEntry>("table")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)));
        var values = input.Map(static x => x.Value);
        var view = values.CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true).AsSingleton(0);
        input.Map(static x => KV.Of(x.Key, x.Value)).CombinePerKey(view, new SeededDigitsFn(), lateData: "latePerKey").Output("perKey");
        values.CombineGlobally(view, new SeededDigitsFn(), lateData: "late").Output("globally");
    }
}
