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
            // ----- runner -----
            private void WriteRunner(SourceWriter w)
            {
                w.Line("/// <summary>");
                w.Line("/// The push-based runner of this pipeline: push elements into its inputs, then call <see cref=\"Finish\"/>.");
                w.Line("/// Outputs are delivered to the sinks given to the constructor, each element with its timestamp, window and pane.");
                w.Line("/// </summary>");
                w.Line("/// <remarks>");
                w.Line("/// One call at a time: a runner is not synchronized (its loops run without locks), and a call made while another");
                w.Line("/// runs is refused with an <see cref=\"global::System.InvalidOperationException\"/>. A transform or a sink that throws");
                w.Line("/// surfaces as a <see cref=\"global::Compiled.PipelineExecutionException\"/>; the runner stays consistent and loses");
                w.Line("/// nothing a sink refused (see that exception). Create one runner per run.");
                w.Line("/// </remarks>");
                foreach (var o in _outputs)
                {
                    w.Line("/// <typeparam name=\"" + SinkTypeParameter(o) + "\">The sink of output '" + Doc(o.Name) + "' (a struct sink is called without interface dispatch).</typeparam>");
                }

                w.Line(GeneratedCode);
                w.Line(Surface + " sealed class " + _runnerType + " : global::Compiled.Diagnostics.IRunnerMetrics, global::Compiled.IStreamingRunner" +
                       (_plan.Checkpoints ? ", global::Compiled.Checkpoints.ICheckpointable" : string.Empty));
                w.Indent++;
                foreach (var o in _outputs)
                {
                    w.Line("where " + SinkTypeParameter(o) + " : global::Compiled.ISink<" + o.InputType + ">");
                }

                w.Indent--;
                w.Open();

                foreach (var o in _outputs)
                {
                    w.Line("private " + SinkTypeParameter(o) + " " + SinkField(o) + ";");
                }

                w.Line();
                w.Line("// Counts read by metrics listeners (PipelineMetrics): plain fields, no call per element.");
                foreach (var i in _inputs)
                {
                    w.Line("private long __elementsIn_" + Names.ToPascal(i.Name!) + ";");
                }

                foreach (var o in _outputs)
                {
                    w.Line("private long __elementsOut_" + Names.ToPascal(o.Name!) + ";");
                }

                w.Line();
                w.Line("// Pane of the elements being emitted: elements pushed into an input have no firing; the results that");
                w.Line("// Finish emits are the single on-time pane of their window (batch). Windows travel with each element.");
                w.Line("private global::Compiled.PaneInfo _pane = global::Compiled.PaneInfo.NoFiring;");
                w.Line("private global::Compiled.Instant _watermark = global::Compiled.Instant.MinValue;");
                w.Line("private global::Compiled.Instant _processingTime = global::Compiled.Instant.MinValue;");
                foreach (var input in _inputs)
                {
                    var name = Names.ToPascal(input.Name!);
                    w.Line("private global::Compiled.Instant _inputWatermark" + name + " = global::Compiled.Instant.MinValue; // input '" + Doc(input.Name) + "'");
                    if (input.MaxOutOfOrdernessMs is not null)
                    {
                        w.Line("private global::Compiled.Instant _maxSeen_" + name + " = global::Compiled.Instant.MinValue; // latest timestamp of input '" + Doc(input.Name) + "'");
                    }

                    if (input.IdlenessMs > 0)
                    {
                        w.Line("private global::Compiled.Instant _lastActive" + name + " = global::Compiled.Instant.MinValue; // processing time of its last bundle");
                    }
                }

                if (_inputs.Any(i => i.MaxOutOfOrdernessMs is not null))
                {
                    w.Line("private int _bundleSize = global::Compiled.Execution.Bundles.DefaultSize; // elements of a pushed span per bundle (inputs with their own watermark)");
                }

                w.Line("private long _droppedLate = 0; // incremented by windowed transforms (none in some pipelines)");
                w.Line("private long __panesFired = 0; // results emitted by groupings and combines with state inline (keyed window panes count their own)");
                foreach (var t in CountedTransforms)
                {
                    w.Line("private long __in" + N(t.Id) + "; // elements that reached #" + N(t.Id) + " " + Doc(t.Label) + " (CountEveryTransform)");
                }
                if (_t.Any(t => IsInlineWindowed(t)))
                {
                    w.Line("private global::Compiled.Instant _fireAt = global::Compiled.Instant.MaxValue; // the earliest end of any live window");
                    w.Line("private readonly global::System.Collections.Generic.List<global::Compiled.BoundedWindow> __ready = new(); // windows ready to fire");
                }

                if (HasClock)
                {
                    w.Line("private global::System.TimeProvider? _timeProvider; // null: processing time advances only when told");
                }

                if (ClockDriven)
                {
                    w.Line("private global::System.Threading.ITimer? __clock; // the provider's timer, armed for the next processing-time deadline");
                    w.Line("private long __clockAt = long.MaxValue; // the deadline __clock is armed for (long.MaxValue: none)");
                    w.Line("private int __clockDue; // 1: __clock fired, and its firing waits for the gate");
                    w.Line("private bool __clockEver; // a timer was created: its firings (even a disposed one's, under way) may take the gate");
                }
                WriteCallStateFields(w);
                if (_spec.OptionsType is not null)
                {
                    w.Line("private readonly " + _spec.OptionsType + " " + OptionsField + "; // the pipeline options, read by the lambdas that take them");
                }

                foreach (var t in _t.Where(t => t.Kind == TransformKind.Window && t.Windowing?.SizeOption is not null))
                {
                    w.Line("private readonly long _windowSize" + N(t.Id) + "; // #" + N(t.Id) + " " + t.Label + ": milliseconds, from the options");
                }

                w.Line();
                WriteStateFields(w);
                WriteShardFields(w);

                // Constructor
                var parameters = OptionsParameterFirst(_outputs.Count > 0) + string.Join(", ", _outputs.Select(o => SinkTypeParameter(o) + " " + Camel(o.Name!)));
                var regroups = Streaming && _plan.Checkpoints && _plan.Levels > 0;
                w.Line("/// <summary>Creates a runner that delivers each output to its sink.</summary>");
                if (regroups)
                {
                    var arguments = (_spec.OptionsType is null ? string.Empty : OptionsArgument + (_outputs.Count > 0 ? ", " : string.Empty)) + string.Join(", ", _outputs.Select(o => Camel(o.Name!)));
                    w.Line("public Runner(" + parameters + ")");
                    w.Line("    : this(" + arguments + (arguments.Length > 0 ? ", " : string.Empty) + "true)");
                    w.Open();
                    w.Close();
                    w.Line();
                    w.Line("/// <summary>Creates a runner; <paramref name=\"__observed\"/> false: one that metrics listeners do not see (an old shard's checkpoint part read to be redistributed).</summary>");
                    w.Open("internal Runner(" + parameters + (parameters.Length > 0 ? ", " : string.Empty) + "bool __observed)");
                }
                else
                {
                    w.Open("public Runner(" + parameters + ")");
                }

                if (_spec.OptionsType is not null)
                {
                    w.Line("global::System.ArgumentNullException.ThrowIfNull((object?)" + OptionsArgument + ", nameof(" + OptionsArgument + "));");
                    w.Line("this." + OptionsField + " = " + OptionsArgument + ";");
                }

                foreach (var t in _t.Where(t => t.Kind == TransformKind.Window && t.Windowing?.SizeOption is not null))
                {
                    var what = t.Windowing!.Kind == "Sessions" ? "session gap" : "window size";
                    w.Line("// " + t.Label + ": the " + what + " " + t.Windowing.SizeOption + ", a positive whole number of milliseconds.");
                    w.Line("var size" + N(t.Id) + " = " + WindowSizeFunction(t) + "(" + OptionsArgument + ");");
                    w.Open("if (size" + N(t.Id) + " <= global::System.TimeSpan.Zero || size" + N(t.Id) + ".Ticks % global::System.TimeSpan.TicksPerMillisecond != 0)");
                    w.Line("throw new global::System.ArgumentException(" + Literal("The " + what + " of " + t.Label + " (" + t.Windowing.SizeOption + ") must be a positive whole number of milliseconds, not ") + " + size" + N(t.Id) + ".ToString(), nameof(" + OptionsArgument + "));");
                    w.Close();
                    w.Line("_windowSize" + N(t.Id) + " = size" + N(t.Id) + ".Ticks / global::System.TimeSpan.TicksPerMillisecond;");
                }

                foreach (var o in _outputs)
                {
                    w.Line("this." + SinkField(o) + " = " + Camel(o.Name!) + ";");
                }

                w.Open("if (" + (regroups ? "__observed && " : string.Empty) + "global::Compiled.Diagnostics.PipelineMetrics.IsEnabled)");
                w.Line("global::Compiled.Diagnostics.PipelineMetrics.Register(this);");
                w.Close();

                foreach (var t in _t.Where(t => t.Combine is not null && t.Kind is TransformKind.CombineGlobally or TransformKind.CombinePerKey && !UsesPanes(t)))
                {
                    w.Line("_fn" + N(t.Id) + " = " + t.Combine!.CreateExpression + ";");
                    if (t.Kind == TransformKind.CombineGlobally && t.OutputWindowing is null)
                    {
                        w.Line("_acc" + N(t.Id) + " = _fn" + N(t.Id) + ".CreateAccumulator();");
                    }
                }

                foreach (var t in _t.Where(t => t.Kind is TransformKind.CombinePerKey or TransformKind.CountPerKey or TransformKind.CountPerElement or TransformKind.Distinct or TransformKind.GroupByKey or TransformKind.CoGroupByKey && IsTextKey(StateKeyType(t)) && !IsUtf8Map(t) && t.OutputWindowing is null))
                {
                    w.Line("_lookup" + N(t.Id) + " = _state" + N(t.Id) + ".GetAlternateLookup<" + TextSpan(StateKeyType(t)) + ">();");
                }

                foreach (var t in _t.Where(t => t.Kind == TransformKind.CombineValues))
                {
                    w.Line("_fn" + N(t.Id) + " = " + t.Combine!.CreateExpression + ";");
                }

                w.Close();
                w.Line();

                foreach (var o in _outputs)
                {
                    w.Line("/// <summary>The sink of output '" + Doc(o.Name) + "', by reference (a struct sink's state stays readable).</summary>");
                    w.Line("public ref " + SinkTypeParameter(o) + " " + Accessor(o) + " => ref " + SinkField(o) + ";");
                    w.Line();
                }

                if (_t.Any(t => t.SideInput is not null))
                {
                    w.Line("private int __sideInputBufferLimit = 1 << 20;");
                    w.Line();
                    w.Line("/// <summary>");
                    w.Line("/// How many elements may wait for a side input to be complete (a side input in the global window is complete when");
                    w.Line("/// its input ends, at Finish), per transform reading it; default 1,048,576. One more is refused with a");
                    w.Line("/// <see cref=\"global::Compiled.PipelineExecutionException\"/> naming the side input, so a side input that never");
                    w.Line("/// completes cannot take all memory.");
                    w.Line("/// </summary>");
                    w.Open("public int SideInputBufferLimit");
                    w.Line("get => __sideInputBufferLimit;");
                    w.Line("set => __sideInputBufferLimit = value > 0 ? value : throw new global::System.ArgumentOutOfRangeException(nameof(value), value, \"The limit must be positive.\");");
                    w.Close();
                    w.Line();
                }

                w.Line("/// <summary>True once <see cref=\"Finish\"/> has completed (every result delivered to its sink).</summary>");
                w.Line("public bool IsFinished => __state == 3;");
                w.Line();
                WriteCheckpointMembers(w);

                foreach (var input in _inputs)
                {
                    WriteInput(w, input);
                    _currentInput = null;
                }

                WriteWatermark(w);
                WriteReplayMethods(w);
                WriteFinish(w);

                // Extras (emitter structs, flatten targets) may add more extras while they are written.
                for (var i = 0; i < _runnerExtras.Count; i++)
                {
                    _runnerExtras[i](w);
                }

                WriteMetrics(w);
                WriteCallGate(w);
                w.Close();
                w.Line();
            }

            private void WriteMetrics(SourceWriter w)
            {
                var pipeline = Literal((_spec.Namespace.Length > 0 ? _spec.Namespace + "." : string.Empty) + _spec.ClassName);
                w.Line("string global::Compiled.Diagnostics.IRunnerMetrics.PipelineName => " + pipeline + ";");
                w.Line();
                w.Line("string global::Compiled.Diagnostics.IRunnerMetrics.PlanMermaid => " + Literal(string.Join("\n", _plan.Mermaid)) + ";");
                w.Line();
                w.Open("void global::Compiled.Diagnostics.IRunnerMetrics.ReportElementsIn(global::System.Collections.Generic.List<global::System.Diagnostics.Metrics.Measurement<long>> measurements)");
                foreach (var i in _inputs)
                {
                    w.Line("measurements.Add(global::Compiled.Diagnostics.PipelineMetrics.Measure(__elementsIn_" + Names.ToPascal(i.Name!) + ", " + pipeline + ", \"input\", " + Literal(i.Name!) + "));");
                }

                w.Close();
                w.Line();
                w.Open("void global::Compiled.Diagnostics.IRunnerMetrics.ReportElementsOut(global::System.Collections.Generic.List<global::System.Diagnostics.Metrics.Measurement<long>> measurements)");
                foreach (var o in _outputs)
                {
                    w.Line("measurements.Add(global::Compiled.Diagnostics.PipelineMetrics.Measure(__elementsOut_" + Names.ToPascal(o.Name!) + ", " + pipeline + ", \"output\", " + Literal(o.Name!) + "));");
                }

                w.Close();
                w.Line();
                w.Line("void global::Compiled.Diagnostics.IRunnerMetrics.ReportPanesFired(global::System.Collections.Generic.List<global::System.Diagnostics.Metrics.Measurement<long>> measurements) =>");
                w.Line("    measurements.Add(global::Compiled.Diagnostics.PipelineMetrics.Measure(__panesFired" + string.Concat(_t.Where(UsesPanes).Select(t => " + _panes" + N(t.Id) + ".PanesFired")) + ", " + pipeline + "));");
                w.Line();
                w.Line("/// <summary>The watermark's lag behind processing time: the runner's, each input's, and on a shard of the parallel runner, the shard's.</summary>");
                w.Open("void global::Compiled.Diagnostics.IRunnerMetrics.ReportWatermarkLag(global::System.Collections.Generic.List<global::System.Diagnostics.Metrics.Measurement<long>> measurements)");
                w.Line("var now = " + (HasClock ? "(_timeProvider ?? global::System.TimeProvider.System)" : "global::System.TimeProvider.System") + ".GetUtcNow();");
                w.Line("global::Compiled.Diagnostics.PipelineMetrics.MeasureWatermarkLag(measurements, " + pipeline + ", _watermark, now);");
                if (Streaming)
                {
                    w.Open("if (__level > 0)");
                    w.Line("global::Compiled.Diagnostics.PipelineMetrics.MeasureWatermarkLag(measurements, " + pipeline + ", _watermark, now, \"shard\", " +
                           "\"level \" + __level.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + \", shard \" + __streamShard.ToString(global::System.Globalization.CultureInfo.InvariantCulture));");
                    w.Line("return; // a shard's inputs are its channels");
                    w.Close();
                }

                foreach (var input in _inputs)
                {
                    w.Line("global::Compiled.Diagnostics.PipelineMetrics.MeasureWatermarkLag(measurements, " + pipeline + ", _inputWatermark" + Names.ToPascal(input.Name!) + ", now, \"input\", " + Literal(input.Name!) + ");");
                }

                w.Close();
                w.Line();
                if (_spec.CountsEveryTransform)
                {
                    w.Open("void global::Compiled.Diagnostics.IRunnerMetrics.ReportTransformElementsIn(global::System.Collections.Generic.List<global::System.Diagnostics.Metrics.Measurement<long>> measurements)");
                    foreach (var t in CountedTransforms)
                    {
                        w.Line("measurements.Add(global::Compiled.Diagnostics.PipelineMetrics.Measure(__in" + N(t.Id) + ", " + pipeline + ", \"transform\", " + Literal("#" + N(t.Id) + " " + t.Label) + "));");
                    }

                    w.Close();
                    w.Line();
                }

                w.Line("void global::Compiled.Diagnostics.IRunnerMetrics.ReportLateDropped(global::System.Collections.Generic.List<global::System.Diagnostics.Metrics.Measurement<long>> measurements) =>");
                w.Line("    measurements.Add(global::Compiled.Diagnostics.PipelineMetrics.Measure(DroppedLateElements, " + pipeline + "));");
                w.Line();
                w.Open("void global::Compiled.Diagnostics.IRunnerMetrics.ReportStateSize(global::System.Collections.Generic.List<global::System.Diagnostics.Metrics.Measurement<long>> measurements)");
                foreach (var t in _t)
                {
                    string? size = t.Kind switch
                    {
                        TransformKind.CombinePerKey or TransformKind.CountPerKey or TransformKind.CountPerElement or TransformKind.Distinct or
                        TransformKind.GroupByKey or TransformKind.CoGroupByKey => "_state" + N(t.Id) + ".Count",
                        TransformKind.AsList or TransformKind.AsDictionary => "_view" + N(t.Id) + ".Count",
                        _ => null,
                    };
                    if (t.SideInput is not null)
                    {
                        size = "_pending" + N(t.Id) + ".Count";
                    }

                    if (UsesPanes(t))
                    {
                        size = "_panes" + N(t.Id) + ".LiveWindows";
                    }
                    else if (IsStatefulParDo(t))
                    {
                        size = StatesField(t) + ".Count"; // live (key, window) slots
                    }
                    else if (t.OutputWindowing is not null && Planner.IsStateful(t) && t.SideInput is null)
                    {
                        // Windowed: the keys of every live window (for a global combine, the live windows).
                        if (t.Kind is TransformKind.CombineGlobally or TransformKind.Count)
                        {
                            size = "_wstate" + N(t.Id) + ".Count";
                        }
                        else
                        {
                            // The listener reads on its own thread while the runner may be changing the maps: a walk
                            // that meets a change reports the last size it counted.
                            w.Open();
                            w.Line("long size = 0;");
                            w.Open("try");
                            w.Open("foreach (var state in _wstate" + N(t.Id) + ".Values)");
                            w.Line("size += state.Count;");
                            w.Close();
                            w.Line("__stateSize" + N(t.Id) + " = size;");
                            w.Close();
                            w.Open("catch (global::System.InvalidOperationException)");
                            w.Line("size = __stateSize" + N(t.Id) + ";");
                            w.Close();
                            w.Line("measurements.Add(global::Compiled.Diagnostics.PipelineMetrics.Measure(size, " + pipeline + ", \"transform\", " + Literal("#" + N(t.Id) + " " + t.Label) + "));");
                            w.Close();
                            continue;
                        }
                    }

                    if (size is not null)
                    {
                        w.Line("measurements.Add(global::Compiled.Diagnostics.PipelineMetrics.Measure(" + size + ", " + pipeline + ", \"transform\", " + Literal("#" + N(t.Id) + " " + t.Label) + "));");
                    }
                }

                w.Close();
                w.Line();
            }

            private void WriteStateFields(SourceWriter w)
            {
                foreach (var t in _t)
                {
                    var id = N(t.Id);
                    if (UsesPanes(t))
                    {
                        WritePanesField(w, t);
                        continue;
                    }

                    if (IsPaneShared(t))
                    {
                        w.Line("// #" + id + " " + t.Label + " shares panes between overlapping sliding windows: state is kept per key and");
                        w.Line("// pane [p, p + period); a window's result merges its size/period panes when it fires; a pane is dropped");
                        w.Line("// when the last window containing it has fired.");
                        w.Line("private long _firedUpTo" + id + " = long.MinValue; // windows starting before this have fired");
                        if (t.Kind is TransformKind.CombinePerKey or TransformKind.CountPerKey)
                        {
                            w.Line("private readonly " + PaneInnerType(t) + " _merge" + id + " = new(); // the window being fired, merged from its panes");
                        }
                    }

                    if (t.Kind == TransformKind.Window && SharesPanes(t))
                    {
                        w.Line("private long _fixedStart" + id + " = long.MinValue; // pane of the last element through #" + id + " " + t.Label);
                        continue;
                    }

                    if (t.Kind == TransformKind.Window && t.Windowing?.Kind == "Fixed")
                    {
                        w.Line("private long _fixedStart" + id + " = long.MinValue; // start of the window of the last element through #" + id + " " + t.Label);
                        continue;
                    }

                    if (t.Kind == TransformKind.Window && t.Windowing?.Kind == "Custom")
                    {
                        w.Line("// Windows of the element being processed by #" + id + " " + t.Label + " (sized once for the window function).");
                        w.Line("private readonly global::Compiled.BoundedWindow[] _windows" + id + " = new global::Compiled.BoundedWindow[global::System.Math.Max(1, default(" + t.Windowing.CustomType + ").MaxWindowsPerElement)];");
                        continue;
                    }

                    var key = t.KeyType;
                    switch (t.Kind)
                    {
                        case TransformKind.CombineGlobally:
                            StateComment(w, t, "one accumulator of " + t.Combine!.FnType, "updated in place by AddInput for every element", "accumulators of shards merge with MergeAccumulators", "until Finish, which extracts the output");
                            w.Line("private " + t.Combine.FnType + " _fn" + id + ";");
                            if (t.OutputWindowing is not null)
                            {
                                WindowedStateField(w, t, t.Combine.AccumulatorType);
                                break;
                            }

                            w.Line("private " + t.Combine.AccumulatorType + " _acc" + id + ";");
                            if (t.WithoutDefaults)
                            {
                                w.Line("private bool _any" + id + "; // without defaults: an empty input gives no output");
                            }

                            break;
                        case TransformKind.CombineValues:
                            w.Line("private " + t.Combine!.FnType + " _fn" + id + ";");
                            break;
                        case TransformKind.Count:
                            StateComment(w, t, "a counter", "incremented for every element", "counters of shards add up", "until Finish");
                            if (t.OutputWindowing is not null)
                            {
                                WindowedStateField(w, t, "long");
                                break;
                            }

                            w.Line("private long _count" + id + ";");
                            break;
                        case TransformKind.CombinePerKey:
                            StateComment(w, t, "an accumulator per key, in a hash map", "updated in place through a reference into the map (no copy, no lookup twice)", "accumulators of the same key merge with MergeAccumulators", "until Finish; the map grows with the number of keys, never with the number of elements");
                            w.Line("private " + t.Combine!.FnType + " _fn" + id + ";");
                            MapField(w, t, key!, t.Combine.AccumulatorType);
                            break;
                        case TransformKind.CountPerKey:
                            StateComment(w, t, "a count per key, in a hash map", "incremented in place", "counts add up", "until Finish");
                            MapField(w, t, key!, "long");
                            break;
                        case TransformKind.CountPerElement:
                            StateComment(w, t, "a count per distinct element, in a hash map", "incremented in place", "counts add up", "until Finish");
                            MapField(w, t, t.InputType, "long");
                            break;
                        case TransformKind.Distinct:
                            StateComment(w, t, "the set of elements seen", "an element is added once", "sets union", "until Finish");
                            MapField(w, t, t.InputType, null);
                            break;
                        case TransformKind.GroupByKey:
                            StateComment(w, t, "the values of each key, in a list per key", "values are appended", "lists of the same key concatenate", "until Finish");
                            MapField(w, t, key!, "global::System.Collections.Generic.List<" + t.ValueTypes[0] + ">");
                            break;
                        case TransformKind.CoGroupByKey:
                            StateComment(w, t, "for each key, one list of values per input", "values are appended to the list of their input", "lists of the same key and input concatenate", "until Finish");
                            MapField(w, t, key!, CoGroupStateType(t));
                            WriteCoGroupStateType(t);
                            break;
                        case TransformKind.StatefulParDo:
                            WriteStatefulStateField(w, t);
                            break;
                        case TransformKind.AsSingleton or TransformKind.AsList or TransformKind.AsDictionary when SideWindowsOf(t) is not null:
                            WriteWindowedViewField(w, t);
                            break;
                        case TransformKind.AsSingleton:
                            StateComment(w, t, "the single element of a side input, and how many elements arrived", "set when the element arrives", "not mergeable: a singleton view has one element", "from Finish on, read by the stages that use the view");
                            w.Line("private " + t.InputType + " _view" + id + " = default!;");
                            w.Line("private long _viewCount" + id + ";");
                            break;
                        case TransformKind.AsList:
                            StateComment(w, t, "all elements of a side input", "appended", "lists concatenate", "from Finish on, read by the stages that use the view");
                            w.Line("private readonly global::System.Collections.Generic.List<" + t.InputType + "> _view" + id + " = new();");
                            break;
                        case TransformKind.AsDictionary:
                            StateComment(w, t, "the value of each key of a side input", "added; a duplicate key is an error (as in Beam's View.asMap)", "maps union, keys must not overlap", "from Finish on, read by the stages that use the view");
                            w.Line("private readonly global::System.Collections.Generic.Dictionary<" + key + ", " + t.ValueTypes[0] + "> _view" + id + " = new();");
                            break;
                    }

                    if (t.SideInput is not null)
                    {
                        StateComment(w, t, "the input elements (with timestamps) that arrived before side input #" + N(t.SideInput.Value.Node) + " was complete", "appended", "lists concatenate",
                            SideWindowsOf(t) is null ? "until Finish replays them, after the view is complete" : "until the watermark passes the end of the side window each reads, which replays it");
                        w.Line("private readonly global::System.Collections.Generic.List<(" + t.InputType + " Value, global::Compiled.Instant Timestamp, global::Compiled.BoundedWindow Window, global::Compiled.PaneInfo Pane)> _pending" + id + " = new();");
                        w.Line("private global::Compiled.Instant _pendingMin" + id + " = global::Compiled.Instant.MaxValue; // the earliest timestamp waiting: it holds the output watermark (Beam's pushback)");
                    }
                }

                w.Line();
            }

            private static void StateComment(SourceWriter w, TransformSpec t, string state, string style, string merging, string lifetime)
            {
                w.Line("// State of #" + N(t.Id) + " " + t.Label + ":");
                w.Line("//   State: " + state + ".");
                w.Line("//   State style: " + style + ".");
                w.Line("//   Merging: " + merging + ".");
                w.Line("//   Lifetime: " + lifetime + ".");
            }

            private static string CoGroupStateType(TransformSpec t) => "__CoGroup" + N(t.Id);

            private void WriteCoGroupStateType(TransformSpec t)
            {
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>The values of one key, one list per input of #" + N(t.Id) + ".</summary>");
                    w.Open("private sealed class " + CoGroupStateType(t));
                    for (var i = 0; i < t.ValueTypes.Count; i++)
                    {
                        w.Line("public readonly global::System.Collections.Generic.List<" + t.ValueTypes[i] + "> Values" + N(i) + " = new();");
                    }

                    w.Close();
                    w.Line();
                });
            }
        }
    }
}
