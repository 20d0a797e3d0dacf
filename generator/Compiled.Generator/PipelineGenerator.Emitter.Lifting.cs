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
            // ----- combiner lifting on the streaming parallel runner -----
            //
            // A keyed combine the plan lifts (LiftsInStream) is not fed elements across its exchange: every sender (a
            // partition, or a shard below the combine's level) keeps its own accumulators per key and window, and when its
            // watermark passes a window's end ships them to the keys' shards as maps, one per receiving shard. A shard
            // keeps the first map of a window as its state and merges the others into it; the maps go round through the
            // runner's SharedMapPool.

            /// <summary>
            /// What a sender ships for a lifted combine: its accumulators of one window for the keys of one shard, in a map of
            /// the type the combine keeps a window's state in, so that the shard can take it as its own.
            /// </summary>
            private string LiftedMapType(TransformSpec t) =>
                MapType(t, t.KeyType!, t.Kind == TransformKind.CountPerKey ? "long" : t.Combine!.AccumulatorType);

            private bool Lifted(TransformSpec t) => Streaming && _plan.States[t.Id].LiftsInStream;

            private IEnumerable<TransformSpec> LiftedTransforms => _plan.FlushOrder.Select(id => _t[id]).Where(Lifted);

            /// <summary>
            /// A lifted combine's window on a sender (a partition, or a shard below the combine's level), fired because the
            /// sender's watermark passed its end: its accumulators go to the keys' shards (<c>__ShipWindow</c>), which merge
            /// them. On the combine's own shard (no sender to that level) the window is emitted as usual: the caller writes
            /// that in the else block opened here, and closes it.
            /// </summary>
            private void OpenShipPartials(SourceWriter w, TransformSpec t, string map, string window)
            {
                var id = N(t.Id);
                var level = _plan.States[t.Id].Level;
                w.Open("if (__send" + N(level) + " is { } ship" + id + ")");
                w.Line("// Combiner lifting: this sender's accumulators of the window go to the keys' shards, before its watermark does.");
                w.Line("__ShipWindow" + id + "(ship" + id + ", " + window + ", " + map + ");");
                w.Close();
                w.Open("else");
            }

            /// <summary>
            /// A sender's fire of a lifted combine on the panes of shared sliding windows: every pane whose end the watermark
            /// passed is shipped whole (and leaves the sender), so the shard has it before its own watermark passes the end of
            /// any window holding it. What comes into such a pane later goes in a new map of the pane, shipped likewise.
            /// </summary>
            private void WriteShipPanes(SourceWriter w, TransformSpec t, string watermark, string ship)
            {
                var id = N(t.Id);
                w.Open("if (" + watermark + " > _nextEnd" + id + ")");
                WriteReadyWindows(w, t, watermark);
                w.Open("foreach (var fp" + id + " in __ready)");
                w.Line("_wstate" + id + ".Remove(fp" + id + ", out var fs" + id + ");");
                WriteUncacheWindow(w, t, "fp" + id);
                w.Line("// Combiner lifting: this sender's accumulators of the pane go to the keys' shards, before its watermark does.");
                w.Line("__ShipWindow" + id + "(" + ship + ", fp" + id + ", fs" + id + "!);");
                w.Close();
                w.Close();
            }

            /// <summary>On a partition, the windows of lifted combines that the watermark passed; a shard of the combine's level merges what they ship.</summary>
            private void WriteLiftedMembers(SourceWriter w)
            {
                var lifted = LiftedTransforms.ToList();
                if (lifted.Count == 0)
                {
                    return;
                }

                w.Line("/// <summary>A partition's watermark moved: the windows of its lifted combines that it passed are shipped (see the plan).</summary>");
                w.Open("private void __FireLifted(global::Compiled.Instant watermark)");
                w.Open("if (watermark <= _fireAt)");
                foreach (var t in lifted)
                {
                    w.Line("_wm" + N(t.Id) + " = watermark;");
                }

                w.Line("return;");
                w.Close();
                foreach (var t in lifted)
                {
                    WriteFire(w, t, "watermark");
                }

                w.Line("_fireAt = " + string.Join("", lifted.Skip(1).Select(t => "global::Compiled.Instant.Min(_nextEnd" + N(t.Id) + ", ")) + "_nextEnd" + N(lifted[0].Id) + new string(')', lifted.Count - 1) + ";");
                w.Close();
                w.Line();
                foreach (var t in lifted)
                {
                    WriteShipWindow(w, t);
                    WriteMergePartial(w, t);
                }
            }

            /// <summary>
            /// A sender's window of a lifted combine, to the shards: the map whole when there is one shard (it takes the map
            /// as its own), else one map per shard that holds keys of it, taken from the maps that go round
            /// (<c>SharedMapPool</c>); the sender's map is cleared and kept for its next window.
            /// </summary>
            private void WriteShipWindow(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                var level = _plan.States[t.Id].Level;
                var port = N(PortsOf(level).FindIndex(p => p.T.Id == t.Id && p.Input < 0));
                var map = LiftedMapType(t);
                var sized = WindowMapTakesCapacity(t);
                var item = "new " + ItemType(level) + " { Port = " + port + ", P" + port + " = {0}, Timestamp = window.MaxTimestamp, Window = window }";
                w.Line("private " + map + "?[]? __split" + id + "; // a window's accumulators of #" + id + " by receiving shard, while they are shipped");
                w.Line("internal global::Compiled.Parallel.SharedMapPool<" + map + ">? __mapPool" + id + "; // the maps of #" + id + " that go round between the partitions and shards");
                w.Line();
                w.Line("/// <summary>Ships this sender's accumulators of #" + id + " " + Doc(t.Label) + " in <paramref name=\"window\"/> to the shards of their keys.</summary>");
                w.Open("private void __ShipWindow" + id + "(global::Compiled.Parallel.ExchangeOutbox<" + ItemType(level) + "> ship, global::Compiled.BoundedWindow window, " + map + " map)");
                w.Open("if (__shardCount == 1)");
                if (sized)
                {
                    w.Open("if (_newest" + id + " == map)");
                    w.Line("_newest" + id + " = null; // the shard's now: its size is no longer this runner's to read");
                    w.Close();
                }

                w.Line("ship.Send(0, " + item.Replace("{0}", "map") + "); // the shard takes the map as its own, or merges it");
                w.Line("ship.Flush(); // published at once: a map weighs a window of elements, so the channel's bound counts it as a batch");
                w.Line("return;");
                w.Close();
                w.Line("var split = __split" + id + " ??= new " + map + "?[__shardCount];");
                if (sized)
                {
                    w.Line("var expected = map.Count / __shardCount + map.Count / 8 + 1; // a new part map starts at about its share of the keys, and grows no more");
                }

                w.Open("foreach (var pe in map)");
                w.Line("var part = split[__ShardOf" + id + "(pe.Key)] ??= __mapPool" + id + "?.TryTake() ?? new(" + (sized ? "expected" : string.Empty) + ");");
                w.Line(RefOrAdd(t, "part", "pe.Key", "out bool _") + " = pe.Value;");
                w.Close();
                w.Open("for (var s = 0; s < split.Length; s++)");
                w.Open("if (split[s] is { } part)");
                w.Line("split[s] = null;");
                w.Line("ship.Send(s, " + item.Replace("{0}", "part") + ");");
                w.Close();
                w.Close();
                w.Line("ship.Flush(); // published at once: a map weighs a window of elements, so the channel's bound counts it as a batch");
                w.Line("map.Clear();");
                w.Line("_pool" + id + ".Push(map);");
                w.Close();
                w.Line();
            }

            /// <summary>
            /// On a shard of a lifted combine: a sender's map of accumulators in a window. The first to arrive becomes the
            /// shard's state of the window as it is (no copy); the others are merged into it, key by key, and go back to the
            /// maps that go round.
            /// </summary>
            private void WriteMergePartial(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                w.Line("/// <summary>On a shard of #" + id + " " + Doc(t.Label) + ": a sender's accumulators of this shard's keys in a window, merged into this shard's.</summary>");
                w.Open("private void __MergePartial" + id + "(" + LiftedMapType(t) + " partial, global::Compiled.BoundedWindow window)");
                if (IsPaneShared(t))
                {
                    // A pane comes when the sender's watermark passes its end, and again with what came into it later (late
                    // for its first windows, on time for the others); what the sender found late for all of them it dropped.
                    w.Open("if (window.Start.Millis < _firedUpTo" + id + ")");
                    w.Line("// Cannot happen: every window holding the pane has fired here, so the sender's watermark, which is at least this shard's, had passed them.");
                    w.Line("throw new global::System.InvalidOperationException(" + Literal(t.Label + " received accumulators for a pane whose windows it has all emitted.") + ");");
                    w.Close();
                    w.Open("if (_wm" + id + ".Millis > long.MinValue / 2)");
                    w.Line("// The windows that ended before this shard's watermark are done: what the pane brings now was late for them");
                    w.Line("// at the sender (whose watermark is at least this one), and is counted there; they do not fire again with it.");
                    WriteWindowsEnded(w, t, "_wm" + id);
                    w.Close();
                }
                else
                {
                    w.Open("if (window.MaxTimestamp < _wm" + id + ")");
                    w.Line("// Cannot happen: a sender ships a window before its watermark, which this shard's is at most, passes it.");
                    w.Line("throw new global::System.InvalidOperationException(" + Literal(t.Label + " received an accumulator for a window it has emitted.") + ");");
                    w.Close();
                }

                w.Line("ref var slot" + id + " = ref global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_wstate" + id + ", window, out var wexists" + id + ");");
                w.Open("if (!wexists" + id + ")");
                w.Line("slot" + id + " = partial; // the window's first accumulators here: the shard keeps the sender's map");
                WriteNextEnd(w, t, "window");
                w.Line("return;");
                w.Close();
                w.Line("var ws" + id + " = slot" + id + "!;");
                w.Open("foreach (var pe in partial)");
                if (t.Kind == TransformKind.CountPerKey)
                {
                    w.Line(RefOrAdd(t, "ws" + id, "pe.Key", "out bool _") + " += pe.Value;");
                }
                else
                {
                    w.Line("ref var acc" + id + " = ref " + RefOrAdd(t, "ws" + id, "pe.Key", "out var exists" + id) + ";");
                    w.Open("if (exists" + id + ")");
                    w.Line("_fn" + id + ".MergeAccumulators(ref acc" + id + "!, pe.Value);");
                    w.Close();
                    w.Open("else");
                    w.Line("acc" + id + " = pe.Value;");
                    w.Close();
                }

                w.Close();
                w.Line("partial.Clear();");
                w.Line("__mapPool" + id + "?.Return(partial);");
                w.Close();
                w.Line();
            }
        }
    }
}
