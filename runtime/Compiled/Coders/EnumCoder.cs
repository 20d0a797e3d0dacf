using System;
using System.Runtime.CompilerServices;

namespace Compiled.Coders;

/// <summary>The coder of an enum: its underlying integer, written by that integer's coder (an unnamed value round-trips too).</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
/// <typeparam name="TUnderlying">Its underlying type.</typeparam>
/// <typeparam name="TCoder">The underlying type's coder.</typeparam>
public readonly struct EnumCoder<TEnum, TUnderlying, TCoder> : ICoder<TEnum>
    where TEnum : struct, Enum
    where TUnderlying : struct
    where TCoder : struct, ICoder<TUnderlying>
{
    /// <inheritdoc/>
    public uint FormatVersion => Coder.CombineVersions(0x0700_0001u, default(TCoder).FormatVersion);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref CoderWriter writer, TEnum value) => default(TCoder).Encode(ref writer, Unsafe.BitCast<TEnum, TUnderlying>(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TEnum Decode(ref CoderReader reader) => Unsafe.BitCast<TUnderlying, TEnum>(default(TCoder).Decode(ref reader));
}
