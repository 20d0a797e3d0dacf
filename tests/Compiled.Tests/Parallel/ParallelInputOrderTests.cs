using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Tests.EventTime;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>Two inputs, flattened, into a count trigger in the global window: which elements make a pane depends on the bundles.</summary>
[Pipeline]
public partial class TwoInputPairs
{
    static void Define(PipelineBuilder p) =>
        p.Flatten(p.Create<GameEvent>("first"), p.Create<GameEvent>("second"))
         .WithTimestamps(static e => new Instant(e.TimeMs))
         .Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(2))).Discarding())
         .Map(static e => KV.Of(e.Team, e.Score))
         .GroupByKey()
         .Output("pairs");
}

/// <summary>Two inputs, flattened, grouped in fixed windows and in the global window: a group's values keep the order one thread reads them in.</summary>
[Pipeline]
public partial class TwoInputGroups
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Flatten(p.Create<GameEvent>("first"), p.Create<GameEvent>("second"))
            .WithTimestamps(static e => new Instant(e.TimeMs));
        events.Window(Windows.Fixed(TimeSpan.FromSeconds(60)))
            .Map(static e => KV.Of(e.Team, e.Score))
            .GroupByKey()
            .Output("windowed");
        events.Map(static e => KV.Of(e.Team, e.Score))
            .GroupByKey()
            .Output("whole");
    }
}

/// <summary>
/// A grouping fed by an input and by a count above it: the input's elements come while it is read, the counts at
/// Finish, so one thread puts the input's values first.
/// </summary>
[Pipeline]
public partial class InputAndCountGroups
{
    static void Define(PipelineBuilder p)
    {
        var counts = p.Create<GameEvent>("first")
            .Map(static e => e.Team)
            .CountPerElement()
            .Map(static kv => KV.Of(kv.Key, (int)kv.Value + 1000));
        var scores = p.Create<GameEvent>("second").Map(static e => KV.Of(e.Team, e.Score));
        p.Flatten(counts, scores).GroupByKey().Output("groups");
    }
}

/// <summary>Distinct over two inputs of doubles: of two equal keys (0.0 and -0.0), the first one read is kept.</summary>
[Pipeline]
public partial class TwoInputDistinct
{
    static void Define(PipelineBuilder p) =>
        p.Flatten(p.Create<double>("first"), p.Create<double>("second"))
         .Distinct()
         .Map(static x => BitConverter.DoubleToInt64Bits(x))
         .Output("kept");
}

/// <summary>A text input (a bundle per line) and an array (a bundle per push), into a count trigger.</summary>
[Pipeline]
public partial class LinesAndArrayPairs
{
    static void Define(PipelineBuilder p) =>
        p.Flatten(
                p.ReadLines("lines").Map(static line => KV.Of(line.Substring(0, 1), line.Length)),
                p.Create<KV<string, int>>("pairs"))
         .Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(3))).Accumulating())
         .GroupByKey()
         .Output("groups");
}

/// <summary>The state a stateful ParDo keeps per key: the values seen so far, as text.</summary>
public struct SeenState
{
    public ValueState<string> Seen;
}

/// <summary>A stateful ParDo over two inputs: each output shows the values its key saw before, in the order they came.</summary>
[Pipeline]
public partial class TwoInputHistory
{
    static void Define(PipelineBuilder p) =>
        p.Flatten(p.Create<GameEvent>("first"), p.Create<GameEvent>("second"))
         .Map(static e => KV.Of(e.Team, e.Score))
         .ParDo(static (string key, int value, ref SeenState state, ProcessContext context, IEmitter<string> output) =>
         {
             var seen = state.Seen.ReadOrDefault(string.Empty) + "," + value.ToString(CultureInfo.InvariantCulture);
             state.Seen.Write(seen);
             output.Emit(key + ":" + seen);
         })
         .Output("history");
}

/// <summary>A list view of two inputs: its readers see the list in the order one thread reads the inputs.</summary>
[Pipeline]
public partial class TwoInputList
{
    static void Define(PipelineBuilder p)
    {
        var list = p.Flatten(p.Create<int>("first"), p.Create<int>("second")).AsList();
        p.Create<int>("probes").Map(list, static (x, l) => x.ToString(CultureInfo.InvariantCulture) + ":" + string.Join(",", l)).Output("seen");
    }
}

