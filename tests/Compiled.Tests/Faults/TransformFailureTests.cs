using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Threading.Tasks;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Faults;

/// <summary>
/// A transform that throws on a pushed element stops the push there, with a <see cref="PipelineExecutionException"/>
/// naming the transform, its line and the element's index; the elements before it were applied exactly once, and
/// pushing again from the next index goes on as if the bad element had never been pushed (apart from what the bad
/// element did before its transform threw). A transform that throws on a fired pane loses that pane only.
/// </summary>
public class TransformFailureTests
{
    private static string SourceLine(int line, [CallerFilePath] string file = "") =>
        File.ReadLines(Path.Combine(Path.GetDirectoryName(file)!, "FaultPipelines.cs")).ElementAt(line - 1);

    [Fact]
    public void AThrowingMapNamesItselfItsLineAndTheElement()
    {
        var counts = new ListSink<KV<int, long>>();
        var sum = new ListSink<int>();
        var runner = PoisonedElements.CreateRunner(counts, sum);
        var error = Assert.Throws<PipelineExecutionException>(() => runner.PushNumbers(new[] { 1, 2, -1, 3 }));

        Assert.Equal("numbers", error.Input);
        Assert.Equal(2, error.ElementIndex);
        Assert.Equal("Map (line " + error.Line + ")", error.Transform);
        Assert.Contains(".Map(", SourceLine(error.Line), StringComparison.Ordinal);
        Assert.EndsWith("FaultPipelines.cs", error.SourceFile, StringComparison.Ordinal);
        Assert.Equal("Compiled.Tests.Faults.PoisonedElements", error.Pipeline);
        var inner = Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Equal("bad value -1", inner.Message);
        Assert.Contains("on element 2 of input 'numbers'", error.Message, StringComparison.Ordinal);
        Assert.Contains("push from index 3", error.Message, StringComparison.Ordinal);

        // Resume after it: the runner is consistent, and the result is the run without the bad element.
        runner.PushNumbers(new[] { 3 });
        runner.Finish();
        var expected = PoisonedElements.Run(new[] { 1, 2, 3 });
        Assert.Equal(expected.Counts.OrderBy(kv => kv.Key), counts.Items.OrderBy(kv => kv.Key));
        Assert.Equal(expected.Sum, sum.Items);
    }

    [Theory]
    [InlineData(-2, "Filter")]
    [InlineData(-3, "FlatMap")]
    public void EachTransformIsNamed(int bad, string transform)
    {
        var runner = PoisonedElements.CreateRunner(new ListSink<KV<int, long>>(), new ListSink<int>());
        var error = Assert.Throws<PipelineExecutionException>(() => runner.PushNumbers(new[] { 7, bad }));
        Assert.Equal(transform + " (line " + error.Line + ")", error.Transform);
        Assert.Contains("." + transform, SourceLine(error.Line), StringComparison.Ordinal);
        Assert.Equal(1, error.ElementIndex);
    }

    [Fact]
    public void ASinglePushIsElementZero()
    {
        var runner = PoisonedElements.CreateRunner(new ListSink<KV<int, long>>(), new ListSink<int>());
        runner.PushNumbers(5);
        var error = Assert.Throws<PipelineExecutionException>(() => runner.PushNumbers(-1));
        Assert.Equal(0, error.ElementIndex);
        runner.PushNumbers(6);
        runner.Finish();
    }

