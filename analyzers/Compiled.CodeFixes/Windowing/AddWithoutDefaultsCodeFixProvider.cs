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

namespace Compiled.CodeFixes.Windowing;

/// <summary>
/// Fixes CMP1009 by passing <c>withoutDefaults: true</c> to the <c>CombineGlobally</c> or <c>Count</c> call the
/// diagnostic is on: an explicit <c>withoutDefaults</c> argument (named or positional) gets the value
/// <c>true</c>, otherwise the named argument is appended.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddWithoutDefaultsCodeFixProvider))]
[Shared]
public sealed class AddWithoutDefaultsCodeFixProvider : CodeFixProvider
{
    /// <summary>The title (and equivalence key) of the fix.</summary>
    public const string Title = "Add 'withoutDefaults: true'";

    private const string ParameterName = "withoutDefaults";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.GlobalCombineDefaultsOutsideGlobalWindow.Id);

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
            // The diagnostic is on the member name of the call: 'Count' in 'x.Count()'.
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var invocation = node.AncestorsAndSelf().OfType<InvocationExpressionSyntax>()
                .FirstOrDefault(i => i.Expression is MemberAccessExpressionSyntax access && access.Name.Span.Contains(diagnostic.Location.SourceSpan));
            if (invocation is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    cancellationToken => FixAsync(context.Document, invocation, cancellationToken),
                    equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var trueLiteral = SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression);

        // An argument written for the parameter (withoutDefaults: false, or a positional false) gets the value true.
        if (model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation)
        {
            foreach (var argument in operation.Arguments)
            {
                if (argument.Parameter?.Name == ParameterName && argument.Syntax is ArgumentSyntax written)
                {
                    var replaced = written.WithExpression(trueLiteral.WithTriviaFrom(written.Expression));
                    return document.WithSyntaxRoot(root.ReplaceNode(written, replaced));
                }
            }
        }

        var named = SyntaxFactory.Argument(trueLiteral)
            .WithNameColon(SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(ParameterName)));
        var arguments = invocation.ArgumentList.AddArguments(named);
        return document.WithSyntaxRoot(root.ReplaceNode(invocation.ArgumentList, arguments));
    }
}
