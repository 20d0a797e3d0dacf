using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.CodeFixes.Transforms;

/// <summary>
/// Fixes the generator's CMP0006 ("Transform lambda must be static") by adding the <c>static</c> modifier, when
/// the lambda captures nothing from outside itself. A lambda that captures (a local, a parameter of
/// <c>Define</c>, <c>this</c>) offers no fix: making it static would not compile, and the right change is a
/// design one (a side input, a constant, a combine function's constructor argument), described in
/// docs/diagnostics/CMP0006.md.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeLambdaStaticCodeFixProvider))]
[Shared]
public sealed class MakeLambdaStaticCodeFixProvider : CodeFixProvider
{
    /// <summary>The code action's title, also its equivalence key.</summary>
    public const string Title = "Make the lambda static";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LambdaNotStaticId);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            // The generator reports CMP0006 on the whole lambda.
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var lambda = node.AncestorsAndSelf().OfType<LambdaExpressionSyntax>().FirstOrDefault();
            if (lambda is null || lambda.Modifiers.Any(SyntaxKind.StaticKeyword) || !CapturesNothing(lambda, model, context.CancellationToken))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    cancellationToken => AddStaticAsync(context.Document, lambda, cancellationToken),
                    equivalenceKey: Title),
                diagnostic);
        }
    }

    /// <summary>
    /// True when nothing the lambda reads or writes is declared outside it: no captured local or parameter, no
    /// <c>this</c>/<c>base</c> (explicit or implicit), no non-static local function.
    /// </summary>
    internal static bool CapturesNothing(LambdaExpressionSyntax lambda, SemanticModel model, CancellationToken cancellationToken)
    {
        var flow = model.AnalyzeDataFlow(lambda);
        if (flow is null || !flow.Succeeded)
        {
            return false;
        }

        // CapturedInside also lists the lambda's own parameters and locals when a lambda nested in it captures
        // them; those stay legal once the outer lambda is static.
        if (flow.CapturedInside.Any(symbol => !IsDeclaredInside(symbol, lambda)))
        {
            return false;
        }

        if (model.GetOperation(lambda, cancellationToken) is not { } operation)
        {
            return false;
        }

        foreach (var descendant in operation.DescendantsAndSelf())
        {
            switch (descendant)
            {
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                    return false;
                case IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction, IsStatic: false } local }
                    when !IsDeclaredInside(local, lambda):
                    return false;
                case IMethodReferenceOperation { Method: { MethodKind: MethodKind.LocalFunction, IsStatic: false } local }
                    when !IsDeclaredInside(local, lambda):
                    return false;
            }
        }

        return true;
    }

    private static bool IsDeclaredInside(ISymbol symbol, SyntaxNode lambda) =>
        symbol.DeclaringSyntaxReferences.Length > 0 &&
        symbol.DeclaringSyntaxReferences.All(r => r.SyntaxTree == lambda.SyntaxTree && lambda.Span.Contains(r.Span));

    private static async Task<Document> AddStaticAsync(Document document, LambdaExpressionSyntax lambda, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // 'static' goes first among the modifiers (before 'async') and after any attribute lists; the trivia that
        // led the lambda leads the new first token.
        var leading = lambda.GetLeadingTrivia();
        var staticKeyword = SyntaxFactory.Token(SyntaxKind.StaticKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        var stripped = lambda.WithoutLeadingTrivia();
        var updated = stripped.WithModifiers(stripped.Modifiers.Insert(0, staticKeyword));
        updated = updated.WithLeadingTrivia(leading);
        return document.WithSyntaxRoot(root.ReplaceNode(lambda, updated));
    }
}
