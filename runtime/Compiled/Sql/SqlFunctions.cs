using System;
using System.ComponentModel;

namespace Compiled.Sql;

/// <summary>
/// SQL functions that generated code calls where a query's operator has no direct C# form (the generator specializes
/// the common cases at build time: a LIKE pattern that is a prefix, a suffix or a substring becomes StartsWith,
/// EndsWith or Contains).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SqlFunctions
{
    /// <summary>
    /// SQL's <c>value LIKE pattern</c>, as Beam SQL (Calcite) matches it: <c>%</c> matches any run of characters (none
    /// included), <c>_</c> exactly one character, every other character itself (case-sensitive, by UTF-16 code unit);
    /// the whole value must match.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="pattern">The pattern.</param>
    /// <returns>Whether the value matches the pattern.</returns>
    public static bool Like(string value, string pattern)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(pattern);

        // Greedy matching with one backtrack point: the last % seen, and where in the value it started matching. Each
        // % only ever moves its start forward, so the work is at most the value's length times the pattern's.
        int v = 0, p = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '_' || (pattern[p] != '%' && pattern[p] == value[v])))
            {
                v++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '%')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '%')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
