using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Xunit;

namespace Compiled.Connectors.Tests.Servers;

/// <summary>
/// A real <c>nats-server</c> with JetStream, on a free loopback port, storing in a temporary folder; stopped and
/// removed at the end. The server is found through COMPILED_NATS_SERVER, on the PATH, or in /usr/sbin; without one the
/// tests fail (they never skip) with a message that says how to install it.
/// </summary>
public sealed class NatsServerFixture : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private Process? _process;
    private string? _dir;

    public string Url { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var server = FindServer();
        _dir = Directory.CreateTempSubdirectory("compiled-nats-").FullName;
        var port = ServerProcess.FreeLoopbackPort();
        var info = new ProcessStartInfo(server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-js", "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", _dir })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + server + ".");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ServerProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(20), () => ServerProcess.Tail(_log));
        Url = "nats://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // JetStream answers a moment after the port opens.
        await using var connection = Connect();
        var js = new NatsJSContext(connection);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await js.GetAccountInfoAsync();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public NatsConnection Connect() => new(new NatsOpts { Url = Url, Name = "compiled-connectors-tests" });

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_dir is not null)
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static string FindServer()
    {
        const string Install = "The JetStream tests need a real nats-server (2.9 or later), which is not installed: on Debian or Ubuntu run "
            + "'sudo apt-get install -y nats-server' (or download it from https://github.com/nats-io/nats-server/releases), "
            + "or set COMPILED_NATS_SERVER to its path.";
        var configured = Environment.GetEnvironmentVariable("COMPILED_NATS_SERVER");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException("COMPILED_NATS_SERVER names " + configured + ", which does not exist. " + Install);
        }

        return ServerProcess.FindOnPath("nats-server")
            ?? (File.Exists("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : null)
            ?? throw new InvalidOperationException(Install);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class NatsCollection : ICollectionFixture<NatsServerFixture>
{
    public const string Name = "nats-server";
}
