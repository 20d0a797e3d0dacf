using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class Session
        {
            /// <summary>
            /// The body of a public call between the gate and the exit: an exception leaving it (one the call did not turn
            /// into a PipelineExecutionException itself, such as a source's own) marks the call failed without being caught.
            /// </summary>
            private static void OpenCall(SourceWriter w)
            {
                w.Line("__Enter();");
                w.Open("try");
            }

            private static void CloseCall(SourceWriter w)
            {
                w.Close();
                w.Open("catch (global::System.Exception) when (__Abandon())");
                w.Line("throw; // never reached: the filter only marks the call failed");
                w.Close();
                w.Line("__Exit();");
            }

            /// <summary>
            /// The body of a call that runs no user code outside the tries of its own (time advances: user code runs only in
            /// the delivery of results and panes, each in its own try): the gate without exception handling of its own.
            /// Should the runner itself fail, the call stays marked as running and the next call says so.
            /// </summary>
            private static void OpenQuietCall(SourceWriter w) => w.Line("__Enter();");

            private static void CloseQuietCall(SourceWriter w) => w.Line("__Exit();");

            /// <summary>One element into the fused stage of an input, in a try that turns a throw into the push's failure at <paramref name="index"/>.</summary>
            private static void WriteGuardedElement(SourceWriter w, string name, string element, string timestamp, string index, string runner = "")
            {
                w.Open("try");
                w.Line(runner + "__OnOne" + name + "(" + element + ", " + timestamp + ");");
                w.Close();
                w.Open("catch (global::System.Exception ex)");
                w.Line("throw " + runner + "__Failed" + name + "(ex, " + element + ", " + index + ");");
                w.Close();
            }

            /// <summary>
            /// A single push's element when nothing in its stage can throw: the stage inline, with no exception handling, as a
            /// quiet call's body (measured: even a try/finally, which the JIT inlines, keeps the stage's values out of
            /// registers and costs as much as the call). Should the runner itself throw, the exception goes on as it is and
            /// the call stays marked as running: the next call says so. A partition of the streaming parallel runner keeps
            /// the catch where its stage sends through an exchange (the plan's SendingStages): a send may meet a failed
            /// exchange, whose failure it reports. Where the stage keeps its elements (a combine lifted across the exchange
            /// ships at the watermark, not in the push), a partition's push is uncaught too.
            /// </summary>
            private void WriteUncaughtElement(SourceWriter w, TransformSpec input, string name)
            {
                var guarded = PartitionKeepsCatch(input);
                if (guarded)
                {
                    w.Open("if (__partition)");
                    w.Line("__Guarded" + name + "(element, timestamp);");
                    w.Close();
                    w.Open("else");
                }

                w.Line("__On" + name + "(element, timestamp); // nothing in this stage can throw (see the plan): no catch per element");
                if (guarded)
                {
                    w.Close();
                }
            }

            /// <summary>
            /// Whether a partition's push of <paramref name="input"/> keeps the catch although the stage cannot throw: its stage
            /// sends through an exchange (the plan's SendingStages, listed only when the streaming parallel runner is
            /// generated). One that keeps its elements (a lifted combine, element-wise work into an output) runs as a single
            /// runner's does.
            /// </summary>
            private bool PartitionKeepsCatch(TransformSpec input) => _plan.SendingStages.Contains(input.Id);

            /// <summary>Whether a runner can be made a partition or a shard of a parallel runner (which take a push's full path).</summary>
            private bool Joins => Streaming || Parallel;

            /// <summary>Whether the runner keeps the flag of the plain path: it can join a parallel runner, and some single push takes that path.</summary>
            private bool PlainPushes => Joins && _plan.UncaughtPushes.Count > 0;

            /// <summary>In a method that makes the runner a partition or a shard: its single pushes take the full path from now on.</summary>
            private void WritePlainOff(SourceWriter w)
            {
                if (PlainPushes)
                {
                    w.Line("__plain = false;");
                }
            }

            /// <summary>
            /// The plain path of a single push whose stage cannot throw, on an idle runner of one thread (not a partition or
            /// a shard of a parallel runner): the gate is one compare and a store, the stage runs with no exchange to check
            /// (a copy of it, when the stage has checks: the plan's PlainStages), and the end of the push is written only when the plan says it has something to do (QuietPushEnds). Every other
            /// case (a call under way, held results, a finished runner, a partition) takes the full path below it.
            /// Measured with one push and one watermark advance per event (bench/README.md, "2026-12-07 (fourth session)"): W5
            /// 14% faster than the full path alone, W5Long 9%.
            /// </summary>
            private void WritePlainPush(SourceWriter w, TransformSpec input, string name)
            {
                var quiet = _plan.QuietPushEnds.Contains(input.Id);
                w.Open(Joins ? "if (__state == 0 && __plain)" : "if (__state == 0)");
                w.Line("// An idle runner of one thread: the stage (see the plan: " + (quiet ? "nothing to do at the end of this push" : "the end of this push has work") + ").");
                w.Line("__state = 1;");
                WriteTick(w);
                w.Line((_plan.PlainStages.Contains(input.Id) ? "__OnPlain" : "__On") + name + "(element, timestamp);");
                w.Line("__elementsIn_" + name + "++;");
                if (!quiet)
                {
                    WritePlainEndBundle(w);
                    w.Open("if (__failed)");
                    w.Line("__ThrowFailures();");
                    w.Close();
                }

                w.Line("__state = 0;");
                w.Line("return;");
                w.Close();
            }

            /// <summary>A Push method that pulls its elements from a source, one loop (or two nested) around the fused body.</summary>
            private void WritePullingPush(SourceWriter w, string name, string summary, string? remarks, string signature, string source, params string[] loops)
            {
                w.Line(summary);
                if (remarks is not null)
                {
                    w.Line(remarks);
                }

                w.Open(signature);
                w.Line("global::System.ArgumentNullException.ThrowIfNull(" + source + ");");
                OpenCall(w);
                w.Line("var timestamp = global::Compiled.Instant.MinValue;");
                w.Line("long index = 0;");
                foreach (var loop in loops)
                {
                    w.Open(loop);
                }

                WriteTick(w);
                WriteGuardedElement(w, name, "element", "timestamp", "index");
                w.Line("__elementsIn_" + name + "++;");
                w.Line("index++;");
                WriteEndBundle(w);
                if (SharedGate)
                {
                    w.Open("if (__gateShared && global::System.Threading.Volatile.Read(ref __checkpointDue) >= 0 && __sources is not { Count: > 0 })");
                    w.Line("__TakeCheckpointDue(finished: false); // between two elements of the pull: a checkpoint waiting for this partition");
                    w.Close();
                }

                foreach (var _ in loops)
                {
                    w.Close();
                }

                CloseCall(w);
                w.Close();
                w.Line();
            }

            /// <summary>
            /// The span push of an input that tracks its own watermark: the span is cut into bundles of BundleSize
            /// elements, and after each the input's watermark advances and triggers are evaluated, exactly as if each
            /// bundle had been pushed by a call of its own; so a large push closes windows as it goes.
            /// </summary>
            private void WriteBundledSpanPush(SourceWriter w, TransformSpec input, string name, string type)
            {
                w.Line("/// <summary>");
                w.Line("/// Pushes every element of a span into input '" + Doc(input.Name) + "', in bundles of <see cref=\"BundleSize\"/> elements:");
                w.Line("/// after each bundle the input's watermark advances (it trails the latest timestamp seen) and triggers are");
                w.Line("/// evaluated, so windows behind the watermark fire and free their state while the push goes on. The results are");
                w.Line("/// those of pushing each bundle by a call of its own.");
                w.Line("/// </summary>");
                w.Open("public void Push" + name + "(global::System.ReadOnlySpan<" + type + "> elements)");
                OpenCall(w);
                w.Line("var timestamp = global::Compiled.Instant.MinValue;");
                w.Line("var start = 0;");
                w.Line("// Bundle traces: the clock is read once per bundle, and only while a listener is subscribed.");
                w.Line("var __traceFrom = global::Compiled.Diagnostics.PipelineTracing.IsEnabled ? global::System.Diagnostics.Stopwatch.GetTimestamp() : 0L;");
                w.Open("do");
                WriteTick(w);
                w.Line("var end = elements.Length - start > _bundleSize ? start + _bundleSize : elements.Length;");
                w.Line("var i = start;");
                w.Open("try");
                w.Line("__Loop" + name + "(elements.Slice(0, end), timestamp, ref i);");
                w.Close();
                w.Open("catch (global::System.Exception ex)");
                w.Line("__elementsIn_" + name + " += i - start;");
                w.Line("throw __Failed" + name + "(ex, elements[i], i);");
                w.Close();
                w.Line("__elementsIn_" + name + " += end - start;");
                WriteEndBundle(w);
                w.Open("if (__traceFrom != 0L)");
                w.Line("global::Compiled.Diagnostics.PipelineTracing.BundleEnded(" + Literal((_spec.Namespace.Length > 0 ? _spec.Namespace + "." : string.Empty) + _spec.ClassName) + ", " + Literal(input.Name!) + ", ref __traceFrom, end - start);");
                w.Close();
                w.Line("start = end;");
                w.Close(" while (start < elements.Length);");
                CloseCall(w);
                w.Close();
                w.Line();
            }

            private void WriteInput(SourceWriter w, TransformSpec input)
            {
                _currentInput = input;
                var name = Names.ToPascal(input.Name!);
                var type = input.OutputTypes[0];
                var id = N(input.Id);
                w.Line("/// <summary>Pushes one element into input '" + Doc(input.Name) + "' (timestamp: the minimum, as for a bounded source without timestamps).</summary>");
                w.Line("public void Push" + name + "(" + type + " element) => Push" + name + "(element, global::Compiled.Instant.MinValue);");
                w.Line();
                w.Line("/// <summary>Pushes one element with its event timestamp into input '" + Doc(input.Name) + "'.</summary>");
                // No catch here: the element runs in __Guarded, a method of its own with the catch that names a failing
                // element, so this method stays small enough to inline into the caller's loop (the JIT does not inline a
                // method with a catch). When nothing in the stage can throw (the plan says so), there is no catch to keep:
                // the stage runs here.
                w.Line(Inline);
                w.Open("public void Push" + name + "(" + type + " element, global::Compiled.Instant timestamp)");
                w.Open("if ((ulong)(timestamp.Millis - global::Compiled.Instant.MinValue.Millis) > (ulong)(global::Compiled.Instant.MaxValue.Millis - global::Compiled.Instant.MinValue.Millis))");
                w.Line("throw new global::System.ArgumentOutOfRangeException(nameof(timestamp), timestamp.Millis, \"An event timestamp must be between Instant.MinValue and Instant.MaxValue.\");");
                w.Close();
                var uncaught = _plan.UncaughtPushes.Contains(input.Id);
                if (uncaught)
                {
                    WritePlainPush(w, input, name);
                }

                w.Line("__Enter();");
                WriteTick(w);
                if (uncaught)
                {
                    WriteUncaughtElement(w, input, name);
                }
                else
                {
                    w.Line("__Guarded" + name + "(element, timestamp);");
                }

                w.Line("__elementsIn_" + name + "++;");
                WriteEndBundle(w);
                w.Line("__Exit();");
                w.Close();
                w.Line();
                if (!uncaught || PartitionKeepsCatch(input))
                {
                    w.Line("/// <summary>One element pushed into input '" + Doc(input.Name) + "', in the try that turns a throw into the push's failure.</summary>");
                    w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                    w.Open("private void __Guarded" + name + "(" + type + " element, global::Compiled.Instant timestamp)");
                    w.Open("try");
                    // Measured (bench/README.md, "Faults"): a stage that updates state inline runs fastest inlined into the
                    // try; a stage that reaches keyed window panes runs faster as a call of its own. Open sessions and window
                    // buckets inline only an element's steady path (a few compares, the rest a call): inlined, W5's per-event
                    // driver is ~3% faster, and so is LeaderBoard's triggered one.
                    w.Line((_plan.Transforms.Any(t => _plan.LayoutOf(t.Id) == StateLayout.KeyedWindowPanes) ? "__OnOne" : "__On") + name + "(element, timestamp);");
                    w.Close();
                    w.Open("catch (global::System.Exception ex)");
                    w.Line("throw __Failed" + name + "(ex, element, 0);");
                    w.Close();
                    w.Close();
                    w.Line();
                }

                if (input.MaxOutOfOrdernessMs is null)
                {
                    w.Line("/// <summary>Pushes every element of a span into input '" + Doc(input.Name) + "'.</summary>");
                    w.Open("public void Push" + name + "(global::System.ReadOnlySpan<" + type + "> elements)");
                    OpenCall(w);
                    w.Line("var timestamp = global::Compiled.Instant.MinValue;");
                    WriteTick(w);
                    w.Line("var i = 0;");
                    w.Open("try");
                    w.Line("__Loop" + name + "(elements, timestamp, ref i);");
                    w.Close();
                    w.Open("catch (global::System.Exception ex)");
                    w.Line("__elementsIn_" + name + " += i;");
                    w.Line("throw __Failed" + name + "(ex, elements[i], i);");
                    w.Close();
                    w.Line("__elementsIn_" + name + " += elements.Length;");
                    WriteEndBundle(w);
                    CloseCall(w);
                    w.Close();
                    w.Line();
                }
                else
                {
                    WriteBundledSpanPush(w, input, name, type);
                }
                w.Line("/// <summary>Pushes one bundle of elements, each with its event timestamp, into input '" + Doc(input.Name) + "' (triggers are evaluated after the bundle, as in Beam; TestStream uses this).</summary>");
                w.Open("public void Push" + name + "(global::System.ReadOnlySpan<global::Compiled.TimestampedValue<" + type + ">> bundle)");
                OpenCall(w);
                WriteTick(w);
                w.Line("var i = 0;");
                w.Open("try");
                w.Line("__LoopBundle" + name + "(bundle, ref i);");
                w.Close();
                w.Open("catch (global::System.Exception ex)");
                w.Line("__elementsIn_" + name + " += i;");
                w.Line("throw __Failed" + name + "(ex, bundle[i].Value, i);");
                w.Close();
                w.Line("__elementsIn_" + name + " += bundle.Length;");
                WriteEndBundle(w);
                CloseCall(w);
                w.Close();
                w.Line();
                WritePullingPush(
                    w,
                    name,
                    "/// <summary>Pushes every element of a sequence into input '" + Doc(input.Name) + "'.</summary>",
                    null,
                    "public void Push" + name + "(global::System.Collections.Generic.IEnumerable<" + type + "> elements)",
                    "elements",
                    "foreach (var element in elements)");
                WritePullingPush(
                    w,
                    name,
                    "/// <summary>Pushes every element of an async sequence into input '" + Doc(input.Name) + "', as it arrives (the source is pulled, so a slow pipeline slows the source: memory stays bounded).</summary>",
                    "/// <remarks>The runner takes no other call until the returned task completes.</remarks>",
                    "public async global::System.Threading.Tasks.ValueTask Push" + name + "Async(global::System.Collections.Generic.IAsyncEnumerable<" + type + "> elements, global::System.Threading.CancellationToken cancellationToken = default)",
                    "elements",
                    ClockDriven
                        ? "await foreach (var element in global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.ConfigureAwait(__Lending(elements, cancellationToken), false))"
                        : "await foreach (var element in global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.WithCancellation(elements, cancellationToken).ConfigureAwait(false))");
                WritePullingPush(
                    w,
                    name,
                    "/// <summary>Pushes the elements of a channel into input '" + Doc(input.Name) + "' until the channel completes (a bounded channel gives the writer backpressure).</summary>",
                    "/// <remarks>The runner takes no other call until the returned task completes. After a failure, the elements not yet read stay in the channel: call again to go on.</remarks>",
                    "public async global::System.Threading.Tasks.ValueTask Push" + name + "Async(global::System.Threading.Channels.ChannelReader<" + type + "> reader, global::System.Threading.CancellationToken cancellationToken = default)",
                    "reader",
                    ClockDriven
                        ? "while (await __WhileLent(reader.WaitToReadAsync(cancellationToken)).ConfigureAwait(false))"
                        : "while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))",
                    "while (reader.TryRead(out var element))");

                if (input.Kind == TransformKind.ReadLinesInput)
                {
                    var utf8 = IsUtf8Lines(input);
                    var read = utf8 ? "ReadUtf8Lines" : "ReadStringLines";
                    w.Line("private long __lines" + name + "; // lines of input '" + Doc(input.Name) + "' read by the current Read call");
                    w.Line();
                    w.Line("/// <summary>Reads every line of <paramref name=\"input\"/> asynchronously into input '" + Doc(input.Name) + "' (files through System.IO.Pipelines, bounded memory; lines already in memory, <see cref=\"global::Compiled.TextInput.FromLines\"/>, used as they are, not copied).</summary>");
                    w.Line("/// <remarks>A transform that throws on a line stops the read there: the exception's ElementIndex is the line's 0-based number, the lines before it were applied.</remarks>");
                    w.Open("public async global::System.Threading.Tasks.ValueTask Read" + name + "Async(global::Compiled.TextInput input, global::System.Threading.CancellationToken cancellationToken = default)");
                    w.Line("global::System.ArgumentNullException.ThrowIfNull(input);");
                    OpenCall(w);
                    w.Line("__lines" + name + " = 0;");
                    w.Line("await input." + read + "Async(new __" + name + "LineConsumer(this), cancellationToken).ConfigureAwait(false);");
                    CloseCall(w);
                    w.Close();
                    w.Line();

                    w.Line("/// <summary>Reads every line of <paramref name=\"input\"/> (a file is read through System.IO.Pipelines with bounded memory; lines already in memory, <see cref=\"global::Compiled.TextInput.FromLines\"/>, are used as they are, not copied) into input '" + Doc(input.Name) + "'.</summary>");
                    w.Line("/// <remarks>A transform that throws on a line stops the read there: the exception's ElementIndex is the line's 0-based number, the lines before it were applied.</remarks>");
                    w.Open("public void Read" + name + "(global::Compiled.TextInput input)");
                    w.Line("global::System.ArgumentNullException.ThrowIfNull(input);");
                    OpenCall(w);
                    w.Line("__lines" + name + " = 0;");
                    w.Line("var consumer = new __" + name + "LineConsumer(this);");
                    w.Line("input." + read + "(ref consumer);");
                    CloseCall(w);
                    w.Close();
                    w.Line();
                    _runnerExtras.Add(x =>
                    {
                        if (utf8)
                        {
                            x.Line("/// <summary>Feeds the lines of a text input into the fused loop of input '" + Doc(input.Name) + "' as UTF-8 bytes, never decoded: each line's bytes stay valid (a slice of the input's bytes, or of a buffer that is not reused).</summary>");
                            x.Open("private readonly struct __" + name + "LineConsumer : global::Compiled.IUtf8LineConsumer");
                        }
                        else
                        {
                            x.Line("/// <summary>Feeds the lines of a text input into the fused loop of input '" + Doc(input.Name) + "': a line read into a buffer becomes a string; a line held as a string is used as it is.</summary>");
                            x.Open("private readonly struct __" + name + "LineConsumer : global::Compiled.IStringLineConsumer");
                        }

                        x.Line("private readonly " + _runnerType + " _runner;");
                        x.Line();
                        x.Line("public __" + name + "LineConsumer(" + _runnerType + " runner) => _runner = runner;");
                        x.Line();
                        if (!utf8)
                        {
                            x.Line("public void OnLine(global::System.ReadOnlySpan<char> line) => OnLine(new string(line));");
                            x.Line();
                        }

                        x.Open("public void OnLine(" + (utf8 ? "global::System.ReadOnlyMemory<byte>" : "string") + " element)");
                        x.Line("var index = _runner.__lines" + name + "++;");
                        WriteGuardedElement(x, name, "element", "global::Compiled.Instant.MinValue", "index", "_runner.");
                        x.Line("_runner.__elementsIn_" + name + "++;");
                        if (AnyPanes)
                        {
                            x.Line("_runner.__EndBundle();");
                            if (RoutesMarkBundles)
                            {
                                x.Line("_runner.__RoutesEndBundle(); // a bundle per line: the elements routed to other shards end theirs there too");
                            }
                        }

                        x.Close();
                        x.Close();
                        x.Line();
                    });
                }

                // The loops and the single element run in methods of their own, without exception handling, which the JIT
                // optimizes fully (a method with a try keeps locals live across it out of registers); the pushes wrap
                // the call in the try that names a failing element.
                const string NoInline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]";
                w.Line("/// <summary>The fused loop over a span of input '" + Doc(input.Name) + "'; <paramref name=\"i\"/> says how far it got.</summary>");
                w.Line(NoInline);
                w.Open("private void __Loop" + name + "(global::System.ReadOnlySpan<" + type + "> elements, global::Compiled.Instant timestamp, ref int i)");
                var lanes = LanesOf(input);
                if (lanes.Count > 0)
                {
                    WriteLanesCall(w, lanes, name);
                }

                // The index runs in a local, which stays in a register: the body's stores to the heap could alias the
                // caller's counter behind the ref, which would be read back from memory on every element.
                w.Line("var k = i;");
                w.Open("for (; k < elements.Length; k++)");
                w.Line("i = k;");
                w.Line("__On" + name + "(elements[k], timestamp);");
                w.Close();
                w.Line("i = k;");
                w.Close();
                w.Line();
                if (lanes.Count > 0)
                {
                    WriteLanes(w, input, lanes, name);
                }

                w.Line("/// <summary>The fused loop over a bundle of input '" + Doc(input.Name) + "'; <paramref name=\"i\"/> says how far it got.</summary>");
                w.Line(NoInline);
                w.Open("private void __LoopBundle" + name + "(global::System.ReadOnlySpan<global::Compiled.TimestampedValue<" + type + ">> bundle, ref int i)");
                w.Open("for (; i < bundle.Length; i++)");
                w.Open("if (bundle[i].Timestamp < global::Compiled.Instant.MinValue || bundle[i].Timestamp > global::Compiled.Instant.MaxValue)");
                w.Line(CheckFailure(input, Literal("The timestamp of an element pushed into input '" + input.Name + "' is outside the range of event time (Instant.MinValue to Instant.MaxValue): ") + " + bundle[i].Timestamp.Millis.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \" ms\""));
                w.Close();
                w.Line("__On" + name + "(bundle[i].Value, bundle[i].Timestamp);");
                w.Close();
                w.Close();
                w.Line();
                w.Line("/// <summary>One element through the fused stage of input '" + Doc(input.Name) + "'.</summary>");
                w.Line(NoInline);
                w.Line("private void __OnOne" + name + "(" + type + " element, global::Compiled.Instant timestamp) => __On" + name + "(element, timestamp);");
                w.Line();
                w.Line("// Stage: the fused loop body of input '" + Doc(input.Name) + "'.");
                w.Line(Inline);
                w.Open("private void __On" + name + "(" + type + " element, global::Compiled.Instant timestamp)");
                w.Line("var window = global::Compiled.BoundedWindow.Global;");
                EmitConsumers(w, input.Id, 0, "element", "timestamp", "window");
                w.Close();
                w.Line();
                if (_plan.PlainStages.Contains(input.Id))
                {
                    w.Line("// Stage: the fused loop body of input '" + Doc(input.Name) + "' on a runner of one thread (the plain push): no exchange to check.");
                    w.Line(Inline);
                    w.Open("private void __OnPlain" + name + "(" + type + " element, global::Compiled.Instant timestamp)");
                    w.Line("var window = global::Compiled.BoundedWindow.Global;");
                    _plainStage = true;
                    EmitConsumers(w, input.Id, 0, "element", "timestamp", "window");
                    _plainStage = false;
                    w.Close();
                    w.Line();
                }

                WriteElementFailed(w, input);
                WriteInputProbe(w, input);
            }
        }
    }
}
