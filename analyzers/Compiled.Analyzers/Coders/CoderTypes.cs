using System;
using System.Collections.Generic;
using System.Globalization;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Compiled.Analyzers.Coders;

/// <summary>
/// Which types Compiled can generate a coder for (CMP2003): the part of a shuffled key or value that has none.
/// </summary>
/// <remarks>
/// Encodable: primitives, <c>string</c>, <c>decimal</c>, enums, the date and time types, <c>Guid</c>,
/// <c>Instant</c>; and, when their parts are, <c>KV</c>, tuples, <c>Nullable</c>, arrays, the BCL collections,
/// records and structs (every field), classes (their public or constructor-bound state). Not encodable:
/// delegates, pointers, ref structs, <c>object</c>/<c>dynamic</c>, interfaces and abstract classes (no concrete
/// type at build time), streams, tasks, threads, cancellation tokens, native handles, and classes whose only
/// state is private fields that no constructor sets. Types from other assemblies that are not on these lists,
/// and type parameters, are not judged.
/// </remarks>
internal static class CoderTypes
{
    private const int MaxDepth = 8;

    /// <summary>The first part of <paramref name="type"/> that has no coder, with its member path, or null.</summary>
    public static KeyTypes.Problem? FindUnencodablePart(ITypeSymbol type, string root, CompiledSymbols symbols) =>
        Find(type, root, symbols, 0, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default));

    private static KeyTypes.Problem? Find(ITypeSymbol type, string path, CompiledSymbols symbols, int depth, HashSet<ITypeSymbol> visiting)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Object:
                return new KeyTypes.Problem(path, "is 'object', so no concrete type is known at build time");
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return new KeyTypes.Problem(path, "is the native handle '" + Display(type) + "', which means nothing in another process");
            case SpecialType.System_String:
            case SpecialType.System_Decimal:
            case SpecialType.System_DateTime:
                return null;
        }

        if (type.SpecialType != SpecialType.None && type.IsValueType)
        {
            // bool, char, integral and floating-point types.
            return null;
        }

        switch (type.TypeKind)
        {
            case TypeKind.Dynamic:
                return new KeyTypes.Problem(path, "is 'dynamic', so no concrete type is known at build time");
            case TypeKind.Pointer:
            case TypeKind.FunctionPointer:
                return new KeyTypes.Problem(path, "is the pointer '" + Display(type) + "', which means nothing in another process");
            case TypeKind.Delegate:
                return new KeyTypes.Problem(path, "is the delegate '" + Display(type) + "', which is code, not data");
            case TypeKind.Enum:
            case TypeKind.TypeParameter:
            case TypeKind.Error:
                return null;
        }

        if (type is IArrayTypeSymbol array)
        {
            return Find(array.ElementType, path + "[]", symbols, depth + 1, visiting);
        }

        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        if (named.IsRefLikeType)
        {
            return new KeyTypes.Problem(path, "is the ref struct '" + Display(type) + "', which cannot be stored");
        }

        var resource = ResourceReason(named);
        if (resource is not null)
        {
            return new KeyTypes.Problem(path, "is " + resource);
        }

        if (named.IsTupleType)
        {
            foreach (var element in named.TupleElements)
            {
                var problem = Find(element.Type, path + "." + element.Name, symbols, depth + 1, visiting);
                if (problem is not null)
                {
                    return problem;
                }
            }

            return null;
        }

        var definition = named.OriginalDefinition;
        var name = definition.ToDisplayString();
        if (IsEncodableValue(name))
        {
            return null;
        }

        if (named.IsGenericType && ComponentNames(named, symbols) is { } components)
        {
            for (var i = 0; i < named.TypeArguments.Length; i++)
            {
                var problem = Find(named.TypeArguments[i], path + components[Math.Min(i, components.Length - 1)], symbols, depth + 1, visiting);
                if (problem is not null)
                {
                    return problem;
                }
            }

            return null;
        }

        if (named.TypeKind == TypeKind.Interface)
        {
            return new KeyTypes.Problem(path, "is the interface '" + Display(type) + "', so no concrete type is known at build time");
        }

        if (named.TypeKind == TypeKind.Class && named.IsAbstract)
        {
            return new KeyTypes.Problem(path, "is the abstract class '" + Display(type) + "', so no concrete type is known at build time");
        }

        if (!IsInSource(named))
        {
            // A type from another assembly: its private state is not visible here, so it is not judged.
            return null;
        }

        if (!visiting.Add(named))
        {
            return null;
        }

        try
        {
            return named.IsRecord || named.TypeKind == TypeKind.Struct
                ? FindInFields(named, path, symbols, depth, visiting, onlyEncoded: false)
                : FindInClass(named, path, symbols, depth, visiting);
        }
        finally
        {
            visiting.Remove(named);
        }
    }

    /// <summary>A class: its encoded state must be encodable, and private-only state that no constructor sets has no coder.</summary>
    private static KeyTypes.Problem? FindInClass(INamedTypeSymbol type, string path, CompiledSymbols symbols, int depth, HashSet<ITypeSymbol> visiting)
    {
        var primary = PrimaryConstructor(type);
        if (primary is not null)
        {
            foreach (var parameter in primary.Parameters)
            {
                var problem = Find(parameter.Type, path + "." + parameter.Name, symbols, depth + 1, visiting);
                if (problem is not null)
                {
                    return problem;
                }
            }
        }

        var fields = InstanceFields(type);
        var encoded = 0;
        foreach (var field in fields)
        {
            if (IsEncoded(field, type))
            {
                encoded++;
            }
        }

        if (primary is null && fields.Count > 0 && encoded == 0)
        {
            return new KeyTypes.Problem(path, "is the class '" + Display(type) + "', whose state is only private fields that no public member or constructor sets, so it cannot be encoded field by field");
        }

        return FindInFields(type, path, symbols, depth, visiting, onlyEncoded: true);
    }

    private static KeyTypes.Problem? FindInFields(INamedTypeSymbol type, string path, CompiledSymbols symbols, int depth, HashSet<ITypeSymbol> visiting, bool onlyEncoded)
    {
        foreach (var field in InstanceFields(type))
        {
            if (onlyEncoded && !IsEncoded(field, type))
            {
                continue;
            }

            var name = field.AssociatedSymbol?.Name ?? field.Name;
            var problem = Find(field.Type, path + "." + name, symbols, depth + 1, visiting);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Instance fields of the type and its source-declared bases.</summary>
    private static List<IFieldSymbol> InstanceFields(INamedTypeSymbol type)
    {
        var fields = new List<IFieldSymbol>();
        for (var current = type; current is not null && IsInSource(current); current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsConst: false } field)
                {
                    fields.Add(field);
                }
            }
        }

        return fields;
    }

    /// <summary>
    /// True when a generated coder can read and restore the field: it is not private, it backs a property with a
    /// public getter, or a public constructor has a parameter of the same name.
    /// </summary>
    private static bool IsEncoded(IFieldSymbol field, INamedTypeSymbol type)
    {
        if (field.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
        {
            return true;
        }

        if (field.AssociatedSymbol is IPropertySymbol { GetMethod.DeclaredAccessibility: Accessibility.Public or Accessibility.Internal })
        {
            return true;
        }

        var name = (field.AssociatedSymbol?.Name ?? field.Name).TrimStart('_');
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
            {
                continue;
            }

            foreach (var parameter in constructor.Parameters)
            {
                if (string.Equals(parameter.Name.TrimStart('_'), name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static IMethodSymbol? PrimaryConstructor(INamedTypeSymbol type)
    {
        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is TypeDeclarationSyntax)
                {
                    return constructor;
                }
            }
        }

        return null;
    }

    /// <summary>Why a type that stands for a live resource (a stream, a task, a thread) has no coder, or null.</summary>
    private static string? ResourceReason(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            switch (current.OriginalDefinition.ToDisplayString())
            {
                case "System.IO.Stream":
                    return "the stream '" + Display(type) + "', a live resource rather than data";
                case "System.Threading.Tasks.Task":
                case "System.Threading.Tasks.Task<TResult>":
                case "System.Threading.Tasks.ValueTask":
                case "System.Threading.Tasks.ValueTask<TResult>":
                    return "the task '" + Display(type) + "', a running computation rather than data";
                case "System.Threading.Thread":
                    return "the thread '" + Display(type) + "', a live resource rather than data";
                case "System.Threading.CancellationToken":
                case "System.Threading.CancellationTokenSource":
                    return "the cancellation '" + Display(type) + "', which belongs to one process";
                case "System.Runtime.InteropServices.SafeHandle":
                case "System.Threading.WaitHandle":
                    return "the native handle '" + Display(type) + "', which means nothing in another process";
            }
        }

        return null;
    }

    private static bool IsEncodableValue(string name)
    {
        switch (name)
        {
            case "System.DateTimeOffset":
            case "System.TimeSpan":
            case "System.Guid":
            case "System.DateOnly":
            case "System.TimeOnly":
            case "System.Half":
            case "System.Int128":
            case "System.UInt128":
            case "System.Numerics.BigInteger":
            case "System.Uri":
            case "System.Version":
            case "Compiled.Instant":
                return true;
            default:
                return false;
        }
    }

    /// <summary>The path suffixes of a composite's type arguments (the last repeats), or null when it is not one.</summary>
    private static string[]? ComponentNames(INamedTypeSymbol type, CompiledSymbols symbols)
    {
        var definition = type.OriginalDefinition;
        if (definition.SpecialType == SpecialType.System_Nullable_T)
        {
            return new[] { string.Empty };
        }

        if (SymbolEqualityComparer.Default.Equals(definition, symbols.Kv))
        {
            return new[] { ".Key", ".Value" };
        }

        var name = definition.ToDisplayString();
        var open = name.IndexOf('<');
        var bare = open < 0 ? name : name.Substring(0, open);
        switch (bare)
        {
            case "System.Tuple":
            case "Compiled.CoGbkResult":
                var items = new string[type.TypeArguments.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = ".Item" + (i + 1).ToString(CultureInfo.InvariantCulture);
                }

                return items;
            case "System.Collections.Generic.KeyValuePair":
                return new[] { ".Key", ".Value" };
            case "System.Collections.Generic.Dictionary":
            case "System.Collections.Generic.IDictionary":
            case "System.Collections.Generic.IReadOnlyDictionary":
            case "System.Collections.Generic.SortedDictionary":
            case "System.Collections.Generic.SortedList":
            case "System.Collections.Immutable.ImmutableDictionary":
            case "System.Collections.Immutable.IImmutableDictionary":
            case "System.Collections.Immutable.ImmutableSortedDictionary":
                return new[] { "[].Key", "[].Value" };
            case "System.Collections.Generic.List":
            case "System.Collections.Generic.IList":
            case "System.Collections.Generic.IReadOnlyList":
            case "System.Collections.Generic.ICollection":
            case "System.Collections.Generic.IReadOnlyCollection":
            case "System.Collections.Generic.IEnumerable":
            case "System.Collections.Generic.HashSet":
            case "System.Collections.Generic.ISet":
            case "System.Collections.Generic.IReadOnlySet":
            case "System.Collections.Generic.SortedSet":
            case "System.Collections.Generic.LinkedList":
            case "System.Collections.Generic.Queue":
            case "System.Collections.Generic.Stack":
            case "System.Collections.Immutable.ImmutableArray":
            case "System.Collections.Immutable.ImmutableList":
            case "System.Collections.Immutable.IImmutableList":
            case "System.Collections.Immutable.ImmutableHashSet":
            case "System.Collections.Immutable.IImmutableSet":
            case "System.Collections.Immutable.ImmutableSortedSet":
            case "System.ReadOnlyMemory":
            case "System.Memory":
                return new[] { "[]" };
            default:
                return null;
        }
    }

    private static bool IsInSource(INamedTypeSymbol type)
    {
        foreach (var location in type.Locations)
        {
            if (location.IsInSource)
            {
                return true;
            }
        }

        return false;
    }

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
}
