using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using Compiled.Diagnostics;
using Compiled.Parallel;
using Compiled.Tests.Parallel;
using Xunit;

namespace Compiled.Tests.Diagnostics;

/// <summary>Numbers tripled, the even ones kept and counted per value: every transform counted, fused ones too.</summary>
[Pipeline(CountEveryTransform = true)]
public partial class CountedEveryTransform
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Map(static x => x * 3)
         .Filter(static x => x % 2 == 0)
         .CountPerElement()
         .Output("counts");
}

/// <summary>[Pipeline(CountEveryTransform = true)]: the elements that reach each transform, reported through the meter.</summary>
public class TransformCountTests
{
    private static Dictionary<string, long> Counts(IEnumerable<IRunnerMetrics> runners)
    {
        var measurements = new List<Measurement<long>>();
        foreach (var runner in runners)
        {
            runner.ReportTransformElementsIn(measurements);
        }

        return measurements.GroupBy(m => (string)m.Tags.ToArray().Single(t => t.Key == "transform").Value!)
                           .ToDictionary(g => g.Key[..g.Key.IndexOf(' ', StringComparison.Ordinal)], g => g.Sum(m => m.Value));
    }

    [Fact(DisplayName = "Every transform, fused ones too, counts the elements that reach it")]
    public void EveryTransformIsCounted()
    {
        var runner = CountedEveryTransform.CreateRunner(new ListSink<KV<int, long>>());
        runner.PushNumbers(Enumerable.Range(1, 10).ToArray());
        runner.Finish();
        var counts = Counts(new[] { (IRunnerMetrics)runner });
        Assert.Equal(10, counts["#1"]); // Map
        Assert.Equal(10, counts["#2"]); // Filter
        Assert.Equal(5, counts["#3"]);  // CountPerElement: the even ones
    }

    [Fact(DisplayName = "On the streaming parallel runner an element is counted once, where it is sent from")]
    public void TheParallelRunnerCountsEachElementOnce()
    {
        using var parallel = CountedEveryTransform.CreateParallelRunner(() => new ListSink<KV<int, long>>(), new ParallelRunnerOptions { Parallelism = 2 });
        parallel.PushNumbers(Enumerable.Range(1, 10).ToArray());
        TestThreads.Run(TimeSpan.FromSeconds(60), parallel.Finish);
        var counts = Counts(Enumerable.Range(0, parallel.Partitions).Select(parallel.Partition).Concat(parallel.Shards).Cast<IRunnerMetrics>());
        Assert.Equal(new Dictionary<string, long> { ["#1"] = 10, ["#2"] = 10, ["#3"] = 5 }, counts);
    }

    [Fact(DisplayName = "Without CountEveryTransform nothing is counted per transform")]
    public void OffByDefault()
    {
        var runner = Compiled.Tests.Pipelines.NullableKeys.CreateRunner(new ListSink<KV<string?, long>>());
        Assert.Empty(Counts(new[] { (IRunnerMetrics)runner }));
    }
}
