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
                w.Open("if ((ulong)(" + timestamp + ".Millis - _receivedStart" + id + ") >= (ulong)" + size + ")");
                w.Line("_receivedStart" + id + " = " + timestamp + ".Millis - ((((" + timestamp + ".Millis - " + offset + ") % " + size + ") + " + size + ") % " + size + ");");
                w.Close();
                w.Line("var window = global::Compiled.BoundedWindow.Interval(new global::Compiled.Instant(_receivedStart" + id + "), new global::Compiled.Instant(_receivedStart" + id + " + " + size + "));");
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
                        : _t[s.Transform].Inputs.Select((input, i) => (_t[s.Transform], i, _t[input.Node].OutputTypes[input.Port])))
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

            /// <summary>The streaming parallel runner class and its factory, in the pipeline class.</summary>
            private void WriteParallelRunner(SourceWriter w)
            {
                if (!Streaming)
                {
                    return;
                }

                var type = "ParallelRunner" + TypeParameterList();
                var factories = string.Join(", ", _outputs.Select(o => "global::System.Func<" + SinkTypeParameter(o) + "> " + Camel(o.Name!)));
                var sep = _outputs.Count > 0 ? ", " : string.Empty;
                var news = "new " + _runnerType + "(" + (_spec.OptionsType is null ? string.Empty : OptionsField + (_outputs.Count > 0 ? ", " : string.Empty)) + string.Join(", ", _outputs.Select(o => Camel(o.Name!) + "()")) + ")";

                w.Line("/// <summary>");
                w.Line("/// Creates a streaming runner on several threads: the same pushes, watermarks, processing time and Finish as");
                w.Line("/// <c>CreateRunner</c>, and the same panes, with state sharded by key group over <c>options.Parallelism</c> threads.");
                w.Line("/// Each output gets one sink per runner instance (from its factory): every sink is written by one thread only.");
                w.Line("/// </summary>");
                if (_spec.OptionsType is not null)
                {
                    w.Line("/// <param name=\"" + OptionsArgument + "\">The pipeline options, read by the lambdas that take them, on every partition and shard.</param>");
                }

                foreach (var o in _outputs)
                {
                    w.Line("/// <param name=\"" + Camel(o.Name!).TrimStart('@') + "\">Makes a sink of output '" + Doc(o.Name) + "' for each partition and shard.</param>");
                }

                w.Line("/// <param name=\"options\">Parallelism, partitions, key groups and channel sizes; null: the defaults.</param>");
                w.Line(GeneratedCode);
                w.Line(Surface + " static " + type + " CreateParallelRunner" + TypeParameterList() + "(" + OptionsParameterFirst(true) + factories + sep + "global::Compiled.Parallel.ParallelRunnerOptions? options = null)");
                w.Indent++;
                foreach (var o in _outputs)
                {
                    w.Line("where " + SinkTypeParameter(o) + " : global::Compiled.ISink<" + o.InputType + ">");
                }

                w.Line("=> new " + type + "(" + OptionsArgumentFirst(true) + string.Join(", ", _outputs.Select(o => Camel(o.Name!))) + sep + "options ?? new global::Compiled.Parallel.ParallelRunnerOptions());");
                w.Indent--;
                w.Line();

                w.Line("/// <summary>");
                w.Line("/// The streaming parallel runner of this pipeline. Partitions (<see cref=\"Partition\"/>) are runners that one thread");
                w.Line("/// each pushes into, with watermarks of their own; the members of this class push into partition 0. Stateful transforms");
                w.Line("/// run on shards, threads of their own, each owning a contiguous range of key groups; elements reach them through");
                w.Line("/// bounded channels (a pusher blocks while a shard is behind) with the senders' watermarks in order with them.");
                w.Line("/// <see cref=\"Finish\"/> finishes every partition, waits for the shards, and throws the first failure of any.");
                w.Line("/// </summary>");
                w.Line("/// <remarks>" + Doc(string.Join(" ", _plan.Description.Where(l => l.StartsWith("Streaming parallel runner", System.StringComparison.Ordinal) || l.StartsWith("  level ", System.StringComparison.Ordinal)))) + "</remarks>");
                w.Line(GeneratedCode);
                var checkpoints = _plan.Checkpoints;
                var gated = checkpoints && _plan.Levels > 0;
                var first = gated ? "__First()" : "_partitions[0]";
                w.Line(Surface + " sealed class " + type + " : global::Compiled.IStreamingRunner, global::System.IDisposable" + (checkpoints ? ", global::Compiled.Checkpoints.IAlignedCheckpointable" : string.Empty));
                w.Indent++;
                foreach (var o in _outputs)
                {
                    w.Line("where " + SinkTypeParameter(o) + " : global::Compiled.ISink<" + o.InputType + ">");
                }

                w.Indent--;
                w.Open();
                w.Line("private readonly " + _runnerType + "[] _partitions;");
                w.Line("private readonly " + _runnerType + "[] _shards; // level by level, then by shard");
                foreach (var level in Levels)
                {
                    w.Line("private readonly global::Compiled.Parallel.ShardInbox<" + ItemType(level) + ">[] _inbox" + N(level) + ";");
                }

                w.Line("private readonly int _parallelism;");
                var shards = _plan.Levels > 0;
                if (shards)
                {
                    w.Line("private readonly global::Compiled.Parallel.ShardGroup _group;");
                    w.Line("private readonly global::System.Threading.CancellationTokenSource _stop = new();");
                    w.Line("private readonly global::System.Threading.Thread _driver;");
                    w.Line("private global::System.Exception? _failure;");
                }

                w.Line("private bool _finished;");
                w.Line("private readonly global::System.TimeProvider? _clock;");
                if (checkpoints)
                {
                    w.Line("private readonly int _maxParallelism;");
                    w.Line("private readonly global::Compiled.Checkpoints.AlignedSnapshot _snapshot; // the parts of the checkpoint being taken");
                    w.Line("private bool _restoreCalled;");
                }

                if (gated)
                {
                    w.Line("// The shards start reading their channels at the first input (or restore): a restore writes their state before they run.");
                    w.Line("private readonly global::System.Threading.ManualResetEventSlim _go = new();");
                    w.Line("private bool _going;");
                }

                w.Line();

                if (_spec.OptionsType is not null)
                {
                    w.Line("private readonly " + _spec.OptionsType + " " + OptionsField + "; // the pipeline options, given to every partition and shard");
                }

                w.Open("internal ParallelRunner(" + OptionsParameterFirst(true) + factories + sep + "global::Compiled.Parallel.ParallelRunnerOptions __runnerOptions)");
                if (_spec.OptionsType is not null)
                {
                    w.Line(OptionsField + " = " + OptionsArgument + ";");
                }

                foreach (var o in _outputs)
                {
                    w.Line("global::System.ArgumentNullException.ThrowIfNull(" + Camel(o.Name!) + ");");
                }

                w.Line("global::System.ArgumentNullException.ThrowIfNull(__runnerOptions);");
                w.Line("__runnerOptions.Validate();");
                w.Line("var __n = __runnerOptions.Parallelism;");
                w.Line("var __p = __runnerOptions.Partitions;");
                w.Line("_parallelism = __n;");
                w.Line("_clock = __runnerOptions.TimeProvider;");
                w.Line("_partitions = new " + _runnerType + "[__p];");
                w.Line("_shards = new " + _runnerType + "[__n * " + N(_plan.Levels) + "];");
                if (checkpoints)
                {
                    w.Line("_maxParallelism = __runnerOptions.MaxParallelism;");
                }

                if (_plan.Levels > 0)
                {
                    w.Line("_group = new global::Compiled.Parallel.ShardGroup(__n * " + N(_plan.Levels) + ");");
                    foreach (var level in Levels)
                    {
                        w.Line("_inbox" + N(level) + " = new global::Compiled.Parallel.ShardInbox<" + ItemType(level) + ">[__n];");
                        w.Open("for (var __s = 0; __s < __n; __s++)");
                        w.Line("_inbox" + N(level) + "[__s] = new(__p + __n * " + N(level - 1) + ", __runnerOptions.BatchSize, __runnerOptions.Capacity, _group.Cancellation); // senders: the partitions, then the shards of lower levels");
                        w.Close();
                    }
                }

                w.Open("for (var __i = 0; __i < __p; __i++)");
                w.Line("_partitions[__i] = " + news + ";");
                w.Line("_partitions[__i].__JoinStreaming(0, __i, __n, __runnerOptions.MaxParallelism" + string.Concat(Levels.Select(l => ", __Outbox" + N(l) + "(__i, __runnerOptions)")) + ");");
                if (HasClock)
                {
                    w.Line("_partitions[__i].TimeProvider = _clock;");
                }

                w.Close();
                foreach (var level in Levels)
                {
                    w.Open("for (var __s = 0; __s < __n; __s++)");
                    w.Line("var __shard = " + news + ";");
                    w.Line("__shard.__JoinStreaming(" + N(level) + ", __s, __n, __runnerOptions.MaxParallelism" +
                           string.Concat(Levels.Select(l => l > level ? ", __Outbox" + N(l) + "(__p + __n * " + N(level - 1) + " + __s, __runnerOptions)" : ", null")) + ");");
                    w.Line("_shards[__n * " + N(level - 1) + " + __s] = __shard;");
                    w.Close();
                }

                foreach (var t in LiftedTransforms)
                {
                    var id = N(t.Id);
                    w.Line("// The maps of #" + id + " " + t.Label + " go round: the senders ship them whole, the shards give them back once merged or emitted.");
                    w.Line("var __mapPool" + id + " = new global::Compiled.Parallel.SharedMapPool<" + LiftedMapType(t) + ">();");
                    w.Open("foreach (var __r in _partitions)");
                    w.Line("__r.__mapPool" + id + " = __mapPool" + id + ";");
                    w.Close();
                    w.Open("foreach (var __r in _shards)");
                    w.Line("__r.__mapPool" + id + " = __mapPool" + id + ";");
                    w.Close();
                }

                if (checkpoints)
                {
                    w.Line("_snapshot = new global::Compiled.Checkpoints.AlignedSnapshot(__p + _shards.Length, " + N(2 + _outputs.Count) + ", " +
                           (_plan.Levels > 0 ? "_group.Cancellation, _stop.Token" : "default, default") + "); // per part: its state, a transaction per output, the positions of its attached sources");
                }

                if (_plan.Levels > 0)
                {
                    w.Line("_driver = new global::System.Threading.Thread(__RunShards) { IsBackground = true, Name = \"Compiled parallel runner\" };");
                    w.Line("_driver.Start();");
                }

                w.Close();
                w.Line();

                foreach (var level in Levels)
                {
                    var item = ItemType(level);
                    w.Line("/// <summary>The outbox of sender <paramref name=\"sender\"/> (a partition, or a shard of a lower level) to the shards of level " + N(level) + ".</summary>");
                    w.Open("private global::Compiled.Parallel.ExchangeOutbox<" + item + "> __Outbox" + N(level) + "(int sender, global::Compiled.Parallel.ParallelRunnerOptions options)");
                    w.Line("var channels = new global::Compiled.Parallel.ExchangeChannel<" + item + ">[_inbox" + N(level) + ".Length];");
                    w.Open("for (var s = 0; s < channels.Length; s++)");
                    w.Line("channels[s] = _inbox" + N(level) + "[s][sender];");
                    w.Close();
                    var eager = _plan.States.Any(s => s.Level == level && s.WatermarkBeforeEveryElement);
                    var bundles = _plan.BundleEndLevels.Contains(level);
                    var why = new List<string>();
                    if (eager)
                    {
                        why.Add("a stateful ParDo at this level sets relative timers from its input watermark");
                    }

                    if (!bundles)
                    {
                        why.Add("no transform at or above this level evaluates a bundle's end: a watermark may start any batch");
                    }

                    w.Line("return new global::Compiled.Parallel.ExchangeOutbox<" + item + ">(channels, options.FlushInterval" +
                           (eager ? ", watermarkBeforeEveryElement: true" : string.Empty) + (bundles ? string.Empty : ", bundleEnds: false") + ");" +
                           (why.Count > 0 ? " // " + string.Join("; ", why) : string.Empty));
                    w.Close();
                    w.Line();
                }

                if (_plan.Levels > 0)
                {
                    w.Open("private void __RunShards()");
                    w.Open("try");
                    if (gated)
                    {
                        w.Line("_go.Wait(_stop.Token);");
                    }

                    w.Line("_group.Run(__RunShard, _stop.Token);");
                    w.Close();
                    w.Open("catch (global::System.Exception error)");
                    w.Line("_failure = error;");
                    w.Close();
                    w.Close();
                    w.Line();
                    w.Open("private void __RunShard(int index)");
                    w.Open("switch (index / _parallelism + 1)");
                    foreach (var level in Levels)
                    {
                        w.Line("case " + N(level) + ":");
                        w.Open();
                        w.Line("var shard = new __Shard" + N(level) + "(_shards[index]" + (checkpoints ? ", _snapshot, _partitions.Length + index" : string.Empty) + ");");
                        w.Line("global::Compiled.Parallel.StreamingShard.Run(_inbox" + N(level) + "[index % _parallelism], ref shard, " + (ClockDriven ? "_clock" : "null") + ");");
                        w.Line("break;");
                        w.Close();
                    }

                    w.Close();
                    if (checkpoints)
                    {
                        w.Open("if (_snapshot.Leave(_partitions.Length + index))");
                        w.Line("// Every sender finished before a barrier of the checkpoint under way reached this shard: its final state is its part.");
                        w.Line("_shards[index].__ArriveFinished(_snapshot.CheckpointId, _snapshot, _partitions.Length + index);");
                        w.Close();
                    }

                    w.Close();
                    w.Line();
                    foreach (var level in Levels)
                    {
                        var item = ItemType(level);
                        w.Line("/// <summary>A shard of level " + N(level) + ": its runner, driven by its inbox.</summary>");
                        w.Open("private readonly struct __Shard" + N(level) + " : global::Compiled.Parallel.IStreamingShard<" + item + ">");
                        w.Line("private readonly " + _runnerType + " _runner;");
                        if (checkpoints)
                        {
                            w.Line("private readonly global::Compiled.Checkpoints.AlignedSnapshot _snapshot;");
                            w.Line("private readonly int _part; // its part in a checkpoint: after the partitions, level by level");
                            w.Line();
                            w.Open("public __Shard" + N(level) + "(" + _runnerType + " runner, global::Compiled.Checkpoints.AlignedSnapshot snapshot, int part)");
                            w.Line("_runner = runner;");
                            w.Line("_snapshot = snapshot;");
                            w.Line("_part = part;");
                            w.Close();
                        }
                        else
                        {
                            w.Line();
                            w.Line("public __Shard" + N(level) + "(" + _runnerType + " runner) => _runner = runner;");
                        }

                        w.Line();
                        if (checkpoints)
                        {
                            w.Open("public int Receive(global::System.ReadOnlySpan<" + item + "> batch, int index)");
                            w.Open("if (_runner.IsFinished)");
                            w.Line("// Restored from a checkpoint taken after it had finished: only its senders' last markers come, to be read.");
                            w.Open("while (index < batch.Length && batch[index].Port >= 0)");
                            w.Line("index++;");
                            w.Close();
                            w.Line("return index;");
                            w.Close();
                            w.Line("return _runner.__Receive" + N(level) + "(batch, index);");
                            w.Close();
                        }
                        else
                        {
                            w.Line("public int Receive(global::System.ReadOnlySpan<" + item + "> batch, int index) => _runner.__Receive" + N(level) + "(batch, index);");
                        }
                        w.Line();
                        w.Open("public void EndBundle()");
                        WriteRestoredFinishedGuard(w, checkpoints);
                        w.Line("_runner.__EndReceived();");
                        w.Line("_runner.__Forward(_runner.__OutputWatermark());");
                        w.Close();
                        w.Line();
                        w.Open("public void AdvanceWatermark(global::Compiled.Instant watermark)");
                        WriteRestoredFinishedGuard(w, checkpoints);
                        w.Line("_runner.AdvanceWatermark(watermark);");
                        w.Line("_runner.__Forward(_runner.__OutputWatermark());");
                        w.Close();
                        w.Line();
                        w.Open("public void AdvanceProcessingTime(global::Compiled.Instant now)");
                        WriteRestoredFinishedGuard(w, checkpoints);
                        w.Line("_runner.AdvanceProcessingTime(now);");
                        w.Line("_runner.__Forward(_runner.__OutputWatermark());");
                        w.Close();
                        w.Line();
                        w.Line("public void Flush() => _runner.__FlushSends();");
                        w.Line();
                        if (ClockDriven)
                        {
                            w.Line("public long NextProcessingDeadline() => _runner.__NextProcessingDeadline();");
                            w.Line();
                        }

                        if (checkpoints)
                        {
                            w.Open("public void Checkpoint(long checkpointId)");
                            w.Line("_runner.__WriteCheckpointPart(checkpointId, _snapshot, _part);");
                            w.Line("_snapshot.Arrive(_part);");
                            w.Close();
                            w.Line();
                            w.Open("public void Finish()");
                            w.Open("if (_runner.IsFinished)");
                            w.Line("_runner.__CompleteSends(); // restored from a checkpoint taken after it had finished");
                            w.Close();
                            w.Open("else");
                            w.Line("_runner.Finish();");
                            w.Close();
                            w.Close();
                        }
                        else
                        {
                            w.Line("public void Finish() => _runner.Finish();");
                        }

                        w.Close();
                        w.Line();
                    }
                }

                w.Line("/// <summary>Shards per level: the threads that own key groups.</summary>");
                w.Line("public int Parallelism => _parallelism;");
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// The clock of every partition and shard (<see cref=\"global::Compiled.Parallel.ParallelRunnerOptions.TimeProvider\"/>): null,");
                w.Line("/// processing time moves only through <see cref=\"AdvanceProcessingTime\"/>" + (ClockDriven ? "" : "; this pipeline has no processing-time trigger and no input that goes idle, so it never reads the clock") + ".");
                w.Line("/// </summary>");
                w.Line("public global::System.TimeProvider? TimeProvider => _clock;");
                w.Line();
                w.Line("/// <summary>The number of partitions.</summary>");
                w.Line("public int Partitions => _partitions.Length;");
                w.Line();
                w.Line("/// <summary>The runner of a partition: push into it from one thread at a time (another thread may push into another partition).</summary>");
                w.Line("/// <param name=\"index\">The partition, 0 to <see cref=\"Partitions\"/> - 1.</param>");
                if (gated)
                {
                    w.Open("public " + _runnerType + " Partition(int index)");
                    w.Line("__Go();");
                    w.Line("return _partitions[index];");
                    w.Close();
                    w.Line();
                    w.Line("/// <summary>Partition 0, once the shards run.</summary>");
                    w.Open("private " + _runnerType + " __First()");
                    w.Line("__Go();");
                    w.Line("return _partitions[0];");
                    w.Close();
                    w.Line();
                    w.Line("/// <summary>Lets the shards read their channels: at the first input, or once restored.</summary>");
                    w.Open("private void __Go()");
                    w.Open("if (!_going)");
                    w.Line("_going = true;");
                    w.Line("_go.Set();");
                    w.Close();
                    w.Close();
                }
                else
                {
                    w.Line("public " + _runnerType + " Partition(int index) => _partitions[index];");
                }
                w.Line();
                w.Line("/// <summary>The runners of the shards, level by level: their sinks and counts are complete once <see cref=\"Finish\"/> has returned.</summary>");
                w.Line("public global::System.Collections.Generic.IReadOnlyList<" + _runnerType + "> Shards => _shards;");
                w.Line();
                foreach (var o in _outputs)
                {
                    w.Line("/// <summary>Every sink of output '" + Doc(o.Name) + "': the partitions' first, then the shards', level by level. Read them once <see cref=\"Finish\"/> has returned.</summary>");
                    w.Open("public " + SinkTypeParameter(o) + "[] " + Accessor(o) + "Sinks()");
                    w.Line("var sinks = new " + SinkTypeParameter(o) + "[_partitions.Length + _shards.Length];");
                    w.Open("for (var i = 0; i < _partitions.Length; i++)");
                    w.Line("sinks[i] = _partitions[i]." + Accessor(o) + ";");
                    w.Close();
                    w.Open("for (var i = 0; i < _shards.Length; i++)");
                    w.Line("sinks[_partitions.Length + i] = _shards[i]." + Accessor(o) + ";");
                    w.Close();
                    w.Line("return sinks;");
                    w.Close();
                    w.Line();
                }

                foreach (var input in _inputs)
                {
                    var name = Names.ToPascal(input.Name!);
                    var t = input.OutputTypes[0];
                    w.Line("/// <summary>Pushes one element into input '" + Doc(input.Name) + "' of partition 0.</summary>");
                    w.Line("public void Push" + name + "(" + t + " element) => " + first + ".Push" + name + "(element);");
                    w.Line();
                    w.Line("/// <summary>Pushes one element with its event timestamp into input '" + Doc(input.Name) + "' of partition 0.</summary>");
                    w.Line("public void Push" + name + "(" + t + " element, global::Compiled.Instant timestamp) => " + first + ".Push" + name + "(element, timestamp);");
                    w.Line();
                    w.Line("/// <summary>Pushes every element of a span into input '" + Doc(input.Name) + "' of partition 0.</summary>");
                    w.Line("public void Push" + name + "(global::System.ReadOnlySpan<" + t + "> elements) => " + first + ".Push" + name + "(elements);");
                    w.Line();
                    w.Line("/// <summary>Pushes a bundle of timestamped elements into input '" + Doc(input.Name) + "' of partition 0.</summary>");
                    w.Line("public void Push" + name + "(global::System.ReadOnlySpan<global::Compiled.TimestampedValue<" + t + ">> bundle) => " + first + ".Push" + name + "(bundle);");
                    w.Line();
                    w.Line("/// <summary>Pushes the elements of an asynchronous source into input '" + Doc(input.Name) + "' of partition 0, as they come.</summary>");
                    w.Line("public global::System.Threading.Tasks.ValueTask Push" + name + "Async(global::System.Collections.Generic.IAsyncEnumerable<" + t + "> elements, global::System.Threading.CancellationToken cancellationToken = default) =>");
                    w.Line("    " + first + ".Push" + name + "Async(elements, cancellationToken);");
                    w.Line();
                    w.Line("/// <summary>");
                    w.Line("/// Reads a channel into input '" + Doc(input.Name) + "' with every partition at once (each takes the next element when it is");
                    w.Line("/// free: the channel is split among them), until the channel completes. No other push may run meanwhile.");
                    w.Line("/// </summary>");
                    w.Open("public global::System.Threading.Tasks.Task Push" + name + "Async(global::System.Threading.Channels.ChannelReader<" + t + "> reader, global::System.Threading.CancellationToken cancellationToken = default)");
                    if (gated)
                    {
                        w.Line("__Go();");
                    }

                    w.Line("var reads = new global::System.Threading.Tasks.Task[_partitions.Length];");
                    w.Open("for (var i = 0; i < reads.Length; i++)");
                    w.Line("var partition = _partitions[i];");
                    w.Line("reads[i] = global::System.Threading.Tasks.Task.Run(() => partition.Push" + name + "Async(reader, cancellationToken).AsTask(), cancellationToken);");
                    w.Close();
                    w.Line("return global::System.Threading.Tasks.Task.WhenAll(reads);");
                    w.Close();
                    w.Line();
                    if (input.Kind == TransformKind.ReadLinesInput)
                    {
                        w.Line("/// <summary>Reads every line of a text input into input '" + Doc(input.Name) + "' of partition 0.</summary>");
                        w.Line("public void Read" + name + "(global::Compiled.TextInput input) => " + first + ".Read" + name + "(input);");
                        w.Line();
                    }
                }

                w.Line("/// <summary>The minimum of the partitions' watermarks (read while they run, it may be a moment old).</summary>");
                w.Open("public global::Compiled.Instant Watermark");
                w.Open("get");
                w.Line("var watermark = global::Compiled.Instant.MaxValue;");
                w.Open("foreach (var partition in _partitions)");
                w.Line("watermark = global::Compiled.Instant.Min(watermark, partition.Watermark);");
                w.Close();
                w.Line("return watermark;");
                w.Close();
                w.Close();
                w.Line();
                w.Line("/// <summary>Elements dropped as late, over every partition and shard. Read it once <see cref=\"Finish\"/> has returned.</summary>");
                w.Open("public long DroppedLateElements");
                w.Open("get");
                w.Line("long dropped = 0;");
                w.Open("foreach (var runner in _partitions)");
                w.Line("dropped += runner.DroppedLateElements;");
                w.Close();
                w.Open("foreach (var runner in _shards)");
                w.Line("dropped += runner.DroppedLateElements;");
                w.Close();
                w.Line("return dropped;");
                w.Close();
                w.Close();
                w.Line();
                w.Line("/// <summary>Advances the watermark of partition 0 (every partition has its own: see <see cref=\"Partition\"/>).</summary>");
                w.Line("public void AdvanceWatermark(global::Compiled.Instant watermark) => " + first + ".AdvanceWatermark(watermark);");
                w.Line();
                w.Line("/// <summary>Advances the processing time of partition 0; the shards take the latest processing time any partition reported.</summary>");
                w.Line("public void AdvanceProcessingTime(global::Compiled.Instant now) => " + first + ".AdvanceProcessingTime(now);");
                w.Line();
                w.Line("/// <summary>Publishes what partition 0 has sent to the shards but not yet published (batches are published when full, as the watermark moves, and at Finish).</summary>");
                w.Line("public void Flush() => " + first + ".__FlushCall();");
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Finishes every partition not finished yet (call it once the threads that push into partitions are done), waits");
                w.Line("/// until every shard has emitted its state, and throws the first failure of any shard, as a");
                w.Line("/// <see cref=\"global::Compiled.PipelineExecutionException\"/> naming the shard and the transform when it came from one.");
                w.Line("/// </summary>");
                w.Open("public void Finish()");
                w.Open("if (_finished)");
                w.Line("throw new global::System.InvalidOperationException(\"This runner has finished. Create a new runner for more input.\");");
                w.Close();
                if (gated)
                {
                    w.Line("__Go();");
                }

                w.Line("global::System.Exception? first = null;");
                w.Open("foreach (var partition in _partitions)");
                w.Open("if (!partition.IsFinished)");
                w.Open("try");
                w.Line("partition.Finish();");
                w.Close();
                w.Open("catch (global::System.Exception error)");
                w.Line("first ??= error;");
                w.Close();
                w.Close();
                w.Close();
                w.Line("_finished = true;");
                if (shards)
                {
                    w.Line("_driver.Join();");
                    w.Open("if (_failure is global::Compiled.Parallel.ShardFailedException { InnerException: global::Compiled.PipelineExecutionException failure } shardFailure)");
                    w.Line("throw failure.OnShard(shardFailure.Shard % _parallelism, _parallelism, -1);");
                    w.Close();
                    w.Open("if (_failure is not null)");
                    w.Line("global::System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);");
                    w.Close();
                }

                w.Open("if (first is not null)");
                w.Line("global::System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);");
                w.Close();
                w.Close();
                w.Line();
                w.Line("/// <summary>Finishes the runner on another thread: <see cref=\"Finish\"/>, awaited.</summary>");
                w.Line("public global::System.Threading.Tasks.Task FinishAsync() => global::System.Threading.Tasks.Task.Run(Finish);");
                w.Line();
                w.Line("/// <summary>Stops the shards of a runner that was not finished (nothing more is emitted), and waits for them.</summary>");
                w.Open("public void Dispose()");
                if (shards)
                {
                    w.Open("if (!_finished)");
                    w.Line("_stop.Cancel();");
                    w.Line("_driver.Join();");
                    w.Line("_finished = true;");
                    w.Close();
                    if (checkpoints)
                    {
                        w.Line("_snapshot.Dispose();");
                    }

                    w.Line("_group.Dispose();");
                    w.Line("_stop.Dispose();");
                    if (gated)
                    {
                        w.Line("_go.Dispose();");
                    }
                }
                else
                {
                    w.Line("_finished = true;");
                    if (checkpoints)
                    {
                        w.Line("_snapshot.Dispose();");
                    }
                }

                w.Close();
                w.Line();
                WriteParallelCheckpointMembers(w);
                w.Close();
                w.Line();
            }
        }
    }
}