    [Fact]
    public void ASequenceStopsAtTheBadElementAndSaysWhere()
    {
        var counts = new ListSink<KV<int, long>>();
        var runner = PoisonedElements.CreateRunner(counts, new ListSink<int>());
        IEnumerable<int> Numbers()
        {
            yield return 1;
            yield return 2;
            yield return -1;
            yield return 3;
        }

        var error = Assert.Throws<PipelineExecutionException>(() => runner.PushNumbers(Numbers()));
        Assert.Equal(2, error.ElementIndex);
        runner.PushNumbers(Numbers().Skip((int)error.ElementIndex + 1));
        runner.Finish();
        Assert.Equal(PoisonedElements.Run(new[] { 1, 2, 3 }).Counts.OrderBy(kv => kv.Key), counts.Items.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task AChannelKeepsWhatWasNotReadAfterAFailure()
    {
        var counts = new ListSink<KV<int, long>>();
        var runner = PoisonedElements.CreateRunner(counts, new ListSink<int>());
        var channel = Channel.CreateUnbounded<int>();
        foreach (var x in new[] { 1, -1, 2, 3 })
        {
            channel.Writer.TryWrite(x);
        }

        channel.Writer.Complete();
        var error = await Assert.ThrowsAsync<PipelineExecutionException>(async () => await runner.PushNumbersAsync(channel.Reader));
        Assert.Equal(1, error.ElementIndex);

        // The elements after the bad one are still in the channel: push again to go on.
        await runner.PushNumbersAsync(channel.Reader);
        runner.Finish();
        Assert.Equal(PoisonedElements.Run(new[] { 1, 2, 3 }).Counts.OrderBy(kv => kv.Key), counts.Items.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void AnExceptionOfTheSourceItselfLeavesTheRunnerUsable()
    {
        var counts = new ListSink<KV<int, long>>();
        var runner = PoisonedElements.CreateRunner(counts, new ListSink<int>());
        IEnumerable<int> Broken()
        {
            yield return 1;
            throw new IOException("the source broke");
        }

        // Not a pipeline failure: the source's exception comes out as it is.
        Assert.Throws<IOException>(() => runner.PushNumbers(Broken()));
        runner.PushNumbers(2);
        runner.Finish();
        Assert.Equal(PoisonedElements.Run(new[] { 1, 2 }).Counts.OrderBy(kv => kv.Key), counts.Items.OrderBy(kv => kv.Key));
    }

    /// <summary>
    /// Random spans with bad values at random places (in the Map, the Filter, or the FlatMap after its first output),
    /// pushed and resumed after each reported index, equal the run without the bad values (for the FlatMap, its first
    /// output of the bad value stays: it was emitted before the function threw).
    /// </summary>
    [Fact]
    public void ResumedAfterEachReportedIndex_EqualsTheRunWithoutTheBadElements()
    {
        Gen.Int[-3, 40].Array[0, 60].Sample(values =>
        {
            var counts = new ListSink<KV<int, long>>();
            var sum = new ListSink<int>();
            var runner = PoisonedElements.CreateRunner(counts, sum);
            var from = 0;
            var failures = new List<long>();
            while (true)
            {
                try
                {
                    runner.PushNumbers(values.AsSpan(from));
                    break;
                }
                catch (PipelineExecutionException e)
                {
                    Assert.InRange(values[from + (int)e.ElementIndex], -3, -1);
                    failures.Add(from + e.ElementIndex);
                    from += (int)e.ElementIndex + 1;
                }
            }

            runner.Finish();
            var bad = values.Where(v => v is >= -3 and <= -1).ToArray();
            Assert.Equal(values.Select((v, i) => (v, i)).Where(x => x.v is >= -3 and <= -1).Select(x => (long)x.i), failures);

            // The oracle: the good values, plus the first FlatMap output (-3 itself) of each -3.
            var good = values.Where(v => v is not (-1 or -2 or -3)).ToArray();
            var expected = PoisonedElements.Run(good);
            var extra = bad.Count(v => v == -3);
            var expectedCounts = expected.Counts.ToDictionary(kv => kv.Key, kv => kv.Value);
            if (extra > 0)
            {
                expectedCounts[-3 % 7] = expectedCounts.GetValueOrDefault(-3 % 7) + extra;
            }

            Assert.Equal(expectedCounts.OrderBy(kv => kv.Key), counts.Items.ToDictionary(kv => kv.Key, kv => kv.Value).OrderBy(kv => kv.Key));
            Assert.Equal(expected.Sum.Single() + (-3 * extra), sum.Items.Single());
        }, iter: 2_000);
    }

    [Fact]
    public void AThrowingTransformOnAPaneLosesThatPaneOnly_AndTheRetryDeliversNothingTwice()
    {
        var sink = new ListSink<KV<string, int>>();
        var runner = PoisonedPanes.CreateRunner(sink);
        foreach (var key in new[] { "a", "poison", "b", "c" })
        {
            runner.PushEvents(KV.Of(key, 1), new Instant(1));
        }

        var error = Assert.Throws<PipelineExecutionException>(() => runner.AdvanceWatermark(new Instant(10)));
        Assert.Equal("Map (line " + error.Line + ")", error.Transform);
        Assert.Equal(-1, error.ElementIndex);
        Assert.Null(error.Output);
        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Contains("a pane of CombinePerKey", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "a", "b", "c" }, sink.Items.Select(kv => kv.Key));

        runner.AdvanceWatermark(new Instant(10));
        runner.Finish();
        Assert.Equal(new[] { "a", "b", "c" }, sink.Items.Select(kv => kv.Key));
        Assert.True(runner.IsFinished);
    }

    [Fact]
    public void ACombineFunctionThatThrowsInExtractOutputLosesThatPaneOnly()
    {
        // Inline windowed state (fixed windows) and keyed window panes (sessions): both go on past the failed pane.
        var inline = new ListSink<KV<string, int>>();
        var panes = new ListSink<KV<string, int>>();
        var runner = UnluckySums.CreateRunner(inline, panes);
        runner.PushEvents(KV.Of("a", 1), new Instant(1));
        runner.PushEvents(KV.Of("b", 13), new Instant(1));
        runner.PushEvents(KV.Of("c", 3), new Instant(1));
        var error = Assert.Throws<PipelineExecutionException>(() => runner.AdvanceWatermark(new Instant(20)));
        Assert.Equal(2, error.FailureCount);
        Assert.StartsWith("CombinePerKey (line ", error.Transform, StringComparison.Ordinal);
        Assert.Equal("unlucky", error.InnerException!.Message);
        Assert.Equal(new[] { "a", "c" }, inline.Items.Select(kv => kv.Key));
        Assert.Equal(new[] { "a", "c" }, panes.Items.Select(kv => kv.Key).Order());
        runner.Finish();
        Assert.Equal(2, inline.Items.Count);
    }
}

/// <summary>Elements waiting for a side input are bounded: a side input that never completes cannot take all memory.</summary>
public class SideInputBufferTests
{
    [Fact]
    public void OneElementMoreThanTheLimitIsRefusedNamingTheSideInput()
    {
        var scaled = new ListSink<int>();
        var runner = Compiled.Tests.Pipelines.SingletonSide.CreateRunner(scaled);
        Assert.Equal(1 << 20, runner.SideInputBufferLimit);
        runner.SideInputBufferLimit = 3;
        var error = Assert.Throws<PipelineExecutionException>(() => runner.PushNumbers(new[] { 1, 2, 3, 4, 5 }));
        Assert.Equal(3, error.ElementIndex);
        Assert.StartsWith("Map (line ", error.Transform, StringComparison.Ordinal);
        Assert.Contains("reads side input #", error.Message, StringComparison.Ordinal);
        Assert.Contains("AsSingleton", error.Message, StringComparison.Ordinal);
        Assert.Contains("SideInputBufferLimit", error.Message, StringComparison.Ordinal);

        // The three that waited are processed when the view is complete.
        runner.PushFactor(10);
        runner.Finish();
        Assert.Equal(new[] { 10, 20, 30 }, scaled.Items);
        Assert.Throws<ArgumentOutOfRangeException>(() => runner.SideInputBufferLimit = 0);
    }

    [Fact]
    public async Task AnAsyncPushIsRefusedTheSameWay()
    {
        // Waiting would never end: the view is complete only at Finish, which cannot run while the push does.
        var runner = Compiled.Tests.Pipelines.SingletonSide.CreateRunner(new ListSink<int>());
        runner.SideInputBufferLimit = 2;
        var error = await Assert.ThrowsAsync<PipelineExecutionException>(async () => await runner.PushNumbersAsync(AsyncNumbers()));
        Assert.Equal(2, error.ElementIndex);
    }

    private static async IAsyncEnumerable<int> AsyncNumbers()
    {
        for (var i = 0; i < 10; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }
}
