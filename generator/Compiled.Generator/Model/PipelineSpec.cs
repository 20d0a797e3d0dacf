using Compiled.Generator.Helpers;

namespace Compiled.Generator.Model;

/// <summary>
/// Everything the planner and emitter need to know about one <c>[Pipeline]</c> class. Immutable and
/// value-equatable: it holds names and text, never symbols, syntax or locations, so the incremental
/// pipeline caches it across edits that do not change the declaration.
/// </summary>
internal sealed record PipelineSpec
{
    /// <summary>Namespace of the class as written in C# (keywords escaped: "Demo.@fixed"), or empty for the global namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The class name as written in C# (a keyword escaped: "@class"), like <see cref="Namespace"/>.</summary>
    public required string ClassName { get; init; }

    /// <summary>"class" or "record".</summary>
    public required string TypeKeyword { get; init; }

    /// <summary>True when an input or output element type is not public: the generated surface is then internal.</summary>
    public required bool SurfaceIsInternal { get; init; }

    /// <summary>Declarations of the enclosing types, outermost first (e.g. "partial class Outer").</summary>
    public required EquatableArray<string> ContainingTypes { get; init; }

    /// <summary>Using directives of the declaring file, re-emitted at the top of the generated file so lambda bodies bind the same way.</summary>
    public required EquatableArray<string> Usings { get; init; }

    /// <summary>Using directives of the namespace declarations around the class, re-emitted inside the generated namespace.</summary>
    public EquatableArray<string> NamespaceUsings { get; init; } = EquatableArray<string>.Empty;

    /// <summary>The file that declares the pipeline (for #line mapping of lambda bodies).</summary>
    public required string FilePath { get; init; }

    /// <summary>Whether nullable annotations are enabled where Define is declared (lambda bodies are re-emitted in the same context).</summary>
    public required bool NullableEnabled { get; init; }

    /// <summary>The transforms in declaration order, which is a topological order.</summary>
    public required EquatableArray<TransformSpec> Transforms { get; init; }

    /// <summary>The result row types the generator declares for SQL queries (nested records of the pipeline class).</summary>
    public EquatableArray<Sql.SqlRowDeclaration> SqlRows { get; init; } = EquatableArray<Sql.SqlRowDeclaration>.Empty;

    /// <summary>
    /// The pipeline options type (Define's second parameter), fully qualified, or null when Define takes none. The runner
    /// is created with an instance of it, which the lambdas that read it receive.
    /// </summary>
    public string? OptionsType { get; init; }

    /// <summary>[Pipeline(CountEveryTransform = true)]: count the elements reaching every transform, fused ones too.</summary>
    public bool CountsEveryTransform { get; init; }

    /// <summary>
    /// A type that would cross the streaming parallel runner's exchanges (the input, key or accumulator of a stateful
    /// transform) and is private to the pipeline class: the exchange items cannot hold it, so that runner is not generated.
    /// </summary>
    public string? PrivateExchangedType { get; init; }

    /// <summary>The coders generated for the keys, values and accumulators that cross a grouping or are kept in state.</summary>
    public EquatableArray<CoderSpec> Coders { get; init; } = EquatableArray<CoderSpec>.Empty;
}

/// <summary>An edge end: output port <see cref="Port"/> of transform <see cref="Node"/>.</summary>
internal readonly record struct PortRef(int Node, int Port);

/// <summary>One transform of the declared graph.</summary>
internal sealed record TransformSpec
{
    /// <summary>Index in <see cref="PipelineSpec.Transforms"/>.</summary>
    public required int Id { get; init; }

    public required TransformKind Kind { get; init; }

    /// <summary>Main inputs (one for most transforms; several for Flatten and CoGroupByKey).</summary>
    public required EquatableArray<PortRef> Inputs { get; init; }

    /// <summary>The side-input view (a transform of kind AsSingleton/AsList/AsDictionary), if any.</summary>
    public PortRef? SideInput { get; init; }

    /// <summary>Element type of the main input(s), fully qualified; empty for inputs.</summary>
    public required string InputType { get; init; }

    /// <summary>Element type of each output port, fully qualified (views: the view type).</summary>
    public required EquatableArray<string> OutputTypes { get; init; }

    /// <summary>For KV-typed inputs: key type (fully qualified).</summary>
    public string? KeyType { get; init; }

