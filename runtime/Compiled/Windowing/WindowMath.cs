using System;
using System.Runtime.CompilerServices;

namespace Compiled;

/// <summary>Arithmetic shared by the window functions.</summary>
internal static class WindowMath
{
    /// <summary>
    /// The exclusive end of the global window, in milliseconds: one past its max timestamp. Fixed
    /// windows that would reach past it are cut short here, as in Beam.
    /// </summary>
    internal static long EndOfGlobalWindowMillis => BoundedWindow.Global.MaxTimestamp.Millis + 1;

    /// <summary>
    /// When a window's state is garbage collected (Beam's <c>LateDataUtils.garbageCollectionTime</c>): its max timestamp plus
    /// the allowed lateness, never past the end of the global window (and never before the window's own max timestamp).
    /// </summary>
    /// <param name="window">The window.</param>
    /// <param name="allowedLatenessMillis">The allowed lateness.</param>
    /// <returns>The time, in milliseconds.</returns>
    internal static long GarbageCollectionTime(BoundedWindow window, long allowedLatenessMillis)
    {
        var max = window.MaxTimestamp.Millis;
        var globalMax = BoundedWindow.Global.MaxTimestamp.Millis;
        return max >= globalMax - allowedLatenessMillis ? Math.Max(max, globalMax) : max + allowedLatenessMillis;
    }

    /// <summary>
    /// <paramref name="value"/> mod <paramref name="modulus"/>, always in [0, modulus). Beam's Java
    /// uses the truncating <c>%</c>, which goes negative for timestamps before
    /// <c>offset - size</c>; see <see cref="FixedWindows"/> for why we floor instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long FloorMod(long value, long modulus)
    {
        long remainder = value % modulus;
        return remainder < 0 ? remainder + modulus : remainder;
    }

    /// <summary>Throws the exception used when an assignment destination span is too short.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowDestinationTooShort(int needed) =>
        throw new ArgumentException($"The destination span is too short: it must hold at least {needed} windows (see MaxWindowsPerElement).", "destination");

    /// <summary>Throws if a window function meant for interval windows is given the global window.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowGlobalMainWindow() =>
        throw new ArgumentException("Attempted to get the side input window for the global window from a non-global window function.", "mainWindow");
}
