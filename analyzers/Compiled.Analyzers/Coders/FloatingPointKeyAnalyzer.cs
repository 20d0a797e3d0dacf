using System.Collections.Immutable;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Symbols;
using Compiled.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Coders;

/// <summary>
/// CMP2001: reports a grouping transform whose key type is, or contains, <c>float</c> or <c>double</c>.
/// </summary>
/// <remarks>
/// Beam's <c>GroupByKey.expand</c> calls <c>keyCoder.verifyDeterministic()</c> and fails for
/// <c>DoubleCoder</c>/<c>FloatCoder</c>: grouping compares keys by their encoding, and floating-point values
/// that print alike (0.1 + 0.2 and 0.3, 0.0 and -0.0, two NaNs) do not encode alike. Compiled keeps the rule so
/// a pipeline means the same on every runner. The key is:
/// <list type="bullet">
/// <item><description>TKey of <c>KeyedTransforms.GroupByKey</c>, <c>CombinePerKey</c>, <c>CountPerKey</c>, <c>CoGroupByKey</c>, and the stateful <c>ParDo</c> (state and timers are per key);</description></item>
/// <item><description>the element type T of <c>PCollection&lt;T&gt;.CountPerElement</c> and <c>Distinct</c>.</description></item>
/// </list>
/// A key "contains" a floating-point type through <c>Nullable&lt;T&gt;</c>, tuples, <c>KV</c> and arrays.
/// Keying by a double and then only projecting (<c>Keys</c>, <c>Values</c>, <c>Map</c>) groups nothing and is not reported.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FloatingPointKeyAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.FloatingPointKey);

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
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var keyType = KeyTypes.GroupingKeyType(method, symbols);
        if (keyType is null || !CoderRule.ContainsFloatingPoint(keyType))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.FloatingPointKey,
            NameLocation(invocation),
            method.Name,
            keyType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
    }

    /// <summary>The transform's name (<c>GroupByKey</c> in <c>keyed.GroupByKey()</c>), else the whole call.</summary>
    private static Location NameLocation(IInvocationOperation invocation) =>
        invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
            ? access.Name.GetLocation()
            : invocation.Syntax.GetLocation();
}