    /// <summary>
    /// The type a keyed transform's state is keyed by: the element for CountPerElement and Distinct, else the key (null for
    /// an unkeyed transform). Derived, so not part of the record's equality.
    /// </summary>
    public string? StateKeyType => Kind is TransformKind.CountPerElement or TransformKind.Distinct ? InputType : KeyType;

    /// <summary>For KV-typed inputs: value type of each input (CoGroupByKey has several).</summary>
    public EquatableArray<string> ValueTypes { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Input or output name as declared.</summary>
    public string? Name { get; init; }

    /// <summary>The user function (Map, FlatMap, Filter, ParDo, WithKeys, Partition).</summary>
    public FunctionSpec? Function { get; init; }

    /// <summary>
    /// The function takes the element's <c>ElementContext</c> (timestamp, window, pane) as its second parameter (the
    /// context overloads of Map, FlatMap and ParDo).
    /// </summary>
    public bool ReadsContext { get; init; }

    /// <summary>For a stateful ParDo: its state struct, timers and callbacks.</summary>
    public StatefulSpec? Stateful { get; init; }

    /// <summary>The combine function (CombinePerKey, CombineValues, CombineGlobally).</summary>
    public CombineFnSpec? Combine { get; init; }

    /// <summary>Partition count.</summary>
    public int PartitionCount { get; init; }

    /// <summary>For an input that derives its own watermark: the bounded out-of-orderness in milliseconds.</summary>
    public long? MaxOutOfOrdernessMs { get; init; }

    /// <summary>For such an input: after how long without data (processing time) it is idle; 0: never.</summary>
    public long IdlenessMs { get; init; }

    /// <summary>For the timestamp assigner of such an input: the input whose latest timestamp it tracks.</summary>
    public string? TracksInput { get; init; }

    /// <summary>
    /// For a WithTimestamps: a new timestamp may be earlier than the element's (Beam's
    /// <c>withAllowedTimestampSkew(Long.MAX_VALUE)</c>, as Beam SQL re-times rows by the column a window function names).
    /// </summary>
    public bool AnySkew { get; init; }

    /// <summary>For CombineGlobally and Count: no output for an empty input (Beam's withoutDefaults).</summary>
    public bool WithoutDefaults { get; init; }

    /// <summary>
    /// For a keyed stateful transform: the deterministic coder of its key (fully qualified), whose canonical bytes the
    /// key-group hash is computed from (<c>Coder.Hash</c>). Null when the key has none (<see cref="Shared.CoderRule"/>);
    /// the parallel runner then sends every key to one key group.
    /// </summary>
    public string? KeyCoder { get; init; }

    /// <summary>Why <see cref="KeyCoder"/> is null, for the plan; null when there is one.</summary>
    public string? KeyHashNote { get; init; }

    /// <summary>
    /// For a stateful transform: the coders a checkpoint writes its state with (fully qualified; exact, not canonical,
    /// encodings): the key's (or, for CountPerElement and Distinct, the element's), then one per value type, then the
    /// accumulator's. Empty when the transform keeps no state; null when a type has no coder (<see cref="StateCoderNote"/> says which).
    /// </summary>
    public EquatableArray<string>? StateCoders { get; init; }

    /// <summary>Why <see cref="StateCoders"/> is null, for the plan; null when there are coders.</summary>
    public string? StateCoderNote { get; init; }

    /// <summary>
    /// For Map, Filter and FlatMap: a throw of the function sends the element, with its exception, to port 1 (the
    /// failures, of type Failure&lt;TIn&gt;) instead of failing the pipeline.
    /// </summary>
    public bool WithFailures { get; init; }

    /// <summary>For ParDo: how far before the input's timestamp an output timestamp may go, in milliseconds.</summary>
    public long AllowedSkewMs { get; init; }

    /// <summary>For Window: the window function.</summary>
    public WindowSpec? Windowing { get; init; }

    /// <summary>The window function of this transform's output (null: the global window; always null for a side-input view).</summary>
    public WindowSpec? OutputWindowing { get; init; }

    /// <summary>
    /// For a side-input view (AsSingleton, AsList, AsDictionary): the windowing of the collection it views (null: the
    /// global window). A view is not a collection, so its <see cref="OutputWindowing"/> is null: nothing downstream
    /// treats it as windowed state.
    /// </summary>
    public WindowSpec? ViewWindowing { get; init; }

    /// <summary>For AsSingleton with a default value: the value as C# (a constant), read where the view has no element.</summary>
    public string? ViewDefault { get; init; }

    /// <summary>
    /// The composite transforms this transform was applied in, outermost first, joined by '/' ("Clean/Tokenize"); null
    /// when it is applied in Define itself. Each name is unique per use ("Clean", "Clean2").
    /// </summary>
    public string? Composite { get; init; }

    /// <summary>A short description for the plan, e.g. "Filter (line 12)" (inside a composite: "Clean/Filter (line 12)").</summary>
    public required string Label { get; init; }

    /// <summary>The 1-based line of the declaration where the transform is applied (0: unknown).</summary>
    public int Line { get; init; }
}

/// <summary>A user function: a static lambda re-emitted as a static method, or a method group.</summary>
internal sealed record FunctionSpec
{
    /// <summary>Parameters in order; emitter parameters have <see cref="ParameterSpec.EmitterOf"/> set.</summary>
    public required EquatableArray<ParameterSpec> Parameters { get; init; }

