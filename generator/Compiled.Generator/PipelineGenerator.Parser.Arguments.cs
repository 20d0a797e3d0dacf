using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Parser
    {
        /// <summary>
        /// A call (method, extension method in either form, or constructor) whose arguments the compiler has bound
        /// to parameters. Every argument of a declaration call is read through it by parameter name, so positional,
        /// named, reordered, defaulted and <c>params</c> arguments all read the same way.
        /// </summary>
        private sealed class BoundCall
        {
            private readonly Dictionary<string, BoundArgument> _byName;

            private BoundCall(IMethodSymbol method, SyntaxNode syntax, IOperation? instance, ImmutableArray<IArgumentOperation> arguments, Func<IOperation, Optional<object?>>? constants)
            {
                Method = method;
                Syntax = syntax;
                Instance = instance;
                _byName = new Dictionary<string, BoundArgument>(StringComparer.Ordinal);
                var list = new List<BoundArgument>(arguments.Length);
                foreach (var argument in arguments)
                {
                    if (argument.Parameter is null)
                    {
                        continue;
                    }

                    var bound = new BoundArgument(argument, syntax, constants);
                    list.Add(bound);
                    _byName[bound.Name] = bound;
                }

                Arguments = list;
            }

            /// <summary>
            /// The method called. For an extension method, in either form (<c>x.GroupByKey()</c> or
            /// <c>KeyedTransforms.GroupByKey(x)</c>), its static definition, whose first parameter is the receiver.
            /// </summary>
            public IMethodSymbol Method { get; }

            /// <summary>The invocation or object creation.</summary>
            public SyntaxNode Syntax { get; }

            /// <summary>The instance an instance method is called on, or null.</summary>
            public IOperation? Instance { get; }

            /// <summary>Every argument bound to a parameter (explicit, defaulted and params), in evaluation order.</summary>
            public IReadOnlyList<BoundArgument> Arguments { get; }

            /// <summary>The argument bound to the parameter named <paramref name="parameter"/>, or null when the method has no such parameter.</summary>
            public BoundArgument? this[string parameter] => _byName.TryGetValue(parameter, out var argument) ? argument : null;

            /// <summary>
            /// The receiver's expression: the instance of an instance call, or the argument bound to an extension
            /// method's <c>this</c> parameter (wherever it is written).
            /// </summary>
            public ExpressionSyntax? ReceiverExpression =>
                Method.IsExtensionMethod && Method.Parameters.Length > 0
                    ? this[Method.Parameters[0].Name]?.Expression
                    : Instance?.Syntax as ExpressionSyntax;

            /// <summary>
            /// Binds <paramref name="syntax"/> (an invocation or an object creation) through the compiler's operation
            /// tree; null when the compiler could not bind it to one method (errors in the source).
            /// </summary>
            public static BoundCall? Bind(SemanticModel model, SyntaxNode syntax, System.Threading.CancellationToken cancellationToken, Func<IOperation, Optional<object?>>? constants = null) =>
                model.GetOperation(syntax, cancellationToken) switch
                {
                    IInvocationOperation invocation => new BoundCall(invocation.TargetMethod, syntax, invocation.Instance, invocation.Arguments, constants),
                    IObjectCreationOperation { Constructor: { } constructor } creation => new BoundCall(constructor, syntax, null, creation.Arguments, constants),
                    _ => null,
                };
        }

        /// <summary>One argument of a <see cref="BoundCall"/>: the parameter it is bound to and the value as written.</summary>
        private sealed class BoundArgument
        {
            private readonly SyntaxNode _call;
            private readonly Func<IOperation, Optional<object?>>? _constants;

            public BoundArgument(IArgumentOperation operation, SyntaxNode call, Func<IOperation, Optional<object?>>? constants = null)
            {
                _call = call;
                _constants = constants;
                Parameter = operation.Parameter!;
                Value = operation.Value;
                Kind = operation.ArgumentKind;

                // A default value or an empty params array has no syntax of its own: it is not "written".
                Syntax = operation.Syntax as ArgumentSyntax;
                Expression = Kind == ArgumentKind.DefaultValue ? null : Syntax?.Expression ?? (Kind == ArgumentKind.Explicit ? operation.Syntax as ExpressionSyntax : null);
                Elements = ElementsOf(Kind, Value);
            }

            /// <summary>The parameter's name.</summary>
            public string Name => Parameter.Name;

            public IParameterSymbol Parameter { get; }

            /// <summary>Explicit (written), DefaultValue (the parameter's default) or ParamArray (expanded params elements).</summary>
            public ArgumentKind Kind { get; }

            /// <summary>True when the argument is written in the source (not the parameter's default value).</summary>
            public bool IsExplicit => Kind == ArgumentKind.Explicit || (Kind == ArgumentKind.ParamArray && Elements is { Length: > 0 });

            /// <summary>The argument as written, with its name if it has one (for locations); null for default values, params, and a receiver written before the dot.</summary>
            public ArgumentSyntax? Syntax { get; }

            /// <summary>The value as written (for an extension method's receiver, the expression before the dot); null when not written.</summary>
            public ExpressionSyntax? Expression { get; }

            /// <summary>The bound value, converted to the parameter's type (a default value is a constant too).</summary>
            public IOperation Value { get; }

            /// <summary>
            /// The value's constant, after conversion to the parameter's type, when it has one: a C# constant, or a value the
            /// generator reads at build time (a static readonly field, a composite's value parameter).
            /// </summary>
            public Optional<object?> Constant => _constants?.Invoke(Value) ?? Value.ConstantValue;

            /// <summary>
            /// For an array parameter: the element expressions when written in place (expanded params, <c>new[] { ... }</c>
            /// or a collection expression); default otherwise.
            /// </summary>
            public ImmutableArray<ExpressionSyntax> Elements { get; }

            /// <summary>Where to report a problem with this argument: its value as written, or else the whole call.</summary>
            public Location Location => ((SyntaxNode?)Expression ?? FirstElement ?? _call).GetLocation();

            /// <summary>The value as written, for messages (the call when the argument is not written).</summary>
            public string Text => ((SyntaxNode?)Expression ?? _call).ToString();

            /// <summary>
            /// The type of the value as written, before any implicit conversion to the parameter's type (for example
            /// <c>char</c> for <c>TimeSpan.FromSeconds('a')</c>).
            /// </summary>
            public ITypeSymbol? WrittenType => (Value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : Value).Type;

            private SyntaxNode? FirstElement => Elements.IsDefaultOrEmpty ? null : Elements[0];

            private static ImmutableArray<ExpressionSyntax> ElementsOf(ArgumentKind kind, IOperation value)
            {
                while (value is IConversionOperation { IsImplicit: true } conversion)
                {
                    value = conversion.Operand;
                }

                IEnumerable<IOperation>? elements = value switch
                {
                    IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
                    IArrayCreationOperation when kind == ArgumentKind.ParamArray => Enumerable.Empty<IOperation>(),
                    ICollectionExpressionOperation collection => collection.Elements,
                    _ => null,
                };
                if (elements is null)
                {
                    return default;
                }

                var builder = ImmutableArray.CreateBuilder<ExpressionSyntax>();
                foreach (var element in elements)
                {
                    switch (element.Syntax)
                    {
                        case ArgumentSyntax argument:
                            builder.Add(argument.Expression);
                            break;
                        case ExpressionSyntax expression:
                            builder.Add(expression);
                            break;
                        default:
                            return default; // a spread (..xs) or anything else not written element by element
                    }
                }

                return builder.ToImmutable();
            }
        }
    }
}
