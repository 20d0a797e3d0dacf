using Compiled.Generator.Helpers;

namespace Compiled.Generator.Model;

/// <summary>How a stateful transform keeps its state; the planner chooses, the emitter renders.</summary>
internal enum StateLayout
{
    /// <summary>Element-wise: no state.</summary>
    None,

    /// <summary>Count: one counter.</summary>
    Counter,

    /// <summary>CombineGlobally: one accumulator, updated in place.</summary>
    Accumulator,

    /// <summary>CountPerKey, CountPerElement: a counter per key.</summary>
    KeyedCounters,

    /// <summary>CombinePerKey (also GroupByKey + CombineValues, lifted): an accumulator per key, updated in place.</summary>
    KeyedAccumulators,

    /// <summary>GroupByKey iterated downstream: the values of each key, in arrival order.</summary>
    KeyedValueLists,

    /// <summary>CoGroupByKey: the values of every input, per key.</summary>
    KeyedCoGroups,

    /// <summary>Distinct: the set of elements seen.</summary>
    DistinctSet,

    /// <summary>AsSingleton, AsList, AsDictionary: a side-input view, complete when its input ends.</summary>
    SideInputView,

    /// <summary>A transform that reads a side input: its input waits in a bounded buffer until the view is complete.</summary>
    SideInputBuffer,

    /// <summary>A windowed grouping or combine with Beam's default strategy on fixed or sliding windows: a map per window, inline.</summary>
    InlineWindowedMaps,

    /// <summary>A sliding-window combine whose elements go to one pane each; a window is assembled from its panes when it fires.</summary>
    SharedSlidingPanes,

    /// <summary>
    /// Sessions with the default strategy: per key its open sessions, extended in place, merged on arrival, fired and freed
    /// when the watermark passes their end (SessionPanes; the surface of keyed window panes, without triggers or timers).
    /// </summary>
    OpenSessions,

    /// <summary>
    /// Windows that do not merge, under the default trigger with lateness or accumulation, or the watermark trigger with
    /// count or processing-time firings (<c>WindowSpec.BucketsByWindow</c>): a bucket per live window, a map from key to the
    /// key's slot, the trigger compiled, one timer per window (WindowBucketPanes; the surface of keyed window panes).
    /// </summary>
    WindowBuckets,

    /// <summary>Triggers, lateness, accumulation, timestamp combiners, merging windows: keyed window panes (KeyedPanes).</summary>
    KeyedWindowPanes,

    /// <summary>A stateful ParDo: the user's state struct per key and window, inline in pooled slots, and its timers (KeyedStates).</summary>
    KeyedUserState,
}

/// <summary>What the layouts have in common that the planner and the emitter ask about.</summary>
internal static class StateLayouts
{
    /// <summary>
    /// Keyed window panes, window buckets and open sessions: panes that fire per the watermark (and the trigger) and that
    /// the runner drives through the same surface (Add, EndBundle, AdvanceWatermark, AdvanceProcessingTime, Fired).
    /// </summary>
    /// <param name="layout">The layout.</param>
    /// <returns>True for those three.</returns>
    public static bool IsPanes(this StateLayout layout) => layout is StateLayout.KeyedWindowPanes or StateLayout.WindowBuckets or StateLayout.OpenSessions;

    /// <summary>
    /// Whether the panes hand each pane to the runner as it fires (through a receiver struct over the runner: window
    /// buckets), rather than collecting the panes of a call in their fired list for the runner to read back.
    /// </summary>
    /// <param name="layout">The layout.</param>
    /// <returns>True for window buckets.</returns>
    public static bool DeliversAsFired(this StateLayout layout) => layout == StateLayout.WindowBuckets;

    /// <summary>
    /// Whether an element on its way into the transform is checked against an exchange first: a sender of the streaming
    /// parallel runner ships it to the transform's level (unless the combine lifts across the exchange), and a shard of the
    /// parallel batch runner routes it to the key's shard (unless the shards ship partial accumulators).
    /// </summary>
    /// <param name="state">The transform's physical plan.</param>
    /// <param name="streaming">Whether the streaming parallel runner is generated.</param>
    /// <param name="batch">Whether the parallel batch runner is generated.</param>
    /// <returns>True when a runner of either kind checks the exchange per element.</returns>
    public static bool RoutesElements(this StatePlan state, bool streaming, bool batch) =>
        streaming && state.Level != 0 && !state.LiftsInStream ||
        batch && state.Exchange != ExchangeKind.None && !state.ShipsPartials;
}

