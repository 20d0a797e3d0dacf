using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Parser
    {
        private sealed partial class Session
        {
            // ----- stateful ParDo: state cells and timers per key and window -----

            /// <summary>The runtime's cell types, by metadata name, and what each is.</summary>
            private static readonly Dictionary<string, StateCellKind> CellKinds = new(StringComparer.Ordinal)
            {
                ["ValueState`1"] = StateCellKind.Value,
                ["BagState`1"] = StateCellKind.Bag,
                ["CombiningState`4"] = StateCellKind.Combining,
                ["MapState`2"] = StateCellKind.Map,
                ["SetState`1"] = StateCellKind.Set,
                ["OrderedListState`1"] = StateCellKind.OrderedList,
                ["EventTimeTimer"] = StateCellKind.EventTimer,
                ["ProcessingTimeTimer"] = StateCellKind.ProcessingTimer,
                ["EventTimeTimerMap"] = StateCellKind.EventTimerMap,
                ["ProcessingTimeTimerMap"] = StateCellKind.ProcessingTimerMap,
            };

            /// <summary>
            /// A ParDo whose function takes a state struct by reference: KeyedTransforms.ParDo (keyed), or the overload on
            /// unkeyed collections that exists only to say that state needs a key.
            /// </summary>
            private bool IsStatefulParDo(IMethodSymbol method)
            {
                var definition = method.ReducedFrom ?? method;
                return definition.Parameters.Any(p => p.Type is INamedTypeSymbol { Name: "StatefulDoFn" or "StatefulDoFnWithSideInput" or "UnkeyedStatefulDoFn" } d &&
                                                      d.ContainingNamespace?.ToDisplayString() == "Compiled");
            }

            private Value? ApplyStatefulParDo(InvocationExpressionSyntax invocation, IMethodSymbol method, CollectionValue input, BoundCall call, string label, Location location)
            {
                var inputType = ElementTypeOfPort(input.Port);
                var process = call["processElement"];
                if (process?.Parameter.Type is not INamedTypeSymbol { TypeArguments.Length: > 0 } fnType || fnType.Name == "UnkeyedStatefulDoFn" || !TrySplitKv(inputType, out var keyType, out _))
                {
                    // The compiler reports the unkeyed overload (it is obsolete with an error); this is for what it misses.
                    ReportUnlessCompilerDid(DiagnosticDescriptors.StateOnUnkeyedInput, location, label, inputType.Replace("global::", string.Empty));
                    return null;
                }

                // StatefulDoFn<TKey, TValue, TState, TOut...>, or StatefulDoFnWithSideInput<TKey, TValue, TSide, TState, TOut...>.
                var readsSide = fnType.Name == "StatefulDoFnWithSideInput";
                var stateSymbol = fnType.TypeArguments[readsSide ? 3 : 2];
                var outputTypes = fnType.TypeArguments.Skip(readsSide ? 4 : 3).ToList(); // the main output, then the tagged ones
                if (stateSymbol.TypeKind == TypeKind.Error || outputTypes.Any(o => o.TypeKind == TypeKind.Error))
                {
                    return Unresolved(invocation);
                }

                var stateType = Fq(stateSymbol);
                var producer = _transforms[input.Port.Node];
                var windowing = Downstream(producer);
                var cells = ReadStateCells(stateSymbol, location);
                if (cells is null)
                {
                    return null;
                }

                if (windowing is { IsMerging: true })
                {
                    var why = "windows " + windowing.Describe();
                    var reported = false;
                    foreach (var (cell, at) in cells.Where(c => !c.Cell.Kind.IsMergeable()))
                    {
                        Report(DiagnosticDescriptors.StateNotMergeable, at ?? location, cell.Name, label, cell.Kind.Describe(), why,
                            "Beam merges only bag, set, combining and ordered-list state when windows merge; keep the state in those, or window with a function that does not merge");
                        reported = true;
                    }

                    if (!reported)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, location, label,
                            "its state would merge as Beam merges it, but a stateful ParDo on merging windows is not supported yet (Beam's runners refuse it too: MergingWindowFn is not supported for stateful DoFns); group first (the grouping merges the windows), or window with a function that does not merge");
                    }

                    return null;
                }

                var processFn = ParseFunction(process.Expression, invocation, label, allowRef: true);
                if (processFn is null)
                {
                    return null;
                }

                FunctionSpec? onTimer = null;
                if (call["onTimer"] is { IsExplicit: true } timerArgument)
                {
                    onTimer = ParseFunction(timerArgument.Expression, invocation, label + " onTimer", allowRef: true);
                    if (onTimer is null)
                    {
                        return null;
                    }
                }

                FunctionSpec? onExpiration = null;
                if (call["onWindowExpiration"] is { IsExplicit: true } expirationArgument)
                {
                    onExpiration = ParseFunction(expirationArgument.Expression, invocation, label + " onWindowExpiration", allowRef: true);
                    if (onExpiration is null)
                    {
                        return null;
                    }
                }

                var timers = cells.Where(c => c.Cell.Kind.IsTimer()).ToList();
                if (timers.Count > 0 && onTimer is null)
                {
                    Report(DiagnosticDescriptors.InvalidStateStruct, timers[0].At ?? location, stateType.Replace("global::", string.Empty),
                        "it declares timers (" + string.Join(", ", timers.Select(t => t.Cell.Name)) + ") but the ParDo has no onTimer callback to run when they fire");
                    return null;
                }

                var sorts = false;
                if (call["requiresTimeSortedInput"] is { IsExplicit: true } sortArgument)
                {
                    if (sortArgument.Constant is not { HasValue: true, Value: bool sortValue })
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, sortArgument.Location, Shorten(sortArgument.Text), "requiresTimeSortedInput must be a constant (true or false)");
                        return null;
                    }

                    sorts = sortValue;
                }

                var lateness = windowing?.LatenessMs ?? 0;
                CheckTimersWithinExpiry(new[] { process.Expression, call["onTimer"]?.Expression }, windowing);

                var port = input.Port;
                if (readsSide)
                {
                    // The side input is read as a stateless reader's is (it waits for the view's window, holding the
                    // watermark), by a Map that pairs each value with it; the ParDo hands both to processElement.
                    if (call["side"]?.Expression is not { } sideExpression || fnType.TypeArguments[2].TypeKind == TypeKind.Error)
                    {
                        return Unresolved(invocation);
                    }

                    if (Evaluate(sideExpression) is not ViewValue view)
                    {
                        return null;
                    }

                    TrySplitKv(inputType, out _, out var valueType);
                    var sideType = Fq(fnType.TypeArguments[2]);
                    var pairedType = "global::Compiled.KV<" + keyType + ", global::System.ValueTuple<" + valueType + ", " + sideType + ">>";
                    var pairFn = new FunctionSpec
                    {
                        Parameters = new[] { new ParameterSpec("arg0", inputType, null), new ParameterSpec("arg1", sideType, null) }.ToEquatableArray(),
                        ReturnType = pairedType,
                        MethodGroup = "global::Compiled.Execution.SideInputPair.Of<" + keyType + ", " + valueType + ", " + sideType + ">",
                    };
                    var reader = AddTransform(TransformKind.Map, new[] { port }, inputType, new[] { pairedType }, label + ", reads its side input", function: pairFn, side: view.Port);
                    _transformLocations[reader] = location;
                    _transformLocations[_transforms.Count] = location;
                    port = new PortRef(reader, 0);
                    inputType = pairedType;
                }

                var id = AddTransform(TransformKind.StatefulParDo, new[] { port }, inputType, outputTypes.Select(Fq).ToArray(), label, function: processFn);
                _transforms[id] = _transforms[id] with
                {
                    KeyType = keyType,
                    Stateful = new StatefulSpec
                    {
                        StateType = stateType,
                        Cells = cells.Select(c => c.Cell).ToEquatableArray(),
                        OnTimer = onTimer,
                        OnWindowExpiration = onExpiration,
                        LatenessMs = lateness,
                        SortsInput = sorts,
                        ReadsSide = readsSide,
                    },
                };
                return outputTypes.Count > 1 ? new MultiValue(id, outputTypes.Count, false) : Collection(id);
            }

            /// <summary>The instance fields of the state struct, as cells; null (reported) when one cannot be compiled.</summary>
            private List<(StateCellSpec Cell, Location? At)>? ReadStateCells(ITypeSymbol stateSymbol, Location location)
            {
                var result = new List<(StateCellSpec, Location?)>();
                var ordinal = 0;
                var name = Fq(stateSymbol).Replace("global::", string.Empty);
                if (stateSymbol.TypeKind != TypeKind.Struct)
                {
                    Report(DiagnosticDescriptors.InvalidStateStruct, location, name, "it must be a struct, so that each key and window holds it inline");
                    return null;
                }

                foreach (var field in stateSymbol.GetMembers().OfType<IFieldSymbol>())
                {
                    if (field.IsStatic || field.IsConst)
                    {
                        continue;
                    }

                    var member = field.IsImplicitlyDeclared ? field.AssociatedSymbol : field;
                    var at = member?.Locations.FirstOrDefault(l => l.IsInSource);
                    var memberName = member?.Name ?? field.Name;
                    if (HasErrorType(field.Type))
                    {
                        // The compiler reports the type itself; generated code must not name it (it would add errors of its own).
                        Report(DiagnosticDescriptors.InvalidStateStruct, at ?? location, name,
                            "the type of '" + memberName + "' does not compile; nothing is generated for this ParDo until it does");
                        return null;
                    }

                    var kind = field.Type is INamedTypeSymbol named && named.ContainingNamespace?.ToDisplayString() == "Compiled" &&
                               CellKinds.TryGetValue(named.OriginalDefinition.MetadataName, out var k) ? k : StateCellKind.Field;
                    if (kind != StateCellKind.Field && (field.IsImplicitlyDeclared || field.IsReadOnly))
                    {
                        Report(DiagnosticDescriptors.InvalidStateStruct, at ?? location, name,
                            "'" + memberName + "' is a " + kind.Describe() + " declared as " + (field.IsImplicitlyDeclared ? "a property" : "a readonly field") +
                            "; state cells and timers must be mutable fields, updated in place");
                        return null;
                    }

                    if (kind == StateCellKind.Field && field.IsReadOnly)
                    {
                        Report(DiagnosticDescriptors.InvalidStateStruct, at ?? location, name,
                            "'" + memberName + "' is readonly; every field of the state struct is state of a key and window, reset when its window expires");
                        return null;
                    }

                    if (kind == StateCellKind.Field && field.IsImplicitlyDeclared && member is IPropertySymbol { SetMethod: null })
                    {
                        Report(DiagnosticDescriptors.InvalidStateStruct, at ?? location, name,
                            "'" + memberName + "' has no setter; every member of the state struct is state of a key and window, reset when its window expires");
                        return null;
                    }

                    var accessibility = member?.DeclaredAccessibility ?? field.DeclaredAccessibility;
                    var setter = member is IPropertySymbol { SetMethod: { } set } ? set.DeclaredAccessibility : accessibility;
                    if (accessibility < Accessibility.Internal || setter < Accessibility.Internal)
                    {
                        Report(DiagnosticDescriptors.InvalidStateStruct, at ?? location, name,
                            "'" + memberName + "' is " + (accessibility < Accessibility.Internal ? "private or protected" : "set by a private or protected setter") +
                            "; the runner clears every member when a window expires and writes it into checkpoints, so members are internal or public");
                        return null;
                    }

                    var escaped = SyntaxFacts.GetKeywordKind(memberName) != SyntaxKind.None ? "@" + memberName : memberName;
                    result.Add((new StateCellSpec(escaped, kind, Fq(field.Type), kind.IsTimer() ? ordinal++ : -1), at));
                }

                return result;
            }

            /// <summary>
            /// Reports an absolute event-time timer set beyond its window's expiration where that is known at build time: a
            /// target written as the window's maximum timestamp (or end) plus a constant larger than the allowed lateness.
            /// </summary>
            private void CheckTimersWithinExpiry(IEnumerable<ExpressionSyntax?> callbacks, WindowSpec? windowing)
            {
                var lateness = windowing?.LatenessMs ?? 0;
                foreach (var callback in callbacks)
                {
                    if (callback is not LambdaExpressionSyntax lambda || lambda.SyntaxTree != _model.SyntaxTree)
                    {
                        continue;
                    }

                    foreach (var invocation in lambda.Body.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
                    {
                        if (_model.GetSymbolInfo(invocation, _cancellationToken).Symbol is not IMethodSymbol { Name: "Set" } set ||
                            set.ContainingType?.Name is not ("EventTimeTimer" or "EventTimeTimerMap") ||
                            set.ContainingType.ContainingNamespace?.ToDisplayString() != "Compiled" ||
                            invocation.ArgumentList.Arguments.Count == 0)
                        {
                            continue;
                        }

                        var target = invocation.ArgumentList.Arguments[invocation.ArgumentList.Arguments.Count - 1].Expression;
                        if (BeyondMaxTimestamp(target) is { } beyond && beyond > lateness)
                        {
                            Report(DiagnosticDescriptors.TimerBeyondExpiry, target.GetLocation(),
                                (beyond - lateness).ToString(System.Globalization.CultureInfo.InvariantCulture),
                                lateness.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        }
                    }
                }
            }

            /// <summary>
            /// How many milliseconds after its window's maximum timestamp an Instant expression is, when it is written as
            /// <c>w.MaxTimestamp</c> or <c>w.End</c> of a window, plus a constant (<c>.Plus(TimeSpan...)</c>, or
            /// <c>new Instant(w.MaxTimestamp.Millis + n)</c>); null when that is not known.
            /// </summary>
            private long? BeyondMaxTimestamp(ExpressionSyntax expression)
            {
                expression = Unparenthesize(expression);
                if (WindowBound(expression) is { } bound)
                {
                    return bound;
                }

                if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Plus" } plus } call &&
                    call.ArgumentList.Arguments.Count == 1 && WindowBound(Unparenthesize(plus.Expression)) is { } start &&
                    _model.GetOperation(call.ArgumentList.Arguments[0].Expression, _cancellationToken) is { } duration &&
                    EvaluateDuration(duration, out var ms).Problem is null)
                {
                    return start + ms;
                }

                if (expression is ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 1 } creation &&
                    _model.GetTypeInfo(creation, _cancellationToken).Type is { Name: "Instant" } &&
                    Unparenthesize(creation.ArgumentList.Arguments[0].Expression) is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } sum &&
                    Unparenthesize(sum.Left) is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Millis" } millis &&
                    WindowBound(Unparenthesize(millis.Expression)) is { } origin &&
                    _model.GetConstantValue(sum.Right, _cancellationToken) is { HasValue: true, Value: var constant } &&
                    constant is int or long)
                {
                    return origin + System.Convert.ToInt64(constant, System.Globalization.CultureInfo.InvariantCulture);
                }

                return null;
            }

            /// <summary>0 for <c>x.MaxTimestamp</c> of a BoundedWindow, 1 for <c>x.End</c>; null otherwise.</summary>
            private long? WindowBound(ExpressionSyntax expression)
            {
                if (expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "MaxTimestamp" or "End" } access ||
                    _model.GetSymbolInfo(access, _cancellationToken).Symbol is not IPropertySymbol { ContainingType.Name: "BoundedWindow" } property)
                {
                    return null;
                }

                return property.Name == "End" ? 1 : 0;
            }

            private static ExpressionSyntax Unparenthesize(ExpressionSyntax expression)
            {
                while (expression is ParenthesizedExpressionSyntax parenthesized)
                {
                    expression = parenthesized.Expression;
                }

                return expression;
            }
        }
    }
}
