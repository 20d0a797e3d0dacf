using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ScoresDashboard;

/// <summary>
/// Reads a text input at a bounded pace (characters per second), so that a small file takes long enough to watch the
/// dashboard move. Only for the demonstration: a real job reads as fast as it can.
/// </summary>
/// <param name="inner">The input.</param>
/// <param name="charsPerSecond">The pace; 0 or less reads at full speed.</param>
public sealed class PacedReader(TextReader inner, int charsPerSecond) : TextReader
{
    private const int Chunk = 2048;

    /// <inheritdoc />
    public override int Read(Span<char> buffer) => inner.Read(charsPerSecond > 0 && buffer.Length > Chunk ? buffer[..Chunk] : buffer);

    /// <inheritdoc />
    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    /// <inheritdoc />
    public override int Read() => inner.Read();

    /// <inheritdoc />
    public override int Peek() => inner.Peek();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        if (charsPerSecond <= 0)
        {
            return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var read = await inner.ReadAsync(buffer.Length > Chunk ? buffer[..Chunk] : buffer, cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds((double)read / charsPerSecond), cancellationToken).ConfigureAwait(false);
        return read;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