/// <summary>The map a keyed state (counters, accumulators, value lists, co-groups, and each window's map of those) is kept in.</summary>
internal enum StateMap
{
    /// <summary>A dictionary of the stored key (text as strings, looked up by span), or, for Distinct, a hash set.</summary>
    Dictionary,

    /// <summary>UTF-8 text keys: a <c>Utf8KeyMap</c>, looked up by the key's bytes (Distinct: a <c>Utf8KeySet</c>).</summary>
    Utf8Keys,

    /// <summary>
    /// Keys of a primitive integer type: an <c>IntegerKeyMap</c>, which indexes small dense keys directly and hashes the
    /// others without a comparer (Distinct keeps its hash set).
    /// </summary>
    IntegerKeys,
}

/// <summary>How the elements (or partial states) of a stateful transform travel between shards of the parallel runner.</summary>
internal enum ExchangeKind
{
    /// <summary>No exchange: element-wise work runs where its input is.</summary>
    None,

    /// <summary>By key group: a key meets its state on the shard that owns its key group.</summary>
    ByKeyGroup,

    /// <summary>To one shard: a global combine merges the per-shard accumulators.</summary>
    ToOne,

    /// <summary>To every shard: a side-input view, complete, on each shard that reads it.</summary>
    Broadcast,
}

/// <summary>
/// The physical plan of one stateful transform: its state layout, the exchange in front of it on the parallel runner,
/// whether that exchange ships partial accumulators (pre-aggregated on the producing shard) or elements, and the
/// groupings upstream whose watermark holds bound its input watermark. On the streaming parallel runner, an exchanged
/// transform runs at <see cref="Level"/>: 1 plus the highest level of the exchanged transforms upstream of it (0 for the
/// others, which run where their input is). When <see cref="LiftsInStream"/>, the streaming runner lifts the combine
/// across that exchange: each sender (partition or lower shard) keeps its own per-window accumulators and, when its
/// watermark passes a window's end, ships one accumulator per key to the key's shard, which merges them (on the panes of
/// shared sliding windows, per pane: a pane when the watermark passes its end, what came into it later with the next
/// watermark, and the shard assembles the windows). When
/// <see cref="WatermarkBeforeEveryElement"/>, the senders to its level tell their watermark before every element sent
/// after it moved, not only before those that may be late: the transform reads its input watermark per element.
/// A side-input view of a collection in interval windows, and each of its readers, have <see cref="SideWindows"/>: the
/// view is kept per window of that window function, a window is read once the view's watermark passes its end, and
/// a reader maps each element's window to the side window (Beam's default window mapping); the view keeps a window
/// <see cref="SideRetentionMs"/> past its end (its readers' largest allowed lateness). A view of a triggered collection
/// (<see cref="SideTriggered"/>, in any window function, the global window included) holds each window's latest pane, and
/// in a streaming runner its window can be read once its first pane arrived.
/// <see cref="Map"/> is the map type of a keyed state kept in maps (by the key's type).
/// On the streaming parallel runner, <see cref="WindowsFrom"/> gives, per input of an exchanged transform whose elements
/// travel, the transform whose window function gives an element its window from its timestamp alone (an input, for the
/// global window, or a Window), or -1 when the window must travel with the element.
/// When <see cref="KeepsUnsharedWindows"/> (a batch exchange of per-window partials, each window's state complete in
/// itself), a window that only one shard holds stays on that shard whole; only windows that several shards hold ship.
/// When <see cref="CachesKeyShards"/> (a key-group exchange of a primitive integer key), each partition and shard keeps
/// the shard of every key it has hashed in a table indexed by the key, and looks it up there the next time.
/// When <see cref="ReplaysInputs"/> (the parallel batch runner), what the transform gets depends on the order it comes in
/// and comes from several segments of the run (inputs, or an input and Finish): a shard reads its part of each segment in
/// turn, so a GroupByKey, a Distinct or a CoGroupByKey (one of whose inputs comes from several segments) ships its
/// elements, replayed segment by segment, and a list view is merged segment by segment, each segment's parts in shard
/// order: one thread's order.
/// </summary>
internal readonly record struct StatePlan(
    int Transform,
    StateLayout Layout,
    ExchangeKind Exchange,
    bool ShipsPartials,
    EquatableArray<int> HeldBy,
    string Why,
    int Level = 0,
    bool LiftsInStream = false,
    bool WatermarkBeforeEveryElement = false,
    WindowSpec? SideWindows = null,
    long SideRetentionMs = 0,
    bool SideTriggered = false,
    bool KeepsUnsharedWindows = false,
    StateMap Map = StateMap.Dictionary,
    EquatableArray<int> WindowsFrom = default,
    bool CachesKeyShards = false,
    bool ReplaysInputs = false);
