namespace Compiled.Execution;

/// <summary>A timer (or a window expiration) due to fire, as <see cref="TimerScheduler"/> hands it to the generated code.</summary>
/// <param name="Slot">The key-and-window slot.</param>
/// <param name="Timer">The timer's ordinal in the state struct; -1 for the expiration of the slot's window.</param>
/// <param name="Id">The dynamic id of a timer of a timer map; null otherwise.</param>
/// <param name="Domain">The timer's time domain.</param>
/// <param name="FireTimestamp">When it was set to fire.</param>
/// <param name="OutputTimestamp">The timestamp of what its callback outputs (the watermark hold it had).</param>
public readonly record struct TimerFiring(int Slot, int Timer, string? Id, TimeDomain Domain, Instant FireTimestamp, Instant OutputTimestamp)
{
    /// <summary>True for the expiration of the slot's window (OnWindowExpiration, then the state is dropped).</summary>
    public bool IsExpiration => Timer < 0;
}
