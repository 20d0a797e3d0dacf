using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Parser
    {
        private sealed partial class Session
        {
            private bool CheckPublicSurface(ITypeSymbol elementType, InvocationExpressionSyntax invocation)
            {
                if (elementType.TypeKind == TypeKind.Error && _sqlRows.Any(r => r.Name == elementType.Name))
                {
                    return true; // a query's row type that the generator declares, as visible as the runner
                }

                if (FindUnnameable(elementType) is { } unnameable)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                        "its element type is " + unnameable + ", which generated code cannot name; use a record, a class or a named tuple");
                    return false;
                }

                if (!IsPublicEverywhere(elementType))
                {
                    // The runner, its factory and the batch members are then emitted as internal.
                    _surfaceIsInternal = true;
                }

                if (FindPrivate(elementType) is { } hidden)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                        "the element type uses '" + hidden + "', which is private; types of pipeline inputs and outputs appear on the generated runner and must be internal or public");
                    return false;
                }

                return true;
            }

            private static bool IsPublicEverywhere(ITypeSymbol type)
            {
                switch (type)
                {
                    case IArrayTypeSymbol array:
                        return IsPublicEverywhere(array.ElementType);
                    case INamedTypeSymbol named:
                        for (var t = named; t is not null; t = t.ContainingType)
                        {
                            if (t.DeclaredAccessibility != Accessibility.Public)
                            {
                                return false;
                            }
                        }

                        return named.TypeArguments.All(IsPublicEverywhere);
                    default:
                        return true;
                }
            }

            private Value? UnknownMember(InvocationExpressionSyntax invocation, string name)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), name, "this member of the declaration API is not supported by this version of the generator");
                return null;
            }

            private string? _pendingTypeProblem;

            /// <summary>An anonymous type (or a type built from one) cannot be named in generated code.</summary>
            private static string? FindUnnameable(ITypeSymbol type)
            {
                switch (type)
                {
                    case INamedTypeSymbol { IsAnonymousType: true }:
                        return "an anonymous type";
                    case INamedTypeSymbol { IsFileLocal: true } fileLocal:
                        return "the file-local type '" + fileLocal.Name + "'";
                    case IDynamicTypeSymbol:
                        return "dynamic";
                    case INamedTypeSymbol named:
                        foreach (var argument in named.TypeArguments)
                        {
                            if (FindUnnameable(argument) is { } inner)
                            {
                                return inner;
                            }
                        }

                        return named.IsTupleType ? named.TupleElements.Select(e => FindUnnameable(e.Type)).FirstOrDefault(x => x is not null) : null;
                    case IArrayTypeSymbol array:
                        return FindUnnameable(array.ElementType);
                    case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                        return "a pointer type";
                    default:
                        return null;
                }
            }

            /// <summary>Types crossing the runner's public surface (inputs, outputs) must not be private to the pipeline class.</summary>
            private static string? FindPrivate(ITypeSymbol type)
            {
                if (type is INamedTypeSymbol named)
                {
                    for (var t = named; t is not null; t = t.ContainingType)
                    {
                        if (t.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                        {
                            return t.Name;
                        }
                    }

                    foreach (var argument in named.TypeArguments)
                    {
                        if (FindPrivate(argument) is { } inner)
                        {
                            return inner;
                        }
                    }
                }
                else if (type is IArrayTypeSymbol array)
                {
                    return FindPrivate(array.ElementType);
                }

                return null;
            }

            private Value? Unresolved(InvocationExpressionSyntax invocation)
            {
                if (_pendingTypeProblem is { } problem)
                {
                    _pendingTypeProblem = null;
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                        "its element type is " + problem + ", which generated code cannot name; use a record, a class or a named tuple");
                    return null;
                }

                Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), Shorten(invocation.ToString()));
                return null;
            }

            private static CollectionValue Collection(int id) => new(new PortRef(id, 0));

            private string ElementTypeOfPort(PortRef port) => _transforms[port.Node].OutputTypes[port.Port];

            private ITypeSymbol? ElementType(ITypeSymbol type) =>
                type is INamedTypeSymbol named && named.TypeArguments.Length == 1 && named.TypeArguments[0].TypeKind != TypeKind.Error
                    ? named.TypeArguments[0]
                    : null;

            private string[]? OutputTypes(ITypeSymbol type)
            {
                if (type is not INamedTypeSymbol named || named.TypeArguments.Any(t => t.TypeKind == TypeKind.Error))
                {
                    return null;
                }

                foreach (var argument in named.TypeArguments)
                {
                    if (FindUnnameable(argument) is { } unnameable)
                    {
                        _pendingTypeProblem = unnameable;
                        return null;
                    }
                }

                return named.TypeArguments.Select(Fq).ToArray();
            }

            /// <summary>
            /// The windowing of a transform's output as its consumers see it: after a grouping, a declared trigger is
            /// replaced by its continuation (Beam's continuation triggers), so a second grouping fires as soon as the
            /// first one's panes arrive rather than waiting for the same counts or delays again; and merging windows
            /// are marked already merged (Beam's <c>AlreadyMerged</c>), so a second grouping keeps the merged windows
            /// the first one emitted rather than merging them again (across keys re-keyed to one).
            /// </summary>
            private static WindowSpec? Downstream(TransformSpec producer)
            {
                if (producer.OutputWindowing is not { } w || producer.SideInput is not null || !Planner.IsStateful(producer))
                {
                    return producer.OutputWindowing;
                }

                if (w.TriggerCode is { } code)
                {
                    w = w with { TriggerCode = code + ".Continuation()", TriggerText = "continuation of " + w.TriggerText };
                }

                return w.IsMerging ? w with { AlreadyMerged = true } : w;
            }

            /// <summary>The line of the declaration call being read (transforms it adds are applied there).</summary>
            private int _currentLine;

            private int AddTransform(
                TransformKind kind,
                IReadOnlyList<PortRef> inputs,
                string inputType,
                string[] outputTypes,
                string label,
                FunctionSpec? function = null,
                CombineFnSpec? combine = null,
                PortRef? side = null,
                int partitions = 0,
                string? inputName = null,
                string? outputName = null,
                WindowSpec? windowing = null)
            {
                // Windowing flows from the (first) input; a Window transform sets it (null: the global window).
                var outputWindowing = kind == TransformKind.Window
                    ? windowing
                    : inputs.Count > 0 ? Downstream(_transforms[inputs[0].Node]) : null;
                var isView = kind is TransformKind.AsSingleton or TransformKind.AsList or TransformKind.AsDictionary;
                string? keyType = null;
                var valueTypes = new List<string>();
                foreach (var port in inputs)
                {
                    var type = ElementTypeOfPort(port);
                    if (TrySplitKv(type, out var key, out var value))
                    {
                        keyType ??= key;
                        valueTypes.Add(value);
                    }
                }

                // Inside a composite, the transform is named under it ("Clean/Filter (line 12)"), as Beam names the
                // transforms a PTransform's expand applies.
                var composite = CompositePath;
                if (composite.Length > 0)
                {
                    label = composite + "/" + label;

                    // A composite declared in another file: its lines are that file's, so the label names it
                    // ("Clean/Filter (TextTransforms.cs line 12)"), in the plan and in failure messages.
                    if (_model.SyntaxTree != _context.TargetNode.SyntaxTree && label.IndexOf(" (line ", StringComparison.Ordinal) is var at and >= 0)
                    {
                        label = label.Substring(0, at) + " (" + System.IO.Path.GetFileName(_model.SyntaxTree.FilePath) + " line " + label.Substring(at + " (line ".Length);
                    }
                }

                var id = _transforms.Count;
                _transforms.Add(new TransformSpec
                {
                    Composite = composite.Length > 0 ? composite : null,
                    Id = id,
                    Kind = kind,
                    Line = _currentLine,
                    Inputs = inputs.ToEquatableArray(),
                    SideInput = side,
                    InputType = inputType,
                    OutputTypes = outputTypes.ToEquatableArray(),
                    KeyType = keyType,
                    ValueTypes = valueTypes.ToEquatableArray(),
                    Name = inputName ?? outputName,
                    Function = function,
                    Combine = combine,
                    PartitionCount = partitions,
                    Windowing = windowing,
                    OutputWindowing = isView ? null : outputWindowing,
                    ViewWindowing = isView ? outputWindowing : null,
                    Label = label,
                });
                return id;
            }

            private static bool TrySplitKv(string type, out string key, out string value)
            {
                const string prefix = "global::Compiled.KV<";
                key = value = string.Empty;
                if (!type.StartsWith(prefix, StringComparison.Ordinal) || !type.EndsWith(">", StringComparison.Ordinal))
                {
                    return false;
                }

                var inner = type.Substring(prefix.Length, type.Length - prefix.Length - 1);
                var depth = 0;
                for (var i = 0; i < inner.Length; i++)
                {
                    switch (inner[i])
                    {
                        case '<':
                        case '(':
                        case '[':
                            depth++;
                            break;
                        case '>':
                        case ')':
                        case ']':
                            depth--;
                            break;
                        case ',' when depth == 0:
                            key = inner.Substring(0, i).Trim();
                            value = inner.Substring(i + 1).Trim();
                            return true;
                    }
                }

                return false;
            }

            private string? ReadName(BoundArgument? argument, InvocationExpressionSyntax invocation, Dictionary<string, string> seen, string what)
            {
                if (argument is null || !argument.IsExplicit)
                {
                    Report(DiagnosticDescriptors.InvalidName, invocation.GetLocation(), "The " + what + " needs a name");
                    return null;
                }

                if (argument.Constant is not { HasValue: true, Value: string name })
                {
                    Report(DiagnosticDescriptors.InvalidName, argument.Location, "The " + what + " name must be a constant string");
                    return null;
                }

                var identifier = Names.ToPascal(name);
                if (identifier.Length == 0 || !SyntaxFacts.IsValidIdentifier(identifier))
                {
                    Report(DiagnosticDescriptors.InvalidName, argument.Location, "The " + what + " name '" + name + "' must contain letters or digits and start with a letter");
                    return null;
                }

                if (seen.TryGetValue(identifier, out var previous))
                {
                    Report(DiagnosticDescriptors.InvalidName, argument.Location, "The " + what + " name '" + name + "' is already used by '" + previous + "'; " + what + " names must be unique");
                    return null;
                }

                seen.Add(identifier, name);
                _nameLocations[what + ":" + identifier] = argument.Location;
                return name;
            }
        }
    }
}
