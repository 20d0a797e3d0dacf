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
            // ----- keyed window panes (triggers, lateness, accumulation, timestamp combiners, sessions) -----

            /// <summary>
            /// The plan keeps this transform's state in keyed window panes (KeyedPanes), in window buckets (WindowBucketPanes),
            /// or in open sessions (SessionPanes), which have the same surface: the runner drives them alike.
            /// </summary>
            private bool UsesPanes(TransformSpec t) => _plan.LayoutOf(t.Id).IsPanes();

            /// <summary>
            /// The transform's state says whether an advance of the watermark or processing time fires nothing, and then
            /// takes it (TryAdvanceWatermarkQuietly, TryAdvanceProcessingTimeQuietly): window buckets, open sessions, and keyed
            /// window panes with end-of-window timestamps (other timestamp combiners hold the watermark of what is below them).
            /// </summary>
            private bool SaysWhenQuiet(TransformSpec t) => _plan.LayoutOf(t.Id) switch
            {
                StateLayout.WindowBuckets or StateLayout.OpenSessions => true,
                StateLayout.KeyedWindowPanes => t.OutputWindowing!.TimestampCombiner == "EndOfWindow",
                _ => false,
            };

            /// <summary>The plan keeps this transform's sessions open per key (SessionPanes: the default strategy, no triggers).</summary>
            private bool UsesOpenSessions(TransformSpec t) => _plan.LayoutOf(t.Id) == StateLayout.OpenSessions;

            /// <summary>The plan keeps this windowed transform's state inline, a map per window (or per pane of shared sliding windows).</summary>
            private bool IsInlineWindowed(TransformSpec t) => _plan.LayoutOf(t.Id) is StateLayout.InlineWindowedMaps or StateLayout.SharedSlidingPanes;

            private bool AnyPanes => _t.Any(UsesPanes);

            private bool AnyProcessingTime => _t.Any(t => UsesPanes(t) && t.OutputWindowing!.UsesProcessingTime) || _inputs.Any(i => i.IdlenessMs > 0) || AnyProcessingTimers;

            /// <summary>
            /// Whether processing time moves by itself once a TimeProvider is set: the runner arms the provider's timer for
            /// the next processing-time deadline (of a trigger, or of an input going idle) and fires it through its gate.
            /// </summary>
            private bool ClockDriven => AnyProcessingTime;

            /// <summary>Whether the runner has a settable clock (keyed window panes, or inputs that go idle).</summary>
            private bool HasClock => AnyPanes || _inputs.Any(i => i.IdlenessMs > 0) || AnyProcessingTimers;

            private static string PanesKeyType(TransformSpec t) => t.Kind switch
            {
                TransformKind.CombineGlobally or TransformKind.Count => "global::Compiled.Execution.GlobalKey",
                _ => StoredKey(StateKeyType(t)),
            };

            /// <summary>The engine's type arguments after the key: input, accumulator, output, combine function; and the function's creation.</summary>
            private static (string Input, string Accumulator, string Output, string Fn, string Create) PanesTypes(TransformSpec t)
            {
                switch (t.Kind)
                {
                    case TransformKind.CombinePerKey:
                    case TransformKind.CombineGlobally:
                        {
                            var c = t.Combine!;
                            return (c.InputType, c.AccumulatorType, c.OutputType, c.FnType, c.CreateExpression);
                        }

                    case TransformKind.CountPerKey:
                        return (t.ValueTypes[0], "long", "long", "global::Compiled.CountFn<" + t.ValueTypes[0] + ">", "default");
                    case TransformKind.CountPerElement:
                    case TransformKind.Count:
                        return (t.InputType, "long", "long", "global::Compiled.CountFn<" + t.InputType + ">", "default");
                    case TransformKind.Distinct:
                        return (t.InputType, "bool", "bool", "global::Compiled.Execution.DistinctFn<" + t.InputType + ">", "default");
                    case TransformKind.CoGroupByKey:
                        return ("__CoGroupInput" + N(t.Id), CoGroupStateType(t), CoGroupStateType(t), "__CoGroupFn" + N(t.Id), "default");
                    case TransformKind.GroupByKey:
                        {
                            var v = t.ValueTypes[0];
                            var fn = t.OutputWindowing!.Accumulating ? "global::Compiled.ToListFn<" + v + ">" : "global::Compiled.Execution.GroupFn<" + v + ">";
                            return (v, "global::System.Collections.Generic.List<" + v + ">", "global::System.Collections.Generic.IReadOnlyList<" + v + ">", fn, "default");
                        }

                    default:
                        throw new System.InvalidOperationException("no keyed panes for " + t.Kind);
                }
            }

            private string PanesType(TransformSpec t)
            {
                var (input, accumulator, output, fn, _) = PanesTypes(t);
                var engine = _plan.LayoutOf(t.Id) switch
                {
                    StateLayout.OpenSessions => "SessionPanes",
                    StateLayout.WindowBuckets => "WindowBucketPanes",
                    _ => "KeyedPanes",
                };
                return "global::Compiled.Execution." + engine + "<" + PanesKeyType(t) + ", " + input + ", " + accumulator + ", " + output + ", " + fn + ">";
            }

            private void WritePanesField(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                if (t.Kind == TransformKind.CoGroupByKey)
                {
                    WriteCoGroupStateType(t);
                    WriteCoGroupPanesTypes(t);
                }

                var windowing = t.OutputWindowing!;
                var (_, _, _, _, create) = PanesTypes(t);
                if (UsesOpenSessions(t))
                {
                    StateComment(w, t,
                        "per key, its open sessions (" + windowing.Describe() + "): interval and accumulator, in pooled slots",
                        "an element extends its key's session in place, or merges the sessions it overlaps",
                        "sessions of a key merge when they overlap: accumulators merge",
                        "a session fires once (its on-time pane) and is freed when the watermark passes its end: the default strategy keeps no trigger state, timers or holds");
                    w.Line("private readonly " + PanesType(t) + " _panes" + id + " = new(" + create + ");");
                    return;
                }

                if (_plan.LayoutOf(t.Id) == StateLayout.WindowBuckets)
                {
                    StateComment(w, t,
                        "per window (" + windowing.Describe() + ") a bucket, a map from key to the key's slot: the accumulator, pane bookkeeping and the trigger's cells (the trigger compiled), in pooled slots",
                        "updated in place for every element; panes fire per the trigger, the watermark and processing time",
                        "accumulators of the same key and window merge with MergeAccumulators",
                        "one timer per window: its keys fire in the order they came, and its slots are freed together when the watermark passes its end plus the allowed lateness, and reused");
                }
                else
                {
                    StateComment(w, t,
                        "per key and window (" + windowing.Describe() + "): the accumulator, pane bookkeeping, output-timestamp hold and trigger state, in pooled slots",
                        "updated in place for every element; panes fire per the trigger, the watermark and processing time",
                        windowing.IsMerging ? "sessions of a key merge when they overlap: accumulators merge, holds and trigger states combine" : "accumulators of the same key and window merge with MergeAccumulators",
                        "a window's slot is freed when the watermark passes its end plus the allowed lateness, and reused");
                }

                var options = "new global::Compiled.Execution.PaneOptions(" +
                    windowing.LatenessMs.ToString(CultureInfo.InvariantCulture) + "L, " +
                    (windowing.Accumulating ? "true" : "false") + ", " +
                    "global::Compiled.TimestampCombiner." + windowing.TimestampCombiner + ", " +
                    "global::Compiled.ClosingBehavior." + windowing.Closing + ", " +
                    "global::Compiled.OnTimeBehavior." + windowing.OnTime + ", " +
                    (windowing.IsMerging ? "true" : "false") +
                    (windowing.Kind == "Sliding" && windowing.TimestampCombiner != "EndOfWindow" ? ", SlidingPeriodMillis: " + windowing.PeriodMs.ToString(CultureInfo.InvariantCulture) + "L" : string.Empty) + ")";
                var trigger = "new global::Compiled.Triggers.TriggerStateMachine(" + (windowing.TriggerCode ?? "global::Compiled.Triggers.TriggerSpec.Default()") + ")";
                w.Line("private readonly " + PanesType(t) + " _panes" + id + " = new(");
                w.Line("    " + create + ",");
                w.Line("    " + trigger + ",");
                if (windowing.CustomMerging && windowing.IsMerging)
                {
                    w.Line("    " + options + ",");
                    w.Line("    mergingFn: default(" + windowing.CustomType + "));");
                }
                else
                {
                    w.Line("    " + options + ");");
                }
            }

            /// <summary>For a join on keyed window panes: the tagged input (one field per input) and the combine function that collects it.</summary>
            private void WriteCoGroupPanesTypes(TransformSpec t)
            {
                var id = N(t.Id);
                var state = CoGroupStateType(t);
                var accumulating = t.OutputWindowing!.Accumulating;
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>A value of one input of #" + id + " " + t.Label + ", tagged with the input.</summary>");
                    w.Open("private struct __CoGroupInput" + id);
                    w.Line("public int Tag;");
                    for (var i = 0; i < t.ValueTypes.Count; i++)
                    {
                        w.Line("public " + t.ValueTypes[i] + " Value" + N(i) + ";");
                    }

                    w.Close();
                    w.Line();
                    w.Line("/// <summary>The join of #" + id + " as a combine function: one list per input" + (accumulating ? "; panes are copies (accumulating)" : string.Empty) + ".</summary>");
                    w.Open("private readonly struct __CoGroupFn" + id + " : global::Compiled.ICombineFn<__CoGroupInput" + id + ", " + state + ", " + state + ">");
                    w.Line("public " + state + " CreateAccumulator() => new();");
                    w.Line();
                    w.Open("public void AddInput(ref " + state + " accumulator, __CoGroupInput" + id + " input)");
                    w.Open("switch (input.Tag)");
                    for (var i = 0; i < t.ValueTypes.Count; i++)
                    {
                        w.Line("case " + N(i) + ": accumulator.Values" + N(i) + ".Add(input.Value" + N(i) + "); break;");
                    }

                    w.Close();
                    w.Close();
                    w.Line();
                    w.Open("public void MergeAccumulators(ref " + state + " accumulator, " + state + " other)");
                    for (var i = 0; i < t.ValueTypes.Count; i++)
                    {
                        w.Line("accumulator.Values" + N(i) + ".AddRange(other.Values" + N(i) + ");");
                    }

                    w.Close();
                    w.Line();
                    if (accumulating)
                    {
                        w.Open("public " + state + " ExtractOutput(" + state + " accumulator)");
                        w.Line("var copy = new " + state + "();");
                        w.Line("MergeAccumulators(ref copy, accumulator);");
                        w.Line("return copy;");
                        w.Close();
                    }
                    else
                    {
                        w.Line("public " + state + " ExtractOutput(" + state + " accumulator) => accumulator;");
                    }

                    w.Close();
                    w.Line();
                });
            }

            /// <summary>Adds the element to its key and window; triggers are evaluated at the end of the bundle.</summary>
            private void EmitPanedUpdate(SourceWriter w, TransformSpec t, string value, string timestamp, string window, int inputIndex = 0)
            {
                var id = N(t.Id);
                w.Line("// #" + id + " " + t.Label + ": into its key and window (late or closed-window data is dropped and counted)");
                string TextKey(string key) => StoredKeyOf(StateKeyType(t), key);
                var call = t.Kind switch
                {
                    TransformKind.CombinePerKey or TransformKind.CountPerKey or TransformKind.GroupByKey => "_panes" + id + ".Add(" + TextKey(value + ".Key") + ", " + value + ".Value, " + timestamp + ", " + window + ");",
                    TransformKind.CountPerElement or TransformKind.Distinct => "_panes" + id + ".Add(" + TextKey(value) + ", " + value + ", " + timestamp + ", " + window + ");",
                    TransformKind.CoGroupByKey => "_panes" + id + ".Add(" + TextKey(value + ".Key") + ", new __CoGroupInput" + id + " { Tag = " + N(inputIndex) + ", Value" + N(inputIndex) + " = " + value + ".Value }, " + timestamp + ", " + window + ");",
                    _ => "_panes" + id + ".Add(default, " + value + ", " + timestamp + ", " + window + ");",
                };
                if (HasLateOutput(t))
                {
                    w.Open("if (!" + call.TrimEnd(';') + ")");
                    w.Line("// Dropped as late: on to the late-data output, with its timestamp and window.");
                    EmitConsumers(w, t.Id, 1, value, timestamp, window);
                    w.Close();
                }
                else
                {
                    w.Line(call);
                }
            }

            /// <summary>A late element of a pane-shared sliding grouping, to the late-data output in the window starting at ls.</summary>
            private void EmitLateWindow(SourceWriter w, TransformSpec t, string size, string value, string timestamp)
            {
                var id = N(t.Id);
                w.Line("var lw" + id + " = global::Compiled.BoundedWindow.Interval(new global::Compiled.Instant(ls" + id + "), new global::Compiled.Instant(ls" + id + " + " + size + "));");
                EmitConsumers(w, t.Id, 1, value, timestamp, "lw" + id);
            }

            /// <summary>Whether a grouping declared a late-data output (its port 1).</summary>
            private bool HasLateOutput(TransformSpec t) => _plan.Edges.Any(e => e.From == t.Id && e.FromPort == 1);

            /// <summary>The method that delivers one fired pane of <paramref name="t"/>: its own method, so the try/catch that keeps a failure to this pane stays off the loop over fired panes.</summary>
            private void WritePaneMethod(TransformSpec t)
            {
                var id = N(t.Id);
                if (!_written.Add("__Pane" + id))
                {
                    return;
                }

                var (_, _, output, _, _) = PanesTypes(t);
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>One fired pane of #" + id + " " + Doc(t.Label) + " through the rest of its stage; a failure loses this pane only.</summary>");
                    w.Open("private void __Pane" + id + "(in global::Compiled.Execution.FiredPane<" + PanesKeyType(t) + ", " + output + "> fp" + id + ")");
                    w.Line("_pane = fp" + id + ".Pane;");
                    var key = ElementKey(StateKeyType(t), "fp" + id + ".Key");
                    string value;
                    switch (t.Kind)
                    {
                        case TransformKind.CombineGlobally or TransformKind.Count:
                            value = "fp" + id + ".Value";
                            break;
                        case TransformKind.Distinct:
                            value = key;
                            break;
                        case TransformKind.CoGroupByKey:
                            {
                                var result = t.OutputTypes[0];
                                // From the value types, not by cutting the type's text at a comma: a key may be a tuple or a generic type.
                                var resultValue = "global::Compiled.CoGbkResult<" + string.Join(", ", t.ValueTypes) + ">";
                                var lists = string.Join(", ", Enumerable.Range(0, t.ValueTypes.Count).Select(i => "fp" + id + ".Value.Values" + N(i)));
                                value = "new " + result + "(" + key + ", new " + resultValue + "(" + lists + "))";
                                break;
                            }

                        default:
                            value = "new " + t.OutputTypes[0] + "(" + key + ", fp" + id + ".Value)";
                            break;
                    }

                    w.Line("var v" + id + " = " + value + ";");

                    // The stage below reads the pane from the parameter, not back from the field it was just stored to:
                    // the firing loop that calls this method inlined stores it field by field, and a wide load of the
                    // field right after would wait for those stores (a store-forwarding stall on every pane).
                    _paneExpression = "fp" + id + ".Pane";
                    try
                    {
                        WriteDeliveredChain(w, t, "v" + id, "fp" + id + ".Timestamp", "fp" + id + ".Window", Literal("a pane of " + t.Label + " in window ") + " + fp" + id + ".Window");
                    }
                    finally
                    {
                        _paneExpression = RunnerPane;
                    }

                    w.Close();
                    w.Line();
                });
            }

            /// <summary>The struct through which window buckets hand each pane of <paramref name="t"/> to <c>__Pane</c> as it fires: a direct call, no list.</summary>
            private void WritePaneReceiver(TransformSpec t)
            {
                var id = N(t.Id);
                if (!_written.Add("__PaneReceiver" + id))
                {
                    return;
                }

                var (_, _, output, _, _) = PanesTypes(t);
                var pane = "global::Compiled.Execution.FiredPane<" + PanesKeyType(t) + ", " + output + ">";
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>Hands each pane of #" + id + " " + Doc(t.Label) + " to <see cref=\"__Pane" + id + "\"/> as it fires (the panes' firing loop calls it directly).</summary>");
                    w.Open("private readonly struct __PaneReceiver" + id + " : global::Compiled.Execution.IPaneReceiver<" + PanesKeyType(t) + ", " + output + ">");
                    w.Line("private readonly " + _runnerType + " _runner;");
                    w.Line();
                    w.Line("public __PaneReceiver" + id + "(" + _runnerType + " runner) => _runner = runner;");
                    w.Line();
                    w.Line("public void Receive(in " + pane + " pane) => _runner.__Pane" + id + "(in pane);");
                    w.Close();
                    w.Line();
                });
            }

            /// <summary>
            /// Calls <paramref name="method"/> with <paramref name="arguments"/> on the panes of <paramref name="t"/> and delivers
            /// the panes it fires through the rest of the stage: as each fires, through the transform's receiver, where the
            /// layout hands panes over that way (<see cref="StateLayouts.DeliversAsFired"/>); else from the fired list after the
            /// call. Failed panes are reported after it.
            /// </summary>
            private void WritePanedAdvance(SourceWriter w, TransformSpec t, string method, string arguments)
            {
                var id = N(t.Id);
                WritePaneMethod(t);
                if (_plan.LayoutOf(t.Id).DeliversAsFired())
                {
                    WritePaneReceiver(t);
                    w.Line("var pr" + id + " = new __PaneReceiver" + id + "(this);");
                    w.Line("_panes" + id + "." + method + "(" + (arguments.Length == 0 ? "" : arguments + ", ") + "ref pr" + id + ");");
                }
                else
                {
                    w.Line("_panes" + id + "." + method + "(" + arguments + ");");
                    w.Open("if (_panes" + id + ".Fired.Count > 0)");
                    // By reference from the list's span: a fired pane (key, value, window, pane info) is not copied on its way out.
                    w.Open("foreach (ref readonly var fp" + id + " in global::System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_panes" + id + ".Fired))");
                    w.Line("__Pane" + id + "(in fp" + id + ");");
                    w.Close();
                    w.Line("_panes" + id + ".ClearFired();");
                    w.Close();
                }

                w.Open("if (_panes" + id + ".Failed.Count > 0)");
                w.Open("foreach (var xp" + id + " in _panes" + id + ".Failed)");
                w.Line("__DeliveryFailed(xp" + id + ".Error, " + id + ", " + Literal("a pane of " + t.Label + " in window ") + " + xp" + id + ".Window);");
                w.Close();
                w.Line("_panes" + id + ".ClearFailed();");
                w.Close();
            }
        }
    }
}
