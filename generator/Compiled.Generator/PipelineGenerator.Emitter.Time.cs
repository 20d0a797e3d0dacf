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
            private void WriteWatermark(SourceWriter w)
            {
                var windowed = _plan.FlushOrder.Select(id => _t[id]).Where(t => t.OutputWindowing is not null && !IsStatefulParDo(t) && t.SideInput is null).ToList();
                // What fires as the watermark moves, in flush (topological) order: windows, stateful ParDos' timers, views kept
                // per window (complete as the watermark passes their ends) and their readers (which replay what waited).
                var firing = _plan.FlushOrder.Select(id => _t[id]).Where(t => t.OutputWindowing is not null && t.SideInput is null || IsStatefulParDo(t) || SideWindowsOf(t) is not null).ToList();
                w.Line("/// <summary>The input watermark: no more elements are expected with earlier timestamps.</summary>");
                w.Line("public global::Compiled.Instant Watermark => _watermark;");
                w.Line();
                var tracked = _inputs.Where(i => i.MaxOutOfOrdernessMs is not null).Select(i => "'" + Doc(i.Name) + "'").ToList();
                if (tracked.Count > 0)
                {
                    w.Line("/// <summary>");
                    w.Line("/// How many elements of a span pushed into " + (tracked.Count == 1 ? "input " + tracked[0] + ", which tracks its own watermark," : "an input that tracks its own watermark (" + string.Join(", ", tracked) + ")"));
                    w.Line("/// make one bundle: after each bundle the input's watermark advances and triggers are evaluated, so a large push");
                    w.Line("/// closes windows as it goes. Default <see cref=\"global::Compiled.Execution.Bundles.DefaultSize\"/> (1,024); at least 1.");
                    w.Line("/// The results are those of pushing each bundle by a call of its own.");
                    w.Line("/// </summary>");
                    w.Open("public int BundleSize");
                    w.Line("get => _bundleSize;");
                    w.Line("set => _bundleSize = global::Compiled.Execution.Bundles.Validate(value);");
                    w.Close();
                    w.Line();
                }

                w.Line("/// <summary>");
                w.Line("/// Elements dropped because they were late: their window had expired (behind the watermark by more than the");
                w.Line("/// allowed lateness) or its trigger had finished (closed window).");
                w.Line("/// </summary>");
                w.Line("public long DroppedLateElements => _droppedLate" + string.Concat(_t.Where(UsesPanes).Select(t => " + _panes" + N(t.Id) + ".DroppedLate + _panes" + N(t.Id) + ".DroppedClosed")) + ";");
                w.Line();
                WriteInputWatermarks(w);
                var inline = windowed.Where(t => !UsesPanes(t)).ToList();
                var fastPath = inline.Count > 0 && inline.Count == windowed.Count && !AnyStatefulParDo && !AnySideInputReader;
                w.Line("/// <summary>Moves the pipeline's watermark: windows whose end (plus allowed lateness) it passes fire, in order.</summary>");
                if (fastPath)
                {
                    w.Line(Inline);
                }

                w.Open("private void __AdvanceTo(global::Compiled.Instant watermark)");
                w.Open("if (watermark <= _watermark)");
                w.Line("return;");
                w.Close();
                w.Line("_watermark = watermark;");
                WritePartitionForward(w, "watermark", andReturn: true);
                if (fastPath)
                {
                    // Most advances fire nothing: one compare, and the transforms' input watermarks follow.
                    w.Open("if (watermark > _fireAt)");
                    w.Line("__Fire(watermark);");
                    w.Line("return;");
                    w.Close();
                    foreach (var t in inline)
                    {
                        w.Line("_wm" + N(t.Id) + " = watermark;");
                    }

                    w.Close();
                    w.Line();
                    w.Line("/// <summary>Fires every window the watermark has passed, stage by stage.</summary>");
                    w.Open("private void __Fire(global::Compiled.Instant watermark)");
                }

                foreach (var t in firing)
                {
                    w.Line("// Fire #" + N(t.Id) + " " + t.Label);
                    var held = HoldingUpstream(t);
                    var mark = "watermark";
                    if (held.Count > 0)
                    {
                        // Upstream panes not yet emitted, and upstream timers, hold this transform's input watermark back (Beam's watermark holds).
                        mark = "hw" + N(t.Id);
                        w.Line("var " + mark + " = " + string.Concat(held.Select(u => "global::Compiled.Instant.Min(" +
                            (IsStatefulParDo(_t[u]) ? StatefulOutputWatermark(_t[u]) : _t[u].SideInput is not null ? "_pendingMin" + N(u) : "_panes" + N(u) + ".OutputWatermark") + ", ")) +
                            "watermark" + new string(')', held.Count) + ";");
                    }

                    if (SideWindowsOf(t) is not null)
                    {
                        WriteWindowedSideInputAdvance(w, t, mark);
                        continue;
                    }

                    if (IsStatefulParDo(t))
                    {
                        w.Line("__FireTimers" + N(t.Id) + "(" + mark + ");");
                    }
                    else if (UsesPanes(t))
                    {
                        WritePanedAdvance(w, t, "AdvanceWatermark", mark);
                        w.Line("_pane = global::Compiled.PaneInfo.NoFiring;");
                    }
                    else
                    {
                        WriteFire(w, t, mark);
                    }
                }

                if (fastPath)
                {
                    w.Line("_fireAt = " + string.Join("", inline.Take(inline.Count - 1).Select(t => "global::Compiled.Instant.Min(_nextEnd" + N(t.Id) + ", ")) + "_nextEnd" + N(inline[inline.Count - 1].Id) + new string(')', inline.Count - 1) + ";");
                }

                w.Close();
                w.Line();
                WriteProcessingTime(w);
                if (windowed.Any(t => !UsesPanes(t)))
                {
                    w.Line("private static int __WindowOrder(global::Compiled.BoundedWindow a, global::Compiled.BoundedWindow b) =>");
                    w.Line("    a.End != b.End ? a.End.CompareTo(b.End) : a.Start.CompareTo(b.Start);");
                    w.Line();
                }
            }

            /// <summary>The end of a bundle: triggers of windows that received elements are evaluated, their panes delivered.</summary>
            private void WriteEndBundle(SourceWriter w)
            {
                if (AnyPanes)
                {
                    w.Line("__EndBundle();");
                }

                if (_currentInput is { MaxOutOfOrdernessMs: not null } input)
                {
                    w.Line("__Arrived" + Names.ToPascal(input.Name!) + "();");
                }
            }

            /// <summary>The panes whose triggers the end of a bundle evaluates (open sessions have none to evaluate), in flush order.</summary>
            private List<TransformSpec> EvaluatedAtBundleEnd => _plan.FlushOrder.Select(id => _t[id]).Where(t => UsesPanes(t) && !UsesOpenSessions(t)).ToList();

            /// <summary>The end of a plain push that has work (see WritePlainPush): what <see cref="WriteEndBundle"/> does, without forwarding.</summary>
            private void WritePlainEndBundle(SourceWriter w)
            {
                if (EvaluatedAtBundleEnd.Count > 0)
                {
                    w.Line("__EndPlainBundle();");
                }

                if (_currentInput is { MaxOutOfOrdernessMs: not null } input)
                {
                    w.Line("__Arrived" + Names.ToPascal(input.Name!) + "();");
                }
            }

            /// <summary>
            /// The quiet watermark advance's check of the panes: each says whether the advance fires nothing. A partition of the
            /// streaming parallel runner holds no panes (they are never lifted: its elements go to the shards), never advances
            /// them, and so skips the check: its advance only moves its watermarks and forwards them.
            /// </summary>
            private string QuietPanes(List<TransformSpec> panes)
            {
                if (panes.Count == 0)
                {
                    return string.Empty;
                }

                var checks = string.Join(" && ", panes.Select(t => "_panes" + N(t.Id) + ".TryAdvanceWatermarkQuietly(watermark)"));
                return Streaming ? " && (__partition || " + checks + ")" : " && " + checks;
            }

            /// <summary>The input whose Push methods are being written.</summary>
            private TransformSpec? _currentInput;

            /// <summary>
            /// Per-input watermarks: each input's own (set by the source, or trailing its latest timestamp), the
            /// pipeline's the minimum over inputs that are not idle.
            /// </summary>
            private void WriteInputWatermarks(SourceWriter w)
            {
                w.Line("/// <summary>");
                w.Line("/// Advances the watermark of every input: no more elements are expected with earlier timestamps. Windows of");
                w.Line("/// groupings and combines whose end (plus allowed lateness) the watermark passes fire; elements that arrive");
                w.Line("/// later than that are dropped and counted in <see cref=\"DroppedLateElements\"/>. A watermark never goes");
                w.Line("/// back: an earlier one is ignored.");
                w.Line("/// </summary>");
                // One input, no idleness, no keyed window panes: an advance that fires nothing runs no user code and
                // cannot fail, so it skips the call's framing (one compare for the gate, one for the earliest window end)
                // and stays inlinable; the rest goes through the gate.
                var windowed = _plan.FlushOrder.Select(id => _t[id]).Where(t => t.OutputWindowing is not null && !IsStatefulParDo(t) && t.SideInput is null).ToList();
                // Stateful ParDos join the quiet path when an advance that fires none of their timers or expirations moves only
                // their input watermark: none sorts its input by time, none holds another's watermark, and nothing below them
                // is windowed (their holds would bound it).
                var statefuls = _t.Where(IsStatefulParDo).ToList();
                var quietStateful = statefuls.All(t => !t.Stateful!.SortsInput && _plan.States[t.Id].HeldBy.Count == 0) && (statefuls.Count == 0 || windowed.Count == 0);
                // Panes join it when they say whether an advance fires nothing (SaysWhenQuiet: no timer behind the new
                // watermark, no bundle waiting), and such an advance only moves their watermark.
                var inline = windowed.Where(t => !UsesPanes(t)).ToList();
                var panes = windowed.Where(UsesPanes).ToList();
                var quiet = _inputs.Count == 1 && _inputs[0].IdlenessMs == 0 && panes.All(SaysWhenQuiet) && quietStateful && !AnySideInputReader;
                if (quiet)
                {
                    var only = Names.ToPascal(_inputs[0].Name!);
                    w.Line(Inline);
                    w.Open("public void AdvanceWatermark(global::Compiled.Instant watermark)");
                    // The panes' checks come last and advance them when nothing fires: should one refuse, the full call follows,
                    // and panes already advanced have nothing to fire at that watermark.
                    // With a clock set, a call's end re-arms it (a partition's flush of what it sent among others): such a runner
                    // takes the call.
                    w.Open("if (__state == 0" + (ClockDriven ? " && _timeProvider is null" : string.Empty) + (inline.Count > 0 ? " && watermark.Millis <= _fireAt.Millis" : string.Empty) +
                           string.Concat(statefuls.Select(t => " && watermark.Millis <= " + StatesField(t) + ".Timers.DueAt")) +
                           QuietPanes(panes) + ")");
                    w.Line("// Nothing fires: the watermarks move (the pipeline's is its one input's), and that is all.");
                    w.Open("if (watermark.Millis > _inputWatermark" + only + ".Millis)");
                    w.Line("_inputWatermark" + only + " = watermark;");
                    w.Line("_watermark = watermark;");
                    foreach (var t in inline)
                    {
                        w.Line("_wm" + N(t.Id) + " = watermark;");
                    }

                    foreach (var t in statefuls)
                    {
                        // What __FireTimers does when nothing is due: its input watermark moves, for the late check and relative timers.
                        w.Open("if (watermark > _swm" + N(t.Id) + ")");
                        w.Line("_swm" + N(t.Id) + " = watermark;");
                        w.Line(StatesField(t) + ".Timers.SetInputWatermark(watermark);");
                        w.Close();
                    }

                    WritePartitionForward(w, "watermark");
                    w.Close();
                    w.Line("return;");
                    w.Close();
                    w.Line("__AdvanceWatermarkCall(watermark);");
                    w.Close();
                    w.Line();
                    w.Open("private void __AdvanceWatermarkCall(global::Compiled.Instant watermark)");
                }
                else
                {
                    w.Open("public void AdvanceWatermark(global::Compiled.Instant watermark)");
                }

                OpenQuietCall(w);
                foreach (var input in _inputs)
                {
                    var name = Names.ToPascal(input.Name!);
                    w.Open("if (watermark > _inputWatermark" + name + ")");
                    w.Line("_inputWatermark" + name + " = watermark;");
                    w.Close();
                }

                w.Line("__RecomputeWatermark();");
                CloseQuietCall(w);
                w.Close();
                w.Line();
                foreach (var input in _inputs)
                {
                    var name = Names.ToPascal(input.Name!);
                    if (_inputs.Count > 1)
                    {
                        w.Line("/// <summary>Advances the watermark of input '" + Doc(input.Name) + "' (a source that tracks its own event time); the pipeline's watermark is the minimum over its inputs.</summary>");
                        w.Open("public void Advance" + name + "Watermark(global::Compiled.Instant watermark)");
                        OpenQuietCall(w);
                        w.Open("if (watermark > _inputWatermark" + name + ")");
                        w.Line("_inputWatermark" + name + " = watermark;");
                        w.Line("__RecomputeWatermark();");
                        w.Close();
                        CloseQuietCall(w);
                        w.Close();
                        w.Line();
                    }

                    if (input.MaxOutOfOrdernessMs is { } delay)
                    {
                        w.Line("/// <summary>After a bundle of input '" + Doc(input.Name) + "': its watermark trails the latest timestamp seen by " + delay.ToString(CultureInfo.InvariantCulture) + " ms.</summary>");
                        w.Line(Inline);
                        w.Open("private void __Arrived" + name + "()");
                        if (input.IdlenessMs > 0)
                        {
                            w.Line("_lastActive" + name + " = _processingTime;");
                        }

                        w.Line("var candidate = _maxSeen_" + name + ".Millis - " + delay.ToString(CultureInfo.InvariantCulture) + "L;");
                        w.Open("if (candidate > _inputWatermark" + name + ".Millis)");
                        w.Line("_inputWatermark" + name + " = new global::Compiled.Instant(candidate);");
                        w.Line("__RecomputeWatermark();");
                        w.Close();
                        w.Close();
                        w.Line();
                    }
                }

                w.Line("/// <summary>The pipeline's watermark: the minimum over inputs that are not idle (all idle: the maximum).</summary>");
                w.Line(Inline);
                w.Open("private void __RecomputeWatermark()");
                if (_inputs.Count == 1 && _inputs[0].IdlenessMs == 0)
                {
                    w.Line("__AdvanceTo(_inputWatermark" + Names.ToPascal(_inputs[0].Name!) + ");");
                }
                else
                {
                    w.Line("var min = global::Compiled.Instant.MaxValue;");
                    w.Line("var max = global::Compiled.Instant.MinValue;");
                    w.Line("var active = false;");
                    foreach (var input in _inputs)
                    {
                        var name = Names.ToPascal(input.Name!);
                        w.Open("if (_inputWatermark" + name + " > max)");
                        w.Line("max = _inputWatermark" + name + ";");
                        w.Close();
                        var idle = input.IdlenessMs > 0
                            ? "_processingTime.Millis - _lastActive" + name + ".Millis >= " + input.IdlenessMs.ToString(CultureInfo.InvariantCulture) + "L"
                            : null;
                        w.Open(idle is null ? "if (_inputWatermark" + name + " < min)" : "if (!(" + idle + ") && _inputWatermark" + name + " < min)");
                        w.Line("min = _inputWatermark" + name + ";");
                        w.Close();
                        w.Line(idle is null ? "active = true;" : "active |= !(" + idle + ");");
                    }

                    WritePartitionIdleness(w);
                    w.Line("__AdvanceTo(active ? min : max);");
                }

                w.Close();
                w.Line();
            }

            /// <summary>With a clock set and processing-time triggers declared, every push reads the clock.</summary>
            private void WriteTick(SourceWriter w)
            {
                if (AnyProcessingTime)
                {
                    w.Open("if (_timeProvider is not null)");
                    w.Line("__AdvanceProcessingTime(global::Compiled.Instant.FromDateTimeOffset(_timeProvider.GetUtcNow()));");
                    w.Close();
                }
            }

            /// <summary>
            /// The evaluation of <paramref name="t"/>'s triggers at the end of a bundle, when one waits (most bundles leave
            /// nothing to evaluate: one check, and the panes are not called); <paramref name="resetPane"/>: the pane context is
            /// reset after it (in __EndPlainBundle; __EndBundle resets it once, after every grouping).
            /// </summary>
            private void WriteBundleEvaluation(SourceWriter w, TransformSpec t, bool resetPane)
            {
                w.Open("if (_panes" + N(t.Id) + ".BundleWaits)");
                WritePanedAdvance(w, t, "EndBundle", "");
                if (resetPane)
                {
                    w.Line("_pane = global::Compiled.PaneInfo.NoFiring;");
                }

                w.Close();
            }

            private void WriteProcessingTime(SourceWriter w)
            {
                var paned = _plan.FlushOrder.Select(id => _t[id]).Where(UsesPanes).ToList();
                var evaluated = EvaluatedAtBundleEnd;

                // A plain push whose end has work evaluates the triggers in a method of its own, which the end of a bundle
                // then calls too (it adds the pane reset and the forwarding a plain push has no need of).
                var plainEnd = evaluated.Count > 0 && _plan.UncaughtPushes.Any(i => !_plan.QuietPushEnds.Contains(i));

                // Panes that advance quietly evaluate a bundle only when one waits: once per push, a few compares, inlined.
                var inline = paned.All(SaysWhenQuiet) && paned.Count == 1;
                if (paned.Count > 0)
                {
                    w.Line("/// <summary>The end of a bundle of pushed elements: triggers that fire on elements (counts, late data) are evaluated.</summary>");
                    if (inline)
                    {
                        w.Line(Inline);
                    }

                    w.Open("private void __EndBundle()");
                    foreach (var t in paned)
                    {
                        if (UsesOpenSessions(t))
                        {
                            w.Line("// #" + N(t.Id) + " " + t.Label + ": open sessions fire only as the watermark passes their end, nothing to evaluate per bundle");
                            continue;
                        }

                        if (!plainEnd)
                        {
                            WriteBundleEvaluation(w, t, resetPane: false);
                        }
                    }

                    if (plainEnd)
                    {
                        w.Line("__EndPlainBundle();");
                    }

                    w.Line("_pane = global::Compiled.PaneInfo.NoFiring;");
                    WriteForwardEndBundle(w);
                    w.Close();
                    w.Line();
                }

                if (plainEnd)
                {
                    w.Line("/// <summary>Triggers that fire on elements are evaluated when a bundle waits: the end of a plain push (a runner of one thread, nothing to forward), and of every bundle.</summary>");
                    if (inline)
                    {
                        w.Line(Inline);
                    }

                    w.Open("private void __EndPlainBundle()");
                    foreach (var t in evaluated)
                    {
                        WriteBundleEvaluation(w, t, resetPane: true);
                    }

                    w.Close();
                    w.Line();
                }

                if (ClockDriven)
                {
                    WriteClock(w);
                }
                else if (HasClock)
                {
                    w.Line("/// <summary>");
                    w.Line("/// The clock that processing-time triggers (and idle inputs) read. Null (the default): processing time advances only through");
                    w.Line("/// <see cref=\"AdvanceProcessingTime(global::Compiled.Instant)\"/>, which keeps tests deterministic. Set it (to");
                    w.Line("/// <see cref=\"global::System.TimeProvider.System\"/>, or a fake clock) and every push reads it first.");
                    w.Line("/// </summary>");
                    w.Open("public global::System.TimeProvider? TimeProvider");
                    w.Line("get => _timeProvider;");
                    w.Line("set => _timeProvider = value;");
                    w.Close();
                    w.Line();
                }

                w.Line("/// <summary>");
                w.Line("/// Advances processing time: processing-time triggers (AfterProcessingTime, early and late firings on a delay)");
                w.Line("/// whose deadline has passed fire their panes. An earlier time than the current one is ignored.");
                w.Line("/// </summary>");
                // Panes that say an advance fires nothing (no deadline at or before it, no bundle waiting) only move their
                // processing time: then, as a quiet watermark advance, it skips the call's gate. Idle inputs and timers of
                // stateful ParDos take the full call.
                var quietTime = paned.Count > 0 && paned.All(SaysWhenQuiet) && !_inputs.Any(i => i.IdlenessMs > 0) && !_t.Any(HasProcessingTimers);
                if (quietTime)
                {
                    w.Line(Inline);
                    w.Open("public void AdvanceProcessingTime(global::Compiled.Instant now)");
                    w.Open("if (__state == 0" + (ClockDriven ? " && _timeProvider is null" : string.Empty) + string.Concat(paned.Select(t => " && _panes" + N(t.Id) + ".TryAdvanceProcessingTimeQuietly(now)")) + ")");
                    w.Line("// Nothing fires: processing time moves (the panes' moved as they said so), and that is all.");
                    w.Open("if (now > _processingTime)");
                    w.Line("_processingTime = now;");
                    w.Close();
                    WritePartitionForward(w, "_watermark");
                    w.Line("return;");
                    w.Close();
                    w.Line("__AdvanceProcessingTimeCall(now);");
                    w.Close();
                    w.Line();
                    w.Open("private void __AdvanceProcessingTimeCall(global::Compiled.Instant now)");
                }
                else
                {
                    w.Open("public void AdvanceProcessingTime(global::Compiled.Instant now)");
                }

                OpenQuietCall(w);
                w.Line("__AdvanceProcessingTime(now);");
                CloseQuietCall(w);
                w.Close();
                w.Line();
                w.Line("/// <summary>Processing time moves (from AdvanceProcessingTime, or from the clock at a push).</summary>");
                w.Open("private void __AdvanceProcessingTime(global::Compiled.Instant now)");
                w.Open("if (now > _processingTime)");
                w.Line("_processingTime = now;");
                w.Close();
                if (_inputs.Any(i => i.IdlenessMs > 0))
                {
                    w.Line("__RecomputeWatermark(); // an input may have become idle");
                }

                foreach (var t in paned)
                {
                    WritePanedAdvance(w, t, "AdvanceProcessingTime", "now");
                }

                foreach (var t in _plan.FlushOrder.Select(id => _t[id]).Where(HasProcessingTimers))
                {
                    w.Line("__FireProcessingTimers" + N(t.Id) + "(_processingTime);");
                }

                if (paned.Count > 0)
                {
                    w.Line("_pane = global::Compiled.PaneInfo.NoFiring;");
                }

                WritePartitionForward(w, "_watermark");
                w.Close();
                w.Line();
            }
        }
    }
}
