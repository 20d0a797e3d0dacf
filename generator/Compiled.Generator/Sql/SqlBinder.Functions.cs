using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator.Sql;

/// <summary>
/// A C# function a query calls by name: a static method (<see cref="Method"/>, called as <see cref="MethodCode"/>), or
/// a combine function as an aggregate (<see cref="Combine"/>, taking <see cref="Input"/> and giving <see cref="Output"/>).
/// </summary>
internal sealed record SqlFunctionSymbol(string Name, IMethodSymbol? Method, string? MethodCode, Model.CombineFnSpec? Combine, ITypeSymbol? Input, ITypeSymbol? Output);

/// <summary>The query's own functions: scalar functions and aggregates written in C#.</summary>
internal sealed partial class SqlBinder
{
    /// <summary>The functions a query has without being given them (the cases of <c>Call</c> and the aggregates), which a C# function cannot be named.</summary>
    private static readonly HashSet<string> BuiltIns = new(StringComparer.OrdinalIgnoreCase)
    {
        "COUNT", "SUM", "AVG", "MIN", "MAX", "UPPER", "LOWER", "CHAR_LENGTH", "CHARACTER_LENGTH", "ABS", "MOD", "COALESCE", "EXTRACT", "FLOOR", "CEIL", "CEILING",
        "TUMBLE", "HOP", "SESSION", "TUMBLE_START", "TUMBLE_END", "HOP_START", "HOP_END", "SESSION_START", "SESSION_END",
    };

    /// <summary>Whether <paramref name="name"/> is a built-in function's (matched without regard to case).</summary>
    public static bool IsBuiltIn(string name) => BuiltIns.Contains(name);

    private SqlFunctionSymbol? UserFunction(string name) =>
        _functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A built-in aggregate (COUNT, SUM, AVG, MIN, MAX) or one of the query's own.</summary>
    private bool IsAggregate(SqlCall call) =>
        call.Name is "COUNT" or "SUM" or "AVG" or "MIN" or "MAX" || UserFunction(call.Name) is { Method: null };

    /// <summary>A static method called with the arguments, each converted to its parameter's type; its result as a SQL value.</summary>
    private Typed Scalar(SqlCall call, SqlFunctionSymbol function)
    {
        var method = function.Method!;
        if (call.Star || call.Distinct)
        {
            Fail(function.Name + " takes values, not " + (call.Star ? "*" : "DISTINCT"), call.Span);
        }

        if (call.Arguments.Count != method.Parameters.Length)
        {
            Fail(function.Name + " takes " + method.Parameters.Length.ToString(CultureInfo.InvariantCulture) + " argument" + (method.Parameters.Length == 1 ? string.Empty : "s") +
                " (" + string.Join(", ", method.Parameters.Select(p => Display(p.Type) + " " + p.Name)) + "), not " + call.Arguments.Count.ToString(CultureInfo.InvariantCulture), call.Span);
        }

        var arguments = call.Arguments.Select((argument, i) =>
        {
            var value = Bind(argument);
            if (value.Kind == Kind.Null)
            {
                return "default(" + PipelineGenerator.Parser.Fq(method.Parameters[i].Type) + ")";
            }

            return Convert(value, method.Parameters[i].Type, function.Name + "'s parameter '" + method.Parameters[i].Name + "'", argument.Span);
        }).ToList();
        return Classify(function.MethodCode + "(" + string.Join(", ", arguments) + ")", method.ReturnType);
    }

    /// <summary>
    /// One of the query's own aggregates: a combine function over the group's non-NULL values (NULLs skipped, as the
    /// built-in aggregates skip them), lifted with the others or run over the group's rows; its output as a SQL value.
    /// </summary>
    private Typed UserAggregate(SqlCall call, Typed argument, SqlFunctionSymbol function, GroupScope scope, string n)
    {
        var combine = function.Combine!;
        if (call.Distinct)
        {
            Fail(function.Name + "(DISTINCT ...) is not supported yet", call.Span);
        }

        if (argument.Kind == Kind.Null)
        {
            Fail(function.Name + " of NULL has no values to combine", call.Arguments[0].Span);
        }

        var value = "__v" + n;
        var input = Convert(argument with { Code = value, Nullable = false, Symbol = argument.Symbol is { } symbol ? Underlying(symbol) : null }, function.Input!, function.Name + "'s input", call.Arguments[0].Span);
        var fn = combine.CreateExpression;

        // Fields of the group's accumulator (lifted, or filled by one loop over the rows); the function's accumulator
        // is made on the group's first value (a combine function may need more than zeros).
        var accumulator = Field(scope, combine.AccumulatorType);
        var any = Field(scope, "bool");
        var add = "if (!a." + any + ") { a." + accumulator + " = " + fn + ".CreateAccumulator(); a." + any + " = true; } " + fn + ".AddInput(ref a." + accumulator + ", " + input + ");";
        scope.Add.Add(EachValue(argument, value, add));
        scope.Merge.Add("if (b." + any + ") { if (a." + any + ") { " + fn + ".MergeAccumulators(ref a." + accumulator + ", b." + accumulator + "); } else { a." + accumulator + " = b." + accumulator + "; a." + any + " = true; } }");
        return Classify("(" + ReadField(scope, any) + " ? " + fn + ".ExtractOutput(" + ReadField(scope, accumulator) + ") : " + fn + ".ExtractOutput(" + fn + ".CreateAccumulator()))", function.Output!);
    }
}
