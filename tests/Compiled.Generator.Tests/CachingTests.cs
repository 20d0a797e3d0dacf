using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Compiled.Generator.Model;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// The incremental pipeline's caching: equal sources give equal models, unrelated edits do not rerun
/// the downstream steps, pipeline edits do, and no step output holds a compilation object.
/// </summary>
public class CachingTests
{
    private const string Pipeline = """
        using System;
        using Compiled;

        namespace Demo;

        [Pipeline]
        public partial class Words
        {
            static void Define(PipelineBuilder p)
            {
                var words = p.ReadLines("lines")
                    .FlatMap<string>(static (line, output) =>
                    {
                        foreach (var w in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        {
                            output.Emit(w);
                        }
                    })
                    .Filter(static w => w.Length > 1);
                words.CountPerElement().Output("counts");
                words.Map(static w => w.Length).CombineGlobally(Combiners.Sum<int>()).Output("letters");
            }
        }

        public class Unrelated
        {
            public int Value() => 1;
        }
        """;

    private const string PipelineWithDiagnostic = """
        using Compiled;

        namespace Demo;

        [Pipeline]
        public partial class Broken
        {
            static void Define(PipelineBuilder p)
            {
                var offset = 3;
                p.Create<int>("numbers").Map(x => x + offset).Output("shifted");
            }
        }
        """;

    private const string StatefulPipeline = """
        using System;
        using Compiled;

        namespace Demo;

        public struct Session
        {
            public ValueState<long> Count;
            public BagState<int> Values;
            public EventTimeTimer Timeout;
            public ProcessingTimeTimerMap Polls;
        }

        [Pipeline]
        public partial class Sessions
        {
            static void Define(PipelineBuilder p) =>
                p.Create<KV<string, int>>("events")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(1)))
                 .ParDo(
                     static (string key, int value, ref Session state, ProcessContext context, IEmitter<long> output) =>
                     {
                         state.Count.Write(state.Count.ReadOrDefault(0) + 1);
                         state.Timeout.Set(context.Window.MaxTimestamp);
                     },
                     onTimer: static (string key, ref Session state, TimerContext timer, IEmitter<long> output) => output.Emit(state.Count.Read()),
                     onWindowExpiration: static (string key, ref Session state, WindowExpirationContext context, IEmitter<long> output) => { })
                 .Output("counts");
        }
        """;

    private static readonly string[] TrackedStepNames =
    {
        PipelineGenerator.Steps.Parse,
        PipelineGenerator.Steps.Specs,
        PipelineGenerator.Steps.Plans,
        PipelineGenerator.Steps.Diagnostics,
    };

    [Fact]
    public void CompilingTheSameSourceResultsInEqualModels()
    {
        var first = RunTracked(GeneratorHarness.CreateCompilation(Pipeline));
        var second = RunTracked(GeneratorHarness.CreateCompilation(Pipeline));

        var specs1 = Outputs<PipelineSpec>(first, PipelineGenerator.Steps.Specs);
        var specs2 = Outputs<PipelineSpec>(second, PipelineGenerator.Steps.Specs);
        var spec1 = Assert.Single(specs1);
        var spec2 = Assert.Single(specs2);
        Assert.NotSame(spec1, spec2);
        Assert.Equal(spec1, spec2);
        Assert.Equal(spec1.GetHashCode(), spec2.GetHashCode());

        var plan1 = PipelineGenerator.Planner.Plan(spec1);
        var plan2 = PipelineGenerator.Planner.Plan(spec2);
        Assert.Equal(plan1, plan2);
        Assert.Equal(plan1.GetHashCode(), plan2.GetHashCode());

        // The plans the pipeline computed are equal to each other and to a fresh Plan of the spec.
        var tracked1 = Assert.Single(Outputs<PipelinePlan>(first, PipelineGenerator.Steps.Plans));
        var tracked2 = Assert.Single(Outputs<PipelinePlan>(second, PipelineGenerator.Steps.Plans));
        Assert.Equal(tracked1, tracked2);
        Assert.Equal(plan1, tracked1);

        var parse1 = Assert.Single(Outputs<ParseResult>(first, PipelineGenerator.Steps.Parse));
        var parse2 = Assert.Single(Outputs<ParseResult>(second, PipelineGenerator.Steps.Parse));
        Assert.Equal(parse1, parse2);
    }

