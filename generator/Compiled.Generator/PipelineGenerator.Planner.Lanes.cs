using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Planner
    {
        /// <summary>Elements per block of a vectorized loop: the partial results of a block are merged into the state after it, and cannot overflow within it.</summary>
        internal const int LaneBlock = 1 << 16;

        /// <summary>
        /// Which span loops run in vector lanes. An input of int, long, float or double whose whole stage is a chain of Map and
        /// Filter lambdas with a vector form (<see cref="LaneExpr"/>) ending in global combines (sum, checked sum of values
        /// that fit 32 bits, count, min, max, mean of such values; for floats and doubles sum and mean in element order,
        /// see <see cref="FloatingPointTerminalOf"/>), Count or an output gets a vectorized loop; the scalar loop keeps the tail. Every
        /// other input of int, long, float or double says in the plan why it keeps the scalar loop.
        /// </summary>
        private static (List<LanePlan> Plans, List<string> Description) Lanes(PipelineSpec spec, List<TransformSpec> transforms, List<Edge> edges, EquatableArray<StatePlan> states)
        {
            var plans = new List<LanePlan>();
            var lines = new List<string>();
            foreach (var input in transforms.Where(t => t.Kind == TransformKind.CreateInput))
            {
                if (LaneTypeOf(input.OutputTypes[0]) is not { } inputType)
                {
                    continue;
                }

                var (branches, why) = LanesOf(spec, input, inputType, transforms, edges, states);
                if (branches is not null)
                {
                    plans.AddRange(branches);
                }

                lines.Add("  input '" + Names.ForLabel(input.Name ?? string.Empty) + "': " + (branches is null ? "scalar loop: " + why : why));
            }

            if (lines.Count > 0)
            {
                lines.Insert(0, "Vectorized loops (span pushes, Run over arrays and spans; the scalar loop takes each span's tail, and every element a streaming parallel partition ships):");
            }

            return (plans, lines);
        }

        private static LaneType? LaneTypeOf(string type) => type switch
        {
            "int" => LaneType.Int32,
            "long" => LaneType.Int64,
            "double" => LaneType.Double,
            "float" => LaneType.Single,
            _ => null,
        };

        /// <summary>
        /// The lane plans of one input, one per combine its stage ends in (a stage that fans out to several runs them all in
        /// the same pass over each vector), and their description; or null and why not: every branch must have a vector form,
        /// since the vectorized loop takes each element for the whole stage.
        /// </summary>
        private static (List<LanePlan>? Plans, string Why) LanesOf(PipelineSpec spec, TransformSpec input, LaneType inputType, List<TransformSpec> transforms, List<Edge> edges, EquatableArray<StatePlan> states)
        {
            if (spec.CountsEveryTransform)
            {
                return (null, "every transform counts its elements one by one (CountEveryTransform)");
            }

            if (input.MaxOutOfOrdernessMs is not null)
            {
                return (null, "the input tracks its own watermark, bundle by bundle");
            }

            var plans = new List<LanePlan>();
            var texts = new List<string>();
            var why = Branch(input, new List<int>(), new List<string>(), LaneExpr.Leaf(LaneOp.Param, inputType));
            if (why is not null)
            {
                return (null, why);
            }

            if (plans.Count > 1 && plans.FirstOrDefault(p => p.Kind == LaneTerminal.Output) is { } output)
            {
                // The scalar loop takes each element through every branch before the next: an output then sees the elements
                // interleaved with the other branches, which a vector at a time per branch would not keep.
                return (null, "#" + Num(output.Terminal) + " " + transforms[output.Terminal].Label + " is an output in a fan-out: the scalar loop takes each element through every branch in turn");
            }

            var form = "Vector<" + inputType.CSharpName() + "> lanes, ";
            var text = form + (texts.Count == 1 ? texts[0] : "one pass for " + Num(texts.Count) + " combines: " + string.Join("; ", texts.Select((t, n) => "(" + Num(n + 1) + ") " + t)));
            return (plans.Select(p => p with { Text = text }).ToList(), text);

            // Follows the stage from `current` (whose value is `value`, after the steps of `chain`): null once every branch
            // from it ended in a combine with a vector form (its plan added), else why not.
            string? Branch(TransformSpec current, List<int> chain, List<string> steps, LaneExpr value)
            {
                var next = edges.Where(e => e.From == current.Id).ToList();
                if (next.Count == 0)
                {
                    return "#" + Num(current.Id) + " " + current.Label + " ends the stage; a vectorized loop feeds combines or counts";
                }

                if (next.Count == 1)
                {
                    return Step(transforms[next[0].To], chain, steps, value);
                }

                // A fan-out: each branch continues from here with its own copy of the chain so far.
                return next.Select(edge => Step(transforms[edge.To], new List<int>(chain), new List<string>(steps), value)).FirstOrDefault(w => w is not null);
            }

            // One transform of a branch: a Map or Filter with a vector form goes on along the branch; a combine ends it.
            string? Step(TransformSpec t, List<int> chain, List<string> steps, LaneExpr value)
            {
                var where = "#" + Num(t.Id) + " " + t.Label;
                if (t.Kind is TransformKind.Map or TransformKind.Filter)
                {
                    if (t.WithFailures || t.ReadsContext || t.SideInput is not null)
                    {
                        return where + ": it " + (t.WithFailures ? "sends failures to an output" : t.ReadsContext ? "reads the element's context" : "reads a side input");
                    }

                    if (t.Function?.Lanes is not { } lanes)
                    {
                        return where + ": " + (t.Function?.LanesWhyNot ?? "its function has no vector form");
                    }

                    chain.Add(t.Id);
                    if (t.Kind == TransformKind.Map)
                    {
                        value = lanes;
                        steps.Add(where + (lanes.Type == LaneType.Int64 && inputType == LaneType.Int32 ? " (its longs in two vectors of the int lanes)" : string.Empty));
                    }
                    else
                    {
                        steps.Add(where + " (a lane mask)");
                    }

                    return Branch(t, chain, steps, value);
                }

                if (t.Kind == TransformKind.Output)
                {
                    if (value.Type == LaneType.Bool || t.InputType != value.Type.CSharpName())
                    {
                        return where + ": its elements are not ints, longs, floats or doubles";
                    }

                    steps.Add(where + " (each passing lane to the sink, in element order)");
                    texts.Add(string.Join(", ", steps));
                    plans.Add(new LanePlan(input.Id, inputType, chain.ToEquatableArray(), t.Id, LaneTerminal.Output, value.Type, string.Empty));
                    return null;
                }

                if (t.Kind is not (TransformKind.CombineGlobally or TransformKind.Count))
                {
                    return where + " has no vector form (a chain of Map and Filter ending in a global combine, Count or an output has)";
                }

                var state = states[t.Id];
                if (t.OutputWindowing is not null || t.SideInput is not null || state.LiftsInStream || state.Layout is not (StateLayout.Accumulator or StateLayout.Counter))
                {
                    return where + ": its state is per window, not one accumulator";
                }

                var (kind, whyNot) = TerminalOf(t, value);
                if (kind is null)
                {
                    return where + ": " + whyNot;
                }

                steps.Add(where + " (" + whyNot + ")");
                texts.Add(string.Join(", ", steps));
                plans.Add(new LanePlan(input.Id, inputType, chain.ToEquatableArray(), t.Id, kind.Value, value.Type, string.Empty));
                return null;
            }
        }

        /// <summary>The vector form of a global combine or count fed by <paramref name="value"/>, with how it merges; or null and why not.</summary>
        private static (LaneTerminal? Kind, string Why) TerminalOf(TransformSpec t, LaneExpr value)
        {
            const string PerBlock = "merged into the state once per block of 65,536 elements";
            if (t.Kind == TransformKind.Count)
            {
                return (LaneTerminal.Count, "the passing lanes counted per lane, " + PerBlock);
            }

            var fn = t.Combine!.FnType;
            var type = value.Type.CSharpName();
            if (t.Combine.SideType is not null)
            {
                return (null, "its combine function reads a side input");
            }

            if (value.Type.IsFloatingPoint())
            {
                return FloatingPointTerminalOf(fn, type);
            }

            if (fn == "global::Compiled.SumFn<" + type + ">")
            {
                return (LaneTerminal.Sum, "a sum per lane, wrapping as the scalar sum does, " + PerBlock);
            }

            if (fn == "global::Compiled.SumAsLongFn<" + type + ">" || (fn == "global::Compiled.SumCheckedFn<long>" && value.Type == LaneType.Int64))
            {
                return value.Fits32Bits
                    ? (LaneTerminal.CheckedSum, "a long sum per lane; a block runs in lanes only while the sum is too far from overflow for the block to reach it, else the scalar loop runs, and throws where it would")
                    : (null, "a checked sum of longs that may not fit 32 bits must fail at the element whose running sum overflows");
            }

            if (fn.StartsWith("global::Compiled.SumCheckedFn<", System.StringComparison.Ordinal))
            {
                return (null, "a checked int sum must fail at the element whose running sum overflows");
            }

            if (fn == "global::Compiled.CountFn<" + type + ">")
            {
                return (LaneTerminal.CountFn, "the passing lanes counted per lane, " + PerBlock);
            }

            if (fn == "global::Compiled.MinFn<" + type + ">" || fn == "global::Compiled.MaxFn<" + type + ">")
            {
                var min = fn.StartsWith("global::Compiled.MinFn<", System.StringComparison.Ordinal);
                return (min ? LaneTerminal.Min : LaneTerminal.Max, "a " + (min ? "minimum" : "maximum") + " per lane, merged with the combine's MergeAccumulators after each block");
            }

            if (fn == "global::Compiled.MeanFn<" + type + ">")
            {
                return value.Fits32Bits
                    ? (LaneTerminal.Mean, "an exact long sum and a count per lane; a block runs in lanes only while the double sum stays below 2^53, where adding integers one by one is exact too")
                    : (null, "a mean of longs that may not fit 32 bits rounds its double sum element by element");
            }

            return (null, "its combine function (" + fn + ") has no vector form");
        }

        /// <summary>
        /// The vector form of a global combine of floats or doubles. Every lane computes the bits the scalar loop computes; what
        /// differs is the order of a sum: floating-point addition rounds differently in any other order, so a sum (and a
        /// mean's sum) stays one running value that the passing lanes join in element order. Minimum and maximum are
        /// order-free (IEEE 754 minimum and maximum: NaN wins, -0.0 is below +0.0, as MinFn and MaxFn compare).
        /// </summary>
        private static (LaneTerminal? Kind, string Why) FloatingPointTerminalOf(string fn, string type)
        {
            const string InOrder = "the passing lanes added to the running sum one by one in element order, branch-free (a lane that does not pass adds -0.0, which leaves any sum as it is): floating-point addition in any other order rounds differently, so per-lane sums are not used";
            if (fn == "global::Compiled.SumFn<" + type + ">")
            {
                return (LaneTerminal.OrderedSum, InOrder);
            }

            if (fn == "global::Compiled.MeanFn<" + type + ">")
            {
                return (LaneTerminal.OrderedMean, InOrder + "; the passing lanes counted per lane");
            }

            if (fn == "global::Compiled.CountFn<" + type + ">")
            {
                return (LaneTerminal.CountFn, "the passing lanes counted per lane, merged into the state once per block of 65,536 elements");
            }

            if (fn == "global::Compiled.MinFn<" + type + ">" || fn == "global::Compiled.MaxFn<" + type + ">")
            {
                var min = fn.StartsWith("global::Compiled.MinFn<", System.StringComparison.Ordinal);
                return (min ? LaneTerminal.Min : LaneTerminal.Max, "a " + (min ? "minimum" : "maximum") + " per lane (IEEE 754 " + (min ? "minimum" : "maximum") + ", as the combine compares: NaN wins, -0.0 is below +0.0), merged with the combine's MergeAccumulators after each block");
            }

            return (null, "its combine function (" + fn + ") has no vector form");
        }
    }
}
