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
            // ----- statements -----
            private void ParseStatement(StatementSyntax statement)
            {
                switch (statement)
                {
                    case LocalDeclarationStatementSyntax local when local.IsConst:
                        // Constants (e.g. names) are read through the semantic model where they are used.
                        break;
                    case LocalDeclarationStatementSyntax local:
                        foreach (var variable in local.Declaration.Variables)
                        {
                            if (variable.Initializer is null)
                            {
                                Report(DiagnosticDescriptors.UnsupportedExpression, variable.GetLocation(), variable.ToString(),
                                    "a local in a pipeline declaration must be initialized where it is declared");
                                continue;
                            }

                            var symbol = _model.GetDeclaredSymbol(variable, _cancellationToken);
                            if (symbol is ILocalSymbol plain && IsPlainValue(plain.Type))
                            {
                                // A number, a string, a duration: not part of the graph. It is reported where it is used
                                // (a lambda that captures it, a window size that is not a constant), not here.
                                _valueLocals.Add(plain);
                                continue;
                            }

                            var value = Evaluate(variable.Initializer.Value);
                            if (value is not null && symbol is not null)
                            {
                                _locals[symbol] = value;
                            }
                            else if (symbol is not null)
                            {
                                // Its initializer was reported: later uses of the local say nothing more.
                                _failedLocals.Add(symbol);
                            }
                        }

                        break;
                    case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment }
                        when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                             assignment.Left is DeclarationExpressionSyntax or TupleExpressionSyntax:
                        ParseDeconstruction(assignment);
                        break;
                    case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment }:
                        Report(DiagnosticDescriptors.DynamicTopology, assignment.GetLocation(), "Re-assigning a variable", string.Empty);
                        break;
                    case ExpressionStatementSyntax expression:
                        Evaluate(expression.Expression);
                        break;
                    case EmptyStatementSyntax:
                        break;
                    default:
                        Report(DiagnosticDescriptors.DynamicTopology, StatementLocation(statement), Describe(statement), Hint(statement));
                        break;
                }
            }

            private static Location StatementLocation(StatementSyntax statement) => statement switch
            {
                IfStatementSyntax s => s.IfKeyword.GetLocation(),
                ForStatementSyntax s => s.ForKeyword.GetLocation(),
                ForEachStatementSyntax s => s.ForEachKeyword.GetLocation(),
                WhileStatementSyntax s => s.WhileKeyword.GetLocation(),
                DoStatementSyntax s => s.DoKeyword.GetLocation(),
                SwitchStatementSyntax s => s.SwitchKeyword.GetLocation(),
                _ => statement.GetLocation(),
            };

            private static string Describe(StatementSyntax statement) => statement switch
            {
                IfStatementSyntax => "An 'if' statement",
                ForStatementSyntax => "A 'for' loop",
                ForEachStatementSyntax => "A 'foreach' loop",
                WhileStatementSyntax => "A 'while' loop",
                DoStatementSyntax => "A 'do' loop",
                SwitchStatementSyntax => "A 'switch' statement",
                LocalFunctionStatementSyntax => "A local function",
                ReturnStatementSyntax => "A 'return' statement",
                TryStatementSyntax => "A 'try' statement",
                BlockSyntax => "A nested block",
                _ => "The statement '" + Shorten(statement.ToString()) + "'",
            };

            /// <summary>What to write instead of a loop: the two ways of repeating transforms the topology allows.</summary>
            private static string Hint(StatementSyntax statement) => statement switch
            {
                ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax =>
                    "; to split one collection into several, use Partition(n, fn), and to apply the same transforms more than once, move them into a composite (a static method that takes and returns PCollections) and call it once per use",
                IfStatementSyntax or SwitchStatementSyntax =>
                    "; move the choice into the data (Filter, Partition, a Map whose lambda branches), or read a pipeline option in a lambda",
                _ => string.Empty,
            };

            private void ParseDeconstruction(AssignmentExpressionSyntax assignment)
            {
                var designations = new List<SyntaxNode>();
                if (assignment.Left is DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax parenthesized })
                {
                    designations.AddRange(parenthesized.Variables);
                }
                else if (assignment.Left is TupleExpressionSyntax tuple)
                {
                    foreach (var argument in tuple.Arguments)
                    {
                        if (argument.Expression is DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax single })
                        {
                            designations.Add(single);
                        }
                        else
                        {
                            designations.Add(argument.Expression);
                        }
                    }
                }
                else
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, assignment.Left.GetLocation(), assignment.Left.ToString(), "deconstruct into new locals, e.g. 'var (main, errors) = ...'");
                    return;
                }

                var value = Evaluate(assignment.Right);
                if (value is null)
                {
                    foreach (var designation in designations)
                    {
                        if (_model.GetDeclaredSymbol(designation, _cancellationToken) is { } failed)
                        {
                            _failedLocals.Add(failed);
                        }
                    }

                    return;
                }

                if (value is TupleValue tupleValue)
                {
                    DeconstructTuple(assignment, designations, tupleValue);
                    return;
                }

                if (value is not MultiValue multi)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, assignment.GetLocation(), Shorten(assignment.ToString()), "only the results of ParDo, Partition and the transforms with a failure output (MapWithFailures, ...) can be deconstructed");
                    return;
                }

                if (multi.Count != designations.Count)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, assignment.Left.GetLocation(), Shorten(assignment.Left.ToString()),
                        "it deconstructs into " + designations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " locals, but the " +
                        (multi.IsPartition ? "Partition" : _transforms[multi.Node].WithFailures ? _transforms[multi.Node].Label : "ParDo") + " has " + multi.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " outputs");
                    return;
                }

                for (var i = 0; i < designations.Count; i++)
                {
                    if (designations[i] is DiscardDesignationSyntax)
                    {
                        continue;
                    }

                    if (designations[i] is not SingleVariableDesignationSyntax single)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, designations[i].GetLocation(), designations[i].ToString(), "deconstruct into new locals");
                        continue;
                    }

                    var symbol = _model.GetDeclaredSymbol(single, _cancellationToken);
                    if (symbol is not null)
                    {
                        _locals[symbol] = new CollectionValue(new PortRef(multi.Node, i));
                    }
                }
            }

            /// <summary>Locals of Define that hold a plain value (a number, a string, a duration), not a collection.</summary>
            private readonly HashSet<ISymbol> _valueLocals = new(SymbolEqualityComparer.Default);

            /// <summary>
            /// A type that cannot be part of the graph: primitives, strings, enums and the time types. A local of such a type
            /// is a value, which lambdas cannot capture (the runner has no Define to capture it from).
            /// </summary>
            private static bool IsPlainValue(ITypeSymbol type) =>
                type.SpecialType != SpecialType.None && type.SpecialType != SpecialType.System_Object ||
                type.TypeKind == TypeKind.Enum ||
                type is { Name: "TimeSpan" or "DateTime" or "DateTimeOffset" or "Guid", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

            /// <summary>Deconstructs the tuple a composite returned into new locals.</summary>
            private void DeconstructTuple(AssignmentExpressionSyntax assignment, List<SyntaxNode> designations, TupleValue tuple)
            {
                if (tuple.Items.Count != designations.Count)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, assignment.Left.GetLocation(), Shorten(assignment.Left.ToString()),
                        "it deconstructs into " + designations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " locals, but the composite returns " +
                        tuple.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return;
                }

                for (var i = 0; i < designations.Count; i++)
                {
                    if (designations[i] is SingleVariableDesignationSyntax single && _model.GetDeclaredSymbol(single, _cancellationToken) is { } symbol)
                    {
                        _locals[symbol] = tuple.Items[i];
                    }
                    else if (designations[i] is not DiscardDesignationSyntax)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, designations[i].GetLocation(), designations[i].ToString(), "deconstruct into new locals");
                    }
                }
            }

            // ----- expressions -----
            private Value? Evaluate(ExpressionSyntax expression)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                switch (expression)
                {
                    case ParenthesizedExpressionSyntax parenthesized:
                        return Evaluate(parenthesized.Expression);
                    case IdentifierNameSyntax identifier:
                        return EvaluateIdentifier(identifier);
                    case InvocationExpressionSyntax invocation:
                        return EvaluateInvocation(invocation);
                    case MemberAccessExpressionSyntax member:
                        return EvaluateMember(member);
                    case ElementAccessExpressionSyntax element:
                        return EvaluateElementAccess(element);
                    case TupleExpressionSyntax tuple when _composites.Count > 0:
                        return EvaluateTuple(tuple);
                    case ConditionalExpressionSyntax conditional:
                        Report(DiagnosticDescriptors.DynamicTopology, conditional.GetLocation(), "A conditional expression", string.Empty);
                        return null;
                    case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression):
                        Report(DiagnosticDescriptors.DynamicTopology, binary.GetLocation(), "A '??' expression", string.Empty);
                        return null;
                    default:
                        Report(DiagnosticDescriptors.UnsupportedExpression, expression.GetLocation(), Shorten(expression.ToString()),
                            "a pipeline declaration chains transform calls on the builder parameter and on locals declared in Define");
                        return null;
                }
            }

            private Value? EvaluateIdentifier(IdentifierNameSyntax identifier)
            {
                var symbol = _model.GetSymbolInfo(identifier, _cancellationToken).Symbol;
                if (symbol is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, identifier.GetLocation(), identifier.Identifier.ValueText);
                    return null;
                }

                if (SymbolEqualityComparer.Default.Equals(symbol, _builderParameter))
                {
                    return new BuilderValue();
                }

                if (_locals.TryGetValue(symbol, out var value))
                {
                    return value;
                }

                if (_failedLocals.Contains(symbol))
                {
                    return null;
                }

                if (IsOptionsParameter(symbol))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, identifier.GetLocation(), identifier.Identifier.ValueText,
                        "the pipeline options are read by lambdas (for example 'x => x > " + identifier.Identifier.ValueText + ".Threshold') and passed to composites, not transformed");
                    return null;
                }

                if (_valueLocals.Contains(symbol))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, identifier.GetLocation(), identifier.Identifier.ValueText,
                        "the local holds a value, not a collection; transforms apply to the builder parameter and to collections");
                    return null;
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, identifier.GetLocation(), identifier.Identifier.ValueText,
                    symbol is ILocalSymbol
                        ? "the local was not initialized from a transform in this declaration"
                        : "only the builder parameter and locals declared in Define can be used; fields, properties and helper members that hold transforms are not supported");
                return null;
            }

            private Value? EvaluateMember(MemberAccessExpressionSyntax member)
            {
                if (_model.GetSymbolInfo(member, _cancellationToken).Symbol is null)
                {
                    // Mid-typing ("p." or "numbers.Ma"): the compiler reports the error; say only that we wait for it.
                    Report(DiagnosticDescriptors.Unresolved, member.GetLocation(), Shorten(member.ToString()));
                    return null;
                }

                var receiver = Evaluate(member.Expression);
                if (receiver is null)
                {
                    return null;
                }

                if (receiver is MultiValue { IsPartition: false } multi)
                {
                    var name = member.Name.Identifier.ValueText;
                    var port = name switch
                    {
                        "Main" or "Output" => 0,
                        "Output2" or "Failures" => 1,
                        "Output3" => 2,
                        _ => -1,
                    };
                    if (port >= 0 && port < multi.Count)
                    {
                        return new CollectionValue(new PortRef(multi.Node, port));
                    }
                }

                if (receiver is TupleValue tuple &&
                    _model.GetSymbolInfo(member, _cancellationToken).Symbol is IFieldSymbol { ContainingType.IsTupleType: true } element)
                {
                    // By name (Valid) or by position (Item1): both map to the same underlying ItemN field.
                    var field = element.CorrespondingTupleField ?? element;
                    var elements = element.ContainingType.TupleElements;
                    var index = -1;
                    for (var i = 0; i < elements.Length; i++)
                    {
                        if (SymbolEqualityComparer.Default.Equals(elements[i].CorrespondingTupleField ?? elements[i], field))
                        {
                            index = i;
                        }
                    }

                    if (index >= 0 && index < tuple.Items.Count)
                    {
                        return tuple.Items[index];
                    }
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, member.GetLocation(), Shorten(member.ToString()), "this member is not part of the declaration API");
                return null;
            }

            private Value? EvaluateElementAccess(ElementAccessExpressionSyntax element)
            {
                var receiver = Evaluate(element.Expression);
                if (receiver is null)
                {
                    return null;
                }

                if (receiver is not MultiValue { IsPartition: true } multi || element.ArgumentList.Arguments.Count != 1)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, element.GetLocation(), Shorten(element.ToString()), "only a Partition result can be indexed");
                    return null;
                }

                // The index as the indexer's int parameter sees it (a (short)1 or a const long converted to int).
                var constant = _model.GetOperation(element.ArgumentList.Arguments[0], _cancellationToken) is Microsoft.CodeAnalysis.Operations.IArgumentOperation indexArgument
                    ? ConstantOf(indexArgument.Value)
                    : _model.GetConstantValue(element.ArgumentList.Arguments[0].Expression, _cancellationToken);
                if (!constant.HasValue || constant.Value is not int index)
                {
                    Report(DiagnosticDescriptors.DynamicTopology, element.ArgumentList.Arguments[0].GetLocation(), "A partition index that is not a constant", string.Empty);
                    return null;
                }

                if (index < 0 || index >= multi.Count)
                {
                    Report(DiagnosticDescriptors.PartitionIndex, element.ArgumentList.Arguments[0].GetLocation(),
                        index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        multi.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return null;
                }

                return new CollectionValue(new PortRef(multi.Node, index));
            }
        }
    }
}
