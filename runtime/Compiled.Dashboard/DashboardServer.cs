using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Compiled.Dashboard;

/// <summary>
/// The dashboard's web server (Kestrel, in the job's own process): serves the page, its script, the latest snapshot as
/// JSON (<c>/api/snapshot</c>) and a stream of snapshots as server-sent events (<c>/api/events</c>), and collects the
/// metrics every <see cref="DashboardOptions.RefreshInterval"/>.
/// </summary>
/// <example>
/// Without a host: start the dashboard, then create the runners it should show.
/// <code>
/// await using var dashboard = await DashboardServer.StartAsync(new DashboardOptions { Port = 0 });
/// Console.WriteLine("dashboard: " + dashboard.Url);
/// var runner = MyPipeline.CreateRunner(...);
/// </code>
/// </example>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Timer _timer;
    private readonly bool _ownsCollector;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    private DashboardServer(WebApplication app, DashboardCollector collector, bool ownsCollector, DashboardOptions options, Uri url)
    {
        _app = app;
        Collector = collector;
        _ownsCollector = ownsCollector;
        Options = options;
        Url = url;
        _timer = new Timer(static state => ((DashboardServer)state!).Tick(), this, options.RefreshInterval, options.RefreshInterval);
    }

    /// <summary>The page's address, with the port actually bound (e.g. <c>http://127.0.0.1:4040/</c>).</summary>
    public Uri Url { get; }

    /// <summary>The collector whose snapshots are served.</summary>
    public DashboardCollector Collector { get; }

    /// <summary>The dead letters shown on the page: a job records each one here.</summary>
    public DeadLetterLog DeadLetters => Collector.DeadLetters;

    /// <summary>The options the server was started with.</summary>
    public DashboardOptions Options { get; }

    /// <summary>Creates a collector and starts serving the page. Runners created from now on are shown.</summary>
    /// <param name="options">Where to listen; <see langword="null"/> for the defaults (127.0.0.1:4040).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public static Task<DashboardServer> StartAsync(DashboardOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DashboardOptions();
        options.Validate();
        return StartAsync(options, new DashboardCollector(new DeadLetterLog(options.DeadLetterReasonsKept), options.Title), ownsCollector: true, NullLoggerFactory.Instance, cancellationToken);
    }

    /// <summary>Starts serving the snapshots of an existing collector (used by the hosted service).</summary>
    internal static async Task<DashboardServer> StartAsync(
        DashboardOptions options, DashboardCollector collector, bool ownsCollector, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        options.Validate();
        // An inner web application of its own: it must not log as if it were the job's host, nor take Ctrl+C from it.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "Compiled.Dashboard" });
        builder.Services.AddSingleton<ILoggerFactory>(new WarningsOnly(loggerFactory));
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(options.Address, options.Port));
        var app = builder.Build();
        DashboardServer? server = null;
        app.Run(context => server is null ? Task.CompletedTask : server.HandleAsync(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? "http://" + FormatHost(options.Address) + ":" + options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var url = new Uri(address.EndsWith('/') ? address : address + "/");
        collector.Collect();
        server = new DashboardServer(app, collector, ownsCollector, options, url);
        return server;
    }

    /// <summary>The inner application's lifetime: no console messages, no signal handlers (the job's host has those).</summary>
    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>The inner application's loggers: warnings and errors reach the job's logs, its start-up chatter does not.</summary>
    private sealed class WarningsOnly(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
            // The job's host owns the inner factory.
        }

        private sealed class Logger(ILogger inner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => inner.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    inner.Log(logLevel, eventId, state, exception, formatter);
                }
            }
        }
    }

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();

    private void Tick()
    {
        try
        {
            Collector.Collect();
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        response.Headers.CacheControl = "no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        switch (request.Path.Value)
        {
            case "/" or "/index.html":
                await ServeResourceAsync(response, "index.html", "text/html; charset=utf-8").ConfigureAwait(false);
                break;
            case "/dashboard.js":
                await ServeResourceAsync(response, "dashboard.js", "text/javascript; charset=utf-8").ConfigureAwait(false);
                break;
            case "/dashboard.css":
                await ServeResourceAsync(response, "dashboard.css", "text/css; charset=utf-8").ConfigureAwait(false);
                break;
            case "/api/snapshot":
                response.ContentType = "application/json";
                await response.Body.WriteAsync(Collector.LatestJson(), context.RequestAborted).ConfigureAwait(false);
                break;
            case "/api/events":
                await StreamEventsAsync(context).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    private static async Task ServeResourceAsync(HttpResponse response, string name, string contentType)
    {
        await using var stream = typeof(DashboardServer).Assembly.GetManifestResourceStream("Compiled.Dashboard.wwwroot." + name);
        if (stream is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        response.ContentType = contentType;
        response.ContentLength = stream.Length;
        await stream.CopyToAsync(response.Body).ConfigureAwait(false);
    }

    /// <summary>Server-sent events: the latest snapshot now, then each new one, until the page goes away.</summary>
    private async Task StreamEventsAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var token = linked.Token;
        var sent = -1L;
        var prefix = "data: "u8.ToArray();
        var suffix = "\n\n"u8.ToArray();
        try
        {
            while (!token.IsCancellationRequested)
            {
                var version = Collector.Version;
                if (version != sent)
                {
                    sent = version;
                    await response.Body.WriteAsync(prefix, token).ConfigureAwait(false);
                    await response.Body.WriteAsync(Collector.LatestJson(), token).ConfigureAwait(false);
                    await response.Body.WriteAsync(suffix, token).ConfigureAwait(false);
                    await response.Body.FlushAsync(token).ConfigureAwait(false);
                }

                await Task.Delay(Options.RefreshInterval / 4, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed, or the server is stopping.
        }
        catch (IOException)
        {
            // The connection went away.
        }
    }

    /// <summary>Stops serving and, if the server made its collector, stops collecting.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _timer.DisposeAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        if (_ownsCollector)
        {
            Collector.Dispose();
        }
    }
}
