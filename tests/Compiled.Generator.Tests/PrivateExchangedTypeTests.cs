using System;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>A private nested type that a grouping would carry across the streaming parallel runner's exchanges.</summary>
public class PrivateExchangedTypeTests
{
    [Fact(DisplayName = "A private key type compiles: the streaming parallel runner is left out, and the plan says why")]
    public void APrivateKeyLeavesOutTheStreamingParallelRunner()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using Compiled;
            namespace T;
            [Pipeline]
            public partial class PrivateKeys
            {
                private readonly record struct Team(string Name);
                static void Define(PipelineBuilder p) =>
                    p.Create<string>("names").Map(static n => KV.Of(new Team(n), 1)).CombinePerKey(Combiners.Sum<int>()).Map(static kv => kv.Key.Name).Output("out");
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics);
        Assert.Contains("Streaming parallel runner: not generated: the type 'Team' crosses its exchanges and is private to the pipeline class", run.SingleSource, StringComparison.Ordinal);
    }
}
