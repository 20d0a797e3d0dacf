using System.Collections.Generic;

namespace Compiled;

/// <summary>Collects every element of an output in memory: the values and the windowed values.</summary>
/// <typeparam name="T">The element type.</typeparam>
public sealed class ListSink<T> : ISink<T>
{
    /// <summary>The values received, in order.</summary>
    public List<T> Items { get; } = new();

    /// <summary>The values received with their timestamps, windows and panes, in order.</summary>
    public List<WindowedValue<T>> Elements { get; } = new();

    /// <summary>Appends the element to <see cref="Items"/> and <see cref="Elements"/>.</summary>
    public void Receive(in WindowedValue<T> element)
    {
        Items.Add(element.Value);
        Elements.Add(element);
    }

    /// <summary>Empties <see cref="Items"/> and <see cref="Elements"/>.</summary>
    public void Clear()
    {
        Items.Clear();
        Elements.Clear();
    }
}
