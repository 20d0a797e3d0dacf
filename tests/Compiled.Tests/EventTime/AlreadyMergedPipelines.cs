using System;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.EventTime;

/// <summary>A keyed value with its event time in milliseconds.</summary>
public readonly record struct TimestampedKeyedValue(string Key, int Value, long TimeMs);

/// <summary>
/// Beam's GroupByKeyTest.testWindowFnPostMerging: sessions with a 4 ms gap grouped by key, then the values exploded,
/// re-keyed to one key and summed. The second grouping sees windows already merged (Beam's AlreadyMerged): it groups
/// by the sessions the first one emitted and does not merge them again.
/// </summary>
[Pipeline]
public partial class BeamWindowFnPostMerging
{
    static void Define(PipelineBuilder p) =>
        p.Create<TimestampedKeyedValue>("input")
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Map(static e => KV.Of(e.Key, e.Value))
         .Window(Windows.Sessions(TimeSpan.FromMilliseconds(4)))
         .GroupByKey()
         .FlatMap<int>(static (kv, output) =>
         {
             foreach (var value in kv.Value)
             {
                 output.Emit(value);
             }
         })
         .WithKeys(static _ => "bizzle")
         .CombinePerKey(Combiners.Sum<int>())
         .Map(static kv => kv.Value)
         .Output("sums");
}

/// <summary>Merging windows are merged once, by the first grouping; later groupings keep those windows.</summary>
public class AlreadyMergedTests
{
    /// <summary>foo@1, foo@4, bar@3, foo@9: sessions foo [1, 8), bar [3, 7), foo [9, 13).</summary>
    private static readonly TimestampedKeyedValue[] Input = [new("foo", 1, 1), new("foo", 4, 4), new("bar", 3, 3), new("foo", 9, 9)];

    private static string[] Format(System.Collections.Generic.IEnumerable<WindowedValue<int>> sums) =>
        sums.Select(e => e.Value + "@[" + e.Window.Start.Millis + ".." + e.Window.End.Millis + ")").Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Beam expects the sums 5 (foo@1 and foo@4, merged by the first grouping), 9 and 3: the sessions of foo and bar
    /// overlap ([1, 8) and [3, 7)) but are not merged again under the one key.
    /// </summary>
    [Fact]
    public void SecondGroupingDoesNotMergeAgain()
    {
        var expected = new[] { "3@[3..7)", "5@[1..8)", "9@[9..13)" };
        Assert.Equal(expected, Format(BeamWindowFnPostMerging.Run(Input).SumsElements));
    }

    [Fact]
    public void SecondGroupingDoesNotMergeAgainWhenStreamed()
    {
        var sink = new ListSink<int>();
        var runner = BeamWindowFnPostMerging.CreateRunner(sink);
        foreach (var e in Input)
        {
            runner.PushInput(e);
        }

        runner.AdvanceWatermark(new Instant(8));   // foo [1, 8) and bar [3, 7) fire at the first grouping, then at the second
        Assert.Equal(new[] { "3@[3..7)", "5@[1..8)" }, Format(sink.Elements));
        runner.Finish();
        Assert.Equal(new[] { "3@[3..7)", "5@[1..8)", "9@[9..13)" }, Format(sink.Elements));
    }

    [Fact]
    public void PlanSaysTheSecondGroupingKeepsTheMergedWindows() =>
        Assert.Contains("already merged", BeamWindowFnPostMerging.PlanDescription, StringComparison.Ordinal);
}
