using System.Collections.Generic;
using System.Collections.Immutable;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Windowing;

/// <summary>
/// CMP1006 to CMP1010: rules that depend on where a collection comes from, checked over the body of a
/// <c>[Pipeline]</c> class's <c>Define</c> method with <see cref="CollectionFlow"/>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>CMP1006: a grouping or combining transform on an unbounded collection in the global window
/// with the default trigger (Beam's <c>GroupByKey.applicableTo</c>).</description></item>
/// <item><description>CMP1007: <c>Accumulating()</c> with a <c>Repeatedly</c> trigger in the global window of an
/// unbounded collection: state that is never released.</description></item>
/// <item><description>CMP1008: <c>Flatten</c> or <c>CoGroupByKey</c> of collections with different window
/// functions, parameters or triggers (Beam's <c>Flatten</c> compatibility check).</description></item>
/// <item><description>CMP1009: <c>CombineGlobally</c> or <c>Count</c> with defaults outside the global window
/// (Beam's <c>Combine.globally</c> check: default values need <c>GlobalWindows</c>).</description></item>
/// <item><description>CMP1010: a side input made from a collection in merging windows (Beam: "Sessions is not
/// allowed in side inputs").</description></item>
/// <item><description>CMP9001 (information): a Map, FlatMap or ParDo that takes the element's context in sliding
/// windows before any grouping: it runs once per window of each element.</description></item>
/// </list>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PipelineWindowingFlowAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnboundedGlobalGrouping,
        DiagnosticDescriptors.AccumulatingGlobalUnbounded,
        DiagnosticDescriptors.IncompatibleWindowing,
        DiagnosticDescriptors.GlobalCombineDefaultsOutsideGlobalWindow,
        DiagnosticDescriptors.MergingWindowsSideInput,
        DiagnosticDescriptors.ContextInSlidingWindows);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = CompiledSymbols.TryCreate(start.Compilation);
            if (symbols is null || !symbols.HasWindowing || symbols.PipelineBuilder is null || symbols.PipelineAttribute is null)
            {
                return;
            }

            start.RegisterOperationBlockAction(context => AnalyzeBlock(context, symbols));
        });
    }

    private static bool IsDefine(ISymbol owner, CompiledSymbols symbols)
    {
        if (owner is not IMethodSymbol { Name: "Define", IsStatic: true, ContainingType: { } type })
        {
            return false;
        }

        foreach (var attribute in type.GetAttributes())
        {
            if (CompiledSymbols.Is(attribute.AttributeClass, symbols.PipelineAttribute))
            {
                return true;
            }
        }

        return false;
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, CompiledSymbols symbols)
    {
        if (!IsDefine(context.OwningSymbol, symbols))
        {
            return;
        }

        var flow = new CollectionFlow(symbols);
        var invocations = new List<IInvocationOperation>();
        foreach (var block in context.OperationBlocks)
        {
            foreach (var operation in block.DescendantsAndSelf())
            {
                flow.Visit(operation);
                if (operation is IInvocationOperation invocation)
                {
                    invocations.Add(invocation);
                }
            }
        }

        foreach (var invocation in invocations)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            Analyze(context, invocation, flow, symbols);
        }
    }

    private static void Analyze(OperationBlockAnalysisContext context, IInvocationOperation invocation, CollectionFlow flow, CompiledSymbols symbols)
    {
        var method = invocation.TargetMethod;
        var containing = method.ContainingType;
        if (CompiledSymbols.Is(containing, symbols.PCollection))
        {
            switch (method.Name)
            {
                case "CombineGlobally":
                case "Count":
                    CheckGrouping(context, invocation, new[] { invocation.Instance }, flow);
                    CheckDefaults(context, invocation, flow);
                    return;
                case "AsSingleton":
                case "AsList":
                    CheckSideInput(context, invocation, invocation.Instance, flow, symbols);
                    return;
                case "CountPerElement":
                case "Distinct":
                    CheckGrouping(context, invocation, new[] { invocation.Instance }, flow);
                    return;
                case "Window":
                    CheckAccumulating(context, invocation, flow);
                    return;
                case "Map":
                case "FlatMap":
                case "ParDo":
                    CheckContextInSlidingWindows(context, invocation, flow, symbols);
                    return;
            }

            return;
        }

        if (CompiledSymbols.Is(containing, symbols.KeyedTransforms))
        {
            switch (method.Name)
            {
                case "GroupByKey":
                case "CombinePerKey":
                case "CountPerKey":
                    CheckGrouping(context, invocation, new[] { OperationHelpers.Receiver(invocation) }, flow);
                    return;
                case "AsDictionary":
                    CheckSideInput(context, invocation, OperationHelpers.Receiver(invocation), flow, symbols);
                    return;
                case "CoGroupByKey":
                    {
                        var inputs = new List<IOperation?>();
                        foreach (var argument in invocation.Arguments)
                        {
                            if (CompiledSymbols.Is(argument.Value.Type, symbols.PCollection))
                            {
                                inputs.Add(argument.Value);
                            }
                        }

                        CheckGrouping(context, invocation, inputs, flow);
                        CheckCompatible(context, invocation, inputs, flow);
                        return;
                    }
            }

            return;
        }

        if (CompiledSymbols.Is(containing, symbols.PipelineBuilder) && method.Name == "Flatten")
        {
            CheckCompatible(context, invocation, new List<IOperation?>(CollectionFlow.FlattenInputs(invocation)), flow);
        }
    }

    private static void CheckContextInSlidingWindows(OperationBlockAnalysisContext context, IInvocationOperation invocation, CollectionFlow flow, CompiledSymbols symbols)
    {
        // The context overloads: the function's delegate, as declared, takes an ElementContext.
        IParameterSymbol? fn = null;
        foreach (var parameter in invocation.TargetMethod.OriginalDefinition.Parameters)
        {
            if (parameter.Name == "fn")
            {
                fn = parameter;
            }
        }

        if (symbols.ElementContext is null || fn?.Type is not INamedTypeSymbol { DelegateInvokeMethod: { } invoke })
        {
            return;
        }

        var takesContext = false;
        foreach (var parameter in invoke.Parameters)
        {
            takesContext |= SymbolEqualityComparer.Default.Equals(parameter.Type, symbols.ElementContext);
        }

        if (!takesContext || flow.StateOf(invocation.Instance) is not { Grouped: false, Windowing: { Fn: WindowFnKind.Sliding } windowing })
        {
            return;
        }

        var location = invocation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access }
            ? access.Name.Identifier.GetLocation()
            : invocation.Syntax.GetLocation();
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContextInSlidingWindows, location, invocation.TargetMethod.Name, windowing.FnText ?? "Sliding"));
    }

    private static void CheckGrouping(OperationBlockAnalysisContext context, IInvocationOperation invocation, IEnumerable<IOperation?> inputs, CollectionFlow flow)
    {
        foreach (var input in inputs)
        {
            var state = flow.StateOf(input);
            if (state is { IsUnbounded: true, Windowing: { Fn: WindowFnKind.Global, HasDefaultTrigger: true } })
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UnboundedGlobalGrouping,
                    OperationHelpers.NameLocation(invocation),
                    invocation.TargetMethod.Name,
                    state.UnboundedInput));
                return;
            }
        }
    }

    private static void CheckDefaults(OperationBlockAnalysisContext context, IInvocationOperation invocation, CollectionFlow flow)
    {
        // withoutDefaults: true, or a value not known at build time, is not judged.
        if (OperationHelpers.Argument(invocation, "withoutDefaults") is not { ConstantValue: { HasValue: true, Value: false } })
        {
            return;
        }

        var windowing = flow.StateOf(invocation.Instance)?.Windowing;
        if (windowing is { Fn: WindowFnKind.Fixed or WindowFnKind.Sliding or WindowFnKind.Sessions or WindowFnKind.Custom })
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.GlobalCombineDefaultsOutsideGlobalWindow,
                OperationHelpers.NameLocation(invocation),
                invocation.TargetMethod.Name,
                Describe(windowing)));
        }
    }

    private static void CheckSideInput(OperationBlockAnalysisContext context, IInvocationOperation invocation, IOperation? input, CollectionFlow flow, CompiledSymbols symbols)
    {
        var windowing = flow.StateOf(input)?.Windowing;
        if (windowing is null || !IsMerging(windowing, symbols))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.MergingWindowsSideInput,
            OperationHelpers.NameLocation(invocation),
            invocation.TargetMethod.Name,
            Describe(windowing)));
    }

    /// <summary>True for sessions and for custom window functions that implement <c>IMergingWindowFn</c>.</summary>
    private static bool IsMerging(WindowingSpec windowing, CompiledSymbols symbols)
    {
        switch (windowing.Fn)
        {
            case WindowFnKind.Sessions:
                return true;
            case WindowFnKind.Custom:
                if (symbols.MergingWindowFn is null || windowing.Root is not { TargetMethod.TypeArguments: { Length: 1 } arguments })
                {
                    return false;
                }

                foreach (var implemented in arguments[0].AllInterfaces)
                {
                    if (CompiledSymbols.Is(implemented, symbols.MergingWindowFn))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>The window function with its parameters when known (<c>Fixed(00:01:00)</c>), else its kind.</summary>
    private static string Describe(WindowingSpec windowing) => windowing.FnText ?? windowing.Fn + "(...)";

    private static void CheckAccumulating(OperationBlockAnalysisContext context, IInvocationOperation window, CollectionFlow flow)
    {
        var state = flow.StateOf(window);
        if (state is { IsUnbounded: true, Windowing: { Fn: WindowFnKind.Global, Accumulation: AccumulationMode.Accumulating, AccumulationCall: { } accumulating, Trigger.Kind: TriggerKind.Repeatedly } })
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.AccumulatingGlobalUnbounded,
                OperationHelpers.NameLocation(accumulating),
                state.UnboundedInput));
        }
    }

    private static void CheckCompatible(OperationBlockAnalysisContext context, IInvocationOperation invocation, List<IOperation?> inputs, CollectionFlow flow)
    {
        string? firstKey = null;
        foreach (var input in inputs)
        {
            var key = flow.StateOf(input)?.Windowing?.CompatibilityKey;
            if (key is null)
            {
                // Unknown windowing: not judged.
                return;
            }

            if (firstKey is null)
            {
                firstKey = key;
            }
            else if (key != firstKey)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.IncompatibleWindowing,
                    OperationHelpers.NameLocation(invocation),
                    invocation.TargetMethod.Name,
                    firstKey,
                    key));
                return;
            }
        }
    }
}
