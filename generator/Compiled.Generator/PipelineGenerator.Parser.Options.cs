using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Parser
    {
        private sealed partial class Session
        {
            // ----- pipeline options -----

            /// <summary>
            /// Define's second parameter, when it has one: the pipeline options, a value of the user's type given when the
            /// runner is created (<c>CreateRunner(options, ...)</c>, <c>Run(options, ...)</c>). Lambdas that read it are
            /// re-emitted with it as a parameter, which the runner passes from the instance it was created with.
            /// </summary>
            private IParameterSymbol? _optionsParameter;

            /// <summary>The options type, fully qualified, or null when Define takes no options.</summary>
            private string? _optionsType;

            /// <summary>The options type is not public: the generated surface that takes it is internal.</summary>
            private bool _optionsInternal;

            /// <summary>Parameters of the composites being inlined that receive the pipeline options.</summary>
            private readonly HashSet<IParameterSymbol> _optionsAliases = new(SymbolEqualityComparer.Default);

            /// <summary>True for Define's options parameter and the composites' parameters that receive it.</summary>
            private bool IsOptionsParameter(ISymbol symbol) =>
                symbol is IParameterSymbol parameter &&
                (SymbolEqualityComparer.Default.Equals(parameter, _optionsParameter) || _optionsAliases.Contains(parameter));

            /// <summary>True when a composite's argument is the pipeline options (Define's parameter, or a composite's that has them).</summary>
            private bool IsOptionsArgument(BoundArgument argument)
            {
                var value = argument.Value;
                while (value is IConversionOperation { IsImplicit: true } conversion)
                {
                    value = conversion.Operand;
                }

                return value is IParameterReferenceOperation { Parameter: var parameter } && IsOptionsParameter(parameter);
            }

            /// <summary>
            /// Checks Define's options parameter: a class, record or struct of this compilation or a reference, that generated
            /// code can name from the runner's surface. Returns false (and reports) otherwise.
            /// </summary>
            private bool ReadOptionsParameter(IParameterSymbol parameter)
            {
                var type = parameter.Type;
                if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type is INamedTypeSymbol { IsGenericType: true } ||
                    IsGraphType(type) || type.SpecialType != SpecialType.None || parameter.RefKind != RefKind.None)
                {
                    Report(DiagnosticDescriptors.MissingDefine, parameter.Locations.FirstOrDefault() ?? Location.None, parameter.ContainingType.Name);
                    return false;
                }

                if (FindPrivate(type) is { } hidden)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, parameter.Locations.FirstOrDefault() ?? Location.None, parameter.Name,
                        "the pipeline options type '" + hidden + "' must be public or internal: CreateRunner and Run take it");
                    return false;
                }

                if (!IsPublicEverywhere(type))
                {
                    // CreateRunner and Run take the options: they are internal when the options type is.
                    _surfaceIsInternal = true;
                    _optionsInternal = true;
                }

                _optionsParameter = parameter;
                _optionsType = Fq(type);
                return true;
            }

            /// <summary>
            /// The options parameter a non-static lambda reads when that is all it captures (then it needs no 'static'); null
            /// when it captures something else, or nothing.
            /// </summary>
            private IParameterSymbol? OptionsCapturedBy(LambdaExpressionSyntax lambda, DataFlowAnalysis? flow)
            {
                if (flow is not { Succeeded: true } || flow.CapturedInside.Length == 0 || !flow.CapturedInside.All(IsOptionsParameter))
                {
                    return null;
                }

                var captured = flow.CapturedInside.Distinct(SymbolEqualityComparer.Default).ToList();
                return captured.Count == 1 ? (IParameterSymbol)captured[0]! : null;
            }

            /// <summary>
            /// The options parameter an expression outside a lambda reads (a window size: <c>o.WindowSize</c>,
            /// <c>TimeSpan.FromMinutes(o.Minutes)</c>), when it reads exactly one and no other local or parameter; null otherwise.
            /// </summary>
            private IParameterSymbol? OptionsReadIn(ExpressionSyntax expression)
            {
                IParameterSymbol? options = null;
                foreach (var identifier in expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    var symbol = _model.GetSymbolInfo(identifier, _cancellationToken).Symbol;
                    if (symbol is IParameterSymbol parameter && IsOptionsParameter(parameter) &&
                        (options is null || SymbolEqualityComparer.Default.Equals(options, parameter)))
                    {
                        options = parameter;
                    }
                    else if (symbol is ILocalSymbol or IParameterSymbol)
                    {
                        return null;
                    }
                }

                return expression.DescendantNodesAndSelf().OfType<LambdaExpressionSyntax>().Any() ? null : options;
            }

            /// <summary>The members of the options a lambda reads ("Threshold"), in order of first use, for the plan.</summary>
            private EquatableArray<string> OptionsReadBy(LambdaExpressionSyntax lambda, IParameterSymbol options)
            {
                var names = new List<string>();
                foreach (var access in lambda.Body.DescendantNodesAndSelf().OfType<MemberAccessExpressionSyntax>())
                {
                    if (access.Expression is IdentifierNameSyntax identifier &&
                        SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(identifier, _cancellationToken).Symbol, options) &&
                        !names.Contains(access.Name.Identifier.ValueText))
                    {
                        names.Add(access.Name.Identifier.ValueText);
                    }
                }

                return names.ToEquatableArray();
            }
        }
    }
}
