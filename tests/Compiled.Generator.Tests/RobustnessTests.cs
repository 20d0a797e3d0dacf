using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Malformed and half-typed declarations, as a user produces them mid-typing in an IDE. The generator
/// must never throw (CS8785) or fail internally (CMP0099); where the problem is a declaration the
/// generator owns, it reports the specific CMP diagnostic at a location in the source.
/// </summary>
public class RobustnessTests
{
    /// <summary>Syntax or type errors the compiler reports: the generator may add CMP0003 or stay silent.</summary>
    private const string CompilerOwned = "CMP0003 or none";

    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Compiled;

        namespace Demo;

        """;

    private static readonly Case[] Cases =
    {
        // ----- pure syntax errors, mid-typing -----
        new("UnclosedParen", CompilerOwned, Define("""
            p.Create<int>("numbers").Map(static x => x + 1.Output("out");
            """)),
        new("UnclosedParenAtEndOfStatement", CompilerOwned, Define("""
            p.Create<int>("numbers").Map(static x => x + 1;
            p.Create<int>("other").Output("out");
            """)),
        new("MissingLambdaBody", CompilerOwned, Define("""
            p.Create<int>("numbers").Map(static x => ).Output("out");
            """)),
        new("BuilderDotWithNothingAfter", CompilerOwned, Define("""
            p.
            """)),
        new("CollectionDotWithNothingAfter", CompilerOwned, Define("""
            var numbers = p.Create<int>("numbers");
            numbers.
            """)),
        new("HalfTypedMethodName", CompilerOwned, Define("""
            p.Create<int>("numbers").Ma
            """)),
        new("MissingSemicolon", CompilerOwned, Define("""
            var numbers = p.Create<int>("numbers")
            numbers.Output("out");
            """)),
        new("UnterminatedString", CompilerOwned, Define("""
            p.Create<int>("numbers).Output("out");
            """)),
        new("EmptyTypeArgument", CompilerOwned, Define("""
            p.Create<>("numbers").Output("out");
            """)),
        new("TrailingComma", CompilerOwned, Define("""
            p.Create<int>("numbers").Map(static x => x,).Output("out");
            """)),
        new("DefineWithoutClosingBraces", CompilerOwned, Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p)
                {
                    p.Create<int>("numbers").Output("out");
            """),
        new("EmptyFileWithOnlyTheAttribute", CompilerOwned, Prelude + "[Pipeline]\n"),
        new("AttributeOnStruct", CompilerOwned, Prelude + """
            [Pipeline]
            public partial struct P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """),
        new("LambdaBodyTypeErrorAlongChain", CompilerOwned, Define("""
            p.Create<string>("words").Map(static s => s.Length).Filter(static s => s.StartsWith("a")).Output("out");
            """)),
        new("StaticLambdaCapturingTheBuilder", CompilerOwned, Define("""
            p.Create<int>("numbers").Map(static x => x + p.GetHashCode()).Output("out");
            """)),
        new("PipelineAttributeOnTwoPartsOfTheSameClass", CompilerOwned, Define("""
            p.Create<int>("numbers").Output("out");
            """), Prelude + """
            [Pipeline]
            public partial class P
            {
            }
            """),

        // ----- type errors in the declaration itself: the generator cannot resolve it -----
        new("WrongTypesAlongChain", CompilerOwned, Define("""
            p.Create<string>("words").Map(static s => s.Length).Filter(static (string s) => s.Length > 0).Output("out");
            """)),
        new("UnresolvedElementType", CompilerOwned, Define("""
            p.Create<Customer>("customers").Output("out");
            """)),
        new("UnknownTransform", CompilerOwned, Define("""
            p.Create<int>("numbers").Shuffle().Output("out");
            """)),
        new("OutputWithNoArguments", CompilerOwned, Define("""
            p.Create<int>("numbers").Output();
            """)),
        new("MapWithNoArguments", CompilerOwned, Define("""
            p.Create<int>("numbers").Map().Output("out");
            """)),
        new("SideInputThatIsNotAView", CompilerOwned, Define("""
            var numbers = p.Create<int>("numbers");
            numbers.Map(numbers, static (x, s) => x).Output("out");
            """)),

        // ----- the class and its Define method -----
        new("MissingDefine", "CMP0002", Prelude + """
            [Pipeline]
            public partial class P
            {
            }
            """),
        new("DefineIsAnInstanceMethod", "CMP0002", Prelude + """
            [Pipeline]
            public partial class P
            {
                void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """),
        new("DefineTakesTheWrongParameter", "CMP0002", Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(int p) { }
            }
            """),
        new("DefineTakesTwoParameters", "CMP0002", Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p, int extra) => p.Create<int>("numbers").Output("out");
            }
            """),
        new("DefineReturnsAValue", "CMP0002", Prelude + """
            [Pipeline]
            public partial class P
            {
                static int Define(PipelineBuilder p) => 0;
            }
            """),
        new("DefineIsAPartialDeclarationWithoutBody", "CMP0002", Prelude + """
            [Pipeline]
            public partial class P
            {
                static partial void Define(PipelineBuilder p);
            }
            """),
        new("NonPartialClass", "CMP0001", Prelude + """
            [Pipeline]
            public class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
            }
            """),
        new("NestedInNonPartialClass", "CMP0001", Prelude + """
            public class Outer
            {
                [Pipeline]
                public partial class P
                {
                    static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
                }
            }
            """),
        new("GenericClass", "CMP0011", Prelude + """
            [Pipeline]
            public partial class P<T>
            {
                static void Define(PipelineBuilder p) => p.Create<T>("items").Output("out");
            }
            """),
        new("NestedInGenericClass", "CMP0011", Prelude + """
            public partial class Outer<T>
            {
                [Pipeline]
                public partial class P
                {
                    static void Define(PipelineBuilder p) => p.Create<int>("numbers").Output("out");
                }
            }
            """),
        new("ExpressionBodyThatIsNotAPipeline", "CMP0005", Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => Console.WriteLine("hello");
            }
            """),

        // ----- dynamic topology -----
        new("ForLoop", "CMP0004", Define("""
            var numbers = p.Create<int>("numbers");
            for (var i = 0; i < 3; i++)
            {
                numbers = numbers.Map(static x => x + 1);
            }
            numbers.Output("out");
            """)),
        new("IfStatement", "CMP0004", Define("""
            var numbers = p.Create<int>("numbers");
            if (DateTime.Now.Year > 2000)
            {
                numbers.Output("out");
            }
            """)),
        new("ForeachLoop", "CMP0004", Define("""
            foreach (var name in new[] { "a", "b" })
            {
                p.Create<int>(name).Output("out");
            }
            """)),
        new("WhileLoop", "CMP0004", Define("""
            var numbers = p.Create<int>("numbers");
            while (true)
            {
                numbers.Output("out");
                break;
            }
            """)),
        new("ConditionalExpression", "CMP0004", Define("""
            var a = p.Create<int>("a");
            var b = p.Create<int>("b");
            var chosen = DateTime.Now.Year > 2000 ? a : b;
            chosen.Output("out");
            """)),
        new("CoalesceExpression", "CMP0004", Define("""
            var a = p.Create<int>("a");
            var chosen = a ?? p.Create<int>("b");
            chosen.Output("out");
            """)),
        new("ReassigningALocal", "CMP0004", Define("""
            var numbers = p.Create<int>("numbers");
            numbers = numbers.Map(static x => x + 1);
            numbers.Output("out");
            """)),
        new("LocalFunction", "CMP0004", Define("""
            p.Create<int>("numbers").Output("out");
            static int Helper(int x) => x;
            """)),
        new("EarlyReturn", "CMP0004", Define("""
            p.Create<int>("numbers").Output("out");
            return;
            """)),

        // ----- unsupported expressions -----
        new("CompositeCallingItself", "CMP0015", Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => Doubled(p.Create<int>("numbers")).Output("out");

                static PCollection<int> Doubled(PCollection<int> input) => Doubled(input.Map(static x => x * 2));
            }
            """),
        new("GenericHelperMethod", "CMP0005", Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => Same(p.Create<int>("numbers")).Output("out");

                static PCollection<T> Same<T>(PCollection<T> input) => input;
            }
            """),
        new("FieldHoldingACollection", "CMP0005", Prelude + """
            [Pipeline]
            public partial class P
            {
                static PCollection<int> s_numbers = null!;

