using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Model;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Every argument of a declaration call is read by the parameter it is bound to: for each method of the declaration
/// API that takes two or more arguments (and every TimeSpan form), named arguments in another order than the
/// parameters give the same parsed model as the positional form, checked against the expected values.
/// </summary>
public class ArgumentBindingTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using Compiled;

        namespace Demo;

        public readonly record struct E(string Word, long Time);

        [Pipeline]
        public partial class P
        {
            static TimeSpan Size => TimeSpan.FromSeconds(1);

            static void Define(PipelineBuilder p)
            {

        """;

    private const string Events = "var e = p.Create<E>(\"events\").WithTimestamps(static x => new Instant(x.Time));\n";

    private static string Source(string body) => Prelude + body + "\n    }\n}\n";

    private static PipelineSpec Spec(string body)
    {
        var result = ParserHarness.Parse(Source(body));
        Assert.True(result.Diagnostics.Count == 0, "unexpected diagnostics: " + string.Join("; ", result.Diagnostics.Select(d => d.Id + " " + string.Join(" | ", d.MessageArgs))));
        Assert.NotNull(result.Spec);
        return result.Spec!;
    }

    private static WindowSpec Windowing(string strategy) =>
        Spec(Events + "e.Window(" + strategy + ").Count().Output(\"o\");").Transforms.Single(t => t.Kind == TransformKind.Window).Windowing!;

    private static TransformSpec Single(PipelineSpec spec, TransformKind kind) => Assert.Single(spec.Transforms, t => t.Kind == kind);

    private static TransformSpec Input(PipelineSpec spec, string name) => Assert.Single(spec.Transforms, t => t.Kind == TransformKind.CreateInput && t.Name == name);

    private static TransformSpec Output(PipelineSpec spec, string name) => Assert.Single(spec.Transforms, t => t.Kind == TransformKind.Output && t.Name == name);

    private static PortRef Port(TransformSpec transform, int port = 0) => new(transform.Id, port);

    // ----- Windows.Fixed(size, offset), Windows.Sliding(size, period[, offset]), Windows.Sessions(gap) -----
    [Theory]
    [InlineData("Windows.Sliding(period: TimeSpan.FromMilliseconds(5), size: TimeSpan.FromMilliseconds(10))", "Sliding", 10, 5, 0)]
    [InlineData("Windows.Sliding(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5))", "Sliding", 10, 5, 0)]
    [InlineData("Windows.Sliding(offset: TimeSpan.FromMilliseconds(2), period: TimeSpan.FromMilliseconds(5), size: TimeSpan.FromMilliseconds(10))", "Sliding", 10, 5, 2)]
    [InlineData("Windows.Sliding(period: TimeSpan.FromMilliseconds(5), offset: TimeSpan.FromMilliseconds(2), size: TimeSpan.FromMilliseconds(10))", "Sliding", 10, 5, 2)]
    [InlineData("Windows.Sliding(TimeSpan.FromMilliseconds(10), offset: TimeSpan.FromMilliseconds(2), period: TimeSpan.FromMilliseconds(5))", "Sliding", 10, 5, 2)]
    [InlineData("Windows.Sliding(size: TimeSpan.FromMilliseconds(10), period: TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(2))", "Sliding", 10, 5, 2)]
    [InlineData("Windows.Sliding(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(2))", "Sliding", 10, 5, 2)]
    [InlineData("Windows.Fixed(offset: TimeSpan.FromSeconds(3), size: TimeSpan.FromSeconds(10))", "Fixed", 10_000, 10_000, 3_000)]
    [InlineData("Windows.Fixed(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3))", "Fixed", 10_000, 10_000, 3_000)]
    [InlineData("Windows.Sessions(gap: TimeSpan.FromSeconds(30))", "Sessions", 30_000, 0, 0)]
    public void WindowFunctionsReadTheirDurationsByParameter(string strategy, string kind, long size, long period, long offset)
    {
        var windowing = Windowing(strategy);

        Assert.Equal((kind, size, period, offset), (windowing.Kind, windowing.SizeMs, windowing.PeriodMs, windowing.OffsetMs));
    }

    // ----- WindowingStrategy.WithAllowedLateness(lateness, closing) and the single-argument options -----
    [Theory]
    [InlineData("WithAllowedLateness(closing: ClosingBehavior.FireAlways, lateness: TimeSpan.FromMinutes(1))")]
    [InlineData("WithAllowedLateness(TimeSpan.FromMinutes(1), ClosingBehavior.FireAlways)")]
    [InlineData("WithAllowedLateness(lateness: TimeSpan.FromMinutes(1), closing: (ClosingBehavior)1)")]
    public void AllowedLatenessReadsLatenessAndClosingByParameter(string option)
    {
        var windowing = Windowing("Windows.Fixed(TimeSpan.FromSeconds(10))." + option +
            ".WithTimestampCombiner(combiner: TimestampCombiner.Latest).WithOnTimeBehavior(behavior: OnTimeBehavior.FireIfNonEmpty).Accumulating()");

        Assert.Equal(60_000, windowing.LatenessMs);
        Assert.Equal("FireAlways", windowing.Closing);
        Assert.Equal("Latest", windowing.TimestampCombiner);
        Assert.Equal("FireIfNonEmpty", windowing.OnTime);
        Assert.True(windowing.Accumulating);
    }

    [Fact]
    public void AllowedLatenessWithoutClosingKeepsTheDefault() =>
        Assert.Equal(("FireIfNonEmpty", 5_000L), (Windowing("Windows.Fixed(TimeSpan.FromSeconds(10)).WithAllowedLateness(lateness: TimeSpan.FromSeconds(5))") is var w ? (w.Closing, w.LatenessMs) : default));

    // ----- triggers: AfterProcessingTimeAligned(period, offset), the params subtriggers and the single-argument ones -----
    [Theory]
    [InlineData("Trigger.AfterProcessingTimeAligned(offset: TimeSpan.FromSeconds(1), period: TimeSpan.FromMinutes(1))", "AfterProcessingTimeAligned(60000L, 1000L)")]
    [InlineData("Trigger.AfterProcessingTimeAligned(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1))", "AfterProcessingTimeAligned(60000L, 1000L)")]
    [InlineData("Trigger.Repeatedly(trigger: Trigger.AfterCount(count: 3))", "Repeatedly(global::Compiled.Triggers.TriggerSpec.AfterCount(3L))")]
    [InlineData("Trigger.AfterEach(Trigger.AfterCount(2), Trigger.AfterCount(3))", "AfterEach(global::Compiled.Triggers.TriggerSpec.AfterCount(2L), global::Compiled.Triggers.TriggerSpec.AfterCount(3L))")]
    [InlineData("Trigger.AfterEach(triggers: new[] { Trigger.AfterCount(2), Trigger.AfterCount(3) })", "AfterEach(global::Compiled.Triggers.TriggerSpec.AfterCount(2L), global::Compiled.Triggers.TriggerSpec.AfterCount(3L))")]
    [InlineData("Trigger.AfterFirst([Trigger.AfterCount(2), Trigger.AfterProcessingTime(delay: TimeSpan.FromSeconds(1))])", "AfterFirst(global::Compiled.Triggers.TriggerSpec.AfterCount(2L), global::Compiled.Triggers.TriggerSpec.AfterProcessingTime(1000L))")]
    [InlineData("Trigger.AfterAll(triggers: Trigger.AfterCount(4))", "AfterAll(global::Compiled.Triggers.TriggerSpec.AfterCount(4L))")]
    [InlineData("Trigger.AfterWatermark().WithEarlyFirings(early: Trigger.AfterCount(2)).WithLateFirings(late: Trigger.AfterCount(1))", "AfterWatermark(global::Compiled.Triggers.TriggerSpec.AfterCount(2L), global::Compiled.Triggers.TriggerSpec.AfterCount(1L))")]
    [InlineData("Trigger.Repeatedly(Trigger.AfterCount(2)).OrFinally(until: Trigger.AfterCount(10))", "OrFinally(global::Compiled.Triggers.TriggerSpec.Repeatedly(global::Compiled.Triggers.TriggerSpec.AfterCount(2L)), global::Compiled.Triggers.TriggerSpec.AfterCount(10L))")]
    public void TriggersReadTheirArgumentsByParameter(string trigger, string expected)
    {
        var windowing = Windowing("Windows.Global().Triggering(trigger: " + trigger + ").Discarding()");

        Assert.Equal("global::Compiled.Triggers.TriggerSpec." + expected, windowing.TriggerCode);
    }

    // ----- durations: every TimeSpan factory and constructor, each argument by its parameter, defaults included -----
    [Theory]
    [InlineData("TimeSpan.FromSeconds(1, milliseconds: 500)", 1_500)]
    [InlineData("TimeSpan.FromSeconds(milliseconds: 500, seconds: 1)", 1_500)]
    [InlineData("TimeSpan.FromSeconds(microseconds: 1000, seconds: 2)", 2_001)]
    [InlineData("TimeSpan.FromSeconds(2, 250)", 2_250)]
    [InlineData("TimeSpan.FromSeconds(2)", 2_000)]
    [InlineData("TimeSpan.FromSeconds(1.5)", 1_500)]
    [InlineData("TimeSpan.FromSeconds(value: 0.25)", 250)]
    [InlineData("TimeSpan.FromMinutes(seconds: 30, minutes: 1)", 90_000)]
    [InlineData("TimeSpan.FromMinutes(1, milliseconds: 5)", 60_005)]
    [InlineData("TimeSpan.FromHours(minutes: 30, hours: 1)", 5_400_000)]
    [InlineData("TimeSpan.FromHours(1, seconds: 1, microseconds: 1000)", 3_601_001)]
    [InlineData("TimeSpan.FromDays(hours: 1, days: 1)", 90_000_000)]
    [InlineData("TimeSpan.FromDays(milliseconds: 1, days: 0, minutes: 1)", 60_001)]
    [InlineData("TimeSpan.FromMilliseconds(microseconds: 2000, milliseconds: 3)", 5)]
    [InlineData("TimeSpan.FromMilliseconds(7)", 7)]
    [InlineData("TimeSpan.FromMicroseconds(3000)", 3)]
    [InlineData("TimeSpan.FromTicks(20_000)", 2)]
    [InlineData("new TimeSpan(seconds: 5, minutes: 1, hours: 0)", 65_000)]
    [InlineData("new TimeSpan(0, 1, 5)", 65_000)]
    [InlineData("new TimeSpan(seconds: 4, hours: 0, days: 1, minutes: 0)", 86_404_000)]
    [InlineData("new TimeSpan(milliseconds: 7, seconds: 0, minutes: 0, hours: 0, days: 1)", 86_400_007)]
    [InlineData("new TimeSpan(microseconds: 3000, milliseconds: 2, seconds: 1, minutes: 0, hours: 0, days: 0)", 1_005)]
    [InlineData("new TimeSpan(ticks: 10_000)", 1)]
    public void DurationsReadEveryArgumentByParameter(string duration, long milliseconds) =>
        Assert.Equal(milliseconds, Windowing("Windows.Fixed(size: " + duration + ")").SizeMs);

    [Theory]
    [InlineData("TimeSpan.Zero")]
    [InlineData("default")]
    [InlineData("default(TimeSpan)")]
    [InlineData("new TimeSpan()")]
    [InlineData("TimeSpan.FromSeconds(seconds: 0, milliseconds: 0)")]
    public void ZeroDurations(string duration) =>
        Assert.Equal(0, Windowing("Windows.Fixed(offset: " + duration + ", size: TimeSpan.FromSeconds(1))").OffsetMs);

    // ----- PipelineBuilder.Unbounded(name, timestamps, maxOutOfOrderness, idleness) -----
    [Theory]
    [InlineData("idleness: TimeSpan.FromSeconds(2), maxOutOfOrderness: TimeSpan.FromSeconds(1), timestamps: static x => new Instant(x.Time), name: \"live\"", 1_000, 2_000)]
    [InlineData("\"live\", static x => new Instant(x.Time), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)", 1_000, 2_000)]
    [InlineData("maxOutOfOrderness: TimeSpan.FromSeconds(3), name: \"live\", timestamps: static x => new Instant(x.Time)", 3_000, 0)]
    public void UnboundedReadsItsArgumentsByParameter(string arguments, long maxOutOfOrderness, long idleness)
    {
        var spec = Spec("p.Unbounded<E>(" + arguments + ").Count().Output(\"o\");");

        var input = Input(spec, "live");
        Assert.Equal(maxOutOfOrderness, input.MaxOutOfOrdernessMs);
        Assert.Equal(idleness, input.IdlenessMs);
        var assigner = Single(spec, TransformKind.WithTimestamps);
        Assert.Equal("live", assigner.TracksInput);
        Assert.Equal("new Instant(x.Time)", assigner.Function?.Body);
    }

    // ----- PCollection.ParDo(fn, allowedTimestampSkew), for one, two and three outputs -----
    [Theory]
    [InlineData("e.ParDo<string>(allowedTimestampSkew: TimeSpan.FromSeconds(3), fn: static (x, main) => main.Emit(x.Word)).Output(\"o\");")]
    [InlineData("e.ParDo<string>(static (x, main) => main.Emit(x.Word), TimeSpan.FromSeconds(3)).Output(\"o\");")]
    [InlineData("var (a, b) = e.ParDo<string, int>(allowedTimestampSkew: TimeSpan.FromSeconds(3), fn: static (x, main, other) => main.Emit(x.Word)); a.Output(\"o\"); b.Output(\"b\");")]
    [InlineData("var (a, b, c) = e.ParDo<string, int, long>(allowedTimestampSkew: new TimeSpan(0, 0, 3), fn: static (x, main, other, third) => main.Emit(x.Word)); a.Output(\"o\"); b.Output(\"b\"); c.Output(\"c\");")]
    public void ParDoReadsItsSkewByParameter(string statement)
    {
        var parDo = Single(Spec(Events + statement), TransformKind.ParDo);

        Assert.Equal(3_000, parDo.AllowedSkewMs);
        Assert.Equal("main.Emit(x.Word)", parDo.Function?.Body);
    }

    // ----- PCollection.Map/FlatMap/Filter(side, fn) -----
    [Fact]
    public void SideInputTransformsReadTheViewAndTheFunctionByParameter()
    {
        var spec = Spec("""
            var side = p.Create<int>("side").AsSingleton();
            var words = p.Create<string>("words");
            words.Map(fn: static (w, s) => w.Length + s, side: side).Output("m");
            words.Filter(predicate: static (w, s) => w.Length > s, side: side).Output("f");
            words.FlatMap<int, char>(fn: static (w, s, output) => output.Emit(w[s]), side: side).Output("fm");
            words.Map(side, static (w, s) => w.Length - s).Output("positional");
            """);

        var view = Single(spec, TransformKind.AsSingleton);
        var words = Input(spec, "words");
        foreach (var (kind, body) in new[] { (TransformKind.Map, "w.Length + s"), (TransformKind.Filter, "w.Length > s"), (TransformKind.FlatMap, "output.Emit(w[s])"), (TransformKind.Map, "w.Length - s") })
        {
            var transform = Assert.Single(spec.Transforms, t => t.Kind == kind && t.Function?.Body == body);
            Assert.Equal(Port(view), transform.SideInput);
            Assert.Equal(new[] { Port(words) }, transform.Inputs.ToArray());
        }
    }

    // ----- PCollection.Partition(count, partitionFn) -----
    [Theory]
    [InlineData("partitionFn: static (x, n) => (int)(x.Time % n), count: 3")]
    [InlineData("3, static (x, n) => (int)(x.Time % n)")]
    [InlineData("count: 3, partitionFn: static (x, n) => (int)(x.Time % n)")]
    public void PartitionReadsItsCountAndFunctionByParameter(string arguments)
    {
        var partition = Single(Spec(Events + "var parts = e.Partition(" + arguments + "); parts[2].Output(\"o\");"), TransformKind.Partition);

        Assert.Equal(3, partition.PartitionCount);
        Assert.Equal(3, partition.OutputTypes.Count);
        Assert.Equal("(int)(x.Time % n)", partition.Function?.Body);
    }

    // ----- PCollection.CombineGlobally(fn, lateData, withoutDefaults) and Count(lateData, withoutDefaults) -----
    [Theory]
    [InlineData("CombineGlobally(withoutDefaults: true, lateData: \"late\", fn: Combiners.Sum<long>())", "CombineGlobally")]
    [InlineData("CombineGlobally(Combiners.Sum<long>(), \"late\", true)", "CombineGlobally")]
    [InlineData("CombineGlobally(lateData: \"late\", withoutDefaults: true, fn: Combiners.Sum<long>())", "CombineGlobally")]
    [InlineData("Count(withoutDefaults: true, lateData: \"late\")", "Count")]
    [InlineData("Count(\"late\", true)", "Count")]
    public void GlobalCombinesReadLateDataAndDefaultsByParameter(string call, string kindName)
    {
        var kind = Enum.Parse<TransformKind>(kindName);
        var spec = Spec(Events + "e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).Map(static x => x.Time)." + call + ".Output(\"o\");");

        var combine = Single(spec, kind);
        Assert.True(combine.WithoutDefaults);
        Assert.Equal(new[] { Port(combine, 1) }, Output(spec, "late").Inputs.ToArray());
        Assert.Equal(new[] { Port(combine, 0) }, Output(spec, "o").Inputs.ToArray());
        if (kind == TransformKind.CombineGlobally)
        {
            Assert.Contains("Sum<long>()", combine.Combine?.CreateExpression, StringComparison.Ordinal);
        }
    }

    // ----- KeyedTransforms in the static form (the input is an argument too) and the extension form -----
    [Theory]
    [InlineData("KeyedTransforms.GroupByKey(lateData: \"late\", input: keyed)", "GroupByKey")]
    [InlineData("KeyedTransforms.GroupByKey(keyed, \"late\")", "GroupByKey")]
    [InlineData("keyed.GroupByKey(lateData: \"late\")", "GroupByKey")]
    [InlineData("KeyedTransforms.CombinePerKey(fn: Combiners.Sum<int>(), lateData: \"late\", input: keyed)", "CombinePerKey")]
    [InlineData("KeyedTransforms.CombinePerKey(lateData: \"late\", input: keyed, fn: Combiners.Sum<int>())", "CombinePerKey")]
    [InlineData("keyed.CombinePerKey(lateData: \"late\", fn: Combiners.Sum<int>())", "CombinePerKey")]
    [InlineData("KeyedTransforms.CountPerKey(lateData: \"late\", input: keyed)", "CountPerKey")]
    [InlineData("e.Map(static x => x.Word).CountPerElement(lateData: \"late\")", "CountPerElement")]
    public void KeyedGroupingsReadTheirInputAndLateDataByParameter(string call, string kindName)
    {
        var kind = Enum.Parse<TransformKind>(kindName);
        var spec = Spec(Events + "var keyed = e.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).Map(static x => KV.Of(x.Word, 1));\n" + call + ".Output(\"o\");");

        var grouping = Single(spec, kind);
        if (kind != TransformKind.CountPerElement)
        {
            var keyed = Assert.Single(spec.Transforms, t => t.Kind == TransformKind.Map && t.Function?.Body == "KV.Of(x.Word, 1)");
            Assert.Equal(new[] { Port(keyed) }, grouping.Inputs.ToArray());
        }

        Assert.Equal(new[] { Port(grouping, 1) }, Output(spec, "late").Inputs.ToArray());
        if (kind == TransformKind.CombinePerKey)
        {
            Assert.Contains("Sum<int>()", grouping.Combine?.CreateExpression, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("KeyedTransforms.CombineValues(fn: Combiners.Sum<int>(), input: KeyedTransforms.GroupByKey(input: keyed))")]
    [InlineData("KeyedTransforms.CombineValues(KeyedTransforms.GroupByKey(keyed), Combiners.Sum<int>())")]
    public void CombineValuesReadsItsInputAndFunctionByParameter(string call)
    {
        var spec = Spec(Events + "var keyed = e.Map(static x => KV.Of(x.Word, 1));\n" + call + ".Output(\"o\");");

        var combine = Single(spec, TransformKind.CombineValues);
        Assert.Equal(new[] { Port(Single(spec, TransformKind.GroupByKey)) }, combine.Inputs.ToArray());
        Assert.Contains("Sum<int>()", combine.Combine?.CreateExpression, StringComparison.Ordinal);
    }

    // ----- KeyedTransforms.CoGroupByKey(input, other[, third]) -----
    [Theory]
    [InlineData("KeyedTransforms.CoGroupByKey(other: b, input: a)", 2)]
    [InlineData("KeyedTransforms.CoGroupByKey(a, b)", 2)]
    [InlineData("a.CoGroupByKey(other: b)", 2)]
    [InlineData("KeyedTransforms.CoGroupByKey(third: c, other: b, input: a)", 3)]
    [InlineData("KeyedTransforms.CoGroupByKey(other: b, third: c, input: a)", 3)]
    [InlineData("a.CoGroupByKey(third: c, other: b)", 3)]
    public void CoGroupByKeyKeepsItsInputsInParameterOrder(string call, int count)
    {
        var spec = Spec("""
            var a = p.Create<KV<string, int>>("a");
            var b = p.Create<KV<string, long>>("b");
            var c = p.Create<KV<string, double>>("c");

            """ + call + ".Output(\"o\");");

        var join = Single(spec, TransformKind.CoGroupByKey);
        var expected = new[] { "a", "b", "c" }.Take(count).Select(n => Port(Input(spec, n))).ToArray();
        Assert.Equal(expected, join.Inputs.ToArray());
        Assert.Equal(new[] { "int", "long", "double" }.Take(count), join.ValueTypes.ToArray());
    }

    // ----- PipelineBuilder.Flatten(params inputs) -----
    [Theory]
    [InlineData("p.Flatten(b, a)")]
    [InlineData("p.Flatten(inputs: new[] { b, a })")]
    [InlineData("p.Flatten(new PCollection<int>[] { b, a })")]
    [InlineData("p.Flatten([b, a])")]
    public void FlattenReadsItsInputsInOrder(string call)
    {
        var spec = Spec("var a = p.Create<int>(name: \"a\");\nvar b = p.Create<int>(\"b\");\n" + call + ".Output(name: \"o\");");

        Assert.Equal(new[] { Port(Input(spec, "b")), Port(Input(spec, "a")) }, Single(spec, TransformKind.Flatten).Inputs.ToArray());
    }

    // ----- diagnostics about an argument point at that argument, whatever the order -----
    [Theory]
    [InlineData("e.Window(Windows.Sliding(period: ⟦TimeSpan.FromSeconds(-1)⟧, size: TimeSpan.FromSeconds(10))).Count().Output(\"o\");", "CMP0005", "period must be positive")]
    [InlineData("e.Window(Windows.Sliding(period: TimeSpan.FromSeconds(1), size: ⟦TimeSpan.FromSeconds(0)⟧)).Count().Output(\"o\");", "CMP0005", "size and the period must be positive")]
    [InlineData("e.Window(Windows.Sliding(offset: ⟦TimeSpan.FromSeconds(7)⟧, period: TimeSpan.FromSeconds(5), size: TimeSpan.FromSeconds(10))).Count().Output(\"o\");", "CMP0005", "offset must be at least zero and smaller than the period")]
    [InlineData("e.Window(Windows.Fixed(offset: ⟦TimeSpan.FromSeconds(20)⟧, size: TimeSpan.FromSeconds(10))).Count().Output(\"o\");", "CMP0005", "offset")]
    [InlineData("e.Window(Windows.Sliding(period: ⟦Size⟧, size: TimeSpan.FromSeconds(10))).Count().Output(\"o\");", "CMP0005", "known at build time")]
    [InlineData("e.Window(Windows.Fixed(TimeSpan.FromSeconds(10)).WithAllowedLateness(closing: ClosingBehavior.FireAlways, lateness: ⟦TimeSpan.FromSeconds(-1)⟧)).Count().Output(\"o\");", "CMP0005", "lateness must not be negative")]
    [InlineData("e.Window(Windows.Fixed(TimeSpan.FromSeconds(10)).WithAllowedLateness(closing: ⟦(ClosingBehavior)7⟧, lateness: TimeSpan.FromSeconds(1))).Count().Output(\"o\");", "CMP0005", "ClosingBehavior")]
    [InlineData("e.Window(Windows.Global().Triggering(Trigger.AfterProcessingTimeAligned(offset: TimeSpan.Zero, period: ⟦TimeSpan.FromSeconds(-5)⟧))).Count().Output(\"o\");", "CMP0005", "period must be a positive")]
    [InlineData("e.Window(Windows.Global().Triggering(Trigger.AfterProcessingTimeAligned(offset: ⟦Size⟧, period: TimeSpan.FromSeconds(5)))).Count().Output(\"o\");", "CMP0005", "known at build time")]
    [InlineData("e.Window(Windows.Global().Triggering(Trigger.AfterCount(count: ⟦0⟧))).Count().Output(\"o\");", "CMP0005", "at least 1")]
    [InlineData("p.Unbounded<E>(maxOutOfOrderness: ⟦TimeSpan.FromSeconds(-1)⟧, timestamps: static x => new Instant(x.Time), name: \"live\").Count().Output(\"o\");", "CMP0005", "must not be negative")]
    [InlineData("p.Unbounded<E>(idleness: ⟦Size⟧, maxOutOfOrderness: TimeSpan.FromSeconds(1), timestamps: static x => new Instant(x.Time), name: \"live\").Count().Output(\"o\");", "CMP0005", "known at build time")]
    [InlineData("e.ParDo<string>(allowedTimestampSkew: ⟦Size⟧, fn: static (x, main) => main.Emit(x.Word)).Output(\"o\");", "CMP0005", "known at build time")]
    [InlineData("e.ParDo<string>(allowedTimestampSkew: ⟦TimeSpan.FromSeconds(-2)⟧, fn: static (x, main) => main.Emit(x.Word)).Output(\"o\");", "CMP0005", "skew must not be negative")]
    [InlineData("e.Partition(partitionFn: static (x, n) => 0, count: ⟦0⟧)[0].Output(\"o\");", "CMP0010", "from 1 to 256")]
    [InlineData("e.Partition(partitionFn: static (x, n) => 0, count: ⟦257⟧)[0].Output(\"o\");", "CMP0010", "from 1 to 256")]
    [InlineData("KeyedTransforms.CombinePerKey(fn: Combiners.Min<int>(⟦p⟧.GetHashCode()), input: e.Map(static x => KV.Of(x.Word, 1))).Output(\"o\");", "CMP0009", "only exists while Define runs")]
    [InlineData("e.Map(static x => KV.Of(x.Word, 1)).CombinePerKey(lateData: null, fn: Combiners.Min<int>(⟦p⟧.GetHashCode())).Output(\"o\");", "CMP0009", "only exists while Define runs")]
    [InlineData("e.Map(static x => x.Time).CombineGlobally(withoutDefaults: true, fn: ⟦Combiners.Min<long>(identity: 0).Equals(null) ? default(SumFn<long>) : default⟧).Output(\"o\");", "CMP0009", "neither a 'new' expression nor a factory call")]
    [InlineData("e.Map(static x => x.Time).Count(withoutDefaults: ⟦DateTime.Now.Year > 2000⟧, lateData: \"late\").Output(\"o\");", "CMP0005", "withoutDefaults must be a constant")]
    [InlineData("KeyedTransforms.GroupByKey(lateData: ⟦\"\"⟧, input: e.Map(static x => KV.Of(x.Word, 1))).Output(\"o\");", "CMP0008", "must contain letters")]
    public void DiagnosticsPointAtTheArgument(string statement, string id, string message) => AssertReportedAt(statement, id, message);

    // ----- constants of an unexpected type are diagnostics, never internal errors -----
    [Theory]
    [InlineData("e.Window(Windows.Fixed(TimeSpan.FromSeconds(⟦'a'⟧))).Count().Output(\"o\");", "CMP0005", "char")]
    [InlineData("e.Window(Windows.Fixed(TimeSpan.FromSeconds(1, milliseconds: ⟦'b'⟧))).Count().Output(\"o\");", "CMP0005", "char")]
    [InlineData("e.Window(Windows.Fixed(new TimeSpan(⟦'a'⟧, 0, 0))).Count().Output(\"o\");", "CMP0005", "char")]
    [InlineData("e.Window(Windows.Fixed(⟦TimeSpan.FromMilliseconds(0.5)⟧)).Count().Output(\"o\");", "CMP0005", "millisecond precision")]
    [InlineData("e.Window(Windows.Fixed(⟦TimeSpan.FromDays(1e10)⟧)).Count().Output(\"o\");", "CMP0005", "range of a TimeSpan")]
    [InlineData("e.Window(Windows.Fixed(⟦TimeSpan.FromSeconds(double.NaN)⟧)).Count().Output(\"o\");", "CMP0005", "known at build time")]
    [InlineData("e.Window(Windows.Fixed(⟦TimeSpan.FromSeconds(long.MaxValue, long.MaxValue, long.MaxValue)⟧)).Count().Output(\"o\");", "CMP0005", "range of a TimeSpan")]
    [InlineData("e.Window(Windows.Fixed(⟦TimeSpan.MaxValue⟧)).Count().Output(\"o\");", "CMP0005", "known at build time")]
    [InlineData("e.Window(Windows.Global().Triggering(Trigger.AfterCount(⟦'c'⟧))).Count().Output(\"o\");", "CMP0005", "char")]
    [InlineData("e.Partition(⟦int.MaxValue⟧, static (x, n) => 0)[0].Output(\"o\");", "CMP0010", "from 1 to 256")]
    [InlineData("e.Partition(⟦'a'⟧, static (x, n) => 0)[0].Output(\"o\");", "CMP0010", "from 1 to 256")]
    public void UnexpectedConstantsAreReported(string statement, string id, string message) => AssertReportedAt(statement, id, message);

    /// <summary>
    /// Runs the generator over <paramref name="marked"/>, a statement with the expected location between ⟦ and ⟧, and
    /// checks the single error: its ID, a fragment of its message, and its span.
    /// </summary>
    private static void AssertReportedAt(string marked, string id, string message)
    {
        var source = Source(Events + marked);
        var start = source.IndexOf('⟦', StringComparison.Ordinal);
        var end = source.IndexOf('⟧', StringComparison.Ordinal) - 1;
        source = source.Replace("⟦", string.Empty, StringComparison.Ordinal).Replace("⟧", string.Empty, StringComparison.Ordinal);
        var run = GeneratorHarness.Run(source);

        Assert.Empty(run.Exceptions);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CMP0099");
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var span = diagnostic.Location.SourceSpan;
        Assert.Equal(source.Substring(start, end - start), source.Substring(span.Start, span.Length));
        Assert.Equal(start, span.Start);
    }

    /// <summary>
    /// Labels (and the plan built from them) end up in generated comments and string literals: a declared name in
    /// them has its line breaks, quotes, backslashes and XML characters escaped.
    /// </summary>
    [Theory]
    [InlineData("a\\nb", "a\\u000Ab")]
    [InlineData("a\\r\\nb", "a\\u000D\\u000Ab")]
    [InlineData("line\\u2028break\\u0085", "line\\u2028break\\u0085")]
    [InlineData("quote\\\"d", "quote\\u0022d")]
    [InlineData("back\\\\slash", "back\\u005Cslash")]
    [InlineData("<b>&amp;", "\\u003Cb\\u003E\\u0026amp;")]
    [InlineData("\\u6570\\ud835\\udcb3 ok", "\u6570\ud835\udcb3 ok")]
    public void NamesInLabelsAreEscaped(string literal, string expected)
    {
        var spec = Spec("p.Unbounded<E>(\"" + literal + "\", static x => new Instant(x.Time), TimeSpan.FromSeconds(1)).Output(\"" + literal + "x\");");
        var plan = PipelineGenerator.Planner.Plan(spec);

        Assert.Contains("'" + expected + "'", Input(spec, Unescape(literal)).Label, StringComparison.Ordinal);
        Assert.Contains("'" + expected + "'", Single(spec, TransformKind.WithTimestamps).Label, StringComparison.Ordinal);
        Assert.Contains("'" + expected + "x'", Single(spec, TransformKind.Output).Label, StringComparison.Ordinal);
        foreach (var label in spec.Transforms.Select(t => t.Label))
        {
            Assert.DoesNotContain(label, c => c is '\n' or '\r' or '"' or '<' or '&' or '\u2028' or '\u0085');
        }

        foreach (var line in plan.Description)
        {
            Assert.DoesNotContain(line, c => c is '\n' or '\r' or '"' or '\u2028' or '\u0085');
        }
    }

    private static string Unescape(string literal) => Microsoft.CodeAnalysis.CSharp.SyntaxFactory.ParseExpression("\"" + literal + "\"").GetFirstToken().ValueText;

    [Theory]
    [InlineData("(short)2")]
    [InlineData("(byte)2")]
    [InlineData("index")]
    public void PartitionIndexesAreReadAsTheIndexerSeesThem(string index)
    {
        var spec = Spec(Events + "const short index = 2;\nvar parts = e.Partition(3, static (x, n) => 0);\nparts[" + index + "].Output(\"o\");");

        Assert.Equal(new[] { Port(Single(spec, TransformKind.Partition), 2) }, Output(spec, "o").Inputs.ToArray());
    }

    [Fact]
    public void TheLargestPartitionCountIsAccepted()
    {
        var partition = Single(Spec(Events + "e.Partition(256, static (x, n) => 0)[255].Output(\"o\");"), TransformKind.Partition);

        Assert.Equal(256, partition.PartitionCount);
    }
}
