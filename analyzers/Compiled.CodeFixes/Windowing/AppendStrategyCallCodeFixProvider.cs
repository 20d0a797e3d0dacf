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
using Microsoft.CodeAnalysis.Simplification;

namespace Compiled.CodeFixes.Windowing;

/// <summary>
/// Fixes CMP1003 by appending <c>.WithAllowedLateness(TimeSpan.Zero)</c> and CMP1004 by appending
/// <c>.Discarding()</c>: the lateness right after the <c>Triggering(...)</c> call the diagnostic is on, the
/// accumulation mode at the end of the strategy chain.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AppendStrategyCallCodeFixProvider))]
[Shared]
public sealed class AppendStrategyCallCodeFixProvider : CodeFixProvider
{
    /// <summary>The title (and equivalence key) of the CMP1003 fix.</summary>
    public const string AddAllowedLatenessTitle = "Add '.WithAllowedLateness(TimeSpan.Zero)'";

    /// <summary>The title (and equivalence key) of the CMP1004 fix.</summary>
    public const string AddDiscardingTitle = "Add '.Discarding()'";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.TriggerWithoutAllowedLateness.Id,
        DiagnosticDescriptors.TriggerWithoutAccumulationMode.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            // The diagnostic is on the member name of the call: 'Triggering' in 'x.Triggering(t)'.
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var invocation = node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>()
                .FirstOrDefault(i => i.Expression is MemberAccessExpressionSyntax access && access.Name.Span.Contains(diagnostic.Location.SourceSpan));
            if (invocation is null)
            {
                continue;
            }

            var lateness = diagnostic.Id == DiagnosticDescriptors.TriggerWithoutAllowedLateness.Id;
            if (!lateness)
            {
                // The accumulation mode goes at the end of the strategy chain, where a reader looks for it.
                invocation = EndOfChain(invocation);
            }

            var title = lateness ? AddAllowedLatenessTitle : AddDiscardingTitle;
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    cancellationToken => AppendAsync(context.Document, invocation, lateness, cancellationToken),
                    equivalenceKey: title),
                diagnostic);
        }
    }

    /// <summary>The outermost call of a fluent chain that <paramref name="invocation"/> starts or continues.</summary>
    private static InvocationExpressionSyntax EndOfChain(InvocationExpressionSyntax invocation)
    {
        while (invocation.Parent is MemberAccessExpressionSyntax access && access.Expression == invocation &&
               access.Parent is InvocationExpressionSyntax outer && outer.Expression == access)
        {
            invocation = outer;
        }

        return invocation;
    }

    private static async Task<Document> AppendAsync(Document document, InvocationExpressionSyntax invocation, bool lateness, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        ArgumentListSyntax arguments;
        string name;
        if (lateness)
        {
            name = "WithAllowedLateness";
            var zero = SyntaxFactory.ParseExpression("global::System.TimeSpan.Zero").WithAdditionalAnnotations(Simplifier.Annotation);
            arguments = SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(zero)));
        }
        else
        {
            name = "Discarding";
            arguments = SyntaxFactory.ArgumentList();
        }

        var appended = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    invocation.WithoutTrailingTrivia(),
                    SyntaxFactory.IdentifierName(name)),
                arguments)
            .WithTrailingTrivia(invocation.GetTrailingTrivia());
        return document.WithSyntaxRoot(root.ReplaceNode(invocation, appended));
    }
}
