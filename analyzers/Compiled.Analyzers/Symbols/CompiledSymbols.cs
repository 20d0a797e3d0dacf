using Microsoft.CodeAnalysis;

namespace Compiled.Analyzers.Symbols;

/// <summary>
/// The Compiled runtime's declaration types, resolved once per compilation (in a compilation-start action) so
/// that operation callbacks compare symbols instead of looking names up.
/// </summary>
internal sealed class CompiledSymbols
{
    private CompiledSymbols(
        INamedTypeSymbol pcollection,
        INamedTypeSymbol keyedTransforms,
        INamedTypeSymbol kv,
        INamedTypeSymbol? pipelineBuilder,
        INamedTypeSymbol? windows,
        INamedTypeSymbol? windowingStrategy,
        INamedTypeSymbol? trigger,
        INamedTypeSymbol? afterWatermarkTrigger,
        INamedTypeSymbol? pipelineAttribute,
        INamedTypeSymbol? timeSpan,
        INamedTypeSymbol? mergingWindowFn,
        INamedTypeSymbol? elementContext)
    {
        PCollection = pcollection;
        KeyedTransforms = keyedTransforms;
        Kv = kv;
        PipelineBuilder = pipelineBuilder;
        Windows = windows;
        WindowingStrategy = windowingStrategy;
        Trigger = trigger;
        AfterWatermarkTrigger = afterWatermarkTrigger;
        PipelineAttribute = pipelineAttribute;
        TimeSpan = timeSpan;
        MergingWindowFn = mergingWindowFn;
        ElementContext = elementContext;
    }

    /// <summary>Gets <c>Compiled.PCollection&lt;T&gt;</c>.</summary>
    public INamedTypeSymbol PCollection { get; }

    /// <summary>Gets <c>Compiled.KeyedTransforms</c>, the extension methods on keyed collections.</summary>
    public INamedTypeSymbol KeyedTransforms { get; }

    /// <summary>Gets <c>Compiled.KV&lt;TKey, TValue&gt;</c>.</summary>
    public INamedTypeSymbol Kv { get; }

    /// <summary>Gets <c>Compiled.PipelineBuilder</c>, or null in an older runtime.</summary>
    public INamedTypeSymbol? PipelineBuilder { get; }

    /// <summary>Gets <c>Compiled.Windows</c>, the window functions, or null in an older runtime.</summary>
    public INamedTypeSymbol? Windows { get; }

    /// <summary>Gets <c>Compiled.WindowingStrategy</c>, or null in an older runtime.</summary>
    public INamedTypeSymbol? WindowingStrategy { get; }

    /// <summary>Gets <c>Compiled.Trigger</c>, or null in an older runtime.</summary>
    public INamedTypeSymbol? Trigger { get; }

    /// <summary>Gets <c>Compiled.AfterWatermarkTrigger</c>, or null in an older runtime.</summary>
    public INamedTypeSymbol? AfterWatermarkTrigger { get; }

    /// <summary>Gets <c>Compiled.PipelineAttribute</c>, or null in an older runtime.</summary>
    public INamedTypeSymbol? PipelineAttribute { get; }

    /// <summary>Gets <c>System.TimeSpan</c>.</summary>
    public INamedTypeSymbol? TimeSpan { get; }

    /// <summary>Gets <c>Compiled.IMergingWindowFn</c>, or null in an older runtime.</summary>
    public INamedTypeSymbol? MergingWindowFn { get; }

    /// <summary>Gets <c>Compiled.ElementContext</c>, or null in an older runtime.</summary>
    public INamedTypeSymbol? ElementContext { get; }

    /// <summary>True when the windowing declaration types (Windows, WindowingStrategy, Trigger) are all present.</summary>
    public bool HasWindowing => Windows is not null && WindowingStrategy is not null && Trigger is not null && AfterWatermarkTrigger is not null;

    /// <summary>Resolves the types, or returns null when the compilation does not reference the Compiled runtime.</summary>
    public static CompiledSymbols? TryCreate(Compilation compilation)
    {
        var pcollection = compilation.GetTypeByMetadataName("Compiled.PCollection`1");
        var keyed = compilation.GetTypeByMetadataName("Compiled.KeyedTransforms");
        var kv = compilation.GetTypeByMetadataName("Compiled.KV`2");
        if (pcollection is null || keyed is null || kv is null)
        {
            return null;
        }

        return new CompiledSymbols(
            pcollection,
            keyed,
            kv,
            compilation.GetTypeByMetadataName("Compiled.PipelineBuilder"),
            compilation.GetTypeByMetadataName("Compiled.Windows"),
            compilation.GetTypeByMetadataName("Compiled.WindowingStrategy"),
            compilation.GetTypeByMetadataName("Compiled.Trigger"),
            compilation.GetTypeByMetadataName("Compiled.AfterWatermarkTrigger"),
            compilation.GetTypeByMetadataName("Compiled.PipelineAttribute"),
            compilation.GetTypeByMetadataName("System.TimeSpan"),
            compilation.GetTypeByMetadataName("Compiled.IMergingWindowFn"),
            compilation.GetTypeByMetadataName("Compiled.ElementContext"));
    }

    /// <summary>True when <paramref name="type"/> is <paramref name="expected"/> (compared by original definition).</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);
}
