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
            /// <summary>
            /// Keys of type ReadOnlyMemory&lt;char&gt; are text: the state map is keyed by string and looked up by
            /// span (Dictionary.GetAlternateLookup), so a key's string is allocated once, when the key is new.
            /// </summary>
            private static bool IsTextKey(string type) => type is CharText or Utf8Text;

            /// <summary>
            /// How a state keeps a key of type <paramref name="keyType"/>: text as a string (ReadOnlyMemory&lt;char&gt;), UTF-8
            /// bytes as a <c>Utf8Key</c> that compares them by content (ReadOnlyMemory&lt;byte&gt;), anything else as it is.
            /// </summary>
            private static string StoredKey(string keyType) => keyType switch
            {
                CharText => "string",
                Utf8Text => "global::Compiled.Utf8Key",
                _ => keyType,
            };

            /// <summary>The span type a text key is looked up by.</summary>
            private static string TextSpan(string keyType) => keyType == Utf8Text ? "global::System.ReadOnlySpan<byte>" : "global::System.ReadOnlySpan<char>";

            /// <summary>A stored key as the pipeline's elements carry it.</summary>
            private static string ElementKey(string keyType, string stored) => keyType switch
            {
                CharText => "global::System.MemoryExtensions.AsMemory(" + stored + ")",
                Utf8Text => stored + ".Memory",
                _ => stored,
            };

            /// <summary>An element's key as a state keeps it (text copied out of the element: a string, or a Utf8Key).</summary>
            private static string StoredKeyOf(string keyType, string key) => keyType switch
            {
                CharText => key + ".ToString()",
                Utf8Text => "global::Compiled.Utf8Key.Copy(" + key + ".Span)",
                _ => key,
            };

            /// <summary>
            /// Whether the state map of <paramref name="t"/> is a <c>Utf8KeyMap</c> (UTF-8 text keys of a count, combine or
            /// grouping): looked up by the key's bytes through its own methods, not through a dictionary's alternate lookup.
            /// </summary>
            private bool IsUtf8Map(TransformSpec t) => _plan.States[t.Id].Map == StateMap.Utf8Keys && t.Kind != TransformKind.Distinct;

            /// <summary>Whether the state map of <paramref name="t"/> is a map of its own (UTF-8 or integer keys), looked up through its methods.</summary>
            private bool HasOwnMap(TransformSpec t) => t.Kind != TransformKind.Distinct && _plan.States[t.Id].Map != StateMap.Dictionary;

            /// <summary>The reference to the value of an element's key in the state map, added with the default value when new.</summary>
            private string ValueRefOrAdd(TransformSpec t, string key, string exists) => RefOrAdd(t, MapRef(t), KeyArg(t, key), exists);

            /// <summary>The reference to the value of <paramref name="key"/> in a state map of <paramref name="t"/>, added when new.</summary>
            private string RefOrAdd(TransformSpec t, string map, string key, string exists) => HasOwnMap(t)
                ? map + ".GetValueRefOrAddDefault(" + key + ", " + exists + ")"
                : "global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(" + map + ", " + key + ", " + exists + ")";

            /// <summary>A ReadUtf8Lines input: its lines are UTF-8 bytes.</summary>
            private static bool IsUtf8Lines(TransformSpec input) => input.OutputTypes[0] == Utf8Text;

            private void MapField(SourceWriter w, TransformSpec t, string key, string? value)
            {
                var id = N(t.Id);
                var text = IsTextKey(key) && !IsUtf8Map(t);
                var type = MapType(t, key, value);
                if (t.OutputWindowing is not null)
                {
                    WindowedStateField(w, t, type, isMap: true, sized: WindowMapTakesCapacity(t));
                    return;
                }

                w.Line("private readonly " + type + " _state" + id + " = new();");
                if (text)
                {
                    w.Line("// Text keys are looked up by span: no string is allocated for a key already present.");
                    w.Line("private readonly " + type + ".AlternateLookup<" + TextSpan(key) + "> _lookup" + id + ";");
                }
            }

            /// <summary>
            /// The type of a state map or set, as the plan chose it: text keys of type ReadOnlyMemory&lt;byte&gt; in a
            /// <c>Utf8KeyMap</c> (a set: <c>Utf8KeySet</c>), primitive integer keys in an <c>IntegerKeyMap</c>, others in a
            /// dictionary (a hash set) of their stored key.
            /// </summary>
            private string MapType(TransformSpec t, string key, string? value) => _plan.States[t.Id].Map switch
            {
                StateMap.Utf8Keys => value is null ? "global::Compiled.Utf8KeySet" : "global::Compiled.Utf8KeyMap<" + value + ">",
                StateMap.IntegerKeys when value is not null => "global::Compiled.IntegerKeyMap<" + key + ", " + value + ">",
                _ => value is null
                    ? "global::System.Collections.Generic.HashSet<" + StoredKey(key) + ">"
                    : "global::System.Collections.Generic.Dictionary<" + StoredKey(key) + ", " + value + ">",
            };

            private string MapRef(TransformSpec t) => _mapOverride ?? (IsTextKey(StateKeyType(t)) && !IsUtf8Map(t) ? "_lookup" : "_state") + N(t.Id);

            /// <summary>While emitting a windowed transform's update: the local holding the current window's state.</summary>
            private string? _mapOverride;

            /// <summary>Whether a new window's map of <paramref name="t"/> is made with a capacity (every map type but the UTF-8 key maps takes one).</summary>
            private bool WindowMapTakesCapacity(TransformSpec t) => _plan.States[t.Id].Map != StateMap.Utf8Keys;

            private static void WindowedStateField(SourceWriter w, TransformSpec t, string inner, bool isMap = false, bool sized = false)
            {
                var id = N(t.Id);
                w.Line("//   Windowed: the state above is kept per window, in a map from window to state; a window's entry is");
                w.Line("//   emitted and removed when the watermark passes the end of the window.");
                w.Line("private readonly global::System.Collections.Generic.Dictionary<global::Compiled.BoundedWindow, " + inner + "> _wstate" + id + " = new();");
                w.Line("private global::Compiled.Instant _wm" + id + " = global::Compiled.Instant.MinValue; // this transform's input watermark");
                w.Line("private global::Compiled.Instant _nextEnd" + id + " = global::Compiled.Instant.MaxValue; // the earliest end of a live window: nothing fires before it");
                if (isMap)
                {
                    w.Line("//   The maps of the last windows used, by window start (consecutive elements mostly share windows), and the");
                    w.Line("//   cleared maps of emitted windows, reused for new ones: steady state allocates nothing.");
                    w.Line("private readonly long[] _cacheW" + id + " = new long[" + CacheSize + "]; // window starts (one size per transform)");
                    w.Line("private readonly " + inner + "?[] _cacheS" + id + " = new " + inner + "?[" + CacheSize + "];");
                    w.Line("private readonly global::System.Collections.Generic.Stack<" + inner + "> _pool" + id + " = new();");
                    if (sized)
                    {
                        w.Line("private " + inner + "? _newest" + id + "; // the map of the window opened last: a window's new map starts at its size (a batch run keeps every window, so nothing is pooled there)");
                    }
                    w.Line("private long __stateSize" + id + "; // the keys in the live windows, as metrics last counted them (read on the listener's thread)");
                }
            }

            private const int CacheSize = 8;

            /// <summary>The cache slot of a window: its start in periods modulo the cache size, so the windows open at once never collide (the division is by a constant: a multiply).</summary>
            private static string CacheIndex(TransformSpec t, string window) =>
                "(int)(" + window + ".Start.Millis / " + t.OutputWindowing!.PeriodMs.ToString(CultureInfo.InvariantCulture) + "L) & " + (CacheSize - 1).ToString(CultureInfo.InvariantCulture);

            private static string WindowedInnerType(TransformSpec t) => t.Kind switch
            {
                TransformKind.CombineGlobally => t.Combine!.AccumulatorType,
                TransformKind.Count => "long",
                _ => throw new System.InvalidOperationException("not a map state: " + t.Kind),
            };

            private static string KeyArg(TransformSpec t, string key) => IsTextKey(StateKeyType(t)) ? key + ".Span" : key;

            private static string FlushKey(TransformSpec t, string entry, bool distinct = false)
            {
                var key = distinct ? entry : entry + ".Key";
                return ElementKey(StateKeyType(t), key);
            }

            /// <summary>
            /// Emits the results held in <paramref name="source"/> (a state map, or an accumulator) through the rest of the
            /// stage: each through the transform's result method, which holds the try/catch that keeps a failure to that
            /// one result; the loop over the state itself has no exception handling, so the JIT optimizes it fully.
            /// </summary>
            private void WriteEmitState(SourceWriter w, TransformSpec t, string source, string timestamp, string window)
            {
                var id = N(t.Id);
                if (t.Kind is not (TransformKind.CombineGlobally or TransformKind.Count or TransformKind.CombinePerKey or TransformKind.CountPerKey or
                    TransformKind.CountPerElement or TransformKind.GroupByKey or TransformKind.Distinct or TransformKind.CoGroupByKey))
                {
                    return; // views: their state is read by the stages that use them
                }

                var method = WriteResultMethod(t);
                if (t.Kind is TransformKind.CombineGlobally or TransformKind.Count)
                {
                    w.Line(method + "(" + source + ", " + timestamp + ", " + window + ");");
                    return;
                }

                w.Open("foreach (var e" + id + " in " + source + ")");
                w.Line(method + "(e" + id + ", " + timestamp + ", " + window + ");");
                w.Close();
            }

            /// <summary>The method that delivers one result of <paramref name="t"/> (an entry of its state, or its accumulator).</summary>
            private string WriteResultMethod(TransformSpec t)
            {
                var id = N(t.Id);
                var method = "__Result" + id;
                if (!_written.Add(method))
                {
                    return method;
                }

                var stored = StoredKey(StateKeyType(t));
                string Entry(string value) => "global::System.Collections.Generic.KeyValuePair<" + stored + ", " + value + ">";
                var (parameter, valueExpression) = t.Kind switch
                {
                    TransformKind.CombineGlobally => (t.Combine!.AccumulatorType + " r" + id, "_fn" + id + ".ExtractOutput(r" + id + ")"),
                    TransformKind.Count => ("long r" + id, "r" + id),
                    TransformKind.CombinePerKey => (Entry(t.Combine!.AccumulatorType) + " e" + id, "new " + t.OutputTypes[0] + "(" + FlushKey(t, "e" + id) + ", _fn" + id + ".ExtractOutput(e" + id + ".Value))"),
                    TransformKind.CountPerKey or TransformKind.CountPerElement => (Entry("long") + " e" + id, "new " + t.OutputTypes[0] + "(" + FlushKey(t, "e" + id) + ", e" + id + ".Value)"),
                    TransformKind.GroupByKey => (Entry("global::System.Collections.Generic.List<" + t.ValueTypes[0] + ">") + " e" + id, "new " + t.OutputTypes[0] + "(" + FlushKey(t, "e" + id) + ", e" + id + ".Value)"),
                    TransformKind.Distinct => (stored + " e" + id, FlushKey(t, "e" + id, distinct: true)),
                    TransformKind.CoGroupByKey => (Entry(CoGroupStateType(t)) + " e" + id, CoGroupResult(t, "e" + id)),
                    _ => throw new System.InvalidOperationException("no results for " + t.Kind),
                };
                _runnerExtras.Add(w =>
                {
                    w.Line("/// <summary>One result of #" + id + " " + Doc(t.Label) + " through the rest of its stage; a failure loses this result only.</summary>");
                    w.Open("private void " + method + "(" + parameter + ", global::Compiled.Instant rts" + id + ", global::Compiled.BoundedWindow rw" + id + ")");
                    WriteDeliveredResult(w, t, valueExpression, t.Kind is TransformKind.CombineGlobally or TransformKind.CombinePerKey, "rts" + id, "rw" + id);
                    w.Close();
                    w.Line();
                });
                return method;
            }

            private string CoGroupResult(TransformSpec t, string entry)
            {
                var result = t.OutputTypes[0];
                // From the value types, not by cutting the type's text at a comma: a key may be a tuple or a generic type.
                var resultValue = "global::Compiled.CoGbkResult<" + string.Join(", ", t.ValueTypes) + ">";
                var lists = string.Join(", ", Enumerable.Range(0, t.ValueTypes.Count).Select(i => entry + ".Value.Values" + N(i)));
                return "new " + result + "(" + FlushKey(t, entry) + ", new " + resultValue + "(" + lists + "))";
            }

            /// <summary>
            /// One result of a grouping or combine, through the rest of its stage. The combine function's ExtractOutput
            /// and the transforms after it run in a try: a throw loses this result only (recorded, with the transform a
            /// probe finds), and the caller goes on with the next.
            /// </summary>
            private void WriteDeliveredResult(SourceWriter w, TransformSpec t, string valueExpression, bool userCode, string timestamp, string window)
            {
                var id = N(t.Id);
                var v = "v" + id;
                var what = Literal("a pane of " + t.Label + " in window ") + " + " + window;
                if (userCode)
                {
                    w.Line(t.OutputTypes[0] + " " + v + " = default!;");
                    w.Line("var ok" + id + " = true;");
                    w.Open("try");
                    w.Line(v + " = " + valueExpression + ";");
                    w.Close();
                    w.Open("catch (global::System.Exception ex)");
                    w.Line("ok" + id + " = false;");
                    w.Line("__DeliveryFailed(ex, " + id + ", " + what + ");");
                    w.Close();
                    w.Open("if (ok" + id + ")");
                }
                else
                {
                    w.Line("var " + v + " = " + valueExpression + ";");
                }

                w.Line("__panesFired++;");
                WriteDeliveredChain(w, t, v, timestamp, window, what);
                if (userCode)
                {
                    w.Close();
                }
            }

            /// <summary>Whether anything after port <paramref name="port"/> of <paramref name="node"/> can throw (a user function, a state update, a check).</summary>
            private bool CanThrow(int node, int port) =>
                _plan.Edges.Where(e => e.From == node && e.FromPort == port).Any(e => _t[e.To] switch
                {
                    { SideInput: not null } => true,
                    { Kind: TransformKind.Output } => false,
                    { Kind: TransformKind.Identity or TransformKind.Keys or TransformKind.Values or TransformKind.KvSwap } next => CanThrow(next.Id, 0),
                    { Kind: TransformKind.Window, Windowing.Kind: not "Custom" } next => CanThrow(next.Id, 0),
                    _ => true,
                });

            /// <summary>The consumers of a grouping's result, in a try: a throw loses this result only, and is recorded with the transform a probe finds.</summary>
            private void WriteDeliveredChain(SourceWriter w, TransformSpec t, string value, string timestamp, string window, string what)
            {
                if (!CanThrow(t.Id, 0))
                {
                    // Only outputs follow, and a sink that throws is held at its call: nothing here can throw.
                    EmitConsumers(w, t.Id, 0, value, timestamp, window);
                    return;
                }

                w.Open("try");
                EmitConsumers(w, t.Id, 0, value, timestamp, window);
                w.Close();
                w.Open("catch (global::System.Exception ex)");
                w.Line("__DeliveryFailed(ex, ex is global::Compiled.PipelineExecutionException ? -1 : " + ProbeFrom(t) + "(" + value + ", " + timestamp + "), " + what + ");");
                w.Close();
            }

            /// <summary>
            /// A removed window's map leaves the cache, is cleared and goes back to the pool for the next window: on a shard of
            /// a lifted combine, to the maps that go round between the partitions and shards, whose senders made it.
            /// </summary>
            private void WriteRecycleMap(SourceWriter w, TransformSpec t, string window, string map)
            {
                WriteUncacheWindow(w, t, window);
                WritePoolMap(w, t, map);
            }

            /// <summary>A map out of use is cleared and pooled: on a shard of a lifted combine, with the maps that go round.</summary>
            private void WritePoolMap(SourceWriter w, TransformSpec t, string map)
            {
                var id = N(t.Id);
                w.Line(map + "!.Clear();");
                if (Lifted(t))
                {
                    w.Open("if (__mapPool" + id + " is { } mp" + id + ")");
                    w.Line("mp" + id + ".Return(" + map + ");");
                    w.Close();
                    w.Open("else");
                    w.Line("_pool" + id + ".Push(" + map + ");");
                    w.Close();
                    return;
                }

                w.Line("_pool" + id + ".Push(" + map + ");");
            }

            /// <summary>A removed window's map leaves the cache of the last windows used.</summary>
            private static void WriteUncacheWindow(SourceWriter w, TransformSpec t, string window)
            {
                var id = N(t.Id);
                w.Line("var k" + id + " = " + CacheIndex(t, window) + ";");
                w.Open("if (_cacheW" + id + "[k" + id + "] == " + window + ".Start.Millis)");
                w.Line("_cacheS" + id + "[k" + id + "] = null;");
                w.Close();
            }

            private static void WriteNextEnd(SourceWriter w, TransformSpec t, string window)
            {
                var id = N(t.Id);
                w.Open("if (" + window + ".MaxTimestamp < _nextEnd" + id + ")");
                w.Line("_nextEnd" + id + " = " + window + ".MaxTimestamp;");
                w.Open("if (_nextEnd" + id + " < _fireAt)");
                w.Line("_fireAt = _nextEnd" + id + ";");
                w.Close();
                w.Close();
            }

            /// <summary>
            /// Emits every window of a windowed grouping or combine that the watermark has passed (its end is at
            /// or before the watermark), in order of window end: one on-time pane per key and window, timestamped
            /// at the end of the window (Beam's default trigger and END_OF_WINDOW timestamp combiner). The
            /// window's state is removed, and the transform's input watermark advances.
            /// </summary>
            private void WriteFire(SourceWriter w, TransformSpec t, string watermark)
            {
                if (IsPaneShared(t))
                {
                    WriteSlidingFire(w, t, watermark);
                    return;
                }

                var id = N(t.Id);
                var isMap = t.Kind is not (TransformKind.CombineGlobally or TransformKind.Count);
                w.Open();
                w.Open("if (" + watermark + " > _nextEnd" + id + ")");
                w.Line("var pane" + id + " = _pane;");
                w.Line("_pane = global::Compiled.PaneInfo.OnTimeAndOnly; // the default trigger: one on-time pane per window");
                WriteReadyWindows(w, t, watermark);
                w.Open("foreach (var fw" + id + " in __ready)");
                w.Line("_wstate" + id + ".Remove(fw" + id + ", out var fs" + id + ");");
                w.Line("var fts" + id + " = fw" + id + ".MaxTimestamp;");
                if (Lifted(t))
                {
                    // Shipped or emitted, the window's map leaves the cache first.
                    WriteUncacheWindow(w, t, "fw" + id);
                    OpenShipPartials(w, t, "fs" + id + "!", "fw" + id);
                    WriteEmitState(w, t, "fs" + id + "!", "fts" + id, "fw" + id);
                    WritePoolMap(w, t, "fs" + id);
                    w.Close();
                }
                else
                {
                    WriteEmitState(w, t, "fs" + id + "!", "fts" + id, "fw" + id);
                    if (isMap)
                    {
                        WriteRecycleMap(w, t, "fw" + id, "fs" + id);
                    }
                }

                w.Close();
                w.Line("_pane = pane" + id + ";");
                w.Close();
                w.Open("if (_wm" + id + " < " + watermark + ")");
                w.Line("_wm" + id + " = " + watermark + ";");
                w.Close();
                w.Close();
            }

            /// <summary>
            /// The windows (or panes) of <paramref name="t"/>'s state whose end <paramref name="watermark"/> has passed, into
            /// <c>__ready</c> in order of end; <c>_nextEnd</c> becomes the earliest end of the others.
            /// </summary>
            private static void WriteReadyWindows(SourceWriter w, TransformSpec t, string watermark)
            {
                var id = N(t.Id);
                w.Line("__ready.Clear();");
                w.Line("var next" + id + " = global::Compiled.Instant.MaxValue;");
                w.Open("foreach (var entry in _wstate" + id + ")");
                w.Open("if (entry.Key.MaxTimestamp < " + watermark + ")");
                w.Line("__ready.Add(entry.Key);");
                w.Close();
                w.Open("else if (entry.Key.MaxTimestamp < next" + id + ")");
                w.Line("next" + id + " = entry.Key.MaxTimestamp;");
                w.Close();
                w.Close();
                w.Line("_nextEnd" + id + " = next" + id + ";");
                w.Line("__ready.Sort(__WindowOrder);");
            }

            /// <summary>The groupings upstream whose watermark holds bound this transform's input watermark (from the plan).</summary>
            private List<int> HoldingUpstream(TransformSpec t) => _plan.States[t.Id].HeldBy.ToList();

            /// <summary>A sliding Window whose elements the plan assigns to one pane each.</summary>
            private bool SharesPanes(TransformSpec t) => _plan.PaneSharingWindows.Contains(t.Id);

            /// <summary>A combine the plan assembles from the panes of shared sliding windows.</summary>
            private bool IsPaneShared(TransformSpec t) => _plan.LayoutOf(t.Id) == StateLayout.SharedSlidingPanes;

            private static string PaneInnerType(TransformSpec t)
            {
                var key = StoredKey(StateKeyType(t));
                var value = t.Kind == TransformKind.CombinePerKey ? t.Combine!.AccumulatorType : "long";
                return "global::System.Collections.Generic.Dictionary<" + key + ", " + value + ">";
            }

            /// <summary>The sliding windows of a pane-shared combine that ended before <paramref name="watermark"/> are done: <c>_firedUpTo</c> moves past them.</summary>
            private static void WriteWindowsEnded(SourceWriter w, TransformSpec t, string watermark)
            {
                var id = N(t.Id);
                var windowing = t.OutputWindowing!;
                var size = windowing.SizeMs.ToString(CultureInfo.InvariantCulture) + "L";
                var period = windowing.PeriodMs.ToString(CultureInfo.InvariantCulture) + "L";
                var offset = windowing.OffsetMs.ToString(CultureInfo.InvariantCulture) + "L";
                w.Line("var ended" + id + " = " + watermark + ".Millis - " + size + " + 1;");
                w.Line("ended" + id + " += (((" + offset + " - ended" + id + ") % " + period + ") + " + period + ") % " + period + ";");
                w.Line("_firedUpTo" + id + " = global::System.Math.Max(_firedUpTo" + id + ", ended" + id + ");");
            }

            /// <summary>
            /// Fires the sliding windows the watermark has passed, each assembled from the panes it contains, in
            /// order of window start; then drops the panes whose last window has fired.
            /// </summary>
            private void WriteSlidingFire(SourceWriter w, TransformSpec t, string watermark)
            {
                var id = N(t.Id);
                var windowing = t.OutputWindowing!;
                var size = windowing.SizeMs.ToString(CultureInfo.InvariantCulture) + "L";
                var period = windowing.PeriodMs.ToString(CultureInfo.InvariantCulture) + "L";
                var offset = windowing.OffsetMs.ToString(CultureInfo.InvariantCulture) + "L";
                var keyed = t.Kind is TransformKind.CombinePerKey or TransformKind.CountPerKey;
                w.Open();
                if (Lifted(t))
                {
                    // A sender (a partition, or a shard below the combine's level) ships panes; the combine's shard assembles windows.
                    w.Open("if (__send" + N(_plan.States[t.Id].Level) + " is { } ship" + id + ")");
                    WriteShipPanes(w, t, watermark, "ship" + id);
                    w.Close();
                    w.Open("else");
                }

                w.Open("if (" + watermark + " > _nextEnd" + id + " && _wstate" + id + ".Count > 0)");
                w.Line("var pane" + id + " = _pane;");
                w.Line("_pane = global::Compiled.PaneInfo.OnTimeAndOnly; // the default trigger: one on-time pane per window");
                w.Line("__ready.Clear();");
                w.Line("__ready.AddRange(_wstate" + id + ".Keys);");
                w.Line("__ready.Sort(__WindowOrder); // panes by start");
                w.Line("var maxPane" + id + " = __ready[__ready.Count - 1].Start.Millis;");
                w.Line("var s" + id + " = global::System.Math.Max(_firedUpTo" + id + ", __ready[0].Start.Millis - " + size + " + " + period + ");");
                w.Line("var first" + id + " = 0;");
                w.Open("while (s" + id + " + " + size + " - 1 < " + watermark + ".Millis && s" + id + " <= maxPane" + id + ")");
                w.Open("while (__ready[first" + id + "].Start.Millis < s" + id + ")");
                w.Line("first" + id + "++;");
                w.Close();
                w.Open("if (__ready[first" + id + "].Start.Millis >= s" + id + " + " + size + ")");
                w.Line("s" + id + " = __ready[first" + id + "].Start.Millis - " + size + " + " + period + "; // no pane in this window: skip the gap");
                w.Line("continue;");
                w.Close();
                w.Line("var fw" + id + " = global::Compiled.BoundedWindow.Interval(new global::Compiled.Instant(s" + id + "), new global::Compiled.Instant(s" + id + " + " + size + "));");
                w.Line("var fts" + id + " = fw" + id + ".MaxTimestamp;");
                switch (t.Kind)
                {
                    case TransformKind.CombinePerKey or TransformKind.CountPerKey:
                        w.Line("_merge" + id + ".Clear();");
                        break;
                    case TransformKind.CombineGlobally:
                        w.Line("var macc" + id + " = _fn" + id + ".CreateAccumulator();");
                        break;
                    default:
                        w.Line("long macc" + id + " = 0;");
                        break;
                }

                // The combine function's MergeAccumulators is user code: a throw loses this window's result only. The
                // merge loop runs in its own method, so the try around the call keeps exception handling off the loop.
                var userMerge = t.Kind is TransformKind.CombinePerKey or TransformKind.CombineGlobally;
                if (userMerge)
                {
                    var merge = "__MergeWindow" + id;
                    w.Open("try");
                    w.Line((t.Kind == TransformKind.CombineGlobally ? "macc" + id + " = " : string.Empty) + merge + "(first" + id + ", s" + id + ");");
                    w.Close();
                    w.Open("catch (global::System.Exception ex)");
                    w.Line("__DeliveryFailed(ex, " + id + ", " + Literal("the panes of " + t.Label + " merged for window ") + " + fw" + id + ");");
                    w.Line("s" + id + " += " + period + ";");
                    w.Line("continue;");
                    w.Close();
                    if (_written.Add(merge))
                    {
                        _runnerExtras.Add(x =>
                        {
                            x.Line("/// <summary>Merges the panes of #" + id + " " + Doc(t.Label) + " that make the window starting at <paramref name=\"start\"/>.</summary>");
                            x.Open("private " + (t.Kind == TransformKind.CombineGlobally ? t.Combine!.AccumulatorType : "void") + " " + merge + "(int first, long start)");
                            if (t.Kind == TransformKind.CombineGlobally)
                            {
                                x.Line("var macc" + id + " = _fn" + id + ".CreateAccumulator();");
                            }

                            x.Open("for (var i" + id + " = first; i" + id + " < __ready.Count && __ready[i" + id + "].Start.Millis < start + " + size + "; i" + id + "++)");
                            x.Line("var ps" + id + " = _wstate" + id + "[__ready[i" + id + "]];");
                            if (t.Kind == TransformKind.CombinePerKey)
                            {
                                x.Open("foreach (var pe" + id + " in ps" + id + ")");
                                x.Line("ref var m" + id + " = ref global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_merge" + id + ", pe" + id + ".Key, out var mexists" + id + ");");
                                x.Open("if (!mexists" + id + ")");
                                x.Line("m" + id + " = _fn" + id + ".CreateAccumulator();");
                                x.Close();
                                x.Line("_fn" + id + ".MergeAccumulators(ref m" + id + ", pe" + id + ".Value);");
                                x.Close();
                            }
                            else
                            {
                                x.Line("_fn" + id + ".MergeAccumulators(ref macc" + id + ", ps" + id + ");");
                            }

                            x.Close();
                            if (t.Kind == TransformKind.CombineGlobally)
                            {
                                x.Line("return macc" + id + ";");
                            }

                            x.Close();
                            x.Line();
                        });
                    }
                }
                else
                {
                    w.Open("for (var i" + id + " = first" + id + "; i" + id + " < __ready.Count && __ready[i" + id + "].Start.Millis < s" + id + " + " + size + "; i" + id + "++)");
                    w.Line("var ps" + id + " = _wstate" + id + "[__ready[i" + id + "]];");
                    if (t.Kind == TransformKind.CountPerKey)
                    {
                        w.Open("foreach (var pe" + id + " in ps" + id + ")");
                        w.Line("global::System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_merge" + id + ", pe" + id + ".Key, out bool _) += pe" + id + ".Value;");
                        w.Close();
                    }
                    else
                    {
                        w.Line("macc" + id + " += ps" + id + ";");
                    }

                    w.Close();
                }

                WriteEmitState(w, t, keyed ? "_merge" + id : "macc" + id, "fts" + id, "fw" + id);
                w.Line("s" + id + " += " + period + ";");
                w.Close();
                w.Line("// Every window that ended before the watermark is done, with data or not.");
                WriteWindowsEnded(w, t, watermark);
                w.Line("var next" + id + " = global::Compiled.Instant.MaxValue;");
                w.Open("foreach (var p" + id + " in __ready)");
                w.Open("if (p" + id + ".Start.Millis < _firedUpTo" + id + ")");
                w.Line("_wstate" + id + ".Remove(p" + id + ", out var fs" + id + ");");
                if (keyed)
                {
                    WriteRecycleMap(w, t, "p" + id, "fs" + id);
                }

                w.Close();
                w.Open("else if (next" + id + " == global::Compiled.Instant.MaxValue)");
                w.Line("next" + id + " = new global::Compiled.Instant(global::System.Math.Max(_firedUpTo" + id + ", p" + id + ".Start.Millis - " + size + " + " + period + ") + " + size + " - 1);");
                w.Close();
                w.Close();
                w.Line("_nextEnd" + id + " = next" + id + ";");
                w.Line("_pane = pane" + id + ";");
                w.Close();
                if (Lifted(t))
                {
                    w.Close(); // the else of a sender: both move the state's watermark, next
                }

                w.Open("if (_wm" + id + " < " + watermark + ")");
                w.Line("_wm" + id + " = " + watermark + ";");
                w.Close();
                w.Close();
            }
        }
    }
}
