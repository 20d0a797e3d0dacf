using System.Collections.Generic;

namespace Compiled.Coders;

/// <summary>The coder of an array: its length (4 bytes, -1 for null), then the items in order.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <typeparam name="TCoder">The item coder.</typeparam>
#nullable disable annotations // an oblivious interface: the coder serves T and T? alike, without warnings
public readonly struct ArrayCoder<T, TCoder> : ICoder<T[]>
    where TCoder : struct, ICoder<T>
#nullable restore annotations
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(0x0400_0001u, default(TCoder).FormatVersion);

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, T[]? value)
    {
        if (value is null)
        {
            writer.WriteLength(-1);
            return;
        }

        writer.WriteLength(value.Length);
        foreach (var item in value)
        {
            default(TCoder).Encode(ref writer, item);
        }
    }

    /// <inheritdoc/>
    public T[]? Decode(ref CoderReader reader)
    {
        var length = reader.ReadLength();
        if (length < 0)
        {
            return null;
        }

        // A length larger than the data could hold is refused before anything is allocated for it.
        var items = length == 0 ? System.Array.Empty<T>() : new T[Coder.CheckedCount(length, ref reader)];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = default(TCoder).Decode(ref reader);
        }

        return items;
    }
}

/// <summary>
/// The coder of a <see cref="List{T}"/> (and of the list interfaces, decoded as a list): its count (4 bytes, -1 for
/// null), then the items in order.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <typeparam name="TCoder">The item coder.</typeparam>
#nullable disable annotations // an oblivious interface: the coder serves T and T? alike, without warnings
public readonly struct ListCoder<T, TCoder> : ICoder<List<T>>
    where TCoder : struct, ICoder<T>
#nullable restore annotations
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(0x0400_0001u, default(TCoder).FormatVersion);

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, List<T>? value)
    {
        if (value is null)
        {
            writer.WriteLength(-1);
            return;
        }

        writer.WriteLength(value.Count);
        foreach (var item in value)
        {
            default(TCoder).Encode(ref writer, item);
        }
    }

    /// <summary>Writes any read-only list, as a list (the same bytes).</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="value">The items, or null.</param>
    public void EncodeItems(ref CoderWriter writer, IReadOnlyCollection<T>? value)
    {
        if (value is null)
        {
            writer.WriteLength(-1);
            return;
        }

        writer.WriteLength(value.Count);
        foreach (var item in value)
        {
            default(TCoder).Encode(ref writer, item);
        }
    }

    /// <inheritdoc/>
    public List<T>? Decode(ref CoderReader reader)
    {
        var length = reader.ReadLength();
        if (length < 0)
        {
            return null;
        }

        var items = new List<T>(Coder.CheckedCount(length, ref reader));
        for (var i = 0; i < length; i++)
        {
            items.Add(default(TCoder).Decode(ref reader));
        }

        return items;
    }
}

/// <summary>
/// The coder of a <see cref="HashSet{T}"/>: its count (-1 for null), then the items in the set's enumeration order.
/// Decoded with the default comparer. Not deterministic: two equal sets may enumerate in different orders.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <typeparam name="TCoder">The item coder.</typeparam>
#nullable disable annotations // an oblivious interface: the coder serves T and T? alike, without warnings
public readonly struct HashSetCoder<T, TCoder> : ICoder<HashSet<T>>
    where TCoder : struct, ICoder<T>
#nullable restore annotations
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(0x0400_0002u, default(TCoder).FormatVersion);

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, HashSet<T>? value)
    {
        if (value is null)
        {
            writer.WriteLength(-1);
            return;
        }

        writer.WriteLength(value.Count);
        foreach (var item in value)
        {
            default(TCoder).Encode(ref writer, item);
        }
    }

    /// <inheritdoc/>
    public HashSet<T>? Decode(ref CoderReader reader)
    {
        var length = reader.ReadLength();
        if (length < 0)
        {
            return null;
        }

        var items = new HashSet<T>(Coder.CheckedCount(length, ref reader));
        for (var i = 0; i < length; i++)
        {
            items.Add(default(TCoder).Decode(ref reader));
        }

        return items;
    }
}

/// <summary>
/// The coder of a <see cref="Dictionary{TKey, TValue}"/> (and of the dictionary interfaces, decoded as a dictionary):
/// its count (-1 for null), then each key and value in enumeration order. Decoded with the default comparer. Not
/// deterministic: two equal dictionaries may enumerate in different orders.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TKeyCoder">The key coder.</typeparam>
/// <typeparam name="TValueCoder">The value coder.</typeparam>
#nullable disable annotations // an oblivious interface: the coder serves T and T? alike, without warnings
public readonly struct DictionaryCoder<TKey, TValue, TKeyCoder, TValueCoder> : ICoder<Dictionary<TKey, TValue>>
    where TKey : notnull
    where TKeyCoder : struct, ICoder<TKey>
    where TValueCoder : struct, ICoder<TValue>
