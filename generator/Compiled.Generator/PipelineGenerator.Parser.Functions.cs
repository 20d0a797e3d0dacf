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
            // ----- functions -----
            private FunctionSpec? ParseFunction(ExpressionSyntax? argument, InvocationExpressionSyntax invocation, string transform, bool allowRef = false)
            {
                if (argument is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), transform);
                    return null;
                }

                if (argument is LambdaExpressionSyntax lambda)
                {
                    return ParseLambda(lambda, transform, allowRef);
                }

                var symbol = _model.GetSymbolInfo(argument, _cancellationToken).Symbol as IMethodSymbol;
                if (symbol is not null && argument is IdentifierNameSyntax or MemberAccessExpressionSyntax or GenericNameSyntax && symbol.MethodKind == MethodKind.Ordinary)
                {
                    if (!symbol.IsStatic)
                    {
                        Report(DiagnosticDescriptors.FunctionNotLambda, argument.GetLocation(), transform, argument.ToString() + "' (an instance method");
                        return null;
                    }

                    // A generic method whose emitter parameter is a type parameter (TEmit : IEmitter<T>) is called
                    // without explicit type arguments, so that the struct emitter is inferred and never boxed.
                    var inferEmitter = symbol.IsGenericMethod && symbol.OriginalDefinition.Parameters.Any(p => p.Type is ITypeParameterSymbol tp && tp.ConstraintTypes.Any(c => EmitterType(c) is not null));
                    var methodName = Fq(symbol.ContainingType) + "." + symbol.Name +
                        (symbol.IsGenericMethod && !inferEmitter ? "<" + string.Join(", ", symbol.TypeArguments.Select(Fq)) + ">" : string.Empty);
                    return new FunctionSpec
                    {
                        Parameters = symbol.Parameters.Select((p, i) => new ParameterSpec("arg" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Fq(p.Type), EmitterType(p.Type))
                        {
                            Modifier = p.RefKind == RefKind.Ref ? "ref " : string.Empty,
                        }).ToEquatableArray(),
                        ReturnType = symbol.ReturnsVoid ? "void" : Fq(symbol.ReturnType),
                        MethodGroup = methodName,
                        LanesWhyNot = "it is a method group, whose body the generator does not see",
                        MayThrow = "it is a method group, whose body the generator does not see",
                    };
                }

                Report(DiagnosticDescriptors.FunctionNotLambda, argument.GetLocation(), transform, Shorten(argument.ToString()));
                return null;
            }

            private FunctionSpec? ParseLambda(LambdaExpressionSyntax lambda, string transform, bool allowRef)
            {
                IParameterSymbol? options = null;
                if (!lambda.Modifiers.Any(SyntaxKind.StaticKeyword))
                {
                    // A lambda that reads only the pipeline options captures nothing else: it is re-emitted with the options
                    // as a parameter. A lambda that captures nothing is fixed by 'static'; one that captures a local or a
                    // parameter of Define is not ('static' would then give CS8820): say where such a value belongs instead.
                    var flow = _model.AnalyzeDataFlow(lambda);
                    options = OptionsCapturedBy(lambda, flow);
                    if (options is null)
                    {
                        var tail = "; add the 'static' modifier";
                        var captured = flow is { Succeeded: true } ? flow.CapturedInside.Where(s => !IsOptionsParameter(s)).ToList() : new List<ISymbol>();
                        if (captured.Count > 0)
                        {
                            tail = ", but it captures " + string.Join(", ", captured.Select(s => "'" + s.Name + "'")) +
                                   ", which only exists while Define runs: use a const (or a static readonly field), a pipeline option or a side input instead";
                        }

                        Report(DiagnosticDescriptors.LambdaNotStatic, lambda.GetLocation(), transform, tail);
                        return null;
                    }
                }

                if (lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
                {
                    Report(DiagnosticDescriptors.UnsupportedLambda, lambda.GetLocation(), transform, "async lambdas are not supported; transforms are synchronous");
                    return null;
                }

                if (_model.GetSymbolInfo(lambda, _cancellationToken).Symbol is IMethodSymbol { Parameters: var lambdaParameters } &&
                    lambdaParameters.FirstOrDefault(p => p.Type.TypeKind == TypeKind.Error && _sqlRows.Any(r => r.Name == p.Type.Name)) is { } declaredRow)
                {
                    // C# reads a declared row type only once the generated code is in, after this generator has run.
                    Report(DiagnosticDescriptors.UnsupportedExpression, lambda.GetLocation(), Shorten(lambda.ToString()),
                        "its input rows are of " + declaredRow.Type.Name + ", the row type the generator declares for a query, which C# code in the declaration cannot read yet; " +
                        "declare the record yourself (a member per column) to transform its rows in C#, or keep to outputs and further queries");
                    return null;
                }

                if (_model.GetSymbolInfo(lambda, _cancellationToken).Symbol is not IMethodSymbol symbol ||
                    symbol.Parameters.Any(p => p.Type.TypeKind == TypeKind.Error) || symbol.ReturnType.TypeKind == TypeKind.Error)
                {
                    Report(DiagnosticDescriptors.Unresolved, lambda.GetLocation(), transform + " lambda");
                    return null;
                }

                // A stateful ParDo's callbacks take the state struct by reference (allowRef); nothing else may.
                if (symbol.Parameters.Any(p => p.RefKind != RefKind.None && !(allowRef && p.RefKind == RefKind.Ref)))
                {
                    Report(DiagnosticDescriptors.UnsupportedLambda, lambda.GetLocation(), transform, "ref, in and out parameters are not supported");
                    return null;
                }

                if (lambda.AttributeLists.Count > 0 || lambda.DescendantNodes().OfType<AttributeListSyntax>().Any())
                {
                    Report(DiagnosticDescriptors.UnsupportedLambda, lambda.GetLocation(), transform, "attributes on lambdas or their parameters are not supported");
                    return null;
                }

                var discards = symbol.Parameters.Count(p => p.Name == "_");
                var parameters = new List<ParameterSpec>();
                for (var i = 0; i < symbol.Parameters.Length; i++)
                {
                    var p = symbol.Parameters[i];
                    var parameterName = p.Name == "_" && discards > 1 ? "__discard" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) : p.Name;
                    if (parameterName.Length == 0)
                    {
                        parameterName = "__p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    parameters.Add(new ParameterSpec(SyntaxFacts.GetKeywordKind(parameterName) != SyntaxKind.None ? "@" + parameterName : parameterName, Fq(p.Type), EmitterType(p.Type))
                    {
                        Modifier = p.RefKind == RefKind.Ref ? "ref " : string.Empty,
                    });
                }

                var body = lambda.Body;
                var span = body.GetLocation().GetLineSpan();
                var position = span.StartLinePosition;
                if (options is not null && symbol.Parameters.Any(p => p.Name == options.Name))
                {
                    Report(DiagnosticDescriptors.UnsupportedLambda, lambda.GetLocation(), transform, "a parameter of the lambda has the name of the pipeline options parameter '" + options.Name + "'; rename one of them");
                    return null;
                }

                var (lanes, lanesWhyNot) = options is null ? ReadLanes(lambda, symbol) : (null, "it reads the pipeline options");
                return new FunctionSpec
                {
                    Lanes = lanes,
                    LanesWhyNot = lanesWhyNot,
                    MayThrow = options is null ? ThrowsWhy(lambda) : "it reads the pipeline options",
                    Parameters = parameters.ToEquatableArray(),
                    ReturnType = ReturnTypeOf(lambda, symbol),
                    FilePath = lambda.SyntaxTree.FilePath == _context.TargetNode.SyntaxTree.FilePath ? null : lambda.SyntaxTree.FilePath,
                    OptionsParameter = options is null ? null : Identifier(options.Name),
                    OptionsRead = options is null ? EquatableArray<string>.Empty : OptionsReadBy(lambda, options),
                    Body = QualifyForPipelineClass(body),
                    IsExpressionBody = body is ExpressionSyntax,
                    BodyLine = position.Line + 1,
                    BodyColumn = position.Character + 1,
                    BodyEndLine = span.EndLinePosition.Line + 1,
                    BodyEndColumn = span.EndLinePosition.Character + 1,
                };
            }

            /// <summary>The return type as the target delegate sees it (keeps nullable annotations inferred from the chain).</summary>
            private string ReturnTypeOf(LambdaExpressionSyntax lambda, IMethodSymbol symbol)
            {
                if (symbol.ReturnsVoid)
                {
                    return "void";
                }

                var invoke = (_model.GetTypeInfo(lambda, _cancellationToken).ConvertedType as INamedTypeSymbol)?.DelegateInvokeMethod;
                return invoke is { ReturnsVoid: false } && invoke.ReturnType.TypeKind != TypeKind.Error && invoke.ReturnType.TypeKind != TypeKind.TypeParameter
                    ? Fq(invoke.ReturnType)
                    : Fq(symbol.ReturnType);
            }

            private string? EmitterType(ITypeSymbol type) =>
                type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, _emitter)
                    ? Fq(named.TypeArguments[0])
                    : null;

            private CombineFnSpec? ParseCombineFn(BoundArgument? fnArgument, IMethodSymbol method, InvocationExpressionSyntax invocation)
            {
                if (fnArgument?.Expression is not { } argument)
                {
                    Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), method.Name);
                    return null;
                }

                var type = _model.GetTypeInfo(argument, _cancellationToken).Type;
                if (type is null || type.TypeKind == TypeKind.Error)
                {
                    Report(DiagnosticDescriptors.Unresolved, argument.GetLocation(), Shorten(argument.ToString()));
                    return null;
                }

                if (type.TypeKind == TypeKind.Interface || type.IsAbstract)
                {
                    Report(DiagnosticDescriptors.InvalidCombineFn, argument.GetLocation(), Shorten(argument.ToString()), "its static type is '" + type.Name + "', not a concrete struct or sealed class the generator can call directly");
                    return null;
                }

                if (argument is not (ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or InvocationExpressionSyntax or MemberAccessExpressionSyntax or DefaultExpressionSyntax))
                {
                    Report(DiagnosticDescriptors.InvalidCombineFn, argument.GetLocation(), Shorten(argument.ToString()), "it is neither a 'new' expression nor a factory call");
                    return null;
                }

                var constants = new List<(Microsoft.CodeAnalysis.Text.TextSpan Span, string Text)>();
                foreach (var identifier in argument.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    var symbol = _model.GetSymbolInfo(identifier, _cancellationToken).Symbol;
                    if (symbol is ILocalSymbol { IsConst: true, HasConstantValue: true } constant)
                    {
                        // A constant local of Define is inlined as its value (generated code cannot see the local).
                        constants.Add((identifier.Span, "((" + Fq(constant.Type) + ")" + Literal(constant.ConstantValue) + ")"));
                        continue;
                    }

                    if (symbol is IParameterSymbol bound && _boundParameters.TryGetValue(bound, out var boundValue) &&
                        ConstantOf(boundValue) is { HasValue: true } boundConstant)
                    {
                        // A value parameter of a composite: inlined as the value its call passed.
                        constants.Add((identifier.Span, "((" + Fq(bound.Type) + ")" + Literal(boundConstant.Value) + ")"));
                        continue;
                    }

                    if (symbol is ILocalSymbol or IParameterSymbol &&
                        !symbol.Locations.Any(l => l.SourceTree == argument.SyntaxTree && argument.Span.Contains(l.SourceSpan)))
                    {
                        // (A parameter or local of a static lambda inside the expression, such as Top's key selector, is its own.)
                        Report(DiagnosticDescriptors.InvalidCombineFn, identifier.GetLocation(), Shorten(argument.ToString()),
                            "it reads '" + identifier.Identifier.ValueText + "', " + (symbol is ILocalSymbol { IsConst: true }
                                ? "a constant local of Define, which generated code cannot see; use a literal or a const field of the class"
                                : "which only exists while Define runs"));
                        return null;
                    }
                }

                if (argument.DescendantNodes().OfType<LambdaExpressionSyntax>().Any(l => !l.Modifiers.Any(SyntaxKind.StaticKeyword)))
                {
                    Report(DiagnosticDescriptors.InvalidCombineFn, argument.GetLocation(), Shorten(argument.ToString()), "lambdas inside it must be static");
                    return null;
                }

                var fnParameter = fnArgument.Parameter.Type as INamedTypeSymbol;
                if (fnParameter is null || fnParameter.TypeArguments.Length is not (3 or 4) || fnParameter.TypeArguments.Any(t => t.TypeKind == TypeKind.Error))
                {
                    Report(DiagnosticDescriptors.Unresolved, argument.GetLocation(), Shorten(argument.ToString()));
                    return null;
                }

                // Re-emitted fully qualified where the shape allows (new T(...), Factory.Create<T>(...)), so the
                // generated code does not depend on the declaring file's usings.
                string createExpression;
                if (argument is ImplicitObjectCreationExpressionSyntax implicitNew)
                {
                    createExpression = "new " + Fq(type) + Substitute(implicitNew.ArgumentList, constants) + (implicitNew.Initializer is { } init ? " " + Substitute(init, constants) : string.Empty);
                }
                else if (argument is ObjectCreationExpressionSyntax explicitNew)
                {
                    createExpression = "new " + Fq(type) + (explicitNew.ArgumentList is { } list ? Substitute(list, constants) : "()") + (explicitNew.Initializer is { } init ? " " + Substitute(init, constants) : string.Empty);
                }
                else if (argument is InvocationExpressionSyntax factoryCall &&
                         _model.GetSymbolInfo(factoryCall, _cancellationToken).Symbol is IMethodSymbol { IsStatic: true, ReducedFrom: null } factory)
                {
                    createExpression = Fq(factory.ContainingType) + "." + factory.Name +
                        (factory.IsGenericMethod ? "<" + string.Join(", ", factory.TypeArguments.Select(Fq)) + ">" : string.Empty) +
                        Substitute(factoryCall.ArgumentList, constants);
                }
                else
                {
                    createExpression = Substitute(argument, constants);
                }
                return new CombineFnSpec(Fq(type), createExpression, Fq(fnParameter.TypeArguments[0]), Fq(fnParameter.TypeArguments[1]), Fq(fnParameter.TypeArguments[2]))
                {
                    // ICombineFnWithContext: its steps take the CombineContext of the side input.
                    SideType = fnParameter.TypeArguments.Length == 4 ? Fq(fnParameter.TypeArguments[3]) : null,
                };
            }

            private static string Substitute(SyntaxNode node, List<(Microsoft.CodeAnalysis.Text.TextSpan Span, string Text)> replacements)
            {
                var text = node.ToString();
                var start = node.SpanStart;
                foreach (var (span, replacement) in replacements.OrderByDescending(r => r.Span.Start))
                {
                    if (span.Start >= start && span.End <= start + text.Length)
                    {
                        text = text.Substring(0, span.Start - start) + replacement + text.Substring(span.End - start);
                    }
                }

                return text;
            }

            private static string Literal(object? value) => value switch
            {
                null => "null",
                string s => SymbolDisplay.FormatLiteral(s, quote: true),
                char c => SymbolDisplay.FormatLiteral(c, quote: true),
                bool b => b ? "true" : "false",
                float f when float.IsNaN(f) => "global::System.Single.NaN",
                float f when float.IsInfinity(f) => f > 0 ? "global::System.Single.PositiveInfinity" : "global::System.Single.NegativeInfinity",
                float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f",
                double d when double.IsNaN(d) => "global::System.Double.NaN",
                double d when double.IsInfinity(d) => d > 0 ? "global::System.Double.PositiveInfinity" : "global::System.Double.NegativeInfinity",
                double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "d",
                decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture) + "m",
                System.IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "null",
            };

            private static string Shorten(string text)
            {
                var single = string.Join(" ", text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
                return single.Length <= 80 ? single : single.Substring(0, 77) + "...";
            }
        }
    }
}
