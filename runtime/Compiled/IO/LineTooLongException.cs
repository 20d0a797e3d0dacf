using System.IO;

namespace Compiled;

/// <summary>
/// Thrown by <see cref="TextInput"/> when a line is longer than the input's maximum line length
/// (<see cref="TextInput.MaxLineLength"/>). The read stops there, having held at most about that many
/// bytes of the line in memory; the lines before it have been delivered.
/// </summary>
public sealed class LineTooLongException : IOException
{
    /// <summary>Creates the exception for line <paramref name="lineNumber"/> of <paramref name="input"/>.</summary>
    /// <param name="input">A description of what was read, as the message shows it: <c>file '&lt;path&gt;'</c>, <c>stream '&lt;name&gt;'</c>, …</param>
    /// <param name="lineNumber">The 1-based number of the line that is too long.</param>
    /// <param name="maxLineLength">The maximum line length, in UTF-8 bytes, that the line exceeds.</param>
    public LineTooLongException(string input, long lineNumber, int maxLineLength)
        : base($"Line {lineNumber} of {input} is longer than the maximum line length of {maxLineLength} bytes (UTF-8, not counting the line delimiter). " +
               "If such lines are expected, raise the limit with the maxLineLength parameter of TextInput.FromFile, FromStream or FromString.")
    {
        Input = input;
        LineNumber = lineNumber;
        MaxLineLength = maxLineLength;
    }

    /// <summary>
    /// A description of what was read, as the message shows it: <c>file '&lt;path&gt;'</c> for
    /// <see cref="TextInput.FromFile"/>, <c>stream '&lt;name&gt;'</c> for <see cref="TextInput.FromStream"/>
    /// (the given name, else the file of a <see cref="FileStream"/>, else the stream's type), <c>in-memory text</c>
    /// for <see cref="TextInput.FromString"/>.
    /// </summary>
    public string Input { get; }

    /// <summary>The 1-based number of the line that is too long.</summary>
    public long LineNumber { get; }

    /// <summary>The maximum line length, in UTF-8 bytes, that the line exceeds.</summary>
    public int MaxLineLength { get; }
}
