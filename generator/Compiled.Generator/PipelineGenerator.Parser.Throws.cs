using System.Linq;
using Compiled.Generator.Model;
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
            // ----- lambdas that cannot throw -----

            /// <summary>
            /// Why a lambda's body may throw, or null when it provably cannot, read from the bound operations (so conversions,
            /// constants and checked contexts are the compiler's own). What cannot throw: constants, parameters and locals;
            /// fields and auto-implemented properties of values (a struct, never a reference that may be null); unchecked
            /// arithmetic, comparisons, shifts and logic over primitive types (integer division and remainder only by a
            /// constant other than 0 and -1); implicit conversions and unchecked numeric ones (decimal excluded); conditions;
            /// and KV pairs (<c>KV.Of</c>, <c>new KV</c>), tuples and <c>Math.Min</c>/<c>Math.Max</c> of those. Anything else
            /// (a call, an allocation, an indexer, a cast that may fail, a checked operation) may throw, and the first such
            /// is named.
            /// </summary>
            private string? ThrowsWhy(LambdaExpressionSyntax lambda)
            {
                if (lambda.SyntaxTree != _model.SyntaxTree || _model.GetOperation(lambda, _cancellationToken) is not IAnonymousFunctionOperation function)
                {
                    return "the generator could not read its body";
                }

                return ThrowsWhy(function.Body);
            }

            private string? ThrowsWhy(IOperation? operation)
            {
                switch (operation)
                {
                    case null:
                        return null;
                    case { ConstantValue.HasValue: true }:
                    case IParameterReferenceOperation or ILocalReferenceOperation or IDefaultValueOperation or IEmptyOperation:
                        return null;
                    case IBlockOperation block:
                        return block.Operations.Select(ThrowsWhy).FirstOrDefault(why => why is not null);
                    case IReturnOperation ret:
                        return ThrowsWhy(ret.ReturnedValue);
                    case IExpressionStatementOperation statement:
                        return ThrowsWhy(statement.Operation);
                    case IVariableDeclarationGroupOperation group:
                        return group.Declarations.SelectMany(d => d.Declarators.Select(v => v.Initializer?.Value).Append(d.Initializer?.Value)).Select(ThrowsWhy).FirstOrDefault(why => why is not null);
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation } assignment:
                        return ThrowsWhy(assignment.Value);
                    case IConditionalOperation conditional:
                        return ThrowsWhy(conditional.Condition) ?? ThrowsWhy(conditional.WhenTrue) ?? ThrowsWhy(conditional.WhenFalse);
                    case ICoalesceOperation coalesce:
                        return ThrowsWhy(coalesce.Value) ?? ThrowsWhy(coalesce.WhenNull);
                    case ITupleOperation tuple:
                        return tuple.Elements.Select(ThrowsWhy).FirstOrDefault(why => why is not null);
                    case IFieldReferenceOperation { Instance: { Type.IsValueType: true } instance }:
                        return ThrowsWhy(instance);
                    case IPropertyReferenceOperation { Instance: { Type.IsValueType: true } instance, Arguments.Length: 0 } property when IsPlainProperty(property.Property):
                        return ThrowsWhy(instance);
                    case IConversionOperation conversion when CannotFail(conversion):
                        return ThrowsWhy(conversion.Operand);
                    case IUnaryOperation { OperatorMethod: null, IsChecked: false } unary when IsPrimitive(unary.Operand.Type):
                        return ThrowsWhy(unary.Operand);
                    case IBinaryOperation { OperatorMethod: null } binary when IsPrimitive(binary.LeftOperand.Type) && IsPrimitive(binary.RightOperand.Type) && CannotFail(binary):
                        return ThrowsWhy(binary.LeftOperand) ?? ThrowsWhy(binary.RightOperand);
                    case IObjectCreationOperation { Initializer: null } creation when IsKv(creation.Type) || creation.Type is INamedTypeSymbol { IsTupleType: true }:
                        return creation.Arguments.Select(a => ThrowsWhy(a.Value)).FirstOrDefault(why => why is not null);
                    case IInvocationOperation invocation when IsPlainCall(invocation.TargetMethod):
                        return invocation.Arguments.Select(a => ThrowsWhy(a.Value)).FirstOrDefault(why => why is not null);
                    case IInvocationOperation invocation:
                        return "it calls " + invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name;
                    default:
                        return "it uses '" + Shorten(operation.Syntax.ToString()) + "'";
                }
            }

            /// <summary>A property whose getter only reads a field: an auto-implemented one of a type declared here, or KV's Key and Value.</summary>
            private static bool IsPlainProperty(IPropertySymbol property) =>
                IsKv(property.ContainingType) && property.Name is "Key" or "Value" ||
                property.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));

            private static bool IsKv(ITypeSymbol? type) =>
                type is INamedTypeSymbol { Name: "KV", ContainingNamespace: { Name: "Compiled", ContainingNamespace.IsGlobalNamespace: true } };

            /// <summary>KV.Of, and Math.Min and Math.Max of primitive values.</summary>
            private static bool IsPlainCall(IMethodSymbol method) =>
                method is { Name: "Of", IsStatic: true } && IsKv(method.ContainingType) ||
                method is { Name: "Min" or "Max", ContainingType: { Name: "Math", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } &&
                method.Parameters.All(p => IsPrimitive(p.Type));

            /// <summary>The primitive numeric types, bool and char (not decimal, whose operators are methods that check), and enums.</summary>
            private static bool IsPrimitive(ITypeSymbol? type) => type is not null && (type.TypeKind == TypeKind.Enum || type.SpecialType is
                SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte or
                SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32 or
                SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double);

            /// <summary>An implicit conversion that is not user-defined, or an unchecked one between primitive types.</summary>
            private static bool CannotFail(IConversionOperation conversion) =>
                !conversion.Conversion.IsUserDefined && conversion.Operand.Type?.SpecialType != SpecialType.System_Decimal && conversion.Type?.SpecialType != SpecialType.System_Decimal &&
                (conversion.Conversion.IsImplicit && !conversion.Conversion.IsNullable ||
                 !conversion.IsChecked && IsPrimitive(conversion.Operand.Type) && IsPrimitive(conversion.Type));

            /// <summary>Unchecked arithmetic; integer division and remainder only by a constant other than 0 and -1.</summary>
            private static bool CannotFail(IBinaryOperation binary)
            {
                if (binary.IsChecked && binary.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply &&
                    binary.Type?.SpecialType is not (SpecialType.System_Single or SpecialType.System_Double))
                {
                    return false;
                }

                if (binary.OperatorKind is BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder &&
                    binary.Type?.SpecialType is not (SpecialType.System_Single or SpecialType.System_Double))
                {
                    return binary.RightOperand.ConstantValue is { HasValue: true, Value: { } divisor } && IntegerValue(divisor) is { } value && value is not (0m or -1m);
                }

                return true;
            }

            /// <summary>The value of an integer constant, or null for any other constant.</summary>
            private static decimal? IntegerValue(object constant) => constant switch
            {
                sbyte v => v,
                byte v => v,
                short v => v,
                ushort v => v,
                int v => v,
                uint v => v,
                long v => v,
                ulong v => v,
                char v => v,
                _ => null,
            };
        }
    }
}
