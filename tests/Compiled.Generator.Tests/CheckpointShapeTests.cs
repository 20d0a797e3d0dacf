using System;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>What a checkpoint's fingerprint covers: the streaming runner's state, not the batch runner's strategy.</summary>
public class CheckpointShapeTests
{
    private static readonly string[] Plan =
    {
        "Stage 1: fused loop over input 'events', element by element",
        "  #4 CountPerKey (line 16)",
        "Parallel batch runner (Run with a parallelism): every shard runs the stages above over its part of each input; exchanges, at end of input, in flush order:",
        "  #4 CountPerKey (line 16): by key group; each shard pre-aggregates per window per key and ships accumulators (combiner lifting)",
        "Streaming parallel runner (CreateParallelRunner): each partition runs the element-wise stages where it is pushed:",
        "  level 1: #4 CountPerKey (line 16): by key group, combiner lifted",
    };

    private static uint Shape(params string[] plan) => PipelineGenerator.Planner.CheckpointShape(plan, Array.Empty<Model.TransformSpec>());

    [Fact(DisplayName = "The batch runner's part of the plan (a batch run writes no checkpoint) leaves the fingerprint as it is")]
    public void TheBatchPartIsLeftOut()
    {
        var changed = (string[])Plan.Clone();
        changed[3] += "; a window that only one shard holds stays there whole";
        Assert.Equal(Shape(Plan), Shape(changed));
        Assert.Equal(Shape(Plan), Shape(Plan[0], Plan[1], Plan[4], Plan[5]));
    }

    [Fact(DisplayName = "How lifted accumulators travel (maps per shard) leaves the fingerprint as it is: the shards hold the same accumulators")]
    public void TheLiftedTransportIsLeftOut()
    {
        var withTransport = new string[Plan.Length + 1];
        Plan.CopyTo(withTransport, 0);
        withTransport[^1] = "Lifted accumulators (streaming parallel runner): a sender ships its accumulators of a window in one map per receiving shard";
        Assert.Equal(Shape(Plan), Shape(withTransport));
    }

    [Fact(DisplayName = "Whether a key's shard is looked up or hashed leaves the fingerprint as it is: the key's shard is the same")]
    public void TheKeyShardsAreLeftOut()
    {
        var withKeyShards = new string[Plan.Length + 2];
        Plan.CopyTo(withKeyShards, 0);
        withKeyShards[^2] = "Key shards (parallel runners): an integer key's shard is hashed once per partition and shard, then looked up in a table indexed by the key";
        withKeyShards[^1] = "  #4 CountPerKey (line 16): int keys";
        Assert.Equal(Shape(Plan), Shape(withKeyShards));
    }

    [Fact(DisplayName = "A change in the streaming runner's state or exchanges changes the fingerprint, and line numbers do not")]
    public void TheStreamingPartCounts()
    {
        var lifted = (string[])Plan.Clone();
        lifted[5] = "  level 1: #4 CountPerKey (line 16): by key group";
        Assert.NotEqual(Shape(Plan), Shape(lifted));
        var stage = (string[])Plan.Clone();
        stage[1] = "  #4 CombinePerKey (line 16)";
        Assert.NotEqual(Shape(Plan), Shape(stage));
        var moved = Array.ConvertAll(Plan, line => line.Replace("line 16", "line 40", StringComparison.Ordinal));
        Assert.Equal(Shape(Plan), Shape(moved));
    }
}
