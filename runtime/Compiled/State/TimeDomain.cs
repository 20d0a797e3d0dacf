namespace Compiled;

/// <summary>The time a timer is set in (Beam's <c>TimeDomain</c>).</summary>
public enum TimeDomain
{
    /// <summary>Event time: the timer fires when the input watermark passes its timestamp.</summary>
    EventTime,

    /// <summary>Processing time: the timer fires when processing time reaches its timestamp.</summary>
    ProcessingTime,
}
