using Microsoft.CodeAnalysis;

namespace Compiled.Analyzers.Diagnostics;

/// <summary>
/// The one registry of the analyzers' diagnostics. IDs are ranged by family (docs/diagnostics/README.md):
/// CMP0001-0099 generator ("cannot generate", reported by Compiled.Generator, listed here only as IDs that
/// code fixes target), CMP1001-1099 windowing and triggers, CMP2001-2099 coders and keys, CMP3001-3099
/// transforms, CMP4001-4099 calls of the generated runner, CMP9001-9099 performance information. Every descriptor links to docs/diagnostics/ID.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    /// <summary>Where the help pages live; a descriptor's help link is this plus <c>ID.md</c>.</summary>
    public const string HelpLinkBase = "https://github.com/compiled-dotnet/compiled/blob/main/docs/diagnostics/";

    /// <summary>Category of the windowing and trigger rules (CMP1xxx).</summary>
    public const string WindowingCategory = "Compiled.Windowing";

    /// <summary>Category of the coder and key rules (CMP2xxx).</summary>
    public const string CodersCategory = "Compiled.Coders";

    /// <summary>Category of the transform rules (CMP3xxx).</summary>
    public const string TransformsCategory = "Compiled.Transforms";

    /// <summary>Category of the rules on calls of the generated runner (CMP4xxx).</summary>
    public const string UsageCategory = "Compiled.Usage";

    /// <summary>Category of the performance information (CMP9xxx).</summary>
    public const string PerformanceCategory = "Compiled.Performance";

    /// <summary>
    /// CMP0006, reported by the generator: "The lambda passed to {0} must be 'static' so that it cannot capture
    /// state{1}", where {1} is "; add the 'static' modifier" or says what the lambda captures and what to use instead.
    /// Fixed by <c>MakeLambdaStaticCodeFixProvider</c> when it captures nothing.
    /// </summary>
    public const string LambdaNotStaticId = "CMP0006";

    /// <summary>
    /// CMP2001: a grouping transform (GroupByKey, CombinePerKey, CountPerKey, CoGroupByKey, CountPerElement,
    /// Distinct) whose key type is, or contains, <see cref="float"/> or <see cref="double"/>. Beam requires a
    /// deterministic key coder for every grouping; floating-point keys are not.
    /// Format: {0} the transform's name, {1} the key type.
    /// </summary>
    public static readonly DiagnosticDescriptor FloatingPointKey = new(
        id: "CMP2001",
        title: "Grouping key must not be floating-point",
        messageFormat: "{0} groups by the key type '{1}', which is or contains 'float' or 'double': floating-point keys are not deterministic, so values that should meet can land in different groups; key by an integral or string value instead",
        category: CodersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Grouping needs keys whose encoding is deterministic: equal keys must be equal bit for bit, on every worker. Floating-point keys break this (rounding differs between computations, 0.0 and -0.0 and the many NaNs have different bits), which is why Beam rejects DoubleCoder and FloatCoder as key coders.",
        helpLinkUri: HelpLinkBase + "CMP2001.md");

    /// <summary>
    /// CMP1001: a window or trigger parameter known at build time that Beam rejects: a window size, sliding
    /// period or session gap that is not positive, an offset outside [0, size) or [0, period), a negative allowed
    /// lateness, <c>AfterCount(n)</c> with n &lt; 1, a non-positive aligned processing-time period.
    /// Format: {0} the parameter, {1} the call, {2} its value, {3} what it must be.
    /// </summary>
    public static readonly DiagnosticDescriptor InvalidWindowParameter = new(
        id: "CMP1001",
        title: "Window or trigger parameter out of range",
        messageFormat: "The {0} of {1} is {2}, but it must be {3}; pass a value in that range",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Beam's FixedWindows, SlidingWindows, Sessions, Window.withAllowedLateness, AfterPane.elementCountAtLeast and AfterProcessingTime.alignedTo reject these values when the pipeline is constructed; here they are known at build time.",
        helpLinkUri: HelpLinkBase + "CMP1001.md");

    /// <summary>
    /// CMP1002: sliding windows whose period is larger than their size, so that some timestamps are in no window.
    /// Format: {0} the period, {1} the size.
    /// </summary>
    public static readonly DiagnosticDescriptor SlidingPeriodLargerThanSize = new(
        id: "CMP1002",
        title: "Sliding period larger than the window size",
        messageFormat: "Windows.Sliding starts a window every {0} but each window lasts only {1}, so elements whose timestamps fall between two windows are in no window and are dropped; make the period at most the size",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Sliding windows with a period larger than their size sample the input: an element is assigned to every window that contains its timestamp, and between the end of one window and the start of the next there is none.",
        helpLinkUri: HelpLinkBase + "CMP1002.md");

    /// <summary>
    /// CMP1003: a trigger set outside the global window without an allowed lateness (Beam's Window.validate).
    /// Format: {0} the window function.
    /// </summary>
    public static readonly DiagnosticDescriptor TriggerWithoutAllowedLateness = new(
        id: "CMP1003",
        title: "Trigger set without an allowed lateness",
        messageFormat: "A trigger is set on {0} windows without an allowed lateness; add .WithAllowedLateness(...) to say how long late data is kept (TimeSpan.Zero drops it)",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Beam's Window.validate: except in the global window, calling triggering() requires withAllowedLateness(), the upper bound on how late data can arrive before it is dropped.",
        helpLinkUri: HelpLinkBase + "CMP1003.md");

    /// <summary>
    /// CMP1004: a strategy that can emit several panes per window (a trigger, or an allowed lateness above zero
    /// outside the global window) without an accumulation mode. Format: {0} what makes several panes possible.
    /// </summary>
    public static readonly DiagnosticDescriptor TriggerWithoutAccumulationMode = new(
        id: "CMP1004",
        title: "Trigger set without an accumulation mode",
        messageFormat: "{0} can emit several panes per window, so it needs an accumulation mode; add .Discarding() (each pane holds only new data) or .Accumulating() (each pane holds all data so far)",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Beam's Window.validate: calling triggering(), or withAllowedLateness() with a lateness above zero, requires discardingFiredPanes() or accumulatingFiredPanes(): whether a later pane repeats the data of earlier ones changes what downstream sums mean.",
        helpLinkUri: HelpLinkBase + "CMP1004.md");

    /// <summary>
    /// CMP1005: a top-level trigger that can finish (Beam's GroupByKey "Unsafe trigger may lose data").
    /// Format: {0} the trigger, {1} why it finishes too early, {2} the fix.
    /// </summary>
    public static readonly DiagnosticDescriptor FinishingTrigger = new(
        id: "CMP1005",
        title: "Trigger can finish and drop later data",
        messageFormat: "The trigger '{0}' can finish{1}, and once it has finished every later element of the window is dropped; {2}",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "A finished trigger closes its window: Beam drops all data that arrives afterwards and GroupByKey rejects such 'unsafe' triggers. Wrap once-triggers in Repeatedly, or give AfterWatermark late firings when there is an allowed lateness.",
        helpLinkUri: HelpLinkBase + "CMP1005.md");

    /// <summary>
    /// CMP1006: a grouping or combining transform applied to an unbounded collection in the global window with
    /// the default trigger. Format: {0} the transform, {1} the unbounded input's name.
    /// </summary>
    public static readonly DiagnosticDescriptor UnboundedGlobalGrouping = new(
        id: "CMP1006",
        title: "Unbounded input grouped in the global window without a trigger",
        messageFormat: "{0} groups the unbounded input '{1}' in the global window with the default trigger, which fires only when the input ends, so it never emits; window the collection first (.Window(Windows.Fixed(...))) or set a repeating trigger",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Beam: GroupByKey cannot be applied to a non-bounded PCollection in the GlobalWindow without a trigger. The default trigger fires when the watermark passes the end of the window, and the global window ends only when the input does.",
        helpLinkUri: HelpLinkBase + "CMP1006.md");

    /// <summary>
    /// CMP1007: accumulating panes with a repeating trigger in the global window of an unbounded input.
    /// Format: {0} the unbounded input's name.
    /// </summary>
    public static readonly DiagnosticDescriptor AccumulatingGlobalUnbounded = new(
        id: "CMP1007",
        title: "Accumulating panes in the global window of an unbounded input",
        messageFormat: "Accumulating panes with a repeating trigger in the global window keep all data of the unbounded input '{0}' in state forever, and every pane re-emits all of it; use .Discarding(), or window the collection into bounded windows",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "The global window never closes, so accumulating state is never garbage-collected: memory and pane size grow with the input.",
        helpLinkUri: HelpLinkBase + "CMP1007.md");

    /// <summary>
    /// CMP1008: Flatten or CoGroupByKey of collections whose windowing differs.
    /// Format: {0} the transform, {1} one windowing, {2} the other.
    /// </summary>
    public static readonly DiagnosticDescriptor IncompatibleWindowing = new(
        id: "CMP1008",
        title: "Inputs with incompatible windowing",
        messageFormat: "{0} combines inputs with different windowing ('{1}' and '{2}'); window all inputs the same way (same window function, parameters and trigger) before {0}",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Beam's Flatten rejects inputs with incompatible window functions or triggers, and CoGroupByKey (a Flatten followed by GroupByKey) inherits the rule: the merged collection can have only one windowing strategy.",
        helpLinkUri: HelpLinkBase + "CMP1008.md");

    /// <summary>
    /// CMP1009: <c>CombineGlobally</c> or <c>Count</c> with defaults (no <c>withoutDefaults: true</c>) on a
    /// collection that is not in the global window. Format: {0} the transform, {1} the windowing.
    /// </summary>
    public static readonly DiagnosticDescriptor GlobalCombineDefaultsOutsideGlobalWindow = new(
        id: "CMP1009",
        title: "Global combine with defaults outside the global window",
        messageFormat: "{0} outputs the combine function's default for an empty input, which is only supported in the global window, but its input is windowed by '{1}'; pass 'withoutDefaults: true' so that an empty window outputs nothing",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Beam: default values are not supported in Combine.globally() if the input PCollection is not windowed by GlobalWindows. There is no way to know which windows are empty, so no default can be produced for them. Use withoutDefaults: true, which outputs nothing for an empty window.",
        helpLinkUri: HelpLinkBase + "CMP1009.md");

    /// <summary>
    /// CMP1010: a side input (<c>AsSingleton</c>, <c>AsList</c>, <c>AsDictionary</c>) made from a collection
    /// windowed by merging windows (<c>Windows.Sessions</c>, or a custom <c>IMergingWindowFn</c>).
    /// Format: {0} the view call, {1} the windowing.
    /// </summary>
    public static readonly DiagnosticDescriptor MergingWindowsSideInput = new(
        id: "CMP1010",
        title: "Side input from a collection in merging windows",
        messageFormat: "{0} makes a side input from a collection windowed by '{1}', whose windows merge, so a main-input window cannot be mapped to a side-input window; window the collection with non-merging windows (Fixed, Sliding or Global) before {0}",
        category: WindowingCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Beam: Sessions is not allowed in side inputs. A side input is read in the window that the main input's window maps to; merging windows (sessions, merging custom window functions) are only known once all their elements have arrived, so they have no such mapping.",
        helpLinkUri: HelpLinkBase + "CMP1010.md");

    /// <summary>
    /// CMP2002: a grouping key that is, or contains, a value without deterministic equality (an unordered
    /// collection, object or dynamic, a class compared by reference, a float or double inside a record or
    /// struct). Format: {0} the transform, {1} the key type, {2} the offending member path, {3} why.
    /// </summary>
    public static readonly DiagnosticDescriptor NonDeterministicKey = new(
        id: "CMP2002",
        title: "Grouping key must have deterministic equality",
        messageFormat: "{0} groups by '{1}', but '{2}' {3}, so equal keys can land in different groups; key by values with value equality (strings, numbers, records or structs of those)",
        category: CodersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Beam requires a deterministic key coder for every grouping. Unordered collections encode in iteration order, object and dynamic have no fixed encoding, classes without Equals compare by reference, and floating-point members compare inexactly.",
        helpLinkUri: HelpLinkBase + "CMP2002.md");

    /// <summary>
    /// CMP2003: a key or value that crosses a shuffle (GroupByKey, CombinePerKey, CountPerKey, CoGroupByKey,
    /// CountPerElement, Distinct) with a part Compiled cannot generate a coder for. Format: {0} the transform,
    /// {1} "key", "value" or "element", {2} the type, {3} the offending member path, {4} why.
    /// </summary>
    public static readonly DiagnosticDescriptor MissingCoder = new(
        id: "CMP2003",
        title: "No coder for a type that crosses a grouping",
        messageFormat: "{0} shuffles the {1} type '{2}', but '{3}' {4}, so no coder can be generated for it; carry plain data instead (primitives, strings, enums, dates, records, structs and collections of those)",
        category: CodersCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "Every element that crosses a shuffle is encoded to bytes, and Compiled generates the coders at build time, field by field. Delegates, pointers, ref structs, object, dynamic, interfaces, abstract classes, streams, tasks, threads, cancellation tokens, native handles and classes whose state is only private fields have no such encoding.",
        helpLinkUri: HelpLinkBase + "CMP2003.md");

    /// <summary>
    /// CMP3001: a transform function that reads the clock or a random source, writes static state or mutates its
    /// input. Format: {0} the transform, {1} what the function does, {2} what to do instead.
    /// </summary>
    public static readonly DiagnosticDescriptor ImpureTransform = new(
        id: "CMP3001",
        title: "Transform function is not pure",
        messageFormat: "The function passed to {0} {1}; {2}",
        category: TransformsCategory,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A runner may call a transform function more than once for an element (retries, speculative execution) and in any order, and expects the same output each time. Reading the clock or a random source, writing static state or changing the input element makes results depend on how the pipeline ran.",
        helpLinkUri: HelpLinkBase + "CMP3001.md");

    /// <summary>
    /// CMP4001: a call of a generated <c>CreateRunner</c>, <c>CreateParallelRunner</c>, <c>Run</c> or <c>Runner</c>
    /// constructor that passes by position arguments for two or more parameters of the same type (sinks of the same
    /// element type, inputs of the same element type): swapped, they compile and give wrong results.
    /// Format: {0} the method, {1} the parameters, {2} their type, {3} the call with named arguments.
    /// </summary>
    public static readonly DiagnosticDescriptor PositionalSameTypeArguments = new(
        id: "CMP4001",
        title: "Arguments of the same type passed by position",
        messageFormat: "{0} takes {1} by position, and they have the same type ({2}), so swapped arguments would compile and silently mix up the data; name the arguments: {3}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "The generated CreateRunner, Run and Runner take one sink per output and one input per input, in declaration order, each parameter named after its output or input. When two of them have the same type, a call that swaps them compiles and sends data to the wrong sink or reads the wrong input; naming the arguments makes the binding explicit.",
        helpLinkUri: HelpLinkBase + "CMP4001.md");

    /// <summary>
    /// CMP9001: a Map, FlatMap or ParDo that takes the element's context (ElementContext) on a collection in sliding
    /// windows before any grouping: as in Beam, the function is called once per window of each element (size/period
    /// times), and a combine after it cannot share panes between overlapping windows.
    /// Format: {0} the transform, {1} the window function as written.
    /// </summary>
    public static readonly DiagnosticDescriptor ContextInSlidingWindows = new(
        id: "CMP9001",
        title: "Element context read in sliding windows before a grouping",
        messageFormat: "{0} takes the element's context in sliding windows ({1}) before any grouping: it is called once for each window of each element, and a combine after it keeps state per window instead of sharing panes; read the context after the grouping, or before the Window, if the window is not what it needs",
        category: PerformanceCategory,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "In Beam a DoFn that observes its window is invoked once per window of an element: an element of sliding windows of size S every P is processed S/P times. Compiled does the same, so a combine downstream of such a function cannot keep one partial result per pane and assemble windows from panes; it keeps a state per window. After a grouping each element is in the one window that fired, so reading the context there costs nothing extra.",
        helpLinkUri: HelpLinkBase + "CMP9001.md");
}
