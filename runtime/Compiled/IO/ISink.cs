namespace Compiled;

/// <summary>
/// Receives the elements of a named pipeline output. The generated runner is generic over its
/// sinks: implement this on a struct (or sealed class) and the JIT inlines <see cref="Receive"/>.
/// </summary>
/// <typeparam name="T">The output element type.</typeparam>
public interface ISink<T>
{
    /// <summary>Receives one element with its timestamp, window and pane.</summary>
    void Receive(in WindowedValue<T> element);
}
