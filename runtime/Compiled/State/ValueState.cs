namespace Compiled;

/// <summary>
/// A single value per key and window (Beam's <c>ValueState</c>). Declare it as a field of a stateful ParDo's state
/// struct; the runner keeps one struct per key and window, inline, so reading and writing are field accesses.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
/// <remarks>Not mergeable: a stateful ParDo with a value cell cannot run on merging windows (as in Beam).</remarks>
public partial struct ValueState<T>
{
    private T _value;
    private bool _isSet;

    /// <summary>Whether no value was written since the state was created or cleared.</summary>
    public readonly bool IsEmpty => !_isSet;

    /// <summary>The value written last, or <c>default</c> when empty (Beam's <c>read()</c> returns null).</summary>
    public readonly T? Read() => _isSet ? _value : default;

    /// <summary>The value written last, or <paramref name="defaultValue"/> when empty (Beam's <c>firstNonNull(read(), d)</c>).</summary>
    /// <param name="defaultValue">The value to return when nothing was written.</param>
    public readonly T ReadOrDefault(T defaultValue) => _isSet ? _value : defaultValue;

    /// <summary>Replaces the value.</summary>
    /// <param name="value">The new value.</param>
    public void Write(T value)
    {
        _value = value;
        _isSet = true;
    }

    /// <summary>Empties the state.</summary>
    public void Clear()
    {
        _value = default!;
        _isSet = false;
    }
}
