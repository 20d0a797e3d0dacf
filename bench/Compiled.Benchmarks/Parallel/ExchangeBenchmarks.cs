using System;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Compiled.Parallel;

namespace Compiled.Benchmarks.MultiCore;

/// <summary>
/// The runtime half of the parallel runner's exchange: what a key's stable hash costs (per key, for an int and for
/// short strings, with and without the key group), and how many elements per second one single-producer/single-consumer
/// channel carries between two threads.
/// </summary>
[MemoryDiagnoser]
public class ExchangeBenchmarks
{
    private const int Keys = 4096;
    private const int Elements = 10_000_000;

    private int[] _ints = Array.Empty<int>();
    private string[] _strings = Array.Empty<string>();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _ints = new int[Keys];
        _strings = new string[Keys];
        for (int i = 0; i < Keys; i++)
        {
            _ints[i] = random.Next();
            _strings[i] = "user-" + random.Next(0, 10_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture); // 6 to 12 ASCII characters
        }
    }

    /// <summary>One int key: 4 bytes, XXH3-64.</summary>
    [Benchmark(OperationsPerInvoke = Keys)]
    public ulong HashInt()
    {
        ulong result = 0;
        foreach (var key in _ints)
        {
            var hasher = new KeyHasher();
            hasher.Add(key);
            result ^= hasher.Finish();
        }

        return result;
    }

    /// <summary>One short string key: UTF-8 with its length into the hasher's buffer, XXH3-64.</summary>
    [Benchmark(OperationsPerInvoke = Keys)]
    public ulong HashShortString()
    {
        ulong result = 0;
        foreach (var key in _strings)
        {
            var hasher = new KeyHasher();
            hasher.Add(key);
            result ^= hasher.Finish();
        }

        return result;
    }

    /// <summary>An int key to its key group of 128: the hash plus the mix and range reduction.</summary>
    [Benchmark(OperationsPerInvoke = Keys)]
    public int KeyGroupOfInt()
    {
        int result = 0;
        foreach (var key in _ints)
        {
            var hasher = new KeyHasher();
            hasher.Add(key);
            result += KeyGroups.Of(hasher.Finish(), KeyGroups.DefaultMaxParallelism);
        }

        return result;
    }

    /// <summary>10,000,000 longs through one channel (batches of 1024, capacity 8): a producer thread writes, this thread reads and sums.</summary>
    [Benchmark(OperationsPerInvoke = Elements)]
    public long ChannelThroughput()
    {
        var channel = new ExchangeChannel<long>();
        var producer = new Thread(() =>
        {
            for (long i = 0; i < Elements; i++)
            {
                channel.Write(in i);
            }

            channel.Complete();
        });
        producer.Start();

        long sum = 0;
        while (channel.Read(out var batch, out _) != ExchangeItemKind.Completed)
        {
            foreach (var value in batch)
            {
                sum += value;
            }
        }

        producer.Join();
        return sum;
    }
}
