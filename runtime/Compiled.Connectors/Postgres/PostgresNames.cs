using System;

namespace Compiled.Connectors.Postgres;

/// <summary>Checks the names the connectors put into SQL.</summary>
internal static class PostgresNames
{
    /// <summary>A lower-case identifier (letters, digits and '_', not starting with a digit, at most 48 characters), as it is.</summary>
    public static string Identifier(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        if (name.Length > 48 || char.IsAsciiDigit(name[0]))
        {
            throw new ArgumentException("'" + name + "' is not a table name this store accepts: at most 48 characters, not starting with a digit.", parameter);
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                throw new ArgumentException("'" + name + "' is not a table name this store accepts: lower-case letters, digits and '_' only.", parameter);
            }
        }

        return name;
    }
}
