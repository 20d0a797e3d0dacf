using System.Collections.Immutable;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Windowing;

/// <summary>
/// CMP1001 and CMP1002: window and trigger parameters known at build time that Beam rejects (CMP1001) or that
/// leave gaps between sliding windows (CMP1002).
/// </summary>
/// <remarks>
/// Only constant durations are judged (see <see cref="TimeSpanConstant"/>); a duration computed at run time
/// is not reported here (the generator requires constants anyway).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WindowParameterAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InvalidWindowParameter, DiagnosticDescriptors.SlidingPeriodLargerThanSize);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = CompiledSymbols.TryCreate(start.Compilation);
            if (symbols is null || !symbols.HasWindowing)
            {
                return;
            }

            start.RegisterOperationAction(context => AnalyzeInvocation(context, symbols), OperationKind.Invocation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, CompiledSymbols symbols)
    {
        if (context.Operation is not IInvocationOperation invocation)
        {
            return;
        }

        var method = invocation.TargetMethod;
        var containing = method.ContainingType;
        if (CompiledSymbols.Is(containing, symbols.Windows))
        {
            AnalyzeWindowFn(context, invocation, symbols);
        }
        else if (CompiledSymbols.Is(containing, symbols.WindowingStrategy))
        {
            if (method.Name == "WithAllowedLateness")
            {
                var lateness = OperationHelpers.Argument(invocation, "lateness");
                if (Duration(lateness, symbols) is { } ticks && ticks < 0)
                {
                    Report(context, lateness!, "allowed lateness", "WithAllowedLateness", ticks, "zero or more");
                }
            }
        }
        else if (CompiledSymbols.Is(containing, symbols.Trigger) && method.IsStatic)
        {
            if (method.Name == "AfterCount" &&
                OperationHelpers.Argument(invocation, "count") is { ConstantValue: { HasValue: true, Value: int count } } countArgument &&
                count < 1)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidWindowParameter,
                    countArgument.Syntax.GetLocation(),
                    "count",
                    "Trigger.AfterCount",
                    count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "at least 1"));
            }
            else if (method.Name == "AfterProcessingTimeAligned")
            {
                var period = OperationHelpers.Argument(invocation, "period");
                if (Duration(period, symbols) is { } ticks && ticks <= 0)
                {
                    Report(context, period!, "period", "Trigger.AfterProcessingTimeAligned", ticks, "greater than zero");
                }
            }
        }
    }

    private static void AnalyzeWindowFn(OperationAnalysisContext context, IInvocationOperation invocation, CompiledSymbols symbols)
    {
        var name = "Windows." + invocation.TargetMethod.Name;
        switch (invocation.TargetMethod.Name)
        {
            case "Fixed":
                {
                    var sizeArgument = OperationHelpers.Argument(invocation, "size");
                    var size = Duration(sizeArgument, symbols);
                    if (size is <= 0)
                    {
                        Report(context, sizeArgument!, "window size", name, size.Value, "greater than zero");
                        return;
                    }

                    CheckOffset(context, invocation, symbols, name, size, "smaller than the size");
                    return;
                }

            case "Sliding":
                {
                    var sizeArgument = OperationHelpers.Argument(invocation, "size");
                    var periodArgument = OperationHelpers.Argument(invocation, "period");
                    var size = Duration(sizeArgument, symbols);
                    var period = Duration(periodArgument, symbols);
                    var bad = false;
                    if (size is <= 0)
                    {
                        Report(context, sizeArgument!, "window size", name, size.Value, "greater than zero");
                        bad = true;
                    }

                    if (period is <= 0)
                    {
                        Report(context, periodArgument!, "period", name, period.Value, "greater than zero");
                        bad = true;
                    }

                    if (bad)
                    {
                        return;
                    }

                    if (size is { } s && period is { } p && p > s)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.SlidingPeriodLargerThanSize,
                            periodArgument!.Syntax.GetLocation(),
                            TimeSpanConstant.Format(p),
                            TimeSpanConstant.Format(s)));
                    }

                    CheckOffset(context, invocation, symbols, name, period, "smaller than the period");
                    return;
                }

            case "Sessions":
                {
                    var gapArgument = OperationHelpers.Argument(invocation, "gap");
                    if (Duration(gapArgument, symbols) is { } gap && gap <= 0)
                    {
                        Report(context, gapArgument!, "gap", name, gap, "greater than zero");
                    }

                    return;
                }
        }
    }

    private static void CheckOffset(OperationAnalysisContext context, IInvocationOperation invocation, CompiledSymbols symbols, string name, double? bound, string boundText)
    {
        var offsetArgument = OperationHelpers.Argument(invocation, "offset");
        if (Duration(offsetArgument, symbols) is not { } offset)
        {
            return;
        }

        if (offset < 0 || (bound is { } b && offset >= b))
        {
            Report(context, offsetArgument!, "offset", name, offset, "at least zero and " + boundText);
        }
    }

    private static double? Duration(IOperation? argument, CompiledSymbols symbols) =>
        argument is not null && TimeSpanConstant.TryEvaluate(argument, symbols, out var ticks) ? ticks : null;

    private static void Report(OperationAnalysisContext context, IOperation argument, string parameter, string call, double ticks, string expected) =>
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.InvalidWindowParameter,
            argument.Syntax.GetLocation(),
            parameter,
            call,
            TimeSpanConstant.Format(ticks),
            expected));
}
