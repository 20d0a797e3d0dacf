using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// Session windows (Beam's <c>Sessions</c>): each element is assigned [t, t + gap), and windows of one
/// key that overlap merge, so a session is a run of elements each less than <c>gap</c> after the
/// previous, and it ends one gap after its last element.
/// </summary>
/// <remarks>
/// Beam accepts any gap duration; we require a positive one (a zero gap would assign the empty
/// window [t, t), which contains nothing, not even its element). <c>default(Sessions)</c> is not a
/// valid window function; use a constructor.
/// </remarks>
public readonly struct Sessions : IMergingWindowFn, IEquatable<Sessions>
{
    /// <summary>Creates session windows with a gap of <paramref name="gapMillis"/>.</summary>
    /// <param name="gapMillis">The gap duration in milliseconds; positive.</param>
    /// <exception cref="ArgumentException">The gap is not positive.</exception>
    public Sessions(long gapMillis)
    {
        if (gapMillis <= 0)
        {
            throw new ArgumentException($"Sessions must have a positive gap duration; got {gapMillis} ms.", nameof(gapMillis));
        }

        GapMillis = gapMillis;
    }

    /// <summary>The gap duration in milliseconds.</summary>
    public long GapMillis { get; }

    /// <summary>The gap duration.</summary>
    public TimeSpan Gap => Durations.FromMillis(GapMillis);

    /// <inheritdoc />
    public bool IsMerging => true;

    /// <summary>
    /// False, as in Beam: each element is assigned one window, but that window is not final (it may
    /// merge), so it does not partition elements the way fixed windows do.
    /// </summary>
    public bool AssignsToOneWindow => false;

    /// <inheritdoc />
    public int MaxWindowsPerElement => 1;

    /// <summary>The proto-session [t, t + gap) of an element with <paramref name="timestamp"/>.</summary>
    /// <param name="timestamp">The element's event timestamp.</param>
    /// <returns>The element's window before merging.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BoundedWindow AssignWindow(Instant timestamp) =>
        BoundedWindow.Interval(timestamp, new Instant(timestamp.Millis + GapMillis));

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

    /// <summary>Merges overlapping sessions with <see cref="MergeOverlappingIntervalWindows"/>.</summary>
    /// <typeparam name="TConsumer">The consumer type.</typeparam>
    /// <param name="windows">The current windows of one key; sorted in place.</param>
    /// <param name="consumer">Receives each merge.</param>
    public void MergeWindows<TConsumer>(Span<BoundedWindow> windows, ref TConsumer consumer)
        where TConsumer : IMergeConsumer, allows ref struct =>
        MergeOverlappingIntervalWindows.MergeWindows(windows, ref consumer);

    /// <summary>The input timestamp, unchanged (Beam's default).</summary>
    /// <param name="inputTimestamp">The input's event timestamp.</param>
    /// <param name="window">The input's window.</param>
    /// <returns><paramref name="inputTimestamp"/>.</returns>
    public Instant GetOutputTime(Instant inputTimestamp, BoundedWindow window) => inputTimestamp;

    /// <summary>Always throws: as in Beam, sessions cannot window a side input.</summary>
    /// <param name="mainWindow">The main input's window.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public BoundedWindow GetSideInputWindow(BoundedWindow mainWindow) =>
        throw new NotSupportedException("Sessions is not allowed in side inputs.");

    /// <summary>True if <paramref name="other"/> is also sessions, whatever its gap (Beam's rule: the merging is the same).</summary>
    /// <typeparam name="TOther">The other window function's type.</typeparam>
    /// <param name="other">The other window function.</param>
    /// <returns>True if compatible.</returns>
    public bool IsCompatible<TOther>(in TOther other)
        where TOther : IWindowFn => other is Sessions;

    /// <inheritdoc />
    public bool Equals(Sessions other) => GapMillis == other.GapMillis;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Sessions other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => GapMillis.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Sessions(gap {GapMillis} ms)");

    /// <summary>Equality: same gap.</summary>
    /// <param name="left">A window function.</param>
    /// <param name="right">Another.</param>
    /// <returns>True if equal.</returns>
    public static bool operator ==(Sessions left, Sessions right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">A window function.</param>
    /// <param name="right">Another.</param>
    /// <returns>True if not equal.</returns>
    public static bool operator !=(Sessions left, Sessions right) => !left.Equals(right);
}
