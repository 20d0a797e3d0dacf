namespace Compiled;

/// <summary>The timer a stateful ParDo's <c>onTimer</c> is called for (Beam's <c>OnTimerContext</c>).</summary>
/// <param name="TimerId">The name of the timer's field in the state struct (compare with <c>nameof(State.Field)</c>).</param>
/// <param name="DynamicTimerId">For a timer of a timer map, its dynamic id; null for a plain timer.</param>
/// <param name="Domain">The timer's time domain.</param>
/// <param name="FireTimestamp">The time the timer was set to fire at.</param>
/// <param name="Timestamp">
/// The timestamp of the callback's outputs (Beam's <c>@Timestamp</c>): an event-time timer's output timestamp (its
/// firing time unless set with <c>WithOutputTimestamp</c>); for a processing-time timer, the input watermark.
/// </param>
/// <param name="Window">The window whose state the callback sees.</param>
public readonly record struct TimerContext(string TimerId, string? DynamicTimerId, TimeDomain Domain, Instant FireTimestamp, Instant Timestamp, BoundedWindow Window);
