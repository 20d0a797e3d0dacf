using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Compiled.Generator.Helpers;
using Compiled.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Compiled.Generator;

public sealed partial class PipelineGenerator
{
    /// <summary>
    /// Reads a <c>[Pipeline]</c> class's <c>Define</c> method into a <see cref="PipelineSpec"/>. The only
    /// part of the generator that touches symbols and syntax; everything it returns is plain values.
    /// </summary>
    internal static class Parser
    {
        private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            try
            {
                return new Session(context, cancellationToken).Run();
            }
            catch (OperationCanceledException)
            {
                throw;
            }
#pragma warning disable CA1031 // The generator must never throw: an unexpected failure becomes a diagnostic.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var info = new DiagnosticInfo(
                    "CMP0099",
                    LocationInfo.From(context.TargetNode.GetLocation()),
                    new EquatableArray<string>(new[] { ex.GetType().Name + ": " + ex.Message }));
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(new[] { info }));
            }
        }

        internal static string Fq(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

        private abstract class Value
        {
        }

        private sealed class BuilderValue : Value
        {
        }

        private sealed class CollectionValue(PortRef port) : Value
        {
            public PortRef Port { get; } = port;
        }

        private sealed class ViewValue(PortRef port) : Value
        {
            public PortRef Port { get; } = port;
        }

        private sealed class MultiValue(int node, int count, bool isPartition) : Value
        {
            public int Node { get; } = node;

            public int Count { get; } = count;

            public bool IsPartition { get; } = isPartition;
        }

        private sealed class VoidValue : Value
        {
        }

        private sealed class Session
        {
            private readonly GeneratorAttributeSyntaxContext _context;
            private readonly CancellationToken _cancellationToken;
            private readonly List<DiagnosticInfo> _diagnostics = new();
            private readonly List<TransformSpec> _transforms = new();
            private readonly Dictionary<ISymbol, Value> _locals = new(SymbolEqualityComparer.Default);
            private readonly Dictionary<string, string> _inputNames = new(StringComparer.Ordinal);
            private readonly Dictionary<string, string> _outputNames = new(StringComparer.Ordinal);
            private SemanticModel _model = null!;
            private bool _surfaceIsInternal;
            private readonly Dictionary<string, Location> _nameLocations = new(StringComparer.Ordinal);
            private IParameterSymbol? _builderParameter;
            private INamedTypeSymbol? _pcollection;
            private INamedTypeSymbol? _builder;
            private INamedTypeSymbol? _keyed;
            private INamedTypeSymbol? _view;
            private INamedTypeSymbol? _emitter;
            private INamedTypeSymbol? _kv;
            private INamedTypeSymbol? _parDo2;
            private INamedTypeSymbol? _parDo3;
            private INamedTypeSymbol? _partitionList;

            public Session(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            {
                _context = context;
                _cancellationToken = cancellationToken;
            }

            public ParseResult Run()
            {
                var syntax = (TypeDeclarationSyntax)_context.TargetNode;
                var type = (INamedTypeSymbol)_context.TargetSymbol;
                var compilation = _context.SemanticModel.Compilation;

                if (!IsPartialAll(type))
                {
                    Report(DiagnosticDescriptors.NotPartial, syntax.Identifier.GetLocation(), type.Name);
                    return Result(null);
                }

                // [Pipeline] on several parts of one class (itself CS0579): generate once, for the first part.
                var attributedParts = type.DeclaringSyntaxReferences
                    .Select(r => r.GetSyntax(_cancellationToken))
                    .OfType<TypeDeclarationSyntax>()
                    .Where(d => d.AttributeLists.SelectMany(l => l.Attributes).Any())
                    .ToList();
                if (attributedParts.Count > 1 && attributedParts[0] != syntax &&
                    attributedParts.Any(d => d == syntax))
                {
                    return Result(null);
                }

                if (type.Name is "Runner" or "Results")
                {
                    Report(DiagnosticDescriptors.InvalidName, syntax.Identifier.GetLocation(), "A pipeline class cannot be named '" + type.Name + "': the generator adds a nested type of that name; rename the class");
                    return Result(null);
                }

                if (IsGenericAnywhere(type))
                {
                    Report(DiagnosticDescriptors.GenericPipeline, syntax.Identifier.GetLocation(), type.Name);
                    return Result(null);
                }

                _pcollection = compilation.GetTypeByMetadataName("Compiled.PCollection`1");
                _builder = compilation.GetTypeByMetadataName("Compiled.PipelineBuilder");
                _keyed = compilation.GetTypeByMetadataName("Compiled.KeyedTransforms");
                _view = compilation.GetTypeByMetadataName("Compiled.PCollectionView`1");
                _emitter = compilation.GetTypeByMetadataName("Compiled.IEmitter`1");
                _kv = compilation.GetTypeByMetadataName("Compiled.KV`2");
                _parDo2 = compilation.GetTypeByMetadataName("Compiled.ParDoResult`2");
                _parDo3 = compilation.GetTypeByMetadataName("Compiled.ParDoResult`3");
                _partitionList = compilation.GetTypeByMetadataName("Compiled.PartitionList`1");
                if (_pcollection is null || _builder is null || _keyed is null || _emitter is null || _kv is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, syntax.Identifier.GetLocation(), "Compiled.PCollection<T> (is the Compiled runtime referenced?)");
                    return Result(null);
                }

                var define = type.GetMembers("Define").OfType<IMethodSymbol>().FirstOrDefault(m =>
                    m.IsStatic && m.ReturnsVoid && !m.IsGenericMethod && m.Parameters.Length == 1 &&
                    SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, _builder));
                var defineSyntax = define?.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as MethodDeclarationSyntax;
                if (define is null || defineSyntax is null || (defineSyntax.Body is null && defineSyntax.ExpressionBody is null))
                {
                    Report(DiagnosticDescriptors.MissingDefine, syntax.Identifier.GetLocation(), type.Name);
                    return Result(null);
                }

                _builderParameter = define.Parameters[0];
                _model = defineSyntax.SyntaxTree == _context.SemanticModel.SyntaxTree
                    ? _context.SemanticModel
                    : compilation.GetSemanticModel(defineSyntax.SyntaxTree);

                if (defineSyntax.ExpressionBody is { } arrow)
                {
                    Evaluate(arrow.Expression);
                }
                else
                {
                    foreach (var statement in defineSyntax.Body!.Statements)
                    {
                        _cancellationToken.ThrowIfCancellationRequested();
                        ParseStatement(statement);
                    }
                }

                CheckGeneratedMemberCollisions();
                CheckWindowing(defineSyntax);

                if (_diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error))
                {
                    return Result(null);
                }

                if (_outputNames.Count == 0)
                {
                    Report(DiagnosticDescriptors.NoOutputs, defineSyntax.Identifier.GetLocation(), type.Name);
                }

                var spec = new PipelineSpec
                {
                    Namespace = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(),
                    ClassName = type.Name,
                    TypeKeyword = type.IsRecord ? "record" : "class",
                    SurfaceIsInternal = _surfaceIsInternal,
                    ContainingTypes = ContainingTypeDeclarations(type),
                    Usings = CollectUsings(defineSyntax),
                    FilePath = defineSyntax.SyntaxTree.FilePath,
                    NullableEnabled = (_model.GetNullableContext(defineSyntax.SpanStart) & NullableContext.AnnotationsEnabled) != 0,
                    Transforms = _transforms.ToEquatableArray(),
                };
                return Result(spec);
            }

            /// <summary>
            /// Output names become members of the runner and of Results; input names become Push/Read/On
            /// methods. Report an output whose member would collide with another generated member.
            /// </summary>
            private void CheckGeneratedMemberCollisions()
            {
                var taken = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var input in _inputNames)
                {
                    foreach (var prefix in new[] { "Push", "Read", "On" })
                    {
                        taken[prefix + input.Key] = "input '" + input.Value + "'";
                    }
                }

                foreach (var output in _outputNames)
                {
                    taken[output.Key + "Elements"] = "output '" + output.Value + "'";
                }

                foreach (var output in _outputNames)
                {
                    if (taken.TryGetValue(output.Key, out var owner))
                    {
                        Report(DiagnosticDescriptors.InvalidName, _nameLocations["output:" + output.Key],
                            "The output name '" + output.Value + "' becomes the member '" + output.Key + "', which the generated code already uses for " + owner + "; choose another name");
                    }
                }
            }

            /// <summary>What this version supports of windowed collections (the rest is reported, never mis-compiled).</summary>
            private void CheckWindowing(MethodDeclarationSyntax define)
            {
                foreach (var t in _transforms)
                {
                    var location = _transformLocations.TryGetValue(t.Id, out var l) ? l : define.Identifier.GetLocation();
                    if (t.Kind is TransformKind.Flatten or TransformKind.CoGroupByKey && t.Inputs.Any(i => !Equals(_transforms[i.Node].OutputWindowing, t.OutputWindowing)))
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, location, t.Kind.ToString(),
                            "its inputs are windowed differently; as in Beam, the inputs of a Flatten or a join must have the same window function (re-window them first)");
                    }

                    if (t.OutputWindowing is not null && (t.Kind is TransformKind.AsSingleton or TransformKind.AsList or TransformKind.AsDictionary || t.SideInput is not null))
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, location, t.Label,
                            "side inputs of windowed collections (and windowed readers of side inputs) are not supported yet; window the collection into the global window first");
                    }
                }
            }

            private readonly Dictionary<int, Location> _transformLocations = new();

            /// <summary>
            /// Reads a windowing strategy: Windows.Global/Fixed/Sliding/Sessions/Custom(...) with durations known at
            /// build time, then any of Triggering, WithAllowedLateness, Accumulating/Discarding,
            /// WithTimestampCombiner and WithOnTimeBehavior, each with constant arguments.
            /// </summary>
            private WindowSpec? ParseWindowing(ExpressionSyntax? argument, InvocationExpressionSyntax invocation)
            {
                // Peel the strategy calls off the chain, outermost first.
                var options = new List<(string Name, InvocationExpressionSyntax Call)>();
                var expression = argument;
                while (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } outer &&
                       _model.GetSymbolInfo(outer, _cancellationToken).Symbol is IMethodSymbol { ContainingType: { } owner } m &&
                       owner.ToDisplayString() == "Compiled.WindowingStrategy")
                {
                    options.Add((m.Name, outer));
                    expression = member.Expression;
                }

                if (expression is not InvocationExpressionSyntax call ||
                    _model.GetSymbolInfo(call, _cancellationToken).Symbol is not IMethodSymbol method ||
                    method.ContainingType?.ToDisplayString() != "Compiled.Windows")
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, (argument ?? (SyntaxNode)invocation).GetLocation(), Shorten((argument ?? (ExpressionSyntax)invocation).ToString()),
                        "the windowing must be written in place as Windows.Global(), Fixed(...), Sliding(...), Sessions(...) or Custom<T>(), optionally followed by Triggering, WithAllowedLateness, Accumulating/Discarding, WithTimestampCombiner and WithOnTimeBehavior");
                    return null;
                }

                var durations = new List<long>();
                foreach (var arg in call.ArgumentList.Arguments)
                {
                    if (!TryEvaluateDuration(arg.Expression, out var ms))
                    {
                        ReportDuration(arg);
                        return null;
                    }

                    durations.Add(ms);
                }

                string? problem = null;
                WindowSpec? spec = null;
                switch (method.Name)
                {
                    case "Global":
                        spec = new WindowSpec("Global", 0, 0, 0);
                        break;
                    case "Fixed" when durations.Count >= 1:
                        spec = new WindowSpec("Fixed", durations[0], durations[0], durations.Count > 1 ? durations[1] : 0);
                        problem = spec.SizeMs <= 0 ? "the window size must be positive"
                            : spec.OffsetMs < 0 || spec.OffsetMs >= spec.SizeMs ? "the offset must be at least zero and smaller than the size" : null;
                        break;
                    case "Sliding" when durations.Count >= 2:
                        spec = new WindowSpec("Sliding", durations[0], durations[1], durations.Count > 2 ? durations[2] : 0);
                        problem = spec.SizeMs <= 0 || spec.PeriodMs <= 0 ? "the size and the period must be positive"
                            : spec.OffsetMs < 0 || spec.OffsetMs >= spec.PeriodMs ? "the offset must be at least zero and smaller than the period" : null;
                        break;
                    case "Sessions" when durations.Count == 1:
                        spec = new WindowSpec("Sessions", durations[0], 0, 0);
                        problem = spec.SizeMs <= 0 ? "the session gap must be positive" : null;
                        break;
                    case "Custom" when method.TypeArguments.Length == 1:
                        {
                            var fnType = method.TypeArguments[0];
                            if (!CheckPublicSurface(fnType, call))
                            {
                                return null;
                            }

                            spec = new WindowSpec("Custom", 0, 0, 0)
                            {
                                CustomType = Fq(fnType),
                                CustomMerging = fnType.AllInterfaces.Any(i => i.ToDisplayString() == "Compiled.IMergingWindowFn"),
                            };
                            break;
                        }

                    default:
                        problem = "Windows." + method.Name + " is not supported by this version of the generator";
                        break;
                }

                if (problem is not null || spec is null)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), problem ?? "unsupported windowing");
                    return null;
                }

                // Apply the strategy calls innermost first (the order they were written).
                for (var i = options.Count - 1; i >= 0; i--)
                {
                    var (name, optionCall) = options[i];
                    var optionArgs = optionCall.ArgumentList.Arguments;
                    switch (name)
                    {
                        case "Triggering":
                            {
                                var trigger = optionArgs.Count == 1 ? ParseTrigger(optionArgs[0].Expression) : null;
                                if (trigger is null)
                                {
                                    return null;
                                }

                                spec = trigger.Value.Kind == "Default"
                                    ? spec with { TriggerCode = null, TriggerText = null, TriggerMayFinish = false, UsesProcessingTime = false }
                                    : spec with { TriggerCode = trigger.Value.Code, TriggerText = trigger.Value.Text, TriggerMayFinish = trigger.Value.MayFinish, UsesProcessingTime = trigger.Value.ProcessingTime };
                                break;
                            }

                        case "WithAllowedLateness":
                            {
                                if (optionArgs.Count < 1 || !TryEvaluateDuration(optionArgs[0].Expression, out var lateness))
                                {
                                    ReportDuration(optionArgs.Count > 0 ? optionArgs[0] : (SyntaxNode)optionCall);
                                    return null;
                                }

                                if (lateness < 0)
                                {
                                    Report(DiagnosticDescriptors.UnsupportedExpression, optionArgs[0].GetLocation(), Shorten(optionArgs[0].ToString()), "the allowed lateness must not be negative");
                                    return null;
                                }

                                spec = spec with { LatenessMs = lateness };
                                if (optionArgs.Count > 1)
                                {
                                    var closing = EnumMember(optionArgs[1].Expression, "Compiled.ClosingBehavior");
                                    if (closing is null)
                                    {
                                        return null;
                                    }

                                    spec = spec with { Closing = closing };
                                }

                                break;
                            }

                        case "Accumulating":
                            spec = spec with { Accumulating = true };
                            break;
                        case "Discarding":
                            spec = spec with { Accumulating = false };
                            break;
                        case "WithTimestampCombiner":
                            {
                                var combiner = optionArgs.Count == 1 ? EnumMember(optionArgs[0].Expression, "Compiled.TimestampCombiner") : null;
                                if (combiner is null)
                                {
                                    return null;
                                }

                                spec = spec with { TimestampCombiner = combiner };
                                break;
                            }

                        case "WithOnTimeBehavior":
                            {
                                var behavior = optionArgs.Count == 1 ? EnumMember(optionArgs[0].Expression, "Compiled.OnTimeBehavior") : null;
                                if (behavior is null)
                                {
                                    return null;
                                }

                                spec = spec with { OnTime = behavior };
                                break;
                            }

                        default:
                            Report(DiagnosticDescriptors.UnsupportedExpression, optionCall.GetLocation(), Shorten(optionCall.ToString()), "WindowingStrategy." + name + " is not supported by this version of the generator");
                            return null;
                    }
                }

                return spec;
            }

            private void ReportDuration(SyntaxNode node) =>
                Report(DiagnosticDescriptors.UnsupportedExpression, node.GetLocation(), Shorten(node.ToString()),
                    "a duration must be known at build time: TimeSpan.FromMilliseconds/FromSeconds/FromMinutes/FromHours/FromDays of a constant, new TimeSpan(...) of constants, or TimeSpan.Zero");

            /// <summary>Reads a constant member of an enum type, e.g. TimestampCombiner.Earliest.</summary>
            private string? EnumMember(ExpressionSyntax expression, string enumType)
            {
                if (_model.GetSymbolInfo(expression, _cancellationToken).Symbol is IFieldSymbol { ContainingType: { } type } field &&
                    type.ToDisplayString() == enumType)
                {
                    return field.Name;
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, expression.GetLocation(), Shorten(expression.ToString()), "write a member of " + enumType + " in place (e.g. " + enumType.Substring(enumType.LastIndexOf('.') + 1) + ".X)");
                return null;
            }

            /// <summary>
            /// Reads a trigger written in place (Trigger.AfterCount(2), Trigger.Repeatedly(...), AfterWatermark()
            /// .WithEarlyFirings(...), t.OrFinally(u), ...) into C# that builds the same TriggerSpec at run time.
            /// </summary>
            private (string Kind, string Code, string Text, bool MayFinish, bool ProcessingTime)? ParseTrigger(ExpressionSyntax expression)
            {
                if (expression is not InvocationExpressionSyntax call ||
                    _model.GetSymbolInfo(call, _cancellationToken).Symbol is not IMethodSymbol method ||
                    method.ContainingType?.ToDisplayString() is not ("Compiled.Trigger" or "Compiled.AfterWatermarkTrigger"))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, expression.GetLocation(), Shorten(expression.ToString()),
                        "a trigger must be written in place from the Trigger members (Trigger.AfterWatermark(), Trigger.AfterCount(n), Trigger.Repeatedly(...), ...)");
                    return null;
                }

                const string Spec = "global::Compiled.Triggers.TriggerSpec.";
                var args = call.ArgumentList.Arguments;
                string Lit(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L";
                string Ms(long value) => value % 1000 == 0 ? (value / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) + " s" : value.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms";

                List<(string Kind, string Code, string Text, bool MayFinish, bool ProcessingTime)>? Subtriggers()
                {
                    var list = new List<(string, string, string, bool, bool)>();
                    foreach (var arg in args)
                    {
                        var sub = ParseTrigger(arg.Expression);
                        if (sub is null)
                        {
                            return null;
                        }

                        list.Add(sub.Value);
                    }

                    if (list.Count == 0)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), "at least one subtrigger is required");
                        return null;
                    }

                    return list;
                }

                switch (method.Name)
                {
                    case "Default":
                        return ("Default", Spec + "Default()", "Default", false, false);
                    case "Never":
                        return ("Never", Spec + "Never()", "Never", false, false);
                    case "AfterWatermark":
                        return ("AfterWatermark", Spec + "AfterWatermark(null, null)", "AfterWatermark", true, false);
                    case "AfterCount":
                        {
                            var count = args.Count == 1 ? _model.GetConstantValue(args[0].Expression, _cancellationToken) : default;
                            if (!count.HasValue || count.Value is not int n || n < 1)
                            {
                                Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), "the element count must be a constant of at least 1");
                                return null;
                            }

                            return ("AfterCount", Spec + "AfterCount(" + Lit(n) + ")", "AfterCount(" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", true, false);
                        }

                    case "AfterProcessingTime":
                        {
                            if (args.Count != 1 || !TryEvaluateDuration(args[0].Expression, out var delay) || delay < 0)
                            {
                                ReportDuration(args.Count > 0 ? args[0] : (SyntaxNode)call);
                                return null;
                            }

                            return ("AfterProcessingTime", Spec + "AfterProcessingTime(" + Lit(delay) + ")", "AfterProcessingTime(" + Ms(delay) + ")", true, true);
                        }

                    case "AfterProcessingTimeAligned":
                        {
                            if (args.Count != 2 || !TryEvaluateDuration(args[0].Expression, out var period) || !TryEvaluateDuration(args[1].Expression, out var offset) || period <= 0)
                            {
                                Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), "the period must be a positive constant duration and the offset a constant duration");
                                return null;
                            }

                            return ("AfterProcessingTimeAligned", Spec + "AfterProcessingTimeAligned(" + Lit(period) + ", " + Lit(offset) + ")", "AfterProcessingTimeAligned(" + Ms(period) + ", " + Ms(offset) + ")", true, true);
                        }

                    case "Repeatedly":
                        {
                            var subs = Subtriggers();
                            if (subs is null)
                            {
                                return null;
                            }

                            return ("Repeatedly", Spec + "Repeatedly(" + subs[0].Code + ")", "Repeatedly(" + subs[0].Text + ")", false, subs[0].ProcessingTime);
                        }

                    case "AfterEach" or "AfterFirst" or "AfterAll":
                        {
                            var subs = Subtriggers();
                            if (subs is null)
                            {
                                return null;
                            }

                            var mayFinish = method.Name == "AfterFirst" ? subs.Any(x => x.MayFinish) : subs.All(x => x.MayFinish);
                            return (method.Name, Spec + method.Name + "(" + string.Join(", ", subs.Select(x => x.Code)) + ")",
                                method.Name + "(" + string.Join(", ", subs.Select(x => x.Text)) + ")", mayFinish, subs.Any(x => x.ProcessingTime));
                        }

                    case "WithEarlyFirings" or "WithLateFirings" or "OrFinally" when call.Expression is MemberAccessExpressionSyntax member:
                        {
                            var receiver = ParseTrigger(member.Expression);
                            var argument = args.Count == 1 ? ParseTrigger(args[0].Expression) : null;
                            if (receiver is null || argument is null)
                            {
                                return null;
                            }

                            var (kind, code, text, mayFinish, processing) = receiver.Value;
                            var sub = argument.Value;
                            if (method.Name == "OrFinally")
                            {
                                return ("OrFinally", Spec + "OrFinally(" + code + ", " + sub.Code + ")", text + ".OrFinally(" + sub.Text + ")", true, processing || sub.ProcessingTime);
                            }

                            // AfterWatermark(early, late): rebuild the call with the new firing.
                            var prefix = Spec + "AfterWatermark(";
                            var inner = code.Substring(prefix.Length, code.Length - prefix.Length - 1);
                            var parts = SplitTopLevel(inner);
                            if (method.Name == "WithEarlyFirings")
                            {
                                parts[0] = sub.Code;
                            }
                            else
                            {
                                parts[1] = sub.Code;
                                mayFinish = false;
                            }

                            return ("AfterWatermark", prefix + parts[0] + ", " + parts[1] + ")", text + "." + method.Name + "(" + sub.Text + ")", mayFinish, processing || sub.ProcessingTime);
                        }

                    default:
                        Report(DiagnosticDescriptors.UnsupportedExpression, call.GetLocation(), Shorten(call.ToString()), "Trigger." + method.Name + " is not supported by this version of the generator");
                        return null;
                }
            }

            /// <summary>Splits "a(b, c), d" at its top-level comma into two parts.</summary>
            private static string[] SplitTopLevel(string text)
            {
                var depth = 0;
                for (var i = 0; i < text.Length; i++)
                {
                    switch (text[i])
                    {
                        case '(':
                            depth++;
                            break;
                        case ')':
                            depth--;
                            break;
                        case ',' when depth == 0:
                            return new[] { text.Substring(0, i).Trim(), text.Substring(i + 1).Trim() };
                    }
                }

                return new[] { text, "null" };
            }

            private bool TryEvaluateDuration(ExpressionSyntax expression, out long milliseconds)
            {
                milliseconds = 0;
                var symbol = _model.GetSymbolInfo(expression, _cancellationToken).Symbol;
                if (symbol?.ContainingType?.ToDisplayString() != "System.TimeSpan")
                {
                    return false;
                }

                if (symbol is IFieldSymbol { Name: "Zero" })
                {
                    return true;
                }

                var arguments = expression switch
                {
                    InvocationExpressionSyntax i => i.ArgumentList.Arguments,
                    ObjectCreationExpressionSyntax o when o.ArgumentList is not null => o.ArgumentList.Arguments,
                    _ => default,
                };
                var values = new List<double>();
                foreach (var argument in arguments)
                {
                    var constant = _model.GetConstantValue(argument.Expression, _cancellationToken);
                    if (!constant.HasValue || constant.Value is null or string or bool)
                    {
                        return false;
                    }

                    values.Add(System.Convert.ToDouble(constant.Value, System.Globalization.CultureInfo.InvariantCulture));
                }

                double ms;
                if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor })
                {
                    ms = values.Count switch
                    {
                        1 => values[0] / 10_000.0,
                        3 => ((values[0] * 60 + values[1]) * 60 + values[2]) * 1000,
                        4 => (((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1000,
                        5 => ((((values[0] * 24 + values[1]) * 60 + values[2]) * 60 + values[3]) * 1000) + values[4],
                        _ => double.NaN,
                    };
                }
                else if (symbol is IMethodSymbol factory && values.Count == 1)
                {
                    var scale = factory.Name switch
                    {
                        "FromMilliseconds" => 1.0,
                        "FromSeconds" => 1000.0,
                        "FromMinutes" => 60_000.0,
                        "FromHours" => 3_600_000.0,
                        "FromDays" => 86_400_000.0,
                        _ => double.NaN,
                    };
                    ms = values[0] * scale;
                }
                else
                {
                    return false;
                }

                if (double.IsNaN(ms) || double.IsInfinity(ms) || Math.Abs(ms) > 9.2e15)
                {
                    return false;
                }

                milliseconds = (long)Math.Round(ms);
                return Math.Abs(ms - milliseconds) < 1e-6;
            }

            private ParseResult Result(PipelineSpec? spec) => new(spec, _diagnostics.ToEquatableArray());

            private void Report(DiagnosticDescriptor descriptor, Location location, params string[] args) =>
                _diagnostics.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location), new EquatableArray<string>(args)));

            private static bool IsPartialAll(INamedTypeSymbol type)
            {
                for (var t = type; t is not null; t = t.ContainingType)
                {
                    var partial = t.DeclaringSyntaxReferences
                        .Select(r => r.GetSyntax())
                        .OfType<TypeDeclarationSyntax>()
                        .Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword));
                    if (!partial)
                    {
                        return false;
                    }
                }

                return true;
            }

            private static bool IsGenericAnywhere(INamedTypeSymbol type)
            {
                for (var t = type; t is not null; t = t.ContainingType)
                {
                    if (t.TypeParameters.Length > 0)
                    {
                        return true;
                    }
                }

                return false;
            }

            private static EquatableArray<string> ContainingTypeDeclarations(INamedTypeSymbol type)
            {
                var result = new List<string>();
                for (var t = type.ContainingType; t is not null; t = t.ContainingType)
                {
                    var keyword = t.IsRecord ? (t.IsValueType ? "record struct" : "record") : t.TypeKind switch
                    {
                        TypeKind.Struct => "struct",
                        TypeKind.Interface => "interface",
                        _ => "class",
                    };
                    var isStatic = t.IsStatic ? "static " : string.Empty;
                    result.Insert(0, isStatic + "partial " + keyword + " " + t.Name);
                }

                return result.ToEquatableArray();
            }

            private static EquatableArray<string> CollectUsings(SyntaxNode node)
            {
                var usings = new List<string>();
                foreach (var ancestor in node.Ancestors())
                {
                    SyntaxList<UsingDirectiveSyntax> list = ancestor switch
                    {
                        CompilationUnitSyntax unit => unit.Usings,
                        BaseNamespaceDeclarationSyntax ns => ns.Usings,
                        _ => default,
                    };
                    foreach (var directive in list)
                    {
                        if (directive.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword))
                        {
                            continue;
                        }

                        var text = directive.WithoutTrivia().ToString();
                        if (!usings.Contains(text))
                        {
                            usings.Add(text);
                        }
                    }
                }

                return usings.ToEquatableArray();
            }

            // ----- statements -----
            private void ParseStatement(StatementSyntax statement)
            {
                switch (statement)
                {
                    case LocalDeclarationStatementSyntax local when local.IsConst:
                        // Constants (e.g. names) are read through the semantic model where they are used.
                        break;
                    case LocalDeclarationStatementSyntax local:
                        foreach (var variable in local.Declaration.Variables)
                        {
                            if (variable.Initializer is null)
                            {
                                Report(DiagnosticDescriptors.UnsupportedExpression, variable.GetLocation(), variable.ToString(),
                                    "a local in a pipeline declaration must be initialized where it is declared");
                                continue;
                            }

                            var value = Evaluate(variable.Initializer.Value);
                            var symbol = _model.GetDeclaredSymbol(variable, _cancellationToken);
                            if (value is not null && symbol is not null)
                            {
                                _locals[symbol] = value;
                            }
                        }

                        break;
                    case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment }
                        when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
                             assignment.Left is DeclarationExpressionSyntax or TupleExpressionSyntax:
                        ParseDeconstruction(assignment);
                        break;
                    case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment }:
                        Report(DiagnosticDescriptors.DynamicTopology, assignment.GetLocation(), "Re-assigning a variable");
                        break;
                    case ExpressionStatementSyntax expression:
                        Evaluate(expression.Expression);
                        break;
                    case EmptyStatementSyntax:
                        break;
                    default:
                        Report(DiagnosticDescriptors.DynamicTopology, StatementLocation(statement), Describe(statement));
                        break;
                }
            }

            private static Location StatementLocation(StatementSyntax statement) => statement switch
            {
                IfStatementSyntax s => s.IfKeyword.GetLocation(),
                ForStatementSyntax s => s.ForKeyword.GetLocation(),
                ForEachStatementSyntax s => s.ForEachKeyword.GetLocation(),
                WhileStatementSyntax s => s.WhileKeyword.GetLocation(),
                DoStatementSyntax s => s.DoKeyword.GetLocation(),
                SwitchStatementSyntax s => s.SwitchKeyword.GetLocation(),
                _ => statement.GetLocation(),
            };

            private static string Describe(StatementSyntax statement) => statement switch
            {
                IfStatementSyntax => "An 'if' statement",
                ForStatementSyntax => "A 'for' loop",
                ForEachStatementSyntax => "A 'foreach' loop",
                WhileStatementSyntax => "A 'while' loop",
                DoStatementSyntax => "A 'do' loop",
                SwitchStatementSyntax => "A 'switch' statement",
                LocalFunctionStatementSyntax => "A local function",
                ReturnStatementSyntax => "A 'return' statement",
                TryStatementSyntax => "A 'try' statement",
                BlockSyntax => "A nested block",
                _ => "The statement '" + Shorten(statement.ToString()) + "'",
            };

            private void ParseDeconstruction(AssignmentExpressionSyntax assignment)
            {
                var designations = new List<SyntaxNode>();
                if (assignment.Left is DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax parenthesized })
                {
                    designations.AddRange(parenthesized.Variables);
                }
                else if (assignment.Left is TupleExpressionSyntax tuple)
                {
                    foreach (var argument in tuple.Arguments)
                    {
                        if (argument.Expression is DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax single })
                        {
                            designations.Add(single);
                        }
                        else
                        {
                            designations.Add(argument.Expression);
                        }
                    }
                }
                else
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, assignment.Left.GetLocation(), assignment.Left.ToString(), "deconstruct into new locals, e.g. 'var (main, errors) = ...'");
                    return;
                }

                var value = Evaluate(assignment.Right);
                if (value is null)
                {
                    return;
                }

                if (value is not MultiValue multi)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, assignment.GetLocation(), Shorten(assignment.ToString()), "only ParDo and Partition results can be deconstructed");
                    return;
                }

                if (multi.Count != designations.Count)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, assignment.Left.GetLocation(), Shorten(assignment.Left.ToString()),
                        "it deconstructs into " + designations.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " locals, but the " +
                        (multi.IsPartition ? "Partition" : "ParDo") + " has " + multi.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " outputs");
                    return;
                }

                for (var i = 0; i < designations.Count; i++)
                {
                    if (designations[i] is DiscardDesignationSyntax)
                    {
                        continue;
                    }

                    if (designations[i] is not SingleVariableDesignationSyntax single)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, designations[i].GetLocation(), designations[i].ToString(), "deconstruct into new locals");
                        continue;
                    }

                    var symbol = _model.GetDeclaredSymbol(single, _cancellationToken);
                    if (symbol is not null)
                    {
                        _locals[symbol] = new CollectionValue(new PortRef(multi.Node, i));
                    }
                }
            }

            // ----- expressions -----
            private Value? Evaluate(ExpressionSyntax expression)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                switch (expression)
                {
                    case ParenthesizedExpressionSyntax parenthesized:
                        return Evaluate(parenthesized.Expression);
                    case IdentifierNameSyntax identifier:
                        return EvaluateIdentifier(identifier);
                    case InvocationExpressionSyntax invocation:
                        return EvaluateInvocation(invocation);
                    case MemberAccessExpressionSyntax member:
                        return EvaluateMember(member);
                    case ElementAccessExpressionSyntax element:
                        return EvaluateElementAccess(element);
                    case ConditionalExpressionSyntax conditional:
                        Report(DiagnosticDescriptors.DynamicTopology, conditional.GetLocation(), "A conditional expression");
                        return null;
                    case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression):
                        Report(DiagnosticDescriptors.DynamicTopology, binary.GetLocation(), "A '??' expression");
                        return null;
                    default:
                        Report(DiagnosticDescriptors.UnsupportedExpression, expression.GetLocation(), Shorten(expression.ToString()),
                            "a pipeline declaration chains transform calls on the builder parameter and on locals declared in Define");
                        return null;
                }
            }

            private Value? EvaluateIdentifier(IdentifierNameSyntax identifier)
            {
                var symbol = _model.GetSymbolInfo(identifier, _cancellationToken).Symbol;
                if (symbol is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, identifier.GetLocation(), identifier.Identifier.ValueText);
                    return null;
                }

                if (SymbolEqualityComparer.Default.Equals(symbol, _builderParameter))
                {
                    return new BuilderValue();
                }

                if (_locals.TryGetValue(symbol, out var value))
                {
                    return value;
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, identifier.GetLocation(), identifier.Identifier.ValueText,
                    symbol is ILocalSymbol
                        ? "the local was not initialized from a transform in this declaration"
                        : "only the builder parameter and locals declared in Define can be used; fields, properties and helper members that hold transforms are not supported");
                return null;
            }

            private Value? EvaluateMember(MemberAccessExpressionSyntax member)
            {
                if (_model.GetSymbolInfo(member, _cancellationToken).Symbol is null)
                {
                    // Mid-typing ("p." or "numbers.Ma"): the compiler reports the error; say only that we wait for it.
                    Report(DiagnosticDescriptors.Unresolved, member.GetLocation(), Shorten(member.ToString()));
                    return null;
                }

                var receiver = Evaluate(member.Expression);
                if (receiver is null)
                {
                    return null;
                }

                if (receiver is MultiValue { IsPartition: false } multi)
                {
                    var name = member.Name.Identifier.ValueText;
                    var port = name switch
                    {
                        "Main" => 0,
                        "Output2" => 1,
                        "Output3" => 2,
                        _ => -1,
                    };
                    if (port >= 0 && port < multi.Count)
                    {
                        return new CollectionValue(new PortRef(multi.Node, port));
                    }
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, member.GetLocation(), Shorten(member.ToString()), "this member is not part of the declaration API");
                return null;
            }

            private Value? EvaluateElementAccess(ElementAccessExpressionSyntax element)
            {
                var receiver = Evaluate(element.Expression);
                if (receiver is null)
                {
                    return null;
                }

                if (receiver is not MultiValue { IsPartition: true } multi || element.ArgumentList.Arguments.Count != 1)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, element.GetLocation(), Shorten(element.ToString()), "only a Partition result can be indexed");
                    return null;
                }

                var constant = _model.GetConstantValue(element.ArgumentList.Arguments[0].Expression, _cancellationToken);
                if (!constant.HasValue || constant.Value is not int index)
                {
                    Report(DiagnosticDescriptors.DynamicTopology, element.ArgumentList.Arguments[0].GetLocation(), "A partition index that is not a constant");
                    return null;
                }

                if (index < 0 || index >= multi.Count)
                {
                    Report(DiagnosticDescriptors.PartitionIndex, element.ArgumentList.Arguments[0].GetLocation(),
                        index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        multi.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return null;
                }

                return new CollectionValue(new PortRef(multi.Node, index));
            }

            private Value? EvaluateInvocation(InvocationExpressionSyntax invocation)
            {
                var symbolInfo = _model.GetSymbolInfo(invocation, _cancellationToken);
                var method = symbolInfo.Symbol as IMethodSymbol;
                if (method is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), Shorten(invocation.Expression.ToString()));
                    return null;
                }

                var definitionType = (method.ReducedFrom ?? method).ContainingType?.OriginalDefinition;
                var isApi = SymbolEqualityComparer.Default.Equals(definitionType, _pcollection) ||
                            SymbolEqualityComparer.Default.Equals(definitionType, _builder) ||
                            SymbolEqualityComparer.Default.Equals(definitionType, _keyed);
                if (!isApi || invocation.Expression is not MemberAccessExpressionSyntax access)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                        "helper methods that build transforms are not supported; apply the transforms directly in Define");
                    return null;
                }

                // A static call such as KeyedTransforms.GroupByKey(x) has its input as the first argument.
                Value? receiver;
                var arguments = invocation.ArgumentList.Arguments.Select(a => a.Expression).ToList();
                if (method.ReducedFrom is null && method.IsStatic)
                {
                    if (arguments.Count == 0)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()), "missing input");
                        return null;
                    }

                    receiver = Evaluate(arguments[0]);
                    arguments.RemoveAt(0);
                    method = method.ReduceExtensionMethod(method.Parameters[0].Type) ?? method;
                }
                else
                {
                    receiver = Evaluate(access.Expression);
                }

                if (receiver is null)
                {
                    return null;
                }

                var argumentsByParameter = MapArguments(invocation, method, arguments);
                if (argumentsByParameter is null)
                {
                    return null;
                }

                return Apply(invocation, access.Name.Identifier, method, receiver, argumentsByParameter);
            }

            private List<ExpressionSyntax>? MapArguments(InvocationExpressionSyntax invocation, IMethodSymbol method, List<ExpressionSyntax> positional)
            {
                // Named arguments are matched by name; the rest by position. `params` collects the tail.
                var result = new List<ExpressionSyntax>();
                var offset = invocation.ArgumentList.Arguments.Count - positional.Count;
                for (var i = 0; i < positional.Count; i++)
                {
                    var syntax = invocation.ArgumentList.Arguments[i + offset];
                    if (syntax.NameColon is not null)
                    {
                        var index = method.Parameters.IndexOf(method.Parameters.FirstOrDefault(p => p.Name == syntax.NameColon.Name.Identifier.ValueText)!);
                        if (index < 0)
                        {
                            Report(DiagnosticDescriptors.Unresolved, syntax.GetLocation(), syntax.ToString());
                            return null;
                        }

                        while (result.Count <= index)
                        {
                            result.Add(null!);
                        }

                        result[index] = positional[i];
                    }
                    else
                    {
                        result.Add(positional[i]);
                    }
                }

                return result;
            }

            private Value? Apply(InvocationExpressionSyntax invocation, SyntaxToken nameToken, IMethodSymbol method, Value receiver, List<ExpressionSyntax> args)
            {
                var name = method.Name;
                var line = nameToken.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                var label = name + " (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
                var location = nameToken.GetLocation();
                _transformLocations[_transforms.Count] = location;

                if (receiver is BuilderValue)
                {
                    switch (name)
                    {
                        case "Create":
                        case "Unbounded":
                        case "ReadLines":
                            {
                                var inputName = ReadName(args.ElementAtOrDefault(0), invocation, _inputNames, "input");
                                if (inputName is null)
                                {
                                    return null;
                                }

                                var elementType = ElementType(method.ReturnType);
                                if (elementType is null)
                                {
                                    return Unresolved(invocation);
                                }

                                if (!CheckPublicSurface(elementType, invocation))
                                {
                                    return null;
                                }

                                var inputId = AddTransform(
                                    name == "ReadLines" ? TransformKind.ReadLinesInput : TransformKind.CreateInput,
                                    Array.Empty<PortRef>(), string.Empty, new[] { Fq(elementType) },
                                    name + " '" + inputName + "' (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")",
                                    inputName: inputName);
                                if (name != "Unbounded" || args.Count < 3)
                                {
                                    return Collection(inputId);
                                }

                                // A source with its own timestamps and watermark: the timestamp assigner runs first in the
                                // input's loop and tracks the latest timestamp; the input's watermark trails it.
                                var argumentList = invocation.ArgumentList.Arguments;
                                ExpressionSyntax? Named(string parameter, int position) =>
                                    argumentList.FirstOrDefault(a => a.NameColon?.Name.Identifier.Text == parameter)?.Expression
                                    ?? (argumentList.Count > position && argumentList[position].NameColon is null ? argumentList[position].Expression : null);
                                var timestampFn = ParseFunction(Named("timestamps", 1), invocation, "Unbounded");
                                if (timestampFn is null)
                                {
                                    return null;
                                }

                                long idleness = 0;
                                var delayArg = Named("maxOutOfOrderness", 2);
                                var idleArg = Named("idleness", 3);
                                if (delayArg is null || !TryEvaluateDuration(delayArg, out var delay) || delay < 0)
                                {
                                    ReportDuration(delayArg ?? (SyntaxNode)invocation);
                                    return null;
                                }

                                if (idleArg is not null && (!TryEvaluateDuration(idleArg, out idleness) || idleness < 0))
                                {
                                    ReportDuration(idleArg);
                                    return null;
                                }

                                _transforms[inputId] = _transforms[inputId] with { MaxOutOfOrdernessMs = delay, IdlenessMs = idleness };
                                var assigner = AddTransform(TransformKind.WithTimestamps, new[] { new PortRef(inputId, 0) }, Fq(elementType), new[] { Fq(elementType) },
                                    "WithTimestamps of '" + inputName + "' (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", function: timestampFn);
                                _transforms[assigner] = _transforms[assigner] with { TracksInput = inputName };
                                return Collection(assigner);
                            }

                        case "Flatten":
                            {
                                var inputs = new List<PortRef>();
                                foreach (var arg in args)
                                {
                                    if (arg is null)
                                    {
                                        continue;
                                    }

                                    if (Evaluate(arg) is not CollectionValue collection)
                                    {
                                        return null;
                                    }

                                    inputs.Add(collection.Port);
                                }

                                if (inputs.Count == 0)
                                {
                                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()), "Flatten needs at least one input collection, listed as arguments");
                                    return null;
                                }

                                var elementType = ElementType(method.ReturnType);
                                if (elementType is null)
                                {
                                    return Unresolved(invocation);
                                }

                                var t = Fq(elementType);
                                return Collection(AddTransform(TransformKind.Flatten, inputs, t, new[] { t }, label));
                            }
                    }

                    return UnknownMember(invocation, name);
                }

                if (receiver is not CollectionValue input)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()), "transforms apply to collections");
                    return null;
                }

                var inputType = ElementTypeOfPort(input.Port);
                switch (name)
                {
                    case "Map":
                    case "Filter":
                    case "FlatMap":
                    case "WithKeys":
                    case "ParDo":
                        {
                            PortRef? side = null;
                            var fnArg = args.ElementAtOrDefault(0);
                            if (method.Parameters.Length == 2 && method.Parameters[0].Name == "side")
                            {
                                if (args.Count < 2 || args[0] is null)
                                {
                                    return Unresolved(invocation);
                                }

                                if (Evaluate(args[0]) is not ViewValue view)
                                {
                                    return null;
                                }

                                side = view.Port;
                                fnArg = args.ElementAtOrDefault(1);
                            }

                            var fn = ParseFunction(fnArg, invocation, name);
                            if (fn is null)
                            {
                                return null;
                            }

                            var kind = name switch
                            {
                                "Map" => TransformKind.Map,
                                "Filter" => TransformKind.Filter,
                                "FlatMap" => TransformKind.FlatMap,
                                "WithKeys" => TransformKind.WithKeys,
                                _ => TransformKind.ParDo,
                            };
                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            long skew = 0;
                            if (kind == TransformKind.ParDo)
                            {
                                // The allowed timestamp skew: the argument bound to 'allowedTimestampSkew', named or second.
                                var skewArg = invocation.ArgumentList.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.Text == "allowedTimestampSkew")
                                    ?? (invocation.ArgumentList.Arguments.Count > 1 && invocation.ArgumentList.Arguments[1].NameColon is null ? invocation.ArgumentList.Arguments[1] : null);
                                if (skewArg is not null && (!TryEvaluateDuration(skewArg.Expression, out skew) || skew < 0))
                                {
                                    ReportDuration(skewArg);
                                    return null;
                                }
                            }

                            var id = AddTransform(kind, new[] { input.Port }, inputType, outputs, label, function: fn, side: side);
                            if (skew != 0)
                            {
                                _transforms[id] = _transforms[id] with { AllowedSkewMs = skew };
                            }

                            return outputs.Length > 1 || method.ReturnType.OriginalDefinition.Equals(_parDo2, SymbolEqualityComparer.Default) || method.ReturnType.OriginalDefinition.Equals(_parDo3, SymbolEqualityComparer.Default)
                                ? new MultiValue(id, outputs.Length, false)
                                : Collection(id);
                        }

                    case "WithTimestamps":
                        {
                            var fn = ParseFunction(args.ElementAtOrDefault(0), invocation, name);
                            if (fn is null)
                            {
                                return null;
                            }

                            return Collection(AddTransform(TransformKind.WithTimestamps, new[] { input.Port }, inputType, new[] { inputType }, label, function: fn));
                        }

                    case "Window":
                        {
                            var windowing = ParseWindowing(args.ElementAtOrDefault(0), invocation);
                            if (windowing is null)
                            {
                                return null;
                            }

                            var spec = windowing.IsDefaultGlobal ? null : windowing;
                            return Collection(AddTransform(TransformKind.Window, new[] { input.Port }, inputType, new[] { inputType },
                                "Window " + (spec?.Describe() ?? "global") + " (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", windowing: spec));
                        }

                    case "Partition":
                        {
                            var count = _model.GetConstantValue(args.ElementAtOrDefault(0) ?? invocation, _cancellationToken);
                            if (!count.HasValue || count.Value is not int n || n <= 0)
                            {
                                Report(DiagnosticDescriptors.InvalidPartitionCount, (args.ElementAtOrDefault(0) ?? (SyntaxNode)invocation).GetLocation(), args.ElementAtOrDefault(0)?.ToString() ?? string.Empty);
                                return null;
                            }

                            var fn = ParseFunction(args.ElementAtOrDefault(1), invocation, name);
                            if (fn is null)
                            {
                                return null;
                            }

                            var outputs = Enumerable.Repeat(inputType, n).ToArray();
                            var id = AddTransform(TransformKind.Partition, new[] { input.Port }, inputType, outputs, label, function: fn, partitions: n);
                            return new MultiValue(id, n, true);
                        }

                    case "CombineGlobally":
                    case "CombinePerKey":
                    case "CombineValues":
                        {
                            var combine = ParseCombineFn(args.ElementAtOrDefault(0), method, invocation);
                            if (combine is null)
                            {
                                return null;
                            }

                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            var kind = name == "CombineGlobally" ? TransformKind.CombineGlobally : name == "CombinePerKey" ? TransformKind.CombinePerKey : TransformKind.CombineValues;
                            var combineId = AddTransform(kind, new[] { input.Port }, inputType, outputs, label, combine: combine);
                            return AttachLateData(combineId, invocation, line) ? Collection(combineId) : null;
                        }

                    case "CoGroupByKey":
                        {
                            var inputs = new List<PortRef> { input.Port };
                            foreach (var arg in args)
                            {
                                if (arg is null || Evaluate(arg) is not CollectionValue other)
                                {
                                    return null;
                                }

                                inputs.Add(other.Port);
                            }

                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            return Collection(AddTransform(TransformKind.CoGroupByKey, inputs, inputType, outputs, label));
                        }

                    case "Output":
                        {
                            var outputName = ReadName(args.ElementAtOrDefault(0), invocation, _outputNames, "output");
                            if (outputName is null)
                            {
                                return null;
                            }

                            if (method.ContainingType is { TypeArguments.Length: 1 } collectionType &&
                                !CheckPublicSurface(collectionType.TypeArguments[0], invocation))
                            {
                                return null;
                            }

                            AddTransform(TransformKind.Output, new[] { input.Port }, inputType, Array.Empty<string>(),
                                "Output '" + outputName + "' (line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", outputName: outputName);
                            return new VoidValue();
                        }

                    case "AsSingleton":
                    case "AsList":
                    case "AsDictionary":
                        {
                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            var kind = name == "AsSingleton" ? TransformKind.AsSingleton : name == "AsList" ? TransformKind.AsList : TransformKind.AsDictionary;
                            return new ViewValue(new PortRef(AddTransform(kind, new[] { input.Port }, inputType, outputs, label), 0));
                        }

                    case "Keys":
                    case "Values":
                    case "KvSwap":
                    case "GroupByKey":
                    case "Count":
                    case "CountPerElement":
                    case "CountPerKey":
                    case "Distinct":
                        {
                            var outputs = OutputTypes(method.ReturnType);
                            if (outputs is null)
                            {
                                return Unresolved(invocation);
                            }

                            var kind = (TransformKind)Enum.Parse(typeof(TransformKind), name);
                            var groupingId = AddTransform(kind, new[] { input.Port }, inputType, outputs, label);
                            return AttachLateData(groupingId, invocation, line) ? Collection(groupingId) : null;
                        }
                }

                return UnknownMember(invocation, name);
            }

            /// <summary>
            /// A grouping's late-data output (its lateData argument): the grouping gets a second port carrying the
            /// elements it drops as late, and an Output transform on that port.
            /// </summary>
            private bool AttachLateData(int id, InvocationExpressionSyntax invocation, int line)
            {
                if (_model.GetOperation(invocation, _cancellationToken) is not Microsoft.CodeAnalysis.Operations.IInvocationOperation operation)
                {
                    return true;
                }

                var defaults = operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "withoutDefaults" && a.ArgumentKind == Microsoft.CodeAnalysis.Operations.ArgumentKind.Explicit);
                if (defaults?.Syntax is ArgumentSyntax defaultsSyntax)
                {
                    if (_model.GetConstantValue(defaultsSyntax.Expression, _cancellationToken) is not { HasValue: true, Value: bool without })
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, defaultsSyntax.GetLocation(), Shorten(defaultsSyntax.ToString()), "withoutDefaults must be a constant (true or false)");
                        return false;
                    }

                    _transforms[id] = _transforms[id] with { WithoutDefaults = without };
                }

                var argument = operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "lateData" && a.ArgumentKind == Microsoft.CodeAnalysis.Operations.ArgumentKind.Explicit);
                if (argument?.Syntax is not ArgumentSyntax syntax)
                {
                    return true;
                }

                if (_model.GetConstantValue(syntax.Expression, _cancellationToken) is { HasValue: true, Value: null })
                {
                    return true;
                }

                var outputName = ReadName(syntax.Expression, invocation, _outputNames, "output");
                if (outputName is null)
                {
                    return false;
                }

                var grouping = _transforms[id];
                _transforms[id] = grouping with { OutputTypes = grouping.OutputTypes.Concat(new[] { grouping.InputType }).ToEquatableArray() };
                AddTransform(TransformKind.Output, new[] { new PortRef(id, 1) }, grouping.InputType, Array.Empty<string>(),
                    "Output '" + outputName + "' (late data of #" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", line " + line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")", outputName: outputName);
                return true;
            }

            private bool CheckPublicSurface(ITypeSymbol elementType, InvocationExpressionSyntax invocation)
            {
                if (FindUnnameable(elementType) is { } unnameable)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                        "its element type is " + unnameable + ", which generated code cannot name; use a record, a class or a named tuple");
                    return false;
                }

                if (!IsPublicEverywhere(elementType))
                {
                    // The runner, its factory and the batch members are then emitted as internal.
                    _surfaceIsInternal = true;
                }

                if (FindPrivate(elementType) is { } hidden)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                        "the element type uses '" + hidden + "', which is private; types of pipeline inputs and outputs appear on the generated runner and must be internal or public");
                    return false;
                }

                return true;
            }

            private static bool IsPublicEverywhere(ITypeSymbol type)
            {
                switch (type)
                {
                    case IArrayTypeSymbol array:
                        return IsPublicEverywhere(array.ElementType);
                    case INamedTypeSymbol named:
                        for (var t = named; t is not null; t = t.ContainingType)
                        {
                            if (t.DeclaredAccessibility != Accessibility.Public)
                            {
                                return false;
                            }
                        }

                        return named.TypeArguments.All(IsPublicEverywhere);
                    default:
                        return true;
                }
            }

            private Value? UnknownMember(InvocationExpressionSyntax invocation, string name)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), name, "this member of the declaration API is not supported by this version of the generator");
                return null;
            }

            private string? _pendingTypeProblem;

            /// <summary>An anonymous type (or a type built from one) cannot be named in generated code.</summary>
            private static string? FindUnnameable(ITypeSymbol type)
            {
                switch (type)
                {
                    case INamedTypeSymbol { IsAnonymousType: true }:
                        return "an anonymous type";
                    case INamedTypeSymbol { IsFileLocal: true } fileLocal:
                        return "the file-local type '" + fileLocal.Name + "'";
                    case IDynamicTypeSymbol:
                        return "dynamic";
                    case INamedTypeSymbol named:
                        foreach (var argument in named.TypeArguments)
                        {
                            if (FindUnnameable(argument) is { } inner)
                            {
                                return inner;
                            }
                        }

                        return named.IsTupleType ? named.TupleElements.Select(e => FindUnnameable(e.Type)).FirstOrDefault(x => x is not null) : null;
                    case IArrayTypeSymbol array:
                        return FindUnnameable(array.ElementType);
                    case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                        return "a pointer type";
                    default:
                        return null;
                }
            }

            /// <summary>Types crossing the runner's public surface (inputs, outputs) must not be private to the pipeline class.</summary>
            private static string? FindPrivate(ITypeSymbol type)
            {
                if (type is INamedTypeSymbol named)
                {
                    for (var t = named; t is not null; t = t.ContainingType)
                    {
                        if (t.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                        {
                            return t.Name;
                        }
                    }

                    foreach (var argument in named.TypeArguments)
                    {
                        if (FindPrivate(argument) is { } inner)
                        {
                            return inner;
                        }
                    }
                }
                else if (type is IArrayTypeSymbol array)
                {
                    return FindPrivate(array.ElementType);
                }

                return null;
            }

            private Value? Unresolved(InvocationExpressionSyntax invocation)
            {
                if (_pendingTypeProblem is { } problem)
                {
                    _pendingTypeProblem = null;
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), Shorten(invocation.ToString()),
                        "its element type is " + problem + ", which generated code cannot name; use a record, a class or a named tuple");
                    return null;
                }

                Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), Shorten(invocation.ToString()));
                return null;
            }

            private static CollectionValue Collection(int id) => new(new PortRef(id, 0));

            private string ElementTypeOfPort(PortRef port) => _transforms[port.Node].OutputTypes[port.Port];

            private ITypeSymbol? ElementType(ITypeSymbol type) =>
                type is INamedTypeSymbol named && named.TypeArguments.Length == 1 && named.TypeArguments[0].TypeKind != TypeKind.Error
                    ? named.TypeArguments[0]
                    : null;

            private string[]? OutputTypes(ITypeSymbol type)
            {
                if (type is not INamedTypeSymbol named || named.TypeArguments.Any(t => t.TypeKind == TypeKind.Error))
                {
                    return null;
                }

                foreach (var argument in named.TypeArguments)
                {
                    if (FindUnnameable(argument) is { } unnameable)
                    {
                        _pendingTypeProblem = unnameable;
                        return null;
                    }
                }

                return named.TypeArguments.Select(Fq).ToArray();
            }

            /// <summary>
            /// The windowing of a transform's output as its consumers see it: after a grouping, a declared trigger is
            /// replaced by its continuation (Beam's continuation triggers), so a second grouping fires as soon as the
            /// first one's panes arrive rather than waiting for the same counts or delays again.
            /// </summary>
            private static WindowSpec? Downstream(TransformSpec producer) =>
                producer.OutputWindowing is { TriggerCode: { } code } w && producer.SideInput is null && Planner.IsStateful(producer)
                    ? w with { TriggerCode = code + ".Continuation()", TriggerText = "continuation of " + w.TriggerText }
                    : producer.OutputWindowing;

            private int AddTransform(
                TransformKind kind,
                IReadOnlyList<PortRef> inputs,
                string inputType,
                string[] outputTypes,
                string label,
                FunctionSpec? function = null,
                CombineFnSpec? combine = null,
                PortRef? side = null,
                int partitions = 0,
                string? inputName = null,
                string? outputName = null,
                WindowSpec? windowing = null)
            {
                // Windowing flows from the (first) input; a Window transform sets it (null: the global window).
                var outputWindowing = kind == TransformKind.Window
                    ? windowing
                    : inputs.Count > 0 ? Downstream(_transforms[inputs[0].Node]) : null;
                string? keyType = null;
                var valueTypes = new List<string>();
                foreach (var port in inputs)
                {
                    var type = ElementTypeOfPort(port);
                    if (TrySplitKv(type, out var key, out var value))
                    {
                        keyType ??= key;
                        valueTypes.Add(value);
                    }
                }

                var id = _transforms.Count;
                _transforms.Add(new TransformSpec
                {
                    Id = id,
                    Kind = kind,
                    Inputs = inputs.ToEquatableArray(),
                    SideInput = side,
                    InputType = inputType,
                    OutputTypes = outputTypes.ToEquatableArray(),
                    KeyType = keyType,
                    ValueTypes = valueTypes.ToEquatableArray(),
                    Name = inputName ?? outputName,
                    Function = function,
                    Combine = combine,
                    PartitionCount = partitions,
                    Windowing = windowing,
                    OutputWindowing = outputWindowing,
                    Label = label,
                });
                return id;
            }

            private static bool TrySplitKv(string type, out string key, out string value)
            {
                const string prefix = "global::Compiled.KV<";
                key = value = string.Empty;
                if (!type.StartsWith(prefix, StringComparison.Ordinal) || !type.EndsWith(">", StringComparison.Ordinal))
                {
                    return false;
                }

                var inner = type.Substring(prefix.Length, type.Length - prefix.Length - 1);
                var depth = 0;
                for (var i = 0; i < inner.Length; i++)
                {
                    switch (inner[i])
                    {
                        case '<':
                        case '(':
                        case '[':
                            depth++;
                            break;
                        case '>':
                        case ')':
                        case ']':
                            depth--;
                            break;
                        case ',' when depth == 0:
                            key = inner.Substring(0, i).Trim();
                            value = inner.Substring(i + 1).Trim();
                            return true;
                    }
                }

                return false;
            }

            private string? ReadName(ExpressionSyntax? argument, InvocationExpressionSyntax invocation, Dictionary<string, string> seen, string what)
            {
                if (argument is null)
                {
                    Report(DiagnosticDescriptors.InvalidName, invocation.GetLocation(), "The " + what + " needs a name");
                    return null;
                }

                var constant = _model.GetConstantValue(argument, _cancellationToken);
                if (!constant.HasValue || constant.Value is not string name)
                {
                    Report(DiagnosticDescriptors.InvalidName, argument.GetLocation(), "The " + what + " name must be a constant string");
                    return null;
                }

                var identifier = Names.ToPascal(name);
                if (identifier.Length == 0 || !SyntaxFacts.IsValidIdentifier(identifier))
                {
                    Report(DiagnosticDescriptors.InvalidName, argument.GetLocation(), "The " + what + " name '" + name + "' must contain letters or digits and start with a letter");
                    return null;
                }

                if (Names.Reserved.Contains(identifier))
                {
                    Report(DiagnosticDescriptors.InvalidName, argument.GetLocation(), "The " + what + " name '" + name + "' collides with a generated member; choose another name");
                    return null;
                }

                if (seen.TryGetValue(identifier, out var previous))
                {
                    Report(DiagnosticDescriptors.InvalidName, argument.GetLocation(), "The " + what + " name '" + name + "' is already used by '" + previous + "'; " + what + " names must be unique");
                    return null;
                }

                seen.Add(identifier, name);
                _nameLocations[what + ":" + identifier] = argument.GetLocation();
                return name;
            }

            // ----- functions -----
            private FunctionSpec? ParseFunction(ExpressionSyntax? argument, InvocationExpressionSyntax invocation, string transform)
            {
                if (argument is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), transform);
                    return null;
                }

                if (argument is LambdaExpressionSyntax lambda)
                {
                    return ParseLambda(lambda, transform);
                }

                var symbol = _model.GetSymbolInfo(argument, _cancellationToken).Symbol as IMethodSymbol;
                if (symbol is not null && argument is IdentifierNameSyntax or MemberAccessExpressionSyntax or GenericNameSyntax && symbol.MethodKind == MethodKind.Ordinary)
                {
                    if (!symbol.IsStatic)
                    {
                        Report(DiagnosticDescriptors.FunctionNotLambda, argument.GetLocation(), transform, argument.ToString() + "' (an instance method");
                        return null;
                    }

                    // A generic method whose emitter parameter is a type parameter (TEmit : IEmitter<T>) is called
                    // without explicit type arguments, so that the struct emitter is inferred and never boxed.
                    var inferEmitter = symbol.IsGenericMethod && symbol.OriginalDefinition.Parameters.Any(p => p.Type is ITypeParameterSymbol tp && tp.ConstraintTypes.Any(c => EmitterType(c) is not null));
                    var methodName = Fq(symbol.ContainingType) + "." + symbol.Name +
                        (symbol.IsGenericMethod && !inferEmitter ? "<" + string.Join(", ", symbol.TypeArguments.Select(Fq)) + ">" : string.Empty);
                    return new FunctionSpec
                    {
                        Parameters = symbol.Parameters.Select((p, i) => new ParameterSpec("arg" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Fq(p.Type), EmitterType(p.Type))).ToEquatableArray(),
                        ReturnType = symbol.ReturnsVoid ? "void" : Fq(symbol.ReturnType),
                        MethodGroup = methodName,
                    };
                }

                Report(DiagnosticDescriptors.FunctionNotLambda, argument.GetLocation(), transform, Shorten(argument.ToString()));
                return null;
            }

            private FunctionSpec? ParseLambda(LambdaExpressionSyntax lambda, string transform)
            {
                if (!lambda.Modifiers.Any(SyntaxKind.StaticKeyword))
                {
                    var captured = string.Empty;
                    var flow = _model.AnalyzeDataFlow(lambda);
                    if (flow is { Succeeded: true } && flow.CapturedInside.Length > 0)
                    {
                        captured = ", but it captures " + string.Join(", ", flow.CapturedInside.Select(s => "'" + s.Name + "'"));
                    }

                    Report(DiagnosticDescriptors.LambdaNotStatic, lambda.GetLocation(), transform, captured);
                    return null;
                }

                if (lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
                {
                    Report(DiagnosticDescriptors.UnsupportedLambda, lambda.GetLocation(), transform, "async lambdas are not supported; transforms are synchronous");
                    return null;
                }

                if (_model.GetSymbolInfo(lambda, _cancellationToken).Symbol is not IMethodSymbol symbol ||
                    symbol.Parameters.Any(p => p.Type.TypeKind == TypeKind.Error) || symbol.ReturnType.TypeKind == TypeKind.Error)
                {
                    Report(DiagnosticDescriptors.Unresolved, lambda.GetLocation(), transform + " lambda");
                    return null;
                }

                if (symbol.Parameters.Any(p => p.RefKind != RefKind.None))
                {
                    Report(DiagnosticDescriptors.UnsupportedLambda, lambda.GetLocation(), transform, "ref, in and out parameters are not supported");
                    return null;
                }

                if (lambda.AttributeLists.Count > 0 || lambda.DescendantNodes().OfType<AttributeListSyntax>().Any())
                {
                    Report(DiagnosticDescriptors.UnsupportedLambda, lambda.GetLocation(), transform, "attributes on lambdas or their parameters are not supported");
                    return null;
                }

                var discards = symbol.Parameters.Count(p => p.Name == "_");
                var parameters = new List<ParameterSpec>();
                for (var i = 0; i < symbol.Parameters.Length; i++)
                {
                    var p = symbol.Parameters[i];
                    var parameterName = p.Name == "_" && discards > 1 ? "__discard" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) : p.Name;
                    if (parameterName.Length == 0)
                    {
                        parameterName = "__p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    parameters.Add(new ParameterSpec(SyntaxFacts.GetKeywordKind(parameterName) != SyntaxKind.None ? "@" + parameterName : parameterName, Fq(p.Type), EmitterType(p.Type)));
                }

                var body = lambda.Body;
                var span = body.GetLocation().GetLineSpan();
                var position = span.StartLinePosition;
                return new FunctionSpec
                {
                    Parameters = parameters.ToEquatableArray(),
                    ReturnType = ReturnTypeOf(lambda, symbol),
                    Body = body.ToString(),
                    IsExpressionBody = body is ExpressionSyntax,
                    BodyLine = position.Line + 1,
                    BodyColumn = position.Character + 1,
                    BodyEndLine = span.EndLinePosition.Line + 1,
                    BodyEndColumn = span.EndLinePosition.Character + 1,
                };
            }

            /// <summary>The return type as the target delegate sees it (keeps nullable annotations inferred from the chain).</summary>
            private string ReturnTypeOf(LambdaExpressionSyntax lambda, IMethodSymbol symbol)
            {
                if (symbol.ReturnsVoid)
                {
                    return "void";
                }

                var invoke = (_model.GetTypeInfo(lambda, _cancellationToken).ConvertedType as INamedTypeSymbol)?.DelegateInvokeMethod;
                return invoke is { ReturnsVoid: false } && invoke.ReturnType.TypeKind != TypeKind.Error && invoke.ReturnType.TypeKind != TypeKind.TypeParameter
                    ? Fq(invoke.ReturnType)
                    : Fq(symbol.ReturnType);
            }

            private string? EmitterType(ITypeSymbol type) =>
                type is INamedTypeSymbol named && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, _emitter)
                    ? Fq(named.TypeArguments[0])
                    : null;

            private CombineFnSpec? ParseCombineFn(ExpressionSyntax? argument, IMethodSymbol method, InvocationExpressionSyntax invocation)
            {
                if (argument is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, invocation.GetLocation(), method.Name);
                    return null;
                }

                var type = _model.GetTypeInfo(argument, _cancellationToken).Type;
                if (type is null || type.TypeKind == TypeKind.Error)
                {
                    Report(DiagnosticDescriptors.Unresolved, argument.GetLocation(), Shorten(argument.ToString()));
                    return null;
                }

                if (type.TypeKind == TypeKind.Interface || type.IsAbstract)
                {
                    Report(DiagnosticDescriptors.InvalidCombineFn, argument.GetLocation(), Shorten(argument.ToString()), "its static type is '" + type.Name + "', not a concrete struct or sealed class the generator can call directly");
                    return null;
                }

                if (argument is not (ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax or InvocationExpressionSyntax or MemberAccessExpressionSyntax or DefaultExpressionSyntax))
                {
                    Report(DiagnosticDescriptors.InvalidCombineFn, argument.GetLocation(), Shorten(argument.ToString()), "it is neither a 'new' expression nor a factory call");
                    return null;
                }

                var constants = new List<(Microsoft.CodeAnalysis.Text.TextSpan Span, string Text)>();
                foreach (var identifier in argument.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    var symbol = _model.GetSymbolInfo(identifier, _cancellationToken).Symbol;
                    if (symbol is ILocalSymbol { IsConst: true, HasConstantValue: true } constant)
                    {
                        // A constant local of Define is inlined as its value (generated code cannot see the local).
                        constants.Add((identifier.Span, "((" + Fq(constant.Type) + ")" + Literal(constant.ConstantValue) + ")"));
                        continue;
                    }

                    if (symbol is ILocalSymbol or IParameterSymbol)
                    {
                        Report(DiagnosticDescriptors.InvalidCombineFn, identifier.GetLocation(), Shorten(argument.ToString()),
                            "it reads '" + identifier.Identifier.ValueText + "', " + (symbol is ILocalSymbol { IsConst: true }
                                ? "a constant local of Define, which generated code cannot see; use a literal or a const field of the class"
                                : "which only exists while Define runs"));
                        return null;
                    }
                }

                if (argument.DescendantNodes().OfType<LambdaExpressionSyntax>().Any(l => !l.Modifiers.Any(SyntaxKind.StaticKeyword)))
                {
                    Report(DiagnosticDescriptors.InvalidCombineFn, argument.GetLocation(), Shorten(argument.ToString()), "lambdas inside it must be static");
                    return null;
                }

                var fnParameter = (method.Parameters.FirstOrDefault(p => p.Name == "fn") ?? method.Parameters.LastOrDefault())?.Type as INamedTypeSymbol;
                if (fnParameter is null || fnParameter.TypeArguments.Length != 3 || fnParameter.TypeArguments.Any(t => t.TypeKind == TypeKind.Error))
                {
                    Report(DiagnosticDescriptors.Unresolved, argument.GetLocation(), Shorten(argument.ToString()));
                    return null;
                }

                // Re-emitted fully qualified where the shape allows (new T(...), Factory.Create<T>(...)), so the
                // generated code does not depend on the declaring file's usings.
                string createExpression;
                if (argument is ImplicitObjectCreationExpressionSyntax implicitNew)
                {
                    createExpression = "new " + Fq(type) + Substitute(implicitNew.ArgumentList, constants) + (implicitNew.Initializer is { } init ? " " + Substitute(init, constants) : string.Empty);
                }
                else if (argument is ObjectCreationExpressionSyntax explicitNew)
                {
                    createExpression = "new " + Fq(type) + (explicitNew.ArgumentList is { } list ? Substitute(list, constants) : "()") + (explicitNew.Initializer is { } init ? " " + Substitute(init, constants) : string.Empty);
                }
                else if (argument is InvocationExpressionSyntax factoryCall &&
                         _model.GetSymbolInfo(factoryCall, _cancellationToken).Symbol is IMethodSymbol { IsStatic: true, ReducedFrom: null } factory)
                {
                    createExpression = Fq(factory.ContainingType) + "." + factory.Name +
                        (factory.IsGenericMethod ? "<" + string.Join(", ", factory.TypeArguments.Select(Fq)) + ">" : string.Empty) +
                        Substitute(factoryCall.ArgumentList, constants);
                }
                else
                {
                    createExpression = Substitute(argument, constants);
                }
                return new CombineFnSpec(Fq(type), createExpression, Fq(fnParameter.TypeArguments[0]), Fq(fnParameter.TypeArguments[1]), Fq(fnParameter.TypeArguments[2]));
            }

            private static string Substitute(SyntaxNode node, List<(Microsoft.CodeAnalysis.Text.TextSpan Span, string Text)> replacements)
            {
                var text = node.ToString();
                var start = node.SpanStart;
                foreach (var (span, replacement) in replacements.OrderByDescending(r => r.Span.Start))
                {
                    if (span.Start >= start && span.End <= start + text.Length)
                    {
                        text = text.Substring(0, span.Start - start) + replacement + text.Substring(span.End - start);
                    }
                }

                return text;
            }

            private static string Literal(object? value) => value switch
            {
                null => "null",
                string s => SymbolDisplay.FormatLiteral(s, quote: true),
                char c => SymbolDisplay.FormatLiteral(c, quote: true),
                bool b => b ? "true" : "false",
                float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f",
                double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "d",
                decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture) + "m",
                System.IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "null",
            };

            private static string Shorten(string text)
            {
                var single = string.Join(" ", text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
                return single.Length <= 80 ? single : single.Substring(0, 77) + "...";
            }
        }
    }
}