/// <summary>A CoGroupByKey one of whose inputs is a Flatten of two: each of its lists keeps the order one thread reads them in.</summary>
[Pipeline]
public partial class FlattenedJoin
{
    static void Define(PipelineBuilder p)
    {
        var left = p.Flatten(p.Create<GameEvent>("first"), p.Create<GameEvent>("second")).Map(static e => KV.Of(e.Team, e.Score));
        var right = p.Create<GameEvent>("third").Map(static e => KV.Of(e.Team, e.TimeMs));
        left.CoGroupByKey(right).Output("joined");
    }
}

/// <summary>
/// Pipelines with several inputs on the parallel batch runner. A shard reads its part of each input in turn, where one
/// thread reads each input whole before the next; what depends on the order elements come in (a group's values, the
/// elements of a count-triggered pane, the first of two equal keys, a stateful ParDo's state, a list view) is the single-threaded
/// runner's, value for value and pane for pane.
/// </summary>
public class ParallelInputOrderTests
{
    private static readonly Gen<GameEvent[]> Events = ParallelWindowedTests.Event.Array[0, 60];
    private static readonly Gen<int> Parallelism = Gen.Int[2, 4];

    /// <summary>Every element with its values in order, its window and pane; sorted, as different keys may interleave differently.</summary>
    private static List<string> Panes<TValue>(IEnumerable<WindowedValue<KV<string, IReadOnlyList<TValue>>>> elements) =>
        elements.Select(e => e.Value.Key + "=" + string.Join(",", e.Value.Value) + " " + e.Window + " " + e.Pane + " @" + e.Timestamp)
            .OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Fact(DisplayName = "Two inputs into Repeatedly(AfterCount(2)): the panes hold the elements one thread's bundles give them")]
    public void CountTriggerOverTwoInputs() => Gen.Select(Events, Events, Parallelism).Sample((first, second, p) =>
        Assert.Equal(Panes(TwoInputPairs.Run(first, second).PairsElements), Panes(TwoInputPairs.Run(first, second, parallelism: p).PairsElements)));

    [Fact(DisplayName = "Two inputs grouped in fixed windows and in the global window: each group's values in one thread's order")]
    public void GroupsOverTwoInputs() => Gen.Select(Events, Events, Parallelism).Sample((first, second, p) =>
    {
        var single = TwoInputGroups.Run(first, second);
        var parallel = TwoInputGroups.Run(first, second, parallelism: p);
        Assert.Equal(Panes(single.WindowedElements), Panes(parallel.WindowedElements));
        Assert.Equal(Panes(single.WholeElements), Panes(parallel.WholeElements));
    });

    [Fact(DisplayName = "A group fed by an input and by a count above it: the input's values first, then the count, as one thread gives them")]
    public void InputThenFinish() => Gen.Select(Events, Events, Parallelism).Sample((first, second, p) =>
        Assert.Equal(Panes(InputAndCountGroups.Run(first, second).GroupsElements), Panes(InputAndCountGroups.Run(first, second, parallelism: p).GroupsElements)));

    [Fact(DisplayName = "Distinct over two inputs keeps the first of 0.0 and -0.0 that one thread reads")]
    public void DistinctKeepsTheFirstRead()
    {
        var values = Gen.OneOf(Gen.Const(0.0), Gen.Const(-0.0), Gen.Const(1.5), Gen.Const(-2.0)).Array[0, 30];
        Gen.Select(values, values, Parallelism).Sample((first, second, p) =>
        {
            static List<long> Kept(IEnumerable<long> bits) => bits.OrderBy(b => b).ToList();
            Assert.Equal(Kept(TwoInputDistinct.Run(first, second).Kept), Kept(TwoInputDistinct.Run(first, second, parallelism: p).Kept));
        });
    }

    [Fact(DisplayName = "A text input (a bundle per line) and an array into Repeatedly(AfterCount(3)), accumulating: the same panes")]
    public void LinesAndArrayIntoCountTrigger()
    {
        var lines = Gen.String[Gen.Char['a', 'c'], 1, 4].Array[0, 40];
        var pairs = Gen.Select(Gen.OneOf(Gen.Const("a"), Gen.Const("b"), Gen.Const("c")), Gen.Int[10, 20], KV.Of).Array[0, 40];
        Gen.Select(lines, pairs, Parallelism).Sample((text, array, p) =>
        {
            var input = string.Join("\n", text);
            var single = LinesAndArrayPairs.Run(TextInput.FromString(input), array);
            var parallel = LinesAndArrayPairs.Run(TextInput.FromString(input), array, parallelism: p);
            Assert.Equal(Panes(single.GroupsElements), Panes(parallel.GroupsElements));
        });
    }

    [Fact(DisplayName = "A stateful ParDo over two inputs sees each key's values in one thread's order")]
    public void StatefulParDoOverTwoInputs() => Gen.Select(Events, Events, Parallelism).Sample((first, second, p) =>
    {
        static List<string> Sorted(IEnumerable<string> xs) => xs.OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(Sorted(TwoInputHistory.Run(first, second).History), Sorted(TwoInputHistory.Run(first, second, parallelism: p).History));
    });

    [Fact(DisplayName = "A list view of two inputs holds one thread's order on every shard")]
    public void ListViewOverTwoInputs() => Gen.Select(Gen.Int[0, 9].Array[0, 30], Gen.Int[10, 19].Array[0, 30], Gen.Int[0, 5].Array[1, 8], Parallelism).Sample((first, second, probes, p) =>
    {
        static List<string> Sorted(IEnumerable<string> xs) => xs.OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(Sorted(TwoInputList.Run(first, second, probes).Seen), Sorted(TwoInputList.Run(first, second, probes, parallelism: p).Seen));
    });

    private static List<string> Joined<T1, T2>(IEnumerable<WindowedValue<KV<string, CoGbkResult<T1, T2>>>> elements) =>
        elements.Select(e => e.Value.Key + "=" + string.Join(",", e.Value.Value.First) + "|" + string.Join(",", e.Value.Value.Second) + " " + e.Window + " " + e.Pane + " @" + e.Timestamp)
            .OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Fact(DisplayName = "A CoGroupByKey one of whose inputs is a Flatten of two: each list in one thread's order")]
    public void JoinOfAFlatten() => Gen.Select(Events, Events, Events, Parallelism).Sample((first, second, third, p) =>
        Assert.Equal(Joined(FlattenedJoin.Run(first, second, third).JoinedElements), Joined(FlattenedJoin.Run(first, second, third, parallelism: p).JoinedElements)));

    [Fact(DisplayName = "CoGroupByKey in sessions (keyed window panes): elements travel by input, the same panes as one thread")]
    public void JoinInSessions() => Gen.Select(Events, Events, Parallelism).Sample((scores, penalties, p) =>
    {
        var single = SessionDistinctAndJoin.Run(scores, penalties);
        var parallel = SessionDistinctAndJoin.Run(scores, penalties, parallelism: p);
        Assert.Equal(Joined(single.JoinedElements), Joined(parallel.JoinedElements));
        Assert.Equal(single.TeamsElements.Select(e => e.ToString()).OrderBy(x => x, StringComparer.Ordinal), parallel.TeamsElements.Select(e => e.ToString()).OrderBy(x => x, StringComparer.Ordinal));
    });

    [Fact(DisplayName = "CoGroupByKey in fixed windows, with late firings and lateness, and in the global window: the same panes as one thread")]
    public void JoinsWithTriggers() => Gen.Select(Events, Events, Parallelism).Sample((left, right, p) =>
    {
        static List<string> Sorted(IEnumerable<WindowedValue<string>> xs) => xs.Select(e => e.ToString()).OrderBy(x => x, StringComparer.Ordinal).ToList();
        var single = Compiled.Tests.Checkpoints.CheckpointedJoins.Run(left, right);
        var parallel = Compiled.Tests.Checkpoints.CheckpointedJoins.Run(left, right, parallelism: p);
        Assert.Equal(Sorted(single.WindowedElements), Sorted(parallel.WindowedElements));
        Assert.Equal(Sorted(single.TriggeredElements), Sorted(parallel.TriggeredElements));
        Assert.Equal(Sorted(single.WholeElements), Sorted(parallel.WholeElements));
    });

    [Fact(DisplayName = "The plan says why a grouping over two inputs ships its elements")]
    public void PlanSaysWhy()
    {
        Assert.Contains("elements travel, as its input comes from several inputs (a group's values keep their order)", TwoInputGroups.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("the first of two equal keys is the one kept", TwoInputDistinct.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("merged from each shard's part in shard order, input by input (its elements come from several inputs: the list keeps one thread's order)", TwoInputList.PlanDescription, StringComparison.Ordinal);
    }
}
