using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Compiled.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Usage;

/// <summary>
/// CMP4001: a call of a generated <c>CreateRunner</c>, <c>CreateParallelRunner</c>, <c>Run</c> or <c>Runner</c>
/// constructor that passes by position two or more arguments whose parameters have the same type. The generated
/// members take sinks and inputs in declaration order and name each parameter after its output or input; when two
/// have the same type a swap compiles, so the call must name them.
/// </summary>
/// <remarks>
/// A sink parameter's type is a type parameter constrained to <c>ISink&lt;T&gt;</c>: two sinks are confusable when
/// their constraints are the same (any two sinks of the same element type can be swapped). The int parameters of
/// the parallel <c>Run</c> (<c>parallelism</c>, <c>maxParallelism</c>) are not inputs and are not compared.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PositionalArgumentsAnalyzer : DiagnosticAnalyzer
{
    private const string GeneratorName = "Compiled.Generator";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.PositionalSameTypeArguments);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            var pipelineAttribute = start.Compilation.GetTypeByMetadataName("Compiled.PipelineAttribute");
            var generatedCode = start.Compilation.GetTypeByMetadataName("System.CodeDom.Compiler.GeneratedCodeAttribute");
            if (pipelineAttribute is null)
            {
                return;
            }

            start.RegisterOperationAction(
                context =>
                {
                    var (method, arguments, syntax) = context.Operation switch
                    {
                        IInvocationOperation i => (i.TargetMethod, i.Arguments, (i.Syntax as InvocationExpressionSyntax)?.ArgumentList),
                        IObjectCreationOperation c when c.Constructor is not null => (c.Constructor, c.Arguments, (c.Syntax as BaseObjectCreationExpressionSyntax)?.ArgumentList),
                        _ => (null!, ImmutableArray<IArgumentOperation>.Empty, null),
                    };
                    if (method is not null && syntax is not null && IsGeneratedEntryPoint(method, pipelineAttribute, generatedCode))
                    {
                        Analyze(context, method, arguments, syntax);
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
        });
    }

    /// <summary>
    /// True for the generated members that take sinks or inputs: the static <c>CreateRunner</c>,
    /// <c>CreateParallelRunner</c> and <c>Run</c> of a [Pipeline] class, and the constructors of its nested <c>Runner</c>.
    /// </summary>
    private static bool IsGeneratedEntryPoint(IMethodSymbol method, INamedTypeSymbol pipelineAttribute, INamedTypeSymbol? generatedCode)
    {
        method = method.OriginalDefinition;
        INamedTypeSymbol? pipeline;
        if (method.MethodKind == MethodKind.Constructor)
        {
            if (method.ContainingType.Name != "Runner")
            {
                return false;
            }

            pipeline = method.ContainingType.ContainingType;
        }
        else
        {
            if (!method.IsStatic || method.Name is not ("CreateRunner" or "CreateParallelRunner" or "Run"))
            {
                return false;
            }

            pipeline = method.ContainingType;
            if (generatedCode is not null && !HasGeneratedCode(method, generatedCode))
            {
                return false;
            }
        }

        return pipeline is not null &&
            pipeline.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, pipelineAttribute));
    }

    private static bool HasGeneratedCode(IMethodSymbol method, INamedTypeSymbol generatedCode) =>
        method.GetAttributes().Any(a =>
            SymbolEqualityComparer.Default.Equals(a.AttributeClass, generatedCode) &&
            a.ConstructorArguments.Length > 0 &&
            a.ConstructorArguments[0].Value is GeneratorName);

    private static void Analyze(OperationAnalysisContext context, IMethodSymbol method, ImmutableArray<IArgumentOperation> arguments, ArgumentListSyntax argumentList)
    {
        // Group the parameters by the type an argument must have (a sink's: its constraint).
        var groups = new Dictionary<string, List<IParameterSymbol>>();
        var order = new List<string>();
        foreach (var parameter in method.OriginalDefinition.Parameters)
        {
            if (parameter.Type.SpecialType == SpecialType.System_Int32)
            {
                continue;
            }

            var key = ArgumentType(parameter.Type);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = new List<IParameterSymbol>();
                order.Add(key);
            }

            group.Add(parameter);
        }

        foreach (var key in order)
        {
            var group = groups[key];
            if (group.Count < 2)
            {
                continue;
            }

            var names = new HashSet<string>(group.Select(p => p.Name));
            var positional = arguments.Any(a =>
                a.Parameter is not null && names.Contains(a.Parameter.Name) &&
                a.ArgumentKind == ArgumentKind.Explicit &&
                a.Syntax is ArgumentSyntax { NameColon: null });
            if (!positional)
            {
                continue;
            }

            var what = method.MethodKind == MethodKind.Constructor ? "new " + method.ContainingType.Name : method.ContainingType.Name + "." + method.Name;
            var call = what + "(" + string.Join(", ", method.OriginalDefinition.Parameters
                .Where(p => !p.IsOptional)
                .Select(p => Escape(p.Name) + ": ...")) + ")";
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.PositionalSameTypeArguments,
                argumentList.GetLocation(),
                what,
                string.Join(" and ", group.Select(p => "'" + p.Name + "'")),
                key,
                call));
        }
    }

    /// <summary>The type an argument for a parameter of this type must have, as text: a type parameter's constraints, or the type.</summary>
    private static string ArgumentType(ITypeSymbol type) =>
        type is ITypeParameterSymbol typeParameter && typeParameter.ConstraintTypes.Length > 0
            ? string.Join(", ", typeParameter.ConstraintTypes.Select(t => t.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)))
            : type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    private static string Escape(string name) =>
        Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;
}
