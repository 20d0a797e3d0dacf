using System.Runtime.CompilerServices;

namespace Compiled.Coders;

/// <summary>The coder of a value tuple of 2 items: the items in order.</summary>
/// <typeparam name="T1">The type of item 1.</typeparam>
/// <typeparam name="T2">The type of item 2.</typeparam>
/// <typeparam name="C1">The coder of item 1.</typeparam>
/// <typeparam name="C2">The coder of item 2.</typeparam>
public readonly struct ValueTupleCoder<T1, T2, C1, C2> : ICoder<(T1, T2)>
    where C1 : struct, ICoder<T1>
    where C2 : struct, ICoder<T2>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(Coder.CombineVersions(0x0300_0002u, default(C1).FormatVersion), default(C2).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, (T1, T2) value)
    {
        default(C1).Encode(ref writer, value.Item1);
        default(C2).Encode(ref writer, value.Item2);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (T1, T2) Decode(ref CoderReader reader)
    {
        var item1 = default(C1).Decode(ref reader);
        var item2 = default(C2).Decode(ref reader);
        return (item1, item2);
    }
}

/// <summary>The coder of a value tuple of 3 items: the items in order.</summary>
/// <typeparam name="T1">The type of item 1.</typeparam>
/// <typeparam name="T2">The type of item 2.</typeparam>
/// <typeparam name="T3">The type of item 3.</typeparam>
/// <typeparam name="C1">The coder of item 1.</typeparam>
/// <typeparam name="C2">The coder of item 2.</typeparam>
/// <typeparam name="C3">The coder of item 3.</typeparam>
public readonly struct ValueTupleCoder<T1, T2, T3, C1, C2, C3> : ICoder<(T1, T2, T3)>
    where C1 : struct, ICoder<T1>
    where C2 : struct, ICoder<T2>
    where C3 : struct, ICoder<T3>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(0x0300_0003u, default(C1).FormatVersion), default(C2).FormatVersion), default(C3).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, (T1, T2, T3) value)
    {
        default(C1).Encode(ref writer, value.Item1);
        default(C2).Encode(ref writer, value.Item2);
        default(C3).Encode(ref writer, value.Item3);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (T1, T2, T3) Decode(ref CoderReader reader)
    {
        var item1 = default(C1).Decode(ref reader);
        var item2 = default(C2).Decode(ref reader);
        var item3 = default(C3).Decode(ref reader);
        return (item1, item2, item3);
    }
}

/// <summary>The coder of a value tuple of 4 items: the items in order.</summary>
/// <typeparam name="T1">The type of item 1.</typeparam>
/// <typeparam name="T2">The type of item 2.</typeparam>
/// <typeparam name="T3">The type of item 3.</typeparam>
/// <typeparam name="T4">The type of item 4.</typeparam>
/// <typeparam name="C1">The coder of item 1.</typeparam>
/// <typeparam name="C2">The coder of item 2.</typeparam>
/// <typeparam name="C3">The coder of item 3.</typeparam>
/// <typeparam name="C4">The coder of item 4.</typeparam>
public readonly struct ValueTupleCoder<T1, T2, T3, T4, C1, C2, C3, C4> : ICoder<(T1, T2, T3, T4)>
    where C1 : struct, ICoder<T1>
    where C2 : struct, ICoder<T2>
    where C3 : struct, ICoder<T3>
    where C4 : struct, ICoder<T4>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(0x0300_0004u, default(C1).FormatVersion), default(C2).FormatVersion), default(C3).FormatVersion), default(C4).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, (T1, T2, T3, T4) value)
    {
        default(C1).Encode(ref writer, value.Item1);
        default(C2).Encode(ref writer, value.Item2);
        default(C3).Encode(ref writer, value.Item3);
        default(C4).Encode(ref writer, value.Item4);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (T1, T2, T3, T4) Decode(ref CoderReader reader)
    {
        var item1 = default(C1).Decode(ref reader);
        var item2 = default(C2).Decode(ref reader);
        var item3 = default(C3).Decode(ref reader);
        var item4 = default(C4).Decode(ref reader);
        return (item1, item2, item3, item4);
    }
}

/// <summary>The coder of a value tuple of 5 items: the items in order.</summary>
/// <typeparam name="T1">The type of item 1.</typeparam>
/// <typeparam name="T2">The type of item 2.</typeparam>
/// <typeparam name="T3">The type of item 3.</typeparam>
/// <typeparam name="T4">The type of item 4.</typeparam>
/// <typeparam name="T5">The type of item 5.</typeparam>
/// <typeparam name="C1">The coder of item 1.</typeparam>
/// <typeparam name="C2">The coder of item 2.</typeparam>
/// <typeparam name="C3">The coder of item 3.</typeparam>
/// <typeparam name="C4">The coder of item 4.</typeparam>
/// <typeparam name="C5">The coder of item 5.</typeparam>
public readonly struct ValueTupleCoder<T1, T2, T3, T4, T5, C1, C2, C3, C4, C5> : ICoder<(T1, T2, T3, T4, T5)>
    where C1 : struct, ICoder<T1>
    where C2 : struct, ICoder<T2>
    where C3 : struct, ICoder<T3>
    where C4 : struct, ICoder<T4>
    where C5 : struct, ICoder<T5>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(0x0300_0005u, default(C1).FormatVersion), default(C2).FormatVersion), default(C3).FormatVersion), default(C4).FormatVersion), default(C5).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, (T1, T2, T3, T4, T5) value)
    {
        default(C1).Encode(ref writer, value.Item1);
        default(C2).Encode(ref writer, value.Item2);
        default(C3).Encode(ref writer, value.Item3);
        default(C4).Encode(ref writer, value.Item4);
        default(C5).Encode(ref writer, value.Item5);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (T1, T2, T3, T4, T5) Decode(ref CoderReader reader)
    {
        var item1 = default(C1).Decode(ref reader);
        var item2 = default(C2).Decode(ref reader);
        var item3 = default(C3).Decode(ref reader);
        var item4 = default(C4).Decode(ref reader);
        var item5 = default(C5).Decode(ref reader);
        return (item1, item2, item3, item4, item5);
    }
}

