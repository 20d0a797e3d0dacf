using System.Linq;
using Compiled.Generator.Helpers;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class Session
        {
            // ----- checkpoints of the streaming parallel runner: aligned barriers -----
            //
            // The thread that drives the partitions starts a checkpoint between two calls: each partition writes its part
            // (state, and its sinks' prepared transactions) and sends a barrier after everything it sent. A shard reads on
            // until every sender's barrier has come, reading nothing more from a sender whose barrier came (alignment),
            // then writes its part and sends the barrier on; the driving thread goes on pushing meanwhile. Once every shard
            // has written its part, the parts are laid end to end, with the runner's layout, in one participant's bytes.

            private void WriteParallelCheckpointMembers(SourceWriter w)
            {
                if (!_plan.Checkpoints)
                {
                    return;
                }

                var shards = _plan.Levels > 0;
                var per = N(2 + _outputs.Count);
                const string Snapshot = "global::Compiled.Checkpoints.AlignedSnapshot";
                w.Line("/// <summary>The shape of this runner's checkpoints: that of its partitions' and shards' state (see <see cref=\"" + _runnerType.Replace('<', '{').Replace('>', '}') + ".StateFingerprint\"/>).</summary>");
                w.Line("public ulong StateFingerprint => _partitions[0].StateFingerprint;");
                w.Line();
                w.Line("/// <summary>What a checkpoint is restored with: the partitions, the shards per level, the levels and the key groups.</summary>");
                w.Line("private int[] __Layout() => new[] { _partitions.Length, _parallelism, " + N(_plan.Levels) + ", _maxParallelism };");
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Starts checkpoint <paramref name=\"checkpointId\"/> (a Checkpointer calls it, on any one thread): each partition");
                w.Line("/// writes its part (its state, its sinks' prepared transactions, its attached sources' positions) and sends a barrier");
                w.Line("/// after what it sent, at a point between two of its calls: at once when it is idle or finished; when a call is under way,");
                w.Line("/// as that call ends; with attached sources, where its pusher calls <see cref=\"AtRest\"/> (or at its Finish). Each shard");
                w.Line("/// writes its part on its own thread once the barriers of all its senders have come, while pushes go on. The task");
                w.Line("/// completes when every part is in <paramref name=\"output\"/>.");
                w.Line("/// </summary>");
                w.Line("/// <param name=\"checkpointId\">The checkpoint.</param>");
                w.Line("/// <param name=\"output\">Where the bytes go, once every part is in.</param>");
                w.Line("/// <returns>Completes when the whole state is written; faults when a shard fails first, or a part cannot be written.</returns>");
                w.Line("/// <exception cref=\"global::System.InvalidOperationException\">The runner was not restored first (<see cref=\"RestoreCheckpoint\"/>, with -1 for a fresh start).</exception>");
                w.Open("public global::System.Threading.Tasks.Task WriteCheckpointAsync(long checkpointId, global::System.Buffers.IBufferWriter<byte> output)");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(output);");
                w.Open("if (!_restoreCalled)");
                w.Line("throw new global::System.InvalidOperationException(\"The parallel runner's checkpoints follow its restore: RestoreCheckpoint (a Checkpointer's RestoreAsync), with -1 for a fresh start.\");");
                w.Close();
                if (shards)
                {
                    w.Line("__Go();");
                    w.Open("if (_failure is not null)");
                    w.Line("throw new global::System.InvalidOperationException(\"A shard of the parallel runner failed: it takes no more checkpoints.\", _failure);");
                    w.Close();
                }

                w.Line("var parts = _snapshot.Begin(checkpointId);");
                w.Open("for (var i = 0; i < _partitions.Length; i++)");
                w.Line("_partitions[i].__RequestCheckpoint(checkpointId);");
                w.Close();
                w.Open("for (var i = 0; i < _shards.Length; i++)");
                w.Open("if (_snapshot.LeftBeforeBegin(_partitions.Length + i))");
                w.Line("_shards[i].__ArriveFinished(checkpointId, _snapshot, _partitions.Length + i); // its thread has ended: its final state, written here");
                w.Close();
                w.Close();
                w.Line("return __WriteCheckpointAsync(parts, output);");
                w.Close();
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Attaches a source that the pusher of partition <paramref name=\"partition\"/> reads: its position is written with the");
                w.Line("/// partition's part of every checkpoint and restored with it, so that each partition resumes its own input where its");
                w.Line("/// state was taken. Attach before the restore and before any input. A partition with attached sources writes its part");
                w.Line("/// only where its pusher calls <see cref=\"AtRest\"/> (what it read is pushed), or at its Finish.");
                w.Line("/// </summary>");
                w.Line("/// <param name=\"partition\">The partition, 0 to <see cref=\"Partitions\"/> - 1.</param>");
                w.Line("/// <param name=\"name\">The source's name, unique in the partition and the same from run to run.</param>");
                w.Line("/// <param name=\"source\">The source: it is read by the partition's pusher only.</param>");
                w.Open("public void AttachSource(int partition, string name, global::Compiled.Checkpoints.ICheckpointable source)");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(source);");
                w.Open("if (_restoreCalled)");
                w.Line("throw new global::System.InvalidOperationException(\"A partition's sources are attached before the restore: their positions are restored with it.\");");
                w.Close();
                w.Line("_partitions[partition].__AttachSource(name, source);");
                w.Close();
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Called by the pusher of partition <paramref name=\"partition\"/> between two of its calls, where everything it read from");
                w.Line("/// the partition's attached sources is pushed: a checkpoint waiting for the partition writes its part here, on this");
                w.Line("/// thread. Costs one read when none waits. A pusher that waits long for input should still call it now and then.");
                w.Line("/// </summary>");
                w.Line("/// <param name=\"partition\">The partition.</param>");
                w.Line("/// <returns>True when the partition wrote its part of a checkpoint.</returns>");
                w.Line("public bool AtRest(int partition) => _partitions[partition].__OnCheckpoint(atRest: true);");
                w.Line();
                w.Open("private async global::System.Threading.Tasks.Task __WriteCheckpointAsync(global::System.Threading.Tasks.Task parts, global::System.Buffers.IBufferWriter<byte> output)");
                w.Line("await parts.ConfigureAwait(false);");
                w.Line("_snapshot.WriteTo(output, StateFingerprint, __Layout());");
                w.Close();
                w.Line();
                w.Line("/// <summary>Commits the transactions that the sinks of every partition and shard prepared for a checkpoint now durable.</summary>");
                w.Line("/// <param name=\"checkpointId\">The checkpoint.</param>");
                w.Line("/// <param name=\"state\">What <see cref=\"WriteCheckpointAsync\"/> wrote for it.</param>");
                w.Open("public void CommitCheckpoint(long checkpointId, global::System.ReadOnlySpan<byte> state)");
                w.Line("var buffers = " + Snapshot + ".Read(state, " + PipelineLiteral + ", StateFingerprint, __Layout(), " + per + ", out long __checkpointOfState, out int __parallelismOfState);");
                WriteEachPart(w, "__SinksOfCheckpoint(checkpointId, state, new global::System.ReadOnlySpan<global::System.Range>(buffers, part * " + per + ", " + per + "), true);");
                w.Close();
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Before any input and before a partition is handed out: restores every partition and shard from the checkpoint (or,");
                w.Line("/// with -1, from nothing), lets their sinks recover, and starts the shards. A checkpoint taken with other partitions,");
                w.Line("/// parallelism or key groups, or by another pipeline, throws <see cref=\"global::Compiled.Checkpoints.CheckpointMismatchException\"/>.");
                w.Line("/// </summary>");
                w.Line("/// <param name=\"checkpointId\">The checkpoint, or -1.</param>");
                w.Line("/// <param name=\"state\">What <see cref=\"WriteCheckpointAsync\"/> wrote for it; empty with -1.</param>");
                w.Open("public void RestoreCheckpoint(long checkpointId, global::System.ReadOnlySpan<byte> state)");
                w.Open("if (" + (shards ? "_going || " : string.Empty) + "_finished || _restoreCalled)");
                w.Line("throw global::Compiled.Checkpoints.RunnerCheckpoint.ParallelNotNew();");
                w.Close();
                w.Line("_restoreCalled = true;");
                w.Line("// From now on checkpoints may take the partitions' gates from other threads: a compare-and-swap each (a runner");
                w.Line("// never restored, so never checkpointed, keeps the plain gate).");
                w.Open("for (var i = 0; i < _partitions.Length; i++)");
                w.Line("_partitions[i].__JoinCheckpoints(_snapshot, i);");
                w.Close();
                w.Open("if (checkpointId < 0)");
                w.Line("var none = new global::System.Range[" + per + "];");
                WriteEachPart(w, "__SinksOfCheckpoint(-1, default, none, false);");
                w.Close();
                w.Open("else");
                w.Line("var buffers = " + Snapshot + ".Read(state, " + PipelineLiteral + ", StateFingerprint, __Layout(), " + per + ", out long __checkpointOfState, out int was);");
                if (shards)
                {
                    // A checkpoint taken at another parallelism: every new shard takes its keys from every old shard's part.
                    w.Open("if (was != _parallelism)");
                    w.Line("__RestoreRegrouped(checkpointId, state, buffers, was);");
                    w.Close();
                    w.Open("else");
                }

                w.Open("for (var i = 0; i < _partitions.Length; i++)");
                w.Line("_partitions[i].__RestoreSources(state[buffers[(i * " + per + ") + " + per + " - 1]]);");
                w.Close();
                WriteEachPart(w, "__RestoreCheckpoint(state[buffers[part * " + per + "]]);");
                WriteEachPart(w, "__SinksOfCheckpoint(checkpointId, state, new global::System.ReadOnlySpan<global::System.Range>(buffers, part * " + per + ", " + per + "), false);");
                if (shards)
                {
                    w.Close();
                }

                w.Open("foreach (var partition in _partitions)");
                w.Open("if (partition.IsFinished)");
                w.Line("partition.__CompleteSends(); // it had finished: its channels complete again");
                w.Close();
                w.Close();
                w.Close();
                if (shards)
                {
                    w.Line("__Go();");
                }

                w.Close();
                w.Line();
                if (shards)
                {
                    WriteRestoreRegrouped(w, per);
                }
            }

            /// <summary>
            /// The restore at another parallelism: the partitions take their parts as they are; each old shard's part is read
            /// into a runner of its own, from which every new shard of its level takes the keys of its key groups. A new
            /// shard's sinks recover the transactions of the old shard of the same index (a new one's, none: its output is kept); those of
            /// removed shards are finished by a remaining shard's sinks, or the restore is refused when they cannot.
            /// </summary>
            private void WriteRestoreRegrouped(SourceWriter w, string per)
            {
                var news = "new " + _runnerType + "(" + (_spec.OptionsType is null ? string.Empty : OptionsField + ", ") + string.Concat(_outputs.Select(o => "default(" + SinkTypeParameter(o) + ")!, ")) + "false)";
                w.Line("/// <summary>Restores a checkpoint taken at parallelism <paramref name=\"was\"/>, another than this runner's: see <see cref=\"RestoreCheckpoint\"/>.</summary>");
                w.Open("private void __RestoreRegrouped(long checkpointId, global::System.ReadOnlySpan<byte> state, global::System.Range[] buffers, int was)");
                w.Line("var p = _partitions.Length;");
                w.Line("var n = _parallelism;");
                w.Line("// First the transactions of the sinks of shards that are no more: a sink of the same output on a remaining shard finishes them.");
                w.Open("for (var level = 0; level < " + N(_plan.Levels) + "; level++)");
                w.Open("for (var old = n; old < was; old++)");
                w.Line("_shards[(n * level) + (old % n)].__SinksOfOrphan(checkpointId, state, new global::System.ReadOnlySpan<global::System.Range>(buffers, (p + (was * level) + old) * " + per + ", " + per + "), was, n);");
                w.Close();
                w.Close();
                w.Open("for (var i = 0; i < p; i++)");
                w.Line("_partitions[i].__RestoreSources(state[buffers[(i * " + per + ") + " + per + " - 1]]);");
                w.Line("_partitions[i].__RestoreCheckpoint(state[buffers[i * " + per + "]]);");
                w.Line("_partitions[i].__SinksOfCheckpoint(checkpointId, state, new global::System.ReadOnlySpan<global::System.Range>(buffers, i * " + per + ", " + per + "), false);");
                w.Close();
                w.Line("var none = new global::System.Range[" + per + "];");
                w.Open("for (var level = 0; level < " + N(_plan.Levels) + "; level++)");
                w.Open("for (var old = 0; old < was; old++)");
                w.Line("var part = p + (was * level) + old;");
                w.Line("var from = " + news + "; // not seen by metrics listeners");
                w.Line("from.__RestoreCheckpoint(state[buffers[part * " + per + "]]);");
                w.Open("for (var s = 0; s < n; s++)");
                w.Line("_shards[(n * level) + s].__AdoptCheckpointPart(from, old);");
                w.Close();
                w.Close();
                w.Open("for (var s = 0; s < n; s++)");
                w.Open("if (s < was)");
                w.Line("_shards[(n * level) + s].__SinksOfCheckpoint(checkpointId, state, new global::System.ReadOnlySpan<global::System.Range>(buffers, (p + (was * level) + s) * " + per + ", " + per + "), false);");
                w.Close();
                w.Open("else");
                w.Line("_shards[(n * level) + s].__SinksOfCheckpoint(checkpointId, default, none, false); // a new shard's sinks: no transaction in the checkpoint");
                w.Close();
                w.Close();
                w.Close();
                w.Close();
                w.Line();
            }


            /// <summary>Calls a member on every partition and shard, in checkpoint order; <c>part</c> is its index.</summary>
            private static void WriteEachPart(SourceWriter w, string call)
            {
                w.Open("for (var part = 0; part < _partitions.Length + _shards.Length; part++)");
                w.Line("(part < _partitions.Length ? _partitions[part] : _shards[part - _partitions.Length])." + call);
                w.Close();
            }
        }
    }
}
