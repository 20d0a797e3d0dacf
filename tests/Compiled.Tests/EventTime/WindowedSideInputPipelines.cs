using System;
using System.Collections.Generic;
using Compiled;

namespace Compiled.Tests.EventTime;

/// <summary>An int with its event time in milliseconds.</summary>
public readonly record struct TimedInt(int Value, long TimeMs);

/// <summary>A key and an int with its event time in milliseconds.</summary>
public readonly record struct TimedEntry(string Key, int Value, long TimeMs);

/// <summary>Beam's ViewTest.testWindowedSingletonSideInput: fixed 10 ms windows on both sides; each main element outputs its window's side element.</summary>
[Pipeline]
public partial class WindowedSingletonSide
{
    static void Define(PipelineBuilder p)
    {
        var side = p.Create<TimedInt>("side")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(static x => x.Value)
            .AsSingleton();
        p.Create<TimedInt>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(side, static (x, s) => s)
            .Output("out");
    }
}

/// <summary>Beam's ViewTest.testWindowedListSideInput: each main element outputs every side element of its window.</summary>
[Pipeline]
public partial class WindowedListSide
{
    static void Define(PipelineBuilder p)
    {
        var side = p.Create<TimedInt>("side")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(static x => x.Value)
            .AsList();
        p.Create<TimedInt>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .FlatMap(side, static (TimedInt x, IReadOnlyList<int> values, IEmitter<int> output) =>
            {
                foreach (var v in values)
                {
                    output.Emit(v);
                }
            })
            .Output("out");
    }
}

/// <summary>Beam's ViewTest.testWindowedMapSideInput: each word looks its first letter up in its window's map.</summary>
[Pipeline]
public partial class WindowedMapSide
{
    static void Define(PipelineBuilder p)
    {
        var side = p.Create<TimedEntry>("side")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(static x => KV.Of(x.Key, x.Value))
            .AsDictionary();
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(side, static (x, map) => KV.Of(x.Key, map[x.Key.Substring(0, 1)]))
            .Output("out");
    }
}

/// <summary>Beam's ViewTest.testWindowedSideInputFixedToFixed: the sum of each side window (without defaults) as a singleton.</summary>
[Pipeline]
public partial class WindowedSumSide
{
    static void Define(PipelineBuilder p)
    {
        var side = p.Create<TimedInt>("side")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(static x => x.Value)
            .CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true)
            .AsSingleton();
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(side, static (x, sum) => x.Key + sum.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Output("out");
    }
}

/// <summary>Beam's ViewTest.testWindowedSideInputFixedToGlobal: windowed main elements read one global sum.</summary>
[Pipeline]
public partial class GlobalSumSide
{
    static void Define(PipelineBuilder p)
    {
        var side = p.Create<TimedInt>("side")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Window(Windows.Global())
            .Map(static x => x.Value)
            .CombineGlobally(Combiners.Sum<int>())
            .AsSingleton();
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(side, static (x, sum) => x.Key + sum.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Output("out");
    }
}

/// <summary>Beam's ParDoTest.testSideInputsWithMultipleWindows: an element in five sliding windows reads a global singleton in each.</summary>
[Pipeline]
public partial class SlidingReaderOfGlobalSide
{
    static void Define(PipelineBuilder p)
    {
        var side = p.Create<int>("side").AsSingleton();
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Sliding(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)))
            .Map(side, static (x, s) => x.Key + ":" + s.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Output("out");
    }
}

/// <summary>
/// Main elements in 10 ms windows read the sum of a 100 ms side window (0 where it has none), then a sum per key and main
/// window below: the elements that wait for their side window hold the watermark of the sum below, which fires them on time.
/// </summary>
[Pipeline]
public partial class WideSideWindows
{
    static void Define(PipelineBuilder p)
    {
        var side = p.Create<TimedInt>("side")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(100)))
            .Map(static x => x.Value)
            .CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true)
            .AsSingleton(0);
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(side, static (x, sum) => KV.Of(x.Key, x.Value * sum))
            .CombinePerKey(Combiners.Sum<int>())
            .Output("sums");
    }
}

/// <summary>Sliding side windows (20 ms every 10 ms) read from fixed 10 ms main windows: Beam maps each to the earliest side window that contains its end.</summary>
[Pipeline]
public partial class SlidingSideWindows
{
    static void Define(PipelineBuilder p)
    {
        var side = p.Create<TimedInt>("side")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Sliding(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10)))
            .Map(static x => x.Value)
            .AsList();
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(side, static (x, values) => x.Key + ":" + string.Join(",", values))
            .Output("out");
    }
}

/// <summary>Windowed main elements read a global singleton (complete at Finish), then a sum per key and 10 ms window below.</summary>
[Pipeline]
public partial class GlobalViewWindowedSums
{
    static void Define(PipelineBuilder p)
    {
        var factor = p.Create<int>("factor").AsSingleton();
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(factor, static (x, f) => KV.Of(x.Key, x.Value * f))
            .CombinePerKey(Combiners.Sum<int>())
            .Output("sums");
    }
}

/// <summary>Beam's ViewTest.testWindowedSideInputFixedToFixedWithDefault: the sum of each side window, 0 where a window has none.</summary>
[Pipeline]
public partial class WindowedSumSideWithDefault
{
    static void Define(PipelineBuilder p)
    {
        var side = p.Create<TimedInt>("side")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(static x => x.Value)
            .CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true)
            .AsSingleton(0);
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(side, static (x, sum) => x.Key + sum.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Output("out");
    }
}

/// <summary>
/// Beam's ViewTest.testWindowedSideInputNotPresent: a sum per 100 s window, re-windowed into 10 s windows (it sits in the
/// last one, at its end of window timestamp), read with a default of 0 from a grouping in 10 s windows.
/// </summary>
[Pipeline]
public partial class SideInputNotPresent
{
    static void Define(PipelineBuilder p)
    {
        var input = p.Create<TimedEntry>("input").WithTimestamps(static x => new Instant(x.TimeMs));
        var side = input
            .Map(static x => (long)x.Value)
            .Window(Windows.Fixed(TimeSpan.FromSeconds(100)))
            .CombineGlobally(Combiners.Sum<long>(), withoutDefaults: true)
            .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
            .AsSingleton(0L);
        input
            .Window(Windows.Fixed(TimeSpan.FromSeconds(10)))
            .Map(static x => KV.Of(x.Key, (long)x.Value))
            .GroupByKey()
            .Map(side, static (g, s) => s)
            .Output("out");
    }
}

/// <summary>A global singleton with a default: an empty side input reads as the default (Beam's withDefaultValue).</summary>
[Pipeline]
public partial class GlobalSingletonWithDefault
{
    static void Define(PipelineBuilder p)
    {
        var limit = p.Create<int>("limit").AsSingleton(100);
        p.Create<int>("numbers").Filter(limit, static (x, l) => x < l).Output("small");
    }
}
