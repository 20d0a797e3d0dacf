using System;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Checkpoints;
using Xunit;

namespace Compiled.Tests.Checkpoints;

/// <summary>
/// The bookkeeping of one checkpoint of the parallel runner: every part arrives once, and the part of a shard whose thread
/// has ended is written exactly once, by the thread that begins the checkpoint (it had left before) or by the shard as it
/// leaves (the checkpoint was waiting for it).
/// </summary>
public class AlignedSnapshotTests
{
    [Fact(DisplayName = "A checkpoint completes when every part has arrived, once each")]
    public async Task CompletesWhenEveryPartHasArrived()
    {
        using var snapshot = new AlignedSnapshot(3, 2, default, default);
        var parts = snapshot.Begin(7);
        snapshot.Arrive(0);
        snapshot.Arrive(2);
        Assert.False(parts.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => snapshot.Arrive(2));
        Assert.Throws<InvalidOperationException>(() => { _ = snapshot.Begin(8); }); // one at a time
        snapshot.Arrive(1);
        await parts.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(7, snapshot.CheckpointId);

        var next = snapshot.Begin(8); // the next one starts afresh: every part arrives again
        Assert.False(next.IsCompleted);
        snapshot.Arrive(0);
        snapshot.Arrive(1);
        snapshot.Arrive(2);
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact(DisplayName = "A shard that left before the checkpoint began is written by the beginner; one that leaves while it waits writes its own part; one that had arrived writes nothing")]
    public void LeavingShardsAreWrittenOnce()
    {
        using var snapshot = new AlignedSnapshot(4, 1, default, default);
        Assert.False(snapshot.Leave(3)); // no checkpoint under way: nothing to write now

        var parts = snapshot.Begin(1);
        Assert.True(snapshot.LeftBeforeBegin(3));
        Assert.False(snapshot.LeftBeforeBegin(2));
        snapshot.Arrive(3); // the beginner wrote it

        snapshot.Arrive(1);
        Assert.False(snapshot.Leave(1)); // it had arrived: its part is in
        Assert.True(snapshot.Leave(2)); // the checkpoint waits for it: it writes its final state now
        snapshot.Arrive(2);
        Assert.False(parts.IsCompleted);
        snapshot.Arrive(0);
        Assert.True(parts.IsCompletedSuccessfully);

        // The next checkpoint: every shard that has left is the beginner's to write.
        snapshot.Begin(2);
        Assert.True(snapshot.LeftBeforeBegin(1));
        Assert.True(snapshot.LeftBeforeBegin(2));
        Assert.True(snapshot.LeftBeforeBegin(3));
        Assert.False(snapshot.LeftBeforeBegin(0));
    }

    [Fact(DisplayName = "Shards leaving while checkpoints begin, on other threads: each part is written exactly once, by one side or the other")]
    public void LeavingRacesBeginning()
    {
        for (var round = 0; round < 2_000; round++)
        {
            using var snapshot = new AlignedSnapshot(2, 1, default, default);
            var writtenByShard = false;
            using var go = new ManualResetEventSlim();
            var shard = new Thread(() =>
            {
                go.Wait();
                if (snapshot.Leave(1))
                {
                    writtenByShard = true;
                    snapshot.Arrive(1);
                }
            });
            shard.Start();
            go.Set();
            var parts = snapshot.Begin(round);
            var writtenByBeginner = snapshot.LeftBeforeBegin(1);
            if (writtenByBeginner)
            {
                snapshot.Arrive(1);
            }

            snapshot.Arrive(0);
            shard.Join();
            Assert.True(writtenByShard ^ writtenByBeginner, "round " + round + ": the shard's part was written " + (writtenByShard ? "twice" : "never"));
            Assert.True(parts.IsCompletedSuccessfully);
        }
    }

    [Fact(DisplayName = "A part that cannot be written fails the checkpoint, naming the part")]
    public async Task APartThatFailsFailsTheCheckpoint()
    {
        using var snapshot = new AlignedSnapshot(2, 1, default, default);
        var parts = snapshot.Begin(5);
        snapshot.Fail(1, new System.IO.IOException("disk full"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => parts);
        Assert.Contains("part 1", error.Message, StringComparison.Ordinal);
        Assert.IsType<System.IO.IOException>(error.InnerException);
    }
}
