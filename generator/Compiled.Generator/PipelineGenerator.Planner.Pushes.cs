using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Planner
    {
        /// <summary>
        /// The inputs whose single pushes (<c>Push(element, timestamp)</c>) run the element without a catch: every function
        /// of the stage the element goes through provably cannot throw (<see cref="FunctionSpec.MayThrow"/>), its built-in
        /// transforms cannot either, and any state it ends in counts, sums, takes the least, the largest or the mean of
        /// primitive values under primitive keys. A catch turns a throw of user code into a
        /// <c>PipelineExecutionException</c> naming the transform and the element; the .NET JIT does not inline a method
        /// that has one, so a push that keeps it pays a call per element. Such a push runs its stage inline, as a quiet call
        /// does (should the runner itself throw, the exception goes on as it is, and the next call says the runner failed).
        /// </summary>
        /// <remarks>
        /// Such a push also takes a plain path when the runner is idle and runs on one thread (not a partition or shard of a
        /// parallel runner): the stage with no exchange to check, and the end of the push only when it has something to do
        /// (<see cref="PushEndsWith"/>). The inputs whose push ends with nothing to do are the second list; those whose stage
        /// checks an exchange on a parallel runner, so that the plain path runs a copy of it without the checks, the third.
        /// Those whose stage sends its elements through an exchange on a partition of the streaming parallel runner, the fourth:
        /// a partition's push of them keeps the catch (a send blocks, and throws when the run is cancelled); a partition's push
        /// of the others runs the stage as uncaught as a single runner's does.
        /// </remarks>
        private static (List<int> Inputs, List<int> QuietEnds, List<int> PlainStages, List<int> SendingStages, List<string> Description) UncaughtPushes(
            List<TransformSpec> transforms, List<Edge> edges, EquatableArray<StatePlan> states, bool streaming, bool batch)
        {
            var inputs = new List<int>();
            var quiet = new List<int>();
            var plainStages = new List<int>();
            var sendingStages = new List<int>();
            var lines = new List<string>();
            foreach (var input in transforms.Where(t => t.Kind == TransformKind.CreateInput))
            {
                var why = StageMayThrow(input, transforms, edges);
                string line;
                if (why is null)
                {
                    inputs.Add(input.Id);
                    var end = PushEndsWith(input, transforms, edges, states);
                    if (end is null)
                    {
                        quiet.Add(input.Id);
                    }

                    if (FirstInStage(input, transforms, edges, t => states[t.Id].RoutesElements(streaming, batch) ? t : null) is not null)
                    {
                        plainStages.Add(input.Id);
                    }

                    line = "no catch per element: nothing in its stage can throw; " + (end is null ? "nothing to do at the end of a push" : "the end of a push " + end);
                    if (streaming && FirstInStage(input, transforms, edges, t => states[t.Id].RoutesElements(streaming: true, batch: false) ? t : null) is { } sends)
                    {
                        sendingStages.Add(input.Id);
                        line += "; a partition of the parallel runner keeps the catch: it sends to #" + Num(sends.Id) + " " + sends.Label + " through an exchange";
                    }
                }
                else
                {
                    line = "a catch per element: " + why;
                }

                lines.Add("  input '" + Names.ForLabel(input.Name ?? string.Empty) + "': " + line);
            }

            if (lines.Count > 0)
            {
                lines.Insert(0, "Single pushes (Push(element), one call per element; the functions of a stage are read at build time):");
            }

            return (inputs, quiet, plainStages, sendingStages, lines);
        }

        /// <summary>
        /// What a push of an input whose stage cannot throw must do after its element, or null when nothing: a push that
        /// ends with nothing to do neither fires nor delivers, so it has no failure to report and no pane to reset.
        /// </summary>
        private static string? PushEndsWith(TransformSpec input, List<TransformSpec> transforms, List<Edge> edges, EquatableArray<StatePlan> states)
        {
            if (ReachedOutput(input, transforms, edges) is { } output)
            {
                return "checks for failures (#" + Num(output.Id) + " " + output.Label + " delivers in it)";
            }

            // Not reached today (such an input's timestamps are checked, so its pushes keep the catch); kept so that a plain
            // push can never leave the input's watermark behind.
            if (input.MaxOutOfOrdernessMs is not null)
            {
                return "moves the input's own watermark";
            }

            // Open sessions fire only as the watermark passes their end; other panes evaluate triggers once per bundle.
            if (transforms.FirstOrDefault(t => states[t.Id].Layout.IsPanes() && states[t.Id].Layout != StateLayout.OpenSessions) is { } paned)
            {
                return "evaluates the triggers of #" + Num(paned.Id) + " " + paned.Label;
            }

            if (transforms.Any(t => t.IdlenessMs > 0) ||
                transforms.Any(t => t.Stateful?.Cells.Any(c => c.Kind.IsProcessingTime()) == true))
            {
                return "reads the clock, once one is set";
            }

            return null;
        }

        /// <summary>The first output an element of the input reaches in its push (before any state), or null.</summary>
        private static TransformSpec? ReachedOutput(TransformSpec input, List<TransformSpec> transforms, List<Edge> edges) =>
            FirstInStage(input, transforms, edges, t => t.Kind == TransformKind.Output ? t : null);

        /// <summary>
        /// Walks the transforms an element of the input reaches in its push: every one its edges lead to, through
        /// element-wise transforms, up to and including the stateful ones where the stage ends. Returns what
        /// <paramref name="find"/> gives for the first transform it gives something for, or null.
        /// </summary>
        private static T? FirstInStage<T>(TransformSpec input, List<TransformSpec> transforms, List<Edge> edges, System.Func<TransformSpec, T?> find)
            where T : class
        {
            var seen = new HashSet<int>();
            var pending = new Stack<int>();
            pending.Push(input.Id);
            while (pending.Count > 0)
            {
                var from = pending.Pop();
                foreach (var edge in edges.Where(e => e.From == from))
                {
                    if (!seen.Add(edge.To))
                    {
                        continue;
                    }

                    var t = transforms[edge.To];
                    if (find(t) is { } found)
                    {
                        return found;
                    }

                    if (!IsStateful(t))
                    {
                        pending.Push(t.Id);
                    }
                }
            }

            return null;
        }

        /// <summary>Why something in the stage of an input's elements may throw, or null when nothing can.</summary>
        private static string? StageMayThrow(TransformSpec input, List<TransformSpec> transforms, List<Edge> edges) =>
            FirstInStage(input, transforms, edges, t => TransformMayThrow(t) is { } why ? "#" + Num(t.Id) + " " + t.Label + ": " + why : null);

        /// <summary>Why a transform an element reaches in its push may throw, or null when it cannot.</summary>
        private static string? TransformMayThrow(TransformSpec t)
        {
            if (t.SideInput is not null)
            {
                return "it reads a side input";
            }

            switch (t.Kind)
            {
                case TransformKind.Keys or TransformKind.Values or TransformKind.KvSwap or TransformKind.Flatten or TransformKind.Identity or
                    TransformKind.Output:
                    return null;
                case TransformKind.Window:
                    return t.Windowing?.CustomType is null ? null : "it assigns windows with a window function of its own";
                case TransformKind.WithTimestamps:
                    return "its timestamps are checked (their range, and the allowed skew), which may fail";
                case TransformKind.Map or TransformKind.Filter or TransformKind.WithKeys when t.WithFailures:
                    return null; // a throw of its function sends the element to its failures output
                case TransformKind.Map or TransformKind.Filter or TransformKind.WithKeys:
                    return t.Function is null ? "it has no function the generator read" : t.Function.MayThrow;
                case TransformKind.Count:
                    return null;
                case TransformKind.CountPerKey or TransformKind.GroupByKey:
                    return PrimitiveKey(t.KeyType);
                case TransformKind.CountPerElement:
                    return PrimitiveKey(t.InputType);
                case TransformKind.CombinePerKey:
                    return PrimitiveKey(t.KeyType) ?? CombineMayThrow(t.Combine);
                case TransformKind.CombineGlobally:
                    return CombineMayThrow(t.Combine);
                default:
                    return "it runs code that may throw (" + t.Kind + ")";
            }
        }

        private static string? PrimitiveKey(string? key) =>
            key is not null && PrimitiveTypes.Contains(key) ? null : "it keys its state by " + (key ?? "a value") + ", whose hashing and equality may be user code";

        /// <summary>Count, and the sum (not of decimals, which checks), least, largest and mean of primitive values: their adds cannot throw.</summary>
        private static string? CombineMayThrow(CombineFnSpec? combine)
        {
            if (combine is null || combine.SideType is not null)
            {
                return "it combines with a function that may throw";
            }

            var open = combine.FnType.IndexOf('<');
            var name = open < 0 ? combine.FnType : combine.FnType.Substring(0, open);
            var argument = open < 0 ? null : combine.FnType.Substring(open + 1, combine.FnType.Length - open - 2);
            return name switch
            {
                "global::Compiled.CountFn" => null,
                "global::Compiled.SumFn" or "global::Compiled.MinFn" or "global::Compiled.MaxFn" or "global::Compiled.MeanFn" when argument is not null && PrimitiveTypes.Contains(argument) => null,
                _ => "it combines with " + combine.FnType.Replace("global::", string.Empty) + ", whose steps may throw",
            };
        }

        private static readonly HashSet<string> PrimitiveTypes = new(System.StringComparer.Ordinal)
        {
            "bool", "char", "sbyte", "byte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double",
        };
    }
}
