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
    internal static partial class Parser
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

        /// <summary>A name as C# writes it: a keyword gets an '@' ("class" → "@class"), as the namespace display does.</summary>
        private static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

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

        private sealed partial class Session
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
            private INamedTypeSymbol? _elementContext;
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

                if (Names.ClassMembers.Contains(type.Name))
                {
                    Report(DiagnosticDescriptors.InvalidName, syntax.Identifier.GetLocation(), "A pipeline class cannot be named '" + type.Name + "': the generator adds a member of that name to it; rename the class");
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
                _elementContext = compilation.GetTypeByMetadataName("Compiled.ElementContext");
                _kv = compilation.GetTypeByMetadataName("Compiled.KV`2");
                _parDo2 = compilation.GetTypeByMetadataName("Compiled.ParDoResult`2");
                _parDo3 = compilation.GetTypeByMetadataName("Compiled.ParDoResult`3");
                _partitionList = compilation.GetTypeByMetadataName("Compiled.PartitionList`1");
                if (_pcollection is null || _builder is null || _keyed is null || _emitter is null || _kv is null)
                {
                    Report(DiagnosticDescriptors.Unresolved, syntax.Identifier.GetLocation(), "Compiled.PCollection<T> (is the Compiled runtime referenced?)");
                    return Result(null);
                }

                // Define(PipelineBuilder p), or Define(PipelineBuilder p, TOptions options) with pipeline options.
                var define = type.GetMembers("Define").OfType<IMethodSymbol>().FirstOrDefault(m =>
                    m.IsStatic && m.ReturnsVoid && !m.IsGenericMethod && m.Parameters.Length is 1 or 2 &&
                    SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, _builder));
                var defineSyntax = define?.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as MethodDeclarationSyntax;
                if (define is null || defineSyntax is null || (defineSyntax.Body is null && defineSyntax.ExpressionBody is null))
                {
                    Report(DiagnosticDescriptors.MissingDefine, syntax.Identifier.GetLocation(), type.Name);

                    // A Define with the wrong signature (not static, another parameter list) still names the inputs and
                    // outputs the runner's surface should have.
                    var misdeclared = type.GetMembers("Define").OfType<IMethodSymbol>()
                        .SelectMany(m => m.DeclaringSyntaxReferences)
                        .Select(r => r.GetSyntax(_cancellationToken))
                        .OfType<MethodDeclarationSyntax>()
                        .FirstOrDefault(m => m.Body is not null || m.ExpressionBody is not null);
                    if (misdeclared is not null)
                    {
                        _model = misdeclared.SyntaxTree == _context.SemanticModel.SyntaxTree
                            ? _context.SemanticModel
                            : compilation.GetSemanticModel(misdeclared.SyntaxTree);
                    }

                    return FailedResult(type, misdeclared);
                }

                _builderParameter = define.Parameters[0];
                _model = defineSyntax.SyntaxTree == _context.SemanticModel.SyntaxTree
                    ? _context.SemanticModel
                    : compilation.GetSemanticModel(defineSyntax.SyntaxTree);
                if (define.Parameters.Length == 2 && !ReadOptionsParameter(define.Parameters[1]))
                {
                    return FailedResult(type, defineSyntax);
                }

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
                AddCoders(defineSyntax.SpanStart, type);

                // A compiler error in Define (one the generator could read past, such as a static lambda that uses the
                // builder) means that the lambdas copied into the runner would not compile either: the compiler's error is
                // the one to show, and the runner gets only its throwing surface.
                // (The composites' errors were collected as they were inlined.)
                CollectCompilerErrors(defineSyntax);

                if (_compilerErrors.Count > 0 || _hiddenErrors.Count > 0 || _diagnostics.Any(d => DiagnosticDescriptors.ById(d.Id).DefaultSeverity == DiagnosticSeverity.Error))
                {
                    return FailedResult(type, defineSyntax);
                }

                if (_outputNames.Count == 0)
                {
                    Report(DiagnosticDescriptors.NoOutputs, defineSyntax.Identifier.GetLocation(), type.Name);
                }

                var spec = new PipelineSpec
                {
                    Namespace = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(),
                    ClassName = Identifier(type.Name),
                    TypeKeyword = type.IsRecord ? "record" : "class",
                    SurfaceIsInternal = _surfaceIsInternal,
                    ContainingTypes = ContainingTypeDeclarations(type),
                    Usings = CollectUsings(defineSyntax, fileLevel: true).Concat(_extraUsings).Distinct().ToEquatableArray(),
                    NamespaceUsings = CollectUsings(defineSyntax, fileLevel: false),
                    FilePath = defineSyntax.SyntaxTree.FilePath,
                    NullableEnabled = (_model.GetNullableContext(defineSyntax.SpanStart) & NullableContext.AnnotationsEnabled) != 0,
                    Transforms = _transforms.ToEquatableArray(),
                    SqlRows = _sqlRows.ToEquatableArray(),
                    OptionsType = _optionsType,
                    CountsEveryTransform = _context.Attributes.Any(a => a.NamedArguments.Any(n => n.Key == "CountEveryTransform" && n.Value.Value is true)),
                    Coders = _coders,
                    PrivateExchangedType = FindPrivateExchanged(defineSyntax.SpanStart),
                };
                return Result(spec);
            }

            /// <summary>
            /// Output names become members of the runner and of Results; input names become Push/Read/On
            /// methods. An output whose accessor would take a member of the runner's own gets "Output" appended
            /// (Names.OutputAccessor); report an output whose member would still collide, with another output's.
            /// </summary>
            private void CheckGeneratedMemberCollisions()
            {
                // Run and CreateRunner take the options first, as 'pipelineOptions', before a parameter per input or output.
                if (_optionsType is not null)
                {
                    foreach (var (kind, names) in new[] { ("input", _inputNames), ("output", _outputNames) })
                    {
                        if (names.TryGetValue("PipelineOptions", out var clash))
                        {
                            Report(DiagnosticDescriptors.InvalidName, _nameLocations[kind + ":PipelineOptions"],
                                "The " + kind + " name '" + Names.ForLabel(clash) + "' becomes the parameter 'pipelineOptions', which Run and CreateRunner already take for the pipeline options; choose another name");
                        }
                    }
                }

                // Runner members: its own, each input's methods, each output's accessor and sink type parameter.
                var runner = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var member in Names.RunnerMembers)
                {
                    runner[member] = "the runner";
                }

                foreach (var input in _inputNames)
                {
                    foreach (var member in Names.InputMembers(input.Key))
                    {
                        runner[member] = "input '" + input.Value + "'";
                    }
                }

                var results = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var output in _outputNames)
                {
                    var owner = "output '" + output.Value + "'";
                    var accessor = Names.OutputAccessor(output.Key, _inputNames.Keys);
                    var property = Names.ResultsProperty(output.Key);
                    foreach (var (members, member) in new[] { (runner, accessor), (runner, "T" + output.Key), (results, property), (results, property + "Elements") })
                    {
                        if (members.TryGetValue(member, out var previous))
                        {
                            Report(DiagnosticDescriptors.InvalidName, _nameLocations["output:" + output.Key],
                                "The output name '" + Names.ForLabel(output.Value) + "' becomes the member '" + member + "', which the generated code already uses for " + Names.ForLabel(previous) + "; choose another name");
                            break;
                        }

                        members[member] = owner;
                    }
                }
            }

            /// <summary>
            /// What this version supports of windowed collections (the rest is reported, never mis-compiled). Where the
            /// analyzers that ship in the same package report the same mistake with their own rule (CMP1008: inputs of a
            /// Flatten or a join in different window functions; CMP1010: a side input in merging windows), that rule is
            /// the one message: it names the mistake and links its page. The generator's error is then kept only for the
            /// runner's stub, which throws it if the pipeline is run anyway (a build with the analyzers turned off).
            /// </summary>
            private void CheckWindowing(MethodDeclarationSyntax define)
            {
                foreach (var t in _transforms)
                {
                    var location = _transformLocations.TryGetValue(t.Id, out var l) ? l : define.Identifier.GetLocation();
                    if (t.Kind is TransformKind.Flatten or TransformKind.CoGroupByKey &&
                        t.Inputs.Select(i => _transforms[i.Node].OutputWindowing).Where(w => !Equals(w, t.OutputWindowing)).ToList() is { Count: > 0 } differing)
                    {
                        // CMP1008 judges window functions whenever the generator can read them; it also judges triggers, but only
                        // those it can compare as written: a trigger-only difference (and lateness, accumulation, ...) stays ours.
                        ReportUnlessAnalyzerDoes(
                            differing.Any(w => !SameWindowFn(w, t.OutputWindowing)) ? "CMP1008" : null, DiagnosticDescriptors.UnsupportedExpression, location, t.Kind.ToString(),
                            "its inputs are windowed differently; as in Beam, the inputs of a Flatten or a join must have the same window function (re-window them first)");
                    }

                    if (t.ViewWindowing is { } sideWindows &&
                        (UnsupportedSideWindows(sideWindows) ?? UnfedTriggeredView(t)) is { } why)
                    {
                        ReportUnlessAnalyzerDoes(
                            sideWindows.HasMergingFn ? "CMP1010" : null, DiagnosticDescriptors.UnsupportedExpression, location, t.Label, why);
                    }

                    if (t.SideInput is { } side && IsIntervalWindowed(_transforms[side.Node].ViewWindowing) && UnsupportedSideWindows(_transforms[side.Node].ViewWindowing!) is null &&
                        !IsIntervalWindowed(t.OutputWindowing))
                    {
                        // Beam maps a main window to a side window through the main window's max timestamp; the global
                        // window's maps to no window of an interval window function (Beam throws when the job runs).
                        var view = _transforms[side.Node];
                        Report(DiagnosticDescriptors.GlobalReaderOfWindowedSideInput, location, t.Label, view.Label, WindowingText(view.ViewWindowing!));
                    }
                }
            }

            /// <summary>
            /// Why a side input of a collection in <paramref name="w"/> cannot be compiled, or null. A windowed view is kept
            /// per window and a window is read once the watermark passes its end: Beam's default strategy on fixed, sliding
            /// or non-merging custom windows with sizes known at build time.
            /// </summary>
            private static string? UnsupportedSideWindows(WindowSpec w)
            {
                if (w.Kind == "Global" && w.TriggerCode is null)
                {
                    return null;
                }

                if (w.HasMergingFn)
                {
                    return "a side input cannot be made of a collection in merging windows (Beam: \"Sessions is not allowed in side inputs\"); window it with fixed, sliding or global windows first";
                }

                if (w.SizeOption is not null)
                {
                    return "a side input of a collection whose window size comes from the pipeline options is not supported yet; use a constant size";
                }

                return null;
            }

            /// <summary>
            /// Why a view of a triggered collection cannot be compiled, or null. Its windows are updated by panes (each holds
            /// the latest), so the collection must be the output of a grouping or combine, through element-wise transforms
            /// only: Beam's View applies such a grouping itself, with the collection's trigger.
            /// </summary>
            private string? UnfedTriggeredView(TransformSpec view)
            {
                if (!Planner.IsTriggeredView(view))
                {
                    return null;
                }

                var producer = _transforms[view.Inputs[0].Node];
                while (producer.Kind is TransformKind.Map or TransformKind.Filter or TransformKind.FlatMap or TransformKind.ParDo or TransformKind.WithKeys or
                       TransformKind.Keys or TransformKind.Values or TransformKind.KvSwap or TransformKind.Identity && producer.Inputs.Count == 1)
                {
                    producer = _transforms[producer.Inputs[0].Node];
                }

                return producer.Kind is TransformKind.GroupByKey or TransformKind.CombinePerKey or TransformKind.CombineGlobally or TransformKind.CombineValues or
                       TransformKind.Count or TransformKind.CountPerKey or TransformKind.CountPerElement
                    ? null
                    : "a side input of a collection with a trigger or allowed lateness holds the latest pane of each window, so it must be made of the panes of a grouping or a combine " +
                      "(Beam's View groups with the trigger itself); add one before the view, e.g. CombineGlobally for a singleton, CombinePerKey for a dictionary";
            }

            /// <summary>Whether a collection in <paramref name="w"/> is in interval windows (not the global window).</summary>
            private static bool IsIntervalWindowed(WindowSpec? w) => w is not null && w.Kind != "Global";

            /// <summary>A window function as the diagnostics name it: Fixed(60000 ms), Sliding(10000 ms every 5000 ms), ...</summary>
            private static string WindowingText(WindowSpec w) => w.Kind switch
            {
                "Fixed" => "Fixed(" + w.SizeMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms)",
                "Sliding" => "Sliding(" + w.SizeMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms every " + w.PeriodMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms)",
                "Custom" => w.CustomType ?? "Custom",
                _ => w.Kind,
            };

            /// <summary>Whether two windowings have the same window function and parameters (null: the global window).</summary>
            private static bool SameWindowFn(WindowSpec? a, WindowSpec? b)
            {
                var (ka, kb) = (a?.Kind ?? "Global", b?.Kind ?? "Global");
                return ka == kb && (ka == "Global" || a!.SizeMs == b!.SizeMs && a.PeriodMs == b.PeriodMs && a.OffsetMs == b.OffsetMs && a.CustomType == b.CustomType);
            }

            /// <summary>
            /// Reports a generator error, or, when <paramref name="analyzerRule"/> (the analyzer rule of this package that
            /// reports the same mistake at the same call) is given, keeps it only for the runner's stub, whose message
            /// then names that rule (the last argument is the reason).
            /// </summary>
            private void ReportUnlessAnalyzerDoes(string? analyzerRule, DiagnosticDescriptor descriptor, Location location, params string[] args)
            {
                if (analyzerRule is not null)
                {
                    args[args.Length - 1] += " (the analyzers report this as " + analyzerRule + ")";
                    _hiddenErrors.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location), new EquatableArray<string>(args)));
                    return;
                }

                Report(descriptor, location, args);
            }

            private readonly Dictionary<int, Location> _transformLocations = new();

            /// <summary>
            /// Reports a generator error unless the compiler already reports one in the same statement (for example CS0619 for
            /// a keyed transform called on an unkeyed collection): then the compiler's message is the one to read, and this one
            /// is kept only for the runner's stub.
            /// </summary>
            private void ReportUnlessCompilerDid(DiagnosticDescriptor descriptor, Location location, params string[] args)
            {
                if (CompilerReportedErrorAround(location))
                {
                    _hiddenErrors.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location), new EquatableArray<string>(args)));
                    return;
                }

                Report(descriptor, location, args);
            }

            private ParseResult Result(PipelineSpec? spec) => new(spec, _diagnostics.ToEquatableArray());

            private void Report(DiagnosticDescriptor descriptor, Location location, params string[] args)
            {
                var info = new DiagnosticInfo(descriptor.Id, LocationInfo.From(location), new EquatableArray<string>(args));
                if (descriptor.Id == DiagnosticDescriptors.Unresolved.Id && CompilerReportedErrorAround(location))
                {
                    // The compiler's own error says what is wrong there; CMP0003 would only repeat it. The pipeline
                    // still cannot be generated: the error is kept for the runner's stub (see PipelineSurface).
                    _hiddenErrors.Add(info);
                    return;
                }

                _diagnostics.Add(info);
            }

            /// <summary>
            /// Generator errors that are not reported because the compiler reports an error at the same place (a
            /// CMP0003 inside a statement the compiler already rejects).
            /// </summary>
            private readonly List<DiagnosticInfo> _hiddenErrors = new();

            /// <summary>The compiler's errors in Define, as text for the runner's surface.</summary>
            private readonly List<string> _compilerErrors = new();

            /// <summary>Locals whose initializer was reported: their uses are not reported again.</summary>
            private readonly HashSet<ISymbol> _failedLocals = new(SymbolEqualityComparer.Default);

            /// <summary>True when the compiler reports an error in the statement (or member) that contains <paramref name="location"/>.</summary>
            private bool CompilerReportedErrorAround(Location location)
            {
                if (_model is null || location.SourceTree != _model.SyntaxTree)
                {
                    return false;
                }

                var node = location.SourceTree.GetRoot(_cancellationToken).FindNode(location.SourceSpan, getInnermostNodeForTie: true);
                var scope = node.AncestorsAndSelf().FirstOrDefault(n => n is StatementSyntax || n is ArrowExpressionClauseSyntax || n is MemberDeclarationSyntax) ?? node;
                return _model.GetDiagnostics(scope.Span, _cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError && !IsDeclaredRowName(d));
            }

            /// <summary>
            /// Whether a compiler error is the unknown name of a SQL query's row type (<c>p.Sql&lt;TopPage&gt;</c>), which the
            /// generator declares: the error is gone once the generated code is in.
            /// </summary>
            private bool IsDeclaredRowName(Diagnostic diagnostic) =>
                diagnostic.Id == "CS0246" && diagnostic.Location.SourceTree is { } tree &&
                tree.GetRoot(_cancellationToken).FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is IdentifierNameSyntax
                {
                    Parent: TypeArgumentListSyntax { Arguments.Count: 1, Parent: GenericNameSyntax { Identifier.ValueText: "Sql", Parent: MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax } } },
                };

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
                    result.Insert(0, isStatic + "partial " + keyword + " " + Identifier(t.Name));
                }

                return result.ToEquatableArray();
            }

            /// <summary>
            /// The using directives in scope of the declaration: those of the file (<paramref name="fileLevel"/>: true),
            /// re-emitted at the top of the generated file, or those of its namespace declarations, re-emitted inside
            /// the namespace, so that each binds as it does in the user's file.
            /// </summary>
            private static EquatableArray<string> CollectUsings(SyntaxNode node, bool fileLevel)
            {
                var usings = new List<string>();
                foreach (var ancestor in node.Ancestors())
                {
                    SyntaxList<UsingDirectiveSyntax> list = ancestor switch
                    {
                        CompilationUnitSyntax unit when fileLevel => unit.Usings,
                        BaseNamespaceDeclarationSyntax ns when !fileLevel => ns.Usings,
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
        }
    }
}
