namespace Compiled.Execution;

/// <summary>Pairs a keyed element with the side input it read, for a stateful ParDo that reads a side input.</summary>
public static class SideInputPair
{
    /// <summary>
    /// The element with its value paired with <paramref name="side"/>: generated code reads a stateful ParDo's side
    /// input in the element's window before the element reaches its key's state, and hands both to the callback.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <typeparam name="TSide">The side input's type.</typeparam>
    /// <param name="element">The keyed element.</param>
    /// <param name="side">The side input of the element's window.</param>
    public static KV<TKey, (TValue Value, TSide Side)> Of<TKey, TValue, TSide>(KV<TKey, TValue> element, TSide side) =>
        new(element.Key, (element.Value, side));
}
