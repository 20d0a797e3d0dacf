using System;

namespace Compiled;

/// <summary>
/// One group found by <see cref="MergeOverlappingIntervalWindows.MergeWindows(Span{BoundedWindow}, Span{WindowMergeGroup})"/>:
/// a run of the sorted windows, <see cref="Count"/> long from index <see cref="First"/>, that
/// together become <see cref="Result"/>.
/// </summary>
public readonly struct WindowMergeGroup : IEquatable<WindowMergeGroup>
{
    /// <summary>Creates a group.</summary>
    /// <param name="first">Index of the group's first window in the sorted span.</param>
    /// <param name="count">Number of windows in the group; at least 1.</param>
    /// <param name="result">The window the group becomes: the span of its windows.</param>
    public WindowMergeGroup(int first, int count, BoundedWindow result)
    {
        First = first;
        Count = count;
        Result = result;
    }

    /// <summary>Index of the group's first window in the sorted span.</summary>
    public int First { get; }

    /// <summary>Number of windows in the group.</summary>
    public int Count { get; }

    /// <summary>The window the group becomes (for a group of one, that window itself).</summary>
    public BoundedWindow Result { get; }

    /// <summary>True if two or more windows merge here: the groups Beam reports to <c>MergeContext.merge</c>.</summary>
    public bool IsMerge => Count > 1;

    /// <inheritdoc />
    public bool Equals(WindowMergeGroup other) => First == other.First && Count == other.Count && Result == other.Result;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is WindowMergeGroup other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(First, Count, Result);

    /// <inheritdoc />
    public override string ToString() => $"{Count} window(s) from #{First} -> {Result}";

    /// <summary>Equality.</summary>
    /// <param name="left">A group.</param>
    /// <param name="right">Another.</param>
    /// <returns>True if equal.</returns>
    public static bool operator ==(WindowMergeGroup left, WindowMergeGroup right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">A group.</param>
    /// <param name="right">Another.</param>
    /// <returns>True if not equal.</returns>
    public static bool operator !=(WindowMergeGroup left, WindowMergeGroup right) => !left.Equals(right);
}