    /// <summary>Return type, fully qualified, or "void".</summary>
    public required string ReturnType { get; init; }

    /// <summary>The lambda body text (an expression or a block), when the function is a lambda.</summary>
    public string? Body { get; init; }

    /// <summary>True when <see cref="Body"/> is an expression.</summary>
    public bool IsExpressionBody { get; init; }

    /// <summary>
    /// The lambda's body as an expression that runs in vector lanes (one int, long, float or double parameter; pure
    /// arithmetic, comparisons and conditions), or null: <see cref="LanesWhyNot"/> says why, for the plan.
    /// </summary>
    public LaneExpr? Lanes { get; init; }

    /// <summary>Why the function cannot run in vector lanes, when it cannot (e.g. "it calls a method (Math.Abs)").</summary>
    public string? LanesWhyNot { get; init; }

    /// <summary>
    /// Why the function may throw, or null when its body provably cannot: field and auto-property reads of values,
    /// constants, unchecked arithmetic and comparisons of primitive types (integer division only by a constant other than
    /// 0 and -1), conditions, and KV pairs and tuples of those (see the parser's <c>ThrowsWhy</c>). A single push whose
    /// stage runs only such functions needs no catch per element.
    /// </summary>
    public string? MayThrow { get; init; } = "the generator did not read its body";

    /// <summary>The method to call, fully qualified, when the function is a method group.</summary>
    public string? MethodGroup { get; init; }

    /// <summary>The function was compiled from a clause of a SQL query (its body is generated, not the user's).</summary>
    public bool FromSql { get; init; }

    /// <summary>The file that declares the lambda when it is not <see cref="PipelineSpec.FilePath"/> (a composite declared elsewhere), for #line.</summary>
    public string? FilePath { get; init; }

    /// <summary>
    /// The name of the pipeline options parameter the lambda reads (Define's, or a composite's that receives them), or
    /// null: the emitted function then takes the runner's options as a last parameter of that name.
    /// </summary>
    public string? OptionsParameter { get; init; }

    /// <summary>The members of the pipeline options the lambda reads, for the plan.</summary>
    public EquatableArray<string> OptionsRead { get; init; } = EquatableArray<string>.Empty;

    /// <summary>1-based line and column of the body in <see cref="FilePath"/> (or <see cref="PipelineSpec.FilePath"/>), for #line.</summary>
    public int BodyLine { get; init; }

    public int BodyColumn { get; init; }

    /// <summary>1-based line and column just past the end of the body.</summary>
    public int BodyEndLine { get; init; }

    public int BodyEndColumn { get; init; }
}

/// <summary>A parameter of a user function.</summary>
internal sealed record ParameterSpec(string Name, string Type, string? EmitterOf)
{
    /// <summary>"ref " for a parameter passed by reference (a stateful ParDo's state), else empty.</summary>
    public string Modifier { get; init; } = string.Empty;
}

/// <summary>A combine function and how to create it.</summary>
internal sealed record CombineFnSpec(string FnType, string CreateExpression, string InputType, string AccumulatorType, string OutputType)
{
    /// <summary>For an ICombineFnWithContext: the side input's type (fully qualified), whose CombineContext each step takes; else null.</summary>
    public string? SideType { get; init; }

