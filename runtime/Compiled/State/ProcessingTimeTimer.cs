using System;
using System.ComponentModel;
using Compiled.Execution;

namespace Compiled;

/// <summary>
/// A processing-time timer per key and window (Beam's <c>Timer</c> in <c>TimeDomain.PROCESSING_TIME</c>): it fires when processing time reaches its timestamp. Only relative settings are allowed.
/// </summary>
/// <remarks>
/// <para>Declare it as a field of a stateful ParDo's state struct; the runner binds it to its key and window. Setting it
/// again replaces the previous setting (a timer never fires twice for one setting); <see cref="Clear"/> cancels it.
/// Its callback is the ParDo's <c>onTimer</c>, with <see cref="TimerContext.TimerId"/> naming the field.</para>
/// <para>A readonly struct: <see cref="Offset"/>, <see cref="Align"/> and <see cref="WithOutputTimestamp"/> return a
/// configured copy, so <c>state.Timeout.Offset(TimeSpan.FromMinutes(10)).SetRelative()</c> reads as Beam's chain and
/// allocates nothing.</para>
/// </remarks>
public readonly struct ProcessingTimeTimer
{
    private readonly TimerScheduler? _scheduler;
    private readonly int _slot;
    private readonly int _timer;
    private readonly string? _id;
    private readonly long _offset;
    private readonly long _period;
    private readonly bool _hasOutput;
    private readonly long _output;

    internal ProcessingTimeTimer(TimerScheduler scheduler, int slot, int timer, string? id)
    {
        _scheduler = scheduler;
        _slot = slot;
        _timer = timer;
        _id = id;
        _offset = 0;
        _period = 0;
        _hasOutput = false;
        _output = 0;
    }

    private ProcessingTimeTimer(ProcessingTimeTimer other, long offset, long period, bool hasOutput, long output)
    {
        this = other;
        _offset = offset;
        _period = period;
        _hasOutput = hasOutput;
        _output = output;
    }

    /// <summary>Binds the timer to a slot of a stateful ParDo (called by generated code when a key's state is created).</summary>
    /// <param name="scheduler">The ParDo's timers.</param>
    /// <param name="slot">The key-and-window slot.</param>
    /// <param name="timer">The timer's ordinal in the state struct.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ProcessingTimeTimer Bind(TimerScheduler scheduler, int slot, int timer) => new(scheduler, slot, timer, null);

    private TimerScheduler Scheduler => _scheduler ?? throw new InvalidOperationException(
        "This timer is not bound to a key and window: timers work as fields of the state struct of a stateful ParDo, in its callbacks.");

    /// <summary>A copy that <see cref="SetRelative"/> sets <paramref name="offset"/> after processing time (Beam's <c>offset</c>).</summary>
    /// <param name="offset">The delay.</param>
    public ProcessingTimeTimer Offset(TimeSpan offset) => new(this, Millis(offset), _period, _hasOutput, _output);

    /// <summary>A copy that <see cref="SetRelative"/> aligns up to a multiple of <paramref name="period"/> (Beam's <c>align</c>).</summary>
    /// <param name="period">The alignment period.</param>
    public ProcessingTimeTimer Align(TimeSpan period) => new(this, _offset, Millis(period), _hasOutput, _output);

    /// <summary>
    /// A copy whose setting outputs at <paramref name="outputTimestamp"/> and holds the output watermark there until it
    /// fires (Beam's <c>withOutputTimestamp</c>). It may not be before the input's timestamp, nor after the window's expiration.
    /// </summary>
    /// <param name="outputTimestamp">The output timestamp.</param>
    public ProcessingTimeTimer WithOutputTimestamp(Instant outputTimestamp) => new(this, _offset, _period, true, outputTimestamp.Millis);

    /// <summary>
    /// Not allowed: processing time cannot be set absolutely (Beam throws at run time); use
    /// <see cref="Offset"/> and <see cref="SetRelative"/>. Reported when the pipeline is compiled.
    /// </summary>
    /// <param name="target">Ignored.</param>
    [Obsolete("A processing-time timer cannot be set to an absolute time: only relative timers are allowed in processing time (Beam's setRelative). Use Offset(delay).SetRelative().", error: true)]
    public void Set(Instant target) => Scheduler.Set(_slot, _timer, _id, target, _hasOutput, new Instant(_output));

    /// <summary>
    /// Sets the timer relative to processing time: plus the <see cref="Offset"/>, or aligned up to the
    /// <see cref="Align"/> period as Beam aligns (Beam's <c>setRelative</c>).
    /// </summary>
    public void SetRelative() => Scheduler.SetRelative(_slot, _timer, _id, _offset, _period, _hasOutput, new Instant(_output));

    /// <summary>Cancels the timer: it does not fire unless set again.</summary>
    public void Clear() => Scheduler.Clear(_slot, _timer, _id);

    private static long Millis(TimeSpan duration) => duration.Ticks / TimeSpan.TicksPerMillisecond;
}
