using System;
using System.Collections.Generic;
using System.Linq;
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
        /// <summary>A tuple of collections returned by a composite: <c>return (valid, invalid);</c>.</summary>
        private sealed class TupleValue(IReadOnlyList<Value> items) : Value
        {
            public IReadOnlyList<Value> Items { get; } = items;
        }

        private sealed partial class Session
        {
            // ----- composite transforms -----

            /// <summary>The composites being inlined, outermost first (a composite that calls itself is reported).</summary>
            private readonly List<(IMethodSymbol Method, string Name)> _composites = new();

            /// <summary>How many times each composite name was used, for unique instance names ("Clean", "Clean2"), as Beam names them.</summary>
            private readonly Dictionary<string, int> _compositeUses = new(StringComparer.Ordinal);

            /// <summary>Composite methods whose compiler errors were already collected.</summary>
            private readonly HashSet<IMethodSymbol> _compositesChecked = new(SymbolEqualityComparer.Default);

            /// <summary>The composite path of the transforms being read ("Clean/Tokenize"), or empty in Define itself.</summary>
            private string CompositePath => string.Join("/", _composites.Select(c => c.Name));

            /// <summary>
            /// The declaration of <paramref name="method"/> when it is a composite transform: a static, non-generic method of
            /// this compilation, with a body, whose parameters are collections, views, the builder, the pipeline options or
            /// plain values, and that returns a collection, a view, a tuple of them or nothing. Null otherwise.
            /// </summary>
            private MethodDeclarationSyntax? CompositeDeclaration(IMethodSymbol method)
            {
                var definition = (method.ReducedFrom ?? method).OriginalDefinition;
                if (!definition.IsStatic || definition.MethodKind != MethodKind.Ordinary || definition.IsGenericMethod ||
                    definition.DeclaringSyntaxReferences.Length != 1 ||
                    definition.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not MethodDeclarationSyntax declaration ||
                    (declaration.Body is null && declaration.ExpressionBody is null))
                {
                    return null;
                }

                return definition.ReturnsVoid || IsGraphType(definition.ReturnType) ? declaration : null;
            }

            /// <summary>A collection, a view, the builder, a ParDo or Partition result, or a tuple of these.</summary>
            private bool IsGraphType(ITypeSymbol type)
            {
                if (type is INamedTypeSymbol { IsTupleType: true } tuple)
                {
                    return tuple.TupleElements.All(e => IsGraphType(e.Type));
                }

                var definition = type.OriginalDefinition;
                return SymbolEqualityComparer.Default.Equals(definition, _pcollection) ||
                       SymbolEqualityComparer.Default.Equals(definition, _view) ||
                       SymbolEqualityComparer.Default.Equals(definition, _builder) ||
                       SymbolEqualityComparer.Default.Equals(definition, _parDo2) ||
                       SymbolEqualityComparer.Default.Equals(definition, _parDo3) ||
                       SymbolEqualityComparer.Default.Equals(definition, _partitionList);
            }

            /// <summary>
            /// Inlines a call of a composite transform: its collection arguments are evaluated here, its value arguments
            /// are bound for the constants read in its body, and its body is read as a declaration, with the transforms it
            /// applies named "Composite/Transform" in the plan. A composite that calls itself, directly or not, is CMP0015.
            /// </summary>
            private Value? InlineComposite(InvocationExpressionSyntax invocation, IMethodSymbol method, MethodDeclarationSyntax declaration)
            {
                var definition = (method.ReducedFrom ?? method).OriginalDefinition;
                if (_composites.Any(c => SymbolEqualityComparer.Default.Equals(c.Method, definition)))
                {
                    var chain = string.Join(" → ", _composites.SkipWhile(c => !SymbolEqualityComparer.Default.Equals(c.Method, definition)).Select(c => c.Method.Name).Concat(new[] { definition.Name }));
                    Report(DiagnosticDescriptors.CompositeRecursion, invocation.GetLocation(), definition.Name, chain);
                    return null;
                }

                var call = Bind(invocation);
                if (call is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), Shorten(invocation.Expression.ToString()));
                    return null;
                }

                // Arguments first, in the caller's scope: collections are evaluated, values are kept for the body's constants.
                var collections = new List<(IParameterSymbol Parameter, Value Value)>();
                var values = new List<(IParameterSymbol Parameter, Microsoft.CodeAnalysis.IOperation Value)>();
                var options = new List<IParameterSymbol>();
                foreach (var parameter in definition.Parameters)
                {
                    var argument = call[parameter.Name];
                    if (argument is null || parameter.RefKind != RefKind.None)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                            "the composite's parameter '" + parameter.Name + "' cannot be passed (composites take collections, views, the builder, the pipeline options and values, none by ref)");
                        return null;
                    }

                    if (IsGraphType(parameter.Type))
                    {
                        if (argument.Expression is null)
                        {
                            Report(DiagnosticDescriptors.UnsupportedExpression, argument.Location, Shorten(argument.Text), "pass the collection to the composite's parameter '" + parameter.Name + "'");
                            return null;
                        }

                        var value = Evaluate(argument.Expression);
                        if (value is null)
                        {
                            return null;
                        }

                        collections.Add((parameter, value));
                    }
                    else if (IsOptionsArgument(argument))
                    {
                        options.Add(parameter);
                    }
                    else if (IsPlainValue(parameter.Type))
                    {
                        values.Add((parameter, argument.Value));
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, argument.Location, Shorten(argument.Text),
                            "the composite's parameter '" + parameter.Name + "' is of type '" + parameter.Type.Name + "'; a composite takes collections, views, the builder, the pipeline options and values of primitive, string, enum or TimeSpan types");
                        return null;
                    }
                }

                var name = Identifier(definition.Name).TrimStart('@');
                _compositeUses.TryGetValue(name, out var uses);
                _compositeUses[name] = ++uses;
                var instance = uses == 1 ? name : name + uses.ToString(System.Globalization.CultureInfo.InvariantCulture);

                var outerModel = _model;
                _model = ModelOf(declaration.SyntaxTree);
                _composites.Add((definition, instance));
                foreach (var (parameter, value) in collections)
                {
                    _locals[parameter] = value;
                }

                foreach (var (parameter, value) in values)
                {
                    _boundParameters[parameter] = value;
                }

                foreach (var parameter in options)
                {
                    _optionsAliases.Add(parameter);
                }

                AddCompositeUsings(definition, declaration);
                Value? result;
                try
                {
                    result = ReadCompositeBody(declaration, definition);
                    if (_compositesChecked.Add(definition))
                    {
                        CollectCompilerErrors(declaration);
                    }
                }
                finally
                {
                    _composites.RemoveAt(_composites.Count - 1);
                    foreach (var (parameter, _) in collections)
                    {
                        _locals.Remove(parameter);
                    }

                    foreach (var (parameter, _) in values)
                    {
                        _boundParameters.Remove(parameter);
                    }

                    foreach (var parameter in options)
                    {
                        _optionsAliases.Remove(parameter);
                    }

                    _model = outerModel;
                }

                return result;
            }

            /// <summary>The body of a composite: straight-line statements, then (unless it returns nothing) one final 'return'.</summary>
            private Value? ReadCompositeBody(MethodDeclarationSyntax declaration, IMethodSymbol definition)
            {
                if (declaration.ExpressionBody is { } arrow)
                {
                    var value = Evaluate(arrow.Expression);
                    return definition.ReturnsVoid ? new VoidValue() : value;
                }

                var statements = declaration.Body!.Statements;
                for (var i = 0; i < statements.Count; i++)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    if (statements[i] is ReturnStatementSyntax { Expression: { } returned } && i == statements.Count - 1)
                    {
                        return Evaluate(returned);
                    }

                    ParseStatement(statements[i]);
                }

                if (!definition.ReturnsVoid)
                {
                    // The compiler reports the missing return (CS0161); nothing to add.
                    return null;
                }

                return new VoidValue();
            }

            /// <summary>A tuple written in a composite's return: each element must be a collection or a view.</summary>
            private Value? EvaluateTuple(TupleExpressionSyntax tuple)
            {
                var items = new List<Value>();
                foreach (var argument in tuple.Arguments)
                {
                    var value = Evaluate(argument.Expression);
                    if (value is null)
                    {
                        return null;
                    }

                    items.Add(value);
                }

                return new TupleValue(items);
            }

            /// <summary>
            /// The text of a lambda body to re-emit in the pipeline class. In a composite of another class, the static members
            /// (and nested types) of that class that the body names by their simple name are qualified
            /// (<c>Normalize(w)</c> becomes <c>global::Demo.TextTransforms.Normalize(w)</c>), so that they bind as they did
            /// there and never to a member of the pipeline class with the same name.
            /// </summary>
            private string QualifyForPipelineClass(SyntaxNode body)
            {
                if (_composites.Count == 0 || IsPipelineScope(_composites[_composites.Count - 1].Method.ContainingType))
                {
                    return body.ToString();
                }

                var replacements = new List<(Microsoft.CodeAnalysis.Text.TextSpan Span, string Text)>();
                foreach (var name in body.DescendantNodesAndSelf().OfType<SimpleNameSyntax>())
                {
                    if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name ||
                        name.Parent is QualifiedNameSyntax qualified && qualified.Right == name ||
                        name.Parent is MemberBindingExpressionSyntax || name.Parent is NameColonSyntax || name.Parent is NameEqualsSyntax)
                    {
                        continue;
                    }

                    var symbol = _model.GetSymbolInfo(name, _cancellationToken).Symbol;
                    var owner = symbol switch
                    {
                        IMethodSymbol { IsStatic: true, MethodKind: MethodKind.Ordinary } m => m.ContainingType,
                        IFieldSymbol { IsStatic: true } f => f.ContainingType,
                        IPropertySymbol { IsStatic: true } p => p.ContainingType,
                        INamedTypeSymbol { ContainingType: { } t } => t,
                        _ => null,
                    };
                    if (owner is null || IsPipelineScope(owner))
                    {
                        continue;
                    }

                    replacements.Add((name.Span, symbol is INamedTypeSymbol type ? Fq(type) : Fq(owner) + "." + name.ToString()));
                }

                return Substitute(body, replacements);
            }

            /// <summary>The pipeline class or a type around it: its members are in scope in the generated code as they are here.</summary>
            private bool IsPipelineScope(INamedTypeSymbol type)
            {
                for (var t = (INamedTypeSymbol)_context.TargetSymbol; t is not null; t = t.ContainingType)
                {
                    if (SymbolEqualityComparer.Default.Equals(t, type.OriginalDefinition))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>
            /// The usings a composite declared in another file needs for its lambdas, which are re-emitted in the pipeline's
            /// generated file: that file's usings and the composite's namespace (the composite's own static members are
            /// qualified where its lambdas use them: <see cref="QualifyForPipelineClass"/>).
            /// </summary>
            private void AddCompositeUsings(IMethodSymbol definition, MethodDeclarationSyntax declaration)
            {
                var pipeline = (INamedTypeSymbol)_context.TargetSymbol;
                if (declaration.SyntaxTree != _context.TargetNode.SyntaxTree)
                {
                    foreach (var directive in CollectUsings(declaration, fileLevel: true).Concat(CollectUsings(declaration, fileLevel: false)))
                    {
                        AddUsing(directive);
                    }
                }

                var ns = definition.ContainingNamespace;
                if (!ns.IsGlobalNamespace && !IsSameOrEnclosing(ns, pipeline.ContainingNamespace))
                {
                    AddUsing("using " + ns.ToDisplayString() + ";");
                }
            }

            /// <summary>Usings added for composites declared elsewhere, once each (a duplicate using is warning CS0105).</summary>
            private readonly List<string> _extraUsings = new();

            private void AddUsing(string directive)
            {
                static string Normal(string u) => u.Replace("global::", string.Empty).Replace(" ", string.Empty);
                if (!_extraUsings.Any(u => Normal(u) == Normal(directive)))
                {
                    _extraUsings.Add(directive);
                }
            }

            private static bool IsSameOrEnclosing(INamespaceSymbol candidate, INamespaceSymbol ns)
            {
                for (var n = ns; n is not null; n = n.ContainingNamespace)
                {
                    if (SymbolEqualityComparer.Default.Equals(n, candidate))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>The compiler's errors in a member the declaration reads (Define or a composite), as text for the runner's surface.</summary>
            private void CollectCompilerErrors(MemberDeclarationSyntax member)
            {
                foreach (var error in _model.GetDiagnostics(member.Span, _cancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError && !IsDeclaredRowName(d)).Take(3))
                {
                    var span = error.Location.GetLineSpan();
                    _compilerErrors.Add(System.IO.Path.GetFileName(span.Path) + "(" +
                        (span.StartLinePosition.Line + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "," +
                        (span.StartLinePosition.Character + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "): " +
                        error.Id + ": " + error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
    }
}
