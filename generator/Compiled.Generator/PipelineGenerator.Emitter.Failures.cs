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
            // ----- calls, faults and held results -----
            //
            // Every public call of the runner enters a gate (one compare when all is well): a second caller while a
            // call runs is refused, a finished runner is refused, and after a failed call the next call first
            // delivers the results that sinks refused. A sink that throws never stops a call: the result it refused
            // and the later results of its output are held, in order, and the call goes on; a transform that throws
            // on a fired pane loses that pane only, and the call goes on; both are reported when the call ends. A
            // transform that throws on a pushed element stops the push there (the element's index is reported; the
            // elements before it were applied once), and the transform is found afterwards by a probe that replays
            // the element through the user functions of its stage, so the fused loop itself carries no bookkeeping.

            private string PipelineLiteral => Literal((_spec.Namespace.Length > 0 ? _spec.Namespace + "." : string.Empty) + _spec.ClassName);

            private static string HeldField(TransformSpec output) => "__held" + Names.ToPascal(output.Name!);

            private void WriteCallStateFields(SourceWriter w)
            {
                w.Line("// Calls: 0 idle, 1 running a call, 2 the last call failed (the next call first delivers held results), 3 finished.");
                if (ClockDriven)
                {
                    w.Line("// With a clock: 4 a pull push waits for its source and lends the gate to processing-time firings, 5 such a");
                    w.Line("// firing runs (on the clock's thread). The gate is taken with a compare-and-swap: one writer at a time.");
                }

                if (SharedGate)
                {
                    w.Line("// A partition of a parallel runner that checkpoints: 6 a checkpoint writes its part (on another thread than the");
                    w.Line("// partition's pusher, between its calls); its gate is then taken with a compare-and-swap.");
                }

                w.Line("// A runner takes one call at a time: a second caller is refused at the gate, not left to corrupt the state.");
                w.Line("private int __state;");
                if (PlainPushes)
                {
                    w.Line("private bool __plain = true; // a runner of one thread, not a partition or shard of a parallel runner: its single pushes may take the plain path");
                }

                w.Line("private bool __finishing; // Finish emitted everything but a sink refused results: only Finish may be called again");
                w.Line("private readonly global::Compiled.Execution.FailureLog __failures = new(); // failures met during the current call");
                w.Line("private bool __failed; // the current call met a failure (__failures holds it)");
                w.Line("private int __probe = -1; // the transform a probe found to throw");
                w.Line("private int __probeCombine = -1; // the combine function a probe reached (-2: several)");
                foreach (var o in _outputs)
                {
                    w.Line("private global::Compiled.Execution.HeldOutputs<" + o.InputType + ">? " + HeldField(o) + "; // results of output '" + Doc(o.Name) + "' its sink refused, in order");
                }
            }

            private void WriteCallGate(SourceWriter w)
            {
                if (ClockDriven)
                {
                    w.Line("/// <summary>");
                    w.Line("/// The gate of every public call: one compare when the runner is idle and has never had a clock's timer (no other");
                    w.Line("/// thread can take the gate), as in a runner without a clock; once a timer exists its firings take the gate too, and");
                    w.Line("/// every call takes it with a compare-and-swap.");
                    w.Line("/// </summary>");
                    w.Line(Inline);
                    w.Open("private void __Enter()");
                    w.Open(SharedGate ? "if (!__clockEver && !__gateShared && __state == 0)" : "if (!__clockEver && __state == 0)");
                    w.Line("__state = 1;");
                    w.Close();
                    w.Open("else if (global::System.Threading.Interlocked.CompareExchange(ref __state, 1, 0) != 0)");
                    w.Line("__EnterSlow(finish: false);");
                    w.Close();
                    w.Close();
                }
                else
                {
                    w.Line("/// <summary>The gate of every public call: one compare when the runner is idle" + (SharedGate ? " (a partition whose checkpoints take the gate from other threads takes it with a compare-and-swap, in the slow path)" : string.Empty) + ".</summary>");
                    w.Line(Inline);
                    w.Open("private void __Enter()");
                    WriteGateTake(w, finish: false);
                    w.Close();
                }

                w.Line();
                w.Line("/// <summary>A call while another runs (refused), after Finish (refused), or after a failed call (held results first).</summary>");
                w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                w.Open("private void __EnterSlow(bool finish)");
                if (ClockDriven || SharedGate)
                {
                    w.Line("var spin = new global::System.Threading.SpinWait();");
                    w.Open("while (true)");
                    w.Line("var state = global::System.Threading.Volatile.Read(ref __state);");
                    w.Open("if (state is 5 or 6)");
                    w.Line("spin.SpinOnce(); // a processing-time firing or a checkpoint holds the gate for a moment: wait for it");
                    w.Close();
                    w.Open("else if (state != 0)");
                    w.Line("break;");
                    w.Close();
                    w.Open("else if (global::System.Threading.Interlocked.CompareExchange(ref __state, 1, 0) == 0)");
                    w.Line("return;");
                    w.Close();
                    w.Close();
                }

                // A call under way (1), or a pull push lending the gate (4), which a firing or a checkpoint may hold meanwhile (5, 6).
                w.Open(ClockDriven || SharedGate ? "if (__state is 1 or 4 or 5 or 6)" : "if (__state == 1)");
                w.Line("throw global::Compiled.Execution.RunnerFailures.Concurrent(" + PipelineLiteral + ");");
                w.Close();
                w.Open("if (__state == 3)");
                w.Line("throw new global::System.InvalidOperationException(\"This runner has finished: its results were emitted when Finish was called. Create a new runner for more input.\");");
                w.Close();
                w.Open("if (__finishing && !finish)");
                w.Line("throw global::Compiled.Execution.RunnerFailures.FinishIncomplete(" + PipelineLiteral + ");");
                w.Close();
                w.Line("__state = 1;");
                w.Line("// Held results first, in order; should the sink refuse them again, the call still does its own work (its results");
                w.Line("// go behind the held ones) and throws as it ends: a call is never half done for a sink.");
                w.Line("__DeliverHeld();");
                w.Close();
                w.Line();
                w.Line("/// <summary>The end of a call: the failures it went on past are thrown now.</summary>");
                w.Line(Inline);
                w.Open("private void __Exit()");
                w.Open("if (__failed)");
                w.Line("__ThrowFailures();");
                w.Close();
                if (ClockDriven)
                {
                    w.Open("if (_timeProvider is not null)");
                    w.Line("__ArmClock();");
                    w.Close();
                    // Until a timer was ever created (no TimeProvider set) no other thread can raise __clockDue or take the gate:
                    // it is released with a plain store, as in a runner without a clock; the full fence (an exchange, a few
                    // nanoseconds per call) is paid only once a timer exists, and from then on (a disposed timer's callback may
                    // still be under way).
                    w.Open(SharedGate ? "if (!__clockEver && !__gateShared)" : "if (!__clockEver)");
                    w.Line("__state = 0;");
                    w.Close();
                    w.Open("else");
                    w.Line("global::System.Threading.Interlocked.Exchange(ref __state, 0);");
                    w.Open("if (global::System.Threading.Volatile.Read(ref __clockDue) != 0)");
                    w.Line("__OnClock(); // the clock fired during the call: its firing runs now");
                    w.Close();
                    if (SharedGate)
                    {
                        WriteCheckpointDueAfterRelease(w);
                    }

                    w.Close();
                }
                else if (SharedGate)
                {
                    w.Open("if (__gateShared)");
                    w.Line("__ReleaseShared();");
                    w.Close();
                    w.Open("else");
                    w.Line("__state = 0;");
                    w.Close();
                }
                else
                {
                    w.Line("__state = 0;");
                }

                w.Close();
                w.Line();
                w.Line("/// <summary>Records a failure the call goes on past; the call throws it when it ends.</summary>");
                w.Open("private void __Fail(global::Compiled.PipelineExecutionException failure)");
                w.Line("__failures.Add(failure);");
                w.Line("__failed = true;");
                w.Close();
                w.Line();
                w.Line("[global::System.Diagnostics.CodeAnalysis.DoesNotReturn]");
                w.Open("private void __ThrowFailures()");
                w.Line("__state = 2;");
                w.Line("__failed = false;");
                w.Line("throw __failures.Take(__HeldCount());");
                w.Close();
                w.Line();
                w.Line("/// <summary>An exception leaves a call: the next call starts by delivering held results (the filter never catches).</summary>");
                w.Open("private bool __Abandon()");
                w.Open("if (__state == 1)");
                w.Line("__state = 2;");
                w.Close();
                w.Line("return false;");
                w.Close();
                w.Line();
                w.Line("private long __HeldCount() => 0" + string.Concat(_outputs.Select(o => " + (" + HeldField(o) + "?.Count ?? 0)")) + ";");
                w.Line();
                w.Line("/// <summary>Delivers the results sinks refused in an earlier call, in order, each once; a sink that throws again keeps the rest.</summary>");
                w.Open("private void __DeliverHeld()");
                foreach (var o in _outputs)
                {
                    var held = HeldField(o);
                    w.Open("if (" + held + " is not null)");
                    w.Open("while (" + held + ".Count > 0)");
                    w.Open("try");
                    w.Line(SinkField(o) + ".Receive(in " + held + ".Peek());");
                    w.Close();
                    w.Open("catch (global::System.Exception ex)");
                    w.Line("__Fail(global::Compiled.Execution.RunnerFailures.Sink(" + PipelineLiteral + ", " + Literal(o.Name!) + ", ex));");
                    w.Line("break;");
                    w.Close();
                    w.Line(held + ".RemoveFirst();");
                    w.Line("__elementsOut_" + Names.ToPascal(o.Name!) + "++;");
                    w.Close();
                    w.Open("if (" + held + ".Count == 0)");
                    w.Line(held + " = null;");
                    w.Close();
                    w.Close();
                }

                w.Close();
                w.Line();
                foreach (var o in _outputs)
                {
                    w.Line("/// <summary>The sink of output '" + Doc(o.Name) + "' threw: the result is held with the later ones, and the call goes on.</summary>");
                    w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                    w.Open("private void __Hold" + Names.ToPascal(o.Name!) + "(in global::Compiled.WindowedValue<" + o.InputType + "> result, global::System.Exception error)");
                    w.Line("(" + HeldField(o) + " ??= new()).Add(in result);");
                    w.Line("__Fail(global::Compiled.Execution.RunnerFailures.Sink(" + PipelineLiteral + ", " + Literal(o.Name!) + ", error));");
                    w.Close();
                    w.Line();
                }

                w.Line("/// <summary>The plan label and declaration line of a transform, for failure messages.</summary>");
                w.Open("private static (string? Label, int Line) __Transform(int id) => id switch");
                foreach (var t in _t.Where(t => t.Kind != TransformKind.Identity))
                {
                    w.Line(N(t.Id) + " => (" + Literal(t.Label) + ", " + N(t.Line) + "),");
                }

                w.Line("_ => (null, 0),");
                w.Indent--;
                w.Line("};");
                w.Line();
                w.Line("/// <summary>A transform threw on a fired pane (or a replayed element): recorded, and the call goes on.</summary>");
                w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                w.Open("private void __DeliveryFailed(global::System.Exception error, int transform, string what)");
                w.Line("var (label, line) = __Transform(transform);");
                w.Line("__Fail(global::Compiled.Execution.RunnerFailures.Delivery(" + PipelineLiteral + ", " + Literal(_spec.FilePath) + ", label, line, what, error));");
                w.Close();
                w.Line();
            }

            /// <summary>The sink call of an output: delivered, or held (with every later result of the output) when the sink throws or results are already held.</summary>
            private void EmitSinkCall(SourceWriter w, TransformSpec output, string value, string timestamp, string window)
            {
                var name = Names.ToPascal(output.Name!);
                var held = HeldField(output);
                var result = "new global::Compiled.WindowedValue<" + output.InputType + ">(" + value + ", " + timestamp + ", " + window + ", " + _paneExpression + ")";
                w.Open("if (" + held + " is null)");
                w.Line("var r" + output.Id.ToString(CultureInfo.InvariantCulture) + " = " + result + ";");
                w.Open("if (global::Compiled.Execution.SinkCalls.TryReceive<" + SinkTypeParameter(output) + ", " + output.InputType + ">(ref " + SinkField(output) + ", in r" + output.Id.ToString(CultureInfo.InvariantCulture) + ") is { } sinkError" + output.Id.ToString(CultureInfo.InvariantCulture) + ")");
                w.Line("__Hold" + name + "(in r" + output.Id.ToString(CultureInfo.InvariantCulture) + ", sinkError" + output.Id.ToString(CultureInfo.InvariantCulture) + ");");
                w.Close();
                w.Open("else");
                w.Line("__elementsOut_" + name + "++;");
                w.Close();
                w.Close();
                w.Open("else");
                w.Line(held + ".Add(" + result + ");");
                w.Close();
            }

            /// <summary>A rule of the model checked in a fused stage, broken: thrown as a PipelineExecutionException naming the transform.</summary>
            /// <summary>The failure of a dictionary side input given a key twice (as an element, or by two shards' parts).</summary>
            private string DuplicateViewKey(TransformSpec t, string keyExpression) =>
                CheckFailure(t, Literal("Duplicate key '") + " + " + keyExpression + " + " + Literal("' in a dictionary side input (" + t.Label + "): each key must have one value."));

            private string CheckFailure(TransformSpec t, string messageExpression) =>
                "throw global::Compiled.Execution.RunnerFailures.Check(" + PipelineLiteral + ", " + Literal(t.Label) + ", " + N(t.Line) + ", " + messageExpression + ");";

            /// <summary>
            /// The failure of a push at one element: the elements before it count as applied (their bundle ends normally),
            /// the transform is found by a probe, and the exception to throw is returned.
            /// </summary>
            private void WriteElementFailed(SourceWriter w, TransformSpec input)
            {
                var name = Names.ToPascal(input.Name!);
                w.Line("/// <summary>A transform threw on element <paramref name=\"index\"/> pushed into input '" + Doc(input.Name) + "': the exception to throw.</summary>");
                w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                w.Open("private global::Compiled.PipelineExecutionException __Failed" + name + "(global::System.Exception error, " + input.OutputTypes[0] + " element, long index)");
                w.Line("__elementsIn_" + name + " += 1;");
                w.Line("var (label, line) = error is global::Compiled.PipelineExecutionException ? (null, 0) : __Transform(__ProbeInput" + name + "(element));");
                w.Line("var failure = global::Compiled.Execution.RunnerFailures.Element(" + PipelineLiteral + ", " + Literal(_spec.FilePath) + ", label, line, " + Literal(input.Name!) + ", index, error);");
                w.Line("// The elements before it were applied: their bundle ends as usual (panes it fires are delivered).");
                w.Line("_pane = global::Compiled.PaneInfo.NoFiring;");
                _currentInput = input;
                WriteEndBundle(w);
                w.Line("__state = 2;");
                w.Line("__failed = false;");
                w.Line("return __failures.TakeWith(failure, __HeldCount());");
                w.Close();
                w.Line();
            }

            // ----- probes: which transform throws on a value -----

            /// <summary>A probe of the stage of an input: replays one element through the user functions it meets (no state changes, no sink calls).</summary>
            private void WriteInputProbe(SourceWriter w, TransformSpec input)
            {
                var name = Names.ToPascal(input.Name!);
                w.Line("/// <summary>Finds the transform of input '" + Doc(input.Name) + "''s stage that throws on an element: its id, or -1.</summary>");
                w.Open("private int __ProbeInput" + name + "(" + input.OutputTypes[0] + " element)");
                w.Line("__probe = -1;");
                w.Line("__probeCombine = -1;");
                w.Open("try");
                w.Line("__ProbeInputBody" + name + "(element);");
                w.Close();
                w.Open("catch (global::System.Exception)");
                w.Line("// A probe reports what it found; a failure outside the user functions leaves the transform untold.");
                w.Close();
                w.Line("// No function threw again: a failure that depends on accumulated state was the one combine function reached, if one was.");
                w.Line("return __probe >= 0 ? __probe : __probeCombine;");
                w.Close();
                w.Line();
                w.Open("private void __ProbeInputBody" + name + "(" + input.OutputTypes[0] + " element)");
                w.Line("var timestamp = global::Compiled.Instant.MinValue;");
                ProbeConsumers(w, input.Id, 0, "element", "timestamp");
                w.Close();
                w.Line();
            }

            /// <summary>A probe of what follows port 0 of a grouping, or of a side-input reader and what follows it.</summary>
            private string ProbeFrom(TransformSpec t, bool includeSelf = false)
            {
                var method = (includeSelf ? "__ProbeReader" : "__ProbeFrom") + N(t.Id);
                if (!_written.Add(method))
                {
                    return method;
                }

                var type = includeSelf ? t.InputType : t.OutputTypes[0];
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>Finds the transform that throws on a value " + (includeSelf ? "replayed into" : "fired by") + " #" + N(t.Id) + " " + Doc(t.Label) + ": its id, or -1.</summary>");
                    w.Open("private int " + method + "(" + type + " value, global::Compiled.Instant timestamp)");
                    w.Line("__probe = -1;");
                    w.Line("__probeCombine = -1;");
                    w.Open("try");
                    w.Line(method + "Body(value, timestamp);");
                    w.Close();
                    w.Open("catch (global::System.Exception)");
                    w.Line("// A probe reports what it found; a failure outside the user functions leaves the transform untold.");
                    w.Close();
                    w.Line("return __probe >= 0 ? __probe : __probeCombine;");
                    w.Close();
                    w.Line();
                    w.Open("private void " + method + "Body(" + type + " value, global::Compiled.Instant timestamp)");
                    if (includeSelf)
                    {
                        ProbeTransform(w, t, 0, "value", "timestamp");
                    }
                    else
                    {
                        ProbeConsumers(w, t.Id, 0, "value", "timestamp");
                    }

                    w.Close();
                    w.Line();
                });
                return method;
            }

            private void ProbeConsumers(SourceWriter w, int node, int port, string value, string timestamp)
            {
                foreach (var edge in _plan.Edges.Where(e => e.From == node && e.FromPort == port))
                {
                    var target = _t[edge.To];
                    if (target.SideInput is not null)
                    {
                        // Buffered until its side input is complete: its function runs later, on replay.
                        continue;
                    }

                    w.Open();
                    ProbeTransform(w, target, edge.ToInput, value, timestamp);
                    w.Close();
                }
            }

            /// <summary>
            /// The window a probe gives a function that takes the element's context: probes replay values without their
            /// windows, so a failure that depends on the window may not show again (the transform is then untold).
            /// </summary>
            private const string ProbeWindow = "global::Compiled.BoundedWindow.Global";

            /// <summary>Calls the user function of <paramref name="t"/> on the value in a try: a throw names the transform and ends the probe.</summary>
            private void ProbeCall(SourceWriter w, TransformSpec t, string statement)
            {
                w.Open("try");
                w.Line(statement);
                w.Close();
                w.Open("catch (global::System.Exception)");
                w.Open("if (__probe < 0)");
                w.Line("__probe = " + N(t.Id) + ";");
                w.Close();
                w.Line("return;");
                w.Close();
            }

            private void ProbeTransform(SourceWriter w, TransformSpec t, int inputIndex, string value, string timestamp)
            {
                var id = N(t.Id);
                var v = "pv" + id;
                var sideArgs = ProbeSideArguments(t, timestamp);
                if (t.WithFailures)
                {
                    ProbeWithFailures(w, t, value, timestamp);
                    return;
                }

                switch (t.Kind)
                {
                    case TransformKind.Map:
                        w.Line(t.OutputTypes[0] + " " + v + ";");
                        ProbeCall(w, t, v + " = " + Call(t, new[] { value }.Concat(sideArgs).Concat(ContextArgument(t, timestamp, ProbeWindow, RunnerPane)).ToArray()) + ";");
                        ProbeConsumers(w, t.Id, 0, v, timestamp);
                        break;
                    case TransformKind.Filter:
                        w.Line("bool " + v + ";");
                        ProbeCall(w, t, v + " = " + Call(t, new[] { value }.Concat(sideArgs).ToArray()) + ";");
                        w.Open("if (" + v + ")");
                        ProbeConsumers(w, t.Id, 0, value, timestamp);
                        w.Close();
                        break;
                    case TransformKind.WithKeys:
                        w.Line(t.OutputTypes[0] + " " + v + ";");
                        ProbeCall(w, t, v + " = new " + t.OutputTypes[0] + "(" + Call(t, value) + ", " + value + ");");
                        ProbeConsumers(w, t.Id, 0, v, timestamp);
                        break;
                    case TransformKind.Keys:
                        ProbeConsumers(w, t.Id, 0, value + ".Key", timestamp);
                        break;
                    case TransformKind.Values:
                        ProbeConsumers(w, t.Id, 0, value + ".Value", timestamp);
                        break;
                    case TransformKind.KvSwap:
                        ProbeConsumers(w, t.Id, 0, "new " + t.OutputTypes[0] + "(" + value + ".Value, " + value + ".Key)", timestamp);
                        break;
                    case TransformKind.Identity:
                    case TransformKind.Window when t.Windowing?.Kind != "Custom":
                        ProbeConsumers(w, t.Id, 0, value, timestamp);
                        break;
                    case TransformKind.Window:
                        ProbeCall(w, t, "default(" + t.Windowing!.CustomType + ").AssignWindows(" + timestamp + ", new global::Compiled.BoundedWindow[global::System.Math.Max(1, default(" + t.Windowing.CustomType + ").MaxWindowsPerElement)]);");
                        ProbeConsumers(w, t.Id, 0, value, timestamp);
                        break;
                    case TransformKind.WithTimestamps:
                        w.Line("global::Compiled.Instant " + v + ";");
                        ProbeCall(w, t, v + " = " + Call(t, value) + ";");
                        ProbeConsumers(w, t.Id, 0, value, v);
                        break;
                    case TransformKind.Partition:
                        w.Line("int " + v + ";");
                        ProbeCall(w, t, v + " = " + Call(t, value, N(t.PartitionCount)) + ";");
                        w.Open("switch (" + v + ")");
                        for (var port = 0; port < t.PartitionCount; port++)
                        {
                            w.Line("case " + N(port) + ":");
                            w.Open();
                            ProbeConsumers(w, t.Id, port, value, timestamp);
                            w.Line("break;");
                            w.Close();
                        }

                        w.Close();
                        break;
                    case TransformKind.FlatMap:
                    case TransformKind.ParDo:
                        {
                            var args = new List<string> { value };
                            args.AddRange(sideArgs);
                            args.AddRange(ContextArgument(t, timestamp, ProbeWindow, RunnerPane));
                            for (var port = 0; port < t.OutputTypes.Count; port++)
                            {
                                args.Add("new __ProbeEmit" + id + "_" + N(port) + "(this, " + timestamp + ")");
                                WriteProbeEmitter(t, port);
                            }

                            ProbeCall(w, t, Call(t, args.ToArray()) + ";");
                            break;
                        }

                    case TransformKind.Flatten:
                        w.Line("__ProbeFlatten" + id + "(" + value + ", " + timestamp + ");");
                        WriteProbeFlatten(t);
                        break;
                    case TransformKind.CombineValues:
                        {
                            w.Line(t.OutputTypes[0] + " " + v + ";");
                            var context = t.Combine!.SideType is { } sideType ? "new global::Compiled.CombineContext<" + sideType + ">(" + sideArgs[0] + ")" : null;
                            var withContext = context is null ? string.Empty : ", in pc";
                            ProbeCall(w, t, "{ var pf = _fn" + id + "; " + (context is null ? string.Empty : "var pc = " + context + "; ") +
                                            "var pa = pf.CreateAccumulator(" + (context is null ? string.Empty : "in pc") + "); foreach (var pi in " + value + ".Value) { pf.AddInput(ref pa, pi" + withContext + "); } " +
                                            v + " = new " + t.OutputTypes[0] + "(" + value + ".Key, pf.ExtractOutput(pa" + withContext + ")); }");
                            ProbeConsumers(w, t.Id, 0, v, timestamp);
                            break;
                        }
                    case TransformKind.CombinePerKey:
                    case TransformKind.CombineGlobally:
                        {
                            // The combine function on a scratch accumulator: the runner's own state is not touched. Where the
                            // state is a plain field or map (no windows), the scratch first takes in the current accumulator
                            // of the element's key, so a failure that depends on it (an overflow) shows again.
                            var fn = UsesPanes(t) ? t.Combine!.CreateExpression : "_fn" + id;
                            var input = t.Kind == TransformKind.CombinePerKey ? value + ".Value" : value;
                            var current = t.OutputWindowing is not null || UsesPanes(t) ? string.Empty
                                : t.Kind == TransformKind.CombineGlobally ? " pf.MergeAccumulators(ref pa, _acc" + id + ");"
                                : " if (" + MapRef(t) + ".TryGetValue(" + KeyArg(t, value + ".Key") + ", out var pc)) { pf.MergeAccumulators(ref pa, pc); }";
                            w.Line("__probeCombine = __probeCombine == -1 ? " + id + " : -2; // a combine function this element reached");
                            ProbeCall(w, t, "{ var pf = " + fn + "; var pa = pf.CreateAccumulator();" + current + " pf.AddInput(ref pa, " + input + "); }");
                            break;
                        }

                    case TransformKind.StatefulParDo:
                        // Its function needs the key's state, which a probe does not touch, so the probe stops here. When no
                        // function of the stage throws again, the stateful ParDo is named, unless user functions follow it in
                        // the stage (its outputs reach them): then which one threw is left untold rather than guessed.
                        w.Line(UserFunctionsDownstream(t.Id)
                            ? "__probeCombine = -2; // a stateful function this element reached, with user functions after it"
                            : "__probeCombine = __probeCombine == -1 ? " + id + " : -2; // a stateful function this element reached");
                        break;
                    default:
                        // Outputs, groupings, counts and views run no user function on the element.
                        break;
                }
            }

            /// <summary>Whether a user function runs downstream of <paramref name="node"/> in the same stage (through element-wise transforms).</summary>
            private bool UserFunctionsDownstream(int node)
            {
                foreach (var edge in _plan.Edges.Where(e => e.From == node))
                {
                    var target = _t[edge.To];
                    if (target.Function is not null || target.Combine is not null || (!Planner.IsStateful(target) && UserFunctionsDownstream(target.Id)))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>A transform with a failure output does not throw: a probe follows the port the element would take.</summary>
            private void ProbeWithFailures(SourceWriter w, TransformSpec t, string value, string timestamp)
            {
                var id = N(t.Id);
                var v = "pv" + id;
                w.Line("global::System.Exception? px" + id + " = null;");
                switch (t.Kind)
                {
                    case TransformKind.Map:
                        w.Line(t.OutputTypes[0] + " " + v + " = default!;");
                        w.Line("try { " + v + " = " + Call(t, value) + "; } catch (global::System.Exception ex) { px" + id + " = ex; }");
                        w.Open("if (px" + id + " is null)");
                        ProbeConsumers(w, t.Id, 0, v, timestamp);
                        w.Close();
                        break;
                    case TransformKind.Filter:
                        w.Line("var " + v + " = false;");
                        w.Line("try { " + v + " = " + Call(t, value) + "; } catch (global::System.Exception ex) { px" + id + " = ex; }");
                        w.Open("if (px" + id + " is null && " + v + ")");
                        ProbeConsumers(w, t.Id, 0, value, timestamp);
                        w.Close();
                        break;
                    default:
                        WriteProbeEmitter(t, 0);
                        w.Line("try { " + Call(t, value, "new __ProbeEmit" + id + "_0(this, " + timestamp + ")") + "; } catch (global::System.Exception ex) { px" + id + " = ex; }");
                        w.Open("if (__probe >= 0)");
                        w.Line("return;");
                        w.Close();
                        break;
                }

                w.Open("if (px" + id + " is not null)");
                ProbeConsumers(w, t.Id, 1, "new " + t.OutputTypes[1] + "(" + value + ", px" + id + ", " + Literal(t.Label) + ")", timestamp);
                w.Close();
            }

            private void WriteProbeEmitter(TransformSpec t, int port)
            {
                var name = "__ProbeEmit" + N(t.Id) + "_" + N(port);
                if (!_written.Add(name))
                {
                    return;
                }

                var type = t.OutputTypes[port];
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>Output " + N(port) + " of #" + N(t.Id) + " " + Doc(t.Label) + " in a probe: Emit goes on probing the rest of the stage.</summary>");
                    w.Open("private readonly struct " + name + " : global::Compiled.IEmitter<" + type + ">");
                    w.Line("private readonly " + _runnerType + " _runner;");
                    w.Line("private readonly global::Compiled.Instant _timestamp;");
                    w.Line();
                    w.Open("public " + name + "(" + _runnerType + " runner, global::Compiled.Instant timestamp)");
                    w.Line("_runner = runner;");
                    w.Line("_timestamp = timestamp;");
                    w.Close();
                    w.Line();
                    w.Line("public void Emit(" + type + " value) => _runner.__ProbeContinue" + N(t.Id) + "_" + N(port) + "(value, _timestamp);");
                    w.Line();
                    w.Line("public void EmitWithTimestamp(" + type + " value, global::Compiled.Instant timestamp) => _runner.__ProbeContinue" + N(t.Id) + "_" + N(port) + "(value, timestamp);");
                    w.Close();
                    w.Line();
                    w.Open("private void __ProbeContinue" + N(t.Id) + "_" + N(port) + "(" + type + " value, global::Compiled.Instant timestamp)");
                    w.Open("if (__probe >= 0)");
                    w.Line("return;");
                    w.Close();
                    ProbeConsumers(w, t.Id, port, "value", "timestamp");
                    w.Close();
                    w.Line();
                });
            }

            private void WriteProbeFlatten(TransformSpec t)
            {
                var name = "__ProbeFlatten" + N(t.Id);
                if (!_written.Add(name))
                {
                    return;
                }

                _runnerExtras.Add(w =>
                {
                    w.Open("private void " + name + "(" + t.OutputTypes[0] + " value, global::Compiled.Instant timestamp)");
                    ProbeConsumers(w, t.Id, 0, "value", "timestamp");
                    w.Close();
                    w.Line();
                });
            }
        }
    }
}
