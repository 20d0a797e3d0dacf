namespace Compiled;

/// <summary>
/// What every generated runner offers besides its typed inputs and outputs: time moves forward (event time
/// through the watermark, processing time through a clock), and the input ends. Used by
/// <see cref="Testing.TestStream{T}"/> and hosting code that drives any pipeline.
/// </summary>
public interface IStreamingRunner
{
    /// <summary>The input watermark.</summary>
    Instant Watermark { get; }

    /// <summary>Advances the input watermark (earlier values are ignored); windows whose end it passes fire.</summary>
    /// <param name="watermark">The new watermark.</param>
    void AdvanceWatermark(Instant watermark);

    /// <summary>Advances processing time (earlier values are ignored); processing-time triggers that are due fire.</summary>
    /// <param name="now">The new processing time.</param>
    void AdvanceProcessingTime(Instant now);

    /// <summary>Ends the input: the watermark moves to the end of time and every open window fires its final pane.</summary>
    void Finish();
}
