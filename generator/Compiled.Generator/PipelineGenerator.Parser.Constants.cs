using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    internal static partial class Parser
    {
        private sealed partial class Session
        {
            // ----- values known at build time -----

            /// <summary>
            /// The value parameters of the composites being inlined: each parameter's argument as the call site bound it (in
            /// the caller's semantic model), so that a window size or a count passed to a composite reads as the caller's
            /// constant.
            /// </summary>
            private readonly Dictionary<IParameterSymbol, IOperation> _boundParameters = new(SymbolEqualityComparer.Default);

            private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();

            /// <summary>How many fields or parameters a value may go through before it is given up on (a cycle of fields).</summary>
            private const int MaxIndirections = 16;

            /// <summary>Binds a declaration call, its arguments' constants read through <see cref="ConstantOf(IOperation)"/>.</summary>
            private BoundCall? Bind(SyntaxNode syntax) => BoundCall.Bind(_model, syntax, _cancellationToken, ConstantOf);

            /// <summary>The semantic model of <paramref name="tree"/> (a composite or a field may be declared in another file).</summary>
            private SemanticModel ModelOf(SyntaxTree tree)
            {
                if (_model is not null && _model.SyntaxTree == tree)
                {
                    return _model;
                }

                if (!_models.TryGetValue(tree, out var model))
                {
                    model = tree == _context.SemanticModel.SyntaxTree ? _context.SemanticModel : _context.SemanticModel.Compilation.GetSemanticModel(tree);
                    _models[tree] = model;
                }

                return model;
            }

            /// <summary>
            /// The constant value of <paramref name="value"/>: a C# constant, or a value the generator can read at build time
            /// although C# does not call it constant: a <c>static readonly</c> field of a primitive, string or TimeSpan type
            /// whose initializer is such a value, a local of the declaration initialized with one, or a value parameter of a
            /// composite (the argument of its call).
            /// </summary>
            private Optional<object?> ConstantOf(IOperation value) => ConstantOf(value, 0);

            private Optional<object?> ConstantOf(IOperation value, int depth)
            {
                if (value.ConstantValue.HasValue || depth > MaxIndirections)
                {
                    return value.ConstantValue;
                }

                var target = Dereference(value);
                if (!ReferenceEquals(target, value))
                {
                    return ConstantOf(target, depth + 1);
                }

                if (value is IConversionOperation { OperatorMethod: null } conversion && value.Type is { } type &&
                    ConstantOf(conversion.Operand, depth + 1) is { HasValue: true } operand)
                {
                    return Convert(operand.Value, type);
                }

                return default;
            }

            /// <summary>
            /// The value a reference stands for: the initializer of a readable <c>static readonly</c> field, or the argument
            /// of a composite's value parameter; <paramref name="value"/> itself otherwise.
            /// </summary>
            private IOperation Dereference(IOperation value)
            {
                for (var i = 0; i < MaxIndirections; i++)
                {
                    switch (value)
                    {
                        case IParameterReferenceOperation { Parameter: var parameter } when _boundParameters.TryGetValue(parameter, out var argument):
                            value = argument;
                            continue;
                        case IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true, IsConst: false } field } when InitializerOf(field) is { } initializer:
                            value = initializer;
                            continue;
                        case ILocalReferenceOperation { Local: var local } when _valueLocals.Contains(local) && InitializerOf(local) is { } initial:
                            // A value local of the declaration: it is never assigned again (that is CMP0004), so it is its initializer.
                            value = initial;
                            continue;
                    }

                    return value;
                }

                return value;
            }

            /// <summary>
            /// The initializer of a <c>static readonly</c> field of a plain type (primitive, string, TimeSpan) declared in this
            /// compilation, with its conversion to the field's type; null when it has none, or when a static constructor
            /// assigns the field as well (its value is then not the initializer's).
            /// </summary>
            private IOperation? InitializerOf(IFieldSymbol field)
            {
                if (!IsPlainValue(field.Type) || field.DeclaringSyntaxReferences.Length != 1 ||
                    field.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax { Initializer: { } initializer } declarator)
                {
                    return null;
                }

                foreach (var constructor in field.ContainingType.StaticConstructors)
                {
                    foreach (var reference in constructor.DeclaringSyntaxReferences)
                    {
                        if (reference.GetSyntax(_cancellationToken).DescendantNodes().OfType<AssignmentExpressionSyntax>()
                                .Any(a => a.Left.ToString().EndsWith(field.Name, StringComparison.Ordinal)))
                        {
                            return null;
                        }
                    }
                }

                return ModelOf(declarator.SyntaxTree).GetOperation(initializer, _cancellationToken) is IFieldInitializerOperation { Value: { } value }
                    ? value
                    : null;
            }

            /// <summary>The initializer of a value local of Define or of a composite, with its conversion to the local's type.</summary>
            private IOperation? InitializerOf(ILocalSymbol local) =>
                local.DeclaringSyntaxReferences.Length == 1 &&
                local.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken) is VariableDeclaratorSyntax { Initializer: { } initializer } declarator &&
                ModelOf(declarator.SyntaxTree).GetOperation(initializer, _cancellationToken) is IVariableInitializerOperation { Value: { } value }
                    ? value
                    : null;

            /// <summary>A constant converted as C# converts it (numeric conversions truncate toward zero); none when not numeric or string.</summary>
            private static Optional<object?> Convert(object? value, ITypeSymbol type)
            {
                if (value is null)
                {
                    return type.IsReferenceType ? new Optional<object?>(null) : default;
                }

                var target = type.SpecialType switch
                {
                    SpecialType.System_Int32 => typeof(int),
                    SpecialType.System_Int64 => typeof(long),
                    SpecialType.System_Int16 => typeof(short),
                    SpecialType.System_SByte => typeof(sbyte),
                    SpecialType.System_Byte => typeof(byte),
                    SpecialType.System_UInt16 => typeof(ushort),
                    SpecialType.System_UInt32 => typeof(uint),
                    SpecialType.System_UInt64 => typeof(ulong),
                    SpecialType.System_Double => typeof(double),
                    SpecialType.System_Single => typeof(float),
                    SpecialType.System_Decimal => typeof(decimal),
                    SpecialType.System_String => typeof(string),
                    SpecialType.System_Boolean => typeof(bool),
                    _ => null,
                };
                if (target is null || value.GetType() == target)
                {
                    return target is null ? default : new Optional<object?>(value);
                }

                try
                {
                    var integral = target != typeof(double) && target != typeof(float) && target != typeof(decimal);
                    var source = value is double or float or decimal && integral ? Math.Truncate(System.Convert.ToDecimal(value, CultureInfo.InvariantCulture)) : value;
                    return new Optional<object?>(System.Convert.ChangeType(source, target, CultureInfo.InvariantCulture));
                }
#pragma warning disable CA1031 // Out of range or not convertible: simply not a constant the generator can read.
                catch (Exception)
#pragma warning restore CA1031
                {
                    return default;
                }
            }
        }
    }
}
