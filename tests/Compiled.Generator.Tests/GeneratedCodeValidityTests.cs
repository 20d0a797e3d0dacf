using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Declarations that compile cleanly on their own. For each, the generator must either generate code
/// that compiles without warnings together with the user code, or report a CMP error saying why it
/// cannot; it must never silently produce broken code (or silently produce nothing).
/// </summary>
public class GeneratedCodeValidityTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using Compiled;

        namespace Demo;

        """;

    private static readonly Dictionary<string, string> Cases = new()
    {
        ["OutputsNamedLikeTheParallelRunnersLocals"] = Prelude + """
            [Pipeline]
            public partial class ShortNames
            {
                static void Define(PipelineBuilder p)
                {
                    var numbers = p.Create<int>("numbers");
                    numbers.Count().Output("n");
                    numbers.Output("p");
                    numbers.Output("s");
                    numbers.Output("i");
                    numbers.Output("shard");
                }
            }
            """,
        ["ClassNamedRunner"] = Prelude + """
            [Pipeline]
            public partial class Runner
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """,
        ["ClassNamedResults"] = Prelude + """
            [Pipeline]
            public partial class Results
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """,
        ["ClassNamedRun"] = Prelude + """
            [Pipeline]
            public partial class Run
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """,
        ["ClassNamedPlanDescription"] = Prelude + """
            [Pipeline]
            public partial class PlanDescription
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """,
        ["ClassNamedWithAKeyword"] = Prelude + """
            [Pipeline]
            public partial class @class
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """,
        ["NestedInAClassNamedWithAKeyword"] = Prelude + """
            public static partial class @event
            {
                [Pipeline]
                public partial class P
                {
                    static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
                }
            }
            """,
        ["NamespaceWithAKeyword"] = """
            using Compiled;

            namespace Demo.@fixed;

            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """,
        ["ConstantNaNInACombineFn"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    const double nan = double.NaN;
                    const float inf = float.PositiveInfinity;
                    p.Create<double>("numbers").CombineGlobally(Combiners.Min<double>(nan)).Output("min");
                    p.Create<float>("floats").CombineGlobally(Combiners.Max<float>(inf)).Output("max");
                }
            }
            """,
        ["OutputNameCollidesWithPushMethod"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("b").Output("pushB");
            }
            """,
        ["OutputNamedReadLines"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.ReadLines("lines").Output("readLines");
            }
            """,
        ["OutputNameStartingWithUnderscore"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("_a");
            }
            """,
        ["OutputNamedUnderscore"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("_");
            }
            """,
        ["OutputNameCollidesWithElementsProperty"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    var numbers = p.Create<int>("numbers");
                    numbers.Output("counts");
                    numbers.Output("countsElements");
                }
            }
            """,
        ["OutputNameWithoutCase"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("数");
            }
            """,
        ["InternalElementTypeInPublicPipeline"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<Row>("rows").Map(static r => r.X).Output("out");
            }

            internal record Row(int X);
            """,
        ["PrivateNestedElementType"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Map(static x => new Row(x)).Output("out");

                private sealed record Row(int X);
            }
            """,
        ["FileLocalElementType"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Map(static x => new Row(x)).Map(static r => r.X).Output("out");
            }

            file record Row(int X);
            """,
        ["AnonymousElementType"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Map(static x => new { X = x }).Map(static a => a.X).Output("out");
            }
            """,
        ["DynamicElementType"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Map(static x => (dynamic)x).Output("out");
            }
            """,
        ["GenericDefine"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define<T>(PipelineBuilder p) => p.Create<T>("items").Output("out");
            }
            """,
        ["NullableKeyFromWithKeys"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<string?>("words").WithKeys(static s => s).CountPerKey().Output("out");
            }
            """,
        ["NullableElementCountedPerElement"] = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<string?>("words").CountPerElement().Output("out");
            }
            """,
        ["PipelineAttributeOnRecord"] = Prelude + """
            [Pipeline]
            public partial record P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """,
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void GeneratesCompilingCodeOrReportsWhyNot(string name)
    {
        var source = Cases[name];
        var userDiagnostics = GeneratorHarness.CreateCompilation(source).GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(userDiagnostics.Count == 0, "precondition: the declaration compiles on its own, but: " + string.Join("\n", userDiagnostics));

        var run = GeneratorHarness.Run(source);
        Assert.True(run.Exceptions.Count == 0, "generator threw: " + string.Join("\n", run.Exceptions));
        Assert.DoesNotContain(run.DriverDiagnostics, d => d.Id is "CS8785" or "CMP0099");

        var errors = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("CMP", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            return; // the generator explains why it cannot generate
        }

        Assert.True(run.Sources.Count > 0, "the generator neither generated a runner nor reported a diagnostic");
        var diagnostics = run.CompilationDiagnostics.ToList();
        Assert.True(
            diagnostics.Count == 0,
            $"no CMP diagnostic, but the generated code does not compile cleanly ({diagnostics.Count}):\n" + string.Join("\n", diagnostics.Take(10)));
    }

    /// <summary>
    /// Names that are legal input or output names (they contain a letter or digit and do not start with a digit) but
    /// collide with the runner's own members, are C# keywords, or hold characters that end a comment or break an
    /// XML doc comment: every one must give code that compiles without a warning.
    /// </summary>
    public static TheoryData<string> LegalNames => new()
    {
        "watermark", "finished", "_", "__", "run", "results", "runner", "finish", "isFinished", "toString", "equals", "getHashCode",
        "timeProvider", "advanceWatermark", "advanceProcessingTime", "droppedLateElements", "pushNumbers", "onNumbers", "readNumbers",
        "__state", "__failures", "_sinkOut", "_pane", "_watermark", "__heldOut", "class", "event", "default", "T", "Sink0", "Pipeline",
        // Parameters and locals of the generated Run, CreateRunner and CreateParallelRunner that an input or output parameter could meet.
        "options", "parallelism", "maxParallelism", "s", "i", "n", "p", "shard", "shards", "group", "element", "elements", "timestamp",
        "index", "e", "failure", "offset", "bundle", "line", "lines", "path", "input", "ex", "error", "runner", "sinks", "parts", "value",
        // Written as C# escapes inside the declaration's string literal: a line break, CR LF, a Unicode line separator, a quote and a backslash.
        @"a\nb", @"a\r\nb", @"a\u2028b", @"a\""b\\c", "<x&y>", "a*/b", @"\u00e9t\u00e9",
    };

    [Theory]
    [MemberData(nameof(LegalNames))]
    public void EveryLegalOutputNameCompiles(string name)
    {
        var source = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    var numbers = p.Create<int>("numbers");
                    numbers.Output("NAME");
                    numbers.Window(Windows.Fixed(TimeSpan.FromSeconds(1))).Count(withoutDefaults: true).Output("out");
                }
            }
            """.Replace("NAME", name, StringComparison.Ordinal);
        AssertCompilesCleanly(source);
    }

    [Theory]
    [MemberData(nameof(LegalNames))]
    public void EveryLegalInputNameCompiles(string name)
    {
        var source = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    var numbers = p.Create<int>("NAME");
                    numbers.Map(static x => x + 1).CountPerElement().Output("out");
                    numbers.Output("copy");
                }
            }
            """.Replace("NAME", name, StringComparison.Ordinal);
        AssertCompilesCleanly(source);
    }

    private static void AssertCompilesCleanly(string source)
    {
        // XML doc comments are checked too (a name in a doc comment must not break it); the user's own class is undocumented.
        var run = GeneratorHarness.Run(GeneratorHarness.DocumentedParseOptions, source);
        Assert.True(run.Exceptions.Count == 0, "generator threw: " + string.Join("\n", run.Exceptions));
        Assert.True(run.GeneratorDiagnostics.Count == 0, "the generator rejected a legal name:\n" + string.Join("\n", run.GeneratorDiagnostics));
        Assert.True(run.Sources.Count > 0, "no runner was generated");
        var diagnostics = run.CompilationDiagnostics.Where(d => d.Id != "CS1591" || d.Location.SourceTree?.FilePath.StartsWith("/src/", StringComparison.Ordinal) != true).ToList();
        Assert.True(diagnostics.Count == 0, "the generated code does not compile cleanly:\n" + string.Join("\n", diagnostics.Take(10)));
    }

    [Fact]
    public void ConstantLocalsCanNameInputsAndOutputs()
    {
        var source = Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    const string input = "numbers";
                    const int top = 3;
                    p.Create<int>(input).CombineGlobally(Combiners.Top<int>(top)).Output("best");
                }
            }
            """;
        var run = GeneratorHarness.Run(source);

        Assert.True(run.GeneratorDiagnostics.Count == 0, "const locals are rejected:\n" + string.Join("\n", run.GeneratorDiagnostics));
        Assert.Empty(run.CompilationDiagnostics);
    }
}
