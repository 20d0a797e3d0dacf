namespace Compiled;

/// <summary>
/// Receives the windows a window function assigns to one element, one call per window. Implement it
/// on a struct (or a <c>ref struct</c>): <see cref="IWindowFn.AssignWindows{TConsumer}"/> is generic
/// over the consumer, so the call is direct and the JIT can inline the rest of a fused stage into it.
/// </summary>
public interface IWindowConsumer
{
    /// <summary>Called once for each window the element belongs to.</summary>
    /// <param name="window">An assigned window.</param>
    void Accept(BoundedWindow window);
}
