using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Generator.Tests.Fuzzing;

/// <summary>
/// Mutates the pipeline declarations of the samples and of the runtime tests a few thousand times (names, numbers,
/// argument order and names, the static form of extension calls, dropped and duplicated calls and statements,
/// lambda parameter and class names) and runs the generator over each mutant, the way a build does. It checks:
/// the generator never fails (no exception, no CMP0099); and when it reports no error on a declaration that
/// compiles, the code it generates compiles with no error and no warning (users build with warnings as errors).
/// <para>
/// Deterministic: a fixed seed, changed with COMPILED_FUZZ_SEED; COMPILED_FUZZ_MUTANTS sets the number of mutants and
/// COMPILED_FUZZ_ONLY=i checks only mutant i of the run (to reproduce a failure, which prints both).
/// </para>
/// </summary>
public sealed class DeclarationFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20251202;
    private const int DefaultMutants = 2000;
    private const int BatchSize = 50;

    /// <summary>What users compile with: nullable enabled and the SDK's warning level for net10.0.</summary>
    private static readonly CSharpCompilationOptions Options = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        warningLevel: 10);

    [Fact]
    public void GeneratorNeverFailsAndWhatItGeneratesCompilesCleanly()
    {
        var seed = Setting("COMPILED_FUZZ_SEED", DefaultSeed);
        var count = Setting("COMPILED_FUZZ_MUTANTS", DefaultMutants);
        var only = Setting("COMPILED_FUZZ_ONLY", -1);
        var clock = Stopwatch.StartNew();

        var corpus = SeedCorpus.Load(Options);
        var random = new Random(seed);
        var mutants = new List<Mutant>(count);
        for (var i = 0; i < count; i++)
        {
            mutants.Add(Mutator.Create(i, Seed.Pick(random, corpus.Seeds), random));
        }

        if (only >= 0)
        {
            mutants = mutants.Where(m => m.Index == only).ToList();
        }

        var state = new RunState();
        // Every batch adds its mutants to one compilation of the support types, so that the referenced assemblies are
        // read once (a compilation derived with AddSyntaxTrees shares its parent's reference manager and symbols).
        var support = CSharpCompilation.Create("Fuzz", corpus.SupportTrees, GeneratorHarness.References, Options);
        SeedOutputs(corpus, support, state);
        var batches = mutants.Chunk(BatchSize).ToList();
        System.Threading.Tasks.Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, batch =>
            Check(batch, support, state));

        var all = state.Findings.OrderBy(f => f.Mutant.Index).ToList();
        var failures = all;
        var rejected = state.Stats.Where(s => s.Key.StartsWith("rejected:", StringComparison.Ordinal)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        output.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "{0} mutants of {1} seeds (COMPILED_FUZZ_SEED={2}) in {3:0.0} s: {4} generated code that compiles cleanly ({5} the same as another's), " +
            "{6} rejected by the generator ({7}), {8} not valid C#; {10} written another way generated the seed's code; {9} failures",
            mutants.Count, corpus.Seeds.Length, seed, clock.Elapsed.TotalSeconds, state["generated"] + state["same output"], state["same output"],
            rejected.Sum(r => r.Value), string.Join(", ", rejected.Select(r => r.Key.Substring(9) + " " + r.Value)), state["invalid"], failures.Count, state["same meaning"]));
        output.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "time in the generator {0:0.0} s, compiling generated code {1:0.0} s (summed over {2} threads); process CPU time {3:0.0} s",
            state["ms:generator"] / 1000.0, state["ms:compile"] / 1000.0, Environment.ProcessorCount, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds));
        if (failures.Count > 0)
        {
            Assert.Fail(Report(failures, seed, count));
        }
    }

    /// <summary>
    /// Generated code without what differs between equivalent mutants: their namespace, file, line numbers (in labels,
    /// #line directives, and the line argument of a failure check) and #line directives.
    /// </summary>
    private static string Normalize(string generated, string marker) =>
        System.Text.RegularExpressions.Regex.Replace(
            generated.Replace(marker, "FuzzN", StringComparison.Ordinal),
            @"\(line \d+\)|line \d+\)|^\s*#line .*$|""/(seed|fuzz)/[^""]*""|, \d+\),$|(?<=RunnerFailures\.Check\(""[^""]*"", ""[^""]*"", )\d+(?=, )",
            "#",
            System.Text.RegularExpressions.RegexOptions.Multiline);

    private static void Check(Mutant[] batch, CSharpCompilation support, RunState state)
    {
        var trees = batch.Select(m => CSharpSyntaxTree.ParseText(m.Text, GeneratorHarness.ParseOptions, path: m.Path)).ToArray();
        var input = support.AddSyntaxTrees(trees);
        var clock = Stopwatch.StartNew();
        var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var compiled, out var driverDiagnostics);
        state.Count("ms:generator", (int)clock.ElapsedMilliseconds);
        var result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null || driverDiagnostics.Any(d => d.Id == "CS8785"))
        {
            if (batch.Length > 1)
            {
                // One mutant made the generator throw, which loses the whole batch: find it.
                foreach (var mutant in batch)
                {
                    Check(new[] { mutant }, support, state);
                }

                return;
            }

            state.Findings.Add(new Finding(batch[0], "the generator threw", driverDiagnostics.Select(d => d.ToString()).Append(result.Exception?.ToString() ?? string.Empty).ToList()));
            return;
        }

        var outsideMutants = result.Diagnostics.Where(d => !batch.Any(m => m.Path == d.Location.GetLineSpan().Path)).ToList();
        if (outsideMutants.Count > 0)
        {
            state.Findings.Add(new Finding(batch[0], "generator diagnostics outside the mutants (batch of " + batch.Length + " starting here)", outsideMutants.Select(d => d.ToString()).ToList()));
        }

        clock.Restart();
        var generated = result.GeneratedSources.ToDictionary(s => s.SyntaxTree, s => s.HintName);
        for (var i = 0; i < batch.Length; i++)
        {
            var mutant = batch[i];

            // The generator's diagnostics carry copied locations (file path and span), not the tree.
            var cmp = result.Diagnostics.Where(d => d.Location.GetLineSpan().Path == mutant.Path).ToList();
            var sources = generated.Where(g => g.Value.Contains("." + mutant.Marker + ".", StringComparison.Ordinal)).Select(g => g.Key).ToList();
            var (outcome, finding) = Classify(mutant, cmp, sources, () => input.GetSemanticModel(trees[i]), compiled, generated, state);
            state.Count(outcome, 1);
            if (finding is not null)
            {
                state.Findings.Add(finding);
            }
        }

        state.Count("ms:compile", (int)clock.ElapsedMilliseconds);
    }

    /// <summary>The first line of a generated runner surface (the pipeline cannot be generated).</summary>
    private const string SurfaceMarker = "// Only the runner's members are emitted, and each throws";

    /// <summary>What became of one mutant: "rejected:ID", "invalid", "generated", "same output" or "finding" (with the finding).</summary>
    private static (string Outcome, Finding? Finding) Classify(
        Mutant mutant,
        List<Diagnostic> cmp,
        List<SyntaxTree> sources,
        Func<SemanticModel> declaration,
        Compilation compiled,
        Dictionary<SyntaxTree, string> generated,
        RunState state)
    {
        if (cmp.Any(d => d.Id == "CMP0099"))
        {
            return ("finding", new Finding(mutant, "the generator failed internally (CMP0099)", cmp.Select(d => d.ToString()).ToList()));
        }

        // A declaration with errors gets only the runner's surface, whose members throw: it must compile cleanly, and
        // it is not a runner.
        var surfaces = sources.Where(t => t.GetText().ToString().Contains(SurfaceMarker, StringComparison.Ordinal)).ToList();
        var surfaceProblems = surfaces.SelectMany(t => compiled.GetSemanticModel(t).GetDiagnostics()).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (surfaceProblems.Count > 0)
        {
            return ("finding", new Finding(mutant, "the runner's surface of a declaration with errors does not compile cleanly", surfaceProblems.Select(d => Describe(d, generated)).ToList()));
        }

        sources = sources.Except(surfaces).ToList();

        // A mistake that an analyzer of the package reports (CMP1008, CMP1010) is left to it: the generator emits only the
        // surface, whose error names the rule.
        if (cmp.Count == 0 && sources.Count == 0 && surfaces.Count > 0 &&
            System.Text.RegularExpressions.Regex.Match(surfaces[0].GetText().ToString(), @"the analyzers report this as (CMP1\d{3})") is { Success: true } left)
        {
            return ("rejected:" + left.Groups[1].Value + " (analyzer)", null);
        }

        if (cmp.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } error)
        {
            return sources.Count == 0
                ? ("rejected:" + error.Id, null)
                : ("finding", new Finding(mutant, "a runner was generated despite a CMP error", cmp.Select(d => d.ToString()).ToList()));
        }

        // Errors of the declaration itself belong to the compiler, which reports them; the generator may stay silent,
        // and its output then shows the same errors (lambda bodies are copied into it).
        bool DeclarationHasErrors() => declaration().GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
        if (sources.Count == 0)
        {
            return DeclarationHasErrors()
                ? ("invalid", null)
                : ("finding", new Finding(mutant, "the generator neither generated a runner nor reported an error", cmp.Select(d => d.ToString()).ToList()));
        }

        // Many mutants (arguments named or reordered, a statement moved) generate what another one did, but for line
        // numbers and their namespace: code already found clean is not compiled again.
        var key = string.Concat(sources.Select(t => Normalize(t.GetText().ToString(), mutant.Marker)));

        // The same declaration written another way (named, reordered arguments; static extension calls) must
        // generate the same code as the seed.
        if (mutant.SameMeaning)
        {
            state.Count("same meaning", 1);
        }

        if (mutant.SameMeaning && state.SeedOutputs.TryGetValue(mutant.Seed, out var expected) && expected != key)
        {
            return ("finding", new Finding(mutant, "the same declaration written with named or reordered arguments generates other code", new[] { FirstDifference(expected, key) }));
        }
        if (state.CleanOutputs.ContainsKey(key))
        {
            return ("same output", null);
        }

        // Only the mutant's own generated trees are compiled: the semantic model of one tree binds what that tree
        // needs. Generated code comes after the declaration, so a conflict it creates is reported in it.
        var problems = sources.SelectMany(t => compiled.GetSemanticModel(t).GetDiagnostics()).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (problems.Count == 0)
        {
            state.CleanOutputs.TryAdd(key, 0);
            return ("generated", null);
        }

        return DeclarationHasErrors()
            ? ("invalid", null)
            : ("finding", new Finding(mutant, "the generated code does not compile cleanly", problems.Select(d => Describe(d, generated)).ToList()));
    }

    /// <summary>Runs the generator once over the unmutated seeds, for the mutants that must generate the same code.</summary>
    private static void SeedOutputs(SeedCorpus corpus, CSharpCompilation support, RunState state)
    {
        var markers = corpus.Seeds.Select((s, i) => (Seed: s, Marker: "FuzzSeed" + i.ToString(CultureInfo.InvariantCulture))).ToList();
        var trees = markers.Select((m, i) => CSharpSyntaxTree.ParseText(
            string.Format(CultureInfo.InvariantCulture, m.Seed.Header, "Seed" + i.ToString(CultureInfo.InvariantCulture)) + m.Seed.ClassText,
            GeneratorHarness.ParseOptions,
            path: "/seed/" + m.Marker + ".cs"));
        var result = GeneratorHarness.CreateDriver().RunGenerators(support.AddSyntaxTrees(trees)).GetRunResult().Results.Single();
        foreach (var (seed, marker) in markers)
        {
            var sources = result.GeneratedSources.Where(g => g.HintName.Contains("." + marker + ".", StringComparison.Ordinal)).ToList();
            state.SeedOutputs[seed] = string.Concat(sources.Select(g => Normalize(g.SourceText.ToString(), marker)));
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i].Trim() : "<end>";
            var right = i < a.Length ? a[i].Trim() : "<end>";
            if (left != right)
            {
                return "first difference at generated line " + (i + 1) + ": the seed generates `" + left + "`, the mutant `" + right + "`";
            }
        }

        return "no difference";
    }

    private static string Describe(Diagnostic diagnostic, Dictionary<SyntaxTree, string> generated)
    {
        var text = diagnostic.ToString();
        if (diagnostic.Location.SourceTree is { } tree && generated.ContainsKey(tree))
        {
            var line = tree.GetText().Lines[diagnostic.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim();
            text += "\n        generated line: " + line;
        }

        return text;
    }

    private static string Report(List<Finding> failures, int seed, int count)
    {
        var builder = new StringBuilder();
        builder.Append(failures.Count).Append(" of the mutants break the generator or its output (COMPILED_FUZZ_SEED=").Append(seed)
            .Append(" COMPILED_FUZZ_MUTANTS=").Append(count).AppendLine(").");
        builder.AppendLine("By signature:");
        foreach (var group in failures.GroupBy(f => f.Signature).OrderByDescending(g => g.Count()))
        {
            builder.Append("  ").Append(group.Count()).Append(" x ").Append(group.Key).Append(" (e.g. COMPILED_FUZZ_ONLY=").Append(group.First().Mutant.Index).AppendLine(")");
        }

        foreach (var finding in failures.GroupBy(f => f.Signature).Select(g => g.First()).Take(8))
        {
            builder.AppendLine();
            builder.Append("----- mutant #").Append(finding.Mutant.Index).Append(" of ").Append(finding.Mutant.Seed.Name)
                .Append(" (COMPILED_FUZZ_SEED=").Append(seed).Append(" COMPILED_FUZZ_ONLY=").Append(finding.Mutant.Index).AppendLine("): " + finding.Problem);
            builder.AppendLine("mutations: " + string.Join("; ", finding.Mutant.Mutations));
            foreach (var diagnostic in finding.Diagnostics.Take(8))
            {
                builder.AppendLine("  " + diagnostic);
            }

            builder.AppendLine(finding.Mutant.Text);
        }

        return builder.ToString();
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

/// <summary>What the batches of one run share: findings, counters, and the generated code found clean.</summary>
internal sealed class RunState
{
    public ConcurrentBag<Finding> Findings { get; } = new();

    public ConcurrentDictionary<string, int> Stats { get; } = new(StringComparer.Ordinal);

    /// <summary>Generated code found to compile cleanly, normalized: equivalent mutants are compiled once.</summary>
    public ConcurrentDictionary<string, byte> CleanOutputs { get; } = new(StringComparer.Ordinal);

    /// <summary>The normalized generated code of each unmutated seed.</summary>
    public ConcurrentDictionary<Seed, string> SeedOutputs { get; } = new();

    public void Count(string key, int amount) => Stats.AddOrUpdate(key, amount, (_, n) => n + amount);

    public int this[string key] => Stats.GetValueOrDefault(key);
}

/// <summary>A mutant the generator mishandled: what went wrong and the diagnostics that show it.</summary>
internal sealed record Finding(Mutant Mutant, string Problem, IReadOnlyList<string> Diagnostics)
{
    /// <summary>The problem and the diagnostic IDs, to group findings that are likely one bug.</summary>
    public string Signature => Problem + ": " + string.Join(", ", Diagnostics.Select(d => System.Text.RegularExpressions.Regex.Match(d, @"\b(CS|CMP)\d{4}\b").Value).Where(v => v.Length > 0).Distinct().OrderBy(v => v, StringComparer.Ordinal));
}
