using System.Collections.Generic;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Windowing;

/// <summary>What the analyzers know about a declared collection: whether it is unbounded, and its windowing.</summary>
internal sealed class CollectionState
{
    public CollectionState(string? unboundedInput, WindowingSpec? windowing, IInvocationOperation? windowCall, bool grouped = false)
    {
        UnboundedInput = unboundedInput;
        Windowing = windowing;
        WindowCall = windowCall;
        Grouped = grouped;
    }

    /// <summary>
    /// True when the elements went through a grouping or combine since their last <c>Window(...)</c>: each is then in
    /// one window (the one that fired), not in every window its timestamp falls in.
    /// </summary>
    public bool Grouped { get; }

    /// <summary>This state after a grouping or combine.</summary>
    public CollectionState AfterGrouping() => Grouped ? this : new CollectionState(UnboundedInput, Windowing, WindowCall, grouped: true);

    /// <summary>The name of an unbounded input the collection derives from, or null when it is bounded.</summary>
    public string? UnboundedInput { get; }

    public bool IsUnbounded => UnboundedInput is not null;

    /// <summary>The windowing in effect, or null when it could not be read.</summary>
    public WindowingSpec? Windowing { get; }

    /// <summary>The <c>Window(...)</c> call that set <see cref="Windowing"/>, or null for the default windowing.</summary>
    public IInvocationOperation? WindowCall { get; }
}

/// <summary>
/// A small backward data-flow walk over one <c>Define</c> body: from a collection expression, through chained
/// calls, locals (declarations, assignments, deconstructions), multi-output results and partitions, back to
/// the builder's inputs, carrying boundedness and the last <c>Window(...)</c> strategy.
/// </summary>
internal sealed class CollectionFlow
{
    private readonly CompiledSymbols _symbols;
    private readonly Dictionary<ILocalSymbol, IOperation> _definitions = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<IOperation, CollectionState?> _memo = new();
    private readonly HashSet<IOperation> _inProgress = new();

    public CollectionFlow(CompiledSymbols symbols)
    {
        _symbols = symbols;
    }

    /// <summary>Records what a local is assigned from (declarations, assignments, deconstructions).</summary>
    public void Visit(IOperation operation)
    {
        switch (operation)
        {
            case IVariableDeclaratorOperation { Initializer: { } initializer } declarator:
                _definitions[declarator.Symbol] = initializer.Value;
                break;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment:
                _definitions[local.Local] = assignment.Value;
                break;
            case IDeconstructionAssignmentOperation deconstruction:
                foreach (var target in deconstruction.Target.DescendantsAndSelf())
                {
                    if (target is ILocalReferenceOperation local)
                    {
                        // Every output of a multi-output transform shares its input's boundedness and windowing.
                        _definitions[local.Local] = deconstruction.Value;
                    }
                }

                break;
        }
    }

    /// <summary>The state of the collection <paramref name="operation"/> evaluates to, or null when unknown.</summary>
    public CollectionState? StateOf(IOperation? operation)
    {
        operation = OperationHelpers.Strip(operation);
        if (operation is null)
        {
            return null;
        }

        if (_memo.TryGetValue(operation, out var known))
        {
            return known;
        }

        if (!_inProgress.Add(operation) || _inProgress.Count > 256)
        {
            return null;
        }

        var state = Compute(operation);
        _inProgress.Remove(operation);
        _memo[operation] = state;
        return state;
    }

    private CollectionState? Compute(IOperation operation)
    {
        switch (operation)
        {
            case ILocalReferenceOperation local:
                return _definitions.TryGetValue(local.Local, out var value) ? StateOf(value) : null;

            case IPropertyReferenceOperation property:
                // ParDoResult.Main/Output2/Output3 and PartitionList[i]: the outputs of a transform of the instance.
                return StateOf(property.Instance);

            case IInvocationOperation invocation:
                return ComputeInvocation(invocation);

            default:
                return null;
        }
    }

    private CollectionState? ComputeInvocation(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var containing = method.ContainingType;
        if (CompiledSymbols.Is(containing, _symbols.PipelineBuilder))
        {
            switch (method.Name)
            {
                case "Create":
                case "ReadLines":
                case "ReadUtf8Lines":
                    return new CollectionState(null, WindowingSpec.GlobalDefault, null);
                case "Unbounded":
                    var name = OperationHelpers.Argument(invocation, "name")?.ConstantValue is { HasValue: true, Value: string s } ? s : "?";
                    return new CollectionState(name, WindowingSpec.GlobalDefault, null);
                case "Flatten":
                    {
                        CollectionState? first = null;
                        string? unbounded = null;
                        var grouped = true;
                        foreach (var input in FlattenInputs(invocation))
                        {
                            var state = StateOf(input);
                            if (state is null)
                            {
                                return null;
                            }

                            first ??= state;
                            unbounded ??= state.UnboundedInput;
                            grouped &= state.Grouped;
                        }

                        return first is null ? null : new CollectionState(unbounded, first.Windowing, first.WindowCall, grouped);
                    }

                default:
                    return null;
            }
        }

        if (CompiledSymbols.Is(containing, _symbols.PCollection))
        {
            var receiver = StateOf(invocation.Instance);
            if (receiver is null)
            {
                return null;
            }

            if (method.Name == "Window" && invocation.Arguments.Length == 1)
            {
                return new CollectionState(receiver.UnboundedInput, WindowingSpec.Parse(invocation.Arguments[0].Value, _symbols), invocation);
            }

            return method.Name is "CombineGlobally" or "Count" or "CountPerElement" or "Distinct" ? receiver.AfterGrouping() : receiver;
        }

        if (CompiledSymbols.Is(containing, _symbols.KeyedTransforms))
        {
            CollectionState? first = null;
            string? unbounded = null;
            foreach (var argument in invocation.Arguments)
            {
                if (!IsCollection(argument.Value.Type))
                {
                    continue;
                }

                var state = StateOf(argument.Value);
                if (state is null)
                {
                    return null;
                }

                first ??= state;
                unbounded ??= state.UnboundedInput;
            }

            if (first is null)
            {
                return null;
            }

            var result = new CollectionState(unbounded, first.Windowing, first.WindowCall, first.Grouped);
            return method.Name is "GroupByKey" or "CombinePerKey" or "CountPerKey" or "CoGroupByKey" ? result.AfterGrouping() : result;
        }

        return null;
    }

    /// <summary>The inputs of <c>p.Flatten(a, b, ...)</c>.</summary>
    public static IEnumerable<IOperation> FlattenInputs(IInvocationOperation flatten)
    {
        foreach (var argument in flatten.Arguments)
        {
            foreach (var element in OperationHelpers.ParamsElements(argument.Value))
            {
                yield return element;
            }
        }
    }

    private bool IsCollection(ITypeSymbol? type) => CompiledSymbols.Is(type, _symbols.PCollection);
}
