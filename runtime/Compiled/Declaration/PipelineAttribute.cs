using System;

namespace Compiled;

/// <summary>
/// Marks a <c>partial</c> class as a pipeline. The class declares its topology in a
/// <c>static void Define(PipelineBuilder p)</c> method; at build time the Compiled source generator
/// reads that declaration and emits a fused, strongly typed runner into the same class.
/// </summary>
/// <remarks>
/// <para>
/// <c>Define</c> is read, never executed: the declaration API only describes a graph. Anything the
/// generator cannot understand statically (loops, conditionals, lambdas that capture state) is
/// reported as a diagnostic at its location.
/// </para>
/// <para>
/// Composite transforms: <c>Define</c> may call static, non-generic methods of the same project that take
/// collections (and values) and return a collection, a tuple of collections or nothing. The generator reads
/// such a method's body where it is called (as Beam expands a <c>PTransform</c>), so its transforms fuse with
/// their neighbours; the plan names them <c>Composite/Transform</c>. A value parameter of a composite, a
/// <c>const</c>, and a <c>static readonly</c> field of a primitive, string, enum or <see cref="TimeSpan"/> type
/// initialized with a constant are read at build time wherever a literal is accepted (window sizes, counts, names).
/// </para>
/// <para>
/// Pipeline options: <c>static void Define(PipelineBuilder p, TOptions options)</c> declares values given when the
/// runner is created. The generated <c>CreateRunner</c>, <c>Run</c> and <c>CreateParallelRunner</c> then take a
/// <c>TOptions pipelineOptions</c> first; a lambda that reads <c>options</c> (and captures nothing else) needs no
/// <c>static</c>: its body is compiled into a static method that receives the runner's options as a parameter,
/// without reflection (NativeAOT-safe) or static state (runners with different options run side by side). The size
/// of fixed windows and the gap of sessions may be read from the options too (evaluated when the runner is created);
/// the rest of the graph is fixed at build time.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PipelineAttribute : Attribute
{
    /// <summary>
    /// Counts the elements that reach every transform, also those fused inside a stage, and reports them through the
    /// <c>Compiled</c> meter (<c>compiled.pipeline.transform_elements_in</c>, tag <c>transform</c>) for the live
    /// dashboard and OpenTelemetry. Off by default: it costs one increment per element per transform, where without it
    /// only inputs, outputs and stateful transforms are counted.
    /// </summary>
    public bool CountEveryTransform { get; set; }
}
