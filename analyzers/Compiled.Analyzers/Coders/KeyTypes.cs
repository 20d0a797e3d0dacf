using System.Collections.Generic;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace Compiled.Analyzers.Coders;

/// <summary>What the key rules share: which transforms group, and by which key. How a type is judged is <see cref="Compiled.Shared.CoderRule"/>'s.</summary>
internal static class KeyTypes
{
    /// <summary>The key a grouping transform groups by, or null when <paramref name="method"/> does not group.</summary>
    /// <param name="method">The called method.</param>
    /// <param name="symbols">The runtime's types.</param>
    /// <param name="isElement">True when the key is the element itself (CountPerElement, Distinct).</param>
    public static ITypeSymbol? GroupingKeyType(IMethodSymbol method, CompiledSymbols symbols, out bool isElement)
    {
        isElement = false;

        // In the operation tree an extension call is the static method, never the reduced form.
        var definition = method.ReducedFrom ?? method;
        var containing = definition.ContainingType?.OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(containing, symbols.KeyedTransforms))
        {
            switch (definition.Name)
            {
                case "GroupByKey":
                case "CombinePerKey":
                case "CountPerKey":
                case "CoGroupByKey":
                // A stateful ParDo keeps its state per key: Beam requires a deterministic key coder for state and timers.
                case "ParDo":
                    return definition.TypeArguments.Length > 0 ? definition.TypeArguments[0] : null;
                default:
                    return null;
            }
        }

        if (SymbolEqualityComparer.Default.Equals(containing, symbols.PCollection))
        {
            switch (method.Name)
            {
                case "CountPerElement":
                case "Distinct":
                    isElement = true;
                    return method.ContainingType.TypeArguments.Length == 1 ? method.ContainingType.TypeArguments[0] : null;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <inheritdoc cref="GroupingKeyType(IMethodSymbol, CompiledSymbols, out bool)"/>
    public static ITypeSymbol? GroupingKeyType(IMethodSymbol method, CompiledSymbols symbols) =>
        GroupingKeyType(method, symbols, out _);
}
