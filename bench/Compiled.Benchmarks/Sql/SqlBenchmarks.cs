using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Compiled.Benchmarks.EventTime;
using Compiled.Benchmarks.MultiCore;
using DuckDB.NET.Data;

namespace Compiled.Benchmarks.Sql;

/// <summary>W3's event with its event time as a time column, which TUMBLE reads.</summary>
public readonly record struct TimedEvent(int Key, int Value, Instant Ts);

/// <summary>A row of the 10,000-row dimension table: a key's region (100 regions).</summary>
public readonly record struct Dim(int Id, int Region);

/// <summary>Q1's result: per key and 60 s window, the count and the sum of values.</summary>
public readonly record struct KeyWindowRow(int Key, long Events, long Total, Instant Start);

/// <summary>Q2's result: per region, the count and the sum of the values of its keys' events.</summary>
public readonly record struct RegionRow(int Region, long Events, long Total);

/// <summary>Q1 compiled from SQL at build time.</summary>
[Pipeline]
public partial class SqlBenchQ1Pipeline
{
    static void Define(PipelineBuilder p) =>
        p.Sql<KeyWindowRow>("""
            SELECT key, COUNT(*) AS events, SUM(CAST(value AS BIGINT)) AS total, window_start AS start
            FROM events GROUP BY key, TUMBLE(ts, INTERVAL '60' SECOND)
            """, p.Create<TimedEvent>("events").AsTable("events")).Output("perKeyWindow");
}

/// <summary>Q2 compiled from SQL at build time.</summary>
[Pipeline]
public partial class SqlBenchQ2Pipeline
{
    static void Define(PipelineBuilder p) =>
        p.Sql<RegionRow>("""
            SELECT d.region, COUNT(*) AS events, SUM(CAST(e.value AS BIGINT)) AS total
            FROM events e JOIN dims d ON e.key = d.id
            GROUP BY d.region
            """, p.Create<TimedEvent>("events").AsTable("events"), p.Create<Dim>("dims").AsTable("dims")).Output("perRegion");
}

/// <summary>Q1 declared by hand as a Beam user would write it: count and sum per key in 60 s windows, one combine.</summary>
[Pipeline]
public partial class SqlBenchHandPipeline
{
    static void Define(PipelineBuilder p) =>
        p.Create<TimedEvent>("events")
         .WithTimestamps(static e => e.Ts)
         .Window(Windows.Fixed(TimeSpan.FromSeconds(60)))
         .Map(static e => KV.Of(e.Key, (long)e.Value))
         .CombinePerKey(new CountSumFn())
         .Output("perKeyWindow");
}

/// <summary>Count and sum of longs.</summary>
public readonly struct CountSumFn : ICombineFn<long, (long Count, long Sum), (long Count, long Sum)>
{
    public (long Count, long Sum) CreateAccumulator() => default;

    public void AddInput(ref (long Count, long Sum) accumulator, long input)
    {
        accumulator.Count++;
        accumulator.Sum += input;
    }

    public void MergeAccumulators(ref (long Count, long Sum) accumulator, (long Count, long Sum) other)
    {
        accumulator.Count += other.Count;
        accumulator.Sum += other.Sum;
    }

    public (long Count, long Sum) ExtractOutput((long Count, long Sum) accumulator) => accumulator;
}

/// <summary>
/// Issue 13's SQL benchmark over W3's 10,000,000 events (10,000 Zipf keys): Q1, count and sum per key per 60 s window;
/// Q2, a join with a 10,000-row dimension table, then count and sum per region. The compiled query against the same
/// work declared by hand (Q1), LINQ, and DuckDB in memory (the table loaded once, in setup), at 1 and 2 threads
/// (Compiled's parallel runner, DuckDB's <c>threads</c> setting; LINQ runs on one). Each returns a digest of its rows;
/// the setup checks that all agree.
/// </summary>
[MemoryDiagnoser]
public class SqlBenchmarks
{
    private TimedEvent[] _events = Array.Empty<TimedEvent>();
    private Dim[] _dims = Array.Empty<Dim>();
    private DuckDBConnection? _duck;

    /// <summary>Threads: 1 (single-threaded runner) or 2 (the parallel runner at parallelism 2).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount).Select(e => new TimedEvent(e.Key, e.Value, new Instant(e.Time))).ToArray();
        _dims = Enumerable.Range(0, EventData.KeyCount).Select(i => new Dim(i, (int)((uint)(i * 2654435761u) % 100))).ToArray();
        _duck = new DuckDBConnection("DataSource=:memory:");
        _duck.Open();
        Execute("CREATE TABLE events (key INTEGER, value INTEGER, ts BIGINT)");
        Execute("CREATE TABLE dims (id INTEGER, region INTEGER)");
        using (var appender = _duck.CreateAppender("events"))
        {
            foreach (var e in _events)
            {
                appender.CreateRow().AppendValue(e.Key).AppendValue(e.Value).AppendValue(e.Ts.Millis).EndRow();
            }
        }

        using (var appender = _duck.CreateAppender("dims"))
        {
            foreach (var d in _dims)
            {
                appender.CreateRow().AppendValue(d.Id).AppendValue(d.Region).EndRow();
            }
        }

        Execute("SET threads TO " + Threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ParallelBench.CheckSameResult(nameof(SqlBenchmarks) + "Q1", Threads, Q1Sql, ("Q1Hand", Q1Hand), ("Q1Linq", Q1Linq), ("Q1DuckDb", Q1DuckDb));
        ParallelBench.CheckSameResult(nameof(SqlBenchmarks) + "Q2", Threads, Q2Sql, ("Q2HandLoop", Q2HandLoop), ("Q2Linq", Q2Linq), ("Q2DuckDb", Q2DuckDb));
    }

