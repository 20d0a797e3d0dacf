using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    /// <summary>
    /// Turns a spec into a fused plan. Pure: no symbols, no I/O. Element-wise transforms fuse into the
    /// loop of the input or flush that feeds them; stateful transforms (groupings, combines, side-input
    /// views) are where a fused stage ends, and each flush at end of input starts a new one.
    /// </summary>
    internal static partial class Planner
    {
        public static PipelinePlan Plan(PipelineSpec spec)
        {
            var transforms = spec.Transforms.ToList();
            var edges = BuildEdges(transforms);

            // GroupByKey whose only consumer is CombineValues: keep an accumulator per key instead of a
            // list of values (Beam's combiner lifting). The CombineValues becomes a pass-through.
            foreach (var group in transforms.Where(t => t.Kind == TransformKind.GroupByKey).ToList())
            {
                var consumers = edges.Where(e => e.From == group.Id).ToList();
                if (consumers.Count == 1 && transforms[consumers[0].To] is { Kind: TransformKind.CombineValues, SideInput: null } combine)
                {
                    transforms[group.Id] = group with
                    {
                        Kind = TransformKind.CombinePerKey,
                        Combine = combine.Combine,
                        OutputTypes = combine.OutputTypes,
                        Label = group.Label + " + " + combine.Label + ", lifted",
                        StateCoders = group.StateCoders is { } keyed && combine.StateCoders is { } accumulated
                            ? new[] { keyed[0], accumulated[accumulated.Count - 1] }.ToEquatableArray()
                            : null,
                        StateCoderNote = group.StateCoderNote ?? combine.StateCoderNote,
                    };
                    transforms[combine.Id] = combine with { Kind = TransformKind.Identity, InputType = combine.OutputTypes[0] };
                }
            }

            var flushOrder = transforms.Where(IsStateful).Select(t => t.Id).ToList();
            var (states, sharing) = Physical(transforms, edges);
            var whyNot = ParallelWhyNot(transforms, states);
            var streamingWhyNot = spec.PrivateExchangedType is { } hidden
                ? "the type '" + hidden + "' crosses its exchanges and is private to the pipeline class (make it internal or public)"
                : ParallelStreamingWhyNot(transforms, states);
            var levels = states.Count == 0 ? 0 : states.Max(s => s.Level);

            // A shard evaluates triggers at the end of each sender's bundle only for panes that fire on elements (open
            // sessions fire only as the watermark passes): bundle ends go to the levels at or below such a transform.
            var bundleEndLevels = Enumerable.Range(1, streamingWhyNot is null ? levels : 0)
                .Where(level => states.Any(s => s.Level >= level && s.Layout.IsPanes() && s.Layout != StateLayout.OpenSessions))
                .ToList();
            var windowlessLevels = streamingWhyNot is null ? WindowlessLevels(states, levels) : new List<int>();
            var checkpointsWhyNot = CheckpointsWhyNot(transforms, states);
            var (lanes, lanesDescription) = Lanes(spec, transforms, edges, states);
            var (uncaught, quietEnds, plainStages, sendingStages, uncaughtDescription) = UncaughtPushes(transforms, edges, states, streaming: streamingWhyNot is null, batch: whyNot is null);
            var description = Describe(transforms, edges).Concat(DescribeComposites(transforms)).Concat(DescribeOptions(spec, transforms)).Concat(lanesDescription).Concat(uncaughtDescription).Concat(DescribeStateMaps(transforms, states)).Concat(DescribeParallel(transforms, states, whyNot)).Concat(DescribeParallelStreaming(transforms, states, streamingWhyNot, windowlessLevels)).Concat(DescribeKeyShards(transforms, states, whyNot is null || streamingWhyNot is null)).Concat(DescribeCheckpoints(checkpointsWhyNot, streamingWhyNot is null)).ToList();
            return new PipelinePlan
            {
                States = states,
                Lanes = lanes.ToEquatableArray(),
                UncaughtPushes = uncaught.ToEquatableArray(),
                QuietPushEnds = quietEnds.ToEquatableArray(),
                PlainStages = plainStages.ToEquatableArray(),
                SendingStages = sendingStages.ToEquatableArray(),
                PaneSharingWindows = sharing,
                ParallelBatch = whyNot is null,
                ParallelWhyNot = whyNot,
                ParallelStreaming = streamingWhyNot is null,
                ParallelStreamingWhyNot = streamingWhyNot,
                Levels = streamingWhyNot is null ? levels : 0,
                BundleEndLevels = bundleEndLevels.ToEquatableArray(),
                WindowlessLevels = windowlessLevels.ToEquatableArray(),
                Spec = spec,
                Transforms = transforms.ToEquatableArray(),
                Edges = edges.ToEquatableArray(),
                FlushOrder = flushOrder.ToEquatableArray(),
                Checkpoints = checkpointsWhyNot is null,
                CheckpointsWhyNot = checkpointsWhyNot,
                CheckpointShape = checkpointsWhyNot is null ? CheckpointShape(description, transforms) : 0,
                Description = description.ToEquatableArray(),
                Mermaid = Mermaid(transforms, edges, whyNot is null ? states : null).ToEquatableArray(),
            };
        }

        /// <summary>True for transforms that hold state until input ends (fusion boundaries).</summary>
        public static bool IsStateful(TransformSpec t) => t.SideInput is not null || t.Kind is
            TransformKind.GroupByKey or TransformKind.CombinePerKey or TransformKind.CombineGlobally or
            TransformKind.Count or TransformKind.CountPerElement or TransformKind.CountPerKey or
            TransformKind.Distinct or TransformKind.CoGroupByKey or TransformKind.StatefulParDo or
            TransformKind.AsSingleton or TransformKind.AsList or TransformKind.AsDictionary;

        private static List<Edge> BuildEdges(List<TransformSpec> transforms)
        {
            var edges = new List<Edge>();
            foreach (var t in transforms)
            {
                for (var i = 0; i < t.Inputs.Count; i++)
                {
                    edges.Add(new Edge(t.Inputs[i].Node, t.Inputs[i].Port, t.Id, i));
                }
            }

            return edges;
        }

        private static string Why(TransformSpec t, List<TransformSpec> transforms)
        {
            if (t.ViewWindowing is { } triggeredWindows && IsTriggeredView(t))
            {
                return "side-input view of a triggered collection, kept per " + triggeredWindows.Describe() + " window, each holding its latest pane; in streaming a window is read " +
                       "once its first pane arrives (in batch once complete), and dropped once the watermark is past its end by the allowed lateness";
            }

            if (t.ViewWindowing is { Kind: not "Global" } viewWindows)
            {
                return "side-input view kept per " + viewWindows.Describe() + " window; a window is read once the watermark passes its end, and dropped once it is past it by its readers' allowed lateness";
            }

            if (t.SideInput is { } triggeredSide && IsTriggeredView(transforms[triggeredSide.Node]))
            {
                return "reads side input #" + Num(triggeredSide.Node) + ", a view of a triggered collection, in the window its own window maps to (Beam's default mapping): " +
                       "its input waits for that window's first pane (in batch: for the window to be complete), holding the watermark of what is below it, and then reads the latest pane";
            }

            if (t.SideInput is { } windowedSide && transforms[windowedSide.Node].ViewWindowing is { Kind: not "Global" } sideWindows)
            {
                return "reads side input #" + Num(windowedSide.Node) + " in the " + sideWindows.Describe() + " window its own window maps to (Beam's default mapping), " +
                       "so its input waits until the watermark passes that window's end, holding the watermark of what is below it";
            }

            if (t.Stateful is { } stateful)
            {
                return WhyStateful(t, stateful);
            }

            if (t.OutputWindowing is { IsDefaultSessions: true } sessions && IsStateful(t) && t.SideInput is null && t.Kind != TransformKind.StatefulParDo)
            {
                return "state per " + (t.Kind is TransformKind.CombineGlobally or TransformKind.Count ? string.Empty : "key and ") + "session, " + sessions.Describe() +
                       ", as open sessions: an element extends its key's session in place or merges the sessions it overlaps, and a session fires once and is freed " +
                       "when the watermark passes its end (the default strategy: no trigger state, timers or pane bookkeeping)";
            }

            if (t.OutputWindowing is { IsSimple: false, BucketsByWindow: true } bucketed && IsStateful(t) && t.SideInput is null && t.Kind != TransformKind.StatefulParDo)
            {
                return "state per " + (t.Kind is TransformKind.CombineGlobally or TransformKind.Count ? string.Empty : "key and ") + "window, " + bucketed.Describe() +
                       ", in window buckets (a map per live window from key to its slot, the trigger compiled, one timer per window); panes fire per the trigger as the watermark and processing time advance, and a window's state is dropped at its end plus the allowed lateness";
            }

            if (t.OutputWindowing is { IsSimple: false } strategy && IsStateful(t) && t.SideInput is null)
            {
                return "state per " + (t.Kind is TransformKind.CombineGlobally or TransformKind.Count ? string.Empty : "key and ") + "window, " + strategy.Describe() +
                       ", in keyed window panes; panes fire per the trigger as the watermark and processing time advance, and a window's state is dropped at its end plus the allowed lateness";
            }

            if (t.OutputWindowing is { } windowing && IsStateful(t) && t.SideInput is null)
            {
                return "state per " + (t.Kind is TransformKind.CombineGlobally or TransformKind.Count ? string.Empty : "key and ") + windowing.Describe() +
                       " window, updated in place in the loop; a window is emitted and its state dropped when the watermark passes its end";
            }

            if (t.SideInput is { } side)
            {
                return "reads side input #" + Num(side.Node) + ", so its input is buffered until that view is complete";
            }

            return t.Kind switch
            {
                TransformKind.GroupByKey => "its grouped values are iterated downstream, so they are materialized per key",
                TransformKind.CoGroupByKey => "the values of every input are materialized per key for the join",
                TransformKind.CombinePerKey => "one accumulator per key, updated in place in the loop (combine lifted); emitted when input ends",
                TransformKind.CombineGlobally => "one accumulator, updated in place in the loop; emitted when input ends",
                TransformKind.Count => "one counter, incremented in the loop; emitted when input ends",
                TransformKind.CountPerElement or TransformKind.CountPerKey => "one counter per key, incremented in place in the loop; emitted when input ends",
                TransformKind.Distinct => "a set of the elements seen; emitted when input ends",
                TransformKind.AsSingleton or TransformKind.AsList or TransformKind.AsDictionary => "side-input view, materialized before the stages that read it",
                _ => string.Empty,
            };
        }

        private static IEnumerable<string> Describe(List<TransformSpec> transforms, List<Edge> edges)
        {
            var lines = new List<string>();
            var stage = 0;
            var boundaries = new List<string>();
            foreach (var origin in transforms)
            {
                var isInput = origin.Kind is TransformKind.CreateInput or TransformKind.ReadLinesInput;
                if (!isInput && !IsStateful(origin))
                {
                    continue;
                }

                stage++;
                lines.Add("Stage " + Num(stage) + ": " + (isInput
                    ? "fused loop over input '" + Names.ForLabel(origin.Name ?? string.Empty) + "', element by element"
                    : (origin.Kind == TransformKind.StatefulParDo
                        ? "when its timers fire (as the watermark or processing time advance) or a window expires, emits from #"
                        : IsTriggeredView(origin)
                        ? "as panes arrive, each window of the view takes its latest: #"
                        : origin.ViewWindowing is { Kind: not "Global" }
                        ? "when the watermark passes the end of a window, that window of the view is complete: #"
                        : origin.SideInput is { } side && (transforms[side.Node].ViewWindowing is { Kind: not "Global" } || IsTriggeredView(transforms[side.Node]))
                        ? "when the watermark passes the end of the side window its elements wait for, replays them into #"
                        : origin.OutputWindowing is { IsSimple: false } && origin.SideInput is null
                        ? "when a pane fires (per the trigger, the watermark or processing time), emits it from #"
                        : origin.OutputWindowing is not null && origin.SideInput is null
                        ? "when the watermark passes the end of a window, emits that window's state of #"
                        : "when input ends, emits the state of #") + Num(origin.Id) + " " + origin.Label));
                lines.Add("  #" + Num(origin.Id) + " " + origin.Label);
                Walk(origin.Id, 2, transforms, edges, lines);
                if (!isInput)
                {
                    boundaries.Add("  #" + Num(origin.Id) + " " + origin.Label + ": " + Why(origin, transforms));
                }
            }

            if (boundaries.Count > 0)
            {
                lines.Add("Fusion boundaries:");
                lines.AddRange(boundaries);
            }

            return lines;
        }

        private static void Walk(int node, int depth, List<TransformSpec> transforms, List<Edge> edges, List<string> lines)
        {
            foreach (var edge in edges.Where(e => e.From == node))
            {
                var target = transforms[edge.To];
                var port = transforms[node].OutputTypes.Count > 1 ? "[" + PortName(transforms[node], edge.FromPort) + "] " : string.Empty;
                // A stateful ParDo's element outputs continue in this stage (its timers' outputs start a stage of their own).
                var stateful = IsStateful(target) && target.Kind != TransformKind.StatefulParDo;
                var suffix = stateful ? "  (stage ends: " + Why(target, transforms) + ")"
                    : target.Kind == TransformKind.StatefulParDo ? "  (keeps state per key and window; its timers' outputs continue from a stage of their own)" : string.Empty;
                if (target.Kind == TransformKind.Identity)
                {
                    Walk(target.Id, depth, transforms, edges, lines);
                    continue;
                }

                lines.Add(new string(' ', depth * 2) + "-> " + port + "#" + Num(target.Id) + " " + target.Label + suffix);
                if (!stateful)
                {
                    Walk(target.Id, depth + 1, transforms, edges, lines);
                }
            }
        }

        /// <summary>A ParDo's output is named by its emitter parameter (its tag); other ports by index.</summary>
        private static string PortName(TransformSpec t, int port)
        {
            if (t.WithFailures)
            {
                return port == 0 ? "output" : "failures";
            }

            if (t.Kind == TransformKind.ParDo && t.Function is { } fn)
            {
                var emitters = fn.Parameters.Where(p => p.EmitterOf is not null).ToList();
                if (port < emitters.Count && fn.MethodGroup is null)
                {
                    return emitters[port].Name.TrimStart('@');
                }
            }

            return Num(port);
        }

        /// <summary>
        /// The composite transforms, each with the transforms it applied, as Beam shows a PTransform's expansion: a
        /// composite's transforms are labelled "Composite/Transform" in the stages above.
        /// </summary>
        private static IEnumerable<string> DescribeComposites(List<TransformSpec> transforms)
        {
            var composites = transforms.Where(t => t.Composite is not null).GroupBy(t => t.Composite!).ToList();
            if (composites.Count == 0)
            {
                yield break;
            }

            yield return "Composite transforms:";
            foreach (var composite in composites)
            {
                yield return "  " + composite.Key + ": " + string.Join(", ", composite.Select(t => "#" + Num(t.Id)));
            }
        }

        /// <summary>The pipeline options, and which of their members each transform's lambda reads.</summary>
        private static IEnumerable<string> DescribeOptions(PipelineSpec spec, List<TransformSpec> transforms)
        {
            if (spec.OptionsType is null)
            {
                yield break;
            }

            var readers = transforms.Where(t => t.Function?.OptionsParameter is not null).ToList();
            yield return "Pipeline options: " + spec.OptionsType.Replace("global::", string.Empty) + ", given to CreateRunner and Run" +
                         (readers.Count == 0 ? "; no transform reads them" : "; read by:");
            foreach (var t in readers)
            {
                var members = t.Function!.OptionsRead;
                yield return "  #" + Num(t.Id) + " " + t.Label + ": " + (members.Count == 0 ? "the options object" : string.Join(", ", members));
            }
        }

        private static IEnumerable<string> Mermaid(List<TransformSpec> transforms, List<Edge> edges, EquatableArray<StatePlan>? exchanges)
        {
            yield return "flowchart LR";

            // Transforms applied in a composite are drawn in a subgraph named after it (nested composites nest); a
            // composite's transforms are contiguous in declaration order, so subgraphs open and close as the path changes.
            var open = new List<string>();
            var subgraphs = 0;
            foreach (var t in transforms.Where(t => t.Kind != TransformKind.Identity))
            {
                var path = t.Composite is null ? new List<string>() : t.Composite.Split('/').ToList();
                var common = 0;
                while (common < open.Count && common < path.Count && open[common] == path[common])
                {
                    common++;
                }

                while (open.Count > common)
                {
                    open.RemoveAt(open.Count - 1);
                    yield return new string(' ', 2 + (open.Count * 2)) + "end";
                }

                while (open.Count < path.Count)
                {
                    yield return new string(' ', 2 + (open.Count * 2)) + "subgraph c" + Num(subgraphs++) + "[\"" + path[open.Count].Replace("\"", "'") + "\"]";
                    open.Add(path[open.Count]);
                }

                var indent = new string(' ', 2 + (open.Count * 2));
                var label = t.Composite is null ? t.Label : t.Label.Substring(t.Composite.Length + 1);
                var shape = IsStateful(t) ? "[[\"" : t.Kind is TransformKind.CreateInput or TransformKind.ReadLinesInput ? "([\"" : t.Kind == TransformKind.Output ? "[/\"" : "[\"";
                var close = IsStateful(t) ? "\"]]" : t.Kind is TransformKind.CreateInput or TransformKind.ReadLinesInput ? "\"])" : t.Kind == TransformKind.Output ? "\"/]" : "\"]";
                yield return indent + "n" + Num(t.Id) + shape + label.Replace("\"", "'") + close;
            }

            while (open.Count > 0)
            {
                open.RemoveAt(open.Count - 1);
                yield return new string(' ', 2 + (open.Count * 2)) + "end";
            }

            foreach (var e in edges)
            {
                var from = e.From;
                while (transforms[from].Kind == TransformKind.Identity)
                {
                    from = transforms[from].Inputs[0].Node;
                }

                if (transforms[e.To].Kind == TransformKind.Identity)
                {
                    continue;
                }

                var exchange = exchanges is { } states ? states[e.To].Exchange : ExchangeKind.None;
                var arrow = !IsStateful(transforms[e.To]) ? " --> "
                    : exchange == ExchangeKind.None ? " ==> "
                    : " ==>|" + (exchange == ExchangeKind.ByKeyGroup ? "by key group" : exchange == ExchangeKind.ToOne ? "to shard 0" : "broadcast") + "| ";
                yield return "  n" + Num(from) + arrow + "n" + Num(e.To);
            }

            foreach (var t in transforms.Where(t => t.SideInput is not null))
            {
                yield return "  n" + Num(t.SideInput!.Value.Node) + " -. side input .-> n" + Num(t.Id);
            }
        }

        private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
