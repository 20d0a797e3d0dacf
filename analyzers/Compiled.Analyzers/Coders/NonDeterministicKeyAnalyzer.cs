using System.Collections.Immutable;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Symbols;
using Compiled.Analyzers.Windowing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Coders;

/// <summary>
/// CMP2002: reports a grouping transform whose key has a part without deterministic equality, naming the
/// member path (<c>Key.Location.Lat</c>).
/// </summary>
/// <remarks>
/// The keys are those of CMP2001 (<see cref="FloatingPointKeyAnalyzer"/>): TKey of GroupByKey, CombinePerKey,
/// CountPerKey, CoGroupByKey, and the element of CountPerElement and Distinct. The parts judged are:
/// unordered collections (dictionaries, sets), <c>object</c> and <c>dynamic</c>, arrays, delegates and classes
/// without their own Equals (reference equality), and <c>float</c>/<c>double</c> fields of records and structs
/// (compared field by field). Types with their own Equals or <c>IEquatable&lt;T&gt;</c> are trusted, and
/// interface-typed parts are not judged.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NonDeterministicKeyAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.NonDeterministicKey);

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

        var keyType = KeyTypes.GroupingKeyType(invocation.TargetMethod, symbols, out var isElement);
        if (keyType is null)
        {
            return;
        }

        var problem = KeyTypes.FindNonDeterministicPart(keyType, isElement ? "Element" : "Key", symbols);
        if (problem is not { } found)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.NonDeterministicKey,
            OperationHelpers.NameLocation(invocation),
            invocation.TargetMethod.Name,
            keyType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
            found.Path,
            found.Reason));
    }
}
