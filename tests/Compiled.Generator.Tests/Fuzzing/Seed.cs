using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Compiled.Generator.Tests.Fuzzing;

/// <summary>
/// One text edit of a seed class: replace <see cref="Span"/> (relative to the class text) with <see cref="Text"/>.
/// <see cref="SameMeaning"/>: the edit writes the same declaration another way (arguments named or reordered, an
/// extension call in its static form), so the generated code must not change.
/// </summary>
internal sealed record Edit(TextSpan Span, string Text, string Description, bool SameMeaning = false);

/// <summary>A place in a seed where a kind of mutation applies; <see cref="Make"/> draws one edit there.</summary>
internal sealed record Site(string Kind, TextSpan Span, Func<Random, Edit> Make);

/// <summary>
/// A <c>[Pipeline]</c> class of the corpus and the places it can be mutated, found once with the semantic model
/// (parameter names for naming arguments, the references of a lambda parameter for renaming it).
/// </summary>
internal sealed class Seed
{
    private Seed(string name, string header, string classText, ImmutableArray<Site> sites)
    {
        Name = name;
        Header = header;
        ClassText = classText;
        Sites = sites;
    }

    /// <summary>"File.cs:ClassName".</summary>
    public string Name { get; }

    /// <summary>The usings and a namespace declaration with a {0} placeholder, so that each mutant has its own namespace.</summary>
    public string Header { get; }

    /// <summary>The class declaration, with its attributes and leading trivia.</summary>
    public string ClassText { get; }

    public ImmutableArray<Site> Sites { get; }

    public static Seed Analyse(string name, string header, SyntaxTree tree, SemanticModel model)
    {
        var type = tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().First();
        var origin = type.FullSpan.Start;
        var classText = type.ToFullString();
        TextSpan Local(TextSpan span) => new(span.Start - origin, span.Length);
        string Text(SyntaxNode node) => node.ToString();

        var sites = new List<Site>();
        var define = type.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.Identifier.ValueText == "Define");
        var literalNames = new List<string>();

        // The class name.
        sites.Add(new Site("rename-class", Local(type.Identifier.Span), r => new Edit(Local(type.Identifier.Span), Pick(r, Pools.ClassNames), "class renamed")));

        if (define is not null)
        {
            var body = (SyntaxNode?)define.Body ?? define.ExpressionBody!;
            bool InLambda(SyntaxNode node) => node.Ancestors().TakeWhile(a => a != body).Any(a => a is LambdaExpressionSyntax);

            foreach (var literal in body.DescendantNodes().OfType<LiteralExpressionSyntax>().Where(l => !InLambda(l)))
            {
                if (literal.IsKind(SyntaxKind.StringLiteralExpression))
                {
                    literalNames.Add(literal.Token.ValueText);
                    var span = Local(literal.Span);
                    sites.Add(new Site("name", span, r =>
                    {
                        var value = r.Next(5) == 0 && literalNames.Count > 1 ? Pick(r, literalNames) : Pick(r, Pools.Names);
                        return new Edit(span, Pools.StringLiteral(value, r), "name " + Text(literal) + " -> " + Pools.Show(value));
                    }));
                }
                else if (literal.IsKind(SyntaxKind.NumericLiteralExpression))
                {
                    var span = Local(literal.Span);
                    sites.Add(new Site("number", span, r =>
                    {
                        var value = r.Next(4) == 0 ? "-" + literal.Token.Text : Pick(r, Pools.Numbers);
                        return new Edit(span, value, "number " + Text(literal) + " -> " + value);
                    }));
                }
            }

            foreach (var node in body.DescendantNodes().Where(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax && !InLambda(n)))
            {
                AddArgumentSites(node, model, sites, Local);
            }

            foreach (var invocation in body.DescendantNodes().OfType<InvocationExpressionSyntax>().Where(i => !InLambda(i)))
            {
                if (invocation.Expression is not MemberAccessExpressionSyntax access ||
                    model.GetSymbolInfo(invocation).Symbol is not IMethodSymbol method ||
                    !(method.ContainingNamespace?.ToDisplayString() == "Compiled"))
                {
                    continue;
                }

                var span = Local(invocation.Span);
                var receiver = access.Expression.ToString();
                var call = access.Name + invocation.ArgumentList.ToString();
                if (method.ContainingType.Name is "PCollection" or "KeyedTransforms" or "WindowingStrategy" or "AfterWatermarkTrigger" &&
                    method.ReturnType.Name is not "Void")
                {
                    sites.Add(new Site("drop-call", span, _ => new Edit(span, receiver, "dropped ." + Shorten(call))));
                    sites.Add(new Site("duplicate-call", span, _ => new Edit(span, invocation + "." + call, "duplicated ." + Shorten(call))));
                }

                // x.GroupByKey(...) -> KeyedTransforms.GroupByKey(x, ...), positional or named in another order.
                if (method.ReducedFrom is { } definition && definition.ContainingType.Name == "KeyedTransforms")
                {
                    var names = ParameterNames(invocation, model);
                    if (names is not null)
                    {
                        var arguments = new List<(string Name, string Text)> { (definition.Parameters[0].Name, receiver) };
                        arguments.AddRange(names.Zip(invocation.ArgumentList.Arguments, (n, a) => (n, a.Expression.ToString())));
                        var prefix = "KeyedTransforms." + access.Name;
                        sites.Add(new Site("static-form", span, r =>
                        {
                            var named = r.Next(2) == 0;
                            var order = named ? Shuffle(r, arguments) : arguments;
                            return new Edit(span, prefix + "(" + string.Join(", ", order.Select(a => named ? a.Name + ": " + a.Text : a.Text)) + ")",
                                "static form" + (named ? " with named arguments" : string.Empty) + " of ." + access.Name, SameMeaning: true);
                        }));
                    }
                }
            }

            if (define.Body is { } block)
            {
                foreach (var statement in block.Statements)
                {
                    var span = Local(statement.FullSpan);
                    var text = statement.ToFullString();
                    sites.Add(new Site("drop-statement", span, _ => new Edit(span, string.Empty, "dropped statement " + Shorten(statement.ToString()))));
                    sites.Add(new Site("duplicate-statement", span, _ => new Edit(span, text + text, "duplicated statement " + Shorten(statement.ToString()))));
                }
            }

            foreach (var lambda in body.DescendantNodes().OfType<LambdaExpressionSyntax>())
            {
                AddLambdaSites(lambda, model, sites, Local, origin, classText);
            }
        }

