using System;
using BenchmarkDotNet.Attributes;

namespace Compiled.Benchmarks.EventTime;

/// <summary>Stateful dedup over W3's 10,000,000 events (value state and an event-time timer that clears it).</summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class StatefulDedup
{
    private Event[] _events = Array.Empty<Event>();

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        EventTimeBenchmark.CheckSameDigest(nameof(StatefulDedup), _events, StatefulWorkloads.DedupHandLoop, ("Generated", StatefulWorkloads.DedupGenerated));
    }

    [Benchmark(Baseline = true)]
    public WindowDigest HandLoop() => StatefulWorkloads.DedupHandLoop(_events);

    [Benchmark]
    public WindowDigest Generated() => StatefulWorkloads.DedupGenerated(_events);
}

/// <summary>Session with timeout over W3's 10,000,000 events (value states and a re-set event-time timer).</summary>
[MemoryDiagnoser]
[Config(typeof(EventTimeConfig))]
public class SessionTimeout
{
    private Event[] _events = Array.Empty<Event>();

    [GlobalSetup]
    public void Setup()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        EventTimeBenchmark.CheckSameDigest(nameof(SessionTimeout), _events, StatefulWorkloads.SessionsHandLoop, ("Generated", StatefulWorkloads.SessionsGenerated));
    }

    [Benchmark(Baseline = true)]
    public WindowDigest HandLoop() => StatefulWorkloads.SessionsHandLoop(_events);

    [Benchmark]
    public WindowDigest Generated() => StatefulWorkloads.SessionsGenerated(_events);
}
