using System;
using System.Collections.Generic;
using System.Globalization;
using Compiled;

namespace Compiled.Tests.EventTime;

/// <summary>
/// The slowly updating side input: the latest rate, a global combine fired on every element (discarding), read as a
/// singleton by every main element, which sees the latest pane that reached the view (no empty on-time pane at the end:
/// the maximum of nothing fails).
/// </summary>
[Pipeline]
public partial class LatestRateSide
{
    static void Define(PipelineBuilder p)
    {
        var latest = p.Create<TimedInt>("rates")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Map(static x => x.Value)
            .Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(1))).Discarding().WithOnTimeBehavior(OnTimeBehavior.FireIfNonEmpty))
            .CombineGlobally(Combiners.Max<int>(), withoutDefaults: true)
            .AsSingleton();
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Map(latest, static (x, rate) => x.Key + rate.ToString(CultureInfo.InvariantCulture))
            .Output("out");
    }
}

/// <summary>
/// Fixed 10 ms windows with early firings on every element (accumulating): the view of each window's running sum
/// updates as its panes fire; main elements in the same windows read their window's latest sum.
/// </summary>
[Pipeline]
public partial class EarlySumSide
{
    static void Define(PipelineBuilder p)
    {
        var sums = p.Create<TimedInt>("side")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Map(static x => x.Value)
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(1))).Accumulating())
            .CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true)
            .AsSingleton();
        p.Create<TimedEntry>("main")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .Map(sums, static (x, sum) => x.Key + sum.ToString(CultureInfo.InvariantCulture))
            .Output("out");
    }
}

/// <summary>
/// A dictionary of each key's running total (accumulating, fired on every element) and a list of every value so far
/// (a global ToList's panes, flattened): both views update as their panes fire.
/// </summary>
[Pipeline]
public partial class TriggeredTablesSide
{
    static void Define(PipelineBuilder p)
    {
        var updates = p.Create<TimedEntry>("updates")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(1))).Accumulating());
        var totals = updates
            .Map(static x => KV.Of(x.Key, x.Value))
            .CombinePerKey(Combiners.Sum<int>())
            .AsDictionary();
        var all = updates
            .Map(static x => x.Value)
            .CombineGlobally(Combiners.ToList<int>(), withoutDefaults: true)
            .FlatMap(static (IReadOnlyList<int> values, IEmitter<int> output) =>
            {
                foreach (var v in values)
                {
                    output.Emit(v);
                }
            })
            .AsList();
        var main = p.Create<TimedEntry>("main").WithTimestamps(static x => new Instant(x.TimeMs));
        main.Map(totals, static (x, t) => x.Key + "=" + (t.TryGetValue(x.Key, out var total) ? total.ToString(CultureInfo.InvariantCulture) : "none"))
            .Output("totals");
        main.Map(all, static (x, values) => x.Key + ":" + string.Join(",", values))
            .Output("lists");
    }
}
