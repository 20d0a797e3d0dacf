using System;
using System.Collections.Generic;

namespace Compiled;

/// <summary>A key/value pair (Beam's <c>KV</c>). Equality compares key and value.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public readonly struct KV<TKey, TValue> : IEquatable<KV<TKey, TValue>>
{
    /// <summary>Creates a pair.</summary>
    public KV(TKey key, TValue value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The key.</summary>
    public TKey Key { get; }

    /// <summary>The value.</summary>
    public TValue Value { get; }

    /// <summary>Deconstructs into key and value.</summary>
    public void Deconstruct(out TKey key, out TValue value)
    {
        key = Key;
        value = Value;
    }

    /// <inheritdoc />
    public bool Equals(KV<TKey, TValue> other) =>
        EqualityComparer<TKey>.Default.Equals(Key, other.Key) && EqualityComparer<TValue>.Default.Equals(Value, other.Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is KV<TKey, TValue> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Key, Value);

    /// <inheritdoc />
    public override string ToString() => $"KV({Key}, {Value})";

    /// <summary>Compares two pairs for equality.</summary>
    public static bool operator ==(KV<TKey, TValue> left, KV<TKey, TValue> right) => left.Equals(right);

    /// <summary>Compares two pairs for inequality.</summary>
    public static bool operator !=(KV<TKey, TValue> left, KV<TKey, TValue> right) => !left.Equals(right);
}

/// <summary>Creates <see cref="KV{TKey, TValue}"/> pairs with type inference.</summary>
public static class KV
{
    /// <summary>Creates a pair.</summary>
    public static KV<TKey, TValue> Of<TKey, TValue>(TKey key, TValue value) => new(key, value);
}
