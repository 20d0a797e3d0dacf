using System.Collections.Immutable;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Symbols;
using Compiled.Analyzers.Windowing;
using Compiled.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Coders;

/// <summary>
/// CMP2003: reports a key or value type crossing a shuffle that has a part Compiled cannot generate a coder for,
/// naming the member path (<c>Value.Payload.Body</c>).
/// </summary>
/// <remarks>
/// The shuffled types are: key and value of <c>GroupByKey</c>, key and input value of <c>CombinePerKey</c>, key
/// of <c>CountPerKey</c>, key and every input's value of <c>CoGroupByKey</c>, and the element of
/// <c>CountPerElement</c> and <c>Distinct</c>. What is encodable is <see cref="CoderTypes"/>'s. A key already
/// reported by CMP2001 or CMP2002 (determinism) is not reported again here.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MissingCoderAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.MissingCoder);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = CompiledSymbols.TryCreate(start.Compilation);
            if (symbols is null)
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
        var keyType = KeyTypes.GroupingKeyType(method, symbols, out var isElement);
        if (keyType is null)
        {
            return;
        }

        // Keys are judged as keys: a part CMP2001 or CMP2002 reports (not deterministic) is not reported again here.
        var keyRoot = isElement ? "Element" : "Key";
        Check(context, invocation, keyType, isElement ? "element" : "key", keyRoot, key: true);

        if (isElement)
        {
            return;
        }

        var arguments = (method.ReducedFrom is null ? method : method.ReducedFrom).TypeArguments;
        switch (method.Name)
        {
            case "GroupByKey":
            case "CombinePerKey":
                if (arguments.Length > 1)
                {
                    Check(context, invocation, arguments[1], "value", "Value", key: false);
                }

                break;
            case "CoGroupByKey":
                for (var i = 1; i < arguments.Length; i++)
                {
                    Check(context, invocation, arguments[i], "value", i == 1 ? "Value" : "Value" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), key: false);
                }

                break;
        }
    }

    private static void Check(OperationAnalysisContext context, IInvocationOperation invocation, ITypeSymbol type, string role, string root, bool key)
    {
        // The rule the coder generator follows: a type reported here gets no coder, and one not reported gets one.
        if (CoderRule.ForAnalysis().Judge(type, root, key).Problem is not { Kind: CoderProblemKind.NoCoder } found)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.MissingCoder,
            OperationHelpers.NameLocation(invocation),
            invocation.TargetMethod.Name,
            role,
            type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            found.Path,
            found.Reason));
    }
}
