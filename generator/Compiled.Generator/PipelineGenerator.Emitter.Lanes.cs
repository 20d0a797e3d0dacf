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
        private const string Vec = "global::System.Numerics.Vector";

        private sealed partial class Session
        {
            // ----- vectorized span loops (the plan's LanePlan) -----

            /// <summary>The vectorized loop of an input, when the plan gives it one: a plan per combine its stage ends in (none: the scalar loop).</summary>
            private List<LanePlan> LanesOf(TransformSpec input) => _plan.Lanes.Where(l => l.Input == input.Id).ToList();

            /// <summary>The call that runs a span in lanes before the scalar loop: only where the combines are local (not while a streaming partition ships them).</summary>
            private void WriteLanesCall(SourceWriter w, List<LanePlan> lanes, string name)
            {
                var levels = lanes.Select(l => _plan.States[l.Terminal].Level).Where(level => Streaming && level > 0).Distinct().OrderBy(level => level).ToList();
                var call = "__Lanes" + name + "(elements, " + (lanes.Any(l => l.Kind == LaneTerminal.Output) ? "timestamp, " : string.Empty) + "ref i);";
                if (levels.Count > 0)
                {
                    w.Open("if (" + string.Join(" && ", levels.Select(level => "__send" + N(level) + " is null")) + ")");
                    w.Line(call);
                    w.Close();
                }
                else
                {
                    w.Line(call);
                }
            }

            /// <summary>
            /// Renders <c>__Lanes{name}</c>: whole vectors of the span, from <c>i</c>, in blocks of <see cref="Planner.LaneBlock"/>
            /// elements whose partial results merge into the state after each block; it leaves <c>i</c> at the first element it
            /// did not take (the scalar loop's). Lanes of different types stay aligned: with int input, a long value is two
            /// <c>Vector&lt;long&gt;</c> (the widened halves); with long input, an int value is a sign-extended long, wrapped to 32
            /// bits after each operation that can carry out of them.
            /// </summary>
            private void WriteLanes(SourceWriter w, TransformSpec input, List<LanePlan> plans, string name)
            {
                var first = plans[0];
                var lanes = new LaneWriter(w, first.InputType);
                var element = first.InputType.CSharpName();
                // One combine: its partial results are sum, count, ...; several (a fan-out): sum0, count0, sum1, ...
                string Suffix(int n) => plans.Count == 1 ? string.Empty : N(n);
                w.Line("/// <summary>The span loop of input '" + Doc(input.Name) + "' in vector lanes: " + Doc(first.Text) + ".</summary>");
                w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
                w.Open("private void __Lanes" + name + "(global::System.ReadOnlySpan<" + element + "> elements, " + (plans.Any(p => p.Kind == LaneTerminal.Output) ? "global::Compiled.Instant timestamp, " : string.Empty) + "ref int i)");
                w.Open("if (!" + Vec + ".IsHardwareAccelerated)");
                w.Line("return; // emulated vectors are slower than the scalar loop");
                w.Close();
                w.Line("ref var first = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(elements);");
                w.Line("var width = " + Vec + "<" + element + ">.Count;");
                w.Line("var k = i;");
                w.Open("while (elements.Length - k >= width)");
                foreach (var plan in plans)
                {
                    var id = N(plan.Terminal);
                    switch (plan.Kind)
                    {
                        case LaneTerminal.CheckedSum:
                            w.Line("// A block sums at most " + Planner.LaneBlock.ToString("N0", CultureInfo.InvariantCulture) + " values of at most 2^31: no running sum within it can overflow while the sum is this far from it.");
                            w.Open("if (_acc" + id + " > long.MaxValue - (1L << 47) || _acc" + id + " < long.MinValue + (1L << 47))");
                            w.Line("break; // the scalar loop adds the rest, and throws where the running sum overflows");
                            w.Close();
                            break;
                        case LaneTerminal.Mean:
                            w.Line("// Integers added one by one to a double sum stay exact below 2^53, so a block's exact sum added at once is the same.");
                            w.Open("if (global::System.Math.Abs(_acc" + id + ".Sum) > (double)((1L << 53) - (1L << 47)))");
                            w.Line("break; // the scalar loop adds the rest, rounding as it goes");
                            w.Close();
                            break;
                    }
                }

                w.Line("var end = k + global::System.Math.Min(elements.Length - k, " + Planner.LaneBlock.ToString(CultureInfo.InvariantCulture) + ") / width * width;");
                // Whether each branch filters: its partial results then count the lanes that pass.
                var masked = plans.Select(plan => plan.Chain.Any(step => _t[step].Kind == TransformKind.Filter)).ToList();
                for (var n = 0; n < plans.Count; n++)
                {
                    var plan = plans[n];
                    foreach (var (variable, init) in Accumulators(plan, _t[plan.Terminal], masked[n]))
                    {
                        w.Line("var " + variable + Suffix(n) + " = " + init + ";");
                    }
                }

                w.Line("var start = k;");
                w.Open("for (; k < end; k += width)");
                w.Line("var x = " + Vec + ".LoadUnsafe(ref first, (nuint)k);");
                // A fan-out's branches share the steps before it: each shared step is computed once, for every branch.
                var computed = new Dictionary<string, (string[] Value, LaneType Type, string? Mask)>();
                for (var n = 0; n < plans.Count; n++)
                {
                    var plan = plans[n];
                    var terminal = _t[plan.Terminal];
                    var value = new[] { "x" };
                    var valueType = plan.InputType;
                    string? mask = null;
                    for (var j = 0; j < plan.Chain.Count; j++)
                    {
                        var t = _t[plan.Chain[j]];
                        var expression = t.Function!.Lanes!;
                        var forSum = expression.Op == LaneOp.Widen && j == plan.Chain.Count - 1 && plan.InputType == LaneType.Int32 &&
                            plan.Kind is LaneTerminal.Sum or LaneTerminal.CheckedSum or LaneTerminal.Mean;
                        var prefix = string.Join(",", plan.Chain.Take(j + 1).Select(step => N(step))) + (forSum ? " for a sum" : string.Empty);
                        if (computed.TryGetValue(prefix, out var done))
                        {
                            (value, valueType, mask) = done;
                            continue;
                        }

                        w.Line("// #" + N(t.Id) + " " + t.Label);
                        if (forSum)
                        {
                            // The last step widens ints for a sum: the sum masks the int vector first and widens once (one AND, not two).
                            expression = expression.Args[0];
                        }

                        var result = lanes.Emit(expression, value);
                        if (t.Kind == TransformKind.Map)
                        {
                            value = result;
                            valueType = expression.Type;
                        }
                        else
                        {
                            mask = mask is null ? result[0] : lanes.Temp("(" + mask + " & " + result[0] + ")");
                        }

                        computed[prefix] = (value, valueType, mask);
                    }

                    w.Line("// #" + N(terminal.Id) + " " + terminal.Label);
                    WriteLaneAccumulate(w, lanes, plan, value, valueType, mask, Suffix(n));
                }

                w.Close();
                for (var n = 0; n < plans.Count; n++)
                {
                    var plan = plans[n];
                    WriteLaneMerge(w, plan, _t[plan.Terminal], masked[n], Suffix(n));
                }

                w.Close();
                w.Line("i = k;");
                w.Close();
                w.Line();
            }

            /// <summary>The per-lane partial results of a block, and their initial values.</summary>
            private static List<(string Variable, string Init)> Accumulators(LanePlan plan, TransformSpec terminal, bool masked)
            {
                var wide = LaneWriter.VectorType(plan.InputType, LaneType.Int64);
                var value = LaneWriter.VectorType(plan.InputType, plan.ValueType);
                var counter = LaneWriter.VectorType(plan.InputType, LaneType.Bool);
                var list = new List<(string, string)>();
                switch (plan.Kind)
                {
                    case LaneTerminal.Sum:
                        list.Add(("sum", (plan.ValueType == LaneType.Int32 ? value : wide) + ".Zero"));
                        break;
                    case LaneTerminal.CheckedSum:
                        list.Add(("sum", wide + ".Zero"));
                        break;
                    case LaneTerminal.Mean:
                        list.Add(("sum", wide + ".Zero"));
                        if (masked)
                        {
                            list.Add(("count", counter + ".Zero"));
                        }

                        break;
                    case LaneTerminal.OrderedSum:
                        // Not a per-lane sum: the running sum itself, which the lanes join in element order.
                        list.Add(("sum", "_acc" + N(terminal.Id)));
                        break;
                    case LaneTerminal.OrderedMean:
                        list.Add(("sum", "_acc" + N(terminal.Id) + ".Sum"));
                        if (masked)
                        {
                            list.Add(("count", counter + ".Zero"));
                        }

                        break;
                    case LaneTerminal.Count:
                    case LaneTerminal.CountFn:
                        if (masked)
                        {
                            list.Add(("count", counter + ".Zero"));
                        }

                        break;
                    case LaneTerminal.Min:
                    case LaneTerminal.Max:
                        list.Add(("best", "new " + value + "(" + MinMaxIdentity(plan) + ")"));
                        if (masked)
                        {
                            list.Add(("any", counter + ".Zero"));
                        }

                        break;
                }

                if (masked && terminal.WithoutDefaults && plan.Kind is LaneTerminal.Sum or LaneTerminal.CheckedSum or LaneTerminal.OrderedSum)
                {
                    list.Add(("any", counter + ".Zero"));
                }

                return list;
            }

            /// <summary>The identity of a lane minimum or maximum: what a lane that does not pass holds.</summary>
            private static string MinMaxIdentity(LanePlan plan) => plan.ValueType.CSharpName() + "." + (plan.ValueType.IsFloatingPoint()
                ? (plan.Kind == LaneTerminal.Min ? "PositiveInfinity" : "NegativeInfinity")
                : (plan.Kind == LaneTerminal.Min ? "MaxValue" : "MinValue"));

            /// <summary>One vector's contribution to the block's partial results.</summary>
            private void WriteLaneAccumulate(SourceWriter w, LaneWriter lanes, LanePlan plan, string[] value, LaneType valueType, string? mask, string s)
            {
                // The value's lanes that pass every filter (the others become the accumulation's identity).
                string[] Kept(string[] parts, string identity)
                {
                    if (mask is null)
                    {
                        return parts;
                    }

                    var masks = lanes.MaskFor(mask, valueType);
                    return parts.Select((p, n) => identity == "0"
                        ? lanes.Temp("(" + p + " & " + masks[n] + ")")
                        : lanes.Temp(Vec + ".ConditionalSelect(" + masks[n] + ", " + p + ", " + identity + ")")).ToArray();
                }

                var widens = plan.InputType == LaneType.Int32 && valueType == LaneType.Int32;
                switch (plan.Kind)
                {
                    case LaneTerminal.Output:
                        WriteLaneOutput(w, plan, value, valueType, mask);
                        return;

                    case LaneTerminal.Sum:
                        {
                            var kept = Kept(value, "0");
                            w.Line("sum" + s + " += " + string.Join(" + ", widens && plan.ValueType == LaneType.Int64 ? lanes.WidenParts(kept[0]) : kept) + ";");
                            break;
                        }

                    case LaneTerminal.CheckedSum:
                    case LaneTerminal.Mean:
                        {
                            var kept = Kept(value, "0");
                            var longs = widens ? lanes.WidenParts(kept[0]) : kept;
                            w.Line("sum" + s + " += " + string.Join(" + ", longs) + ";");
                            if (plan.Kind == LaneTerminal.Mean && mask is not null)
                            {
                                w.Line("count" + s + " -= " + mask + ";");
                            }

                            break;
                        }

                    case LaneTerminal.OrderedSum:
                    case LaneTerminal.OrderedMean:
                        {
                            // Floating-point addition is not associative: the lanes join the running sum one by one, in
                            // element order (C# adds left to right), branch-free: a lane that does not pass adds -0.0.
                            // A mean's sum is a double (MeanFn adds each float as a double). The common width (256-bit
                            // vectors) is written out; any other takes the loop.
                            var element = valueType.CSharpName();
                            var vector = Vec + "<" + element + ">";
                            var kept = Kept(value, "new " + vector + "(" + LaneWriter.FloatingLiteral(valueType, -0.0) + ")")[0];
                            var widen = plan.Kind == LaneTerminal.OrderedMean && valueType == LaneType.Single ? "(double)" : string.Empty;
                            var common = valueType == LaneType.Single ? 8 : 4;
                            w.Open("if (" + vector + ".Count == " + N(common) + ")");
                            w.Line("sum" + s + " = sum" + s + string.Concat(Enumerable.Range(0, common).Select(lane => " + " + widen + kept + "[" + N(lane) + "]")) + ";");
                            w.Close();
                            w.Open("else");
                            w.Open("for (var lane = 0; lane < " + vector + ".Count; lane++)");
                            w.Line("sum" + s + " += " + widen + kept + "[lane];");
                            w.Close();
                            w.Close();
                            if (plan.Kind == LaneTerminal.OrderedMean && mask is not null)
                            {
                                w.Line("count" + s + " -= " + mask + ";");
                            }

                            break;
                        }

                    case LaneTerminal.Count:
                    case LaneTerminal.CountFn:
                        if (mask is not null)
                        {
                            w.Line("count" + s + " -= " + mask + ";");
                        }

                        break;
                    case LaneTerminal.Min:
                    case LaneTerminal.Max:
                        {
                            var identity = "new " + LaneWriter.VectorType(plan.InputType, valueType) + "(" + MinMaxIdentity(plan) + ")";
                            var kept = Kept(value, identity);
                            var op = plan.Kind == LaneTerminal.Min ? "Min" : "Max";
                            var folded = kept.Length == 1 ? kept[0] : Vec + "." + op + "(" + kept[0] + ", " + kept[1] + ")";
                            w.Line("best" + s + " = " + Vec + "." + op + "(best" + s + ", " + folded + ");");
                            if (mask is not null)
                            {
                                w.Line("any" + s + " |= " + mask + ";");
                            }

                            break;
                        }
                }

                if (_t[plan.Terminal].WithoutDefaults && mask is not null && plan.Kind is LaneTerminal.Sum or LaneTerminal.CheckedSum or LaneTerminal.OrderedSum)
                {
                    w.Line("any" + s + " |= " + mask + ";");
                }
            }

            /// <summary>
            /// An output fed in lanes: each lane that passes every filter, in lane order (the elements' order), through the
            /// sink call of the scalar loop (a failing sink holds the element, as there).
            /// </summary>
            private void WriteLaneOutput(SourceWriter w, LanePlan plan, string[] value, LaneType valueType, string? mask)
            {
                var output = _t[plan.Terminal];
                var id = N(output.Id);
                string Lane(string lane) => value.Length == 2
                    ? "(" + lane + " < " + Vec + "<long>.Count ? " + value[0] + "[" + lane + "] : " + value[1] + "[" + lane + " - " + Vec + "<long>.Count])"
                    : plan.InputType == LaneType.Int64 && valueType == LaneType.Int32 ? "(int)" + value[0] + "[" + lane + "]" : value[0] + "[" + lane + "]";
                if (mask is null)
                {
                    w.Open("for (var lane" + id + " = 0; lane" + id + " < width; lane" + id + "++)");
                }
                else
                {
                    w.Line("var bits" + id + " = global::Compiled.Execution.LaneMasks.Bits(" + mask + ");");
                    w.Open("while (bits" + id + " != 0)");
                    w.Line("var lane" + id + " = global::System.Numerics.BitOperations.TrailingZeroCount(bits" + id + ");");
                    w.Line("bits" + id + " &= bits" + id + " - 1;");
                }

                w.Line("var v" + id + " = " + Lane("lane" + id) + ";");
                EmitSinkCall(w, output, "v" + id, "timestamp", "global::Compiled.BoundedWindow.Global");
                w.Close();
            }

            /// <summary>After a block: its partial results merge into the transform's state, with the combine's own MergeAccumulators.</summary>
            private void WriteLaneMerge(SourceWriter w, LanePlan plan, TransformSpec terminal, bool masked, string s)
            {
                var id = N(terminal.Id);
                if (plan.Kind == LaneTerminal.Output)
                {
                    return; // delivered lane by lane
                }

                var block = "(end - start)";
                w.Line(plan.Kind is LaneTerminal.OrderedSum or LaneTerminal.OrderedMean
                    ? "// The running sum, which the block's lanes joined in element order, back into the state."
                    : "// The block's partial results, merged into the state (elements in the block: " + block + ").");
                var count = masked ? "(long)" + Vec + ".Sum(count" + s + ")" : "(long)" + block;
                var any = masked ? "!" + Vec + ".EqualsAll(any" + s + ", " + LaneWriter.VectorType(plan.InputType, LaneType.Bool) + ".Zero)" : block + " > 0";
                var narrow = plan.ValueType == LaneType.Int32 ? "(int)" : string.Empty;
                switch (plan.Kind)
                {
                    case LaneTerminal.Count:
                        w.Line("_count" + id + " += " + count + ";");
                        break;
                    case LaneTerminal.CountFn:
                        w.Line("_fn" + id + ".MergeAccumulators(ref _acc" + id + ", " + count + ");");
                        break;
                    case LaneTerminal.Sum:
                        // A wrapping int sum kept in long lanes (long input) is congruent modulo 2^32: the cast keeps its low bits.
                        w.Line("_fn" + id + ".MergeAccumulators(ref _acc" + id + ", unchecked(" + narrow + Vec + ".Sum(sum" + s + ")));");
                        break;
                    case LaneTerminal.CheckedSum:
                        w.Line("_fn" + id + ".MergeAccumulators(ref _acc" + id + ", " + Vec + ".Sum(sum" + s + "));");
                        break;
                    case LaneTerminal.Mean:
                        w.Line("_fn" + id + ".MergeAccumulators(ref _acc" + id + ", new global::Compiled.MeanAccumulator { Sum = (double)" + Vec + ".Sum(sum" + s + "), Count = " + count + " });");
                        break;
                    case LaneTerminal.OrderedSum:
                        // The running sum, which the block's passing lanes joined in element order (as AddInput would have).
                        w.Line("_acc" + id + " = sum" + s + ";");
                        break;
                    case LaneTerminal.OrderedMean:
                        w.Line("_acc" + id + ".Sum = sum" + s + ";");
                        w.Line("_acc" + id + ".Count += " + count + ";");
                        break;
                    case LaneTerminal.Min:
                    case LaneTerminal.Max:
                        {
                            var type = plan.ValueType.CSharpName();
                            var op = plan.Kind == LaneTerminal.Min ? "Min" : "Max";
                            w.Open("if (" + any + ")");
                            w.Line("var folded" + s + " = best" + s + "[0];");
                            w.Open("for (var lane = 1; lane < " + LaneWriter.VectorType(plan.InputType, plan.ValueType) + ".Count; lane++)");
                            w.Line("folded" + s + " = global::System.Math." + op + "(folded" + s + ", best" + s + "[lane]);");
                            w.Close();
                            w.Line("_fn" + id + ".MergeAccumulators(ref _acc" + id + ", new global::Compiled.MinMaxAccumulator<" + type + ">(" + narrow + "folded" + s + "));");
                            w.Close();
                            break;
                        }
                }

                if (terminal.WithoutDefaults && terminal.Kind == TransformKind.CombineGlobally)
                {
                    // Beam's withoutDefaults: the output exists once an element reached the combine.
                    w.Open("if (" + (masked && plan.Kind is LaneTerminal.CountFn or LaneTerminal.Mean or LaneTerminal.OrderedMean ? count + " > 0" : any) + ")");
                    w.Line("_any" + id + " = true;");
                    w.Close();
                }
            }
        }

        /// <summary>
        /// Renders a <see cref="LaneExpr"/> over <c>Vector&lt;T&gt;</c>, one statement per operation into a fresh local,
        /// each value as its parts: with int input, an int or a condition is one <c>Vector&lt;int&gt;</c> and a long two
        /// <c>Vector&lt;long&gt;</c> (low and high halves, as <c>Vector.Widen</c> splits them); with long input, every value
        /// is one <c>Vector&lt;long&gt;</c>, an int sign-extended; with double input, a double is one
        /// <c>Vector&lt;double&gt;</c> and a condition one <c>Vector&lt;long&gt;</c> of the same width.
        /// </summary>
        private sealed class LaneWriter
        {
            private readonly SourceWriter _w;
            private readonly LaneType _input;
            private int _next;

            public LaneWriter(SourceWriter w, LaneType input)
            {
                _w = w;
                _input = input;
            }

            /// <summary>
            /// The vector type that holds a value of <paramref name="type"/> when the input is <paramref name="input"/> (a
            /// condition is a mask of integer lanes as wide as the input's: longs for long and double input).
            /// </summary>
            public static string VectorType(LaneType input, LaneType type) => Vec + "<" + (type switch
            {
                LaneType.Double or LaneType.Single or LaneType.Int64 => type.CSharpName(),
                _ => input is LaneType.Int64 or LaneType.Double ? "long" : "int",
            }) + ">";

            /// <summary>A float or double constant (<paramref name="value"/>, exact for either) as a C# expression of that type with exactly its bits.</summary>
            public static string FloatingLiteral(LaneType type, double value)
            {
                var name = type.CSharpName();
                if (double.IsNaN(value))
                {
                    return name + ".NaN";
                }

                if (double.IsInfinity(value))
                {
                    return name + (value > 0 ? ".PositiveInfinity" : ".NegativeInfinity");
                }

                var suffix = type == LaneType.Single ? "f" : string.Empty;
                if (value == 0)
                {
                    return (System.BitConverter.DoubleToInt64Bits(value) < 0 ? "-0.0" : "0.0") + suffix;
                }

                // "R" round-trips: the literal parses back to the same float or double.
                var text = type == LaneType.Single ? ((float)value).ToString("R", CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
                return text.IndexOfAny(new[] { '.', 'E' }) < 0 && type == LaneType.Double ? text + ".0" : text + suffix;
            }

            private string V(LaneType type) => VectorType(_input, type);

            /// <summary>Parts of a value of <paramref name="type"/>.</summary>
            private int Parts(LaneType type) => _input == LaneType.Int32 && type == LaneType.Int64 ? 2 : 1;

            /// <summary>An int kept in long lanes (long input) is wrapped to 32 bits after an operation that may carry out of them.</summary>
            private bool Wraps(LaneType type) => _input == LaneType.Int64 && type == LaneType.Int32;

            public string Temp(string expression)
            {
                var name = "l" + (++_next).ToString(CultureInfo.InvariantCulture);
                _w.Line("var " + name + " = " + expression + ";");
                return name;
            }

            private string Wrap(string part, LaneType type) =>
                Wraps(type) ? Temp(Vec + ".ShiftRightArithmetic(" + Vec + ".ShiftLeft(" + part + ", 32), 32)") : part;

            /// <summary>The widened halves of one <c>Vector&lt;int&gt;</c>.</summary>
            public string[] WidenParts(string part)
            {
                var low = "l" + (++_next).ToString(CultureInfo.InvariantCulture);
                var high = "l" + (++_next).ToString(CultureInfo.InvariantCulture);
                _w.Line(Vec + ".Widen(" + part + ", out var " + low + ", out var " + high + ");");
                return new[] { low, high };
            }

            /// <summary>A condition's mask as the parts of a value of <paramref name="type"/> (a long value's two halves with int input).</summary>
            public string[] MaskFor(string mask, LaneType type) => Parts(type) == 2 ? WidenParts(mask) : new[] { mask };

            private string Const(LaneType type, long value)
            {
                if (type == LaneType.Bool)
                {
                    return V(type) + (value != 0 ? ".AllBitsSet" : ".Zero");
                }

                if (type.IsFloatingPoint())
                {
                    return "new " + V(type) + "(" + FloatingLiteral(type, System.BitConverter.Int64BitsToDouble(value)) + ")";
                }

                return "new " + V(type) + "(" + (type == LaneType.Int32 && _input == LaneType.Int32
                    ? ((int)value).ToString(CultureInfo.InvariantCulture)
                    : value.ToString(CultureInfo.InvariantCulture) + "L") + ")";
            }

            /// <summary>Writes the statements of <paramref name="e"/> with its parameter's parts given; returns the parts of its value.</summary>
            public string[] Emit(LaneExpr e, string[] parameter)
            {
                switch (e.Op)
                {
                    case LaneOp.Param:
                        return parameter;
                    case LaneOp.Const:
                        {
                            var constant = Temp(Const(e.Type, e.Value));
                            return Enumerable.Repeat(constant, Parts(e.Type)).ToArray();
                        }

                    case LaneOp.Widen:
                        {
                            var operand = Emit(e.Args[0], parameter);
                            return _input == LaneType.Int32 ? WidenParts(operand[0]) : operand;
                        }

                    case LaneOp.Narrow:
                        {
                            var operand = Emit(e.Args[0], parameter);
                            return new[] { _input == LaneType.Int32 ? Temp(Vec + ".Narrow(" + operand[0] + ", " + operand[1] + ")") : Wrap(operand[0], LaneType.Int32) };
                        }

                    case LaneOp.Conditional:
                        {
                            var condition = Emit(e.Args[0], parameter)[0];
                            var whenTrue = Emit(e.Args[1], parameter);
                            var whenFalse = Emit(e.Args[2], parameter);
                            var masks = MaskFor(condition, e.Type);
                            return whenTrue.Select((p, n) => Temp(Vec + ".ConditionalSelect(" + masks[n] + ", " + p + ", " + whenFalse[n] + ")")).ToArray();
                        }

                    case LaneOp.Equal:
                    case LaneOp.NotEqual:
                    case LaneOp.Less:
                    case LaneOp.LessOrEqual:
                    case LaneOp.Greater:
                    case LaneOp.GreaterOrEqual:
                        {
                            if (e.Op is LaneOp.Equal or LaneOp.NotEqual && e.Args[0] is { Op: LaneOp.RemainderPow2 } remainder && e.Args[1] is { Op: LaneOp.Const, Value: 0 })
                            {
                                // x % 2^n == 0 whatever the sign of x exactly when its low n bits are 0.
                                var dividend = Emit(remainder.Args[0], parameter);
                                var lowBits = Const(remainder.Type, remainder.Value - 1);
                                var zero = Const(remainder.Type, 0);
                                var tests = dividend.Select(p => Temp((e.Op == LaneOp.NotEqual ? "~" : string.Empty) + Vec + ".Equals(" + p + " & " + lowBits + ", " + zero + ")")).ToArray();
                                return new[] { tests.Length == 2 ? Temp(Vec + ".Narrow(" + tests[0] + ", " + tests[1] + ")") : tests[0] };
                            }

                            var left = Emit(e.Args[0], parameter);
                            var right = Emit(e.Args[1], parameter);
                            var method = e.Op switch
                            {
                                LaneOp.Equal or LaneOp.NotEqual => "Equals",
                                LaneOp.Less => "LessThan",
                                LaneOp.LessOrEqual => "LessThanOrEqual",
                                LaneOp.Greater => "GreaterThan",
                                _ => "GreaterThanOrEqual",
                            };
                            var parts = left.Select((p, n) => Temp((e.Op == LaneOp.NotEqual ? "~" : string.Empty) + Vec + "." + method + "(" + p + ", " + right[n] + ")")).ToArray();
                            return new[] { parts.Length == 2 ? Temp(Vec + ".Narrow(" + parts[0] + ", " + parts[1] + ")") : parts[0] };
                        }

                    case LaneOp.Not:
                        return Emit(e.Args[0], parameter).Select(p => Temp("~" + p)).ToArray();
                    case LaneOp.Negate:
                        // A double's minus flips its sign bit (0.0 becomes -0.0) in each lane as in scalar C#.
                        return Emit(e.Args[0], parameter).Select(p => Wrap(Temp("-" + p), e.Type)).ToArray();
                    case LaneOp.ShiftLeft:
                        return Emit(e.Args[0], parameter).Select(p => Wrap(Temp(Vec + ".ShiftLeft(" + p + ", " + Count(e) + ")"), e.Type)).ToArray();
                    case LaneOp.ShiftRight:
                        return Emit(e.Args[0], parameter).Select(p => Temp(Vec + ".ShiftRightArithmetic(" + p + ", " + Count(e) + ")")).ToArray();
                    case LaneOp.ShiftRightUnsigned:
                        return Emit(e.Args[0], parameter).Select(p => Wraps(e.Type)
                            ? Wrap(Temp(Vec + ".ShiftRightLogical(" + p + " & new " + Vec + "<long>(0xFFFFFFFFL), " + Count(e) + ")"), e.Type)
                            : Temp(Vec + ".ShiftRightLogical(" + p + ", " + Count(e) + ")")).ToArray();
                    case LaneOp.RemainderPow2:
                    case LaneOp.DividePow2:
                        {
                            // C# rounds toward zero: a negative dividend is biased by divisor - 1 before the power-of-two step.
                            var sign = _input == LaneType.Int64 || e.Type == LaneType.Int64 ? "63" : "31";
                            var low = Const(e.Type, e.Value - 1);
                            return Emit(e.Args[0], parameter).Select(p =>
                            {
                                var bias = Temp("(" + Vec + ".ShiftRightArithmetic(" + p + ", " + sign + ") & " + low + ")");
                                return e.Op == LaneOp.DividePow2
                                    ? Temp(Vec + ".ShiftRightArithmetic(" + p + " + " + bias + ", " + Log2(e.Value).ToString(CultureInfo.InvariantCulture) + ")")
                                    : Temp(p + " - ((" + p + " + " + bias + ") & ~" + low + ")");
                            }).ToArray();
                        }

                    default:
                        {
                            var left = Emit(e.Args[0], parameter);
                            var right = Emit(e.Args[1], parameter);
                            var op = e.Op switch
                            {
                                LaneOp.Add => " + ",
                                LaneOp.Subtract => " - ",
                                LaneOp.Multiply => " * ",
                                LaneOp.Divide => " / ",
                                LaneOp.And => " & ",
                                LaneOp.Or => " | ",
                                _ => " ^ ",
                            };
                            var carries = e.Op is LaneOp.Add or LaneOp.Subtract or LaneOp.Multiply;
                            return left.Select((p, n) =>
                            {
                                var part = Temp(p + op + right[n]);
                                return carries ? Wrap(part, e.Type) : part;
                            }).ToArray();
                        }
                }
            }

            private static string Count(LaneExpr e) => e.Value.ToString(CultureInfo.InvariantCulture);

            private static int Log2(long value)
            {
                var log = 0;
                while ((1L << log) < value)
                {
                    log++;
                }

                return log;
            }
        }
    }
}
