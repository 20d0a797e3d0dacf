using System;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator.Tests.Fuzzing;

/// <summary>What the mutations draw from: names that collide with generated members or break text, edge numbers.</summary>
internal static class Pools
{
    /// <summary>
    /// Input/output names: empty and blank, members the generated runner already has (in any case), keywords,
    /// line breaks, quotes, backslashes, XML characters, non-ASCII letters, surrogate pairs, very long names.
    /// </summary>
    public static readonly string[] Names =
    {
        string.Empty, " ", "   ", "\t", "_", "__", "_a", "a_", "1st", "a b", "a-b", "a.b", "a/b",
        "watermark", "Watermark", "finished", "Finished", "isFinished", "IsFinished", "finish", "Finish",
        "run", "Run", "runner", "Runner", "results", "Results", "createRunner", "planDescription", "PlanMermaid",
        "equals", "getHashCode", "toString", "getType", "metrics", "Metrics", "dispose", "Dispose", "clock",
        "advanceWatermark", "processingTime", "pending", "state", "input", "output", "emit", "batch", "panes",
        "pushNumbers", "readLines", "onWords", "counts", "countsElements", "elements", "Elements", "late",
        "class", "event", "int", "string", "null", "default", "value", "var", "record", "global", "this",
        "a\nb", "a\r\nb", "a\rb", "line\u2028break", "next\u0085line", "quote\"d", "it's", "back\\slash", "tab\tname",
        "<b>&amp;", "*/", "/*", "//", "#if", "{0}", "\u00dcn\u00efc\u00f6d\u00e9", "\u6570\u636e", "\u0130stanbul",
        "\ud835\udcb3", "emoji\ud83d\ude00", "\u0000nul", "zero\u200bwidth", "\u00e9\u0301", new string('x', 300),
        "events", "words", "scores", "numbers", "lines",
    };

    /// <summary>Numbers for counts, indexes and durations: zero, negative, edges of int and long, fractions, a char.</summary>
    public static readonly string[] Numbers =
    {
        "0", "1", "2", "3", "4", "7", "-1", "-5", "255", "256", "257", "1024", "100000", "int.MaxValue", "int.MinValue",
        "long.MaxValue", "long.MinValue", "0.5", "1.5", "1e-3", "1e300", "-0.0", "'a'", "'\\0'", "(short)2", "2L", "2.5f",
        "0x7FFFFFFF", "1_000_000_000", "9_223_372_036_854_775_807", "double.NaN", "double.PositiveInfinity", "3m",
    };

    /// <summary>Durations in every form the parser reads, edge values, a char, and forms it cannot read at build time.</summary>
    public static readonly string[] Durations =
    {
        "TimeSpan.Zero", "default", "default(TimeSpan)", "new TimeSpan()", "TimeSpan.FromMilliseconds(1)",
        "TimeSpan.FromSeconds(1, milliseconds: 500)", "TimeSpan.FromSeconds(milliseconds: 250, seconds: 0)",
        "TimeSpan.FromMinutes(minutes: 1, seconds: 30)", "TimeSpan.FromHours(1, microseconds: 1000)",
        "TimeSpan.FromDays(days: 0, hours: 1)", "new TimeSpan(0, 0, 5)", "new TimeSpan(seconds: 5, minutes: 0, hours: 0)",
        "new TimeSpan(1, 2, 3, 4, 5)", "new TimeSpan(0, 0, 0, 0, 1, 500)", "new TimeSpan(10_000)", "TimeSpan.FromTicks(1)",
        "TimeSpan.FromMilliseconds(0.5)", "TimeSpan.FromSeconds(-1)", "TimeSpan.FromSeconds('a')", "TimeSpan.FromDays(1e10)",
        "TimeSpan.FromSeconds(double.NaN)", "TimeSpan.FromSeconds(long.MaxValue, long.MaxValue)", "TimeSpan.MaxValue",
        "TimeSpan.MinValue", "-TimeSpan.FromSeconds(1)", "TimeSpan.FromSeconds(1) + TimeSpan.FromSeconds(2)",
        "TimeSpan.FromSeconds(int.MaxValue)", "TimeSpan.FromMicroseconds(1)", "TimeSpan.FromMicroseconds(1000)",
        "TimeSpan.Parse(\"00:00:01\")", "System.Threading.Timeout.InfiniteTimeSpan", "new TimeSpan { }",
    };

    /// <summary>Lambda parameter names, several of them names the generated code uses for its own locals.</summary>
    public static readonly string[] ParameterNames =
    {
        "_", "__", "@class", "@event", "@this", "value", "output", "main", "window", "timestamp", "ts", "state",
        "runner", "element", "item", "x", "arg0", "arg1", "__p0", "__discard0", "w", "v", "kv", "key", "input",
        "emitter", "pane", "side", "i", "n", "result", "args", "var", "async", "await", "dynamic", "record",
        "field", "nameof", "global", "watermark", "count", "span", "index", "buffer", "values", "accumulator",
    };

    /// <summary>Names for the pipeline class: generated member and type names, API type names, keywords.</summary>
    public static readonly string[] ClassNames =
    {
        "_", "Run", "Finish", "Runner", "Results", "CreateRunner", "Watermark", "IsFinished", "PlanDescription",
        "KV", "Instant", "Compiled", "System", "Global", "P", "@class", "Pipeline", "Windows", "Trigger",
        "PCollection", "Combiners", "Define", "Elements", "Program", "Names", "\u00c4\u00d6", "\u6570\u636e",
    };

    /// <summary>Last segments for the mutant's namespace.</summary>
    public static readonly string[] NamespaceSuffixes = { "@event", "@class", "System", "Compiled", "Linq", "_", "Runner", "P" };

    /// <summary>A C# literal for <paramref name="value"/>: usually regular, sometimes verbatim (with real line breaks) or interpolated.</summary>
    public static string StringLiteral(string value, Random random)
    {
        switch (random.Next(8))
        {
            case 0 when !value.Any(char.IsSurrogate) && !value.Contains('\0', StringComparison.Ordinal):
                return "@\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            case 1:
                return "$" + SymbolDisplay.FormatLiteral(value, quote: true).Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
            default:
                return SymbolDisplay.FormatLiteral(value, quote: true);
        }
    }

    /// <summary>A value as a readable, single-line literal (for mutation descriptions).</summary>
    public static string Show(string value) => SymbolDisplay.FormatLiteral(value.Length > 40 ? value.Substring(0, 37) + "..." : value, quote: true);
}
