using System;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;

namespace Compiled;

/// <summary>
/// Writes every element of an output as one line of a UTF-8 text file (no byte order mark, lines
/// ended by <c>\n</c>, as Beam's <c>TextIO.write()</c>), through a buffered writer. Elements are formatted
/// by the formatter given to the constructor (which may also receive the element's timestamp, window and pane, an
/// <see cref="ElementContext"/>), or else under the invariant culture when they are
/// <see cref="IFormattable"/>, or else by <see cref="object.ToString"/> (null elements give empty lines).
/// Dispose the sink to flush and close the file.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class TextFileSink<T> : ISink<T>, IDisposable
{
    private const int DefaultBufferSize = 64 * 1024;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly StreamWriter _writer;
    private readonly Func<T, string>? _formatter;
    private readonly Func<T, ElementContext, string>? _contextFormatter;
    private bool _disposed;

    /// <summary>Creates (or overwrites) the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="formatter">Formats each element as its line; null for the default formatting.</param>
    public TextFileSink(string path, Func<T, string>? formatter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);
        _writer = new StreamWriter(stream, Utf8NoBom, DefaultBufferSize, leaveOpen: false);
        _formatter = formatter;
    }

    /// <summary>
    /// Creates (or overwrites) the file at <paramref name="path"/>; each line is formatted from the element with its
    /// timestamp, window and pane (e.g. <c>(kv, c) => $"{c.Window.Start} {kv.Key} {kv.Value} {c.Pane.Timing}"</c>).
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="formatter">Formats each element, with its <see cref="ElementContext"/>, as its line.</param>
    public TextFileSink(string path, Func<T, ElementContext, string> formatter)
        : this(path)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _contextFormatter = formatter;
    }

    /// <summary>Writes to <paramref name="stream"/>; each line is formatted from the element with its timestamp, window and pane.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="formatter">Formats each element, with its <see cref="ElementContext"/>, as its line.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the sink is disposed.</param>
    public TextFileSink(Stream stream, Func<T, ElementContext, string> formatter, bool leaveOpen = false)
        : this(stream, (Func<T, string>?)null, leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _contextFormatter = formatter;
    }

    /// <summary>Writes to <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="formatter">Formats each element as its line; null for the default formatting.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the sink is disposed.</param>
    public TextFileSink(Stream stream, Func<T, string>? formatter = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _writer = new StreamWriter(stream, Utf8NoBom, DefaultBufferSize, leaveOpen);
        _formatter = formatter;
    }

    /// <summary>Writes the element's value as one line.</summary>
    /// <exception cref="ObjectDisposedException">The sink was disposed.</exception>
    public void Receive(in WindowedValue<T> element)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        T value = element.Value;
        if (_formatter is not null)
        {
            _writer.Write(_formatter(value));
        }
        else if (_contextFormatter is not null)
        {
            _writer.Write(_contextFormatter(value, new ElementContext(element.Timestamp, element.Window, element.Pane)));
        }
        else
        {
            // Formats ISpanFormattable values into a stack buffer without boxing, IFormattable values
            // under the invariant culture, anything else with ToString().
            var handler = new DefaultInterpolatedStringHandler(0, 1, CultureInfo.InvariantCulture, stackalloc char[128]);
            handler.AppendFormatted(value);
            _writer.Write(handler.Text);
            handler.Clear();
        }

        _writer.Write('\n');
    }

    /// <summary>Writes buffered lines to the file.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.Flush();
    }

    /// <summary>Flushes and closes the file (or the stream, unless it was to be left open).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writer.Dispose();
    }
}
