using System.Collections.Generic;
using System.Text.RegularExpressions;
using Compiled.Generator.Model;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Planner
    {
        /// <summary>
        /// Why the streaming runner cannot write a checkpoint, or null when it can: every transform's state must have a
        /// layout checkpoints cover and a coder for each type it holds.
        /// </summary>
        private static string? CheckpointsWhyNot(List<TransformSpec> transforms, IReadOnlyList<StatePlan> states)
        {
            foreach (var t in transforms)
            {
                var layout = states[t.Id].Layout;
                var unsupported = layout switch
                {
                    StateLayout.SideInputBuffer when t.Kind is not (TransformKind.Map or TransformKind.Filter or TransformKind.FlatMap or TransformKind.ParDo or TransformKind.CombineValues) =>
                        "a side input's buffer in a " + t.Kind + ", whose own state a checkpoint would also need",
                    _ => null,
                };
                if (unsupported is not null)
                {
                    return "#" + Num(t.Id) + " " + t.Label + " keeps " + unsupported + ", which checkpoints do not cover yet";
                }

                if (layout != StateLayout.None && t.StateCoders is null)
                {
                    return "#" + Num(t.Id) + " " + t.Label + " keeps a type without a coder: " + (t.StateCoderNote ?? "a type could not be read");
                }
            }

            return null;
        }

        private static IEnumerable<string> DescribeCheckpoints(string? whyNot, bool parallelStreaming)
        {
            yield return whyNot is null
                ? "Checkpoints: the streaming runner writes and restores its state (ICheckpointable): windows, accumulators, panes, triggers, timers, watermarks" +
                  (!parallelStreaming ? string.Empty
                      : "; the streaming parallel runner takes them with barriers aligned in its channels, each partition and shard writing its own part (IAlignedCheckpointable), and restores them with the same partitions and key groups, " +
                        "at any parallelism (each shard takes the keys of its key groups from every old shard's part)")
                : "Checkpoints: not available, because " + whyNot;
        }

        private static readonly Regex LineNumbers = new(@"line \d+", RegexOptions.CultureInvariant);

        private static readonly Regex GeneratedCoderPrefix = new(@"global::[\w.@]*\.PipelineCoders\.", RegexOptions.CultureInvariant);

        /// <summary>FNV-1a over the plan's text and the state coders: stable across processes and builds.</summary>
        internal static uint CheckpointShape(IEnumerable<string> description, IEnumerable<TransformSpec> transforms)
        {
            var hash = 2166136261u;
            void Add(string text)
            {
                foreach (var c in text)
                {
                    hash = (hash ^ c) * 16777619u;
                }

                hash = (hash ^ '\n') * 16777619u;
            }

            // Source line numbers are left out: moving the declaration does not change the state's shape. So are the parallel
            // batch runner's part (its header and its indented lines: a batch run writes no checkpoint), the vectorized
            // loops' (a loop in lanes keeps the state the scalar loop keeps), the state maps' (a checkpoint holds each key
            // and value by its coder, whichever map kept them), the single pushes' (a catch or not keeps the same state) and
            // the lifted accumulators' (a shard holds the same accumulators whichever way they travelled) and the key
            // shards' (a key's shard is the same, looked up or hashed).
            var leftOut = false;
            foreach (var line in description)
            {
                leftOut = line.StartsWith("Parallel batch runner", System.StringComparison.Ordinal) || line.StartsWith("Vectorized loops", System.StringComparison.Ordinal) ||
                          line.StartsWith("State maps", System.StringComparison.Ordinal) || line.StartsWith("Single pushes", System.StringComparison.Ordinal) ||
                          line.StartsWith("Lifted accumulators", System.StringComparison.Ordinal) || line.StartsWith("Key shards", System.StringComparison.Ordinal) ||
                            (leftOut && line.StartsWith("  ", System.StringComparison.Ordinal));
                if (!leftOut)
                {
                    Add(LineNumbers.Replace(line, string.Empty));
                }
            }

            foreach (var t in transforms)
            {
                if (t.StateCoders is { } coders)
                {
                    // A generated coder by its name, not by the pipeline class that holds it: its format version covers its schema.
                    foreach (var coder in coders)
                    {
                        Add(GeneratedCoderPrefix.Replace(coder, "PipelineCoders."));
                    }
                }
            }

            return hash;
        }
    }
}
