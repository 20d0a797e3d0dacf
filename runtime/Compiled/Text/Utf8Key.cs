using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Compiled;

/// <summary>
/// A text key held as its UTF-8 bytes, compared and hashed by those bytes: how the generated runners store keys of type
/// <see cref="ReadOnlyMemory{T}"/> of <see cref="byte"/> (a <c>ReadUtf8Lines</c> input's words, say), which as
/// memories would compare by reference. No string is ever made for such a key.
/// </summary>
/// <remarks>
/// A key made by <see cref="Copy"/>, by <see cref="Utf8KeyMap{TValue}"/> or by <see cref="Utf8KeyComparer"/> owns its
/// bytes: they are never changed or reused, so the <see cref="Memory"/> of a key handed to a sink stays valid.
/// </remarks>
public readonly struct Utf8Key : IEquatable<Utf8Key>
{
    private readonly byte[]? _array;
    private readonly int _offset;
    private readonly int _length;
    private readonly ulong _head;

    internal Utf8Key(byte[] array, int offset, int length, ulong head)
    {
        _array = array;
        _offset = offset;
        _length = length;
        _head = head;
    }

    /// <summary>The comparer that also finds keys by their bytes as a span (a dictionary's or set's alternate lookup).</summary>
    public static Utf8KeyComparer Comparer { get; } = new();

    /// <summary>The key's bytes.</summary>
    public ReadOnlySpan<byte> Span => _array is null ? default : new ReadOnlySpan<byte>(_array, _offset, _length);

    /// <summary>The key's bytes, as the pipeline's elements carry them.</summary>
    public ReadOnlyMemory<byte> Memory => _array is null ? default : new ReadOnlyMemory<byte>(_array, _offset, _length);

    /// <summary>The number of bytes.</summary>
    public int Length => _length;

    internal ulong Head => _head;

    internal byte[]? Array => _array;

    internal int Offset => _offset;

    /// <summary>A key holding a copy of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The key's UTF-8 bytes.</param>
    /// <returns>The key.</returns>
    public static Utf8Key Copy(ReadOnlySpan<byte> bytes) => new(bytes.ToArray(), 0, bytes.Length, Utf8Hash.Head(bytes));

    /// <summary>Whether both keys hold the same bytes.</summary>
    /// <param name="other">The other key.</param>
    /// <returns>True when the bytes are equal.</returns>
    public bool Equals(Utf8Key other) => Utf8Hash.Equal(other._head, other.Span, _head, _array ?? System.Array.Empty<byte>(), _offset, _length);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Utf8Key other && Equals(other);

    /// <summary>A hash of the bytes, seeded per process (not stable across processes: key groups use the coder's hash).</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode() => (int)Utf8Hash.Of(_head, Span);

    /// <summary>The text, decoded (invalid bytes as U+FFFD).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Encoding.UTF8.GetString(Span);

    /// <summary>Whether both keys hold the same bytes.</summary>
    public static bool operator ==(Utf8Key left, Utf8Key right) => left.Equals(right);

    /// <summary>Whether the keys hold different bytes.</summary>
    public static bool operator !=(Utf8Key left, Utf8Key right) => !left.Equals(right);
}

/// <summary>
/// Compares <see cref="Utf8Key"/>s by their bytes, and finds them by bytes given as a span
/// (<see cref="Dictionary{TKey, TValue}.GetAlternateLookup{TAlternateKey}"/>): a key is copied only when it is added.
/// </summary>
public sealed class Utf8KeyComparer : IEqualityComparer<Utf8Key>, IAlternateEqualityComparer<ReadOnlySpan<byte>, Utf8Key>
{
    internal Utf8KeyComparer()
    {
    }

    /// <inheritdoc/>
    public bool Equals(Utf8Key x, Utf8Key y) => x.Equals(y);

    /// <inheritdoc/>
    public int GetHashCode(Utf8Key obj) => obj.GetHashCode();

    /// <inheritdoc/>
    public bool Equals(ReadOnlySpan<byte> alternate, Utf8Key other) =>
        Utf8Hash.Equal(Utf8Hash.Head(alternate), alternate, other.Head, other.Array ?? Array.Empty<byte>(), other.Offset, other.Length);

    /// <inheritdoc/>
    public int GetHashCode(ReadOnlySpan<byte> alternate) => (int)Utf8Hash.Of(Utf8Hash.Head(alternate), alternate);

    /// <inheritdoc/>
    public Utf8Key Create(ReadOnlySpan<byte> alternate) => Utf8Key.Copy(alternate);
}

/// <summary>
/// A set of UTF-8 text keys compared by their bytes, found by bytes given as a span through its alternate lookup: how a
/// generated runner keeps the distinct elements of type <see cref="ReadOnlyMemory{T}"/> of <see cref="byte"/>.
/// </summary>
public sealed class Utf8KeySet : HashSet<Utf8Key>
{
    /// <summary>An empty set that compares keys with <see cref="Utf8Key.Comparer"/>.</summary>
    public Utf8KeySet()
        : base(Utf8Key.Comparer)
    {
    }
}