    [Fact]
    public void AStatefulParDoCompilesToEqualModelsAndAnUnrelatedEditLeavesThemCached()
    {
        var first = RunTracked(GeneratorHarness.CreateCompilation(StatefulPipeline));
        var second = RunTracked(GeneratorHarness.CreateCompilation(StatefulPipeline));
        var spec1 = Assert.Single(Outputs<PipelineSpec>(first, PipelineGenerator.Steps.Specs));
        var spec2 = Assert.Single(Outputs<PipelineSpec>(second, PipelineGenerator.Steps.Specs));
        Assert.NotSame(spec1, spec2);
        Assert.Equal(spec1, spec2);
        Assert.Equal(spec1.GetHashCode(), spec2.GetHashCode());
        Assert.NotNull(spec1.Transforms.Single(t => t.Kind == TransformKind.StatefulParDo).Stateful);
        Assert.Equal(PipelineGenerator.Planner.Plan(spec1), PipelineGenerator.Planner.Plan(spec2));

        var compilation = GeneratorHarness.CreateCompilation(StatefulPipeline);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Demo; public static class Extra { public static int Two() => 2; }", GeneratorHarness.ParseOptions, path: "/src/Extra.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Empty(result.Diagnostics);
        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void CompilingTheSameFaultySourceResultsInEqualDiagnostics()
    {
        var first = RunTracked(GeneratorHarness.CreateCompilation(PipelineWithDiagnostic));
        var second = RunTracked(GeneratorHarness.CreateCompilation(PipelineWithDiagnostic));

        var parse1 = Assert.Single(Outputs<ParseResult>(first, PipelineGenerator.Steps.Parse));
        var parse2 = Assert.Single(Outputs<ParseResult>(second, PipelineGenerator.Steps.Parse));
        Assert.Null(parse1.Spec);
        Assert.NotEmpty(parse1.Diagnostics);
        Assert.Equal(parse1, parse2);
    }

    [Fact]
    public void AddingAnUnrelatedSyntaxTreeLeavesEveryStepCachedOrUnchanged()
    {
        var compilation = GeneratorHarness.CreateCompilation(Pipeline);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Demo; public static class Extra { public static int Two() => 2; }",
            GeneratorHarness.ParseOptions,
            path: "/src/Extra.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.All(TrackedStepNames, name => Assert.True(result.TrackedSteps.ContainsKey(name), $"step '{name}' was not tracked"));
        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void EditingAnUnrelatedClassInAnotherFileLeavesEveryStepCachedOrUnchanged()
    {
        const string other = "namespace Demo; public class Other { public int Value() => 1; }";
        var compilation = GeneratorHarness.CreateCompilation(Pipeline, other);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var oldTree = compilation.SyntaxTrees.Single(t => t.FilePath == "/src/Pipeline1.cs");
        var newTree = CSharpSyntaxTree.ParseText(other.Replace("=> 1", "=> 42", StringComparison.Ordinal), GeneratorHarness.ParseOptions, path: oldTree.FilePath);
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void EditingAnUnrelatedClassInThePipelineFileLeavesEveryStepCachedOrUnchanged()
    {
        // The edit is below the pipeline, so no line of the declaration moves.
        var compilation = GeneratorHarness.CreateCompilation(Pipeline);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = ReplaceText(compilation, "public int Value() => 1;", "public int Value() => 1 + 41;");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void TheCodersAreCachedOnUnrelatedEditsAndRegeneratedWhenTheirTypeChanges()
    {
        const string source = """
            using Compiled;

            namespace Demo;

            public sealed record Visit(string Page, int Seconds);

            [Pipeline]
            public partial class Visits
            {
                static void Define(PipelineBuilder p) => p.Create<KV<string, Visit>>("visits").GroupByKey().Output("grouped");
            }

            public class Unrelated
            {
                public int Value() => 1;
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation(source);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        Assert.Single(Outputs<CoderPlan>(driver.GetRunResult().Results.Single(), PipelineGenerator.Steps.Coders));

        var unrelated = driver.RunGenerators(ReplaceText(compilation, "public int Value() => 1;", "public int Value() => 1 + 41;")).GetRunResult().Results.Single();
        AssertAllCachedOrUnchanged(unrelated);
        Assert.All(Reasons(unrelated, PipelineGenerator.Steps.Coders), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));

        var changed = driver.RunGenerators(ReplaceText(compilation, "int Seconds", "long Seconds")).GetRunResult().Results.Single();
        Assert.Contains(Reasons(changed, PipelineGenerator.Steps.Coders), r => r == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void AnUnrelatedEditLeavesDiagnosticsCached()
    {
        var compilation = GeneratorHarness.CreateCompilation(PipelineWithDiagnostic);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Demo; public static class Extra { }", GeneratorHarness.ParseOptions, path: "/src/Extra.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCachedOrUnchanged(result);
        Assert.NotEmpty(result.Diagnostics);
    }

    [Fact]
    public void ChangingALambdaBodyModifiesTheSpecsAndPlans()
    {
        var compilation = GeneratorHarness.CreateCompilation(Pipeline);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = ReplaceText(compilation, "static w => w.Length > 1", "static w => w.Length > 2");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Null(result.Exception);
        Assert.Contains(Reasons(result, PipelineGenerator.Steps.Parse), r => r == IncrementalStepRunReason.Modified);
        Assert.Contains(Reasons(result, PipelineGenerator.Steps.Specs), r => r == IncrementalStepRunReason.Modified);
        Assert.Contains(Reasons(result, PipelineGenerator.Steps.Plans), r => r == IncrementalStepRunReason.Modified);

        var spec = Assert.Single(result.TrackedSteps[PipelineGenerator.Steps.Specs].SelectMany(s => s.Outputs)).Value;
        Assert.Contains("w.Length > 2", Assert.IsType<PipelineSpec>(spec).Transforms.Select(t => t.Function?.Body ?? string.Empty));
    }

    [Fact]
    public void ChangingAnOutputNameModifiesTheSpecs()
    {
        var compilation = GeneratorHarness.CreateCompilation(Pipeline);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = ReplaceText(compilation, "Output(\"letters\")", "Output(\"characters\")");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(Reasons(result, PipelineGenerator.Steps.Specs), r => r == IncrementalStepRunReason.Modified);
        Assert.Contains("Characters", Assert.Single(result.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    private const string CompositePipeline = """
        using System;
        using Compiled;

        namespace Demo;

        public sealed record Limits(int Min);

        [Pipeline]
        public partial class Scores
        {
            private static readonly TimeSpan Size = TimeSpan.FromMinutes(1);

            static void Define(PipelineBuilder p, Limits limits) =>
                Library.AtLeast(p.Create<int>("numbers"), limits).Window(Windows.Fixed(Size)).Count().Output("counts");
        }
        """;

    private const string CompositeLibrary = """
        using Compiled;

        namespace Demo;

        public static class Library
        {
            public static PCollection<int> AtLeast(PCollection<int> numbers, Limits limits) =>
                numbers.Filter(x => x >= limits.Min).WithTimestamps(static x => new Instant(x));
        }
        """;

    [Fact]
    public void EditingACompositeInAnotherFileModifiesTheSpecs()
    {
        var compilation = GeneratorHarness.CreateCompilation(CompositePipeline, CompositeLibrary);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var oldTree = compilation.SyntaxTrees.Single(t => t.FilePath == "/src/Pipeline1.cs");
        var newTree = CSharpSyntaxTree.ParseText(CompositeLibrary.Replace("x >= limits.Min", "x > limits.Min", StringComparison.Ordinal), GeneratorHarness.ParseOptions, path: oldTree.FilePath);
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult().Results.Single();

        Assert.Null(result.Exception);
        Assert.Contains(Reasons(result, PipelineGenerator.Steps.Specs), r => r == IncrementalStepRunReason.Modified);
        Assert.Contains("x > limits.Min", Assert.Single(result.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CompositesAndOptions_AnUnrelatedEditLeavesEveryStepCachedOrUnchanged()
    {
        var compilation = GeneratorHarness.CreateCompilation(CompositePipeline, CompositeLibrary);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Demo; public static class Extra { public static int Two() => 2; }", GeneratorHarness.ParseOptions, path: "/src/Extra.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Empty(result.Diagnostics);
        AssertAllCachedOrUnchanged(result);
    }

    [Fact]
    public void StepOutputsHoldNoCompilationObjects()
    {
        foreach (var source in new[] { Pipeline, PipelineWithDiagnostic, StatefulPipeline, CompositePipeline + CompositeLibrary.Replace("using Compiled;\n\nnamespace Demo;", string.Empty, StringComparison.Ordinal) })
        {
            var result = RunTracked(GeneratorHarness.CreateCompilation(source));
            var walked = 0;
            Assert.True(result.TrackedSteps.ContainsKey(PipelineGenerator.Steps.Parse), "the parse step was not tracked");
            foreach (var name in TrackedStepNames.Where(result.TrackedSteps.ContainsKey))
            {
                foreach (var step in result.TrackedSteps[name])
                {
                    foreach (var (value, _) in step.Outputs)
                    {
                        ModelWalker.AssertHoldsNoCompilationObjects(value, name);
                        walked++;
                    }
                }
            }

            Assert.True(walked > 0);
        }
    }

    [Fact]
    public void ModelWalkerFindsForbiddenValues()
    {
        var tree = CSharpSyntaxTree.ParseText("class C { }");
        var compilation = GeneratorHarness.CreateCompilation("class C { }");
        Assert.ThrowsAny<Exception>(() => ModelWalker.AssertHoldsNoCompilationObjects(new Holder(tree.GetRoot()), "test"));
        Assert.ThrowsAny<Exception>(() => ModelWalker.AssertHoldsNoCompilationObjects(new Holder(new object[] { 1, compilation }), "test"));
        Assert.ThrowsAny<Exception>(() => ModelWalker.AssertHoldsNoCompilationObjects(new Holder(new List<object> { tree.GetRoot().GetLocation() }), "test"));
        Assert.ThrowsAny<Exception>(() => ModelWalker.AssertHoldsNoCompilationObjects(new Holder(compilation.GetSpecialType(SpecialType.System_Int32)), "test"));
        Assert.ThrowsAny<Exception>(() => ModelWalker.AssertHoldsNoCompilationObjects(new Holder(new Holder(compilation.GetSemanticModel(compilation.SyntaxTrees[0]))), "test"));
        ModelWalker.AssertHoldsNoCompilationObjects(new Holder(new Helpers.EquatableArray<string>(new[] { "a", "b" })), "test");
    }

    private sealed record Holder(object? Value);

    private static GeneratorRunResult RunTracked(Compilation compilation)
    {
        var result = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return result;
    }

    private static List<T> Outputs<T>(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => Assert.IsType<T>(o.Value)).ToList();

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps.TryGetValue(step, out var steps)
            ? steps.SelectMany(s => s.Outputs).Select(o => o.Reason)
            : Enumerable.Empty<IncrementalStepRunReason>();

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        Assert.Null(result.Exception);
        // Specs and Plans have no entries when the declaration has an error (the Where before them filters it out).
        Assert.True(result.TrackedSteps.ContainsKey(PipelineGenerator.Steps.Parse), "the parse step was not tracked in the second run");
        Assert.True(result.TrackedSteps.ContainsKey(PipelineGenerator.Steps.Diagnostics), "the diagnostics step was not tracked in the second run");
        foreach (var name in TrackedStepNames.Where(result.TrackedSteps.ContainsKey))
        {
            foreach (var (step, output) in result.TrackedSteps[name].SelectMany(s => s.Outputs.Select(o => (s, o))))
            {
                Assert.True(
                    output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step '{name}' output was {output.Reason} after an unrelated edit (value: {output.Value})");
            }
        }
    }

    private static Compilation ReplaceText(Compilation compilation, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees.First();
        var text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        var newTree = CSharpSyntaxTree.ParseText(text.Replace(oldText, newText, StringComparison.Ordinal), GeneratorHarness.ParseOptions, path: tree.FilePath);
        return compilation.ReplaceSyntaxTree(tree, newTree);
    }
}

/// <summary>
/// Walks an incremental step output by reflection (properties, fields, arrays, EquatableArray and other
/// sequences) and fails if any value reachable from it is a compilation object: such a value keeps the
/// compilation alive and defeats the step's caching.
/// </summary>
internal static class ModelWalker
{
    private static readonly Type[] Forbidden =
    {
        typeof(Compilation), typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Location),
        typeof(SyntaxToken), typeof(SyntaxTrivia), typeof(SyntaxReference),
    };

    public static void AssertHoldsNoCompilationObjects(object? root, string step)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, step + " output (" + root?.GetType().Name + ")", visited, 0);
    }

    private static void Walk(object? value, string path, HashSet<object> visited, int depth)
    {
        if (value is null)
        {
            return;
        }

        var type = value.GetType();
        var forbidden = Forbidden.FirstOrDefault(f => f.IsAssignableFrom(type));
        if (forbidden is not null)
        {
            Assert.Fail($"{path} holds a {forbidden.Name} ({type.FullName}); step outputs must be plain values");
        }

        if (type.IsPrimitive || type.IsEnum || value is string or decimal || depth > 64)
        {
            return;
        }

        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is IEnumerable sequence)
        {
            var index = 0;
            foreach (var item in sequence)
            {
                Walk(item, path + "[" + index++ + "]", visited, depth + 1);
            }
        }

        if (!ShouldDescend(type))
        {
            return;
        }

        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                Walk(field.GetValue(value), path + "." + field.Name, visited, depth + 1);
            }
        }

        foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract")
            {
                continue;
            }

            object? propertyValue;
            try
            {
                propertyValue = property.GetValue(value);
            }
            catch (TargetInvocationException)
            {
                continue;
            }

            Walk(propertyValue, path + "." + property.Name, visited, depth + 1);
        }
    }

    /// <summary>Types whose members are walked: the generator's model and helpers, the tests' holders, tuples and Roslyn's text value types.</summary>
    private static bool ShouldDescend(Type type)
    {
        if (type.IsArray)
        {
            return false; // elements were walked as a sequence
        }

        var assembly = type.Assembly;
        return assembly == typeof(PipelineSpec).Assembly ||
               assembly == typeof(ModelWalker).Assembly ||
               type.FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) == true ||
               type.FullName?.StartsWith("System.Tuple", StringComparison.Ordinal) == true ||
               (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>)) ||
               (type.IsValueType && type.Namespace == "Microsoft.CodeAnalysis.Text");
    }
}