/// <summary>The coder of a value tuple of 6 items: the items in order.</summary>
/// <typeparam name="T1">The type of item 1.</typeparam>
/// <typeparam name="T2">The type of item 2.</typeparam>
/// <typeparam name="T3">The type of item 3.</typeparam>
/// <typeparam name="T4">The type of item 4.</typeparam>
/// <typeparam name="T5">The type of item 5.</typeparam>
/// <typeparam name="T6">The type of item 6.</typeparam>
/// <typeparam name="C1">The coder of item 1.</typeparam>
/// <typeparam name="C2">The coder of item 2.</typeparam>
/// <typeparam name="C3">The coder of item 3.</typeparam>
/// <typeparam name="C4">The coder of item 4.</typeparam>
/// <typeparam name="C5">The coder of item 5.</typeparam>
/// <typeparam name="C6">The coder of item 6.</typeparam>
public readonly struct ValueTupleCoder<T1, T2, T3, T4, T5, T6, C1, C2, C3, C4, C5, C6> : ICoder<(T1, T2, T3, T4, T5, T6)>
    where C1 : struct, ICoder<T1>
    where C2 : struct, ICoder<T2>
    where C3 : struct, ICoder<T3>
    where C4 : struct, ICoder<T4>
    where C5 : struct, ICoder<T5>
    where C6 : struct, ICoder<T6>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(0x0300_0006u, default(C1).FormatVersion), default(C2).FormatVersion), default(C3).FormatVersion), default(C4).FormatVersion), default(C5).FormatVersion), default(C6).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, (T1, T2, T3, T4, T5, T6) value)
    {
        default(C1).Encode(ref writer, value.Item1);
        default(C2).Encode(ref writer, value.Item2);
        default(C3).Encode(ref writer, value.Item3);
        default(C4).Encode(ref writer, value.Item4);
        default(C5).Encode(ref writer, value.Item5);
        default(C6).Encode(ref writer, value.Item6);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (T1, T2, T3, T4, T5, T6) Decode(ref CoderReader reader)
    {
        var item1 = default(C1).Decode(ref reader);
        var item2 = default(C2).Decode(ref reader);
        var item3 = default(C3).Decode(ref reader);
        var item4 = default(C4).Decode(ref reader);
        var item5 = default(C5).Decode(ref reader);
        var item6 = default(C6).Decode(ref reader);
        return (item1, item2, item3, item4, item5, item6);
    }
}

/// <summary>The coder of a value tuple of 7 items: the items in order.</summary>
/// <typeparam name="T1">The type of item 1.</typeparam>
/// <typeparam name="T2">The type of item 2.</typeparam>
/// <typeparam name="T3">The type of item 3.</typeparam>
/// <typeparam name="T4">The type of item 4.</typeparam>
/// <typeparam name="T5">The type of item 5.</typeparam>
/// <typeparam name="T6">The type of item 6.</typeparam>
/// <typeparam name="T7">The type of item 7.</typeparam>
/// <typeparam name="C1">The coder of item 1.</typeparam>
/// <typeparam name="C2">The coder of item 2.</typeparam>
/// <typeparam name="C3">The coder of item 3.</typeparam>
/// <typeparam name="C4">The coder of item 4.</typeparam>
/// <typeparam name="C5">The coder of item 5.</typeparam>
/// <typeparam name="C6">The coder of item 6.</typeparam>
/// <typeparam name="C7">The coder of item 7.</typeparam>
public readonly struct ValueTupleCoder<T1, T2, T3, T4, T5, T6, T7, C1, C2, C3, C4, C5, C6, C7> : ICoder<(T1, T2, T3, T4, T5, T6, T7)>
    where C1 : struct, ICoder<T1>
    where C2 : struct, ICoder<T2>
    where C3 : struct, ICoder<T3>
    where C4 : struct, ICoder<T4>
    where C5 : struct, ICoder<T5>
    where C6 : struct, ICoder<T6>
    where C7 : struct, ICoder<T7>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(Coder.CombineVersions(0x0300_0007u, default(C1).FormatVersion), default(C2).FormatVersion), default(C3).FormatVersion), default(C4).FormatVersion), default(C5).FormatVersion), default(C6).FormatVersion), default(C7).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, (T1, T2, T3, T4, T5, T6, T7) value)
    {
        default(C1).Encode(ref writer, value.Item1);
        default(C2).Encode(ref writer, value.Item2);
        default(C3).Encode(ref writer, value.Item3);
        default(C4).Encode(ref writer, value.Item4);
        default(C5).Encode(ref writer, value.Item5);
        default(C6).Encode(ref writer, value.Item6);
        default(C7).Encode(ref writer, value.Item7);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (T1, T2, T3, T4, T5, T6, T7) Decode(ref CoderReader reader)
    {
        var item1 = default(C1).Decode(ref reader);
        var item2 = default(C2).Decode(ref reader);
        var item3 = default(C3).Decode(ref reader);
        var item4 = default(C4).Decode(ref reader);
        var item5 = default(C5).Decode(ref reader);
        var item6 = default(C6).Decode(ref reader);
        var item7 = default(C7).Decode(ref reader);
        return (item1, item2, item3, item4, item5, item6, item7);
    }
}
