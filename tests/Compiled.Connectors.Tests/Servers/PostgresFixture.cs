using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Npgsql;
using Xunit;

namespace Compiled.Connectors.Tests.Servers;

/// <summary>
/// A private PostgreSQL cluster (initdb + pg_ctl) on a free loopback port, in a temporary folder; stopped and removed
/// at the end. PostgreSQL refuses to run as root: then the cluster belongs to the <c>postgres</c> user and its commands
/// run through <c>runuser</c>. The server binaries are found through COMPILED_POSTGRES_BIN, in /usr/lib/postgresql/*/bin
/// (Debian), or on the PATH; without them the tests fail (they never skip) with a message that says how to install them.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);
    private string? _bin;
    private string? _dir;
    private bool _started;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        _dir = ServerProcess.IsRoot
            ? (await AsServerUserAsync("mktemp", ["-d", Path.Combine(Path.GetTempPath(), "compiled-pg-XXXXXX")])).Trim()
            : Directory.CreateTempSubdirectory("compiled-pg-").FullName;
        var data = Path.Combine(_dir, "data");
        await AsServerUserAsync(Path.Combine(_bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        var port = ServerProcess.FreeLoopbackPort();
        var serverOptions = "-p " + port.ToString(CultureInfo.InvariantCulture) + " -k " + _dir
            + " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off";
        await AsServerUserAsync(Path.Combine(_bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60", "-o", serverOptions, "start"]);
        _started = true;
        ConnectionString = "Host=127.0.0.1;Port=" + port.ToString(CultureInfo.InvariantCulture) + ";Username=postgres;Database=postgres";
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }

        if (_started)
        {
            await AsServerUserAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", Path.Combine(_dir!, "data"), "-m", "immediate", "-w", "stop"]);
        }

        if (_dir is not null && Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static Task<string> AsServerUserAsync(string file, IEnumerable<string> arguments) =>
        ServerProcess.IsRoot
            ? ServerProcess.RunAsync("runuser", new[] { "-u", "postgres", "--", file }.Concat(arguments), CommandTimeout)
            : ServerProcess.RunAsync(file, arguments, CommandTimeout);

    private static string FindBinaries()
    {
        const string Install = "The PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl; version 13 or later), which are not installed: "
            + "on Debian or Ubuntu run 'sudo apt-get install -y postgresql', or set COMPILED_POSTGRES_BIN to the folder that holds initdb and pg_ctl.";
        var configured = Environment.GetEnvironmentVariable("COMPILED_POSTGRES_BIN");
        string? bin;
        if (!string.IsNullOrEmpty(configured))
        {
            bin = File.Exists(Path.Combine(configured, "initdb")) ? configured : throw new InvalidOperationException("COMPILED_POSTGRES_BIN names " + configured + ", which holds no initdb. " + Install);
        }
        else
        {
            bin = (Directory.Exists("/usr/lib/postgresql")
                    ? Directory.GetDirectories("/usr/lib/postgresql")
                        .Select(d => Path.Combine(d, "bin"))
                        .Where(d => File.Exists(Path.Combine(d, "initdb")))
                        .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                        .FirstOrDefault()
                    : null)
                ?? (ServerProcess.FindOnPath("initdb") is { } initdb ? Path.GetDirectoryName(initdb) : null)
                ?? throw new InvalidOperationException(Install);
        }

        if (ServerProcess.IsRoot && !File.Exists("/usr/sbin/runuser") && ServerProcess.FindOnPath("runuser") is null)
        {
            throw new InvalidOperationException("PostgreSQL does not run as root, and runuser (util-linux) is missing to run it as the postgres user.");
        }

        return bin;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgresql";
}
