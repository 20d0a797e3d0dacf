using System;
using System.Buffers;
using System.Text;

namespace Compiled;

/// <summary>Where a line splitter hands each line's bytes: a span valid during the call, or bytes that stay valid.</summary>
internal interface IUtf8LineSink
{
    /// <summary>A line in a buffer that is reused after the call.</summary>
    void OnLine(ReadOnlySpan<byte> line);

    /// <summary>A line whose bytes stay valid (in-memory UTF-8 input).</summary>
    void OnLine(ReadOnlyMemory<byte> line);
}

/// <summary>Decodes each line into one pooled char buffer, reused for every line, and hands it to a char consumer.</summary>
internal struct DecodingSink<TConsumer> : IUtf8LineSink, IDisposable
    where TConsumer : ILineConsumer
{
    private const int InitialSize = 256;

    public TConsumer Consumer;
    private char[]? _chars;

    public DecodingSink(TConsumer consumer)
    {
        Consumer = consumer;
        _chars = null;
    }

    public void OnLine(ReadOnlySpan<byte> line)
    {
        // UTF-8 never decodes to more UTF-16 chars than it has bytes (invalid bytes included).
        if (_chars is null || _chars.Length < line.Length)
        {
            Grow(line.Length);
        }

        int count = Encoding.UTF8.GetChars(line, _chars);
        Consumer.OnLine(new ReadOnlySpan<char>(_chars, 0, count));
    }

    public void OnLine(ReadOnlyMemory<byte> line) => OnLine(line.Span);

    public void Dispose()
    {
        char[]? chars = _chars;
        _chars = null;
        if (chars is not null)
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private void Grow(int length)
    {
        char[]? old = _chars;
        _chars = ArrayPool<char>.Shared.Rent(Math.Max(length, old is null ? InitialSize : (int)Math.Min(Array.MaxLength, old.Length * 2L)));
        if (old is not null)
        {
            ArrayPool<char>.Shared.Return(old);
        }
    }
}

/// <summary>
/// Hands each line's bytes to a UTF-8 consumer as memory that stays valid: a line in a reused buffer is copied into a
/// chunk that is never written again (64 KiB, or the line's size), a line that stays valid is handed over as it is.
/// </summary>
internal struct KeepingSink<TConsumer> : IUtf8LineSink
    where TConsumer : IUtf8LineConsumer
{
    private const int ChunkSize = 64 * 1024;

    public TConsumer Consumer;
    private byte[]? _chunk;
    private int _used;

    public KeepingSink(TConsumer consumer)
    {
        Consumer = consumer;
        _chunk = null;
        _used = 0;
    }

    public void OnLine(ReadOnlySpan<byte> line)
    {
        if (_chunk is null || _chunk.Length - _used < line.Length)
        {
            _chunk = new byte[Math.Max(ChunkSize, line.Length)];
            _used = 0;
        }

        var kept = new ReadOnlyMemory<byte>(_chunk, _used, line.Length);
        line.CopyTo(_chunk.AsSpan(_used));
        _used += line.Length;
        Consumer.OnLine(kept);
    }

    public void OnLine(ReadOnlyMemory<byte> line) => Consumer.OnLine(line);
}
