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
                w.Open("public void Finish()");
                w.Line("ThrowIfFinished();");
                w.Line("_finished = true;");
                w.Line("_watermark = global::Compiled.Instant.MaxValue;");
                w.Line("_pane = global::Compiled.PaneInfo.OnTimeAndOnly;");
                w.Line("var window = global::Compiled.BoundedWindow.Global;");
                w.Line("var timestamp = window.MaxTimestamp;");
                foreach (var id in _plan.FlushOrder)
                {
                    var t = _t[id];
                    w.Line();
                    w.Line("// Stage: emit #" + N(id) + " " + t.Label);
                    WriteFlush(w, t);
                }

                w.Close();
                w.Line();
            }

            private void WriteFlush(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                if (t.SideInput is { } side)
                {
                    // Replay the buffered input now that the view is complete.
                    // Replay the buffered input now that the view is complete; each element keeps the
                    // timestamp and pane it arrived with.
                    w.Open("foreach (var (p" + id + ", pts" + id + ", pw" + id + ", pane" + id + ") in _pending" + id + ")");
                    w.Line("_pane = pane" + id + ";");
                    EmitTransform(w, t, "p" + id, "pts" + id, "pw" + id, 0);
                    w.Close();
                    w.Line("_pending" + id + ".Clear();");
                    w.Line("_pane = global::Compiled.PaneInfo.OnTimeAndOnly;");
                    return;
                }

                if (UsesPanes(t))
                {
                    WritePanedAdvance(w, t, "AdvanceWatermark(global::Compiled.Instant.MaxValue)");
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
                        w.Open("if (_viewCount" + id + " != 1)");
                        w.Line("throw new global::System.InvalidOperationException(_viewCount" + id + " == 0 ? " +
                               Literal("Empty collection accessed as a singleton side input (" + t.Label + ").") + " : " +
                               Literal("Collection with more than one element accessed as a singleton side input (" + t.Label + ").") + ");");
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
