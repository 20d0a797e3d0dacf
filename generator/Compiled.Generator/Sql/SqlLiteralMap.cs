using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Compiled.Generator.Sql;

/// <summary>
/// Where each character of a string literal's value is in the source: a query's diagnostics point inside the string, at
/// the characters they are about, for regular strings (escapes such as <c>\t</c> and <c>\u0041</c> included), verbatim
/// strings (<c>""</c>) and raw string literals (single- and multi-line, indentation removed). For a query that is not a
/// literal (a constant defined elsewhere), every position is the whole argument.
/// </summary>
internal sealed class SqlLiteralMap
{
    private readonly SyntaxTree _tree;
    private readonly int[]? _positions; // source position of each value character, then the end of the value
    private readonly TextSpan _whole;

    private SqlLiteralMap(SyntaxTree tree, int[]? positions, TextSpan whole)
    {
        _tree = tree;
        _positions = positions;
        _whole = whole;
    }

    /// <summary>The map of <paramref name="expression"/>, whose constant value is <paramref name="value"/>.</summary>
    public static SqlLiteralMap For(SyntaxNode expression, string value)
    {
        int[]? positions = null;
        if (expression is Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax literal)
        {
            var token = literal.Token;
            positions = token.Kind() switch
            {
                SyntaxKind.StringLiteralToken => token.Text.StartsWith("@", StringComparison.Ordinal) ? Verbatim(token) : Regular(token),
                SyntaxKind.SingleLineRawStringLiteralToken => SingleLineRaw(token),
                SyntaxKind.MultiLineRawStringLiteralToken => MultiLineRaw(token),
                _ => null,
            };

            if (positions is not null && positions.Length != value.Length + 1)
            {
                positions = null; // a form this map does not follow: point at the whole literal rather than at a wrong place
            }
        }

        return new SqlLiteralMap(expression.SyntaxTree, positions, expression.Span);
    }

    /// <summary>The source location of <paramref name="span"/> of the value.</summary>
    public Location Locate(SqlSpan span)
    {
        if (_positions is null)
        {
            return Location.Create(_tree, _whole);
        }

        var start = _positions[Math.Min(span.Start, _positions.Length - 1)];
        var end = _positions[Math.Min(span.End, _positions.Length - 1)];
        if (span.Length > 0)
        {
            // The end of the last character: the start of the next one, or the end of its escape when the next one is
            // on another line (raw strings) or is the closing quote.
            end = Math.Max(end, _positions[Math.Min(span.End - 1, _positions.Length - 1)] + 1);
        }

        return Location.Create(_tree, TextSpan.FromBounds(start, Math.Max(start, end)));
    }

    private static int[] Regular(SyntaxToken token)
    {
        var text = token.Text;
        var at = token.SpanStart;
        var positions = new List<int>();
        var i = 1; // after the opening quote
        while (i < text.Length - 1)
        {
            if (text[i] != '\\')
            {
                positions.Add(at + i);
                i++;
                continue;
            }

            var start = i;
            var kind = i + 1 < text.Length ? text[i + 1] : '\0';
            i += 2;
            if (kind is 'x')
            {
                var digits = 0;
                while (digits < 4 && i < text.Length - 1 && Uri.IsHexDigit(text[i]))
                {
                    i++;
                    digits++;
                }

                positions.Add(at + start);
            }
            else if (kind is 'u')
            {
                i += 4;
                positions.Add(at + start);
            }
            else if (kind is 'U')
            {
                var code = Convert.ToInt32(text.Substring(start + 2, 8), 16);
                i += 8;
                positions.Add(at + start);
                if (code > 0xFFFF)
                {
                    positions.Add(at + start); // a surrogate pair: both halves come from the one escape
                }
            }
            else
            {
                positions.Add(at + start);
            }
        }

        positions.Add(at + text.Length - 1); // the end: the closing quote
        return positions.ToArray();
    }

    private static int[] Verbatim(SyntaxToken token)
    {
        var text = token.Text;
        var at = token.SpanStart;
        var positions = new List<int>();
        var i = 2; // after @"
        while (i < text.Length - 1)
        {
            positions.Add(at + i);
            i += text[i] == '"' ? 2 : 1;
        }

        positions.Add(at + text.Length - 1);
        return positions.ToArray();
    }

    private static int[] SingleLineRaw(SyntaxToken token)
    {
        var text = token.Text;
        var quotes = 0;
        while (quotes < text.Length && text[quotes] == '"')
        {
            quotes++;
        }

        var positions = new List<int>();
        for (var i = quotes; i < text.Length - quotes; i++)
        {
            positions.Add(token.SpanStart + i);
        }

        positions.Add(token.SpanStart + text.Length - quotes);
        return positions.ToArray();
    }

    private static int[] MultiLineRaw(SyntaxToken token)
    {
        var text = token.Text;
        var at = token.SpanStart;

        // Lines with their start offsets; the first holds the opening quotes, the last the indentation and the closing quotes.
        var lines = new List<(int Start, int Length)>();
        var lineStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                var end = i > 0 && text[i] == '\n' && text[i - 1] == '\r' ? i - 1 : i;
                lines.Add((lineStart, end - lineStart));
                lineStart = i + 1;
            }
        }

        lines.Add((lineStart, text.Length - lineStart));
        var last = lines[lines.Count - 1];
        var indentation = 0;
        while (indentation < last.Length && (text[last.Start + indentation] == ' ' || text[last.Start + indentation] == '\t'))
        {
            indentation++;
        }

        var positions = new List<int>();
        for (var n = 1; n < lines.Count - 1; n++)
        {
            var (start, length) = lines[n];
            if (n > 1)
            {
                // The line break before this line is part of the value, at the end of the line before.
                var previous = lines[n - 1];
                var breakAt = previous.Start + previous.Length;
                var breakLength = start - breakAt;
                for (var k = 0; k < breakLength; k++)
                {
                    positions.Add(at + breakAt + k);
                }
            }

            var skip = Math.Min(indentation, length);
            for (var k = skip; k < length; k++)
            {
                positions.Add(at + start + k);
            }
        }

        var beforeClosing = lines[lines.Count - 2];
        positions.Add(at + beforeClosing.Start + beforeClosing.Length);
        return positions.ToArray();
    }
}
