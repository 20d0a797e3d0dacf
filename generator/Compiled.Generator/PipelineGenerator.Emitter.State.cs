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
            // ----- stateful ParDo: the state struct per key and window, its timers, its callbacks -----

            private static bool IsStatefulParDo(TransformSpec t) => t.Kind == TransformKind.StatefulParDo;

            private bool AnyStatefulParDo => _t.Any(IsStatefulParDo);

            /// <summary>Whether a stateful ParDo of the pipeline has processing-time timers (they need the clock).</summary>
            private bool AnyProcessingTimers => _t.Any(HasProcessingTimers);

            private static bool HasProcessingTimers(TransformSpec t) => t.Stateful?.Cells.Any(c => c.Kind.IsProcessingTime()) == true;

            private static string OnTimerName(TransformSpec t) => "__OnTimer" + N(t.Id);

            private static string OnWindowExpirationName(TransformSpec t) => "__OnWindowExpiration" + N(t.Id);

            private static string StatesField(TransformSpec t) => "_states" + N(t.Id);

            /// <summary>The struct emitters of every output of a stateful ParDo, at a timestamp and window (written on first use).</summary>
            private string[] StatefulEmitters(TransformSpec t, string timestamp, string window)
            {
                var emitters = new string[t.OutputTypes.Count];
                for (var port = 0; port < emitters.Length; port++)
                {
                    WriteEmitter(t, port);
                    emitters[port] = "new __Emit" + N(t.Id) + "_" + N(port) + "(this, " + timestamp + ", " + window + ")";
                }

                return emitters;
            }

            /// <summary>The watermark a transform downstream of a stateful ParDo may see: its input watermark, held at its timers' output timestamps.</summary>
            private static string StatefulOutputWatermark(TransformSpec t) =>
                "global::Compiled.Instant.Min(_swm" + N(t.Id) + ", " + StatefulHold(t) + ")";

            /// <summary>What holds a stateful ParDo's output watermark: its timers' output timestamps, and the elements waiting to be sorted.</summary>
            private static string StatefulHold(TransformSpec t) =>
                t.Stateful!.SortsInput
                    ? "global::Compiled.Instant.Min(" + StatesField(t) + ".Timers.Hold, _sorted" + N(t.Id) + ".MinTimestamp)"
                    : StatesField(t) + ".Timers.Hold";

            private void WriteStatefulStateField(SourceWriter w, TransformSpec t)
            {
                var id = N(t.Id);
                var stateful = t.Stateful!;
                var cells = stateful.Cells.Where(c => !c.Kind.IsTimer()).Select(c => c.Name + " (" + c.Kind.Describe() + ")").ToList();
                var timers = stateful.Cells.Where(c => c.Kind.IsTimer()).OrderBy(c => c.TimerOrdinal).ToList();
                StateComment(w, t,
                    "a " + stateful.StateType.Replace("global::", string.Empty) + " struct per key and window, inline in an array of slots" +
                    (cells.Count > 0 ? " (" + string.Join(", ", cells) + ")" : string.Empty) + ", and its timers in a scheduler (" +
                    (timers.Count > 0 ? string.Join(", ", timers.Select(c => c.Name + ": " + c.Kind.Describe())) : "none") + ")",
                    "the callbacks get the struct by reference and update its cells in place; timers fire in timestamp order",
                    "none (merging windows are refused at build time)",
                    "until the watermark passes the window's end plus the allowed lateness (" + stateful.LatenessMs.ToString(CultureInfo.InvariantCulture) +
                    " ms), after its last timer" + (stateful.OnWindowExpiration is null ? string.Empty : " and onWindowExpiration") +
                    "; the cells are then cleared (keeping their storage) and the slot goes to the next new key and window");
                var names = "new string[] { " + string.Join(", ", timers.Select(c => Literal(c.Name.TrimStart('@')))) + " }";
                var domains = "new global::Compiled.TimeDomain[] { " + string.Join(", ", timers.Select(c => c.Kind.IsProcessingTime() ? "global::Compiled.TimeDomain.ProcessingTime" : "global::Compiled.TimeDomain.EventTime")) + " }";
                // Output timestamps of pending timers are tracked only when a transform downstream is held by them.
                var held = _plan.States.Any(s => s.HeldBy.Contains(t.Id)) ? "true" : "false";
                w.Line("private readonly global::Compiled.Execution.KeyedStates<" + t.KeyType + ", " + stateful.StateType + "> " + StatesField(t) + " = new(new global::Compiled.Execution.TimerScheduler(" +
                       names + ", " + domains + ", holdsWatermark: " + held + "), " + stateful.LatenessMs.ToString(CultureInfo.InvariantCulture) + "L" +
                       (IsTextKey(t.KeyType!) ? ", global::Compiled.MemoryContentComparer<" + (t.KeyType == Utf8Text ? "byte" : "char") + ">.Instance" : string.Empty) + ");");
                w.Line("private global::Compiled.Instant _swm" + id + " = global::Compiled.Instant.MinValue; // the input watermark of #" + id + ", as its timers last saw it");
                if (stateful.SortsInput)
                {
                    w.Line("private readonly global::Compiled.Execution.TimeSortedBuffer<" + t.KeyType + ", " + t.ValueTypes[0] + "> _sorted" + id +
                           " = new(); // requiresTimeSortedInput: elements waiting for the watermark to pass their timestamp plus the allowed lateness");
                }

                WriteStatefulMembers(t);
            }

            /// <summary>An element reaches a stateful ParDo: its key's state in its window, by reference, and the callback.</summary>
            private void EmitStatefulElement(SourceWriter w, TransformSpec t, string value, string timestamp, string window)
            {
                var id = N(t.Id);
                var states = StatesField(t);
                if (t.Stateful!.SortsInput)
                {
                    w.Line("// Beam's @RequiresTimeSortedInput: the element waits until the watermark passes its timestamp plus the allowed lateness;");
                    w.Line("// one that comes later than that is dropped and counted, so no key ever sees its elements out of timestamp order.");
                    w.Open("if (global::Compiled.Execution.TimeSortedBuffer.IsDue(" + timestamp + ".Millis, _swm" + id + ", " + t.Stateful.LatenessMs.ToString(CultureInfo.InvariantCulture) + "L))");
                    w.Line("_droppedLate++;");
                    w.Close();
                    w.Open("else");
                    w.Line("_sorted" + id + ".Add(" + value + ".Key, " + value + ".Value, " + timestamp + ", " + window + ");");
                    w.Close();
                    return;
                }

                // In the global window (the input is not windowed) the expiry is the runner's constant and the state is found by
                // the key alone, inline: one lookup per element.
                var global = t.OutputWindowing is null or { Kind: "Global" };
                var expiry = global ? states + ".GlobalExpiry" : "expiry" + id;
                if (!global)
                {
                    w.Line("var expiry" + id + " = " + states + ".ExpiryOf(" + window + ");");
                }

                w.Open("if (" + expiry + ".Millis < _swm" + id + ".Millis)");
                w.Line("_droppedLate++; // its window has expired (behind the watermark by more than the allowed lateness): dropped, as Beam's stateful ParDo drops it");
                w.Close();
                w.Open("else");
                w.Line(WriteProcessElement(w, t, value + ".Key", value + ".Value", timestamp, window, expiry, global));
                w.Close();
            }

            /// <summary>
            /// Takes the state of (<paramref name="key"/>, <paramref name="window"/>) by reference (binding a new slot's timers)
            /// and tells the timers the element's context; returns the call of processElement, for the caller to place.
            /// </summary>
            private string WriteProcessElement(SourceWriter w, TransformSpec t, string key, string value, string timestamp, string window, string expiry, bool global = false)
            {
                var id = N(t.Id);
                var states = StatesField(t);
                w.Line(global
                    ? "ref var s" + id + " = ref " + states + ".GetOrAddGlobal(" + key + ", out var slot" + id + ", out var created" + id + ");"
                    : "ref var s" + id + " = ref " + states + ".GetOrAdd(" + key + ", " + window + ", out var slot" + id + ", out var created" + id + ");");
                w.Open("if (created" + id + ")");
                w.Line("__BindState" + id + "(ref s" + id + ", slot" + id + ");");
                w.Close();
                w.Line(states + ".Timers.Begin(" + timestamp + ", " + window + ", " + expiry + ");");
                if (HasProcessingTimers(t))
                {
                    w.Line(states + ".Timers.SetProcessingTime(_processingTime);");
                }

                var values = t.Stateful!.ReadsSide ? new[] { value + ".Item1", value + ".Item2" } : new[] { value };
                return Call(t, new[] { key }.Concat(values).Concat(new[] { "ref s" + id, "new global::Compiled.ProcessContext(" + timestamp + ", " + window + ")" })
                    .Concat(StatefulEmitters(t, timestamp, window)).ToArray()) + ";";
            }

            /// <summary>The members that bind, clear and fire a stateful ParDo's state.</summary>
            private void WriteStatefulMembers(TransformSpec t)
            {
                var id = N(t.Id);
                var stateful = t.Stateful!;
                var states = StatesField(t);
                var stateType = stateful.StateType;
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>A new slot of #" + id + ": its timers are bound to the slot (the cells start empty).</summary>");
                    w.Open("private void __BindState" + id + "(ref " + stateType + " state, int slot)");
                    foreach (var cell in stateful.Cells.Where(c => c.Kind.IsTimer()))
                    {
                        var type = cell.Kind switch
                        {
                            StateCellKind.EventTimer => "global::Compiled.EventTimeTimer",
                            StateCellKind.ProcessingTimer => "global::Compiled.ProcessingTimeTimer",
                            StateCellKind.EventTimerMap => "global::Compiled.EventTimeTimerMap",
                            _ => "global::Compiled.ProcessingTimeTimerMap",
                        };
                        w.Line("state." + cell.Name + " = " + type + ".Bind(" + states + ".Timers, slot, " + N(cell.TimerOrdinal) + ");");
                    }

                    w.Close();
                    w.Line();
                    w.Line("/// <summary>A window of #" + id + " expired: its cells are emptied, keeping their storage for the next key that gets the slot.</summary>");
                    w.Open("private static void __ClearState" + id + "(ref " + stateType + " state)");
                    foreach (var cell in stateful.Cells.Where(c => !c.Kind.IsTimer()))
                    {
                        w.Line(cell.Kind.IsClearable() ? "state." + cell.Name + ".Clear();" : "state." + cell.Name + " = default!;");
                    }

                    w.Close();
                    w.Line();
                    w.Line("/// <summary>");
                    w.Line("/// The input watermark of #" + id + " " + Doc(t.Label) + " moved: its event-time timers and window expirations due by then fire in");
                    w.Line("/// timestamp order (a callback that sets an earlier timer, still due, gets it fired next). Outputs have no pane.");
                    w.Line("/// </summary>");
                    w.Open("private void __FireTimers" + id + "(global::Compiled.Instant watermark)");
                    w.Open("if (watermark > _swm" + id + ")");
                    w.Line("_swm" + id + " = watermark;");
                    w.Close();
                    w.Line("var timers = " + states + ".Timers;");
                    w.Line("timers.SetInputWatermark(_swm" + id + ");");
                    w.Line("var pane = _pane;");
                    w.Line("_pane = global::Compiled.PaneInfo.NoFiring;");
                    if (stateful.SortsInput)
                    {
                        // Waiting elements run in timestamp order, each when the watermark passes its timestamp plus the
                        // allowed lateness, interleaved with the timers and window expirations due by then by that time
                        // (an element at the same time as a firing goes first: its window's expiration comes after it).
                        var lateness = stateful.LatenessMs.ToString(CultureInfo.InvariantCulture) + "L";
                        w.Open("while (true)");
                        w.Line("var due = _sorted" + id + ".TryPeek(out var next) && global::Compiled.Execution.TimeSortedBuffer.IsDue(next, _swm" + id + ", " + lateness + ");");
                        w.Open("if (due && (!timers.PeekEvent(_swm" + id + ", out var at) || global::Compiled.Execution.TimeSortedBuffer.DueAt(next, " + lateness + ") <= at))");
                        w.Line("__OnSorted" + id + "();");
                        w.Line("continue;");
                        w.Close();
                        w.Open("if (!timers.NextEvent(_swm" + id + ", out var firing))");
                        w.Line("break;");
                        w.Close();
                        w.Line("__OnFiring" + id + "(in firing);");
                        w.Close();
                    }
                    else
                    {
                        w.Open("while (timers.NextEvent(_swm" + id + ", out var firing))");
                        w.Line("__OnFiring" + id + "(in firing);");
                        w.Close();
                    }

                    w.Line("_pane = pane;");
                    w.Close();
                    w.Line();
                    if (stateful.SortsInput)
                    {
                        w.Line("/// <summary>The earliest waiting element of #" + id + " runs, with its own timestamp and window (requiresTimeSortedInput).</summary>");
                        w.Open("private void __OnSorted" + id + "()");
                        w.Line("var (key, value, timestamp, window) = _sorted" + id + ".Take();");
                        var call = WriteProcessElement(w, t, "key", "value", "timestamp", "window", states + ".ExpiryOf(window)");
                        w.Open("try");
                        w.Line(call);
                        w.Close();
                        w.Open("catch (global::System.Exception ex)");
                        w.Line("__DeliveryFailed(ex, " + id + ", " + Literal("an element of " + t.Label + " run in timestamp order, for key ") + " + key + " + Literal(" at ") + " + timestamp);");
                        w.Close();
                        w.Close();
                        w.Line();
                    }

                    if (HasProcessingTimers(t))
                    {
                        w.Line("/// <summary>Processing time moved: the processing-time timers of #" + id + " due by then fire in timestamp order.</summary>");
                        w.Open("private void __FireProcessingTimers" + id + "(global::Compiled.Instant now)");
                        w.Line("var timers = " + states + ".Timers;");
                        w.Line("timers.SetProcessingTime(now);");
                        w.Line("var pane = _pane;");
                        w.Line("_pane = global::Compiled.PaneInfo.NoFiring;");
                        w.Open("while (timers.NextProcessing(now, out var firing))");
                        w.Line("__OnFiring" + id + "(in firing);");
                        w.Close();
                        w.Line("_pane = pane;");
                        w.Close();
                        w.Line();
                    }

                    w.Line("/// <summary>One firing of #" + id + ": a timer's callback, or the expiration of a window (its callback, then its state is dropped).</summary>");
                    w.Open("private void __OnFiring" + id + "(in global::Compiled.Execution.TimerFiring firing)");
                    w.Line("ref var state = ref " + states + "[firing.Slot];");
                    w.Line("var key = " + states + ".KeyOf(firing.Slot);");
                    var globalWindow = t.OutputWindowing is null or { Kind: "Global" };
                    w.Line(globalWindow
                        ? "var window = global::Compiled.BoundedWindow.Global; // the input is not windowed"
                        : "var window = " + states + ".WindowOf(firing.Slot);");
                    w.Open("if (firing.IsExpiration)");
                    if (stateful.OnWindowExpiration is { } onExpiration)
                    {
                        w.Line("// Beam's @OnWindowExpiration: outputs at the window's maximum timestamp.");
                        w.Line("var expiring = window.MaxTimestamp;");
                        w.Line(states + ".Timers.Begin(expiring, window, firing.FireTimestamp);");
                        w.Open("try");
                        w.Line(CallFunction(onExpiration, OnWindowExpirationName(t), new[] { "key", "ref state", "new global::Compiled.WindowExpirationContext(window, expiring)" }
                            .Concat(StatefulEmitters(t, "expiring", "window")).ToArray()) + ";");
                        w.Close();
                        w.Open("catch (global::System.Exception ex)");
                        w.Line("__DeliveryFailed(ex, " + id + ", " + Literal("onWindowExpiration of " + t.Label + " for key ") + " + key + " + Literal(" in window ") + " + window);");
                        w.Close();
                    }

                    w.Line("__ClearState" + id + "(ref state);");
                    w.Line(states + ".Release(firing.Slot);");
                    w.Line("return;");
                    w.Close();
                    if (stateful.OnTimer is { } onTimer)
                    {
                        w.Line("// Beam's @Timestamp in @OnTimer: an event-time timer's output timestamp; a processing-time timer's, the input watermark.");
                        w.Line("var timestamp = firing.Domain == global::Compiled.TimeDomain.EventTime ? firing.OutputTimestamp : " + states + ".Timers.InputWatermark;");
                        w.Line(states + ".Timers.Begin(timestamp, window, " + (globalWindow ? states + ".GlobalExpiry" : states + ".ExpiryOf(window)") + ");");
                        w.Open("try");
                        w.Line(CallFunction(onTimer, OnTimerName(t), new[] { "key", "ref state",
                            "new global::Compiled.TimerContext(" + states + ".Timers.NameOf(firing.Timer), firing.Id, firing.Domain, firing.FireTimestamp, timestamp, window)" }
                            .Concat(StatefulEmitters(t, "timestamp", "window")).ToArray()) + ";");
                        w.Close();
                        w.Open("catch (global::System.Exception ex)");
                        w.Line("__DeliveryFailed(ex, " + id + ", " + Literal("onTimer of " + t.Label + " for key ") + " + key + " + Literal(" in window ") + " + window);");
                        w.Close();
                    }

                    w.Close();
                    w.Line();
                });
            }
        }
    }
}
