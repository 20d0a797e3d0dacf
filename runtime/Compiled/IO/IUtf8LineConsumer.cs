using System;

namespace Compiled;

/// <summary>
/// Receives the lines read by <see cref="TextInput.ReadUtf8Lines{TConsumer}(ref TConsumer)"/> as UTF-8 bytes, never
/// decoded. Implement it on a struct and the JIT specializes the read loop for it.
/// </summary>
public interface IUtf8LineConsumer
{
    /// <summary>
    /// Receives one line's bytes, without its line terminator. The consumer may keep them: they are never overwritten
    /// (a slice of the caller's bytes for <see cref="TextInput.FromUtf8"/>, else of a buffer that is not reused).
    /// </summary>
    /// <param name="line">The line's UTF-8 bytes (invalid sequences as they are in the input).</param>
    void OnLine(ReadOnlyMemory<byte> line);
}
