namespace Compiled.Parallel;

/// <summary>
/// What travels through the channels of the streaming parallel runner: an element for one of the receiving shard's
/// transforms (<see cref="Port"/> 0 or more), or a marker (<see cref="ExchangeMarkers.Watermark"/>,
/// <see cref="ExchangeMarkers.ProcessingTime"/>) in order with the elements. The generator declares one such struct per
/// exchange level of a pipeline, with a field per port.
/// </summary>
/// <typeparam name="TSelf">The struct itself.</typeparam>
public interface IExchangeItem<TSelf>
    where TSelf : struct, IExchangeItem<TSelf>
{
    /// <summary>The receiving port (0 or more) of an element, or one of <see cref="ExchangeMarkers"/>.</summary>
    int Port { get; }

    /// <summary>The element's event timestamp, or the marker's time.</summary>
    Instant Timestamp { get; }

    /// <summary>Makes a marker.</summary>
    /// <param name="port">One of <see cref="ExchangeMarkers"/>.</param>
    /// <param name="at">The watermark or the processing time it carries.</param>
    /// <returns>The marker.</returns>
    static abstract TSelf Marker(int port, Instant at);
}

/// <summary>The ports of the markers that travel in order with the elements of an <see cref="IExchangeItem{TSelf}"/> channel.</summary>
public static class ExchangeMarkers
{
    /// <summary>The sender's processing time moved to the marker's time.</summary>
    public const int ProcessingTime = -1;

    /// <summary>The sender's output watermark moved to the marker's time: it sends nothing earlier after it.</summary>
    public const int Watermark = -2;

    /// <summary>The sender ended a bundle in which it sent elements here: the receiver evaluates the triggers that fire on elements.</summary>
    public const int EndBundle = -3;

    /// <summary>
    /// Every input of the sender is idle: the receiver leaves this channel out of its input watermark (as the runner
    /// leaves out an idle input) until the next watermark marker on it, which makes it count again.
    /// </summary>
    public const int Idle = -4;

    /// <summary>
    /// A checkpoint barrier (as in Flink's asynchronous barrier snapshots): the marker's time carries the checkpoint id in
    /// its milliseconds. Everything the sender sent before it belongs to the checkpoint, nothing after it does. It is the
    /// last item of its batch; the receiver reads nothing more from the channel until every other channel that has not
    /// completed has delivered the same barrier (alignment), then snapshots its state and sends the barrier on.
    /// </summary>
    public const int Barrier = -5;
}
