using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Compiled.Benchmarks.EventTime;

/// <summary>Adds throughput (events per second, from the mean) and allocated bytes per event to the summary.</summary>
public sealed class EventTimeConfig : ManualConfig
{
    public EventTimeConfig()
    {
        AddColumn(new PerEventColumn(PerEventColumn.Kind.EventsPerSecond), new PerEventColumn(PerEventColumn.Kind.BytesPerEvent));
    }
}

/// <summary>A column computed per event of the workload (<see cref="EventTimeBenchmark.EventCount"/> events per operation).</summary>
public sealed class PerEventColumn : IColumn
{
    public enum Kind
    {
        EventsPerSecond,
        BytesPerEvent,
    }

    private readonly Kind _kind;

    public PerEventColumn(Kind kind) => _kind = kind;

    public string Id => "PerEvent." + _kind;

    public string ColumnName => _kind == Kind.EventsPerSecond ? "M events/s" : "Alloc/event";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)_kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _kind == Kind.EventsPerSecond
        ? "Millions of events processed per second (events per operation / mean)"
        : "Managed bytes allocated per event (allocated per operation / events per operation)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report is null)
        {
            return "NA";
        }

        if (_kind == Kind.EventsPerSecond)
        {
            var mean = report.ResultStatistics?.Mean;
            return mean is double ns && ns > 0 ? (EventTimeBenchmark.EventCount / (ns / 1e9) / 1e6).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "NA";
        }

        var bytes = report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
        return bytes is long b ? ((double)b / EventTimeBenchmark.EventCount).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " B" : "NA";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;
}

/// <summary>The event count shared by the event-time suites (and their per-event columns).</summary>
public static class EventTimeBenchmark
{
    public const int EventCount = 10_000_000;

    private static readonly System.Collections.Generic.HashSet<string> Checked = new();

    /// <summary>
    /// Checks that every variant gives the hand-written loop's digest before anything is measured (once per suite
    /// and process: with --inProcess the global setup of every case would otherwise run all variants again). Set
    /// COMPILED_BENCH_SKIP_DIGEST_CHECK=1 to skip it when measuring single rows (the test suite checks the digests).
    /// </summary>
    public static void CheckSameDigest(string suite, Event[] events, Func<Event[], WindowDigest> baseline, params (string Name, Func<Event[], WindowDigest> Run)[] variants)
    {
        if (!Checked.Add(suite) || Environment.GetEnvironmentVariable("COMPILED_BENCH_SKIP_DIGEST_CHECK") == "1")
        {
            return;
        }

        var expected = baseline(events);
        if (expected.Count == 0)
        {
            throw new InvalidOperationException($"{suite}: the hand-written loop emitted nothing");
        }

        foreach (var (name, run) in variants)
        {
            var actual = run(events);
            if (actual != expected)
            {
                throw new InvalidOperationException($"{suite} {name}: {actual}, hand-written loop: {expected}");
            }
        }
    }
}

/// <summary>W3: 10,000,000 events, fixed 60 s windows, count per key, watermark = max seen - 2 s after every event.</summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class W3
{
    private Event[] _events = Array.Empty<Event>();

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        EventTimeBenchmark.CheckSameDigest(nameof(W3), _events, W3FixedCounts.HandLoop, ("Generated", W3FixedCounts.Generated), ("Linq", W3FixedCounts.Linq), ("Rx", W3FixedCounts.Rx));
    }

    [Benchmark(Baseline = true)]
    public WindowDigest HandLoop() => W3FixedCounts.HandLoop(_events);

    [Benchmark]
    public WindowDigest Generated() => W3FixedCounts.Generated(_events);

    [Benchmark]
    public WindowDigest Linq() => W3FixedCounts.Linq(_events);

    [Benchmark]
    public WindowDigest Rx() => W3FixedCounts.Rx(_events);
}

/// <summary>W4: 10,000,000 events, sliding 60 s windows every 10 s, sum of value per key.</summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class W4
{
    private Event[] _events = Array.Empty<Event>();

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        EventTimeBenchmark.CheckSameDigest(nameof(W4), _events, W4SlidingSums.HandLoop, ("Generated", W4SlidingSums.Generated), ("Linq", W4SlidingSums.Linq), ("Rx", W4SlidingSums.Rx));
    }

    [Benchmark(Baseline = true)]
    public WindowDigest HandLoop() => W4SlidingSums.HandLoop(_events);

    [Benchmark]
    public WindowDigest Generated() => W4SlidingSums.Generated(_events);

    [Benchmark]
    public WindowDigest Linq() => W4SlidingSums.Linq(_events);

    [Benchmark]
    public WindowDigest Rx() => W4SlidingSums.Rx(_events);
}

