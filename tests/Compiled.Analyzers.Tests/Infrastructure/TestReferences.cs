using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Compiled.Analyzers.Tests.Infrastructure;

/// <summary>
/// Offline compilation references: .NET 10 reference assemblies from Basic.Reference.Assemblies (the testing
/// framework's own ReferenceAssemblies.Net.Net100 downloads a package that is not served here), plus the
/// Compiled runtime.
/// </summary>
internal static class TestReferences
{
    public static ReferenceAssemblies ReferenceAssemblies { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> All { get; } = ImmutableArray.CreateRange<MetadataReference>(Net100.References.All)
        .Add(MetadataReference.CreateFromFile(typeof(Compiled.PipelineBuilder).Assembly.Location));

    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using Compiled;

        """;
}