                static void Define(PipelineBuilder p) => s_numbers.Map(static x => x * 2).Output("out");
            }
            """),
        new("UninitializedLocal", "CMP0005", Define("""
            PCollection<int> numbers;
            p.Create<int>("numbers").Output("out");
            """)),
        new("FlattenWithNoArguments", "CMP0005", Define("""
            p.Flatten<int>().Output("out");
            """)),
        new("DeconstructingASingleCollection", "CMP0005", Define("""
            var (a, b) = p.Create<int>("numbers");
            a.Output("out");
            """)),

        // ----- functions -----
        new("NonStaticLambda", "CMP0006", Define("""
            p.Create<int>("numbers").Map(x => x + 1).Output("out");
            """)),
        new("CapturingLambda", "CMP0006", Define("""
            var offset = 3;
            p.Create<int>("numbers").Map(x => x + offset).Output("out");
            """)),
        new("LambdaVariable", "CMP0007", Define("""
            Func<int, int> f = static x => x + 1;
            p.Create<int>("numbers").Map(f).Output("out");
            """)),
        new("InstanceMethodGroup", "CMP0007", Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Map(new P().AddOne).Output("out");

                int AddOne(int x) => x + 1;
            }
            """),
        new("AsyncLambda", "CMP0012", Define("""
            p.Create<int>("numbers").Map(static async x => await Task.FromResult(x)).Output("out");
            """)),

        // ----- names -----
        new("NonConstantName", "CMP0008", Prelude + """
            [Pipeline]
            public partial class P
            {
                static string s_name = "numbers";

                static void Define(PipelineBuilder p) => p.Create<int>(s_name).Output("out");
            }
            """),
        new("DuplicateOutputNames", "CMP0008", Define("""
            var numbers = p.Create<int>("numbers");
            numbers.Output("out");
            numbers.Map(static x => x + 1).Output("out");
            """)),
        new("DuplicateInputNames", "CMP0008", Define("""
            p.Create<int>("numbers").Output("a");
            p.Create<int>("numbers").Output("b");
            """)),
        new("EmptyName", "CMP0008", Define("""
            p.Create<int>("").Output("out");
            """)),
        new("NameStartingWithADigit", "CMP0008", Define("""
            p.Create<int>("numbers").Output("1st");
            """)),
        new("NameCollidingWithAGeneratedMember", "CMP0008", Define("""
            var numbers = p.Create<int>("numbers");
            numbers.Output("counts");
            numbers.Output("countsElements");
            """)),

        // ----- partitions -----
        new("PartitionWithNonConstantCount", "CMP0010", Prelude + """
            [Pipeline]
            public partial class P
            {
                static int s_count = 2;

                static void Define(PipelineBuilder p) => p.Create<int>("numbers").Partition(s_count, static (x, n) => x % n)[0].Output("out");
            }
            """),
        new("PartitionIntoZero", "CMP0010", Define("""
            p.Create<int>("numbers").Partition(0, static (x, n) => 0)[0].Output("out");
            """)),
        new("PartitionIntoIntMaxValue", "CMP0010", Define("""
            p.Create<int>("numbers").Partition(int.MaxValue, static (x, n) => 0)[0].Output("out");
            """)),
        new("CharAsADuration", "CMP0005", Define("""
            p.Create<int>("numbers").WithTimestamps(static x => new Instant(x)).Window(Windows.Fixed(TimeSpan.FromSeconds('a'))).Count().Output("out");
            """)),
        new("PartitionIndexOutOfRange", "CMP0014", Define("""
            p.Create<int>("numbers").Partition(2, static (x, n) => x % n)[5].Output("out");
            """)),
        new("PartitionDeconstructionCountMismatch", "CMP0005", Define("""
            var (a, b) = p.Create<int>("numbers").Partition(3, static (x, n) => x % n);
            a.Output("a");
            """)),
        new("ParDoDeconstructionCountMismatch", "CMP0005", Define("""
            var (ok, bad, extra) = p.Create<int>("numbers").ParDo<int, string>(static (x, main, errors) => main.Emit(x));
            ok.Output("ok");
            """)),

        // ----- combine functions -----
        new("CombineFnFromALocal", "CMP0009", Define("""
            var fn = Combiners.Sum<int>();
            p.Create<int>("numbers").CombineGlobally(fn).Output("out");
            """)),
        new("CombineFnTypedAsTheInterface", "CMP0009", Prelude + """
            [Pipeline]
            public partial class P
            {
                static void Define(PipelineBuilder p) => p.Create<int>("numbers").CombineGlobally(MakeFn()).Output("out");

                static ICombineFn<int, long, long> MakeFn() => new SumFn();
            }

            public struct SumFn : ICombineFn<int, long, long>
            {
                public readonly long CreateAccumulator() => 0;

                public readonly void AddInput(ref long accumulator, int input) => accumulator += input;

                public readonly void MergeAccumulators(ref long accumulator, long other) => accumulator += other;

                public readonly long ExtractOutput(long accumulator) => accumulator;
            }
            """),
    };

    public static TheoryData<string> AllCases => new(Cases.Select(c => c.Name));

    public static TheoryData<string> SpecificCases => new(Cases.Where(c => c.ExpectedId != CompilerOwned).Select(c => c.Name));

    [Fact]
    public void TheCorpusIsLargeEnough()
    {
        Assert.True(Cases.Length >= 35, $"only {Cases.Length} cases");
        Assert.Equal(Cases.Length, Cases.Select(c => c.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void GeneratorNeverFails(string name)
    {
        var @case = Find(name);
        var run = GeneratorHarness.Run(@case.Sources);

        Assert.True(run.Exceptions.Count == 0, "generator threw: " + string.Join("\n", run.Exceptions));
        var all = run.GeneratorDiagnostics.Concat(run.DriverDiagnostics).ToList();
        Assert.DoesNotContain(all, d => d.Id == "CS8785");
        Assert.DoesNotContain(all, d => d.Id == "CMP0099");

        var ids = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("CMP", StringComparison.Ordinal)).Select(d => d.Id).Distinct().ToList();
        if (@case.ExpectedId == CompilerOwned)
        {
            Assert.True(ids.All(id => id == "CMP0003"), $"expected CMP0003 or no CMP diagnostic, got: {Describe(run.GeneratorDiagnostics)}");
        }
        else
        {
            Assert.True(ids.Contains(@case.ExpectedId), $"expected {@case.ExpectedId}, got: {Describe(run.GeneratorDiagnostics)}");
        }
    }

    [Theory]
    [MemberData(nameof(SpecificCases))]
    public void DiagnosticsPointIntoTheSource(string name)
    {
        var @case = Find(name);
        var run = GeneratorHarness.Run(@case.Sources);
        var text = run.Output.SyntaxTrees.First().GetText();
        var path = run.Output.SyntaxTrees.First().FilePath;

        var diagnostics = run.GeneratorDiagnostics.Where(d => d.Id == @case.ExpectedId).ToList();
        Assert.NotEmpty(diagnostics);
        foreach (var diagnostic in diagnostics)
        {
            var location = diagnostic.Location;
            Assert.True(location != Location.None && location.Kind != LocationKind.None, $"{diagnostic.Id} has no location: {diagnostic}");
            var lineSpan = location.GetLineSpan();
            Assert.Equal(path, lineSpan.Path);
            Assert.True(location.SourceSpan.End <= text.Length, $"{diagnostic.Id} span {location.SourceSpan} is past the end of the source ({text.Length})");
            Assert.True(location.SourceSpan.Length > 0, $"{diagnostic.Id} has an empty span");
            Assert.Equal(text.Lines.GetLinePositionSpan(location.SourceSpan), lineSpan.Span);
        }
    }

    [Fact]
    public void SpecificDiagnosticsAreNotReportedTwiceAtTheSameLocation()
    {
        foreach (var @case in Cases.Where(c => c.ExpectedId != CompilerOwned))
        {
            var run = GeneratorHarness.Run(@case.Sources);
            var duplicates = run.GeneratorDiagnostics
                .GroupBy(d => (d.Id, d.Location.SourceSpan, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)))
                .Where(g => g.Count() > 1)
                .ToList();
            Assert.True(duplicates.Count == 0, $"{@case.Name}: duplicate diagnostics {Describe(duplicates.SelectMany(g => g))}");
        }
    }

    [Fact]
    public void ADeclarationWithAnError_GetsOnlyTheRunnersThrowingSurface_WhichCompiles()
    {
        foreach (var @case in Cases.Where(c => c.ExpectedId != CompilerOwned))
        {
            var run = GeneratorHarness.Run(@case.Sources);
            Assert.True(run.Sources.All(s => s.Text.Contains("cannot be generated", StringComparison.Ordinal)), $"{@case.Name}: generated a runner despite {@case.ExpectedId}");
            var errors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && IsGenerated(d)).ToList();
            Assert.True(errors.Count == 0, $"{@case.Name}: {Describe(errors)}");
        }
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void ACompilerErrorInDefine_IsNotRepeatedAsCmp0003(string name)
    {
        var @case = Find(name);
        if (@case.ExpectedId != CompilerOwned)
        {
            return;
        }

        var run = GeneratorHarness.Run(@case.Sources);
        Assert.True(run.GeneratorDiagnostics.All(d => d.Id != "CMP0003"), Describe(run.GeneratorDiagnostics));

        // The generated surface adds no error of its own: every error is in the user's files.
        var errors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.True(errors.All(d => !IsGenerated(d)), Describe(errors));
    }

    [Fact]
    public void ParDoDeconstructionMismatchIsNotDescribedAsAPartition()
    {
        var run = GeneratorHarness.Run(Find("ParDoDeconstructionCountMismatch").Sources);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "CMP0005");
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(!message.Contains("Partition", StringComparison.Ordinal), "the ParDo result is described as a Partition: " + message);
    }

    private static bool IsGenerated(Diagnostic diagnostic) =>
        diagnostic.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true;

    private static Case Find(string name) => Cases.Single(c => c.Name == name);

    private static string Define(string body)
    {
        var indented = string.Join("\n", body.Replace("\r\n", "\n").Split('\n').Select(l => l.Length == 0 ? l : "        " + l));
        return Prelude + "[Pipeline]\npublic partial class P\n{\n    static void Define(PipelineBuilder p)\n    {\n" + indented + "\n    }\n}\n";
    }

    private static string Describe(IEnumerable<Diagnostic> diagnostics)
    {
        var list = diagnostics.Select(d => d.ToString()).ToList();
        return list.Count == 0 ? "(none)" : string.Join("\n", list);
    }

    private sealed record Case(string Name, string ExpectedId, params string[] Sources);
}