/// <summary>W5: 10,000,000 events with per-key bursts, session windows with a 30 s gap, count per key.</summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class W5
{
    private Event[] _events = Array.Empty<Event>();

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Sessions(EventTimeBenchmark.EventCount);
        EventTimeBenchmark.CheckSameDigest(
            nameof(W5),
            _events,
            W5SessionCounts.HandWheel,
            ("HandWheelIntegerMap", W5SessionCounts.HandWheelIntegerMap),
            ("HandHeap", W5SessionCounts.HandLoop),
            ("Generated", W5SessionCounts.Generated),
            ("GeneratedBatch", W5SessionCounts.GeneratedBatch),
            ("GeneratedOneBigPush", events => W5SessionCounts.GeneratedOneBigPush(events, Compiled.Execution.Bundles.DefaultSize)),
            ("Linq", W5SessionCounts.Linq),
            ("Rx", W5SessionCounts.Rx));
    }

    /// <summary>The fair baseline: a streaming loop that evicts by watermark through a timing wheel, O(1) per event.</summary>
    [Benchmark(Baseline = true)]
    public WindowDigest HandWheel() => W5SessionCounts.HandWheel(_events);

    /// <summary>The same loop over the integer key map the generated runner's open sessions use: like for like.</summary>
    [Benchmark]
    public WindowDigest HandWheelIntegerMap() => W5SessionCounts.HandWheelIntegerMap(_events);

    /// <summary>The first hand loop: the same, with a priority queue of keys by earliest session end.</summary>
    [Benchmark]
    public WindowDigest HandHeap() => W5SessionCounts.HandLoop(_events);

    [Benchmark]
    public WindowDigest Generated() => W5SessionCounts.Generated(_events);

    /// <summary>The batch run: <c>Run</c> over the array (every session open until the end), results in memory.</summary>
    [Benchmark]
    public WindowDigest GeneratedBatch() => W5SessionCounts.GeneratedBatch(_events);

    /// <summary>One push of the whole array into a source with its own watermark, cut into bundles of the default size.</summary>
    [Benchmark]
    public WindowDigest GeneratedOneBigPush() => W5SessionCounts.GeneratedOneBigPush(_events, Compiled.Execution.Bundles.DefaultSize);

    [Benchmark]
    public WindowDigest Linq() => W5SessionCounts.Linq(_events);

    [Benchmark]
    public WindowDigest Rx() => W5SessionCounts.Rx(_events);
}

/// <summary>
/// W5 on long sessions: 10,000,000 events over 1,000 keys drawn uniformly among the active ones, each active 5 minutes
/// then idle 40 s, so a session holds hundreds of events (about 360); session windows with a 30 s gap, count per key.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class W5Long
{
    private Event[] _events = Array.Empty<Event>();

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.LongSessions(EventTimeBenchmark.EventCount);
        EventTimeBenchmark.CheckSameDigest(
            nameof(W5Long),
            _events,
            W5SessionCounts.HandWheel,
            ("HandWheelIntegerMap", W5SessionCounts.HandWheelIntegerMap),
            ("HandHeap", W5SessionCounts.HandLoop),
            ("Generated", W5SessionCounts.Generated),
            ("GeneratedOneBigPush", events => W5SessionCounts.GeneratedOneBigPush(events, Compiled.Execution.Bundles.DefaultSize)),
            ("Linq", W5SessionCounts.Linq));
    }

    [Benchmark(Baseline = true)]
    public WindowDigest HandWheel() => W5SessionCounts.HandWheel(_events);

    /// <summary>The same loop over the integer key map the generated runner's open sessions use: like for like.</summary>
    [Benchmark]
    public WindowDigest HandWheelIntegerMap() => W5SessionCounts.HandWheelIntegerMap(_events);

    [Benchmark]
    public WindowDigest HandHeap() => W5SessionCounts.HandLoop(_events);

    [Benchmark]
    public WindowDigest Generated() => W5SessionCounts.Generated(_events);

    [Benchmark]
    public WindowDigest GeneratedOneBigPush() => W5SessionCounts.GeneratedOneBigPush(_events, Compiled.Execution.Bundles.DefaultSize);
}

/// <summary>
/// W5 pushed in one call into a source with its own watermark (2 s behind the latest timestamp), by bundle size: the
/// watermark advances and triggers are evaluated after each bundle. Chooses <c>Bundles.DefaultSize</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class W5Bundles
{
    private Event[] _events = Array.Empty<Event>();

    [Params(64, 256, 1_024, 4_096, 16_384, 65_536)]
    public int BundleSize { get; set; }

    [GlobalSetup]
    public void Setup() => _events = EventData.Sessions(EventTimeBenchmark.EventCount);

    [Benchmark]
    public WindowDigest OneBigPush() => W5SessionCounts.GeneratedOneBigPush(_events, BundleSize);
}
