namespace Compiled;

/// <summary>
/// Counts the elements of an output and discards them. A struct: read <see cref="Count"/> through the
/// generated runner's <c>ref</c> sink property, not from a copy.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public struct CountingSink<T> : ISink<T>
{
    /// <summary>The number of elements received.</summary>
    public long Count { readonly get; private set; }

    /// <summary>Counts the element.</summary>
    public void Receive(in WindowedValue<T> element) => Count++;
}
