using System;

namespace Compiled;

/// <summary>
/// Thrown when a member of the declaration API (<see cref="PipelineBuilder"/>, <see cref="PCollection{T}"/>)
/// is executed. Pipeline declarations are compiled by the Compiled source generator and are never run;
/// use the members the generator emits into the <c>[Pipeline]</c> class instead.
/// </summary>
public sealed class DeclarationOnlyException : InvalidOperationException
{
    /// <summary>Creates the exception with the standard message.</summary>
    public DeclarationOnlyException()
        : base("Pipeline declarations are compiled at build time by the Compiled source generator and are never executed. " +
               "Call the generated members of the [Pipeline] class (CreateRunner, Run) instead.")
    {
    }

    internal static DeclarationOnlyException Create() => new();
}
