namespace Compiled;

/// <summary>The window a stateful ParDo's <c>onWindowExpiration</c> is called for, just before its state is dropped.</summary>
/// <param name="Window">The expiring window.</param>
/// <param name="Timestamp">The timestamp of the callback's outputs: the window's maximum timestamp (as in Beam).</param>
public readonly record struct WindowExpirationContext(BoundedWindow Window, Instant Timestamp);
