using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using Compiled.Analyzers.Symbols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Compiled.Analyzers.Windowing;

/// <summary>The kinds of trigger the declaration API offers (<c>Compiled.Trigger</c>).</summary>
internal enum TriggerKind
{
    Unknown,
    Default,
    AfterWatermark,
    AfterProcessingTime,
    AfterProcessingTimeAligned,
    AfterCount,
    Repeatedly,
    AfterEach,
    AfterFirst,
    AfterAll,
    Never,
    OrFinally,
}

/// <summary>A declared trigger read from its expression: a tree of <see cref="TriggerKind"/> nodes.</summary>
internal sealed class TriggerNode
{
    private TriggerNode(TriggerKind kind, IOperation? operation, ImmutableArray<TriggerNode> children, TriggerNode? early, TriggerNode? late, string? argumentText)
    {
        Kind = kind;
        Operation = operation;
        Children = children;
        Early = early;
        Late = late;
        ArgumentText = argumentText;
    }

    public TriggerKind Kind { get; }

    /// <summary>The expression the node was read from (null for a missing argument).</summary>
    public IOperation? Operation { get; }

    /// <summary>Sub-triggers: Repeatedly's one, AfterEach/AfterFirst/AfterAll's list, OrFinally's (trigger, until).</summary>
    public ImmutableArray<TriggerNode> Children { get; }

    /// <summary>AfterWatermark's early firings, if any.</summary>
    public TriggerNode? Early { get; }

    /// <summary>AfterWatermark's late firings, if any.</summary>
    public TriggerNode? Late { get; }

    /// <summary>The constant arguments as text (<c>5</c>, a duration), or null; "?" when not constant.</summary>
    private string? ArgumentText { get; }

    /// <summary>
    /// True when the trigger can finish (Beam's <c>Trigger.mayFinish</c>): every "once" trigger (AfterWatermark,
    /// AfterCount, AfterProcessingTime, AfterFirst, AfterAll) and OrFinally can; Repeatedly and the default
    /// trigger cannot; AfterEach can when all its sub-triggers can. Never finishes only at garbage collection.
    /// </summary>
    public bool MayFinish
    {
        get
        {
            switch (Kind)
            {
                case TriggerKind.Default:
                case TriggerKind.Repeatedly:
                case TriggerKind.Never:
                case TriggerKind.Unknown:
                    return false;
                case TriggerKind.AfterWatermark:
                    return Late is null;
                case TriggerKind.AfterEach:
                    foreach (var child in Children)
                    {
                        if (!child.MayFinish)
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return true;
            }
        }
    }

    /// <summary>True when the tree (or any part) could not be read; such triggers are not judged.</summary>
    public bool HasUnknownPart
    {
        get
        {
            if (Kind == TriggerKind.Unknown)
            {
                return true;
            }

            foreach (var child in Children)
            {
                if (child.HasUnknownPart)
                {
                    return true;
                }
            }

            return (Early?.HasUnknownPart ?? false) || (Late?.HasUnknownPart ?? false);
        }
    }

    /// <summary>A canonical text of the trigger (used to compare triggers and in messages).</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        Append(builder);
        return builder.ToString();
    }

    /// <summary>Reads a trigger expression; unrecognized expressions become <see cref="TriggerKind.Unknown"/> nodes.</summary>
    public static TriggerNode Parse(IOperation? operation, CompiledSymbols symbols) => Parse(operation, symbols, 0);

