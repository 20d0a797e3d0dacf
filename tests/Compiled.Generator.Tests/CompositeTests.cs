using System;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Reuse and run-time parameters in Define: composite transforms (static methods inlined where they are called),
/// static readonly values read as constants, pipeline options read by lambdas; and the messages for the mistakes
/// near them (a captured local, recursion, a loop).
/// </summary>
public class CompositeTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using Compiled;

        namespace Demo;

        """;

    [Fact]
    public void CompositeInAnotherClassAndFile_IsInlinedAndCompiles()
    {
        var run = GeneratorHarness.Run(
            "using Demo.Library;\n" + Prelude + """
            [Pipeline]
            public partial class Job
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<string>("lines").CleanWords(minLength: 3).CountPerElement().Output("counts");

                // Same name as the composite's helper: the composite's lambda must still call its own.
                private static string Normalize(string word) => word;
            }
            """,
            """
            using System;
            using Compiled;

            namespace Demo.Library;

            public static class TextTransforms
            {
                /// <summary>Lower-case words longer than a minimum.</summary>
                public static PCollection<string> CleanWords(this PCollection<string> lines, int minLength) =>
                    lines.FlatMap<string>(static (line, output) =>
                         {
                             foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                             {
                                 output.Emit(Normalize(word));
                             }
                         })
                         .Window(Windows.Fixed(TimeSpan.FromSeconds(minLength)))
                         .Filter(static w => w.Length > 0);

                internal static string Normalize(string word) => word.ToLowerInvariant();
            }
            """);

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        var source = run.SingleSource;
        Assert.Contains("CleanWords/FlatMap (Pipeline1.cs line 10)", source, StringComparison.Ordinal);
        Assert.Contains("CleanWords/Window fixed 3 s (Pipeline1.cs line 17)", source, StringComparison.Ordinal);
        Assert.Contains("#line (11, ", source, StringComparison.Ordinal);
        Assert.Contains("\"/src/Pipeline1.cs\"", source, StringComparison.Ordinal);
        Assert.Contains("output.Emit(global::Demo.Library.TextTransforms.Normalize(word));", source, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadmeComposites_CompileWithoutDiagnostics()
    {
        var run = GeneratorHarness.Run(Prelude.Replace("using Compiled;", "using System.Globalization;\nusing Compiled;", StringComparison.Ordinal) + """
            public static class TextTransforms
            {
                public static PCollection<string> Words(this PCollection<string> lines, int minLength) =>
                    lines.FlatMap<string>(static (line, output) =>
                         {
                             foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                             {
                                 output.Emit(word.ToLowerInvariant());
                             }
                         })
                         .Window(Windows.Fixed(TimeSpan.FromMinutes(minLength)));

                public static (PCollection<int> Valid, PCollection<string> Invalid) Parse(PCollection<string> lines)
                {
                    var (valid, invalid) = lines.MapWithFailures(static line => int.Parse(line, CultureInfo.InvariantCulture));
                    return (valid, invalid.Map(static f => f.Element));
                }
            }

            [Pipeline]
            public partial class Job
            {
                static void Define(PipelineBuilder p)
                {
                    p.ReadLines("lines").Words(minLength: 1).CountPerElement().Output("counts");
                    var (numbers, bad) = TextTransforms.Parse(p.Create<string>("numbers"));
                    numbers.Output("numbers");
                    bad.Output("bad");
                    TextTransforms.Parse(p.Create<string>("more")).Valid.Output("moreNumbers");
                }
            }
            """);

        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("Parse2/MapWithFailures", run.SingleSource, StringComparison.Ordinal);
        Assert.Contains("Words/Window fixed 60 s", run.SingleSource, StringComparison.Ordinal);
    }

    [Fact]
    public void PipelineWithOptions_GeneratedDocCommentsAreComplete()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.DocumentedParseOptions, Prelude + """
            public sealed record Limits(int Max);

            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p, Limits limits) =>
                    p.Create<KV<string, int>>("numbers").Filter(x => x.Value < limits.Max).CombinePerKey(Combiners.Sum<int>()).Output("out");
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Location.SourceTree?.FilePath.StartsWith("/src/", StringComparison.Ordinal) != true).Select(d => d.ToString()));
    }

    [Fact]
    public void InvalidPipeline_KeepsThePortsDeclaredInItsComposites()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    var offset = 1;
                    Report(p).Map(x => x + offset).Output("shifted");
                }

                static PCollection<int> Report(PipelineBuilder p)
                {
                    var numbers = p.Create<int>("numbers");
                    numbers.Output("copy");
                    return numbers;
                }
            }

            public static class Caller
            {
                public static int Use()
                {
                    var runner = P.CreateRunner(copy: new ListSink<int>(), shifted: new ListSink<int>());
                    return P.Run(numbers: new[] { 1, 2 }).Copy.Count + runner.GetHashCode();
                }
            }
            """);

        Assert.Equal(new[] { "CMP0006" }, run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void WindowSizeAndSessionGapFromOptions_AreReadWhenTheRunnerIsCreated()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.DocumentedParseOptions, Prelude + """
            public sealed record Sizes(TimeSpan Window, int GapMinutes);

            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p, Sizes sizes)
                {
                    var events = p.Create<KV<string, int>>("events").WithTimestamps(static e => new Instant(e.Value));
                    events.Window(Windows.Fixed(sizes.Window)).CountPerKey().Output("perWindow");
                    Sessionize(events, sizes).CountPerKey().Output("perSession");
                }

                static PCollection<KV<string, int>> Sessionize(PCollection<KV<string, int>> events, Sizes s) =>
                    events.Window(Windows.Sessions(TimeSpan.FromMinutes(s.GapMinutes)));
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Location.SourceTree?.FilePath.StartsWith("/src/", StringComparison.Ordinal) != true).Select(d => d.ToString()));
        Assert.Contains("fixed sizes.Window (an option)", run.SingleSource, StringComparison.Ordinal);
        Assert.Contains("sessions gap TimeSpan.FromMinutes(s.GapMinutes) (an option)", run.SingleSource, StringComparison.Ordinal);
    }

    [Fact]
    public void WindowPeriodFromOptions_IsCmp0005()
    {
        var run = GeneratorHarness.Run(Prelude + """
            public sealed record Sizes(TimeSpan Window);

            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p, Sizes sizes) =>
                    p.Create<int>("events").Window(Windows.Sliding(TimeSpan.FromMinutes(2), sizes.Window)).Count().Output("out");
            }
            """);

        Assert.Equal(new[] { "CMP0005" }, run.GeneratorDiagnostics.Select(d => d.Id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InternalOptionsType_MakesTheSurfaceInternal(bool invalid)
    {
        var run = GeneratorHarness.Run(Prelude + """
            internal sealed record Limits(int Max);

            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p, Limits limits)
                {
                    var offset = 1;
                    p.Create<int>("numbers").Filter(x => x < limits.Max + OFFSET).Output("out");
                }
            }

            internal static class Caller
            {
                public static int Use() => P.Run(new Limits(3), new[] { 1, 2 }).GetHashCode();
            }
            """.Replace("OFFSET", invalid ? "offset" : "0", StringComparison.Ordinal));

        Assert.Equal(invalid ? new[] { "CMP0006" } : Array.Empty<string>(), run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void InputNamedLikeTheOptionsParameter_IsCmp0008()
    {
        var run = GeneratorHarness.Run(Prelude + """
            public sealed record Limits(int Max);

            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p, Limits limits) =>
                    p.Create<int>("pipeline-options").Filter(x => x < limits.Max).Output("out");
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0008", diagnostic.Id);
        Assert.Contains("'pipelineOptions'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void NestedVoidCompositesWithTheBuilderAndForwardedValues_Compile()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => Report(p, "numbers", 2);

                static void Report(PipelineBuilder p, string input, int minutes)
                {
                    var numbers = p.Create<int>(input).WithTimestamps(static x => new Instant(x));
                    Counted(numbers, minutes).Output("counts");
                    numbers.Output("all");
                }

                static PCollection<long> Counted(PCollection<int> numbers, int minutes) =>
                    numbers.Window(Windows.Fixed(TimeSpan.FromMinutes(minutes))).Count();
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("Report/Counted/Window fixed 120 s (line", run.SingleSource, StringComparison.Ordinal);
        Assert.Contains("Create 'numbers'", run.SingleSource, StringComparison.Ordinal);
    }

    [Fact]
    public void CompositeCallingItselfIndirectly_IsOneCmp0015AtTheCall()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => A(p.Create<int>("numbers")).Output("out");

                static PCollection<int> A(PCollection<int> input) => B(input.Map(static x => x + 1));

                static PCollection<int> B(PCollection<int> input) => A(input);
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0015", diagnostic.Id);
        Assert.Contains("A → B → A", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        // At the call that closes the cycle, in B.
        Assert.Equal(13, diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void ErrorInsideAComposite_PointsAtTheCompositesCode()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => Doubled(p.Create<int>("numbers")).Output("out");

                static PCollection<int> Doubled(PCollection<int> input)
                {
                    var factor = 2;
                    return input.Map(x => x * factor);
                }
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0006", diagnostic.Id);
        Assert.Equal(14, diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void StaticReadonlyValues_AreReadAsConstants()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class P
            {
                private static readonly TimeSpan Size = TimeSpan.FromMinutes(2);
                private static readonly TimeSpan Lateness = Size;
                private const int Minutes = 1;
                private static readonly double Period = Minutes;
                private static readonly int Buckets = 3;
                private static readonly string Name = "out";

                static void Define(PipelineBuilder p)
                {
                    var numbers = p.Create<int>("numbers").WithTimestamps(static x => new Instant(x));
                    numbers.Window(Windows.Sliding(Size, TimeSpan.FromMinutes(Period))).Count().Output(Name);
                    numbers.Window(Windows.Fixed(Size).WithAllowedLateness(Lateness)).Count().Output("late");
                    var parts = numbers.Partition(Buckets, static (x, n) => x % n);
                    parts[2].Output("third");
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("sliding 120 s every 60 s", run.SingleSource, StringComparison.Ordinal);
        Assert.Contains("lateness 120 s", run.SingleSource, StringComparison.Ordinal);
    }

    [Fact]
    public void ValueLocalsInitializedWithConstants_AreReadAsConstants()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    var size = TimeSpan.FromMinutes(3);
                    var name = "numbers";
                    long buckets = 2;
                    var numbers = p.Create<int>(name).WithTimestamps(static x => new Instant(x));
                    numbers.Window(Windows.Fixed(size)).Count().Output("perWindow");
                    numbers.Partition((int)buckets, static (x, n) => x % n)[1].Output("odd");
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("fixed 180 s", run.SingleSource, StringComparison.Ordinal);
    }

    [Fact]
    public void StaticReadonlyAssignedInAStaticConstructor_IsNotAConstant()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class P
            {
                private static readonly TimeSpan Size = TimeSpan.FromMinutes(2);

                static P() => Size = TimeSpan.FromMinutes(3);

                static void Define(PipelineBuilder p) =>
                    p.Create<int>("numbers").Window(Windows.Fixed(Size)).Count().Output("out");
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0005", diagnostic.Id);
    }

    [Fact]
    public void CapturedLocal_IsOneCmp0006ThatSaysWhatToUse()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    var factor = 3;
                    p.Create<int>("numbers").Map(x => x * factor).Output("out");
                }
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0006", diagnostic.Id);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("captures 'factor'", message, StringComparison.Ordinal);
        Assert.Contains("use a const (or a static readonly field), a pipeline option or a side input", message, StringComparison.Ordinal);
        Assert.DoesNotContain("add the 'static' modifier", message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoopInDefine_PointsAtPartitionAndComposites()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    var numbers = p.Create<int>("numbers");
                    for (var i = 0; i < 3; i++)
                    {
                        numbers.Output("out");
                    }
                }
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0004", diagnostic.Id);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("Partition(n, fn)", message, StringComparison.Ordinal);
        Assert.Contains("composite", message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsLambdaCapturingAnotherLocal_IsCmp0006NamingOnlyThatLocal()
    {
        var run = GeneratorHarness.Run(Prelude + """
            public sealed class Limits
            {
                public int Max { get; init; }
            }

            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p, Limits limits)
                {
                    var offset = 1;
                    p.Create<int>("numbers").Filter(x => x + offset < limits.Max).Output("out");
                }
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0006", diagnostic.Id);
        Assert.Contains("captures 'offset',", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidPipelineWithOptions_KeepsTheOptionsInTheThrowingSurface()
    {
        var run = GeneratorHarness.Run(Prelude + """
            public sealed class Limits
            {
                public int Max { get; init; }
            }

            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p, Limits limits)
                {
                    var numbers = p.Create<int>("numbers");
                    if (limits.Max > 0)
                    {
                        numbers.Output("out");
                    }
                }
            }

            public static class Caller
            {
                public static int Use() => P.Run(new Limits { Max = 3 }, new[] { 1, 2 }).GetHashCode();
            }
            """);

        Assert.Equal(new[] { "CMP0004" }, run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }
}
