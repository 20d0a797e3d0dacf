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
                if (!Parallel)
                {
                    return;
                }

                w.Line("// Shard of the parallel batch runner (Run with a parallelism): set before the run, read by the exchanges in Finish.");
                w.Line("private int __shard;");
                w.Line("private int __maxParallelism;");
                w.Line("private " + _runnerType + "[]? __peers;");
                w.Line("private " + ShardGroupType + "? __group;");
                foreach (var state in _plan.States.Where(s => s.Exchange == ExchangeKind.ByKeyGroup))
                {
                    w.Line("private " + OutboxItemType(_t[state.Transform]) + "[]? __outbox" + N(state.Transform) + ";");
                }

                w.Line();
                _runnerExtras.Add(WriteShardMembers);
            }

            /// <summary>What a shard ships to another for a keyed transform: its state entries for that shard's key groups.</summary>
            private string OutboxItemType(TransformSpec t)
            {
                var key = IsTextKey(StateKeyType(t)) ? "string" : StateKeyType(t);
                return _plan.LayoutOf(t.Id) == StateLayout.DistinctSet
                    ? "global::System.Collections.Generic.List<" + key + ">"
                    : "global::System.Collections.Generic.List<global::System.Collections.Generic.KeyValuePair<" + key + ", " + StateValueType(t) + ">>";
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

            /// <summary>Whether only shard 0 emits this transform's state (a global combine, merged there).</summary>
            private bool EmitsOnShardZeroOnly(TransformSpec t) => Parallel && _plan.States[t.Id].Exchange == ExchangeKind.ToOne;

            private void WriteShardMembers(SourceWriter w)
            {
                w.Line("/// <summary>Makes this runner shard <paramref name=\"shard\"/> of <paramref name=\"peers\"/> (the parallel batch runner).</summary>");
                w.Open("internal void __JoinShards(" + _runnerType + "[] peers, int shard, " + ShardGroupType + " group, int maxParallelism)");
                w.Line("__peers = peers;");
                w.Line("__shard = shard;");
                w.Line("__group = group;");
                w.Line("__maxParallelism = maxParallelism;");
                w.Close();
                w.Line();

                foreach (var state in _plan.States.Where(s => s.Exchange != ExchangeKind.None))
                {
                    var t = _t[state.Transform];
                    var id = N(t.Id);
                    w.Line("/// <summary>#" + id + " " + Doc(t.Label) + ": " + Doc(state.Why) + ".</summary>");
                    w.Open("private void __Exchange" + id + "()");
                    w.Line("var peers = __peers!;");
                    switch (state.Exchange)
                    {
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

                    if (state.Exchange == ExchangeKind.ByKeyGroup)
                    {
                        var key = IsTextKey(StateKeyType(t)) ? "string" : StateKeyType(t);
                        w.Line("/// <summary>The shard that owns the key group of a key of #" + id + ": a hash of the key's canonical encoding, the same in every process.</summary>");
                        w.Line(Inline);
                        w.Open("private int __ShardOf" + id + "(" + key + " key)");
                        w.Line("var hasher = new global::Compiled.Parallel.KeyHasher();");
                        foreach (var line in IsTextKey(StateKeyType(t)) ? new[] { "hasher.Add(key);" } : t.KeyHash.ToArray())
                        {
                            w.Line(line);
                        }

                        w.Line("return global::Compiled.Parallel.KeyGroups.ShardOf(global::Compiled.Parallel.KeyGroups.Of(hasher.Finish(), __maxParallelism), __maxParallelism, __peers!.Length);");
                        w.Close();
                        w.Line();
                    }
                }
            }

            private void WriteKeyGroupExchange(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                var layout = _plan.LayoutOf(t.Id);
                var item = OutboxItemType(t);
                w.Line("// Ship: this shard's part of every key, to the shard that owns the key's group.");
                w.Line("var outbox = new " + item + "[peers.Length];");
                w.Open("for (var s = 0; s < outbox.Length; s++)");
                w.Line("outbox[s] = new();");
                w.Close();
                w.Open("foreach (var e in _state" + id + ")");
                w.Line("outbox[__ShardOf" + id + "(" + (layout == StateLayout.DistinctSet ? "e" : "e.Key") + ")].Add(e);");
                w.Close();
                w.Line("_state" + id + ".Clear();");
                w.Line("__outbox" + id + " = outbox;");
                w.Line("__group!.SignalAndWait();");
                w.Line("// Merge: the parts of this shard's keys, in shard order (input order).");
                w.Open("foreach (var peer in peers)");
                w.Open("foreach (var e in peer.__outbox" + id + "![__shard])");
                switch (layout)
                {
                    case StateLayout.DistinctSet:
                        w.Line("_state" + id + ".Add(e);");
                        break;
                    case StateLayout.KeyedCounters:
                        w.Line("global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_state" + id + ", e.Key, out bool _) += e.Value;");
                        break;
                    default:
                        w.Line("ref var slot = ref global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_state" + id + ", e.Key, out var exists);");
                        w.Open("if (!exists)");
                        w.Line("slot = e.Value;");
                        w.Close();
                        w.Open("else");
                        switch (layout)
                        {
                            case StateLayout.KeyedAccumulators:
                                w.Line("_fn" + id + ".MergeAccumulators(ref slot, e.Value);");
                                break;
                            case StateLayout.KeyedValueLists:
                                w.Line("slot!.AddRange(e.Value);");
                                break;
                            case StateLayout.KeyedCoGroups:
                                for (var i = 0; i < t.ValueTypes.Count; i++)
                                {
                                    w.Line("slot!.Values" + N(i) + ".AddRange(e.Value.Values" + N(i) + ");");
                                }

                                break;
                        }

                        w.Close();
                        break;
                }

                w.Close();
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
                        w.Open("foreach (var peer in peers)");
                        w.Line("whole.AddRange(peer._view" + id + ");");
                        w.Close();
                        w.Line("__group.SignalAndWait();");
                        w.Line("_view" + id + ".Clear();");
                        w.Line("_view" + id + ".AddRange(whole);");
                        break;
                    case TransformKind.AsDictionary:
                        w.Line("var whole = new global::System.Collections.Generic.Dictionary<" + t.KeyType + ", " + t.ValueTypes[0] + ">();");
                        w.Open("foreach (var peer in peers)");
                        w.Open("foreach (var e in peer._view" + id + ")");
                        w.Open("if (!whole.TryAdd(e.Key, e.Value))");
                        w.Line(CheckFailure(t, Literal("Duplicate key '") + " + e.Key + " + Literal("' in a dictionary side input (" + t.Label + "): each key must have one value.")));
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
