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
            private void WriteFinish(SourceWriter w)
            {
                w.Line("/// <summary>");
                w.Line("/// Ends the input: the watermark passes the end of the global window, so every grouping and combine emits");
                w.Line("/// its result (one on-time pane, timestamped at the end of the window) through the rest of its stage.");
                w.Line("/// </summary>");
                w.Line("/// <remarks>");
                w.Line("/// The runner counts as finished (<see cref=\"IsFinished\"/>) only when Finish has completed. If a sink throws, Finish");
                w.Line("/// still emits everything, holds the results that sink refused and throws; call Finish again to deliver them.");
                w.Line("/// </remarks>");
                w.Open("public void Finish()");
                if (ClockDriven)
                {
                    w.Open("if (global::System.Threading.Interlocked.CompareExchange(ref __state, 1, 0) != 0)");
                    w.Line("__EnterSlow(finish: true);");
                    w.Close();
                }
                else
                {
                    WriteGateTake(w, finish: true);
                }

                if (SharedGate)
                {
                    w.Open("if (__gateShared)");
                    w.Line("__TakeCheckpointDue(finished: false); // a partition's last point before its end: its part of a checkpoint waiting for it");
                    w.Close();
                }

                w.Open("try");
                w.Open("if (!__finishing)");
                w.Line("__finishing = true;");
                w.Line("__FinishBody();");
                w.Close();
                w.Close();
                w.Open("catch (global::System.Exception) when (__Abandon())");
                w.Line("throw; // never reached: the filter only marks the call failed");
                w.Close();
                w.Open("if (__failed)");
                w.Line("__ThrowFailures(); // Finish stays incomplete: only Finish may be called again");
                w.Close();
                w.Line("__finishing = false;");
                if (ClockDriven)
                {
                    w.Line("__clock?.Dispose(); // nothing is left to fire");
                    w.Line("__clock = null;");
                    w.Line("global::System.Threading.Volatile.Write(ref __state, 3);");
                }
                else
                {
                    w.Line("__state = 3;");
                }

                if (SharedGate)
                {
                    w.Line("global::System.Threading.Interlocked.MemoryBarrier(); // the end is seen before the request is read");
                    WriteCheckpointDueAfterRelease(w);
                }

                w.Close();
                w.Line();
                w.Line("/// <summary>Finish's work, done once: every state emitted through the rest of its stage.</summary>");
                w.Open("private void __FinishBody()");
                w.Line("_watermark = global::Compiled.Instant.MaxValue;");
                w.Line("_pane = global::Compiled.PaneInfo.OnTimeAndOnly;");
                w.Line("var window = global::Compiled.BoundedWindow.Global;");
                w.Line("var timestamp = window.MaxTimestamp;");
                foreach (var id in _plan.FlushOrder)
                {
                    var t = _t[id];
                    w.Line();
                    w.Line("// Stage: emit #" + N(id) + " " + t.Label);
                    WriteExchangeCall(w, t);
                    if (EmitsHereGuard(t) is { } guard)
                    {
                        w.Open("if (" + guard + ")");
                        WriteFlush(w, t);
                        w.Close();
                    }
                    else
                    {
                        WriteFlush(w, t);
                    }
                }

                WriteCompleteSends(w);
                w.Close();
                w.Line();
            }

            private void WriteFlush(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                if (IsStatefulParDo(t))
                {
                    // The watermark passes the end of time: every event-time timer fires, in order, and every window expires.
                    w.Line("__FireTimers" + id + "(global::Compiled.Instant.MaxValue);");
                    return;
                }

                if (SideWindowsOf(t) is not null)
                {
                    // The end of input: every side window is complete; what waited for one runs now.
                    WriteWindowedSideInputAdvance(w, t, "global::Compiled.Instant.MaxValue");
                    w.Line("_pane = global::Compiled.PaneInfo.OnTimeAndOnly;");
                    return;
                }

                if (t.SideInput is { } side)
                {
                    // Replay the buffered input now that the view is complete.
                    // Replay the buffered input now that the view is complete; each element keeps the
                    // timestamp and pane it arrived with.
                    var view = _t[side.Node];
                    if (view.Kind == TransformKind.AsSingleton)
                    {
                        // The view is not a singleton (its failure is recorded): what waited for it cannot run.
                        w.Open("if (_viewCount" + N(side.Node) + " != 1)");
                        w.Open("if (_pending" + id + ".Count > 0)");
                        w.Line("__Fail(global::Compiled.Execution.RunnerFailures.Check(" + PipelineLiteral + ", " + Literal(t.Label) + ", " + N(t.Line) + ", " +
                               "_pending" + id + ".Count.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + " + Literal(" element(s) of " + t.Label + " were not processed: its side input is not a single element.") + "));");
                        w.Close();
                        w.Line("_pending" + id + ".Clear();");
                        w.Close();
                    }

                    w.Open("foreach (var (p" + id + ", pts" + id + ", pw" + id + ", pane" + id + ") in _pending" + id + ")");
                    w.Line("_pane = pane" + id + ";");
                    w.Open("try");
                    EmitTransform(w, t, "p" + id, "pts" + id, "pw" + id, 0);
                    w.Close();
                    w.Open("catch (global::System.Exception ex)");
                    w.Line("__DeliveryFailed(ex, ex is global::Compiled.PipelineExecutionException ? -1 : " + ProbeFrom(t, includeSelf: true) + "(p" + id + ", pts" + id + "), " +
                           Literal("an element replayed into " + t.Label + " after its side input completed") + ");");
                    w.Close();
                    w.Close();
                    w.Line("_pending" + id + ".Clear();");
                    w.Line("_pendingMin" + id + " = global::Compiled.Instant.MaxValue;");

                    w.Line("_pane = global::Compiled.PaneInfo.OnTimeAndOnly;");
                    return;
                }

                if (UsesPanes(t))
                {
                    WritePanedAdvance(w, t, "AdvanceWatermark", "global::Compiled.Instant.MaxValue");
                    w.Line("_pane = global::Compiled.PaneInfo.OnTimeAndOnly;");
                    return;
                }

                if (t.OutputWindowing is not null)
                {
                    WriteFire(w, t, "global::Compiled.Instant.MaxValue");
                    return;
                }

                if (t.WithoutDefaults && t.Kind is TransformKind.CombineGlobally or TransformKind.Count)
                {
                    // Without defaults (Beam's withoutDefaults): nothing for an empty input.
                    w.Open("if (" + (t.Kind == TransformKind.Count ? "_count" + id + " > 0" : "_any" + id) + ")");
                    WriteEmitState(w, t, t.Kind == TransformKind.CombineGlobally ? "_acc" + id : "_count" + id, "timestamp", "window");
                    w.Close();
                }
                else
                {
                    WriteEmitState(w, t, t.Kind == TransformKind.CombineGlobally ? "_acc" + id : t.Kind == TransformKind.Count ? "_count" + id : "_state" + id, "timestamp", "window");
                }

                if (t.Kind is TransformKind.CombinePerKey or TransformKind.CountPerKey or TransformKind.CountPerElement or TransformKind.Distinct or TransformKind.GroupByKey or TransformKind.CoGroupByKey)
                {
                    w.Line("_state" + id + ".Clear();");
                }

                switch (t.Kind)
                {
                    case TransformKind.AsSingleton:
                        if (t.ViewDefault is { } defaultValue)
                        {
                            w.Open("if (_viewCount" + id + " == 0)");
                            w.Line("// Beam's withDefaultValue: an empty collection reads as the default.");
                            w.Line("_view" + id + " = " + defaultValue + ";");
                            w.Line("_viewCount" + id + " = 1;");
                            w.Close();
                        }

                        w.Open("if (_viewCount" + id + " != 1)");
                        w.Line("__Fail(global::Compiled.Execution.RunnerFailures.Check(" + PipelineLiteral + ", " + Literal(t.Label) + ", " + N(t.Line) + ", _viewCount" + id + " == 0 ? " +
                               Literal("Empty collection accessed as a singleton side input (" + t.Label + ").") + " : " +
                               Literal("Collection with more than one element accessed as a singleton side input (" + t.Label + ").") + "));");
                        w.Close();
                        break;
                    case TransformKind.AsList:
                    case TransformKind.AsDictionary:
                        w.Line("// The view is complete: the stages reading it replay their buffered input next.");
                        break;
                }
            }
        }
    }
}
