using System.Collections.Generic;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;

namespace Compiled.Analyzers.Coders;

/// <summary>What the key rules share: which transforms group, by which key, and how a key type is judged.</summary>
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

    /// <summary>
    /// True when the key is, or contains through <c>Nullable&lt;T&gt;</c>, tuples, <c>KV</c> and arrays, a
    /// <c>float</c> or <c>double</c> (CMP2001).
    /// </summary>
    public static bool ContainsFloatingPoint(ITypeSymbol type, CompiledSymbols symbols) => ContainsFloatingPoint(type, symbols, 0);

    private static bool ContainsFloatingPoint(ITypeSymbol type, CompiledSymbols symbols, int depth)
    {
        if (depth > 8)
        {
            return false;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Single:
            case SpecialType.System_Double:
                return true;
        }

        if (type is IArrayTypeSymbol array)
        {
            return ContainsFloatingPoint(array.ElementType, symbols, depth + 1);
        }

        if (type is not INamedTypeSymbol { IsGenericType: true } named || !IsComposite(named, symbols))
        {
            return false;
        }

        foreach (var argument in named.TypeArguments)
        {
            if (ContainsFloatingPoint(argument, symbols, depth + 1))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tuples, <c>Nullable&lt;T&gt;</c>, <c>KV</c>: types whose equality is their components'.</summary>
    private static bool IsComposite(INamedTypeSymbol named, CompiledSymbols symbols) =>
        named.IsTupleType ||
        named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ||
        SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, symbols.Kv) ||
        named.OriginalDefinition.ToDisplayString().StartsWith("System.Tuple<", System.StringComparison.Ordinal);

    /// <summary>A part of a key without deterministic equality: its member path and why.</summary>
    public readonly struct Problem
    {
        public Problem(string path, string reason)
        {
            Path = path;
            Reason = reason;
        }

        public string Path { get; }

        public string Reason { get; }
    }

    /// <summary>
    /// Finds the first part of <paramref name="type"/> whose equality is not deterministic (CMP2002): an
    /// unordered collection, <c>object</c>/<c>dynamic</c>, an array or a class compared by reference, or a
    /// floating-point member of a record or struct. Floating-point values reached only through tuples,
    /// <c>Nullable</c>, <c>KV</c> and arrays are CMP2001's and not reported here.
    /// </summary>
    public static Problem? FindNonDeterministicPart(ITypeSymbol type, string root, CompiledSymbols symbols) =>
        Find(type, root, symbols, insideMember: false, depth: 0, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));

    private static Problem? Find(ITypeSymbol type, string path, CompiledSymbols symbols, bool insideMember, int depth, HashSet<ITypeSymbol> visiting)
    {
        if (depth > 6)
        {
            return null;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Single:
            case SpecialType.System_Double:
                return insideMember ? new Problem(path, "is a floating-point '" + Display(type) + "'") : null;
            case SpecialType.System_Object:
                return new Problem(path, "is 'object', which has no fixed equality or encoding");
            case SpecialType.System_String:
            case SpecialType.System_Decimal:
            case SpecialType.System_DateTime:
                return null;
        }

        if (type.SpecialType != SpecialType.None && type.IsValueType)
        {
            // Integral types, bool, char.
            return null;
        }

        switch (type.TypeKind)
        {
            case TypeKind.Dynamic:
                return new Problem(path, "is 'dynamic', which has no fixed equality or encoding");
            case TypeKind.Enum:
            case TypeKind.TypeParameter:
            case TypeKind.Error:
            case TypeKind.Pointer:
            case TypeKind.FunctionPointer:
                return null;
            case TypeKind.Array:
                return new Problem(path, "is an array '" + Display(type) + "', which compares by reference");
            case TypeKind.Delegate:
                return new Problem(path, "is a delegate '" + Display(type) + "', which compares by reference");
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (IsUnordered(named))
        {
            return new Problem(path, "is '" + Display(type) + "', an unordered collection that compares by reference");
        }

        if (named.IsTupleType)
        {
            foreach (var element in named.TupleElements)
            {
                var problem = Find(element.Type, path + "." + element.Name, symbols, insideMember, depth + 1, visiting);
                if (problem is not null)
                {
                    return problem;
                }
            }

            return null;
        }

        if (named.IsGenericType && IsComposite(named, symbols))
        {
            var kv = SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, symbols.Kv);
            for (var i = 0; i < named.TypeArguments.Length; i++)
            {
                var suffix = named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                    ? string.Empty
                    : "." + (kv ? (i == 0 ? "Key" : "Value") : "Item" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                var problem = Find(named.TypeArguments[i], path + suffix, symbols, insideMember, depth + 1, visiting);
                if (problem is not null)
                {
                    return problem;
                }
            }

            return null;
        }

        if (named.TypeKind == TypeKind.Interface)
        {
            // The equality of an interface-typed key depends on the runtime type: not judged.
            return null;
        }

        var hasOwnEquality = HasUserEquality(named);
        if (named.TypeKind == TypeKind.Class && !named.IsRecord)
        {
            return hasOwnEquality ? null : new Problem(path, "is the class '" + Display(type) + "', which does not override Equals and so compares by reference");
        }

        if (hasOwnEquality || (!named.IsRecord && named.TypeKind != TypeKind.Struct))
        {
            return null;
        }

        // A record (synthesized equality) or a struct without its own Equals: equal when every field is.
        if (!visiting.Add(named))
        {
            return null;
        }

        try
        {
            foreach (var member in named.GetMembers())
            {
                if (member is not IFieldSymbol { IsStatic: false, IsConst: false } field)
                {
                    continue;
                }

                var name = field.AssociatedSymbol?.Name ?? field.Name;
                var problem = Find(field.Type, path + "." + name, symbols, insideMember: true, depth + 1, visiting);
                if (problem is not null)
                {
                    return problem;
                }
            }
        }
        finally
        {
            visiting.Remove(named);
        }

        return null;
    }

    /// <summary>
    /// True when the type or a base (below <c>object</c>/<c>ValueType</c>) declares Equals(object) or implements
    /// <c>IEquatable&lt;T&gt;</c> itself: equality the user chose, which is trusted. A record's synthesized
    /// members do not count.
    /// </summary>
    private static bool HasUserEquality(INamedTypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            foreach (var member in current.GetMembers("Equals"))
            {
                if (member is IMethodSymbol { IsStatic: false, IsImplicitlyDeclared: false, Parameters.Length: 1 } equals &&
                    (equals.IsOverride || !current.IsRecord))
                {
                    return true;
                }
            }

            if (current.IsRecord)
            {
                continue;
            }

            foreach (var implemented in current.Interfaces)
            {
                if (implemented.OriginalDefinition.ToDisplayString() == "System.IEquatable<T>")
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsUnordered(INamedTypeSymbol type)
    {
        if (IsUnorderedInterface(type))
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (IsUnorderedInterface(implemented))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnorderedInterface(INamedTypeSymbol type)
    {
        switch (type.OriginalDefinition.ToDisplayString())
        {
            case "System.Collections.Generic.IDictionary<TKey, TValue>":
            case "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>":
            case "System.Collections.Generic.ISet<T>":
            case "System.Collections.Generic.IReadOnlySet<T>":
            case "System.Collections.IDictionary":
                return true;
            default:
                return false;
        }
    }

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
}
