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
            // ----- the streaming parallel runner's class: its partitions and levels of shards, their channels and threads,
            // and the surface a caller pushes through (the members of each runner instance are in Emitter.Streaming) -----

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