    [GlobalCleanup]
    public void Cleanup() => _duck?.Dispose();

    private void Execute(string sql)
    {
        using var command = _duck!.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Q1 compiled from SQL.</summary>
    [Benchmark(Baseline = true)]
    public long Q1Sql()
    {
        var results = Threads == 1 ? SqlBenchQ1Pipeline.Run(_events) : SqlBenchQ1Pipeline.Run(_events, Threads);
        var digest = new Digest();
        foreach (var row in results.PerKeyWindow)
        {
            digest.Add(row.Key, row.Start.Millis, row.Events, row.Total);
        }

        return digest.Value;
    }

    /// <summary>Q1 declared by hand: one combine per key and window (combiner lifting across the exchange).</summary>
    [Benchmark]
    public long Q1Hand()
    {
        var results = Threads == 1 ? SqlBenchHandPipeline.Run(_events) : SqlBenchHandPipeline.Run(_events, Threads);
        var digest = new Digest();
        foreach (var element in results.PerKeyWindowElements)
        {
            digest.Add(element.Value.Key, element.Window.Start.Millis, element.Value.Value.Count, element.Value.Value.Sum);
        }

        return digest.Value;
    }

    /// <summary>Q1 in LINQ (one thread).</summary>
    [Benchmark]
    public long Q1Linq()
    {
        var digest = new Digest();
        foreach (var g in _events.GroupBy(e => (e.Key, Start: Math.DivRem(e.Ts.Millis, 60_000).Quotient * 60_000)))
        {
            digest.Add(g.Key.Key, g.Key.Start, g.LongCount(), g.Sum(e => (long)e.Value));
        }

        return digest.Value;
    }

    /// <summary>Q1 in DuckDB, every result row read.</summary>
    [Benchmark]
    public long Q1DuckDb()
    {
        using var command = _duck!.CreateCommand();
        command.CommandText = "SELECT key, ts // 60000 * 60000 AS start, COUNT(*), SUM(value)::BIGINT FROM events GROUP BY key, start";
        using var reader = command.ExecuteReader();
        var digest = new Digest();
        while (reader.Read())
        {
            digest.Add(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        return digest.Value;
    }

    /// <summary>Q2 compiled from SQL.</summary>
    [Benchmark]
    public long Q2Sql()
    {
        var results = Threads == 1 ? SqlBenchQ2Pipeline.Run(_events, _dims) : SqlBenchQ2Pipeline.Run(_events, _dims, Threads);
        var digest = new Digest();
        foreach (var row in results.PerRegion)
        {
            digest.Add(row.Region, 0, row.Events, row.Total);
        }

        return digest.Value;
    }

    /// <summary>
    /// Q2 as a hand-written loop (one thread): the plan the compiled query takes (count and sum per key in a
    /// Dictionary, then each key's totals added to its regions), written directly.
    /// </summary>
    [Benchmark]
    public long Q2HandLoop()
    {
        var perKey = new Dictionary<int, (long Count, long Sum)>();
        foreach (ref readonly var e in _events.AsSpan())
        {
            ref var totals = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perKey, e.Key, out _);
            totals.Count++;
            totals.Sum += e.Value;
        }

        var perRegion = new Dictionary<int, (long Count, long Sum)>();
        foreach (var d in _dims)
        {
            if (perKey.TryGetValue(d.Id, out var totals))
            {
                ref var region = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perRegion, d.Region, out _);
                region.Count += totals.Count;
                region.Sum += totals.Sum;
            }
        }

        var digest = new Digest();
        foreach (var (region, totals) in perRegion)
        {
            digest.Add(region, 0, totals.Count, totals.Sum);
        }

        return digest.Value;
    }

    /// <summary>Q2 in LINQ (one thread).</summary>
    [Benchmark]
    public long Q2Linq()
    {
        var digest = new Digest();
        foreach (var g in _events.Join(_dims, e => e.Key, d => d.Id, (e, d) => (d.Region, e.Value)).GroupBy(x => x.Region))
        {
            digest.Add(g.Key, 0, g.LongCount(), g.Sum(x => (long)x.Value));
        }

        return digest.Value;
    }

    /// <summary>Q2 in DuckDB.</summary>
    [Benchmark]
    public long Q2DuckDb()
    {
        using var command = _duck!.CreateCommand();
        command.CommandText = "SELECT d.region, COUNT(*), SUM(e.value)::BIGINT FROM events e JOIN dims d ON e.key = d.id GROUP BY d.region";
        using var reader = command.ExecuteReader();
        var digest = new Digest();
        while (reader.Read())
        {
            digest.Add(reader.GetInt32(0), 0, reader.GetInt64(1), reader.GetInt64(2));
        }

        return digest.Value;
    }

    /// <summary>An order-independent digest of result rows.</summary>
    private struct Digest
    {
        private long _rows;
        private ulong _hash;

        public void Add(int key, long start, long count, long total)
        {
            _rows++;
            var h = (ulong)key * 0x9E3779B97F4A7C15UL ^ (ulong)start * 0xC2B2AE3D27D4EB4FUL ^ (ulong)count * 0x165667B19E3779F9UL ^ (ulong)total * 0x27D4EB2F165667C5UL;
            _hash += h ^ (h >> 29);
        }

        public readonly long Value => _rows ^ (long)_hash;
    }
}
