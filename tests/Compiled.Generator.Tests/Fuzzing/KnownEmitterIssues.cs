using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace Compiled.Generator.Tests.Fuzzing;

/// <summary>
/// Failures of the generated code that the fuzz test finds and that belong to the emitter
/// (PipelineGenerator.Emitter*.cs), which is being rewritten separately. Each entry names the problem, gives a
/// minimal declaration, and says which findings it covers: the mutation that causes it, and the diagnostics it
/// produces. A finding whose every diagnostic is covered by an entry that applies to it is printed in the test
/// output but does not fail the test; anything else fails it.
/// Delete each entry when the emitter fixes it, and this file when the list is empty.
/// </summary>
internal static class KnownEmitterIssues
{
    private static readonly Issue[] Issues =
    {
        // p.Create<int>("numbers").Output("watermark");  (also "finished", "processingTime", "advanceWatermark", ...)
        // -> CS0102 'P.Runner<TWatermark>' already contains a definition for '_watermark', CS0229, CS8618.
        new(
            "an input or output name collides with a member of the runner (CS0102)",
            _ => true,
            (f, d) => (Id(d) is "CS0102" or "CS0229" && d.Contains(".Runner<", StringComparison.Ordinal)) ||
                      (Id(d) == "CS8618" && f.Diagnostics.Any(x => Id(x) == "CS0102"))),

        // p.Create<string>("words").CountPerElement().Output("_");
        // -> CS1503 Argument 3: cannot convert from 'out T_' to 'out bool' ('out _' binds to the runner's member '_').
        // [Pipeline] public partial class _ { ... .CountPerElement() ... }  (or a namespace Demo._)
        // -> CS0118 '_' is a type but is used like a variable.
        new(
            "a name, class or namespace '_' turns the generated 'out _' discards into references (CS1503, CS0118)",
            f => f.Mutant.Mutations.Any(m => m.EndsWith("-> \"_\"", StringComparison.Ordinal) || m == "namespace ._") || ClassName(f) == "_",
            (_, d) => Id(d) is "CS1503" or "CS0118" && d.Contains("_", StringComparison.Ordinal)),

        // p.Create<int>("numbers").Output("a\nb");  (also \r, \u2028, \u0085)
        // -> CS1010 Newline in constant, CS1519 ...: the name is written raw into /// <typeparam> and <summary> comments.
        new(
            "a name with a line break ends a generated comment (CS1010, CS1519)",
            f => f.Mutant.Mutations.Any(m => Regex.IsMatch(m, @"^name .* -> "".*\\(n|r|u2028|u2029|u0085)")),
            (_, d) => Id(d) is "CS1001" or "CS1002" or "CS1003" or "CS1010" or "CS1011" or "CS1012" or "CS1519" or "CS1022" or "CS0116" or "CS0246" or "CS0103" or "CS1513" or "CS1514" or "CS8803"),

        // namespace Demo; using System; [Pipeline] public partial class System { ... }  (also a class or namespace
        // segment named Compiled, Linq): the usings are re-emitted inside the namespace block, where 'System' is the class.
        // -> CS0138 A 'using namespace' directive can only be applied to namespaces; 'System' is a type not a namespace.
        new(
            "usings re-emitted inside the namespace bind to a class or namespace named like the imported namespace (CS0138)",
            f => ClassName(f) is "System" or "Compiled" or "Linq" || f.Mutant.Mutations.Any(m => m is "namespace .System" or "namespace .Compiled" or "namespace .Linq"),
            (_, d) => Id(d) is "CS0138" or "CS0426" or "CS0234" or "CS0246" or "CS0103" or "CS1061" or "CS1929" or "CS0119"),
    };

    public static bool Matches(Finding finding) =>
        finding.Problem == "the generated code does not compile cleanly" &&
        finding.Diagnostics.Count > 0 &&
        finding.Diagnostics.All(d => Issues.Any(i => i.AppliesTo(finding) && i.Covers(finding, d)));

    public static string Name(Finding finding) =>
        string.Join(" + ", Issues.Where(i => i.AppliesTo(finding) && finding.Diagnostics.Any(d => i.Covers(finding, d))).Select(i => i.Name));

    private static string Id(string diagnostic) => Regex.Match(diagnostic, @"\b(CS|CMP)\d{4}\b").Value;

    private static string ClassName(Finding finding) =>
        Regex.Match(finding.Mutant.Text, @"partial class (@?\w+)").Groups[1].Value;

    private sealed record Issue(string Name, Func<Finding, bool> AppliesTo, Func<Finding, string, bool> Covers);
}
