using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Compiled.Dashboard;

namespace Compiled.Benchmarks.EventTime;

/// <summary>
/// The dashboard's cost per element: W3 generated, without a dashboard and with one at its defaults (collecting once
/// a second) while a client polls its snapshot once a second, as an open page does. The runner counts in plain fields
/// either way; what the dashboard costs is its own thread's work, once per interval, not per element: <c>dotnet run -c Release --project bench/Compiled.Benchmarks -- --filter '*W3Dashboard*' --job short</c>.
/// </summary>
[Config(typeof(EventTimeConfig))]
[MemoryDiagnoser]
public class W3Dashboard
{
    private Event[] _events = Array.Empty<Event>();
    private DashboardServer? _dashboard;
    private CancellationTokenSource? _polling;
    private Task? _poller;

    [GlobalSetup(Target = nameof(WithoutDashboard))]
    public void SetupWithout() => _events = EventData.Uniform(EventTimeBenchmark.EventCount);

    [GlobalSetup(Target = nameof(WithDashboard))]
    public void SetupWith()
    {
        _events = EventData.Uniform(EventTimeBenchmark.EventCount);
        _dashboard = DashboardServer.StartAsync(new DashboardOptions { Port = 0 }).GetAwaiter().GetResult();
        _polling = new CancellationTokenSource();
        var url = new Uri(_dashboard.Url, "api/snapshot");
        var token = _polling.Token;
        _poller = Task.Run(async () =>
        {
            using var http = new HttpClient();
            while (!token.IsCancellationRequested)
            {
                await http.GetByteArrayAsync(url, token).ConfigureAwait(false);
                await Task.Delay(1000, token).ConfigureAwait(false);
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _polling?.Cancel();
        try
        {
            _poller?.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _dashboard?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dashboard = null;
    }

    [Benchmark(Baseline = true)]
    public WindowDigest WithoutDashboard() => W3FixedCounts.Generated(_events);

    [Benchmark]
    public WindowDigest WithDashboard() => W3FixedCounts.Generated(_events);
}
