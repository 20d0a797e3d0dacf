using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Compiled.Analyzers.Coders;
using Compiled.Analyzers.Transforms;
using Compiled.Analyzers.Windowing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Compiled.Analyzers.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "--quick")
        {
            Quick();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    /// <summary>
    /// Timed rounds without BenchmarkDotNet, reporting the process's CPU time as well as wall time (CPU time is
    /// much less disturbed by other processes on a shared machine): the baseline, the analyzer set, each analyzer
    /// alone, and do-nothing probes that show what the analyzer driver costs by itself.
    /// </summary>
    private static void Quick()
    {
        var bench = new AnalyzerBenchmarks();
        bench.Setup();
        var none = ImmutableArray<DiagnosticAnalyzer>.Empty;
        Measure("warm-up", () => bench.Run(none));
        Measure("warm-up", () => bench.Run(bench.Analyzers));
        for (var round = 0; round < 3; round++)
        {
            Measure("baseline (generator + binding)", () => bench.Run(none));
            Measure("with all analyzers", () => bench.Run(bench.Analyzers));
        }

        foreach (var probe in new DiagnosticAnalyzer[] { new Probes.EmptyProbe(), new Probes.SyntaxProbe(), new Probes.OperationProbe() })
        {
            Measure("probe " + probe.GetType().Name, () => bench.Run(ImmutableArray.Create(probe)));
        }

        foreach (var analyzer in bench.Analyzers)
        {
            Measure("only " + analyzer.GetType().Name, () => bench.Run(ImmutableArray.Create(analyzer)));
        }
    }

    private static void Measure(string label, Func<Task<int>> run)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        run().GetAwaiter().GetResult();
        var wall = watch.Elapsed;
        process.Refresh();
        Console.WriteLine($"{label,-50} wall {wall.TotalMilliseconds,8:F0} ms   cpu {(process.TotalProcessorTime - cpu).TotalMilliseconds,8:F0} ms");
    }
}

