using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Windowing;

/// <summary>Small helpers over the operation tree shared by the analyzers.</summary>
internal static class OperationHelpers
{
    /// <summary>Skips implicit and explicit conversions and parentheses.</summary>
    public static IOperation? Strip(IOperation? operation)
    {
        for (var i = 0; i < 16 && operation is not null; i++)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }

        return operation;
    }

    /// <summary>
    /// The collection a call is applied to: the instance for an instance method, the first argument for an
    /// extension method (which the operation tree shows in its static form).
    /// </summary>
    public static IOperation? Receiver(IInvocationOperation invocation)
    {
        if (invocation.Instance is not null)
        {
            return invocation.Instance;
        }

        // The argument bound to the 'this' parameter, wherever it is written (named arguments may come in any order).
        return invocation.TargetMethod.IsExtensionMethod && invocation.TargetMethod.Parameters.Length > 0
            ? Argument(invocation, invocation.TargetMethod.Parameters[0].Name)
            : null;
    }

    /// <summary>The argument bound to the parameter named <paramref name="name"/>, or null.</summary>
    public static IOperation? Argument(IInvocationOperation invocation, string name)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == name)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>The member name of a call (<c>GroupByKey</c> in <c>keyed.GroupByKey()</c>), else the whole call.</summary>
    public static Location NameLocation(IOperation invocation) =>
        invocation.Syntax switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.GetLocation(),
            InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name.GetLocation(),
            InvocationExpressionSyntax { Expression: SimpleNameSyntax name } => name.GetLocation(),
            _ => invocation.Syntax.GetLocation(),
        };

    /// <summary>The elements of a <c>params</c> argument (or of an explicit array creation).</summary>
    public static System.Collections.Generic.IEnumerable<IOperation> ParamsElements(IOperation? value)
    {
        if (Strip(value) is IArrayCreationOperation { Initializer: { } initializer })
        {
            foreach (var element in initializer.ElementValues)
            {
                yield return element;
            }
        }
        else if (Strip(value) is ICollectionExpressionOperation collection)
        {
            foreach (var element in collection.Elements)
            {
                yield return element;
            }
        }
    }
}
