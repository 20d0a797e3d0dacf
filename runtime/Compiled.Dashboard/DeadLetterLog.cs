using System;
using System.Collections.Generic;
using System.Threading;

namespace Compiled.Dashboard;

/// <summary>
/// The dead letters a job reports to its dashboard: how many, and the reasons of the last few. A job calls
/// <see cref="Record"/> from its dead-letter sink; that happens once per malformed record, never per good element.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class DeadLetterLog
{
    private readonly object _gate = new();
    private readonly Queue<DeadLetterReason> _last = new();
    private readonly int _kept;
    private long _count;

    /// <summary>Creates a log that keeps the last <paramref name="kept"/> reasons.</summary>
    /// <param name="kept">How many reasons to keep (0 keeps only the count).</param>
    public DeadLetterLog(int kept = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kept, 0);
        _kept = kept;
    }

    /// <summary>The dead letters recorded so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Records one dead letter and why it was set aside.</summary>
    /// <param name="reason">The reason, as shown on the page (shortened to 200 characters).</param>
    public void Record(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Interlocked.Increment(ref _count);
        if (_kept == 0)
        {
            return;
        }

        var shown = reason.Length > 200 ? reason[..200] + "..." : reason;
        lock (_gate)
        {
            if (_last.Count == _kept)
            {
                _last.Dequeue();
            }

            _last.Enqueue(new DeadLetterReason(DateTimeOffset.UtcNow, shown));
        }
    }

    /// <summary>The last reasons kept, newest last.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<DeadLetterReason> LastReasons()
    {
        lock (_gate)
        {
            return _last.ToArray();
        }
    }
}

/// <summary>One dead letter's reason and when it was recorded.</summary>
/// <param name="Time">When it was recorded.</param>
/// <param name="Reason">Why the record was set aside.</param>
public readonly record struct DeadLetterReason(DateTimeOffset Time, string Reason);
