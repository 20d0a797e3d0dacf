using System.Collections.Generic;
using System.Collections.Immutable;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Symbols;
using Compiled.Analyzers.Windowing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Transforms;

/// <summary>
/// CMP3001: a function passed to Map, FlatMap, Filter, ParDo, WithKeys or WithTimestamps that reads the clock
/// (<c>DateTime.Now</c>, <c>DateTimeOffset.UtcNow</c>, <c>Stopwatch</c>, <c>Environment.TickCount</c>), a random
/// source (<c>Random</c>, <c>Guid.NewGuid</c>), assigns a static field or property, or mutates one of its
/// parameters (assigns a member or element of it, or calls Add/Remove/Clear and the like on it).
/// </summary>
/// <remarks>
/// Only the function's own body is read, as operations: a lambda, or a method group whose declaration is in the
/// same file. Calls into other methods are not followed.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TransformPurityAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> MutatingMethods = ImmutableHashSet.Create(
        "Add", "AddRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear", "Insert", "InsertRange",
        "Push", "Pop", "Enqueue", "Dequeue", "TryAdd", "TryRemove", "Sort", "Reverse", "UnionWith", "IntersectWith", "ExceptWith");

    private const string ClockAdvice = "derive time from the element (its timestamp) so that a retry computes the same result";
    private const string RandomAdvice = "derive the value from the element (for example a hash of its id) so that a retry computes the same result";
    private const string StaticAdvice = "return the value instead, and aggregate it with a Combine";
    private const string MutationAdvice = "return a changed copy (a 'with' expression or a new object) instead";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ImpureTransform);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var symbols = CompiledSymbols.TryCreate(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            start.RegisterOperationAction(context => AnalyzeInvocation(context, symbols), OperationKind.Invocation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, CompiledSymbols symbols)
    {
        if (context.Operation is not IInvocationOperation invocation ||
            !CompiledSymbols.Is(invocation.TargetMethod.ContainingType, symbols.PCollection))
        {
            return;
        }

        var transform = invocation.TargetMethod.Name;
        switch (transform)
        {
            case "Map":
            case "FlatMap":
            case "Filter":
            case "ParDo":
            case "WithKeys":
            case "WithTimestamps":
            case "MapWithFailures":
            case "FlatMapWithFailures":
            case "FilterWithFailures":
                break;
            default:
                return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (OperationHelpers.Strip(argument.Value) is not IDelegateCreationOperation creation)
            {
                continue;
            }

            switch (OperationHelpers.Strip(creation.Target))
            {
                case IAnonymousFunctionOperation lambda:
                    AnalyzeBody(context, transform, lambda.Body, lambda.Symbol.Parameters);
                    break;
                case IMethodReferenceOperation { Method: { } method } reference:
                    AnalyzeMethodGroup(context, transform, reference, method);
                    break;
            }
        }
    }

    private static void AnalyzeMethodGroup(OperationAnalysisContext context, string transform, IMethodReferenceOperation reference, IMethodSymbol method)
    {
        var model = reference.SemanticModel;
        if (model is null)
        {
            return;
        }

        foreach (var declaration in method.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (declaration.SyntaxTree != model.SyntaxTree)
            {
                continue;
            }

            var body = model.GetOperation(declaration.GetSyntax(context.CancellationToken), context.CancellationToken);
            if (body is not null)
            {
                AnalyzeBody(context, transform, body, method.OriginalDefinition.Parameters);
            }
        }
    }

    private static void AnalyzeBody(OperationAnalysisContext context, string transform, IOperation body, ImmutableArray<IParameterSymbol> parameters)
    {
        var inputs = new HashSet<IParameterSymbol>(parameters, SymbolEqualityComparer.Default);
        foreach (var operation in body.DescendantsAndSelf())
        {
            var finding = Inspect(operation, inputs);
            if (finding is { } found)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ImpureTransform,
                    operation.Syntax.GetLocation(),
                    transform,
                    found.What,
                    found.Advice));
            }
        }
    }

    private readonly struct Finding
    {
        public Finding(string what, string advice)
        {
            What = what;
            Advice = advice;
        }

        public string What { get; }

        public string Advice { get; }
    }

    private static Finding? Inspect(IOperation operation, HashSet<IParameterSymbol> inputs)
    {
        switch (operation)
        {
            case IPropertyReferenceOperation { Property: { IsStatic: true } property } reference when !IsAssignmentTarget(reference):
                {
                    var type = property.ContainingType?.ToDisplayString();
                    switch (type + "." + property.Name)
                    {
                        case "System.DateTime.Now":
                        case "System.DateTime.UtcNow":
                        case "System.DateTime.Today":
                        case "System.DateTimeOffset.Now":
                        case "System.DateTimeOffset.UtcNow":
                        case "System.Environment.TickCount":
                        case "System.Environment.TickCount64":
                            return new Finding("reads the clock ('" + property.ContainingType!.Name + "." + property.Name + "')", ClockAdvice);
                        case "System.Random.Shared":
                            return new Finding("reads a random source ('Random.Shared')", RandomAdvice);
                    }

                    return null;
                }

            case IInvocationOperation { TargetMethod: { } method } call:
                {
                    var type = method.ContainingType?.ToDisplayString();
                    if (type == "System.Guid" && method.Name == "NewGuid")
                    {
                        return new Finding("creates a random value ('Guid.NewGuid')", RandomAdvice);
                    }

                    if (type == "System.Diagnostics.Stopwatch" && method.IsStatic)
                    {
                        return new Finding("reads the clock ('Stopwatch." + method.Name + "')", ClockAdvice);
                    }

                    if (call.Instance is { Type.IsValueType: false } && MutatingMethods.Contains(method.Name) &&
                        RootParameter(call.Instance, inputs) is { } parameter)
                    {
                        return new Finding("mutates its input '" + parameter.Name + "' (calls '" + method.Name + "')", MutationAdvice);
                    }

                    return null;
                }

            case IObjectCreationOperation { Type: { } created }:
                switch (created.ToDisplayString())
                {
                    case "System.Random":
                        return new Finding("creates a random source ('new Random')", RandomAdvice);
                    case "System.Diagnostics.Stopwatch":
                        return new Finding("reads the clock ('new Stopwatch')", ClockAdvice);
                }

                return null;

            case ISimpleAssignmentOperation assignment:
                return InspectWrite(assignment.Target, inputs);
            case ICompoundAssignmentOperation compound:
                return InspectWrite(compound.Target, inputs);
            case ICoalesceAssignmentOperation coalesce:
                return InspectWrite(coalesce.Target, inputs);
            case IIncrementOrDecrementOperation increment:
                return InspectWrite(increment.Target, inputs);
            default:
                return null;
        }
    }

    private static bool IsAssignmentTarget(IOperation operation) =>
        operation.Parent is IAssignmentOperation assignment && assignment.Target == operation;

    private static Finding? InspectWrite(IOperation target, HashSet<IParameterSymbol> inputs)
    {
        target = OperationHelpers.Strip(target) ?? target;
        switch (target)
        {
            case IFieldReferenceOperation { Field: { IsStatic: true } field }:
                return new Finding("assigns the static field '" + field.ContainingType?.Name + "." + field.Name + "'", StaticAdvice);
            case IPropertyReferenceOperation { Property: { IsStatic: true } property }:
                return new Finding("assigns the static property '" + property.ContainingType?.Name + "." + property.Name + "'", StaticAdvice);
            case IMemberReferenceOperation { Instance: { Type.IsValueType: false } instance } member when RootParameter(instance, inputs) is { } parameter:
                return new Finding("mutates its input '" + parameter.Name + "' (assigns '" + member.Syntax + "')", MutationAdvice);
            case IArrayElementReferenceOperation element when RootParameter(element.ArrayReference, inputs) is { } parameter:
                return new Finding("mutates its input '" + parameter.Name + "' (assigns '" + element.Syntax + "')", MutationAdvice);
            default:
                return null;
        }
    }

    /// <summary>The transform's parameter that <paramref name="operation"/> reads or reaches through members, or null.</summary>
    private static IParameterSymbol? RootParameter(IOperation? operation, HashSet<IParameterSymbol> inputs)
    {
        for (var i = 0; i < 16 && operation is not null; i++)
        {
            operation = OperationHelpers.Strip(operation);
            switch (operation)
            {
                case IParameterReferenceOperation reference:
                    return inputs.Contains(reference.Parameter) ? reference.Parameter : null;
                case IMemberReferenceOperation member:
                    operation = member.Instance;
                    break;
                case IArrayElementReferenceOperation element:
                    operation = element.ArrayReference;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }
}
