using System;
using System.ComponentModel;
using Compiled.Execution;

namespace Compiled;

/// <summary>
/// A family of event-time timers with dynamic ids per key and window (Beam's <c>TimerMap</c>, declared with <c>@TimerFamily</c>).
/// </summary>
/// <remarks>
/// Declare it as a field of a stateful ParDo's state struct. Each id is a timer of its own: setting an id again
/// replaces its previous setting. The ParDo's <c>onTimer</c> receives the field's name in
/// <see cref="TimerContext.TimerId"/> and the id in <see cref="TimerContext.DynamicTimerId"/>.
/// </remarks>
public readonly struct EventTimeTimerMap
{
    private readonly TimerScheduler? _scheduler;
    private readonly int _slot;
    private readonly int _timer;

    private EventTimeTimerMap(TimerScheduler scheduler, int slot, int timer)
    {
        _scheduler = scheduler;
        _slot = slot;
        _timer = timer;
    }

    /// <summary>Binds the family to a slot of a stateful ParDo (called by generated code when a key's state is created).</summary>
    /// <param name="scheduler">The ParDo's timers.</param>
    /// <param name="slot">The key-and-window slot.</param>
    /// <param name="timer">The family's ordinal in the state struct.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static EventTimeTimerMap Bind(TimerScheduler scheduler, int slot, int timer) => new(scheduler, slot, timer);

    /// <summary>The timer <paramref name="timerId"/> of the family (Beam's <c>TimerMap.get</c>).</summary>
    /// <param name="timerId">The dynamic timer id.</param>
    public EventTimeTimer Get(string timerId)
    {
        ArgumentNullException.ThrowIfNull(timerId);
        return new(_scheduler ?? throw new InvalidOperationException(
            "This timer map is not bound to a key and window: timer maps work as fields of the state struct of a stateful ParDo, in its callbacks."), _slot, _timer, timerId);
    }

    /// <summary>Sets the timer <paramref name="timerId"/> to fire when the input watermark passes <paramref name="target"/> (Beam's <c>TimerMap.set</c>).</summary>
    /// <param name="timerId">The dynamic timer id.</param>
    /// <param name="target">The firing timestamp.</param>
    public void Set(string timerId, Instant target) => Get(timerId).Set(target);

    /// <summary>Cancels the timer <paramref name="timerId"/>.</summary>
    /// <param name="timerId">The dynamic timer id.</param>
    public void Clear(string timerId) => Get(timerId).Clear();
}
