using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Compiled.Generator.Tests.Infrastructure;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Which span loops run in vector lanes, and the plan's reason when one does not: the planner decides from the lambda
/// bodies the parser read; the generated code compiles either way.
/// </summary>
public class LanesPlanTests
{
    private const string Prelude = """
        using System;
        using Compiled;

        namespace Demo;

        public static class Limits
        {
            public static int Cap = 10;
        }

        """;

    private static string Pipeline(string body, string members = "") => Prelude + """
        [Pipeline]
        public partial class Lanes
        {
            static void Define(PipelineBuilder p)
            {
        """ + body + """

            }

        """ + members + """

        }
        """;

    /// <summary>The plan's line for input <paramref name="input"/> under "Vectorized loops".</summary>
    private static string LineOf(string plan, string input) =>
        plan.Split('\n').SkipWhile(l => !l.Contains("Vectorized loops", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.StartsWith("//     ", StringComparison.Ordinal))
            .Single(l => l.StartsWith("//     input '" + input + "': ", StringComparison.Ordinal));

    private static string Generate(Compilation compilation)
    {
        return GeneratorHarness.GenerateClean(compilation);
    }

    [Fact(DisplayName = "A chain with a vector form runs in lanes; each other chain says in the plan why it keeps the scalar loop")]
    public void ThePlanSaysWhichFormAndWhy()
    {
        var source = Generate(GeneratorHarness.CreateCompilation(Pipeline("""
                    p.Create<int>("vector").Map(static x => x * 3).Filter(static x => x % 2 == 0).Map(static x => (long)x).CombineGlobally(Combiners.Sum<long>()).Output("sum");
                    p.Create<int>("call").Map(static x => Math.Abs(x)).CombineGlobally(Combiners.Sum<int>()).Output("abs");
                    p.Create<int>("checkedOp").Map(static x => checked(x * 3)).CombineGlobally(Combiners.Sum<int>()).Output("checkedOp");
                    p.Create<int>("divide").Map(static x => x / 3).CombineGlobally(Combiners.Sum<int>()).Output("divide");
                    p.Create<int>("field").Filter(static x => x < Limits.Cap).Count().Output("field");
                    p.Create<int>("checkedSum").CombineGlobally(Combiners.SumChecked<int>()).Output("checkedSum");
                    p.Create<long>("mean").CombineGlobally(Combiners.Mean<long>()).Output("mean");
                    p.Create<int>("output").Map(static x => x + 1).Output("plusOne");
                    p.Create<int>("double").Map(static x => x * 0.5).CombineGlobally(Combiners.Sum<double>()).Output("half");
                    var both = p.Create<int>("fanOut").Map(static x => x - 1);
                    both.Count().Output("fanCount");
                    both.CombineGlobally(Combiners.Max<int>()).Output("max");
                    var partly = p.Create<int>("fanOutToOutput").Map(static x => x - 1);
                    partly.Count().Output("partlyCount");
                    partly.Output("partlyOut");
                    p.Create<int>("method").Map(Demo.Lanes.Twice).CombineGlobally(Combiners.Min<int>()).Output("min");
        """, """
                private static int Twice(int x) => x * 2;
        """)));

        Assert.Equal("//     input 'vector': Vector<int> lanes, #1 Map (line 14), #2 Filter (line 14) (a lane mask), #3 Map (line 14) (its longs in two vectors of the int lanes), #4 CombineGlobally (line 14) (a sum per lane, wrapping as the scalar sum does, merged into the state once per block of 65,536 elements)", LineOf(source, "vector"));
        Assert.EndsWith("scalar loop: #7 Map (line 15): it calls a method (Math.Abs)", LineOf(source, "call"), StringComparison.Ordinal);
        Assert.EndsWith("scalar loop: #11 Map (line 16): checked arithmetic ('x * 3') must throw at the element that overflows", LineOf(source, "checkedOp"), StringComparison.Ordinal);
        Assert.EndsWith("a division by anything but a positive power of two has no vector form ('x / 3')", LineOf(source, "divide"), StringComparison.Ordinal);
        Assert.EndsWith("it reads a field or property ('Limits.Cap')", LineOf(source, "field"), StringComparison.Ordinal);
        Assert.EndsWith("a checked int sum must fail at the element whose running sum overflows", LineOf(source, "checkedSum"), StringComparison.Ordinal);
        Assert.EndsWith("a mean of longs that may not fit 32 bits rounds its double sum element by element", LineOf(source, "mean"), StringComparison.Ordinal);
        Assert.Contains("input 'output': Vector<int> lanes, #", LineOf(source, "output"), StringComparison.Ordinal);
        Assert.EndsWith("Output 'plusOne' (line 21) (each passing lane to the sink, in element order)", LineOf(source, "output"), StringComparison.Ordinal);
        Assert.EndsWith("it converts between integers and floating point (int to double)", LineOf(source, "double"), StringComparison.Ordinal);
        Assert.Equal("//     input 'fanOut': Vector<int> lanes, one pass for 2 combines: (1) #36 Map (line 23), #37 Count (line 24) (the passing lanes counted per lane, merged into the state once per block of 65,536 elements); (2) #36 Map (line 23), #39 CombineGlobally (line 25) (a maximum per lane, merged with the combine's MergeAccumulators after each block)", LineOf(source, "fanOut"));
        Assert.Contains("scalar loop: #", LineOf(source, "fanOutToOutput"), StringComparison.Ordinal);
        Assert.EndsWith("Output 'partlyOut' (line 28) is an output in a fan-out: the scalar loop takes each element through every branch in turn", LineOf(source, "fanOutToOutput"), StringComparison.Ordinal);
        Assert.EndsWith("it is a method group, whose body the generator does not see", LineOf(source, "method"), StringComparison.Ordinal);
        Assert.Equal(3, source.Split('\n').Count(l => l.Contains("private void __Lanes", StringComparison.Ordinal)));
    }

    [Fact(DisplayName = "Floats and doubles run in vector lanes; sums and means add in element order, and the plan says so and why")]
    public void DoublesRunInLanesAndSumInElementOrder()
    {
        var compilation = GeneratorHarness.CreateCompilation(Pipeline("""
                    p.Create<double>("sum").Map(static x => x * 1.5 - 1 / x).Filter(static x => x > 0 && !(x >= 1e300)).CombineGlobally(Combiners.Sum<double>()).Output("sum");
                    p.Create<double>("mean").Map(static x => x < 0 ? -x : x).CombineGlobally(Combiners.Mean<double>()).Output("mean");
                    p.Create<double>("min").CombineGlobally(Combiners.Min<double>()).Output("min");
                    p.Create<double>("remainder").Map(static x => x % 2.0).CombineGlobally(Combiners.Sum<double>()).Output("remainder");
                    p.Create<double>("sqrt").Map(static x => Math.Sqrt(x)).CombineGlobally(Combiners.Sum<double>()).Output("sqrt");
                    p.Create<double>("toInt").Map(static x => (int)x).CombineGlobally(Combiners.Sum<int>()).Output("toInt");
                    p.Create<double>("toList").CombineGlobally(Combiners.ToList<double>()).Output("toList");
                    p.Create<float>("floats").Map(static x => x * 0.5f).CombineGlobally(Combiners.Sum<float>()).Output("floatSum");
                    p.Create<float>("widen").Map(static x => (double)x).CombineGlobally(Combiners.Sum<double>()).Output("widened");
        """));
        // Overflow checks change nothing for doubles: IEEE 754 arithmetic never throws.
        var source = Generate(compilation.WithOptions(compilation.Options.WithOverflowChecks(true)));
        Assert.Equal("//     input 'sum': Vector<double> lanes, #1 Map (line 14), #2 Filter (line 14) (a lane mask), #3 CombineGlobally (line 14) (the passing lanes added to the running sum one by one in element order, branch-free (a lane that does not pass adds -0.0, which leaves any sum as it is): floating-point addition in any other order rounds differently, so per-lane sums are not used)", LineOf(source, "sum"));
        Assert.EndsWith("so per-lane sums are not used; the passing lanes counted per lane)", LineOf(source, "mean"), StringComparison.Ordinal);
        Assert.EndsWith("(a minimum per lane (IEEE 754 minimum, as the combine compares: NaN wins, -0.0 is below +0.0), merged with the combine's MergeAccumulators after each block)", LineOf(source, "min"), StringComparison.Ordinal);
        Assert.EndsWith("scalar loop: #13 Map (line 17): a floating-point remainder has no vector form ('x % 2.0')", LineOf(source, "remainder"), StringComparison.Ordinal);
        Assert.EndsWith("it calls a method (Math.Sqrt)", LineOf(source, "sqrt"), StringComparison.Ordinal);
        Assert.EndsWith("it converts between integers and floating point (double to int)", LineOf(source, "toInt"), StringComparison.Ordinal);
        Assert.EndsWith("has no vector form", LineOf(source, "toList"), StringComparison.Ordinal);
        Assert.StartsWith("//     input 'floats': Vector<float> lanes, #", LineOf(source, "floats"), StringComparison.Ordinal);
        Assert.EndsWith("it converts between floats and doubles (float to double)", LineOf(source, "widen"), StringComparison.Ordinal);
        Assert.Contains("sum = sum + l", source, StringComparison.Ordinal);
        Assert.Equal(4, source.Split('\n').Count(l => l.Contains("private void __Lanes", StringComparison.Ordinal)));
    }

    [Fact(DisplayName = "With overflow checks on for the whole project, arithmetic in lambdas keeps the scalar loop (it must throw where it overflows)")]
    public void ProjectWideOverflowChecksKeepTheScalarLoop()
    {
        var compilation = GeneratorHarness.CreateCompilation(Pipeline("""
                    p.Create<int>("numbers").Map(static x => x * 3).CombineGlobally(Combiners.Sum<int>()).Output("sum");
                    p.Create<int>("compare").Filter(static x => x > 3).Count().Output("count");
        """));
        var source = Generate(compilation.WithOptions(compilation.Options.WithOverflowChecks(true)));
        Assert.EndsWith("checked arithmetic ('x * 3') must throw at the element that overflows", LineOf(source, "numbers"), StringComparison.Ordinal);
        Assert.StartsWith("//     input 'compare': Vector<int> lanes", LineOf(source, "compare"), StringComparison.Ordinal);
    }

    [Fact(DisplayName = "The vectorized loops' part of the plan leaves the checkpoint fingerprint as it is (lanes keep the scalar loop's state)")]
    public void TheLanesPartIsLeftOutOfTheCheckpointShape()
    {
        string[] plan =
        {
            "Stage 1: fused loop over input 'numbers', element by element",
            "  #4 CombineGlobally (line 14)",
            "Vectorized loops (span pushes, Run over arrays and spans; the scalar loop takes each span's tail, and every element a streaming parallel partition ships):",
            "  input 'numbers': Vector<int> lanes, #1 Map (line 11)",
            "Streaming parallel runner (CreateParallelRunner): each partition runs the element-wise stages where it is pushed:",
        };
        uint Shape(params string[] lines) => PipelineGenerator.Planner.CheckpointShape(lines, Array.Empty<Model.TransformSpec>());
        Assert.Equal(Shape(plan), Shape(plan[0], plan[1], plan[4]));
        Assert.NotEqual(Shape(plan), Shape(plan[0], plan[1]));
    }
}
