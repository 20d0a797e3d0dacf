using Compiled.Generator.Helpers;

namespace Compiled.Generator.Model;

/// <summary>
/// The runner's surface of a <c>[Pipeline]</c> class that cannot be generated: what could be read of its inputs and
/// outputs, and why it cannot be generated. The emitter writes from it the members a valid pipeline would have
/// (<c>PlanDescription</c>, <c>Runner</c>, <c>CreateRunner</c>, <c>Results</c>, <c>Run</c>), each throwing with the
/// errors, so that code calling them reports nothing more than the errors in the declaration.
/// </summary>
internal sealed record PipelineSurface
{
    /// <summary>As <see cref="PipelineSpec.Namespace"/>.</summary>
    public required string Namespace { get; init; }

    /// <summary>As <see cref="PipelineSpec.ClassName"/>.</summary>
    public required string ClassName { get; init; }

    /// <summary>As <see cref="PipelineSpec.TypeKeyword"/>.</summary>
    public required string TypeKeyword { get; init; }

    /// <summary>As <see cref="PipelineSpec.SurfaceIsInternal"/>.</summary>
    public required bool SurfaceIsInternal { get; init; }

    /// <summary>As <see cref="PipelineSpec.ContainingTypes"/>.</summary>
    public required EquatableArray<string> ContainingTypes { get; init; }

    /// <summary>The inputs that could be read, in declaration order.</summary>
    public required EquatableArray<SurfacePort> Inputs { get; init; }

    /// <summary>The outputs that could be read, in declaration order (a late-data output before the Output after it).</summary>
    public required EquatableArray<SurfacePort> Outputs { get; init; }

    /// <summary>As <see cref="PipelineSpec.OptionsType"/>: the stubs take the options first, as the generated members do.</summary>
    public string? OptionsType { get; init; }

    /// <summary>The errors that prevent generation, as text ("Job.cs(12,9): CMP0006: The lambda ...").</summary>
    public required EquatableArray<string> Errors { get; init; }
}

/// <summary>An input or output of a <see cref="PipelineSurface"/>: its declared name, element type (fully qualified) and, for inputs, whether it reads lines.</summary>
internal readonly record struct SurfacePort(string Name, string ElementType, bool ReadsLines);
