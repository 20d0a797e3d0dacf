using Compiled.Generator.Helpers;

namespace Compiled.Generator.Model;

/// <summary>
/// What a stateful ParDo keeps per key and window, read from the fields of the user's state struct at build time, and
/// its timer and window-expiration callbacks (the element callback is the transform's <see cref="TransformSpec.Function"/>).
/// </summary>
internal sealed record StatefulSpec
{
    /// <summary>The state struct, fully qualified.</summary>
    public required string StateType { get; init; }

    /// <summary>The struct's instance fields, in declaration order: state cells, timers and plain fields.</summary>
    public required EquatableArray<StateCellSpec> Cells { get; init; }

    /// <summary>Called when a timer fires; null when the struct declares no timer.</summary>
    public FunctionSpec? OnTimer { get; init; }

    /// <summary>Called once per key and window when the window expires; null when not declared.</summary>
    public FunctionSpec? OnWindowExpiration { get; init; }

    /// <summary>The windowing strategy's allowed lateness: a window's state lives until its end plus this.</summary>
    public long LatenessMs { get; init; }

    /// <summary>
    /// Beam's @RequiresTimeSortedInput: elements wait in a buffer ordered by timestamp until the watermark passes their
    /// timestamp plus the allowed lateness, then run in that order.
    /// </summary>
    public bool SortsInput { get; init; }

    /// <summary>
    /// processElement reads a side input: the input's values are (value, side input) pairs, made by the Map that reads the
    /// view just upstream, and the callback gets them as two arguments.
    /// </summary>
    public bool ReadsSide { get; init; }
}

/// <summary>One field of a stateful ParDo's state struct.</summary>
/// <param name="Name">The field's name as written in C# (a keyword escaped).</param>
/// <param name="Kind">What it is (see <see cref="StateCellKind"/>).</param>
/// <param name="Type">Its type, fully qualified.</param>
/// <param name="TimerOrdinal">For timers and timer maps, their ordinal among the struct's timers; -1 otherwise.</param>
internal sealed record StateCellSpec(string Name, StateCellKind Kind, string Type, int TimerOrdinal)
{
    /// <summary>
    /// The coders a checkpoint writes the cell's contents with (fully qualified): a plain field's type; a value, bag, set
    /// or ordered list cell's element type; a map cell's key and value types; a combining cell's accumulator type. Empty
    /// for timers (their settings are the runner's); null when a type has no coder.
    /// </summary>
    public EquatableArray<string>? Coders { get; init; }
}

/// <summary>The kinds of fields a state struct may have.</summary>
internal enum StateCellKind
{
    /// <summary>Any other field: a value of the key and window, reset to default when the window expires.</summary>
    Field,
    Value,
    Bag,
    Combining,
    Map,
    Set,
    OrderedList,
    EventTimer,
    ProcessingTimer,
    EventTimerMap,
    ProcessingTimerMap,
}

internal static class StateCellKinds
{
    /// <summary>Whether the cell is a timer or a timer map.</summary>
    public static bool IsTimer(this StateCellKind kind) => kind >= StateCellKind.EventTimer;

    /// <summary>Whether the cell is in processing time.</summary>
    public static bool IsProcessingTime(this StateCellKind kind) => kind is StateCellKind.ProcessingTimer or StateCellKind.ProcessingTimerMap;

    /// <summary>Whether the cell has a Clear() that keeps its storage (state cells), as opposed to timers and plain fields.</summary>
    public static bool IsClearable(this StateCellKind kind) => kind is > StateCellKind.Field and < StateCellKind.EventTimer;

    /// <summary>
    /// Whether Beam can merge the cell when windows merge: bags concatenate, sets unite, combining accumulators merge,
    /// ordered lists interleave by timestamp; a value or a map has no merge (two windows may disagree), nor has a timer.
    /// </summary>
    public static bool IsMergeable(this StateCellKind kind) => kind is StateCellKind.Bag or StateCellKind.Set or StateCellKind.Combining or StateCellKind.OrderedList;

    /// <summary>A name for messages ("value state", "event-time timer").</summary>
    public static string Describe(this StateCellKind kind) => kind switch
    {
        StateCellKind.Value => "ValueState",
        StateCellKind.Bag => "BagState",
        StateCellKind.Combining => "CombiningState",
        StateCellKind.Map => "MapState",
        StateCellKind.Set => "SetState",
        StateCellKind.OrderedList => "OrderedListState",
        StateCellKind.EventTimer => "event-time timer",
        StateCellKind.ProcessingTimer => "processing-time timer",
        StateCellKind.EventTimerMap => "event-time timer map",
        StateCellKind.ProcessingTimerMap => "processing-time timer map",
        _ => "plain field",
    };
}
