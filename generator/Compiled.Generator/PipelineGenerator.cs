using System.Linq;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator;

/// <summary>
/// Compiles <c>[Pipeline]</c> classes into fused runners. This file only wires the incremental
/// pipeline: <see cref="Parser"/> turns symbols into an equatable <see cref="PipelineSpec"/>,
/// <see cref="Planner"/> cuts it into fused stages, <see cref="Emitter"/> writes the code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class PipelineGenerator : IIncrementalGenerator
{
    internal const string PipelineAttributeName = "Compiled.PipelineAttribute";

    /// <summary>Step names, used by the caching tests.</summary>
    internal static class Steps
    {
        public const string Parse = "Compiled.Parse";
        public const string Specs = "Compiled.Specs";
        public const string Plans = "Compiled.Plans";
        public const string Diagnostics = "Compiled.Diagnostics";
        public const string Surfaces = "Compiled.Surfaces";
        public const string Coders = "Compiled.Coders";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                PipelineAttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .WithTrackingName(Steps.Parse);

        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(Steps.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (spc, items) =>
        {
            foreach (var item in items)
            {
                spc.ReportDiagnostic(item.ToDiagnostic());
            }
        });

        // A declaration with errors still gets the runner's surface, whose members throw: calls of Run and CreateRunner
        // then compile, and the declaration's own errors are the only ones reported.
        var surfaces = parsed
            .Where(static result => result.Spec is null && result.Surface is not null)
            .Select(static (result, _) => result.Surface!)
            .WithTrackingName(Steps.Surfaces);

        context.RegisterSourceOutput(surfaces, static (spc, surface) =>
            AddSource(spc, () => Emitter.EmitSurface(surface), "the runner surface of " + surface.ClassName));

        var specs = parsed
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(Steps.Specs);

        var plans = specs
            .Select(static (spec, _) => Planner.Plan(spec))
            .WithTrackingName(Steps.Plans);

        context.RegisterSourceOutput(plans, static (spc, plan) =>
            AddSource(spc, () => Emitter.Emit(plan), "the runner of " + plan.Spec.ClassName));

        // The coders of the types that cross a grouping or are kept in state, in a file of their own.
        var coders = specs
            .Where(static spec => spec.Coders.Count > 0)
            .Select(static (spec, _) => Planner.PlanCoders(spec))
            .WithTrackingName(Steps.Coders);

        context.RegisterSourceOutput(coders, static (spc, plan) =>
            AddSource(spc, () => Emitter.EmitCoders(plan), "the coders of " + plan.ClassName));
    }

    /// <summary>Writes one generated file; the generator never throws: an unexpected failure becomes a diagnostic (CMP0099).</summary>
    private static void AddSource(SourceProductionContext spc, System.Func<(string HintName, string Source)> emit, string what)
    {
        string hintName;
        string source;
        try
        {
            (hintName, source) = emit();
        }
#pragma warning disable CA1031 // The generator must never throw: an unexpected failure becomes a diagnostic.
        catch (System.Exception ex)
#pragma warning restore CA1031
        {
            spc.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.InternalError,
                Location.None,
                ex.GetType().Name + " while writing " + what + ": " + ex.Message));
            return;
        }

        spc.AddSource(SafeHintName(hintName), source);
    }

    /// <summary>
    /// A hint name the compiler accepts: names written with '@' (a class or namespace named with a keyword) or other
    /// characters a hint name cannot hold would make AddSource throw; they become '_'.
    /// </summary>
    internal static string SafeHintName(string hintName)
    {
        var chars = hintName.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!(char.IsLetterOrDigit(chars[i]) || chars[i] is '.' or '_' or '-' or '+' or ' ' or '(' or ')' or '[' or ']' or '{' or '}' or ','))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }
}
