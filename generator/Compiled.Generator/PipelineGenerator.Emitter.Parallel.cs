using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class Session
        {
            // ----- the parallel batch runner: shards, key groups, exchanges -----
            //
            // Each shard is a runner of its own running every stage over its part of the inputs (data-parallel, as the
            // plan says). At end of input, before a stateful transform emits, the shards exchange its state as the plan
            // decides: by key group (each shard pre-aggregates its part and ships it to the shard that owns the key's
            // group, which merges the parts in shard order), to one (shard 0 merges the per-shard accumulators), or
            // broadcast (every shard gets the whole side-input view). Shard order is input order, so a merged group
            // keeps its values in input order and a key's first appearance decides where it comes in the output.

            private bool Parallel => _plan.ParallelBatch;

            private const string ShardGroupType = "global::Compiled.Parallel.ShardGroup";

            private void WriteShardFields(SourceWriter w)
            {
                if (Parallel || Streaming)
                {
                    w.Line("// Key groups of the parallel runners: how many, and how many shards own them (set when this runner is a shard).");
                    w.Line("private int __maxParallelism;");
                    w.Line("private int __shardCount;");
                    w.Line("private int[] __groupShards = global::System.Array.Empty<int>(); // the shard of each key group");
                    _runnerExtras.Add(WriteShardOfMembers);
                }

                WriteStreamingFields(w);
                if (!Parallel)
                {
                    return;
                }

                w.Line("// Shard of the parallel batch runner (Run with a parallelism): set before the run, read by the exchanges in Finish.");
                w.Line("private int __shard;");
                w.Line("private " + _runnerType + "[]? __peers;");
                w.Line("private " + ShardGroupType + "? __group;");
                foreach (var state in _plan.States.Where(s => s.Exchange != ExchangeKind.None))
                {
                    var t = _t[state.Transform];
                    if (!state.ShipsPartials)
                    {
                        w.Line("private " + RouteItemType(t) + "[]? __route" + N(t.Id) + "; // elements of #" + N(t.Id) + " for each shard, set on a shard only");
                    }
                    else if (state.Exchange == ExchangeKind.ByKeyGroup)
                    {
                        w.Line("private " + OutboxItemType(t) + "[]? __outbox" + N(t.Id) + ";");
                    }
                }

                foreach (var view in ReplayedListViews)
                {
                    w.Line("private int[]? __viewStarts" + view + "; // where each segment's elements (an input's, then Finish's) start in this shard's part of view #" + view);
                }

                w.Line();
                _runnerExtras.Add(WriteShardMembers);
            }

            /// <summary>What a shard ships to another for a keyed transform: its state entries for that shard's key groups (per window, when windowed).</summary>
            private string OutboxItemType(TransformSpec t)
            {
                var key = StoredKey(StateKeyType(t));
                if (IsWindowedPartial(t))
                {
                    return t.Kind == TransformKind.Distinct
                        ? "global::System.Collections.Generic.List<(global::Compiled.BoundedWindow Window, " + key + " Key)>"
                        : "global::System.Collections.Generic.List<(global::Compiled.BoundedWindow Window, " + key + " Key, " + StateValueType(t) + " Value)>";
                }

                return _plan.LayoutOf(t.Id) == StateLayout.DistinctSet
                    ? "global::System.Collections.Generic.List<" + key + ">"
                    : "global::System.Collections.Generic.List<global::System.Collections.Generic.KeyValuePair<" + key + ", " + StateValueType(t) + ">>";
            }

            /// <summary>Windowed state kept inline, a map per window (or per pane of shared sliding windows): shipped per window and key.</summary>
            private bool IsWindowedPartial(TransformSpec t) => _plan.LayoutOf(t.Id) is StateLayout.InlineWindowedMaps or StateLayout.SharedSlidingPanes;

            /// <summary>
            /// What a shard sends to another for a transform whose elements travel: the elements, as they arrived (for a
            /// CoGroupByKey, the input each came from and a field per input).
            /// </summary>
            private string RouteItemType(TransformSpec t) => t.Kind == TransformKind.CoGroupByKey
                ? "global::Compiled.Parallel.ShardRoute<(int Port, " + string.Join(", ", CoGroupPortTypes(t).Select((type, i) => type + " P" + N(i))) +
                  ", global::Compiled.Instant Timestamp, global::Compiled.BoundedWindow Window, global::Compiled.PaneInfo Pane)>"
                : "global::Compiled.Parallel.ShardRoute<(" + t.InputType + " Value, global::Compiled.Instant Timestamp, global::Compiled.BoundedWindow Window, global::Compiled.PaneInfo Pane)>";

            /// <summary>The element type of each input of a CoGroupByKey.</summary>
            private List<string> CoGroupPortTypes(TransformSpec t) => t.Inputs.Select(ElementTypeOf).ToList();

            /// <summary>The type of the elements that arrive on an input of a transform.</summary>
            private string ElementTypeOf(PortRef input) => _t[input.Node].OutputTypes[input.Port];

            /// <summary>
            /// At the update of a transform whose elements travel (keyed window panes, a stateful ParDo, a grouping replayed
            /// input by input): on a shard, the element goes to the shard that owns its key (or to shard 0 for a global
            /// combine), to be added there when the exchange runs; otherwise it is added here.
            /// </summary>
            private bool EmitRouted(SourceWriter w, TransformSpec t, string value, string timestamp, string window, int inputIndex)
            {
                if (_plainStage || !_plan.States[t.Id].RoutesElements(streaming: false, Parallel))
                {
                    return false;
                }

                var id = N(t.Id);
                var shard = _plan.States[t.Id].Exchange == ExchangeKind.ToOne ? "0"
                    : "__ShardOf" + id + "(" + (t.Kind is TransformKind.CountPerElement or TransformKind.Distinct ? value : value + ".Key") + (IsTextKey(StateKeyType(t)) ? ".Span" : string.Empty) + ")";
                w.Open("if (__route" + id + " is not null)");
                w.Line("__Route" + id + (t.Kind == TransformKind.CoGroupByKey ? "_" + N(inputIndex) : string.Empty) + "(" + shard + ", " + value + ", " + timestamp + ", " + window + ");");
                w.Close();
                w.Open("else");
                return true;
            }

            private string StateValueType(TransformSpec t) => t.Kind switch
            {
                TransformKind.CombinePerKey => t.Combine!.AccumulatorType,
                TransformKind.CountPerKey or TransformKind.CountPerElement => "long",
                TransformKind.GroupByKey => "global::System.Collections.Generic.List<" + t.ValueTypes[0] + ">",
                TransformKind.CoGroupByKey => CoGroupStateType(t),
                _ => "object",
            };

            /// <summary>Before a stateful transform emits in Finish: its exchange, when this runner is a shard.</summary>
            private void WriteExchangeCall(SourceWriter w, TransformSpec t)
            {
                if (Parallel && _plan.States[t.Id].Exchange != ExchangeKind.None)
                {
                    w.Open("if (__peers is not null)");
                    w.Line("__Exchange" + N(t.Id) + "();");
                    w.Close();
                }
            }

            /// <summary>
            /// Which runners emit this transform's state at Finish (null: every one): only shard 0 for a global combine (merged
            /// there); in the streaming parallel runner, a side-input view (and what waits for it) only on the shards of its
            /// level, which hold the whole view (the partitions and the other levels hold none of it).
            /// </summary>
            private string? EmitsHereGuard(TransformSpec t)
            {
                var state = _plan.States[t.Id];
                if (Streaming && state.Level > 0 && state.Layout is StateLayout.SideInputView or StateLayout.SideInputBuffer)
                {
                    return "(__level == 0 ? !__partition : __level == " + N(state.Level) + ")";
                }

                if (state.Exchange != ExchangeKind.ToOne)
                {
                    return null;
                }

                var batch = Parallel ? "(__peers is null || __shard == 0)" : null;
                var streaming = Streaming ? "(__level == 0 ? !__partition : __level == " + N(_plan.States[t.Id].Level) + " && __streamShard == 0)" : null;
                return batch is null ? streaming : streaming is null ? batch : batch + " && " + streaming;
            }

            private void WriteShardMembers(SourceWriter w)
            {
                w.Line("/// <summary>Makes this runner shard <paramref name=\"shard\"/> of <paramref name=\"peers\"/> (the parallel batch runner).</summary>");
                w.Open("internal void __JoinShards(" + _runnerType + "[] peers, int shard, " + ShardGroupType + " group, int maxParallelism)");
                w.Open("if (peers.Length == 1)");
                w.Line("return; // one shard: nothing to exchange, it runs as the single-threaded runner does");
                w.Close();
                WritePlainOff(w);
                w.Line("__peers = peers;");
                w.Line("__shardCount = peers.Length;");
                w.Line("__shard = shard;");
                w.Line("__group = group;");
                w.Line("__maxParallelism = maxParallelism;");
                w.Line("__groupShards = global::Compiled.Parallel.KeyGroups.ShardTable(maxParallelism, peers.Length);");
                WriteKeyShardsCleared(w);
                foreach (var view in ReplayedListViews)
                {
                    w.Line("__viewStarts" + view + " = new int[" + N(SegmentCount) + "];");
                }

                foreach (var state in RoutedStates)
                {
                    var rid = N(state.Transform);
                    w.Line("__route" + rid + " = new " + RouteItemType(_t[state.Transform]) + "[peers.Length];");
                    w.Open("for (var s = 0; s < peers.Length; s++)");
                    w.Line("__route" + rid + "[s] = new();");
                    w.Close();
                }

                w.Close();
                w.Line();

                foreach (var state in RoutedStates)
                {
                    // Out of the stage's loop body: the single-threaded path's frame stays small and its registers free.
                    var t = _t[state.Transform];
                    var rid = N(t.Id);
                    if (t.Kind == TransformKind.CoGroupByKey)
                    {
                        var types = CoGroupPortTypes(t);
                        for (var port = 0; port < types.Count; port++)
                        {
                            var fields = string.Join(", ", types.Select((type, i) => i == port ? "value" : "default(" + type + ")"));
                            w.Line("/// <summary>An element of input " + N(port) + " of #" + rid + " goes to the shard that owns its key, to be applied there when the exchange runs.</summary>");
                            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                            w.Line("private void __Route" + rid + "_" + N(port) + "(int shard, " + types[port] + " value, global::Compiled.Instant timestamp, global::Compiled.BoundedWindow window) =>");
                            w.Line("    __route" + rid + "![shard].Add((" + N(port) + ", " + fields + ", timestamp, window, _pane));");
                            w.Line();
                        }

                        continue;
                    }

                    w.Line("/// <summary>An element of #" + rid + " goes to the shard that owns its key, to be applied there when the exchange runs.</summary>");
                    w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                    w.Line("private void __Route" + rid + "(int shard, " + t.InputType + " value, global::Compiled.Instant timestamp, global::Compiled.BoundedWindow window) =>");
                    w.Line("    __route" + rid + "![shard].Add((value, timestamp, window, _pane));");
                    w.Line();
                }

                if (TracksSegments)
                {
                    WriteRouteSegmentMembers(w);
                }

                foreach (var state in _plan.States.Where(s => s.Exchange != ExchangeKind.None))
                {
                    var t = _t[state.Transform];
                    var id = N(t.Id);
                    w.Line("/// <summary>#" + id + " " + Doc(t.Label) + ": " + Doc(state.Why) + ".</summary>");
                    w.Open("private void __Exchange" + id + "()");
                    w.Line("var peers = __peers!;");
                    switch (state.Exchange)
                    {
                        case ExchangeKind.ByKeyGroup or ExchangeKind.ToOne when !state.ShipsPartials:
                            WriteRoutedExchange(w, t);
                            break;
                        case ExchangeKind.ByKeyGroup when IsWindowedPartial(t):
                            WriteWindowedKeyGroupExchange(w, t);
                            break;
                        case ExchangeKind.ToOne when IsWindowedPartial(t):
                            WriteWindowedToOneExchange(w, t);
                            break;
                        case ExchangeKind.ByKeyGroup:
                            WriteKeyGroupExchange(w, t);
                            break;
                        case ExchangeKind.ToOne:
                            WriteToOneExchange(w, t);
                            break;
                        case ExchangeKind.Broadcast:
                            WriteBroadcastExchange(w, t);
                            break;
                    }

                    w.Close();
                    w.Line();
                }
            }

            /// <summary>Whether a transform's elements travel to their key's shard in the parallel batch runner (rather than partial states).</summary>
            private bool AnyRoutedInBatch => Parallel && RoutedStates.Any();

            /// <summary>The transforms whose elements travel to their key's shard in the parallel batch runner.</summary>
            private IEnumerable<StatePlan> RoutedStates => _plan.States.Where(s => s.RoutesElements(streaming: false, batch: true));

            /// <summary>The segments of a parallel batch run: one per input, in the order Run reads them, then one for Finish.</summary>
            private int SegmentCount => _inputs.Count + 1;

            /// <summary>The list views merged segment by segment (their elements come from several inputs), unwindowed.</summary>
            private List<string> ReplayedListViews => Parallel
                ? _plan.States.Where(s => s.ReplaysInputs && s.Exchange == ExchangeKind.Broadcast && _t[s.Transform].Kind == TransformKind.AsList && SideWindowsOf(_t[s.Transform]) is null)
                    .Select(s => N(s.Transform)).ToList()
                : new List<string>();

            /// <summary>Whether a shard tells where each segment of the run starts: routed elements, or a list view replayed by segment.</summary>
            private bool TracksSegments => AnyRoutedInBatch || ReplayedListViews.Count > 0;

            /// <summary>Whether routes mark bundle ends inside an input: a text input, whose every line is a bundle when triggers count elements.</summary>
            private bool RoutesMarkBundles => AnyRoutedInBatch && AnyPanes && _inputs.Any(i => i.Kind == TransformKind.ReadLinesInput);

            /// <summary>
            /// The segments of the routes: a shard reads its part of each input in turn (then emits at Finish), where the
            /// single-threaded runner reads each input whole before the next; the receiving shard replays segment by segment.
            /// </summary>
            private void WriteRouteSegmentMembers(SourceWriter w)
            {
                var routed = RoutedStates.Select(s => N(s.Transform)).ToList();
                w.Line("/// <summary>The elements routed from now on come from input <paramref name=\"segment\"/> (the number of inputs: from Finish).</summary>");
                WriteEveryRouteCall(w, routed, "internal void __StartSegment(int segment)", "route.StartSegment(segment);", ReplayedListViews.Select(v => "__viewStarts" + v + "![segment] = _view" + v + ".Count;"));
                if (!RoutesMarkBundles)
                {
                    return;
                }

                w.Line("/// <summary>The single-threaded runner ends a bundle here, inside an input (after a line): the routes mark it for their receivers' triggers.</summary>");
                WriteEveryRouteCall(w, routed, "internal void __RoutesEndBundle()", "route.EndBundle();", Enumerable.Empty<string>());
            }

            /// <summary>A method that makes one call on every route of every routed transform (to every shard).</summary>
            private static void WriteEveryRouteCall(SourceWriter w, List<string> routed, string signature, string call, IEnumerable<string> also)
            {
                w.Open(signature);
                foreach (var line in also)
                {
                    w.Line(line);
                }

                foreach (var rid in routed)
                {
                    w.Open("if (__route" + rid + " is { } routes" + rid + ")");
                    w.Open("foreach (var route in routes" + rid + ")");
                    w.Line(call);
                    w.Close();
                    w.Close();
                }

                w.Close();
                w.Line();
            }

            /// <summary>The shard of a key, for every transform exchanged by key group (batch or streaming).</summary>
            private void WriteShardOfMembers(SourceWriter w)
            {
                foreach (var state in _plan.States.Where(s => s.Exchange == ExchangeKind.ByKeyGroup && (Parallel || s.Level > 0)))
                {
                    var t = _t[state.Transform];
                    var id = N(t.Id);
                    var text = IsTextKey(StateKeyType(t));
                    WriteShardOf(w, id, StoredKey(StateKeyType(t)), KeyHashExpression(t, text),
                        "The shard that owns the key group of a key of #" + id + ": a hash of the key's canonical encoding by its coder, the same in every process" +
                        (state.CachesKeyShards ? "; kept per key once computed (see the plan)." : "."), state.CachesKeyShards);
                    if (text)
                    {
                        WriteShardOf(w, id, TextSpan(StateKeyType(t)), "global::Compiled.Coders.Coder.Hash(key)", "The shard of a text key given as a span (the same hash as the stored key's).", cached: false);
                    }
                }
            }

            /// <summary>
            /// A key's shard: its canonical encoding hashed (<paramref name="hash"/>, an expression over 'key'), its key group,
            /// that group's shard. When <paramref name="cached"/>, the shard of a key in the table's range is kept once hashed
            /// (<c>__ShardOfNewN</c>) and looked up after that.
            /// </summary>
            private static void WriteShardOf(SourceWriter w, string id, string keyType, string hash, string summary, bool cached)
            {
                var hashed = "__groupShards[global::Compiled.Parallel.KeyGroups.Of(" + hash + ", __maxParallelism)]";
                if (cached)
                {
                    w.Line("private global::Compiled.Parallel.KeyShardCache __keyShards" + id + "; // the shard of each integer key hashed so far");
                    w.Line();
                }

                w.Line("/// <summary>" + summary + "</summary>");
                w.Line(Inline);
                w.Open("private int __ShardOf" + id + "(" + keyType + " key)");
                w.Open("if (__shardCount == 1)");
                w.Line("return 0; // one shard owns every key group: no hash");
                w.Close();
                if (!cached)
                {
                    WriteHashedReturn(w, hashed, string.Empty);
                    w.Close();
                    w.Line();
                    return;
                }

                w.Line("var known = __keyShards" + id + ".Get(unchecked((ulong)key)); // a negative key falls out of the table's range");
                w.Open("if (known >= 0)");
                w.Line("return known;");
                w.Close();
                w.Open("if (unchecked((ulong)key) < global::Compiled.Parallel.KeyShardCache.MaxKeys)");
                w.Line("return __ShardOfNew" + id + "(key); // the key's first time here");
                w.Close();
                WriteHashedReturn(w, hashed, " // out of the table's range: hashed every time");
                w.Close();
                w.Line();
                w.Line("/// <summary>The shard of a key in the table's range that is not kept yet: hashed, and kept.</summary>");
                w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                w.Open("private int __ShardOfNew" + id + "(" + keyType + " key)");
                WriteHashedReturn(w, "__keyShards" + id + ".Set(unchecked((ulong)key), " + hashed + ")", string.Empty);
                w.Close();
                w.Line();
            }

            /// <summary>Returns a shard computed from the key's hash (its coder's type may lack nullable annotations).</summary>
            private static void WriteHashedReturn(SourceWriter w, string shard, string comment)
            {
                w.Line("#nullable disable warnings // coders name their types without nullable annotations");
                w.Line("return " + shard + ";" + comment);
                w.Line("#nullable restore warnings");
            }

            /// <summary>Forgets the shards kept per key: the runner's shards are set anew.</summary>
            private void WriteKeyShardsCleared(SourceWriter w)
            {
                foreach (var state in _plan.States.Where(s => s.CachesKeyShards && (Parallel || s.Level > 0)))
                {
                    w.Line("__keyShards" + N(state.Transform) + ".Clear();");
                }
            }

            private void WriteKeyGroupExchange(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                var distinct = _plan.LayoutOf(t.Id) == StateLayout.DistinctSet;
                var key = distinct ? "e" : "e.Key";
                w.Line("// Ship: this shard's part of every key another shard owns; its own keys stay where they are.");
                WriteNewOutbox(w, t);
                w.Open("foreach (var e in _state" + id + ")");
                w.Line("var owner = __ShardOf" + id + "(" + key + ");");
                w.Open("if (owner != __shard)");
                w.Line("outbox[owner].Add(e);");
                if (!distinct)
                {
                    w.Line("_state" + id + ".Remove(" + key + "); // removing the current entry keeps a dictionary's enumeration valid");
                }

                w.Close();
                w.Close();
                if (distinct)
                {
                    WriteRemoveShipped(w, "_state" + id + ".Remove(x);");
                }

                w.Line("__outbox" + id + " = outbox;");
                w.Line("__group!.SignalAndWait();");
                WriteGather(w, t, "peers[s].__outbox" + id + "![__shard]", "_state" + id, key, "e.Value");
            }

            /// <summary>A set is not changed while it is enumerated: the elements shipped away leave it afterwards.</summary>
            private static void WriteRemoveShipped(SourceWriter w, string remove)
            {
                w.Open("foreach (var shipped in outbox)");
                w.Open("foreach (var x in shipped)");
                w.Line(remove);
                w.Close();
                w.Close();
            }

            private void WriteNewOutbox(SourceWriter w, TransformSpec t)
            {
                w.Line("var outbox = new " + OutboxItemType(t) + "[peers.Length];");
                w.Open("for (var s = 0; s < outbox.Length; s++)");
                w.Line("outbox[s] = new();");
                w.Close();
            }

            /// <summary>
            /// Merges the parts other shards shipped here so that each key's state is what one thread would have built
            /// from the whole input: the parts of lower shards (earlier input) go before this shard's own, nearest first
            /// (so the lowest ends up first), and the parts of higher shards after it, in shard order.
            /// </summary>
            private void WriteGather(SourceWriter w, TransformSpec t, string part, string map, string key, string value, string? windowMap = null)
            {
                foreach (var (loop, before) in new[] { ("for (var s = __shard - 1; s >= 0; s--)", true), ("for (var s = __shard + 1; s < peers.Length; s++)", false) })
                {
                    w.Open(loop);
                    w.Open("foreach (var e in " + part + ")");
                    if (windowMap is not null)
                    {
                        w.Line("ref var map = ref global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(" + windowMap + ", e.Window, out var wexists);");
                        w.Open("if (!wexists)");
                        w.Line("map = new();");
                        w.Close();
                    }

                    WriteMergeEntry(w, t, map, key, value, before);
                    w.Close();
                    w.Close();
                }
            }

            /// <summary>Merges one shipped entry (a key and its part of the state) into a state map.</summary>
            private void WriteMergeEntry(SourceWriter w, TransformSpec t, string map, string key, string value, bool before)
            {
                var id = N(t.Id);
                if (before)
                {
                    // An earlier part of the input: its key is the one a single thread would have met first, so it stands
                    // for the key (equal keys can differ, -0.0 and 0.0), and its state goes before this shard's.
                    if (t.Kind == TransformKind.Distinct)
                    {
                        w.Line(map + ".Remove(" + key + ");");
                        w.Line(map + ".Add(" + key + ");");
                        return;
                    }

                    w.Open("if (" + map + ".Remove(" + key + ", out var mine))");
                    switch (t.Kind)
                    {
                        case TransformKind.CountPerKey or TransformKind.CountPerElement:
                            w.Line(map + ".Add(" + key + ", " + value + " + mine);");
                            break;
                        case TransformKind.CombinePerKey:
                            w.Line("var earlier = " + value + ";");
                            w.Line("_fn" + id + ".MergeAccumulators(ref earlier, mine);");
                            w.Line(map + ".Add(" + key + ", earlier);");
                            break;
                        case TransformKind.GroupByKey:
                            w.Line(value + ".AddRange(mine);");
                            w.Line(map + ".Add(" + key + ", " + value + ");");
                            break;
                        case TransformKind.CoGroupByKey:
                            for (var i = 0; i < t.ValueTypes.Count; i++)
                            {
                                w.Line(value + ".Values" + N(i) + ".AddRange(mine.Values" + N(i) + ");");
                            }

                            w.Line(map + ".Add(" + key + ", " + value + ");");
                            break;
                    }

                    w.Close();
                    w.Open("else");
                    w.Line(map + ".Add(" + key + ", " + value + ");");
                    w.Close();
                    return;
                }

                switch (t.Kind)
                {
                    case TransformKind.Distinct:
                        w.Line(map + ".Add(" + key + ");");
                        break;
                    case TransformKind.CountPerKey or TransformKind.CountPerElement:
                        w.Line(RefOrAdd(t, map, key, "out bool _") + " += " + value + ";");
                        break;
                    default:
                        w.Line("ref var slot = ref " + RefOrAdd(t, map, key, "out var exists") + ";");
                        w.Open("if (!exists)");
                        w.Line("slot = " + value + ";");
                        w.Close();
                        w.Open("else");
                        switch (t.Kind)
                        {
                            case TransformKind.CombinePerKey:
                                w.Line("_fn" + id + ".MergeAccumulators(ref slot!, " + value + ");");
                                break;
                            case TransformKind.GroupByKey:
                                w.Line("slot!.AddRange(" + value + ");");
                                break;
                            case TransformKind.CoGroupByKey:
                                for (var i = 0; i < t.ValueTypes.Count; i++)
                                {
                                    w.Line("slot!.Values" + N(i) + ".AddRange(" + value + ".Values" + N(i) + ");");
                                }

                                break;
                        }

                        w.Close();
                        break;
                }
            }

            private void WriteWindowedKeyGroupExchange(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                var distinct = t.Kind == TransformKind.Distinct;
                var key = distinct ? "e" : "e.Key";
                var keepsUnshared = _plan.States[t.Id].KeepsUnsharedWindows;
                if (keepsUnshared)
                {
                    w.Line("// A window that no other shard holds stays here whole: every element of it was read here, so its panes are complete.");
                    w.Line("__group!.SignalAndWait(); // every shard's windows are in place: none is added or removed before the merge below");
                    w.Line("// Ship: this shard's part of every window that another shard holds too, for each key another shard owns.");
                }
                else
                {
                    w.Line("// Ship: this shard's part of every window and key another shard owns; its own keys stay where they are.");
                }

                WriteNewOutbox(w, t);
                w.Open("foreach (var we in _wstate" + id + ")");
                if (keepsUnshared)
                {
                    w.Line("var shared = false;");
                    w.Open("for (var s = 0; s < peers.Length && !shared; s++)");
                    w.Line("shared = s != __shard && peers[s]._wstate" + id + ".ContainsKey(we.Key);");
                    w.Close();
                    w.Open("if (!shared)");
                    w.Line("continue;");
                    w.Close();
                }

                w.Open("foreach (var e in we.Value)");
                w.Line("var owner = __ShardOf" + id + "(" + key + ");");
                w.Open("if (owner != __shard)");
                w.Line("outbox[owner].Add((we.Key, " + (distinct ? "e" : "e.Key, e.Value") + "));");
                if (!distinct)
                {
                    w.Line("we.Value.Remove(" + key + ");");
                }

                w.Close();
                w.Close();
                w.Close();
                if (distinct)
                {
                    WriteRemoveShipped(w, "_wstate" + id + "[x.Window].Remove(x.Key);");
                }

                w.Line("__outbox" + id + " = outbox;");
                w.Line("__group!.SignalAndWait();");
                w.Line("// Merge into the map of each window.");
                WriteGather(w, t, "peers[s].__outbox" + id + "![__shard]", "map!", "e.Key", "e.Value", "_wstate" + id); // shipped as (Window, Key[, Value])
                w.Line("global::System.Array.Clear(_cacheS" + id + ");");
                w.Line("_nextEnd" + id + " = global::Compiled.Instant.MinValue; // every merged window is looked at when it fires");
            }

            private void WriteWindowedToOneExchange(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                w.Line("// Every shard holds its part per window; shard 0 merges them, in shard order, and emits.");
                w.Line("__group!.SignalAndWait();");
                w.Open("if (__shard == 0)");
                w.Open("for (var s = 1; s < peers.Length; s++)");
                w.Open("foreach (var e in peers[s]._wstate" + id + ")");
                w.Line("ref var slot = ref global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_wstate" + id + ", e.Key, out var exists);");
                w.Open("if (!exists)");
                w.Line("slot = e.Value;");
                w.Close();
                w.Open("else");
                w.Line(t.Kind == TransformKind.Count ? "slot += e.Value;" : "_fn" + id + ".MergeAccumulators(ref slot!, e.Value);");
                w.Close();
                w.Close();
                w.Close();
                w.Line("_nextEnd" + id + " = global::Compiled.Instant.MinValue;");
                w.Close();
            }

            private void WriteRoutedExchange(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                var segments = N(SegmentCount);
                w.Line("// Every shard has sent the elements of this transform to their key's shard; each adds what it received in the");
                w.Line("// single-threaded runner's order: input by input (then what Finish emitted), each input's parts in shard order,");
                w.Line("// ending a bundle where that runner ends one (after each input, and after each line of a text input).");
                w.Line("__group!.SignalAndWait();");
                w.Line("var arrived = _pane;");
                w.Line("var readers = new " + RouteItemType(t) + ".Reader[peers.Length];");
                w.Open("for (var s = 0; s < peers.Length; s++)");
                w.Line("readers[s] = peers[s].__route" + id + "![__shard].GetReader();");
                w.Close();
                w.Open("for (var segment = 0; segment < " + segments + "; segment++)");
                w.Open("for (var s = 0; s < readers.Length; s++)");
                w.Open("while (readers[s].MoveNext(segment, out var endsBundle))");
                w.Line("ref readonly var e = ref readers[s].Current;");
                w.Line("_pane = e.Pane;");
                if (t.Kind == TransformKind.CoGroupByKey)
                {
                    w.Open("switch (e.Port)");
                    for (var port = 0; port < t.Inputs.Count; port++)
                    {
                        w.Open("case " + N(port) + ":");
                        EmitStateUpdate(w, t, "e.P" + N(port), "e.Timestamp", "e.Window", port);
                        w.Line("break;");
                        w.Close();
                    }

                    w.Close();
                }
                else
                {
                    EmitStateUpdate(w, t, "e.Value", "e.Timestamp", "e.Window", 0);
                }

                if (AnyPanes)
                {
                    w.Open("if (endsBundle)");
                    w.Line("_pane = arrived;");
                    w.Line("__EndBundle();");
                    w.Close();
                }

                w.Close();
                w.Close();
                w.Line("_pane = arrived;");
                if (AnyPanes)
                {
                    w.Line("__EndBundle();");
                }

                w.Close();
            }

            private void WriteToOneExchange(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                w.Line("// Every shard has counted or accumulated its part; shard 0 merges them, in shard order, and emits.");
                w.Line("__group!.SignalAndWait();");
                w.Open("if (__shard == 0)");
                w.Open("for (var s = 1; s < peers.Length; s++)");
                if (t.Kind == TransformKind.Count)
                {
                    w.Line("_count" + id + " += peers[s]._count" + id + ";");
                }
                else
                {
                    w.Line("_fn" + id + ".MergeAccumulators(ref _acc" + id + ", peers[s]._acc" + id + ");");
                    if (t.WithoutDefaults)
                    {
                        w.Line("_any" + id + " |= peers[s]._any" + id + ";");
                    }
                }

                w.Close();
                w.Close();
            }

            private void WriteBroadcastExchange(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                w.Line("// Every shard holds its part of the view; each builds the whole view from all parts, in shard order.");
                w.Line("__group!.SignalAndWait();");
                if (SideWindowsOf(t) is not null)
                {
                    WriteWindowedViewMerge(w, t);
                    return;
                }

                switch (t.Kind)
                {
                    case TransformKind.AsSingleton:
                        w.Line("var count = 0L;");
                        w.Line("var value = _view" + id + ";");
                        w.Open("foreach (var peer in peers)");
                        w.Open("if (peer._viewCount" + id + " > 0)");
                        w.Line("value = peer._view" + id + ";");
                        w.Line("count += peer._viewCount" + id + ";");
                        w.Close();
                        w.Close();
                        w.Line("__group.SignalAndWait();");
                        w.Line("_view" + id + " = value;");
                        w.Line("_viewCount" + id + " = count;");
                        break;
                    case TransformKind.AsList:
                        w.Line("var whole = new global::System.Collections.Generic.List<" + t.InputType + ">();");
                        if (_plan.States[t.Id].ReplaysInputs)
                        {
                            w.Line("// Its elements come from several inputs: input by input, each input's parts in shard order, as one thread reads them.");
                            w.Open("for (var segment = 0; segment < " + N(SegmentCount) + "; segment++)");
                            w.Open("foreach (var peer in peers)");
                            w.Line("var part = peer._view" + id + ";");
                            w.Line("var end = segment + 1 < " + N(SegmentCount) + " ? peer.__viewStarts" + id + "![segment + 1] : part.Count;");
                            w.Open("for (var i = peer.__viewStarts" + id + "![segment]; i < end; i++)");
                            w.Line("whole.Add(part[i]);");
                            w.Close();
                            w.Close();
                            w.Close();
                        }
                        else
                        {
                            w.Open("foreach (var peer in peers)");
                            w.Line("whole.AddRange(peer._view" + id + ");");
                            w.Close();
                        }

                        w.Line("__group.SignalAndWait();");
                        w.Line("_view" + id + ".Clear();");
                        w.Line("_view" + id + ".AddRange(whole);");
                        break;
                    case TransformKind.AsDictionary:
                        w.Line("var whole = new global::System.Collections.Generic.Dictionary<" + t.KeyType + ", " + t.ValueTypes[0] + ">();");
                        w.Open("foreach (var peer in peers)");
                        w.Open("foreach (var e in peer._view" + id + ")");
                        w.Open("if (!whole.TryAdd(e.Key, e.Value))");
                        w.Line(DuplicateViewKey(t, "e.Key"));
                        w.Close();
                        w.Close();
                        w.Close();
                        w.Line("__group.SignalAndWait();");
                        w.Line("_view" + id + ".Clear();");
                        w.Open("foreach (var e in whole)");
                        w.Line("_view" + id + ".Add(e.Key, e.Value);");
                        w.Close();
                        break;
                }
            }
        }
    }
}
