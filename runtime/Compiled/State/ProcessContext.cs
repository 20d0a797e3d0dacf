namespace Compiled;

/// <summary>What a stateful ParDo's <c>processElement</c> knows of the element besides its key and value.</summary>
/// <param name="Timestamp">The element's event timestamp.</param>
/// <param name="Window">The element's window: the state and timers the callback sees are this window's.</param>
public readonly record struct ProcessContext(Instant Timestamp, BoundedWindow Window);
