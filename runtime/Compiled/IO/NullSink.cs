namespace Compiled;

/// <summary>Discards every element (for outputs nobody reads, and for benchmarks).</summary>
/// <typeparam name="T">The element type.</typeparam>
public struct NullSink<T> : ISink<T>
{
    /// <summary>Does nothing.</summary>
    public readonly void Receive(in WindowedValue<T> element)
    {
    }
}
