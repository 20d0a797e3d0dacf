using System;

namespace Compiled.Execution;

/// <summary>The single key of a global (unkeyed) combine or count run on keyed window state.</summary>
public readonly struct GlobalKey : IEquatable<GlobalKey>
{
    /// <inheritdoc/>
    public bool Equals(GlobalKey other) => true;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GlobalKey;

    /// <inheritdoc/>
    public override int GetHashCode() => 0;

    /// <inheritdoc/>
    public override string ToString() => "(global)";
}
