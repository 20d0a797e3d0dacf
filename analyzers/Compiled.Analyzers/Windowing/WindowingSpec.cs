using System.Linq;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Windowing;

/// <summary>The window function of a declared strategy.</summary>
internal enum WindowFnKind
{
    Unknown,
    Global,
    Fixed,
    Sliding,
    Sessions,
    Custom,
}

/// <summary>Accumulation mode of a declared strategy.</summary>
internal enum AccumulationMode
{
    Unspecified,
    Accumulating,
    Discarding,
}

/// <summary>
/// A windowing strategy read from the argument of <c>PCollection.Window(...)</c>: the <c>Windows.*</c> call at
/// the root of the chain and the <c>WindowingStrategy</c> calls applied to it (the last call of each kind wins,
/// as at run time).
/// </summary>
internal sealed class WindowingSpec
{
    private WindowingSpec(WindowFnKind fn, string? fnText, IInvocationOperation? root)
    {
        Fn = fn;
        FnText = fnText;
        Root = root;
    }

    public WindowFnKind Fn { get; }

    /// <summary>The window function with its parameters (<c>Fixed(00:00:30)</c>), or null when a parameter is not constant.</summary>
    public string? FnText { get; }

    /// <summary>The <c>Windows.*</c> call.</summary>
    public IInvocationOperation? Root { get; }

    /// <summary>The <c>Triggering(...)</c> call, if any.</summary>
    public IInvocationOperation? TriggeringCall { get; private set; }

    /// <summary>The declared trigger, or null when <c>Triggering</c> is not called (Beam's default trigger).</summary>
    public TriggerNode? Trigger { get; private set; }

    /// <summary>The <c>WithAllowedLateness(...)</c> call, if any.</summary>
    public IInvocationOperation? LatenessCall { get; private set; }

    /// <summary>The allowed lateness in ticks (0 when not specified); NaN when not constant.</summary>
    public double LatenessTicks { get; private set; }

    public AccumulationMode Accumulation { get; private set; }

    /// <summary>The <c>Accumulating()</c> or <c>Discarding()</c> call, if any.</summary>
    public IInvocationOperation? AccumulationCall { get; private set; }

    /// <summary>True when the trigger is Beam's default (not declared, or <c>Trigger.Default()</c>).</summary>
    public bool HasDefaultTrigger => Trigger is null || Trigger.Kind == TriggerKind.Default;

    /// <summary>A key that is equal for strategies Beam considers compatible in Flatten (window function and trigger); null when unknown.</summary>
    public string? CompatibilityKey
    {
        get
        {
            if (FnText is null || Fn == WindowFnKind.Unknown)
            {
                return null;
            }

            if (Trigger is null || Trigger.Kind == TriggerKind.Default)
            {
                return FnText;
            }

            return Trigger.IsComparable ? FnText + ".Triggering(" + Trigger + ")" : null;
        }
    }

    /// <summary>The strategy of a collection that was never windowed: the global window with the default trigger.</summary>
    public static WindowingSpec GlobalDefault { get; } = new(WindowFnKind.Global, "Global()", null);

    /// <summary>Reads a strategy expression, or returns null when it is not a recognizable chain.</summary>
    public static WindowingSpec? Parse(IOperation? operation, CompiledSymbols symbols)
    {
        var calls = new System.Collections.Generic.List<IInvocationOperation>();
        var current = OperationHelpers.Strip(operation);
        for (var i = 0; i < 32 && current is IInvocationOperation invocation; i++)
        {
            var containing = invocation.TargetMethod.ContainingType;
            if (CompiledSymbols.Is(containing, symbols.WindowingStrategy) && !invocation.TargetMethod.IsStatic)
            {
                calls.Add(invocation);
                current = OperationHelpers.Strip(invocation.Instance);
                continue;
            }

            if (CompiledSymbols.Is(containing, symbols.Windows))
            {
                var spec = ReadRoot(invocation, symbols);
                // The chain was collected outermost first; apply it innermost first.
                for (var c = calls.Count - 1; c >= 0; c--)
                {
                    spec.Apply(calls[c], symbols);
                }

                return spec;
            }

            return null;
        }

        return null;
    }

    private static WindowingSpec ReadRoot(IInvocationOperation root, CompiledSymbols symbols)
    {
        var method = root.TargetMethod;
        var kind = method.Name switch
        {
            "Global" => WindowFnKind.Global,
            "Fixed" => WindowFnKind.Fixed,
            "Sliding" => WindowFnKind.Sliding,
            "Sessions" => WindowFnKind.Sessions,
            "Custom" => WindowFnKind.Custom,
            _ => WindowFnKind.Unknown,
        };

        string? text;
        if (kind == WindowFnKind.Custom)
        {
            text = method.TypeArguments.Length == 1
                ? "Custom<" + method.TypeArguments[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ">()"
                : null;
        }
        else
        {
            var parts = new System.Collections.Generic.List<string>();
            // In the parameters' order, whatever order named arguments are written in (so equal windowings read equal).
            foreach (var argument in root.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? int.MaxValue))
            {
                if (!TimeSpanConstant.TryEvaluate(argument.Value, symbols, out var ticks))
                {
                    parts = null;
                    break;
                }

                parts.Add(TimeSpanConstant.Format(ticks));
            }

            text = parts is null ? null : method.Name + "(" + string.Join(", ", parts) + ")";
        }

        return new WindowingSpec(kind, text, root);
    }

    private void Apply(IInvocationOperation call, CompiledSymbols symbols)
    {
        switch (call.TargetMethod.Name)
        {
            case "Triggering" when call.Arguments.Length == 1:
                TriggeringCall = call;
                Trigger = TriggerNode.Parse(call.Arguments[0].Value, symbols);
                break;
            case "WithAllowedLateness" when call.Arguments.Length >= 1:
                LatenessCall = call;
                LatenessTicks = TimeSpanConstant.TryEvaluate(OperationHelpers.Argument(call, "lateness"), symbols, out var ticks) ? ticks : double.NaN;
                break;
            case "Accumulating":
                Accumulation = AccumulationMode.Accumulating;
                AccumulationCall = call;
                break;
            case "Discarding":
                Accumulation = AccumulationMode.Discarding;
                AccumulationCall = call;
                break;
        }
    }
}