        return new Seed(name, header, classText, sites.ToImmutableArray());
    }

    /// <summary>Name every argument (in order or shuffled), or swap two positional arguments.</summary>
    private static void AddArgumentSites(SyntaxNode node, SemanticModel model, List<Site> sites, Func<TextSpan, TextSpan> local)
    {
        var list = node switch
        {
            InvocationExpressionSyntax i => i.ArgumentList,
            BaseObjectCreationExpressionSyntax o => o.ArgumentList,
            _ => null,
        };
        if (list is null || list.Arguments.Count == 0 || list.Arguments.Any(a => a.RefKindKeyword != default))
        {
            return;
        }

        var names = ParameterNames(node, model);
        if (names is null)
        {
            return;
        }

        // Durations and enum members are also replaced by other forms: edge values, the other overloads, non-constants.
        var operation = model.GetOperation(node);
        var bound = operation switch
        {
            IInvocationOperation i => i.Arguments,
            IObjectCreationOperation o => o.Arguments,
            _ => default,
        };
        foreach (var argument in bound.IsDefault ? Enumerable.Empty<IArgumentOperation>() : bound.Where(a => a.Syntax is ArgumentSyntax))
        {
            var expression = ((ArgumentSyntax)argument.Syntax).Expression;
            var at = local(expression.Span);
            if (argument.Parameter?.Type is { Name: "TimeSpan", ContainingNamespace.Name: "System" })
            {
                sites.Add(new Site("duration", at, r =>
                {
                    var value = Pick(r, Pools.Durations);
                    return new Edit(at, value, "duration " + Shorten(expression.ToString()) + " -> " + value);
                }));
            }
            else if (argument.Parameter?.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
            {
                var members = enumType.GetMembers().OfType<IFieldSymbol>().Select(f => enumType.Name + "." + f.Name)
                    .Concat(new[] { "(" + enumType.Name + ")7", "(" + enumType.Name + ")(-1)", "default" }).ToList();
                sites.Add(new Site("enum", at, r =>
                {
                    var value = Pick(r, members);
                    return new Edit(at, value, "enum " + expression + " -> " + value);
                }));
            }
        }

        // The parser reads the declaration API and TimeSpan values; other calls (a combine function's factory) are
        // re-emitted as written, so naming their arguments changes the generated text but not its meaning.
        var readByTheParser = operation switch
        {
            IInvocationOperation i => i.TargetMethod.ContainingType,
            IObjectCreationOperation o => o.Type,
            _ => null,
        } is { } target &&
            ((target.ContainingNamespace?.ToDisplayString() == "Compiled" && target.Name is "PCollection" or "PipelineBuilder" or "KeyedTransforms" or "Windows" or "WindowingStrategy" or "Trigger" or "AfterWatermarkTrigger") ||
             (target.ContainingNamespace?.ToDisplayString() == "System" && target.Name == "TimeSpan"));
        var span = local(list.Span);
        var arguments = names.Zip(list.Arguments, (n, a) => (Name: n, Text: a.Expression.ToString())).ToList();
        sites.Add(new Site("named-arguments", span, r =>
        {
            var shuffled = r.Next(3) != 0;
            var order = shuffled ? Shuffle(r, arguments) : arguments;
            return new Edit(span, "(" + string.Join(", ", order.Select(a => a.Name + ": " + a.Text)) + ")",
                (shuffled ? "named and reordered" : "named") + " arguments " + Shorten(list.ToString()), readByTheParser);
        }));
        if (arguments.Count >= 2)
        {
            sites.Add(new Site("swap-arguments", span, r =>
            {
                var i = r.Next(arguments.Count);
                var j = (i + 1 + r.Next(arguments.Count - 1)) % arguments.Count;
                var swapped = arguments.Select(a => a.Text).ToArray();
                (swapped[i], swapped[j]) = (swapped[j], swapped[i]);
                return new Edit(span, "(" + string.Join(", ", swapped) + ")", "swapped arguments " + Shorten(list.ToString()));
            }));
        }
    }

    /// <summary>The parameter each written argument is bound to, in the order written; null when one cannot be named.</summary>
    private static List<string>? ParameterNames(SyntaxNode call, SemanticModel model)
    {
        var arguments = model.GetOperation(call) switch
        {
            IInvocationOperation i => i.Arguments,
            IObjectCreationOperation o => o.Arguments,
            _ => default,
        };
        var list = call switch
        {
            InvocationExpressionSyntax i => i.ArgumentList,
            BaseObjectCreationExpressionSyntax o => o.ArgumentList,
            _ => null,
        };
        if (arguments.IsDefault || list is null)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var argument in list.Arguments)
        {
            var bound = arguments.FirstOrDefault(a => a.Syntax == argument && a.ArgumentKind == ArgumentKind.Explicit);
            if (bound?.Parameter is null)
            {
                return null; // a params element, or an argument the compiler could not bind
            }

            names.Add(bound.Parameter.Name);
        }

        return names;
    }

    /// <summary>Rename a lambda parameter everywhere in the lambda, or drop the lambda's 'static'.</summary>
    private static void AddLambdaSites(LambdaExpressionSyntax lambda, SemanticModel model, List<Site> sites, Func<TextSpan, TextSpan> local, int origin, string classText)
    {
        var span = local(lambda.Span);
        var text = classText.Substring(span.Start, span.Length);
        var parameters = lambda switch
        {
            SimpleLambdaExpressionSyntax s => new[] { s.Parameter },
            ParenthesizedLambdaExpressionSyntax p => p.ParameterList.Parameters.ToArray(),
            _ => Array.Empty<ParameterSyntax>(),
        };
        foreach (var parameter in parameters)
        {
            if (model.GetDeclaredSymbol(parameter) is not { } symbol)
            {
                continue;
            }

            var spans = new List<TextSpan> { parameter.Identifier.Span };
            spans.AddRange(lambda.Body.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Where(id => id.Identifier.ValueText == symbol.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(id).Symbol, symbol))
                .Select(id => id.Span));
            var relative = spans.Select(s => s.Start - lambda.SpanStart).OrderByDescending(s => s).ToList();
            var oldLength = parameter.Identifier.Span.Length;
            sites.Add(new Site("rename-parameter", span, r =>
            {
                var name = Pick(r, Pools.ParameterNames);
                var renamed = text;
                foreach (var start in relative)
                {
                    renamed = renamed.Substring(0, start) + name + renamed.Substring(start + oldLength);
                }

                return new Edit(span, renamed, "lambda parameter " + symbol.Name + " -> " + name);
            }));
        }

        var staticKeyword = lambda.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.StaticKeyword));
        if (staticKeyword != default)
        {
            var keyword = new TextSpan(staticKeyword.FullSpan.Start - origin, staticKeyword.FullSpan.Length);
            sites.Add(new Site("not-static", keyword, _ => new Edit(keyword, string.Empty, "lambda without static")));
        }
    }

    internal static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static List<T> Shuffle<T>(Random random, List<T> items)
    {
        var copy = items.ToList();
        for (var i = copy.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy;
    }

    private static string Shorten(string text)
    {
        var single = string.Join(" ", text.Split('\n').Select(l => l.Trim()));
        return single.Length <= 60 ? single : single.Substring(0, 57) + "...";
    }
}
