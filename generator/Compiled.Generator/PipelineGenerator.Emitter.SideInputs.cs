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
            // ----- side inputs of collections in interval windows (the plan's SideWindows) -----

            /// <summary>
            /// The window function of the view <paramref name="t"/> is, or reads, when the plan keeps that view per window
            /// (a view of a collection in fixed, sliding or custom non-merging windows); null for a view of the global window.
            /// </summary>
            private WindowSpec? SideWindowsOf(TransformSpec t) => _plan.States[t.Id].SideWindows;

            /// <summary>
            /// The side window a main element in <paramref name="mainWindow"/> reads (Beam's default window mapping: the side
            /// window function's window for the main window's max timestamp; for sliding windows the earliest that contains it).
            /// </summary>
            private string SideWindowOf(TransformSpec reader, string mainWindow)
            {
                var w = SideWindowsOf(reader)!;
                string L(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";
                return w.Kind switch
                {
                    "Global" => "global::Compiled.BoundedWindow.Global",
                    "Fixed" => "new global::Compiled.FixedWindows(" + L(w.SizeMs) + ", " + L(w.OffsetMs) + ").GetSideInputWindow(" + mainWindow + ")",
                    "Sliding" => "new global::Compiled.SlidingWindows(" + L(w.SizeMs) + ", " + L(w.PeriodMs) + ", " + L(w.OffsetMs) + ").GetSideInputWindow(" + mainWindow + ")",
                    _ => "default(" + w.CustomType + ").GetSideInputWindow(" + mainWindow + ")",
                };
            }

            /// <summary>The field of a view kept per window.</summary>
            private void WriteWindowedViewField(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                var windows = SideWindowsOf(t)!.Describe();
                switch (t.Kind)
                {
                    case TransformKind.AsSingleton:
                        StateComment(w, t, "the single element of each " + windows + " window of a side input, and how many arrived", "set when the element arrives",
                            "not mergeable: a singleton view has one element per window", "a window is read once the watermark passes its end, and dropped once it is past it by the readers' allowed lateness");
                        w.Line("private " + WindowedViewType(t) + " _view" + id + " = " + NewWindowedView(t) + "; // replaced by the whole view in the parallel batch runner's exchange");
                        break;
                    case TransformKind.AsList:
                        StateComment(w, t, "the elements of each " + windows + " window of a side input", "appended", "lists concatenate",
                            "a window is read once the watermark passes its end, and dropped once it is past it by the readers' allowed lateness");
                        w.Line("private " + WindowedViewType(t) + " _view" + id + " = " + NewWindowedView(t) + "; // replaced by the whole view in the parallel batch runner's exchange");
                        break;
                    default:
                        StateComment(w, t, "the value of each key, per " + windows + " window of a side input", "added; a duplicate key in a window is an error (as in Beam's View.asMap)",
                            "maps union, keys must not overlap", "a window is read once the watermark passes its end, and dropped once it is past it by the readers' allowed lateness");
                        w.Line("private " + WindowedViewType(t) + " _view" + id + " = " + NewWindowedView(t) + "; // replaced by the whole view in the parallel batch runner's exchange");
                        break;
                }
            }

            /// <summary>Whether a view of the pipeline is of a triggered collection (the runner then has __AsBatch).</summary>
            private bool AnyTriggeredView => _t.Any(v => v.Kind is TransformKind.AsSingleton or TransformKind.AsList or TransformKind.AsDictionary && IsTriggeredView(v));

            /// <summary>Whether the view <paramref name="t"/> is of a triggered collection: each window holds its latest pane.</summary>
            private bool IsTriggeredView(TransformSpec t) => _plan.States[t.Id].SideTriggered;

            /// <summary>A new view kept per window (a triggered one holds the latest pane, readable at its first in streaming).</summary>
            private string NewWindowedView(TransformSpec t) => IsTriggeredView(t) ? "new() { Triggered = true, ReadyOnFirstPane = true }" : "new()";

            /// <summary>An element reaches a view kept per window: into its window, or counted late if that window was read already.</summary>
            private void EmitWindowedViewElement(SourceWriter w, TransformSpec t, string value, string window)
            {
                var id = N(t.Id);
                if (IsTriggeredView(t))
                {
                    EmitTriggeredViewElement(w, t, value, window);
                    return;
                }

                w.Line("// #" + id + " " + t.Label + ", per window");
                w.Open("if (!_view" + id + ".Accepts(" + window + "))");
                w.Line("_droppedLate++; // late: the watermark passed the end of its window, which readers may have read");
                w.Close();
                w.Open("else");
                switch (t.Kind)
                {
                    case TransformKind.AsDictionary:
                        w.Open("if (!_view" + id + ".TryAdd(" + window + ", " + value + ".Key, " + value + ".Value))");
                        w.Line(DuplicateViewKey(t, value + ".Key"));
                        w.Close();
                        break;
                    default:
                        w.Line("_view" + id + ".Add(" + window + ", " + value + ");");
                        break;
                }

                w.Close();
            }

            /// <summary>
            /// An element of a pane reaches a view of a triggered collection: the window's latest pane replaces the one it held
            /// (a dictionary's keys take their latest values); late panes update it until the window is dropped. In streaming,
            /// the window's first pane makes it readable: the readers' waiting elements that map to it run at once.
            /// </summary>
            private void EmitTriggeredViewElement(SourceWriter w, TransformSpec t, string value, string window)
            {
                var id = N(t.Id);
                w.Line("// #" + id + " " + t.Label + ", per window, each holding its latest pane (the collection is triggered)");
                w.Open("if (!_view" + id + ".Accepts(" + window + "))");
                w.Line("_droppedLate++; // late: its window was dropped, past its end by more than the allowed lateness");
                w.Close();
                w.Open("else");
                w.Line("var fresh" + id + " = !_view" + id + ".IsReady(" + window + ");");
                w.Line(t.Kind == TransformKind.AsDictionary
                    ? "_view" + id + ".Put(" + window + ", " + value + ".Key, " + value + ".Value);"
                    : "_view" + id + ".Update(" + window + ", " + value + ", _pane.Index);");
                var readers = _t.Where(r => r.SideInput?.Node == t.Id).ToList();
                if (readers.Count > 0)
                {
                    w.Open("if (fresh" + id + " && _view" + id + ".IsReady(" + window + "))");
                    w.Line("// The window's first pane: what waited for it runs now, reading it.");
                    foreach (var reader in readers)
                    {
                        w.Open("if (_pending" + N(reader.Id) + ".Count > 0)");
                        w.Line("__Replay" + N(reader.Id) + "();");
                        w.Close();
                    }

                    w.Close();
                }

                w.Close();
            }

            /// <summary>
            /// An element reaches a reader of a view kept per window: it runs now if its side window is complete (late, and
            /// dropped, if that window is gone), else it waits with the others for the watermark to pass that window's end.
            /// </summary>
            private void EmitWindowedReader(SourceWriter w, TransformSpec t, string value, string timestamp, string window, int inputIndex)
            {
                var id = N(t.Id);
                var view = _t[t.SideInput!.Value.Node];
                var viewField = "_view" + N(view.Id);
                w.Line("// #" + id + " " + t.Label + ": reads side input #" + N(view.Id) + " in the window its own window maps to, once the watermark passed that window's end");
                w.Line("var sw" + id + " = " + SideWindowOf(t, window) + ";");
                w.Open("if (" + viewField + ".IsReady(sw" + id + "))");
                w.Open("if (" + viewField + ".IsCollected(sw" + id + "))");
                w.Line("_droppedLate++; // late: its side window was dropped, past its end by more than the allowed lateness");
                w.Close();
                w.Open("else");
                WriteSideArgument(w, t, "sw" + id);
                EmitTransform(w, t, value, timestamp, window, inputIndex);
                w.Close();
                w.Close();
                w.Open("else");
                EmitWaitForView(w, t, value, timestamp, window, "whose window is complete only when the watermark passes its end", "Advance the watermark sooner");
                w.Close();
            }

            /// <summary>
            /// The element waits for the reader's view: into the reader's buffer (a failure naming the view once the buffer
            /// holds SideInputBufferLimit elements), its timestamp holding the reader's output watermark.
            /// </summary>
            private void EmitWaitForView(SourceWriter w, TransformSpec t, string value, string timestamp, string window, string complete, string advice)
            {
                var id = N(t.Id);
                var view = _t[t.SideInput!.Value.Node];
                w.Open("if (_pending" + id + ".Count >= __sideInputBufferLimit)");
                w.Line(CheckFailure(t, Literal(t.Label + " reads side input #" + N(view.Id) + " " + view.Label + ", " + complete + "; the elements waiting for it reached the limit of ") +
                    " + __sideInputBufferLimit.ToString(global::System.Globalization.CultureInfo.InvariantCulture) + " + Literal(". " + advice + ", or raise the runner's SideInputBufferLimit.")));
                w.Close();
                w.Line("_pending" + id + ".Add((" + value + ", " + timestamp + ", " + window + ", " + _paneExpression + "));");
                w.Open("if (" + timestamp + " < _pendingMin" + id + ")");
                w.Line("_pendingMin" + id + " = " + timestamp + ";");
                w.Close();
            }

            /// <summary>
            /// Declares sv{id}, what the reader's function receives for side window <paramref name="sideWindow"/>: the window's
            /// list or dictionary (empty if it has none), or its single element (a failure naming the window if it has none or several).
            /// </summary>
            private void WriteSideArgument(SourceWriter w, TransformSpec t, string sideWindow)
            {
                var id = N(t.Id);
                var view = _t[t.SideInput!.Value.Node];
                var viewField = "_view" + N(view.Id);
                if (view.Kind != TransformKind.AsSingleton)
                {
                    w.Line("var sv" + id + " = " + viewField + ".Get(" + sideWindow + ");");
                    return;
                }

                var empty = viewField + ".CountIn(" + sideWindow + ") == 0";
                var crowded = Literal("Collection with more than one element accessed as a singleton side input (" + view.Label + ") in window ") + " + " + sideWindow + ".ToString()";
                w.Open("if (!" + viewField + ".TryGet(" + sideWindow + ", out var sv" + id + "))");
                if (view.ViewDefault is { } defaultValue)
                {
                    w.Open("if (" + empty + ")");
                    w.Line("sv" + id + " = " + defaultValue + "; // Beam's withDefaultValue: a window without an element reads as the default");
                    w.Close();
                    w.Open("else");
                    w.Line(CheckFailure(t, crowded));
                    w.Close();
                }
                else
                {
                    w.Line(CheckFailure(t, empty + " ? " + Literal("Empty collection accessed as a singleton side input (" + view.Label + ") in window ") + " + " + sideWindow + ".ToString() : " + crowded));
                }

                w.Close();
            }

            /// <summary>What a reader's function receives: the view field, or, for a view kept per window, the local sv{id}.</summary>
            private string[] SideArguments(TransformSpec t) =>
                t.SideInput is not { } s ? System.Array.Empty<string>()
                : SideWindowsOf(t) is null ? new[] { "_view" + N(s.Node) }
                : new[] { "sv" + N(t.Id) };

            /// <summary>
            /// What a probe gives a reader's function: probes have no window, so a view kept per window is read in the side
            /// window of the element's timestamp (as if its own window ended there); a singleton missing there reads as default.
            /// </summary>
            private string[] ProbeSideArguments(TransformSpec t, string timestamp)
            {
                if (t.SideInput is not { } s)
                {
                    return System.Array.Empty<string>();
                }

                var viewField = "_view" + N(s.Node);
                if (SideWindowsOf(t) is null)
                {
                    return new[] { viewField };
                }

                var window = SideWindowOf(t, "global::Compiled.BoundedWindow.Interval(" + timestamp + ", new global::Compiled.Instant(" + timestamp + ".Millis + 1))");
                return new[]
                {
                    _t[s.Node].Kind == TransformKind.AsSingleton
                        ? "(" + viewField + ".TryGet(" + window + ", out var psv) ? psv : " + (_t[s.Node].ViewDefault ?? "default!") + ")"
                        : viewField + ".Get(" + window + ")",
                };
            }

            /// <summary>
            /// A transform reads a side input: its waiting elements hold the watermark of what is downstream, so no advance
            /// skips the per-transform watermarks (the runner's quiet paths are off).
            /// </summary>
            private bool AnySideInputReader => _t.Any(t => t.SideInput is not null);

            /// <summary>
            /// The parallel batch runner's exchange of a view kept per window: every shard builds the whole view, window by
            /// window, from the parts of all shards in shard order (a singleton's count adds up; a dictionary's keys must not
            /// repeat within a window), then takes it once every shard has read the others' parts.
            /// </summary>
            private void WriteWindowedViewMerge(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                w.Line("var whole = new " + WindowedViewType(t) + "()" + (IsTriggeredView(t) ? " { Triggered = true }" : string.Empty) + ";");
                w.Line("whole.RestorePosition(_view" + id + ".Watermark, _view" + id + ".CollectedThrough);");
                w.Open("foreach (var peer in peers)");
                WriteWindowedViewAdd(w, t, "peer._view" + id);
                w.Close();
                w.Line("__group.SignalAndWait();");
                w.Line("_view" + id + " = whole;");
            }

            /// <summary>Adds every window of the view <paramref name="source"/> to the local view "whole", window by window.</summary>
            private void WriteWindowedViewAdd(SourceWriter w, TransformSpec t, string source)
            {
                w.Open("foreach (var window in " + source + ".Windows())");
                switch (t.Kind)
                {
                    case TransformKind.AsSingleton:
                        w.Line("var (value, count, pane) = " + source + ".Cell(window);");
                        w.Line("whole.Merge(window, value, count, pane);");
                        break;
                    case TransformKind.AsList:
                        w.Line("whole.Merge(window, " + source + ".Get(window), " + source + ".PaneOf(window));");
                        break;
                    case TransformKind.AsDictionary when IsTriggeredView(t):
                        w.Open("foreach (var e in " + source + ".Get(window))");
                        w.Line("whole.Put(window, e.Key, e.Value);");
                        w.Close();
                        break;
                    default:
                        w.Open("foreach (var e in " + source + ".Get(window))");
                        w.Open("if (!whole.TryAdd(window, e.Key, e.Value))");
                        w.Line(DuplicateViewKey(t, "e.Key"));
                        w.Close();
                        w.Close();
                        break;
                }

                w.Close();
            }

            /// <summary>The runtime type of a view kept per window.</summary>
            private static string WindowedViewType(TransformSpec t) => t.Kind switch
            {
                TransformKind.AsSingleton => "global::Compiled.Execution.WindowedSingletonView<" + t.InputType + ">",
                TransformKind.AsList => "global::Compiled.Execution.WindowedListView<" + t.InputType + ">",
                _ => "global::Compiled.Execution.WindowedDictionaryView<" + t.KeyType + ", " + t.ValueTypes[0] + ">",
            };

            /// <summary>
            /// As the watermark moves: a view takes its input watermark (its windows before it are complete; those past it by
            /// more than the readers' lateness are dropped); a reader replays the elements whose side window is complete.
            /// </summary>
            private void WriteWindowedSideInputAdvance(SourceWriter w, TransformSpec t, string mark)
            {
                var id = N(t.Id);
                if (t.SideInput is null)
                {
                    w.Line("_view" + id + ".Advance(" + mark + ", " + _plan.States[t.Id].SideRetentionMs.ToString(CultureInfo.InvariantCulture) + "L);");
                    return;
                }

                w.Open("if (_pending" + id + ".Count > 0)");
                w.Line("__Replay" + id + "();");
                w.Close();
            }

            /// <summary>
            /// __Replay{id} of every reader of a view kept per window: the waiting elements whose side window is complete run,
            /// in arrival order, with the pane they arrived with; the others keep waiting, and the earliest of them holds the
            /// reader's output watermark.
            /// </summary>
            private void WriteReplayMethods(SourceWriter w)
            {
                if (AnyTriggeredView)
                {
                    w.Line("/// <summary>");
                    w.Line("/// A batch run: a view of a triggered collection is read once its window is complete, with its last pane, as every");
                    w.Line("/// other view (Beam computes a side input before a batch stage reads it), so Run and Run on shards agree.");
                    w.Line("/// </summary>");
                    w.Open("internal void __AsBatch()");
                    foreach (var view in _t.Where(v => v.Kind is TransformKind.AsSingleton or TransformKind.AsList or TransformKind.AsDictionary && IsTriggeredView(v)))
                    {
                        w.Line("_view" + N(view.Id) + ".ReadyOnFirstPane = false;");
                    }

                    w.Close();
                    w.Line();
                }

                foreach (var t in _t.Where(t => t.SideInput is not null && SideWindowsOf(t) is not null))
                {
                    var id = N(t.Id);
                    var viewField = "_view" + N(t.SideInput!.Value.Node);
                    w.Line("/// <summary>#" + id + " " + Doc(t.Label) + ": runs the waiting elements whose side window is complete; the others wait on.</summary>");
                    w.Open("private void __Replay" + id + "()");
                    w.Line("var pending = _pending" + id + ";");
                    w.Line("var pane = _pane;");
                    w.Line("var kept = 0;");
                    w.Line("var earliest = global::Compiled.Instant.MaxValue;");
                    w.Open("for (var r" + id + " = 0; r" + id + " < pending.Count; r" + id + "++)");
                    w.Line("var (p" + id + ", pts" + id + ", pw" + id + ", pane" + id + ") = pending[r" + id + "];");
                    w.Line("var sw" + id + " = " + SideWindowOf(t, "pw" + id) + ";");
                    w.Open("if (!" + viewField + ".IsReady(sw" + id + "))");
                    w.Line("pending[kept++] = pending[r" + id + "];");
                    w.Open("if (pts" + id + " < earliest)");
                    w.Line("earliest = pts" + id + ";");
                    w.Close();
                    w.Line("continue;");
                    w.Close();
                    w.Open("if (" + viewField + ".IsCollected(sw" + id + "))");
                    w.Line("_droppedLate++; // its side window was dropped before it could be read");
                    w.Line("continue;");
                    w.Close();
                    w.Line("_pane = pane" + id + ";");
                    w.Open("try");
                    WriteSideArgument(w, t, "sw" + id);
                    EmitTransform(w, t, "p" + id, "pts" + id, "pw" + id, 0);
                    w.Close();
                    w.Open("catch (global::System.Exception ex)");
                    w.Line("__DeliveryFailed(ex, ex is global::Compiled.PipelineExecutionException ? -1 : " + ProbeFrom(t, includeSelf: true) + "(p" + id + ", pts" + id + "), " +
                           Literal("an element replayed into " + t.Label + " once its side window was complete") + ");");
                    w.Close();
                    w.Close();
                    w.Line("pending.RemoveRange(kept, pending.Count - kept);");
                    w.Line("_pendingMin" + id + " = earliest;");
                    w.Line("_pane = pane;");
                    w.Close();
                    w.Line();
                }
            }
        }
    }
}
