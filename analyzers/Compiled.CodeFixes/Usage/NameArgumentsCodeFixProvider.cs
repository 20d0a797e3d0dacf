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

namespace Compiled.CodeFixes.Usage;

/// <summary>
/// Fixes CMP4001 by naming every positional argument of the call with the parameter it binds to (which is what the
/// compiler already does, so the call means the same): <c>CreateRunner(a, b)</c> becomes
/// <c>CreateRunner(panes: a, tooLate: b)</c>. The author then sees which sink goes to which output.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NameArgumentsCodeFixProvider))]
[Shared]
public sealed class NameArgumentsCodeFixProvider : CodeFixProvider
{
    /// <summary>The title (and equivalence key) of the fix.</summary>
    public const string Title = "Name the arguments";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.PositionalSameTypeArguments.Id);

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
            // The diagnostic is on the argument list of the call.
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                    .AncestorsAndSelf().OfType<ArgumentListSyntax>().FirstOrDefault() is not { } arguments)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, cancellationToken => FixAsync(context.Document, arguments, cancellationToken), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, ArgumentListSyntax arguments, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || arguments.Parent is null)
        {
            return document;
        }

        var bound = model.GetOperation(arguments.Parent, cancellationToken) switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => ImmutableArray<IArgumentOperation>.Empty,
        };

        var named = arguments.Arguments.Select(argument =>
        {
            if (argument.NameColon is not null ||
                bound.FirstOrDefault(b => b.Syntax == argument) is not { Parameter: { } parameter })
            {
                return argument;
            }

            var name = SyntaxFacts.GetKeywordKind(parameter.Name) != SyntaxKind.None ? "@" + parameter.Name : parameter.Name;
            return argument
                .WithoutLeadingTrivia()
                .WithNameColon(SyntaxFactory.NameColon(SyntaxFactory.IdentifierName(SyntaxFactory.ParseToken(name))))
                .WithLeadingTrivia(argument.GetLeadingTrivia());
        });

        var fixedArguments = arguments.WithArguments(SyntaxFactory.SeparatedList(named, arguments.Arguments.GetSeparators()));
        return document.WithSyntaxRoot(root.ReplaceNode(arguments, fixedArguments));
    }
}
