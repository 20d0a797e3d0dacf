using System;

namespace Compiled;

/// <summary>
/// Receives the lines read by <see cref="TextInput.ReadLines{TConsumer}(ref TConsumer)"/>. Implement it on
/// a struct and the JIT specializes the read loop for it: no delegate, no interface dispatch.
/// </summary>
public interface ILineConsumer
{
    /// <summary>
    /// Receives one line, without its line terminator. The span is only valid during the call: it
    /// points into a reused buffer; make a string from it to keep it.
    /// </summary>
    /// <param name="line">The line's characters.</param>
    void OnLine(ReadOnlySpan<char> line);
}
