using System;

namespace Compiled;

/// <summary>
/// Marks a <c>partial</c> class as a pipeline. The class declares its topology in a
/// <c>static void Define(PipelineBuilder p)</c> method; at build time the Compiled source generator
/// reads that declaration and emits a fused, strongly typed runner into the same class.
/// </summary>
/// <remarks>
/// <c>Define</c> is read, never executed: the declaration API only describes a graph. Anything the
/// generator cannot understand statically (loops, conditionals, lambdas that capture state) is
/// reported as a diagnostic at its location.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PipelineAttribute : Attribute
{
}
