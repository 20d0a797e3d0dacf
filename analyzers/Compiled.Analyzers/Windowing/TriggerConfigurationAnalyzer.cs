using System.Collections.Immutable;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Windowing;

/// <summary>
/// CMP1003, CMP1004, CMP1005: a windowing strategy passed to <c>PCollection.Window</c> whose trigger lacks
/// what Beam requires with it (an allowed lateness outside the global window, an accumulation mode), or whose
/// top-level trigger can finish and so drop later data.
/// </summary>
/// <remarks>
/// Beam checks the first two in <c>Window.validate</c> and the third in <c>GroupByKey.applicableTo</c>
/// (<c>triggerIsSafe</c>): a trigger that may finish is safe only when it is <c>Never</c>, or
/// <c>AfterWatermark</c> with no allowed lateness, or <c>AfterWatermark</c> with late firings.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TriggerConfigurationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property naming the fix CMP1005 calls for.</summary>
    public const string FixProperty = "Fix";

    /// <summary>Value of <see cref="FixProperty"/>: wrap the trigger in <c>Trigger.Repeatedly</c>.</summary>
    public const string FixRepeatedly = "Repeatedly";

    /// <summary>Value of <see cref="FixProperty"/>: give <c>AfterWatermark</c> late firings.</summary>
    public const string FixLateFirings = "LateFirings";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.TriggerWithoutAllowedLateness,
        DiagnosticDescriptors.TriggerWithoutAccumulationMode,
        DiagnosticDescriptors.FinishingTrigger);

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
        if (context.Operation is not IInvocationOperation { TargetMethod.Name: "Window", Arguments.Length: 1 } invocation ||
            !CompiledSymbols.Is(invocation.TargetMethod.ContainingType, symbols.PCollection))
        {
            return;
        }

        var spec = WindowingSpec.Parse(invocation.Arguments[0].Value, symbols);
        if (spec is null || spec.Fn == WindowFnKind.Unknown)
        {
            return;
        }

        var customTrigger = spec.Trigger is not null && spec.Trigger.Kind != TriggerKind.Default;
        var global = spec.Fn == WindowFnKind.Global;

        if (customTrigger && !global && spec.LatenessCall is null && spec.TriggeringCall is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.TriggerWithoutAllowedLateness,
                OperationHelpers.NameLocation(spec.TriggeringCall),
                spec.Fn.ToString()));
        }

        if (spec.Accumulation == AccumulationMode.Unspecified)
        {
            if (customTrigger && spec.TriggeringCall is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TriggerWithoutAccumulationMode,
                    OperationHelpers.NameLocation(spec.TriggeringCall),
                    "The trigger '" + spec.Trigger + "'"));
            }
            else if (!global && spec.LatenessTicks > 0 && spec.LatenessCall is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.TriggerWithoutAccumulationMode,
                    OperationHelpers.NameLocation(spec.LatenessCall),
                    "An allowed lateness of " + TimeSpanConstant.Format(spec.LatenessTicks)));
            }
        }

        if (spec.Trigger is { } trigger && !trigger.HasUnknownPart && spec.TriggeringCall is { Arguments.Length: 1 } triggering)
        {
            CheckFinishing(context, spec, trigger, triggering.Arguments[0].Value);
        }
    }

    private static void CheckFinishing(OperationAnalysisContext context, WindowingSpec spec, TriggerNode trigger, IOperation argument)
    {
        if (!trigger.MayFinish || trigger.Kind == TriggerKind.Never)
        {
            return;
        }

        string reason;
        string fix;
        string fixKind;
        if (trigger.Kind == TriggerKind.AfterWatermark)
        {
            // Finishes at the end of the window: safe unless data may still arrive after that.
            if (double.IsNaN(spec.LatenessTicks) || spec.LatenessTicks <= 0 || spec.Fn == WindowFnKind.Global)
            {
                return;
            }

            reason = " when the watermark passes the end of the window, before the allowed lateness of " +
                     TimeSpanConstant.Format(spec.LatenessTicks) + " has passed";
            fix = "add .WithLateFirings(...) (for example Trigger.AfterCount(1)) so that late data fires too";
            fixKind = FixLateFirings;
        }
        else
        {
            reason = trigger.Kind switch
            {
                TriggerKind.OrFinally => " as soon as its OrFinally condition fires",
                TriggerKind.AfterEach => " when its last sub-trigger finishes",
                _ => " after its first firing",
            };
            fix = "wrap it in Trigger.Repeatedly(...) so that it keeps firing";
            fixKind = FixRepeatedly;
        }

        var properties = ImmutableDictionary<string, string?>.Empty.Add(FixProperty, fixKind);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.FinishingTrigger,
            OperationHelpers.Strip(argument)?.Syntax.GetLocation() ?? argument.Syntax.GetLocation(),
            properties,
            trigger.ToString(),
            reason,
            fix));
    }
}
