using Microsoft.CodeAnalysis;

namespace Compiled.Analyzers.Symbols;

/// <summary>
/// The Compiled runtime's declaration types, resolved once per compilation (in a compilation-start action) so
/// that operation callbacks compare symbols instead of looking names up.
/// </summary>
internal sealed class CompiledSymbols
{
    private CompiledSymbols(INamedTypeSymbol pcollection, INamedTypeSymbol keyedTransforms, INamedTypeSymbol kv)
    {
        PCollection = pcollection;
        KeyedTransforms = keyedTransforms;
        Kv = kv;
    }

    /// <summary>Gets <c>Compiled.PCollection&lt;T&gt;</c>.</summary>
    public INamedTypeSymbol PCollection { get; }

    /// <summary>Gets <c>Compiled.KeyedTransforms</c>, the extension methods on keyed collections.</summary>
    public INamedTypeSymbol KeyedTransforms { get; }

    /// <summary>Gets <c>Compiled.KV&lt;TKey, TValue&gt;</c>.</summary>
    public INamedTypeSymbol Kv { get; }

    /// <summary>Resolves the types, or returns null when the compilation does not reference the Compiled runtime.</summary>
    public static CompiledSymbols? TryCreate(Compilation compilation)
    {
        var pcollection = compilation.GetTypeByMetadataName("Compiled.PCollection`1");
        var keyed = compilation.GetTypeByMetadataName("Compiled.KeyedTransforms");
        var kv = compilation.GetTypeByMetadataName("Compiled.KV`2");
        return pcollection is null || keyed is null || kv is null ? null : new CompiledSymbols(pcollection, keyed, kv);
    }
}
