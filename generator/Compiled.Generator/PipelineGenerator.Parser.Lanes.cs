using System.Globalization;
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
            // ----- lambdas that run in vector lanes -----

            /// <summary>Thrown inside <see cref="Lane"/> to say why a body cannot run in lanes; caught in <see cref="ReadLanes"/>.</summary>
            private sealed class NotLanes : System.Exception
            {
                public NotLanes(string why)
                    : base(why)
                {
                }
            }

            /// <summary>
            /// Reads a lambda of one int, long or double parameter whose body can run in vector lanes (see <see cref="LaneExpr"/>),
            /// from the bound operations (so implicit conversions, constants and checked contexts are the compiler's own);
            /// or says why it cannot.
            /// </summary>
            private (LaneExpr? Lanes, string? WhyNot) ReadLanes(LambdaExpressionSyntax lambda, IMethodSymbol symbol)
            {
                var parameterType = symbol.Parameters.Length == 1 ? LaneTypeOf(symbol.Parameters[0].Type) : null;
                if (parameterType is not (LaneType.Int32 or LaneType.Int64 or LaneType.Single or LaneType.Double))
                {
                    return (null, "it does not take one int, long, float or double");
                }

                var returns = LaneTypeOf(symbol.ReturnType);
                if (returns is null)
                {
                    return (null, "it returns " + symbol.ReturnType.ToDisplayString() + ", not an int, a long, a float, a double or a bool");
                }

                if (returns != LaneType.Bool && parameterType.Value.Family() != returns.Value.Family())
                {
                    return (null, "it converts between " + (parameterType.Value.IsFloatingPoint() && returns.Value.IsFloatingPoint() ? "floats and doubles" : "integers and floating point") + " (" + symbol.Parameters[0].Type.ToDisplayString() + " to " + symbol.ReturnType.ToDisplayString() + ")");
                }

                if (lambda.SyntaxTree != _model.SyntaxTree || _model.GetOperation(lambda, _cancellationToken) is not IAnonymousFunctionOperation function ||
                    function.Body.Operations.Length != 1 || function.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } returned })
                {
                    return (null, "its body is not a single expression or return");
                }

                try
                {
                    return (Lane(returned, symbol.Parameters[0]), null);
                }
                catch (NotLanes why)
                {
                    return (null, why.Message);
                }
            }

            private static LaneType? LaneTypeOf(ITypeSymbol? type) => type?.SpecialType switch
            {
                SpecialType.System_Int32 => LaneType.Int32,
                SpecialType.System_Int64 => LaneType.Int64,
                SpecialType.System_Boolean => LaneType.Bool,
                SpecialType.System_Double => LaneType.Double,
                SpecialType.System_Single => LaneType.Single,
                _ => null,
            };

            private LaneExpr Lane(IOperation operation, IParameterSymbol parameter)
            {
                var type = LaneTypeOf(operation.Type) ?? throw new NotLanes("it computes a " + (operation.Type?.ToDisplayString() ?? "value without a type") + " ('" + Shorten(operation.Syntax.ToString()) + "'); lanes hold int, long, double and bool");
                if (operation.ConstantValue is { HasValue: true, Value: { } constant })
                {
                    return LaneExpr.Leaf(LaneOp.Const, type, constant switch
                    {
                        bool b => b ? 1 : 0,
                        double d => System.BitConverter.DoubleToInt64Bits(d),
                        float f => System.BitConverter.DoubleToInt64Bits(f),
                        _ => System.Convert.ToInt64(constant, CultureInfo.InvariantCulture),
                    });
                }

                switch (operation)
                {
                    case IParameterReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter):
                        return LaneExpr.Leaf(LaneOp.Param, type);
                    case IParenthesizedOperation parenthesized:
                        return Lane(parenthesized.Operand, parameter);
                    case IConversionOperation conversion:
                        return Conversion(conversion, type, parameter);
                    case IUnaryOperation unary:
                        return Unary(unary, type, parameter);
                    case IBinaryOperation binary:
                        return Binary(binary, type, parameter);
                    case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                        return LaneExpr.Of(LaneOp.Conditional, type, Lane(conditional.Condition, parameter), Lane(conditional.WhenTrue, parameter), Lane(whenFalse, parameter));
                    case IInvocationOperation invocation:
                        throw new NotLanes("it calls a method (" + invocation.TargetMethod.ContainingType.Name + "." + invocation.TargetMethod.Name + ")");
                    case IFieldReferenceOperation or IPropertyReferenceOperation:
                        throw new NotLanes("it reads a field or property ('" + Shorten(operation.Syntax.ToString()) + "')");
                    default:
                        throw new NotLanes("'" + Shorten(operation.Syntax.ToString()) + "' has no vector form");
                }
            }

            private LaneExpr Conversion(IConversionOperation conversion, LaneType type, IParameterSymbol parameter)
            {
                var from = LaneTypeOf(conversion.Operand.Type);
                var operand = Lane(conversion.Operand, parameter);
                if (from == type)
                {
                    return operand;
                }

                if (from == LaneType.Int32 && type == LaneType.Int64)
                {
                    return LaneExpr.Of(LaneOp.Widen, type, operand);
                }

                if (from == LaneType.Int64 && type == LaneType.Int32 && !conversion.IsChecked)
                {
                    return LaneExpr.Of(LaneOp.Narrow, type, operand);
                }

                throw new NotLanes(conversion.IsChecked && !type.IsFloatingPoint() && from?.IsFloatingPoint() != true
                    ? "a checked conversion must throw at its element"
                    : "it converts " + conversion.Operand.Type?.ToDisplayString() + " to " + conversion.Type?.ToDisplayString());
            }

            private LaneExpr Unary(IUnaryOperation unary, LaneType type, IParameterSymbol parameter)
            {
                if (unary.IsChecked && unary.OperatorKind == UnaryOperatorKind.Minus && !type.IsFloatingPoint())
                {
                    throw new NotLanes("checked arithmetic ('" + Shorten(unary.Syntax.ToString()) + "') must throw at the element that overflows");
                }

                var operand = Lane(unary.Operand, parameter);
                return unary.OperatorKind switch
                {
                    UnaryOperatorKind.Plus => operand,
                    UnaryOperatorKind.Minus => LaneExpr.Of(LaneOp.Negate, type, operand),
                    UnaryOperatorKind.BitwiseNegation or UnaryOperatorKind.Not => LaneExpr.Of(LaneOp.Not, type, operand),
                    _ => throw new NotLanes("'" + Shorten(unary.Syntax.ToString()) + "' has no vector form"),
                };
            }

            private LaneExpr Binary(IBinaryOperation binary, LaneType type, IParameterSymbol parameter)
            {
                if (binary.OperatorMethod is not null)
                {
                    throw new NotLanes("it calls a user-defined operator (" + binary.OperatorMethod.Name + ")");
                }

                var kind = binary.OperatorKind;
                var doubles = LaneTypeOf(binary.LeftOperand.Type)?.IsFloatingPoint() == true;
                if (binary.IsChecked && !doubles && kind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply)
                {
                    throw new NotLanes("checked arithmetic ('" + Shorten(binary.Syntax.ToString()) + "') must throw at the element that overflows");
                }

                var left = Lane(binary.LeftOperand, parameter);
                if (kind is BinaryOperatorKind.LeftShift or BinaryOperatorKind.RightShift or BinaryOperatorKind.UnsignedRightShift)
                {
                    if (binary.RightOperand.ConstantValue is not { HasValue: true, Value: int count })
                    {
                        throw new NotLanes("it shifts by a count that is not a constant ('" + Shorten(binary.Syntax.ToString()) + "')");
                    }

                    // C# masks the count by the width of the shifted type.
                    var masked = count & (left.Type == LaneType.Int64 ? 63 : 31);
                    var op = kind == BinaryOperatorKind.LeftShift ? LaneOp.ShiftLeft : kind == BinaryOperatorKind.RightShift ? LaneOp.ShiftRight : LaneOp.ShiftRightUnsigned;
                    return LaneExpr.Of(op, type, masked, left);
                }

                if (doubles && kind == BinaryOperatorKind.Remainder)
                {
                    throw new NotLanes("a floating-point remainder has no vector form ('" + Shorten(binary.Syntax.ToString()) + "')");
                }

                if (!doubles && kind is BinaryOperatorKind.Remainder or BinaryOperatorKind.Divide)
                {
                    var d = binary.RightOperand.ConstantValue is { HasValue: true, Value: { } divisor } ? System.Convert.ToInt64(divisor, CultureInfo.InvariantCulture) : 0;
                    if (d <= 0 || (d & (d - 1)) != 0)
                    {
                        throw new NotLanes((kind == BinaryOperatorKind.Divide ? "a division" : "a remainder") + " by anything but a positive power of two has no vector form ('" + Shorten(binary.Syntax.ToString()) + "')");
                    }

                    return LaneExpr.Of(kind == BinaryOperatorKind.Divide ? LaneOp.DividePow2 : LaneOp.RemainderPow2, type, d, left);
                }

                var right = Lane(binary.RightOperand, parameter);
                var laneOp = kind switch
                {
                    BinaryOperatorKind.Add => LaneOp.Add,
                    BinaryOperatorKind.Subtract => LaneOp.Subtract,
                    BinaryOperatorKind.Multiply => LaneOp.Multiply,
                    BinaryOperatorKind.Divide => LaneOp.Divide,
                    BinaryOperatorKind.And or BinaryOperatorKind.ConditionalAnd => LaneOp.And,
                    BinaryOperatorKind.Or or BinaryOperatorKind.ConditionalOr => LaneOp.Or,
                    BinaryOperatorKind.ExclusiveOr => LaneOp.Xor,
                    BinaryOperatorKind.Equals => LaneOp.Equal,
                    BinaryOperatorKind.NotEquals => LaneOp.NotEqual,
                    BinaryOperatorKind.LessThan => LaneOp.Less,
                    BinaryOperatorKind.LessThanOrEqual => LaneOp.LessOrEqual,
                    BinaryOperatorKind.GreaterThan => LaneOp.Greater,
                    BinaryOperatorKind.GreaterThanOrEqual => LaneOp.GreaterOrEqual,
                    _ => throw new NotLanes("'" + Shorten(binary.Syntax.ToString()) + "' has no vector form"),
                };

                if (left.Type != right.Type)
                {
                    // Binary numeric promotion makes both sides one type; a mixed pair here is not one the lanes know.
                    throw new NotLanes("'" + Shorten(binary.Syntax.ToString()) + "' mixes operand types");
                }

                return LaneExpr.Of(laneOp, type, left, right);
            }
        }
    }
}
