using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Compiled;
using Xunit;

namespace Compiled.Tests.Pipelines;

/// <summary>Runners driven by async sources: IAsyncEnumerable, channels, and text read asynchronously.</summary>
public class AsyncSourceTests
{
    private static async IAsyncEnumerable<int> Numbers(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (i % 1000 == 0)
            {
                await Task.Yield();
            }

            yield return i;
        }
    }

    [Fact]
    public async Task AsyncEnumerableGivesTheSameResultAsASpan()
    {
        var runner = MapFilterSum.CreateRunner(new ListSink<long>());
        await runner.PushNumbersAsync(Numbers(10_000));
        runner.Finish();
        Assert.Equal(MapFilterSum.Run(Enumerable.Range(0, 10_000).ToArray()).Sum, runner.Sum.Items);
    }

    [Fact]
    public async Task BoundedChannelAppliesBackpressureAndLosesNothing()
    {
        // The writer can be at most 16 elements ahead of the pipeline.
        var channel = Channel.CreateBounded<int>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        var maxAhead = 0;
        var written = 0;
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                await channel.Writer.WriteAsync(i);
                Interlocked.Increment(ref written);
                maxAhead = Math.Max(maxAhead, channel.Reader.Count);
            }

            channel.Writer.Complete();
        });

        var runner = MapFilterSum.CreateRunner(new ListSink<long>());
        await runner.PushNumbersAsync(channel.Reader);
        await producer;
        runner.Finish();

        Assert.Equal(50_000, written);
        Assert.InRange(maxAhead, 0, 16);
        Assert.Equal(MapFilterSum.Run(Enumerable.Range(0, 50_000).ToArray()).Sum, runner.Sum.Items);
    }

    [Fact]
    public async Task CancellationStopsAnAsyncPush()
    {
        using var cts = new CancellationTokenSource();
        var channel = Channel.CreateUnbounded<int>();
        var runner = MapFilterSum.CreateRunner(new ListSink<long>());
        var push = runner.PushNumbersAsync(channel.Reader, cts.Token).AsTask();
        await channel.Writer.WriteAsync(1);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => push);
    }

    [Fact]
    public async Task TextIsReadAsynchronously()
    {
        var lines = new[] { "the cat", "the dog" };
        var runner = WordCounts.CreateRunner(new ListSink<KV<string, long>>(), new ListSink<long>());
        await runner.ReadLinesAsync(TextInput.FromStream(new System.IO.MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines)))));
        runner.Finish();
        Assert.Equal(new[] { 4L }, runner.Total.Items);
        Assert.Equal(2, runner.Counts.Items.Single(kv => kv.Key == "the").Value);
    }
}
