using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Compiled.Generator.Model;

/// <summary>
/// A location copied out of the compilation (file, span, line span) so that a diagnostic kept in the
/// incremental pipeline does not keep a syntax tree or compilation alive, and compares by value.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}

/// <summary>A diagnostic to report, as plain values.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, Helpers.EquatableArray<string> MessageArgs)
{
    public Diagnostic ToDiagnostic()
    {
        var descriptor = DiagnosticDescriptors.ById(Id);
        var args = new object[MessageArgs.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = MessageArgs[i];
        }

        return Diagnostic.Create(descriptor, Location?.ToLocation(), args);
    }
}

/// <summary>The parser's result for one class: a spec (null when it cannot be generated) and diagnostics.</summary>
internal sealed record ParseResult(PipelineSpec? Spec, Helpers.EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>When <see cref="Spec"/> is null: the surface to emit in its place, or null when there is no class to add it to.</summary>
    public PipelineSurface? Surface { get; init; }
}