    /// <summary>For a combine function compiled from a SQL query's aggregates: its parts, which the emitter writes as the struct <see cref="FnType"/> names.</summary>
    public SqlCombineSpec? Sql { get; init; }
}

/// <summary>
/// The aggregates of a SQL query as one combine function (a struct nested in the pipeline class, named
/// <see cref="Name"/>): its accumulator is a value tuple of their states (all zero to start), <see cref="AddBody"/>
/// adds a row (statements over <c>a</c>, by reference, and <c>row</c>), <see cref="MergeBody"/> merges another
/// accumulator (over <c>a</c> and <c>b</c>); the output is the accumulator, which HAVING and SELECT read.
/// </summary>
internal sealed record SqlCombineSpec(string Name, string Label, string AddBody, string MergeBody);

/// <summary>A window function known at build time: "Fixed" or "Sliding", in milliseconds.</summary>
internal sealed record WindowSpec(string Kind, long SizeMs, long PeriodMs, long OffsetMs)
{
    /// <summary>For Custom windows: the window function type, fully qualified.</summary>
    public string? CustomType { get; init; }

    /// <summary>
    /// For a fixed window size or a session gap read from the pipeline options: the TimeSpan expression as written
    /// (over <see cref="SizeOptionParameter"/>), evaluated when the runner is created; <see cref="SizeMs"/> is then 0.
    /// </summary>
    public string? SizeOption { get; init; }

    /// <summary>The name of the options parameter <see cref="SizeOption"/> reads.</summary>
    public string? SizeOptionParameter { get; init; }

    /// <summary>The trigger as C# that builds a TriggerSpec, or null for the default trigger.</summary>
    public string? TriggerCode { get; init; }

    /// <summary>The trigger as written, for plan descriptions.</summary>
    public string? TriggerText { get; init; }

    /// <summary>Whether the trigger can finish (Beam's mayFinish).</summary>
    public bool TriggerMayFinish { get; init; }

    /// <summary>Whether the trigger waits on processing time.</summary>
    public bool UsesProcessingTime { get; init; }

    public long LatenessMs { get; init; }

    public bool Accumulating { get; init; }

    /// <summary>EndOfWindow, Earliest or Latest.</summary>
    public string TimestampCombiner { get; init; } = "EndOfWindow";

    /// <summary>FireIfNonEmpty or FireAlways.</summary>
    public string Closing { get; init; } = "FireIfNonEmpty";

    /// <summary>FireAlways or FireIfNonEmpty.</summary>
    public string OnTime { get; init; } = "FireAlways";

    /// <summary>For Custom windows: the function implements IMergingWindowFn.</summary>
    public bool CustomMerging { get; init; }

    /// <summary>The window function merges windows (sessions, or a custom merging window function).</summary>
    public bool HasMergingFn => Kind == "Sessions" || CustomMerging;

    /// <summary>
    /// The windows were merged by an upstream grouping (Beam's <c>WindowingStrategy.isAlreadyMerged</c>): the elements
    /// carry their merged windows, and a grouping downstream groups by them as they are, without merging again.
    /// </summary>
    public bool AlreadyMerged { get; init; }

    /// <summary>Windows of a key merge at this grouping (a merging window function whose windows are not merged yet).</summary>
    public bool IsMerging => HasMergingFn && !AlreadyMerged;

    /// <summary>
    /// Beam's default strategy on fixed or sliding windows: default trigger, no lateness, discarding, end-of-window
    /// timestamps. The emitter keeps such state inline (a map per window); anything else runs on KeyedPanes.
    /// </summary>
    public bool IsSimple => Kind is "Fixed" or "Sliding" && SizeOption is null && TriggerCode is null && LatenessMs == 0 && !Accumulating &&
        TimestampCombiner == "EndOfWindow" && Closing == "FireIfNonEmpty" && OnTime == "FireAlways";

    /// <summary>
    /// Sessions that merge at this grouping, with Beam's default strategy otherwise (default trigger, no lateness,
    /// discarding, end-of-window timestamps): every session fires once, when the watermark passes its end, so the
    /// grouping keeps only its open sessions per key (SessionPanes), with no trigger state, holds or pane bookkeeping.
    /// </summary>
    public bool IsDefaultSessions => Kind == "Sessions" && !AlreadyMerged && TriggerCode is null && LatenessMs == 0 && !Accumulating &&
        TimestampCombiner == "EndOfWindow" && Closing == "FireIfNonEmpty" && OnTime == "FireAlways";

