using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Compiled.Dashboard;

/// <summary>Runs the dashboard's server for the lifetime of a host; registered by <c>AddCompiledDashboard()</c>.</summary>
public sealed partial class DashboardHostedService : IHostedService, IAsyncDisposable
{
    private readonly DashboardOptions _options;
    private readonly DashboardCollector _collector;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private DashboardServer? _server;

    /// <summary>Creates the service.</summary>
    /// <param name="options">Where to listen.</param>
    /// <param name="collector">The collector, created when the dashboard was added so that it sees every runner.</param>
    /// <param name="loggerFactory">Where to log the page's address; <see langword="null"/> logs nothing.</param>
    public DashboardHostedService(DashboardOptions options, DashboardCollector collector, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collector);
        _options = options;
        _collector = collector;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<DashboardHostedService>();
    }

    /// <summary>The running server, once started.</summary>
    public DashboardServer? Server => _server;

    /// <summary>The page's address, once started.</summary>
    public Uri? Url => _server?.Url;

    /// <summary>Starts serving the page.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the server listens.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = await DashboardServer.StartAsync(_options, _collector, ownsCollector: false, _loggerFactory, cancellationToken).ConfigureAwait(false);
        LogListening(_logger, _server.Url);
        if (!IPAddress.IsLoopback(_options.Address))
        {
            LogNotLoopback(_logger, _options.Address);
        }
    }

    /// <summary>Stops serving the page.</summary>
    /// <param name="cancellationToken">Cancelled when the host's shutdown timeout expires.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server if it still runs.</summary>
    /// <returns>A task that completes when it has stopped.</returns>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    [LoggerMessage(EventId = 101, EventName = "DashboardListening", Level = LogLevel.Information, Message = "Compiled dashboard: {Url}")]
    private static partial void LogListening(ILogger logger, Uri url);

    [LoggerMessage(EventId = 102, EventName = "DashboardNotLoopback", Level = LogLevel.Warning, Message = "The Compiled dashboard listens on {Address}, not on loopback: anyone who can reach it sees the page, without authentication")]
    private static partial void LogNotLoopback(ILogger logger, IPAddress address);
}
