using Compiled.Generator.Tests.Infrastructure;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// The parallel batch runner's plan for transforms fed by several inputs (or by an input and a grouping above it): a
/// shard reads its part of each input in turn, where one thread reads each input whole before the next, so what depends
/// on the order elements come in travels as elements and is replayed input by input; what does not (counts, combines)
/// still ships partial accumulators.
/// </summary>
public class InputOrderPlanTests
{
    /// <summary>The pipeline's generated file (its coders, in a file of their own, aside), with no diagnostics.</summary>
    private static string Generate(string define)
    {
        var run = GeneratorHarness.Run(Source(define));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        return run.SingleSource;
    }

    private static string Source(string define) => """
        using System;
        using Compiled;

        namespace Demo;

        public sealed record Ev(string Team, int Score, long Time);

        [Pipeline]
        public partial class Mixed
        {
            static void Define(PipelineBuilder p)
            {
                var first = p.Create<Ev>("first").WithTimestamps(static e => new Instant(e.Time));
                var second = p.Create<Ev>("second").WithTimestamps(static e => new Instant(e.Time));
        """ + define + """

            }
        }
        """;

    private const string Replays = "elements travel, as its input comes from several inputs (a group's values keep their order)";

    [Fact(DisplayName = "A GroupByKey over one input ships its groups; over two, its elements, replayed input by input")]
    public void GroupingOverTwoInputsReplays()
    {
        var one = Generate("first.Map(static e => KV.Of(e.Team, e.Score)).GroupByKey().Output(\"out\");");
        Assert.Contains("each shard groups its part first and ships that", one, System.StringComparison.Ordinal);
        Assert.DoesNotContain("__StartSegment", one, System.StringComparison.Ordinal);

        var two = Generate("p.Flatten(first, second).Map(static e => KV.Of(e.Team, e.Score)).GroupByKey().Output(\"out\");");
        Assert.Contains(Replays, two, System.StringComparison.Ordinal);
        Assert.Contains("Shard.__StartSegment(0); // the elements it routes from here come from input 'first'", two, System.StringComparison.Ordinal);
        Assert.Contains("Shard.__StartSegment(1); // the elements it routes from here come from input 'second'", two, System.StringComparison.Ordinal);
        Assert.Contains("Shard.__StartSegment(2); // and from here, from Finish", two, System.StringComparison.Ordinal);
        Assert.DoesNotContain("__RoutesEndBundle", two, System.StringComparison.Ordinal); // no text input: a bundle per push
    }

    [Fact(DisplayName = "A GroupByKey fed by an input and by a count above it replays too: the input's elements come first")]
    public void InputAndFinishReplay()
    {
        var source = Generate("""
                var counts = first.Map(static e => e.Team).CountPerElement().Map(static kv => KV.Of(kv.Key, (int)kv.Value));
                p.Flatten(counts, second.Map(static e => KV.Of(e.Team, e.Score))).GroupByKey().Output("out");
        """);
        Assert.Contains(Replays, source, System.StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A combine over two inputs still ships accumulators: its result does not depend on the order")]
    public void CombinesStillLift()
    {
        var source = Generate("p.Flatten(first, second).Map(static e => KV.Of(e.Team, e.Score)).CombinePerKey(Combiners.Sum<int>()).Output(\"out\");");
        Assert.Contains("each shard pre-aggregates per key and ships accumulators (combiner lifting)", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain(Replays, source, System.StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A CoGroupByKey one of whose inputs comes from two inputs routes its elements; a join of two plain inputs ships its groups")]
    public void CoGroupOfAFlattenReplays()
    {
        var source = Generate("""
                var left = p.Flatten(first, second).Map(static e => KV.Of(e.Team, e.Score));
                var right = first.Map(static e => KV.Of(e.Team, e.Time));
                left.CoGroupByKey(right).Output("out");
        """);
        Assert.Contains("elements travel, as one of its inputs comes from several inputs (each input's values keep their order)", source, System.StringComparison.Ordinal);
        Assert.Contains("int parallelism, int maxParallelism", source, System.StringComparison.Ordinal);
        Assert.Matches(@"private void __Route\d+_1\(int shard, global::Compiled.KV<string, long> value", source);

        var joined = Generate("first.Map(static e => KV.Of(e.Team, e.Score)).CoGroupByKey(second.Map(static e => KV.Of(e.Team, e.Time))).Output(\"out\");");
        Assert.Contains("each shard groups its part first and ships that", joined, System.StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A CoGroupByKey in sessions gets a parallel batch runner: its elements travel with their input")]
    public void CoGroupOnPanesRoutes()
    {
        var source = Generate("""
                var left = first.Window(Windows.Sessions(TimeSpan.FromSeconds(5))).Map(static e => KV.Of(e.Team, e.Score));
                var right = second.Window(Windows.Sessions(TimeSpan.FromSeconds(5))).Map(static e => KV.Of(e.Team, e.Time));
                left.CoGroupByKey(right).Output("out");
        """);
        Assert.Contains("int parallelism, int maxParallelism", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain("Parallel batch runner: not generated", source, System.StringComparison.Ordinal);
        Assert.Contains("switch (e.Port)", source, System.StringComparison.Ordinal);
    }

    [Fact(DisplayName = "A list view of two inputs is merged input by input; kept per window, it gets no parallel batch runner")]
    public void ListViewsOfTwoInputs()
    {
        var whole = Generate("""
                var list = p.Flatten(first, second).Map(static e => e.Score).AsList();
                first.Map(list, static (e, l) => e.Score + l.Count).Output("out");
        """);
        Assert.Contains("input by input (its elements come from several inputs: the list keeps one thread's order)", whole, System.StringComparison.Ordinal);
        Assert.Matches(@"private int\[\]\? __viewStarts\d+;", whole);
        Assert.Contains("int parallelism, int maxParallelism", whole, System.StringComparison.Ordinal);

        var windowed = Generate("""
                var list = p.Flatten(first, second).Window(Windows.Fixed(TimeSpan.FromSeconds(10))).Map(static e => e.Score).AsList();
                first.Window(Windows.Fixed(TimeSpan.FromSeconds(10))).Map(list, static (e, l) => e.Score + l.Count).Output("out");
        """);
        Assert.Contains("is kept per window and comes from several inputs, and shards would merge its windows' lists out of the order one thread reads them in", windowed, System.StringComparison.Ordinal);
        Assert.DoesNotContain("int parallelism, int maxParallelism", windowed, System.StringComparison.Ordinal);
    }

    [Fact(DisplayName = "With a text input and a count trigger, routes mark the end of every line's bundle")]
    public void TextLinesMarkBundles()
    {
        var source = GeneratorHarness.GenerateClean(GeneratorHarness.CreateCompilation("""
            using System;
            using Compiled;

            namespace Demo;

            [Pipeline]
            public partial class Lines
            {
                static void Define(PipelineBuilder p) =>
                    p.Flatten(p.ReadLines("lines").Map(static l => KV.Of(l, 1)), p.Create<KV<string, int>>("pairs"))
                     .Window(Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(2))).Discarding())
                     .GroupByKey()
                     .Output("out");
            }
            """));
        Assert.Contains("internal void __RoutesEndBundle()", source, System.StringComparison.Ordinal);
        Assert.Contains("_runner.__RoutesEndBundle(); // a bundle per line", source, System.StringComparison.Ordinal);
    }
}
