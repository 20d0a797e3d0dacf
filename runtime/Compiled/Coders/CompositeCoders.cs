using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Compiled.Coders;

/// <summary>The coder of a <see cref="System.Nullable{T}"/>: a presence marker (00 or 01), then the value if present.</summary>
/// <typeparam name="T">The underlying type.</typeparam>
/// <typeparam name="TCoder">Its coder.</typeparam>
public readonly struct NullableCoder<T, TCoder> : ICoder<T?>
    where T : struct
    where TCoder : struct, ICoder<T>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(0x0200_0001u, default(TCoder).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, T? value)
    {
        if (value is { } present)
        {
            writer.WritePresence(true);
            default(TCoder).Encode(ref writer, present);
        }
        else
        {
            writer.WritePresence(false);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T? Decode(ref CoderReader reader) => reader.ReadPresence() ? default(TCoder).Decode(ref reader) : null;
}

/// <summary>The coder of a <see cref="KV{TKey, TValue}"/>: the key, then the value.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TKeyCoder">The key's coder.</typeparam>
/// <typeparam name="TValueCoder">The value's coder.</typeparam>
public readonly struct KVCoder<TKey, TValue, TKeyCoder, TValueCoder> : ICoder<KV<TKey, TValue>>
    where TKeyCoder : struct, ICoder<TKey>
    where TValueCoder : struct, ICoder<TValue>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(Coder.CombineVersions(0x0200_0002u, default(TKeyCoder).FormatVersion), default(TValueCoder).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, KV<TKey, TValue> value)
    {
        default(TKeyCoder).Encode(ref writer, value.Key);
        default(TValueCoder).Encode(ref writer, value.Value);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public KV<TKey, TValue> Decode(ref CoderReader reader)
    {
        var key = default(TKeyCoder).Decode(ref reader);
        return new KV<TKey, TValue>(key, default(TValueCoder).Decode(ref reader));
    }
}

/// <summary>The coder of a <see cref="KeyValuePair{TKey, TValue}"/>: the key, then the value.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TKeyCoder">The key's coder.</typeparam>
/// <typeparam name="TValueCoder">The value's coder.</typeparam>
public readonly struct KeyValuePairCoder<TKey, TValue, TKeyCoder, TValueCoder> : ICoder<KeyValuePair<TKey, TValue>>
    where TKeyCoder : struct, ICoder<TKey>
    where TValueCoder : struct, ICoder<TValue>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(Coder.CombineVersions(0x0200_0003u, default(TKeyCoder).FormatVersion), default(TValueCoder).FormatVersion);

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, KeyValuePair<TKey, TValue> value)
    {
        default(TKeyCoder).Encode(ref writer, value.Key);
        default(TValueCoder).Encode(ref writer, value.Value);
    }

    /// <inheritdoc/>
    public KeyValuePair<TKey, TValue> Decode(ref CoderReader reader)
    {
        var key = default(TKeyCoder).Decode(ref reader);
        return new KeyValuePair<TKey, TValue>(key, default(TValueCoder).Decode(ref reader));
    }
}

/// <summary>
/// The coder of a reference type whose own coder writes only its fields (a generated coder): a presence marker (00 for
/// null, 01), then the fields. Every use of such a type is wrapped in it, except a grouping key, which is never null.
/// </summary>
/// <typeparam name="T">The reference type.</typeparam>
/// <typeparam name="TCoder">Its coder, which is given only non-null values.</typeparam>
#nullable disable annotations // an oblivious interface: the coder serves T and T? alike, without warnings
public readonly struct NullableReferenceCoder<T, TCoder> : ICoder<T>
    where T : class
    where TCoder : struct, ICoder<T>
#nullable restore annotations
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(0x0200_0004u, default(TCoder).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, T? value)
    {
        if (value is null)
        {
            writer.WritePresence(false);
        }
        else
        {
            writer.WritePresence(true);
            default(TCoder).Encode(ref writer, value);
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T? Decode(ref CoderReader reader) => reader.ReadPresence() ? default(TCoder).Decode(ref reader) : null;
}
