using System;
using System.Collections.Generic;
using System.Text;

namespace Compiled.Generator.Helpers;

/// <summary>Turns declared input/output names into C# identifiers.</summary>
internal static class Names
{
    /// <summary>
    /// Members the generated runner declares (or inherits) itself: an output whose accessor would have one of these
    /// names gets "Output" appended instead (output "watermark" is <c>runner.WatermarkOutput</c>).
    /// </summary>
    public static readonly HashSet<string> RunnerMembers = new(StringComparer.Ordinal)
    {
        "Runner", "Watermark", "DroppedLateElements", "IsFinished", "Finish", "AdvanceWatermark", "AdvanceProcessingTime", "TimeProvider", "SideInputBufferLimit",
        "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>Members the generated Results class declares (or inherits) itself.</summary>
    public static readonly HashSet<string> ResultsMembers = new(StringComparer.Ordinal)
    {
        "Results", "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>The methods the runner declares for an input (Pascal-cased name).</summary>
    public static IEnumerable<string> InputMembers(string input)
    {
        yield return "Push" + input;
        yield return "Push" + input + "Async";
        yield return "Read" + input;
        yield return "Read" + input + "Async";
        yield return "Advance" + input + "Watermark";
    }

    /// <summary>
    /// The runner's accessor of an output's sink: its Pascal name, or that name + "Output" where the runner already has a
    /// member of that name, or where the name starts with an underscore (the runner's private members do).
    /// </summary>
    /// <param name="output">The output's Pascal name.</param>
    /// <param name="inputs">The Pascal names of the pipeline's inputs.</param>
    /// <returns>The accessor's name.</returns>
    public static string OutputAccessor(string output, IEnumerable<string> inputs)
    {
        foreach (var input in inputs)
        {
            foreach (var member in InputMembers(input))
            {
                if (member == output)
                {
                    return output + "Output";
                }
            }
        }

        return output.StartsWith("_", StringComparison.Ordinal) || RunnerMembers.Contains(output) ? output + "Output" : output;
    }

    /// <summary>The Results property of an output: its Pascal name, or that name + "Output" where Results already has a member of that name.</summary>
    /// <param name="output">The output's Pascal name.</param>
    /// <returns>The property's name (the windowed elements are that name + "Elements").</returns>
    public static string ResultsProperty(string output) => ResultsMembers.Contains(output) ? output + "Output" : output;

    /// <summary>
    /// The members the generator adds to the pipeline class itself: the class cannot have one of these names
    /// (a member cannot be named like its enclosing type, CS0542).
    /// </summary>
    public static readonly HashSet<string> ClassMembers = new(StringComparer.Ordinal)
    {
        "Runner", "Results", "Run", "CreateRunner", "PlanDescription", "PlanMermaid", "ParallelRunner",
    };

    /// <summary>
    /// A declared name as it appears in a transform's label, which the generated code puts in comments and in
    /// string literals: characters that would end a comment line or a string literal, or that mean something in XML
    /// documentation, are written as \uXXXX escapes (a line feed as \u000A, a quote as \u0022). Inside a string
    /// literal such an escape is the character again; in a comment it is plain text.
    /// </summary>
    public static string ForLabel(string name)
    {
        StringBuilder? builder = null;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var pairedSurrogate = char.IsHighSurrogate(c) ? i + 1 < name.Length && char.IsLowSurrogate(name[i + 1])
                : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(name[i - 1]);
            var escape = char.IsControl(c) || c is '"' or '\\' or '<' or '>' or '&' or '\u2028' or '\u2029' ||
                         (char.IsSurrogate(c) && !pairedSurrogate);
            if (escape)
            {
                builder ??= new StringBuilder(name, 0, i, name.Length + 16);
                builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? name;
    }

    /// <summary>"team scores", "team-scores", "teamScores" → "TeamScores".</summary>
    public static string ToPascal(string name)
    {
        var builder = new StringBuilder(name.Length);
        var upper = true;
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                if (builder.Length == 0 && char.IsDigit(c))
                {
                    return string.Empty;
                }

                builder.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        return builder.ToString();
    }

    /// <summary>"TeamScores" → "teamScores".</summary>
    public static string ToCamel(string name)
    {
        var pascal = ToPascal(name);
        return pascal.Length == 0 ? pascal : char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
    }

    /// <summary>
    /// The parameter an input (of Run) or output (of CreateRunner and CreateParallelRunner) becomes: its camel-case name,
    /// with "Port" added when that is a parameter the same methods already take for themselves ('options' of
    /// CreateParallelRunner, 'parallelism' and 'maxParallelism' of the parallel Run), so that every legal name compiles
    /// and those parameters keep their names.
    /// </summary>
    public static string ParameterName(string name)
    {
        var camel = ToCamel(name);
        return camel is "options" or "parallelism" or "maxParallelism" ? camel + "Port" : camel;
    }
}
