using System.Collections.Generic;

namespace Compiled.Generator.Sql;

internal enum SqlTokenKind
{
    /// <summary>A word: a keyword or a name (<see cref="SqlToken.Text"/> as written).</summary>
    Word,

    /// <summary>A name in double quotes (<see cref="SqlToken.Text"/> without them; <c>""</c> as one quote): never a keyword.</summary>
    QuotedName,

    Integer,
    Decimal,

    /// <summary>A string in single quotes (<see cref="SqlToken.Text"/> is its value).</summary>
    String,

    /// <summary>An operator or punctuation: <c>( ) , . * + - / % = &lt;&gt; != &lt; &lt;= &gt; &gt;= ||</c>.</summary>
    Symbol,

    End,
}

/// <summary>A token of a query, at its place in the text.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, string Text, SqlSpan Span)
{
    /// <summary>Whether this is the keyword <paramref name="keyword"/> (upper case), in any case.</summary>
    public bool Is(string keyword) => Kind == SqlTokenKind.Word && string.Equals(Text, keyword, System.StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && Text == symbol;

    /// <summary>How a message names the token.</summary>
    public string Describe() => Kind switch
    {
        SqlTokenKind.End => "the end of the query",
        SqlTokenKind.String => "the string '" + Text + "'",
        SqlTokenKind.QuotedName => "\"" + Text + "\"",
        _ => "'" + Text + "'",
    };
}

/// <summary>
/// Splits a query into tokens: words (keywords and names, case-insensitive), double-quoted names, numbers,
/// single-quoted strings, operators; <c>--</c> comments to the end of the line and <c>/* */</c> comments are skipped.
/// A character that starts no token, an unterminated string, name or comment, or a malformed number is an error at its
/// place.
/// </summary>
internal static class SqlLexer
{
    public static (List<SqlToken> Tokens, SqlDiagnostic? Error) Tokenize(string text)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (true)
        {
            while (i < text.Length)
            {
                if (char.IsWhiteSpace(text[i]))
                {
                    i++;
                }
                else if (text[i] == '-' && i + 1 < text.Length && text[i + 1] == '-')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                }
                else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
                {
                    var close = text.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                    if (close < 0)
                    {
                        return (tokens, new SqlDiagnostic("This comment is not closed: '*/' is missing", new SqlSpan(i, 2)));
                    }

                    i = close + 2;
                }
                else
                {
                    break;
                }
            }

            if (i == text.Length)
            {
                tokens.Add(new SqlToken(SqlTokenKind.End, string.Empty, new SqlSpan(text.Length, 0)));
                return (tokens, null);
            }

            var start = i;
            var c = text[i];
            if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, text.Substring(start, i - start), new SqlSpan(start, i - start)));
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                var kind = SqlTokenKind.Integer;
                while (i < text.Length && char.IsDigit(text[i]))
                {
                    i++;
                }

                if (i < text.Length && text[i] == '.')
                {
                    kind = SqlTokenKind.Decimal;
                    i++;
                    while (i < text.Length && char.IsDigit(text[i]))
                    {
                        i++;
                    }
                }

                if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
                {
                    kind = SqlTokenKind.Decimal;
                    i++;
                    if (i < text.Length && (text[i] == '+' || text[i] == '-'))
                    {
                        i++;
                    }

                    if (i == text.Length || !char.IsDigit(text[i]))
                    {
                        return (tokens, new SqlDiagnostic("This number's exponent has no digits", new SqlSpan(start, i - start)));
                    }

                    while (i < text.Length && char.IsDigit(text[i]))
                    {
                        i++;
                    }
                }

                if (i < text.Length && (char.IsLetter(text[i]) || text[i] == '_'))
                {
                    var end = i;
                    while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
                    {
                        end++;
                    }

                    return (tokens, new SqlDiagnostic("A name cannot start with a digit: '" + text.Substring(start, end - start) + "' (quote it as \"" + text.Substring(start, end - start) + "\")", new SqlSpan(start, end - start)));
                }

                tokens.Add(new SqlToken(kind, text.Substring(start, i - start), new SqlSpan(start, i - start)));
            }
            else if (c == '\'' || c == '"')
            {
                var value = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i == text.Length)
                    {
                        return (tokens, new SqlDiagnostic(
                            c == '\'' ? "This string is not closed: a closing ' is missing" : "This quoted name is not closed: a closing \" is missing",
                            new SqlSpan(start, 1)));
                    }

                    if (text[i] == c)
                    {
                        if (i + 1 < text.Length && text[i + 1] == c)
                        {
                            value.Append(c); // a doubled quote stands for one
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    value.Append(text[i++]);
                }

                if (c == '"' && value.Length == 0)
                {
                    return (tokens, new SqlDiagnostic("A quoted name cannot be empty", new SqlSpan(start, i - start)));
                }

                tokens.Add(new SqlToken(c == '\'' ? SqlTokenKind.String : SqlTokenKind.QuotedName, value.ToString(), new SqlSpan(start, i - start)));
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : null;
                if (two is "<>" or "!=" or "<=" or ">=" or "||")
                {
                    tokens.Add(new SqlToken(SqlTokenKind.Symbol, two, new SqlSpan(i, 2)));
                    i += 2;
                }
                else if ("(),.*+-/%=<>".IndexOf(c) >= 0)
                {
                    tokens.Add(new SqlToken(SqlTokenKind.Symbol, c.ToString(), new SqlSpan(i, 1)));
                    i++;
                }
                else
                {
                    return (tokens, new SqlDiagnostic(
                        c == ';' ? "A query is one statement: remove the ';'" : "'" + c + "' is not part of the SQL this generator reads",
                        new SqlSpan(i, 1)));
                }
            }
        }
    }
}
