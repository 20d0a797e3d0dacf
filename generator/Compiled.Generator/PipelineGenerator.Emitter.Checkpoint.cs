using System.Collections.Generic;
using System.Globalization;
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
            private const string Writer = "global::Compiled.Coders.CoderWriter";
            private const string Reader = "global::Compiled.Coders.CoderReader";

            /// <summary>The transforms whose state a checkpoint writes, in plan order (the planner has checked that it can).</summary>
            private IEnumerable<TransformSpec> CheckpointedTransforms =>
                _t.Where(t => _plan.LayoutOf(t.Id) is StateLayout.Counter or StateLayout.Accumulator or StateLayout.KeyedCounters or
                    StateLayout.KeyedAccumulators or StateLayout.KeyedValueLists or StateLayout.DistinctSet or StateLayout.InlineWindowedMaps or
                    StateLayout.SharedSlidingPanes or StateLayout.KeyedWindowPanes or StateLayout.WindowBuckets or StateLayout.OpenSessions or StateLayout.KeyedCoGroups or StateLayout.KeyedUserState or
                    StateLayout.SideInputView or StateLayout.SideInputBuffer);

            /// <summary>
            /// The members of <c>ICheckpointable</c> on the streaming runner: the fingerprint of its state's shape, and the
            /// writing and reading of that state (watermarks of the runner and of each input, late counts, and each stateful
            /// transform's state in plan order, each type with its coder). Only between calls: the writer takes the call gate.
            /// </summary>
            private void WriteCheckpointMembers(SourceWriter w)
            {
                if (!_plan.Checkpoints)
                {
                    return;
                }

                var coders = CheckpointedTransforms.SelectMany(t => t.StateCoders!.Value).Distinct().ToList();
                var versions = coders.Aggregate("0u", (acc, coder) => "global::Compiled.Coders.Coder.CombineVersions(" + acc + ", default(" + coder + ").FormatVersion)");
                w.Line("// Checkpoints: the runner's state (" + CheckpointSummary() + ") written with coders, in plan order,");
                w.Line("// after RunnerCheckpoint's header (format, fingerprint, finished).");
                w.Line("/// <summary>");
                w.Line("/// The shape of this runner's checkpoints: a hash of the plan (its transforms, windows and state layouts) and of the");
                w.Line("/// format versions of the coders its state is written with. A checkpoint of another shape is refused on restore.");
                w.Line("/// </summary>");
                w.Line("public ulong StateFingerprint => (0x" + _plan.CheckpointShape.ToString("X8", CultureInfo.InvariantCulture) + "ul << 32) | " + versions + ";");
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// False while the runner holds results a sink refused (its next call delivers them first, in order): a checkpoint");
                w.Line("/// waits until they are delivered, since they are not part of the state it writes.");
                w.Line("/// </summary>");
                w.Line("public bool CanCheckpointNow => __HeldCount() == 0 && !__finishing;");
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Writes the runner's whole state, as of now, to <paramref name=\"output\"/>: call it between two calls into the runner,");
                w.Line("/// on the thread that makes them (a Checkpointer does). A runner whose Finish has completed writes only that it has");
                w.Line("/// finished. Results a sink refused must be delivered first (the next call does): they are not part of a checkpoint, and");
                w.Line("/// a Checkpointer waits for them (<see cref=\"CanCheckpointNow\"/>).");
                w.Line("/// </summary>");
                w.Line("/// <param name=\"output\">Where the bytes go.</param>");
                w.Open("public void WriteCheckpoint(global::System.Buffers.IBufferWriter<byte> output)");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(output);");
                if (Streaming)
                {
                    WriteCheckpointAlone(w);
                    w.Line("__WriteCheckpoint(output);");
                    w.Close();
                    w.Line();
                    w.Line("/// <summary>Writes the runner's state: <see cref=\"WriteCheckpoint\"/>, or the part of a partition or shard of the parallel runner.</summary>");
                    w.Open("internal void __WriteCheckpoint(global::System.Buffers.IBufferWriter<byte> output)");
                }

                w.Line("var finished = " + (ClockDriven ? "global::System.Threading.Volatile.Read(ref __state)" : "__state") + " == 3;");
                w.Open("if (!finished)");
                w.Line("__Enter();");
                w.Close();
                w.Open("try");
                w.Line("__WriteCheckpointHeld(output, finished);");
                w.Close();
                w.Open("finally");
                w.Open("if (!finished)");
                w.Line("__Exit();");
                w.Close();
                w.Close();
                w.Close();
                w.Line();
                w.Line("/// <summary>Writes the runner's state, holding its gate (or <paramref name=\"finished\"/>: its state no longer changes).</summary>");
                w.Open("private void __WriteCheckpointHeld(global::System.Buffers.IBufferWriter<byte> output, bool finished)");
                w.Open("if (__HeldCount() != 0 || __finishing)");
                w.Line("throw global::Compiled.Checkpoints.RunnerCheckpoint.Held();");
                w.Close();
                w.Line("var writer = new " + Writer + "(output);");
                w.Line("global::Compiled.Checkpoints.RunnerCheckpoint.WriteHeader(ref writer, StateFingerprint, finished);");
                w.Open("if (!finished)");
                w.Line("__WriteState(ref writer);");
                w.Close();
                w.Line("writer.Flush();");
                w.Close();
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Replaces the state of this new runner (nothing pushed, no watermark or processing time yet) with the one");
                w.Line("/// <see cref=\"WriteCheckpoint\"/> wrote. A checkpoint of another pipeline, or of this one with another plan or");
                w.Line("/// other coders, throws <see cref=\"global::Compiled.Checkpoints.CheckpointMismatchException\"/>.");
                w.Line("/// </summary>");
                w.Line("/// <param name=\"state\">The bytes written.</param>");
                w.Open("public void RestoreCheckpoint(global::System.ReadOnlySpan<byte> state)");
                if (Streaming)
                {
                    WriteCheckpointAlone(w);
                    w.Line("__RestoreCheckpoint(state);");
                    w.Close();
                    w.Line();
                    w.Line("/// <summary>Restores the runner's state: <see cref=\"RestoreCheckpoint\"/>, or the part of a partition or shard of the parallel runner.</summary>");
                    w.Open("internal void __RestoreCheckpoint(global::System.ReadOnlySpan<byte> state)");
                }

                WriteNotNewCheck(w);
                w.Line("var reader = new " + Reader + "(state);");
                w.Open("try");
                w.Open("if (global::Compiled.Checkpoints.RunnerCheckpoint.ReadHeader(ref reader, " + PipelineLiteral + ", StateFingerprint))");
                w.Line("__state = 3; // the job had finished: Finish had emitted everything");
                w.Line("return;");
                w.Close();
                w.Line("__ReadState(ref reader);");
                w.Line("global::Compiled.Checkpoints.RunnerCheckpoint.ReadEnd(ref reader, " + PipelineLiteral + ");");
                w.Close();
                w.Open("catch (global::Compiled.Coders.CoderException error)");
                w.Line("throw global::Compiled.Checkpoints.RunnerCheckpoint.Unreadable(" + PipelineLiteral + ", error);");
                w.Close();
                w.Close();
                w.Line();
                w.Line("#pragma warning disable CS8620 // a key or value type annotated nullable meets its coder's type: the coders write null exactly");
                foreach (var t in CheckpointedTransforms.Where(t => t.Kind == TransformKind.CoGroupByKey))
                {
                    WriteCoGroupCoder(w, t);
                }

                foreach (var t in CheckpointedTransforms.Where(IsStatefulParDo))
                {
                    WriteUserStateCoder(w, t);
                }

                WriteStateWriter(w);
                w.Line();
                WriteStateReader(w);
                w.Line("#pragma warning restore CS8620");
                w.Line();
                WriteCheckpointPartMembers(w);
            }

            /// <summary>
            /// What the streaming parallel runner's checkpoints need of each partition and shard: its part written at the
            /// barrier (its state, its sinks' prepared transactions), then the barrier sent on to the shards above it; and,
            /// on restore, the channels of a runner that had finished completed again.
            /// </summary>
            private void WriteCheckpointPartMembers(SourceWriter w)
            {
                if (!Streaming)
                {
                    return;
                }

                const string Snapshot = "global::Compiled.Checkpoints.AlignedSnapshot";
                w.Line("/// <summary>");
                w.Line("/// A partition (on its pusher's thread, between two calls) or a shard (on its thread, once the barrier of every sender");
                w.Line("/// has arrived) of the parallel runner writes its part of checkpoint <paramref name=\"checkpointId\"/>: its state, and");
                w.Line("/// the transaction each of its sinks that commits with checkpoints prepares; then it sends the barrier on, after");
                w.Line("/// everything it sent before.");
                w.Line("/// </summary>");
                w.Open("internal void __WriteCheckpointPart(long checkpointId, " + Snapshot + " snapshot, int part)");
                w.Line("__WriteCheckpoint(snapshot.Buffer(part, 0));");
                w.Line("__EndCheckpointPart(checkpointId, snapshot, part);");
                w.Close();
                w.Line();
                w.Line("/// <summary>A shard whose thread has ended (every sender finished) writes its final state as its part and arrives; a part that cannot be written fails the checkpoint.</summary>");
                w.Open("internal void __ArriveFinished(long checkpointId, " + Snapshot + " snapshot, int part)");
                w.Open("try");
                w.Line("__WriteCheckpointPart(checkpointId, snapshot, part);");
                w.Line("snapshot.Arrive(part);");
                w.Close();
                w.Open("catch (global::System.Exception error)");
                w.Line("snapshot.Fail(part, error);");
                w.Close();
                w.Close();
                w.Line();
                w.Line("/// <summary>After the state: each sink that commits with checkpoints prepares its transaction, the attached sources write their positions, and the barrier goes on.</summary>");
                w.Open("private void __EndCheckpointPart(long checkpointId, " + Snapshot + " snapshot, int part)");
                for (var k = 0; k < _outputs.Count; k++)
                {
                    w.Line("global::Compiled.Checkpoints.RunnerCheckpoint.PrepareSink(" + SinkField(_outputs[k]) + ", checkpointId, snapshot.Buffer(part, " + N(k + 1) + "));");
                }

                w.Line("__sources?.Write(snapshot.Buffer(part, " + N(_outputs.Count + 1) + "));");
                WriteSends(w, "Barrier(checkpointId);");
                w.Close();
                w.Line();
                WritePartitionCheckpointMembers(w);
                w.Line("/// <summary>Lets each sink of this partition or shard that commits with checkpoints commit (<paramref name=\"commit\"/>) or recover.</summary>");
                w.Open("internal void __SinksOfCheckpoint(long checkpointId, global::System.ReadOnlySpan<byte> state, global::System.ReadOnlySpan<global::System.Range> buffers, bool commit)");
                for (var k = 0; k < _outputs.Count; k++)
                {
                    w.Line("global::Compiled.Checkpoints.RunnerCheckpoint.EndSinkTransaction(" + SinkField(_outputs[k]) + ", checkpointId, state[buffers[" + N(k + 1) + "]], commit);");
                }

                w.Close();
                w.Line();
                if (_plan.Levels > 0)
                {
                    w.Line("/// <summary>On a restore at a smaller parallelism: this shard's sinks finish the transactions that a removed shard's sinks prepared.</summary>");
                    w.Open("internal void __SinksOfOrphan(long checkpointId, global::System.ReadOnlySpan<byte> state, global::System.ReadOnlySpan<global::System.Range> buffers, int was, int now)");
                    for (var k = 0; k < _outputs.Count; k++)
                    {
                        w.Line("global::Compiled.Checkpoints.RunnerCheckpoint.RecoverOrphanSink(" + SinkField(_outputs[k]) + ", checkpointId, state[buffers[" + N(k + 1) + "]], " + PipelineLiteral + ", was, now);");
                    }

                    w.Close();
                    w.Line();
                }

                WriteAdoptCheckpointPart(w);
                w.Line("/// <summary>A partition or shard restored as finished: its channels to the shards above complete again (they were not part of the checkpoint).</summary>");
                w.Open("internal void __CompleteSends()");
                WriteSends(w, "Complete();");
                w.Close();
                w.Line();
            }

            private string CheckpointSummary()
            {
                var parts = new List<string> { "watermarks" };
                parts.AddRange(CheckpointedTransforms.Select(t => "#" + N(t.Id) + " " + t.Label));
                return string.Join(", ", parts);
            }

            /// <summary>A partition or shard of the parallel runner is not checkpointed on its own.</summary>
            private void WriteCheckpointAlone(SourceWriter w)
            {
                if (Streaming)
                {
                    w.Open("if (__level != 0 || __partition)");
                    w.Line("throw global::Compiled.Checkpoints.RunnerCheckpoint.PartOfAParallelRunner();");
                    w.Close();
                }
            }

            /// <summary>The scalar fields of the runner a checkpoint keeps, in order: watermarks, per-input watermark state, counts.</summary>
            private IEnumerable<(string Field, string Kind)> CheckpointScalars()
            {
                yield return ("_watermark", "Instant");
                yield return ("_processingTime", "Instant");
                foreach (var input in _inputs)
                {
                    var name = Names.ToPascal(input.Name!);
                    yield return ("_inputWatermark" + name, "Instant");
                    if (input.MaxOutOfOrdernessMs is not null)
                    {
                        yield return ("_maxSeen_" + name, "Instant");
                    }

                    if (input.IdlenessMs > 0)
                    {
                        yield return ("_lastActive" + name, "Instant");
                    }
                }

                yield return ("_droppedLate", "Int64");
                yield return ("__panesFired", "Int64");
                if (_t.Any(IsInlineWindowed))
                {
                    yield return ("_fireAt", "Instant");
                }
            }

            private void WriteStateWriter(SourceWriter w)
            {
                w.Open("private void __WriteState(ref " + Writer + " writer)");
                foreach (var (field, kind) in CheckpointScalars())
                {
                    w.Line("writer.Write" + kind + "(" + field + ");");
                }

                foreach (var t in _t.Where(t => t.Kind == TransformKind.Window && t.Windowing?.SizeOption is not null))
                {
                    w.Line("writer.WriteInt64(_windowSize" + N(t.Id) + "); // checked on restore: the options must give the same size");
                }

                foreach (var t in CheckpointedTransforms)
                {
                    var id = N(t.Id);
                    w.Line("// #" + id + " " + t.Label);
                    if (UsesPanes(t))
                    {
                        w.Line("_panes" + id + ".WriteCheckpoint<" + PanesCoders(t) + ">(ref writer);");
                        continue;
                    }

                    if (WriteSideInputState(w, t))
                    {
                        continue;
                    }

                    if (IsStatefulParDo(t))
                    {
                        w.Line(StatesField(t) + ".WriteCheckpoint<" + t.StateCoders!.Value[0] + ", " + UserStateCoder(t) + ">(ref writer);");
                        w.Line("writer.WriteInstant(_swm" + id + ");");
                        if (t.Stateful!.SortsInput)
                        {
                            w.Line("_sorted" + id + ".WriteCheckpoint<" + t.StateCoders.Value[0] + ", " + SortedValueCoder(t) + ">(ref writer); // the elements waiting to be sorted");
                        }
                        continue;
                    }

                    if (IsPaneShared(t))
                    {
                        w.Line("writer.WriteInt64(_firedUpTo" + id + "); // the state below is kept per pane of the sliding windows");
                    }

                    if (t.OutputWindowing is not null)
                    {
                        w.Line("writer.WriteInstant(_wm" + id + ");");
                        w.Line("writer.WriteInstant(_nextEnd" + id + ");");
                        w.Line("writer.WriteLength(_wstate" + id + ".Count);");
                        w.Open("foreach (var window in _wstate" + id + ")");
                        w.Line("default(global::Compiled.Coders.BoundedWindowCoder).Encode(ref writer, window.Key);");
                        WriteInnerState(w, t, "window.Value");
                        w.Close();
                        continue;
                    }

                    switch (t.Kind)
                    {
                        case TransformKind.Count:
                            w.Line("writer.WriteInt64(_count" + id + ");");
                            break;
                        case TransformKind.CombineGlobally:
                            w.Line("default(" + AccumulatorCoder(t) + ").Encode(ref writer, _acc" + id + ");");
                            if (t.WithoutDefaults)
                            {
                                w.Line("writer.WriteBoolean(_any" + id + ");");
                            }

                            break;
                        default:
                            WriteInnerState(w, t, "_state" + id);
                            break;
                    }
                }

                w.Close();
            }

            /// <summary>One window's (or the whole input's) state of a transform: a value, or a map or set by key.</summary>
            private void WriteInnerState(SourceWriter w, TransformSpec t, string state)
            {
                switch (t.Kind)
                {
                    case TransformKind.Count:
                        w.Line("writer.WriteInt64(" + state + ");");
                        return;
                    case TransformKind.CombineGlobally:
                        w.Line("default(" + AccumulatorCoder(t) + ").Encode(ref writer, " + state + ");");
                        return;
                }

                w.Line("writer.WriteLength(" + state + ".Count);");
                if (t.Kind == TransformKind.Distinct)
                {
                    w.Open("foreach (var key in " + state + ")");
                    w.Line("default(" + StateKeyCoder(t) + ").Encode(ref writer, key);");
                    w.Close();
                    return;
                }

                w.Open("foreach (var entry in " + state + ")");
                w.Line("default(" + StateKeyCoder(t) + ").Encode(ref writer, entry.Key);");
                switch (t.Kind)
                {
                    case TransformKind.CountPerKey or TransformKind.CountPerElement:
                        w.Line("writer.WriteInt64(entry.Value);");
                        break;
                    case TransformKind.CombinePerKey:
                        w.Line("default(" + AccumulatorCoder(t) + ").Encode(ref writer, entry.Value);");
                        break;
                    case TransformKind.CoGroupByKey:
                        w.Line("default(" + CoGroupCoder(t) + ").Encode(ref writer, entry.Value);");
                        break;
                    case TransformKind.GroupByKey:
                        w.Line("writer.WriteLength(entry.Value.Count);");
                        w.Open("foreach (var value in entry.Value)");
                        w.Line("default(" + t.StateCoders!.Value[1] + ").Encode(ref writer, value);");
                        w.Close();
                        break;
                }

                w.Close();
            }

            private void WriteStateReader(SourceWriter w)
            {
                w.Open("private void __ReadState(ref " + Reader + " reader)");
                foreach (var (field, kind) in CheckpointScalars())
                {
                    w.Line(field + " = reader.Read" + kind + "();");
                }

                foreach (var t in _t.Where(t => t.Kind == TransformKind.Window && t.Windowing?.SizeOption is not null))
                {
                    var id = N(t.Id);
                    w.Line("var size" + id + " = reader.ReadInt64();");
                    w.Open("if (size" + id + " != _windowSize" + id + ")");
                    w.Line("throw new global::Compiled.Checkpoints.CheckpointMismatchException(" + PipelineLiteral + " + \": #" + id + " " + Doc(t.Label) + " had windows of \" + size" + id + ".ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \" ms when the checkpoint was written; the options now give \" + _windowSize" + id + ".ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \" ms.\");");
                    w.Close();
                }

                foreach (var t in CheckpointedTransforms)
                {
                    var id = N(t.Id);
                    w.Line("// #" + id + " " + t.Label);
                    if (UsesPanes(t))
                    {
                        w.Line("_panes" + id + ".RestoreCheckpoint<" + PanesCoders(t) + ">(ref reader);");
                        continue;
                    }

                    if (ReadSideInputState(w, t))
                    {
                        continue;
                    }

                    if (IsStatefulParDo(t))
                    {
                        w.Open("foreach (var slot in " + StatesField(t) + ".ReadCheckpoint<" + t.StateCoders!.Value[0] + ", " + UserStateCoder(t) + ">(ref reader))");
                        w.Line("__BindState" + id + "(ref " + StatesField(t) + "[slot], slot); // its timer handles refer to this runner's scheduler");
                        w.Close();
                        w.Line("_swm" + id + " = reader.ReadInstant();");
                        if (t.Stateful!.SortsInput)
                        {
                            w.Line("_sorted" + id + ".ReadCheckpoint<" + t.StateCoders!.Value[0] + ", " + SortedValueCoder(t) + ">(ref reader);");
                        }

                        continue;
                    }

                    if (IsPaneShared(t))
                    {
                        w.Line("_firedUpTo" + id + " = reader.ReadInt64();");
                    }

                    if (t.OutputWindowing is not null)
                    {
                        w.Line("_wm" + id + " = reader.ReadInstant();");
                        w.Line("_nextEnd" + id + " = reader.ReadInstant();");
                        w.Open("for (var windows = reader.ReadLength(); windows > 0; windows--)");
                        w.Line("var window = default(global::Compiled.Coders.BoundedWindowCoder).Decode(ref reader)!;");
                        if (t.Kind is TransformKind.Count or TransformKind.CombineGlobally)
                        {
                            ReadInnerState(w, t, "var inner");
                        }
                        else
                        {
                            w.Line("var inner = new " + InnerMapType(t) + "();");
                            ReadInnerState(w, t, "inner");
                        }

                        w.Line("_wstate" + id + ".Add(window, inner);");
                        w.Close();
                        continue;
                    }

                    switch (t.Kind)
                    {
                        case TransformKind.Count:
                            w.Line("_count" + id + " = reader.ReadInt64();");
                            break;
                        case TransformKind.CombineGlobally:
                            w.Line("_acc" + id + " = default(" + AccumulatorCoder(t) + ").Decode(ref reader)!;");
                            if (t.WithoutDefaults)
                            {
                                w.Line("_any" + id + " = reader.ReadBoolean();");
                            }

                            break;
                        default:
                            ReadInnerState(w, t, "_state" + id);
                            break;
                    }
                }

                w.Close();
            }

            /// <summary>Reads what <see cref="WriteInnerState"/> wrote: into a value (<paramref name="state"/> a declaration) or a map or set.</summary>
            private void ReadInnerState(SourceWriter w, TransformSpec t, string state)
            {
                switch (t.Kind)
                {
                    case TransformKind.Count:
                        w.Line(state + " = reader.ReadInt64();");
                        return;
                    case TransformKind.CombineGlobally:
                        w.Line(state + " = default(" + AccumulatorCoder(t) + ").Decode(ref reader)!;");
                        return;
                }

                w.Open("for (var count = reader.ReadLength(); count > 0; count--)");
                w.Line("var key = default(" + StateKeyCoder(t) + ").Decode(ref reader)!; // keys of a state map are never null");
                switch (t.Kind)
                {
                    case TransformKind.Distinct:
                        w.Line(state + ".Add(key);");
                        break;
                    case TransformKind.CountPerKey or TransformKind.CountPerElement:
                        w.Line(state + ".Add(key, reader.ReadInt64());");
                        break;
                    case TransformKind.CombinePerKey:
                        w.Line(state + ".Add(key, default(" + AccumulatorCoder(t) + ").Decode(ref reader)!);");
                        break;
                    case TransformKind.CoGroupByKey:
                        w.Line(state + ".Add(key, default(" + CoGroupCoder(t) + ").Decode(ref reader));");
                        break;
                    case TransformKind.GroupByKey:
                        w.Line("var length = reader.ReadLength();");
                        w.Line("var values = new global::System.Collections.Generic.List<" + t.ValueTypes[0] + ">(length);");
                        w.Open("for (var i = 0; i < length; i++)");
                        w.Line("values.Add(default(" + t.StateCoders!.Value[1] + ").Decode(ref reader)!);");
                        w.Close();
                        w.Line(state + ".Add(key, values);");
                        break;
                }

                w.Close();
            }

            /// <summary>The coders of keyed window panes' keys and accumulators (see PanesTypes).</summary>
            private static string PanesCoders(TransformSpec t)
            {
                var key = t.Kind is TransformKind.CombineGlobally or TransformKind.Count ? "global::Compiled.Execution.GlobalKeyCoder" : StateKeyCoder(t);
                var accumulator = t.Kind switch
                {
                    TransformKind.CombinePerKey or TransformKind.CombineGlobally => AccumulatorCoder(t),
                    TransformKind.Distinct => "global::Compiled.Coders.BooleanCoder",
                    TransformKind.CoGroupByKey => CoGroupCoder(t),
                    TransformKind.GroupByKey => "global::Compiled.Coders.ListCoder<" + t.ValueTypes[0] + ", " + t.StateCoders!.Value[1] + ">",
                    _ => "global::Compiled.Coders.Int64Coder",
                };
                return key + ", " + accumulator;
            }

            private static string CoGroupCoder(TransformSpec t) => CoGroupStateType(t) + "Coder";

            /// <summary>A side-input view (its elements so far) or a reader's waiting elements, written; false for any other state.</summary>
            private bool WriteSideInputState(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                var coders = t.StateCoders!.Value;
                switch (_plan.LayoutOf(t.Id))
                {
                    case StateLayout.SideInputView when SideWindowsOf(t) is not null:
                        // Kept per window: the view's position, then each window with its contents.
                        w.Line("writer.WriteInstant(_view" + id + ".Watermark);");
                        w.Line("writer.WriteInstant(_view" + id + ".CollectedThrough);");
                        w.Line("var windows" + id + " = _view" + id + ".Windows();");
                        w.Line("writer.WriteLength(windows" + id + ".Count);");
                        w.Open("foreach (var window in windows" + id + ")");
                        w.Line("default(global::Compiled.Coders.BoundedWindowCoder).Encode(ref writer, window);");
                        switch (t.Kind)
                        {
                            case TransformKind.AsSingleton:
                                w.Line("var (value, count, pane) = _view" + id + ".Cell(window);");
                                w.Line("writer.WriteInt64(count);");
                                if (IsTriggeredView(t))
                                {
                                    w.Line("writer.WriteInt64(pane); // the pane the window holds: a later one replaces it");
                                }

                                w.Line("default(" + coders[0] + ").Encode(ref writer, value);");
                                break;
                            case TransformKind.AsList:
                                if (IsTriggeredView(t))
                                {
                                    w.Line("writer.WriteInt64(_view" + id + ".PaneOf(window)); // the pane the window holds: a later one replaces it");
                                }

                                w.Line("var items = _view" + id + ".Get(window);");
                                w.Line("writer.WriteLength(items.Count);");
                                w.Open("foreach (var item in items)");
                                w.Line("default(" + coders[0] + ").Encode(ref writer, item);");
                                w.Close();
                                break;
                            default:
                                w.Line("var entries = _view" + id + ".Get(window);");
                                w.Line("writer.WriteLength(entries.Count);");
                                w.Open("foreach (var entry in entries)");
                                w.Line("default(" + coders[0] + ").Encode(ref writer, entry.Key);");
                                w.Line("default(" + coders[1] + ").Encode(ref writer, entry.Value);");
                                w.Close();
                                break;
                        }

                        w.Close();
                        return true;
                    case StateLayout.SideInputView when t.Kind == TransformKind.AsSingleton:
                        w.Line("writer.WriteInt64(_viewCount" + id + ");");
                        w.Open("if (_viewCount" + id + " > 0)");
                        w.Line("default(" + coders[0] + ").Encode(ref writer, _view" + id + ");");
                        w.Close();
                        return true;
                    case StateLayout.SideInputView when t.Kind == TransformKind.AsList:
                        w.Line("writer.WriteLength(_view" + id + ".Count);");
                        w.Open("foreach (var item in _view" + id + ")");
                        w.Line("default(" + coders[0] + ").Encode(ref writer, item);");
                        w.Close();
                        return true;
                    case StateLayout.SideInputView:
                        w.Line("writer.WriteLength(_view" + id + ".Count);");
                        w.Open("foreach (var entry in _view" + id + ")");
                        w.Line("default(" + coders[0] + ").Encode(ref writer, entry.Key);");
                        w.Line("default(" + coders[1] + ").Encode(ref writer, entry.Value);");
                        w.Close();
                        return true;
                    case StateLayout.SideInputBuffer:
                        w.Line("writer.WriteLength(_pending" + id + ".Count);");
                        w.Open("foreach (var pending in _pending" + id + ")");
                        w.Line("default(" + coders[coders.Count - 1] + ").Encode(ref writer, pending.Value);");
                        w.Line("writer.WriteInstant(pending.Timestamp);");
                        w.Line("default(global::Compiled.Coders.BoundedWindowCoder).Encode(ref writer, pending.Window);");
                        w.Line("default(global::Compiled.Coders.PaneInfoCoder).Encode(ref writer, pending.Pane);");
                        w.Close();
                        w.Line("writer.WriteInstant(_pendingMin" + id + ");");

                        return true;
                    default:
                        return false;
                }
            }

            /// <summary>Reads what <see cref="WriteSideInputState"/> wrote.</summary>
            private bool ReadSideInputState(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                var coders = t.StateCoders!.Value;
                switch (_plan.LayoutOf(t.Id))
                {
                    case StateLayout.SideInputView when SideWindowsOf(t) is not null:
                        w.Line("var viewWatermark" + id + " = reader.ReadInstant();");
                        w.Line("_view" + id + ".RestorePosition(viewWatermark" + id + ", reader.ReadInstant());");
                        w.Open("for (var windows = reader.ReadLength(); windows > 0; windows--)");
                        w.Line("var window = default(global::Compiled.Coders.BoundedWindowCoder).Decode(ref reader);");
                        switch (t.Kind)
                        {
                            case TransformKind.AsSingleton:
                                w.Line("var count = reader.ReadInt64();");
                                w.Line(IsTriggeredView(t)
                                    ? "var pane = reader.ReadInt64();"
                                    : "const long pane = 0;");
                                w.Line("_view" + id + ".Merge(window, default(" + coders[0] + ").Decode(ref reader)!, count, pane);");
                                break;
                            case TransformKind.AsList when IsTriggeredView(t):
                                w.Line("var pane = reader.ReadInt64();");
                                w.Open("for (var count = reader.ReadLength(); count > 0; count--)");
                                w.Line("_view" + id + ".Update(window, default(" + coders[0] + ").Decode(ref reader)!, pane);");
                                w.Close();
                                break;
                            case TransformKind.AsList:
                                w.Open("for (var count = reader.ReadLength(); count > 0; count--)");
                                w.Line("_view" + id + ".Add(window, default(" + coders[0] + ").Decode(ref reader)!);");
                                w.Close();
                                break;
                            default:
                                w.Open("for (var count = reader.ReadLength(); count > 0; count--)");
                                w.Line("var key = default(" + coders[0] + ").Decode(ref reader)!;");
                                w.Line(IsTriggeredView(t)
                                    ? "_view" + id + ".Put(window, key, default(" + coders[1] + ").Decode(ref reader)!);"
                                    : "_view" + id + ".TryAdd(window, key, default(" + coders[1] + ").Decode(ref reader)!);");
                                w.Close();
                                break;
                        }

                        w.Close();
                        return true;
                    case StateLayout.SideInputView when t.Kind == TransformKind.AsSingleton:
                        w.Line("_viewCount" + id + " = reader.ReadInt64();");
                        w.Open("if (_viewCount" + id + " > 0)");
                        w.Line("_view" + id + " = default(" + coders[0] + ").Decode(ref reader)!;");
                        w.Close();
                        return true;
                    case StateLayout.SideInputView when t.Kind == TransformKind.AsList:
                        w.Open("for (var count = reader.ReadLength(); count > 0; count--)");
                        w.Line("_view" + id + ".Add(default(" + coders[0] + ").Decode(ref reader)!);");
                        w.Close();
                        return true;
                    case StateLayout.SideInputView:
                        w.Open("for (var count = reader.ReadLength(); count > 0; count--)");
                        w.Line("var key = default(" + coders[0] + ").Decode(ref reader)!;");
                        w.Line("_view" + id + ".Add(key, default(" + coders[1] + ").Decode(ref reader)!);");
                        w.Close();
                        return true;
                    case StateLayout.SideInputBuffer:
                        w.Open("for (var count = reader.ReadLength(); count > 0; count--)");
                        w.Line("var value = default(" + coders[coders.Count - 1] + ").Decode(ref reader)!;");
                        w.Line("var timestamp = reader.ReadInstant();");
                        w.Line("var window = default(global::Compiled.Coders.BoundedWindowCoder).Decode(ref reader);");
                        w.Line("_pending" + id + ".Add((value, timestamp, window, default(global::Compiled.Coders.PaneInfoCoder).Decode(ref reader)));");
                        w.Close();
                        w.Line("_pendingMin" + id + " = reader.ReadInstant();");

                        return true;
                    default:
                        return false;
                }
            }

            private static string UserStateCoder(TransformSpec t) => "__State" + N(t.Id) + "Coder";

            /// <summary>
            /// The coder of a stateful ParDo's state struct, for checkpoints: each cell's contents in declaration order
            /// (timers are kept by the scheduler, and bound again to the slot on restore).
            /// </summary>
            private static void WriteUserStateCoder(SourceWriter w, TransformSpec t)
            {
                var stateful = t.Stateful!;
                var type = stateful.StateType;
                var cells = stateful.Cells.Where(c => !c.Kind.IsTimer()).ToList();
                var coders = cells.SelectMany(c => c.Coders!.Value).ToList();
                w.Line("/// <summary>Writes the cells of #" + N(t.Id) + "'s state struct into a checkpoint: " + (cells.Count == 0 ? "it has none (only timers)" : string.Join(", ", cells.Select(c => c.Name.TrimStart('@') + " (" + c.Kind.Describe() + ")"))) + ".</summary>");
                w.Open("private readonly struct " + UserStateCoder(t) + " : global::Compiled.Coders.ICoder<" + type + ">");
                w.Line("public uint FormatVersion => " + coders.Aggregate("1u", (acc, c) => "global::Compiled.Coders.Coder.CombineVersions(" + acc + ", default(" + c + ").FormatVersion)") + ";");
                w.Line();
                w.Open("public void Encode(ref " + Writer + " writer, " + type + " value)");
                foreach (var cell in cells)
                {
                    var c = cell.Coders!.Value;
                    w.Line(cell.Kind == StateCellKind.Field
                        ? "default(" + c[0] + ").Encode(ref writer, value." + cell.Name + ");"
                        : "value." + cell.Name + ".WriteCheckpoint<" + string.Join(", ", c) + ">(ref writer);");
                }

                w.Close();
                w.Line();
                w.Open("public " + type + " Decode(ref " + Reader + " reader)");
                w.Line("var value = default(" + type + ");");
                foreach (var cell in cells)
                {
                    var c = cell.Coders!.Value;
                    w.Line(cell.Kind == StateCellKind.Field
                        ? "value." + cell.Name + " = default(" + c[0] + ").Decode(ref reader)!;"
                        : "value." + cell.Name + ".ReadCheckpoint<" + string.Join(", ", c) + ">(ref reader);");
                }

                w.Line("return value;");
                w.Close();
                w.Close();
                w.Line();
            }

            /// <summary>The coder of a co-group (one list of values per input), for checkpoints: each list's length, then its values.</summary>
            private static void WriteCoGroupCoder(SourceWriter w, TransformSpec t)
            {
                var type = CoGroupStateType(t);
                var values = Enumerable.Range(0, t.ValueTypes.Count).Select(i => (Index: N(i), Type: t.ValueTypes[i], Coder: t.StateCoders!.Value[i + 1])).ToList();
                w.Line("/// <summary>Writes a co-group of #" + N(t.Id) + " into a checkpoint: for each input, the number of its values, then the values.</summary>");
                w.Open("private readonly struct " + CoGroupCoder(t) + " : global::Compiled.Coders.ICoder<" + type + ">");
                w.Line("public uint FormatVersion => " + values.Aggregate("1u", (acc, v) => "global::Compiled.Coders.Coder.CombineVersions(" + acc + ", default(" + v.Coder + ").FormatVersion)") + ";");
                w.Line();
                w.Open("public void Encode(ref " + Writer + " writer, " + type + " value)");
                foreach (var v in values)
                {
                    w.Line("writer.WriteLength(value.Values" + v.Index + ".Count);");
                    w.Open("foreach (var item in value.Values" + v.Index + ")");
                    w.Line("default(" + v.Coder + ").Encode(ref writer, item);");
                    w.Close();
                }

                w.Close();
                w.Line();
                w.Open("public " + type + " Decode(ref " + Reader + " reader)");
                w.Line("var value = new " + type + "();");
                foreach (var v in values)
                {
                    w.Open("for (var count = reader.ReadLength(); count > 0; count--)");
                    w.Line("value.Values" + v.Index + ".Add(default(" + v.Coder + ").Decode(ref reader)!);");
                    w.Close();
                }

                w.Line("return value;");
                w.Close();
                w.Close();
                w.Line();
            }

            /// <summary>The coder of a transform's key as its state map stores it (text keys are stored as strings).</summary>
            private static string StateKeyCoder(TransformSpec t) =>
                StateKeyType(t) switch
                {
                    CharText => "global::Compiled.Coders.StringCoder",
                    Utf8Text => "global::Compiled.Coders.Utf8KeyCoder",
                    _ => t.StateCoders!.Value[0],
                };

            private static string AccumulatorCoder(TransformSpec t) => t.StateCoders!.Value[t.StateCoders.Value.Count - 1];

            /// <summary>The coder of the values a time-sorted stateful ParDo keeps waiting (the last of its state coders).</summary>
            private static string SortedValueCoder(TransformSpec t) => t.StateCoders!.Value[t.StateCoders.Value.Count - 1];

            /// <summary>The type of one window's map or set, as <see cref="MapField"/> declares it.</summary>
            private string InnerMapType(TransformSpec t)
            {
                var key = StateKeyType(t);
                return t.Kind switch
                {
                    TransformKind.Distinct => MapType(t, key, null),
                    TransformKind.CountPerKey or TransformKind.CountPerElement => MapType(t, key, "long"),
                    TransformKind.CombinePerKey => MapType(t, key, t.Combine!.AccumulatorType),
                    TransformKind.GroupByKey => MapType(t, key, "global::System.Collections.Generic.List<" + t.ValueTypes[0] + ">"),
                    TransformKind.CoGroupByKey => MapType(t, key, CoGroupStateType(t)),
                    _ => throw new System.InvalidOperationException("not a map state: " + t.Kind),
                };
            }

            /// <summary>
            /// On a shard of the streaming parallel runner restored at another parallelism: takes from the part of one old
            /// shard of its level (restored into <c>from</c>) the keys whose groups it owns now, in every keyed state; the
            /// state of a global combine from old shard 0 into new shard 0; watermarks and processing time as their maximum
            /// over the parts (at an aligned checkpoint the shards of a level had the same ones, but a shard's copy for a
            /// transform it does not run may never have moved), the earliest window end as its minimum, and counts added
            /// up on new shard 0.
            /// </summary>
            private void WriteAdoptCheckpointPart(SourceWriter w)
            {
                if (_plan.Levels == 0)
                {
                    return;
                }

                w.Line("/// <summary>Takes from old shard <paramref name=\"oldShard\"/>'s part (restored into <paramref name=\"from\"/>) what this shard owns at the new parallelism.</summary>");
                w.Open("internal void __AdoptCheckpointPart(" + _runnerType + " from, int oldShard)");
                w.Line("var first = oldShard == 0;");
                w.Line("var global = __streamShard == 0; // state that is not split by key, and counts, go to new shard 0");
                w.Open("if (from.__state == 3)");
                w.Line("__state = 3; // the job had finished");
                w.Line("return;");
                w.Close();
                foreach (var (field, kind) in CheckpointScalars())
                {
                    if (kind == "Int64")
                    {
                        w.Open("if (global)");
                        w.Line(field + " += from." + field + ";");
                        w.Close();
                    }
                    else
                    {
                        // Watermarks and times: the latest (a shard's copy of a transform it does not run may never have moved);
                        // the earliest window end: the earliest.
                        var earliest = field == "_fireAt";
                        w.Line(field + " = first ? from." + field + " : global::Compiled.Instant." + (earliest ? "Min" : "Max") + "(" + field + ", from." + field + ");");
                    }
                }

                foreach (var t in CheckpointedTransforms)
                {
                    var id = N(t.Id);
                    var state = _plan.States[t.Id];
                    var keyed = state.Exchange == ExchangeKind.ByKeyGroup && state.Level > 0;
                    w.Line("// #" + id + " " + t.Label + (keyed ? ": the keys of this shard's key groups" : ": on new shard 0, from old shard 0"));
                    if (UsesPanes(t))
                    {
                        var owns = keyed ? "key => __ShardOf" + id + "(key) == __streamShard" : "_ => global && first";
                        w.Line("_panes" + id + ".AdoptCheckpointed(from._panes" + id + ", " + owns + ", first, global);");
                        continue;
                    }

                    if (IsStatefulParDo(t))
                    {
                        // Each slot of a key this shard owns, with its state struct and pending timers; its timer handles bound here.
                        var key = IsTextKey(t.KeyType!) ? "key.Span" : "key";
                        w.Open("foreach (var slot in " + StatesField(t) + ".AdoptCheckpointed(from." + StatesField(t) + ", key => __ShardOf" + id + "(" + key + ") == __streamShard, first))");
                        w.Line("__BindState" + id + "(ref " + StatesField(t) + "[slot], slot);");
                        w.Close();
                        w.Line("_swm" + id + " = first ? from._swm" + id + " : global::Compiled.Instant.Max(_swm" + id + ", from._swm" + id + ");");
                        if (t.Stateful!.SortsInput)
                        {
                            w.Line("_sorted" + id + ".AdoptCheckpointed(from._sorted" + id + ", key => __ShardOf" + id + "(" + key + ") == __streamShard);");
                        }

                        continue;
                    }

                    if (_plan.LayoutOf(t.Id) == StateLayout.SideInputView && SideWindowsOf(t) is not null)
                    {
                        w.Line("// (every shard of its level held the whole view of every window: a copy of old shard 0's is taken)");
                        w.Open("if (first)");
                        w.Line("var whole = new " + WindowedViewType(t) + "();");
                        w.Line("whole.RestorePosition(from._view" + id + ".Watermark, from._view" + id + ".CollectedThrough);");
                        WriteWindowedViewAdd(w, t, "from._view" + id);
                        w.Line("_view" + id + " = whole;");
                        w.Close();
                        continue;
                    }

                    if (_plan.LayoutOf(t.Id) == StateLayout.SideInputView)
                    {
                        w.Line("// (every shard of its level held the whole view: old shard 0's is taken)");
                        w.Open("if (first)");
                        switch (t.Kind)
                        {
                            case TransformKind.AsSingleton:
                                w.Line("_viewCount" + id + " = from._viewCount" + id + ";");
                                w.Line("_view" + id + " = from._view" + id + ";");
                                break;
                            case TransformKind.AsList:
                                w.Line("_view" + id + ".AddRange(from._view" + id + ");");
                                break;
                            default:
                                w.Open("foreach (var entry in from._view" + id + ")");
                                w.Line("_view" + id + ".Add(entry.Key, entry.Value);");
                                w.Close();
                                break;
                        }

                        w.Close();
                        continue;
                    }

                    if (_plan.LayoutOf(t.Id) == StateLayout.SideInputBuffer)
                    {
                        w.Line("// (the elements waiting on an old shard wait on one new shard: each holds the whole view)");
                        w.Open("if (oldShard % __shardCount == __streamShard)");
                        w.Line("_pending" + id + ".AddRange(from._pending" + id + ");");
                        w.Line("_pendingMin" + id + " = global::Compiled.Instant.Min(_pendingMin" + id + ", from._pendingMin" + id + ");");
                        w.Close();
                        continue;
                    }

                    if (IsPaneShared(t))
                    {
                        w.Line("_firedUpTo" + id + " = first ? from._firedUpTo" + id + " : global::System.Math.Min(_firedUpTo" + id + ", from._firedUpTo" + id + ");");
                    }

                    if (t.OutputWindowing is not null)
                    {
                        w.Line("_wm" + id + " = first ? from._wm" + id + " : global::Compiled.Instant.Max(_wm" + id + ", from._wm" + id + ");");
                        w.Line("_nextEnd" + id + " = first ? from._nextEnd" + id + " : global::Compiled.Instant.Min(_nextEnd" + id + ", from._nextEnd" + id + ");");
                        if (!keyed || t.Kind is TransformKind.Count or TransformKind.CombineGlobally)
                        {
                            w.Open("if (global && first)");
                            w.Open("foreach (var window in from._wstate" + id + ")");
                            w.Line("_wstate" + id + ".Add(window.Key, window.Value);");
                            w.Close();
                            w.Close();
                            continue;
                        }

                        w.Open("foreach (var window in from._wstate" + id + ")");
                        w.Line(InnerMapType(t) + "? inner = null;");
                        WriteAdoptEntries(w, t, "window.Value", "inner ??= __WindowMap" + id + "(window.Key)");
                        w.Close();
                        continue;
                    }

                    switch (t.Kind)
                    {
                        case TransformKind.Count:
                            w.Open("if (global && first)");
                            w.Line("_count" + id + " = from._count" + id + ";");
                            w.Close();
                            break;
                        case TransformKind.CombineGlobally:
                            w.Open("if (global && first)");
                            w.Line("_acc" + id + " = from._acc" + id + ";");
                            if (t.WithoutDefaults)
                            {
                                w.Line("_any" + id + " = from._any" + id + ";");
                            }

                            w.Close();
                            break;
                        default:
                            if (keyed)
                            {
                                WriteAdoptEntries(w, t, "from._state" + id, "_state" + id);
                            }
                            else
                            {
                                w.Open("if (global && first)");
                                WriteAdoptEntries(w, t, "from._state" + id, "_state" + id, all: true);
                                w.Close();
                            }

                            break;
                    }
                }

                w.Close();
                w.Line();
                foreach (var t in CheckpointedTransforms.Where(t => t.OutputWindowing is not null && !UsesPanes(t) && !IsStatefulParDo(t) && t.Kind is not (TransformKind.Count or TransformKind.CombineGlobally) &&
                                                                      _plan.States[t.Id].Exchange == ExchangeKind.ByKeyGroup && _plan.States[t.Id].Level > 0))
                {
                    var id = N(t.Id);
                    w.Line("/// <summary>The map of #" + id + " for a window, made when the window has none yet.</summary>");
                    w.Open("private " + InnerMapType(t) + " __WindowMap" + id + "(global::Compiled.BoundedWindow window)");
                    w.Open("if (!_wstate" + id + ".TryGetValue(window, out var inner))");
                    w.Line("inner = new " + InnerMapType(t) + "();");
                    w.Line("_wstate" + id + ".Add(window, inner);");
                    w.Close();
                    w.Line("return inner;");
                    w.Close();
                    w.Line();
                }
            }

            /// <summary>Copies the entries of a keyed map or set whose keys this shard owns (or all of them) into another, made on demand.</summary>
            private static void WriteAdoptEntries(SourceWriter w, TransformSpec t, string source, string target, bool all = false)
            {
                var id = N(t.Id);
                var set = t.Kind == TransformKind.Distinct;
                w.Open("foreach (var entry in " + source + ")");
                var key = set ? "entry" : "entry.Key";
                if (!all)
                {
                    w.Open("if (__ShardOf" + id + "(" + key + ") == __streamShard)");
                }

                w.Line("(" + target + ")." + (set ? "Add(entry);" : "Add(entry.Key, entry.Value);"));
                if (!all)
                {
                    w.Close();
                }

                w.Close();
            }
        }
    }
}
