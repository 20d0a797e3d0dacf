using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Parser
    {
        private sealed partial class Session
        {
            // ----- key hashing for the parallel runner -----
            //
            // A key goes to a key group by a hash of its canonical encoding (never GetHashCode). Two keys that are equal
            // must hash equal, so the hash reads only members that take part in the key type's equality, each with the
            // equality of its own type: a record's or a struct's public members (a subset of what Equals compares is
            // always correct: it can only add collisions), a KV's key and value, a tuple's items. A type whose Equals
            // the generator cannot read (a class with reference equality, or user-written Equals) gets no recipe: the
            // parallel runner then sends all its keys to one key group, and the plan says so.

            private const int MaxKeyDepth = 4;

            /// <summary>Fills in the key-hash recipe of every keyed stateful transform.</summary>
            private void AddKeyHashes(int position)
            {
                for (var i = 0; i < _transforms.Count; i++)
                {
                    var t = _transforms[i];
                    var keyType = t.Kind switch
                    {
                        TransformKind.CountPerElement or TransformKind.Distinct => t.InputType,
                        TransformKind.CountPerKey or TransformKind.CombinePerKey or TransformKind.GroupByKey or TransformKind.CoGroupByKey => t.KeyType,
                        _ => null,
                    };
                    if (keyType is null)
                    {
                        continue;
                    }

                    var symbol = _model.GetSpeculativeTypeInfo(position, SyntaxFactory.ParseTypeName(keyType), SpeculativeBindingOption.BindAsTypeOrNamespace).Type;
                    var lines = new List<string>();
                    var skipped = new List<string>();
                    var counter = 0;
                    var hashed = symbol is not null && symbol.TypeKind != TypeKind.Error && Recipe(symbol, "key", lines, skipped, 0, ref counter);
                    _transforms[i] = t with
                    {
                        KeyHash = hashed ? lines.ToEquatableArray() : EquatableArray<string>.Empty,
                        KeyHashNote = hashed && lines.Count == 0
                            ? "keys of type " + Names.ForLabel(keyType.Replace("global::", string.Empty)) + " have no member the hash reads, so every key goes to one key group"
                            : !hashed
                            ? "keys of type " + Names.ForLabel(keyType.Replace("global::", string.Empty)) + " compare by an equality the generator cannot read (reference equality or a user-written Equals), so every key goes to one key group"
                            : skipped.Count > 0 ? "members not hashed (not in a form the hash reads; equal keys still meet): " + string.Join(", ", skipped) : null,
                    };
                }
            }

            private static bool Recipe(ITypeSymbol type, string expression, List<string> lines, List<string> skipped, int depth, ref int counter)
            {
                if (depth > MaxKeyDepth)
                {
                    return false;
                }

                switch (type.SpecialType)
                {
                    case SpecialType.System_Boolean:
                    case SpecialType.System_Byte:
                    case SpecialType.System_SByte:
                    case SpecialType.System_Int16:
                    case SpecialType.System_UInt16:
                    case SpecialType.System_Int32:
                    case SpecialType.System_UInt32:
                    case SpecialType.System_Int64:
                    case SpecialType.System_UInt64:
                    case SpecialType.System_Char:
                    case SpecialType.System_Single:
                    case SpecialType.System_Double:
                    case SpecialType.System_Decimal:
                    case SpecialType.System_String:
                    case SpecialType.System_DateTime:
                        lines.Add("hasher.Add(" + expression + ");");
                        return true;
                }

                if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
                {
                    lines.Add("hasher.Add((" + Fq(underlying) + ")" + expression + ");");
                    return true;
                }

                var name = type.OriginalDefinition.ToDisplayString();
                switch (name)
                {
                    case "System.Guid":
                    case "System.DateTimeOffset":
                    case "System.TimeSpan":
                    case "Compiled.Instant":
                        lines.Add("hasher.Add(" + expression + ");");
                        return true;
                    case "System.ReadOnlyMemory<T>" when type is INamedTypeSymbol { TypeArguments.Length: 1 } memory && memory.TypeArguments[0].SpecialType == SpecialType.System_Char:
                        lines.Add("hasher.Add(" + expression + ".Span);");
                        return true;
                    case "System.Nullable<T>" when type is INamedTypeSymbol { TypeArguments.Length: 1 } nullableType:
                    {
                        var inner = nullableType.TypeArguments[0];
                        var local = "v" + (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        var innerLines = new List<string>();
                        if (!Recipe(inner, local, innerLines, skipped, depth + 1, ref counter))
                        {
                            return false;
                        }

                        lines.Add("if (" + expression + " is { } " + local + ") { hasher.AddNotNull(); " + string.Join(" ", innerLines) + " } else { hasher.AddNull(); }");
                        return true;
                    }
                }

                if (type is not INamedTypeSymbol named)
                {
                    return false;
                }

                // Members compared by equality: a KV's key and value, a tuple's items, a record's or a plain struct's
                // public instance fields and properties.
                IEnumerable<(string Name, ITypeSymbol Type)> members;
                if (name == "Compiled.KV<K, V>" || name == "Compiled.KV<TKey, TValue>" || (named.ContainingNamespace?.ToDisplayString() == "Compiled" && named.Name == "KV" && named.TypeArguments.Length == 2))
                {
                    members = new[] { ("Key", named.TypeArguments[0]), ("Value", named.TypeArguments[1]) };
                }
                else if (named.IsTupleType)
                {
                    members = named.TupleElements.Select(e => (e.CorrespondingTupleField?.Name ?? e.Name, e.Type));
                }
                else if ((named.IsRecord || named.TypeKind == TypeKind.Struct) && !HasUserEquality(named))
                {
                    members = PublicInstanceMembers(named);
                }
                else
                {
                    return false;
                }

                var nullable = named.IsReferenceType;
                var body = new List<string>();
                foreach (var (memberName, memberType) in members)
                {
                    var memberLines = new List<string>();
                    if (Recipe(memberType, expression + "." + Identifier(memberName), memberLines, skipped, depth + 1, ref counter))
                    {
                        body.AddRange(memberLines);
                    }
                    else
                    {
                        skipped.Add(Names.ForLabel(named.Name + "." + memberName));
                    }
                }

                if (depth > 0 && nullable)
                {
                    lines.Add("if (" + expression + " is null) { hasher.AddNull(); } else { hasher.AddNotNull(); " + string.Join(" ", body) + " }");
                }
                else
                {
                    lines.AddRange(body);
                }

                return true;
            }

            /// <summary>Equality written by the user (an Equals override, or an Equals of its own type declared in source).</summary>
            private static bool HasUserEquality(INamedTypeSymbol type)
            {
                for (var t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
                {
                    foreach (var member in t.GetMembers("Equals").OfType<IMethodSymbol>())
                    {
                        if (member.IsImplicitlyDeclared || member.IsStatic || member.Parameters.Length != 1)
                        {
                            continue;
                        }

                        if (member.IsOverride || SymbolEqualityComparer.Default.Equals(member.Parameters[0].Type.OriginalDefinition, t.OriginalDefinition))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            private static IEnumerable<(string Name, ITypeSymbol Type)> PublicInstanceMembers(INamedTypeSymbol type)
            {
                var chain = new List<INamedTypeSymbol>();
                for (var t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
                {
                    chain.Insert(0, t);
                }

                var seen = new HashSet<string>();
                foreach (var t in chain)
                {
                    foreach (var member in t.GetMembers())
                    {
                        if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared && member is not IFieldSymbol)
                        {
                            continue;
                        }

                        switch (member)
                        {
                            case IFieldSymbol field when field.AssociatedSymbol is null && seen.Add(field.Name):
                                yield return (field.Name, field.Type);
                                break;
                            case IPropertySymbol { IsIndexer: false, GetMethod: { DeclaredAccessibility: Accessibility.Public } } property
                                when property.Name != "EqualityContract" && IsAutoOrPositional(property) && seen.Add(property.Name):
                                yield return (property.Name, property.Type);
                                break;
                        }
                    }
                }
            }

            /// <summary>A property backed by a field that equality compares (an auto-property or a record's positional one), not a computed one.</summary>
            private static bool IsAutoOrPositional(IPropertySymbol property) =>
                property.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));
        }
    }
}
