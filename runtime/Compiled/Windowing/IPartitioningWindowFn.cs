namespace Compiled;

/// <summary>
/// A window function that puts every element in exactly one window (Beam's
/// <c>PartitioningWindowFn</c>), so that generated code can assign with one call and no loop.
/// </summary>
public interface IPartitioningWindowFn : IWindowFn
{
    /// <summary>The one window of an element with <paramref name="timestamp"/>.</summary>
    /// <param name="timestamp">The element's event timestamp.</param>
    /// <returns>The element's window.</returns>
    BoundedWindow AssignWindow(Instant timestamp);
}
