using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Compiled.Generator;

/// <summary>
/// The generator's "cannot generate" diagnostics (CMP0001-CMP0099). Each has a help page at
/// docs/diagnostics/ID.md. Message formats are documented there.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Compiled.Generator";
    private const string HelpBase = "https://github.com/compiled-dotnet/compiled/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor NotPartial = Create(
        "CMP0001", "Pipeline class must be partial",
        "The [Pipeline] class '{0}' must be declared 'partial' (and so must every type containing it) so that the generated runner can be added to it");

    public static readonly DiagnosticDescriptor MissingDefine = Create(
        "CMP0002", "Pipeline has no Define method",
        "The [Pipeline] class '{0}' needs a method 'static void Define(PipelineBuilder p)' that declares the pipeline, or 'static void Define(PipelineBuilder p, TOptions options)' whose options are a non-generic class, record or struct");

    public static readonly DiagnosticDescriptor Unresolved = Create(
        "CMP0003", "Pipeline declaration does not compile",
        "'{0}' could not be resolved; fix the compiler errors in the pipeline declaration to generate its runner");

    public static readonly DiagnosticDescriptor DynamicTopology = Create(
        "CMP0004", "Pipeline topology must be static",
        "{0} is not allowed in a pipeline declaration: declare transforms as straight-line statements (local variables and chained calls) so the topology is known at build time{1}");

    public static readonly DiagnosticDescriptor UnsupportedExpression = Create(
        "CMP0005", "Unsupported expression in pipeline declaration",
        "'{0}' cannot be compiled statically: {1}");

    public static readonly DiagnosticDescriptor LambdaNotStatic = Create(
        "CMP0006", "Transform lambda must be static",
        "The lambda passed to {0} must be 'static' so that it cannot capture state{1}");

    public static readonly DiagnosticDescriptor FunctionNotLambda = Create(
        "CMP0007", "Transform function must be a lambda or a method group",
        "The function passed to {0} must be a static lambda or a static method group, not '{1}'");

    public static readonly DiagnosticDescriptor InvalidName = Create(
        "CMP0008", "Invalid input or output name",
        "{0}");

    public static readonly DiagnosticDescriptor InvalidCombineFn = Create(
        "CMP0009", "Combine function cannot be created at build time",
        "The combine function '{0}' must be a new object or a call to a static factory (such as Combiners.Sum<long>()) whose arguments are constants; {1}");

    public static readonly DiagnosticDescriptor InvalidPartitionCount = Create(
        "CMP0010", "Partition count must be a small positive constant",
        "The partition count '{0}' must be a compile-time constant int from 1 to {1}");

    public static readonly DiagnosticDescriptor GenericPipeline = Create(
        "CMP0011", "Generic pipeline classes are not supported",
        "The [Pipeline] class '{0}' must not be generic or nested in a generic type");

    public static readonly DiagnosticDescriptor UnsupportedLambda = Create(
        "CMP0012", "Unsupported lambda form",
        "The lambda passed to {0} cannot be compiled: {1}");

    public static readonly DiagnosticDescriptor NoOutputs = Create(
        "CMP0013", "Pipeline has no outputs",
        "The pipeline '{0}' declares no Output(...): nothing it computes can be observed",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor PartitionIndex = Create(
        "CMP0014", "Partition index out of range",
        "Partition index {0} is out of range for a Partition into {1} collections");

    public static readonly DiagnosticDescriptor CompositeRecursion = Create(
        "CMP0015", "Composite transform calls itself",
        "The composite '{0}' calls itself ({1}): a composite is inlined where it is called, so its expansion must end; apply a fixed number of transforms");

    public static readonly DiagnosticDescriptor StateOnUnkeyedInput = Create(
        "CMP0020", "Stateful ParDo needs a keyed input",
        "{0} keeps state and timers per key and window, but its input is of {1}, not KV<K, V>: key it first (WithKeys), as Beam requires a KvCoder input for state and timers");

    public static readonly DiagnosticDescriptor StateNotMergeable = Create(
        "CMP0021", "State cannot merge in merging windows",
        "{0} of {1} ({2}) cannot merge when the windows of a key merge ({3}): {4}");

    public static readonly DiagnosticDescriptor TimerBeyondExpiry = Create(
        "CMP0022", "Event-time timer set beyond the window's expiration",
        "This event-time timer is set {0} ms after the expiration of its window (the window's maximum timestamp plus the allowed lateness of {1} ms): Beam throws 'Attempted to set event-time timer ... after the expiration of window' when it runs; set it at most at the expiration, or use SetRelative(), which stops there");

    public static readonly DiagnosticDescriptor InvalidStateStruct = Create(
        "CMP0023", "Invalid stateful ParDo declaration",
        "The stateful ParDo's state struct {0} cannot be compiled: {1}");

    public static readonly DiagnosticDescriptor GlobalReaderOfWindowedSideInput = Create(
        "CMP0024", "Global-window elements read a windowed side input",
        "{0} reads side input {1}, which is windowed by {2}, but its own elements are in the global window, which maps to no window of {2} (Beam fails when the job runs: \"Attempted to get side input window for GlobalWindow from non-global WindowFn\"); window the main input too, or re-window the side input into the global window");

    public static readonly DiagnosticDescriptor SqlError = Create(
        "CMP0025", "Error in a SQL query",
        "{0}");

    public static readonly DiagnosticDescriptor InternalError = Create(
        "CMP0099", "The pipeline generator failed",
        "The pipeline generator failed unexpectedly ({0}); please report this with the declaration that causes it");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = Index(
        NotPartial, MissingDefine, Unresolved, DynamicTopology, UnsupportedExpression, LambdaNotStatic,
        FunctionNotLambda, InvalidName, InvalidCombineFn, InvalidPartitionCount, GenericPipeline,
        UnsupportedLambda, NoOutputs, PartitionIndex, CompositeRecursion, StateOnUnkeyedInput, StateNotMergeable,
        TimerBeyondExpiry, InvalidStateStruct, GlobalReaderOfWindowedSideInput, SqlError, InternalError);

    public static DiagnosticDescriptor ById(string id) =>
        All.TryGetValue(id, out var descriptor) ? descriptor : throw new ArgumentException("Unknown diagnostic " + id, nameof(id));

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");

    private static Dictionary<string, DiagnosticDescriptor> Index(params DiagnosticDescriptor[] descriptors)
    {
        var result = new Dictionary<string, DiagnosticDescriptor>(StringComparer.Ordinal);
        foreach (var descriptor in descriptors)
        {
            result.Add(descriptor.Id, descriptor);
        }

        return result;
    }
}
