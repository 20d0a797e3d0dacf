using System;
using System.Linq;
using Compiled;
using Xunit;
using Xunit.Abstractions;

namespace Compiled.Tests.Pipelines;

/// <summary>Map, Filter, CombinePerKey over int keys.</summary>
[Pipeline]
public partial class IntKeyedSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<int>("numbers")
         .Map(static x => x * 7)
         .Filter(static x => x % 3 != 0)
         .WithKeys(static x => x % 1000)
         .CombinePerKey(Combiners.Sum<int>())
         .Output("sums");
}

/// <summary>Map, Filter, CombinePerKey over string keys.</summary>
[Pipeline]
public partial class StringKeyedCounts
{
    static void Define(PipelineBuilder p) =>
        p.Create<string>("words")
         .Filter(static w => w.Length > 1)
         .Map(static w => KV.Of(w, w.Length))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("lengths");
}

/// <summary>
/// Steady state allocates nothing per element: after a warm-up run has created every key, a run of
/// 1,000,000 more elements allocates 0 bytes on this thread (counted with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>).
/// </summary>
public class AllocationTests(ITestOutputHelper output)
{
    private const int Elements = 1_000_000;

    [Fact]
    public void MapFilterCombinePerKey_IntKeys_AllocatesNothingPerElement()
    {
        var data = Enumerable.Range(0, Elements).ToArray();
        var runner = IntKeyedSums.CreateRunner(new NullSink<KV<int, int>>());
        WarmUp(() => runner.PushNumbers(data)); // JIT and tiering, and the state map grows to its 1,000 keys

        var before = GC.GetAllocatedBytesForCurrentThread();
        runner.PushNumbers(data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{allocated} bytes for {Elements:N0} elements");
        Assert.Equal(0, allocated);
        runner.Finish();
    }

    [Fact]
    public void MapFilterCombinePerKey_StringKeys_AllocatesNothingPerElement()
    {
        var vocabulary = Enumerable.Range(0, 5_000).Select(i => "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var data = Enumerable.Range(0, Elements).Select(i => vocabulary[(int)((uint)(i * 2654435761u) % vocabulary.Length)]).ToArray();
        var runner = StringKeyedCounts.CreateRunner(new NullSink<KV<string, int>>());
        WarmUp(() => runner.PushWords(data));

        var before = GC.GetAllocatedBytesForCurrentThread();
        runner.PushWords(data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"{allocated} bytes for {Elements:N0} elements");
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// Runs the loop three times, then leaves the runtime time to install the optimized code it compiles in the
    /// background (tiered compilation). With one warm-up run, the measured run was counted 5,040 bytes once in a
    /// while under the load of the tests that run beside it, once per run, not per element: most likely that
    /// installation happening on this thread mid-run.
    /// </summary>
    internal static void WarmUp(Action run)
    {
        for (var i = 0; i < 3; i++)
        {
            run();
        }

        System.Threading.Thread.Sleep(250);
    }

    [Fact]
    public void NewKeysAllocateInProportionToKeysNotElements()
    {
        // A fresh runner: its first million elements bring 1,000 new keys. What it allocates is the
        // state map (bounded by the key count), far below one byte per element.
        var data = Enumerable.Range(0, Elements).ToArray();
        IntKeyedSums.CreateRunner(new NullSink<KV<int, int>>()).PushNumbers(data.AsSpan(0, 10));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var runner = IntKeyedSums.CreateRunner(new NullSink<KV<int, int>>());
        runner.PushNumbers(data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{allocated} bytes for {Elements:N0} elements and 1,000 keys");
        Assert.InRange(allocated, 1, 200_000);
    }
}
