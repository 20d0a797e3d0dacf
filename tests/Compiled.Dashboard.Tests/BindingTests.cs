using System;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Compiled.Dashboard.Tests;

/// <summary>Nothing on the page is reachable from other machines by default.</summary>
public class BindingTests
{
    [Fact(DisplayName = "By default the dashboard binds 127.0.0.1 only: its URL is loopback and the machine's other addresses refuse the port")]
    public async Task BindsLoopbackOnlyByDefault()
    {
        Assert.Equal(IPAddress.Loopback, new DashboardOptions().Address);
        await using var dashboard = await DashboardServer.StartAsync(new DashboardOptions { Port = 0 });
        Assert.Equal("127.0.0.1", dashboard.Url.Host);
        using (var http = new HttpClient())
        {
            var json = await http.GetStringAsync(new Uri(dashboard.Url, "api/snapshot"));
            using var document = JsonDocument.Parse(json);
            Assert.Equal(JsonValueKind.Object, document.RootElement.GetProperty("checkpoints").ValueKind); // a snapshot, served
        }

        var others = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();
        foreach (var address in others)
        {
            using var client = new TcpClient();
            var error = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(address, dashboard.Url.Port));
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        }
    }

    [Fact(DisplayName = "AddCompiledDashboard on a host serves the page while the host runs")]
    public async Task HostedDashboardServesThePage()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCompiledDashboard(o => o.Port = 0);
        using var host = builder.Build();
        await host.StartAsync();
        var url = host.Services.GetRequiredService<DashboardHostedService>().Url!;
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(url.Host)));
        using (var http = new HttpClient())
        {
            var page = await http.GetStringAsync(url);
            Assert.Contains("dashboard.js", page, StringComparison.Ordinal);
            var script = await http.GetAsync(new Uri(url, "dashboard.js"));
            Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        }

        await host.StopAsync();
        Assert.Null(host.Services.GetRequiredService<DashboardHostedService>().Url);
    }

    [Fact(DisplayName = "Options out of range are refused")]
    public async Task BadOptionsAreRefused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => DashboardServer.StartAsync(new DashboardOptions { Port = 70000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddCompiledDashboard(o => o.RefreshInterval = TimeSpan.Zero));
    }
}
