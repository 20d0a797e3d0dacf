using System;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.Parallel;

public class ShardGroupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void EveryShardRunsOnce()
    {
        using var group = new ShardGroup(4);
        var runs = new int[4];
        int callingThread = Environment.CurrentManagedThreadId;
        int shardZeroThread = -1;
        group.Run(shard =>
        {
            Interlocked.Increment(ref runs[shard]);
            if (shard == 0)
            {
                shardZeroThread = Environment.CurrentManagedThreadId;
            }
        });
        Assert.Equal(new[] { 1, 1, 1, 1 }, runs);
        Assert.Equal(callingThread, shardZeroThread);
        Assert.Throws<InvalidOperationException>(() => group.Run(_ => { }));
    }

    [Fact]
    public void AThrowingShardSurfacesWithItsIndex()
    {
        using var group = new ShardGroup(3);
        var error = new FormatException("bad record");
        var e = Assert.Throws<ShardFailedException>(() => group.Run(shard =>
        {
            if (shard == 2)
            {
                throw error;
            }

            // The others wait for a phase that never completes: the failure must wake them.
            group.SignalAndWait();
        }));
        Assert.Equal(2, e.Shard);
        Assert.Same(error, e.InnerException);
        Assert.Contains("Shard 2", e.Message, StringComparison.Ordinal);
        Assert.True(group.Cancellation.IsCancellationRequested);
    }

    [Fact]
    public async Task AProducerBlockedOnTheFullChannelOfAFailedConsumerIsReleased()
    {
        // Shard 0 produces into shard 1's inbox; shard 1 reads a little, then throws. Shard 0 then fills the channel and
        // blocks: the group's cancellation must release it, and Run must report shard 1's failure, not shard 0's wake-up.
        using var group = new ShardGroup(2);
        var inbox = new ShardInbox<int>(1, batchSize: 16, capacity: 2, group.Cancellation);
        var run = Task.Factory.StartNew(
            () => group.Run(shard =>
            {
                if (shard == 0)
                {
                    for (int i = 0; ; i++)
                    {
                        inbox[0].Write(in i);
                    }
                }

                inbox.Read(out _);
                throw new InvalidOperationException("consumer died");
            }),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var e = await Assert.ThrowsAsync<ShardFailedException>(() => run.WaitAsync(Timeout));
        Assert.Equal(1, e.Shard);
        Assert.Equal("consumer died", e.InnerException!.Message);
    }

    [Fact]
    public void LaterFailuresCausedByTheCancellationDoNotHideTheFirst()
    {
        using var group = new ShardGroup(4);
        var e = Assert.Throws<ShardFailedException>(() => group.Run(shard =>
        {
            if (shard == 3)
            {
                throw new ArithmeticException("first");
            }

            try
            {
                group.SignalAndWait();
            }
            catch (OperationCanceledException)
            {
                // What shards often do when torn down: fail with something else.
                throw new ObjectDisposedException("state", "torn down after the cancellation");
            }
        }));
        Assert.Equal(3, e.Shard);
        Assert.IsType<ArithmeticException>(e.InnerException);
    }

    [Fact]
    public void TheBarrierSeparatesPhases()
    {
        const int Shards = 4;
        const int Phases = 50;
        using var group = new ShardGroup(Shards);
        var progress = new int[Shards];
        group.Run(shard =>
        {
            for (int phase = 1; phase <= Phases; phase++)
            {
                Volatile.Write(ref progress[shard], phase);
                group.SignalAndWait();

                // Every shard finished phase k before any continues.
                for (int other = 0; other < Shards; other++)
                {
                    int seen = Volatile.Read(ref progress[other]);
                    if (seen < phase)
                    {
                        throw new InvalidOperationException($"shard {other} is at phase {seen}, behind {phase}");
                    }
                }

                group.SignalAndWait();
            }
        });
        Assert.Equal(2 * Phases, group.Phase);
    }

    [Fact]
    public void AShardThatReturnsEarlyDoesNotHoldUpTheBarrier()
    {
        using var group = new ShardGroup(3);
        group.Run(shard =>
        {
            if (shard == 0)
            {
                return;
            }

            for (int phase = 0; phase < 10; phase++)
            {
                group.SignalAndWait();
            }
        });
    }

    [Fact]
    public void TheCallersTokenCancelsTheRun()
    {
        using var group = new ShardGroup(2);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.ThrowsAny<OperationCanceledException>(() => group.Run(
            _ =>
            {
                // Phases without end: only the caller's token stops them.
                while (true)
                {
                    group.SignalAndWait();
                }
            },
            cancellation.Token));
    }
}
