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
/// CMP2002: reports a grouping transform whose key has a part without deterministic equality, naming the
/// member path (<c>Key.Location.Lat</c>).
/// </summary>
/// <remarks>
/// The keys are those of CMP2001 (<see cref="FloatingPointKeyAnalyzer"/>): TKey of GroupByKey, CombinePerKey,
/// CountPerKey, CoGroupByKey, and the element of CountPerElement and Distinct. The judgement is
/// <see cref="CoderRule"/>'s, which the coder generator shares: unordered collections (dictionaries, sets),
/// <c>object</c> and <c>dynamic</c>, arrays, lists, delegates and classes without their own Equals (reference
/// equality), <c>float</c>/<c>double</c> fields of records and structs, and types with a user-written Equals (a
/// generated coder cannot know what it compares) unless they name a deterministic coder
/// (<c>[Coder(typeof(C), Deterministic = true)]</c>).
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

        // The rule the coder generator follows too: a key reported here gets no deterministic coder, and the parallel
        // runner sends all its keys to one key group. Floating-point keys CMP2001 reports are not reported again.
        var verdict = CoderRule.ForAnalysis().Judge(keyType, isElement ? "Element" : "Key", key: true);
        if (verdict.Problem is not { Kind: CoderProblemKind.NotDeterministic } found)
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
