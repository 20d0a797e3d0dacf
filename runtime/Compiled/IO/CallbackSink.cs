using System;

namespace Compiled;

/// <summary>Calls a delegate for every element of an output.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// A lambda whose body compiles for both constructor overloads (e.g. <c>x =&gt; Console.WriteLine(x)</c>)
/// is ambiguous: give its parameter a type, <c>(int x) =&gt; ...</c> or <c>(WindowedValue&lt;int&gt; x) =&gt; ...</c>.
/// </remarks>
public sealed class CallbackSink<T> : ISink<T>
{
    private readonly Action<T>? _onValue;
    private readonly Action<WindowedValue<T>>? _onElement;

    /// <summary>A sink calling <paramref name="onValue"/> with each value.</summary>
    /// <param name="onValue">Receives each value.</param>
    public CallbackSink(Action<T> onValue)
    {
        ArgumentNullException.ThrowIfNull(onValue);
        _onValue = onValue;
    }

    /// <summary>A sink calling <paramref name="onElement"/> with each value and its timestamp, window and pane.</summary>
    /// <param name="onElement">Receives each windowed value.</param>
    public CallbackSink(Action<WindowedValue<T>> onElement)
    {
        ArgumentNullException.ThrowIfNull(onElement);
        _onElement = onElement;
    }

    /// <summary>Calls the delegate.</summary>
    public void Receive(in WindowedValue<T> element)
    {
        if (_onValue is not null)
        {
            _onValue(element.Value);
        }
        else
        {
            _onElement!(element);
        }
    }
}
