using System.IO;

namespace Compiled;

/// <summary>
/// Thrown by <see cref="TextInput"/> when a line is longer than the input's maximum line length
/// (<see cref="TextInput.MaxLineLength"/>). The read stops there, having held at most about that many
/// bytes of the line in memory; the lines before it have been delivered.
/// </summary>
/// <remarks>
/// The message names the input and the line: by its number (<c>Line 3 of file '…'</c>) when the read
/// started at the input's first line, else, in a part of a split file (<see cref="TextInput.Split"/>)
/// that starts further on, by the byte offset at which the line starts in the file
/// (<c>The line at byte offset 1048576 of file '…'</c>), whose line number is not known there.
/// </remarks>
public sealed class LineTooLongException : IOException
{
    /// <summary>Creates the exception for line <paramref name="lineNumber"/> of <paramref name="input"/>.</summary>
    /// <param name="input">A description of what was read, as the message shows it: <c>file '&lt;path&gt;'</c>, <c>stream '&lt;name&gt;'</c>, …</param>
    /// <param name="lineNumber">The 1-based number of the line that is too long.</param>
    /// <param name="maxLineLength">The maximum line length, in UTF-8 bytes, that the line exceeds.</param>
    public LineTooLongException(string input, long lineNumber, int maxLineLength)
        : this(input, lineNumber, byteOffset: null, maxLineLength)
    {
    }

    /// <summary>
    /// Creates the exception for the line of <paramref name="input"/> with number
    /// <paramref name="lineNumber"/> (0 when not known) starting at <paramref name="byteOffset"/> (null
    /// when not known).
    /// </summary>
    /// <param name="input">A description of what was read, as the message shows it: <c>file '&lt;path&gt;'</c>, <c>stream '&lt;name&gt;'</c>, …</param>
    /// <param name="lineNumber">The 1-based number of the line that is too long, or 0 when it is not known.</param>
    /// <param name="byteOffset">The offset in the input at which the line starts, in bytes, or null when it is not known.</param>
    /// <param name="maxLineLength">The maximum line length, in UTF-8 bytes, that the line exceeds.</param>
    public LineTooLongException(string input, long lineNumber, long? byteOffset, int maxLineLength)
        : base($"{Where(input, lineNumber, byteOffset)} is longer than the maximum line length of {maxLineLength} bytes (UTF-8, not counting the line delimiter). " +
               "If such lines are expected, raise the limit with the maxLineLength parameter of TextInput.FromFile, FromStream or FromString.")
    {
        Input = input;
        LineNumber = lineNumber;
        ByteOffset = byteOffset;
        MaxLineLength = maxLineLength;
    }

    /// <summary>
    /// A description of what was read, as the message shows it: <c>file '&lt;path&gt;'</c> for
    /// <see cref="TextInput.FromFile"/> (and each part of it, see <see cref="TextInput.Split"/>),
    /// <c>stream '&lt;name&gt;'</c> for <see cref="TextInput.FromStream"/> (the given name, else the file of
    /// a <see cref="FileStream"/>, else the stream's type), <c>in-memory text</c> for
    /// <see cref="TextInput.FromString"/>.
    /// </summary>
    public string Input { get; }

    /// <summary>
    /// The 1-based number of the line that is too long; 0 when it is not known: in a part of a split
    /// file that does not start at the beginning of the file (then <see cref="ByteOffset"/> tells the
    /// line).
    /// </summary>
    public long LineNumber { get; }

    /// <summary>
    /// The offset, in bytes, at which the line that is too long starts: in the file for
    /// <see cref="TextInput.FromFile"/> and its parts (for the first line of a file with a UTF-8 byte
    /// order mark, the offset after the mark), from the
    /// position where the read started for <see cref="TextInput.FromStream"/>. Null for in-memory text and
    /// for UTF-16 or UTF-32 input (whose lines are measured after transcoding to UTF-8).
    /// </summary>
    public long? ByteOffset { get; }

    /// <summary>The maximum line length, in UTF-8 bytes, that the line exceeds.</summary>
    public int MaxLineLength { get; }

    private static string Where(string input, long lineNumber, long? byteOffset) =>
        lineNumber > 0 ? $"Line {lineNumber} of {input}"
        : byteOffset is long offset ? $"The line at byte offset {offset} of {input}"
        : $"A line of {input}";
}
