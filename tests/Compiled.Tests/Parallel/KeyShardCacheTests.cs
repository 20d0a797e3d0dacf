using System;
using System.Collections.Generic;
using System.Linq;
using Compiled.Coders;
using Compiled.Parallel;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Parallel;

/// <summary>An event with an int id and a long account, both used as keys.</summary>
public readonly record struct IdEvent(int Id, long Account, long TimeMs);

/// <summary>
/// Integer keys on both kinds of exchange: int ids counted in fixed windows (lifted: partitions ship their counts) and
/// long accounts counted in sessions (every element travels to its key's shard).
/// </summary>
[Pipeline]
public partial class IntegerKeyedCounts
{
    static void Define(PipelineBuilder p)
    {
        var events = p.Create<IdEvent>("events").WithTimestamps(static e => new Instant(e.TimeMs));
        events.Window(Windows.Fixed(TimeSpan.FromSeconds(10))).Map(static e => KV.Of(e.Id, e.Account)).CountPerKey().Output("ids");
        events.Window(Windows.Sessions(TimeSpan.FromSeconds(5))).Map(static e => KV.Of(e.Account, e.Id)).CountPerKey().Output("accounts");
    }
}

public class KeyShardCacheTests
{
    [Fact(DisplayName = "A key's shard is kept once set; keys out of range, negative ones included, are not kept")]
    public void KeepsKeysInRange()
    {
        var cache = default(KeyShardCache);
        Assert.Equal(-1, cache.Get(0));
        Assert.Equal(3, cache.Set(0, 3));
        Assert.Equal(3, cache.Get(0));
        Assert.Equal(-1, cache.Get(1));

        // A key past the first table grows it, and keeps what was there.
        Assert.Equal(7, cache.Set(KeyShardCache.MinSize + 5, 7));
        Assert.Equal(7, cache.Get(KeyShardCache.MinSize + 5));
        Assert.Equal(3, cache.Get(0));

        Assert.Equal(KeyGroups.UpperBound - 1, cache.Set(KeyShardCache.MaxKeys - 1, KeyGroups.UpperBound - 1));
        Assert.Equal(KeyGroups.UpperBound - 1, cache.Get(KeyShardCache.MaxKeys - 1));

        Assert.Equal(2, cache.Set(KeyShardCache.MaxKeys, 2));
        Assert.Equal(-1, cache.Get(KeyShardCache.MaxKeys));
        Assert.Equal(1, cache.Set(unchecked((ulong)-1), 1));
        Assert.Equal(-1, cache.Get(unchecked((ulong)-1)));

        cache.Clear();
        Assert.Equal(-1, cache.Get(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Set(1, KeyGroups.UpperBound));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Set(1, -1));
    }

    [Fact(DisplayName = "The plan says which exchanges keep their integer keys' shards")]
    public void ThePlanSaysSo()
    {
        Assert.Contains("Key shards (parallel runners)", IntegerKeyedCounts.PlanDescription, StringComparison.Ordinal);
        Assert.Contains(": int keys", IntegerKeyedCounts.PlanDescription, StringComparison.Ordinal);
        Assert.Contains(": long keys", IntegerKeyedCounts.PlanDescription, StringComparison.Ordinal);
    }

    private static readonly Gen<int> Id = Gen.OneOf(Gen.Int[-3, 3], Gen.Int[0, 3_000], Gen.Int[KeyShardCache.MaxKeys - 3, KeyShardCache.MaxKeys + 3], Gen.Int);

    private static readonly Gen<long> Account = Gen.OneOf(Gen.Long[-3, 3], Gen.Long[0, 3_000], Gen.Long[KeyShardCache.MaxKeys - 3, KeyShardCache.MaxKeys + 3], Gen.Long);

    [Fact(DisplayName = "Integer keys, small, negative and past the table: the same panes as one thread, each key's on the shard of its key group")]
    public void EveryKeyOnItsShard() => Gen.Select(Gen.Select(Id, Account, Gen.Long[0, 60_000], (id, account, time) => new IdEvent(id, account, time)).Array[0, 300], Gen.Int[2, 4], Gen.Int[1, 3])
        .Sample((events, parallelism, partitions) =>
        {
            events = events.OrderBy(e => e.TimeMs).ToArray();
            var single = IntegerKeyedCounts.CreateRunner(new ListSink<KV<int, long>>(), new ListSink<KV<long, long>>());
            foreach (var e in events)
            {
                single.PushEvents(e);
            }

            single.Finish();

            using var parallel = IntegerKeyedCounts.CreateParallelRunner(() => new ListSink<KV<int, long>>(), () => new ListSink<KV<long, long>>(),
                new ParallelRunnerOptions { Parallelism = parallelism, Partitions = partitions });
            var shares = Enumerable.Range(0, partitions).Select(i => events.Where((_, j) => j % partitions == i).ToArray()).ToArray();
            TestThreads.Run(TimeSpan.FromSeconds(60), Enumerable.Range(0, partitions).Select(i => (Action)(() =>
            {
                var partition = parallel.Partition(i);
                foreach (var e in shares[i])
                {
                    partition.AdvanceWatermark(new Instant(e.TimeMs - 1));
                    partition.PushEvents(e);
                }

                partition.Finish();
            })).ToArray());
            TestThreads.Run(TimeSpan.FromSeconds(60), parallel.Finish);

            var ids = parallel.IdsSinks();
            var accounts = parallel.AccountsSinks();
            Assert.Equal(PaneLines.Multiset(single.Ids.Elements), PaneLines.Multiset(ids.SelectMany(s => s.Elements)));
            Assert.Equal(PaneLines.Multiset(single.Accounts.Elements), PaneLines.Multiset(accounts.SelectMany(s => s.Elements)));

            // The shards' sinks follow the partitions'; each shard emits only the keys of its key groups, the ones a
            // checkpoint restored at another parallelism finds there.
            var owners = KeyGroups.ShardTable(KeyGroups.DefaultMaxParallelism, parallelism);
            for (var shard = 0; shard < parallelism; shard++)
            {
                foreach (var pane in ids[partitions + shard].Elements)
                {
                    Assert.Equal(shard, owners[KeyGroups.Of(Coder.Hash<int, Int32Coder>(pane.Value.Key), KeyGroups.DefaultMaxParallelism)]);
                }

                foreach (var pane in accounts[partitions + shard].Elements)
                {
                    Assert.Equal(shard, owners[KeyGroups.Of(Coder.Hash<long, Int64Coder>(pane.Value.Key), KeyGroups.DefaultMaxParallelism)]);
                }
            }

            Assert.All(ids.Take(partitions), sink => Assert.Empty(sink.Elements));
        });
}