#nullable restore annotations
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(Coder.CombineVersions(0x0400_0003u, default(TKeyCoder).FormatVersion), default(TValueCoder).FormatVersion);

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, Dictionary<TKey, TValue>? value) => EncodeItems(ref writer, value);

    /// <summary>Writes any read-only dictionary, as a dictionary (the same bytes).</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="value">The entries, or null.</param>
    public void EncodeItems(ref CoderWriter writer, IReadOnlyCollection<KeyValuePair<TKey, TValue>>? value)
    {
        if (value is null)
        {
            writer.WriteLength(-1);
            return;
        }

        writer.WriteLength(value.Count);
        foreach (var entry in value)
        {
            default(TKeyCoder).Encode(ref writer, entry.Key);
            default(TValueCoder).Encode(ref writer, entry.Value);
        }
    }

    /// <inheritdoc/>
    public Dictionary<TKey, TValue>? Decode(ref CoderReader reader)
    {
        var length = reader.ReadLength();
        if (length < 0)
        {
            return null;
        }

        var items = new Dictionary<TKey, TValue>(Coder.CheckedCount(length, ref reader));
        for (var i = 0; i < length; i++)
        {
            var key = default(TKeyCoder).Decode(ref reader);
            items[key] = default(TValueCoder).Decode(ref reader);
        }

        return items;
    }
}

/// <summary>
/// The coder of a collection held through a list interface (<see cref="IEnumerable{T}"/>, <see cref="IReadOnlyList{T}"/>,
/// <see cref="IList{T}"/>, ...): the same bytes as <see cref="ListCoder{T, TCoder}"/>, decoded as a <see cref="List{T}"/>.
/// </summary>
/// <typeparam name="TCollection">The interface, which <see cref="List{T}"/> implements.</typeparam>
/// <typeparam name="T">The item type.</typeparam>
/// <typeparam name="TCoder">The item coder.</typeparam>
#nullable disable annotations // an oblivious interface: the coder serves T and T? alike, without warnings
public readonly struct CollectionCoder<TCollection, T, TCoder> : ICoder<TCollection>
    where TCollection : class, IEnumerable<T>
    where TCoder : struct, ICoder<T>
#nullable restore annotations
{
    /// <inheritdoc/>
    public uint FormatVersion => default(ListCoder<T, TCoder>).FormatVersion;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, TCollection? value)
    {
        switch (value)
        {
            case null:
                writer.WriteLength(-1);
                break;
            case IReadOnlyCollection<T> collection:
                default(ListCoder<T, TCoder>).EncodeItems(ref writer, collection);
                break;
            default:
                default(ListCoder<T, TCoder>).EncodeItems(ref writer, new List<T>(value));
                break;
        }
    }

    /// <inheritdoc/>
    public TCollection? Decode(ref CoderReader reader) => (TCollection?)(object?)default(ListCoder<T, TCoder>).Decode(ref reader);
}

/// <summary>
/// The coder of a dictionary held through <see cref="IDictionary{TKey, TValue}"/> or
/// <see cref="IReadOnlyDictionary{TKey, TValue}"/>: the same bytes as <see cref="DictionaryCoder{TKey, TValue, TKeyCoder, TValueCoder}"/>,
/// decoded as a <see cref="Dictionary{TKey, TValue}"/>.
/// </summary>
/// <typeparam name="TDictionary">The interface, which <see cref="Dictionary{TKey, TValue}"/> implements.</typeparam>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <typeparam name="TKeyCoder">The key coder.</typeparam>
/// <typeparam name="TValueCoder">The value coder.</typeparam>
#nullable disable annotations // an oblivious interface: the coder serves T and T? alike, without warnings
public readonly struct DictionaryInterfaceCoder<TDictionary, TKey, TValue, TKeyCoder, TValueCoder> : ICoder<TDictionary>
    where TDictionary : class, IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : notnull
    where TKeyCoder : struct, ICoder<TKey>
    where TValueCoder : struct, ICoder<TValue>
#nullable restore annotations
{
    /// <inheritdoc/>
    public uint FormatVersion => default(DictionaryCoder<TKey, TValue, TKeyCoder, TValueCoder>).FormatVersion;

    /// <inheritdoc/>
    public void Encode(ref CoderWriter writer, TDictionary? value)
    {
        switch (value)
        {
            case null:
                writer.WriteLength(-1);
                break;
            case IReadOnlyCollection<KeyValuePair<TKey, TValue>> collection:
                default(DictionaryCoder<TKey, TValue, TKeyCoder, TValueCoder>).EncodeItems(ref writer, collection);
                break;
            default:
                default(DictionaryCoder<TKey, TValue, TKeyCoder, TValueCoder>).EncodeItems(ref writer, new List<KeyValuePair<TKey, TValue>>(value));
                break;
        }
    }

    /// <inheritdoc/>
    public TDictionary? Decode(ref CoderReader reader) =>
        (TDictionary?)(object?)default(DictionaryCoder<TKey, TValue, TKeyCoder, TValueCoder>).Decode(ref reader);
}
