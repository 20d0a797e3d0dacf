using System;
using System.Globalization;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Windowing;

/// <summary>
/// Evaluates a <see cref="TimeSpan"/> expression known at build time, in ticks: <c>TimeSpan.Zero</c>,
/// <c>TimeSpan.FromSeconds(30)</c> (and the other <c>From*</c> factories, with their optional arguments),
/// <c>new TimeSpan(...)</c> of constants, <c>default</c>, unary minus, and sums and differences of those.
/// </summary>
internal static class TimeSpanConstant
{
    private const double TicksPerMicrosecond = 10;
    private const double TicksPerMillisecond = 10_000;
    private const double TicksPerSecond = 10_000_000;
    private const double TicksPerMinute = 600_000_000;
    private const double TicksPerHour = 36_000_000_000;
    private const double TicksPerDay = 864_000_000_000;

    /// <summary>Evaluates <paramref name="operation"/>; false when it is not a constant duration.</summary>
    public static bool TryEvaluate(IOperation? operation, CompiledSymbols symbols, out double ticks) =>
        TryEvaluate(operation, symbols, depth: 0, out ticks);

    /// <summary>Formats ticks the way a reader writes a duration (<c>30 s</c>, <c>-5 min</c>, <c>0</c>).</summary>
    public static string Format(double ticks)
    {
        var value = TimeSpan.FromTicks((long)Math.Round(Math.Max(Math.Min(ticks, long.MaxValue / 2.0), long.MinValue / 2.0)));
        return value.ToString("c", CultureInfo.InvariantCulture);
    }

    private static bool TryEvaluate(IOperation? operation, CompiledSymbols symbols, int depth, out double ticks)
    {
        ticks = 0;
        operation = OperationHelpers.Strip(operation);
        if (operation is null || depth > 8 || !IsTimeSpan(operation.Type, symbols))
        {
            return false;
        }

        switch (operation)
        {
            case IFieldReferenceOperation { Field: { IsStatic: true, Name: "Zero" } }:
            case IDefaultValueOperation:
                return true;

            case IObjectCreationOperation { Constructor: { } constructor } creation when creation.Initializer is null:
                return Sum(creation.Arguments, unitFromMethod: double.NaN, out ticks) && constructor.Parameters.Length == creation.Arguments.Length;

            case IInvocationOperation { TargetMethod: { IsStatic: true } method } invocation
                when IsTimeSpan(method.ContainingType, symbols) && method.Name.StartsWith("From", StringComparison.Ordinal):
                return Sum(invocation.Arguments, UnitOfFactory(method.Name), out ticks);

            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } negation:
                if (TryEvaluate(negation.Operand, symbols, depth + 1, out var operand))
                {
                    ticks = -operand;
                    return true;
                }

                return false;

            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Plus } plus:
                return TryEvaluate(plus.Operand, symbols, depth + 1, out ticks);

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } binary:
                if (TryEvaluate(binary.LeftOperand, symbols, depth + 1, out var left) &&
                    TryEvaluate(binary.RightOperand, symbols, depth + 1, out var right))
                {
                    ticks = binary.OperatorKind == BinaryOperatorKind.Add ? left + right : left - right;
                    return true;
                }

                return false;

            default:
                return false;
        }
    }

    private static bool IsTimeSpan(ITypeSymbol? type, CompiledSymbols symbols) =>
        symbols.TimeSpan is not null
            ? SymbolEqualityComparer.Default.Equals(type, symbols.TimeSpan)
            : type?.ToDisplayString() == "System.TimeSpan";

    private static double UnitOfFactory(string name) => name switch
    {
        "FromDays" => TicksPerDay,
        "FromHours" => TicksPerHour,
        "FromMinutes" => TicksPerMinute,
        "FromSeconds" => TicksPerSecond,
        "FromMilliseconds" => TicksPerMillisecond,
        "FromMicroseconds" => TicksPerMicrosecond,
        "FromTicks" => 1,
        _ => double.NaN,
    };

    private static double UnitOfParameter(string name) => name switch
    {
        "days" => TicksPerDay,
        "hours" => TicksPerHour,
        "minutes" => TicksPerMinute,
        "seconds" => TicksPerSecond,
        "milliseconds" => TicksPerMillisecond,
        "microseconds" => TicksPerMicrosecond,
        "ticks" => 1,
        _ => double.NaN,
    };

    /// <summary>Sums the arguments, each scaled by the unit its parameter's name says (<c>value</c>: the factory's unit).</summary>
    private static bool Sum(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, double unitFromMethod, out double ticks)
    {
        ticks = 0;
        if (arguments.Length == 0)
        {
            return false;
        }

        foreach (var argument in arguments)
        {
            var name = argument.Parameter?.Name;
            if (name is null)
            {
                return false;
            }

            var unit = UnitOfParameter(name);
            if (double.IsNaN(unit))
            {
                unit = unitFromMethod;
            }

            var constant = argument.Value.ConstantValue;
            if (double.IsNaN(unit) || !constant.HasValue || !TryToDouble(constant.Value, out var value))
            {
                return false;
            }

            ticks += value * unit;
        }

        return !double.IsNaN(ticks) && !double.IsInfinity(ticks);
    }

    private static bool TryToDouble(object? value, out double result)
    {
        switch (value)
        {
            case int i: result = i; return true;
            case long l: result = l; return true;
            case double d: result = d; return true;
            case float f: result = f; return true;
            case short s: result = s; return true;
            case byte b: result = b; return true;
            case sbyte sb: result = sb; return true;
            case ushort us: result = us; return true;
            case uint ui: result = ui; return true;
            case ulong ul: result = ul; return true;
            case decimal m: result = (double)m; return true;
            default: result = 0; return false;
        }
    }
}
