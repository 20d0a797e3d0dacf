using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled;
using Xunit;

namespace Compiled.Tests.Faults;

/// <summary>A runner takes one call at a time: a second caller is refused, not left to corrupt the state silently.</summary>
public class SingleWriterTests
{
    [Fact]
    public void TwoThreadsPushingIntoOneRunnerAreTold()
    {
        // Before: two threads of 300,000 single pushes counted 599,943 of 600,000, with no error.
        // The threads must overlap in time, inside a call that is a few nanoseconds long. On a loaded machine (the test
        // suite runs classes in parallel on two cores) they may take turns on one core for a while, and a turn rarely
        // ends inside a call, so the race is tried again until it is seen or 20 seconds have passed.
        const int PerThread = 300_000;
        InvalidOperationException? error = null;
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 0; error is null && (attempt < 20 || deadline.Elapsed < TimeSpan.FromSeconds(20)); attempt++)
        {
            var runner = CountEverything.CreateRunner(new ListSink<KV<int, long>>());
            using var start = new Barrier(2);
            var refused = new InvalidOperationException?[2];
            var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    for (var i = 0; i < PerThread; i++)
                    {
                        runner.PushNumbers(i % 100);
                    }
                }
                catch (InvalidOperationException e)
                {
                    refused[t] = e;
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            error = refused.FirstOrDefault(e => e is not null);
        }

        Assert.NotNull(error);
        Assert.Contains("already running a call", error!.Message, StringComparison.Ordinal);
        Assert.Contains("one writer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAsyncPushHoldsTheRunnerUntilItCompletes()
    {
        var runner = CountEverything.CreateRunner(new ListSink<KV<int, long>>());
        var channel = System.Threading.Channels.Channel.CreateUnbounded<int>();
        var push = runner.PushNumbersAsync(channel.Reader).AsTask();
        channel.Writer.TryWrite(1);
        await Task.Delay(50);
        Assert.False(push.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => runner.PushNumbers(2));
        channel.Writer.Complete();
        await push;
        runner.PushNumbers(2);
        runner.Finish();
        Assert.True(runner.IsFinished);
    }

    [Fact]
    public void OneThreadAfterAnotherIsFine()
    {
        var sink = new ListSink<KV<int, long>>();
        var runner = CountEverything.CreateRunner(sink);
        var first = new Thread(() => runner.PushNumbers(new[] { 1, 2, 2 }));
        first.Start();
        first.Join();
        var second = new Thread(() =>
        {
            runner.PushNumbers(3);
            runner.Finish();
        });
        second.Start();
        second.Join();
        Assert.Equal(new[] { (1, 1L), (2, 2L), (3, 1L) }, sink.Items.Select(kv => (kv.Key, kv.Value)).OrderBy(x => x.Key));
    }
}
