using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Planner
    {
        // ----- the physical plan: state layouts, exchanges, pane sharing, watermark holds -----

        /// <summary>Every strategy decision about state, in one place: the emitter renders what this returns.</summary>
        private static (EquatableArray<StatePlan> States, EquatableArray<int> PaneSharingWindows) Physical(List<TransformSpec> transforms, List<Edge> edges)
        {
            var sharing = transforms.Where(t => SharesPanes(t, transforms, edges)).Select(t => t.Id).ToList();
            var layouts = transforms.Select(t => LayoutOf(t, transforms, sharing)).ToList();
            var states = transforms.Select(t =>
            {
                var layout = layouts[t.Id];
                var exchange = ExchangeOf(t, layout);
                var partials = exchange != ExchangeKind.None && !layout.IsPanes() && layout != StateLayout.SideInputBuffer && layout != StateLayout.KeyedUserState;
                // A shard reads its part of each input in turn; a group's values (or which of two equal keys Distinct keeps)
                // follow the order the elements came in, which partials merged in shard order would lose across inputs.
                var replaysInputs = (partials && t.Kind is TransformKind.GroupByKey or TransformKind.Distinct || t.Kind == TransformKind.AsList && exchange == ExchangeKind.Broadcast) &&
                                    SegmentsFeeding(t.Inputs.Select(i => i.Node), transforms, n => layouts[n]) > 1 ||
                                    // A co-group keeps a list per input: its order matters only within an input fed by several.
                                    partials && t.Kind == TransformKind.CoGroupByKey && t.Inputs.Any(i => SegmentsFeeding(new[] { i.Node }, transforms, n => layouts[n]) > 1);
                partials &= !(replaysInputs && exchange == ExchangeKind.ByKeyGroup); // a view stays broadcast, merged by segment
                var heldBy = layout == StateLayout.None ? new List<int>() : HoldingUpstream(t, transforms, layouts);
                // A window map holds the whole state of its window: a window that only one shard read stays there (batch).
                var keepsUnshared = exchange == ExchangeKind.ByKeyGroup && partials && layout == StateLayout.InlineWindowedMaps;
                return new StatePlan(t.Id, layout, exchange, partials, heldBy.ToEquatableArray(), ExchangeWhy(t, layout, exchange, partials, keepsUnshared, replaysInputs), KeepsUnsharedWindows: keepsUnshared, Map: MapOf(t, layout), ReplaysInputs: replaysInputs,
                    CachesKeyShards: exchange == ExchangeKind.ByKeyGroup && t.StateKeyType is { } key && IntegerKeyTypes.Contains(key));
            }).ToList();
            foreach (var t in transforms)
            {
                // Views of collections in interval windows are kept per window; their readers look each element's side window up.
                // So are views of triggered collections, the global window's included: each window holds its latest pane,
                // late panes too, so the view keeps a window past its end by its own allowed lateness as well as its readers'.
                var view = t.Kind is TransformKind.AsSingleton or TransformKind.AsList or TransformKind.AsDictionary ? t : t.SideInput is { } side ? transforms[side.Node] : null;
                if (view?.ViewWindowing is { HasMergingFn: false } sideWindows && (sideWindows.Kind != "Global" || IsTriggeredView(view)))
                {
                    var triggered = IsTriggeredView(view);
                    var retention = transforms.Where(r => r.SideInput?.Node == view.Id).Select(r => r.OutputWindowing?.LatenessMs ?? 0)
                        .Concat(triggered ? new[] { sideWindows.LatenessMs } : System.Array.Empty<long>()).DefaultIfEmpty(0).Max();
                    states[t.Id] = states[t.Id] with { SideWindows = sideWindows, SideRetentionMs = retention, SideTriggered = triggered };
                }
            }

            AssignStreamingLevels(transforms, states);
            foreach (var t in transforms)
            {
                if (states[t.Id].Exchange is ExchangeKind.ByKeyGroup or ExchangeKind.ToOne)
                {
                    states[t.Id] = states[t.Id] with { LiftsInStream = LiftsInStream(t, states[t.Id]) && !transforms.Any(i => i.IdlenessMs > 0) && !ReadsASideInputUpstream(t, transforms) };
                }

                // A stateful ParDo sets relative event-time timers, and stamps processing-time timers' outputs, from its
                // input watermark as each element comes: its shards must hear the one a single runner would give it then.
                if (states[t.Id].Layout == StateLayout.KeyedUserState)
                {
                    states[t.Id] = states[t.Id] with { WatermarkBeforeEveryElement = true };
                }

                // Elements shipped to a shard of the streaming parallel runner: where each input's window follows from its
                // timestamp alone, the shard can assign it again instead of receiving it.
                if (states[t.Id].Level > 0 && !states[t.Id].LiftsInStream && states[t.Id].Layout is not (StateLayout.SideInputView or StateLayout.SideInputBuffer))
                {
                    states[t.Id] = states[t.Id] with { WindowsFrom = t.Inputs.Select(input => WindowSource(input.Node, transforms, sharing)).ToEquatableArray() };
                }
            }

            return (states.ToEquatableArray(), sharing.ToEquatableArray());
        }

        /// <summary>
        /// The transform whose window function gives the elements that <paramref name="node"/> outputs their window from
        /// their timestamp alone, or -1. Up through transforms that keep each element's window: an input gives the global
        /// window, as does a Window into it, whatever the timestamps; a Window into fixed windows, sessions (each element's
        /// proto-session) or pane-sharing sliding windows (each element's pane) gives it only if nothing after it moved the
        /// timestamp (WithTimestamps, or a FlatMap or ParDo, which may emit with a new timestamp in the old window). Other
        /// sliding windows assign several windows per timestamp, and a custom function is the user's.
        /// </summary>
        private static int WindowSource(int node, List<TransformSpec> transforms, List<int> sharing)
        {
            var moved = false;
            while (true)
            {
                var t = transforms[node];
                switch (t.Kind)
                {
                    case TransformKind.CreateInput or TransformKind.ReadLinesInput:
                        return t.Id;
                    case TransformKind.Window when t.Windowing is null || t.Windowing.Kind == "Global":
                        return t.Id;
                    case TransformKind.Window:
                        return !moved && (t.Windowing.Kind is "Fixed" or "Sessions" || sharing.Contains(t.Id)) ? t.Id : -1;
                    case TransformKind.Map or TransformKind.Filter or TransformKind.WithKeys or TransformKind.Keys or TransformKind.Values or
                        TransformKind.KvSwap or TransformKind.Partition when t.Inputs.Count == 1:
                        node = t.Inputs[0].Node;
                        break;
                    case TransformKind.WithTimestamps or TransformKind.FlatMap or TransformKind.ParDo when t.Inputs.Count == 1:
                        moved = true;
                        node = t.Inputs[0].Node;
                        break;
                    default:
                        return -1;
                }
            }
        }

        /// <summary>
        /// The levels of the streaming parallel runner whose elements travel without their window: every port of the level
        /// is an element of a transform whose every input's window follows from its timestamp (<see cref="StatePlan.WindowsFrom"/>),
        /// so the shard assigns it again as it applies the element (no lifted accumulators, no side input there).
        /// </summary>
        private static List<int> WindowlessLevels(EquatableArray<StatePlan> states, int levels) =>
            Enumerable.Range(1, levels)
                .Where(level => states.Where(s => s.Level == level).All(s => s.WindowsFrom.Count > 0 && s.WindowsFrom.All(from => from >= 0)))
                .ToList();

        /// <summary>Primitive integer key types, which an IntegerKeyMap takes.</summary>
        private static readonly HashSet<string> IntegerKeyTypes = new() { "int", "long", "uint", "ulong", "short", "ushort", "byte", "sbyte", "char" };

        /// <summary>
        /// The map a keyed state is kept in, by its key's type: UTF-8 text keys in a map looked up by their bytes, primitive
        /// integer keys in a map that indexes dense small keys directly (as most ids and codes are) and hashes the rest,
        /// other keys in a dictionary. Layouts that keep their keys otherwise (panes, user state, views) take an integer key
        /// in a dictionary.
        /// </summary>
        private static StateMap MapOf(TransformSpec t, StateLayout layout)
        {
            var key = t.StateKeyType;
            if (key == "global::System.ReadOnlyMemory<byte>")
            {
                return StateMap.Utf8Keys; // every keyed layout looks UTF-8 text up by its bytes
            }

            var maps = layout is StateLayout.KeyedCounters or StateLayout.KeyedAccumulators or StateLayout.KeyedValueLists or StateLayout.KeyedCoGroups or StateLayout.InlineWindowedMaps;
            return maps && key is not null && IntegerKeyTypes.Contains(key) && t.Kind != TransformKind.Distinct ? StateMap.IntegerKeys : StateMap.Dictionary;
        }

        /// <summary>
        /// The streaming parallel runner's levels. A keyed or global combine or grouping is one level above everything
        /// exchanged upstream of it. A side-input view is broadcast to the shards of a level above its input and not below
        /// the main input of any of its readers; its readers run at that level, on the shards that hold the whole view (their
        /// elements go there from the sender of the same index, and wait until the view is complete). Levels only grow, so
        /// the assignment is repeated until nothing changes; a view that would have to be on two levels (read on both sides
        /// of a grouping) never settles, and gets the level -1 (see <see cref="ParallelStreamingWhyNot"/>).
        /// </summary>
        private static void AssignStreamingLevels(List<TransformSpec> transforms, List<StatePlan> states)
        {
            for (var round = 0; round <= transforms.Count + 1; round++)
            {
                var changed = false;
                foreach (var t in transforms)
                {
                    var state = states[t.Id];
                    var level = state.Layout switch
                    {
                        _ when state.Exchange is ExchangeKind.ByKeyGroup or ExchangeKind.ToOne => 1 + UpstreamLevel(t, transforms, states),
                        StateLayout.SideInputView => System.Math.Max(1 + UpstreamLevel(t, transforms, states),
                            transforms.Where(r => r.SideInput?.Node == t.Id).Select(r => System.Math.Max(1, UpstreamLevel(r, transforms, states))).DefaultIfEmpty(0).Max()),
                        StateLayout.SideInputBuffer => states[t.SideInput!.Value.Node].Level,
                        _ => 0,
                    };
                    if (level != state.Level)
                    {
                        states[t.Id] = state with { Level = level };
                        changed = true;
                    }
                }

                if (!changed)
                {
                    return;
                }
            }

            foreach (var t in transforms)
            {
                if (states[t.Id].Layout is StateLayout.SideInputView or StateLayout.SideInputBuffer)
                {
                    states[t.Id] = states[t.Id] with { Level = -1 };
                }
            }
        }

        /// <summary>
        /// Whether the streaming parallel runner lifts a keyed combine across its exchange (as Beam's and Flink's runners
        /// pre-combine before a shuffle): Beam's default strategy on windows held inline (one on-time pane per key and
        /// window when the watermark passes its end, nothing late kept), so the senders' accumulators, merged on the key's
        /// shard before it fires, give the same pane one thread would. So on the panes of shared sliding windows: a sender
        /// ships a pane's accumulators when its watermark passes the pane's end (where the first window holding it ends),
        /// and what comes later into that pane, late for some of its windows and on time for the others, at its next
        /// watermark; the shard assembles each window from the panes it holds, as one runner does. Not when an input can
        /// go idle: the shards' watermark would then pass windows whose accumulators an idle partition still holds.
        /// Not over sessions: a sender's open session may overlap one that another sender's has shipped, and the shard,
        /// whose watermark is the minimum over its senders, would fire that before the two meet.
        /// </summary>
        private static bool LiftsInStream(TransformSpec t, StatePlan state) =>
            state.Layout is StateLayout.InlineWindowedMaps or StateLayout.SharedSlidingPanes && state.Exchange == ExchangeKind.ByKeyGroup &&
            t.Kind is TransformKind.CountPerKey or TransformKind.CombinePerKey && t.SideInput is null && t.Inputs.Count == 1 &&
            t.KeyType is not ("global::System.ReadOnlyMemory<char>" or "global::System.ReadOnlyMemory<byte>");

        /// <summary>
        /// Whether a reader of a side input is upstream of <paramref name="t"/>: its elements wait for the view and come out
        /// behind the watermark of the shard that holds them (which holds its output watermark for them), so a combine below
        /// it is not lifted onto that shard, whose own accumulators would count them late.
        /// </summary>
        private static bool ReadsASideInputUpstream(TransformSpec t, List<TransformSpec> transforms) =>
            Upstream(t, transforms, n => n.SideInput is null).Any(n => n.SideInput is not null);

        /// <summary>
        /// The transforms upstream of <paramref name="t"/> through its inputs, each once; the walk goes on above a transform
        /// only where <paramref name="further"/> says so.
        /// </summary>
        private static IEnumerable<TransformSpec> Upstream(TransformSpec t, List<TransformSpec> transforms, System.Func<TransformSpec, bool> further)
        {
            var seen = new HashSet<int>();
            var stack = new Stack<int>(t.Inputs.Select(i => i.Node));
            while (stack.Count > 0)
            {
                var n = transforms[stack.Pop()];
                if (!seen.Add(n.Id))
                {
                    continue;
                }

                yield return n;
                if (!further(n))
                {
                    continue;
                }

                foreach (var input in n.Inputs)
                {
                    stack.Push(input.Node);
                }
            }
        }

        /// <summary>
        /// How many segments of a batch run the elements arriving at <paramref name="nodes"/> come from: one per input they
        /// come from element-wise, and one for what stateful transforms upstream emit at Finish. A shard reads its part of
        /// each segment in turn, where one thread reads each whole before the next.
        /// </summary>
        private static int SegmentsFeeding(IEnumerable<int> nodes, List<TransformSpec> transforms, System.Func<int, StateLayout> layoutOf)
        {
            var segments = new HashSet<int>(); // input ids; -1 for Finish
            var seen = new HashSet<int>();
            var stack = new Stack<int>(nodes);
            while (stack.Count > 0)
            {
                var n = transforms[stack.Pop()];
                if (!seen.Add(n.Id))
                {
                    continue;
                }

                if (n.Kind is TransformKind.CreateInput or TransformKind.ReadLinesInput)
                {
                    segments.Add(n.Id);
                }
                else if (layoutOf(n.Id) != StateLayout.None)
                {
                    segments.Add(-1); // it holds what it gets until Finish (or until its view is complete, at Finish)
                }
                else
                {
                    foreach (var input in n.Inputs)
                    {
                        stack.Push(input.Node);
                    }
                }
            }

            return segments.Count;
        }

        /// <summary>Why this pipeline gets no parallel batch runner (null: it gets one).</summary>
        private static string? ParallelWhyNot(List<TransformSpec> transforms, EquatableArray<StatePlan> states)
        {
            if (!transforms.Any(t => t.Kind is TransformKind.CreateInput or TransformKind.ReadLinesInput))
            {
                return "the pipeline has no input to split";
            }

            foreach (var input in transforms.Where(t => t.Kind is TransformKind.CreateInput or TransformKind.ReadLinesInput))
            {
                if (input.MaxOutOfOrdernessMs is not null || input.IdlenessMs > 0)
                {
                    return "input '" + Names.ForLabel(input.Name ?? string.Empty) + "' moves its watermark by the timestamps it has seen, so on shards each part would move its own (run it on the streaming runner)";
                }
            }

            foreach (var state in states)
            {
                var t = transforms[state.Transform];
                if (state.ReplaysInputs && state.SideWindows is not null)
                {
                    return "list view #" + Num(t.Id) + " " + t.Label + " is kept per window and comes from several inputs, and shards would merge its windows' lists out of the order one thread reads them in (input by input)";
                }
            }

            return null;
        }

        /// <summary>
        /// The highest streaming level among the exchanged transforms upstream of <paramref name="t"/> (through element-wise
        /// transforms and other exchanged ones): transforms are in topological order, so their levels are known.
        /// </summary>
        private static int UpstreamLevel(TransformSpec t, List<TransformSpec> transforms, List<StatePlan> states) =>
            Upstream(t, transforms, n => states[n.Id].Level <= 0).Select(n => System.Math.Max(0, states[n.Id].Level)).DefaultIfEmpty(0).Max();

        /// <summary>Why this pipeline gets no streaming parallel runner (null: it gets one).</summary>
        private static string? ParallelStreamingWhyNot(List<TransformSpec> transforms, EquatableArray<StatePlan> states)
        {
            if (!transforms.Any(t => t.Kind is TransformKind.CreateInput or TransformKind.ReadLinesInput))
            {
                return "the pipeline has no input";
            }

            foreach (var state in states)
            {
                if (state.Layout == StateLayout.SideInputView && state.Level < 0)
                {
                    var t = transforms[state.Transform];
                    return "side-input view #" + Num(t.Id) + " " + t.Label + " is read both before and after a grouping, so its readers would need it on two levels of shards " +
                           "(use CreateRunner, or Run with a parallelism; or read a second view of the same collection after the grouping)";
                }
            }

            return null;
        }

        /// <summary>The streaming parallel runner's part of the plan: the exchange levels, where each exchange is, and why.</summary>
        private static IEnumerable<string> DescribeParallelStreaming(List<TransformSpec> transforms, EquatableArray<StatePlan> states, string? whyNot, List<int> windowless)
        {
            if (whyNot is not null)
            {
                yield return "Streaming parallel runner: not generated: " + whyNot + ".";
                yield break;
            }

            var exchanged = states.Where(s => s.Level > 0).OrderBy(s => s.Level).ThenBy(s => s.Transform).ToList();
            yield return "Streaming parallel runner (CreateParallelRunner): each partition runs the element-wise stages where it is pushed" +
                         (exchanged.Count == 0 ? "; no exchange (element-wise only)." : "; elements travel to the shard that owns their key group through bounded channels, watermarks in order with them:");
            foreach (var state in exchanged)
            {
                var t = transforms[state.Transform];
                yield return "  level " + Num(state.Level) + ": #" + Num(t.Id) + " " + t.Label + ": " +
                             (state.Layout == StateLayout.SideInputView ? "a side-input view, broadcast: every shard of the level gets every element of it, so each holds the whole view" +
                                 (state.SideWindows is { } windows ? " of every " + windows.Describe() + " window" : string.Empty)
                             : state.Layout == StateLayout.SideInputBuffer ? "reads side input #" + Num(t.SideInput!.Value.Node) + ": its elements stay on the shard of the sender's index (if they come from below), where the whole view is, and wait there until " +
                                 (state.SideWindows is null ? "the view is complete" : "the shard's watermark passes the end of their side window") + ", holding that shard's output watermark"
                             : state.Exchange == ExchangeKind.ToOne ? "to shard 0 (a global " + (t.Kind == TransformKind.Count ? "count" : "combine") + ")" : "by key group") +
                             (state.WatermarkBeforeEveryElement ? ", the sender's watermark before every element sent after it moved (the ParDo sets relative event-time timers from its input watermark, which is then the one a single runner gives it)" : string.Empty) +
                             (!state.LiftsInStream ? string.Empty
                                 : state.Layout == StateLayout.SharedSlidingPanes ? ", combiner lifted (each sender keeps its own accumulators per key and pane of the sliding windows and ships a pane's when its watermark passes the pane's end, later ones with its next watermark; the shard assembles the windows from its panes)"
                                 : ", combiner lifted (each sender keeps its own accumulators per key and window and ships them when its watermark passes the window's end)") +
                             (windowless.Contains(state.Level) ? ", elements without their window (" + ReassignedWindows(transforms, state) + ")" : string.Empty) +
                             "; its shard's input watermark is the minimum over the partitions and shards that feed it";
            }

            if (exchanged.Any(s => s.LiftsInStream))
            {
                yield return "Lifted accumulators (streaming parallel runner): a sender ships its accumulators of a window in one map per receiving shard (its map whole when there is one shard); " +
                             "the shard keeps the first map of a window as its state and merges the others into it, and the maps go back to the senders for their next windows";
            }
        }

        /// <summary>How a shard whose items carry no window knows each element's window (see <see cref="WindowlessLevels"/>).</summary>
        private static string ReassignedWindows(List<TransformSpec> transforms, StatePlan state)
        {
            var windows = state.WindowsFrom.Distinct().Select(from => transforms[from])
                .Where(t => t.Kind == TransformKind.Window && t.Windowing is { Kind: not "Global" }).ToList();
            return windows.Count == 0
                ? "the global window, known to the shard"
                : "the shard assigns it again from the timestamp, as " + string.Join(" and ", windows.Select(t => "#" + Num(t.Id) + " " + t.Label)) + " did";
        }

        /// <summary>The plan's word on the exchanges whose keys' shards are kept per key (<see cref="StatePlan.CachesKeyShards"/>), when a parallel runner is generated.</summary>
        private static IEnumerable<string> DescribeKeyShards(List<TransformSpec> transforms, EquatableArray<StatePlan> states, bool parallel)
        {
            var cached = states.Where(s => s.CachesKeyShards).ToList();
            if (!parallel || cached.Count == 0)
            {
                yield break;
            }

            yield return "Key shards (parallel runners): an integer key's shard is hashed once per partition and shard, then looked up in a table indexed by the key (keys 0 to 65,535; others hashed every time):";
            foreach (var state in cached)
            {
                var t = transforms[state.Transform];
                yield return "  #" + Num(t.Id) + " " + t.Label + ": " + t.StateKeyType + " keys";
            }
        }

        /// <summary>The plan's word on the keyed states kept in an integer key map (the other maps are dictionaries).</summary>
        private static IEnumerable<string> DescribeStateMaps(List<TransformSpec> transforms, EquatableArray<StatePlan> states)
        {
            var integers = states.Where(s => s.Map == StateMap.IntegerKeys).ToList();
            if (integers.Count == 0)
            {
                yield break;
            }

            yield return "State maps: integer keys in an IntegerKeyMap (keys from 0 up to four times their count indexed directly, no hash; others hashed by open addressing):";
            foreach (var state in integers)
            {
                var t = transforms[state.Transform];
                yield return "  #" + Num(t.Id) + " " + t.Label + ": " + t.StateKeyType + " keys" +
                             (state.Layout == StateLayout.InlineWindowedMaps ? ", a map per window" : string.Empty);
            }
        }

        /// <summary>The parallel batch runner's part of the plan: where each exchange is, and why.</summary>
        private static IEnumerable<string> DescribeParallel(List<TransformSpec> transforms, EquatableArray<StatePlan> states, string? whyNot)
        {
            if (whyNot is not null)
            {
                yield return "Parallel batch runner: not generated: " + whyNot + ".";
                yield break;
            }

            var exchanged = states.Where(s => s.Exchange != ExchangeKind.None).ToList();
            yield return "Parallel batch runner (Run with a parallelism): every shard runs the stages above over its part of each input" +
                         (exchanged.Count == 0 ? "; no exchange (element-wise only), outputs concatenate in shard order." : "; exchanges, at end of input, in flush order:");
            foreach (var state in exchanged)
            {
                var t = transforms[state.Transform];
                yield return "  #" + Num(t.Id) + " " + t.Label + ": " + state.Why + (t.KeyHashNote is { } note ? " (" + note + ")" : string.Empty);
            }
        }

        private static StateLayout LayoutOf(TransformSpec t, List<TransformSpec> transforms, List<int> sharingWindows)
        {
            if (!IsStateful(t))
            {
                return StateLayout.None;
            }

            if (t.SideInput is not null)
            {
                return StateLayout.SideInputBuffer;
            }

            if (t.Kind == TransformKind.StatefulParDo)
            {
                return StateLayout.KeyedUserState;
            }

            if (t.OutputWindowing is { IsDefaultSessions: true })
            {
                return StateLayout.OpenSessions;
            }

            if (t.OutputWindowing is { IsSimple: false, BucketsByWindow: true })
            {
                return StateLayout.WindowBuckets;
            }

            if (t.OutputWindowing is { IsSimple: false })
            {
                return StateLayout.KeyedWindowPanes;
            }

            if (t.OutputWindowing is { IsSimple: true })
            {
                return IsPaneShared(t, transforms, sharingWindows) ? StateLayout.SharedSlidingPanes : StateLayout.InlineWindowedMaps;
            }

            return t.Kind switch
            {
                TransformKind.Count => StateLayout.Counter,
                TransformKind.CombineGlobally => StateLayout.Accumulator,
                TransformKind.CountPerKey or TransformKind.CountPerElement => StateLayout.KeyedCounters,
                TransformKind.CombinePerKey => StateLayout.KeyedAccumulators,
                TransformKind.GroupByKey => StateLayout.KeyedValueLists,
                TransformKind.CoGroupByKey => StateLayout.KeyedCoGroups,
                TransformKind.Distinct => StateLayout.DistinctSet,
                _ => StateLayout.SideInputView,
            };
        }

        private static ExchangeKind ExchangeOf(TransformSpec t, StateLayout layout) => layout switch
        {
            StateLayout.None => ExchangeKind.None,
            // Elements travel to their key's shard, where its state and timers are.
            StateLayout.KeyedUserState => ExchangeKind.ByKeyGroup,
            // A reader of a side input keeps its elements where they are; the view comes to it.
            StateLayout.SideInputBuffer => ExchangeKind.None,
            StateLayout.SideInputView => ExchangeKind.Broadcast,
            StateLayout.Counter or StateLayout.Accumulator => ExchangeKind.ToOne,
            _ when t.Kind is TransformKind.CombineGlobally or TransformKind.Count => ExchangeKind.ToOne,
            _ => ExchangeKind.ByKeyGroup,
        };

        private static string ExchangeWhy(TransformSpec t, StateLayout layout, ExchangeKind exchange, bool partials, bool keepsUnshared, bool replaysInputs) => exchange switch
        {
            ExchangeKind.None => string.Empty,
            ExchangeKind.Broadcast => "a side-input view: every shard that reads it gets the whole view, merged from each shard's part in shard order" +
                (replaysInputs ? ", input by input (its elements come from several inputs: the list keeps one thread's order)" : string.Empty),
            ExchangeKind.ToOne => "a global " + (t.Kind == TransformKind.Count ? "count" : "combine") + ": each shard " +
                (layout.IsPanes() ? "sends its elements to shard 0" : "accumulates its part" + PerWindow(layout) + ", and shard 0 merges the accumulators"),
            _ => "by key group: a key meets its state on the shard that owns its key group; " + (partials
                ? (t.Kind is TransformKind.GroupByKey or TransformKind.CoGroupByKey or TransformKind.Distinct
                    ? "each shard " + (t.Kind == TransformKind.Distinct ? "removes duplicates" : "groups") + " its part first" + PerWindow(layout) + " and ships that"
                    : "each shard pre-aggregates" + PerWindow(layout) + " per key and ships accumulators (combiner lifting)") +
                  (keepsUnshared
                    ? "; a window that only one shard holds stays there whole, its panes complete (inputs split in contiguous parts: time-ordered input shares only the windows that straddle a split)"
                    : string.Empty)
                : replaysInputs
                    ? "elements travel, as " + (t.Kind switch
                      {
                          TransformKind.Distinct => "its input comes from several inputs (the first of two equal keys is the one kept)",
                          TransformKind.CoGroupByKey => "one of its inputs comes from several inputs (each input's values keep their order)",
                          _ => "its input comes from several inputs (a group's values keep their order)",
                      }) + ": the owner " + (t.Kind == TransformKind.Distinct ? "removes duplicates" : "groups them") + " input by input, each input's parts in shard order, as one thread would"
                : layout == StateLayout.KeyedUserState
                    ? "elements travel, and the owner runs the ParDo on them with the key's state and timers"
                    : layout == StateLayout.OpenSessions
                        ? "elements travel, and the owner merges them into its open sessions"
                        : layout == StateLayout.WindowBuckets
                            ? "elements travel, and the owner adds them to its window buckets, whose triggers see them there"
                            : "elements travel, and the owner adds them to its keyed window panes, whose triggers see them there"),
        };

        private static string PerWindow(StateLayout layout) => layout switch
        {
            StateLayout.InlineWindowedMaps => " per window",
            StateLayout.SharedSlidingPanes => " per pane of the sliding windows",
            _ => string.Empty,
        };

        /// <summary>
        /// A sliding Window whose every downstream path runs element-wise into a combine (per key or global, with
        /// mergeable accumulators): it assigns each element to its pane only, and the combines assemble windows.
        /// </summary>
        private static bool SharesPanes(TransformSpec t, List<TransformSpec> transforms, List<Edge> edges) =>
            t.Kind == TransformKind.Window && t.Windowing is { Kind: "Sliding", IsSimple: true } sliding &&
            sliding.SizeMs % sliding.PeriodMs == 0 && sliding.SizeMs > sliding.PeriodMs && AllPathsToPaneCombines(t.Id, transforms, edges);

        private static bool AllPathsToPaneCombines(int node, List<TransformSpec> transforms, List<Edge> edges)
        {
            var outgoing = edges.Where(e => e.From == node).ToList();
            if (outgoing.Count == 0)
            {
                return false;
            }

            foreach (var edge in outgoing)
            {
                var target = transforms[edge.To];
                if (target.SideInput is not null || target.Inputs.Count != 1)
                {
                    return false;
                }

                if (target.Kind is TransformKind.CombinePerKey or TransformKind.CountPerKey or TransformKind.Count or TransformKind.CombineGlobally)
                {
                    continue;
                }

                if (!IsElementWise(target) || !AllPathsToPaneCombines(target.Id, transforms, edges))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A view of a collection whose windowing has a trigger or allowed lateness: its windows change with every pane.</summary>
        internal static bool IsTriggeredView(TransformSpec view) => view.ViewWindowing is { } w && (w.TriggerCode is not null || w.LatenessMs != 0);

        /// <summary>
        /// A transform that maps, filters or re-keys elements one by one, keeping their windows, and does not see them: a
        /// function that takes the element's context reads its window, so it must get each sliding window, not a pane.
        /// </summary>
        private static bool IsElementWise(TransformSpec t) =>
            (t.Kind is TransformKind.Map or TransformKind.Filter or TransformKind.FlatMap or TransformKind.ParDo or
                TransformKind.WithKeys or TransformKind.Keys or TransformKind.Values or TransformKind.KvSwap or TransformKind.Identity) &&
            !t.ReadsContext;

        /// <summary>A combine fed by a pane-sharing sliding Window.</summary>
        private static bool IsPaneShared(TransformSpec t, List<TransformSpec> transforms, List<int> sharingWindows)
        {
            if (t.Kind is not (TransformKind.CombinePerKey or TransformKind.CountPerKey or TransformKind.Count or TransformKind.CombineGlobally) ||
                t.SideInput is not null || t.OutputWindowing is not { Kind: "Sliding" })
            {
                return false;
            }

            // Up through element-wise transforms only: a combine below another grouping gets whole windows, not panes.
            var node = t;
            while (node.Inputs.Count == 1)
            {
                node = transforms[node.Inputs[0].Node];
                if (node.Kind == TransformKind.Window)
                {
                    return sharingWindows.Contains(node.Id);
                }

                if (!IsElementWise(node))
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>
        /// The groupings upstream of <paramref name="t"/> (through element-wise transforms) whose output timestamps can be
        /// behind the watermark (earliest or latest timestamp combiner): their holds bound t's input watermark.
        /// </summary>
        private static List<int> HoldingUpstream(TransformSpec t, List<TransformSpec> transforms, List<StateLayout> layouts)
        {
            var result = new List<int>();
            var seen = new HashSet<int>();
            var stack = new Stack<int>(t.Inputs.Select(i => i.Node));
            while (stack.Count > 0)
            {
                var n = transforms[stack.Pop()];
                if (!seen.Add(n.Id))
                {
                    continue;
                }

                if (layouts[n.Id] == StateLayout.SideInputBuffer)
                {
                    // A reader of a side input holds its output watermark at the earliest element waiting for the view
                    // (Beam's pushback), and passes on what holds its own input.
                    result.Add(n.Id);
                    foreach (var input in n.Inputs)
                    {
                        stack.Push(input.Node);
                    }

                    continue;
                }

                if (IsStateful(n))
                {
                    // A stateful ParDo holds its output watermark at its pending timers' output timestamps (and its own input's).
                    if (layouts[n.Id] == StateLayout.KeyedUserState ||
                        layouts[n.Id] == StateLayout.KeyedWindowPanes && n.OutputWindowing!.TimestampCombiner != "EndOfWindow")
                    {
                        result.Add(n.Id);
                    }

                    continue;
                }

                foreach (var input in n.Inputs)
                {
                    stack.Push(input.Node);
                }
            }

            result.Sort();
            return result;
        }
    }
}
