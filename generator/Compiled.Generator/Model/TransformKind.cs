namespace Compiled.Generator.Model;

/// <summary>The transforms a declaration can apply.</summary>
internal enum TransformKind
{
    /// <summary>In-memory input (Beam's Create): elements pushed at run time.</summary>
    CreateInput,

    /// <summary>Text input: one element per line.</summary>
    ReadLinesInput,
    Map,
    FlatMap,
    Filter,

    /// <summary>DoFn with one or more outputs (ports), each fed by its own emitter.</summary>
    ParDo,

    /// <summary>A ParDo with state cells and timers per key and window (see <see cref="StatefulSpec"/>).</summary>
    StatefulParDo,
    WithKeys,
    Keys,
    Values,
    KvSwap,
    GroupByKey,
    CombinePerKey,
    CombineValues,
    CombineGlobally,
    Count,
    CountPerElement,
    CountPerKey,
    Distinct,
    CoGroupByKey,
    Flatten,
    Partition,
    AsSingleton,
    AsList,
    AsDictionary,
    Output,

    /// <summary>Gives elements new event timestamps.</summary>
    WithTimestamps,

    /// <summary>Assigns elements to windows.</summary>
    Window,

    /// <summary>Planner only: a transform folded into its producer (e.g. CombineValues lifted into GroupByKey).</summary>
    Identity,
}
