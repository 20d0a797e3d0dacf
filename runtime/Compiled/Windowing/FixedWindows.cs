using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// Partitions event time into windows of one size (Beam's <c>FixedWindows</c>):
/// [N·size + offset, (N + 1)·size + offset) for every integer N, each element in exactly one window.
/// </summary>
/// <remarks>
/// <para>
/// Assignment: <c>start = t - ((t - offset) mod size)</c> with the modulus taken non-negative, so an
/// element is always in the window that contains it, negative timestamps included. Beam's Java
/// computes <c>(t + size - offset) % size</c> with the truncating <c>%</c>, which for
/// <c>t &lt; offset - size</c> gives the window after the element's (the bug Flink fixed in
/// FLINK-26334 and Spark in SPARK-39347); the two agree for every other timestamp.
/// </para>
/// <para>
/// As in Beam, the last window before the end of the global window is cut short to end where the
/// global window ends, so its max timestamp is the global window's. (An element past the end of the
/// global window keeps its full window, which contains it; Beam would make an inverted window.)
/// </para>
/// <para><c>default(FixedWindows)</c> is not a valid window function; use a constructor.</para>
/// </remarks>
public readonly struct FixedWindows : IPartitioningWindowFn, IEquatable<FixedWindows>
{
    /// <summary>Creates fixed windows of <paramref name="sizeMillis"/> shifted by <paramref name="offsetMillis"/>.</summary>
    /// <param name="sizeMillis">Window size in milliseconds; positive.</param>
    /// <param name="offsetMillis">Offset of window starts from the epoch, in [0, size).</param>
    /// <exception cref="ArgumentException">Not 0 &lt;= offset &lt; size (Beam's rule).</exception>
    public FixedWindows(long sizeMillis, long offsetMillis = 0)
    {
        if (offsetMillis < 0 || offsetMillis >= sizeMillis)
        {
            throw new ArgumentException($"FixedWindows must have 0 <= offset < size; got size {sizeMillis} ms, offset {offsetMillis} ms.");
        }

        SizeMillis = sizeMillis;
        OffsetMillis = offsetMillis;
    }

    /// <summary>Window size in milliseconds.</summary>
    public long SizeMillis { get; }

    /// <summary>Offset of window starts from the epoch, in milliseconds.</summary>
    public long OffsetMillis { get; }

    /// <summary>Window size.</summary>
    public TimeSpan Size => Durations.FromMillis(SizeMillis);

    /// <summary>Offset of window starts from the epoch.</summary>
    public TimeSpan Offset => Durations.FromMillis(OffsetMillis);

    /// <inheritdoc />
    public bool IsMerging => false;

    /// <inheritdoc />
    public bool AssignsToOneWindow => true;

    /// <inheritdoc />
    public int MaxWindowsPerElement => 1;

    /// <summary>The window [start, start + size) that contains <paramref name="timestamp"/>.</summary>
    /// <param name="timestamp">The element's event timestamp.</param>
    /// <returns>The element's window.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BoundedWindow AssignWindow(Instant timestamp)
    {
        long t = timestamp.Millis;
        long start = t - WindowMath.FloorMod(t - OffsetMillis, SizeMillis);
        long end = start + SizeMillis;
        long endOfGlobal = WindowMath.EndOfGlobalWindowMillis;
        if (end > endOfGlobal && t < endOfGlobal)
        {
            end = endOfGlobal;
        }

        return BoundedWindow.Interval(new Instant(start), new Instant(end));
    }

    /// <inheritdoc />
    public int AssignWindows(Instant timestamp, Span<BoundedWindow> destination)
    {
        if (destination.IsEmpty)
        {
            WindowMath.ThrowDestinationTooShort(1);
        }

        destination[0] = AssignWindow(timestamp);
        return 1;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AssignWindows<TConsumer>(Instant timestamp, ref TConsumer consumer)
        where TConsumer : IWindowConsumer, allows ref struct => consumer.Accept(AssignWindow(timestamp));

    /// <summary>The input timestamp, unchanged: fixed windows do not overlap (Beam's default).</summary>
    /// <param name="inputTimestamp">The input's event timestamp.</param>
    /// <param name="window">The input's window.</param>
    /// <returns><paramref name="inputTimestamp"/>.</returns>
    public Instant GetOutputTime(Instant inputTimestamp, BoundedWindow window) => inputTimestamp;

    /// <summary>The window containing the main window's max timestamp (Beam's partitioning default).</summary>
    /// <param name="mainWindow">The main input's window; not global.</param>
    /// <returns>The side input's window.</returns>
    /// <exception cref="ArgumentException"><paramref name="mainWindow"/> is the global window.</exception>
    public BoundedWindow GetSideInputWindow(BoundedWindow mainWindow)
    {
        if (mainWindow.IsGlobal)
        {
            WindowMath.ThrowGlobalMainWindow();
        }

        return AssignWindow(mainWindow.MaxTimestamp);
    }

    /// <summary>True if <paramref name="other"/> is fixed windows of the same size and offset (Beam's rule).</summary>
    /// <typeparam name="TOther">The other window function's type.</typeparam>
    /// <param name="other">The other window function.</param>
    /// <returns>True if compatible.</returns>
    public bool IsCompatible<TOther>(in TOther other)
        where TOther : IWindowFn => other is FixedWindows fixedWindows && Equals(fixedWindows);

    /// <inheritdoc />
    public bool Equals(FixedWindows other) => SizeMillis == other.SizeMillis && OffsetMillis == other.OffsetMillis;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FixedWindows other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SizeMillis, OffsetMillis);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"FixedWindows(size {SizeMillis} ms, offset {OffsetMillis} ms)");

    /// <summary>Equality: same size and offset.</summary>
    /// <param name="left">A window function.</param>
    /// <param name="right">Another.</param>
    /// <returns>True if equal.</returns>
    public static bool operator ==(FixedWindows left, FixedWindows right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">A window function.</param>
    /// <param name="right">Another.</param>
    /// <returns>True if not equal.</returns>
    public static bool operator !=(FixedWindows left, FixedWindows right) => !left.Equals(right);
}