/// <summary>
/// What the analyzers add to a build: a compilation of 200 pipeline declarations, bound and checked (every
/// compiler diagnostic, as a build computes them before emitting) after the generator ran, without and with the
/// whole analyzer set run through <see cref="CompilationWithAnalyzers"/>. Each iteration starts from a fresh
/// clone of the compilation so that no binding is cached between iterations; parsing is shared.
/// </summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    private const int Pipelines = 200;
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private CSharpCompilation _compilation = null!;
    private ImmutableArray<DiagnosticAnalyzer> _analyzers;

    [GlobalSetup]
    public void Setup()
    {
        var trees = Enumerable.Range(0, Pipelines).Select(i => CSharpSyntaxTree.ParseText(Source(i), ParseOptions, path: $"/src/P{i}.cs")).ToList();
        var references = Net100.References.All.Cast<MetadataReference>().Append(MetadataReference.CreateFromFile(typeof(PipelineBuilder).Assembly.Location));
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(
            new FloatingPointKeyAnalyzer(),
            new NonDeterministicKeyAnalyzer(),
            new WindowParameterAnalyzer(),
            new TriggerConfigurationAnalyzer(),
            new PipelineWindowingFlowAnalyzer(),
            new TransformPurityAnalyzer());

        // The declarations are valid: the generator emits every runner, and neither the compiler nor the
        // analyzers report anything, so both benchmarks measure the same clean build.
        var output = Generate(_compilation, out var generated);
        var errors = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        var analyzerDiagnostics = output.WithAnalyzers(_analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        if (generated != Pipelines || errors.Count != 0 || analyzerDiagnostics.Length != 0)
        {
            throw new InvalidOperationException(
                $"expected {Pipelines} generated files and no diagnostics, got {generated}, " +
                string.Join("; ", errors.Concat(analyzerDiagnostics).Take(5)));
        }
    }

    [Benchmark(Baseline = true)]
    public Task<int> CompileWithGenerator() => Run(ImmutableArray<DiagnosticAnalyzer>.Empty);

    /// <summary>The analyzers measured.</summary>
    public ImmutableArray<DiagnosticAnalyzer> Analyzers => _analyzers;

    /// <summary>
    /// The same build with one analyzer that does nothing: the analyzer driver's own cost, which every build of a
    /// .NET SDK project pays already (the SDK enables its code-analysis analyzers by default).
    /// </summary>
    [Benchmark]
    public Task<int> CompileWithGeneratorAndAnalyzerDriverOnly() => Run(ImmutableArray.Create<DiagnosticAnalyzer>(new Probes.EmptyProbe()));

    [Benchmark]
    public Task<int> CompileWithGeneratorAndAnalyzers() => Run(_analyzers);

    /// <summary>Generates, binds and runs <paramref name="analyzers"/> over a fresh clone of the compilation.</summary>
    public async Task<int> Run(ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var output = Generate((CSharpCompilation)_compilation.Clone(), out _);
        if (analyzers.IsEmpty)
        {
            return output.GetDiagnostics().Length;
        }

        var withAnalyzers = output.WithAnalyzers(
            analyzers,
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false));
        var all = await withAnalyzers.GetAllDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
        return all.Length;
    }

    private static Compilation Generate(CSharpCompilation compilation, out int generated)
    {
        var driver = CSharpGeneratorDriver.Create(new[] { new Compiled.Generator.PipelineGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        generated = driver.GetRunResult().GeneratedTrees.Length;
        return output;
    }

    /// <summary>
    /// One pipeline: the generator benchmark's word count and keyed sums, plus an unbounded input in fixed
    /// event-time windows with a record key, merged with a second windowed input, so that every analyzer
    /// (keys, window parameters, strategies, the Define data-flow walk, lambda purity) has work to do.
    /// </summary>
    private static string Source(int i)
    {
        var s = new StringBuilder();
        s.Append("using System;\nusing Compiled;\nnamespace Bench;\n");
        s.Append("public readonly record struct Click").Append(i).Append("(string Page, int User, long TimeMs);\n");
        s.Append("public sealed record PageKey").Append(i).Append("(string Page, int Bucket);\n");
        s.Append("[Pipeline]\npublic partial class P").Append(i).Append("\n{\n    static void Define(PipelineBuilder p)\n    {\n");
        s.Append("        var words = p.ReadLines(\"lines\").FlatMap<string>(static (line, output) => { foreach (var w in line.Split(' ')) output.Emit(w); }).Filter(static w => w.Length > ").Append(i % 5).Append(");\n");
        s.Append("        words.CountPerElement().Output(\"counts\");\n");
        s.Append("        var keyed = p.Create<int>(\"numbers\").Map(static x => x * ").Append(i + 1).Append(").WithKeys(static x => x % 10);\n");
        s.Append("        keyed.CombinePerKey(Combiners.Sum<int>()).Output(\"sums\");\n");
        s.Append("        keyed.GroupByKey().Map(static kv => kv.Value.Count).Output(\"sizes\");\n");
        s.Append("        var clicks = p.Unbounded<Click").Append(i).Append(">(\"clicks\").WithTimestamps(static c => new Instant(c.TimeMs)).Window(Windows.Fixed(TimeSpan.FromSeconds(").Append(10 + i % 50).Append(")));\n");
        s.Append("        var more = p.Unbounded<Click").Append(i).Append(">(\"more\").WithTimestamps(static c => new Instant(c.TimeMs)).Window(Windows.Fixed(TimeSpan.FromSeconds(").Append(10 + i % 50).Append(")));\n");
        s.Append("        var all = p.Flatten(clicks, more);\n");
        s.Append("        all.Map(static c => KV.Of(new PageKey").Append(i).Append("(c.Page, c.User % 16), 1)).CountPerKey().Output(\"perPage\");\n");
        s.Append("        all.Count(withoutDefaults: true).Output(\"total\");\n");
        s.Append("    }\n}\n");
        return s.ToString();
    }
}