    /// <summary>
    /// Windows that never merge (fixed, sliding, global) with end-of-window timestamps, under the default trigger or the
    /// watermark trigger whose early and late firings are each absent, an element count or a processing-time delay: such
    /// a strategy, when it is not the simple one, keeps its state in window buckets (WindowBucketPanes) rather than keyed
    /// window panes: the same panes, with the trigger compiled and one timer per window.
    /// </summary>
    public bool BucketsByWindow => Kind is "Fixed" or "Sliding" or "Global" && !IsMerging && TimestampCombiner == "EndOfWindow" &&
        (TriggerCode is null || IsWatermarkWithSimpleFirings(TriggerCode));

    /// <summary>Whether a trigger's code is <c>AfterWatermark(early, late)</c> with each firing null, <c>AfterCount(n)</c> or <c>AfterProcessingTime(d)</c>.</summary>
    private static bool IsWatermarkWithSimpleFirings(string code)
    {
        const string Spec = "global::Compiled.Triggers.TriggerSpec.";
        const string Watermark = Spec + "AfterWatermark(";
        if (!code.StartsWith(Watermark, System.StringComparison.Ordinal) || !code.EndsWith(")", System.StringComparison.Ordinal))
        {
            return false;
        }

        var inner = code.Substring(Watermark.Length, code.Length - Watermark.Length - 1);
        var comma = inner.IndexOf(", ", System.StringComparison.Ordinal);
        return comma >= 0 && IsSimpleFiring(inner.Substring(0, comma)) && IsSimpleFiring(inner.Substring(comma + 2));

        static bool IsSimpleFiring(string firing) =>
            firing == "null" ||
            ((firing.StartsWith(Spec + "AfterCount(", System.StringComparison.Ordinal) || firing.StartsWith(Spec + "AfterProcessingTime(", System.StringComparison.Ordinal)) &&
             firing.IndexOf('(') == firing.LastIndexOf('(') && firing.EndsWith("L)", System.StringComparison.Ordinal));
    }

    /// <summary>The global window with everything at Beam's defaults (the same as no windowing).</summary>
    public bool IsDefaultGlobal => Kind == "Global" && TriggerCode is null && LatenessMs == 0 && !Accumulating &&
        TimestampCombiner == "EndOfWindow" && Closing == "FireIfNonEmpty" && OnTime == "FireAlways";

    public string Describe()
    {
        var window = Kind switch
        {
            "Fixed" when SizeOption is not null => "fixed " + SizeOption + " (an option)",
            "Sessions" when SizeOption is not null => "sessions gap " + SizeOption + " (an option)",
            "Fixed" => "fixed " + Ms(SizeMs) + (OffsetMs != 0 ? " offset " + Ms(OffsetMs) : string.Empty),
            "Sliding" => "sliding " + Ms(SizeMs) + " every " + Ms(PeriodMs) + (OffsetMs != 0 ? " offset " + Ms(OffsetMs) : string.Empty),
            "Sessions" => "sessions gap " + Ms(SizeMs),
            "Custom" => "custom " + CustomType,
            _ => "global",
        };
        var extras = new System.Collections.Generic.List<string>();
        if (TriggerText is not null)
        {
            extras.Add("trigger " + TriggerText);
        }

        if (LatenessMs != 0)
        {
            extras.Add("lateness " + Ms(LatenessMs));
        }

        if (Accumulating)
        {
            extras.Add("accumulating");
        }

        if (TimestampCombiner != "EndOfWindow")
        {
            extras.Add("timestamps " + TimestampCombiner.ToLowerInvariant());
        }

        if (Closing != "FireIfNonEmpty")
        {
            extras.Add("closing " + Closing);
        }

        if (OnTime != "FireAlways")
        {
            extras.Add("on time " + OnTime);
        }

        if (AlreadyMerged)
        {
            extras.Add("already merged");
        }

        return extras.Count == 0 ? window : window + " (" + string.Join(", ", extras) + ")";
    }

    private static string Ms(long ms) => ms % 1000 == 0
        ? (ms / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) + " s"
        : ms.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms";
}
