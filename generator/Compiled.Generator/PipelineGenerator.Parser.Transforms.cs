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
                if (!isApi && CompositeDeclaration(method) is { } composite)
                {
                    return InlineComposite(invocation, method, composite);
                }

                if (!isApi || invocation.Expression is not MemberAccessExpressionSyntax access)
                {
                    ReportUnlessCompilerDid(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                        "a helper that applies transforms must be a composite: a static, non-generic method of this compilation, with a body, that takes collections (and values) and returns a collection, a tuple of them or nothing");
                    return null;
                }

                // Every argument is read by the parameter it is bound to, so named arguments may come in any order. An
                // extension method called in its static form (KeyedTransforms.GroupByKey(x)) has its input bound to
                // the 'this' parameter, wherever it is written.
                var call = Bind(invocation);
                if (call is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), Shorten(invocation.Expression.ToString()));
                    return null;
                }

                var receiverExpression = call.ReceiverExpression;
                if (receiverExpression is null)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()), "missing input");
                    return null;
                }

                var receiver = Evaluate(receiverExpression);
                if (receiver is null)
                {
                    return null;
                }

                return Apply(invocation, access.Name.Identifier, method, receiver, call);
            }

            private Value? Apply(InvocationExpressionSyntax invocation, SyntaxToken nameToken, IMethodSymbol method, Value receiver, BoundCall call)
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
                        case "ReadUtf8Lines":
                            {
                                var inputName = ReadName(call["name"], invocation, _inputNames, "input");
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
                                    name is "ReadLines" or "ReadUtf8Lines" ? TransformKind.ReadLinesInput : TransformKind.CreateInput,
                                    Array.Empty<PortRef>(), string.Empty, new[] { Fq(elementType) },
                                    name + " '" + Names.ForLabel(inputName) + "' (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")",
                                    inputName: inputName);
                                if (name != "Unbounded" || call["timestamps"] is not { } timestamps)
                                {
                                    return Collection(inputId);
                                }

                                // A source with its own timestamps and watermark: the timestamp assigner runs first in the
                                // input's loop and tracks the latest timestamp; the input's watermark trails it.
                                var timestampFn = ParseFunction(timestamps.Expression, invocation, "Unbounded");
                                if (timestampFn is null)
                                {
                                    return null;
                                }

                                long delay = 0, idleness = 0;
                                foreach (var (parameter, what) in new[] { ("maxOutOfOrderness", "the maximum out-of-orderness"), ("idleness", "the idleness") })
                                {
                                    var argument = call[parameter];
                                    if (argument is null)
                                    {
                                        ReportDuration(invocation);
                                        return null;
                                    }

                                    if (!TryEvaluateDuration(argument, out var ms))
                                    {
                                        return null;
                                    }

                                    if (ms < 0)
                                    {
                                        Report(DiagnosticDescriptors.UnsupportedExpression, argument.Location, Shorten(argument.Text), what + " must not be negative");
                                        return null;
                                    }

                                    if (parameter == "idleness")
                                    {
                                        idleness = ms;
                                    }
                                    else
                                    {
                                        delay = ms;
                                    }
                                }

                                _transforms[inputId] = _transforms[inputId] with { MaxOutOfOrdernessMs = delay, IdlenessMs = idleness };
                                var assigner = AddTransform(TransformKind.WithTimestamps, new[] { new PortRef(inputId, 0) }, Fq(elementType), new[] { Fq(elementType) },
                                    "WithTimestamps of '" + Names.ForLabel(inputName) + "' (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", function: timestampFn);
                                _transforms[assigner] = _transforms[assigner] with { TracksInput = inputName };
                                return Collection(assigner);
                            }

                        case "Sql":
                            return ApplySql(invocation, method, call, line);

                        case "Flatten":
                            {
                                var inputs = new List<PortRef>();
                                var inputsArgument = call["inputs"];
                                if (inputsArgument is { IsExplicit: true, Elements.IsDefault: true })
                                {
                                    Report(DiagnosticDescriptors.UnsupportedExpression, inputsArgument.Location, Shorten(inputsArgument.Text), "list the collections to flatten in the call, as arguments or in an array created there");
                                    return null;
                                }

                                foreach (var arg in inputsArgument is null || inputsArgument.Elements.IsDefault ? System.Collections.Immutable.ImmutableArray<ExpressionSyntax>.Empty : inputsArgument.Elements)
                                {
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
                if (name == "ParDo" && IsStatefulParDo(method))
                {
                    return ApplyStatefulParDo(invocation, method, input, call, label, location);
                }

                switch (name)
                {
                    case "MapWithFailures":
                    case "FilterWithFailures":
                    case "FlatMapWithFailures":
                        {
                            // Beam's exceptionsInto: port 0 the results, port 1 the elements the function threw on.
                            var fn = ParseFunction(FunctionArgument(call), invocation, name);
                            if (fn is null)
                            {
                                return null;
                            }

                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null || outputs.Length != 2)
                            {
                                return Unresolved(invocation);
                            }

                            var kind = name switch
                            {
                                "MapWithFailures" => TransformKind.Map,
                                "FilterWithFailures" => TransformKind.Filter,
                                _ => TransformKind.FlatMap,
                            };
                            var id = AddTransform(kind, new[] { input.Port }, inputType, new[] { outputs[0], "global::Compiled.Failure<" + inputType + ">" }, label, function: fn);
                            _transforms[id] = _transforms[id] with { WithFailures = true };
                            return new MultiValue(id, 2, false);
                        }

                    case "Map":
                    case "Filter":
                    case "FlatMap":
                    case "WithKeys":
                    case "ParDo":
                        {
                            PortRef? side = null;
                            if (call["side"] is { } sideArgument)
                            {
                                if (sideArgument.Expression is null)
                                {
                                    return Unresolved(invocation);
                                }

                                if (Evaluate(sideArgument.Expression) is not ViewValue view)
                                {
                                    return null;
                                }

                                side = view.Port;
                            }

                            var fn = ParseFunction(FunctionArgument(call), invocation, name);
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
                                if (call["allowedTimestampSkew"] is { IsExplicit: true } skewArgument)
                                {
                                    if (!TryEvaluateDuration(skewArgument, out skew))
                                    {
                                        return null;
                                    }

                                    if (skew < 0)
                                    {
                                        Report(DiagnosticDescriptors.UnsupportedExpression, skewArgument.Location, Shorten(skewArgument.Text), "the allowed timestamp skew must not be negative");
                                        return null;
                                    }
                                }
                            }

                            var id = AddTransform(kind, new[] { input.Port }, inputType, outputs, label, function: fn, side: side);
                            if (skew != 0)
                            {
                                _transforms[id] = _transforms[id] with { AllowedSkewMs = skew };
                            }

                            if (TakesElementContext(method))
                            {
                                _transforms[id] = _transforms[id] with { ReadsContext = true };
                            }

                            return outputs.Length > 1 || method.ReturnType.OriginalDefinition.Equals(_parDo2, SymbolEqualityComparer.Default) || method.ReturnType.OriginalDefinition.Equals(_parDo3, SymbolEqualityComparer.Default)
                                ? new MultiValue(id, outputs.Length, false)
                                : Collection(id);
                        }

                    case "WithTimestamps":
                        {
                            var fn = ParseFunction(FunctionArgument(call), invocation, name);
                            if (fn is null)
                            {
                                return null;
                            }

                            return Collection(AddTransform(TransformKind.WithTimestamps, new[] { input.Port }, inputType, new[] { inputType }, label, function: fn));
                        }

                    case "Window":
                        {
                            var windowing = ParseWindowing(call["windowing"]?.Expression, invocation);
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
                            // Each partition is a branch of the graph and of the generated code: the count is a small constant.
                            var countArgument = call["count"];
                            if (countArgument is null || countArgument.WrittenType?.SpecialType == SpecialType.System_Char ||
                                countArgument.Constant is not { HasValue: true, Value: int n } || n <= 0 || n > MaxPartitions)
                            {
                                Report(DiagnosticDescriptors.InvalidPartitionCount, countArgument?.Location ?? invocation.GetLocation(), Shorten(countArgument?.Expression?.ToString() ?? string.Empty),
                                    MaxPartitions.ToString(System.Globalization.CultureInfo.InvariantCulture));
                                return null;
                            }

                            var fn = ParseFunction(FunctionArgument(call), invocation, name);
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
                            var combine = ParseCombineFn(call["fn"], method, invocation);
                            if (combine is null)
                            {
                                return null;
                            }

                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            if (call["side"] is { } combineSide)
                            {
                                if (combineSide.Expression is null)
                                {
                                    return Unresolved(invocation);
                                }

                                if (Evaluate(combineSide.Expression) is not ViewValue combineView)
                                {
                                    return null;
                                }

                                return CombineWithContext(name, input.Port, inputType, outputs, combine, combineView.Port, call, invocation, line, label);
                            }

                            var kind = name == "CombineGlobally" ? TransformKind.CombineGlobally : name == "CombinePerKey" ? TransformKind.CombinePerKey : TransformKind.CombineValues;
                            var combineId = AddTransform(kind, new[] { input.Port }, inputType, outputs, label, combine: combine);
                            return AttachLateData(combineId, call, invocation, line) ? Collection(combineId) : null;
                        }

                    case "CoGroupByKey":
                        {
                            var inputs = new List<PortRef> { input.Port };
                            foreach (var parameter in new[] { "other", "third" })
                            {
                                if (call[parameter] is not { } otherArgument)
                                {
                                    continue;
                                }

                                if (otherArgument.Expression is null || Evaluate(otherArgument.Expression) is not CollectionValue other)
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
                            var outputName = ReadName(call["name"], invocation, _outputNames, "output");
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
                                "Output '" + Names.ForLabel(outputName) + "' (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", outputName: outputName);
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
                            string? defaultValue = null;
                            if (call["defaultValue"] is { IsExplicit: true } defaultArgument)
                            {
                                // Beam's withDefaultValue: read at build time, written into the runner as a constant.
                                if (defaultArgument.Constant is not { HasValue: true } constant)
                                {
                                    Report(DiagnosticDescriptors.UnsupportedExpression, defaultArgument.Location, Shorten(defaultArgument.Text),
                                        "a singleton view's default value must be a constant (a literal, a const or a static readonly field)");
                                    return null;
                                }

                                defaultValue = "(" + inputType + ")" + Literal(constant.Value);
                            }

                            var view = AddTransform(kind, new[] { input.Port }, inputType, outputs, label);
                            if (defaultValue is not null)
                            {
                                _transforms[view] = _transforms[view] with { ViewDefault = defaultValue };
                            }

                            return new ViewValue(new PortRef(view, 0));
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
                            return AttachLateData(groupingId, call, invocation, line) ? Collection(groupingId) : null;
                        }
                }

                return UnknownMember(invocation, name);
            }

            /// <summary>
            /// A combine whose function reads a side input, expanded as Beam expands it: CombineValues reads the view, after a
            /// GroupByKey (CombinePerKey), or after keying every element with the one GlobalKey and grouping (CombineGlobally,
            /// whose Values then drop the key). The planner does not lift such a grouping: each pane's values are combined with
            /// the side input of the pane's window, which is known only once the window is.
            /// </summary>
            private Value? CombineWithContext(string name, PortRef input, string inputType, string[] outputs, CombineFnSpec combine, PortRef view,
                BoundCall call, InvocationExpressionSyntax invocation, int line, string label)
            {
                const string List = "global::System.Collections.Generic.IReadOnlyList<";

                // Every transform of the expansion is reported at the call's name (a reader's diagnostic is the CombineValues').
                var first = _transforms.Count;
                var location = _transformLocations[first];
                int At(int id)
                {
                    _transformLocations[id] = location;
                    return id;
                }

                if (name == "CombineValues")
                {
                    return Collection(AddTransform(TransformKind.CombineValues, new[] { input }, inputType, outputs, label, combine: combine, side: view));
                }

                var keyed = input;
                var keyedType = inputType;
                string? globalOutput = null;
                if (name == "CombineGlobally")
                {
                    const string Key = "global::Compiled.Execution.GlobalKey";
                    keyedType = "global::Compiled.KV<" + Key + ", " + inputType + ">";
                    var keyFn = new FunctionSpec
                    {
                        Parameters = new[] { new ParameterSpec("arg0", inputType, null) }.ToEquatableArray(),
                        ReturnType = Key,
                        MethodGroup = Key + ".Of",
                    };
                    keyed = new PortRef(At(AddTransform(TransformKind.WithKeys, new[] { input }, inputType, new[] { keyedType }, label + ", keyed by the one global key", function: keyFn)), 0);
                    globalOutput = outputs[0];
                    outputs = new[] { "global::Compiled.KV<" + Key + ", " + outputs[0] + ">" };
                }

                if (!TrySplitKv(keyedType, out var keyType, out var valueType))
                {
                    return Unresolved(invocation);
                }

                var groupedType = "global::Compiled.KV<" + keyType + ", " + List + valueType + ">>";
                var grouping = At(AddTransform(TransformKind.GroupByKey, new[] { keyed }, keyedType, new[] { groupedType }, label + ", grouped"));
                if (globalOutput is not null && call["lateData"] is { IsExplicit: true } lateData && lateData.Constant is not { HasValue: true, Value: null })
                {
                    // The late elements of a global combine are the user's elements, as CombineGlobally's are: without the key.
                    var outputName = ReadName(lateData, invocation, _outputNames, "output");
                    if (outputName is null)
                    {
                        return null;
                    }

                    _transforms[grouping] = _transforms[grouping] with { OutputTypes = new[] { groupedType, keyedType }.ToEquatableArray() };
                    var lateValues = At(AddTransform(TransformKind.Values, new[] { new PortRef(grouping, 1) }, keyedType, new[] { inputType }, label + ", late data's values"));
                    AddTransform(TransformKind.Output, new[] { new PortRef(lateValues, 0) }, inputType, Array.Empty<string>(),
                        "Output '" + Names.ForLabel(outputName) + "' (late data of #" + grouping.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", line " +
                        line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", outputName: outputName);
                }
                else if (!AttachLateData(grouping, call, invocation, line))
                {
                    return null;
                }

                var combined = At(AddTransform(TransformKind.CombineValues, new[] { new PortRef(grouping, 0) }, groupedType, outputs, label + ", combined with side input", combine: combine, side: view));
                return globalOutput is null
                    ? Collection(combined)
                    : Collection(At(AddTransform(TransformKind.Values, new[] { new PortRef(combined, 0) }, outputs[0], new[] { globalOutput }, label + ", values")));
            }

            /// <summary>The most partitions a Partition may declare: each is a branch of the graph and of the generated code.</summary>
            internal const int MaxPartitions = 256;

            /// <summary>
            /// The overload called is a context overload: its function's delegate, as declared, takes an ElementContext
            /// (an element type that happens to be ElementContext is a type argument there, not the declared type).
            /// </summary>
            private bool TakesElementContext(IMethodSymbol method) =>
                _elementContext is not null &&
                method.OriginalDefinition.Parameters.FirstOrDefault(p => p.Name == "fn")?.Type is INamedTypeSymbol { DelegateInvokeMethod: { } invoke } &&
                invoke.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, _elementContext));

            /// <summary>A transform's user function: the argument bound to its delegate parameter, whatever its position.</summary>
            private static ExpressionSyntax? FunctionArgument(BoundCall call) =>
                (call["fn"] ?? call["predicate"] ?? call["keyFn"] ?? call["timestampFn"] ?? call["partitionFn"])?.Expression;

            /// <summary>
            /// A grouping's late-data output (its lateData argument): the grouping gets a second port carrying the
            /// elements it drops as late, and an Output transform on that port.
            /// </summary>
            private bool AttachLateData(int id, BoundCall call, InvocationExpressionSyntax invocation, int line)
            {
                if (call["withoutDefaults"] is { IsExplicit: true } defaults)
                {
                    if (defaults.Constant is not { HasValue: true, Value: bool without })
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, defaults.Location, Shorten(defaults.Text), "withoutDefaults must be a constant (true or false)");
                        return false;
                    }

                    _transforms[id] = _transforms[id] with { WithoutDefaults = without };
                }

                if (call["lateData"] is not { IsExplicit: true } lateData || lateData.Constant is { HasValue: true, Value: null })
                {
                    return true;
                }

                var outputName = ReadName(lateData, invocation, _outputNames, "output");
                if (outputName is null)
                {
                    return false;
                }

                var grouping = _transforms[id];
                _transforms[id] = grouping with { OutputTypes = grouping.OutputTypes.Concat(new[] { grouping.InputType }).ToEquatableArray() };
                AddTransform(TransformKind.Output, new[] { new PortRef(id, 1) }, grouping.InputType, Array.Empty<string>(),
                    "Output '" + Names.ForLabel(outputName) + "' (late data of #" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", outputName: outputName);
                return true;
            }
        }
    }
}
