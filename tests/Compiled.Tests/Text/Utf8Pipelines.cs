using System;
using System.Collections.Generic;
using System.Text;
using Compiled;

namespace Compiled.Tests.Text;

/// <summary>Word count over UTF-8 lines: words are slices of the line's bytes, grouped by their bytes.</summary>
[Pipeline]
public partial class Utf8WordCount
{
    static void Define(PipelineBuilder p)
    {
        var words = p.ReadUtf8Lines("lines").Utf8Words();
        words.CountPerElement().Output("counts");
        words.Distinct().Map(static w => w.Length).CombineGlobally(Combiners.Sum<int>()).Output("distinctBytes");
        words.WithKeys(static w => w).Values().Map(static w => KV.Of(w, 1)).CombinePerKey(Combiners.Sum<int>()).Output("sums");
        words.Map(static w => KV.Of(w, w.Length)).GroupByKey().Map(static g => KV.Of(g.Key, g.Value.Count)).Output("groups");
    }
}

/// <summary>Counts of UTF-8 words and of their bytes per word: nothing materialized per element.</summary>
[Pipeline]
public partial class Utf8CountsOnly
{
    static void Define(PipelineBuilder p)
    {
        var words = p.ReadUtf8Lines("lines").Utf8Words();
        words.CountPerElement().Output("counts");
        words.Distinct().Map(static w => w.Length).CombineGlobally(Combiners.Sum<int>()).Output("distinctBytes");
        words.Map(static w => KV.Of(w, w.Length)).CombinePerKey(Combiners.Sum<int>()).Output("bytes");
    }
}

/// <summary>A word and its event time.</summary>
public readonly record struct TimedWord(string Word, long TimeMs);

/// <summary>UTF-8 keys in every windowed state layout: inline windowed maps, keyed window panes, open sessions, shared sliding panes.</summary>
[Pipeline]
public partial class Utf8TimedWords
{
    static void Define(PipelineBuilder p)
    {
        var words = p.Create<TimedWord>("words")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Map(static x => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(x.Word));
        words.Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))).CountPerElement().Output("fixedCounts");
        words.Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2))).Accumulating())
            .CountPerElement().Output("earlyCounts");
        words.Window(Windows.Sessions(TimeSpan.FromMilliseconds(5))).CountPerElement().Output("sessionCounts");
        words.Window(Windows.Sliding(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10))).Map(static w => KV.Of(w, 1L)).CombinePerKey(Combiners.Sum<long>()).Output("slidingSums");
        words.Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))).Distinct().Map(static w => Encoding.UTF8.GetString(w.Span)).Output("fixedDistinct");
    }
}

/// <summary>The same as <see cref="Utf8TimedWords"/> over string keys: the reference.</summary>
[Pipeline]
public partial class StringTimedWords
{
    static void Define(PipelineBuilder p)
    {
        var words = p.Create<TimedWord>("words")
            .WithTimestamps(static x => new Instant(x.TimeMs))
            .Map(static x => x.Word);
        words.Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))).CountPerElement().Output("fixedCounts");
        words.Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2))).Accumulating())
            .CountPerElement().Output("earlyCounts");
        words.Window(Windows.Sessions(TimeSpan.FromMilliseconds(5))).CountPerElement().Output("sessionCounts");
        words.Window(Windows.Sliding(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10))).Map(static w => KV.Of(w, 1L)).CombinePerKey(Combiners.Sum<long>()).Output("slidingSums");
        words.Window(Windows.Fixed(TimeSpan.FromMilliseconds(10))).Distinct().Output("fixedDistinct");
    }
}
