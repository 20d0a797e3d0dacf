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
            // ----- fused chains -----
            private void EmitConsumers(SourceWriter w, int node, int port, string value, string timestamp, string window)
            {
                var edges = _plan.Edges.Where(e => e.From == node && e.FromPort == port).ToList();
                foreach (var edge in edges)
                {
                    var target = _t[edge.To];
                    if (edges.Count > 1)
                    {
                        w.Line("// branch: -> #" + N(target.Id) + " " + target.Label);
                        w.Open();
                        EmitEdge(w, target, edge.ToInput, value, timestamp, window);
                        w.Close();
                    }
                    else
                    {
                        EmitEdge(w, target, edge.ToInput, value, timestamp, window);
                    }
                }
            }

            /// <summary>The transforms counted one by one with [Pipeline(CountEveryTransform = true)]: all but inputs and outputs (counted anyway).</summary>
            private IEnumerable<TransformSpec> CountedTransforms => _t.Where(IsCounted);

            private bool IsCounted(TransformSpec t) =>
                _spec.CountsEveryTransform && t.Kind is not (TransformKind.Output or TransformKind.CreateInput or TransformKind.ReadLinesInput or TransformKind.Identity);

            private void EmitEdge(SourceWriter w, TransformSpec t, int inputIndex, string value, string timestamp, string window)
            {
                // (An element a shard receives was counted where it was sent from.)
                if (IsCounted(t) && !_inReceive)
                {
                    w.Line("__in" + N(t.Id) + "++;");
                }

                EmitNullKeyCheck(w, t, value);
                if (OpenStreamingRoute(w, t, inputIndex, value, timestamp, window))
                {
                    EmitEdgeHere(w, t, inputIndex, value, timestamp, window);
                    w.Close();
                    return;
                }

                EmitEdgeHere(w, t, inputIndex, value, timestamp, window);
            }

            /// <summary>A nullable key type: say which transform got the null key (before the key is hashed to a shard), rather than the state map's ArgumentNullException.</summary>
            private void EmitNullKeyCheck(SourceWriter w, TransformSpec t, string value)
            {
                if (MayBeNull(t) && t.Kind is TransformKind.CombinePerKey or TransformKind.CountPerKey or TransformKind.CountPerElement or
                        TransformKind.Distinct or TransformKind.GroupByKey or TransformKind.CoGroupByKey or TransformKind.AsDictionary or TransformKind.StatefulParDo)
                {
                    var key = t.Kind is TransformKind.CountPerElement or TransformKind.Distinct ? value : value + ".Key";
                    w.Open("if (" + key + " is null)");
                    w.Line(CheckFailure(t, Literal(t.Label + " received a null key. Null keys are not supported: map them to a value first (for example WithKeys(static x => x.Name ?? \"\")).")));
                    w.Close();
                }
            }

            /// <summary>The element arrives at <paramref name="t"/> on this runner.</summary>
            private void EmitEdgeHere(SourceWriter w, TransformSpec t, int inputIndex, string value, string timestamp, string window)
            {
                var id = N(t.Id);
                if (t.SideInput is not null && SideWindowsOf(t) is not null)
                {
                    EmitWindowedReader(w, t, value, timestamp, window, inputIndex);
                    return;
                }

                if (t.SideInput is not null)
                {
                    w.Line("// #" + id + " " + t.Label + ": buffered until its side input is complete (at most SideInputBufferLimit elements)");
                    EmitWaitForView(w, t, value, timestamp, window, "which is complete only when its input ends (Finish)", "Push the side input's input and call Finish sooner");
                    return;
                }

                if (EmitRouted(w, t, value, timestamp, window, inputIndex))
                {
                    // On a shard of the parallel batch runner, the element went to its key's shard; here, it is applied.
                    EmitStateUpdate(w, t, value, timestamp, window, inputIndex);
                    w.Close();
                    return;
                }

                EmitStateUpdate(w, t, value, timestamp, window, inputIndex);
            }

            /// <summary>The element updates the state of <paramref name="t"/> here (or runs it, when it keeps none): no exchange.</summary>
            private void EmitStateUpdate(SourceWriter w, TransformSpec t, string value, string timestamp, string window, int inputIndex)
            {
                if (UsesPanes(t))
                {
                    EmitPanedUpdate(w, t, value, timestamp, window, inputIndex);
                }
                else if (t.OutputWindowing is not null && Planner.IsStateful(t) && !IsStatefulParDo(t))
                {
                    EmitWindowedUpdate(w, t, value, timestamp, window, inputIndex);
                }
                else
                {
                    EmitTransform(w, t, value, timestamp, window, inputIndex);
                }
            }

            /// <summary>
            /// A windowed grouping or combine: drop (and count) an element whose window this transform has
            /// already emitted (behind its input watermark; no allowed lateness), else update the window's state.
            /// </summary>
            private void EmitWindowedUpdate(SourceWriter w, TransformSpec t, string value, string timestamp, string window, int inputIndex)
            {
                var id = N(t.Id);
                if (IsPaneShared(t))
                {
                    var size = t.OutputWindowing!.SizeMs.ToString(CultureInfo.InvariantCulture) + "L";
                    var period = t.OutputWindowing.PeriodMs.ToString(CultureInfo.InvariantCulture) + "L";
                    var windows = (t.OutputWindowing.SizeMs / t.OutputWindowing.PeriodMs).ToString(CultureInfo.InvariantCulture);
                    w.Line("// #" + id + " " + t.Label + ", per pane (" + window + " is the element's pane)");
                    w.Open("if (" + window + ".Start.Millis + " + size + " - 1 < _wm" + id + ".Millis)");
                    w.Line("_droppedLate += " + windows + "; // late: every window of the element was emitted");
                    if (HasLateOutput(t))
                    {
                        w.Open("for (var ls" + id + " = " + window + ".Start.Millis - " + size + " + " + period + "; ls" + id + " <= " + window + ".Start.Millis; ls" + id + " += " + period + ")");
                        EmitLateWindow(w, t, size, value, timestamp);
                        w.Close();
                    }

                    w.Close();
                    w.Open("else");
                    w.Line("var ls" + id + " = " + window + ".Start.Millis - " + size + " + " + period + ";");
                    w.Open("for (; ls" + id + " + " + size + " - 1 < _wm" + id + ".Millis; ls" + id + " += " + period + ")");
                    w.Line("_droppedLate++; // late for its earlier windows, which were emitted: only the later ones get it");
                    if (HasLateOutput(t))
                    {
                        EmitLateWindow(w, t, size, value, timestamp);
                    }

                    w.Close();
                    w.Open("if (ls" + id + " > _firedUpTo" + id + " && ls" + id + " != " + window + ".Start.Millis - " + size + " + " + period + ")");
                    w.Line("_firedUpTo" + id + " = ls" + id + "; // partly late: the windows that ended before the watermark are done, with this element or not");
                    w.Close();
                }
                else
                {
                    w.Line("// #" + id + " " + t.Label + ", per window");
                    w.Open("if (" + window + ".MaxTimestamp < _wm" + id + ")");
                    w.Line("_droppedLate++; // late: the window was emitted when the watermark passed its end");
                    if (HasLateOutput(t))
                    {
                        EmitConsumers(w, t.Id, 1, value, timestamp, window);
                    }

                    w.Close();
                    w.Open("else");
                }

                switch (t.Kind)
                {
                    case TransformKind.CombineGlobally:
                        w.Line("ref var acc" + id + " = ref global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_wstate" + id + ", " + window + ", out var exists" + id + ");");
                        w.Open("if (!exists" + id + ")");
                        w.Line("acc" + id + " = _fn" + id + ".CreateAccumulator();");
                        WriteNextEnd(w, t, window);
                        w.Close();
                        w.Line("_fn" + id + ".AddInput(ref acc" + id + "!, " + value + ");");
                        break;
                    case TransformKind.Count:
                        w.Line("global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_wstate" + id + ", " + window + ", out var exists" + id + ")++;");
                        w.Open("if (!exists" + id + ")");
                        WriteNextEnd(w, t, window);
                        w.Close();
                        break;
                    default:
                        WriteWindowMapLookup(w, t, window);
                        if (IsTextKey(StateKeyType(t)) && !IsUtf8Map(t))
                        {
                            w.Line("var wl" + id + " = ws" + id + ".GetAlternateLookup<" + TextSpan(StateKeyType(t)) + ">();");
                            _mapOverride = "wl" + id;
                        }
                        else
                        {
                            _mapOverride = "ws" + id;
                        }

                        EmitTransform(w, t, value, timestamp, window, inputIndex);
                        _mapOverride = null;
                        break;
                }

                w.Close();
            }

            /// <summary>
            /// Local <paramref name="variable"/>: the fixed window (or pane) of <paramref name="size"/> ms, offset by
            /// <paramref name="offset"/>, that holds <paramref name="timestamp"/>, Beam's start = t - ((t - offset) mod size), mod
            /// taken positive. Its start is kept in <paramref name="startField"/> and computed only when the element leaves the
            /// previous element's window (one unsigned compare otherwise).
            /// </summary>
            private static void WriteCachedWindow(SourceWriter w, string variable, string startField, string timestamp, string size, string offset)
            {
                w.Open("if ((ulong)(" + timestamp + ".Millis - " + startField + ") >= (ulong)" + size + ")");
                w.Line(startField + " = " + timestamp + ".Millis - ((((" + timestamp + ".Millis - " + offset + ") % " + size + ") + " + size + ") % " + size + ");");
                w.Close();
                w.Line("var " + variable + " = global::Compiled.BoundedWindow.Interval(new global::Compiled.Instant(" + startField + "), new global::Compiled.Instant(" + startField + " + " + size + "));");
            }

            /// <summary>
            /// The map of <paramref name="window"/> of an inline windowed transform into local ws{id}: from the cache of the
            /// last windows used, else from the window state (a new window takes a pooled map and may become the next to fire).
            /// A new map starts with room for as many keys as the window opened last holds (windows mostly hold about as many
            /// keys as the last one: it does not grow its way there again), where the map type takes a capacity.
            /// </summary>
            private void WriteWindowMapLookup(SourceWriter w, TransformSpec t, string window)
            {
                var id = N(t.Id);
                w.Line("var k" + id + " = " + CacheIndex(t, window) + ";");
                w.Line("var ws" + id + " = _cacheS" + id + "[k" + id + "];");
                w.Open("if (ws" + id + " is null || _cacheW" + id + "[k" + id + "] != " + window + ".Start.Millis)");
                w.Line("ref var slot" + id + " = ref global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_wstate" + id + ", " + window + ", out var wexists" + id + ");");
                w.Open("if (!wexists" + id + ")");
                // A partition's windows of a lifted combine leave with their maps: it takes new ones from those that go round.
                var shared = Lifted(t) ? "__mapPool" + id + "?.TryTake() ?? " : string.Empty;
                if (WindowMapTakesCapacity(t))
                {
                    w.Line("slot" + id + " = _pool" + id + ".Count > 0 ? _pool" + id + ".Pop() : " + shared + "new(_newest" + id + "?.Count ?? 0);");
                    w.Line("_newest" + id + " = slot" + id + ";");
                }
                else
                {
                    w.Line("slot" + id + " = _pool" + id + ".Count > 0 ? _pool" + id + ".Pop() : " + shared + "new();");
                }
                WriteNextEnd(w, t, window);
                w.Close();
                w.Line("ws" + id + " = slot" + id + "!;");
                w.Line("_cacheW" + id + "[k" + id + "] = " + window + ".Start.Millis;");
                w.Line("_cacheS" + id + "[k" + id + "] = ws" + id + ";");
                w.Close();
            }

            private void EmitTransform(SourceWriter w, TransformSpec t, string value, string timestamp, string window, int inputIndex)
            {
                var id = N(t.Id);
                var v = "v" + id;
                var sideArgs = SideArguments(t);
                if (t.Kind is TransformKind.AsSingleton or TransformKind.AsList or TransformKind.AsDictionary && SideWindowsOf(t) is not null)
                {
                    EmitWindowedViewElement(w, t, value, window);
                    return;
                }

                if (t.Kind != TransformKind.Identity)
                {
                    w.Line("// #" + id + " " + t.Label);
                }
                if (t.WithFailures)
                {
                    EmitWithFailures(w, t, value, timestamp, window);
                    return;
                }

                switch (t.Kind)
                {
                    case TransformKind.Map:
                        w.Line("var " + v + " = " + Call(t, new[] { value }.Concat(sideArgs).Concat(ContextArgument(t, timestamp, window)).ToArray()) + ";");
                        EmitConsumers(w, t.Id, 0, v, timestamp, window);
                        break;
                    case TransformKind.Filter:
                        w.Open("if (" + Call(t, new[] { value }.Concat(sideArgs).ToArray()) + ")");
                        EmitConsumers(w, t.Id, 0, value, timestamp, window);
                        w.Close();
                        break;
                    case TransformKind.WithKeys:
                        w.Line("var " + v + " = new " + t.OutputTypes[0] + "(" + Call(t, value) + ", " + value + ");");
                        EmitConsumers(w, t.Id, 0, v, timestamp, window);
                        break;
                    case TransformKind.Keys:
                        w.Line("var " + v + " = " + value + ".Key;");
                        EmitConsumers(w, t.Id, 0, v, timestamp, window);
                        break;
                    case TransformKind.Values:
                        w.Line("var " + v + " = " + value + ".Value;");
                        EmitConsumers(w, t.Id, 0, v, timestamp, window);
                        break;
                    case TransformKind.KvSwap:
                        w.Line("var " + v + " = new " + t.OutputTypes[0] + "(" + value + ".Value, " + value + ".Key);");
                        EmitConsumers(w, t.Id, 0, v, timestamp, window);
                        break;
                    case TransformKind.Identity:
                        EmitConsumers(w, t.Id, 0, value, timestamp, window);
                        break;
                    case TransformKind.WithTimestamps:
                        w.Line("var ts" + id + " = " + Call(t, value) + ";");
                        // Event time has a range (Beam's TIMESTAMP_MIN_VALUE..TIMESTAMP_MAX_VALUE); beyond it, window arithmetic overflows.
                        w.Open("if ((ulong)(ts" + id + ".Millis - global::Compiled.Instant.MinValue.Millis) > (ulong)(global::Compiled.Instant.MaxValue.Millis - global::Compiled.Instant.MinValue.Millis))");
                        w.Line(CheckFailure(t, Literal(t.Label + " gave timestamp ") + " + ts" + id + ".Millis.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + " +
                               Literal(" ms, outside the range of event time (Instant.MinValue to Instant.MaxValue, about 292,000 years either side of 1970).")));
                        w.Close();
                        if (t.TracksInput is { } tracked)
                        {
                            // The source's own timestamps: its watermark trails the latest one seen.
                            w.Open("if (ts" + id + " > _maxSeen_" + Names.ToPascal(tracked) + ")");
                            w.Line("_maxSeen_" + Names.ToPascal(tracked) + " = ts" + id + ";");
                            w.Close();
                        }
                        else if (!t.AnySkew)
                        {
                            w.Open("if (ts" + id + " < " + timestamp + ")");
                            w.Line(CheckFailure(t, Literal(t.Label + " gave timestamp ") + " + ts" + id + " + " + Literal(", earlier than the element's timestamp ") + " + " + timestamp + " + " + Literal("; as in Beam, timestamps can only move forward (no allowed skew).")));
                            w.Close();
                        }

                        EmitConsumers(w, t.Id, 0, value, "ts" + id, window);
                        break;
                    case TransformKind.Window when t.Windowing is null || t.Windowing.Kind == "Global":
                        w.Line("var w" + id + " = global::Compiled.BoundedWindow.Global;");
                        EmitConsumers(w, t.Id, 0, value, timestamp, "w" + id);
                        break;
                    case TransformKind.Window when t.Windowing!.Kind == "Sessions":
                        w.Line("// Beam's Sessions: each element starts a proto-session [t, t + gap); the grouping merges overlapping ones per key.");
                        w.Line("var w" + id + " = global::Compiled.BoundedWindow.Interval(" + timestamp + ", new global::Compiled.Instant(" + timestamp + ".Millis + " + WindowSize(t) + "));");
                        EmitConsumers(w, t.Id, 0, value, timestamp, "w" + id);
                        break;
                    case TransformKind.Window when t.Windowing!.Kind == "Custom":
                        w.Line("// Custom window function " + t.Windowing.CustomType + ": called through its default value, no interface dispatch.");
                        w.Line("var n" + id + " = default(" + t.Windowing.CustomType + ").AssignWindows(" + timestamp + ", _windows" + id + ");");
                        w.Open("for (var i" + id + " = 0; i" + id + " < n" + id + "; i" + id + "++)");
                        w.Line("var w" + id + " = _windows" + id + "[i" + id + "];");
                        EmitConsumers(w, t.Id, 0, value, timestamp, "w" + id);
                        w.Close();
                        break;
                    case TransformKind.Window when t.Windowing!.Kind == "Fixed":
                        {
                            var size = WindowSize(t);
                            var offset = t.Windowing.OffsetMs.ToString(CultureInfo.InvariantCulture) + "L";
                            w.Line("// Beam's FixedWindows: start = t - ((t - offset) mod size), mod taken positive; computed only when the");
                            w.Line("// element leaves the previous element's window (one unsigned compare otherwise).");
                            WriteCachedWindow(w, "w" + id, "_fixedStart" + id, timestamp, size, offset);
                            EmitConsumers(w, t.Id, 0, value, timestamp, "w" + id);
                            break;
                        }

                    case TransformKind.Window when SharesPanes(t):
                        {
                            var period = t.Windowing!.PeriodMs.ToString(CultureInfo.InvariantCulture) + "L";
                            var offset = t.Windowing.OffsetMs.ToString(CultureInfo.InvariantCulture) + "L";
                            w.Line("// Beam's SlidingWindows, shared by panes: the element goes to its pane [p, p + period) once; the");
                            w.Line("// size/period windows containing the pane are assembled from panes when they fire downstream.");
                            WriteCachedWindow(w, "w" + id, "_fixedStart" + id, timestamp, period, offset);
                            EmitConsumers(w, t.Id, 0, value, timestamp, "w" + id);
                            break;
                        }

                    case TransformKind.Window:
                        {
                            var size = t.Windowing!.SizeMs.ToString(CultureInfo.InvariantCulture) + "L";
                            var period = t.Windowing.PeriodMs.ToString(CultureInfo.InvariantCulture) + "L";
                            var offset = t.Windowing.OffsetMs.ToString(CultureInfo.InvariantCulture) + "L";
                            w.Line("// Beam's SlidingWindows: every window [start, start + size) with start = last start, last start - period, ... > t - size.");
                            w.Line("var last" + id + " = " + timestamp + ".Millis - ((((" + timestamp + ".Millis - " + offset + ") % " + period + ") + " + period + ") % " + period + ");");
                            w.Open("for (var start" + id + " = last" + id + "; start" + id + " > " + timestamp + ".Millis - " + size + "; start" + id + " -= " + period + ")");
                            w.Line("var w" + id + " = global::Compiled.BoundedWindow.Interval(new global::Compiled.Instant(start" + id + "), new global::Compiled.Instant(start" + id + " + " + size + "));");
                            EmitConsumers(w, t.Id, 0, value, timestamp, "w" + id);
                            w.Close();
                            break;
                        }
                    case TransformKind.CombineValues:
                        {
                            // A combine function with context takes, at every step, the side input of the grouped pane's window.
                            var context = string.Empty;
                            if (t.Combine!.SideType is { } sideType)
                            {
                                w.Line("var ctx" + id + " = new global::Compiled.CombineContext<" + sideType + ">(" + sideArgs[0] + ");");
                                context = ", in ctx" + id;
                            }

                            w.Line("var acc" + id + " = _fn" + id + ".CreateAccumulator(" + (context.Length > 0 ? "in ctx" + id : string.Empty) + ");");
                            w.Open("foreach (var item" + id + " in " + value + ".Value)");
                            w.Line("_fn" + id + ".AddInput(ref acc" + id + "!, item" + id + context + ");");
                            w.Close();
                            w.Line("var " + v + " = new " + t.OutputTypes[0] + "(" + value + ".Key, _fn" + id + ".ExtractOutput(acc" + id + context + "));");
                            EmitConsumers(w, t.Id, 0, v, timestamp, window);
                            break;
                        }

                    case TransformKind.FlatMap:
                    case TransformKind.ParDo:
                        {
                            var args = new List<string> { value };
                            args.AddRange(sideArgs);
                            args.AddRange(ContextArgument(t, timestamp, window));
                            for (var port = 0; port < t.OutputTypes.Count; port++)
                            {
                                args.Add("new __Emit" + id + "_" + N(port) + "(this, " + timestamp + ", " + window + ")");
                                WriteEmitter(t, port);
                            }

                            w.Line(Call(t, args.ToArray()) + ";");
                            break;
                        }

                    case TransformKind.StatefulParDo:
                        EmitStatefulElement(w, t, value, timestamp, window);
                        break;
                    case TransformKind.Partition:
                        {
                            var count = N(t.PartitionCount);
                            w.Line("var " + v + " = " + Call(t, value, count) + ";");
                            w.Open("switch (" + v + ")");
                            for (var port = 0; port < t.PartitionCount; port++)
                            {
                                w.Line("case " + N(port) + ":");
                                w.Open();
                                EmitConsumers(w, t.Id, port, value, timestamp, window);
                                w.Line("break;");
                                w.Close();
                            }

                            w.Line("default:");
                            w.Indent++;
                            w.Line(CheckFailure(t, Literal("The partition function of " + t.Label + " returned ") + " + " + v + ".ToString(global::System.Globalization.CultureInfo.InvariantCulture) + " + Literal(", outside [0, " + count + ").")));
                            w.Indent--;
                            w.Close();
                            break;
                        }

                    case TransformKind.Flatten:
                        w.Line("__Flatten" + id + "(" + value + ", " + timestamp + ", " + window + ");");
                        WriteFlatten(t);
                        break;
                    case TransformKind.Output:
                        {
                            var output = t;
                            EmitSinkCall(w, output, value, timestamp, window);
                            break;
                        }

                    case TransformKind.CombineGlobally:
                        w.Line("_fn" + id + ".AddInput(ref _acc" + id + ", " + value + ");");
                        if (t.WithoutDefaults)
                        {
                            w.Line("_any" + id + " = true;");
                        }

                        break;
                    case TransformKind.Count:
                        w.Line("_count" + id + "++;");
                        break;
                    case TransformKind.CombinePerKey:
                        w.Line("ref var acc" + id + " = ref " + ValueRefOrAdd(t, value + ".Key", "out var exists" + id) + ";");
                        w.Open("if (!exists" + id + ")");
                        w.Line("acc" + id + " = _fn" + id + ".CreateAccumulator();");
                        w.Close();
                        w.Line("_fn" + id + ".AddInput(ref acc" + id + "!, " + value + ".Value);");
                        break;
                    case TransformKind.CountPerKey:
                        w.Line(ValueRefOrAdd(t, value + ".Key", "out bool _") + "++;");
                        break;
                    case TransformKind.CountPerElement:
                        w.Line(ValueRefOrAdd(t, value, "out bool _") + "++;");
                        break;
                    case TransformKind.Distinct:
                        w.Line(MapRef(t) + ".Add(" + KeyArg(t, value) + ");");
                        break;
                    case TransformKind.GroupByKey:
                        w.Line("ref var group" + id + " = ref " + ValueRefOrAdd(t, value + ".Key", "out bool _") + ";");
                        w.Line("(group" + id + " ??= new global::System.Collections.Generic.List<" + t.ValueTypes[0] + ">()).Add(" + value + ".Value);");
                        break;
                    case TransformKind.CoGroupByKey:
                        w.Line("ref var group" + id + " = ref " + ValueRefOrAdd(t, value + ".Key", "out bool _") + ";");
                        w.Line("(group" + id + " ??= new " + CoGroupStateType(t) + "()).Values" + N(inputIndex) + ".Add(" + value + ".Value);");
                        break;
                    case TransformKind.AsSingleton:
                        w.Line("_view" + id + " = " + value + ";");
                        w.Line("_viewCount" + id + "++;");
                        break;
                    case TransformKind.AsList:
                        w.Line("_view" + id + ".Add(" + value + ");");
                        break;
                    case TransformKind.AsDictionary:
                        w.Open("if (!_view" + id + ".TryAdd(" + value + ".Key, " + value + ".Value))");
                        w.Line(DuplicateViewKey(t, value + ".Key"));
                        w.Close();
                        break;
                    default:
                        w.Line("#error Compiled.Generator cannot emit " + t.Kind);
                        break;
                }
            }

            /// <summary>
            /// The element's context for a function that takes it (Beam's @Timestamp, BoundedWindow and PaneInfo
            /// parameters): the timestamp and window the chain carries, and the pane of the firing that emitted the
            /// element (the runner's current pane: NoFiring before any grouping).
            /// </summary>
            private string[] ContextArgument(TransformSpec t, string timestamp, string window, string? pane = null) =>
                t.ReadsContext ? new[] { "new global::Compiled.ElementContext(" + timestamp + ", " + window + ", " + (pane ?? _paneExpression) + ")" } : System.Array.Empty<string>();

            /// <summary>
            /// Map, Filter or FlatMap with a failure output: the function runs in a try; a throw sends the element with
            /// its exception to port 1 and the stage goes on. A FlatMap's outputs wait in a buffer until its function
            /// returns, so an element gives all its outputs or none.
            /// </summary>
            private void EmitWithFailures(SourceWriter w, TransformSpec t, string value, string timestamp, string window)
            {
                var id = N(t.Id);
                var v = "v" + id;
                var x = "x" + id;
                w.Line("global::System.Exception? " + x + " = null;");
                switch (t.Kind)
                {
                    case TransformKind.Map:
                        w.Line(t.OutputTypes[0] + " " + v + " = default!;");
                        w.Open("try");
                        w.Line(v + " = " + Call(t, value) + ";");
                        break;
                    case TransformKind.Filter:
                        w.Line("var " + v + " = false;");
                        w.Open("try");
                        w.Line(v + " = " + Call(t, value) + ";");
                        break;
                    default:
                        WriteBufferEmitter(t);
                        w.Line("__buffer" + id + ".Clear();");
                        w.Open("try");
                        w.Line(Call(t, value, "new __BufferEmit" + id + "(this, " + timestamp + ")") + ";");
                        break;
                }

                w.Close();
                w.Open("catch (global::System.Exception ex)");
                w.Line(x + " = ex;");
                w.Close();
                w.Open("if (" + x + " is null)");
                switch (t.Kind)
                {
                    case TransformKind.Map:
                        EmitConsumers(w, t.Id, 0, v, timestamp, window);
                        break;
                    case TransformKind.Filter:
                        w.Open("if (" + v + ")");
                        EmitConsumers(w, t.Id, 0, value, timestamp, window);
                        w.Close();
                        break;
                    default:
                        w.Open("for (var b" + id + " = 0; b" + id + " < __buffer" + id + ".Count; b" + id + "++)");
                        w.Line("var (bv" + id + ", bt" + id + ") = __buffer" + id + "[b" + id + "];");
                        EmitConsumers(w, t.Id, 0, "bv" + id, "bt" + id, window);
                        w.Close();
                        break;
                }

                w.Close();
                w.Open("else");
                w.Line("// The function threw: the element goes to the failures, with its exception.");
                w.Line("var f" + id + " = new " + t.OutputTypes[1] + "(" + value + ", " + x + ", " + Literal(t.Label) + ");");
                EmitConsumers(w, t.Id, 1, "f" + id, timestamp, window);
                w.Close();
            }

            private void WriteBufferEmitter(TransformSpec t)
            {
                var name = "__BufferEmit" + N(t.Id);
                if (!_written.Add(name))
                {
                    return;
                }

                var type = t.OutputTypes[0];
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>The outputs of #" + N(t.Id) + " " + Doc(t.Label) + " wait here until its function returns (all or none).</summary>");
                    w.Line("private readonly global::System.Collections.Generic.List<(" + type + " Value, global::Compiled.Instant Timestamp)> __buffer" + N(t.Id) + " = new();");
                    w.Line();
                    w.Line("/// <summary>The emitter of #" + N(t.Id) + " " + Doc(t.Label) + ": Emit adds to its buffer.</summary>");
                    w.Open("private readonly struct " + name + " : global::Compiled.IEmitter<" + type + ">");
                    w.Line("private readonly " + _runnerType + " _runner;");
                    w.Line("private readonly global::Compiled.Instant _timestamp;");
                    w.Line();
                    w.Open("public " + name + "(" + _runnerType + " runner, global::Compiled.Instant timestamp)");
                    w.Line("_runner = runner;");
                    w.Line("_timestamp = timestamp;");
                    w.Close();
                    w.Line();
                    w.Line(Inline);
                    w.Line("public void Emit(" + type + " value) => _runner.__buffer" + N(t.Id) + ".Add((value, _timestamp));");
                    w.Line();
                    w.Line("/// <summary>Emits with a new timestamp, no earlier than the input's.</summary>");
                    w.Open("public void EmitWithTimestamp(" + type + " value, global::Compiled.Instant timestamp)");
                    w.Open("if (timestamp < _timestamp || timestamp > global::Compiled.Instant.MaxValue)");
                    w.Line(CheckFailure(t, Literal(t.Label + " emitted timestamp ") + " + timestamp + " + Literal(", earlier than the input's timestamp or after the end of event time.")));
                    w.Close();
                    w.Line("_runner.__buffer" + N(t.Id) + ".Add((value, timestamp));");
                    w.Close();
                    w.Close();
                    w.Line();
                });
            }

            private readonly HashSet<string> _written = new();

            /// <summary>The runner's field that holds the pane of the firing under way (NoFiring before any grouping).</summary>
            private const string RunnerPane = "_pane";

            /// <summary>
            /// How the code being written reads the current pane: the runner's field, or, in a method that delivers one fired
            /// pane, that pane's parameter (the same value, in registers).
            /// </summary>
            private string _paneExpression = RunnerPane;

            /// <summary>True when the state key type is annotated nullable (a nullable reference or value type).</summary>
            private static bool MayBeNull(TransformSpec t)
            {
                var key = t.StateKeyType;
                return key is not null && key.EndsWith("?", System.StringComparison.Ordinal);
            }

            private void WriteEmitter(TransformSpec t, int port)
            {
                var name = "__Emit" + N(t.Id) + "_" + N(port);
                if (!_written.Add(name))
                {
                    return;
                }

                var type = t.OutputTypes[port];
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>Output " + N(port) + " of #" + N(t.Id) + " " + t.Label + ": Emit continues straight into the rest of the stage.</summary>");
                    w.Open("private readonly struct " + name + " : global::Compiled.IEmitter<" + type + ">");
                    w.Line("private readonly " + _runnerType + " _runner;");
                    w.Line("private readonly global::Compiled.Instant _timestamp;");
                    w.Line("private readonly global::Compiled.BoundedWindow _window;");
                    w.Line();
                    w.Open("public " + name + "(" + _runnerType + " runner, global::Compiled.Instant timestamp, global::Compiled.BoundedWindow window)");
                    w.Line("_runner = runner;");
                    w.Line("_timestamp = timestamp;");
                    w.Line("_window = window;");
                    w.Close();
                    w.Line();
                    w.Line(Inline);
                    w.Line("public void Emit(" + type + " value) => _runner.__Continue" + N(t.Id) + "_" + N(port) + "(value, _timestamp, _window);");
                    w.Line();
                    var skew = t.AllowedSkewMs.ToString(CultureInfo.InvariantCulture) + "L";
                    w.Line("/// <summary>Emits with a new timestamp, no earlier than the input's minus the allowed skew (" + skew + " ms), in the input's windows.</summary>");
                    w.Open("public void EmitWithTimestamp(" + type + " value, global::Compiled.Instant timestamp)");
                    w.Open("if (timestamp.Millis < _timestamp.Millis - " + skew + ")");
                    w.Line(CheckFailure(t, Literal(t.Label + " emitted timestamp ") + " + timestamp + " + Literal(", earlier than the input's timestamp ") + " + _timestamp + " + Literal(" minus the allowed skew of " + t.AllowedSkewMs.ToString(CultureInfo.InvariantCulture) + " ms; as in Beam, declare allowedTimestampSkew on the ParDo to allow it.")));
                    w.Close();
                    w.Open("if (timestamp > global::Compiled.Instant.MaxValue)");
                    w.Line(CheckFailure(t, Literal(t.Label + " emitted timestamp ") + " + timestamp.Millis.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + " + Literal(" ms, after the end of event time (Instant.MaxValue).")));
                    w.Close();
                    w.Line("_runner.__Continue" + N(t.Id) + "_" + N(port) + "(value, timestamp, _window);");
                    w.Close();
                    w.Close();
                    w.Line();
                    w.Line(Inline);
                    w.Open("private void __Continue" + N(t.Id) + "_" + N(port) + "(" + type + " value, global::Compiled.Instant timestamp, global::Compiled.BoundedWindow window)");
                    EmitConsumers(w, t.Id, port, "value", "timestamp", "window");
                    w.Close();
                    w.Line();
                });
            }

            private void WriteFlatten(TransformSpec t)
            {
                var name = "__Flatten" + N(t.Id);
                if (!_written.Add(name))
                {
                    return;
                }

                _runnerExtras.Add(w =>
                {
                    w.Line("// #" + N(t.Id) + " " + t.Label + ": every input continues here, nothing is copied.");
                    w.Line(Inline);
                    w.Open("private void " + name + "(" + t.OutputTypes[0] + " value, global::Compiled.Instant timestamp, global::Compiled.BoundedWindow window)");
                    EmitConsumers(w, t.Id, 0, "value", "timestamp", "window");
                    w.Close();
                    w.Line();
                });
            }
        }
    }
}
