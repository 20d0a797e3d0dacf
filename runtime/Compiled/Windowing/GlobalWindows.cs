using System;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// Puts every element in the single global window (Beam's <c>GlobalWindows</c>), the default
/// windowing. The global window ends at <see cref="BoundedWindow.MaxTimestamp"/> of
/// <see cref="BoundedWindow.Global"/>: one day before <see cref="Instant.MaxValue"/>, as in Beam.
/// </summary>
public readonly struct GlobalWindows : IPartitioningWindowFn, IEquatable<GlobalWindows>
{
    /// <inheritdoc />
    public bool IsMerging => false;

    /// <inheritdoc />
    public bool AssignsToOneWindow => true;

    /// <inheritdoc />
    public int MaxWindowsPerElement => 1;

    /// <summary>The global window, whatever the timestamp.</summary>
    /// <param name="timestamp">The element's event timestamp (unused).</param>
    /// <returns><see cref="BoundedWindow.Global"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BoundedWindow AssignWindow(Instant timestamp) => BoundedWindow.Global;

    /// <inheritdoc />
    public int AssignWindows(Instant timestamp, Span<BoundedWindow> destination)
    {
        if (destination.IsEmpty)
        {
            WindowMath.ThrowDestinationTooShort(1);
        }

        destination[0] = BoundedWindow.Global;
        return 1;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AssignWindows<TConsumer>(Instant timestamp, ref TConsumer consumer)
        where TConsumer : IWindowConsumer, allows ref struct => consumer.Accept(BoundedWindow.Global);

    /// <summary>The input timestamp, unchanged (Beam's default).</summary>
    /// <param name="inputTimestamp">The input's event timestamp.</param>
    /// <param name="window">The global window.</param>
    /// <returns><paramref name="inputTimestamp"/>.</returns>
    public Instant GetOutputTime(Instant inputTimestamp, BoundedWindow window) => inputTimestamp;

    /// <summary>The global window: every main-input window reads the whole globally windowed side input.</summary>
    /// <param name="mainWindow">The main input's window (any).</param>
    /// <returns><see cref="BoundedWindow.Global"/>.</returns>
    public BoundedWindow GetSideInputWindow(BoundedWindow mainWindow) => BoundedWindow.Global;

    /// <summary>True if <paramref name="other"/> is also <see cref="GlobalWindows"/>.</summary>
    /// <typeparam name="TOther">The other window function's type.</typeparam>
    /// <param name="other">The other window function.</param>
    /// <returns>True if compatible.</returns>
    public bool IsCompatible<TOther>(in TOther other)
        where TOther : IWindowFn => other is GlobalWindows;

    /// <inheritdoc />
    public bool Equals(GlobalWindows other) => true;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GlobalWindows;

    /// <inheritdoc />
    public override int GetHashCode() => 0x6C0B;

    /// <inheritdoc />
    public override string ToString() => "GlobalWindows";

    /// <summary>Equality: all instances are equal.</summary>
    /// <param name="left">A window function.</param>
    /// <param name="right">Another.</param>
    /// <returns>True.</returns>
    public static bool operator ==(GlobalWindows left, GlobalWindows right) => true;

    /// <summary>Inequality: all instances are equal.</summary>
    /// <param name="left">A window function.</param>
    /// <param name="right">Another.</param>
    /// <returns>False.</returns>
    public static bool operator !=(GlobalWindows left, GlobalWindows right) => false;
}
