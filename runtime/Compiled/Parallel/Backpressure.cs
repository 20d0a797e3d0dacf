using System.Diagnostics;
using System.Threading;

namespace Compiled.Parallel;

/// <summary>
/// Time producers spent blocked on full exchange channels, over the whole process: the backpressure of parallel
/// runners. Added to only on the slow path (a write that found every slot taken), so it costs nothing while the
/// channels keep up. Exported as <c>compiled.exchange.blocked_time</c> and <c>compiled.exchange.blocked_waits</c>.
/// </summary>
public static class Backpressure
{
    private static long s_blockedTicks;
    private static long s_waits;

    /// <summary>The total time producers have been blocked on full channels since the process started.</summary>
    public static System.TimeSpan BlockedTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref s_blockedTicks));

    /// <summary>How many times a producer found a channel full and waited.</summary>
    public static long Waits => Interlocked.Read(ref s_waits);

    /// <summary>Adds one wait that began at <paramref name="fromTimestamp"/> and ends now.</summary>
    /// <param name="fromTimestamp">When the wait began (<see cref="Stopwatch.GetTimestamp"/>).</param>
    internal static void AddBlocked(long fromTimestamp)
    {
        Interlocked.Add(ref s_blockedTicks, Stopwatch.GetTimestamp() - fromTimestamp);
        Interlocked.Increment(ref s_waits);
    }
}
