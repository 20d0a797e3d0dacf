using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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

                var durations = new List<long>();
                foreach (var arg in call.ArgumentList.Arguments)
                {
                    if (!TryEvaluateDuration(arg.Expression, out var ms))
                    {
                        ReportDuration(arg);
                        return null;
                    }

                    durations.Add(ms);
                }

                string? problem = null;
                WindowSpec? spec = null;
                switch (method.Name)
                {
                    case "Global":
                        spec = new WindowSpec("Global", 0, 0, 0);
                        break;
                    case "Fixed" when durations.Count >= 1:
                        spec = new WindowSpec("Fixed", durations[0], durations[0], durations.Count > 1 ? durations[1] : 0);
                        problem = spec.SizeMs <= 0 ? "the window size must be positive"
                            : spec.OffsetMs < 0 || spec.OffsetMs >= spec.SizeMs ? "the offset must be at least zero and smaller than the size" : null;
                        break;
                    case "Sliding" when durations.Count >= 2:
                        spec = new WindowSpec("Sliding", durations[0], durations[1], durations.Count > 2 ? durations[2] : 0);
                        problem = spec.SizeMs <= 0 || spec.PeriodMs <= 0 ? "the size and the period must be positive"
                            : spec.OffsetMs < 0 || spec.OffsetMs >= spec.PeriodMs ? "the offset must be at least zero and smaller than the period" : null;
                        break;
                    case "Sessions" when durations.Count == 1:
                        spec = new WindowSpec("Sessions", durations[0], 0, 0);
                        problem = spec.SizeMs <= 0 ? "the session gap must be positive" : null;
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
                        problem = "Windows." + method.Name + " is not supported by this version of the generator";
                        break;
                }

                if (problem is not null || spec is null)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), problem ?? "unsupported windowing");
                    return null;
                }

                // Apply the strategy calls innermost first (the order they were written).
                for (var i = options.Count - 1; i >= 0; i--)
                {
                    var (name, optionCall) = options[i];
                    var optionArgs = optionCall.ArgumentList.Arguments;
                    switch (name)
                    {
                        case "Triggering":
                            {
                                var trigger = optionArgs.Count == 1 ? ParseTrigger(optionArgs[0].Expression) : null;
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
                                if (optionArgs.Count < 1 || !TryEvaluateDuration(optionArgs[0].Expression, out var lateness))
                                {
                                    ReportDuration(optionArgs.Count > 0 ? optionArgs[0] : (SyntaxNode)optionCall);
                                    return null;
                                }

                                if (lateness < 0)
                                {
                                    Report(DiagnosticDescriptors.UnsupportedExpression, optionArgs[0].GetLocation(), Shorten(optionArgs[0].ToString()), "the allowed lateness must not be negative");
                                    return null;
                                }

                                spec = spec with { LatenessMs = lateness };
                                if (optionArgs.Count > 1)
                                {
                                    var closing = EnumMember(optionArgs[1].Expression, "Compiled.ClosingBehavior");
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
                                var combiner = optionArgs.Count == 1 ? EnumMember(optionArgs[0].Expression, "Compiled.TimestampCombiner") : null;
                                if (combiner is null)
                                {
                                    return null;
                                }

                                spec = spec with { TimestampCombiner = combiner };
                                break;
                            }

                        case "WithOnTimeBehavior":
                            {
                                var behavior = optionArgs.Count == 1 ? EnumMember(optionArgs[0].Expression, "Compiled.OnTimeBehavior") : null;
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

            private void ReportDuration(SyntaxNode node) =>
                Report(DiagnosticDescriptors.UnsupportedExpression, node.GetLocation(), Shorten(node.ToString()),
                    "a duration must be known at build time: TimeSpan.FromMilliseconds/FromSeconds/FromMinutes/FromHours/FromDays of a constant, new TimeSpan(...) of constants, or TimeSpan.Zero");

            /// <summary>Reads a constant member of an enum type, e.g. TimestampCombiner.Earliest.</summary>
            private string? EnumMember(ExpressionSyntax expression, string enumType)
            {
                if (_model.GetSymbolInfo(expression, _cancellationToken).Symbol is IFieldSymbol { ContainingType: { } type } field &&
                    type.ToDisplayString() == enumType)
                {
                    return field.Name;
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, expression.GetLocation(), Shorten(expression.ToString()), "write a member of " + enumType + " in place (e.g. " + enumType.Substring(enumType.LastIndexOf('.') + 1) + ".X)");
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

                const string Spec = "global::Compiled.Triggers.TriggerSpec.";
                var args = call.ArgumentList.Arguments;
                string Lit(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L";
                string Ms(long value) => value % 1000 == 0 ? (value / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) + " s" : value.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms";

                List<(string Kind, string Code, string Text, bool MayFinish, bool ProcessingTime)>? Subtriggers()
                {
                    var list = new List<(string, string, string, bool, bool)>();
                    foreach (var arg in args)
                    {
                        var sub = ParseTrigger(arg.Expression);
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
                            var count = args.Count == 1 ? _model.GetConstantValue(args[0].Expression, _cancellationToken) : default;
                            if (!count.HasValue || count.Value is not int n || n < 1)
                            {
                                Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), "the element count must be a constant of at least 1");
                                return null;
                            }

                            return ("AfterCount", Spec + "AfterCount(" + Lit(n) + ")", "AfterCount(" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", true, false);
                        }

                    case "AfterProcessingTime":
                        {
                            if (args.Count != 1 || !TryEvaluateDuration(args[0].Expression, out var delay) || delay < 0)
                            {
                                ReportDuration(args.Count > 0 ? args[0] : (SyntaxNode)call);
                                return null;
                            }

                            return ("AfterProcessingTime", Spec + "AfterProcessingTime(" + Lit(delay) + ")", "AfterProcessingTime(" + Ms(delay) + ")", true, true);
                        }

                    case "AfterProcessingTimeAligned":
                        {
                            if (args.Count != 2 || !TryEvaluateDuration(args[0].Expression, out var period) || !TryEvaluateDuration(args[1].Expression, out var offset) || period <= 0)
                            {
                                Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), "the period must be a positive constant duration and the offset a constant duration");
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

                    case "WithEarlyFirings" or "WithLateFirings" or "OrFinally" when call.Expression is MemberAccessExpressionSyntax member:
                        {
                            var receiver = ParseTrigger(member.Expression);
                            var argument = args.Count == 1 ? ParseTrigger(args[0].Expression) : null;
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

            private bool TryEvaluateDuration(ExpressionSyntax expression, out long milliseconds)
            {
                milliseconds = 0;
                var symbol = _model.GetSymbolInfo(expression, _cancellationToken).Symbol;
                if (symbol?.ContainingType?.ToDisplayString() != "System.TimeSpan")
                {
                    return false;
                }

                if (symbol is IFieldSymbol { Name: "Zero" })
                {
                    return true;
                }

                var arguments = expression switch
                {
                    InvocationExpressionSyntax i => i.ArgumentList.Arguments,
                    ObjectCreationExpressionSyntax o when o.ArgumentList is not null => o.ArgumentList.Arguments,
                    _ => default,
                };
                var values = new List<double>();
                foreach (var argument in arguments)
                {
                    var constant = _model.GetConstantValue(argument.Expression, _cancellationToken);
                    if (!constant.HasValue || constant.Value is null or string or bool)
                    {
                        return false;
                    }

                    values.Add(System.Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture));
                }

                double ms;
                if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor })
                {
                    ms = values.Count switch
                    {
                        1 => values[0] / 10_000.0,
                        3 => ((values[0] * 60 + values[1]) * 60 + values[2]) * 1000,
                        4 => (((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1000,
                        5 => ((((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1000) + values[4],
                        _ => double.NaN,
                    };
                }
                else if (symbol is IMethodSymbol factory && values.Count == 1)
                {
                    var scale = factory.Name switch
                    {
                        "FromMilliseconds" => 1.0,
                        "FromSeconds" => 1000.0,
                        "FromMinutes" => 60_000.0,
                        "FromHours" => 3_600_000.0,
                        "FromDays" => 86_400_000.0,
                        _ => double.NaN,
                    };
                    ms = values[0] * scale;
                }
                else
                {
                    return false;
                }

                if (double.IsNaN(ms) || double.IsInfinity(ms) || Math.Abs(ms) > 9.2e15)
                {
                    return false;
                }

                milliseconds = (long)Math.Round(ms);
                return Math.Abs(ms - milliseconds) < 1e-6;
            }
        }
    }
}
