using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>
/// Windows of one size that start every period (Beam's <c>SlidingWindows</c>):
/// [N·period + offset, N·period + offset + size) for every integer N; an element is in every window
/// that contains its timestamp.
/// </summary>
/// <remarks>
/// <para>
/// Assignment follows Beam: the last window start at or before the timestamp is
/// <c>lastStart = t - ((t - offset) mod period)</c> (modulus taken non-negative; see
/// <see cref="FixedWindows"/> on Beam's truncating <c>%</c>), and the windows are those starting at
/// lastStart, lastStart - period, ... while <c>start &gt; t - size</c>, latest first.
/// </para>
/// <para>
/// As in Beam, the period may exceed the size: the windows then leave gaps, and an element that falls
/// in a gap is in no window (it is dropped by windowing). Only <c>period &lt;= size</c> guarantees every
/// element a window. Unlike fixed windows, Beam does not cut sliding windows short at the end of the
/// global window, and neither do we.
/// </para>
/// <para><c>default(SlidingWindows)</c> is not a valid window function; use a constructor.</para>
/// </remarks>
public readonly struct SlidingWindows : IWindowFn, IEquatable<SlidingWindows>
{
    /// <summary>
    /// Creates sliding windows of <paramref name="sizeMillis"/> starting every
    /// <paramref name="periodMillis"/>, shifted by <paramref name="offsetMillis"/>.
    /// </summary>
    /// <param name="sizeMillis">Window size in milliseconds; positive.</param>
    /// <param name="periodMillis">Time between window starts in milliseconds; positive.</param>
    /// <param name="offsetMillis">Offset of window starts from the epoch, in [0, period).</param>
    /// <exception cref="ArgumentException">Not 0 &lt;= offset &lt; period and 0 &lt; size (Beam's rule).</exception>
    public SlidingWindows(long sizeMillis, long periodMillis, long offsetMillis = 0)
    {
        if (offsetMillis < 0 || offsetMillis >= periodMillis || sizeMillis <= 0)
        {
            throw new ArgumentException($"SlidingWindows must have 0 <= offset < period and 0 < size; got size {sizeMillis} ms, period {periodMillis} ms, offset {offsetMillis} ms.");
        }

        SizeMillis = sizeMillis;
        PeriodMillis = periodMillis;
        OffsetMillis = offsetMillis;
    }

    /// <summary>Window size in milliseconds.</summary>
    public long SizeMillis { get; }

    /// <summary>Time between window starts in milliseconds.</summary>
    public long PeriodMillis { get; }

    /// <summary>Offset of window starts from the epoch, in milliseconds.</summary>
    public long OffsetMillis { get; }

    /// <summary>Window size.</summary>
    public TimeSpan Size => Durations.FromMillis(SizeMillis);

    /// <summary>Time between window starts.</summary>
    public TimeSpan Period => Durations.FromMillis(PeriodMillis);

    /// <summary>Offset of window starts from the epoch.</summary>
    public TimeSpan Offset => Durations.FromMillis(OffsetMillis);

    /// <inheritdoc />
    public bool IsMerging => false;

    /// <summary>True when the period is at least the size (Beam's <c>assignsToOneWindow</c>): windows do not overlap.</summary>
    public bool AssignsToOneWindow => PeriodMillis >= SizeMillis;

    /// <summary>ceil(size / period), capped at <see cref="int.MaxValue"/>.</summary>
    public int MaxWindowsPerElement
    {
        get
        {
            long max = (SizeMillis / PeriodMillis) + (SizeMillis % PeriodMillis == 0 ? 0 : 1);
            return max > int.MaxValue ? int.MaxValue : (int)max;
        }
    }

    /// <summary>
    /// Beam's default period for a size: the largest of one hour, one minute, one second and one
    /// millisecond that is strictly shorter than the size (one millisecond if none is).
    /// </summary>
    /// <param name="sizeMillis">Window size in milliseconds.</param>
    /// <returns>The default period in milliseconds.</returns>
    public static long DefaultPeriodMillis(long sizeMillis) =>
        sizeMillis > 3_600_000L ? 3_600_000L
        : sizeMillis > 60_000L ? 60_000L
        : sizeMillis > 1_000L ? 1_000L
        : 1L;

    /// <summary>The start of the latest window containing <paramref name="timestampMillis"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long LastStartFor(long timestampMillis) =>
        timestampMillis - WindowMath.FloorMod(timestampMillis - OffsetMillis, PeriodMillis);

    /// <inheritdoc />
    public int AssignWindows(Instant timestamp, Span<BoundedWindow> destination)
    {
        long t = timestamp.Millis;
        long floor = t - SizeMillis;
        int count = 0;
        for (long start = LastStartFor(t); start > floor; start -= PeriodMillis)
        {
            if ((uint)count >= (uint)destination.Length)
            {
                WindowMath.ThrowDestinationTooShort(MaxWindowsPerElement);
            }

            destination[count++] = BoundedWindow.Interval(new Instant(start), new Instant(start + SizeMillis));
        }

        return count;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AssignWindows<TConsumer>(Instant timestamp, ref TConsumer consumer)
        where TConsumer : IWindowConsumer, allows ref struct
    {
        long t = timestamp.Millis;
        long floor = t - SizeMillis;
        for (long start = LastStartFor(t); start > floor; start -= PeriodMillis)
        {
            consumer.Accept(BoundedWindow.Interval(new Instant(start), new Instant(start + SizeMillis)));
        }
    }

    /// <summary>
    /// Beam's <c>SlidingWindows.getOutputTime</c>: in the earliest window containing the input the
    /// input timestamp stands; in a later window it moves to one past the previous window's max
    /// timestamp (<c>window.MaxTimestamp - period + 1</c>), if it is not already later, so that a
    /// later window's output never holds the watermark before the end of an earlier window.
    /// </summary>
    /// <param name="inputTimestamp">The input's event timestamp.</param>
    /// <param name="window">A window the input was assigned to.</param>
    /// <returns>The shifted output time.</returns>
    public Instant GetOutputTime(Instant inputTimestamp, BoundedWindow window)
    {
        long startOfLastSegment = window.MaxTimestamp.Millis - PeriodMillis;
        return startOfLastSegment < inputTimestamp.Millis ? inputTimestamp : new Instant(startOfLastSegment + 1);
    }

    /// <summary>
    /// The earliest window that contains the main window's max timestamp (Beam's default mapping):
    /// <c>[lastStart(max - size) + period, ... + size)</c>.
    /// </summary>
    /// <param name="mainWindow">The main input's window; not global.</param>
    /// <returns>The side input's window.</returns>
    /// <exception cref="ArgumentException"><paramref name="mainWindow"/> is the global window.</exception>
    public BoundedWindow GetSideInputWindow(BoundedWindow mainWindow)
    {
        if (mainWindow.IsGlobal)
        {
            WindowMath.ThrowGlobalMainWindow();
        }

        long start = LastStartFor(mainWindow.MaxTimestamp.Millis - SizeMillis) + PeriodMillis;
        return BoundedWindow.Interval(new Instant(start), new Instant(start + SizeMillis));
    }

    /// <summary>True if <paramref name="other"/> is sliding windows of the same size, period and offset (Beam's rule).</summary>
    /// <typeparam name="TOther">The other window function's type.</typeparam>
    /// <param name="other">The other window function.</param>
    /// <returns>True if compatible.</returns>
    public bool IsCompatible<TOther>(in TOther other)
        where TOther : IWindowFn => other is SlidingWindows sliding && Equals(sliding);

    /// <inheritdoc />
    public bool Equals(SlidingWindows other) =>
        SizeMillis == other.SizeMillis && PeriodMillis == other.PeriodMillis && OffsetMillis == other.OffsetMillis;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SlidingWindows other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SizeMillis, PeriodMillis, OffsetMillis);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"SlidingWindows(size {SizeMillis} ms, period {PeriodMillis} ms, offset {OffsetMillis} ms)");

    /// <summary>Equality: same size, period and offset.</summary>
    /// <param name="left">A window function.</param>
    /// <param name="right">Another.</param>
    /// <returns>True if equal.</returns>
    public static bool operator ==(SlidingWindows left, SlidingWindows right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">A window function.</param>
    /// <param name="right">Another.</param>
    /// <returns>True if not equal.</returns>
    public static bool operator !=(SlidingWindows left, SlidingWindows right) => !left.Equals(right);
}
