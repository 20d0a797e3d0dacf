using System;

namespace Compiled.Execution;

/// <summary>The single key of a global (unkeyed) combine or count run on keyed window state.</summary>
[Coders.Coder(typeof(GlobalKeyCoder), Deterministic = true)]
public readonly struct GlobalKey : IEquatable<GlobalKey>
{
    /// <summary>
    /// The key of every element: generated code keys a global combine that reads a side input with it, as Beam keys
    /// <c>Combine.globally</c> with a single void key before it combines per key.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="element">The element (not read).</param>
    public static GlobalKey Of<T>(T element) => default;

    /// <inheritdoc/>
    public bool Equals(GlobalKey other) => true;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GlobalKey;

    /// <inheritdoc/>
    public override int GetHashCode() => 0;

    /// <inheritdoc/>
    public override string ToString() => "(global)";
}

/// <summary>The coder of <see cref="GlobalKey"/>: it has one value, written as no bytes.</summary>
public readonly struct GlobalKeyCoder : Coders.ICoder<GlobalKey>
{
    /// <inheritdoc/>
    public uint FormatVersion => 1;

    /// <inheritdoc/>
    public void Encode(ref Coders.CoderWriter writer, GlobalKey value)
    {
    }

    /// <inheritdoc/>
    public GlobalKey Decode(ref Coders.CoderReader reader) => default;
}
