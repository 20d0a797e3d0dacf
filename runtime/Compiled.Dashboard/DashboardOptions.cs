using System;
using System.Net;

namespace Compiled.Dashboard;

/// <summary>Where and how often the dashboard serves a running job's page.</summary>
public sealed class DashboardOptions
{
    /// <summary>The port the dashboard listens on by default: 4040.</summary>
    public const int DefaultPort = 4040;

    /// <summary>
    /// The address the page is served on: <see cref="IPAddress.Loopback"/> (127.0.0.1) by default, so that nothing on
    /// it is reachable from other machines.
    /// </summary>
    /// <remarks>
    /// Setting another address (such as <see cref="IPAddress.Any"/>) makes the page and its JSON reachable by anyone
    /// who can reach that address, <b>without authentication</b>: the pipeline's structure, its counts, and the reasons
    /// of its dead letters (which may quote input records). Do it only on a trusted network, or behind a proxy that
    /// authenticates.
    /// </remarks>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>The port; <see cref="DefaultPort"/> by default; 0 picks a free port (see <see cref="DashboardServer.Url"/>).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>How often the metrics are collected and pushed to open pages: every second by default.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The page's title; <see langword="null"/> (the default) uses the name of the first pipeline seen.</summary>
    public string? Title { get; set; }

    /// <summary>How many of the last dead-letter reasons are kept and shown: 10 by default.</summary>
    public int DeadLetterReasonsKept { get; set; } = 10;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Address, nameof(Address));
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 0, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfLessThan(RefreshInterval, TimeSpan.FromMilliseconds(50), nameof(RefreshInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(DeadLetterReasonsKept, 0, nameof(DeadLetterReasonsKept));
    }
}
