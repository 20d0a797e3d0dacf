using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Compiled.Analyzers.Windowing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Compiled.CodeFixes.Windowing;

/// <summary>
/// Fixes CMP1005 (a trigger that can finish): wraps a once-trigger in <c>Trigger.Repeatedly(...)</c>, or gives an
/// <c>AfterWatermark</c> trigger late firings (<c>.WithLateFirings(Trigger.AfterCount(1))</c>) when the window has an
/// allowed lateness.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WrapTriggerCodeFixProvider))]
[Shared]
public sealed class WrapTriggerCodeFixProvider : CodeFixProvider
{
    /// <summary>The title (and equivalence key) of the Repeatedly fix.</summary>
    public const string RepeatedlyTitle = "Wrap in 'Trigger.Repeatedly(...)'";

    /// <summary>The title (and equivalence key) of the late-firings fix.</summary>
    public const string LateFiringsTitle = "Add '.WithLateFirings(Trigger.AfterCount(1))'";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.FinishingTrigger.Id);

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
            // The diagnostic is on the whole trigger expression, the argument of Triggering(...).
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node)
            {
                continue;
            }

            var trigger = node.AncestorsAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(e => e.Span == diagnostic.Location.SourceSpan);
            if (trigger is null)
            {
                continue;
            }

            var lateFirings = diagnostic.Properties.TryGetValue(TriggerConfigurationAnalyzer.FixProperty, out var fix) &&
                              fix == TriggerConfigurationAnalyzer.FixLateFirings;
            var title = lateFirings ? LateFiringsTitle : RepeatedlyTitle;
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    cancellationToken => ReplaceAsync(context.Document, trigger, lateFirings, cancellationToken),
                    equivalenceKey: title),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax trigger, bool lateFirings, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var triggerType = SyntaxFactory.ParseTypeName("global::Compiled.Trigger").WithAdditionalAnnotations(Simplifier.Annotation);
        ExpressionSyntax replacement;
        if (lateFirings)
        {
            var afterCount = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, triggerType, SyntaxFactory.IdentifierName("AfterCount")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(
                    SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1))))));
            replacement = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, trigger.WithoutTrivia(), SyntaxFactory.IdentifierName("WithLateFirings")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(afterCount))));
        }
        else
        {
            replacement = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, triggerType, SyntaxFactory.IdentifierName("Repeatedly")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(trigger.WithoutTrivia()))));
        }

        replacement = replacement.WithTriviaFrom(trigger);
        return document.WithSyntaxRoot(root.ReplaceNode(trigger, replacement));
    }
}
