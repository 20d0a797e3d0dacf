using System.Linq;
using Compiled.Generator.Helpers;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class Session
        {
            // ----- a partition's part of a checkpoint, when several threads push -----
            //
            // Partitions of the streaming parallel runner may be pushed by threads of their own. A checkpoint is begun by
            // one thread (the Checkpointer's caller); each partition writes its part, and sends its barrier, at a point
            // between two of its calls, in the flow of its own input:
            //  - a partition without attached sources: at once, by the thread that begins the checkpoint, when the
            //    partition is idle (it takes the gate with a compare-and-swap, state 6); otherwise by the call under way,
            //    as it ends (or between two elements of a pull push);
            //  - a partition with attached sources (their positions are part of its part): only where its pusher says
            //    that what it read is pushed (ParallelRunner.AtRest), or at its Finish;
            //  - a finished partition: at once, by the thread that begins the checkpoint (its state no longer changes).
            // The request is one field, exchanged to -1 by the thread that writes the part, so it is written once.

            /// <summary>A partition's gate may be taken by other threads: the pipeline's streaming parallel runner checkpoints.</summary>
            private bool SharedGate => Streaming && _plan.Checkpoints;

            /// <summary>
            /// The gate taken by a call (without a clock): one compare when the runner is idle; a partition that shares its
            /// gate takes it in the slow path, with a compare-and-swap, so that the inlined fast path stays as small as it was.
            /// </summary>
            private void WriteGateTake(SourceWriter w, bool finish)
            {
                w.Open(SharedGate ? "if (__state != 0 || __gateShared)" : "if (__state != 0)");
                w.Line("__EnterSlow(finish: " + (finish ? "true" : "false") + ");");
                w.Close();
                w.Line("__state = 1;");
            }

            /// <summary>After the gate is released: a checkpoint that asked for this partition's part while the gate was held takes it now.</summary>
            private static void WriteCheckpointDueAfterRelease(SourceWriter w)
            {
                w.Open("if (__gateShared)");
                w.Line("__CheckpointDueAfterRelease();");
                w.Close();
            }

            private void WritePartitionCheckpointMembers(SourceWriter w)
            {
                const string Snapshot = "global::Compiled.Checkpoints.AlignedSnapshot";
                w.Line("private bool __gateShared; // a partition of a parallel runner that checkpoints: other threads take its gate to write its part");
                w.Line("private long __checkpointDue = -1; // the checkpoint waiting for this partition's part, or -1");
                w.Line("private " + Snapshot + "? __checkpoints; // where its parts go");
                w.Line("private int __checkpointPart; // its part in them");
                w.Line("private global::Compiled.Checkpoints.PartitionSources? __sources; // sources whose positions its parts keep: only its pusher says when to write");
                w.Line();
                w.Line("/// <summary>Makes this runner partition <paramref name=\"part\"/> of a parallel runner that checkpoints into <paramref name=\"snapshot\"/>.</summary>");
                w.Open("internal void __JoinCheckpoints(" + Snapshot + " snapshot, int part)");
                w.Line("__checkpoints = snapshot;");
                w.Line("__checkpointPart = part;");
                w.Line("__gateShared = true;");
                WritePlainOff(w);
                w.Close();
                w.Line();
                w.Line("/// <summary>Attaches a source whose position this partition's parts keep (before the restore and any input).</summary>");
                w.Open("internal void __AttachSource(string name, global::Compiled.Checkpoints.ICheckpointable source)");
                WriteNotNewCheck(w);
                w.Line("(__sources ??= new()).Add(name, source);");
                w.Close();
                w.Line();
                w.Line("/// <summary>Restores the positions of the attached sources from this partition's part.</summary>");
                w.Open("internal void __RestoreSources(global::System.ReadOnlySpan<byte> state)");
                w.Line("(__sources ??= new()).Restore(state, " + PipelineLiteral + ", __checkpointPart);");
                w.Close();
                w.Line();
                w.Line("/// <summary>A partition's gate released by a call: back to idle with a full fence, then a checkpoint that asked meanwhile takes its part.</summary>");
                w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                w.Open("private void __ReleaseShared()");
                w.Line("global::System.Threading.Interlocked.Exchange(ref __state, 0);");
                w.Line("__CheckpointDueAfterRelease();");
                w.Close();
                w.Line();
                w.Line("/// <summary>The gate was released: a checkpoint that asked for this partition's part while it was held takes it now, if it may.</summary>");
                w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                w.Open("private void __CheckpointDueAfterRelease()");
                w.Open("if (global::System.Threading.Volatile.Read(ref __checkpointDue) >= 0)");
                w.Line("__OnCheckpoint(atRest: false);");
                w.Close();
                w.Close();
                w.Line();
                w.Line("/// <summary>Checkpoint <paramref name=\"checkpointId\"/> has begun (on any thread): this partition is to write its part, now if it can.</summary>");
                w.Open("internal void __RequestCheckpoint(long checkpointId)");
                w.Line("global::System.Threading.Interlocked.Exchange(ref __checkpointDue, checkpointId); // a full fence: a call releasing the gate now sees it, or this thread sees the gate free");
                w.Line("__OnCheckpoint(atRest: false);");
                w.Close();
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Writes the part of the checkpoint waiting for this partition, if this thread may: a finished partition, always; an");
                w.Line("/// idle one (or one whose pull push waits for its source), when it has no attached sources or its pusher is at rest");
                w.Line("/// (<paramref name=\"atRest\"/>). Otherwise the call holding the gate, or the pusher at rest, writes it.");
                w.Line("/// </summary>");
                w.Line("/// <returns>True when this thread wrote the part.</returns>");
                w.Open("internal bool __OnCheckpoint(bool atRest)");
                w.Line("var spin = new global::System.Threading.SpinWait();");
                w.Open("while (global::System.Threading.Volatile.Read(ref __checkpointDue) >= 0)");
                w.Line("var state = global::System.Threading.Volatile.Read(ref __state);");
                w.Open("if (state == 3)");
                w.Line("return __TakeCheckpointDue(finished: true); // its state no longer changes");
                w.Close();
                w.Open("if (!atRest && __sources is { Count: > 0 })");
                w.Line("return false; // its pusher writes it where what it read is pushed");
                w.Close();
                w.Open("if (atRest && state is 5 or 6)");
                w.Line("spin.SpinOnce(); // a processing-time firing holds the gate for a moment");
                w.Line("continue;");
                w.Close();
                w.Open("if (state is not (0 or 4) || (atRest && state == 4))");
                w.Line("return false; // a call holds the gate: it writes the part as it ends");
                w.Close();
                w.Open("if (global::System.Threading.Interlocked.CompareExchange(ref __state, 6, state) != state)");
                w.Line("continue; // a call took the gate meanwhile: look again");
                w.Close();
                w.Line("bool wrote;");
                w.Open("try");
                w.Line("wrote = __TakeCheckpointDue(finished: false);");
                w.Close();
                w.Open("finally");
                w.Line("global::System.Threading.Interlocked.Exchange(ref __state, state);");
                w.Close();
                if (ClockDriven)
                {
                    w.Open("if (global::System.Threading.Volatile.Read(ref __clockDue) != 0)");
                    w.Line("__OnClock(); // the clock fired while the part was written: its firing runs now");
                    w.Close();
                }

                w.Line("return wrote;");
                w.Close();
                w.Line("return false;");
                w.Close();
                w.Line();
                w.Line("/// <summary>Writes the part of the checkpoint waiting for this partition (holding its gate, or finished): once, by whichever thread takes the request.</summary>");
                w.Open("private bool __TakeCheckpointDue(bool finished)");
                w.Line("var checkpointId = global::System.Threading.Interlocked.Exchange(ref __checkpointDue, -1);");
                w.Open("if (checkpointId < 0)");
                w.Line("return false;");
                w.Close();
                w.Line("var snapshot = __checkpoints!;");
                w.Open("try");
                w.Line("__WriteCheckpointHeld(snapshot.Buffer(__checkpointPart, 0), finished);");
                w.Line("__EndCheckpointPart(checkpointId, snapshot, __checkpointPart);");
                w.Line("snapshot.Arrive(__checkpointPart);");
                w.Close();
                w.Open("catch (global::System.Exception error)");
                w.Line("snapshot.Fail(__checkpointPart, error); // the checkpoint fails; the partition goes on");
                w.Close();
                w.Line("return true;");
                w.Close();
                w.Line();
            }

            /// <summary>Throws unless the runner is new: nothing pushed, no watermark or processing time, no call under way.</summary>
            private void WriteNotNewCheck(SourceWriter w)
            {
                w.Open("if (__state != 0 || _watermark != global::Compiled.Instant.MinValue || _processingTime != global::Compiled.Instant.MinValue" +
                       string.Concat(_inputs.Select(i => " || __elementsIn_" + Names.ToPascal(i.Name!) + " != 0")) + ")");
                w.Line("throw global::Compiled.Checkpoints.RunnerCheckpoint.NotNew();");
                w.Close();
            }
        }
    }
}
