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
            private Value? EvaluateInvocation(InvocationExpressionSyntax invocation)
            {
                var symbolInfo = _model.GetSymbolInfo(invocation, _cancellationToken);
                var method = symbolInfo.Symbol as IMethodSymbol;
                if (method is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), Shorten(invocation.Expression.ToString()));
                    return null;
                }

                var definitionType = (method.ReducedFrom ?? method).ContainingType?.OriginalDefinition;
                var isApi = SymbolEqualityComparer.Default.Equals(definitionType, _pcollection) ||
                            SymbolEqualityComparer.Default.Equals(definitionType, _builder) ||
                            SymbolEqualityComparer.Default.Equals(definitionType, _keyed);
                if (!isApi || invocation.Expression is not MemberAccessExpressionSyntax access)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                        "helper methods that build transforms are not supported; apply the transforms directly in Define");
                    return null;
                }

                // A static call such as KeyedTransforms.GroupByKey(x) has its input as the first argument.
                Value? receiver;
                var arguments = invocation.ArgumentList.Arguments.Select(a => a.Expression).ToList();
                if (method.ReducedFrom is null && method.IsStatic)
                {
                    if (arguments.Count == 0)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()), "missing input");
                        return null;
                    }

                    receiver = Evaluate(arguments[0]);
                    arguments.RemoveAt(0);
                    method = method.ReduceExtensionMethod(method.Parameters[0].Type) ?? method;
                }
                else
                {
                    receiver = Evaluate(access.Expression);
                }

                if (receiver is null)
                {
                    return null;
                }

                var argumentsByParameter = MapArguments(invocation, method, arguments);
                if (argumentsByParameter is null)
                {
                    return null;
                }

                return Apply(invocation, access.Name.Identifier, method, receiver, argumentsByParameter);
            }

            private List<ExpressionSyntax>? MapArguments(InvocationExpressionSyntax invocation, IMethodSymbol method, List<ExpressionSyntax> positional)
            {
                // Named arguments are matched by name; the rest by position. `params` collects the tail.
                var result = new List<ExpressionSyntax>();
                var offset = invocation.ArgumentList.Arguments.Count - positional.Count;
                for (var i = 0; i < positional.Count; i++)
                {
                    var syntax = invocation.ArgumentList.Arguments[i + offset];
                    if (syntax.NameColon is not null)
                    {
                        var index = method.Parameters.IndexOf(method.Parameters.FirstOrDefault(p => p.Name == syntax.NameColon.Name.Identifier.ValueText)!);
                        if (index < 0)
                        {
                            Report(DiagnosticDescriptors.Unresolved, syntax.GetLocation(), syntax.ToString());
                            return null;
                        }

                        while (result.Count <= index)
                        {
                            result.Add(null!);
                        }

                        result[index] = positional[i];
                    }
                    else
                    {
                        result.Add(positional[i]);
                    }
                }

                return result;
            }

            private Value? Apply(InvocationExpressionSyntax invocation, SyntaxToken nameToken, IMethodSymbol method, Value receiver, List<ExpressionSyntax> args)
            {
                var name = method.Name;
                var line = nameToken.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                var label = name + " (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
                var location = nameToken.GetLocation();
                _transformLocations[_transforms.Count] = location;
                _currentLine = line;

                if (receiver is BuilderValue)
                {
                    switch (name)
                    {
                        case "Create":
                        case "Unbounded":
                        case "ReadLines":
                            {
                                var inputName = ReadName(args.ElementAtOrDefault(0), invocation, _inputNames, "input");
                                if (inputName is null)
                                {
                                    return null;
                                }

                                var elementType = ElementType(method.ReturnType);
                                if (elementType is null)
                                {
                                    return Unresolved(invocation);
                                }

                                if (!CheckPublicSurface(elementType, invocation))
                                {
                                    return null;
                                }

                                var inputId = AddTransform(
                                    name == "ReadLines" ? TransformKind.ReadLinesInput : TransformKind.CreateInput,
                                    Array.Empty<PortRef>(), string.Empty, new[] { Fq(elementType) },
                                    name + " '" + Names.Display(inputName) + "' (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")",
                                    inputName: inputName);
                                if (name != "Unbounded" || args.Count < 3)
                                {
                                    return Collection(inputId);
                                }

                                // A source with its own timestamps and watermark: the timestamp assigner runs first in the
                                // input's loop and tracks the latest timestamp; the input's watermark trails it.
                                var argumentList = invocation.ArgumentList.Arguments;
                                ExpressionSyntax? Named(string parameter, int position) =>
                                    argumentList.FirstOrDefault(a => a.NameColon?.Name.Identifier.Text == parameter)?.Expression
                                    ?? (argumentList.Count > position && argumentList[position].NameColon is null ? argumentList[position].Expression : null);
                                var timestampFn = ParseFunction(Named("timestamps", 1), invocation, "Unbounded");
                                if (timestampFn is null)
                                {
                                    return null;
                                }

                                long idleness = 0;
                                var delayArg = Named("maxOutOfOrderness", 2);
                                var idleArg = Named("idleness", 3);
                                if (delayArg is null || !TryEvaluateDuration(delayArg, out var delay) || delay < 0)
                                {
                                    ReportDuration(delayArg ?? (SyntaxNode)invocation);
                                    return null;
                                }

                                if (idleArg is not null && (!TryEvaluateDuration(idleArg, out idleness) || idleness < 0))
                                {
                                    ReportDuration(idleArg);
                                    return null;
                                }

                                _transforms[inputId] = _transforms[inputId] with { MaxOutOfOrdernessMs = delay, IdlenessMs = idleness };
                                var assigner = AddTransform(TransformKind.WithTimestamps, new[] { new PortRef(inputId, 0) }, Fq(elementType), new[] { Fq(elementType) },
                                    "WithTimestamps of '" + Names.Display(inputName) + "' (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", function: timestampFn);
                                _transforms[assigner] = _transforms[assigner] with { TracksInput = inputName };
                                return Collection(assigner);
                            }

                        case "Flatten":
                            {
                                var inputs = new List<PortRef>();
                                foreach (var arg in args)
                                {
                                    if (arg is null)
                                    {
                                        continue;
                                    }

                                    if (Evaluate(arg) is not CollectionValue collection)
                                    {
                                        return null;
                                    }

                                    inputs.Add(collection.Port);
                                }

                                if (inputs.Count == 0)
                                {
                                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()), "Flatten needs at least one input collection, listed as arguments");
                                    return null;
                                }

                                var elementType = ElementType(method.ReturnType);
                                if (elementType is null)
                                {
                                    return Unresolved(invocation);
                                }

                                var t = Fq(elementType);
                                return Collection(AddTransform(TransformKind.Flatten, inputs, t, new[] { t }, label));
                            }
                    }

                    return UnknownMember(invocation, name);
                }

                if (receiver is not CollectionValue input)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()), "transforms apply to collections");
                    return null;
                }

                var inputType = ElementTypeOfPort(input.Port);
                switch (name)
                {
                    case "Map":
                    case "Filter":
                    case "FlatMap":
                    case "WithKeys":
                    case "ParDo":
                        {
                            PortRef? side = null;
                            var fnArg = args.ElementAtOrDefault(0);
                            if (method.Parameters.Length == 2 && method.Parameters[0].Name == "side")
                            {
                                if (args.Count < 2 || args[0] is null)
                                {
                                    return Unresolved(invocation);
                                }

                                if (Evaluate(args[0]) is not ViewValue view)
                                {
                                    return null;
                                }

                                side = view.Port;
                                fnArg = args.ElementAtOrDefault(1);
                            }

                            var fn = ParseFunction(fnArg, invocation, name);
                            if (fn is null)
                            {
                                return null;
                            }

                            var kind = name switch
                            {
                                "Map" => TransformKind.Map,
                                "Filter" => TransformKind.Filter,
                                "FlatMap" => TransformKind.FlatMap,
                                "WithKeys" => TransformKind.WithKeys,
                                _ => TransformKind.ParDo,
                            };
                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            long skew = 0;
                            if (kind == TransformKind.ParDo)
                            {
                                // The allowed timestamp skew: the argument bound to 'allowedTimestampSkew', named or second.
                                var skewArg = invocation.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.Text == "allowedTimestampSkew")
                                    ?? (invocation.ArgumentList.Arguments.Count > 1 && invocation.ArgumentList.Arguments[1].NameColon is null ? invocation.ArgumentList.Arguments[1] : null);
                                if (skewArg is not null && (!TryEvaluateDuration(skewArg.Expression, out skew) || skew < 0))
                                {
                                    ReportDuration(skewArg);
                                    return null;
                                }
                            }

                            var id = AddTransform(kind, new[] { input.Port }, inputType, outputs, label, function: fn, side: side);
                            if (skew != 0)
                            {
                                _transforms[id] = _transforms[id] with { AllowedSkewMs = skew };
                            }

                            return outputs.Length > 1 || method.ReturnType.OriginalDefinition.Equals(_parDo2, SymbolEqualityComparer.Default) || method.ReturnType.OriginalDefinition.Equals(_parDo3, SymbolEqualityComparer.Default)
                                ? new MultiValue(id, outputs.Length, false)
                                : Collection(id);
                        }

                    case "WithTimestamps":
                        {
                            var fn = ParseFunction(args.ElementAtOrDefault(0), invocation, name);
                            if (fn is null)
                            {
                                return null;
                            }

                            return Collection(AddTransform(TransformKind.WithTimestamps, new[] { input.Port }, inputType, new[] { inputType }, label, function: fn));
                        }

                    case "Window":
                        {
                            var windowing = ParseWindowing(args.ElementAtOrDefault(0), invocation);
                            if (windowing is null)
                            {
                                return null;
                            }

                            var spec = windowing.IsDefaultGlobal ? null : windowing;
                            return Collection(AddTransform(TransformKind.Window, new[] { input.Port }, inputType, new[] { inputType },
                                "Window " + (spec?.Describe() ?? "global") + " (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", windowing: spec));
                        }

                    case "Partition":
                        {
                            var count = _model.GetConstantValue(args.ElementAtOrDefault(0) ?? invocation, _cancellationToken);
                            if (!count.HasValue || count.Value is not int n || n <= 0)
                            {
                                Report(DiagnosticDescriptors.InvalidPartitionCount, (args.ElementAtOrDefault(0) ?? (SyntaxNode)invocation).GetLocation(), args.ElementAtOrDefault(0)?.ToString() ?? string.Empty);
                                return null;
                            }

                            var fn = ParseFunction(args.ElementAtOrDefault(1), invocation, name);
                            if (fn is null)
                            {
                                return null;
                            }

                            var outputs = Enumerable.Repeat(inputType, n).ToArray();
                            var id = AddTransform(TransformKind.Partition, new[] { input.Port }, inputType, outputs, label, function: fn, partitions: n);
                            return new MultiValue(id, n, true);
                        }

                    case "CombineGlobally":
                    case "CombinePerKey":
                    case "CombineValues":
                        {
                            var combine = ParseCombineFn(args.ElementAtOrDefault(0), method, invocation);
                            if (combine is null)
                            {
                                return null;
                            }

                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            var kind = name == "CombineGlobally" ? TransformKind.CombineGlobally : name == "CombinePerKey" ? TransformKind.CombinePerKey : TransformKind.CombineValues;
                            var combineId = AddTransform(kind, new[] { input.Port }, inputType, outputs, label, combine: combine);
                            return AttachLateData(combineId, invocation, line) ? Collection(combineId) : null;
                        }

                    case "CoGroupByKey":
                        {
                            var inputs = new List<PortRef> { input.Port };
                            foreach (var arg in args)
                            {
                                if (arg is null || Evaluate(arg) is not CollectionValue other)
                                {
                                    return null;
                                }

                                inputs.Add(other.Port);
                            }

                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            return Collection(AddTransform(TransformKind.CoGroupByKey, inputs, inputType, outputs, label));
                        }

                    case "Output":
                        {
                            var outputName = ReadName(args.ElementAtOrDefault(0), invocation, _outputNames, "output");
                            if (outputName is null)
                            {
                                return null;
                            }

                            if (method.ContainingType is { TypeArguments.Length: 1 } collectionType &&
                                !CheckPublicSurface(collectionType.TypeArguments[0], invocation))
                            {
                                return null;
                            }

                            AddTransform(TransformKind.Output, new[] { input.Port }, inputType, Array.Empty<string>(),
                                "Output '" + Names.Display(outputName) + "' (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", outputName: outputName);
                            return new VoidValue();
                        }

                    case "AsSingleton":
                    case "AsList":
                    case "AsDictionary":
                        {
                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            var kind = name == "AsSingleton" ? TransformKind.AsSingleton : name == "AsList" ? TransformKind.AsList : TransformKind.AsDictionary;
                            return new ViewValue(new PortRef(AddTransform(kind, new[] { input.Port }, inputType, outputs, label), 0));
                        }

                    case "Keys":
                    case "Values":
                    case "KvSwap":
                    case "GroupByKey":
                    case "Count":
                    case "CountPerElement":
                    case "CountPerKey":
                    case "Distinct":
                        {
                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            var kind = (TransformKind)Enum.Parse(typeof(TransformKind), name);
                            var groupingId = AddTransform(kind, new[] { input.Port }, inputType, outputs, label);
                            return AttachLateData(groupingId, invocation, line) ? Collection(groupingId) : null;
                        }
                }

                return UnknownMember(invocation, name);
            }

            /// <summary>
            /// A grouping's late-data output (its lateData argument): the grouping gets a second port carrying the
            /// elements it drops as late, and an Output transform on that port.
            /// </summary>
            private bool AttachLateData(int id, InvocationExpressionSyntax invocation, int line)
            {
                if (_model.GetOperation(invocation, _cancellationToken) is not Microsoft.CodeAnalysis.Operations.IInvocationOperation operation)
                {
                    return true;
                }

                var defaults = operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "withoutDefaults" && a.ArgumentKind == Microsoft.CodeAnalysis.Operations.ArgumentKind.Explicit);
                if (defaults?.Syntax is ArgumentSyntax defaultsSyntax)
                {
                    if (_model.GetConstantValue(defaultsSyntax.Expression, _cancellationToken) is not { HasValue: true, Value: bool without })
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, defaultsSyntax.GetLocation(), Shorten(defaultsSyntax.ToString()), "withoutDefaults must be a constant (true or false)");
                        return false;
                    }

                    _transforms[id] = _transforms[id] with { WithoutDefaults = without };
                }

                var argument = operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "lateData" && a.ArgumentKind == Microsoft.CodeAnalysis.Operations.ArgumentKind.Explicit);
                if (argument?.Syntax is not ArgumentSyntax syntax)
                {
                    return true;
                }

                if (_model.GetConstantValue(syntax.Expression, _cancellationToken) is { HasValue: true, Value: null })
                {
                    return true;
                }

                var outputName = ReadName(syntax.Expression, invocation, _outputNames, "output");
                if (outputName is null)
                {
                    return false;
                }

                var grouping = _transforms[id];
                _transforms[id] = grouping with { OutputTypes = grouping.OutputTypes.Concat(new[] { grouping.InputType }).ToEquatableArray() };
                AddTransform(TransformKind.Output, new[] { new PortRef(id, 1) }, grouping.InputType, Array.Empty<string>(),
                    "Output '" + Names.Display(outputName) + "' (late data of #" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", outputName: outputName);
                return true;
            }
        }
    }
}