    private static TriggerNode Parse(IOperation? operation, CompiledSymbols symbols, int depth)
    {
        var stripped = OperationHelpers.Strip(operation);
        if (stripped is not IInvocationOperation invocation || depth > 16)
        {
            return Unknown(stripped ?? operation);
        }

        var method = invocation.TargetMethod;
        var containing = method.ContainingType;
        if (!CompiledSymbols.Is(containing, symbols.Trigger) && !CompiledSymbols.Is(containing, symbols.AfterWatermarkTrigger))
        {
            return Unknown(invocation);
        }

        var none = ImmutableArray<TriggerNode>.Empty;
        switch (method.Name)
        {
            case "Default" when method.IsStatic:
                return new TriggerNode(TriggerKind.Default, invocation, none, null, null, null);
            case "Never" when method.IsStatic:
                return new TriggerNode(TriggerKind.Never, invocation, none, null, null, null);
            case "AfterWatermark" when method.IsStatic:
                return new TriggerNode(TriggerKind.AfterWatermark, invocation, none, null, null, null);
            case "AfterCount" when method.IsStatic:
                return new TriggerNode(TriggerKind.AfterCount, invocation, none, null, null, ConstantText(invocation, symbols));
            case "AfterProcessingTime" when method.IsStatic:
                return new TriggerNode(TriggerKind.AfterProcessingTime, invocation, none, null, null, ConstantText(invocation, symbols));
            case "AfterProcessingTimeAligned" when method.IsStatic:
                return new TriggerNode(TriggerKind.AfterProcessingTimeAligned, invocation, none, null, null, ConstantText(invocation, symbols));
            case "Repeatedly" when method.IsStatic && invocation.Arguments.Length == 1:
                return new TriggerNode(TriggerKind.Repeatedly, invocation, ImmutableArray.Create(Parse(invocation.Arguments[0].Value, symbols, depth + 1)), null, null, null);
            case "AfterEach" when method.IsStatic:
            case "AfterFirst" when method.IsStatic:
            case "AfterAll" when method.IsStatic:
                {
                    var kind = method.Name == "AfterEach" ? TriggerKind.AfterEach : method.Name == "AfterFirst" ? TriggerKind.AfterFirst : TriggerKind.AfterAll;
                    var children = ImmutableArray.CreateBuilder<TriggerNode>();
                    if (invocation.Arguments.Length == 1)
                    {
                        foreach (var element in OperationHelpers.ParamsElements(invocation.Arguments[0].Value))
                        {
                            children.Add(Parse(element, symbols, depth + 1));
                        }

                        if (children.Count == 0 && OperationHelpers.Strip(invocation.Arguments[0].Value) is not IArrayCreationOperation)
                        {
                            children.Add(Unknown(invocation.Arguments[0].Value));
                        }
                    }

                    return new TriggerNode(kind, invocation, children.ToImmutable(), null, null, null);
                }

            case "OrFinally" when !method.IsStatic && invocation.Arguments.Length == 1:
                return new TriggerNode(
                    TriggerKind.OrFinally,
                    invocation,
                    ImmutableArray.Create(Parse(invocation.Instance, symbols, depth + 1), Parse(invocation.Arguments[0].Value, symbols, depth + 1)),
                    null,
                    null,
                    null);
            case "WithEarlyFirings" when !method.IsStatic && invocation.Arguments.Length == 1:
            case "WithLateFirings" when !method.IsStatic && invocation.Arguments.Length == 1:
                {
                    var inner = Parse(invocation.Instance, symbols, depth + 1);
                    if (inner.Kind != TriggerKind.AfterWatermark)
                    {
                        return Unknown(invocation);
                    }

                    var firing = Parse(invocation.Arguments[0].Value, symbols, depth + 1);
                    return method.Name == "WithEarlyFirings"
                        ? new TriggerNode(TriggerKind.AfterWatermark, invocation, none, firing, inner.Late, null)
                        : new TriggerNode(TriggerKind.AfterWatermark, invocation, none, inner.Early, firing, null);
                }

            default:
                return Unknown(invocation);
        }
    }

    private static TriggerNode Unknown(IOperation? operation) =>
        new(TriggerKind.Unknown, operation, ImmutableArray<TriggerNode>.Empty, null, null, null);

    private static string ConstantText(IInvocationOperation invocation, CompiledSymbols symbols)
    {
        var parts = new List<string>();
        foreach (var argument in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? int.MaxValue))
        {
            if (TimeSpanConstant.TryEvaluate(argument.Value, symbols, out var ticks))
            {
                parts.Add(TimeSpanConstant.Format(ticks));
            }
            else if (argument.Value.ConstantValue is { HasValue: true, Value: { } value })
            {
                parts.Add(System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?");
            }
            else
            {
                parts.Add("?");
            }
        }

        return string.Join(", ", parts);
    }

    private void Append(StringBuilder builder)
    {
        switch (Kind)
        {
            case TriggerKind.Unknown:
                builder.Append('?');
                return;
            case TriggerKind.AfterWatermark:
                builder.Append("AfterWatermark()");
                if (Early is not null)
                {
                    builder.Append(".WithEarlyFirings(");
                    Early.Append(builder);
                    builder.Append(')');
                }

                if (Late is not null)
                {
                    builder.Append(".WithLateFirings(");
                    Late.Append(builder);
                    builder.Append(')');
                }

                return;
            case TriggerKind.OrFinally when Children.Length == 2:
                Children[0].Append(builder);
                builder.Append(".OrFinally(");
                Children[1].Append(builder);
                builder.Append(')');
                return;
        }

        builder.Append(Kind.ToString()).Append('(');
        if (ArgumentText is not null)
        {
            builder.Append(ArgumentText);
        }

        for (var i = 0; i < Children.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            Children[i].Append(builder);
        }

        builder.Append(')');
    }

    /// <summary>True when any argument text is unknown (so two triggers cannot be compared reliably).</summary>
    public bool IsComparable => !HasUnknownPart && !ToString().Contains("?");
}
