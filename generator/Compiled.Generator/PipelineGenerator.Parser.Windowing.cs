using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Parser
    {
        private sealed partial class Session
        {
            /// <summary>
            /// Reads a windowing strategy: Windows.Global/Fixed/Sliding/Sessions/Custom(...) with durations known at
            /// build time, then any of Triggering, WithAllowedLateness, Accumulating/Discarding,
            /// WithTimestampCombiner and WithOnTimeBehavior, each with constant arguments.
            /// </summary>
            private WindowSpec? ParseWindowing(ExpressionSyntax? argument, InvocationExpressionSyntax invocation)
            {
                // Peel the strategy calls off the chain, outermost first.
                var options = new List<(string Name, InvocationExpressionSyntax Call)>();
                var expression = argument;
                while (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } outer &&
                       _model.GetSymbolInfo(outer, _cancellationToken).Symbol is IMethodSymbol { ContainingType: { } owner } m &&
                       owner.ToDisplayString() == "Compiled.WindowingStrategy")
                {
                    options.Add((m.Name, outer));
                    expression = member.Expression;
                }

                if (expression is not InvocationExpressionSyntax call ||
                    _model.GetSymbolInfo(call, _cancellationToken).Symbol is not IMethodSymbol method ||
                    method.ContainingType?.ToDisplayString() != "Compiled.Windows")
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, (argument ?? (SyntaxNode)invocation).GetLocation(), Shorten((argument ?? (ExpressionSyntax)invocation).ToString()),
                        "the windowing must be written in place as Windows.Global(), Fixed(...), Sliding(...), Sessions(...) or Custom<T>(), optionally followed by Triggering, WithAllowedLateness, Accumulating/Discarding, WithTimestampCombiner and WithOnTimeBehavior");
                    return null;
                }

                var bound = Bind(call);
                if (bound is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, call.GetLocation(), Shorten(call.ToString()));
                    return null;
                }

                // A fixed window's size or a session's gap may come from the pipeline options (read when the runner is
                // created): the expression is kept as written, over the options parameter it reads.
                (string Text, string Parameter)? sizeOption = null;
                var sizeParameter = method.Name == "Sessions" ? "gap" : "size";
                if (method.Name is "Fixed" or "Sessions" && bound[sizeParameter] is { Expression: { } sizeExpression } &&
                    OptionsReadIn(sizeExpression) is { } sizeOptions)
                {
                    sizeOption = (sizeExpression.ToString(), Identifier(sizeOptions.Name));
                }

                // Every duration is read by its parameter's name: Sliding(period: ..., size: ...) is size then period.
                long Duration(string parameter, out BoundArgument? argument, ref bool ok)
                {
                    argument = bound[parameter];
                    if (!ok || argument is null || !argument.IsExplicit || (sizeOption is not null && parameter == sizeParameter))
                    {
                        return 0;
                    }

                    if (!TryEvaluateDuration(argument, out var ms))
                    {
                        ok = false;
                    }

                    return ms;
                }

                var known = true;
                var first = Duration(method.Name == "Sessions" ? "gap" : "size", out var firstArgument, ref known);
                var period = Duration("period", out var periodArgument, ref known);
                var offset = Duration("offset", out var offsetArgument, ref known);
                if (!known)
                {
                    return null;
                }

                (string Message, BoundArgument? At)? problem = null;
                WindowSpec? spec = null;
                switch (method.Name)
                {
                    case "Global":
                        spec = new WindowSpec("Global", 0, 0, 0);
                        break;
                    case "Fixed" when sizeOption is { } fixedOption:
                        spec = new WindowSpec("Fixed", 0, 0, 0) { SizeOption = fixedOption.Text, SizeOptionParameter = fixedOption.Parameter };
                        problem = offsetArgument is { IsExplicit: true } ? ("a fixed window whose size is an option takes no offset", offsetArgument) : null;
                        break;
                    case "Sessions" when sizeOption is { } gapOption:
                        spec = new WindowSpec("Sessions", 0, 0, 0) { SizeOption = gapOption.Text, SizeOptionParameter = gapOption.Parameter };
                        break;
                    case "Fixed" when firstArgument is not null:
                        spec = new WindowSpec("Fixed", first, first, offset);
                        problem = first <= 0 ? ("the window size must be positive", firstArgument)
                            : offset < 0 || offset >= first ? ("the offset must be at least zero and smaller than the size", offsetArgument) : null;
                        break;
                    case "Sliding" when firstArgument is not null && periodArgument is not null:
                        spec = new WindowSpec("Sliding", first, period, offset);
                        problem = first <= 0 ? ("the size and the period must be positive", firstArgument)
                            : period <= 0 ? ("the size and the period must be positive", periodArgument)
                            : offset < 0 || offset >= period ? ("the offset must be at least zero and smaller than the period", offsetArgument) : null;
                        break;
                    case "Sessions" when firstArgument is not null:
                        spec = new WindowSpec("Sessions", first, 0, 0);
                        problem = first <= 0 ? ("the session gap must be positive", firstArgument) : null;
                        break;
                    case "Custom" when method.TypeArguments.Length == 1:
                        {
                            var fnType = method.TypeArguments[0];
                            if (!CheckPublicSurface(fnType, call))
                            {
                                return null;
                            }

                            spec = new WindowSpec("Custom", 0, 0, 0)
                            {
                                CustomType = Fq(fnType),
                                CustomMerging = fnType.AllInterfaces.Any(i => i.ToDisplayString() == "Compiled.IMergingWindowFn"),
                            };
                            break;
                        }

                    default:
                        problem = ("Windows." + method.Name + " is not supported by this version of the generator", null);
                        break;
                }

                if (problem is not null || spec is null)
                {
                    var at = problem?.At;
                    Report(DiagnosticDescriptors.UnsupportedExpression, at?.Location ?? call.GetLocation(), Shorten(at?.Text ?? call.ToString()), problem?.Message ?? "unsupported windowing");
                    return null;
                }

                // Apply the strategy calls innermost first (the order they were written).
                for (var i = options.Count - 1; i >= 0; i--)
                {
                    var (name, optionCall) = options[i];
                    var option = Bind(optionCall);
                    if (option is null)
                    {
                        Report(DiagnosticDescriptors.Unresolved, optionCall.GetLocation(), Shorten(optionCall.ToString()));
                        return null;
                    }

                    switch (name)
                    {
                        case "Triggering":
                            {
                                var trigger = option["trigger"]?.Expression is { } triggerExpression ? ParseTrigger(triggerExpression) : null;
                                if (trigger is null)
                                {
                                    return null;
                                }

                                spec = trigger.Value.Kind == "Default"
                                    ? spec with { TriggerCode = null, TriggerText = null, TriggerMayFinish = false, UsesProcessingTime = false }
                                    : spec with { TriggerCode = trigger.Value.Code, TriggerText = trigger.Value.Text, TriggerMayFinish = trigger.Value.MayFinish, UsesProcessingTime = trigger.Value.ProcessingTime };
                                break;
                            }

                        case "WithAllowedLateness":
                            {
                                var latenessArgument = option["lateness"];
                                if (latenessArgument is null)
                                {
                                    ReportDuration(optionCall);
                                    return null;
                                }

                                if (!TryEvaluateDuration(latenessArgument, out var lateness))
                                {
                                    return null;
                                }

                                if (lateness < 0)
                                {
                                    Report(DiagnosticDescriptors.UnsupportedExpression, latenessArgument.Location, Shorten(latenessArgument.Text), "the allowed lateness must not be negative");
                                    return null;
                                }

                                spec = spec with { LatenessMs = lateness };
                                if (option["closing"] is { } closingArgument)
                                {
                                    var closing = EnumMember(closingArgument, "Compiled.ClosingBehavior");
                                    if (closing is null)
                                    {
                                        return null;
                                    }

                                    spec = spec with { Closing = closing };
                                }

                                break;
                            }

                        case "Accumulating":
                            spec = spec with { Accumulating = true };
                            break;
                        case "Discarding":
                            spec = spec with { Accumulating = false };
                            break;
                        case "WithTimestampCombiner":
                            {
                                var combiner = option["combiner"] is { } combinerArgument ? EnumMember(combinerArgument, "Compiled.TimestampCombiner") : null;
                                if (combiner is null)
                                {
                                    return null;
                                }

                                spec = spec with { TimestampCombiner = combiner };
                                break;
                            }

                        case "WithOnTimeBehavior":
                            {
                                var behavior = option["behavior"] is { } behaviorArgument ? EnumMember(behaviorArgument, "Compiled.OnTimeBehavior") : null;
                                if (behavior is null)
                                {
                                    return null;
                                }

                                spec = spec with { OnTime = behavior };
                                break;
                            }

                        default:
                            Report(DiagnosticDescriptors.UnsupportedExpression, optionCall.GetLocation(), Shorten(optionCall.ToString()), "WindowingStrategy." + name + " is not supported by this version of the generator");
                            return null;
                    }
                }

                return spec;
            }

            private const string DurationForms =
                "a duration must be known at build time: TimeSpan.FromMilliseconds/FromSeconds/FromMinutes/FromHours/FromDays of constants, new TimeSpan(...) of constants, TimeSpan.Zero or default, or a static readonly TimeSpan field initialized with one of these";

            private void ReportDuration(SyntaxNode node) =>
                Report(DiagnosticDescriptors.UnsupportedExpression, node.GetLocation(), Shorten(node.ToString()), DurationForms);

            /// <summary>Reads a constant member of an enum type, e.g. TimestampCombiner.Earliest (or a constant of that type naming one).</summary>
            private string? EnumMember(BoundArgument argument, string enumType)
            {
                if (argument.Value.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } type && type.ToDisplayString() == enumType &&
                    argument.Constant is { HasValue: true, Value: { } value })
                {
                    var member = type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
                    if (member is not null)
                    {
                        return member.Name;
                    }
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, argument.Location, Shorten(argument.Text), "write a member of " + enumType + " in place (e.g. " + enumType.Substring(enumType.LastIndexOf('.') + 1) + ".X)");
                return null;
            }

            /// <summary>
            /// Reads a trigger written in place (Trigger.AfterCount(2), Trigger.Repeatedly(...), AfterWatermark()
            /// .WithEarlyFirings(...), t.OrFinally(u), ...) into C# that builds the same TriggerSpec at run time.
            /// </summary>
            private (string Kind, string Code, string Text, bool MayFinish, bool ProcessingTime)? ParseTrigger(ExpressionSyntax expression)
            {
                if (expression is not InvocationExpressionSyntax call ||
                    _model.GetSymbolInfo(call, _cancellationToken).Symbol is not IMethodSymbol method ||
                    method.ContainingType?.ToDisplayString() is not ("Compiled.Trigger" or "Compiled.AfterWatermarkTrigger"))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, expression.GetLocation(), Shorten(expression.ToString()),
                        "a trigger must be written in place from the Trigger members (Trigger.AfterWatermark(), Trigger.AfterCount(n), Trigger.Repeatedly(...), ...)");
                    return null;
                }

                var bound = Bind(call);
                if (bound is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, call.GetLocation(), Shorten(call.ToString()));
                    return null;
                }

                const string Spec = "global::Compiled.Triggers.TriggerSpec.";
                string Lit(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L";
                string Ms(long value) => value % 1000 == 0 ? (value / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) + " s" : value.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms";

                List<(string Kind, string Code, string Text, bool MayFinish, bool ProcessingTime)>? Subtriggers()
                {
                    var list = new List<(string, string, string, bool, bool)>();
                    IEnumerable<ExpressionSyntax> expressions = Array.Empty<ExpressionSyntax>();
                    if (bound["trigger"] is { Expression: { } single })
                    {
                        expressions = new[] { single };
                    }
                    else if (bound["triggers"] is { } many)
                    {
                        if (many.Elements.IsDefault)
                        {
                            Report(DiagnosticDescriptors.UnsupportedExpression, many.Location, Shorten(many.Text), "write the subtriggers in place, as arguments or in an array created in the call");
                            return null;
                        }

                        expressions = many.Elements;
                    }

                    foreach (var expression in expressions)
                    {
                        var sub = ParseTrigger(expression);
                        if (sub is null)
                        {
                            return null;
                        }

                        list.Add(sub.Value);
                    }

                    if (list.Count == 0)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), "at least one subtrigger is required");
                        return null;
                    }

                    return list;
                }

                switch (method.Name)
                {
                    case "Default":
                        return ("Default", Spec + "Default()", "Default", false, false);
                    case "Never":
                        return ("Never", Spec + "Never()", "Never", false, false);
                    case "AfterWatermark":
                        return ("AfterWatermark", Spec + "AfterWatermark(null, null)", "AfterWatermark", true, false);
                    case "AfterCount":
                        {
                            var countArgument = bound["count"];
                            if (countArgument is null || IntegerConstant(countArgument, "element count") is not { } n)
                            {
                                return null;
                            }

                            if (n < 1)
                            {
                                Report(DiagnosticDescriptors.UnsupportedExpression, countArgument.Location, Shorten(countArgument.Text), "the element count must be a constant of at least 1");
                                return null;
                            }

                            return ("AfterCount", Spec + "AfterCount(" + Lit(n) + ")", "AfterCount(" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", true, false);
                        }

                    case "AfterProcessingTime":
                        {
                            var delayArgument = bound["delay"];
                            if (delayArgument is null || !TryEvaluateDuration(delayArgument, out var delay))
                            {
                                return null;
                            }

                            if (delay < 0)
                            {
                                Report(DiagnosticDescriptors.UnsupportedExpression, delayArgument.Location, Shorten(delayArgument.Text), "the delay must not be negative");
                                return null;
                            }

                            return ("AfterProcessingTime", Spec + "AfterProcessingTime(" + Lit(delay) + ")", "AfterProcessingTime(" + Ms(delay) + ")", true, true);
                        }

                    case "AfterProcessingTimeAligned":
                        {
                            var periodArgument = bound["period"];
                            var offsetArgument = bound["offset"];
                            if (periodArgument is null || offsetArgument is null ||
                                !TryEvaluateDuration(periodArgument, out var period) || !TryEvaluateDuration(offsetArgument, out var offset))
                            {
                                return null;
                            }

                            if (period <= 0)
                            {
                                Report(DiagnosticDescriptors.UnsupportedExpression, periodArgument.Location, Shorten(periodArgument.Text), "the period must be a positive constant duration");
                                return null;
                            }

                            return ("AfterProcessingTimeAligned", Spec + "AfterProcessingTimeAligned(" + Lit(period) + ", " + Lit(offset) + ")", "AfterProcessingTimeAligned(" + Ms(period) + ", " + Ms(offset) + ")", true, true);
                        }

                    case "Repeatedly":
                        {
                            var subs = Subtriggers();
                            if (subs is null)
                            {
                                return null;
                            }

                            return ("Repeatedly", Spec + "Repeatedly(" + subs[0].Code + ")", "Repeatedly(" + subs[0].Text + ")", false, subs[0].ProcessingTime);
                        }

                    case "AfterEach" or "AfterFirst" or "AfterAll":
                        {
                            var subs = Subtriggers();
                            if (subs is null)
                            {
                                return null;
                            }

                            var mayFinish = method.Name == "AfterFirst" ? subs.Any(x => x.MayFinish) : subs.All(x => x.MayFinish);
                            return (method.Name, Spec + method.Name + "(" + string.Join(", ", subs.Select(x => x.Code)) + ")",
                                method.Name + "(" + string.Join(", ", subs.Select(x => x.Text)) + ")", mayFinish, subs.Any(x => x.ProcessingTime));
                        }

                    case "WithEarlyFirings" or "WithLateFirings" or "OrFinally" when bound.ReceiverExpression is { } receiverExpression:
                        {
                            var receiver = ParseTrigger(receiverExpression);
                            var firing = bound[method.Name switch { "WithEarlyFirings" => "early", "WithLateFirings" => "late", _ => "until" }]?.Expression;
                            var argument = receiver is not null && firing is not null ? ParseTrigger(firing) : null;
                            if (receiver is null || argument is null)
                            {
                                return null;
                            }

                            var (kind, code, text, mayFinish, processing) = receiver.Value;
                            var sub = argument.Value;
                            if (method.Name == "OrFinally")
                            {
                                return ("OrFinally", Spec + "OrFinally(" + code + ", " + sub.Code + ")", text + ".OrFinally(" + sub.Text + ")", true, processing || sub.ProcessingTime);
                            }

                            // AfterWatermark(early, late): rebuild the call with the new firing.
                            var prefix = Spec + "AfterWatermark(";
                            var inner = code.Substring(prefix.Length, code.Length - prefix.Length - 1);
                            var parts = SplitTopLevel(inner);
                            if (method.Name == "WithEarlyFirings")
                            {
                                parts[0] = sub.Code;
                            }
                            else
                            {
                                parts[1] = sub.Code;
                                mayFinish = false;
                            }

                            return ("AfterWatermark", prefix + parts[0] + ", " + parts[1] + ")", text + "." + method.Name + "(" + sub.Text + ")", mayFinish, processing || sub.ProcessingTime);
                        }

                    default:
                        Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), "Trigger." + method.Name + " is not supported by this version of the generator");
                        return null;
                }
            }

            /// <summary>Splits "a(b, c), d" at its top-level comma into two parts.</summary>
            private static string[] SplitTopLevel(string text)
            {
                var depth = 0;
                for (var i = 0; i < text.Length; i++)
                {
                    switch (text[i])
                    {
                        case '(':
                            depth++;
                            break;
                        case ')':
                            depth--;
                            break;
                        case ',' when depth == 0:
                            return new[] { text.Substring(0, i).Trim(), text.Substring(i + 1).Trim() };
                    }
                }

                return new[] { text, "null" };
            }

            /// <summary>The largest duration a TimeSpan holds, in whole milliseconds.</summary>
            private const long MaxDurationMs = 922_337_203_685_477L;

            /// <summary>
            /// Evaluates a duration written in place, in milliseconds: TimeSpan.Zero, default, new TimeSpan(...) or a
            /// TimeSpan.FromX factory (every overload, including .NET 9's FromSeconds(seconds, milliseconds, microseconds)
            /// and the like), with every argument read by its parameter's name and default values included. Reports
            /// CMP0005 at the argument and returns false when the duration is not a constant, not a whole number of
            /// milliseconds, or out of a TimeSpan's range.
            /// </summary>
            private bool TryEvaluateDuration(BoundArgument argument, out long milliseconds)
            {
                milliseconds = 0;
                var (problem, at) = EvaluateDuration(argument.Value, out milliseconds);
                if (problem is null)
                {
                    return true;
                }

                // A problem with one argument of the duration (a char) is reported there; anything else at the duration.
                if (at?.Syntax is { } node && argument.Expression is { } whole && whole.Span.Contains(node.Span))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, node.GetLocation(), Shorten(node.ToString()), problem);
                }
                else
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, argument.Location, Shorten(argument.Text), problem);
                }

                return false;
            }

            /// <summary>The duration in milliseconds, or why it cannot be known at build time (and the part at fault, if one is).</summary>
            private (string? Problem, IOperation? At) EvaluateDuration(IOperation value, out long milliseconds)
            {
                milliseconds = 0;

                // A static readonly TimeSpan field or a composite's parameter stands for its initializer or argument.
                value = Dereference(value);

                // Identity conversions, and the default literal's conversion to TimeSpan, are not part of the value.
                while (value is IConversionOperation { IsImplicit: true } conversion && IsTimeSpan(conversion.Type))
                {
                    if (conversion.Operand is IDefaultValueOperation)
                    {
                        return (null, null); // the default literal
                    }

                    if (!conversion.Conversion.IsIdentity)
                    {
                        break;
                    }

                    value = Dereference(conversion.Operand);
                }

                if (!IsTimeSpan(value.Type))
                {
                    return (DurationForms, null);
                }

                IMethodSymbol? method;
                System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments;
                switch (value)
                {
                    case IDefaultValueOperation:
                    case IFieldReferenceOperation { Field.Name: "Zero" } zero when IsTimeSpan(zero.Field.ContainingType):
                        return (null, null);
                    case IObjectCreationOperation { Constructor: { } constructor } creation when creation.Initializer is null:
                        method = constructor;
                        arguments = creation.Arguments;
                        break;
                    case IInvocationOperation { TargetMethod: { IsStatic: true } factory } invocation when IsTimeSpan(factory.ContainingType):
                        method = factory;
                        arguments = invocation.Arguments;
                        break;
                    default:
                        return (DurationForms, null);
                }

                var total = 0m;
                foreach (var argument in arguments)
                {
                    var name = argument.Parameter?.Name ?? string.Empty;
                    var unit = UnitMs(name == "value" ? FactoryUnit(method.Name) : name);
                    if (unit is null)
                    {
                        return (DurationForms, null);
                    }

                    var written = argument.Value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : argument.Value;
                    if (written.Type?.SpecialType == SpecialType.System_Char)
                    {
                        return ("the " + name + " argument is a char, which the compiler converts to its character code; a duration takes a number", written);
                    }

                    var constant = ConstantOf(argument.Value);
                    if (!constant.HasValue || ToDecimal(constant.Value) is not { } amount)
                    {
                        return (DurationForms, null);
                    }

                    total += amount * unit.Value;
                    if (Math.Abs(total) > 1e20m)
                    {
                        break; // far out of range; checked below
                    }
                }

                if (Math.Abs(total) > MaxDurationMs)
                {
                    return ("the duration is out of the range of a TimeSpan", null);
                }

                if (decimal.Truncate(total) != total)
                {
                    return ("event time has millisecond precision: the duration must be a whole number of milliseconds", null);
                }

                milliseconds = (long)total;
                return (null, null);
            }

            private static bool IsTimeSpan(ITypeSymbol? type) =>
                type is { Name: "TimeSpan", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

            /// <summary>The unit of TimeSpan.FromX(double value) and the like: "FromSeconds" → "seconds".</summary>
            private static string FactoryUnit(string method) =>
                method.StartsWith("From", StringComparison.Ordinal) ? method.Substring(4).ToLowerInvariant() : string.Empty;

            /// <summary>Milliseconds per unit, by a TimeSpan parameter's name; null for anything else.</summary>
            private static decimal? UnitMs(string unit) => unit switch
            {
                "days" => 86_400_000m,
                "hours" => 3_600_000m,
                "minutes" => 60_000m,
                "seconds" => 1_000m,
                "milliseconds" => 1m,
                "microseconds" => 0.001m,
                "ticks" => 0.0001m,
                _ => null,
            };

            /// <summary>A numeric constant as a decimal, without any conversion that can throw; null when it is not one (or not finite).</summary>
            private static decimal? ToDecimal(object? value) => value switch
            {
                int i => i,
                long l => l,
                short s => s,
                sbyte sb => sb,
                byte b => b,
                ushort us => us,
                uint ui => ui,
                ulong ul => ul,
                double d when !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d) < 1e20 => (decimal)d,
                float f when !float.IsNaN(f) && !float.IsInfinity(f) && Math.Abs(f) < 1e20f => (decimal)f,
                decimal m => m,
                _ => null,
            };

            /// <summary>
            /// An integer constant argument (e.g. a count), as the parameter's type sees it. Reports CMP0005 at the
            /// argument and returns null when it is not a constant, or is a char.
            /// </summary>
            private long? IntegerConstant(BoundArgument argument, string what)
            {
                if (argument.WrittenType?.SpecialType == SpecialType.System_Char)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, argument.Location, Shorten(argument.Text), "the " + what + " is a char; write a number");
                    return null;
                }

                switch (argument.Constant)
                {
                    case { HasValue: true, Value: int i }:
                        return i;
                    case { HasValue: true, Value: long l }:
                        return l;
                    default:
                        Report(DiagnosticDescriptors.UnsupportedExpression, argument.Location, Shorten(argument.Text), "the " + what + " must be a constant");
                        return null;
                }
            }
        }
    }
}
