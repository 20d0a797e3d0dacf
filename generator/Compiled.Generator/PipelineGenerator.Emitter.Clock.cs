using System.Globalization;
using System.Linq;
using Compiled.Generator.Helpers;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Emitter
    {
        private sealed partial class Session
        {
            // ----- the clock: processing time that moves by itself -----
            //
            // With a TimeProvider set, the runner arms the provider's timer (one ITimer) for the earliest processing-time
            // deadline: of a trigger (AfterProcessingTime, early and late firings on a delay) or of an input going idle.
            // The timer calls back on a thread of the provider's, but the runner has one writer at a time: the callback
            // takes the same gate as every public call, with a compare-and-swap, when the runner is idle (state 0) or
            // lent by a pull push that waits for its source (state 4), and holds it as state 5 while it fires. When a call
            // holds the gate, the callback only raises __clockDue; the call fires it as it releases the gate. A call that
            // finds the gate held by a firing waits for it (a firing is short: it never waits for a source).

            /// <summary>The TimeProvider property, the clock's timer, and the firing of processing time through the gate.</summary>
            private void WriteClock(SourceWriter w)
            {
                w.Line("/// <summary>");
                w.Line("/// The clock that processing-time triggers (and idle inputs) read. Null (the default): processing time advances only through");
                w.Line("/// <see cref=\"AdvanceProcessingTime(global::Compiled.Instant)\"/>, which keeps tests deterministic. Set it (to");
                w.Line("/// <see cref=\"global::System.TimeProvider.System\"/>, or a fake clock) and every push reads it first, and processing time");
                w.Line("/// also moves by itself: the runner arms the provider's timer for the next processing-time deadline, so a trigger such as");
                w.Line("/// early firings every 10 s fires when its time comes even if no element arrives.");
                w.Line("/// </summary>");
                w.Line("/// <remarks>");
                w.Line("/// The timer fires on a thread of the provider's, and its firing goes through the runner's gate like a call: it runs when the");
                w.Line("/// runner is idle, or while a pull push (<c>Push…Async</c>) waits for its source; when a call is running, that call fires it");
                w.Line("/// as it ends. So the runner still has one writer at a time, and sinks may be called on the timer's thread (between calls).");
                w.Line("/// A failure met by such a firing (a sink that throws) is thrown by the next call. <see cref=\"Finish\"/> stops the timer;");
                w.Line("/// setting the property is a call like the others (not during another call).");
                w.Line("/// </remarks>");
                w.Open("public global::System.TimeProvider? TimeProvider");
                w.Line("get => _timeProvider;");
                w.Open("set");
                OpenQuietCall(w);
                w.Line("_timeProvider = value;");
                w.Line("__clock?.Dispose();");
                w.Line("__clock = null;");
                w.Line("__clockAt = long.MaxValue;");
                CloseQuietCall(w); // arms the new clock for the next deadline
                w.Close();
                w.Close();
                w.Line();

                w.Line("/// <summary>The earliest processing-time deadline, in epoch milliseconds (long.MaxValue: none): of a trigger, of a processing-time timer, or of an input going idle.</summary>");
                w.Open("internal long __NextProcessingDeadline()");
                w.Line("var next = long.MaxValue;");
                foreach (var t in _plan.FlushOrder.Select(id => _t[id]).Where(t => UsesPanes(t) && t.OutputWindowing!.UsesProcessingTime))
                {
                    w.Open("if (_panes" + N(t.Id) + ".NextProcessingDeadline is { } deadline" + N(t.Id) + " && deadline" + N(t.Id) + ".Millis < next)");
                    w.Line("next = deadline" + N(t.Id) + ".Millis; // a trigger of #" + N(t.Id) + " " + t.Label);
                    w.Close();
                }

                foreach (var t in _plan.FlushOrder.Select(id => _t[id]).Where(HasProcessingTimers))
                {
                    var deadline = "timer" + N(t.Id);
                    w.Line("var " + deadline + " = " + StatesField(t) + ".Timers.NextProcessingDeadline; // the earliest processing-time timer of #" + N(t.Id) + " " + t.Label);
                    w.Open("if (" + deadline + " != global::Compiled.Instant.MaxValue && " + deadline + ".Millis < next)");
                    w.Line("next = " + deadline + ".Millis;");
                    w.Close();
                }

                foreach (var input in _inputs.Where(i => i.IdlenessMs > 0))
                {
                    var name = Names.ToPascal(input.Name!);
                    var idleAt = "idleAt" + name;
                    w.Line("var " + idleAt + " = _lastActive" + name + ".Millis + " + input.IdlenessMs.ToString(CultureInfo.InvariantCulture) + "L; // input '" + Doc(input.Name) + "' goes idle");
                    w.Open("if (_lastActive" + name + " != global::Compiled.Instant.MinValue && " + idleAt + " > _processingTime.Millis && " + idleAt + " < next)");
                    w.Line("next = " + idleAt + ";");
                    w.Close();
                }

                w.Line("return next;");
                w.Close();
                w.Line();

                w.Line("/// <summary>Arms the clock's timer for the earliest processing-time deadline, unless it is armed for it already (called holding the gate).</summary>");
                w.Open("private void __ArmClock()");
                w.Open("if (_timeProvider is null)");
                w.Line("return;");
                w.Close();
                w.Line("var next = __NextProcessingDeadline();");
                if (Streaming && _plan.Levels > 0)
                {
                    w.Line("// A partition whose stream goes quiet publishes what it sent within the flush interval of the clock (a push reads the");
                    w.Line("// clock first, so its processing time is the push's).");
                    w.Open("if (__partition && __FlushInterval() is >= 0 and var interval && __SendsUnpublished() && _processingTime.Millis + interval < next)");
                    w.Line("next = _processingTime.Millis + interval;");
                    w.Close();
                }

                w.Open("if (next == __clockAt)");
                w.Line("return;");
                w.Close();
                w.Line("__clockAt = next;");
                w.Open("if (next == long.MaxValue)");
                w.Line("__clock?.Change(global::System.Threading.Timeout.InfiniteTimeSpan, global::System.Threading.Timeout.InfiniteTimeSpan);");
                w.Line("return;");
                w.Close();
                w.Line("// The timer holds the runner weakly: a runner dropped with windows open is collected, and its timer does nothing.");
                w.Line("__clockEver = true; // from now on the clock's firings may take the gate: calls take it with a compare-and-swap");
                w.Line("__clock ??= _timeProvider.CreateTimer(");
                w.Line("    static state => { if (((global::System.WeakReference<" + _runnerType + ">)state!).TryGetTarget(out var runner)) runner.__OnClock(); },");
                w.Line("    new global::System.WeakReference<" + _runnerType + ">(this),");
                w.Line("    global::System.Threading.Timeout.InfiniteTimeSpan,");
                w.Line("    global::System.Threading.Timeout.InfiniteTimeSpan);");
                w.Line("// A timer's due time is at most 2^32 - 2 ms: a later deadline is re-armed when the timer fires early.");
                w.Line("var due = global::System.Math.Clamp(next - _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), 0L, 4294967294L);");
                w.Line("__clock.Change(global::System.TimeSpan.FromMilliseconds(due), global::System.Threading.Timeout.InfiniteTimeSpan);");
                w.Close();
                w.Line();

                w.Line("/// <summary>");
                w.Line("/// The clock's timer fired: the firing takes the gate when the runner is idle (0) or lent by a pull push waiting for its");
                w.Line("/// source (4), and holds it (5) while processing time advances to the clock's. Otherwise a call holds the gate and fires it");
                w.Line("/// as it ends (a failed runner: its next call; a finished one: never).");
                w.Line("/// </summary>");
                w.Open("private void __OnClock()");
                w.Line("global::System.Threading.Volatile.Write(ref __clockDue, 1);");
                w.Open("while (true)");
                w.Line("var state = global::System.Threading.Volatile.Read(ref __state);");
                w.Open("if (state is not (0 or 4))");
                w.Line("return;");
                w.Close();
                w.Open("if (global::System.Threading.Interlocked.CompareExchange(ref __state, 5, state) != state)");
                w.Line("continue; // a call took the gate meanwhile: look again");
                w.Close();
                w.Line("global::System.Threading.Volatile.Write(ref __clockDue, 0);");
                w.Open("try");
                w.Line("__FireClock();");
                w.Close();
                w.Open("catch (global::System.Exception ex)");
                w.Line("__Fail(global::Compiled.Execution.RunnerFailures.Unexpected(" + PipelineLiteral + ", ex));");
                w.Close();
                w.Line("// Failures met here (a sink that threw) are thrown by the next call: the runner counts as failed (2), or the pull push");
                w.Line("// that lent the gate throws them when it ends.");
                w.Line("var after = __failed && state == 0 ? 2 : state;");
                w.Line("global::System.Threading.Interlocked.Exchange(ref __state, after);");
                if (SharedGate)
                {
                    w.Open("if (after != 2)");
                    WriteCheckpointDueAfterRelease(w);
                    w.Close();
                }

                w.Open("if (after == 2 || global::System.Threading.Volatile.Read(ref __clockDue) == 0)");
                w.Line("return;");
                w.Close();
                w.Close();
                w.Close();
                w.Line();

                w.Line("/// <summary>Processing time advances to the clock's; the timer is armed again for the next deadline.</summary>");
                w.Open("private void __FireClock()");
                w.Line("__clockAt = long.MaxValue; // the timer has fired: it is armed again below");
                w.Open("if (_timeProvider is null)");
                w.Line("return;");
                w.Close();
                w.Line("__AdvanceProcessingTime(global::Compiled.Instant.FromDateTimeOffset(_timeProvider.GetUtcNow()));");
                if (Streaming && _plan.Levels > 0)
                {
                    w.Open("if (__partition)");
                    w.Line("__FlushSends(); // the stream is quiet: what waits in half-full batches goes to the shards");
                    w.Close();
                }

                w.Line("__ArmClock();");
                w.Close();
                w.Line();

                if (_inputs.Count > 0)
                {
                    w.Line("/// <summary>");
                    w.Line("/// Waits for a pull push's source with the gate lent to the clock's firings (4), then takes it back, after any firing");
                    w.Line("/// under way. Other calls are still refused while the push runs.");
                    w.Line("/// </summary>");
                    w.Open("private async global::System.Threading.Tasks.ValueTask<bool> __WhileLent(global::System.Threading.Tasks.ValueTask<bool> wait)");
                    w.Open("if (wait.IsCompleted)");
                    w.Line("return wait.GetAwaiter().GetResult(); // no wait: nothing to lend");
                    w.Close();
                    w.Line("__ArmClock();");
                    w.Line("global::System.Threading.Interlocked.Exchange(ref __state, 4);");
                    w.Open("if (global::System.Threading.Volatile.Read(ref __clockDue) != 0)");
                    w.Line("__OnClock(); // the clock fired while the push ran: its firing runs now");
                    w.Close();
                    if (SharedGate)
                    {
                        WriteCheckpointDueAfterRelease(w);
                    }

                    w.Open("try");
                    w.Line("return await wait.ConfigureAwait(false);");
                    w.Close();
                    w.Open("finally");
                    w.Line("var spin = new global::System.Threading.SpinWait();");
                    w.Open("while (global::System.Threading.Interlocked.CompareExchange(ref __state, 1, 4) != 4)");
                    w.Line("spin.SpinOnce(); // a processing-time firing runs: wait for it");
                    w.Close();
                    w.Close();
                    w.Close();
                    w.Line();
                    w.Line("/// <summary>The elements of an async sequence, its waits made with the gate lent to the clock's firings.</summary>");
                    w.Open("private async global::System.Collections.Generic.IAsyncEnumerable<T> __Lending<T>(global::System.Collections.Generic.IAsyncEnumerable<T> source, [global::System.Runtime.CompilerServices.EnumeratorCancellation] global::System.Threading.CancellationToken cancellationToken)");
                    w.Line("var enumerator = source.GetAsyncEnumerator(cancellationToken);");
                    w.Open("try");
                    w.Open("while (await __WhileLent(enumerator.MoveNextAsync()).ConfigureAwait(false))");
                    w.Line("yield return enumerator.Current;");
                    w.Close();
                    w.Close();
                    w.Open("finally");
                    w.Line("await enumerator.DisposeAsync().ConfigureAwait(false);");
                    w.Close();
                    w.Close();
                    w.Line();
                }
            }
        }
    }
}
