using System;
using System.Linq;
using System.Text;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Compiled.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator.Benchmarks;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

/// <summary>
/// The speed of the generator itself on a compilation of 200 pipelines: a cold run (every pipeline parsed,
/// planned and emitted) and the incremental run after an edit elsewhere (everything cached), the case an
/// IDE hits on every keystroke.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int Pipelines = 200;
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    [GlobalSetup]
    public void Setup()
    {
        var trees = Enumerable.Range(0, Pipelines).Select(i => CSharpSyntaxTree.ParseText(Source(i), ParseOptions, path: $"/src/P{i}.cs")).ToList();
        var references = Net100.References.All.Cast<MetadataReference>().Append(MetadataReference.CreateFromFile(typeof(PipelineBuilder).Assembly.Location));
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _edited = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other { public class Unrelated { public int X; } }", ParseOptions, path: "/src/Unrelated.cs"));
        _warm = NewDriver().RunGenerators(_compilation);
        var result = _warm.GetRunResult();
        if (result.GeneratedTrees.Length != Pipelines || result.Diagnostics.Length != 0)
        {
            throw new InvalidOperationException($"expected {Pipelines} generated files and no diagnostics, got {result.GeneratedTrees.Length} and {string.Join("; ", result.Diagnostics)}");
        }
    }

    private static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create(new[] { new PipelineGenerator().AsSourceGenerator() }, parseOptions: ParseOptions);

    [Benchmark(Baseline = true)]
    public GeneratorDriver Cold() => NewDriver().RunGenerators(_compilation);

    [Benchmark]
    public GeneratorDriver IncrementalAfterUnrelatedEdit() => _warm.RunGenerators(_edited);

    private static string Source(int i)
    {
        var s = new StringBuilder();
        s.Append("using System;\nusing Compiled;\nnamespace Bench;\n[Pipeline]\npublic partial class P").Append(i).Append("\n{\n    static void Define(PipelineBuilder p)\n    {\n");
        s.Append("        var words = p.ReadLines(\"lines\").FlatMap<string>(static (line, output) => { foreach (var w in line.Split(' ')) output.Emit(w); }).Filter(static w => w.Length > ").Append(i % 5).Append(");\n");
        s.Append("        words.CountPerElement().Output(\"counts\");\n");
        s.Append("        var keyed = p.Create<int>(\"numbers\").Map(static x => x * ").Append(i + 1).Append(").WithKeys(static x => x % 10);\n");
        s.Append("        keyed.CombinePerKey(Combiners.Sum<int>()).Output(\"sums\");\n");
        s.Append("        keyed.GroupByKey().Map(static kv => kv.Value.Count).Output(\"sizes\");\n");
        s.Append("    }\n}\n");
        return s.ToString();
    }
}
