using System;
using System.Collections.Generic;
using System.Globalization;
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
        private sealed partial class Session
        {
            /// <summary>
            /// The result for a declaration with errors: no spec, the diagnostics, and the runner's surface as far as it
            /// can be read, so that code calling <c>Run</c> or <c>CreateRunner</c> still binds and only the declaration's
            /// errors are reported.
            /// </summary>
            private ParseResult FailedResult(INamedTypeSymbol type, MethodDeclarationSyntax? define)
            {
                var errors = _diagnostics.Concat(_hiddenErrors)
                    .Where(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error)
                    .Select(Describe)
                    .Concat(_compilerErrors)
                    .Distinct()
                    .ToList();
                if (errors.Count == 0)
                {
                    errors.Add("the declaration could not be read");
                }

                var inputs = new List<SurfacePort>();
                var outputs = new List<SurfacePort>();
                var isInternal = false;
                if (define is not null && _model is not null)
                {
                    SyntaxNode? body = (SyntaxNode?)define.Body ?? define.ExpressionBody;
                    if (body is not null)
                    {
                        ReadPorts(body, inputs, outputs, ref isInternal);
                    }
                }

                RemoveCollidingOutputs(inputs, outputs);
                var surface = new PipelineSurface
                {
                    Namespace = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(),
                    ClassName = Identifier(type.Name),
                    TypeKeyword = type.IsRecord ? "record" : "class",
                    SurfaceIsInternal = isInternal || _optionsInternal,
                    ContainingTypes = ContainingTypeDeclarations(type),
                    Inputs = inputs.ToEquatableArray(),
                    Outputs = outputs.ToEquatableArray(),
                    Errors = errors.ToEquatableArray(),
                    OptionsType = _optionsType,
                };
                return new ParseResult(null, _diagnostics.ToEquatableArray()) { Surface = surface };
            }

            private static string Describe(DiagnosticInfo info)
            {
                var format = DiagnosticDescriptors.ById(info.Id).MessageFormat.ToString(CultureInfo.InvariantCulture);
                string message;
                try
                {
                    message = string.Format(CultureInfo.InvariantCulture, format, info.MessageArgs.Cast<object>().ToArray());
                }
                catch (FormatException)
                {
                    message = format;
                }

                var where = info.Location is { } l
                    ? System.IO.Path.GetFileName(l.FilePath) + "(" + (l.LineSpan.Start.Line + 1).ToString(CultureInfo.InvariantCulture) + "," +
                      (l.LineSpan.Start.Character + 1).ToString(CultureInfo.InvariantCulture) + "): "
                    : string.Empty;
                return where + info.Id + ": " + message;
            }

            /// <summary>
            /// Every input (Create, Unbounded, ReadLines) and output (Output, a lateData argument) of the declaration whose
            /// name is a constant and whose element type is known, in evaluation order (an inner call before the call on
            /// its result), whatever else in the declaration failed. Lambdas are not entered.
            /// </summary>
            private void ReadPorts(SyntaxNode body, List<SurfacePort> inputs, List<SurfacePort> outputs, ref bool isInternal)
            {
                var inputNames = new HashSet<string>(StringComparer.Ordinal);
                var outputNames = new HashSet<string>(StringComparer.Ordinal);
                var composites = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                ReadPorts(body, inputs, outputs, ref isInternal, inputNames, outputNames, composites);
            }

            /// <summary>The ports declared in <paramref name="body"/>, and in the composites it calls (each once, where first called).</summary>
            private void ReadPorts(SyntaxNode body, List<SurfacePort> inputs, List<SurfacePort> outputs, ref bool isInternal,
                HashSet<string> inputNames, HashSet<string> outputNames, HashSet<IMethodSymbol> composites)
            {
                foreach (var invocation in PostOrder(body).OfType<InvocationExpressionSyntax>())
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    if (_model.GetSymbolInfo(invocation, _cancellationToken).Symbol is not IMethodSymbol method)
                    {
                        // An Output on a collection whose type is unknown (an error before it in the chain): its name is
                        // still known; its results are typed object.
                        if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Output" } &&
                            invocation.ArgumentList.Arguments.Count == 1 &&
                            _model.GetConstantValue(invocation.ArgumentList.Arguments[0].Expression, _cancellationToken) is { HasValue: true, Value: string unbound })
                        {
                            AddPort(unbound, "object", false, outputNames, outputs);
                        }

                        continue;
                    }

                    var definition = (method.ReducedFrom ?? method).ContainingType?.OriginalDefinition;
                    var onBuilder = SymbolEqualityComparer.Default.Equals(definition, _builder);
                    var onCollection = SymbolEqualityComparer.Default.Equals(definition, _pcollection) ||
                                       SymbolEqualityComparer.Default.Equals(definition, _keyed);
                    if (!onBuilder && !onCollection)
                    {
                        if (CompositeDeclaration(method) is { } composite && composites.Add((method.ReducedFrom ?? method).OriginalDefinition))
                        {
                            var outer = _model;
                            _model = ModelOf(composite.SyntaxTree);
                            try
                            {
                                ReadPorts((SyntaxNode?)composite.Body ?? composite.ExpressionBody!, inputs, outputs, ref isInternal, inputNames, outputNames, composites);
                            }
                            finally
                            {
                                _model = outer;
                            }
                        }

                        continue;
                    }

                    var call = Bind(invocation);
                    if (call is null)
                    {
                        continue;
                    }

                    if (onBuilder && method.Name is "Create" or "Unbounded" or "ReadLines" or "ReadUtf8Lines")
                    {
                        AddPort(call["name"], ElementType(method.ReturnType), method.Name is "ReadLines" or "ReadUtf8Lines", inputNames, inputs, ref isInternal);
                        continue;
                    }

                    if (!onCollection)
                    {
                        continue;
                    }

                    var receiverType = call.ReceiverExpression is { } receiver ? _model.GetTypeInfo(receiver, _cancellationToken).Type : null;
                    var receiverElement = receiverType is null ? null : ElementType(receiverType);
                    if (call["lateData"] is { IsExplicit: true } lateData)
                    {
                        AddPort(lateData, receiverElement, false, outputNames, outputs, ref isInternal, isOutput: true);
                    }

                    if (method.Name == "Output" && SymbolEqualityComparer.Default.Equals(definition, _pcollection))
                    {
                        AddPort(call["name"], receiverElement, false, outputNames, outputs, ref isInternal, isOutput: true);
                    }
                }
            }

            private static void AddPort(BoundArgument? name, ITypeSymbol? elementType, bool readsLines, HashSet<string> seen, List<SurfacePort> ports, ref bool isInternal, bool isOutput = false)
            {
                if (name is null || name.Constant is not { HasValue: true, Value: string text })
                {
                    return;
                }

                if (elementType is null || HasErrorType(elementType) || FindUnnameable(elementType) is not null || FindPrivate(elementType) is not null)
                {
                    // An output whose element type is not known (or cannot be named) is still an output: its results are
                    // typed object, and its sink may be any type.
                    if (isOutput)
                    {
                        AddPort(text, "object", readsLines, seen, ports);
                    }

                    return;
                }

                if (AddPort(text, Fq(elementType), readsLines, seen, ports))
                {
                    isInternal |= !IsPublicEverywhere(elementType);
                }
            }

            private static bool AddPort(string name, string elementType, bool readsLines, HashSet<string> seen, List<SurfacePort> ports)
            {
                var identifier = Names.ToPascal(name);
                if (identifier.Length == 0 || !SyntaxFacts.IsValidIdentifier(identifier) || !seen.Add(identifier))
                {
                    return false;
                }

                ports.Add(new SurfacePort(name, elementType, readsLines));
                return true;
            }

            /// <summary>An error type, or a type parameter (left by a call whose type arguments could not be inferred).</summary>
            private static bool HasErrorType(ITypeSymbol type) => type switch
            {
                { TypeKind: TypeKind.Error or TypeKind.TypeParameter } => true,
                IPointerTypeSymbol or IFunctionPointerTypeSymbol or IDynamicTypeSymbol => true,
                IArrayTypeSymbol array => HasErrorType(array.ElementType),
                INamedTypeSymbol named => named.TypeArguments.Any(HasErrorType) || (named.ContainingType is { } outer && HasErrorType(outer)),
                _ => false,
            };

            /// <summary>The nodes under <paramref name="node"/>, children before their parent, without entering lambdas.</summary>
            private static IEnumerable<SyntaxNode> PostOrder(SyntaxNode node)
            {
                foreach (var child in node.ChildNodes())
                {
                    if (child is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                    {
                        continue;
                    }

                    foreach (var inner in PostOrder(child))
                    {
                        yield return inner;
                    }
                }

                yield return node;
            }

            /// <summary>
            /// The outputs kept are those whose generated members (accessor, sink type parameter, Results properties) take
            /// no name already taken, as CheckGeneratedMemberCollisions requires of a valid declaration.
            /// </summary>
            private static void RemoveCollidingOutputs(List<SurfacePort> inputs, List<SurfacePort> outputs)
            {
                var inputKeys = inputs.Select(i => Names.ToPascal(i.Name)).ToList();
                var runner = new HashSet<string>(Names.RunnerMembers, StringComparer.Ordinal);
                foreach (var input in inputKeys)
                {
                    foreach (var member in Names.InputMembers(input))
                    {
                        runner.Add(member);
                    }
                }

                var results = new HashSet<string>(StringComparer.Ordinal);
                outputs.RemoveAll(output =>
                {
                    var key = Names.ToPascal(output.Name);
                    var accessor = Names.OutputAccessor(key, inputKeys);
                    var property = Names.ResultsProperty(key);
                    var members = new[] { (runner, accessor), (runner, "T" + key), (results, property), (results, property + "Elements") };
                    if (members.Any(m => m.Item1.Contains(m.Item2)) || accessor == "T" + key || property == property + "Elements")
                    {
                        return true;
                    }

                    foreach (var (set, member) in members)
                    {
                        set.Add(member);
                    }

                    return false;
                });
            }
        }
    }
}
