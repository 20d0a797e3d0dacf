namespace Compiled;

/// <summary>An element with its event timestamp, window and pane (Beam's <c>WindowedValue</c>).</summary>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct WindowedValue<T>
{
    /// <summary>Creates a windowed value.</summary>
    public WindowedValue(T value, Instant timestamp, BoundedWindow window, PaneInfo pane)
    {
        Value = value;
        Timestamp = timestamp;
        Window = window;
        Pane = pane;
    }

    /// <summary>The element.</summary>
    public T Value { get; }

    /// <summary>The element's event timestamp.</summary>
    public Instant Timestamp { get; }

    /// <summary>The window the element belongs to.</summary>
    public BoundedWindow Window { get; }

    /// <summary>The firing that produced the element.</summary>
    public PaneInfo Pane { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Value} @ {Timestamp} in {Window}, {Pane}";
}
