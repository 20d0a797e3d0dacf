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
            // ----- the streaming parallel runner: partitions, levels of shards, channels with in-band watermarks -----
            //
            // Every instance is a runner of this class. A partition (level 0) is pushed by one caller's thread and runs the
            // element-wise stages; at an exchanged transform of level L it sends the element to the shard of level L that
            // owns the key's group, through that shard's bounded channel, instead of updating state. A shard of level L
            // runs on a thread of its own: it applies what its channels bring to its state, fires panes as its input
            // watermark (the minimum over every sender's watermark marker) advances, and sends to level L + 1 what they
            // emit. Each level only sends to higher levels, so the channels form no cycle and a full channel never
            // deadlocks. The plan says which transform is at which level.

            private bool Streaming => _plan.ParallelStreaming;

            /// <summary>Set while a shard's receive method is written: the element has arrived where it is to be applied.</summary>
            private bool _inReceive;

            /// <summary>While the stage of a plain push is written: a runner of one thread, so no exchange to check.</summary>
            private bool _plainStage;

            private static string ItemType(int level) => "__Exchange" + N(level) + "Item";

            /// <summary>Whether the items of a level carry no window: the shard assigns each element's window again (see the plan).</summary>
            private bool Windowless(int level) => _plan.WindowlessLevels.Contains(level);

            /// <summary>The Window transforms with a cached window start whose windows a shard assigns again on receipt.</summary>
            private IEnumerable<TransformSpec> ReassignedCachedWindows =>
                _plan.States.Where(s => Windowless(s.Level)).SelectMany(s => s.WindowsFrom).Distinct()
                    .Select(from => _t[from]).Where(t => t.Kind == TransformKind.Window && (t.Windowing?.Kind == "Fixed" || SharesPanes(t)));

            /// <summary>
            /// On a shard whose items carry no window: the element's window again, from its timestamp, by the window function
            /// that gave it (the plan's <c>WindowsFrom</c>). The same code as the Window transform's, with a cache of its own.
            /// </summary>
            private void WriteReassignedWindow(SourceWriter w, int from, string timestamp)
            {
                var t = _t[from];
                var id = N(t.Id);
                if (t.Kind != TransformKind.Window || t.Windowing is null || t.Windowing.Kind == "Global")
                {
                    w.Line("var window = global::Compiled.BoundedWindow.Global; // the window of #" + id + " " + Doc(t.Label));
                    return;
                }

                if (t.Windowing.Kind == "Sessions")
                {
                    w.Line("var window = global::Compiled.BoundedWindow.Interval(" + timestamp + ", new global::Compiled.Instant(" + timestamp + ".Millis + " + WindowSize(t) + ")); // the proto-session #" + id + " " + Doc(t.Label) + " gave it");
                    return;
                }

                var size = SharesPanes(t) ? t.Windowing.PeriodMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L" : WindowSize(t);
                var offset = t.Windowing.OffsetMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L";
                w.Line("// The " + (SharesPanes(t) ? "pane" : "window") + " #" + id + " " + Doc(t.Label) + " gave it, computed only when the element leaves the previous one's.");
                WriteCachedWindow(w, "window", "_receivedStart" + id, timestamp, size, offset);
            }

            /// <summary>
            /// Whether elements sent to a level carry their pane: not to level 1, whose senders are partitions, which send
            /// pushed elements (no grouping before them has fired a pane) and lifted accumulators (whose pane the shard makes).
            /// </summary>
            private static bool CarriesPanes(int level) => level > 1;

            /// <summary>
            /// The ports of a level: every input of every transform exchanged at that level, with its element type; a
            /// combine lifted across the exchange has one port instead (input -1), for the senders' accumulators per key.
            /// </summary>
            private List<(TransformSpec T, int Input, string Type)> PortsOf(int level) =>
                _plan.States.Where(s => s.Level == level)
                    .SelectMany(s => s.LiftsInStream
                        ? new[] { (_t[s.Transform], -1, LiftedMapType(_t[s.Transform])) }
                        : _t[s.Transform].Inputs.Select((input, i) => (_t[s.Transform], i, ElementTypeOf(input))))
                    .ToList();

            private int PortOf(TransformSpec t, int input)
            {
                var ports = PortsOf(_plan.States[t.Id].Level);
                return ports.FindIndex(p => p.T.Id == t.Id && p.Input == input);
            }

            private IEnumerable<int> Levels => Enumerable.Range(1, _plan.Levels);

            private void WriteStreamingFields(SourceWriter w)
            {
                if (!Streaming)
                {
                    return;
                }

                w.Line("// Streaming parallel runner (CreateParallelRunner): what this runner is there, set before it runs.");
                w.Line("private int __level; // 0: a partition, pushed by one caller's thread; L: a shard of level L, on a thread of its own");
                w.Line("private bool __partition;");
                w.Line("private int __streamShard;");
                w.Line("private global::Compiled.Instant __forwardedProcessingTime = global::Compiled.Instant.MinValue;");
                if (_plan.Levels > 0 && _inputs.Any(i => i.IdlenessMs > 0))
                {
                    w.Line("private bool __inputsIdle; // a partition whose every input is idle: the shards leave it out of their watermark");
                }
                foreach (var level in Levels)
                {
                    w.Line("private global::Compiled.Parallel.ExchangeOutbox<" + ItemType(level) + ">? __send" + N(level) + "; // to the shards of level " + N(level) + ", on a runner below that level");
                }

                foreach (var t in ReassignedCachedWindows)
                {
                    w.Line("private long _receivedStart" + N(t.Id) + " = long.MinValue; // on a shard: the window of the last element received that #" + N(t.Id) + " " + t.Label + " windowed");
                }

                w.Line();
                _runnerExtras.Add(WriteStreamingMembers);
            }

            /// <summary>Where a partition's watermark or processing time moves: it tells the shards (lazily; see ExchangeOutbox).</summary>
            private void WritePartitionForward(SourceWriter w, string watermark, bool andReturn = false)
            {
                if (!Streaming)
                {
                    return;
                }

                w.Open("if (__partition)");
                if (andReturn && LiftedTransforms.Any())
                {
                    w.Line("__FireLifted(" + watermark + "); // its accumulators of the lifted combines, shipped before the watermark");
                }

                w.Line("__Forward(" + watermark + ");" + (andReturn ? " // a partition keeps no other state: nothing else fires here" : string.Empty));
                if (andReturn)
                {
                    w.Line("return;");
                }

                w.Close();
            }

            /// <summary>
            /// In a partition whose inputs can go idle: when every input is idle, the shards leave the partition out of their
            /// watermark until one is active again (as the runner leaves out an idle input).
            /// </summary>
            private void WritePartitionIdleness(SourceWriter w)
            {
                if (!Streaming || _plan.Levels == 0 || !_inputs.Any(i => i.IdlenessMs > 0))
                {
                    return;
                }

                w.Open("if (__partition && active == __inputsIdle)");
                w.Line("__inputsIdle = !active;");
                w.Open("if (__inputsIdle)");
                WriteSends(w, "MarkIdle();");

                w.Close();
                w.Open("else");
                WriteSends(w, "MarkActive();");

                w.Close();
                w.Close();
            }

            /// <summary>One call on the outbox to every level above this runner (null where this runner sends nothing to it).</summary>
            private void WriteSends(SourceWriter w, string call)
            {
                foreach (var level in Levels)
                {
                    w.Line("__send" + N(level) + "?." + call);
                }
            }

            /// <summary>
            /// At the end of a bundle: the shards above that got elements in it end their bundle at the same place, on the
            /// levels where a transform evaluates its triggers then (the plan's bundle-end levels).
            /// </summary>
            private void WriteForwardEndBundle(SourceWriter w)
            {
                if (!Streaming)
                {
                    return;
                }

                foreach (var level in Levels.Where(l => _plan.BundleEndLevels.Contains(l)))
                {
                    w.Line("__send" + N(level) + "?.EndBundle();");
                }
            }

            private void WriteCompleteSends(SourceWriter w)
            {
                if (!Streaming || _plan.Levels == 0)
                {
                    return;
                }

                w.Line();
                w.Line("// Streaming parallel runner: everything this runner will send has been sent.");
                WriteSends(w, "Complete();");
            }

            /// <summary>
            /// At the edge into an exchanged transform, on a runner below its level: the element goes to the shard that owns
            /// its key group (shard 0 for a global combine). Returns true when the caller must close the else block it opened.
            /// </summary>
            private bool OpenStreamingRoute(SourceWriter w, TransformSpec t, int inputIndex, string value, string timestamp, string window)
            {
                if (_inReceive || _plainStage || !_plan.States[t.Id].RoutesElements(Streaming, batch: false))
                {
                    return false; // a lifted combine updates the sender's own accumulators (see WriteShipPartials)
                }

                var state = _plan.States[t.Id];
                var id = N(t.Id);
                var port = N(PortOf(t, inputIndex));
                var item = "new " + ItemType(state.Level) + " { Port = " + port + ", P" + port + " = " + value + ", Timestamp = " + timestamp + (Windowless(state.Level) ? string.Empty : ", Window = " + window) +
                           (CarriesPanes(state.Level) ? ", Pane = _pane" : string.Empty) + " }";
                if (state.Layout == StateLayout.SideInputView)
                {
                    // A side-input view is broadcast: every shard of its level gets every element, and holds the whole view.
                    w.Open("if (__send" + N(state.Level) + " is { } send" + id + ")");
                    w.Line("var item" + id + " = " + item + ";");
                    w.Open("for (var s" + id + " = 0; s" + id + " < __shardCount; s" + id + "++)");
                    w.Line("send" + id + ".Send(s" + id + ", item" + id + ");");
                    w.Close();
                    w.Close();
                    w.Open("else");
                    return true;
                }

                if (state.Layout == StateLayout.SideInputBuffer)
                {
                    // A reader of a side input runs where the whole view is: on the shard of the sender's index.
                    w.Open("if (__send" + N(state.Level) + " is { } send" + id + ")");
                    w.Line("send" + id + ".Send(__streamShard % __shardCount, " + item + ");");
                    w.Close();
                    w.Open("else");
                    return true;
                }

                w.Open("if (__send" + N(state.Level) + " is not null)");
                w.Line("__Ship" + N(state.Level) + "_" + port + "(" + value + ", " + timestamp + (Windowless(state.Level) ? string.Empty : ", " + window) + ");");
                w.Close();
                w.Open("else");
                return true;
            }

            /// <summary>The item struct of each level, in the pipeline class.</summary>
            private void WriteStreamingItemTypes(SourceWriter w)
            {
                if (!Streaming)
                {
                    return;
                }

                foreach (var level in Levels)
                {
                    var type = ItemType(level);
                    w.Line("/// <summary>What travels to a shard of level " + N(level) + " of the streaming parallel runner: an element for one of its transforms (Port 0 or more), or a marker" +
                           (Windowless(level) ? "; no window: the shard assigns each element's window again from its timestamp" : string.Empty) + ".</summary>");
                    w.Line(GeneratedCode);
                    w.Open("internal struct " + type + " : global::Compiled.Parallel.IExchangeItem<" + type + ">");
                    w.Line("public int Port;");
                    w.Line("public global::Compiled.Instant Timestamp;");
                    if (!Windowless(level))
                    {
                        w.Line("public global::Compiled.BoundedWindow Window;");
                    }

                    if (CarriesPanes(level))
                    {
                        w.Line("public global::Compiled.PaneInfo Pane;");
                    }
                    var ports = PortsOf(level);
                    for (var p = 0; p < ports.Count; p++)
                    {
                        w.Line("public " + ports[p].Type + " P" + N(p) + "; // #" + N(ports[p].T.Id) + " " + Doc(ports[p].T.Label) +
                               (ports[p].Input < 0 ? ", a sender's accumulators of one window for this shard's keys" : ports[p].T.Inputs.Count > 1 ? ", input " + N(ports[p].Input) : string.Empty));
                    }

                    w.Line();
                    w.Line("int global::Compiled.Parallel.IExchangeItem<" + type + ">.Port => Port;");
                    w.Line();
                    w.Line("global::Compiled.Instant global::Compiled.Parallel.IExchangeItem<" + type + ">.Timestamp => Timestamp;");
                    w.Line();
                    w.Line("/// <summary>A watermark or processing-time marker.</summary>");
                    w.Line("public static " + type + " Marker(int port, global::Compiled.Instant at) => new " + type + " { Port = port, Timestamp = at };");
                    w.Close();
                    w.Line();
                }
            }

            private void WriteStreamingMembers(SourceWriter w)
            {
                var sends = string.Concat(Levels.Select(l => ", global::Compiled.Parallel.ExchangeOutbox<" + ItemType(l) + ">? send" + N(l)));
                w.Line("/// <summary>Makes this runner a partition (level 0) or a shard of level <paramref name=\"level\"/> of the streaming parallel runner.</summary>");
                w.Open("internal void __JoinStreaming(int level, int index, int shards, int maxParallelism" + sends + ")");
                w.Line("__level = level;");
                w.Line("__partition = level == 0;");
                WritePlainOff(w);
                w.Line("__streamShard = index;");
                w.Line("__shardCount = shards;");
                w.Line("__maxParallelism = maxParallelism;");
                w.Line("__groupShards = global::Compiled.Parallel.KeyGroups.ShardTable(maxParallelism, shards);");
                WriteKeyShardsCleared(w);
                foreach (var level in Levels)
                {
                    w.Line("__send" + N(level) + " = send" + N(level) + ";");
                }

                w.Close();
                w.Line();

                foreach (var level in Levels)
                {
                    var ports = PortsOf(level);
                    for (var port = 0; port < ports.Count; port++)
                    {
                        var (t, input, type) = ports[port];
                        if (input < 0 || _plan.States[t.Id].Layout is StateLayout.SideInputView or StateLayout.SideInputBuffer)
                        {
                            continue; // lifted accumulators and side inputs are sent where they are made
                        }

                        // Out of the stage's loop body, the key's hash included: the single-threaded path's frame stays small
                        // and its registers free.
                        var key = (t.Kind is TransformKind.CountPerElement or TransformKind.Distinct ? "value" : "value.Key") + (IsTextKey(StateKeyType(t)) ? ".Span" : string.Empty);
                        var shard = _plan.States[t.Id].Exchange == ExchangeKind.ToOne ? "0" : "__ShardOf" + N(t.Id) + "(" + key + ")";
                        w.Line("/// <summary>An element of #" + N(t.Id) + " goes to the shard of level " + N(level) + " that owns its key group (port " + N(port) + ").</summary>");
                        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                        w.Open("private void __Ship" + N(level) + "_" + N(port) + "(" + type + " value, global::Compiled.Instant timestamp" + (Windowless(level) ? string.Empty : ", global::Compiled.BoundedWindow window") + ")");
                        w.Line("var send = __send" + N(level) + "!;");
                        w.Line("var shard = " + shard + ";");
                        w.Line("ref var item = ref send.Reserve(shard, timestamp); // written in place in the channel's batch");
                        w.Line("item.Port = " + N(port) + ";");
                        w.Line("item.P" + N(port) + " = value;");
                        w.Line("item.Timestamp = timestamp;");
                        if (!Windowless(level))
                        {
                            w.Line("item.Window = window;");
                        }
                        if (CarriesPanes(level))
                        {
                            w.Line("item.Pane = _pane;");
                        }

                        w.Line("send.Commit(shard);");
                        w.Close();
                        w.Line();
                    }
                }

                w.Line("/// <summary>The watermark this runner's outputs can promise: its own, held back by panes not yet emitted (earliest or latest timestamp combiners).</summary>");
                w.Open("internal global::Compiled.Instant __OutputWatermark()");
                w.Line("var watermark = _watermark;");
                foreach (var t in _t.Where(t => UsesPanes(t) && t.OutputWindowing!.TimestampCombiner != "EndOfWindow"))
                {
                    w.Line("watermark = global::Compiled.Instant.Min(watermark, _panes" + N(t.Id) + ".OutputWatermark);");
                }

                foreach (var t in _t.Where(t => t.SideInput is not null))
                {
                    w.Line("watermark = global::Compiled.Instant.Min(watermark, _pendingMin" + N(t.Id) + "); // #" + N(t.Id) + " " + Doc(t.Label) + ": elements waiting for its side input hold it (Beam's pushback)");
                }

                foreach (var t in _t.Where(t => IsStatefulParDo(t) && _plan.States.Any(s => s.HeldBy.Contains(t.Id))))
                {
                    w.Line("watermark = global::Compiled.Instant.Min(watermark, " + StatefulHold(t) + "); // #" + N(t.Id) + " " + Doc(t.Label) + ": its timers' output timestamps (and elements waiting to be sorted) hold it");
                }

                w.Line("return watermark;");
                w.Close();
                w.Line();

                w.Line("/// <summary>Tells the shards above this runner its output watermark (lazily) and its processing time (at once, if it moved).</summary>");
                w.Open("internal void __Forward(global::Compiled.Instant watermark)");
                if (_plan.Levels > 0)
                {
                    w.Open("if (_processingTime > __forwardedProcessingTime)");
                    w.Line("__forwardedProcessingTime = _processingTime;");
                    WriteSends(w, "AdvanceProcessingTime(_processingTime);");

                    w.Close();
                    WriteSends(w, "AdvanceWatermark(watermark);");
                }

                w.Close();
                w.Line();

                WriteLiftedMembers(w);
                w.Line("/// <summary>Publishes what waits in half-full batches to the shards above this runner, with its watermark.</summary>");
                w.Open("internal void __FlushSends()");
                WriteSends(w, "Flush();");

                w.Close();
                w.Line();

                w.Line("/// <summary>Flush, as a call of its own (a partition's clock may fire between calls).</summary>");
                w.Open("internal void __FlushCall()");
                OpenQuietCall(w);
                w.Line("__FlushSends();");
                CloseQuietCall(w);
                w.Close();
                w.Line();

                if (ClockDriven && _plan.Levels > 0)
                {
                    w.Line("/// <summary>Whether something this runner sent waits to be published: elements in a half-full batch, or a watermark not yet told.</summary>");
                    w.Open("private bool __SendsUnpublished()");
                    w.Line("return " + string.Join(" || ", Levels.Select(l => "__send" + N(l) + "?.HasUnpublished == true")) + ";");
                    w.Close();
                    w.Line();
                    w.Line("/// <summary>The flush interval of this runner's outboxes (negative: they publish only when full).</summary>");
                    w.Line("private int __FlushInterval() => " + string.Concat(Levels.Select(l => "__send" + N(l) + "?.FlushInterval ?? ")) + "-1;");
                    w.Line();
                }

                w.Line("/// <summary>A shard applied a batch: triggers that fire on elements are evaluated.</summary>");
                w.Open("internal void __EndReceived()");
                if (AnyPanes)
                {
                    w.Line("__Enter();");
                    w.Line("__EndBundle();");
                    w.Line("__Exit();");
                }

                w.Close();
                w.Line();

                var pipeline = Literal((_spec.Namespace.Length > 0 ? _spec.Namespace + "." : string.Empty) + _spec.ClassName);
                foreach (var level in Levels)
                {
                    var type = ItemType(level);
                    var ports = PortsOf(level);
                    w.Line("/// <summary>A shard of level " + N(level) + ": applies the elements of a batch from <paramref name=\"index\"/> up to the first marker; returns the marker's index (or the batch's length).</summary>");
                    w.Open("internal int __Receive" + N(level) + "(global::System.ReadOnlySpan<" + type + "> batch, int index)");
                    w.Line("__Enter();");
                    w.Open("try");
                    w.Open("for (; index < batch.Length && batch[index].Port >= 0; index++)");
                    w.Line("ref readonly var item = ref batch[index];");
                    w.Line(CarriesPanes(level) ? "_pane = item.Pane;" : "_pane = global::Compiled.PaneInfo.NoFiring; // pushed elements: no pane yet");
                    w.Open("switch (item.Port)");
                    _inReceive = true;
                    for (var p = 0; p < ports.Count; p++)
                    {
                        w.Line("case " + N(p) + ":");
                        w.Open();
                        if (ports[p].Input < 0)
                        {
                            w.Line("__MergePartial" + N(ports[p].T.Id) + "(item.P" + N(p) + ", item.Window);");
                            w.Line("break;");
                            w.Close();
                            continue;
                        }

                        w.Line("var value = item.P" + N(p) + ";");
                        w.Line("var timestamp = item.Timestamp;");
                        if (Windowless(level))
                        {
                            WriteReassignedWindow(w, _plan.States[ports[p].T.Id].WindowsFrom[ports[p].Input], "timestamp");
                        }
                        else
                        {
                            w.Line("var window = item.Window;");
                        }
                        EmitEdge(w, ports[p].T, ports[p].Input, "value", "timestamp", "window");
                        w.Line("break;");
                        w.Close();
                    }

                    _inReceive = false;
                    w.Close();
                    w.Close();
                    w.Close();
                    w.Open("catch (global::System.Exception error) when (error is not global::Compiled.PipelineExecutionException && error is not global::System.OperationCanceledException)");
                    w.Open("var (label, line) = batch[index].Port switch");
                    for (var p = 0; p < ports.Count; p++)
                    {
                        w.Line(N(p) + " => (" + Literal(ports[p].T.Label) + ", " + N(ports[p].T.Line) + "),");
                    }

                    w.Line("_ => ((string?)null, 0),");
                    w.Close(";");
                    w.Line("throw global::Compiled.Execution.RunnerFailures.Element(" + pipeline + ", " + Literal(_spec.FilePath) + ", label, line, " +
                           Literal("exchange to level " + N(level)) + ", -1, error);");
                    w.Close();
                    w.Line("_pane = global::Compiled.PaneInfo.NoFiring;");
                    w.Line("__Exit();");
                    w.Line("return index;");
                    w.Close();
                    w.Line();
                }
            }

            /// <summary>
            /// A shard restored from a checkpoint taken after the job had finished has emitted everything: the completion of
            /// its senders (and the watermark of +infinity it brings) finds nothing more to do.
            /// </summary>
            private static void WriteRestoredFinishedGuard(SourceWriter w, bool checkpoints)
            {
                if (!checkpoints)
                {
                    return;
                }

                w.Open("if (_runner.IsFinished)");
                w.Line("return; // restored from a checkpoint taken after it had finished");
                w.Close();
            }
        }
    }
}
