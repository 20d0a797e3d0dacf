using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Compiled;

/// <summary>
/// Compares memories by their content (.NET's <see cref="ReadOnlyMemory{T}.Equals(ReadOnlyMemory{T})"/> compares the
/// memory's array and range): how a stateful ParDo keyed by text held as memory (<see cref="ReadOnlyMemory{T}"/> of
/// <see cref="char"/> or <see cref="byte"/>) finds a key's state. The first memory of a key is kept as the key, so its
/// contents must not change afterwards (slices of strings, of <c>ReadUtf8Lines</c> lines and of arrays not written
/// again never do).
/// </summary>
/// <typeparam name="T">The items.</typeparam>
public sealed class MemoryContentComparer<T> : IEqualityComparer<ReadOnlyMemory<T>>
    where T : unmanaged, IEquatable<T>
{
    private MemoryContentComparer()
    {
    }

    /// <summary>The comparer.</summary>
    public static MemoryContentComparer<T> Instance { get; } = new();

    /// <inheritdoc/>
    public bool Equals(ReadOnlyMemory<T> x, ReadOnlyMemory<T> y) => x.Span.SequenceEqual(y.Span);

    /// <inheritdoc/>
    public int GetHashCode(ReadOnlyMemory<T> obj)
    {
        var hash = default(HashCode);
        hash.AddBytes(MemoryMarshal.AsBytes(obj.Span));
        return hash.ToHashCode();
    }
}
