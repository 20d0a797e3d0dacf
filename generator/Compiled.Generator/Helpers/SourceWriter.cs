using System;
using System.Globalization;
using System.Text;

namespace Compiled.Generator.Helpers;

/// <summary>A small indented text writer for emitting C# (invariant culture, '\n' line endings).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public int Indent
    {
        get => _indent;
        set => _indent = Math.Max(0, value);
    }

    public void Line() => _builder.Append('\n');

    public void Line(string text)
    {
        if (text.Length == 0)
        {
            _builder.Append('\n');
            return;
        }

        _builder.Append(' ', _indent * 4).Append(text).Append('\n');
    }

    public void Line(FormattableString text) => Line(text.ToString(CultureInfo.InvariantCulture));

    /// <summary>Writes text that may span several lines, each indented at the current level.</summary>
    public void Lines(string text)
    {
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            Line(line.TrimEnd());
        }
    }

    /// <summary>Writes a line exactly as given, without indentation.</summary>
    public void Raw(string text) => _builder.Append(text).Append('\n');

    public void Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
    }

    public void Open()
    {
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
