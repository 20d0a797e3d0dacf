using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// A single push runs its element without a catch only when nothing in the element's stage can throw, as read from the
/// bound lambda bodies at build time; anything that may throw keeps the catch that names the failing transform and
/// element, and the plan says which transform and why.
/// </summary>
public class UncaughtPushPlanTests
{
    private const string NoCatch = "// nothing in this stage can throw (see the plan): no catch per element";

    private static string Generate(string element, string chain)
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using System;
            using Compiled;

            namespace Demo;

            public readonly record struct Reading(int Sensor, long Value, double Weight);

            public sealed class Box
            {
                public int Size { get; set; }
            }

            public static class Helpers
            {
                public static int Twice(int x) => x * 2;
            }

            [Pipeline]
            public partial class Pushes
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<ELEMENT>("items")
            """.Replace("ELEMENT", element) + chain + """
                     .Output("out");
            }
            """);
        return GeneratorHarness.GenerateClean(compilation);
    }

    [Theory(DisplayName = "A stage whose functions and state cannot throw is pushed without a catch per element")]
    [InlineData("int", ".Map(static x => x * 3 + 1).Filter(static x => x % 2 == 0).Map(static x => (long)x).CombineGlobally(Combiners.Sum<long>())")]
    [InlineData("int", ".Map(static x => KV.Of(x % 10, x)).CountPerKey()")]
    [InlineData("int", ".Map(static x => x > 5 ? x / 2 : -x).Map(static x => KV.Of(x & 7, (double)x)).CombinePerKey(Combiners.Max<double>())")]
    [InlineData("int", ".Map(static x => unchecked(x * 1_000_000)).Map(static x => Math.Max(x, 0)).Count()")]
    [InlineData("Demo.Reading", ".Map(static r => KV.Of(r.Sensor, r.Value)).CombinePerKey(Combiners.Sum<long>())")]
    [InlineData("Demo.Reading", ".Filter(static r => r.Weight > 0.5 && r.Value != 0).Map(static r => (r.Sensor, r.Value / 3)).Map(static t => t.Item2)")]
    [InlineData("long", ".Map(static x => x == 0 ? 0.0 : 1.0 / x)")]
    [InlineData("int", ".Map(static x => x / 7 + x % 'a' + (x >> 3)).Map(static x => KV.Of(x > 0, (byte)x)).CountPerKey()")]
    public void WithoutCatch(string element, string chain)
    {
        var source = Generate(element, chain);
        Assert.Contains(NoCatch, source);
        Assert.Contains("input 'items': no catch per element: nothing in its stage can throw", source);
    }

    [Theory(DisplayName = "Anything in the stage that may throw keeps the catch, and the plan names it")]
    [InlineData("int", ".Map(static x => 100 / x)", "#1 Map (line 22): it uses '100 / x'")]
    [InlineData("int", ".Map(static x => x % -1)", "#1 Map (line 22): it uses 'x % -1'")]
    [InlineData("int", ".Map(static x => checked(x * 2))", "#1 Map (line 22): it uses 'x * 2'")]
    [InlineData("long", ".Map(static x => checked((int)x))", "#1 Map (line 22): it uses '(int)x'")]
    [InlineData("int", ".Map(static x => Math.Abs(x))", "#1 Map (line 22): it calls Math.Abs")]
    [InlineData("int", ".Map(static x => x switch { 0 => 1, _ => 2 })", "#1 Map (line 22): it uses 'x switch { 0 => 1, _ => 2 }'")]
    [InlineData("int?", ".Filter(static x => x.HasValue).Map(static x => x!.Value)", "#1 Filter (line 22): it uses 'x.HasValue'")]
    [InlineData("int", ".Map(static x => x.ToString())", "#1 Map (line 22): it calls Int32.ToString")]
    [InlineData("int", ".Map(Helpers.Twice)", "#1 Map (line 22): it is a method group, whose body the generator does not see")]
    [InlineData("Demo.Box", ".Map(static b => b.Size)", "#1 Map (line 22): it uses 'b.Size'")]
    [InlineData("decimal", ".Map(static d => d * 2m)", "#1 Map (line 22): it uses 'd * 2m'")]
    [InlineData("string", ".Map(static s => KV.Of(s, 1)).CountPerKey()", "#2 CountPerKey (line 22): it keys its state by string, whose hashing and equality may be user code")]
    [InlineData("int", ".CombineGlobally(Combiners.SumChecked<int>())", "#1 CombineGlobally (line 22): it combines with Compiled.SumCheckedFn<int>, whose steps may throw")]
    [InlineData("int", ".FlatMap<int>(static (x, output) => output.Emit(x))", "#1 FlatMap (line 22): it runs code that may throw (FlatMap)")]
    public void Catch(string element, string chain, string why)
    {
        var source = Generate(element, chain);
        Assert.DoesNotContain(NoCatch, source);
        Assert.Contains("__GuardedItems(element, timestamp);", source);
        var line = source.Split('\n').First(l => l.Contains("input 'items': a catch per element: ", System.StringComparison.Ordinal));
        Assert.Equal("//     input 'items': a catch per element: " + why, line.Trim());
    }

    private static string GenerateSource(string define)
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using System;
            using Compiled;

            namespace Demo;

            public readonly record struct Tick(int Key, long Value, long Time);

            [Pipeline]
            public partial class Ends
            {
                static void Define(PipelineBuilder p)
                {
            """ + define + """
            ;
                }
            }
            """);
        return GeneratorHarness.GenerateClean(compilation);
    }

    /// <summary>The body of the generated method named <paramref name="signature"/> (up to the next blank line).</summary>
    private static string Method(string source, string signature)
    {
        var start = source.IndexOf(signature, System.StringComparison.Ordinal);
        Assert.True(start >= 0, signature + " is not generated");
        var end = source.IndexOf("\n\n", start, System.StringComparison.Ordinal);
        return source.Substring(start, end - start);
    }

    [Theory(DisplayName = "A push whose stage cannot throw says what its end does, and its plain path does only that")]
    [InlineData("""p.Create<Demo.Tick>("ticks").Map(static t => KV.Of(t.Key, t.Value)).CombinePerKey(Combiners.Sum<long>()).Output("out")""",
        "nothing to do at the end of a push", true, "#2 CombinePerKey (line 12)")]
    [InlineData("""p.Create<Demo.Tick>("ticks").Window(Windows.Sessions(TimeSpan.FromSeconds(5))).Map(static t => KV.Of(t.Key, t.Value)).CountPerKey().Output("out")""",
        "nothing to do at the end of a push", true, "#3 CountPerKey (line 12)")]
    [InlineData("""p.Create<Demo.Tick>("ticks").Map(static t => t.Value * 2).Output("out")""",
        "the end of a push checks for failures (#2 Output 'out' (line 12) delivers in it)", false, null)]
    [InlineData("""p.Create<Demo.Tick>("ticks").Window(Windows.Fixed(TimeSpan.FromSeconds(5)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2))).Accumulating()).Map(static t => KV.Of(t.Key, t.Value)).CombinePerKey(Combiners.Sum<long>()).Output("out")""",
        "the end of a push evaluates the triggers of #3 CombinePerKey (line 12)", true, "#3 CombinePerKey (line 12)")]
    [InlineData("""p.Create<Demo.Tick>("ticks").Map(static t => KV.Of(t.Key, t.Value)).CountPerKey().Output("out"); p.Unbounded<Demo.Tick>("other", static t => new Instant(t.Time), TimeSpan.FromSeconds(1), idleness: TimeSpan.FromSeconds(30)).Output("copy")""",
        "the end of a push reads the clock, once one is set", true, "#2 CountPerKey (line 12)")]
    // A count per key and fixed window is lifted across the exchange: a partition counts locally and ships at the watermark.
    [InlineData("""p.Create<Demo.Tick>("ticks").Window(Windows.Fixed(TimeSpan.FromSeconds(5))).Map(static t => KV.Of(t.Key, t.Value)).CountPerKey().Output("out")""",
        "nothing to do at the end of a push", false, null)]
    public void EndOfPush(string define, string end, bool checksExchange, string? partitionSendsTo)
    {
        var source = GenerateSource(define);
        var line = source.Split('\n').First(l => l.Contains("input 'ticks': ", System.StringComparison.Ordinal));
        var partition = partitionSendsTo is null ? "" : "; a partition of the parallel runner keeps the catch: it sends to " + partitionSendsTo + " through an exchange";
        Assert.Equal("//     input 'ticks': no catch per element: nothing in its stage can throw; " + end + partition, line.Trim());

        // A partition's full path keeps the catch only where its stage sends through an exchange.
        var fullPush = Method(source, "public void PushTicks(global::Demo.Tick element, global::Compiled.Instant timestamp)");
        Assert.Equal(partitionSendsTo is not null, fullPush.Contains("__GuardedTicks(element, timestamp);", System.StringComparison.Ordinal));
        Assert.Equal(partitionSendsTo is not null, source.Contains("private void __GuardedTicks(", System.StringComparison.Ordinal));

        // The plain path: one compare for the gate, the stage with no exchange to check, and the end only when it has work.
        var push = Method(source, "public void PushTicks(global::Demo.Tick element, global::Compiled.Instant timestamp)");
        var plain = push.Substring(push.IndexOf("if (__state == 0 && __plain)", System.StringComparison.Ordinal));
        plain = plain.Substring(0, plain.IndexOf("return;", System.StringComparison.Ordinal));

        // A stage that checks an exchange per element runs as a copy without the checks; any other runs as it is.
        Assert.Contains((checksExchange ? "__OnPlainTicks" : "__OnTicks") + "(element, timestamp);", plain);
        var quiet = end == "nothing to do at the end of a push";
        Assert.Equal(!quiet, plain.Contains("__ThrowFailures();", System.StringComparison.Ordinal));
        Assert.Equal(!quiet && end.Contains("triggers", System.StringComparison.Ordinal), plain.Contains("__EndPlainBundle();", System.StringComparison.Ordinal));
        Assert.Equal(end.Contains("clock", System.StringComparison.Ordinal), plain.Contains("_timeProvider", System.StringComparison.Ordinal));
        var full = Method(source, "private void __OnTicks(");
        Assert.Equal(checksExchange, full.Contains("__send", System.StringComparison.Ordinal) || full.Contains("__route", System.StringComparison.Ordinal));
        if (checksExchange)
        {
            var stage = Method(source, "private void __OnPlainTicks(");
            Assert.DoesNotContain("__send", stage);
            Assert.DoesNotContain("__route", stage);
        }
        else
        {
            Assert.DoesNotContain("private void __OnPlainTicks(", source);
        }
    }
}
