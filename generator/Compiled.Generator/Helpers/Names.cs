using System;
using System.Collections.Generic;
using System.Text;

namespace Compiled.Generator.Helpers;

/// <summary>Turns declared input/output names into C# identifiers.</summary>
internal static class Names
{
    /// <summary>Identifiers that generated members already use.</summary>
    public static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "Finish", "Runner", "Results", "Run", "CreateRunner", "PlanDescription", "PlanMermaid", "Equals", "GetHashCode", "ToString", "GetType", "IsFinished",
    };

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
}
