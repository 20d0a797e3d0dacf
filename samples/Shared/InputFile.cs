using System;
using System.IO;

namespace Compiled.Samples;

/// <summary>
/// Opens a sample's input file, and words why it cannot be read as one line, the way command-line tools do:
/// <c>wordcount: cannot read 'x.txt': No such file or directory</c>. Shared by the samples (linked into each).
/// </summary>
internal static class InputFile
{
    /// <summary>The exit code of a run whose input cannot be read (as grep and diff use 2 for trouble).</summary>
    public const int CannotReadExitCode = 2;

    /// <summary>
    /// Opens <paramref name="path"/> for reading, with no buffer of its own (the reader above it buffers).
    /// Opening is where a missing file, a directory or a special file such as a socket fails.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The open file; a FIFO or a character device is not seekable.</returns>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied, or the path is a directory.</exception>
    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);

    /// <summary>True for the exceptions that mean the input cannot be read: the run's input, not the program, is at fault.</summary>
    /// <param name="error">An exception from opening or reading the input.</param>
    /// <returns>True for <see cref="IOException"/> (and its subclasses) and <see cref="UnauthorizedAccessException"/>.</returns>
    public static bool IsReadError(Exception error) => error is IOException or UnauthorizedAccessException;

    /// <summary>The one-line error: <c>program: cannot read 'path': reason</c>.</summary>
    /// <param name="program">The program's name, e.g. <c>wordcount</c>.</param>
    /// <param name="path">The path as the user gave it.</param>
    /// <param name="error">A read error (see <see cref="IsReadError"/>).</param>
    /// <returns>The line, without a line break.</returns>
    public static string CannotRead(string program, string path, Exception error) =>
        $"{program}: cannot read '{path}': {Reason(path, error)}";

    // The reason in the words of the C library (strerror), which .NET puts before " : 'path'" in its messages.
    private static string Reason(string path, Exception error) => error switch
    {
        UnauthorizedAccessException when Directory.Exists(path) => "Is a directory",
        UnauthorizedAccessException => "Permission denied",
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        PathTooLongException => "File name too long",
        _ => WithoutPath(error.Message),
    };

    private static string WithoutPath(string message)
    {
        var at = message.LastIndexOf(" : '", StringComparison.Ordinal);
        return at > 0 && message.EndsWith('\'') ? message[..at] : message;
    }
}
